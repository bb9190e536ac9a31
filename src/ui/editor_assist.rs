//! What makes the editor know Kubernetes, wired to the textarea: completion (a listbox
//! under the caret), the explain panel, undo and redo, and the keys that indent as YAML
//! does. The knowledge itself is `kubectl::assist` (pure, tested natively); this file moves
//! text and selections between it and the DOM.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{Element, InputEvent, KeyboardEvent};
use yew::prelude::*;

use crate::kubectl::assist::complete::{complete, docs_for, explain_path_at, Candidate};
use crate::kubectl::assist::history::{History, Snapshot};
use crate::kubectl::assist::indent::{indent, newline, outdent, Edit};
use crate::kubectl::explain::Lang as ExplainLang;

use super::editor_view::{line_height, Reveal, TextView};
use super::params::Lang;
use super::state::{Action, AppContext};

/// The completion list while it is open.
#[derive(Clone)]
pub struct Open {
    /// The byte range of the text the chosen entry replaces.
    pub from: usize,
    pub to: usize,
    pub items: Rc<Vec<Candidate>>,
    pub active: usize,
    /// Where the replaced word starts: line and column, to draw the list under it.
    pub row: usize,
    pub col: usize,
    /// The textarea's scroll offsets when the list opened.
    pub scroll: (i32, i32),
}

/// Undo history per file, kept for the editor's lifetime.
pub type Histories = Rc<RefCell<BTreeMap<String, History>>>;

/// Everything the editor's callbacks need, cloned into each.
#[derive(Clone)]
pub struct Assist {
    pub view: TextView,
    pub ctx: AppContext,
    pub histories: Histories,
    pub completion: UseStateHandle<Option<Open>>,
    /// The explain argument for the field under the cursor.
    pub docs_path: UseStateHandle<Option<String>>,
    /// Escape was the last key: Tab moves the focus on instead of indenting.
    pub tab_leaves: Rc<RefCell<bool>>,
}

impl Assist {
    /// The file's text and the selection, in bytes.
    fn text_and_selection(&self) -> Option<(String, (usize, usize))> {
        self.view.text_and_selection()
    }

    fn focus(&self) {
        if let Some(area) = self.view.area() {
            let _ = area.focus();
        }
    }

    fn history<T>(&self, f: impl FnOnce(&mut History) -> T) -> T {
        let mut all = self.histories.borrow_mut();
        f(all.entry(self.ctx.editor.file_name.clone()).or_default())
    }

    /// Puts `text` and the selection into the textarea and the state.
    fn show(&self, text: String, selection: (usize, usize)) {
        self.view.show(&text, selection, Reveal::Edge);
        self.ctx.dispatch(Action::EditFile(text));
    }

    /// An edit made by a key, a chosen completion or a paste: one undo step.
    fn apply(&self, before: Snapshot, edit: Edit) {
        self.history(|h| h.step(before));
        self.show(edit.text, edit.selection);
    }

    /// Replaces bytes `from..to` of `text` (whose selection was `selection`) with
    /// `inserted` as one undo step, the caret after it; the new text and caret.
    fn replace(
        &self,
        text: String,
        selection: (usize, usize),
        (from, to): (usize, usize),
        inserted: &str,
    ) -> (String, usize) {
        let out = format!("{}{inserted}{}", &text[..from], &text[to..]);
        let cursor = from + inserted.len();
        let edit = Edit {
            text: out.clone(),
            selection: (cursor, cursor),
        };
        self.apply(Snapshot { text, selection }, edit);
        (out, cursor)
    }

    /// Replaces the selection with `inserted` (a paste, or what replaces all of a file).
    fn replace_selection(&self, inserted: &str) {
        if let Some((text, selection)) = self.text_and_selection() {
            self.replace(text, selection, selection, inserted);
            self.completion.set(None);
        }
    }

