//! The YAML editor: a file tab, a line-number gutter beside a plain textarea, and Apply.

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use super::state::{Action, AppContext};

#[function_component(Editor)]
pub fn editor() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let gutter_ref = use_node_ref();

    let oninput = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            ctx.dispatch(Action::EditFile(text));
        })
    };

    // The gutter is a separate element, so it follows the textarea's scrolling by hand.
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlTextAreaElement>();
            if let Some(gutter) = gutter_ref.cast::<Element>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };

    let onapply = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::Apply))
    };

    // A trailing newline does not start a line a person would number.
    let line_count = ctx.file_text.trim_end_matches('\n').lines().count().max(1);

    html! {
        <section class="pane editor-pane" aria-label="Editor">
            <div class="editor-head">
                <div class="tabs" role="tablist">
                    <span class="tab active" role="tab" aria-selected="true">
                        { ctx.file_name.clone() }
                    </span>
                </div>
                <button class="apply" data-testid="editor-apply" onclick={onapply}
                        title={format!("kubectl apply -f {}", ctx.file_name)}>
                    { "Apply" }
                </button>
            </div>
            <div class="editor-body">
                <div ref={gutter_ref} class="gutter" aria-hidden="true">
                    { for (1..=line_count).map(|n| html! { <div key={n}>{ n }</div> }) }
                </div>
                <textarea
                    class="code"
                    data-testid="editor"
                    aria-label={ctx.file_name.clone()}
                    spellcheck="false"
                    autocapitalize="off"
                    wrap="off"
                    value={(*ctx.file_text).clone()}
                    {oninput}
                    {onscroll}
                />
            </div>
        </section>
    }
}
