// What every e2e file shares: dist/ served on 127.0.0.1 (port 0: the machine is shared)
// and Debian's headless Chromium driven by Playwright.
import { after, before } from 'node:test';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium, serveDir } from '../../scripts/browser.mjs';

export const ROOT = resolve(import.meta.dirname, '..', '..');
// $KUBEPLAY_DIST: another build to test (an earlier one, to compare).
export const DIST = process.env.KUBEPLAY_DIST ? resolve(process.env.KUBEPLAY_DIST) : join(ROOT, 'dist');
export const SHOTS = join(ROOT, 'target');

/** Serves dist/; resolves to { server, origin }. */
async function serveDist() {
  await stat(join(DIST, 'index.html')).catch(() => {
    throw new Error('dist/index.html is missing: run `trunk build --release` first');
  });
  await mkdir(SHOTS, { recursive: true });
  return serveDir(DIST);
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

/** A new page at `path` in its own context (`options`: Playwright's context options, any
 *  `width` and `height` making the viewport), with every page error and console error
 *  collected in `problems`. `prepare(page, problems)` runs before it loads. Resolves once
 *  the terminal takes input (`attached: true`: without waiting for it to be on screen, as
 *  on a phone that opens on its lesson tab). */
export async function openPage(env, path, { width = 1400, height = 900, attached = false, ...options } = {}, prepare) {
  const context = await env.browser.newContext({ viewport: { width, height }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  await prepare?.(page, problems);
  await page.goto(env.origin + path);
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor(attached ? { state: 'attached' } : {});
  return { page, context, problems };
}

export { runLine } from '../../scripts/browser.mjs';