    /// What the editor does instead of the browser before an edit; returns whether it
    /// did (the default is then prevented). Undo and redo are the editor's history (the
    /// browser's stack knows nothing of the text set from code). A paste, or lines
    /// inserted at once, are spliced into the file, so that a pasted operator bundle never
    /// enters the textarea whole. In a long file's window, all of it selected (Ctrl-A)
    /// stands for all of the file.
    pub fn before_input(&self, e: &InputEvent) -> bool {
        let kind = e.input_type();
        match kind.as_str() {
            "historyUndo" => self.undo(),
            "historyRedo" => self.redo(),
            "insertFromPaste" => {
                let pasted = e
                    .data()
                    .or_else(|| e.data_transfer()?.get_data("text/plain").ok())
                    .unwrap_or_default();
                // Nothing as text (an image): nothing to paste.
                if pasted.is_empty() {
                    return false;
                }
                self.replace_selection(&pasted.replace("\r\n", "\n"));
            }
            // Lines inserted at once (a test's fill, dictation): the browser would insert
            // them one at a time, an input event each.
            "insertText" if e.data().is_some_and(|d| d.contains('\n')) => {
                self.replace_selection(&e.data().unwrap_or_default());
            }
            _ if self.whole_file_selected() => {
                let inserted = match kind.starts_with("insert") {
                    true if kind == "insertLineBreak" || kind == "insertParagraph" => {
                        "\n".to_string()
                    }
                    true => e.data().unwrap_or_default(),
                    false => String::new(),
                };
                self.replace_selection(&inserted);
            }
            _ => return false,
        }
        true
    }

    /// A long file's window all selected: the selection stands for the whole file.
    fn whole_file_selected(&self) -> bool {
        let held = self.view.held.borrow();
        !held.window.is_whole(&held.file)
            && self
                .text_and_selection()
                .is_some_and(|(text, s)| !text.is_empty() && s == (0, text.len()))
    }

    /// The whole file when a long file's window is all selected and copied (or cut: then
    /// the file is emptied); `None` leaves the copy to the browser.
    pub fn copied_whole(&self, cut: bool) -> Option<String> {
        if !self.whole_file_selected() {
            return None;
        }
        let (text, _) = self.text_and_selection()?;
        if cut {
            self.replace_selection("");
        }
        Some(text)
    }

    /// The learner typed (or cut): recorded for undo; the list follows the word.
    pub fn typed(&self, text: String, cursor: usize, typed_letter: bool) {
        let before = (*self.ctx.editor.file_text).clone();
        let changed_at = common_prefix(&before, &text);
        let snapshot = Snapshot {
            text: before,
            selection: (changed_at, changed_at),
        };
        self.history(|h| h.record(snapshot, &text, cursor));
        self.ctx.dispatch(Action::EditFile(text.clone()));
        let open = self.completion.is_some();
        if (typed_letter && self.ctx.clock.engine_arrived) || open {
            self.suggest(&text, cursor, false);
        }
    }

    /// Opens (or refreshes) the list for the word at `cursor`; `explicit` is Ctrl-Space or
    /// the Suggest button, which also lists every key of an empty line.
    fn suggest(&self, text: &str, cursor: usize, explicit: bool) {
        let Some(found) = complete(text, cursor) else {
            self.completion.set(None);
            return;
        };
        let after_colon = text[..found.from].ends_with(": ") && found.from == cursor;
        if !explicit && found.from == cursor && !after_colon {
            self.completion.set(None);
            return;
        }
        let line_start = text[..found.from].rfind('\n').map_or(0, |i| i + 1);
        // The list is drawn under its word: bring the word's line into view first.
        self.view.reveal(text, found.from);
        let scroll = self
            .view
            .scroller()
            .map_or((0, 0), |s| (s.scroll_top(), s.scroll_left()));
        let row = text[..found.from].matches('\n').count();
        self.completion.set(Some(Open {
            from: found.from,
            to: found.to,
            items: Rc::new(found.items),
            active: 0,
            row,
            col: text[line_start..found.from].chars().count(),
            scroll,
        }));
    }

    /// Ctrl-Space, or the Suggest button.
    pub fn suggest_here(&self) {
        if let Some((text, (_, cursor))) = self.text_and_selection() {
            self.focus();
            self.suggest(&text, cursor, true);
        }
    }

