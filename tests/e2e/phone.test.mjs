// End-to-end on a 390 px phone, which shows one pane at a time: a lesson link opens on the
// lesson, and a suggested command typed by its chip lands in the terminal, on screen.
// Against the release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();

/** The page at `path` on the phone, once its terminal takes input (on screen or not: a
 *  phone may show another pane first), with page errors collected in `problems`. */
async function openPhone(path) {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  await page.goto(env.origin + path);
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor({ state: 'attached' });
  return { page, context, problems };
}

const selectedTab = (page) => page.locator('.pane-tab[aria-selected="true"]').textContent()
  .then((t) => t.trim());

test('a 390 px phone in zh-TW: a lesson link opens on the lesson, and a chip types into the terminal and shows it', async () => {
  const { page, context, problems } = await openPhone(
    '/index.html?lesson=statefulset-daemonset&lang=zh-TW');
  await page.getByTestId('lesson-title').waitFor();
  assert.equal(await selectedTab(page), '課程');
  assert.ok(await page.getByTestId('lesson-step-title').isVisible(), 'the step is on screen');
  assert.ok(!(await page.getByTestId('terminal-input').isVisible()), 'the terminal is a tab away');
  await page.screenshot({ path: join(SHOTS, 'screenshot-phone390-zh-TW-lesson.png') });

  await page.getByTestId('lesson-chip').first().tap();
  const input = page.getByTestId('terminal-input');
  await input.waitFor({ state: 'visible' });
  assert.equal(await selectedTab(page), '終端機');
  assert.equal(await input.inputValue(), "kubectl explain deployment.spec | grep -iE 'group|version'");
  assert.ok(await input.evaluate((el) => el === document.activeElement),
    'the input has the focus, so the keyboard opens on it');
  await input.press('Enter');
  const output = page.getByTestId('terminal-output');
  await output.getByText('GROUP:      apps').waitFor();
  await output.getByText('VERSION:    v1').waitFor();
  await page.screenshot({ path: join(SHOTS, 'screenshot-phone390-zh-TW-chip.png') });

  // Back on the lesson the step is done, and the next step's chip switches again.
  await page.getByRole('tab', { name: '課程' }).tap();
  await page.locator('[data-testid="lesson-step-status"][data-done="true"]').waitFor();
  await page.getByTestId('lesson-next').tap();
  await page.getByTestId('lesson-chip').first().tap();
  await input.waitFor({ state: 'visible' });
  assert.equal(await selectedTab(page), '終端機');
  assert.equal(await input.inputValue(), 'cat pod-statefulSet.yaml');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 390 px phone without a lesson link opens on the terminal', async () => {
  const { page, context, problems } = await openPhone('/index.html?lang=zh-TW');
  assert.equal(await selectedTab(page), '終端機');
  assert.ok(await page.getByTestId('terminal-input').isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

/** In the page: whether the prompt line is all inside the visual viewport (what is not
 *  under the keyboard). */
const promptIsInView = () => {
  const r = document.querySelector('.prompt-line').getBoundingClientRect();
  const v = window.visualViewport;
  return r.top >= v.offsetTop - 0.5 && r.bottom <= v.offsetTop + v.height + 0.5;
};
const promptInView = (page) => page.evaluate(promptIsInView);

test('a 390 px phone: the on-screen keyboard does not cover the prompt', async () => {
  const { page, context, problems } = await openPhone('/index.html?lesson=statefulset-daemonset&lang=zh-TW');
  await page.getByTestId('lesson-title').waitFor();
  await page.getByTestId('lesson-chip').first().tap();
  const input = page.getByTestId('terminal-input');
  await input.waitFor({ state: 'visible' });
  await input.press('Enter');
  await page.getByTestId('terminal-output').getByText('VERSION:    v1').waitFor();
  await input.focus();
  assert.ok(await promptInView(page), 'the prompt is on screen before the keyboard opens');
  // The keyboard opens: what the page can show shrinks to the top 390×420 (the visual
  // viewport's resize, as Chrome on Android and iOS Safari report it).
  await page.setViewportSize({ width: 390, height: 420 });
  await page.waitForFunction(() => window.visualViewport.height <= 420);
  // The page follows on the viewport's resize event; the assertion below says if not.
  await page.waitForFunction(promptIsInView, null, { timeout: 3000 }).catch(() => {});
  await page.screenshot({ path: join(SHOTS, 'screenshot-phone390-zh-TW-keyboard.png') });
  assert.ok(await promptInView(page), 'the prompt line is above the keyboard');
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'the input keeps the focus');
  // Typing goes on where it was.
  await input.fill('kubectl get nodes');
  await input.press('Enter');
  await page.getByTestId('terminal-output').getByText(/^NAME\s+STATUS\s+ROLES/).waitFor();
  assert.ok(await promptInView(page), 'the prompt line stays above the keyboard as output arrives');
  assert.deepEqual(problems, []);
  await context.close();
});
