#!/usr/bin/env node
// Splits a release build's wasm into what the page runs before it is interactive (the
// first load) and everything else (the lazy module, fetched right after start-up).
//
// Trunk runs this as a post_build hook (Trunk.toml); by hand:
//   node scripts/split-wasm.mjs DIR        DIR holds trunk's index.html, *_bg.wasm and .js
//
// How: binaryen's wasm-split instruments the module, headless Chromium loads the page
// and lets it idle after the terminal takes input, and the functions that ran make the
// primary module. Every other function moves to DIR/<name>_lazy.wasm; its slot in the
// function table holds a placeholder until then. The JS glue fetches the lazy module as
// the page starts (and waits for it first when the start will replay commands); a
// placeholder called before it has arrived loads it synchronously, then makes the call.
//
// The profile is taken while the page idles with the lazy module "loading" (the gates
// in src/ui/lazy.rs closed), which no timer changes: four splits of one build gave the
// same 725,448 B first module.
//
// wasm-split comes from Debian's binaryen 108 (npm's binaryen has no wasm-split), which
// predates two things in wasm-bindgen's output. It cannot read `table.fill`, so the one
// wasm-bindgen emits (clearing a single externref slot) becomes the equivalent
// `table.set`; and it writes the export of the externref table as table 0, which is put
// back after each of its runs. Everything else goes through npm's binaryen 132.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const FEATURES = [
  '--enable-reference-types', '--enable-bulk-memory', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-multivalue',
];
const WASM_SPLIT = process.env.WASM_SPLIT ?? join(ROOT, '.tools/binaryen-108/usr/bin/wasm-split');
const BINARYEN = join(ROOT, 'node_modules/.bin');
const WORK = join(ROOT, 'target/wasm-split');
const EXTERNREF_TABLE_EXPORT = '__wbindgen_externrefs';
// Long enough for every idle timer of the page to have fired a few times.
const IDLE_MS = 1500;

function fail(message) {
  console.error(`split-wasm: ${message}`);
  process.exit(1);
}

function run(tool, args) {
  execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
}

const disassemble = (wasm) => execFileSync(join(BINARYEN, 'wasm-dis'), [wasm], { maxBuffer: 1 << 30 }).toString();

function assemble(wat, out, optimize) {
  const file = join(WORK, 'module.wat');
  writeFileSync(file, wat);
  if (optimize) run(join(BINARYEN, 'wasm-opt'), [...FEATURES, '-Oz', file, '-o', out]);
  else run(join(BINARYEN, 'wasm-as'), [...FEATURES, file, '-o', out]);
}

/** `table.fill T I (ref.null) (i32.const 1)` is `table.set T I (ref.null)`. */
function withoutTableFill(wat) {
  const fill = /\(table\.fill (\$\S+)\n(\s*)(\(local\.get \$\S+\))\n\s*(\(ref\.null \w+\))\n\s*\(i32\.const 1\)\n(\s*)\)/g;
  const out = wat.replace(fill, (_, table, indent, index, value, close) =>
    `(table.set ${table}\n${indent}${index}\n${indent}${value}\n${close})`);
  if (out.includes('(table.fill')) fail('the module fills more than one table slot at once; wasm-split 108 cannot read it');
  return out;
}

/** The module text with the externref table's export pointing at table `tableIndex`. */
function withExternrefExport(wat, tableIndex) {
  const exported = new RegExp(`^ \\(export "${EXTERNREF_TABLE_EXPORT}" \\(table \\$\\d+\\)\\)$`, 'm');
  if (!exported.test(wat)) fail(`no export of ${EXTERNREF_TABLE_EXPORT} in wasm-split's output`);
  return wat.replace(exported, ` (export "${EXTERNREF_TABLE_EXPORT}" (table $${tableIndex}))`);
}

/** The index of the module's one externref table. */
function externrefTableIndex(wat) {
  const tables = [...wat.matchAll(/^ \(table \$(\d+) .*\b(funcref|externref)\)$/gm)];
  const externref = tables.filter((t) => t[2] === 'externref');
  if (externref.length !== 1) fail(`expected one externref table, found ${externref.length}`);
  return externref[0][1];
}

/** Loads DIR's page with `instrumented` in place of `wasmName`, lets it idle, and returns
 *  the profile wasm-split's instrumentation wrote then. */
