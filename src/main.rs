//! The browser app's entry point. Natively this binary is empty, so that `cargo build` and
//! `cargo test` of the engine never need the web crates.

#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
fn main() {
    let document = web_sys::window().and_then(|w| w.document());
    match document.and_then(|d| d.get_element_by_id("app")) {
        Some(root) => {
            yew::Renderer::<ui::app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<ui::app::App>::new().render();
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "kubeplay-web is the browser app: run scripts/serve.sh and open http://127.0.0.1:8080"
    );
}
