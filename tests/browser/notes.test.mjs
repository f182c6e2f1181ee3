// The notes map page (#/notes) in a real Chromium: pick the note with the objectives table, read an outdated
// claim and its correction, filter by status and to the claims no scenario tests yet, and follow a scenario
// link. Screenshots go to tests/browser/screenshots/notes-*.png.
//
// Run: `node --test tests/browser/notes.test.mjs` after `trunk build --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serveDist, launch, assertNoProblems, SCREENSHOTS } from './harness.mjs';

const OBJECTIVES_NOTE = '000_02edc0dc046d171c.txt';

/** A viewport-sized screenshot (the whole claims list would make a very tall image). */
async function shot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

test('notes map: outdated claim with its correction, filters, and a scenario link', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1100, height: 760 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/notes');
    await page.getByTestId('notes-summary').waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /^Study notes · Kinesis Lab$/);
    await shot(page, 'notes-summary.png');

    // The count of claims with no scenario is at the top, and agrees with the summary table's total.
    const top = await page.getByTestId('uncovered-count').innerText();
    const m = top.match(/(\d+)\s+of\s+(\d+) claims/);
    assert.ok(m, `uncovered count reads: ${top}`);
    const [uncoveredTotal, claimsTotal] = [Number(m[1]), Number(m[2])];
    assert.ok(claimsTotal >= 150, `${claimsTotal} claims`);
    assert.ok(uncoveredTotal * 10 <= claimsTotal, `${uncoveredTotal} uncovered of ${claimsTotal}`);
    const rows = page.getByTestId('notes-summary-row');
    assert.equal(await rows.count(), 5, 'one summary row per note');
    const footCells = await page.locator('[data-testid="notes-summary"] tfoot td').allInnerTexts();
    assert.deepEqual(footCells.map(Number), [claimsTotal, ...footCells.slice(1, 4).map(Number), uncoveredTotal]);
    assert.equal(Number(footCells[1]) + Number(footCells[2]) + Number(footCells[3]), claimsTotal, 'statuses add up');

    // Pick the note with the "which service for which objective" table.
    await page.getByTestId('note-select').selectOption(OBJECTIVES_NOTE);
    const examples = page.getByTestId('claim-section').filter({ has: page.getByRole('heading', { name: 'Examples', exact: true }) });
    assert.ok((await examples.getByTestId('claim').count()) >= 4, 'every row of the objectives table is a claim');
    const outdated = page.locator('[data-claim-id="n0-table-query-metrics-to-s3"]');
    await outdated.scrollIntoViewIfNeeded();
    assert.equal(await outdated.getAttribute('data-status'), 'outdated');
    assert.match(await outdated.getByTestId('status-badge').innerText(), /↻\s*Outdated/, 'icon and word, not colour alone');
    assert.match(await outdated.getByTestId('correction').innerText(), /Today:.*Managed Service for Apache Flink/s);
    // Its sources lead to AWS pages.
    const awsLinks = await outdated.locator('a[href^="https://docs.aws.amazon.com/"]').count();
    assert.ok(awsLinks >= 1, 'the correction links the AWS pages behind it');
    await shot(page, 'notes-outdated-claim.png');

    // Status filter: only wrong claims, each with a correction.
    await page.getByTestId('status-filter').selectOption('wrong');
    const wrong = page.getByTestId('claim');
    const nWrong = await wrong.count();
    assert.ok(nWrong >= 3, `${nWrong} wrong claims in note 000`);
    for (const status of await wrong.evaluateAll((els) => els.map((e) => e.dataset.status))) {
      assert.equal(status, 'wrong');
    }
    assert.equal(await page.getByTestId('correction').count(), nWrong, 'every wrong claim shows its correction');
    await page.getByTestId('status-filter').selectOption('all');

    // "No scenario yet": note 002 has some; every one shown carries the visible marker.
    await page.getByTestId('note-select').selectOption('002_19fe243d060fc2cc.txt');
    await page.getByTestId('uncovered-filter').check();
    const uncovered = page.getByTestId('claim');
    const nUncovered = await uncovered.count();
    assert.ok(nUncovered >= 1, 'note 002 has claims no scenario tests yet');
    assert.equal(await page.getByTestId('uncovered-badge').count(), nUncovered);
    for (const flag of await uncovered.evaluateAll((els) => els.map((e) => e.dataset.uncovered))) {
      assert.equal(flag, 'true');
    }
    assert.equal(await page.getByTestId('scenario-link').count(), 0, 'uncovered claims link no scenario');
    assert.match(await page.getByTestId('shown-count').innerText(), new RegExp(`^${nUncovered} claims shown`));
    await page.getByTestId('uncovered-filter').scrollIntoViewIfNeeded();
    await shot(page, 'notes-uncovered-filter.png');
    await page.getByTestId('uncovered-filter').uncheck();

    // Follow a scenario link from the objectives table's outdated row: the URL changes to the exam page.
    await page.getByTestId('note-select').selectOption(OBJECTIVES_NOTE);
    const link = page.locator('[data-claim-id="n0-table-query-metrics-to-s3"] [data-testid="scenario-link"]').first();
    const target = await link.getAttribute('href');
    assert.equal(target, '#/exam?scenario=select-query-metrics-store-s3');
    assert.match(await link.getAttribute('title'), /metric graphs/, 'the link previews the scenario');
    await link.click();
    await page.waitForURL((u) => u.hash === target, { timeout: 10_000 });
    assert.match(await page.title(), /^Exam practice · Kinesis Lab$/);
    // The exam page opens that scenario alone, in study mode.
    await page.getByTestId('exam-stem').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('exam-stem').innerText(), /metric graphs/);
    await shot(page, 'notes-linked-scenario.png');

    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
