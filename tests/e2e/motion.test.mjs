// End-to-end: cards animating in and out, and the phone layout in Traditional Chinese.
// Same set-up as app.test.mjs: the release build in dist/, headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';


const env = useDistAndChromium();

const open = (path, options) => openPage(env, path, options);


/** Records every phase a pod's card shows, and its leaving card (`data-gone`) with its animation. */
async function watchPod(page, name) {
  await page.evaluate((name) => {
    window.__phases = [];
    window.__gone = null;
    const scan = () => {
      const card = document.querySelector(`[data-pod="${name}"]`);
      const phase = card?.dataset.phase;
      if (phase && window.__phases.at(-1) !== phase) window.__phases.push(phase);
      const ghost = document.querySelector(`[data-gone="${name}"]`);
      if (ghost && !window.__gone) {
        const style = getComputedStyle(ghost);
        window.__gone = { animation: style.animationName, display: style.display, at: performance.now() };
      }
      if (!ghost && window.__gone && !window.__gone.left) window.__gone.left = performance.now();
    };
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, name);
}

for (const reducedMotion of ['no-preference', 'reduce']) {
  test(`a pod's card goes Pending → ContainerCreating → Running, fades while Terminating, then leaves (motion: ${reducedMotion})`, async () => {
    const { page, context, problems } = await open('/', { reducedMotion });
    // At 1×, so that each phase lasts longer than a clock tick (at 30× a tick can skip one).
    await watchPod(page, 'solo');
    await runLine(page, 'kubectl run solo --image=nginx');
    const card = page.locator('[data-testid="cluster-view"] [data-pod="solo"]');
    await page.locator('[data-pod="solo"][data-phase="Running"]').waitFor({ timeout: 30000 });
    const phases = await page.evaluate(() => window.__phases);
    assert.ok(phases.includes('ContainerCreating') && phases.at(-1) === 'Running', phases.join(' → '));
    if (reducedMotion === 'reduce') {
      assert.equal(await card.evaluate((el) => getComputedStyle(el).animationName), 'none');
    }
    await page.getByTestId('time-speed').selectOption('30');
    await runLine(page, 'kubectl delete pod solo');
    await page.waitForFunction(() => window.__gone?.left, null, { timeout: 30000 });
    const gone = await page.evaluate(() => window.__gone);
    assert.equal((await page.evaluate(() => window.__phases)).at(-1), 'Terminating');
    if (reducedMotion === 'reduce') {
      assert.equal(gone.display, 'none');
    } else {
      assert.equal(gone.animation, 'pod-out');
      const stayed = gone.left - gone.at;
      assert.ok(stayed > 200 && stayed < 2000, `the leaving card stayed ${stayed} ms`);
    }
    assert.equal(await page.locator('[data-pod="solo"]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a 360 px phone in zh-TW: pane tabs and the template menu follow the language', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await open('/?lang=zh-TW', { width: 360, height: 740, colorScheme });
    const tabs = await page.getByRole('tab').allTextContents();
    assert.deepEqual(tabs.map((t) => t.trim()), ['終端機', '編輯器', '叢集', '課程']);
    await page.getByTestId('time-speed').selectOption('30');
    await runLine(page, 'kubectl apply -f web.yaml');
    await page.locator('[data-pod="web-2"][data-phase="Running"]').waitFor({ state: 'attached', timeout: 30000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `overflows by ${overflow}px`);
    const suffix = colorScheme === 'light' ? '' : '-dark';
    await page.screenshot({ path: join(SHOTS, `screenshot-phone360-zh-TW${suffix}.png`) });
    await page.getByRole('tab', { name: '編輯器' }).click();
    assert.equal((await page.locator('.templates option').first().textContent()).trim(), '＋ 範本');
    await page.screenshot({ path: join(SHOTS, `screenshot-phone360-zh-TW-editor${suffix}.png`) });
    await page.getByRole('tab', { name: '叢集' }).click();
    // web-2 turned Running moments ago: let its flash end before the picture.
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(SHOTS, `screenshot-phone360-zh-TW-cluster${suffix}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a wide screen (1720 px) gives the cluster column and its why log the extra width', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await open('/', { width: 1720, height: 1000, colorScheme });
    await page.getByTestId('time-speed').selectOption('30');
    await runLine(page, 'kubectl apply -f web.yaml');
    await page.locator('[data-pod="web-2"][data-phase="Running"]').waitFor({ state: 'attached', timeout: 30000 });
    const widths = await page.evaluate(() => ({
      why: document.querySelector('[data-testid="why-log"]').getBoundingClientRect().width,
      terminal: document.querySelector('.terminal-pane').getBoundingClientRect().width,
    }));
    assert.ok(widths.why >= 480, `why log ${widths.why}px wide`);
    const suffix = colorScheme === 'light' ? '' : '-dark';
    await page.screenshot({ path: join(SHOTS, `screenshot-wide1720${suffix}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a 360 px phone: switching pane tabs does not replay the entrance of cards already there', async () => {
  const { page, context, problems } = await open('/', { width: 360, height: 740 });
  await page.getByTestId('time-speed').selectOption('30');
  await runLine(page, 'kubectl apply -f web.yaml');
  await page.locator('[data-pod="web-2"][data-phase="Running"]').waitFor({ state: 'attached', timeout: 30000 });
  // Long enough for the entrance and the Running flash to have played (or lapsed, hidden).
  await page.waitForTimeout(1500);
  const animating = () => page.evaluate(() => [...document.querySelectorAll('[data-pod]')]
    .flatMap((el) => el.getAnimations({ subtree: true })
      .map((a) => `${el.dataset.pod}: ${a.animationName ?? a.transitionProperty}`)));
  for (const pane of ['Cluster', 'Terminal', 'Cluster', 'Editor', 'Cluster']) {
    await page.getByRole('tab', { name: pane }).click();
    assert.deepEqual(await animating(), [], `after showing ${pane}`);
  }
  assert.equal(await page.locator('[data-pod]').count(), 3);

  // Only a pod created while the cluster pane is on screen animates in. Time is paused and
  // the scale typed on the terminal tab: web-3 is created at once, out of sight, and
  // web-4 only once web-3 is Running (OrderedReady), which the steps bring about in view.
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await page.getByTestId('time-toggle').click();
  await page.locator('[data-testid="time-toggle"]:not(.playing)').waitFor();
  await runLine(page, 'kubectl scale statefulset web --replicas=5');
  await page.locator('[data-pod="web-3"]').waitFor({ state: 'attached' });
  await page.waitForTimeout(1000);
  await page.getByRole('tab', { name: 'Cluster' }).click();
  assert.deepEqual(await animating(), [], 'web-3, created out of sight');
  // Read as web-4's card is inserted, before its entrance could have ended.
  await page.evaluate(() => {
    window.__entered = new Promise((done) => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-pod="web-4"]')) return;
        observer.disconnect();
        done([...document.querySelectorAll('[data-pod]')]
          .map((el) => ({ pod: el.dataset.pod, anims: el.getAnimations().map((a) => a.animationName) })));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
  for (let i = 0; i < 40 && (await page.locator('[data-pod="web-4"]').count()) === 0; i++) {
    await page.getByTestId('time-step').click();
  }
  const cards = await page.evaluate(() => window.__entered);
  const entering = cards.filter((c) => c.anims.includes('pod-in')).map((c) => c.pod);
  assert.deepEqual(entering, ['web-4'], JSON.stringify(cards));
  assert.deepEqual(problems, []);
  await context.close();
});
