//! The browser app's entry point. Natively this binary is empty, so that `cargo build` and
//! `cargo test` of the engine never need the web crates.

/// A panic shows an error panel with a reset button instead of leaving a dead page.
#[cfg(target_arch = "wasm32")]
fn install_panic_hook() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = document.body() else {
            return;
        };
        let make = |tag: &str, class: &str, text: &str| {
            let el = document.create_element(tag).ok()?;
            el.set_class_name(class);
            el.set_text_content(Some(text));
            Some(el)
        };
        // The page's language, as the app last set it on <html lang>.
        let lang = document
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| kubeplay::ui::params::Lang::from_tag(&tag))
            .unwrap_or_default();
        let strings = kubeplay::ui::i18n::strings(lang);
        let (Some(panel), Some(title), Some(detail), Some(button)) = (
            make("div", "crash", ""),
            make("h2", "", strings.crash_title),
            make("pre", "", &message),
            make("button", "crash-reset", strings.crash_reset),
        ) else {
            return;
        };
        let _ = panel.set_attribute("role", "alertdialog");
        let _ = panel.set_attribute("data-testid", "crash");
        let reset = Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                if let Ok(Some(s)) = w.local_storage() {
                    let _ = s.clear();
                }
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reset.as_ref().unchecked_ref());
        reset.forget();
        let _ = panel.append_child(&title);
        let _ = panel.append_child(&detail);
        let _ = panel.append_child(&button);
        let _ = body.append_child(&panel);
    }));
}

#[cfg(target_arch = "wasm32")]
fn main() {
    install_panic_hook();
    kubeplay::engine::api::schema::descriptions::set_loader(
        kubeplay::ui::fetch::load_schema_descriptions,
    );
    let document = web_sys::window().and_then(|w| w.document());
    match document.and_then(|d| d.get_element_by_id("app")) {
        Some(root) => {
            yew::Renderer::<kubeplay::ui::app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<kubeplay::ui::app::App>::new().render();
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "kubeplay-web is the browser app: run scripts/serve.sh and open http://127.0.0.1:8080"
    );
}
