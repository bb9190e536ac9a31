//! Foreground jobs: a command that keeps running (a watch, `sleep`) holds the rest of its
//! pipeline and of its and-or list until it ends. The host decides when it ends (the
//! terminal polls it as virtual time passes); the shell streams its output through the
//! later pipeline stages and then runs what comes after it.

use super::redirects::Redirects;
use super::{Host, Shell};
use crate::shell::ast::{AndOrList, Command, Connector, Pipeline};
use crate::shell::output::{extend_lines, Output, Stream};
use std::collections::VecDeque;

/// A foreground command in progress, with what runs after it.
#[derive(Debug)]
pub struct Job<P> {
    /// The host's running process.
    pub running: P,
    /// Later stages of its pipeline, applied to each chunk of output it streams.
    pub downstream: Vec<Command>,
    /// The rest of its and-or list.
    pub rest: Vec<(Connector, Pipeline)>,
    /// Where its output goes (`> file`, `2>/dev/null`): the later output too.
    pub(super) redirects: Redirects,
}

impl Shell {
    /// Runs `rest` of the current and-or list, then the `queue`d ones, until done or a
    /// command keeps running: that one comes back as the job, holding what is left of
    /// its and-or list (the queue keeps the lists after it).
    pub fn resume<H: Host>(
        &mut self,
        host: &mut H,
        queue: &mut VecDeque<AndOrList>,
        mut rest: Vec<(Connector, Pipeline)>,
    ) -> (Output, Option<Job<H::Process>>) {
        let mut out = Output::ok();
        loop {
            let next = if !rest.is_empty() {
                let (conn, p) = rest.remove(0);
                if !self.continues(&conn) {
                    continue;
                }
                p
            } else if let Some(item) = queue.pop_front() {
                rest = item.rest;
                item.first
            } else {
                return (out, None);
            };
            let (o, job) = self.run_pipeline(host, &next, true);
            extend_lines(&mut out.lines, o.lines);
            if let Some(mut job) = job {
                job.rest = std::mem::take(&mut rest);
                return (out, Some(job));
            }
            self.last_status = o.status;
        }
    }

    /// A job's new output, sent where its redirections say and then through the later
    /// stages of its pipeline.
    pub fn job_output<H: Host, P>(&mut self, host: &mut H, job: &Job<P>, output: Output) -> Output {
        let routed = job.redirects.route(host, output);
        self.through_downstream(host, &job.downstream, routed)
    }

    /// Passes a job's new output through the later stages of its pipeline (stderr
    /// shows as it comes).
    pub fn through_downstream<H: Host>(
        &mut self,
        host: &mut H,
        downstream: &[Command],
        output: Output,
    ) -> Output {
        if downstream.is_empty() {
            return output;
        }
        let mut shown = Output::ok();
        let mut text = String::new();
        for l in output.lines {
            match l.stream {
                Stream::Out => {
                    text.push_str(&l.text);
                    text.push('\n');
                }
                Stream::Err => shown.lines.push(l),
            }
        }
        if text.is_empty() {
            return shown;
        }
        let mut stdin = Some(text);
        for (i, cmd) in downstream.iter().enumerate() {
            let last = i + 1 == downstream.len();
            let (o, _) = self.run_command(host, cmd, stdin.take(), false);
            let mut next = String::new();
            for l in o.lines {
                if l.stream == Stream::Out && !last {
                    next.push_str(&l.text);
                    next.push('\n');
                } else {
                    shown.lines.push(l);
                }
            }
            stdin = Some(next);
        }
        shown
    }
}
