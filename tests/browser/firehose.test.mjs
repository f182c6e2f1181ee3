// The Firehose sandbox in a real Chromium: design a Direct PUT delivery stream (live key preview, an
// invalid prefix answered with AWS's error, a refused buffer size), send records, watch the buffer gauges,
// move the clock until the interval writes an object, open it in the S3 browser, preview it and download
// it (the bytes gunzip to exactly the records sent), update the destination (the version goes up), the
// charts' tables; and the Streams view's "Deliver this stream to S3 with Firehose" pipeline, whose
// delivery stream refuses Direct PUT. Screenshots at 1280×800 and at a projector's 1024×768 with 125% zoom.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

const text = (page, testid) => page.getByTestId(testid).first().innerText().then((t) => t.trim());

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

/** The records the page generates (src/viz/firehose.rs `sample_records`), written independently here. */
function sampleRecord(n) {
  const tickers = ['AMZN', 'AAPL', 'MSFT', 'NVDA', 'INTC', 'TSLA'];
  const cents = 10_000 + ((n * 7_919) % 90_000);
  return `{"seq":${n},"ticker":"${tickers[n % 6]}","price":${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}}`;
}

test('Direct PUT: design, send, deliver on the interval, preview and download from S3, update', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/firehose');
    await page.locator('#fh-create').waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /^Firehose · Kinesis Lab$/);
    assert.equal(await page.getByTestId('no-delivery-streams').count(), 1);

    // The key preview follows the prefix, evaluated at the simulated clock (2026-01-01 00:00:00 UTC).
    await page.locator('#fh-name').fill('clicks');
    await page.locator('#fh-bucket').fill('lab-bucket');
    assert.match(await text(page, 'fh-key-preview-key'), /^2026\/01\/01\/00\/clicks-1-2026-01-01-00-00-00-[0-9a-f-]{36}$/);
    // A prefix with expressions but no ErrorOutputPrefix: AWS's InvalidArgumentException, inline.
    await page.locator('#fh-prefix').fill('raw/!{timestamp:yyyy/MM/dd}/');
    assert.match(await text(page, 'fh-key-preview-error'), /^InvalidArgumentException: ErrorOutputPrefix cannot be null or empty/);
    await page.locator('#fh-error-prefix').fill('errors/!{firehose:error-output-type}/');
    assert.match(await text(page, 'fh-key-preview-key'), /^raw\/2026\/01\/01\/clicks-1-2026-01-01-00-00-00-/);
    await page.locator('#fh-compression').selectOption('GZIP');
    assert.match(await text(page, 'fh-key-preview-key'), /\.gz$/);

    // A buffer size out of the model's range: refused by the API with the validation text.
    await page.locator('#fh-size').fill('0');
    await page.locator('#fh-interval').fill('60');
    await page.locator('#fh-create').click();
    assert.match(await text(page, 'fh-create-error'), /ValidationException.*sizeInMBs.*greater than or equal to 1/s);
    await page.locator('#fh-size').fill('1');
    await page.locator('#fh-create').click();
    await page.getByTestId('fh-summary').waitFor();
    assert.equal(await text(page, 'fh-status'), 'ACTIVE');
    assert.match(await text(page, 'fh-notice'), /CREATING.*moved 1 s.*ACTIVE/);
    assert.equal(await text(page, 'fh-version'), '1');
    assert.match(await text(page, 'gauge-verdict'), /Nothing buffered/);

    // Send 50 generated records in one PutRecordBatch: none fail; they wait in the buffer.
    await page.locator('#fh-count').fill('50');
    await page.locator('#fh-send').click();
    assert.equal(await text(page, 'fh-failed-put-count'), '0');
    assert.match(await text(page, 'gauge-size-text'), /of 1 MiB .* 50 records/);
    for (let i = 0; i < 10; i++) await page.locator('#clock-step').click();
    assert.match(await text(page, 'gauge-age-text'), /^10\.0 s of 60 s/);
    assert.match(await text(page, 'gauge-verdict'), /^Next flush: the interval, in 50\.0 s/);
    await page.locator('#fh-send').focus();
    await screenshot(page, 'firehose-buffer-1280.png');

    // Fast-forward: the interval (60 s after the first record) writes one object.
    await page.locator('#clock-ff-1h').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: 60_000 });
    await page.locator('#fh-tab-deliveries').click();
    const rows = page.getByTestId('fh-delivery-row');
    assert.equal(await rows.count(), 1);
    const row = await rows.first().innerText();
    // The records arrived at 00:00:01 (creating moved the clock 1 s): the object is written 60 s later.
    assert.match(row, /2026-01-01 00:01:01\.000 UTC/);
    assert.match(row, /interval passed/);
    assert.match(row, /\b50\b/);

    // Open it in the S3 browser: the GZIP object previews as the records, one per line.
    await page.getByTestId('fh-open-object').first().click();
    await page.getByTestId('s3-preview').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 's3-preview-heading');
    assert.equal(await text(page, 's3-preview-encoding'), 'GZIP');
    const expected = Array.from({ length: 50 }, (_, i) => sampleRecord(i + 1) + '\n').join('');
    assert.equal(await text(page, 's3-preview-text'), expected.trimEnd());
    assert.match(await page.getByTestId('s3-listing').innerText(), /clicks-1-2026-01-01-00-00-01-.*\.gz/);
    await screenshot(page, 'firehose-s3-preview-1280.png');

    // Download: the stored bytes, a gzip file that gunzips to exactly the records sent.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#s3-download').click()]);
    assert.match(download.suggestedFilename(), /^clicks-1-2026-01-01-00-00-01-[0-9a-f-]{36}\.gz$/);
    const saved = path.join(tmpdir(), `firehose-download-${process.pid}.gz`);
    await download.saveAs(saved);
    const bytes = await readFile(saved);
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal(gunzipSync(bytes).toString('utf8'), expected);

    // The folder tree: root → raw/ → 2026/ …; the error-output view is empty (nothing failed).
    await page.getByTestId('s3-root').click();
    assert.match(await page.getByTestId('s3-listing').innerText(), /raw\//);
    await page.locator('#s3-errors-only').check();
    assert.match(await text(page, 's3-listing-empty'), /No error output/);
    await page.locator('#s3-errors-only').uncheck();

    // UpdateDestination: zero buffering, no compression; the version goes from 1 to 2.
    await page.locator('#fh-tab-edit').click();
    assert.equal(await text(page, 'fh-update-version'), '1');
    await page.locator('#fh-up-interval').fill('0');
    await page.locator('#fh-up-compression').selectOption('UNCOMPRESSED');
    await page.locator('#fh-up-prefix').fill('raw/v2/!{timestamp:yyyy}/');
    assert.match(await text(page, 'fh-up-preview-key'), /^raw\/v2\/2026\/clicks-2-/);
    await page.locator('#fh-update').click();
    assert.match(await text(page, 'fh-update-done'), /VersionId 1 → 2/);
    assert.equal(await text(page, 'fh-version'), '2');

    // With interval 0 a typed record is written on the next clock move, under version 2.
    await page.locator('#fh-tab-buffer').click();
    await page.locator('#fh-send-one').check();
    await page.locator('#fh-typed').fill('{"event":"zero buffering"}');
    await page.locator('#fh-send').click();
    await page.getByTestId('fh-put-result').waitFor();
    await page.locator('#clock-step').click();
    await page.locator('#fh-tab-deliveries').click();
    assert.equal(await page.getByTestId('fh-delivery-row').count(), 2);
    await page.getByTestId('fh-open-object').first().click();
    assert.equal(await text(page, 's3-preview-encoding'), 'not compressed');
    assert.equal(await text(page, 's3-preview-text'), '{"event":"zero buffering"}');
    assert.match(await page.getByTestId('s3-preview').innerText(), /raw\/v2\/2026\/clicks-2-/);

    // Charts: five metrics, each with its table.
    await page.locator('#fh-tab-charts').click();
    assert.equal(await page.locator('#fh-tab-panel canvas').count(), 5);
    await page.locator('#fh-tab-panel .live-chart-table-toggle').first().click();
    assert.match(await page.locator('#fh-chart-incoming-records-table').innerText(), /IncomingRecords/);
    await screenshot(page, 'firehose-charts-1280.png');

    // Keyboard: arrow keys move between the tabs.
    await page.locator('#fh-tab-charts').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'fh-tab-edit');
    assert.equal(await page.locator('#fh-tab-edit').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'fh-tab-buffer');

    // A projector: 1024×768 at 125% zoom (an 819×614 CSS viewport).
    await page.setViewportSize({ width: 819, height: 614 });
    await page.locator('#fh-send').focus();
    await screenshot(page, 'firehose-projector-buffer.png');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 819 CSS px`);
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});

test('Streams → Firehose: a data stream delivered to S3, and Direct PUT refused', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 819, height: 614 }, deviceScaleFactor: 1.25 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.locator('#stream-name').fill('orders');
    await page.locator('#shard-count').fill('1');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor();

    await page.getByTestId('deliver-with-firehose').click();
    await page.locator('#fh-create').waitFor();
    // The link named the source in the URL's query; the page took it and dropped it (a reload stays put).
    assert.match(page.url(), /#\/firehose$/);
    assert.equal(await page.locator('#fh-source-kinesis').isChecked(), true);
    assert.equal(await page.locator('#fh-source-stream').inputValue(), 'orders');
    assert.equal(await page.locator('#fh-name').inputValue(), 'orders-to-s3');
    await page.locator('summary', { hasText: 'The CreateDeliveryStream request' }).click();
    const request = JSON.parse(await text(page, 'fh-request-json'));
    assert.equal(request.DeliveryStreamType, 'KinesisStreamAsSource');
    assert.match(request.KinesisStreamSourceConfiguration.KinesisStreamARN, /^arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream\/orders$/);
    await screenshot(page, 'firehose-designer-projector.png');

    await page.locator('#fh-create').click();
    await page.getByTestId('fh-summary').waitFor();
    assert.equal(await text(page, 'fh-status'), 'ACTIVE');
    assert.equal(await text(page, 'fh-source'), 'Kinesis stream orders');
    assert.match(await text(page, 'fh-kinesis-source-note'), /refuses PutRecord/);
    await page.locator('#fh-send').click();
    assert.match(await text(page, 'fh-put-error'),
      /InvalidArgumentException \(HTTP 400\): This operation is not permitted on KinesisStreamAsSource delivery stream type\./);
    await screenshot(page, 'firehose-kinesis-source-projector.png');

    // Delete asks once more, then the stream is DELETING and gone once the clock moves.
    await page.locator('#fh-delete').click();
    assert.match(await page.locator('#fh-delete').innerText(), /Really delete orders-to-s3\?/);
    await page.locator('#fh-delete').click();
    assert.match(await text(page, 'fh-status'), /^DELETING \(until 2026-01-01 00:00:02\.500 UTC\)$/);
    await page.locator('#clock-step').click();
    await page.getByTestId('no-delivery-streams').waitFor();
    await page.locator('#fh-create').waitFor();
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
