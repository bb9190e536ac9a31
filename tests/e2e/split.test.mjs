// End-to-end: the release build is split (scripts/split-wasm.mjs). The page becomes
// interactive on the first module alone and fetches the rest in the background; when that
// fetch has not delivered by the time the rest is needed, the rest loads there and then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();
const LAZY = /_lazy\.wasm$/;

/** The page, what it reported, and the kind of every request for the lazy module
 *  (`routeLazy`, if given, handles those requests). */
async function open(routeLazy) {
  const lazyRequests = [];
  const { page, context, problems } = await openPage(env, '/', {}, async (page) => {
    page.on('request', (r) => LAZY.test(new URL(r.url()).pathname) && lazyRequests.push(r.resourceType()));
    if (routeLazy) await page.route(LAZY, routeLazy);
  });
  return { page, context, errors: problems, lazyRequests };
}

test('the page starts on the first module and fetches the lazy one in the background', async () => {
  const { page, context, errors, lazyRequests } = await open();
  await page.locator('html[data-wasm-lazy="loaded"]').waitFor({ state: 'attached' });
  await runLine(page, 'kubectl get nodes');
  await page.getByTestId('terminal-output').getByText(/^kind-worker2\s+Ready/).waitFor();
  assert.deepEqual(lazyRequests, ['fetch']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the background fetch fails, the first command loads the lazy module itself', async () => {
  const { page, context, errors, lazyRequests } = await open((route) =>
    route.request().resourceType() === 'fetch' ? route.abort('connectionfailed') : route.continue());
  await runLine(page, 'kubectl get nodes');
  await page.getByTestId('terminal-output').getByText(/^kind-worker2\s+Ready/).waitFor();
  assert.deepEqual(lazyRequests, ['fetch', 'xhr']);
  // The aborted fetch itself is logged by the browser; nothing else may be.
  assert.deepEqual(errors.filter((e) => !e.endsWith('net::ERR_CONNECTION_FAILED')), []);
  await context.close();
});

test('a page that restores a saved session waits for the lazy module instead of loading it twice', async () => {
  const { page, context, errors, lazyRequests } = await open();
  await runLine(page, 'kubectl create deployment web --image=nginx --replicas=2');
  await page.locator('[data-pod^="web-"][data-phase="Running"]').nth(1).waitFor({ timeout: 30000 });
  await page.waitForFunction(() => localStorage.getItem('kubeplay.session')?.includes('create deployment web'));
  lazyRequests.length = 0;
  await page.reload();
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor();
  assert.equal(await page.locator('[data-pod^="web-"]').count(), 2);
  assert.deepEqual(lazyRequests, ['fetch']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a slow network the idle page does not fetch the lazy module itself, and the clock starts once it arrives', async () => {
  const { page, context, errors, lazyRequests } = await open((route) =>
    setTimeout(() => route.continue(), 2000));
  const clock = page.getByTestId('time-clock');
  await page.waitForTimeout(1000);
  assert.equal(await clock.textContent(), '00:00');
  assert.deepEqual(lazyRequests, ['fetch']);
  await page.locator('html[data-wasm-lazy="loaded"]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('[data-testid="time-clock"]').textContent !== '00:00');
  assert.deepEqual(lazyRequests, ['fetch']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the lazy module cannot be loaded at all, a command says so in a panel that offers a reload', async () => {
  const { page, context, lazyRequests } = await open((route) => route.abort('internetdisconnected'));
  await runLine(page, 'kubectl get nodes');
  const panel = page.getByTestId('crash');
  await panel.waitFor();
  assert.match(await panel.textContent(), /could not load the rest of its code/);
  assert.equal(await panel.getByRole('button', { name: 'Reload' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'screenshot-lazy-failed.png') });
  assert.deepEqual(lazyRequests, ['fetch', 'xhr']);
  await context.close();
});
