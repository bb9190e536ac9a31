// Frame rate and command-to-paint with 500 pods, outside the test suite.
//   node scripts/perf.mjs [DIST] [--profile PREFIX]
//   node scripts/perf.mjs --mobile [DIST] [--runs N] [--trace FILE]
// With --mobile, instead: the first load under Lighthouse's mobile profile (scripts/mobile.mjs).
// Serves DIST (default dist/) on 127.0.0.1, creates 500 pods at 1× and at 30× and prints,
// for each: frames per second over 3 s while the pods are created and time runs, the
// longest frame, and the time from Enter (empty and `kubectl get deploy`) to the next
// painted frame. With --profile, also writes a V8 CPU profile of each 3 s window
// (PREFIX-1x.cpuprofile, ...) and prints the functions with the most self time.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { launchChromium, runLine, serveDir } from './browser.mjs';

const args = process.argv.slice(2);
if (args.includes('--mobile')) {
  const { mobileMain } = await import('./mobile.mjs');
  await mobileMain(args.filter((a) => a !== '--mobile'));
  process.exit(0);
}
const profileAt = args.indexOf('--profile');
const PROFILE = profileAt >= 0 ? args.splice(profileAt, 2)[1] : null;
const DIST = resolve(args[0] ?? 'dist');

const { server, origin } = await serveDir(DIST);
const browser = await launchChromium();


/** Frames over `ms`: count per second and the longest gap between two frames. */
const measureFrames = (page, ms) => page.evaluate((ms) => new Promise((done) => {
  let frames = 0;
  let worst = 0;
  let last = performance.now();
  const start = last;
  const frame = (t) => {
    frames += 1;
    worst = Math.max(worst, t - last);
    last = t;
    if (t - start < ms) requestAnimationFrame(frame);
    else done({ fps: (frames * 1000) / (t - start), worst });
  };
  requestAnimationFrame(frame);
}), ms);

/** Enter in the terminal with `line` typed, to the first frame painted after it. */
const commandToPaint = (page, line) => page.evaluate((line) => new Promise((done) => {
  const input = document.querySelector('[data-testid="terminal-input"]');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(input, line);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const t = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t)));
}), line);

function topSelf(profile, n = 25) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const dt = profile.timeDeltas;
  const total = dt.reduce((a, b) => a + b, 0);
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? url.split('/').pop().slice(0, 30) : ''}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
}

for (const speed of [1, 30]) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('page error', e.message));
  await page.goto(origin + '/');
  await page.locator('[data-testid="terminal-input"]:enabled').waitFor();
  await page.getByTestId('time-speed').selectOption(String(speed));
  await runLine(page, 'kubectl create deployment big --image=nginx --replicas=500');
  await page.waitForFunction(() => document.querySelectorAll('[data-pod]').length >= 500, null, { timeout: 120000 });
  let cdp;
  if (PROFILE) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const creating = await measureFrames(page, 3000);
  if (PROFILE) {
    const { profile } = await cdp.send('Profiler.stop');
    await writeFile(`${PROFILE}-${speed}x.cpuprofile`, JSON.stringify(profile));
    console.log(`-- top self time at ${speed}× (3 s window)\n` + topSelf(profile).join('\n'));
  }
  const empty = [];
  const get = [];
  for (let i = 0; i < 5; i++) {
    empty.push(await commandToPaint(page, ''));
    get.push(await commandToPaint(page, 'kubectl get deploy'));
    await page.waitForTimeout(150);
  }
  const running = await page.evaluate(() => document.querySelectorAll('[data-pod][data-phase="Running"]').length);
  const later = await measureFrames(page, 3000);
  const f = (xs) => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(`${speed}×: ${creating.fps.toFixed(1)} fps (longest frame ${creating.worst.toFixed(0)} ms) over 3 s after 500 cards appeared; ` +
    `then ${later.fps.toFixed(1)} fps (longest ${later.worst.toFixed(0)} ms) with ${running} Running; ` +
    `Enter to paint: empty ${f(empty)} ms, kubectl get deploy ${f(get)} ms`);
  await context.close();
}
await browser.close();
server.close();
