// The JS side of a split build (scripts/split-wasm.mjs): what wasm-bindgen's glue gains so
// that the first module's placeholders find their functions.
//
// The lazy parts are fetched one after the other as soon as the page runs — the lazy
// module first (what free play and the first lesson run), then the rest — so that the
// first has the whole link to itself. A placeholder called before its part has arrived
// loads that part there and then, synchronously (bytes already fetched are compiled;
// missing ones are fetched a second time). `<html data-wasm-lazy>` and
// `<html data-wasm-rest>` say "loading" until their part is in, then "loaded"
// (src/ui/lazy.rs reads the first; tests and scripts/mobile.mjs read both).

/** The loader, for parts `[{ file, namespace, mark }]` in the order they are fetched. */
const LOADER = (parts) => `
const __lazyParts = ${JSON.stringify(parts)}.map((part) => ({
    ...part, url: new URL(part.file, import.meta.url), instance: null, bytes: null,
}));
for (const part of __lazyParts) document.documentElement.dataset[part.mark] = 'loading';
let __lazyError = null;
function __lazyInstantiate(part, module, primary) {
    if (part.instance) return;
    part.instance = new WebAssembly.Instance(module, { primary });
    document.documentElement.dataset[part.mark] = 'loaded';
}
/** A part, now: a placeholder ran before its background fetch finished. Bytes that have
 *  arrived are compiled here; only missing ones are fetched (synchronously). */
function __lazyLoadNow(part) {
    if (part.instance) return;
    if (part.bytes) return __lazyInstantiate(part, new WebAssembly.Module(part.bytes), wasm);
    const request = new XMLHttpRequest();
    request.open('GET', part.url, false);
    request.overrideMimeType('text/plain; charset=x-user-defined');
    request.send();
    if (request.status !== 200) throw new Error(\`kubeplay: could not load \${part.url} (HTTP \${request.status})\`);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    __lazyInstantiate(part, new WebAssembly.Module(bytes), wasm);
}
async function __lazyFetch(part, primary) {
    const response = await fetch(part.url);
    if (!response.ok) throw new Error(\`HTTP \${response.status}\`);
    part.bytes = await response.arrayBuffer();
    const module = await WebAssembly.compile(part.bytes);
    __lazyInstantiate(part, module, primary);
    part.bytes = null;
}
/** A failed fetch is left to the first placeholder, which loads the part itself. */
function __lazyFetchOrWait(part, primary) {
    if (part.instance) return Promise.resolve();
    return __lazyFetch(part, primary)
        .catch((e) => console.warn(\`kubeplay: \${part.file} will load when first needed:\`, e));
}
/** Every part, one after the other. */
async function __lazyPrefetch() {
    for (const part of __lazyParts) await __lazyFetchOrWait(part, wasm);
}
/** A page that restores a saved session (ui::state::saved::STORAGE_KEY) or follows URL
 *  parameters (a lesson, a share link) replays commands while it starts, and a lesson
 *  other than the first runs code of the rest: it waits for every part instead of
 *  fetching one a second time, synchronously. */
async function __lazyBeforeStart(primary) {
    let saved = false;
    try { saved = localStorage.getItem('kubeplay.session') !== null; } catch { /* storage blocked */ }
    if (!saved && location.search === '' && location.hash.length <= 1) return;
    for (const part of __lazyParts) await __lazyFetchOrWait(part, primary);
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
/** The imports a part's placeholders come from: slot number → a function that loads the
 *  part, then calls what the slot holds then. */
function __placeholders(part) {
    return new Proxy({}, {
        get(_, slot) {
            return (...args) => {
                // After a failed load every later call fails the same way, without asking
                // again: the state the first failure interrupted is not to be trusted.
                if (__lazyError) throw __lazyError;
                try {
                    __lazyLoadNow(part);
                } catch (error) {
                    __lazyError = error;
                    __lazyFailed(error);
                    throw error;
                }
                return wasm['%table'].get(Number(slot))(...args);
            };
        },
    });
}
`;

/** wasm-bindgen's glue `js` with the loader for `parts` hooked in. */
export function patchGlue(js, parts) {
  const imports = 'const imports = __wbg_get_imports();';
  const loaded = 'const { instance, module } = await __wbg_load(await module_or_path, imports);';
  const start = 'wasm.__wbindgen_start();';
  if (![imports, loaded, start].every((line) => js.includes(line))) {
    throw new Error('the wasm-bindgen glue no longer has the lines this script hooks into');
  }
  const placeholders = parts.map((part, i) => `imports.${part.namespace} = __placeholders(__lazyParts[${i}]);`);
  return LOADER(parts) + js
    .replaceAll(imports, `${imports}\n    ${placeholders.join('\n    ')}`)
    .replace(loaded, `${loaded}\n    await __lazyBeforeStart(instance.exports);`)
    .replace(start, `${start}\n    __lazyPrefetch();`);
}
