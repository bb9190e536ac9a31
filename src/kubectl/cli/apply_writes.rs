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

use super::apply::{print_errors, Options, Verb};
use super::manifest::Doc;
use super::{Ctx, Outcome};
use crate::kubectl::output::CheckErr;
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;

/// One entry of the files as read: a document, or what kubectl's reader refused (a file
/// it could not read, a document it could not parse or map).
#[derive(Debug, Clone)]
pub(super) enum Item {
    Doc(Doc),
    ReadError(String),
}

/// A document the server or kubectl refused, as kubectl prints it when it is the
/// command's only error and when it is one of several.
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    pub(super) alone: String,
    pub(super) listed: String,
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal {
            alone: message.clone(),
            listed: message,
        }
    }
}

/// An `apply -f` in progress: what is left to write, and what it prints at the end.
#[derive(Debug, Clone)]
pub struct Writes {
    options: Box<Options>,
    items: VecDeque<Item>,
    /// How many items have been written so far.
    written: usize,
    /// kubectl prints the errors after every object, as one aggregate: the writes'
    /// errors, and the reader's as one more entry (see [`Writes::finish`]).
    errors: Vec<Refusal>,
    read_errors: Vec<String>,
    /// Whether any document was read (none and no error: "no objects passed to …").
    any_doc: bool,
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
            read_errors: Vec::new(),
            any_doc: false,
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
            Item::ReadError(e) => {
                self.read_errors.push(e);
                return out;
            }
        };
        self.any_doc = true;
        let written = self.options.write(ctx, doc, &mut out);
        if let Some(lines) = super::warning_lines(ctx.cluster.take_warnings()) {
            out.err(lines);
        }
        match written {
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
        let read_errors = std::mem::take(&mut self.read_errors);
        let refusals = std::mem::take(&mut self.errors);
        let mut errors: Vec<String> = match &refusals[..] {
            [one] if read_errors.is_empty() => vec![one.alone.clone()],
            several => several.iter().map(|r| r.listed.clone()).collect(),
        };
        if errors.is_empty() {
            print_errors(&mut out, &read_errors);
        } else if !read_errors.is_empty() {
            // The reader's errors are one aggregate among the writes' errors: create
            // meets it when its visit ends, apply collected it before its first write.
            let read = aggregate(&read_errors);
            match self.options.verb {
                Verb::Create => errors.push(read),
                Verb::Apply => errors.insert(0, read),
            }
        }
        print_errors(&mut out, &errors);
        if !self.any_doc && out.status == 0 {
            let verb = match self.options.verb {
                Verb::Create => "create",
                Verb::Apply => "apply",
            };
            out.fail(format!("no objects passed to {verb}"));
        }
        out
    }
}

/// An aggregate error's text as Go's `utilerrors` writes it: one message as it is,
/// several in brackets joined by `, `, each message once.
fn aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen[..] {
        [one] => one.to_string(),
        _ => format!("[{}]", seen.join(", ")),
    }
}
