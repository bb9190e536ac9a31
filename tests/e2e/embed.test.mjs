// Embeds fill their frame: for each layout and several data-height values, a blog page on
// another origin embeds the playground with embed.js; every pane shown ends within a few
// pixels of the frame's bottom, none is cut off, the page inside does not scroll, and the
// lesson scrolls inside its own pane. Against the release build in dist/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, SHOTS } from './harness.mjs';
import { launchChromium } from '../../scripts/browser.mjs';
import { blogPost, serveBlog, serveUnder } from './origins.mjs';

/** How far above the frame's bottom a pane may end: the panes' grid padding (0.6rem) and
 *  a pixel of rounding. */
const SLACK_PX = 12;
const env = {};
const measured = [];

before(async () => {
  env.app = await serveUnder(DIST, '/');
  env.blog = await serveBlog((url) => url.pathname === '/post'
    ? blogPost(`${env.app.base}embed.js`, JSON.parse(url.searchParams.get('attrs')))
    : null);
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  for (const s of [env.app, env.blog]) await new Promise((done) => (s ? s.server.close(done) : done()));
  await writeFile(join(SHOTS, 'embed-measurements.json'), JSON.stringify(measured, null, 2));
});

/** Where every shown pane sits inside the frame, and what scrolls. */
function layoutInFrame() {
  const h = window.innerHeight;
  const w = window.innerWidth;
  const panes = [...document.querySelectorAll('.panes > .pane')]
    .filter((p) => getComputedStyle(p).display !== 'none')
    .map((p) => {
      const r = p.getBoundingClientRect();
      return { pane: p.id || p.className.split(' ')[1], top: Math.round(r.top), bottom: Math.round(r.bottom),
        left: Math.round(r.left), right: Math.round(r.right), height: Math.round(r.height) };
    });
  const lesson = document.querySelector('.lesson-pane');
  const shownLesson = lesson && getComputedStyle(lesson).display !== 'none' ? lesson : null;
  return {
    frame: { width: w, height: h },
    pageScrolls: document.documentElement.scrollHeight > h + 1,
    panes,
    lessonScrollsInside: shownLesson ? {
      overflowY: getComputedStyle(shownLesson).overflowY,
      overflows: shownLesson.scrollHeight > shownLesson.clientHeight,
    } : null,
  };
}

const HEIGHTS = [300, 520, 800];
const CASES = [
  ['full', 'statefulset-daemonset'],
  ['compact', 'statefulset-daemonset'],
  ['terminal-only', null],
  ['view-only', null],
];
const WIDTHS = [[1000, 'a blog column'], [390, 'a phone']];

for (const [width, what] of WIDTHS) {
  for (const [layout, lesson] of CASES) {
    test(`layout=${layout} in ${what} (${width} px): the panes fill the frame at data-height ${HEIGHTS.join(', ')}`, async () => {
      const context = await env.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      for (const height of HEIGHTS) {
        const attrs = { layout, height, lang: 'en', ...(lesson ? { lesson } : {}) };
        await page.goto(`${env.blog.origin}/post?attrs=${encodeURIComponent(JSON.stringify(attrs))}`);
        const iframe = page.locator('.kubeplay-embed iframe');
        await iframe.waitFor();
        const frame = page.frameLocator('.kubeplay-embed iframe');
        await frame.locator('[data-testid="terminal-input"]:enabled').waitFor({ state: 'attached' });
        if (lesson) await frame.getByTestId('lesson-title').waitFor({ state: 'attached' });
        // The app posts its height every 400 ms; give it two rounds to settle.
        await page.waitForTimeout(900);
        const box = await page.locator('.kubeplay-embed').evaluate((b) => Math.round(b.getBoundingClientRect().height));
        const inside = await (await iframe.elementHandle()).contentFrame().then((f) => f.evaluate(layoutInFrame));
        const row = { width, layout, dataHeight: height, box, ...inside };
        measured.push(row);
        const why = JSON.stringify(row);
        assert.equal(box, height, `the frame keeps its data-height: ${why}`);
        assert.ok(inside.panes.length > 0, why);
        assert.ok(!inside.pageScrolls, `nothing below the frame's bottom: ${why}`);
        for (const p of inside.panes) {
          assert.ok(p.top >= 0 && p.left >= 0 && p.right <= inside.frame.width && p.bottom <= inside.frame.height,
            `${p.pane} is inside the frame: ${why}`);
          // The lowest pane of each column reaches the bottom (in the medium-width full
          // layout the lesson sits above the other three).
          const below = inside.panes.some((q) => q !== p && q.top >= p.bottom && q.left < p.right && q.right > p.left);
          if (!below) assert.ok(inside.frame.height - p.bottom <= SLACK_PX, `${p.pane} reaches the frame's bottom: ${why}`);
          assert.ok(p.height >= 40, `${p.pane} keeps some height: ${why}`);
        }
        if (inside.lessonScrollsInside) {
          assert.equal(inside.lessonScrollsInside.overflowY, 'auto', why);
          // The step's buttons are reachable by scrolling inside the lesson pane, and the
          // page around it stays put.
          const reached = await frame.locator('.lesson-pane').evaluate((pane) => {
            const nav = pane.querySelector('.lesson-nav');
            if (!nav) return true;
            nav.scrollIntoView({ block: 'nearest' });
            const n = nav.getBoundingClientRect();
            const p = pane.getBoundingClientRect();
            return n.bottom <= p.bottom + 1 && n.top >= p.top - 1 && window.scrollY === 0;
          });
          assert.ok(reached, `the lesson's buttons scroll into its pane: ${why}`);
        }
        if (height === 520) {
          await page.locator('.kubeplay-embed').screenshot({ path: join(SHOTS, `screenshot-embed-${layout}-${width}.png`) });
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
