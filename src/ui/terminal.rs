//! The terminal: scroll-back above, the session's prompt and an input line below.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    ClipboardEvent, Element, HtmlInputElement, ScrollIntoViewOptions, ScrollLogicalPosition,
};
use yew::prelude::*;

use super::i18n::use_strings;

use super::state::terminal::{LineKind, TermLine};
use super::state::{Action, AppContext};

/// Where ↑/↓ stand in the history: `None` is the fresh line being typed.
fn history_step(len: usize, at: Option<usize>, up: bool) -> Option<usize> {
    match (at, up) {
        (None, true) => len.checked_sub(1),
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < len => Some(i + 1),
        (_, false) => None,
    }
}

/// Byte offset of a UTF-16 caret position in `s` (what `selectionStart` reports).
fn byte_offset(s: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// The caret as a byte offset, and whether part of the line is selected.
fn caret(input: &HtmlInputElement) -> (usize, bool) {
    let value = input.value();
    let start = input
        .selection_start()
        .ok()
        .flatten()
        .unwrap_or(utf16_len(&value));
    let end = input.selection_end().ok().flatten().unwrap_or(start);
    (byte_offset(&value, start), start != end)
}

/// Whether a box from `top` to `bottom` (layout-viewport pixels) is partly outside the
/// visual viewport, which starts `view_top` down and is `view_height` tall.
fn outside_view(top: f64, bottom: f64, view_top: f64, view_height: f64) -> bool {
    // Half a pixel of rounding is not "outside".
    bottom > view_top + view_height + 0.5 || top < view_top - 0.5
}

/// A phone's on-screen keyboard shrinks the visual viewport over the page: when the input
/// has the focus and its prompt line is no longer all in view, scroll it back into view
/// (iOS Safari and Chrome on Android alike only guarantee the caret, not the line).
fn keep_prompt_in_view(input: &HtmlInputElement) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let focused = window.document().and_then(|d| d.active_element());
    let Some(viewport) = window.visual_viewport() else {
        return;
    };
    if focused.as_ref() != Some(input.as_ref()) {
        return;
    }
    let line: Element = input
        .closest(".prompt-line")
        .ok()
        .flatten()
        .unwrap_or_else(|| input.clone().into());
    let rect = line.get_bounding_client_rect();
    if outside_view(
        rect.top(),
        rect.bottom(),
        viewport.offset_top(),
        viewport.height(),
    ) {
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Nearest);
        line.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The longest prefix every candidate shares.
fn common_prefix(candidates: &[String]) -> &str {
    let Some(first) = candidates.first() else {
        return "";
    };
    let mut len = first.len();
    for c in &candidates[1..] {
        len = first
            .char_indices()
            .zip(c.chars())
            .find(|((_, a), b)| a != b)
            .map_or(len.min(c.len()), |((i, _), _)| i.min(len));
    }
    &first[..len]
}

/// Ctrl-W: the line with the word before `at` removed, and where the caret goes.
fn delete_word_before(line: &str, at: usize) -> (String, usize) {
    let before = line[..at].trim_end();
    let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    (format!("{}{}", &line[..start], &line[at..]), start)
}

#[function_component(Terminal)]
pub fn terminal() -> Html {
    let strings = use_strings();
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let draft = use_state(String::new);
    let history_at = use_state(|| None::<usize>);
    // Candidates shown below the prompt after an ambiguous Tab.
    let choices = use_state(Vec::<String>::new);
    // A caret position to restore after the value changes (UTF-16 units).
    let pending_caret = use_mut_ref(|| None::<u32>);
    // Escape was the last key: the next Tab leaves the terminal instead of completing, so
    // that a keyboard user is never trapped in it (WCAG 2.1.2; CodeMirror does the same).
    let tab_leaves = use_mut_ref(|| false);
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
        // The keyboard opening resizes the visual viewport: the prompt line follows. Not
        // on its scroll events, so that a learner may still scroll the page away.
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            let viewport = web_sys::window().and_then(|w| w.visual_viewport());
            let listener = Closure::<dyn Fn()>::new(move || {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    keep_prompt_in_view(&input);
                }
            });
            if let Some(v) = &viewport {
                let _ =
                    v.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(v) = &viewport {
                    let _ = v.remove_event_listener_with_callback(
                        "resize",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    {
        let input_ref = input_ref.clone();
        let pending_caret = pending_caret.clone();
        use_effect_with((*draft).clone(), move |_| {
            if let (Some(at), Some(input)) = (
                pending_caret.borrow_mut().take(),
                input_ref.cast::<HtmlInputElement>(),
            ) {
                let _ = input.set_selection_range(at, at);
            }
        });
    }

    let set_line = {
        let draft = draft.clone();
        let pending_caret = pending_caret.clone();
        let input_ref = input_ref.clone();
        move |line: String, caret_bytes: usize| {
            let at = utf16_len(&line[..caret_bytes.min(line.len())]);
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.set_value(&line);
                let _ = input.set_selection_range(at, at);
            }
            *pending_caret.borrow_mut() = Some(at);
            draft.set(line);
        }
    };

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
        let choices = choices.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlInputElement>().value());
            history_at.set(None);
            choices.set(Vec::new());
        })
    };

    let onkeydown = {
        let ctx = ctx.clone();
        let draft = draft.clone();
        let history_at = history_at.clone();
        let choices = choices.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let line = input.value();
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let leaving = std::mem::replace(&mut *tab_leaves.borrow_mut(), e.key() == "Escape");
            match e.key().as_str() {
                // The browser moves the focus on.
                "Tab" if leaving => {}
                "Enter" => {
                    e.prevent_default();
                    ctx.dispatch(Action::Submit(line));
                    set_line(String::new(), 0);
                    history_at.set(None);
                    choices.set(Vec::new());
                }
                "Tab" if !e.shift_key() => {
                    e.prevent_default();
                    let (at, _) = caret(&input);
                    let done = ctx.complete(&line, at);
                    let from = done.replace_from.min(at);
                    let typed = &line[from..at];
                    let common = common_prefix(&done.candidates);
                    let single = done.candidates.len() == 1;
                    let insert = if single {
                        let word = &done.candidates[0];
                        if word.ends_with('/') || word.ends_with('=') {
                            word.clone()
                        } else {
                            format!("{word} ")
                        }
                    } else if common.len() > typed.len() {
                        common.to_string()
                    } else {
                        typed.to_string()
                    };
                    let new = format!("{}{insert}{}", &line[..from], &line[at..]);
                    set_line(new, from + insert.len());
                    choices.set(if single { Vec::new() } else { done.candidates });
                }
                // Ctrl-C copies when part of the line is selected, as terminals do.
                "c" if ctrl && !caret(&input).1 => {
                    e.prevent_default();
                    ctx.dispatch(Action::Interrupt);
                    set_line(String::new(), 0);
                    choices.set(Vec::new());
                }
                "l" if ctrl => {
                    e.prevent_default();
                    ctx.dispatch(Action::Clear);
                }
                "a" if ctrl => {
                    e.prevent_default();
                    let _ = input.set_selection_range(0, 0);
                }
                "e" if ctrl => {
                    e.prevent_default();
                    let end = utf16_len(&line);
                    let _ = input.set_selection_range(end, end);
                }
                "u" if ctrl => {
                    e.prevent_default();
                    let (at, _) = caret(&input);
                    set_line(line[at..].to_string(), 0);
                }
                "w" if ctrl => {
                    e.prevent_default();
                    let (at, _) = caret(&input);
                    let (new, to) = delete_word_before(&line, at);
                    set_line(new, to);
                }
                // With no history there is nothing to recall, and the typed line stays.
                key @ ("ArrowUp" | "ArrowDown") if !ctx.terminal.history.is_empty() => {
                    e.prevent_default();
                    let at =
                        history_step(ctx.terminal.history.len(), *history_at, key == "ArrowUp");
                    let recalled = at.and_then(|i| ctx.terminal.history.get(i)).cloned();
                    let recalled = recalled.unwrap_or_default();
                    let end = recalled.len();
                    set_line(recalled, end);
                    history_at.set(at);
                }
                _ => {}
            }
            let _ = &draft;
        })
    };

    // A multi-line paste runs each complete line in order (heredocs included); the last,
    // unfinished line stays on the prompt.
    let onpaste = {
        let ctx = ctx.clone();
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let (at, _) = caret(&input);
            let line = input.value();
            let text = text.replace("\r\n", "\n");
            let joined = format!("{}{text}{}", &line[..at], &line[at..]);
            let mut parts: Vec<String> = joined.split('\n').map(str::to_string).collect();
            let rest = parts.pop().unwrap_or_default();
            ctx.dispatch(Action::SubmitMany(parts));
            input.set_value(&rest);
            draft.set(rest);
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
        <section class={classes!("pane", "terminal-pane", ctx.terminal.busy.then_some("busy"))}
                 id="pane-terminal" aria-label={strings.pane_terminal} {onclick}>
            <h2 class="pane-title">{ strings.pane_terminal }</h2>
            <Output lines={Rc::clone(&ctx.terminal.lines)} epoch={ctx.teach.epoch} />
            <label class="prompt-line">
                <span class="prompt" aria-hidden="true">{ if ctx.terminal.busy { "" } else { ctx.terminal.prompt } }</span>
                <input
                    ref={input_ref}
                    class="terminal-input"
                    data-testid="terminal-input"
                    type="text"
                    aria-label={strings.command}
                    aria-describedby="terminal-keys"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={(*draft).clone()}
                    {oninput}
                    {onkeydown}
                    {onpaste}
                />
            </label>
            <span id="terminal-keys" class="visually-hidden">{ strings.terminal_keys }</span>
            if !choices.is_empty() {
                <ul class="completions" data-testid="completions" aria-label={strings.completions}>
                    { for choices.iter().take(60).map(|c| html! { <li>{ c.clone() }</li> }) }
                </ul>
            }
            if ctx.terminal.busy {
                <p class="hint">{ strings.running_hint }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OutputProps {
    lines: Rc<Vec<TermLine>>,
    /// Counts restarts (a lesson, a share link, Start over): each replays a whole new
    /// scroll-back at once.
    epoch: u64,
}

/// The scroll-back, a component of its own so that clock ticks that print nothing do not
/// re-render it.
#[function_component(Output)]
fn output(props: &OutputProps) -> Html {
    let strings = use_strings();
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
    // A screen reader hears the lines a command adds (`aria-relevant="additions"`: not the
    // old ones trimmed off the top). The render that swaps in a replayed scroll-back turns
    // the region off, so that it is not read out whole; the next lines turn it back on.
    let seen_epoch = use_mut_ref(|| props.epoch);
    let replayed = std::mem::replace(&mut *seen_epoch.borrow_mut(), props.epoch) != props.epoch;
    let live = if replayed { "off" } else { "polite" };
    html! {
        <div ref={scroll_ref} class="terminal-output" data-testid="terminal-output"
             role="log" aria-live={live} aria-relevant="additions" aria-atomic="false"
             aria-label={strings.terminal_output} tabindex="0">
            { for blocks(&props.lines).map(|(key, from, to)| html! {
                <Block {key} lines={Rc::clone(&props.lines)} {from} {to} />
            }) }
        </div>
    }
}

/// Lines per [`Block`].
const BLOCK_LINES: u64 = 100;

/// The scroll-back cut into blocks of [`BLOCK_LINES`] by line id: (key, from, to) with
/// `lines[from..to]` in the block. Ids only grow, so a block keeps its key while lines
/// arrive below it or are trimmed off the top.
fn blocks(lines: &[TermLine]) -> impl Iterator<Item = (u64, usize, usize)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = lines.get(from)?;
        let block = first.id / BLOCK_LINES;
        let len = lines[from..].partition_point(|l| l.id / BLOCK_LINES == block);
        let range = (block, from, from + len);
        from += len;
        Some(range)
    })
}

