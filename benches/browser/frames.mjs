// Frame-interval and fast-forward benchmark of the built site in headless Chromium (see BENCHMARKS.md).
//
//   node benches/browser/frames.mjs [--shards 100] [--rate 100000] [--seconds 5]
//
// 1. Idle page: p50/p95 interval between animation frames over N wall seconds.
// 2. Loaded page: a 100-shard stream, a producer at the stream's full record rate (1,000 records/s per
//    shard, uniform keys), the Charts tab open (live charts), clock playing at 1×: the same figures.
// 3. Fast-forward +24 h of that traffic: simulated seconds per wall second, as the page reports it.
// Everything runs in one browser session, so the ratio loaded/idle compares like with like.

import { serveDist, launch } from '../../tests/browser/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SHARDS = arg('shards', 100);
const RATE = arg('rate', SHARDS * 1000);
const SECONDS = arg('seconds', 5);
const FF_TIMEOUT_MS = arg('ff-timeout', 600) * 1000;

async function frameIntervals(page, seconds) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const stamps = [];
        const start = performance.now();
        const tick = (t) => {
          stamps.push(t);
          if (t - start < ms) requestAnimationFrame(tick);
          else resolve(stamps.slice(1).map((s, i) => s - stamps[i]));
        };
        requestAnimationFrame(tick);
      }),
    seconds * 1000,
  );
}

function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const site = await serveDist();
const browser = await launch({ origin: site.origin, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
const { page } = browser;
try {
  await page.goto(site.url + '#/streams');
  await page.locator('#create-stream').waitFor({ timeout: 30_000 });

  const idle = await frameIntervals(page, SECONDS);

  await page.locator('#stream-name').fill('bench');
  await page.locator('#shard-count').fill(String(SHARDS));
  await page.locator('#create-stream').click();
  await page.getByTestId('stream-summary').waitFor();
  await page.getByRole('tab', { name: 'Producers' }).click();
  await page.locator('#producer-name').fill('full-rate');
  await page.locator('#producer-rate').fill(String(RATE));
  await page.getByLabel('N uniform keys').check();
  await page.locator('#key-count').fill(String(SHARDS * 20));
  await page.locator('#add-producer').click();
  await page.getByTestId('producer-card').waitFor();
  await page.getByRole('tab', { name: 'Charts' }).click();
  await page.locator('#clock-speed').selectOption('1');
  await page.locator('#clock-play').click();
  await page.waitForTimeout(2000); // let the charts fill
  const simMs = async () => Date.parse((await page.getByTestId('sim-clock').innerText()).replace(' UTC', 'Z').replace(' ', 'T'));
  const simBefore = await simMs();
  const loaded = await frameIntervals(page, SECONDS);
  const achieved = ((await simMs()) - simBefore) / (SECONDS * 1000);
  await page.locator('#clock-play').click({ noWaitAfter: true, timeout: 60_000 });
  const accepted = (await page.getByRole('tab', { name: 'Producers' }).click(), await page.getByTestId('p-accepted').first().innerText());

  const fmt = (v) => v.toFixed(1);
  console.log(`idle page:   frames=${idle.length} p50=${fmt(pct(idle, 50))} ms p95=${fmt(pct(idle, 95))} ms`);
  console.log(`${SHARDS}-shard stream at ${RATE} records/s, charts open, 1x: frames=${loaded.length} p50=${fmt(pct(loaded, 50))} ms p95=${fmt(pct(loaded, 95))} ms`);
  console.log(`p95 ratio loaded/idle: ${(pct(loaded, 95) / pct(idle, 95)).toFixed(2)}`);
  console.log(`simulated speed achieved while measuring (chosen: 1x): ${achieved.toFixed(2)}x`);
  console.log(`records accepted while playing: ${accepted}`);

  // Fast-forward 24 h. If it cannot finish within the time limit, report the rate reached so far.
  const from = await simMs();
  const wallStart = Date.now();
  await page.locator('#clock-ff-24h').click();
  const done = await page
    .waitForFunction(() => !document.querySelector('[data-testid="ff-progress"]'), null, { timeout: FF_TIMEOUT_MS, polling: 1000 })
    .then(() => true, () => false);
  if (done) {
    console.log(`fast-forward 24 h: ${await page.getByTestId('ff-rate').innerText()}`);
  } else {
    const reached = (await simMs()) - from;
    const wall = (Date.now() - wallStart) / 1000;
    console.log(`fast-forward 24 h: not finished after ${wall.toFixed(0)} s wall; reached ${(reached / 1000).toFixed(0)} simulated s = ${(reached / 1000 / wall).toFixed(1)} simulated s per wall s`);
  }
} finally {
  await browser.close();
  await site.close();
}
