// The cost calculator (#/pricing) in a real Chromium: change the traffic and see the bills follow (totals
// recomputed here from FACTS.md §5's rates, independently of the engine), open a line's arithmetic with the
// keyboard, edit a rate and see the "as of" date say so, see a negative or non-numeric rate refused, reset,
// and see a workload error inline. Screenshots: pricing.png (projector size), pricing-narrow.png.
//
// Run: `node --test tests/browser/pricing.test.mjs` after `trunk build --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot, SCREENSHOTS } from './harness.mjs';

// FACTS.md §5, us-east-1, as of 2026-11 (the published rates the page starts with).
const RATES = {
  shardHour: 0.015,
  putMillion: 0.014,
  odStreamHour: 0.04,
  odInGb: 0.08,
  odOutGb: 0.04,
  firehoseTier1Gb: 0.029,
};
const HOURS = 730;
const SECONDS = HOURS * 3600;
const GB = 2 ** 30;

const usd = (x) => '$' + (Math.round(x * 100) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The three bills for `records` records/s of `bytes` bytes, one classic consumer, 24 h retention. */
function expected(records, bytes, shardHour = RATES.shardHour) {
  const perMonth = records * SECONDS;
  const shards = Math.max(
    Math.ceil((records * bytes) / (1000 * 1024)),
    Math.ceil((records * bytes) / (2000 * 1024)),
    Math.ceil(records / 1000),
    1,
  );
  const provisioned = shards * HOURS * shardHour + ((perMonth * Math.ceil(bytes / (25 * 1024))) / 1e6) * RATES.putMillion;
  const onDemand =
    HOURS * RATES.odStreamHour +
    ((perMonth * Math.ceil(bytes / 1024) * 1024) / GB) * RATES.odInGb +
    ((perMonth * bytes) / GB) * RATES.odOutGb;
  const firehose = ((perMonth * Math.ceil(bytes / 5120) * 5120) / GB) * RATES.firehoseTier1Gb;
  return { shards, provisioned: usd(provisioned), onDemand: usd(onDemand), firehose: usd(firehose) };
}

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

test('bills follow the traffic, rates are editable with their date, bad rates are refused', async () => {
  const browser = await launch({ origin: site.origin });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/pricing');
    await page.getByTestId('bill-provisioned-total').waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /^Cost calculator/);
    assert.equal(await page.locator('#nav-pricing').getAttribute('aria-current'), 'page');

    // Default workload: 1,000 records/s of 1,024 bytes, one classic consumer, 24 h.
    let e = expected(1000, 1024);
    assert.equal(await text(page, 'bill-provisioned-total'), e.provisioned);
    assert.equal(await text(page, 'bill-on-demand-total'), e.onDemand);
    assert.equal(await text(page, 'bill-firehose-total'), e.firehose);
    assert.equal(await text(page, 'sizing-shards'), String(e.shards));
    assert.match(await text(page, 'bill-provisioned-as-of'), /2026-11/);

    // Change the traffic: 5,000 records/s of 3,000 bytes.
    await page.getByLabel('Records per second', { exact: true }).fill('5000');
    await page.getByLabel('Bytes per record', { exact: true }).fill('3000');
    e = expected(5000, 3000);
    assert.equal(await text(page, 'sizing-shards'), String(e.shards));
    assert.equal(await text(page, 'bill-provisioned-total'), e.provisioned);
    assert.equal(await text(page, 'bill-on-demand-total'), e.onDemand);
    assert.equal(await text(page, 'bill-firehose-total'), e.firehose);

    // The arithmetic is one click (here: one key press) away.
    const shardLine = page.getByTestId('bill-provisioned').locator('[data-label="Shard hours"]');
    const arithmetic = shardLine.getByTestId('bill-arithmetic');
    assert.equal(await arithmetic.isVisible(), false, 'closed until asked for');
    await shardLine.locator('summary').focus();
    await page.keyboard.press('Enter');
    await arithmetic.waitFor({ state: 'visible' });
    const shardHours = (e.shards * HOURS).toLocaleString('en-US');
    assert.match(await arithmetic.innerText(), new RegExp(`${e.shards} shard\\(s\\) × 730 h = ${shardHours} shard-hours × \\$0\\.015 per shard-hour`));

    // Edit a rate: shard hours at $0.03. The bill changes and the "as of" date says a rate was edited.
    const shardRate = page.getByTestId('rate-input-provisioned_shard_hour_usd');
    await shardRate.fill('0.03');
    const edited = expected(5000, 3000, 0.03);
    assert.equal(await text(page, 'bill-provisioned-total'), edited.provisioned);
    assert.match(await text(page, 'rates-as-of'), /as of 2026-11 — 1 edited by you/);
    assert.match(await text(page, 'bill-provisioned-as-of'), /Rates as of 2026-11, 1 rate\(s\) edited by you/);

    // A negative rate is refused inline, and the bill keeps the last valid rate.
    await shardRate.fill('-1');
    const rateError = page.locator('[data-field="provisioned_shard_hour_usd"]').getByTestId('rate-error');
    assert.match(await rateError.innerText(), /Refused: rate provisioned_shard_hour_usd is negative \(-1\).*Still using \$0\.03/s);
    assert.equal(await shardRate.getAttribute('aria-invalid'), 'true');
    assert.equal(await text(page, 'bill-provisioned-total'), edited.provisioned);
    await page.locator('[data-field="provisioned_shard_hour_usd"]').screenshot({ path: `${SCREENSHOTS}/pricing-refused-rate.png` });
    // And so is text that is not a number.
    await shardRate.fill('cheap');
    assert.match(await rateError.innerText(), /Refused: "cheap" is not a number of dollars/);
    assert.equal(await text(page, 'bill-provisioned-total'), edited.provisioned);

    // Reset to published rates: the input, the date and the bill come back.
    await page.getByTestId('rates-reset').click();
    assert.equal(await page.getByTestId('rate-input-provisioned_shard_hour_usd').inputValue(), '0.015');
    assert.doesNotMatch(await text(page, 'rates-as-of'), /edited/);
    assert.equal(await text(page, 'bill-provisioned-total'), e.provisioned);
    assert.equal(await page.getByTestId('rate-error').filter({ hasText: /./ }).count(), 0, 'no error left');

    // The latency goal: one classic consumer (~200 ms) misses 100 ms; moving it to enhanced fan-out meets it.
    await page.getByLabel('Latency goal', { exact: true }).fill('100');
    assert.match(await text(page, 'compare-verdict'), /Cheapest within 100 ms: .*enhanced fan-out/);
    await page.getByLabel('Latency goal', { exact: true }).fill('200');
    assert.match(await text(page, 'compare-verdict'), /Cheapest within 200 ms: /);
    const best = page.locator('[data-testid="compare-row"][data-best="true"]');
    assert.equal(await best.count(), 1);

    // A workload outside AWS's bounds is refused beside its input.
    await page.getByLabel('Retention', { exact: true }).fill('10');
    assert.match(await text(page, 'pricing-retention-error'), /retention of 10 h is outside 24–8,760 h/);
    await page.getByTestId('bills-blocked').waitFor();
    await page.getByLabel('Retention', { exact: true }).fill('48');
    await page.getByTestId('bill-provisioned-total').waitFor();
    assert.equal(
      await page.getByTestId('bill-provisioned').locator('[data-label="Extended retention (24 h to 7 days)"]').count(),
      1,
      'retention above 24 h adds the extended-retention line',
    );

    // Every bill number is right-aligned.
    const align = await page.getByTestId('bill-line-cost').first().evaluate((el) => getComputedStyle(el).textAlign);
    assert.equal(align, 'right');

    // Projector check: nothing scrolls sideways at 1280×720, 150 %.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await screenshot(page, 'pricing.png');
    // Close-ups at projector size, to look at (the full page is long).
    await page.getByTestId('bill-provisioned').screenshot({ path: `${SCREENSHOTS}/pricing-bill-projector.png` });
    await page.locator('section[aria-labelledby="pricing-workload-heading"]').screenshot({ path: `${SCREENSHOTS}/pricing-form-projector.png` });
    assertNoProblems(problems);
  } catch (err) {
    await screenshot(page, 'pricing-failure.png').catch(() => {});
    if (problems.length) err.message += `\n(the page also reported: ${problems.join('; ')})`;
    throw err;
  } finally {
    await browser.close();
  }
});

