// The shard-math guided lab, end to end as a new learner would do it from the page alone: open #/labs,
// start the lab (the own sandbox is kept aside), answer the questions in the runner panel, resize `orders`
// from the terminal and `clicks` from the Shards panel, add the two producers in the Producers panel, step
// the clock, see every check met and the completion card with the score (2 API calls: the two
// UpdateShardCount calls; producers are simulated actors and are not counted), reload and find the run and
// the progress kept, leave the lab and find the own sandbox back.
// Answers come from labs/guided/shard-math.toml. Screenshots: lab-shard-math-*.png.
//
// Run: `node --test tests/browser/lab-shard-math.test.mjs` after `trunk build --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot, SCREENSHOTS } from './harness.mjs';

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

async function stepSeconds(page, n) {
  for (let i = 0; i < n; i++) await page.locator('#clock-step').click();
}

async function checkMet(page, id) {
  return (await page.locator(`[data-testid="lab-check"][data-check="${id}"]`).getAttribute('data-met')) === 'true';
}

async function answer(page, id, value) {
  await page.getByTestId(`lab-answer-${id}`).fill(String(value));
  await page.getByTestId(`lab-answer-${id}-submit`).click();
  return text(page, `lab-feedback-${id}`);
}

async function addProducer(page, { name, rate, bytes, hot }) {
  await page.getByRole('tab', { name: 'Producers' }).click();
  await page.locator('#producer-name').fill(name);
  await page.locator('#producer-rate').fill(String(rate));
  await page.locator('#fixed-record-bytes').fill(String(bytes));
  await page.locator('#use-fixed-size').click();
  assert.equal((await page.locator('#producer-template').inputValue()).length, bytes, 'the template is now exactly that many bytes');
  if (hot) {
    await page.getByLabel('One hot key').check();
    await page.locator('#key-count').fill(String(hot.keys));
    await page.locator('#hot-percent').fill(String(hot.percent));
  }
  await page.locator('#add-producer').click();
  await page.locator(`[data-testid="producer-card"][data-producer="${name}"]`).waitFor();
}

