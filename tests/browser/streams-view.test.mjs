// The app frame and the Streams view in a real Chromium: routes in the URL, the `?` overlay, the theme,
// the clock (play, pause, step, fast-forward), and resharding from the shard map with the lineage growing
// and a closed shard expiring once retention passes.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

test('routes, shortcuts overlay, theme and clock', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    // A deep link opens its section; sections not built yet say so.
    // (Labs is built now: Analytics is the example of a section still to come.)
    await page.goto(site.url + '#/analytics');
    await page.getByTestId('not-built').waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'not-built'), /Not built yet/);
    assert.equal(await page.locator('#nav-analytics').getAttribute('aria-current'), 'page');
    assert.match(await page.title(), /^Analytics · Kinesis Lab$/);

    // Keyboard: g then s goes to Data Streams, and the URL follows.
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.locator('#create-stream').waitFor({ timeout: 10_000 });
    assert.match(page.url(), /#\/streams$/);

    // `?` opens the shortcuts list; Escape closes it.
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-overlay').waitFor();
    assert.match(await text(page, 'shortcuts-overlay'), /Play or pause/);
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('shortcuts-overlay').count(), 0);

    // Theme cycles system → light → dark, on <html data-theme>.
    await page.locator('#theme-toggle').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.locator('#theme-toggle').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');

    // Single step: exactly one simulated second.
    assert.equal(await text(page, 'sim-clock'), '2026-01-01 00:00:00.000 UTC');
    await page.locator('#clock-step').click();
    assert.equal(await text(page, 'sim-clock'), '2026-01-01 00:00:01.000 UTC');

    // Play at 100× for a moment, then pause: time moved, and stays put once paused.
    await page.locator('#clock-speed').selectOption('100');
    await page.locator('#clock-play').click();
    assert.equal(await page.locator('#clock-play').getAttribute('aria-pressed'), 'true');
    await page.waitForTimeout(600);
    await page.locator('#clock-play').click();
    const paused = await text(page, 'sim-clock');
    assert.notEqual(paused, '2026-01-01 00:00:01.000 UTC', 'playing moved the clock');
    await page.waitForTimeout(400);
    assert.equal(await text(page, 'sim-clock'), paused, 'a paused clock stays still');

    // Fast-forward 24 hours of an empty account: the date moves by a day.
    await page.locator('#clock-ff-24h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 30_000 });
    assert.match(await text(page, 'sim-clock'), /^2026-01-02 /);

    await screenshot(page, 'frame-dark.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('split and merge on the shard map, lineage grows, closed shard expires', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('reshard-me');
    await page.locator('#shard-count').fill('1');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor();
    assert.equal(await page.getByTestId('shard-bar').count(), 1);

    // Put one record so the parent shard has something to keep until retention passes.
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('#record-data').fill('kept by the parent');
    await page.locator('#put-record').click();
    await page.getByTestId('put-result').waitFor();
    await page.getByRole('tab', { name: 'Shards & lineage' }).click();

    // Pick the shard on the map, split it at its midpoint.
    await page.locator('[data-testid="shard-bar"][data-shard-id="shardId-000000000000"]').click();
    await page.getByTestId('shard-details').waitFor();
    await page.getByRole('button', { name: 'Use midpoint' }).click();
    assert.equal(await page.locator('#split-key').inputValue(), ((1n << 127n) - 1n).toString());
    await page.locator('#split-shard').click();
    assert.match(await text(page, 'reshard-note'), /SplitShard accepted/);
    assert.equal(await text(page, 'stream-status'), 'UPDATING');
    await page.locator('#clock-step').click();
    assert.equal(await text(page, 'stream-status'), 'ACTIVE');
    assert.equal(await page.getByTestId('shard-bar').count(), 3, 'parent + two children');
    assert.equal(await text(page, 'open-shard-count'), '2');
    assert.equal(await page.locator('[data-testid="shard-row"][data-state="closed"]').count(), 1);
    assert.equal(await page.getByTestId('lineage-row').count(), 3);

    // Merge the two children back: one child with a parent and an adjacent parent.
    await page.locator('[data-testid="shard-bar"][data-shard-id="shardId-000000000001"]').click();
    await page.getByTestId('merge-button').first().click();
    assert.match(await text(page, 'reshard-note'), /MergeShards accepted/);
    await page.locator('#clock-step').click();
    assert.equal(await page.getByTestId('shard-bar').count(), 4);
    assert.equal(await text(page, 'open-shard-count'), '1');
    const lineage = await page.getByTestId('lineage-graph').getAttribute('aria-label');
    assert.match(lineage, /4 shards, 4 parent-to-child links/);

    // A day later the parent's record has passed the 24-hour retention: the closed shards have expired.
    await page.locator('#clock-ff-24h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="shard-row"][data-state="expired"]').count(), 3);
    assert.equal(await page.locator('[data-testid="shard-row"][data-state="open"]').count(), 1);

    await screenshot(page, 'reshard-lineage.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
