// The sandbox survives a reload (stored in the browser, versioned), and can be exported, reset and
// imported back; a bad file is refused with a message and changes nothing.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

test('reload keeps the sandbox; export, reset and import round-trip it', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  const dir = await mkdtemp(path.join(tmpdir(), 'kinesis-lab-export-'));
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('kept-stream');
    await page.locator('#shard-count').fill('2');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor();
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('#record-data').fill('still here after a reload');
    await page.locator('#put-record').click();
    await page.getByTestId('put-result').waitFor();
    const clock = await text(page, 'sim-clock');

    // The save happens a moment after the last change; then reload.
    await page.waitForTimeout(1500);
    await page.reload();
    await page.getByTestId('store-notice').waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'store-notice'), /restored/);
    assert.equal(await text(page, 'sim-clock'), clock, 'the simulated clock is where it was');
    assert.equal(await text(page, 'stream-name-shown'), 'kept-stream');
    await page.getByRole('tab', { name: 'Records' }).click();
    assert.match(await text(page, 'browser-count'), /^1 records stored/);

    // Export to a file.
    await page.locator('details.menu > summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#sandbox-export').click()]);
    const exported = path.join(dir, 'export.json');
    await download.saveAs(exported);
    const saved = JSON.parse(await readFile(exported, 'utf8'));
    assert.equal(saved.format, 'kinesis-lab-sandbox');
    assert.equal(saved.version, 1);

    // Reset asks once, then empties the account.
    await page.locator('#sandbox-reset').click();
    await page.locator('#sandbox-reset').click();
    await page.getByTestId('no-streams').waitFor();
    assert.equal(await text(page, 'sim-clock'), '2026-01-01 00:00:00.000 UTC');

    // A file that is not a sandbox is refused and changes nothing.
    const junk = path.join(dir, 'junk.json');
    await writeFile(junk, '{"format": "something-else", "version": 1}');
    await page.locator('#sandbox-import').setInputFiles(junk);
    await page.waitForFunction(() => /could not be imported/.test(document.querySelector('[data-testid="store-notice"]')?.textContent ?? ''));
    assert.match(await text(page, 'store-notice'), /not a Kinesis Lab sandbox/);
    await page.getByTestId('no-streams').waitFor();

    // The exported file brings everything back.
    await page.locator('#sandbox-import').setInputFiles(exported);
    await page.waitForFunction(() => /imported/.test(document.querySelector('[data-testid="store-notice"]')?.textContent ?? ''));
    await page.getByTestId('stream-pick').first().click();
    assert.equal(await text(page, 'stream-name-shown'), 'kept-stream');
    assert.equal(await text(page, 'sim-clock'), clock);

    await screenshot(page, 'persistence.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('a damaged stored sandbox is kept aside, and the page still starts', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    // A truncated save, in storage before the app starts (as after a crash mid-write).
    await page.addInitScript(() =>
      localStorage.setItem('kinesis-lab.sandbox.v1', '{"format":"kinesis-lab-sandbox","version":1,"saved_at_sim_ms":0,"payl'),
    );
    await page.goto(site.url + '#/streams');
    await page.getByTestId('store-notice').waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'store-notice'), /could not be restored/);
    assert.ok(await page.evaluate(() => localStorage.getItem('kinesis-lab.sandbox.unreadable')?.startsWith('{"format"')));
    await page.locator('#create-stream').waitFor();
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
