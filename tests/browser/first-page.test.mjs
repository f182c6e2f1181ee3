// The first page, end to end in a real Chromium: create a stream, check the partition-key explainer against
// MD5 computed here in Node, put a record, read it back, and keep a screenshot.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serveDist, launch, assertNoProblems, firstOf, screenshot } from './harness.mjs';

const HASH_KEY_MAX = (1n << 128n) - 1n;

/** AWS's ranges for a new stream of n shards: shard i covers [i·⌊2^128/n⌋, (i+1)·⌊2^128/n⌋ − 1], the last ends at 2^128 − 1. */
function uniformRanges(n) {
  const step = (1n << 128n) / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    shardId: `shardId-${String(i).padStart(12, '0')}`,
    start: BigInt(i) * step,
    end: i === n - 1 ? HASH_KEY_MAX : BigInt(i + 1) * step - 1n,
  }));
}

function md5Hex(text) {
  return createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex');
}

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

test('create a stream, route a key, put a record and read it back', async () => {
  const browser = await launch({ origin: site.origin });
  const { page, problems } = browser;
  try {
    await page.goto(site.url);
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /Kinesis Lab$/);

    // 1. Create a stream with two shards.
    const streamName = 'browser-test-stream';
    const shardCount = 2;
    await page.locator('#stream-name').fill(streamName);
    await page.locator('#shard-count').fill(String(shardCount));
    await page.locator('#create-stream').click();
    const created = await firstOf(page, ['[data-testid="stream-summary"]', '[data-testid="create-error"]']);
    if (created.includes('create-error')) {
      assert.fail(`CreateStream failed in the page: ${await text(page, 'create-error')}`);
    }
    assert.equal(await text(page, 'stream-name-shown'), streamName);
    assert.equal(await text(page, 'stream-status'), 'ACTIVE', 'the stream should be ACTIVE once the page has moved the clock');
    assert.equal(await text(page, 'open-shard-count'), String(shardCount));
    assert.match(await text(page, 'create-note'), /CREATING.*ACTIVE/s, 'the page says why the clock moved');

    // The shard table (the map as text) shows exactly AWS's ranges.
    const ranges = uniformRanges(shardCount);
    assert.equal(await page.getByTestId('shard-bar').count(), shardCount, 'one bar per shard on the map');
    await page.getByText('Shard table (the map as text)').click();
    const rows = page.getByTestId('shard-row');
    assert.equal(await rows.count(), shardCount);
    for (let i = 0; i < shardCount; i++) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-shard-id'), ranges[i].shardId);
      assert.equal((await row.getByTestId('shard-start').innerText()).trim(), ranges[i].start.toString());
      assert.equal((await row.getByTestId('shard-end').innerText()).trim(), ranges[i].end.toString());
    }

    // 2. Type a partition key, key by key (as a learner would), and check the explainer against Node's MD5.
    await page.getByRole('tab', { name: 'Records' }).click();
    const key = 'browser-key-7';
    const keyInput = page.locator('#partition-key');
    await keyInput.fill('');
    await keyInput.pressSequentially(key);
    const hex = md5Hex(key);
    const hashKey = BigInt('0x' + hex);
    const expected = ranges.find((r) => r.start <= hashKey && hashKey <= r.end);
    assert.equal(await text(page, 'md5-hex'), hex, 'MD5 hex of the partition key');
    assert.equal(await text(page, 'hash-key-decimal'), hashKey.toString(), '128-bit hash key in decimal');
    assert.equal(await text(page, 'key-shard'), expected.shardId, 'shard whose range holds the hash key');
    assert.equal(await text(page, 'key-shard-start'), expected.start.toString());
    assert.equal(await text(page, 'key-shard-end'), expected.end.toString());

    // 3. Put a record (non-ASCII on purpose: the page must send UTF-8 bytes, base64-encoded).
    const data = 'héllo from the browser ✓';
    await page.locator('#record-data').fill(data);
    await page.locator('#put-record').click();
    const put = await firstOf(page, ['[data-testid="put-result"]', '[data-testid="put-error"]']);
    if (put.includes('put-error')) {
      assert.fail(`PutRecord failed in the page: ${await text(page, 'put-error')}`);
    }
    assert.equal(await text(page, 'put-shard-id'), expected.shardId, 'PutRecord routed the record to the predicted shard');
    const sequenceNumber = await text(page, 'put-sequence-number');
    assert.match(sequenceNumber, /^\d{21,128}$/, 'SequenceNumber is a decimal string');

    // 4. Read the shard back from TRIM_HORIZON.
    assert.equal(await page.locator('#read-shard').inputValue(), expected.shardId, 'the reader points at the shard just written');
    await page.locator('#read-records').click();
    const read = await firstOf(page, ['[data-testid="record-row"]', '[data-testid="read-error"]']);
    if (read.includes('read-error')) {
      assert.fail(`GetShardIterator/GetRecords failed in the page: ${await text(page, 'read-error')}`);
    }
    const records = page.getByTestId('record-row');
    assert.equal(await records.count(), 1, 'exactly the one record put');
    assert.equal((await records.first().getByTestId('record-data').innerText()).trim(), data);
    assert.equal((await records.first().getByTestId('record-partition-key').innerText()).trim(), key);
    assert.equal((await records.first().getByTestId('record-sequence-number').innerText()).trim(), sequenceNumber);

    // Projector check: at 1280×720 and 150% zoom nothing scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 1280×720 screen at 150% zoom`);

    await screenshot(page, 'first-page.png');
    assertNoProblems(problems);
  } catch (err) {
    await screenshot(page, 'first-page-failure.png').catch(() => {});
    if (problems.length) err.message += `\n(the page also reported: ${problems.join('; ')})`;
    throw err;
  } finally {
    await browser.close();
  }
});

