// The Firehose page's Lambda stage, format conversion and dynamic partitioning in a real Chromium:
// (a) a learner's JavaScript transform (upper-cases a field, drops one record, fails one) on a Direct PUT
//     stream: the transformed object and processing-failed/ appear, the download has exactly the
//     transformed bytes, the script's console lines and the invocation log show; an endless loop is
//     stopped at its time limit without freezing the page, and its records go to processing-failed/
//     after the retries.
// (b) a Kinesis data stream → Firehose with Parquet conversion → S3: the object is Parquet (PAR1 at both
//     ends), previewed as binary; and a dynamically partitioned stream shows its active partitions.
// Screenshots at 1280×800 and at a projector's 1024×768 with 125% zoom.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

/** Fast-forwards until nothing is waiting for a transform and `done()` holds (a fast-forward stops while
 *  the clock waits for a script's answer, so it is pressed again). */
async function fastForwardUntil(page, done, rounds = 12) {
  for (let i = 0; i < rounds; i++) {
    await page.getByTestId('clock-waiting-transform').waitFor({ state: 'detached', timeout: 20_000 });
    if (await done()) return;
    await page.locator('#clock-ff-1h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });
  }
  assert.fail('the expected state was not reached by fast-forwarding');
}

async function newScript(page, name, source, timeLimitMs) {
  await page.locator('#fn-new').click();
  await page.locator('#fn-name').fill(name);
  await page.locator('#fn-source').fill(source);
  if (timeLimitMs) await page.locator('#fn-timeout').fill(String(timeLimitMs));
  await page.locator('#fn-save').click();
  await page.getByTestId('functions-table').getByText(name, { exact: true }).waitFor();
}

const SHOUT = `exports.handler = async (event) => ({
  records: event.records.map((r) => {
    const item = JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
    console.log('seq', item.seq);
    if (item.seq === 3) return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
    if (item.seq === 5) return { recordId: r.recordId, result: 'Dropped', data: r.data };
    item.ticker = item.ticker.toUpperCase();
    return { recordId: r.recordId, result: 'Ok', data: Buffer.from(JSON.stringify(item) + '\\n').toString('base64') };
  }),
});`;

const SPIN = `exports.handler = async (event) => { while (true) {} };`;

async function createWithTransform(page, name, functionName, bucket) {
  await page.locator('#fh-new').click().catch(() => {});
  await page.locator('#fh-create').waitFor();
  await page.locator('#fh-name').fill(name);
  await page.locator('#fh-bucket').fill(bucket);
  await page.locator('#fh-size').fill('1');
  await page.locator('#fh-interval').fill('60');
  await page.locator('#fh-delimiter').uncheck();
  await page.locator('#fh-transform').selectOption({ label: `${functionName} (script)` });
  await page.locator('#fh-create').click();
  await page.getByTestId('fh-summary').waitFor();
}

test('(a) Direct PUT → JavaScript transform → S3, processing-failed, and an endless loop stopped', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/firehose');
    await page.locator('#fh-create').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('no-functions').count(), 1);

    // The editor starts with a blueprint-style handler; replace it with one that shouts, drops and fails.
    await page.locator('#fn-new').click();
    assert.match(await page.locator('#fn-source').inputValue(), /exports\.handler = async \(event\)/);
    assert.match(await page.locator('#fn-source').inputValue(), /result: 'Ok'/);
    await page.locator('button', { hasText: 'Cancel' }).last().click();
    await newScript(page, 'shout', SHOUT);
    await createWithTransform(page, 'shouted', 'shout', 'lab-bucket');

    // Six typed records with lower-case tickers (PutRecord each).
    await page.locator('#fh-send-one').check();
    const sent = [1, 2, 3, 4, 5, 6].map((seq) => JSON.stringify({ seq, ticker: ['amzn', 'msft'][seq % 2] }));
    for (const r of sent) {
      await page.locator('#fh-typed').fill(r);
      await page.locator('#fh-send').click();
      await page.getByTestId('fh-put-result').waitFor();
    }
    await page.locator('#fh-tab-deliveries').click();
    await fastForwardUntil(page, async () => (await page.getByTestId('fh-delivery-row').count()) >= 2);

    // The script ran: its console lines and outcome, and the engine's counts (4 ok, 1 dropped, 1 failed).
    const runs = await page.getByTestId('script-runs').innerText();
    assert.match(runs, /shout for shouted, attempt 1/);
    assert.match(runs, /seq 3/);
    const log = await page.getByTestId('invocation-log').innerText();
    const counts = log.split('\n').find((l) => /shouted/.test(l));
    assert.match(counts, /\b6\s+4\s+1\s+1\b/, counts);

    // Two objects: the transformed data and processing-failed/.
    const rows = await page.getByTestId('fh-delivery-row').allInnerTexts();
    assert.ok(rows.some((r) => /processing-failed\//.test(r)), rows.join('\n'));
    const dataRow = page.getByTestId('fh-open-object').filter({ hasNotText: 'processing-failed' }).first();
    await dataRow.click();
    await page.getByTestId('s3-preview').waitFor();
    const expected = [1, 2, 4, 6].map((seq) => JSON.stringify({ seq, ticker: ['AMZN', 'MSFT'][seq % 2] }) + '\n').join('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#s3-download').click()]);
    const saved = path.join(tmpdir(), `firehose-transform-${process.pid}`);
    await download.saveAs(saved);
    assert.equal((await readFile(saved)).toString('utf8'), expected);

    // The error output, decoded: the failed record's rawData is the record as it was sent.
    await page.locator('#fh-tab-destination').click();
    await page.getByTestId('error-object').first().locator('summary').click();
    assert.match(await page.getByTestId('error-object').first().innerText(), /processing-failed/);
    assert.equal(await text(page, 'error-raw'), sent[2]);
    await screenshot(page, 'firehose-transform-1280.png');

    // An endless loop: stopped at its 300 ms limit each attempt (1 + 3 retries), the page stays usable,
    // and the record goes to processing-failed/.
    await newScript(page, 'spin', SPIN, 300);
    await createWithTransform(page, 'spinner', 'spin', 'spin-bucket');
    await page.locator('#fh-send-one').check();
    await page.locator('#fh-typed').fill('{"seq":1}');
    await page.locator('#fh-send').click();
    await page.getByTestId('fh-put-result').waitFor();
    await page.locator('#fh-tab-deliveries').click();
    await fastForwardUntil(page, async () => (await page.getByTestId('fh-delivery-row').count()) >= 1, 20);
    const started = Date.now();
    assert.equal(await page.evaluate(() => 1 + 1), 2);
    assert.ok(Date.now() - started < 1_000, 'the page answers at once');
    assert.match(await page.getByTestId('fh-delivery-row').first().innerText(), /processing-failed\//);
    const spinRuns = await page.getByTestId('script-runs').innerText();
    assert.match(spinRuns, /spin for spinner, attempt 4/);
    assert.match(spinRuns, /timed out after 300 ms/);

    // A projector: 1024×768 at 125% zoom.
    await page.setViewportSize({ width: 819, height: 614 });
    await page.locator('#fn-heading').scrollIntoViewIfNeeded();
    await screenshot(page, 'firehose-functions-projector.png');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 819 CSS px`);
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

async function run(page, line) {
  const input = page.getByTestId('term-input');
  await input.fill(line);
  await input.press('Enter');
}

test('(b) Kinesis data stream → Parquet → S3, and the partitions of a partitioned stream', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/firehose');
    await page.locator('#fh-create').waitFor({ timeout: 30_000 });
    await run(page, 'aws kinesis create-stream --stream-name trades --shard-count 1');
    await page.locator('#clock-step').click();

    await page.locator('#fh-source-kinesis').check();
    await page.locator('#fh-source-stream').selectOption('trades');
    await page.locator('#fh-name').fill('trades-parquet');
    await page.locator('#fh-bucket').fill('parquet-bucket');
    await page.locator('#fh-convert').check();
    // Conversion forces UNCOMPRESSED and a buffer of at least 64 MiB, and says why.
    assert.equal(await page.locator('#fh-size').inputValue(), '128');
    assert.match(await text(page, 'fh-convert-why'), /UNCOMPRESSED.*64 MiB/s);
    assert.equal(await page.locator('#fh-compression').count(), 0);
    await page.locator('#fh-interval').fill('60');
    await page.locator('#fh-parquet-compression').selectOption('UNCOMPRESSED');
    await screenshot(page, 'firehose-designer-parquet-1280.png');
    await page.locator('#fh-create').click();
    await page.getByTestId('fh-summary').waitFor();

    for (let seq = 1; seq <= 3; seq++) {
      await run(page, `aws kinesis put-record --stream-name trades --partition-key k --cli-binary-format raw-in-base64-out --data '{"seq":${seq},"ticker":"AMZN","price":1.5}'`);
    }
    await page.locator('#fh-tab-deliveries').click();
    await fastForwardUntil(page, async () => (await page.getByTestId('fh-delivery-row').count()) >= 1);
    const key = await page.getByTestId('fh-open-object').first().innerText();
    assert.doesNotMatch(key, /\.(parquet|gz)$/, 'Parquet objects land without an extension');
    await page.getByTestId('fh-open-object').first().click();
    await page.getByTestId('s3-preview-binary').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#s3-download').click()]);
    const saved = path.join(tmpdir(), `firehose-parquet-${process.pid}`);
    await download.saveAs(saved);
    const bytes = await readFile(saved);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PAR1');
    assert.equal(bytes.subarray(bytes.length - 4).toString('latin1'), 'PAR1');

    // A Direct PUT stream partitioned by ticker: 12 generated records over 6 tickers → 6 partitions.
    await page.locator('#fh-new').click();
    await page.locator('#fh-create').waitFor();
    await page.locator('#fh-name').fill('by-ticker');
    await page.locator('#fh-partitioning').check();
    assert.equal(await page.locator('#fh-prefix').inputValue(), 'ticker=!{partitionKeyFromQuery:ticker}/');
    await page.locator('#fh-size').fill('64');
    await page.locator('#fh-interval').fill('600');
    await page.locator('#fh-create').click();
    await page.getByTestId('fh-summary').waitFor();
    await page.locator('#fh-count').fill('12');
    await page.locator('#fh-send').click();
    assert.equal(await text(page, 'fh-failed-put-count'), '0');
    await page.locator('#clock-step').click();
    await page.locator('#fh-tab-destination').click();
    await page.getByTestId('partitions').waitFor();
    assert.equal(await page.getByTestId('partition-row').count(), 6);
    assert.match(await page.getByTestId('partitions').innerText(), /\bticker=AMZN\b/);

    await page.setViewportSize({ width: 819, height: 614 });
    await page.getByTestId('partitions').scrollIntoViewIfNeeded();
    await screenshot(page, 'firehose-partitions-projector.png');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 819 CSS px`);
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('(c) HTTP endpoint destination: requests as Firehose sends them, an outage and its retry queue', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/firehose');
    await page.locator('#fh-create').waitFor({ timeout: 30_000 });
    await page.locator('#fh-name').fill('to-http');
    await page.locator('#fh-destination').selectOption('http');
    assert.match(await text(page, 'fh-dest-ranges'), /size 1–64 MiB \(default 5\), interval 0–900 s \(default 300\)/);
    await page.locator('#fh-interval').fill('60');
    await page.locator('summary', { hasText: 'The CreateDeliveryStream request' }).click();
    const request = JSON.parse(await text(page, 'fh-request-json'));
    assert.equal(request.HttpEndpointDestinationConfiguration.EndpointConfiguration.Url, 'https://collector.example.com/ingest');
    assert.equal(request.HttpEndpointDestinationConfiguration.BufferingHints.IntervalInSeconds, 60);
    assert.equal(await page.getByTestId('fh-dry-run-error').count(), 0);
    // A value out of the model's range is answered inline before anything is sent.
    await page.locator('#fh-size').fill('65');
    await page.getByTestId('fh-dry-run-error').waitFor();
    assert.match(await text(page, 'fh-dry-run-error'), /ValidationException/);
    await page.locator('#fh-size').fill('1');
    await page.locator('#fh-create').click();
    await page.getByTestId('fh-summary').waitFor();

    await page.locator('#fh-count').fill('3');
    await page.locator('#fh-send').click();
    await page.locator('#clock-ff-1h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });
    await page.locator('#fh-tab-destination').click();
    await page.getByTestId('http-request').first().locator('summary').click();
    const req = await page.getByTestId('http-request').first().innerText();
    assert.match(req, /3 records/);
    assert.match(req, /X-Amz-Firehose-Request-Id/i);
    assert.match(req, /"seq":1/);

    // The endpoint goes down: the next batch waits in the retry queue with its error and time left.
    await page.locator('#fh-outage-target').check();
    await page.locator('#fh-tab-buffer').click();
    await page.locator('#fh-send').click();
    for (let i = 0; i < 65; i++) await page.locator('#clock-step').click();
    await page.locator('#fh-tab-destination').click();
    await page.getByTestId('retry-queue').waitFor();
    assert.match(await page.getByTestId('retry-queue').innerText(), /batch for the destination/);
    await screenshot(page, 'firehose-http-outage-1280.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('(d) Redshift, OpenSearch and Splunk destinations: the table, the index and the events as delivered', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/firehose');
    await page.locator('#fh-create').waitFor({ timeout: 30_000 });
    const create = async (name, kind, extra = async () => {}) => {
      if (await page.locator('#fh-name').count() === 0) await page.getByRole('button', { name: /New delivery stream/ }).click();
      await page.locator('#fh-name').fill(name);
      await page.locator('#fh-destination').selectOption(kind);
      await extra();
      await page.locator('#fh-interval').fill('60');
      await page.locator('#fh-create').click();
      await page.getByTestId('fh-summary').waitFor();
      await page.locator('#fh-count').fill('4');
      await page.locator('#fh-send').click();
    };
    await create('to-redshift', 'redshift');
    await create('to-opensearch', 'opensearch');
    // The Raw endpoint type takes any bytes (the Event type wants {"event": …} objects).
    await create('to-splunk', 'splunk', () => page.locator('#fh-splunk-type').selectOption('Raw'));
    await page.locator('#clock-ff-1h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });

    const open = async (name) => {
      await page.getByRole('button', { name: new RegExp(name) }).first().click();
      await page.locator('#fh-tab-destination').click();
    };
    await open('to-redshift');
    const table = await page.getByTestId('redshift-table').innerText();
    assert.match(table, /seq/);
    assert.match(table, /ticker/);
    assert.match(table, /MSFT|AMZN|AAPL|NVDA|INTC|TSLA/, 'COPY loaded the JSON records into the columns');
    await screenshot(page, 'firehose-redshift-1280.png');

    await open('to-opensearch');
    const index = await page.getByTestId('opensearch-index').first().innerText();
    assert.match(index, /"seq"/, 'documents indexed as JSON');
    assert.match(await page.locator('main').innerText(), /orders-2026-01-01/, 'OneDay rotation names the index by date');
    await screenshot(page, 'firehose-opensearch-1280.png');

    await open('to-splunk');
    const events = await page.getByTestId('splunk-events').innerText();
    assert.match(events, /"seq"/, 'Raw HEC endpoint takes the records as events');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
