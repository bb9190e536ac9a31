// What every e2e file shares: dist/ served on 127.0.0.1 (port 0: the machine is shared)
// and Debian's headless Chromium driven by Playwright.
import { after, before } from 'node:test';
import { createServer } from 'node:http';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'dist');
export const SHOTS = join(ROOT, 'target');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming needs it
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves dist/ and nothing outside it; resolves to { server, origin }. */
async function serveDist() {
  await stat(join(DIST, 'index.html')).catch(() => {
    throw new Error('dist/index.html is missing: run `trunk build --release` first');
  });
  await mkdir(SHOTS, { recursive: true });
  const server = await new Promise((listening) => {
    const srv = createServer(async (req, res) => {
      try {
        const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
        let file = normalize(join(DIST, path));
        if (file !== DIST && !file.startsWith(DIST + sep)) throw new Error('outside dist');
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': MIME[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
    srv.listen(0, '127.0.0.1', () => listening(srv));
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Registers the file's before/after hooks: dist/ served and Chromium up for its tests.
 *  The returned object gets `origin` and `browser` once `before` has run. */
export function useDistAndChromium() {
  const env = {};
  before(async () => {
    ({ server: env.server, origin: env.origin } = await serveDist());
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await new Promise((done) => (env.server ? env.server.close(done) : done()));
  });
  return env;
}

/** Types one line into the terminal and presses Enter. */
export async function runLine(page, line) {
  const input = page.getByTestId('terminal-input');
  await input.fill(line);
  await input.press('Enter');
}
