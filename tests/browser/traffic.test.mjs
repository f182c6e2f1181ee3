// Producers and consumers in a real Chromium: a hot-key producer overloads a one-shard stream and is
// throttled (never hidden), a split at the midpoint ends the throttling; polling, enhanced fan-out and a
// KCL worker group read the stream, and killing a KCL worker moves its leases to the survivor.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());
const number = async (locator) => Number((await locator.innerText()).replace(/[^0-9]/g, ''));

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

async function createStream(page, name, shards) {
  await page.goto(site.url + '#/streams');
  await page.locator('#create-stream').waitFor({ timeout: 30_000 });
  await page.locator('#stream-name').fill(name);
  await page.locator('#shard-count').fill(String(shards));
  await page.locator('#create-stream').click();
  await page.getByTestId('stream-summary').waitFor();
}

/** Runs the simulated clock for `simSeconds` by stepping (deterministic, independent of frame rate). */
async function runFor(page, simSeconds) {
  for (let i = 0; i < simSeconds; i++) await page.locator('#clock-step').click();
}

test('a hot-key producer is throttled, and a split ends the throttling', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await createStream(page, 'hot-stream', 1);
    await page.getByRole('tab', { name: 'Producers' }).click();
    // 1,600 records/s, one key carrying 10% of them: more than one shard's 1,000 records/s (FACTS.md §1).
    await page.locator('#producer-name').fill('skewed');
    await page.locator('#producer-rate').fill('1600');
    await page.getByLabel('One hot key').check();
    await page.locator('#key-count').fill('1000');
    await page.locator('#hot-percent').fill('10');
    await page.locator('#add-producer').click();
    await page.getByTestId('producer-card').waitFor();
    await runFor(page, 5);
    const card = page.getByTestId('producer-card');
    const throttled = await number(card.getByTestId('p-throttled'));
    assert.ok(throttled > 1500, `expected heavy throttling on one shard, got ${throttled}`);
    await card.getByTestId('p-throttling').waitFor();
    assert.match(await card.getByTestId('p-last-second').innerText(), /^1,000 accepted, 600 throttled$/);
    await screenshot(page, 'producer-throttled.png');

    // Split the shard at its midpoint: each child takes about half the keys, under 1,000 records/s each.
    await page.getByRole('tab', { name: 'Shards & lineage' }).click();
    await page.locator('[data-testid="shard-bar"][data-shard-id="shardId-000000000000"]').click();
    await page.getByRole('button', { name: 'Use midpoint' }).click();
    await page.locator('#split-shard').click();
    await runFor(page, 3);
    assert.equal(await text(page, 'open-shard-count'), '2');
    await page.getByRole('tab', { name: 'Producers' }).click();
    const before = await number(card.getByTestId('p-throttled'));
    await runFor(page, 5);
    const after = await number(card.getByTestId('p-throttled'));
    assert.equal(after, before, 'no more throttling once the load is spread over two shards');
    assert.match(await card.getByTestId('p-last-second').innerText(), /^1,600 accepted, 0 throttled$/);
    assert.equal(await card.getByTestId('p-throttling').count(), 0);
    await screenshot(page, 'producer-after-split.png');

    // Fast-forward an hour of this steady traffic: it is sampled and repeated (the clock bar says so),
    // and the producer's counts move by an hour's worth, still without throttling.
    const acceptedBefore = await number(card.getByTestId('p-accepted'));
    await page.locator('#clock-ff-1h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });
    assert.match(await page.getByTestId('ff-rate').innerText(), /steady traffic: a (\d+ ms|\d+\.\d s) sample repeated \d+×/);
    const gained = (await number(card.getByTestId('p-accepted'))) - acceptedBefore;
    assert.ok(Math.abs(gained - 1600 * 3600) <= 1600 * 2, `an hour at 1,600 records/s, got ${gained}`);
    assert.equal(await number(card.getByTestId('p-throttled')), after, 'still no throttling');
    assert.match(await card.getByTestId('p-last-second').innerText(), /^1,600 accepted, 0 throttled$/);
    await screenshot(page, 'producer-after-fast-forward.png');

    // The record browser says which records were repeated, and jumps to the newest page.
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('#browse-shard').selectOption('shardId-000000000001');
    assert.match(await page.getByTestId('browser-replicated').innerText(), /^[\d,]+ of them come from fast-forwarding steady traffic/);
    await page.getByRole('button', { name: 'Newest ▶▶' }).click();
    assert.match(await page.getByTestId('browser-count').innerText(), /page ([\d,]+) of \1 \(oldest first\)/);
    const rows = page.getByTestId('browser-row');
    assert.ok((await rows.count()) > 0);
    assert.match(await rows.last().locator('td').nth(1).innerText(), /^2026-01-01 01:00:/);
    await screenshot(page, 'records-after-fast-forward.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('polling, enhanced fan-out and a KCL worker group read; a killed worker fails over', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await createStream(page, 'read-stream', 2);
    await page.getByRole('tab', { name: 'Producers' }).click();
    await page.locator('#producer-rate').fill('200');
    await page.locator('#add-producer').click();
    await page.getByTestId('producer-card').waitFor();

    await page.getByRole('tab', { name: 'Consumers' }).click();
    await page.locator('#consumer-name').fill('poller');
    await page.locator('#add-consumer').click();
    await page.getByLabel('Enhanced fan-out (SubscribeToShard)').check();
    await page.locator('#consumer-name').fill('efo-reader');
    await page.locator('#add-consumer').click();
    await page.getByLabel('KCL worker group').check();
    await page.locator('#consumer-name').fill('kcl-app');
    await page.locator('#kcl-workers').fill('2');
    await page.locator('#add-consumer').click();
    await runFor(page, 20);

    const poller = page.locator('[data-testid="consumer-card"][data-consumer="poller"]');
    const efo = page.locator('[data-testid="consumer-card"][data-consumer="efo-reader"]');
    const kcl = page.locator('[data-testid="consumer-card"][data-consumer="kcl-app"]');
    assert.ok((await number(poller.getByTestId('c-read'))) > 2000, 'the poller has read most records');
    assert.ok((await number(efo.getByTestId('c-read'))) > 2000, 'the fan-out consumer has read most records');
    const pollLatency = await number(poller.getByTestId('c-latency'));
    const efoLatency = await number(efo.getByTestId('c-latency'));
    assert.ok(efoLatency < pollLatency, `enhanced fan-out (${efoLatency} ms) should beat 1 s polling (${pollLatency} ms)`);
    assert.equal(await poller.getByTestId('lag-row').count(), 2, 'lag per shard');

    // Two workers share two leases; kill worker-1 and its lease moves to worker-2 after the failover time.
    const leasesOf = async (worker) => number(kcl.locator(`[data-testid="kcl-worker"][data-worker="${worker}"] td.num`).first());
    assert.equal((await leasesOf('worker-1')) + (await leasesOf('worker-2')), 2);
    await kcl.locator('[data-testid="kcl-worker"][data-worker="worker-1"] [data-testid="kcl-kill"]').click();
    await runFor(page, 35);
    assert.equal(await leasesOf('worker-2'), 2, 'the survivor holds every lease');
    const owners = await kcl.locator('[data-testid="kcl-lease"] td.mono').allInnerTexts();
    assert.deepEqual(owners.filter((_, i) => i % 3 === 0), ['worker-2', 'worker-2']);
    await screenshot(page, 'consumers.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