async function profileStartup(dir, wasmName, instrumented) {
  const { launchChromium, serveDir } = await import('./browser.mjs');
  const { server, origin } = await serveDir(dir, { [wasmName]: instrumented });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The page runs as it does before the lazy module has arrived (src/ui/lazy.rs: the
    // clock, the editor's check and the lessons wait for it), and the profile is taken
    // IDLE_MS after the terminal is enabled: what ran by then is what the page needs to
    // become interactive and to idle until the rest is in.
    await page.addInitScript((idleMs) => {
      addEventListener('TrunkApplicationStarted', (e) => { window.__splitWasm = e.detail.wasm; });
      const markLoading = () => document.documentElement && (document.documentElement.dataset.wasmLazy = 'loading');
      if (!markLoading()) {
        new MutationObserver((_, observer) => markLoading() && observer.disconnect()).observe(document, { childList: true });
      }
      // Polled, not observed: once the gates hold, the idle page may change nothing.
      const poll = setInterval(() => {
        const input = document.querySelector('[data-testid="terminal-input"]');
        const wasm = window.__splitWasm;
        if (!input || input.disabled || !wasm) return;
        clearInterval(poll);
        setTimeout(() => {
          const pages = 16;
          const at = wasm.memory.grow(pages) * 65536;
          const size = wasm.__write_profile(at, pages * 65536);
          window.__splitProfile = Array.from(new Uint8Array(wasm.memory.buffer, at, size));
        }, idleMs);
      }, 5);
    }, IDLE_MS);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__splitProfile, null, { timeout: 60000 })
      .catch(() => fail(`the instrumented page never became interactive${errors.length ? `: ${errors.join('; ')}` : ''}`));
    return Buffer.from(await page.evaluate(() => window.__splitProfile));
  } finally {
    await browser.close();
    server.close();
  }
}

// The glue's side: placeholders, and the lazy module: fetched as soon as the page runs
// or, when the start itself will need it, before the page starts.
const LOADER = (lazyName) => `
const __lazyUrl = new URL(${JSON.stringify(lazyName)}, import.meta.url);
document.documentElement.dataset.wasmLazy = 'loading'; // read by src/ui/lazy.rs
let __lazyInstance = null;
let __lazyBytes = null;
let __lazyError = null;
function __lazyInstantiate(module, primary) {
    if (__lazyInstance) return;
    __lazyInstance = new WebAssembly.Instance(module, { primary });
    document.documentElement.dataset.wasmLazy = 'loaded';
}
/** The lazy module, now: a placeholder ran before the background fetch finished. Bytes
 *  that have arrived are compiled here; only missing ones are fetched (synchronously). */
function __lazyLoadNow() {
    if (__lazyInstance) return;
    if (__lazyBytes) return __lazyInstantiate(new WebAssembly.Module(__lazyBytes), wasm);
    const request = new XMLHttpRequest();
    request.open('GET', __lazyUrl, false);
    request.overrideMimeType('text/plain; charset=x-user-defined');
    request.send();
    if (request.status !== 200) throw new Error(\`kubeplay: could not load \${__lazyUrl} (HTTP \${request.status})\`);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    __lazyInstantiate(new WebAssembly.Module(bytes), wasm);
}
async function __lazyFetch(primary) {
    const response = await fetch(__lazyUrl);
    if (!response.ok) throw new Error(\`HTTP \${response.status}\`);
    __lazyBytes = await response.arrayBuffer();
    const module = await WebAssembly.compile(__lazyBytes);
    __lazyInstantiate(module, primary);
    __lazyBytes = null;
}
/** A failed fetch is left to the first placeholder, which loads the module itself. */
function __lazyFetchOrWait(primary) {
    return __lazyFetch(primary)
        .catch((e) => console.warn('kubeplay: the lazy module will load when first needed:', e));
}
function __lazyPrefetch() {
    if (!__lazyInstance) __lazyFetchOrWait(wasm);
}
/** A page that restores a saved session (ui::state::saved::STORAGE_KEY) or follows URL
 *  parameters (a lesson, a share link) replays commands while it starts: it waits for
 *  the lazy module instead of fetching it a second time, synchronously. */
async function __lazyBeforeStart(primary) {
    let saved = false;
    try { saved = localStorage.getItem('kubeplay.session') !== null; } catch { /* storage blocked */ }
    if (!saved && location.search === '' && location.hash.length <= 1) return;
    await __lazyFetchOrWait(primary);
}
/** Offline, say: the crash panel of src/main.rs, with a reload (the saved session stays). */
function __lazyFailed(error) {
    if (document.querySelector('[data-testid="crash"]')) return;
    const make = (tag, className, text) => Object.assign(document.createElement(tag), { className, textContent: text });
    const panel = make('div', 'crash', '');
    panel.setAttribute('role', 'alertdialog');
    panel.setAttribute('data-testid', 'crash');
    // In the page's language, as the app last set it on <html lang> (the strings table
    // itself is in the wasm that did not arrive).
    const zh = /^zh/i.test(document.documentElement.lang);
    const reload = make('button', 'crash-reset', zh ? '重新載入' : 'Reload');
    reload.addEventListener('click', () => location.reload());
    const title = zh ? 'kubeplay 無法載入其餘的程式碼' : 'kubeplay could not load the rest of its code';
    panel.append(make('h2', '', title), make('pre', '', String(error.message ?? error)), reload);
    document.body.append(panel);
}
const __placeholders = new Proxy({}, {
    get(_, slot) {
        return (...args) => {
            // After a failed load every later call fails the same way, without asking
            // again: the state the first failure interrupted is not to be trusted.
            if (__lazyError) throw __lazyError;
            try {
                __lazyLoadNow();
            } catch (error) {
                __lazyError = error;
                __lazyFailed(error);
                throw error;
            }
            return wasm['%table'].get(Number(slot))(...args);
        };
    },
});
`;

