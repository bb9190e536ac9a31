// Every UI string in both languages: each screen rendered in zh-TW (free play, lesson,
// finish, header tools, the Embed and Share dialogs, the editor's diagnostics, the crash
// panel, phone tabs, the boot line before the app runs) shows no label from the English
// table (src/ui/i18n.rs), neither as text nor as a tooltip or accessible name.
// Against the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();

/** `name: "text"` pairs of one table in i18n.rs (`pub const EN: Strings = Strings { … };`). */
function table(source, name) {
  const body = source.split(`pub const ${name}: Strings = Strings {`)[1].split('\n};')[0];
  return Object.fromEntries([...body.matchAll(/^\s*(\w+):\s*"((?:[^"\\]|\\.)*)",/gm)].map((m) => [m[1], m[2]]));
}
const SOURCE = readFileSync(join(ROOT, 'src/ui/i18n.rs'), 'utf8');
const EN = table(SOURCE, 'EN');
const ZH = table(SOURCE, 'ZH_TW');
/** English labels a zh-TW page must not show, whole or as a long piece between `{n}`s.
 *  "English" names that language in the switch, in itself. */
const ENGLISH = Object.entries(EN)
  .filter(([name, en]) => name !== 'lang_name' && ZH[name] !== en)
  .map(([name, en]) => [name, en, en.split(/[{}]/).map((p) => p.trim()).filter((p) => [...p].length >= 10)]);
/** Phrases outside the table that are UI text too: the boot line, the lazy-load panel. */
const OTHER_ENGLISH = ['Starting the cluster', 'could not load the rest of its code', 'Reload'];

/** Every visible text and every title / aria-label / placeholder on the page. */
const shownTexts = () => {
  const out = [];
  const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent.trim();
    if (t && visible(n.parentElement) && !n.parentElement.closest('.terminal-output, textarea, .code, pre, option:not(:checked)')) out.push(t);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (!visible(el) && !el.matches('.visually-hidden *')) continue;
    for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
  }
  return out;
};

function englishIn(texts) {
  const found = [];
  for (const t of texts) {
    for (const [name, en, pieces] of ENGLISH) {
      if (t === en || pieces.some((p) => t.includes(p))) found.push(`${name}: ${JSON.stringify(t)}`);
    }
    for (const p of OTHER_ENGLISH) if (t.includes(p)) found.push(`(outside the table) ${JSON.stringify(t)}`);
  }
  return [...new Set(found)];
}

async function assertNoEnglish(page, screen) {
  const texts = await page.evaluate(shownTexts);
  assert.ok(texts.length > 3, `${screen}: texts found`);
  assert.deepEqual(englishIn(texts), [], screen);
}

test('the check sees English: the same screens in English show the table\'s labels', async () => {
  const { page, context } = await openPage(env, '/index.html?lang=en');
  const found = englishIn(await page.evaluate(shownTexts));
  for (const name of ['pane_terminal', 'why_empty', 'no_pods', 'embed', 'share', 'virtual_clock']) {
    assert.ok(found.some((f) => f.startsWith(`${name}: `)), `${name} in ${found.join('\n')}`);
  }
  await context.close();
});

