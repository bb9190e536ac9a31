// The first load on a phone under Lighthouse's mobile profile — the CPU 4× slower,
// 1.6 Mbps down, 750 kbps up, 150 ms round trips — applied as those numbers through the
// DevTools protocol (Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate;
// Lighthouse's own "devtools" throttling adds a factor to the latency and trims the
// throughput, so its numbers come out a little slower), with the files compressed as a
// static host sends them (scripts/browser.mjs). Measured from the navigation's start:
//   interactive  the terminal's input is on the page and enabled (it takes keys)
//   lazy         the lazy module is instantiated (<html data-wasm-lazy="loaded">): what
//                lessons and everyday commands run
//   rest         the rest of the wasm is instantiated too (<html data-wasm-rest="loaded">)
//   node scripts/perf.mjs --mobile [DIST] [--runs N] [--trace FILE] [--uncompressed]
// prints every load and the medians (--uncompressed: every file sent as it is, as the
// test servers did before). --trace writes a Chromium trace of one more load, throttled
// the same way, and prints its breakdown: the downloads, wasm compilation, the main
// thread's long tasks (instantiation and start, first render), and how many times a
// placeholder had to load the lazy module itself before its fetch was in.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { launchChromium, serveDir } from './browser.mjs';

/** Lighthouse's mobile profile (its `mobileSlow4G` with a Moto G Power's screen). */
export const MOBILE = {
  cpuSlowdown: 4,
  latencyMs: 150,
  downloadBytesPerSec: (1.6 * 1000 * 1000) / 8,
  uploadBytesPerSec: (750 * 1000) / 8,
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
};

/** The design's targets (DESIGN.md, issue 19): medians of five loads. */
export const TARGETS = { interactive: 2500, lazy: 4000 };

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Records, in the page, when the terminal takes input and when the lazy module is in
 *  (performance.now(): milliseconds since the navigation started). Mutation observers,
 *  not polling: a poll would itself take the throttled CPU. */
function recordMilestones() {
  const seen = (window.__loadTimes = {});
  const check = () => {
    const input = document.querySelector('[data-testid="terminal-input"]');
    if (seen.interactive === undefined && input && !input.disabled) seen.interactive = performance.now();
    if (seen.lazy === undefined && document.documentElement?.dataset.wasmLazy === 'loaded') seen.lazy = performance.now();
    if (seen.rest === undefined && document.documentElement?.dataset.wasmRest === 'loaded') seen.rest = performance.now();
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'data-wasm-lazy', 'data-wasm-rest'],
  });
}

/** One throttled load of `url` in a fresh context (an empty cache); resolves to
 *  { interactive, lazy, resources } in ms, resources as Resource Timing reports them.
 *  With `tracePath`, the load is traced into that file. */
export async function mobileLoad(browser, url, { tracePath } = {}) {
  const context = await browser.newContext({
    viewport: MOBILE.viewport, deviceScaleFactor: MOBILE.deviceScaleFactor, isMobile: true, hasTouch: true,
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: MOBILE.latencyMs,
      downloadThroughput: MOBILE.downloadBytesPerSec,
      uploadThroughput: MOBILE.uploadBytesPerSec,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: MOBILE.cpuSlowdown });
    await page.addInitScript(recordMilestones);
    if (tracePath) {
      await browser.startTracing(page, {
        path: tracePath,
        categories: [
          'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing',
          'loading', 'v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'v8.execute',
        ],
      });
    }
    await page.goto(url);
    // (A build split in two, before the rest existed, has no rest to wait for.)
    await page.waitForFunction(() => ['interactive', 'lazy', 'rest'].every((k) => window.__loadTimes?.[k] !== undefined
      || (k === 'rest' && document.documentElement.dataset.wasmRest === undefined)),
      null, { timeout: 60_000, polling: 250 });
    if (tracePath) await browser.stopTracing();
    return await page.evaluate(() => ({
      ...window.__loadTimes,
      resources: performance.getEntriesByType('resource').map((r) => ({
        name: r.name.split('/').pop(), start: r.startTime, end: r.responseEnd,
        transfer: r.transferSize, body: r.decodedBodySize, type: r.initiatorType,
      })),
      paints: Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime])),
    }));
  } finally {
    await context.close();
  }
}

/** One load without throttling, not measured: the server compresses each file on its
 *  first request and keeps it (as a host's cache does), which is not the phone's time. */
async function warmUp(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (document.documentElement.dataset.wasmRest ?? 'loaded') === 'loaded'
      && document.documentElement.dataset.wasmLazy === 'loaded', null, { timeout: 60_000 });
  } finally {
    await context.close();
  }
}

/** `runs` throttled loads (after a warm-up); resolves to the loads and their medians. */
export async function mobileRuns(browser, url, runs = 5) {
  await warmUp(browser, url);
  const loads = [];
  for (let i = 0; i < runs; i++) loads.push(await mobileLoad(browser, url));
  return {
    loads,
    interactive: median(loads.map((l) => l.interactive)),
    lazy: median(loads.map((l) => l.lazy)),
    rest: median(loads.map((l) => l.rest)),
  };
}

const ms = (x) => `${Math.round(x)} ms`;

/** The trace's story of a load, in ms from the navigation's start: wasm compilation
 *  summed by event and thread (how long, from when to when), and the main thread's tasks
 *  over 30 ms with what they ran (script, instantiation, layout, paint). */