function patchGlue(js, lazyName) {
  const imports = 'const imports = __wbg_get_imports();';
  const loaded = 'const { instance, module } = await __wbg_load(await module_or_path, imports);';
  const start = 'wasm.__wbindgen_start();';
  if (![imports, loaded, start].every((line) => js.includes(line))) {
    fail('the wasm-bindgen glue no longer has the lines this script hooks into');
  }
  return LOADER(lazyName) + js
    .replaceAll(imports, `${imports}\n    imports.placeholder = __placeholders;`)
    .replace(loaded, `${loaded}\n    await __lazyBeforeStart(instance.exports);`)
    .replace(start, `${start}\n    __lazyPrefetch();`);
}

async function main() {
  if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== 'release') return;
  const dir = resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? fail('usage: split-wasm.mjs DIR'));
  const wasmName = readdirSync(dir).find((f) => f.endsWith('_bg.wasm'));
  if (!wasmName) fail(`no *_bg.wasm in ${dir}`);
  if (readdirSync(dir).some((f) => f.endsWith('_lazy.wasm'))) fail(`${dir} is already split`);
  const stem = wasmName.slice(0, -'_bg.wasm'.length);
  const jsName = `${stem}.js`;
  const lazyName = `${stem}_lazy.wasm`;
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const missing = [WASM_SPLIT, chromium].filter((tool) => !existsSync(tool));
  if (missing.length) {
    // `scripts/serve.sh --release` on a machine set up without the browser tests still
    // serves, as one module; the test command requires the split (bundle-size checks it).
    const why = `${missing.join(' and ')} missing (scripts/setup.sh --test installs them)`;
    if (process.env.KUBEPLAY_SPLIT_REQUIRED) fail(why);
    console.warn(`split-wasm: not splitting, ${why}`);
    return;
  }
  mkdirSync(WORK, { recursive: true });
  const w = (name) => join(WORK, name);

  const whole = withoutTableFill(disassemble(join(dir, wasmName)));
  const externref = externrefTableIndex(whole);
  assemble(whole, w('whole.wasm'), false);

  run(WASM_SPLIT, [...FEATURES, '--instrument', w('whole.wasm'), '-o', w('instrumented.wasm')]);
  assemble(withExternrefExport(disassemble(w('instrumented.wasm')), externref), w('instrumented.wasm'), false);
  const profile = await profileStartup(dir, wasmName, readFileSync(w('instrumented.wasm')));
  writeFileSync(w('startup.prof'), profile);

  run(WASM_SPLIT, [...FEATURES, '--split', `--profile=${w('startup.prof')}`, '--export-prefix=%',
    '--placeholder-namespace=placeholder', '--import-namespace=primary',
    w('whole.wasm'), '-o1', w('primary.wasm'), '-o2', w('lazy.wasm')]);
  assemble(withExternrefExport(disassemble(w('primary.wasm')), externref), join(dir, wasmName), true);
  run(join(BINARYEN, 'wasm-opt'), [...FEATURES, '-Oz', w('lazy.wasm'), '-o', join(dir, lazyName)]);
  writeFileSync(join(dir, jsName), patchGlue(readFileSync(join(dir, jsName), 'utf8'), lazyName));

  const size = (f) => readFileSync(join(dir, f)).length;
  console.log(`split-wasm: ${wasmName} ${size(wasmName)} B (first load), ${lazyName} ${size(lazyName)} B`);
}

await main();
