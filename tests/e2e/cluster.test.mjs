// End-to-end: the cluster view at 1400×900 with a Job's completed pod next to a
// Deployment's running ones. Against the release build in dist/ (run
// `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();

for (const colorScheme of ['light', 'dark']) test(`a completed Job pod looks finished and the switch hides it (${colorScheme})`, async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en', { width: 1400, height: 900, colorScheme });
  await page.getByTestId('time-speed').selectOption('30');
  await runLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=2');
  await runLine(page, 'kubectl create job hello --image=busybox -- echo hi');
  const done = page.locator('[data-pod^="hello-"][data-phase="Completed"]');
  await done.waitFor({ timeout: 30000 });
  await page.locator('[data-pod^="web-"][data-phase="Running"]').first().waitFor({ timeout: 30000 });
  await page.getByTestId('time-toggle').click();

  assert.match(await done.getAttribute('class'), /\bfinished\b/);
  assert.equal(await done.getAttribute('title'), 'finished: its containers ran to completion');
  assert.equal(
    await done.locator('xpath=ancestor::div[contains(@class,"group")][1]').getAttribute('aria-label'),
    'Job/hello',
  );
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `overflows by ${overflow}px`);
  const suffix = colorScheme === 'light' ? '' : '-dark';
  await page.screenshot({ path: join(SHOTS, `screenshot-finished-pods${suffix}.png`) });

  await page.getByTestId('hide-finished').check();
  assert.equal(await page.locator('[data-pod^="hello-"]').count(), 0);
  assert.ok(await page.locator('[data-pod^="web-"]').count() >= 2, 'running pods stay');
  await page.getByTestId('hide-finished').uncheck();
  await done.waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
