//! The terminal's part of the state — scroll-back, prompt, history, pasted lines waiting
//! for the prompt — and running a line the way the terminal does.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::kubectl::completion::{complete, Completion};
use crate::shell::{OutLine, Stream};

use super::State;

/// Scroll-back beyond this many lines is dropped from the top, so a long watch cannot
/// make every render slower.
pub const SCROLLBACK_LIMIT: usize = 5_000;
/// Wall-clock milliseconds one task may spend running pasted lines, as a clock tick may
/// spend advancing the cluster: the lines that do not fit wait for the next task, which
/// the app runs as soon as the browser has drawn this one. A 10,000-line paste so never
/// holds the page; a short one still runs in a single task.
pub const DRAIN_BUDGET_MS: f64 = 8.0;
/// At most this many pasted lines per task as well: each echoes at least one line, and
/// drawing them is the page's cost, not the session's (measured: 1,000 lines echoed in
/// one task took 250–640 ms of rendering, layout and garbage collection). The same
/// budgets hold for the documents of a `kubectl apply -f` (one line each).
pub const DRAIN_LINES: usize = 50;

/// How a terminal line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The command the learner typed, echoed after its prompt.
    Echo,
    Out,
    Err,
}

/// One line of the terminal's scroll-back. `id` only grows, so it is a stable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    pub id: u64,
    pub kind: LineKind,
    pub text: String,
}

/// What the terminal pane shows, and the lines it still has to run.
#[derive(Clone, PartialEq)]
pub struct TerminalState {
    pub lines: Rc<Vec<TermLine>>,
    /// The id the next scroll-back line gets.
    pub(super) next_line_id: u64,
    pub prompt: &'static str,
    /// Pasted lines waiting for the prompt.
    pub(super) queued: Rc<VecDeque<String>>,
    /// The commands typed so far, oldest first (↑ recalls them; lesson checks read them).
    pub history: Rc<Vec<String>>,
    /// A command (a watch, `sleep`) holds the prompt.
    pub busy: bool,
    /// That command is a `kubectl apply -f` with documents left to write: the app runs
    /// more of it in the next task (and the clock waits).
    pub writing: bool,
    /// How many drains ran (each one schedules the next while there is more to do).
    pub drains: u64,
}

impl Default for TerminalState {
    fn default() -> Self {
        TerminalState {
            lines: Rc::default(),
            next_line_id: 0,
            prompt: "$ ",
            queued: Rc::default(),
            history: Rc::default(),
            busy: false,
            writing: false,
            drains: 0,
        }
    }
}

impl TerminalState {
    pub(super) fn push_lines(&mut self, new: impl IntoIterator<Item = (LineKind, String)>) {
        let mut new = new.into_iter().peekable();
        if new.peek().is_none() {
            return;
        }
        let lines = Rc::make_mut(&mut self.lines);
        for (kind, text) in new {
            lines.push(TermLine {
                id: self.next_line_id,
                kind,
                text,
            });
            self.next_line_id += 1;
        }
        if lines.len() > SCROLLBACK_LIMIT {
            let excess = lines.len() - SCROLLBACK_LIMIT;
            lines.drain(..excess);
        }
    }

    pub(super) fn push_output(&mut self, out: Vec<OutLine>) {
        self.push_lines(
            out.into_iter()
                .map(|line| (stream_kind(line.stream), line.text)),
        );
    }
}

fn stream_kind(stream: Stream) -> LineKind {
    match stream {
        Stream::Out => LineKind::Out,
        Stream::Err => LineKind::Err,
    }
}

impl State {
    /// Tab completion at `cursor` (a byte offset) of `line`.
    pub fn complete(&self, line: &str, cursor: usize) -> Completion {
        complete(&self.session.borrow(), line, cursor)
    }

    /// The scroll-back from the session's transcript (after a rebuild).
    pub(super) fn load_transcript(&mut self) {
        let lines: Vec<(LineKind, String)> = self
            .session
            .borrow()
            .transcript()
            .map(|l| (stream_kind(l.stream), l.text.clone()))
            .collect();
        self.terminal.lines = Rc::default();
        self.terminal.push_lines(lines);
    }

    /// Runs a line the way the terminal does: echo it after the prompt, print its output,
    /// and follow what it asked of the page (clear, open the editor).
    pub(super) fn run_line(&mut self, line: &str) {
        if self.session.borrow().is_busy() {
            Rc::make_mut(&mut self.terminal.queued).push_back(line.to_string());
            return;
        }
        self.clock.horizon = None;
        let prompt = self.session.borrow().current_prompt();
        self.terminal
            .push_lines([(LineKind::Echo, format!("{prompt}{line}"))]);
        let out = self.session.borrow_mut().submit(line);
        self.terminal.push_output(out);
        self.after_command();
    }

    /// Runs pasted lines one after another, each when the prompt is free.
    pub(super) fn submit_many(&mut self, lines: Vec<String>) {
        Rc::make_mut(&mut self.terminal.queued).extend(lines);
        self.drain_queue();
    }

    /// Ctrl-C: stops what holds the prompt and drops the pasted lines still waiting.
    pub(super) fn interrupt(&mut self) {
        self.clock.horizon = None;
        self.terminal.queued = Rc::default();
        self.terminal
            .push_lines([(LineKind::Echo, "^C".to_string())]);
        let out = self.session.borrow_mut().interrupt();
        self.terminal.push_output(out);
    }

    /// Follows what a command asked of the page: clear the scroll-back, open the editor.
    pub(super) fn after_command(&mut self) {
        let (clear, request) = {
            let mut s = self.session.borrow_mut();
            (s.take_clear(), s.take_editor_request())
        };
        if clear {
            self.terminal.lines = Rc::default();
        }
        self.refresh_files();
        if let Some(path) = request {
            let abs = self.session.borrow().files().resolve(&path);
            Rc::make_mut(&mut self.editor.drafts).remove(&abs);
            self.open_file(&abs);
            self.editor.focus += 1;
        }
    }

    /// Writes more of a `kubectl apply -f`, then runs queued (pasted) lines while the
    /// prompt is free, for [`DRAIN_BUDGET_MS`] and [`DRAIN_LINES`] at most (at least one
    /// document or line, so that every call moves).
    pub(super) fn drain_queue(&mut self) {
        self.terminal.drains += 1;
        let started = js_sys::Date::now();
        let mut ran = 0;
        if self.session.borrow().is_writing() {
            let out = self.session.borrow_mut().write_some(&mut || {
                ran += 1;
                ran < DRAIN_LINES && js_sys::Date::now() - started < DRAIN_BUDGET_MS
            });
            self.terminal.push_output(out);
            self.after_command();
            if ran >= DRAIN_LINES || js_sys::Date::now() - started >= DRAIN_BUDGET_MS {
                return;
            }
        }
        while !self.terminal.queued.is_empty() && !self.session.borrow().is_busy() {
            let Some(line) = Rc::make_mut(&mut self.terminal.queued).pop_front() else {
                break;
            };
            self.run_line(&line);
            ran += 1;
            if ran >= DRAIN_LINES || js_sys::Date::now() - started >= DRAIN_BUDGET_MS {
                break;
            }
        }
    }

    /// An apply has documents left to write, or pasted lines wait while the prompt is
    /// free: the app drains them in the next task.
    pub fn draining(&self) -> bool {
        self.terminal.writing || (!self.terminal.queued.is_empty() && !self.terminal.busy)
    }
}
