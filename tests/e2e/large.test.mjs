// Large input: a generated 10,000-line manifest (1,250 ConfigMaps, the size of an
// operator bundle or a rendered chart), pasted into the terminal as a heredoc and
// applied, opened in the editor and applied from there, and pasted into the editor.
// No task may block the page for more than 100 ms in any of these: reading pasted lines
// and writing an apply's documents are sliced, and a long file's editor textarea holds only the
// lines around the visible ones (README, Large input in the browser).
//
// How it is measured, honestly on a shared and loaded machine: a Chromium trace of each
// phase gives every task of the page's main thread with its wall time (`dur`) and the
// thread's CPU time in it (`tdur`). Wall time includes whatever the OS gave to other
// processes meanwhile (at a load of 6 on 2 cores a 40 ms task takes 120 ms), CPU time is
// the work the page did in that task — script, style, layout, paint, garbage collection,
// the browser's and ours alike. The assertion is on the CPU time; the wall times (and the
// long-task API's) are printed next to it.
// Against the release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();
const LIMIT_MS = 100;
const LINES = 10_000;
const OBJECTS = LINES / 8;
const LAST = `cm-${OBJECTS - 1}`;

/** `lines / 8` ConfigMaps, eight lines each (tests/large_input.rs's manifest). */
const manifest = (lines) => Array.from({ length: lines / 8 }, (_, i) => [
  'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: cm-${i}`, 'data:',
  `  key: "value $i \`${i}\`"`, `  index: "${i}"`, '---',
]).flat();

/** The browser's own rendering work in a task: style, layout, paint, compositing. */
const RENDERING = /^(Layout|UpdateLayoutTree|PrePaint|Paint|Commit|Layerize|UpdateLayer|ScrollLayer|HitTest|RasterTask|IntersectionObserverController::computeIntersections)$/;
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'];

/** The main thread's tasks over 50 ms of wall or CPU time in a trace, each with what
 *  took its time (the task's direct children summed by name: script, layout, GC). */
function longTasksIn(trace) {
  const events = JSON.parse(trace).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = mine.filter((e) => e.name === 'RunTask' && (e.dur > 50_000 || (e.tdur ?? 0) > 50_000));
  return tasks.map((t) => {
    // The timeline's own events inside the task (a timer, an input event, a function
    // call, layout, paint, GC), each with its self time (less the events nested in it),
    // summed by name: what the task spent its time on.
    const inside = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur
      && /devtools\.timeline/.test(e.cat) && !/^(RunTask|ThreadControllerImpl::RunTask)$/.test(e.name))
      .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const parts = new Map();
    const stack = [];
    let rendering = 0;
    const close = (e) => {
      parts.set(e.label, (parts.get(e.label) ?? 0) + e.self / 1000);
      if (RENDERING.test(e.label)) rendering += e.selfCpu / 1000;
    };
    const cpuOf = (e) => e.tdur ?? e.dur;
    for (const e of inside) {
      while (stack.length && stack.at(-1).end <= e.ts) close(stack.pop());
      const data = e.args?.data ?? {};
      const label = e.name === 'EventDispatch' ? `EventDispatch(${data.type})` : e.name;
      if (stack.length) {
        stack.at(-1).self -= e.dur;
        stack.at(-1).selfCpu -= cpuOf(e);
      }
      stack.push({ label, end: e.ts + e.dur, self: e.dur, selfCpu: cpuOf(e) });
    }
    while (stack.length) close(stack.pop());
    const what = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, d]) => `${n} ${Math.round(d)}`).join(', ');
    const cpu = Math.round(cpuOf(t) / 1000);
    return { wall: Math.round(t.dur / 1000), cpu, script: Math.max(0, Math.round(cpu - rendering)), what };
  });
}

/** Runs `phase` under a trace and prints its long tasks. Fails when a task took more
 *  than LIMIT_MS of the main thread's CPU time: script, style, layout and paint alike. */
async function measured(env, page, what, phase) {
  await env.browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const started = Date.now();
  try {
    await phase();
  } finally {
    const trace = (await env.browser.stopTracing()).toString();
    // $KUBEPLAY_TRACE_DIR: keep each phase's trace there (open it in DevTools' Performance panel).
    if (process.env.KUBEPLAY_TRACE_DIR) (await import('node:fs')).writeFileSync(join(process.env.KUBEPLAY_TRACE_DIR, `${what.replace(/[^a-z0-9]+/gi, '-')}.json`), trace);
    const tasks = longTasksIn(trace);
    const longest = (key) => Math.max(0, ...tasks.map((t) => t[key]));
    const load = (await import('node:os')).loadavg()[0].toFixed(1);
    console.log(`${what}: ${Date.now() - started} ms, load ${load}; tasks over 50 ms: ${tasks.length}, longest ${longest('cpu')} ms CPU (${longest('script')} ms without style, layout, paint) / ${longest('wall')} ms wall`);
    for (const t of tasks.sort((a, b) => b.cpu - a.cpu).slice(0, 5)) console.log(`    ${t.cpu} ms CPU (${t.script} without rendering), ${t.wall} ms wall: ${t.what}`);
    assert.ok(longest('cpu') <= LIMIT_MS, `${what}: a task took ${longest('cpu')} ms of the main thread`);
  }
}

/** Pastes `text` into the terminal's input as a clipboard paste does. */
const paste = (page, text) => page.getByTestId('terminal-input').evaluate((input, text) => {
  const data = new DataTransfer();
  data.setData('text', text);
  input.focus();
  input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
}, text);

/** A page whose cluster has had its first use (the add-ons), so that it is not measured. */
async function readyPage() {
  const opened = await openPage(env, '/index.html?lang=en');
  await runLine(opened.page, 'kubectl get ns');
  await opened.page.getByTestId('terminal-output').getByText('kube-node-lease').waitFor();
  await opened.page.waitForTimeout(500);
  return opened;
}