test('API errors are shown plainly, with the AWS error type', async () => {
  const browser = await launch({ origin: site.origin });
  const { page, problems } = browser;
  try {
    await page.goto(site.url);
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });

    // Before any stream exists the page says where to start.
    assert.match(await text(page, 'no-streams'), /No streams yet/);

    // A stream name outside [a-zA-Z0-9_.-]+ is rejected by the API with a ValidationException.
    await page.locator('#stream-name').fill('not a valid name!');
    await page.locator('#stream-name').press('Enter'); // implicit form submission, keyboard only
    await page.getByTestId('create-error').waitFor({ timeout: 15_000 });
    const message = await text(page, 'create-error');
    assert.match(message, /ValidationException/, `expected a ValidationException, got: ${message}`);
    assert.equal(await page.getByTestId('create-error').getAttribute('role'), 'alert');

    await screenshot(page, 'api-error.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('keyboard only, dark colour scheme', async () => {
  const browser = await launch({ origin: site.origin, colorScheme: 'dark' });
  const { page, problems } = browser;
  try {
    await page.goto(site.url);
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });

    // The first Tab reaches the skip link, which moves focus to the sandbox.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');

    // Every control has a label.
    for (const id of ['stream-name', 'shard-count', 'clock-speed']) {
      const labels = await page.locator(`label[for="${id}"], label:has(#${id})`).count();
      assert.ok(labels >= 1, `#${id} has a <label>`);
    }

    // Create a one-shard stream with the keyboard alone: type, then Enter submits the form.
    await page.locator('#stream-name').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('dark-stream');
    await page.keyboard.press('Tab'); // the capacity-mode radio group (one tab stop)
    await page.keyboard.press('Tab'); // the shard count
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('stream-summary').waitFor({ timeout: 15_000 });
    assert.equal(await text(page, 'stream-status'), 'ACTIVE');
    assert.equal(await page.getByTestId('shard-bar').count(), 1);

    // Tabs work with the arrow keys; the Records tab's controls are labelled.
    await page.getByRole('tab', { name: 'Shards & lineage' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Records' }).getAttribute('aria-selected'), 'true');
    for (const id of ['partition-key', 'record-data', 'read-shard']) {
      assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `#${id} has a <label>`);
    }
    assert.equal(await text(page, 'key-shard'), 'shardId-000000000000', 'one shard holds every key');

    // The clock steps forward with its button, from the keyboard.
    const before = await text(page, 'sim-clock');
    await page.locator('#clock-step').focus();
    await page.keyboard.press('Enter');
    assert.notEqual(await text(page, 'sim-clock'), before);
    assert.match(await text(page, 'sim-clock'), /^2026-01-01 00:00:02\.000 UTC$/);

    await screenshot(page, 'first-page-dark.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
