// The runs of the page that decide where scripts/split-wasm.mjs puts each function. Each
// loads DIR's page with the instrumented wasm (binaryen's `wasm-split --instrument`) in
// headless Chromium and returns the profile it wrote: which functions ran.
//
//   startup   the page idles after the terminal takes input, as it does before the lazy
//             module has arrived (src/ui/lazy.rs's gates closed): the first load.
//   learner   the first lesson of static/lessons/ played through its solutions, step by
//             step, then free play: its first commands and the cluster running for five
//             minutes, on a desktop and on a phone. What ran is what the lazy module
//             holds; the rest is what only other lessons and rarer commands run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, runLine, serveDir } from './browser.mjs';

// Long enough for every idle timer of the page to have fired a few times.
const IDLE_MS = 1500;

/** Reads the instrumented module's profile out of its memory (runs in the page). */
function readProfile() {
  const wasm = window.__splitWasm;
  const pages = 16;
  const at = wasm.memory.grow(pages) * 65536;
  const size = wasm.__write_profile(at, pages * 65536);
  return Array.from(new Uint8Array(wasm.memory.buffer, at, size));
}

/** Serves `dir` with `instrumented` in place of `wasmName` and runs `scenario(browser,
 *  origin)` in headless Chromium. */
async function withInstrumented(dir, wasmName, instrumented, scenario) {
  const { server, origin } = await serveDir(dir, { [wasmName]: instrumented });
  const browser = await launchChromium();
  try {
    return await scenario(browser, origin);
  } finally {
    await browser.close();
    server.close();
  }
}

/** A page that keeps the module's exports (`window.__splitWasm`) and what it threw. */
async function newPage(browser, options = {}) {
  const page = await browser.newPage(options);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__splitWasm = e.detail.wasm; });
  });
  return page;
}

/** Marks the page's lazy module "loading" before the app starts, as the glue of a split
 *  build does (runs in the page). */
function markLazyLoading() {
  const mark = () => document.documentElement && (document.documentElement.dataset.wasmLazy = 'loading');
  if (!mark()) new MutationObserver((_, observer) => mark() && observer.disconnect()).observe(document, { childList: true });
}

const said = (page) => (page.errors.length ? ` (the page said: ${page.errors.join('; ')})` : '');

/** The startup profile: what ran by IDLE_MS after the terminal takes input, the page
 *  marked as waiting for its lazy module. */
export function profileStartup(dir, wasmName, instrumented) {
  return withInstrumented(dir, wasmName, instrumented, async (browser, origin) => {
    const page = await newPage(browser);
    await page.addInitScript(markLazyLoading);
    await page.addInitScript(({ idleMs, read }) => {
      // Polled, not observed: once the gates hold, the idle page may change nothing. The
      // profile is read at that moment, in the page.
      const poll = setInterval(() => {
        const input = document.querySelector('[data-testid="terminal-input"]');
        if (!input || input.disabled || !window.__splitWasm) return;
        clearInterval(poll);
        setTimeout(() => { window.__splitProfile = new Function(`return (${read})()`)(); }, idleMs);
      }, 5);
    }, { idleMs: IDLE_MS, read: readProfile.toString() });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__splitProfile, null, { timeout: 60000 })
      .catch(() => { throw new Error(`the instrumented page never became interactive${said(page)}`); });
    return Buffer.from(await page.evaluate(() => window.__splitProfile));
  });
}

/** Each step's solution lines of a lesson file (`solution:` lists of double-quoted
 *  strings, as every lesson writes them; a heredoc is one string with newlines). */
export function lessonSolutions(file) {
  const steps = [];
  let solution = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^ {4}solution:\s*$/.test(line)) {
      solution = [];
      steps.push(solution);
      continue;
    }
    const item = solution && line.match(/^ {6}- (".*")\s*$/);
    if (item) solution.push(...JSON.parse(item[1]).split('\n'));
    else solution = null;
  }
  return steps;
}

/** The terminal takes input: the command before has finished (`rollout status` and
 *  `wait` return once what they wait for holds). */
const terminalReady = (page) => page.locator('[data-testid="terminal-input"]:enabled').waitFor({ timeout: 60000 });

async function typeWhenReady(page, line) {
  await terminalReady(page);
  await runLine(page, line);
}

/** Plays lesson `id` through its solutions; resolves to whether its finish appeared. */
async function playLesson(page, origin, lessonsDir, id) {
  await page.goto(`${origin}/?lesson=${id}`);
  for (const solution of lessonSolutions(join(lessonsDir, `${id}.yaml`))) {
    for (const line of solution) await typeWhenReady(page, line);
    await terminalReady(page);
    const next = page.getByTestId('lesson-next');
    if (await next.isVisible()) await next.click();
  }
  return page.getByTestId('lesson-finish').isVisible();
}

// The first commands of free play (the README's and every tutorial's first steps).
const FIRST_COMMANDS = ['kubectl get nodes', 'kubectl get pods -A', 'kubectl get all'];

/** Free play as a split page lives it: the page starts with its lazy module "loading"
 *  and gets it a moment later (as the glue marks it); the first commands of free play
 *  run; then the cluster runs for five minutes (leases, node status, probes, metrics, the
 *  editor's check of its manifest), on a desktop and on a phone. What a learner asks for
 *  beyond those and the first lesson's commands is in the rest, which arrives a few
 *  seconds later; what the page does by itself must never wait for it. */
async function freePlay(page, origin) {
  await page.addInitScript(markLazyLoading);
  await page.goto(`${origin}/`);
  await terminalReady(page);
  await page.evaluate(() => { document.documentElement.dataset.wasmLazy = 'loaded'; });
  await page.getByTestId('time-clock').filter({ hasNotText: /^00:00$/ }).waitFor({ timeout: 60000 });
  for (const line of FIRST_COMMANDS) await typeWhenReady(page, line);
  await terminalReady(page);
  await page.getByTestId('time-speed').selectOption('30');
  await page.getByTestId('time-clock').filter({ hasText: /^0[2-9]:/ }).waitFor({ timeout: 60000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('time-clock').filter({ hasText: /^(0[5-9]|[1-9]\d):/ }).waitFor({ timeout: 60000 });
}

/** The learner profiles: the first lesson (the seed article's, which the blog embeds
 *  open), then free play, each in its own page; the caller merges them. The other
 *  lessons are left to the rest: a lesson link waits for every part before it starts
 *  (scripts/split-glue.mjs). Says whether the lesson reached its finish: a step whose
 *  checks had not held yet when its "Next" was clicked leaves it unfinished, but its
 *  commands ran all the same, and they are what the profile is for. */
export function profileLearner(dir, wasmName, instrumented, lessonsDir) {
  const [first] = JSON.parse(readFileSync(join(lessonsDir, 'index.json'), 'utf8')).lessons;
  let finished = false;
  const scenarios = [
    async (page, origin) => { finished = await playLesson(page, origin, lessonsDir, first); },
    freePlay,
  ];
  return withInstrumented(dir, wasmName, instrumented, async (browser, origin) => {
    const profiles = [];
    for (const scenario of scenarios) {
      // The desktop layout first (free play turns to a phone's itself).
      const page = await newPage(browser, { viewport: { width: 1400, height: 900 } });
      try {
        await scenario(page, origin);
      } catch (e) {
        throw new Error(`${e.message}${said(page)}`);
      }
      profiles.push(Buffer.from(await page.evaluate(readProfile)));
      await page.close();
    }
    console.log(`split-wasm: profiled lesson ${first} (${finished ? 'finished' : 'not finished'}) and free play`);
    return profiles;
  });
}
