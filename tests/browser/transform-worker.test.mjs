// A learner's Firehose transform function (Node-style Lambda JavaScript) runs in a Web Worker, in the real
// browser: a correct handler's records come back through the engine's contract check, an endless loop is
// stopped at the time limit while the page keeps working, a thrown error is reported with Firehose's code,
// and console lines are captured.
//
// There is no transform UI yet, so the test calls the wasm export `klTransformInvoke` (src/ui/
// transform_worker.rs) through `window.wasmBindings`, which Trunk's loader sets.
//
// Run: `node --test tests/browser/` after `trunk build --release --offline` (scripts/test.sh does both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, assertNoProblems, screenshot } from './harness.mjs';

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text) => Buffer.from(text, 'base64').toString('utf8');

const EVENT = {
  invocationId: '00540a87-5050-496a-84e4-e7d92bbaf5e2',
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks',
  region: 'us-east-1',
  records: [
    { recordId: '49546986683135544286507457936321625675700192471156785154', approximateArrivalTimestamp: 1_700_000_000_000, data: b64('{"page":"/home","country":"UK"}') },
    { recordId: '49546986683135544286507457936321625675700192471156785155', approximateArrivalTimestamp: 1_700_000_000_001, data: b64('{"page":"/cart","country":"FR"}') },
    { recordId: '49546986683135544286507457936321625675700192471156785156', approximateArrivalTimestamp: 1_700_000_000_002, data: b64('not json') },
  ],
};

// In the style of AWS's Node.js blueprint: Buffer in, Buffer out, exports.handler, async.
const GOOD_HANDLER = `
exports.handler = async (event, context) => {
  console.log('invocation', event.invocationId, 'records', event.records.length);
  const output = event.records.map((record) => {
    const payload = Buffer.from(record.data, 'base64').toString('utf8');
    let parsed;
    try { parsed = JSON.parse(payload); } catch (e) {
      console.error('not JSON:', payload);
      return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
    }
    if (parsed.country === 'FR') return { recordId: record.recordId, result: 'Dropped', data: record.data };
    return {
      recordId: record.recordId,
      result: 'Ok',
      data: Buffer.from(JSON.stringify({ ...parsed, seen: true }) + '\\n').toString('base64'),
      metadata: { partitionKeys: { country: parsed.country } },
    };
  });
  console.log(\`Processing completed. Successful records \${output.length}.\`);
  return { records: output };
};
`;

let site;
before(async () => {
  site = await serveDist();
});
after(async () => {
  await site?.close();
});

/** Calls the wasm export in the page and parses its JSON summary. */
async function invoke(page, source, timeoutMs, event = EVENT) {
  const text = await page.evaluate(
    ([source, eventJson, timeoutMs]) => window.wasmBindings.klTransformInvoke(source, eventJson, timeoutMs),
    [source, JSON.stringify(event), timeoutMs],
  );
  return JSON.parse(text);
}

