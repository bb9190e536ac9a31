//! The editor's textarea as a view of the open file. A long file's textarea holds only the
//! lines around the visible ones (`kubectl::assist::window` says which and why), inside a
//! scroller as tall as the whole file, so the scrollbar, the gutter and the highlighted
//! copy stay the file's. Whatever reads or sets the text or the selection goes through
//! here, in bytes of the file.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::kubectl::assist::find::{byte_offset, utf16_offset};
use crate::kubectl::assist::window::{line_of, line_start, place, rows, Window};

/// Lines of the highlighted copy drawn above and below the visible ones; the drawn window
/// (and what the scroller reports) moves in these steps.
pub const DRAW_MARGIN: usize = 100;

/// The CSS's line: 13px × 1.5.
const LINE_PX: f64 = 19.5;

/// One line's height in pixels, a highlighted line's beside `scroller` (the CSS's when
/// none is drawn).
pub fn line_height(scroller: &Element) -> f64 {
    scroller
        .parent_element()
        .and_then(|wrap| wrap.query_selector(".hl-line").ok().flatten())
        .map(|l| l.get_bounding_client_rect().height())
        .filter(|h| *h > 0.0)
        .unwrap_or(LINE_PX)
}

/// The window the textarea holds and the file it was cut from.
#[derive(Clone, Default)]
pub struct Held {
    pub window: Window,
    pub file: Rc<String>,
}

/// The textarea, its scroller, and what it holds; cloned into the editor's callbacks.
#[derive(Clone)]
pub struct TextView {
    pub area: NodeRef,
    pub scroller: NodeRef,
    pub held: Rc<RefCell<Held>>,
    /// The first visible line rounded down to a [`DRAW_MARGIN`] step, and how many fit.
    pub scrolled: UseStateHandle<(usize, usize)>,
    /// The selection to put back once the window has moved under it (render to effect).
    pub pending: Rc<RefCell<Option<(usize, usize)>>>,
    /// The line to scroll to once the scroller is as tall as the new text (an edit's
    /// selection off screen: a paste's end).
    pub pending_top: Rc<Cell<Option<usize>>>,
}

/// The first line of the view that shows `line`, the view's first line being `first` and
/// `visible` lines fitting it: `first` when it shows it already.
fn view_top(line: usize, first: usize, visible: usize, reveal: Reveal) -> usize {
    match reveal {
        _ if first <= line && line < first + visible => first,
        Reveal::Middle => line.saturating_sub(visible / 2),
        Reveal::Edge if line < first => line,
        Reveal::Edge => (line + 1).saturating_sub(visible),
    }
}

/// The same textarea and window (the scroll state's handle changes every render).
impl PartialEq for TextView {
    fn eq(&self, other: &Self) -> bool {
        self.area == other.area && Rc::ptr_eq(&self.held, &other.held)
    }
}

/// Where an edit's selection goes when it is off screen: to the nearest edge of the view
/// (an edit, as the browser's own caret does) or to its middle (a found match).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    Edge,
    Middle,
}

impl TextView {
    pub fn area(&self) -> Option<HtmlTextAreaElement> {
        self.area.cast::<HtmlTextAreaElement>()
    }

    pub fn scroller(&self) -> Option<Element> {
        self.scroller.cast::<Element>()
    }

    /// The file with what was typed in the textarea, and the selection in its bytes.
    pub fn text_and_selection(&self) -> Option<(String, (usize, usize))> {
        let area = self.area()?;
        let value = area.value();
        let at = |n: Option<u32>| byte_offset(&value, n.unwrap_or(0) as usize);
        let selection = (
            at(area.selection_start().ok().flatten()),
            at(area.selection_end().ok().flatten()),
        );
        let held = self.held.borrow();
        if held.window.is_whole(&held.file) {
            return Some((value, selection));
        }
        let text = held.window.splice(&held.file, &value);
        let selection = held.window.to_file(text.len(), value.len(), selection);
        Some((text, selection))
    }

    /// After the learner typed in the textarea: the file and the caret, and the window
    /// grown or shrunk by the lines typed or deleted in it, so that the next render finds
    /// the textarea already holding its lines (and leaves it and its caret alone).
    pub fn typed(&self) -> Option<(String, usize)> {
        let (text, (_, cursor)) = self.text_and_selection()?;
        let held_len = self.area()?.value().len();
        let mut held = self.held.borrow_mut();
        let window = if held.window.is_whole(&held.file) {
            Window::whole(&text)
        } else {
            let (first, start) = (held.window.lines.0, held.window.bytes.0);
            Window {
                lines: (first, first + rows(&text[start..start + held_len])),
                bytes: (start, start + held_len),
            }
        };
        *held = Held {
            window,
            file: Rc::new(text.clone()),
        };
        Some((text, cursor))
    }

    fn line_px(&self) -> f64 {
        self.scroller().map_or(LINE_PX, |s| line_height(&s))
    }

