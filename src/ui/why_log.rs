//! The "why" log: the controllers' reasons and the cluster's events, newest last.

use yew::prelude::*;

#[function_component(WhyLog)]
pub fn why_log() -> Html {
    // The session does not report reasons yet; the panel and its hook are in place so
    // that lessons and tests can rely on them.
    html! {
        <div class="why-log" data-testid="why-log" role="log" aria-label="Why">
            <h2 class="pane-title">{ "Why" }</h2>
            <p class="empty">{ "What the controllers do, and why, appears here." }</p>
        </div>
    }
}
