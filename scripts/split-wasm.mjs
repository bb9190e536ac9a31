#!/usr/bin/env node
// Splits a release build's wasm in three: what the page runs before it is interactive
// (the first load), what free play and the first lesson run (the lazy module, fetched
// right after start-up), and everything else (the rest, fetched after the lazy module).
//
// Trunk runs this as a post_build hook (Trunk.toml); by hand:
//   node scripts/split-wasm.mjs DIR        DIR holds trunk's index.html, *_bg.wasm and .js
//
// How: binaryen's wasm-split instruments the module and headless Chromium runs the page
// (scripts/split-profile.mjs): once idling after the terminal takes input, then playing
// the first lesson and free play. The functions that ran in the first make the
// primary module; those that ran only in the others move to DIR/<name>_lazy.wasm; every
// other function to DIR/<name>_rest.wasm. A moved function's slot in the function table
// holds a placeholder until its module is in. The JS glue (scripts/split-glue.mjs)
// fetches the lazy module as the page starts, the rest after it (and waits for both
// first when the start will replay commands or open a lesson); a placeholder called before its
// module has arrived loads that module synchronously, then makes the call.
//
// wasm-split 108 splits in two, so the three modules come from two splits: the whole
// module by the learner's profile into the part that the start, free play and the first
// lesson run, and the rest; then that part, by the names of the functions the startup profile keeps, into
// the primary and the lazy module. Names are kept (-g) until the last step for that.
//
// The startup profile is taken while the page idles with the lazy module "loading" (the
// gates in src/ui/lazy.rs closed), which no timer changes: four splits of one build gave
// the same 725,448 B first module.
//
// wasm-split comes from Debian's binaryen 108 (npm's binaryen has no wasm-split), which
// predates two things in wasm-bindgen's output. It cannot read `table.fill`, so the one
// wasm-bindgen emits (clearing a single externref slot) becomes the equivalent
// `table.set`; and it writes the export of the externref table as table 0, which is put
// back after each of its runs. Everything else goes through npm's binaryen 132.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { patchGlue } from './split-glue.mjs';
import { table, withTableExport, withTableImport } from './wasm-sections.mjs';
import { profileLearner, profileStartup } from './split-profile.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const FEATURES = [
  '--enable-reference-types', '--enable-bulk-memory', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-multivalue',
];
const WASM_SPLIT = process.env.WASM_SPLIT ?? join(ROOT, '.tools/binaryen-108/usr/bin/wasm-split');
const BINARYEN = join(ROOT, 'node_modules/.bin');
const WORK = join(ROOT, 'target/wasm-split');
const EXTERNREF_TABLE_EXPORT = '__wbindgen_externrefs';

function fail(message) {
  console.error(`split-wasm: ${message}`);
  process.exit(1);
}

/** Runs `tool`; returns what it printed. */
function run(tool, args) {
  return execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 }).toString();
}

const disassemble = (wasm) => execFileSync(join(BINARYEN, 'wasm-dis'), [wasm], { maxBuffer: 1 << 30 }).toString();

/** Writes the module text `wat` to `out`, with its names (the second split goes by them). */
function assemble(wat, out) {
  const file = join(WORK, 'module.wat');
  writeFileSync(file, wat);
  run(join(BINARYEN, 'wasm-as'), [...FEATURES, '-g', file, '-o', out]);
}

/** `table.fill T I (ref.null) (i32.const 1)` is `table.set T I (ref.null)`. */
function withoutTableFill(wat) {
  const fill = /\(table\.fill (\$\S+)\n(\s*)(\(local\.get \$\S+\))\n\s*(\(ref\.null \w+\))\n\s*\(i32\.const 1\)\n(\s*)\)/g;
  const out = wat.replace(fill, (_, table, indent, index, value, close) =>
    `(table.set ${table}\n${indent}${index}\n${indent}${value}\n${close})`);
  if (out.includes('(table.fill')) fail('the module fills more than one table slot at once; wasm-split 108 cannot read it');
  return out;
}

