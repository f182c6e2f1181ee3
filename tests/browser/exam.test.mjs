// The exam practice page (#/exam): a short timed DEA-C01 exam (answer some, flag one, review, submit, the
// score tables, a missed item gone through with its explanation), one study-mode answer by keyboard with
// its explanation focused, the history kept across a reload, and Export writing the engine's JSON.
//
// Run: `node --test tests/browser/exam.test.mjs` after `trunk build --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

/** Answers the question on screen, on purpose not always right: option 1 (only option 1 for "choose N",
 *  which is always wrong), or a number no scenario expects. */
async function answerShown(page) {
  const form = page.getByTestId('exam-question');
  const kind = await form.getAttribute('data-kind');
  if (kind === 'numeric') {
    await page.getByTestId('exam-number').fill('-12345');
  } else {
    await page.getByTestId('exam-option-0').check();
  }
  return kind;
}

test('a timed DEA-C01 exam: answer, flag, review, submit, score, go through a mistake', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  const dir = await mkdtemp(path.join(tmpdir(), 'kinesis-lab-exam-'));
  try {
    await page.goto(site.url + '#/exam');
    await page.getByTestId('exam-setup').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('not-built').count(), 0, 'the page is built, not "coming"');

    // MLS-C01 says it is retired.
    await page.locator('#exam-guide').selectOption('MLS-C01');
    await page.getByTestId('exam-retired').waitFor();
    assert.match(await page.getByTestId('exam-retired').innerText(), /retired on 31 March 2026/);

    await page.locator('#exam-guide').selectOption('DEA-C01');
    await page.getByTestId('exam-mode-timed').check();
    await page.locator('#exam-count').fill('5');
    await page.locator('#exam-minutes').fill('5');
    assert.match(await page.getByTestId('exam-matching').innerText(), /^\d+ scenarios match\./);
    await screenshot(page, 'exam-setup.png');
    await page.getByTestId('exam-start').click();

    await page.getByTestId('exam-question').waitFor();
    assert.match(await page.getByTestId('exam-clock').innerText(), /^0[45]:\d\d$/, 'a 5-minute countdown');
    assert.equal(await page.locator('.exam-map button').count(), 5);
    // Answer questions 1–3, flag question 2, leave 4 and 5 unanswered.
    for (let i = 0; i < 3; i++) {
      assert.match(await page.locator('#exam-question-heading').innerText(), new RegExp(`Question ${i + 1} of 5`));
      await answerShown(page);
      if (i === 1) {
        await page.getByTestId('exam-flag').click();
        assert.equal(await page.getByTestId('exam-flag').getAttribute('aria-pressed'), 'true');
      }
      await page.getByTestId('exam-next').click();
    }
    assert.equal(await page.getByTestId('exam-explanation').count(), 0, 'timed mode explains nothing before submitting');
    await screenshot(page, 'exam-timed-question.png');

    await page.getByTestId('exam-open-review').click();
    await page.getByTestId('exam-review').waitFor();
    assert.equal(await page.getByTestId('exam-review-counts').innerText(), '3 answered, 2 unanswered, 1 flagged.');
    assert.equal(await page.locator('[data-testid="exam-review-row"][data-flagged="true"]').count(), 1);
    assert.equal(await page.locator('[data-testid="exam-review-row"][data-answered="false"]').count(), 2);
    await screenshot(page, 'exam-review.png');
    await page.getByTestId('exam-submit').click();

    await page.getByTestId('exam-results').waitFor();
    const overall = await page.getByTestId('exam-overall').innerText();
    const m = overall.match(/^(\d) of 5 right/);
    assert.ok(m, overall);
    assert.ok(Number(m[1]) <= 3, 'two were left unanswered');
    assert.match(overall, /DEA-C01/);
    const serviceRows = page.locator('[data-testid="exam-by-service"] tbody tr');
    assert.ok((await serviceRows.count()) >= 1);
    const totals = await page.locator('[data-testid="exam-by-topic"] tbody tr td:nth-child(3)').allInnerTexts();
    assert.equal(totals.reduce((a, b) => a + Number(b), 0), 5, 'the topic table counts every question');
    await page.locator('[data-testid="exam-by-domain"]').waitFor();
    assert.match(await page.locator('[data-testid="exam-by-domain"] tbody').innerText(), /Data /, 'DEA-C01 domains');

    // A missed item (wrong if any, else unanswered) opens with its explanation.
    const wrong = page.locator('[data-testid="exam-review-item"][data-why="wrong"]');
    const item = (await wrong.count()) > 0 ? wrong.first() : page.locator('[data-testid="exam-review-item"][data-why="unanswered"]').first();
    const why = await item.getAttribute('data-why');
    await item.click();
    const explanation = page.getByTestId('exam-explanation');
    await explanation.waitFor();
    assert.equal(await page.getByTestId('exam-verdict').innerText(), why === 'wrong' ? '✗ Wrong' : 'Not answered');
    assert.match(await explanation.innerText(), /Sources/);
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'exam-result-explanation'), 'focus moves to the explanation');
    assert.ok((await page.locator('[data-testid="exam-review-item"]').count()) >= 2, 'unanswered items are listed too');
    await screenshot(page, 'exam-results.png');

    // Study mode, with the keys: a "choose two" question answered with one option (so surely wrong); the
    // explanation shows at once, explains every option and takes focus.
    await page.getByTestId('exam-new').click();
    await page.getByTestId('exam-setup').waitFor();
    await page.getByTestId('exam-mode-study').check();
    await page.locator('#exam-topic').selectOption('certifications');
    await page.locator('#exam-count').fill('1');
    await page.getByTestId('exam-start').click();
    await page.getByTestId('exam-question').waitFor();
    assert.equal(await page.getByTestId('exam-question').getAttribute('data-kind'), 'multiple');
    assert.match(await page.locator('#exam-answer-hint').innerText(), /^Choose 2 answers\.$/);
    await page.keyboard.press('2');
    assert.ok(await page.getByTestId('exam-option-1').isChecked(), 'key 2 ticks option 2');
    await page.keyboard.press('Enter');
    await page.getByTestId('exam-explanation').waitFor();
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'exam-explanation'), 'focus moves to the explanation');
    assert.equal(await page.getByTestId('exam-verdict').innerText(), '✗ Wrong');
    const options = await page.locator('.exam-why li').count();
    assert.ok(options >= 3, 'every option is listed');
    assert.equal(await page.locator('.exam-option-why').count(), options, 'and explained');
    assert.equal(await page.locator('.exam-why li.correct').count(), 2);
    await screenshot(page, 'exam-study-explanation.png');

    // A numeric question: the number and its unit, the tolerance applied by the engine, the worked answer.
    await page.getByTestId('exam-see-results').click();
    await page.getByTestId('exam-new').click();
    await page.locator('#exam-topic').selectOption('shard-math');
    await page.locator('#exam-count').fill('1');
    await page.getByTestId('exam-start').click();
    await page.getByTestId('exam-number').waitFor();
    await page.getByTestId('exam-number').fill('-12345');
    await page.getByTestId('exam-number').press('Enter');
    await page.getByTestId('exam-explanation').waitFor();
    assert.equal(await page.getByTestId('exam-verdict').innerText(), '✗ Wrong');
    assert.match(await page.getByTestId('exam-expected').innerText(), /^[\d.]+ \S+/);
    for (const href of await page.locator('[data-testid="exam-prove-it"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.match(href, /^#\/(streams|firehose)$|^#\/labs\?lab=[a-z-]+$/, 'Prove it opens a built sandbox or a lab');
    }
    await screenshot(page, 'exam-study-numeric.png');

    // A scenario about a note AWS has overtaken carries the badge and the correction.
    await page.getByTestId('exam-see-results').click();
    await page.getByTestId('exam-new').click();
    await page.locator('#exam-topic').selectOption('service-status');
    await page.locator('#exam-count').fill('1');
    await page.getByTestId('exam-start').click();
    await page.getByTestId('exam-question').waitFor();
    await answerShown(page);
    await page.getByTestId('exam-check').click();
    await page.getByTestId('exam-currency').waitFor();
    assert.match(await page.getByTestId('exam-currency').innerText(), /^(Outdated|Wrong) note$/);
    assert.match(await page.locator('.exam-correction').innerText(), /^What AWS does today: ./);

    // Reload: the four attempts are in the history.
    await page.reload();
    await page.getByTestId('exam-history').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('exam-history-row').count(), 4);
    await screenshot(page, 'exam-history.png');

    // Export: the engine's versioned progress as JSON.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('exam-export').click()]);
    const file = path.join(dir, 'exam.json');
    await download.saveAs(file);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(saved.version, 1);
    assert.equal(saved.history.length, 4);
    assert.equal(saved.history[3].questions.length, 5);
    assert.equal(saved.history[3].flagged.length, 1);

    // A file that is not progress is refused and changes nothing.
    await page.locator('#exam-import').setInputFiles({ name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 99}') });
    await page.getByTestId('exam-notice').waitFor();
    assert.match(await page.getByTestId('exam-notice').innerText(), /could not be imported/);
    assert.equal(await page.getByTestId('exam-history-row').count(), 4);

    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
