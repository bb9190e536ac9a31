//! The foreground job and virtual time: a command that keeps running (`get -w`, `sleep`,
//! `rollout status`, `watch`) holds the prompt while the clock moves, event by event, so
//! that it ends at the exact moment its condition holds however the caller slices time.

use super::Session;
use crate::engine::Millis;
use crate::kubectl::process::{Process, Running};
use crate::shell::output::extend_lines;
use crate::shell::{Connector, Job, OutLine, Output, Pipeline};

/// How long a command without a deadline may run in the native runner before it is
/// stopped as if by Ctrl-C (a crash-looping pod never lets the cluster become idle).
const RUNNER_JOB_LIMIT_MS: Millis = 3_600_000;

/// A `watch` without `timeout` in the native runner ends once no timer is due within this.
const WATCH_SETTLED_MS: Millis = 60_000;

impl Session {
    /// Runs queued and-or lists (after `rest` of the current one) until done or a
    /// command blocks, which becomes the job.
    pub(super) fn resume(&mut self, rest: Vec<(Connector, Pipeline)>) -> Output {
        let (mut out, job) = self.shell.resume(&mut self.terminal, &mut self.queue, rest);
        if let Some(job) = job {
            if self.slices_writes {
                self.job = Some(job);
            } else {
                // An `apply -f` writes everything at once (and what follows it runs).
                let rest = self.write_job(job, &mut || true);
                extend_lines(&mut out.lines, rest.lines);
            }
        }
        out
    }

    /// True while a command (a watch, `sleep`, `rollout status`) holds the prompt.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Advances virtual time by `dt_ms`; returns output the running command produced
    /// (and whatever ran after it finished, within the same span of time).
    pub fn tick(&mut self, dt_ms: u64) -> Vec<OutLine> {
        self.terminal.cluster.install_addons();
        let target = self.terminal.cluster.now + dt_ms as Millis;
        let shown = self.run_jobs_until(target, false);
        self.terminal.cluster.advance_to(target);
        shown
    }

    /// Moves time forward event by event while a job runs, so that a job ends at the
    /// exact moment its condition holds — the same moment however the caller slices
    /// time (this is what makes a replayed session identical to the live one).
    /// `end_when_idle` ends a job that would wait forever on a cluster with nothing left
    /// to do (the native runner's rule for a bare `-w`).
    fn run_jobs_until(&mut self, target: Millis, end_when_idle: bool) -> Vec<OutLine> {
        let mut shown = Vec::new();
        while let Some(mut job) = self.job.take() {
            if let Process::Writes(_) = job.running.process {
                // An `apply -f` left to write: its objects belong to the moment it was
                // typed, before the clock moves on.
                shown.extend(self.write_job(job, &mut || true).lines);
                continue;
            }
            let cluster = &mut self.terminal.cluster;
            let next = cluster.timers.next_at();
            let deadline = job.running.deadline;
            // `watch` wakes at its own interval. Without `timeout` the runner ends it once the
            // cluster has settled: nothing due within WATCH_SETTLED_MS (periodic
            // housekeeping timers never let it be fully idle).
            let wake = job.running.wake_at();
            let settled = matches!(job.running.process, Process::Every(_))
                && deadline.is_none()
                && next.is_none_or(|t| t > cluster.now + WATCH_SETTLED_MS);
            let idle = (next.is_none() && deadline.is_none() && wake.is_none()) || settled;
            if settled && end_when_idle {
                // One last screen, showing the settled cluster.
                if let Some(w) = wake {
                    cluster.advance_to(w);
                }
            } else if !(idle && end_when_idle) {
                let stop = [next, wake, deadline, Some(target)]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(target);
                cluster.advance_to(stop);
            }
            let mut poll = self.terminal.poll(&mut self.shell, &mut job.running);
            let now = self.terminal.cluster.now;
            if poll.finished.is_none() && deadline.is_some_and(|d| now >= d) {
                let expired = job.running.expire();
                extend_lines(&mut poll.output.lines, expired.output.lines);
                poll.finished = expired.finished;
            }
            if poll.finished.is_none() && end_when_idle && (idle || now >= target) {
                poll.finished = Some(0);
            }
            shown.extend(self.finish_poll(job, poll.output, poll.finished).lines);
            if self.terminal.cluster.now >= target {
                break;
            }
        }
        self.show(&shown);
        shown
    }

    /// Passes a job's new output through its pipeline and, when it finished, continues
    /// with what comes after it.
    pub(super) fn finish_poll(
        &mut self,
        job: Job<Running>,
        output: Output,
        finished: Option<i32>,
    ) -> Output {
        let mut shown = self.shell.job_output(&mut self.terminal, &job, output);
        match finished {
            None => {
                self.job = Some(job);
            }
            Some(status) => {
                self.shell.last_status = status;
                let after = self.resume(job.rest);
                extend_lines(&mut shown.lines, after.lines);
            }
        }
        shown
    }

    /// Runs the foreground command to its end the way the native runner does: event by
    /// event, until it finishes, its deadline passes, or the cluster has nothing left to
    /// do (which ends a bare `-w`).
    pub fn run_blocking(&mut self) -> Vec<OutLine> {
        self.terminal.cluster.install_addons();
        let limit = self.terminal.cluster.now + RUNNER_JOB_LIMIT_MS;
        self.run_jobs_until(limit, true)
    }

    /// Virtual milliseconds until the cluster's next scheduled event, if one is due (the
    /// browser's step button advances by this).
    pub fn next_event_in_ms(&self) -> Option<u64> {
        let cluster = &self.terminal.cluster;
        cluster
            .timers
            .next_at()
            .map(|at| (at - cluster.now).max(0) as u64)
    }

    /// The soonest CronJob run: its `namespace/name` and when it is due, in virtual
    /// milliseconds since the cluster started (the time bar's countdown).
    pub fn next_cronjob_run(&self) -> Option<(String, u64)> {
        let cluster = &self.terminal.cluster;
        let (key, at) = cluster.next_cronjob_runs().into_iter().next()?;
        Some((key, (at - cluster.started_at()).max(0) as u64))
    }

    /// Virtual time since the cluster started, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        let cluster = &self.terminal.cluster;
        (cluster.now - cluster.started_at()).max(0) as u64
    }
}
