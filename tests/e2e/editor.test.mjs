// The editor that knows Kubernetes: completion from the 1.34 schema at the cursor (a
// listbox the textarea points into), kubectl explain's text for the field under the
// cursor, undo and redo, find, and YAML indentation — on a desktop, on a phone, in both
// languages, and clean under axe. Screenshots go to target/screenshot-editor-*.png.
// Against the release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SHOTS, openPage, useDistAndChromium } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const env = useDistAndChromium();

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\nspec:\n  replicas: 3\n'
  + '  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n'
  + '        app: hello\n    spec:\n      containers:\n      - name: hello\n        image: nginx:1.27\n';

/** The editor with `text` in it, focused, the cursor at the end (or after `marker`). */
async function editorWith(page, text, marker) {
  const editor = page.getByTestId('editor');
  await editor.fill(text);
  await editor.focus();
  await editor.evaluate((el, at) => {
    const i = at === null ? el.value.length : el.value.indexOf(at) + at.length;
    el.setSelectionRange(i, i);
  }, marker ?? null);
  return editor;
}

/** The lazy half of the wasm is in: the explain panel follows the cursor from then on. */
const lazyArrived = (page) => page.waitForFunction(
  () => (document.documentElement.dataset.wasmLazy ?? 'loaded') === 'loaded');

async function options(page) {
  return page.locator('#editor-completion [role="option"] .label').allTextContents();
}

