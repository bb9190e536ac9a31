//! Same-origin text the page fetches after start-up: the lessons, kubectl's help pages
//! and the schema's descriptions, kept out of the wasm so the first load stays small.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// kubectl's `--help` texts, relative to the page (trunk copies the file there).
pub const KUBECTL_HELP_URL: &str = "kubectl-help.txt";
/// The help file is ~140 KB; anything much larger is not ours.
const MAX_HELP_BYTES: usize = 1024 * 1024;

/// The body of a same-origin GET, refused when larger than `limit` bytes.
pub async fn fetch_text(url: &str, limit: usize) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "network error".to_string())?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response")?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| "unreadable body")?)
        .await
        .map_err(|_| "unreadable body".to_string())?;
    let text = text.as_string().unwrap_or_default();
    if text.len() > limit {
        return Err(format!("{} bytes is too large", text.len()));
    }
    Ok(text)
}

/// Fetches kubectl's help pages and hands them to kubectl. Until they arrive (or if they
/// cannot be fetched) `kubectl … --help` says they are still loading.
pub async fn install_kubectl_help() {
    match fetch_text(KUBECTL_HELP_URL, MAX_HELP_BYTES).await {
        Ok(text) => crate::kubectl::help::install(text),
        Err(e) => web_sys::console::warn_1(&format!("{KUBECTL_HELP_URL}: {e}").into()),
    }
}

/// `kubectl explain`'s descriptions, relative to the page (trunk copies the file there).
pub const SCHEMA_DESCRIPTIONS_URL: &str = "schema-descriptions.txt";

/// Reads the schema's descriptions the first time `kubectl explain` or the editor's explain
/// panel needs them. Synchronously: explain runs inside a shell command, which cannot
/// wait, and the file (~30 KB compressed) is asked for once, by a learner who typed
/// `explain` or opened the editor, rather than by every page load.
pub fn load_schema_descriptions() -> Result<String, String> {
    let request = web_sys::XmlHttpRequest::new().map_err(|_| "no XMLHttpRequest")?;
    request
        .open_with_async("GET", SCHEMA_DESCRIPTIONS_URL, false)
        .map_err(|_| "unusable URL")?;
    request.send().map_err(|_| "network error")?;
    match request.status() {
        Ok(200) => request
            .response_text()
            .ok()
            .flatten()
            .ok_or_else(|| "unreadable body".to_string()),
        Ok(status) => Err(format!("HTTP {status}")),
        Err(_) => Err("network error".to_string()),
    }
}