    /// Puts the chosen entry in place of the word at the cursor.
    pub fn accept(&self, index: usize) {
        let Some(open) = (*self.completion).clone() else {
            return;
        };
        let Some(item) = open.items.get(index) else {
            return;
        };
        let Some((text, selection)) = self.text_and_selection() else {
            return;
        };
        if open.to > text.len() || open.from > open.to {
            self.completion.set(None);
            return;
        }
        let (out, cursor) = self.replace(text, selection, (open.from, open.to), &item.insert);
        self.focus();
        // A key whose value is an enum goes on to list the values.
        if item.insert.ends_with(": ") {
            self.suggest(&out, cursor, false);
        } else {
            self.completion.set(None);
        }
    }

    /// The textarea scrolled: the open list moves with the text, as an editor's does.
    pub fn scrolled(&self, top: i32, left: i32) {
        if let Some(open) = (*self.completion).clone() {
            if open.scroll != (top, left) {
                self.completion.set(Some(Open {
                    scroll: (top, left),
                    ..open
                }));
            }
        }
    }

    pub fn close(&self) {
        if self.completion.is_some() {
            self.completion.set(None);
        }
    }

    fn move_active(&self, delta: isize) {
        if let Some(open) = (*self.completion).clone() {
            let n = open.items.len() as isize;
            let active = (open.active as isize + delta).rem_euclid(n) as usize;
            self.completion.set(Some(Open { active, ..open }));
        }
    }

    pub fn undo(&self) {
        self.step_history(true);
    }

    pub fn redo(&self) {
        self.step_history(false);
    }

    fn step_history(&self, back: bool) {
        let Some((text, selection)) = self.text_and_selection() else {
            return;
        };
        let current = Snapshot { text, selection };
        let target = self.history(|h| {
            if back {
                h.undo(current)
            } else {
                h.redo(current)
            }
        });
        if let Some(s) = target {
            self.completion.set(None);
            self.show(s.text, s.selection);
        }
    }

    /// The explain panel follows the cursor (once the lazy half of the wasm is in).
    pub fn follow_cursor(&self) {
        if !self.ctx.clock.engine_arrived {
            return;
        }
        if let Some((text, (_, cursor))) = self.text_and_selection() {
            let path = explain_path_at(&text, cursor);
            if *self.docs_path != path {
                self.docs_path.set(path);
            }
        }
    }

    /// The editor's keys; returns whether the key was used (and its default prevented).
    pub fn key(&self, e: &KeyboardEvent) -> bool {
        let ctrl = e.ctrl_key() || e.meta_key();
        let key = e.key();
        let leaving = std::mem::replace(&mut *self.tab_leaves.borrow_mut(), key == "Escape");
        if e.is_composing() {
            return false;
        }
        if let Some(open) = (*self.completion).clone() {
            match key.as_str() {
                "ArrowDown" => self.move_active(1),
                "ArrowUp" => self.move_active(-1),
                "Enter" | "Tab" if !ctrl => self.accept(open.active),
                "Escape" => self.close(),
                "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown" => {
                    self.close();
                    return false;
                }
                _ => return self.plain_key(e, ctrl, leaving),
            }
            return true;
        }
        self.plain_key(e, ctrl, leaving)
    }

    fn plain_key(&self, e: &KeyboardEvent, ctrl: bool, leaving: bool) -> bool {
        let key = e.key();
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            " " if ctrl => self.suggest_here(),
            "z" if ctrl && e.shift_key() => self.redo(),
            "z" if ctrl => self.undo(),
            "y" if ctrl => self.redo(),
            "enter" if !ctrl && !e.shift_key() && !e.alt_key() => self.edit_with(newline),
            "tab" if !ctrl && !leaving && e.shift_key() => self.edit_with(outdent),
            "tab" if !ctrl && !leaving => self.edit_with(indent),
            _ => return false,
        }
        true
    }

    fn edit_with(&self, f: fn(&str, (usize, usize)) -> Edit) {
        if let Some((text, selection)) = self.text_and_selection() {
            let edit = f(&text, selection);
            self.apply(Snapshot { text, selection }, edit);
        }
    }
}