/** Serious or critical axe violations on the page as it is. */
async function axeSerious(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('Ctrl-Space lists imagePullPolicy\'s enum values; arrows and Enter choose; the list is a listbox', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en');
  await lazyArrived(page);
  const editor = await editorWith(page, `${DEPLOYMENT}        imagePullPolicy: `);
  await page.keyboard.press('Control+Space');
  const list = page.getByRole('listbox');
  await list.waitFor();
  assert.deepEqual(await options(page), ['Always', 'IfNotPresent', 'Never']);
  assert.equal(await editor.getAttribute('aria-activedescendant'), 'editor-completion-0');
  assert.equal(await editor.getAttribute('aria-controls'), 'editor-completion');
  await page.keyboard.press('ArrowDown');
  assert.equal(await editor.getAttribute('aria-activedescendant'), 'editor-completion-1');
  assert.equal(await page.locator('#editor-completion-1').getAttribute('aria-selected'), 'true');
  // The chosen value is documented while it is chosen: explain's ENUM block.
  await page.getByTestId('editor-docs').getByText('kubectl explain deployment.spec.template.spec.containers.imagePullPolicy').waitFor();
  assert.match(await page.getByTestId('editor-docs').locator('pre').textContent(),
    /FIELD: imagePullPolicy <string>\nENUM:\n {4}Always\n {4}IfNotPresent\n {4}Never/);
  await page.keyboard.press('Enter');
  assert.equal(await list.count(), 0);
  assert.ok((await editor.inputValue()).endsWith('imagePullPolicy: IfNotPresent'), await editor.inputValue());
  assert.equal(await editor.getAttribute('aria-activedescendant'), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('typing a key\'s letters opens the list for that prefix, without the keys already written; Escape closes it', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en');
  await lazyArrived(page);
  const editor = await editorWith(page, DEPLOYMENT.replace('        image: nginx:1.27\n', '        image: nginx:1.27\n        '));
  await page.keyboard.type('re');
  await page.getByRole('listbox').waitFor();
  const labels = await options(page);
  assert.ok(labels.includes('resources') && labels.includes('readinessProbe'), labels.join());
  assert.ok(labels.every((l) => l.startsWith('re')), labels.join());
  // Ctrl-Space on the typed prefix lists the same.
  await page.keyboard.press('Control+Space');
  assert.deepEqual(await options(page), labels);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('listbox').count(), 0);
  assert.ok(await editor.evaluate((el) => el === document.activeElement), 'the focus stays in the editor');
  // A list field brings its first item's dash, at kubectl's indentation.
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('po');
  await page.getByRole('listbox').waitFor();
  assert.deepEqual(await options(page), ['ports']);
  await page.keyboard.press('Tab');
  assert.ok((await editor.inputValue()).endsWith('        ports:\n        - '), JSON.stringify(await editor.inputValue()));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the explain panel shows kubectl explain for the field under the cursor, in the UI language', async () => {
  for (const [lang, description] of [['en', 'The desired number of pods.'], ['zh-TW', '期望的 Pod 數量']]) {
    const { page, context, problems } = await openPage(env, `/index.html?lang=${lang}`);
    await lazyArrived(page);
    await editorWith(page, DEPLOYMENT, '  repl');
    await page.keyboard.press('ArrowRight');
    const docs = page.getByTestId('editor-docs');
    await docs.getByText('kubectl explain deployment.spec.replicas').waitFor();
    const text = await docs.locator('pre').textContent();
    assert.match(text, /^GROUP: {6}apps\nKIND: {7}Deployment\nVERSION: {4}v1\n\nFIELD: replicas <integer>\n/);
    assert.ok(text.includes(description), text);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('Enter keeps or deepens the indent; Ctrl-Z undoes a word at a time and Ctrl-Shift-Z redoes', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en');
  const editor = await editorWith(page, 'spec:');
  await page.keyboard.press('Enter');
  await page.keyboard.type('replicas: 2');
  await page.keyboard.press('Enter');
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: 2\n  ');
  await page.keyboard.press('Escape'); // a list that opened stays out of the way
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: 2');
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: ');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: 2');
  // The toolbar's buttons do the same (phones have no Ctrl).
  await page.getByTestId('editor-undo').click();
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: ');
  await page.getByTestId('editor-redo').click();
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: 2');
  // Shift-Tab outdents the line; Tab indents it back.
  await editor.focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await editor.inputValue(), 'spec:\nreplicas: 2');
  await editor.evaluate((el) => el.setSelectionRange(6, 6));
  await page.keyboard.press('Tab');
  assert.equal(await editor.inputValue(), 'spec:\n  replicas: 2');
  // A selection within the line is indented with it, not replaced.
  await editor.evaluate((el) => el.setSelectionRange(8, 16));
  await page.keyboard.press('Tab');
  assert.equal(await editor.inputValue(), 'spec:\n    replicas: 2');
  assert.deepEqual(await editor.evaluate((el) => [el.selectionStart, el.selectionEnd]), [10, 18]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Ctrl-F finds every match, Enter goes to the next, Escape returns to the text with it selected', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en');
  const editor = await editorWith(page, DEPLOYMENT, 'apiVersion');
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('editor-find-input');
  await input.waitFor();
  assert.ok(await input.evaluate((el) => el === document.activeElement));
  await page.keyboard.type('HELLO');
  const count = page.getByTestId('editor-find-count');
  assert.equal(await count.textContent(), '1 of 4');
  assert.equal(await page.locator('.find-mark').count(), 4);
  await page.keyboard.press('Enter');
  assert.equal(await count.textContent(), '2 of 4');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await count.textContent(), '1 of 4');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('editor-find').count(), 0);
  assert.ok(await editor.evaluate((el) => el === document.activeElement));
  const selected = await editor.evaluate((el) => [el.selectionStart, el.selectionEnd, el.value.slice(el.selectionStart, el.selectionEnd)]);
  assert.deepEqual(selected, [DEPLOYMENT.indexOf('hello'), DEPLOYMENT.indexOf('hello') + 5, 'hello']);
  assert.deepEqual(problems, []);
  await context.close();
});

/** A ConfigMap of `n` lines: line i (from 0) of the file is `  k<i>: "v"` from line 4 on. */
const longConfigMap = (n) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: long', 'data:',
  ...Array.from({ length: n - 5 }, (_, i) => `  k${String(i + 5).padStart(4, '0')}: "v"`)].join('\n');

/** Where line `n` of the file is drawn in the highlighted copy and where the textarea has
 *  it (its top, its padding and the lines it holds from `data-first-line`), in pixels.
 *  The two agree within 2 px when they are aligned (measured: 1 px apart, and the two
 *  texts drawn over each other in one place); a line off would be 19.5 px. */
