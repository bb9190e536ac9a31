//! The documents of one `kubectl apply -f` / `create -f`, written one at a time.
//!
//! A 10,000-line manifest is a thousand objects; writing them all in one go holds the
//! browser's page for over 100 ms. So the verb reads and parses its files, then hands
//! back a [`Writes`] that the terminal runs to its end at once, or, in the browser, a few
//! documents per task (`Session::write_some`). The objects are written at one virtual
//! instant either way, in the same order, with the same lines: slicing changes only
//! when the page gets to draw them.

use std::collections::VecDeque;

use serde_json::Value;

use super::apply::{print_errors, Options};
use super::manifest::Doc;
use super::{Ctx, Outcome};
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;

/// One entry of the files as read: a document, or a file that could not be read (its
/// error keeps its place among the documents' errors).
#[derive(Debug, Clone)]
pub(super) enum Item {
    Doc(Doc),
    Unreadable(String),
}

/// An `apply -f` in progress: what is left to write, and what it prints at the end.
#[derive(Debug, Clone)]
pub struct Writes {
    options: Box<Options>,
    items: VecDeque<Item>,
    /// How many items have been written so far.
    written: usize,
    /// kubectl prints the errors after every object, as one aggregate.
    errors: Vec<String>,
    /// The objects `-o FORMAT` prints after every object was written.
    objects: Vec<Value>,
}

impl Writes {
    /// The command as a process that writes `items` (nothing is written yet).
    pub(super) fn start(options: Options, items: Vec<Item>) -> Outcome {
        let writes = Writes {
            options: Box::new(options),
            items: items.into(),
            written: 0,
            errors: Vec::new(),
            objects: Vec::new(),
        };
        Outcome::Running(
            Output::ok(),
            Box::new(Running::new(Process::Writes(writes))),
        )
    }

    /// Whether every document has been written (only [`Writes::finish`] is left).
    pub fn is_done(&self) -> bool {
        self.items.is_empty()
    }

    /// How many documents (and unreadable files) have been dealt with.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Writes the next document; returns what it printed (its line, a warning).
    pub fn step(&mut self, ctx: &mut Ctx<'_>) -> Output {
        let mut out = Output::ok();
        let Some(item) = self.items.pop_front() else {
            return out;
        };
        self.written += 1;
        let doc = match item {
            Item::Doc(doc) => doc,
            Item::Unreadable(e) => {
                self.errors.push(e);
                return out;
            }
        };
        match self.options.write(ctx, doc, &mut out) {
            Ok((doc, op, obj)) => match self.options.line(&doc, &obj, op) {
                Some(line) => out.out(line),
                None => self.objects.push(obj),
            },
            Err(e) => self.errors.push(e),
        }
        out
    }

    /// What is printed after the last document: `-o`'s objects, then the errors; the
    /// exit status is the command's.
    pub fn finish(&mut self) -> Output {
        let mut out = Output::ok();
        self.options
            .print_objects(&mut out, std::mem::take(&mut self.objects));
        print_errors(&mut out, &std::mem::take(&mut self.errors));
        out
    }
}
