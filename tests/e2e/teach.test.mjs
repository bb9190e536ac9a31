// End-to-end: lessons, URL parameters, share links and the embedding sample, against the
// release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, useDistAndChromium } from './harness.mjs';


const env = useDistAndChromium();


async function open(path, { width = 1400, height = 900 } = {}) {
  const context = await env.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(env.origin + path);
  return { page, context, problems };
}

test('?lesson=…&lang=zh-TW opens the lesson with its Traditional Chinese title', async () => {
  const { page, context, problems } = await open('/index.html?lesson=statefulset-daemonset&lang=zh-TW');
  const title = page.getByTestId('lesson-title');
  await title.waitFor();
  assert.equal(await title.textContent(), 'StatefulSet 與 DaemonSet：有編號的 Pod，以及每個節點一個 Pod');
  assert.equal(await page.getByTestId('lesson-step-title').textContent(), '該用哪個 apiVersion？');
  assert.equal(await page.getByTestId('share-button').textContent(), '分享');
  await page.screenshot({ path: join(SHOTS, 'screenshot-lesson-zh-TW.png') });
  // Both starting files have a tab in view, and the one shown is the one marked.
  const tabs = await page.locator('.editor-pane [role="tab"]').evaluateAll((els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    const head = el.closest('.editor-head').getBoundingClientRect();
    const strip = el.parentElement;
    return {
      name: el.textContent, selected: el.getAttribute('aria-selected'),
      inside: r.width > 0 && r.left >= head.left && r.right <= head.right
        && r.top >= head.top && r.bottom <= head.bottom + 1,
      clipped: el.scrollWidth > el.clientWidth || strip.scrollWidth > strip.clientWidth,
    };
  }));
  assert.deepEqual(tabs.map((t) => t.name).sort(), ['pod-daemonSet.yaml', 'pod-statefulSet.yaml']);
  assert.ok(tabs.every((t) => t.inside && !t.clipped), JSON.stringify(tabs));
  assert.deepEqual(tabs.filter((t) => t.selected === 'true').map((t) => t.name), ['pod-statefulSet.yaml']);
  assert.match(await page.getByTestId('editor').inputValue(), /kind: StatefulSet/);
  await page.locator('.editor-pane').screenshot({ path: join(SHOTS, 'screenshot-editor-tabs.png') });
  // A chip types, Enter runs, the typed check passes.
  await page.getByTestId('lesson-chip').first().click();
  assert.equal(await page.getByTestId('terminal-input').inputValue(),
    "kubectl explain deployment.spec | grep -iE 'group|version'");
  await page.getByTestId('terminal-input').press('Enter');
  await page.locator('[data-testid="lesson-step-status"][data-done="true"]').waitFor();
  await page.getByTestId('lang-switch').selectOption('en');
  assert.equal(await page.getByTestId('lesson-step-title').textContent(), 'Which apiVersion?');
  await page.screenshot({ path: join(SHOTS, 'screenshot-lesson-en.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('following a lesson by clicking its suggested commands reaches the finish screen', async () => {
  const started = Date.now();
  const { page, context, problems } = await open('/index.html?lesson=statefulset-daemonset&lang=zh-TW');
  await page.getByTestId('lesson-title').waitFor();
  const input = page.getByTestId('terminal-input');
  const busy = page.locator('.terminal-pane.busy');
  const stepDone = page.locator('[data-testid="lesson-step-status"][data-done="true"]');
  const stepButton = page.getByTestId('time-step');
  await page.getByTestId('time-speed').selectOption('30');
  const total = Number(await page.getByTestId('lesson-progress').getAttribute('data-total'));
  assert.equal(total, 13); // the seed's chapter plus the kube-proxy step
  // Lets virtual time pass (30× plus the step button) until `until` holds.
  const passTime = async (until, what) => {
    for (let i = 0; !(await until()); i++) {
      assert.ok(i < 300, `virtual time ran out waiting for ${what}`);
      await stepButton.click();
    }
  };
  for (let step = 1; step <= total; step++) {
    const stepTitle = await page.getByTestId('lesson-step-title').textContent();
    assert.equal(await page.locator('.lesson-step-no').textContent(), `第 ${step} 步，共 ${total} 步`);
    // The step's own chips type too; the solution's chips are the path CI replays.
    const firstChip = page.getByTestId('lesson-chip').first();
    await firstChip.click();
    await page.waitForFunction(
      (line) => document.querySelector('[data-testid="terminal-input"]').value === line,
      (await firstChip.textContent()).trim());
    await input.fill('');
    await page.getByTestId('lesson-solution-button').click();
    const chips = page.getByTestId('lesson-solution').getByTestId('lesson-chip');
    const count = await chips.count();
    assert.ok(count > 0, `step ${step} has a solution`);
    for (let c = 0; c < count; c++) {
      const line = (await chips.nth(c).textContent()).trim();
      await chips.nth(c).click();
      await page.waitForFunction(
        (l) => document.querySelector('[data-testid="terminal-input"]').value === l, line);
      await input.press('Enter');
      await passTime(async () => (await busy.count()) === 0, `\`${line}\` to end`);
    }
    await passTime(async () => (await stepDone.count()) === 1, `step ${step} (${stepTitle}) to pass`);
    assert.equal(await page.getByTestId('lesson-progress').getAttribute('data-done'), String(step));
    await page.getByTestId('lesson-next').click();
  }
  const finish = page.getByTestId('lesson-finish');
  await finish.waitFor();
  assert.match(await finish.textContent(), /課程完成！/);
  assert.match(await finish.textContent(), /已完成 13 \/ 13 步/);
  assert.equal(await page.getByTestId('lesson-progress').getAttribute('data-done'), String(total));
  await page.screenshot({ path: join(SHOTS, 'screenshot-lesson-finish-zh-TW.png') });
  assert.deepEqual(problems, []);
  await context.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(`[e2e] statefulset-daemonset lesson followed to its finish screen in ${seconds.toFixed(1)} s`);
  assert.ok(seconds < 60, `took ${seconds} s`);
});

test('hostile and bad parameters give one visible message and run no script', async () => {
  const xss = encodeURIComponent('<img src=x onerror=window.__pwned=1>');
  const { page, context, problems } = await open(
    `/index.html?lesson=${xss}&nodes=999&theme=${xss}&speed=3#s=z${'%%%'}`);
  const message = page.getByTestId('message');
  await message.waitFor();
  const text = await message.textContent();
  assert.match(text, /lesson=<img src=x onerror=/);
  assert.match(text, /nodes=999/);
  assert.match(text, /shared state/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  await page.getByTestId('terminal-input').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a share link rebuilds the same cluster at the same moment', async () => {
  const { page, context } = await open('/index.html?nodes=1');
  const input = page.getByTestId('terminal-input');
  await input.fill('kubectl create deployment web --image=nginx --replicas=2');
  await input.press('Enter');
  await page.locator('[data-testid="cluster-view"] [data-pod][data-phase="Running"]').nth(1).waitFor();
  await page.getByTestId('time-toggle').click();
  const clock = await page.getByTestId('time-clock').textContent();
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('tool-dialog-text').inputValue();
  assert.match(link, /#s=z[A-Za-z0-9_-]+$/);
  const pods = await page.locator('[data-pod]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  await context.close();

  const again = await open(link.replace(env.origin, ''));
  await again.page.locator('[data-pod]').nth(1).waitFor();
  const pods2 = await again.page.locator('[data-pod]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  assert.deepEqual(pods2, pods);
  assert.ok((await again.page.getByTestId('time-clock').textContent()) >= clock);
  await again.context.close();
});

test('the blog example embeds two playgrounds that load and size themselves', async () => {
  const { page, context, problems } = await open('/blog-example.html', { width: 1000, height: 800 });
  const boxes = page.locator('.kubeplay-embed');
  await boxes.nth(1).waitFor({ state: 'attached' });
  assert.equal(await boxes.count(), 2);
  // The first loads when scrolled into view; the second waits for a click.
  await boxes.nth(0).scrollIntoViewIfNeeded();
  await page.locator('.kubeplay-embed iframe').first().waitFor();
  await boxes.nth(1).scrollIntoViewIfNeeded();
  await boxes.nth(1).getByRole('button').click();
  assert.equal(await page.locator('iframe').count(), 2);
  const first = page.frameLocator('.kubeplay-embed iframe >> nth=0');
  await first.getByTestId('lesson-title').waitFor();
  assert.match(await first.getByTestId('lesson-title').textContent(), /StatefulSet 與 DaemonSet/);
  const second = page.frameLocator('.kubeplay-embed iframe >> nth=1');
  await second.getByTestId('terminal-input').waitFor();
  // Autoplay types and runs the demo commands.
  await second.getByTestId('terminal-output').getByText('kind-control-plane').first().waitFor({ timeout: 15000 });
  // The app posted its height and embed.js applied it (within its clamp).
  await page.waitForFunction(() => {
    const box = document.querySelector('.kubeplay-embed');
    return box && box.style.height !== '560px';
  }, null, { timeout: 5000 }).catch(() => {});
  await page.screenshot({ path: join(SHOTS, 'screenshot-blog-example.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
