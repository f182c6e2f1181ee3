// Shared harness for the browser tests: serves dist/ under a sub-path on a free localhost port, launches the
// system Chromium through playwright-core with a fresh profile, and records anything that should fail a test
// (console errors, page errors, failed requests, any request to another origin).
//
// Why a sub-path: the site must work from any static host, including under a sub-path (DESIGN.md).

import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const SCREENSHOTS = path.join(here, 'screenshots');
export const SUB_PATH = '/kinesis-lab/';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.toml': 'text/plain; charset=utf-8',
};

/** Serves `dist/` at http://127.0.0.1:<free port>/kinesis-lab/ and nothing else. */
export async function serveDist() {
  try {
    await stat(path.join(DIST, 'index.html'));
  } catch {
    throw new Error(`dist/index.html is missing: build the site first with \`trunk build --release --offline\` (scripts/test.sh does).`);
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('outside the site sub-path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html';
    const file = path.resolve(DIST, rel);
    if (!file.startsWith(DIST + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Launches Chromium with a fresh user-data dir. The default page size is 1280×720 at 150% zoom (a projector),
 * i.e. a CSS viewport of 853×480 drawn at device scale 1.5.
 */
export async function launch({ origin, viewport = { width: 853, height: 480 }, deviceScaleFactor = 1.5, colorScheme = 'light' } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'kinesis-lab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor,
    colorScheme,
    reducedMotion: 'reduce',
  });
  const problems = [];
  // Nothing may leave the site's own origin.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/') || url.startsWith('data:')) {
      return route.continue();
    }
    problems.push(`request to another origin: ${url}`);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Fails with every recorded problem listed, if there were any. */
export function assertNoProblems(problems) {
  if (problems.length > 0) {
    throw new Error(`the page reported ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  }
}

/** Waits for the first of several selectors to appear and says which one did. */
export async function firstOf(page, selectors, timeout = 15_000) {
  const winner = await Promise.any(
    selectors.map((sel) => page.locator(sel).first().waitFor({ state: 'visible', timeout }).then(() => sel)),
  ).catch(() => null);
  if (!winner) throw new Error(`none of ${selectors.join(', ')} appeared within ${timeout} ms`);
  return winner;
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