test('a new learner completes shard-math from the page, and progress survives a reload', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1500, height: 900 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    // The learner's own sandbox: one stream, to be kept aside during the lab.
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('my-own-stream');
    await page.locator('#shard-count').fill('1');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor();

    // 1. The labs page lists shard-math with its facts, objectives and sources.
    await page.goto(site.url + '#/labs');
    const card = page.locator('[data-testid="lab-card"][data-lab="shard-math"]');
    await card.waitFor({ timeout: 30_000 });
    const cardText = await card.innerText();
    assert.match(cardText, /Shard math: size a stream from its traffic/);
    assert.match(cardText, /Data Streams/);
    assert.match(cardText, /Foundation/);
    assert.match(cardText, /about 25 min/);
    assert.match(cardText, /FACTS §1 Writes/);
    assert.match(await card.getByTestId('lab-progress').innerText(), /Not completed yet/);

    // #/labs?lab=shard-math shows that card alone.
    await page.goto(site.url + '#/labs?lab=shard-math');
    await page.getByTestId('all-labs-link').waitFor();
    assert.equal(await page.getByTestId('lab-card').count(), 1);

    // 2. Start, with a confirmation: the lab's sandbox replaces the learner's.
    await card.getByTestId('lab-start').click();
    await card.getByTestId('lab-start-confirm').waitFor();
    await screenshot(page, 'lab-shard-math-confirm.png');
    await card.getByTestId('lab-start-confirm-button').click();
    const runner = page.getByTestId('lab-runner');
    await runner.waitFor();
    assert.equal(new URL(page.url()).hash, '#/streams');
    const checks = page.getByTestId('lab-check');
    assert.equal(await checks.count(), 9);
    assert.equal(await page.locator('[data-testid="lab-check"][data-met="true"]').count(), 0, 'nothing is met at the start');
    assert.equal(await text(page, 'lab-api-calls'), '0');
    assert.equal(await page.locator('[data-testid="stream-pick"]', { hasText: 'my-own-stream' }).count(), 0, 'own sandbox put aside');
    assert.equal(await text(page, 'stream-name-shown'), 'orders', 'the lab opens on its first stream');

    // Beside the sandbox on a wide screen.
    const runnerBox = await runner.boundingBox();
    const mainBox = await page.locator('.lab-frame-main').boundingBox();
    assert.ok(runnerBox.x > mainBox.x + mainBox.width - 1, 'the runner panel sits to the right of the sandbox');

    // 3. The questions, from the page's text (a wrong answer first).
    assert.match(await answer(page, 'read-bandwidth-shards', 4), /Not right yet/);
    assert.equal(await checkMet(page, 'read-bandwidth-answer'), false);
    assert.match(await answer(page, 'write-bandwidth-shards', 3), /Right/);
    assert.match(await answer(page, 'record-rate-shards', 3), /Right/);
    assert.match(await answer(page, 'read-bandwidth-shards', 5), /Right/);
    assert.match(await answer(page, 'shards-needed', 5), /Right/);
    assert.match(await answer(page, 'efo-shards', 3), /Right/);
    assert.equal(await checkMet(page, 'read-bandwidth-answer'), true, 'answer checks are live');
    await page.getByTestId('lab-answer-why-hot-key-0').check();
    await page.getByTestId('lab-answer-why-hot-key-submit').click();
    assert.match(await text(page, 'lab-feedback-why-hot-key'), /Right/);
    assert.match(await text(page, 'lab-announcer'), /Check met: Why the hot key is throttled/);

    // A hint, revealed one at a time.
    await page.getByTestId('lab-hint').click();
    assert.equal(await page.getByTestId('lab-hints').locator('li').count(), 1);

    // 4. Resize orders from the terminal: one learner API call.
    await page.getByTestId('term-input').fill(
      'aws kinesis update-shard-count --stream-name orders --target-shard-count 5 --scaling-type UNIFORM_SCALING',
    );
    await page.getByTestId('term-input').press('Enter');
    await page.getByTestId('term-scrollback').getByText('"TargetShardCount": 5').waitFor();
    assert.equal(await text(page, 'lab-api-calls'), '1');
    await stepSeconds(page, 5);
    assert.equal(await checkMet(page, 'orders-resized'), true, `orders resized: ${await page.locator('[data-check="orders-resized"]').innerText()}`);

    // Reload mid-lab: the run (answers, hint, call count) and the resized stream are still there.
    await page.waitForTimeout(1500); // the sandbox autosaves a moment after the last change (paused clock)
    await page.reload();
    await page.getByTestId('lab-runner').waitFor({ timeout: 30_000 });
    assert.equal(await text(page, 'lab-api-calls'), '1');
    assert.equal(await page.getByTestId('lab-answer-shards-needed').inputValue(), '5');
    assert.equal(await page.getByTestId('lab-hints').locator('li').count(), 1);
    assert.equal(await checkMet(page, 'orders-resized'), true);
    assert.equal(await checkMet(page, 'shards-needed-answer'), true);
    assert.equal(await page.locator('[data-testid="lab-check"][data-met="true"]').count(), 7);

    // Narrow screen (projector): the panel sits above the sandbox.
    await page.setViewportSize({ width: 853, height: 480 });
    await runner.waitFor();
    const r = await runner.boundingBox();
    const m = await page.locator('.lab-frame-main').boundingBox();
    assert.ok(r.y + r.height <= m.y + 1, 'the runner panel is above the sandbox on a narrow screen');
    await screenshot(page, 'lab-shard-math-narrow.png');
    await page.setViewportSize({ width: 1500, height: 900 });

    // 5. clicks: two shards from the Shards panel (a second API call), then the hot-key producer.
    await page.locator('[data-testid="stream-pick"]', { hasText: 'clicks' }).click();
    await page.getByRole('tab', { name: 'Shards & lineage' }).click();
    await page.locator('#target-shard-count').fill('2');
    await page.locator('#update-shard-count').click();
    await page.getByTestId('reshard-note').waitFor();
    assert.equal(await text(page, 'lab-api-calls'), '2');
    await stepSeconds(page, 3);
    await addProducer(page, { name: 'hot', rate: 1200, bytes: 200, hot: { keys: 10, percent: 95 } });

    // The producer step 4 asks for on orders: 3,000 records/s of 900 bytes, random keys.
    await page.locator('[data-testid="stream-pick"]', { hasText: 'orders' }).click();
    await addProducer(page, { name: 'load', rate: 3000, bytes: 900 });
    assert.equal(await text(page, 'lab-api-calls'), '2', 'simulated producers are not learner calls');

    // Play the clock (fast) for more than a minute, as a learner would.
    await page.locator('#clock-speed').selectOption('50');
    await page.locator('#clock-play').click();

    // 6. Every check met; the completion card with the score.
    await page.getByTestId('lab-complete').waitFor({ timeout: 400_000 });
    // The clock keeps playing until the lab is left: a paused sandbox this big would be autosaved, which
    // is slow in a debug build and not what this test is about.
    for (let i = 0; i < 9; i++) {
      const c = checks.nth(i);
      assert.equal(await c.getAttribute('data-met'), 'true', `check not met: ${await c.innerText()}`);
    }
    assert.match(await text(page, 'lab-score'), /^2 API calls?/);
    assert.match(await text(page, 'lab-announcer'), /Lab complete/);
    assert.equal(await runner.evaluate((el) => el.scrollTop), 0, 'the panel shows its completion card');
    await runner.screenshot({ path: `${SCREENSHOTS}/lab-shard-math-runner-complete.png` });
    await screenshot(page, 'lab-shard-math-complete-wide.png');
    await page.goto(site.url + '#/labs');
    await page.getByTestId('lab-active-banner').waitFor();
    assert.match(
      await page.locator('[data-testid="lab-card"][data-lab="shard-math"]').getByTestId('lab-progress').innerText(),
      /Completed · best: 2 API calls?/,
    );

    // 8. Leave the lab: the learner's own sandbox comes back.
    await page.goto(site.url + '#/streams');
    await page.getByTestId('lab-leave').click();
    await page.getByTestId('lab-leave-confirm').click();
    await page.getByTestId('labs-notice').waitFor();
    assert.match(await text(page, 'labs-notice'), /your own sandbox is back/);
    await page.locator('#clock-play').click(); // pause
    await page.goto(site.url + '#/streams');
    await page.locator('[data-testid="stream-pick"]', { hasText: 'my-own-stream' }).waitFor();
    assert.equal(await page.getByTestId('lab-runner').count(), 0);

    // 9. Reload: the progress is kept.
    await page.goto(site.url + '#/labs');
    await page.reload();
    const after = page.locator('[data-testid="lab-card"][data-lab="shard-math"]').getByTestId('lab-progress');
    await after.waitFor({ timeout: 30_000 });
    assert.match(await after.innerText(), /Completed · best: 2 API calls?/);
    assert.equal(await page.getByTestId('lab-active-banner').count(), 0);
    assertNoProblems(problems);
  } catch (err) {
    await screenshot(page, 'lab-shard-math-failure.png').catch(() => {});
    if (problems.length) err.message += `\n(the page also reported: ${problems.join('; ')})`;
    throw err;
  } finally {
    await browser.close();
  }
});