/** How many of the generated ConfigMaps the cluster holds, as `kubectl get` counts them. */
async function configMapsCreated(page) {
  const output = page.getByTestId('terminal-output');
  await runLine(page, 'kubectl get cm --no-headers | grep -c "^cm-"');
  await output.locator('.line').last().getByText(/^\d+$/).waitFor();
  return Number(await output.locator('.line').last().textContent());
}

test('a pasted 10,000-line heredoc is read and applied, then opened in the editor and applied, without a task over 100 ms', async () => {
  const { page, context, problems } = await readyPage();
  const output = page.getByTestId('terminal-output');
  await measured(env, page, '10,000-line heredoc pasted and read', async () => {
    await paste(page, ["cat <<'EOF' > big.yaml", ...manifest(LINES), 'EOF', 'wc -l big.yaml', ''].join('\n'));
    await output.getByText(`${LINES} big.yaml`).waitFor({ timeout: 180_000 });
  });
  // The terminal keeps its last 5,000 lines.
  assert.ok(await output.locator('.line').count() <= 5_000);

  await measured(env, page, 'kubectl apply -f big.yaml (1,250 objects)', async () => {
    await runLine(page, 'kubectl apply -f big.yaml');
    // Typed while the apply writes: it waits for the prompt, as a pasted line does.
    await runLine(page, `kubectl get cm ${LAST} -o name`);
    await output.getByText(`configmap/${LAST}`, { exact: true }).waitFor({ timeout: 180_000 });
  });
  const texts = await output.locator('.line').allTextContents();
  const created = texts.indexOf(`configmap/${LAST} created`);
  assert.ok(created > 0 && texts.indexOf(`configmap/${LAST}`) > created, 'the line typed during the apply ran after it');
  assert.equal(await configMapsCreated(page), OBJECTS);
  await runLine(page, `kubectl get cm ${LAST} -o jsonpath='{.data.key}'`);
  await output.getByText(`value $i \`${OBJECTS - 1}\``, { exact: true }).waitFor();

  await measured(env, page, '10,000-line file opened in the editor and applied', async () => {
    await runLine(page, 'vim big.yaml');
    // The textarea holds the lines around the visible ones; the gutter numbers the file.
    await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.startsWith('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-0\n'), null, { timeout: 60_000 });
    await page.getByTestId('editor-apply').click();
    await output.getByText(`configmap/${LAST} unchanged`).waitFor({ timeout: 180_000 });
  });
  const held = await page.getByTestId('editor').inputValue();
  assert.ok(held.split('\n').length < 1_500, `the textarea holds ${held.split('\n').length} of the ${LINES} lines`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 10,000-line manifest pasted into the editor is held and drawn around the visible lines, edited at its end, and applied', async () => {
  const { page, context, problems } = await readyPage();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const text = manifest(LINES).join('\n') + '\n';
  const editor = page.getByTestId('editor');
  await editor.click();
  await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  await measured(env, page, '10,000-line manifest pasted into the editor and applied', async () => {
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    // The view follows the caret to the pasted text's end, as a paste does. Only the lines
    // around the visible ones are drawn and held; the gutter numbers the file's, and the
    // highlighted copy stays aligned with the text.
    await page.locator('.gutter div', { hasText: new RegExp(`^${LINES}$`) }).waitFor();
    assert.ok(await page.locator('.code.highlight .hl-line').count() < 1_000);
    assert.ok((await editor.inputValue()).split('\n').length < 1_500, 'the textarea holds only the lines around the visible ones');
    assert.ok(Number(await editor.getAttribute('data-first-line')) > LINES / 2);
    const [viewBottom, lastTop] = await page.evaluate(() => {
      const lines = document.querySelectorAll('.code.highlight .hl-line');
      const last = [...lines].find((l) => l.textContent.includes('index: "1249"'));
      return [document.querySelector('.code.scroller').getBoundingClientRect().bottom, last.getBoundingClientRect().top];
    });
    assert.ok(lastTop < viewBottom, `the last ConfigMap's line is drawn in view (${lastTop} < ${viewBottom})`);
    await page.screenshot({ path: join(SHOTS, 'screenshot-large-editor.png') });
    // Scrolled back to the top, the window moves there.
    await page.locator('.code.scroller').evaluate((el) => { el.scrollTop = 0; });
    await page.locator('.gutter div', { hasText: /^1$/ }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').dataset.firstLine === '0');
    await page.getByTestId('editor-apply').click();
    await page.getByTestId('terminal-output').getByText(`configmap/${LAST} created`).waitFor({ timeout: 180_000 });
  });
  assert.equal(await configMapsCreated(page), OBJECTS);

  // Typed at the end of the file, the edit lands in its last ConfigMap; Ctrl-A and Ctrl-C
  // copy the whole file, not the window.
  await page.locator('.code.scroller').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="editor"]').dataset.firstLine) > n, LINES / 2);
  await editor.evaluate((el) => { el.focus(); el.setSelectionRange(el.value.indexOf('"1249"') + 5, el.value.indexOf('"1249"') + 5); });
  await page.keyboard.type('9');
  await page.getByTestId('editor-apply').click();
  await page.getByTestId('terminal-output').getByText(`configmap/${LAST} configured`).waitFor({ timeout: 60_000 });
  await runLine(page, `kubectl get cm ${LAST} -o jsonpath='{.data.index}'`);
  await page.getByTestId('terminal-output').getByText('12499', { exact: true }).waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, text.replace('index: "1249"', 'index: "12499"'));
  assert.deepEqual(problems, []);
  await context.close();
});