/** Splits WORK's `input` into `primary` and `secondary`; `how` names what stays
 *  (--profile=… or --keep-funcs=…). Returns wasm-split's account of what it kept. */
function split(input, how, primary, secondary, { exportPrefix, placeholders }) {
  return run(WASM_SPLIT, [...FEATURES, '--split', '-v', '-g', how, `--export-prefix=${exportPrefix}`,
    `--placeholder-namespace=${placeholders}`, '--import-namespace=primary',
    join(WORK, input), '-o1', join(WORK, primary), '-o2', join(WORK, secondary)]);
}

/** The functions a split kept in the primary module, from its verbose output. */
function keptFunctions(output) {
  const kept = output.match(/^Keeping functions: (.*)$/m);
  if (!kept) fail('wasm-split did not say which functions it kept');
  return kept[1].split(',').map((name) => name.trim()).filter(Boolean);
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
  const restName = `${stem}_rest.wasm`;
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
  assemble(whole, w('whole.wasm'));
  const externref = table(readFileSync(w('whole.wasm')), 'externref').index;
  /** WORK's `name` with the externref table's export put back (see above). */
  const withExternrefs = (name) => withTableExport(readFileSync(w(name)), EXTERNREF_TABLE_EXPORT, externref);

  run(WASM_SPLIT, [...FEATURES, '--instrument', w('whole.wasm'), '-o', w('instrumented.wasm')]);
  const instrumented = withExternrefs('instrumented.wasm');
  try {
    writeFileSync(w('startup.prof'), await profileStartup(dir, wasmName, instrumented));
    const learner = await profileLearner(dir, wasmName, instrumented, join(ROOT, 'static/lessons'));
    learner.forEach((profile, i) => writeFileSync(w(`learner-${i}.prof`), profile));
    run(WASM_SPLIT, [...FEATURES, '--merge-profiles', w('startup.prof'),
      ...learner.map((_, i) => w(`learner-${i}.prof`)), '-o', w('learner.prof')]);
  } catch (e) {
    fail(e.message);
  }

  // The whole module by the learner's profile: what the start, free play and the first
  // lesson run, and the rest.
  split('whole.wasm', `--profile=${w('learner.prof')}`, 'used.wasm', 'rest.wasm',
    { exportPrefix: '%', placeholders: 'placeholder_rest' });
  writeFileSync(w('used.wasm'), withExternrefs('used.wasm'));
  // That part by the functions the startup profile keeps, named as in the whole module.
  const startup = keptFunctions(split('whole.wasm', `--profile=${w('startup.prof')}`,
    'startup-primary.wasm', 'startup-secondary.wasm', { exportPrefix: '%', placeholders: 'placeholder' }));
  split('used.wasm', `--keep-funcs=${startup.join(',')}`, 'primary.wasm', 'lazy.wasm',
    { exportPrefix: '%%', placeholders: 'placeholder_lazy' });

  const primary = withExternrefs('primary.wasm');
  writeFileSync(w('primary.wasm'), primary);
  // The rest was made against the function table before the second split grew it.
  const rest = withTableImport(readFileSync(w('rest.wasm')), 'primary', '%table', table(primary, 'funcref'));
  writeFileSync(w('rest.wasm'), rest);
  for (const [from, to] of [['primary.wasm', wasmName], ['lazy.wasm', lazyName], ['rest.wasm', restName]]) {
    run(join(BINARYEN, 'wasm-opt'), [...FEATURES, '-Oz', w(from), '-o', join(dir, to)]);
  }
  const parts = [
    { file: lazyName, namespace: 'placeholder_lazy', mark: 'wasmLazy' },
    { file: restName, namespace: 'placeholder_rest', mark: 'wasmRest' },
  ];
  try {
    writeFileSync(join(dir, jsName), patchGlue(readFileSync(join(dir, jsName), 'utf8'), parts));
  } catch (e) {
    fail(e.message);
  }

  const size = (f) => readFileSync(join(dir, f)).length;
  console.log(`split-wasm: ${wasmName} ${size(wasmName)} B (first load), ${lazyName} ${size(lazyName)} B, ` +
    `${restName} ${size(restName)} B`);
}

await main();