test('lab progress: import, export, refused files and reset on #/labs', async () => {
  const browser = await launch({ origin: site.origin });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/labs');
    const progress = page.locator('[data-testid="lab-card"][data-lab="shard-math"]').getByTestId('lab-progress');
    await progress.waitFor({ timeout: 30_000 });
    assert.match(await progress.innerText(), /Not completed yet/);

    const file = (name, body) => ({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    const good = {
      kind: 'kinesis-lab/lab-progress',
      version: 1,
      labs: {
        'shard-math': { completed: true, best_score: 3, best_score_text: '3 API calls', score_rule: 'fewest_api_calls', hints_used: 1, completions: 1 },
      },
    };
    await page.locator('#lab-progress-import').setInputFiles(file('p.json', JSON.stringify(good)));
    await page.getByTestId('labs-notice').filter({ hasText: 'imported' }).waitFor();
    assert.match(await progress.innerText(), /Completed · best: 3 API calls/);

    // Export gives the same progress back.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('lab-progress-export').click()]);
    const exported = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
    assert.deepEqual(exported, good);

    // A damaged file and one from a newer version are refused, and nothing changes.
    await page.locator('#lab-progress-import').setInputFiles(file('bad.json', '{not json'));
    await page.getByTestId('labs-notice').filter({ hasText: 'damaged' }).waitFor();
    await page.locator('#lab-progress-import').setInputFiles(file('new.json', JSON.stringify({ ...good, version: 99 })));
    await page.getByTestId('labs-notice').filter({ hasText: 'newer Kinesis Lab' }).waitFor();
    assert.match(await progress.innerText(), /Completed · best: 3 API calls/);
    await screenshot(page, 'lab-progress-refused.png');

    // Reset asks first.
    await page.getByTestId('lab-progress-reset').click();
    assert.match(await page.getByTestId('lab-progress-reset').innerText(), /Really reset/);
    await page.getByTestId('lab-progress-reset').click();
    assert.match(await progress.innerText(), /Not completed yet/);
    await page.reload();
    await progress.waitFor({ timeout: 30_000 });
    assert.match(await progress.innerText(), /Not completed yet/, 'the reset was saved');
    assertNoProblems(problems);
  } catch (err) {
    await screenshot(page, 'lab-progress-failure.png').catch(() => {});
    throw err;
  } finally {
    await browser.close();
  }
});

// Show solution marks the run as assisted and lists the reference solution's steps; Reset (confirmed) puts
// the lab back to its start state: no answers, no hints, no calls, the resize undone, solution hidden.
test('lab runner: show the solution, then reset the lab', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1500, height: 900 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/labs?lab=shard-math');
    const card = page.locator('[data-testid="lab-card"][data-lab="shard-math"]');
    await card.waitFor({ timeout: 30_000 });
    await card.getByTestId('lab-start').click();
    await card.getByTestId('lab-start-confirm-button').click();
    await page.getByTestId('lab-runner').waitFor({ timeout: 30_000 });

    assert.match(await answer(page, 'write-bandwidth-shards', 3), /Right/);
    await page.getByTestId('lab-hint').click();
    await page.getByTestId('term-input').fill(
      'aws kinesis update-shard-count --stream-name orders --target-shard-count 5 --scaling-type UNIFORM_SCALING',
    );
    await page.getByTestId('term-input').press('Enter');
    await page.getByTestId('term-scrollback').getByText('"TargetShardCount": 5').waitFor();
    await stepSeconds(page, 5);
    assert.equal(await text(page, 'lab-api-calls'), '1');
    assert.equal(await checkMet(page, 'orders-resized'), true);

    // Show solution asks first, then shows the reference steps and says the run is assisted.
    assert.equal(await page.getByTestId('lab-solution').count(), 0);
    await page.getByTestId('lab-show-solution').click();
    await page.getByTestId('lab-solution-confirm').click();
    const solution = page.getByTestId('lab-solution');
    await solution.waitFor();
    assert.match(await solution.innerText(), /update-shard-count --stream-name orders --target-shard-count 5/);
    await screenshot(page, 'lab-shard-math-solution.png');

    // Reset asks first, then starts the lab afresh.
    await page.getByTestId('lab-reset').click();
    await page.getByTestId('lab-reset-confirm').click();
    await page.getByTestId('lab-runner').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="lab-api-calls"]')?.textContent.trim() === '0');
    assert.equal(await page.getByTestId('lab-answer-write-bandwidth-shards').inputValue(), '');
    assert.equal(await page.getByTestId('lab-hints').locator('li').count(), 0);
    assert.equal(await page.getByTestId('lab-solution').count(), 0, 'a fresh run is not assisted');
    assert.equal(await checkMet(page, 'orders-resized'), false, 'orders is back to its start state');
    assert.equal(await page.locator('[data-testid="lab-check"][data-met="true"]').count(), 0);
    await screenshot(page, 'lab-shard-math-reset.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
