// Accessibility: axe-core (npm) over the main screens, in both languages and on a phone;
// a serious or critical violation fails. The terminal's output is a polite live region
// that announces what arrives, not the scroll-back; every focusable control has a name in
// the UI language; Tab walks the page in the order it is laid out.
// Against the release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FAILING = ['serious', 'critical'];
const env = useDistAndChromium();
/** Every screen's violations, written to target/axe-report.json at the end. */
const report = {};

/** axe over the whole page; resolves to its violations, counted in `report[name]`. */
async function audit(page, name) {
  // A pod card fades in (and flashes when Ready): mid-animation its text is partly
  // transparent, which axe measures as low contrast. Audit what a learner reads: the
  // page at rest, between animations.
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running'),
    null, { timeout: 10_000, polling: 50 });
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      count: v.nodes.length,
    }));
  });
  const byImpact = {};
  for (const v of violations) byImpact[v.impact] = (byImpact[v.impact] ?? 0) + v.count;
  report[name] = { byImpact, violations };
  await writeFile(join(SHOTS, 'axe-report.json'), JSON.stringify(report, null, 2));
  return violations;
}

/** Fails with each serious or critical violation spelled out. */
function assertNoSerious(name, violations) {
  const bad = violations.filter((v) => FAILING.includes(v.impact));
  assert.deepEqual(bad.map((v) => `${name}: ${v.impact} ${v.id} (${v.help}) ×${v.count}\n  ${v.nodes.join('\n  ')}`), []);
}

const SCREENS = [
  ['free play (en)', '/index.html?lang=en', {}],
  ['free play (zh-TW, dark)', '/index.html?lang=zh-TW&theme=dark', {}],
  ['lesson (en), hint and solution open', '/index.html?lesson=statefulset-daemonset&lang=en', { lesson: true, hints: true }],
  ['lesson (zh-TW)', '/index.html?lesson=statefulset-daemonset&lang=zh-TW', { lesson: true }],
  ['phone 390 px, lesson tab (zh-TW)', '/index.html?lesson=statefulset-daemonset&lang=zh-TW', { lesson: true, phone: true }],
  ['phone 390 px, terminal tab (en)', '/index.html?lang=en', { phone: true }],
  ['embed, compact layout (zh-TW)', '/index.html?embed=1&layout=compact&lesson=statefulset-daemonset&lang=zh-TW', { lesson: true, width: 800, height: 560 }],
  ['embed, terminal only (en)', '/index.html?embed=1&layout=terminal-only&lang=en', { width: 800, height: 360 }],
  ['embed dialog (en)', '/index.html?lang=en', { dialog: 'embed-button' }],
  ['share dialog (zh-TW)', '/index.html?lang=zh-TW', { dialog: 'share-button' }],
];

for (const [name, path, how] of SCREENS) {
  test(`axe: no serious or critical violation on ${name}`, async () => {
    const size = how.phone ? { width: 390, height: 844, isMobile: true, hasTouch: true }
      : { width: how.width ?? 1400, height: how.height ?? 900 };
    const { page, context, problems } = await openPage(env, path, { ...size, attached: true });
    if (how.lesson) await page.getByTestId('lesson-title').waitFor();
    if (!how.phone || !how.lesson) {
      // Something in the scroll-back and a pod on the cluster view, so that both are audited.
      await runLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=2');
      await page.locator('[data-pod]').first().waitFor({ state: 'attached' });
    }
    if (how.hints) {
      await page.getByTestId('lesson-hint-button').click();
      await page.getByTestId('lesson-solution-button').click();
      await page.getByTestId('lesson-solution').waitFor();
    }
    if (how.dialog) {
      await page.getByTestId(how.dialog).click();
      await page.getByTestId('tool-dialog').waitFor();
    }
    const violations = await audit(page, name);
    console.log(`axe ${name}: ${JSON.stringify(report[name].byImpact)}`);
    assertNoSerious(name, violations);
    // The phone's tab bar is a landmark holding a tab list (a <nav role="tablist"> was
    // no landmark, and axe's `region` found the tabs outside any): nothing at all there.
    if (how.phone) assert.deepEqual(violations.map((v) => `${v.impact} ${v.id}: ${v.nodes[0]}`), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the terminal output is a polite live region that announces new lines, not the scroll-back', async () => {
  const { page, context } = await openPage(env, '/index.html?lang=zh-TW');
  const output = page.getByTestId('terminal-output');
  assert.equal(await output.getAttribute('role'), 'log');
  assert.equal(await output.getAttribute('aria-live'), 'polite');
  assert.equal(await output.getAttribute('aria-relevant'), 'additions');
  assert.equal(await output.getAttribute('aria-atomic'), 'false');
  assert.equal(await output.getAttribute('aria-label'), '終端機輸出');
  // Each command adds its own lines: the ones already there stay the same nodes, so a
  // screen reader hears only the new ones.
  await runLine(page, 'kubectl get ns');
  await output.getByText('kube-node-lease').waitFor();
  const first = await output.locator('.line').first().elementHandle();
  const before = await output.locator('.line').count();
  await runLine(page, 'kubectl get nodes');
  await output.getByText(/^NAME\s+STATUS\s+ROLES/).waitFor();
  assert.ok(await output.locator('.line').count() > before);
  assert.ok(await first.evaluate((el) => el.isConnected), 'the earlier lines were not re-created');
  // The line being typed is not announced as output; the prompt is hidden from the tree.
  assert.equal(await page.locator('.prompt').getAttribute('aria-hidden'), 'true');
  assert.equal(await page.getByTestId('terminal-input').getAttribute('aria-label'), '指令');
  await context.close();
});

test('a replayed scroll-back (starting a lesson rebuilds the cluster) is not read out; the next command is', async () => {
  const { page, context } = await openPage(env, '/index.html?lang=en');
  const output = page.getByTestId('terminal-output');
  await runLine(page, 'kubectl get ns');
  await output.getByText('kube-node-lease').waitFor();
  assert.equal(await output.getAttribute('aria-live'), 'polite');
  await page.locator('[data-testid="lesson-picker"] option', { hasText: 'StatefulSet' }).first().waitFor({ state: 'attached' });
  const value = await page.locator('[data-testid="lesson-picker"] option', { hasText: 'StatefulSet' }).first().getAttribute('value');
  await page.getByTestId('lesson-picker').selectOption(value);
  await page.getByTestId('lesson-title').waitFor();
  assert.equal(await output.getAttribute('aria-live'), 'off', 'the restart swapped the whole scroll-back silently');
  await runLine(page, 'kubectl get ns');
  await output.getByText('kube-node-lease').waitFor();
  assert.equal(await output.getAttribute('aria-live'), 'polite');
  await context.close();
});

test('Tab completes in the terminal; Escape, then Tab, moves on, and the input says so', async () => {
  const { page, context } = await openPage(env, '/index.html?lang=en');
  const input = page.getByTestId('terminal-input');
  await input.fill('kubectl get namesp');
  await input.press('Tab');
  assert.match(await input.inputValue(), /^kubectl get namespaces?\b/);
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'Tab completed and stayed');
  await input.press('Escape');
  await input.press('Tab');
  assert.ok(await input.evaluate((el) => el !== document.activeElement), 'Escape, Tab left the terminal');
  const described = await input.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent);
  assert.equal(described, 'Tab completes a command; Escape, then Tab, leaves the terminal.');
  await context.close();
});