/// The byte length of the longest common prefix, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// The explain panel's language for the UI's.
pub fn explain_lang(lang: Lang) -> ExplainLang {
    match lang {
        Lang::En => ExplainLang::En,
        Lang::ZhTw => ExplainLang::ZhTw,
    }
}

/// Puts the open list for `items` entries of line `row` below it, or above it when the
/// text's pane has less room below the line than the list wants (about two lines per
/// entry, at most its 12.5em) and more above: on a phone, or at the last lines, it would
/// otherwise cover the explain panel under the pane. (The CSS keeps it within the pane
/// on either side.)
pub fn place_list(list: &Element, scroller: &Element, row: usize, items: usize) {
    // The textarea's padding is 0.5rem (8 px); a line is as tall as one of the
    // highlighted copy's (13px/1.5 unless the page's CSS says otherwise).
    const PAD: f64 = 8.0;
    let line = line_height(scroller);
    let top = PAD + row as f64 * line - f64::from(scroller.scroll_top());
    let below = f64::from(scroller.client_height()) - top - line;
    let wanted = (items as f64 * 2.0).min(12.5 / 1.5) * line;
    let above = below < wanted && top > below;
    let class = if above {
        "completion above"
    } else {
        "completion"
    };
    if list.get_attribute("class").as_deref() != Some(class) {
        let _ = list.set_attribute("class", class);
    }
}

/// The completion list: a listbox the textarea points into with
/// `aria-activedescendant`; the focus never leaves the textarea. A plain function, not a
/// component: every Yew component type costs the download its own lifecycle code.
pub fn completion_list(
    open: &Open,
    label: AttrValue,
    list_ref: NodeRef,
    onpick: &Callback<usize>,
) -> Html {
    // Custom properties only: where the caret is decides where the list is drawn.
    let place = format!(
        "--row:{};--col:{};--scroll-y:{}px;--scroll-x:{}px",
        open.row, open.col, open.scroll.0, open.scroll.1
    );
    html! {
        <ul ref={list_ref} id="editor-completion" class="completion" role="listbox"
            data-testid="editor-completion" aria-label={label} style={place}>
            { for open.items.iter().enumerate().map(|(i, item)| {
                let active = i == open.active;
                let onpick = onpick.clone();
                // Pressing keeps the focus in the textarea; the click chooses.
                let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
                let onclick = Callback::from(move |_| onpick.emit(i));
                html! {
                    <li id={option_id(i)} role="option" aria-selected={active.to_string()}
                        class={classes!("option", active.then_some("active"))} {onmousedown} {onclick}>
                        <span class="label">{ &item.label }</span>
                        <span class="detail">{ &item.detail }</span>
                    </li>
                }
            }) }
        </ul>
    }
}

/// Keeps the chosen option of the list in `list_ref` in view.
pub fn scroll_to_option(list_ref: &NodeRef, active: usize) {
    let option = list_ref.cast::<web_sys::Element>().and_then(|l| {
        l.query_selector(&format!("#{}", option_id(active)))
            .ok()
            .flatten()
    });
    if let Some(option) = option {
        option.scroll_into_view_with_bool(false);
    }
}

/// The id of the list's `index`th option.
pub fn option_id(index: usize) -> String {
    format!("editor-completion-{index}")
}

/// `kubectl explain PATH`'s text for the explain panel.
pub fn docs_text(path: &str, lang: Lang) -> String {
    docs_for(path, explain_lang(lang)).unwrap_or_default()
}

/// `kubectl explain PATH` for the field under the cursor or the chosen entry.
pub fn docs_panel(path: &str, text: &str, label: AttrValue) -> Html {
    html! {
        <details class="editor-docs" data-testid="editor-docs" open=true aria-label={label}>
            <summary><code>{ format!("kubectl explain {path}") }</code></summary>
            <pre class="explain">{ text }</pre>
        </details>
    }
}