test('a learner transform runs in a Web Worker: Ok records, timeouts, thrown errors, logs', async () => {
  const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const { page, problems } = browser;
  try {
    await page.goto(site.url + '#/streams');
    await page.locator('#create-stream').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => typeof window.wasmBindings?.klTransformInvoke === 'function');

    // 1. A correct handler: each record's outcome, checked by the engine's parse_response.
    const good = await invoke(page, GOOD_HANDLER, 3_000);
    assert.equal(good.outcome, 'ok', JSON.stringify(good));
    assert.equal(good.errorCode, undefined, `the response keeps Firehose's contract: ${JSON.stringify(good)}`);
    assert.deepEqual(
      good.records.map((r) => r.result),
      ['Ok', 'Dropped', 'ProcessingFailed'],
    );
    assert.deepEqual(JSON.parse(good.records[0].data), { page: '/home', country: 'UK', seen: true });
    assert.ok(good.records[0].data.endsWith('\n'));
    assert.deepEqual(good.records[0].partitionKeys, { country: 'UK' });
    assert.equal(good.records[2].errorCode, 'Lambda.ProcessingFailedStatus');
    // 2. Logs: every console line, in order, errors marked.
    assert.deepEqual(good.logs, [
      `invocation ${EVENT.invocationId} records 3`,
      'ERROR not JSON: not json',
      'Processing completed. Successful records 3.',
    ]);
    assert.ok(good.wallMs >= good.durationMs, 'page time includes the time inside the worker');
    console.log(`fresh worker per invocation: ${good.wallMs.toFixed(1)} ms on the page, ${good.durationMs.toFixed(1)} ms in the handler`);

    // 3. Other handler spellings Lambda's Node runtime accepts: a plain function, a callback, ESM export.
    const echo = (spelling) => invoke(page, spelling, 3_000, { ...EVENT, records: EVENT.records.slice(0, 1) });
    for (const spelling of [
      `function handler(event) { return { records: event.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) }; }`,
      `module.exports.handler = (event, context, callback) => setTimeout(() => callback(null, { records: event.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) }), 10);`,
      `export const handler = async (event) => ({ records: event.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) });`,
    ]) {
      const out = await echo(spelling);
      assert.equal(out.outcome, 'ok', `${spelling}\n→ ${JSON.stringify(out)}`);
      assert.deepEqual(out.records.map((r) => r.data), [unb64(EVENT.records[0].data)]);
    }

    // What a fresh worker per invocation costs: page time minus handler time, median of 10.
    const overheads = [];
    for (let i = 0; i < 10; i += 1) {
      const out = await echo(`exports.handler = async (e) => ({ records: e.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) });`);
      overheads.push(out.wallMs - out.durationMs);
    }
    overheads.sort((a, b) => a - b);
    console.log(`fresh worker overhead: median ${overheads[5].toFixed(1)} ms, max ${overheads[9].toFixed(1)} ms (10 invocations)`);

    // 4. An endless loop: stopped at the time limit, and the page keeps working meanwhile (a stream is
    // created through the page's own form while the worker spins).
    const TIMEOUT_MS = 1_500;
    const looping = page.evaluate(
      ([eventJson, timeoutMs]) => {
        const started = performance.now();
        window.__loopStartedAt = started; // read below, by the test only
        let ticks = 0;
        const timer = setInterval(() => { ticks += 1; }, 50);
        return window.wasmBindings
          .klTransformInvoke("exports.handler = async () => { console.log('looping'); while (true) {} };", eventJson, timeoutMs)
          .then((text) => {
            clearInterval(timer);
            return { summary: JSON.parse(text), elapsed: performance.now() - started, ticks };
          });
      },
      [JSON.stringify(EVENT), TIMEOUT_MS],
    );
    await page.locator('#stream-name').fill('made-while-looping');
    await page.locator('#shard-count').fill('1');
    await page.locator('#create-stream').click();
    await page.getByTestId('stream-summary').waitFor({ timeout: 5_000 });
    const createdAfterMs = await page.evaluate(() => performance.now() - window.__loopStartedAt);
    const { summary: loop, elapsed, ticks } = await looping;
    assert.equal(loop.outcome, 'timeout', JSON.stringify(loop));
    assert.equal(loop.errorCode, 'Lambda.FunctionError');
    assert.match(loop.errorMessage, /timeout/);
    assert.deepEqual(loop.logs, ['looping'], 'lines written before the loop survive the timeout');
    assert.ok(elapsed >= TIMEOUT_MS && elapsed < TIMEOUT_MS + 1_000, `stopped after ${elapsed.toFixed(0)} ms (limit ${TIMEOUT_MS})`);
    assert.ok(ticks >= (TIMEOUT_MS / 50) * 0.6, `the page's own timers kept running: ${ticks} ticks of 50 ms in ${elapsed.toFixed(0)} ms`);
    assert.equal((await page.getByTestId('stream-name-shown').first().innerText()).trim(), 'made-while-looping');
    assert.ok(createdAfterMs < elapsed, `the stream was created (${createdAfterMs.toFixed(0)} ms) while the worker still looped`);
    console.log(`endless loop stopped after ${elapsed.toFixed(0)} ms (limit ${TIMEOUT_MS}); page timers ticked ${ticks} times; stream created ${createdAfterMs.toFixed(0)} ms into the loop`);

    // 5. Thrown errors (sync, async, in a callback, a syntax error): Lambda.FunctionError with the message.
    for (const [source, expected] of [
      [`exports.handler = async (event) => { throw new TypeError('bad record ' + event.records.length); };`, /TypeError: bad record 3/],
      [`exports.handler = (event, context, callback) => callback(new Error('called back with an error'));`, /Error: called back with an error/],
      [`exports.handler = async (event) => { console.log('before'); return event.nope.deeper; };`, /TypeError: .*deeper/],
      [`exports.handler = async (event) => {`, /SyntaxError/],
      [`const notAHandler = 1;`, /No handler found/],
    ]) {
      const out = await invoke(page, source, 3_000);
      assert.equal(out.outcome, 'thrown', `${source}\n→ ${JSON.stringify(out)}`);
      assert.match(out.message, expected);
      assert.equal(out.errorCode, 'Lambda.FunctionError');
    }
    const logged = await invoke(page, `exports.handler = async () => { console.log('before'); throw new Error('after'); };`, 3_000);
    assert.deepEqual(logged.logs, ['before'], 'logs are kept when the handler throws');

    // 6. A response that breaks the contract is refused with Firehose's code.
    const missing = await invoke(page, `exports.handler = async () => ({ records: [] });`, 3_000);
    assert.deepEqual([...new Set(missing.records.map((r) => r.errorCode))], ['Lambda.MissingRecordId']);
    const junk = await invoke(page, `exports.handler = async () => 'ok';`, 3_000);
    assert.equal(junk.errorCode, 'Lambda.JsonProcessingException');

    await screenshot(page, 'transform-worker.png');
    assertNoProblems(problems);
  } finally {
    await browser.close();
  }
});
