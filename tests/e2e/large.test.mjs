// Large input: a generated 10,000-line manifest (1,250 ConfigMaps, the size of an
// operator bundle or a rendered chart), pasted into the terminal as a heredoc and
// applied, opened in the editor and applied from there, and pasted into the editor.
// A PerformanceObserver records every long task (over 50 ms). Reading the pasted lines
// is sliced and may not block the page for more than 100 ms in any task. Applying 1,250
// objects is still one task (one shell command runs to its end), and so is the browser's
// own layout of a 10,000-line textarea: those phases print their long tasks and check
// that every object was really created (README, Known gaps).
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

/** Every long task from now on, in `window.__longTasks` (durations in ms). */
const watchLongTasks = (page) => page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask' });
});

/** Prints the long tasks seen since the last call; with `limit`, fails on any over it. */
async function longTasks(page, what, started, limit) {
  const tasks = await page.evaluate(() => window.__longTasks.splice(0));
  const longest = Math.max(0, ...tasks);
  console.log(`${what}: ${Date.now() - started} ms; long tasks: ${tasks.length}, longest ${longest} ms (${tasks.join(' ')})`);
  if (limit) assert.ok(longest <= limit, `${what}: long tasks of ${tasks.join(' ')} ms`);
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
  await watchLongTasks(opened.page);
  return opened;
}

/** How many of the generated ConfigMaps the cluster holds, as `kubectl get` counts them. */
async function configMapsCreated(page) {
  const output = page.getByTestId('terminal-output');
  await runLine(page, 'kubectl get cm --no-headers | grep -c "^cm-"');
  await output.locator('.line').last().getByText(/^\d+$/).waitFor();
  return Number(await output.locator('.line').last().textContent());
}

test('a pasted 10,000-line heredoc is read without a task over 100 ms, then applied and opened in the editor', async () => {
  const { page, context, problems } = await readyPage();
  const output = page.getByTestId('terminal-output');
  let started = Date.now();
  await paste(page, ["cat <<'EOF' > big.yaml", ...manifest(LINES), 'EOF', 'wc -l big.yaml', ''].join('\n'));
  await output.getByText(`${LINES} big.yaml`).waitFor({ timeout: 180_000 });
  await longTasks(page, '10,000-line heredoc pasted and read', started, LIMIT_MS);
  // The terminal keeps its last 5,000 lines.
  assert.ok(await output.locator('.line').count() <= 5_000);

  started = Date.now();
  await runLine(page, 'kubectl apply -f big.yaml');
  await output.getByText(`configmap/${LAST} created`).waitFor({ timeout: 180_000 });
  await longTasks(page, 'kubectl apply -f big.yaml (1,250 objects)', started);
  assert.equal(await configMapsCreated(page), OBJECTS);
  await runLine(page, `kubectl get cm ${LAST} -o jsonpath='{.data.key}'`);
  await output.getByText(`value $i \`${OBJECTS - 1}\``, { exact: true }).waitFor();

  await page.evaluate(() => window.__longTasks.splice(0));
  started = Date.now();
  await runLine(page, 'vim big.yaml');
  const text = manifest(LINES).join('\n') + '\n';
  await page.waitForFunction((n) => document.querySelector('[data-testid="editor"]').value.length === n, text.length, { timeout: 60_000 });
  await page.getByTestId('editor-apply').click();
  await output.getByText(`configmap/${LAST} unchanged`).waitFor({ timeout: 180_000 });
  await longTasks(page, '10,000-line file opened in the editor and applied', started);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 10,000-line manifest pasted into the editor is drawn around the visible lines and applied', async () => {
  const { page, context, problems } = await readyPage();
  const text = manifest(LINES).join('\n') + '\n';
  const editor = page.getByTestId('editor');
  const started = Date.now();
  await editor.evaluate((el, text) => {
    el.focus();
    el.select();
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
  }, text);
  // Only the lines around the visible ones are drawn; the gutter numbers all of them
  // once scrolled to the end, and the highlighted copy stays aligned with the text.
  await page.locator('.gutter div', { hasText: /^1$/ }).waitFor();
  assert.ok(await page.locator('.code.highlight .hl-line').count() < 1_000);
  await editor.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('.gutter div', { hasText: new RegExp(`^${LINES}$`) }).waitFor();
  const [areaTop, lastTop] = await page.evaluate(() => {
    const lines = document.querySelectorAll('.code.highlight .hl-line');
    const last = [...lines].find((l) => l.textContent.includes('index: "1249"'));
    return [document.querySelector('.code.input').getBoundingClientRect().bottom, last.getBoundingClientRect().top];
  });
  assert.ok(lastTop < areaTop, `the last ConfigMap's line is drawn in view (${lastTop} < ${areaTop})`);
  await page.screenshot({ path: join(SHOTS, 'screenshot-large-editor.png') });
  await page.getByTestId('editor-apply').click();
  await page.getByTestId('terminal-output').getByText(`configmap/${LAST} created`).waitFor({ timeout: 180_000 });
  await longTasks(page, '10,000-line manifest pasted into the editor and applied', started);
  assert.equal(await configMapsCreated(page), OBJECTS);
  assert.deepEqual(problems, []);
  await context.close();
});
