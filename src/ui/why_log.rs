//! The "why" log: the controllers' reasons and the cluster's events, newest first,
//! filterable by object name; a click marks the object in the cluster view.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::i18n::use_strings;

use super::state::clock::format_clock;
use super::state::{dispatch_on_click, Action, AppContext};

/// Lines drawn at most; the filter finds older ones.
const SHOWN: usize = 200;

#[function_component(WhyLog)]
pub fn why_log() -> Html {
    let strings = use_strings();
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let filter = use_state(String::new);
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let needle = filter.trim().to_lowercase();
    let lines = ctx
        .cluster
        .why
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, w)| needle.is_empty() || w.name.to_lowercase().contains(&needle))
        .take(SHOWN);

    html! {
        <section class="why-log" id="pane-why" data-testid="why-log" aria-label={strings.pane_why}>
            <div class="why-head">
                <h2 class="pane-title">{ strings.pane_why }</h2>
                <input class="why-filter" type="search" placeholder={strings.why_filter}
                       aria-label={strings.why_filter_label} value={(*filter).clone()} {oninput} />
            </div>
            if ctx.cluster.why.is_empty() {
                <p class="empty">{ strings.why_empty }</p>
            }
            <ol class="why-lines">
                { for lines.map(|(i, w)| {
                    let name = w.name.clone();
                    let marked = ctx.cluster.highlight.as_deref() == Some(name.as_str());
                    let onclick = dispatch_on_click(&ctx, Action::Highlight(Some(name.clone())));
                    html! {
                        <li key={i}>
                            <button class={classes!("why-line", marked.then_some("marked"))} {onclick}
                                    data-object={name.clone()}>
                                <span class="at">{ format_clock(w.at) }</span>
                                <span class="who">{ w.controller }</span>
                                <span class="obj">{ format!("{}/{}", w.kind, w.name) }</span>
                                <span class="text">{ w.text.clone() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
