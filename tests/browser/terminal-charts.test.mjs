// The terminal (`aws kinesis …` as AWS CLI v2 prints it: output, errors, help, history, completion) and
// the live charts (drawn on a canvas, a table behind each, frozen while the clock is paused).
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

async function run(page, line) {
  const input = page.getByTestId('term-input');
  await input.fill(line);
  await input.press('Enter');
  return page.getByTestId('term-scrollback').innerText();
}

test('terminal: commands, CLI output and errors, help, history and completion', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.getByTestId('term-input').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('label[for="term-input"]').count(), 1, 'the command line is labelled');

    // The terminal and the widgets share one account: a stream made here shows in the list.
    await run(page, 'aws kinesis create-stream --stream-name term-stream --shard-count 2');
    await page.getByTestId('stream-pick').filter({ hasText: 'term-stream' }).waitFor();
    await page.locator('#clock-step').click();
    let out = await run(page, 'aws kinesis describe-stream-summary --stream-name term-stream');
    assert.match(out, /"StreamStatus": "ACTIVE"/);
    assert.match(out, /"OpenShardCount": 2/);
    assert.match(out, /"StreamCreationTimestamp": "2026-01-01T00:00:00(\.0+)?\+00:00"/, 'timestamps in ISO 8601 as CLI v2 prints them');

    out = await run(page, 'aws kinesis put-record --stream-name term-stream --partition-key k1 --data "hello from the terminal" --cli-binary-format raw-in-base64-out');
    assert.match(out, /"ShardId": "shardId-00000000000[01]"/);
    assert.match(out, /"SequenceNumber": "\d+"/);

    // A service error, worded as the CLI prints it.
    out = await run(page, 'aws kinesis describe-stream --stream-name no-such-stream');
    assert.match(out, /An error occurred \(ResourceNotFoundException\) when calling the DescribeStream operation: Stream no-such-stream under account 123456789012 not found\./);
    // A command-line error, before any call.
    out = await run(page, 'aws kinesis create-stream --shard-count 1');
    assert.match(out, /the following arguments are required: --stream-name/);

    // Firehose shares the account and the clock: a delivery stream made here is CREATING, then ACTIVE
    // once the clock moves, and takes a record.
    await run(page, 'aws firehose create-delivery-stream --delivery-stream-name term-hose --extended-s3-destination-configuration RoleARN=arn:aws:iam::123456789012:role/firehose,BucketARN=arn:aws:s3:::lab-bucket');
    await page.locator('#clock-step').click();
    out = await run(page, 'aws firehose describe-delivery-stream --delivery-stream-name term-hose');
    assert.match(out, /"DeliveryStreamStatus": "ACTIVE"/);
    out = await run(page, 'aws firehose put-record --delivery-stream-name term-hose --record Data=aGVsbG8K');
    assert.match(out, /"RecordId": "[^"]+"/);

    out = await run(page, 'aws kinesis help');
    assert.match(out, /list-shards/);
    assert.match(out, /subscribe-to-shard|split-shard/);

    // History: Up brings back the last command.
    const input = page.getByTestId('term-input');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'aws kinesis help');

    // Completion: Tab completes a unique operation name.
    await input.fill('aws kinesis list-sh');
    await input.press('Tab');
    assert.equal((await input.inputValue()).trimEnd(), 'aws kinesis list-shards');

    await screenshot(page, 'terminal.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('charts: canvas with a table behind it, frozen while paused', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('charted');
    await page.locator('#shard-count').fill('1');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor();
    await page.getByRole('tab', { name: 'Producers' }).click();
    await page.locator('#preset-hot-key').click();
    await page.locator('#add-producer').click();
    await page.getByRole('tab', { name: 'Charts' }).click();
    await page.locator('#clock-speed').selectOption('10');
    await page.locator('#clock-play').click();
    await page.waitForTimeout(1500);
    await page.locator('#clock-play').click();

    const chart = page.locator('figure.live-chart').first();
    const canvas = chart.locator('canvas');
    assert.match(await canvas.getAttribute('aria-label'), /Records in per second/);
    await chart.getByRole('button', { name: 'Table' }).click();
    assert.equal(await chart.getByRole('button', { name: 'Table' }).getAttribute('aria-pressed'), 'true');
    const rows = chart.locator('table tbody tr');
    assert.ok((await rows.count()) >= 5, 'one row per simulated second');
    // One shard under a 3,000 records/s hot key accepts exactly its limit each full second (newest first).
    const cells = await rows.first().locator('td').allInnerTexts();
    assert.deepEqual(cells.map((c) => c.replace(/[^0-9.]/g, '')), ['1000']);

    // Paused: nothing moves.
    const frozen = await chart.locator('table').innerText();
    const pixels = await canvas.evaluate((c) => c.toDataURL());
    await page.waitForTimeout(700);
    assert.equal(await chart.locator('table').innerText(), frozen);
    assert.equal(await canvas.evaluate((c) => c.toDataURL()), pixels, 'the canvas is not redrawn while paused');
    // One step adds one second.
    const before = await rows.count();
    await page.locator('#clock-step').click();
    assert.equal(await rows.count(), before + 1);
    assert.notEqual(await chart.locator('table').innerText(), frozen, 'a step moves the chart');

    await screenshot(page, 'charts.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