const linePlaces = (page, n) => page.evaluate((n) => {
  const area = document.querySelector('[data-testid="editor"]');
  const line = parseFloat(getComputedStyle(area).lineHeight);
  const inArea = area.getBoundingClientRect().top + 8 + (n - Number(area.dataset.firstLine)) * line;
  const key = `k${String(n).padStart(4, '0')}:`;
  const drawn = [...document.querySelectorAll('.code.highlight .hl-line')].find((l) => l.textContent.includes(key));
  return [drawn ? drawn.getBoundingClientRect().top : null, inArea];
}, n);

test('a 3,000-line file: the textarea holds the lines around the view, aligned with the highlighted copy, as keys, typing, find and undo move through it', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en');
  const text = longConfigMap(3000);
  const editor = page.getByTestId('editor');
  await editor.fill(text);
  const scroller = page.locator('.code.scroller');
  const held = () => editor.evaluate((el) => [Number(el.dataset.firstLine), el.value.split('\n').length]);
  await page.locator('.gutter div', { hasText: /^3000$/ }).or(page.locator('.gutter div', { hasText: /^1$/ })).first().waitFor();
  let [first, count] = await held();
  assert.ok(count < 1_500, `the textarea holds ${count} lines`);

  // Scrolled to the middle, the window moves there, lined up with the drawn lines.
  await scroller.evaluate((el) => { el.scrollTop = 1500 * 19.5; });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="editor"]').dataset.firstLine) > 500);
  [first, count] = await held();
  assert.ok(first <= 1500 && first + count > 1540, `lines ${first}..${first + count} hold the view`);
  await page.locator('.gutter div', { hasText: /^1510$/ }).waitFor();
  let [drawn, inArea] = await linePlaces(page, 1509);
  assert.ok(Math.abs(drawn - inArea) < 2, `line 1509 drawn at ${drawn}, held at ${inArea}`);

  // Typed at line 1510 of the file (a click there), the letter lands on that line.
  await page.locator('.gutter div', { hasText: /^1510$/ }).waitFor();
  const box = await page.locator('.code.highlight .hl-line', { hasText: 'k1509:' }).boundingBox();
  await page.mouse.click(box.x + 200, box.y + box.height / 2);
  await page.keyboard.press('End');
  await page.keyboard.type('X');
  assert.ok((await editor.inputValue()).includes('  k1509: "v"X\n  k1510'));
  // ArrowDown past the view's bottom scrolls it; the caret's line stays lined up.
  const top = await scroller.evaluate((el) => el.scrollTop);
  for (let i = 0; i < 60; i += 1) await page.keyboard.press('ArrowDown');
  assert.ok(await scroller.evaluate((el) => el.scrollTop) > top, 'the view followed the caret down');
  [drawn, inArea] = await linePlaces(page, 1569);
  assert.ok(Math.abs(drawn - inArea) < 2, `line 1569 drawn at ${drawn}, held at ${inArea}`);

  // Find a key far below: the window moves to it and selects it.
  await page.keyboard.press('Control+f');
  await page.getByTestId('editor-find-input').waitFor();
  await page.keyboard.type('k2950');
  await page.keyboard.press('Escape');
  const selected = await editor.evaluate((el) => [Number(el.dataset.firstLine), el.value.slice(el.selectionStart, el.selectionEnd)]);
  assert.ok(selected[0] > 2000, `the window moved to the match (first line ${selected[0]})`);
  assert.equal(selected[1], 'k2950');
  [drawn, inArea] = await linePlaces(page, 2950);
  assert.ok(Math.abs(drawn - inArea) < 2, `line 2950 drawn at ${drawn}, held at ${inArea}`);

  // Undo, far from the edit, takes the X out of line 1509 and shows it.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="editor"]').dataset.firstLine) < 1509);
  assert.ok((await editor.inputValue()).includes('  k1509: "v"\n  k1510'));
  // Select all and type: the whole file is replaced, not the lines held.
  await page.keyboard.press('Control+a');
  await page.keyboard.type('a');
  assert.equal(await editor.inputValue(), 'a');
  assert.equal(await page.locator('.gutter div:not(.spacer)').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('screenshots at 1400 px and 390 px, in en and zh-TW, with the list and the docs open; axe stays clean', async () => {
  const phone = { width: 390, height: 844, isMobile: true, hasTouch: true };
  const cases = [
    ['1400-en', '/index.html?lang=en', { width: 1400, height: 900 }, 'Editor'],
    ['390-en', '/index.html?lang=en', phone, 'Editor'],
    ['1400-zh-TW', '/index.html?lang=zh-TW', { width: 1400, height: 900 }, '編輯器'],
    ['390-zh-TW', '/index.html?lang=zh-TW', phone, '編輯器'],
  ];
  for (const [name, path, size, editorTab] of cases) {
    const { page, context, problems } = await openPage(env, path, { ...size, attached: size.width < 700 });
    await lazyArrived(page);
    if (size.width < 700) await page.getByRole('tab', { name: editorTab }).tap();
    const text = `${DEPLOYMENT}        imagePullPolicy: `;
    await editorWith(page, text);
    if (size.width < 700) await page.getByTestId('editor-suggest').tap();
    else await page.keyboard.press('Control+Space');
    await page.getByRole('listbox').waitFor();
    await page.getByTestId('editor-docs').waitFor();
    await page.screenshot({ path: join(SHOTS, `screenshot-editor-${name}.png`) });
    // The list, its type column included, stays inside the text's pane.
    const [listRight, detailRight, paneRight] = await page.evaluate(() => [
      document.getElementById('editor-completion').getBoundingClientRect().right,
      Math.max(...[...document.querySelectorAll('#editor-completion .detail')].map((d) => d.getBoundingClientRect().right)),
      document.querySelector('.code-wrap').getBoundingClientRect().right]);
    assert.ok(listRight <= paneRight + 0.5 && detailRight <= paneRight + 0.5, `${name}: ${listRight} ${detailRight} > ${paneRight}`);
    // It stays inside the text's pane in height too: on a phone, where little of the
    // pane is left under the last line, it opens above the word instead of covering the
    // explain panel's title; on a desktop it opens under the word.
    const [list, wrap, docsTop, word] = await page.evaluate(() => {
      const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
      const hl = [...document.querySelectorAll('.code.highlight .hl-line')].find((l) => l.textContent.includes('imagePullPolicy'));
      return [box(document.getElementById('editor-completion')), box(document.querySelector('.code-wrap')),
        document.querySelector('[data-testid="editor-docs"]').getBoundingClientRect().top, box(hl)];
    });
    assert.ok(list.top >= wrap.top - 0.5 && list.bottom <= wrap.bottom + 0.5 && list.bottom <= docsTop + 0.5,
      `${name}: the list (${list.top}–${list.bottom}) leaves the text's pane (${wrap.top}–${wrap.bottom}, docs at ${docsTop})`);
    assert.ok(list.bottom <= word.top + 0.5 || list.top >= word.bottom - 0.5, `${name}: the list covers its word`);
    if (size.width >= 700) assert.ok(list.top >= word.bottom - 0.5, `${name}: the list opens under its word`);
    // The explain panel's title (`kubectl explain deployment.spec.template.spec…`) breaks
    // inside its box, on a phone too.
    const [titleRight, docsRight] = await page.evaluate(() => {
      const docs = document.querySelector('[data-testid="editor-docs"]');
      return [docs.querySelector('summary code').getBoundingClientRect().right, docs.getBoundingClientRect().right];
    });
    assert.ok(titleRight <= docsRight + 0.5, `${name}: the docs title ends at ${titleRight} > ${docsRight}`);
    assert.deepEqual(await axeSerious(page), [], name);
    if (size.width < 700) {
      // A tap on an option chooses it.
      await page.locator('#editor-completion [role="option"]', { hasText: 'Never' }).tap();
      assert.ok((await page.getByTestId('editor').inputValue()).endsWith('imagePullPolicy: Never'));
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
