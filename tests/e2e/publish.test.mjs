// Publishing: dist/ as uploaded to a static host under a sub-path (`/a/sub/path/`, like a
// GitHub Pages project site) on one origin, and a blog post on another origin embedding it
// with embed.js. The iframe loads everything from under the sub-path (the first module,
// the lazy one, the lessons, kubectl's help texts), reports its height to the blog, which
// sizes the frame, and a lesson runs in it. Against the release build in dist/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, SHOTS } from './harness.mjs';
import { launchChromium } from '../../scripts/browser.mjs';
import { blogPost, serveBlog, serveUnder } from './origins.mjs';

const PREFIX = '/a/sub/path/';
const env = {};

before(async () => {
  env.app = await serveUnder(DIST, PREFIX);
  env.blog = await serveBlog((url) => url.pathname === '/2026/12/statefulsets.html'
    ? blogPost(`${env.app.base}embed.js`, { lesson: 'statefulset-daemonset', lang: 'en', height: 600, layout: 'compact' },
      { intro: 'StatefulSets create their pods one by one. Try it below.' })
    : null);
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  for (const s of [env.app, env.blog]) await new Promise((done) => (s ? s.server.close(done) : done()));
});

test('dist/index.html names its files relative to the page', async () => {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const urls = [...html.matchAll(/(?:src|href)=["']([^"']+)["']|from ["']([^"']+)["']|module_or_path: ?["']([^"']+)["']/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]).filter((u) => !u.startsWith('data:'));
  assert.ok(urls.some((u) => u.endsWith('.wasm')) && urls.some((u) => u.endsWith('.js')), urls.join(' '));
  assert.deepEqual(urls.filter((u) => u.startsWith('/') || /^[a-z]+:/.test(u)), [], 'no absolute URL');
});

test('a blog on another origin embeds the playground served under /a/sub/path/: it loads, sizes itself and runs a lesson', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  // The height messages the blog page receives, with their origin.
  await page.addInitScript(() => {
    window.__heights = [];
    addEventListener('message', (e) => e.data?.type === 'kubeplay:height'
      && window.__heights.push({ origin: e.origin, height: e.data.height }));
  });
  await page.goto(`${env.blog.origin}/2026/12/statefulsets.html`);
  assert.notEqual(new URL(env.blog.origin).port, new URL(env.app.origin).port, 'two origins');

  const iframe = page.locator('.kubeplay-embed iframe');
  await iframe.waitFor();
  assert.equal(new URL(await iframe.getAttribute('src')).pathname, `${PREFIX}index.html`);
  const frame = page.frameLocator('.kubeplay-embed iframe');
  await frame.locator('html[data-wasm-lazy="loaded"]').waitFor({ state: 'attached' });
  await frame.getByTestId('lesson-title').waitFor();

  // Sized: the app told the blog its height, from its own origin, and the frame has it.
  await page.waitForFunction(() => window.__heights.length > 0, null, { timeout: 5000 });
  const heights = await page.evaluate(() => window.__heights);
  const origin = env.app.origin;
  assert.ok(heights.every((h) => h.origin === origin), JSON.stringify(heights));
  const box = await page.locator('.kubeplay-embed').evaluate((b) => b.getBoundingClientRect().height);
  assert.equal(Math.round(box), heights.at(-1).height);
  assert.equal(Math.round(box), 600);

  // A lesson runs: a chip types its command, Enter runs it, the step's check passes.
  await frame.getByTestId('lesson-chip').first().click();
  await frame.getByTestId('terminal-input').press('Enter');
  await frame.locator('[data-testid="lesson-step-status"][data-done="true"]').waitFor();
  await frame.getByTestId('lesson-next').click();
  await frame.getByTestId('lesson-chip').first().click();
  assert.equal(await frame.getByTestId('terminal-input').inputValue(), 'cat pod-statefulSet.yaml');
  await frame.getByTestId('terminal-input').press('Enter');
  await frame.getByTestId('terminal-output').getByText('kind: StatefulSet').first().waitFor();
  // kubectl's help texts come from the sub-path too.
  await frame.getByTestId('terminal-input').fill('kubectl get --help');
  await frame.getByTestId('terminal-input').press('Enter');
  await frame.getByTestId('terminal-output').getByText('Display one or many resources.').first().waitFor();
  // And explain's descriptions, read the first time explain runs.
  await frame.getByTestId('terminal-input').fill('kubectl explain deployment.spec.replicas');
  await frame.getByTestId('terminal-input').press('Enter');
  await frame.getByTestId('terminal-output').getByText('The desired number of pods.').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'screenshot-publish-subpath-blog.png'), fullPage: true });

  // Everything came from under the sub-path: nothing asked for a root-relative URL.
  assert.deepEqual(env.app.strays, []);
  for (const want of [/\.wasm$/, /_lazy\.wasm$/, /_rest\.wasm$/, /\.js$/, /\.css$/, /lessons\/index\.json$/,
    /lessons\/statefulset-daemonset\.yaml$/, /kubectl-help\.txt$/, /schema-descriptions\.txt$/, /embed\.js$/]) {
    assert.ok(env.app.served.some((p) => p.startsWith(PREFIX) && want.test(p)), `${want} served: ${env.app.served.join(' ')}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