/** What a screen reader names the focused element: axe-free, the usual order of sources. */
const focusedName = () => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  const name = el.getAttribute('aria-label')
    || (el.getAttribute('aria-labelledby') && byIds(el.getAttribute('aria-labelledby')))
    || (el.labels && [...el.labels].map((l) => l.textContent).join(' '))
    || (['BUTTON', 'SUMMARY'].includes(el.tagName) || el.getAttribute('role') === 'tab' ? el.textContent : '')
    || el.getAttribute('title') || '';
  const region = el.closest('.topbar') ? 'header' : el.closest('.pane-tabs') ? 'tabs'
    : el.closest('.lesson-pane') ? 'lesson' : el.closest('.terminal-pane') ? 'terminal'
      : el.closest('.editor-pane') ? 'editor' : el.closest('.cluster-pane') ? 'cluster' : 'other';
  const box = el.getBoundingClientRect();
  return { name: name.trim(), region, tag: el.tagName.toLowerCase(), visible: box.width > 0 && box.height > 0 };
};

for (const lang of ['en', 'zh-TW']) {
  test(`Tab walks header, lesson, terminal, editor, cluster in order, each control named (${lang})`, async () => {
    const { page, context } = await openPage(env, `/index.html?lesson=statefulset-daemonset&lang=${lang}`);
    await page.getByTestId('lesson-title').waitFor();
    await runLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=1');
    await page.locator('[data-pod]').first().waitFor();
    assert.equal(await page.locator('[tabindex]:not([tabindex="0"]):not([tabindex="-1"])').count(), 0,
      'no positive tabindex reorders the page');
    // The walk starts at the page's first tabbable control (the terminal has the focus
    // after a command, and Tab would go on from there).
    const firstTabbable = await page.evaluate(() => {
      const all = [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
        .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
      return all[0]?.dataset.testid;
    });
    assert.equal(firstTabbable, 'time-toggle');
    await page.getByTestId('time-toggle').focus();
    const order = ['header', 'lesson', 'terminal', 'editor', 'cluster'];
    const seen = [await page.evaluate(focusedName)];
    for (let i = 0; i < 80; i++) {
      // In the terminal Tab completes, as in a shell, and in the editor it indents; Escape
      // first lets it move on.
      const last = seen.at(-1);
      if (last.region === 'terminal' && last.tag === 'input') await page.keyboard.press('Escape');
      if (last.region === 'editor' && last.tag === 'textarea') await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      const f = await page.evaluate(focusedName);
      if (!f) break;
      if (seen.length && seen[0].name === f.name && seen[0].region === f.region && i > 5) break; // wrapped
      seen.push(f);
    }
    const steps = seen.map((f) => `${f.region}:${f.tag}:${f.name}`);
    assert.ok(seen.length > 15, steps.join('\n'));
    assert.deepEqual(seen.filter((f) => !f.name || !f.visible).map((f) => `${f.region}:${f.tag}`), [],
      `every focused control is on screen and named:\n${steps.join('\n')}`);
    assert.equal(seen.filter((f) => f.region === 'terminal' && f.tag === 'input').length, 1, 'one stop at the prompt');
    const regions = seen.map((f) => f.region).filter((r, i, all) => r !== all[i - 1]);
    assert.deepEqual(regions, order, steps.join('\n'));
    if (lang === 'zh-TW') {
      const english = seen.filter((f) => /^[A-Za-z ]+$/.test(f.name) && !/^(kubeplay|English)$/.test(f.name)
        && !/^(pod|kubectl|cat|ls) /.test(f.name) && f.region !== 'editor');
      assert.deepEqual(english.map((f) => `${f.region}: ${f.name}`), [], 'labels in the UI language');
    }
    await context.close();
  });
}
