//! Find in the editor (Ctrl-F): a search field over the open file. Every match is marked
//! in a layer drawn behind the textarea; Enter selects the next one and scrolls to it.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::kubectl::assist::find::{matches, next_match};

use super::editor_view::{spacer, Reveal, TextView};
use super::i18n::{fill, use_strings};

/// What the find bar holds while it is open.
#[derive(Clone, PartialEq, Default)]
pub struct Find {
    pub query: String,
    /// The index of the selected match.
    pub current: Option<usize>,
}

#[derive(Properties, PartialEq)]
pub struct FindBarProps {
    pub find: UseStateHandle<Option<Find>>,
    pub view: TextView,
    pub text: Rc<String>,
}

#[function_component(FindBar)]
pub fn find_bar(props: &FindBarProps) -> Html {
    let strings = use_strings();
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let Some(find) = (*props.find).clone() else {
        return html! {};
    };
    let found = matches(&props.text, &find.query);

    // Selects match `i` in the textarea and scrolls it into the middle of the view.
    let go = {
        let (state, view) = (props.find.clone(), props.view.clone());
        // From the selection's end; from its start while typing, so that the match already
        // selected stays selected as the query grows.
        move |query: String, backwards: bool, typing: bool| {
            let Some((text, selection)) = view.text_and_selection() else {
                return;
            };
            let found = matches(&text, &query);
            let cursor = match typing || backwards {
                true => selection.0,
                false => selection.1,
            };
            let Some(i) = next_match(&found, cursor + usize::from(backwards), backwards) else {
                state.set(Some(Find {
                    query,
                    current: None,
                }));
                return;
            };
            view.show(&text, found[i], Reveal::Middle);
            state.set(Some(Find {
                query,
                current: Some(i),
            }));
        }
    };
    let close = {
        let (state, view) = (props.find.clone(), props.view.clone());
        move || {
            state.set(None);
            if let Some(area) = view.area() {
                let _ = area.focus();
            }
        }
    };
    let oninput = {
        let go = go.clone();
        Callback::from(move |e: InputEvent| {
            let query = e.target_unchecked_into::<HtmlInputElement>().value();
            go(query, false, true);
        })
    };
    let onkeydown = {
        let (go, close, query) = (go.clone(), close.clone(), find.query.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                go(query.clone(), e.shift_key(), false);
            }
            "Escape" => {
                e.prevent_default();
                close();
            }
            _ => {}
        })
    };
    let (next, previous) = (go.clone(), go);
    let (q1, q2) = (find.query.clone(), find.query.clone());
    let count = match (found.len(), find.current) {
        (0, _) if !find.query.is_empty() => strings.find_none.to_string(),
        (0, _) => String::new(),
        (n, Some(i)) => fill(strings.find_count, i + 1, n),
        (n, None) => fill(strings.find_count, 0, n),
    };
    html! {
        <div class="find-bar" role="search" data-testid="editor-find">
            <input ref={input_ref} type="search" class="find-input" aria-label={strings.find}
                   placeholder={strings.find} value={find.query.clone()} {oninput} {onkeydown}
                   data-testid="editor-find-input" />
            <span class="find-count" aria-live="polite" data-testid="editor-find-count">{ count }</span>
            <button aria-label={strings.find_prev} title={strings.find_prev}
                    onclick={Callback::from(move |_| previous(q1.clone(), true, false))}>{ "↑" }</button>
            <button aria-label={strings.find_next} title={strings.find_next}
                    onclick={Callback::from(move |_| next(q2.clone(), false, false))}>{ "↓" }</button>
            <button aria-label={strings.find_close} title={strings.find_close}
                    onclick={Callback::from(move |_| close())}>{ "×" }</button>
        </div>
    }
}

/// The layer that marks every match (the selected one more strongly), line by line, in
/// the same font and place as the text above it.
/// Only the highlighted copy's drawn lines, `drawn.0..drawn.1`, are marked.
pub fn marks_layer(text: &str, find: &Find, node: NodeRef, drawn: (usize, usize)) -> Html {
    let found = matches(text, &find.query);
    let rows = text.split('\n').count();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut next = found.iter().enumerate().peekable();
    for (n, line) in text.split('\n').enumerate() {
        let end = start + line.len();
        if n < drawn.0 || n >= drawn.1 {
            while next.peek().is_some_and(|(_, &(from, _))| from <= end) {
                next.next();
            }
            start = end + 1;
            continue;
        }
        let mut parts = Vec::new();
        let mut at = start;
        while let Some(&(i, &(from, to))) = next.peek() {
            if from >= end && !(from == end && to == end) {
                break;
            }
            parts.push(html! { { &text[at..from] } });
            let class = classes!("find-mark", (find.current == Some(i)).then_some("current"));
            parts.push(html! { <mark {class}>{ &text[from..to.min(end)] }</mark> });
            at = to.min(end);
            next.next();
        }
        parts.push(html! { { &text[at..end] } });
        lines.push(html! { <div class="hl-line">{ for parts }{ "\u{200b}" }</div> });
        start = end + 1;
    }
    html! {
        <pre ref={node} class="code find-marks" aria-hidden="true">
            { spacer(drawn.0, 0) }{ for lines }{ spacer(rows.saturating_sub(drawn.1) + 1, 0) }
        </pre>
    }
}
