//! `kubectl apply -f` as the foreground job: its documents are written one at a time, at
//! one virtual instant. The native runner, tests and replays write them all at once; the
//! browser asks for a few per task ([`Session::write_some`]) so that a 10,000-line
//! manifest never holds the page, and lets the clock wait meanwhile (the objects are
//! written at the moment the command was typed, however many tasks it takes).

use super::terminal::Terminal;
use super::Session;
use crate::kubectl::cli::apply_writes::Writes;
use crate::kubectl::process::{Process, Running};
use crate::shell::output::extend_lines;
use crate::shell::{Job, OutLine, Output};

impl Session {
    /// Whether an `apply -f` in the foreground waits for [`Session::write_some`] (the
    /// browser) instead of writing everything when it starts (the default).
    pub fn slice_writes(&mut self, on: bool) {
        self.slices_writes = on;
    }

    /// True while an `apply -f` in the foreground still has documents to write.
    pub fn is_writing(&self) -> bool {
        self.job
            .as_ref()
            .is_some_and(|j| writes_of(&j.running).is_some())
    }

    /// Writes documents of the foreground `apply -f` while `more()` says so (at least
    /// one); when the last is written, prints its end and runs what came after it.
    /// Returns what the terminal shows.
    pub fn write_some(&mut self, more: &mut dyn FnMut() -> bool) -> Vec<OutLine> {
        let Some(job) = self.job.take() else {
            return Vec::new();
        };
        let shown = self.write_job(job, more).lines;
        self.show(&shown);
        shown
    }

    /// Writes until `documents` of the foreground `apply -f` are written (the replay of
    /// a Ctrl-C that stopped it there).
    pub(super) fn write_until(&mut self, documents: usize) {
        while let Some(written) = self
            .job
            .as_ref()
            .and_then(|j| writes_of(&j.running))
            .map(Writes::written)
        {
            if written >= documents {
                break;
            }
            self.write_some(&mut || false);
        }
    }

    /// How far the foreground `apply -f` got, if one runs (what a Ctrl-C records).
    pub(super) fn documents_written(&self) -> Option<usize> {
        self.job
            .as_ref()
            .and_then(|j| writes_of(&j.running))
            .map(Writes::written)
    }

    /// Writes documents of `job` while `more()` says so (at least one; a job that is not
    /// an `apply -f`'s goes back unchanged); its output goes through its redirections.
    pub(super) fn write_job(
        &mut self,
        mut job: Job<Running>,
        more: &mut dyn FnMut() -> bool,
    ) -> Output {
        let Process::Writes(w) = &mut job.running.process else {
            self.job = Some(job);
            return Output::ok();
        };
        let mut out = Output::ok();
        loop {
            extend_lines(&mut out.lines, self.terminal.write_step(w).lines);
            if w.is_done() || !more() {
                break;
            }
        }
        let mut finished = None;
        if w.is_done() {
            let end = w.finish();
            extend_lines(&mut out.lines, end.lines);
            finished = Some(end.status);
        }
        self.finish_poll(job, out, finished)
    }
}

impl Terminal {
    /// Writes the next document of an `apply -f`.
    pub(super) fn write_step(&mut self, writes: &mut Writes) -> Output {
        writes.step(&mut self.ctx(None, None))
    }

    /// Writes every document left and the end, with the command's exit status.
    pub(super) fn write_all(&mut self, writes: &mut Writes) -> Output {
        let mut out = Output::ok();
        while !writes.is_done() {
            extend_lines(&mut out.lines, self.write_step(writes).lines);
        }
        let end = writes.finish();
        extend_lines(&mut out.lines, end.lines);
        out.status = end.status;
        out
    }
}

fn writes_of(running: &Running) -> Option<&Writes> {
    match &running.process {
        Process::Writes(w) => Some(w),
        _ => None,
    }
}