test('zh-TW: free play, header tools, dialogs and the editor\'s diagnostics', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=zh-TW');
  await assertNoEnglish(page, 'free play, empty cluster');
  await runLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=2');
  await page.locator('[data-pod]').first().waitFor();
  await assertNoEnglish(page, 'free play with pods');
  await page.getByTestId('embed-button').click();
  await page.getByTestId('tool-dialog').waitFor();
  await assertNoEnglish(page, 'embed dialog');
  await page.getByTestId('share-button').click();
  await assertNoEnglish(page, 'share dialog');
  await page.getByTestId('tool-dialog').getByRole('button', { name: '關閉' }).click();
  // A broken manifest: the diagnostics' line labels.
  await page.getByTestId('editor').fill('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [\n');
  await page.locator('.diagnostic').first().waitFor();
  assert.match(await page.locator('.diagnostic .at').first().textContent(), /^第 \d+ 行$/);
  await assertNoEnglish(page, 'editor diagnostics');
  await page.screenshot({ path: join(SHOTS, 'screenshot-zh-TW-free-play.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('zh-TW: a lesson with hint and solution, and its finish screen', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lesson=statefulset-daemonset&lang=zh-TW');
  await page.getByTestId('lesson-title').waitFor();
  await page.getByTestId('lesson-hint-button').click();
  await page.getByTestId('lesson-solution-button').click();
  await assertNoEnglish(page, 'lesson step');
  // The last step's Finish, then the finish screen.
  while (await page.getByTestId('lesson-next').textContent() !== '完成') await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-finish').waitFor();
  await assertNoEnglish(page, 'finish screen');
  assert.deepEqual(problems, []);
  await context.close();
});

test('zh-TW: the phone\'s tabs', async () => {
  const { page, context } = await openPage(env, '/index.html?lang=zh-TW', { width: 390, height: 844, isMobile: true, hasTouch: true });
  await assertNoEnglish(page, 'phone, terminal tab');
  for (const tab of ['編輯器', '叢集', '課程']) {
    await page.getByRole('tab', { name: tab }).tap();
    await assertNoEnglish(page, `phone, ${tab} tab`);
  }
  await context.close();
});

test('zh-TW: the boot line before the app runs, and the panel when the rest of the code cannot load', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-TW' });
  const page = await context.newPage();
  // Hold the first module back: the page shows only its boot line.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.route(/_lazy\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto(`${env.origin}/index.html`);
  await page.getByTestId('booting').waitFor();
  assert.equal(await page.getByTestId('booting').textContent(), '正在啟動叢集…');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-TW');
  release();
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor();
  await runLine(page, 'kubectl get nodes');
  await page.getByTestId('crash').waitFor();
  assert.equal(await page.getByTestId('crash').getByRole('button').textContent(), '重新載入');
  await assertNoEnglish(page, 'lazy-load panel');
  await page.screenshot({ path: join(SHOTS, 'screenshot-zh-TW-crash.png') });
  await context.close();
});

test('zh-TW: a saved session that cannot be restored is reported in zh-TW', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=zh-TW', {}, async (page) => {
    // Broken storage on the first load only (the page saves a fresh session afterwards).
    await page.addInitScript(() => {
      if (sessionStorage.getItem('corrupted')) return;
      sessionStorage.setItem('corrupted', '1');
      localStorage.setItem('kubeplay.session', '{"version": 1, "nodes":');
    });
  });
  const output = page.getByTestId('terminal-output');
  await output.getByText(/^無法還原先前儲存的操作（.*），已重新開始$/).waitFor();
  assert.equal(await output.getByText(/saved session could not be restored/).count(), 0);
  await assertNoEnglish(page, 'free play after a dropped session');
  assert.deepEqual(problems, []);
  await context.close();
});

test('zh-TW: a lesson whose hints are only in English says so in zh-TW', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lesson=statefulset-daemonset&lang=zh-TW', {}, async (page) => {
    // The lesson as its author might have written it: hints in English only.
    await page.route(/lessons\/statefulset-daemonset\.yaml$/, async (route) => {
      const yaml = await (await route.fetch()).text();
      const englishOnly = yaml.replace(/^( {6}en: \[.*\]\n) {6}zh-TW: \[.*\]\n/gm, '$1');
      assert.notEqual(englishOnly, yaml);
      await route.fulfill({ body: englishOnly, contentType: 'text/yaml; charset=utf-8' });
    });
  });
  await page.getByTestId('lesson-title').waitFor();
  await page.getByTestId('lesson-hint-button').click();
  const hint = page.getByTestId('lesson-hint').first();
  assert.match(await hint.textContent(), /^提示（這個課程只有英文版）: Without -E, grep/);
  await assertNoEnglish(page, 'lesson with English-only hints');
  assert.deepEqual(problems, []);
  await context.close();
});