    /// The first line in view, exactly, and how many fit the scroller.
    fn in_view(&self) -> (usize, usize) {
        let Some(scroller) = self.scroller() else {
            return (0, 60);
        };
        let line = self.line_px();
        (
            (f64::from(scroller.scroll_top()) / line) as usize,
            (f64::from(scroller.client_height()) / line).ceil() as usize,
        )
    }

    /// Reads where the scroller is into `scrolled` (a new drawn window when it crossed a
    /// step).
    pub fn note_scroll(&self) {
        let (first, visible) = self.in_view();
        self.scrolled
            .set((first / DRAW_MARGIN * DRAW_MARGIN, visible + 1));
    }

    /// Puts `text` and `selection` (bytes of it) into the textarea, the window moved to the
    /// selection and the scroller to it when it is not in view. The caller puts the text
    /// in the state.
    pub fn show(&self, text: &str, selection: (usize, usize), reveal: Reveal) {
        let Some(area) = self.area() else {
            return;
        };
        let total = rows(text);
        let line = line_of(text, selection.1);
        let (first, visible) = self.in_view();
        let top = view_top(line, first, visible, reveal);
        let shown = top == first;
        let current = self.held.borrow().window.lines;
        let window = Window::of(text, place(current, top, visible, total));
        let held = window.held(text);
        if area.value() != held {
            area.set_value(held);
        }
        // A selection wider than the window (all of the file) is all of the window.
        let (a, b) = window.to_held(selection).unwrap_or((0, held.len()));
        let _ =
            area.set_selection_range(utf16_offset(held, a) as u32, utf16_offset(held, b) as u32);
        *self.held.borrow_mut() = Held {
            window,
            file: Rc::new(text.to_string()),
        };
        if !shown {
            self.scroll_to_line(top);
        }
    }

    /// Scrolls the line of byte `at` of `text` into view, at the nearest edge, when it is
    /// not (the caret of a list opened off screen).
    pub fn reveal(&self, text: &str, at: usize) {
        let (first, visible) = self.in_view();
        let top = view_top(line_of(text, at), first, visible, Reveal::Edge);
        if top != first {
            self.scroll_to_line(top);
        }
    }

    /// Scrolls `line` to the top of the view: now, and again after the render that makes
    /// the scroller as tall as a text that grew.
    fn scroll_to_line(&self, line: usize) {
        if let Some(scroller) = self.scroller() {
            scroller.set_scroll_top((line as f64 * self.line_px()).round() as i32);
            let (_, visible) = self.in_view();
            self.scrolled
                .set((line / DRAW_MARGIN * DRAW_MARGIN, visible + 1));
        }
        self.pending_top.set(Some(line));
    }

    /// The window to hold for `file` where the scroller is: the same lines while they
    /// cover the view. When it moves, the selection is kept for [`TextView::restore`].
    pub fn hold(&self, file: &Rc<String>) -> Window {
        let (first, visible) = *self.scrolled;
        let current = self.held.borrow().window.lines;
        let lines = place(current, first, visible, rows(file));
        if lines != current && self.area().is_some() {
            *self.pending.borrow_mut() = self.text_and_selection().map(|(_, s)| s);
        }
        let mut held = self.held.borrow_mut();
        if held.window.lines != lines || !Rc::ptr_eq(&held.file, file) {
            *held = Held {
                window: Window::of(file, lines),
                file: Rc::clone(file),
            };
        }
        held.window
    }

    /// After the window moved: the selection as it was, or the caret at the first line in
    /// view when the window no longer holds it (scrolling far from the caret leaves it on
    /// screen, as Vim and Emacs do).
    pub fn restore(&self) {
        if let (Some(line), Some(scroller)) = (self.pending_top.take(), self.scroller()) {
            scroller.set_scroll_top((line as f64 * self.line_px()).round() as i32);
        }
        let Some(selection) = self.pending.borrow_mut().take() else {
            return;
        };
        let (Some(area), Some(scroller)) = (self.area(), self.scroller()) else {
            return;
        };
        let held = self.held.borrow();
        let text = held.window.held(&held.file);
        let (a, b) = held.window.to_held(selection).unwrap_or_else(|| {
            let first = self
                .in_view()
                .0
                .clamp(held.window.lines.0, held.window.lines.1);
            let at = line_start(&held.file, first).clamp(held.window.bytes.0, held.window.bytes.1)
                - held.window.bytes.0;
            (at, at)
        });
        let (top, left) = (scroller.scroll_top(), scroller.scroll_left());
        let _ =
            area.set_selection_range(utf16_offset(text, a) as u32, utf16_offset(text, b) as u32);
        scroller.set_scroll_top(top);
        scroller.set_scroll_left(left);
    }
}

/// An empty block as tall as `lines` lines (the CSS `lh` unit: one line of the editor),
/// standing for the lines not drawn; `cols` wide, so that the highlighted copy scrolls
/// sideways as far as the textarea.
pub fn spacer(lines: usize, cols: usize) -> Html {
    if lines == 0 && cols == 0 {
        return html! {};
    }
    let style = format!("height:calc({lines} * 1lh);width:{cols}ch");
    html! { <div class="spacer" {style}></div> }
}
