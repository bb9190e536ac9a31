//! The terminal: scroll-back above, a prompt and an input line below.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::state::{Action, AppContext, LineKind, TermLine};

pub const PROMPT: &str = "$ ";

/// Where ↑/↓ stand in the history: `None` is the fresh line being typed.
fn history_step(len: usize, at: Option<usize>, up: bool) -> Option<usize> {
    match (at, up) {
        (None, true) => len.checked_sub(1),
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < len => Some(i + 1),
        (_, false) => None,
    }
}

/// True when the key event's input has a non-empty selection.
fn has_selection(e: &KeyboardEvent) -> bool {
    let input = e.target_unchecked_into::<HtmlInputElement>();
    matches!(
        (input.selection_start(), input.selection_end()),
        (Ok(Some(start)), Ok(Some(end))) if start != end
    )
}

#[function_component(Terminal)]
pub fn terminal() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let draft = use_state(String::new);
    let history_at = use_state(|| None::<usize>);
    let input_ref = use_node_ref();

    {
        // The terminal is where a visit starts: put the caret there once, on mount.
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    {
        // A lesson chip typed a line (Action::Prefill): show it, ready for Enter.
        let draft = draft.clone();
        let input_ref = input_ref.clone();
        use_effect_with(ctx.teach.prefill.clone(), move |prefill| {
            if let Some((_, line)) = prefill {
                draft.set(line.clone());
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        });
    }

    let oninput = {
        let draft = draft.clone();
        let history_at = history_at.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlInputElement>().value());
            history_at.set(None);
        })
    };

    let onkeydown = {
        let ctx = ctx.clone();
        let draft = draft.clone();
        let history_at = history_at.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                ctx.dispatch(Action::Submit((*draft).clone()));
                draft.set(String::new());
                history_at.set(None);
            }
            // Ctrl-C copies when part of the line is selected, as terminals do.
            "c" if e.ctrl_key() && !has_selection(&e) => {
                e.prevent_default();
                ctx.dispatch(Action::Interrupt);
                draft.set(String::new());
            }
            // With no history there is nothing to recall, and the typed line stays.
            key @ ("ArrowUp" | "ArrowDown") if !ctx.history.is_empty() => {
                e.prevent_default();
                let at = history_step(ctx.history.len(), *history_at, key == "ArrowUp");
                let recalled = at.and_then(|i| ctx.history.get(i)).cloned();
                draft.set(recalled.unwrap_or_default());
                history_at.set(at);
            }
            _ => {}
        })
    };

    // A click anywhere in the terminal puts the caret on the input line, as in a real one,
    // unless the learner is selecting text to copy.
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if let (false, Some(input)) = (selecting, input_ref.cast::<HtmlInputElement>()) {
                let _ = input.focus();
            }
        })
    };

    html! {
        <section class={classes!("pane", "terminal-pane", ctx.busy.then_some("busy"))}
                 aria-label="Terminal" {onclick}>
            <h2 class="pane-title">{ "Terminal" }</h2>
            <Output lines={Rc::clone(&ctx.lines)} />
            <label class="prompt-line">
                <span class="prompt" aria-hidden="true">{ PROMPT }</span>
                <input
                    ref={input_ref}
                    class="terminal-input"
                    data-testid="terminal-input"
                    type="text"
                    aria-label="Command"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={(*draft).clone()}
                    {oninput}
                    {onkeydown}
                />
            </label>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OutputProps {
    lines: Rc<Vec<TermLine>>,
}

/// The scroll-back, a component of its own so that clock ticks that print nothing do not
/// re-render it.
#[function_component(Output)]
fn output(props: &OutputProps) -> Html {
    let scroll_ref = use_node_ref();
    {
        // Keep the newest line in view whenever lines arrive.
        let scroll_ref = scroll_ref.clone();
        use_effect_with(Rc::clone(&props.lines), move |_| {
            if let Some(el) = scroll_ref.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    html! {
        <div ref={scroll_ref} class="terminal-output" data-testid="terminal-output"
             role="log" aria-live="polite">
            { for props.lines.iter().map(line_view) }
        </div>
    }
}

fn line_view(line: &TermLine) -> Html {
    match line.kind {
        LineKind::Echo => html! {
            <div key={line.id} class="line echo">
                <span class="prompt">{ PROMPT }</span>{ line.text.clone() }
            </div>
        },
        LineKind::Out => html! { <div key={line.id} class="line">{ line.text.clone() }</div> },
        LineKind::Err => html! { <div key={line.id} class="line err">{ line.text.clone() }</div> },
    }
}