export function traceBreakdown(trace) {
  const events = trace.traceEvents ?? trace;
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame)
    ?? events.find((e) => e.name === 'navigationStart');
  const t0 = nav.ts;
  const at = (ts) => (ts - t0) / 1000;
  const threads = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const mainKey = `${nav.pid}:${nav.tid}`;
  const lines = ['-- wasm compilation (event, thread: count, summed time, first start → last end)'];
  const wasm = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !/^(wasm|v8\.wasm)\./.test(e.name)) continue;
    const thread = `${e.pid}:${e.tid}` === mainKey ? 'main' : (threads.get(`${e.pid}:${e.tid}`) ?? e.tid);
    const key = `${e.name}, ${thread}`;
    const w = wasm.get(key) ?? { count: 0, total: 0, first: Infinity, last: 0 };
    w.count += 1;
    w.total += (e.dur ?? 0) / 1000;
    w.first = Math.min(w.first, at(e.ts));
    w.last = Math.max(w.last, at(e.ts + (e.dur ?? 0)));
    wasm.set(key, w);
  }
  for (const [key, w] of [...wasm.entries()].sort((a, b) => b[1].total - a[1].total).slice(0, 14)) {
    lines.push(`${w.total.toFixed(0).padStart(7)} ms ${String(w.count).padStart(6)}×  ${w.first.toFixed(0).padStart(6)} → ${w.last.toFixed(0).padStart(6)} ms  ${key}`);
  }
  lines.push('-- main thread tasks over 30 ms (start, duration, the longest things in them)');
  const main = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === mainKey);
  for (const task of main.filter((e) => e.name === 'RunTask' && e.dur > 30_000)) {
    const inside = main.filter((e) => e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && (e.dur ?? 0) > 5_000);
    const names = new Map();
    for (const e of inside) {
      const url = String(e.args?.data?.url ?? e.args?.data?.functionName ?? '').split('/').pop();
      const k = `${e.name}${url ? ` ${url.slice(0, 28)}` : ''}`;
      names.set(k, Math.max(names.get(k) ?? 0, e.dur / 1000));
    }
    const top = [...names.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, d]) => `${k} ${d.toFixed(0)}`).join(', ');
    lines.push(`${at(task.ts).toFixed(0).padStart(7)} ms +${(task.dur / 1000).toFixed(0).padStart(5)} ms  ${top}`);
  }
  return lines;
}

export async function mobileMain(args) {
  const take = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : null;
  };
  const identity = args.includes('--uncompressed');
  args = args.filter((a) => a !== '--uncompressed');
  const tracePath = take('--trace');
  const runs = Number(take('--runs') ?? 5);
  const dist = resolve(args[0] ?? 'dist');
  const { server, origin } = await serveDir(dist, {}, { compress: !identity });
  const browser = await launchChromium();
  try {
    const url = `${origin}/`;
    console.log(`mobile profile: CPU ${MOBILE.cpuSlowdown}× slower, ${MOBILE.downloadBytesPerSec * 8 / 1e6} Mbps down, ` +
      `${MOBILE.uploadBytesPerSec * 8 / 1e3} kbps up, ${MOBILE.latencyMs} ms round trips; ${url}` +
      `${identity ? ', uncompressed' : ', compressed by Accept-Encoding'}`);
    if (tracePath) {
      await warmUp(browser, url);
      const load = await mobileLoad(browser, url, { tracePath });
      const { readFile } = await import('node:fs/promises');
      const trace = JSON.parse(await readFile(tracePath, 'utf8'));
      console.log(`-- traced load: interactive ${ms(load.interactive)}, lazy ${ms(load.lazy)}, rest ${ms(load.rest)}; ` +
        `first contentful paint ${ms(load.paints['first-contentful-paint'] ?? NaN)}`);
      const placeholderLoads = load.resources.filter((r) => r.type === 'xmlhttprequest' && /_(lazy|rest)\.wasm$/.test(r.name)).length;
      console.log(`-- placeholders that loaded a module themselves (synchronously): ${placeholderLoads}`);
      console.log('-- resources (start → end, bytes over the wire / decoded)');
      for (const r of load.resources) {
        console.log(`${ms(r.start).padStart(9)} → ${ms(r.end).padStart(9)}  ${String(r.transfer).padStart(8)} / ${String(r.body).padStart(8)} B  ${r.type} ${r.name}`);
      }
      console.log(traceBreakdown(trace).join('\n'));
      await writeFile(tracePath, JSON.stringify(trace));
    }
    const result = await mobileRuns(browser, url, runs);
    for (const [i, l] of result.loads.entries()) {
      const wire = l.resources.reduce((n, r) => n + r.transfer, 0);
      console.log(`load ${i + 1}: terminal takes input at ${ms(l.interactive)}, lazy module in at ${ms(l.lazy)}, ` +
        `the rest at ${ms(l.rest)} (${wire} B over the wire)`);
    }
    console.log(`median of ${runs}: terminal takes input at ${ms(result.interactive)} (target ${ms(TARGETS.interactive)}), ` +
      `lazy module in at ${ms(result.lazy)} (target ${ms(TARGETS.lazy)}), the rest at ${ms(result.rest)}`);
  } finally {
    await browser.close();
    server.close();
  }
}
