// End-to-end: the release build is split in three (scripts/split-wasm.mjs). The page
// becomes interactive on the first module alone and fetches the lazy module, then the
// rest, in the background; when a fetch has not delivered by the time its module is
// needed, the module loads there and then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();
const LAZY = /_lazy\.wasm$/;
const REST = /_rest\.wasm$/;

/** The page, what it reported, and the kind of every request for the lazy module and
 *  for the rest (`routeLazy` and `routeRest`, if given, handle those requests). */
async function open(routeLazy, routeRest) {
  const lazyRequests = [];
  const restRequests = [];
  const { page, context, problems } = await openPage(env, '/', {}, async (page) => {
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (LAZY.test(path)) lazyRequests.push(r.resourceType());
      if (REST.test(path)) restRequests.push(r.resourceType());
    });
    if (routeLazy) await page.route(LAZY, routeLazy);
    if (routeRest) await page.route(REST, routeRest);
  });
  return { page, context, errors: problems, lazyRequests, restRequests };
}

test('the page starts on the first module and fetches the lazy one, then the rest, in the background', async () => {
  const { page, context, errors, lazyRequests, restRequests } = await open();
  await page.locator('html[data-wasm-lazy="loaded"]').waitFor({ state: 'attached' });
  await runLine(page, 'kubectl get nodes');
  await page.getByTestId('terminal-output').getByText(/^kind-worker2\s+Ready/).waitFor();
  await page.locator('html[data-wasm-rest="loaded"]').waitFor({ state: 'attached' });
  assert.deepEqual(lazyRequests, ['fetch']);
  assert.deepEqual(restRequests, ['fetch']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the rest is asked for only once the lazy module is in, so the lazy module has the link to itself', async () => {
  let lazyIn = null;
  const { page, context, errors } = await open(null, async (route) => {
    lazyIn = await route.request().frame().evaluate(() => document.documentElement.dataset.wasmLazy);
    await route.continue();
  });
  await page.locator('html[data-wasm-rest="loaded"]').waitFor({ state: 'attached' });
  assert.equal(lazyIn, 'loaded');
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the background fetch of the rest fails, a command that needs it loads it itself', async () => {
  const { page, context, errors, restRequests } = await open(null, (route) =>
    route.request().resourceType() === 'fetch' ? route.abort('connectionfailed') : route.continue());
  await page.locator('html[data-wasm-lazy="loaded"]').waitFor({ state: 'attached' });
  // No lesson the lazy module was profiled on (the first one, free play) runs a Job.
  await runLine(page, "kubectl create job hello --image=busybox -- echo hi");
  await page.getByTestId('terminal-output').getByText('job.batch/hello created').waitFor();
  await page.locator('[data-pod^="hello-"]').first().waitFor({ timeout: 30000 });
  assert.deepEqual(restRequests, ['fetch', 'xhr']);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.wasmRest), 'loaded');
  assert.deepEqual(errors.filter((e) => !e.endsWith('net::ERR_CONNECTION_FAILED')), []);
  await context.close();
});

test('a lesson link waits for every part before it starts, instead of loading one a second time', async () => {
  const requests = [];
  const { page, context, problems } = await openPage(env, '/?lesson=jobs-cronjobs', {}, async (page) => {
    page.on('request', (r) => /_(lazy|rest)\.wasm$/.test(r.url()) && requests.push(r.resourceType()));
  });
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.wasmRest), 'loaded');
  await runLine(page, "kubectl create job hello --image=busybox -- echo hi");
  await page.getByTestId('terminal-output').getByText('job.batch/hello created').waitFor();
  assert.deepEqual(requests, ['fetch', 'fetch']);
  assert.deepEqual(problems, []);
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
