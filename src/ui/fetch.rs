//! Same-origin text the page fetches after start-up: the lessons and kubectl's help
//! pages, kept out of the wasm so the first load stays small.

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