#[derive(Properties)]
struct BlockProps {
    lines: Rc<Vec<TermLine>>,
    from: usize,
    to: usize,
}

impl PartialEq for BlockProps {
    /// The same lines, wherever they sit in the scroll-back: a paste of 10,000 lines then
    /// draws only the block that grew, not the 5,000 lines above it.
    fn eq(&self, other: &Self) -> bool {
        self.lines[self.from..self.to] == other.lines[other.from..other.to]
    }
}

#[function_component(Block)]
fn block(props: &BlockProps) -> Html {
    html! { <>{ for props.lines[props.from..props.to].iter().map(line_view) }</> }
}

/// A line laid out in columns: kubectl pads its table and `describe` columns with at
/// least three spaces (or a tab). Such a line keeps its columns and the terminal scrolls
/// sideways to its end, as a real terminal narrower than a table would; other lines (prose,
/// long commands) wrap.
fn in_columns(text: &str) -> bool {
    let body = text.trim_start();
    body.contains("   ") || body.contains('\t')
}

fn line_view(line: &TermLine) -> Html {
    let kind = match line.kind {
        LineKind::Echo => "echo",
        LineKind::Out => "out",
        LineKind::Err => "err",
    };
    let cols = in_columns(&line.text).then_some("cols");
    html! { <div key={line.id} class={classes!("line", kind, cols)}>{ line.text.clone() }</div> }
}
