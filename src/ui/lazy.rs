//! Whether the lazy half of a split release build has arrived (scripts/split-wasm.mjs).
//!
//! Work the page starts by itself — the clock's ticks, the editor's check, parsing the
//! lessons — waits for it, so that on a slow network the cluster starts a little later
//! instead of the page freezing while the rest of the wasm downloads synchronously. What
//! the learner asks for (a command, Apply) does not wait: the first call into the lazy
//! half loads it there.

/// The glue marks `<html data-wasm-lazy>` "loading" before the app starts and "loaded"
/// once the lazy module is in; an unsplit build (`trunk serve`) has no mark.
pub fn arrived() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("data-wasm-lazy"))
        .is_none_or(|mark| mark == "loaded")
}