test('the Streams view links to the calculator with its shard count', async () => {
  const browser = await launch({ origin: site.origin });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('priced');
    await page.locator('#shard-count').fill('4');
    await page.locator('#create-stream').click();
    await page.getByTestId('price-this-stream').click();
    await page.getByTestId('bill-provisioned-total').waitFor();
    assert.equal(await page.getByLabel('Shards (provisioned)', { exact: true }).inputValue(), '4');
    assert.match(await text(page, 'sizing-chosen'), /You set 4 shard\(s\)/);
    // 4 shards × 730 h × $0.015 + 2,628 million PUT units × $0.014 (default traffic).
    assert.equal(await text(page, 'bill-provisioned-total'), usd(4 * 730 * 0.015 + 2628 * 0.014));
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('wide screen: the three bills side by side', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/pricing');
    await page.getByTestId('bill-provisioned-total').waitFor({ timeout: 30_000 });
    const tops = await Promise.all(
      ['bill-provisioned', 'bill-on-demand', 'bill-firehose'].map((id) =>
        page.getByTestId(id).evaluate((el) => Math.round(el.getBoundingClientRect().top)),
      ),
    );
    assert.ok(tops.every((t) => t === tops[0]), `bills on one row: tops ${tops}`);
    await screenshot(page, 'pricing-wide.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
