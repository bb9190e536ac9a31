//! One terminal: the cluster it talks to, its files, variables, aliases and history, and
//! the command running in the foreground. Lines are parsed by the shell, run here, and
//! long-running commands (`get -w`, `sleep`, `rollout status`) advance with virtual time.

use super::cli::{self, Ctx, Outcome};
use super::output::{extend_lines, push_line, push_line_text, push_text, Output};
use super::printers::columns::{pod_ready, pod_restarts, pod_status};
use super::process::Running;
use crate::engine::json::At;
use crate::engine::{Cluster, ClusterConfig, Millis, Why};
use crate::shell::{
    self, AndOrList, Command, Connector, Env, Pipeline, RedirOp, Script, SimpleCommand, Vfs,
};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// Which stream a line of output was written to; the terminal colours stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stream {
    Out,
    Err,
}

/// One line the terminal shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutLine {
    pub text: String,
    pub stream: Stream,
    /// The line has not ended yet: what printed it left no newline (`printf`, `echo -n`,
    /// `-o jsonpath`), so the next output on the same stream continues it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

/// What a pod card in the cluster view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCard {
    pub name: String,
    pub namespace: String,
    /// STATUS as `kubectl get` shows it (`Running`, `Terminating`, `ContainerCreating`, ...).
    pub phase: String,
    pub node: Option<String>,
    pub ready: String,
    /// `Kind/name` of the controller.
    pub owner: Option<String>,
    pub ordinal: Option<u32>,
    pub revision: Option<String>,
    pub restarts: u32,
    /// Claims mounted by the pod.
    pub claims: Vec<String>,
}

/// What a node lane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLane {
    pub name: String,
    pub roles: String,
    pub taints: Vec<String>,
    pub ready: bool,
    pub max_pods: u32,
}

/// Something the learner did, stamped with virtual time: the log that rebuilds a session
/// (rewind, reload, share links) by replaying it against the same seed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Input {
    /// One physical line typed at the prompt (or into an attached container shell).
    Line(String),
    /// Ctrl-C.
    Interrupt,
    /// The editor saved a file.
    WriteFile { path: String, content: String },
}

/// An [`Input`] and when it happened (milliseconds since the cluster started).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimedInput {
    pub at: u64,
    pub input: Input,
}

/// Scroll-back kept by the session; older lines are dropped from the top.
pub const TRANSCRIPT_LIMIT: usize = 5_000;

/// A foreground command in progress, with what runs after it.
struct Job {
    running: Running,
    /// Later stages of its pipeline, applied to each chunk of output it streams.
    downstream: Vec<Command>,
    /// The rest of its and-or list.
    rest: Vec<(Connector, Pipeline)>,
}

/// How long a command without a deadline may run in the native runner before it is
/// stopped as if by Ctrl-C (a crash-looping pod never lets the cluster become idle).
const RUNNER_JOB_LIMIT_MS: Millis = 3_600_000;

/// A `watch` without `timeout` in the native runner ends once no timer is due within this.
const WATCH_SETTLED_MS: Millis = 60_000;

/// Virtual time a blocking command inside `$(…)`, a `for` body or a later pipeline stage
/// may take (those run to completion at once).
const NESTED_JOB_LIMIT_MS: Millis = 600_000;

/// Nesting of `$(…)` and `for` before we refuse (bash would recurse until it dies).
const MAX_DEPTH: usize = 32;

pub struct Session {
    cluster: Cluster,
    fs: Vfs,
    vars: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
    history: Vec<String>,
    last_status: i32,
    pending: String,
    job: Option<Job>,
    queue: VecDeque<AndOrList>,
    /// Every input, for replay, persistence and share links.
    inputs: Vec<TimedInput>,
    /// What the terminal shows: echoed commands and their output.
    transcript: VecDeque<OutLine>,
    editor_request: Option<String>,
    clear_requested: bool,
    depth: usize,
    /// While set, typed lines go to a container's shell (`kubectl run -it`,
    /// `kubectl exec -it POD -- sh`) instead of bash, until `exit`. See [`Session::prompt`].
    attached: Option<cli::run::Attach>,
    /// `kubectl edit`s waiting for the editor, by temp file.
    edits: Vec<cli::edit::PendingEdit>,
}

impl Session {
    pub fn new(nodes: u32, seed: u64) -> Self {
        Session::with_config(ClusterConfig::with_nodes(nodes, seed))
    }

    pub fn with_config(config: ClusterConfig) -> Self {
        let mut aliases = BTreeMap::new();
        aliases.insert("k".to_string(), "kubectl".to_string());
        let mut vars = BTreeMap::new();
        vars.insert("HOME".to_string(), "/root".to_string());
        vars.insert("USER".to_string(), "root".to_string());
        vars.insert("SHELL".to_string(), "/bin/bash".to_string());
        vars.insert(
            "PATH".to_string(),
            "/usr/local/bin:/usr/bin:/bin".to_string(),
        );
        Session {
            cluster: Cluster::new(config),
            fs: Vfs::new(),
            vars,
            aliases,
            history: Vec::new(),
            last_status: 0,
            pending: String::new(),
            job: None,
            queue: VecDeque::new(),
            inputs: Vec::new(),
            transcript: VecDeque::new(),
            editor_request: None,
            clear_requested: false,
            depth: 0,
            attached: None,
            edits: Vec::new(),
        }
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn files(&self) -> &Vfs {
        &self.fs
    }

    pub fn files_mut(&mut self) -> &mut Vfs {
        &mut self.fs
    }

    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Every input so far, in order.
    pub fn inputs(&self) -> &[TimedInput] {
        &self.inputs
    }

    /// The terminal's scroll-back: each typed line echoed after its prompt, then what it
    /// printed (the last [`TRANSCRIPT_LIMIT`] lines).
    pub fn transcript(&self) -> impl Iterator<Item = &OutLine> {
        self.transcript.iter()
    }

    fn show(&mut self, lines: &[OutLine]) {
        self.transcript.extend(lines.iter().cloned());
        while self.transcript.len() > TRANSCRIPT_LIMIT {
            self.transcript.pop_front();
        }
    }

    fn record(&mut self, input: Input) {
        self.inputs.push(TimedInput {
            at: self.now_ms(),
            input,
        });
    }

    /// Rebuilds a session from its inputs, up to `until_ms` after the start (everything
    /// is deterministic, so this is the same session, scroll-back included).
    pub fn replay(config: ClusterConfig, inputs: &[TimedInput], until_ms: u64) -> Session {
        let mut s = Session::with_config(config);
        for i in inputs.iter().take_while(|i| i.at <= until_ms) {
            let dt = i.at.saturating_sub(s.now_ms());
            s.tick(dt);
            match &i.input {
                Input::Line(l) => {
                    s.submit(l);
                }
                Input::Interrupt => {
                    s.interrupt();
                }
                Input::WriteFile { path, content } => {
                    let _ = s.write_file(path, content);
                }
            }
        }
        let dt = until_ms.saturating_sub(s.now_ms());
        s.tick(dt);
        s
    }

    /// The editor saves a file into the shared virtual filesystem.
    pub fn write_file(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.record(Input::WriteFile {
            path: path.to_string(),
            content: content.to_string(),
        });
        self.fs
            .write(path, content, false)
            .map_err(|e| e.to_string())
    }

    /// The text `kubectl describe` prints for one object (the cluster view's pod panel).
    pub fn describe(&mut self, kind: &str, namespace: &str, name: &str) -> Option<String> {
        let obj = self.cluster.get(kind, namespace, name)?.clone();
        let ctx = Ctx {
            cluster: &mut self.cluster,
            fs: &mut self.fs,
            stdin: None,
        };
        Some(cli::describe::describe_object(&ctx, &obj, true))
    }

    /// True while the typed text is incomplete (open quote or heredoc): show `> `.
    pub fn awaiting_more(&self) -> bool {
        !self.pending.is_empty()
    }

    /// A file the last command asked the editor to open (`vim FILE`, `kubectl edit`).
    pub fn take_editor_request(&mut self) -> Option<String> {
        self.editor_request.take()
    }

    /// What the alias `name` expands to (`k` → `kubectl`).
    pub fn alias_value(&self, name: &str) -> Option<&str> {
        self.aliases.get(name).map(String::as_str)
    }

    /// The names of the defined aliases.
    pub fn alias_names(&self) -> impl Iterator<Item = &str> {
        self.aliases.keys().map(String::as_str)
    }

    /// Whether `path` is the temp file of a `kubectl edit` waiting for the editor.
    pub fn is_editing(&self, path: &str) -> bool {
        self.edits.iter().any(|e| e.path == path)
    }

    /// The editor saved (`saved`) or closed the temp file of a `kubectl edit`: applies
    /// the edit the way kubectl does when the editor exits. When the server refuses the
    /// change, the file is rewritten with the errors on top and the editor is asked to
    /// open it again ([`Session::take_editor_request`]).
    pub fn finish_edit(&mut self, path: &str, saved: bool) -> Vec<OutLine> {
        let Some(i) = self.edits.iter().position(|e| e.path == path) else {
            return Vec::new();
        };
        let mut edit = self.edits.remove(i);
        let done = cli::edit::finish(&mut self.cluster, &mut self.fs, &mut edit, saved);
        if done.reopen {
            self.editor_request = Some(edit.path.clone());
            self.edits.push(edit);
        }
        self.last_status = done.output.status;
        done.output.lines
    }

    /// Whether the last command was `clear` (or Ctrl-L).
    pub fn take_clear(&mut self) -> bool {
        std::mem::take(&mut self.clear_requested)
    }

    pub fn why_log(&self) -> &[Why] {
        &self.cluster.why
    }

    /// The prompt of an attached container shell (`/ # `), or `None` at the bash prompt.
    /// The browser shows it instead of `$ `; the native runner echoes lines with it.
    pub fn prompt(&self) -> Option<&'static str> {
        self.attached.as_ref().map(|a| a.prompt())
    }

    /// A line typed into an attached container shell; `exit` detaches.
    fn submit_to_container(&mut self, line: &str) -> Vec<OutLine> {
        let Some(a) = self.attached.clone() else {
            return Vec::new();
        };
        let trimmed = line.trim();
        if trimmed == "exit" || trimmed.starts_with("exit ") {
            self.attached = None;
            self.last_status = 0;
            return cli::run::detach(&mut self.cluster, &a).lines;
        }
        if self
            .cluster
            .get("Pod", &a.target.namespace, &a.target.pod)
            .is_none()
        {
            self.attached = None;
            let mut o = Output::ok();
            o.fail("the container's pod is gone; the session ended");
            return o.lines;
        }
        let r = super::container::run_line(&mut self.cluster, &a.target, line);
        let mut o = Output::ok();
        push_text(&mut o.lines, &r.stdout, Stream::Out);
        push_text(&mut o.lines, &r.stderr, Stream::Err);
        o.lines
    }

    /// The prompt the next line is typed at: `$ `, `> ` inside an unfinished command, or
    /// an attached container's.
    pub fn current_prompt(&self) -> &'static str {
        match self.prompt() {
            Some(p) => p,
            None if !self.pending.is_empty() => "> ",
            None => "$ ",
        }
    }

    /// Runs a typed line; returns what it printed so far (the echo of the line is in the
    /// transcript, not in the result).
    pub fn submit(&mut self, line: &str) -> Vec<OutLine> {
        if self.job.is_some() {
            return Vec::new();
        }
        self.record(Input::Line(line.to_string()));
        let echo = OutLine {
            text: format!("{}{line}", self.current_prompt()),
            stream: Stream::Out,
            open: false,
        };
        self.show(&[echo]);
        let out = self.submit_line(line);
        self.show(&out);
        out
    }

    fn submit_line(&mut self, line: &str) -> Vec<OutLine> {
        if self.attached.is_some() {
            return self.submit_to_container(line);
        }
        if !self.pending.is_empty() {
            self.pending.push('\n');
        }
        self.pending.push_str(line);
        if shell::needs_more_input(&self.pending) {
            return Vec::new();
        }
        let text = std::mem::take(&mut self.pending);
        if text.trim().is_empty() {
            return Vec::new();
        }
        self.history.push(text.clone());
        let script = match shell::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                self.last_status = 2;
                let mut o = Output::ok();
                o.err(e.to_string());
                return o.lines;
            }
        };
        self.queue = script.items.into();
        self.resume(Vec::new()).lines
    }

    /// Runs queued and-or lists (after `rest` of the current one) until done or a
    /// command blocks.
    fn resume(&mut self, mut rest: Vec<(Connector, Pipeline)>) -> Output {
        let mut out = Output::ok();
        loop {
            let next = if !rest.is_empty() {
                let (conn, p) = rest.remove(0);
                let run = match conn {
                    Connector::And => self.last_status == 0,
                    Connector::Or => self.last_status != 0,
                };
                if !run {
                    continue;
                }
                p
            } else if let Some(item) = self.queue.pop_front() {
                rest = item.rest;
                item.first
            } else {
                return out;
            };
            let (o, job) = self.exec_pipeline(&next, true);
            extend_lines(&mut out.lines, o.lines);
            if let Some(mut job) = job {
                job.rest = std::mem::take(&mut rest);
                self.job = Some(job);
                return out;
            }
            self.last_status = o.status;
        }
    }

    /// True while a command (a watch, `sleep`, `rollout status`) holds the prompt.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Advances virtual time by `dt_ms`; returns output the running command produced
    /// (and whatever ran after it finished, within the same span of time).
    pub fn tick(&mut self, dt_ms: u64) -> Vec<OutLine> {
        let target = self.cluster.now + dt_ms as Millis;
        let shown = self.run_jobs_until(target, false);
        self.cluster.advance_to(target);
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
            let next = self.cluster.timers.next_at();
            let deadline = job.running.deadline;
            // `watch` wakes at its own interval. Without `timeout` the runner ends it once the
            // cluster has settled: nothing due within WATCH_SETTLED_MS (periodic
            // housekeeping timers never let it be fully idle).
            let wake = job.running.wake_at();
            let settled = wake.is_some()
                && deadline.is_none()
                && next.is_none_or(|t| t > self.cluster.now + WATCH_SETTLED_MS);
            let idle = (next.is_none() && deadline.is_none() && wake.is_none()) || settled;
            if settled && end_when_idle {
                // One last screen, showing the settled cluster.
                if let Some(w) = wake {
                    self.cluster.advance_to(w);
                }
            } else if !(idle && end_when_idle) {
                let stop = [next, wake, deadline, Some(target)]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(target);
                self.cluster.advance_to(stop);
            }
            let mut poll = self.poll_job(&mut job.running);
            if poll.finished.is_none() && deadline.is_some_and(|d| self.cluster.now >= d) {
                let expired = job.running.expire();
                extend_lines(&mut poll.output.lines, expired.output.lines);
                poll.finished = expired.finished;
            }
            if poll.finished.is_none() && end_when_idle && (idle || self.cluster.now >= target) {
                poll.finished = Some(0);
            }
            shown.extend(self.finish_poll(job, poll.output, poll.finished).lines);
            if self.cluster.now >= target {
                break;
            }
        }
        self.show(&shown);
        shown
    }

    /// Passes a job's new output through its pipeline and, when it finished, continues
    /// with what comes after it.
    fn finish_poll(&mut self, job: Job, output: Output, finished: Option<i32>) -> Output {
        let mut shown = self.through_downstream(&job.downstream, output);
        match finished {
            None => {
                self.job = Some(job);
            }
            Some(status) => {
                self.last_status = status;
                let after = self.resume(job.rest);
                extend_lines(&mut shown.lines, after.lines);
            }
        }
        shown
    }

    fn through_downstream(&mut self, downstream: &[Command], output: Output) -> Output {
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
            let (o, _) = self.exec_command(cmd, stdin.take(), last, false);
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

    /// Runs the foreground command to its end the way the native runner does: event by
    /// event, until it finishes, its deadline passes, or the cluster has nothing left to
    /// do (which ends a bare `-w`).
    pub fn run_blocking(&mut self) -> Vec<OutLine> {
        let limit = self.cluster.now + RUNNER_JOB_LIMIT_MS;
        self.run_jobs_until(limit, true)
    }

    /// Polls the foreground process; a `watch` re-runs its command here when its time
    /// has come, since that needs the whole shell.
    fn poll_job(&mut self, running: &mut Running) -> super::process::Poll {
        let super::process::Process::Every(every) = &mut running.process else {
            return running.poll(&self.cluster);
        };
        let mut output = Output::ok();
        if self.cluster.now >= every.next_at {
            let title = every.title.clone();
            let command = every.argv.join(" ");
            every.next_at += every.interval;
            if every.next_at <= self.cluster.now {
                every.next_at = self.cluster.now + every.interval;
            }
            output = self.watch_round(&title, &command);
        }
        super::process::Poll {
            output,
            finished: None,
        }
    }

    /// One screen of `watch`: the title line and a blank line, then what the command
    /// printed (run as `sh -c` would: the words joined by spaces and parsed again).
    fn watch_round(&mut self, title: &str, command: &str) -> Output {
        let mut out = Output::ok();
        if !title.is_empty() {
            out.out(title);
            out.blank();
        }
        match shell::parse(command) {
            Ok(script) => {
                let saved = self.last_status;
                let o = self.run_script_sync(&script);
                self.last_status = saved;
                extend_lines(&mut out.lines, o.lines);
            }
            Err(e) => out.err(format!("sh: 1: {e}")),
        }
        out
    }

    /// `watch [-n SECS] [-t] CMD…` (procps-ng): runs CMD now and every SECS (default 2)
    /// virtual seconds, each time printing procps's title `Every 2.0s: CMD`, a blank
    /// line and the output. A terminal has no full-screen redraw here, so screens follow
    /// one another instead of replacing each other, and the right half of procps's title
    /// (`HOSTNAME: DATE`, right-aligned to the screen width) is left out.
    fn watch(&mut self, args: &[String]) -> (Output, Option<Running>) {
        const USAGE: &str = "\nUsage:\n watch [options] command\n\nOptions:\n  -b, --beep             beep if command has a non-zero exit\n  -c, --color            interpret ANSI color and style sequences\n  -C, --no-color         do not interpret ANSI color and style sequences\n  -d, --differences[=<permanent>]\n                         highlight changes between updates\n  -e, --errexit          exit if command has a non-zero exit\n  -g, --chgexit          exit when output from command changes\n  -q, --equexit <cycles>\n                         exit when output from command does not change\n  -n, --interval <secs>  seconds to wait between updates\n  -p, --precise          attempt run command in precise intervals\n  -r, --no-rerun         do not rerun program on window resize\n  -t, --no-title         turn off header\n  -w, --no-wrap          turn off line wrapping\n  -x, --exec             pass command to exec instead of \"sh -c\"\n\n -h, --help     display this help and exit\n -v, --version  output version information and exit\n\nFor more details see watch(1).";
        let mut interval = 2.0_f64;
        let mut title = true;
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            if !a.starts_with('-') || a == "-" {
                break;
            }
            i += 1;
            if a == "--" {
                break;
            }
            let value = if a == "-n" || a == "--interval" {
                let Some(v) = args.get(i) else {
                    return (
                        Output::failed_plain(format!(
                            "watch: option requires an argument -- 'n'{USAGE}"
                        )),
                        None,
                    );
                };
                i += 1;
                Some(v.as_str())
            } else {
                a.strip_prefix("--interval=")
                    .or_else(|| a.strip_prefix("-n"))
            };
            if let Some(v) = value {
                match v.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => interval = n,
                    _ => {
                        return (
                            Output::failed_plain(format!("watch: failed to parse argument: '{v}'")),
                            None,
                        )
                    }
                }
                continue;
            }
            match a {
                "-t" | "--no-title" => title = false,
                "-h" | "--help" => return (one(USAGE.trim_start_matches('\n')), None),
                "-v" | "--version" => return (one("watch from procps-ng 4.0.4"), None),
                // Highlighting, beeps and exit conditions have nothing to act on here.
                "-b" | "--beep" | "-c" | "--color" | "-C" | "--no-color" | "-d"
                | "--differences" | "-e" | "--errexit" | "-g" | "--chgexit" | "-p"
                | "--precise" | "-r" | "--no-rerun" | "-w" | "--no-wrap" | "-x" | "--exec" => {}
                _ => {
                    let opt = a.trim_start_matches('-');
                    let msg = if a.starts_with("--") {
                        format!("watch: unrecognized option '{a}'")
                    } else {
                        format!(
                            "watch: invalid option -- '{}'",
                            opt.chars().next().unwrap_or('-')
                        )
                    };
                    return (Output::failed_plain(format!("{msg}{USAGE}")), None);
                }
            }
        }
        let argv = args[i..].to_vec();
        if argv.is_empty() {
            return (Output::failed_plain(USAGE.trim_start_matches('\n')), None);
        }
        // procps-ng clamps the interval to [0.1, UINT_MAX] seconds.
        let interval = interval.clamp(0.1, u32::MAX as f64);
        let command = argv.join(" ");
        let header = if title {
            format!("Every {interval:.1}s: {command}")
        } else {
            String::new()
        };
        let ms = ((interval * 1000.0).round() as Millis).max(100);
        let first = self.watch_round(&header, &command);
        let r = Running::new(super::process::Process::Every(super::process::Every {
            argv,
            interval: ms,
            next_at: self.cluster.now + ms,
            title: header,
        }));
        (first, Some(r))
    }

    /// Ctrl-C: stops the foreground command and what was to run after it.
    pub fn interrupt(&mut self) -> Vec<OutLine> {
        self.record(Input::Interrupt);
        self.show(&[OutLine {
            text: "^C".to_string(),
            stream: Stream::Out,
            open: false,
        }]);
        self.pending.clear();
        if self.job.take().is_some() {
            self.queue.clear();
            self.last_status = 130;
        }
        Vec::new()
    }

    /// Exit status of the last command that finished (`$?`).
    pub fn last_status(&self) -> i32 {
        self.last_status
    }

    /// Virtual milliseconds until the cluster's next scheduled event, if one is due (the
    /// browser's step button advances by this).
    pub fn next_event_in_ms(&self) -> Option<u64> {
        self.cluster
            .timers
            .next_at()
            .map(|at| (at - self.cluster.now).max(0) as u64)
    }

    /// Virtual time since the cluster started, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        (self.cluster.now - self.cluster.started_at()).max(0) as u64
    }

    /// Runs a pipeline; a blocking first stage becomes the job.
    fn exec_pipeline(&mut self, p: &Pipeline, foreground: bool) -> (Output, Option<Job>) {
        let mut shown = Output::ok();
        let mut stdin: Option<String> = None;
        let n = p.commands.len();
        for (i, cmd) in p.commands.iter().enumerate() {
            let last = i + 1 == n;
            let (mut o, running) = self.exec_command(cmd, stdin.take(), last, last && foreground);
            if let Some(running) = running {
                if i == 0 && foreground {
                    let downstream = p.commands[1..].to_vec();
                    let initial = self.through_downstream(&downstream, o);
                    return (
                        initial,
                        Some(Job {
                            running,
                            downstream,
                            rest: Vec::new(),
                        }),
                    );
                }
                extend_lines(&mut o.lines, self.complete(running).lines);
            }
            if last {
                extend_lines(&mut shown.lines, o.lines);
                shown.status = o.status;
            } else {
                let mut next = String::new();
                for l in o.lines {
                    match l.stream {
                        Stream::Out => push_line_text(&mut next, &l),
                        Stream::Err => push_line(&mut shown.lines, l),
                    }
                }
                stdin = Some(next);
            }
        }
        (shown, None)
    }

    /// Runs a blocking command to its end at once (inside `$(…)`, loops, pipes).
    fn complete(&mut self, mut running: Running) -> Output {
        let mut out = Output::ok();
        let limit = self.cluster.now + NESTED_JOB_LIMIT_MS;
        loop {
            let deadline = running.deadline.unwrap_or(limit).min(limit);
            let next = self.cluster.timers.next_at().filter(|t| *t <= deadline);
            if next.is_some() {
                self.cluster.advance_to_next_event();
            } else {
                self.cluster.advance_to(deadline);
            }
            let p = self.poll_job(&mut running);
            extend_lines(&mut out.lines, p.output.lines);
            if let Some(status) = p.finished {
                out.status = status;
                return out;
            }
            if next.is_none() {
                if running.deadline.is_some_and(|d| self.cluster.now >= d) {
                    let e = running.expire();
                    extend_lines(&mut out.lines, e.output.lines);
                    out.status = e.finished.unwrap_or(0);
                }
                return out;
            }
        }
    }

    /// Runs a whole script to completion (command substitution, loop bodies).
    fn run_script_sync(&mut self, script: &Script) -> Output {
        let mut out = Output::ok();
        if self.depth >= MAX_DEPTH {
            out.err("bash: maximum nesting level exceeded");
            out.status = 1;
            return out;
        }
        self.depth += 1;
        for item in &script.items {
            let (o, _) = self.exec_pipeline(&item.first, false);
            self.last_status = o.status;
            extend_lines(&mut out.lines, o.lines);
            for (conn, p) in &item.rest {
                let run = match conn {
                    Connector::And => self.last_status == 0,
                    Connector::Or => self.last_status != 0,
                };
                if run {
                    let (o, _) = self.exec_pipeline(p, false);
                    self.last_status = o.status;
                    extend_lines(&mut out.lines, o.lines);
                }
            }
        }
        self.depth -= 1;
        out.status = self.last_status;
        out
    }

    /// Runs one command. Returns its output (stdout lines still in it) and, for a
    /// command that takes time, the running process.
    fn exec_command(
        &mut self,
        cmd: &Command,
        stdin: Option<String>,
        _last: bool,
        tty: bool,
    ) -> (Output, Option<Running>) {
        match cmd {
            Command::For(f) => {
                let values = match &f.words {
                    Some(words) => {
                        match shell::expand_words(words, &mut ShellEnv { session: self }) {
                            Ok(v) => v,
                            Err(e) => return (Output::failed_plain(e.to_string()), None),
                        }
                    }
                    None => Vec::new(),
                };
                let mut out = Output::ok();
                for v in values {
                    self.vars.insert(f.var.clone(), v);
                    let o = self.run_script_sync(&f.body);
                    extend_lines(&mut out.lines, o.lines);
                    out.status = o.status;
                }
                (out, None)
            }
            Command::Simple(simple) => self.exec_simple(simple, stdin, tty),
        }
    }

    fn exec_simple(
        &mut self,
        simple: &SimpleCommand,
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<Running>) {
        let aliases = self.aliases.clone();
        let simple = match shell::expand_alias(simple, &|n| aliases.get(n).cloned()) {
            Ok(s) => s,
            Err(e) => return (Output::failed_plain(e.to_string()), None),
        };
        let argv = match shell::expand_words(&simple.words, &mut ShellEnv { session: self }) {
            Ok(v) => v,
            Err(e) => return (Output::failed_plain(e.to_string()), None),
        };
        let mut assignments = Vec::new();
        for a in &simple.assignments {
            match shell::expand_word(&a.value, &mut ShellEnv { session: self }) {
                Ok(v) => assignments.push((a.name.clone(), v)),
                Err(e) => return (Output::failed_plain(e.to_string()), None),
            }
        }
        if argv.is_empty() {
            for (k, v) in assignments {
                self.vars.insert(k, v);
            }
            return (Output::ok(), None);
        }
        let mut stdin = stdin;
        if let Some(h) = &simple.heredoc {
            match shell::expand_heredoc(h, &mut ShellEnv { session: self }) {
                Ok(body) => stdin = Some(body),
                Err(e) => return (Output::failed_plain(e.to_string()), None),
            }
        }
        let redirects = match self.plan_redirects(&simple) {
            Ok(r) => r,
            Err(o) => return (o, None),
        };
        if let Some(input) = redirects.stdin.clone() {
            stdin = Some(input);
        }
        let (output, running) = self.dispatch(&argv, stdin, tty && redirects.stdout.is_none());
        (self.route(output, &redirects), running)
    }

    /// Where stdout and stderr go, and stdin from `<` / `<<<`.
    fn plan_redirects(&mut self, simple: &SimpleCommand) -> Result<Redirects, Output> {
        let mut r = Redirects::default();
        for red in &simple.redirects {
            let target =
                shell::expand_redirect_target(&red.target, &mut ShellEnv { session: self })
                    .map_err(|e| Output::failed_plain(e.to_string()))?;
            let sink = |append: bool| {
                if target == "/dev/null" {
                    Sink::Null
                } else {
                    Sink::File(target.clone(), append)
                }
            };
            match red.op {
                RedirOp::Out | RedirOp::Append => {
                    let s = sink(red.op == RedirOp::Append);
                    if red.effective_fd() == 2 {
                        r.stderr = Some(s);
                    } else {
                        r.stdout = Some(s);
                    }
                }
                RedirOp::OutErr | RedirOp::AppendErr => {
                    let s = sink(red.op == RedirOp::AppendErr);
                    r.stdout = Some(s.clone());
                    r.stderr = Some(s);
                }
                RedirOp::DupOut => match (red.effective_fd(), target.as_str()) {
                    (2, "1") => r.stderr = Some(r.stdout.clone().unwrap_or(Sink::Stdout)),
                    (1, "2") => r.stdout = Some(r.stderr.clone().unwrap_or(Sink::Stderr)),
                    _ => {}
                },
                RedirOp::In => match self.fs.read(&target) {
                    Ok(t) => r.stdin = Some(t.to_string()),
                    Err(_) => {
                        return Err(Output::failed_plain(format!(
                            "bash: {target}: No such file or directory"
                        )))
                    }
                },
                RedirOp::HereString => r.stdin = Some(format!("{target}\n")),
                RedirOp::DupIn => {}
            }
        }
        // `>` truncates even when nothing is written.
        for s in [&r.stdout, &r.stderr].into_iter().flatten() {
            if let Sink::File(path, false) = s {
                if let Err(e) = self.fs.write(path, "", false) {
                    return Err(Output::failed_plain(e.to_string()));
                }
            }
        }
        Ok(r)
    }

    /// Sends each line where the redirections say.
    fn route(&mut self, output: Output, r: &Redirects) -> Output {
        if r.stdout.is_none() && r.stderr.is_none() {
            return output;
        }
        let mut shown = Output {
            lines: Vec::new(),
            status: output.status,
        };
        for l in output.lines {
            let sink = match l.stream {
                Stream::Out => r.stdout.clone().unwrap_or(Sink::Stdout),
                Stream::Err => r.stderr.clone().unwrap_or(Sink::Stderr),
            };
            match sink {
                Sink::Stdout | Sink::Stderr => {
                    let stream = match sink {
                        Sink::Stdout => Stream::Out,
                        _ => Stream::Err,
                    };
                    push_line(&mut shown.lines, OutLine { stream, ..l });
                }
                Sink::Null => {}
                Sink::File(path, _) => {
                    let mut bytes = String::new();
                    push_line_text(&mut bytes, &l);
                    if let Err(e) = self.fs.write(&path, &bytes, true) {
                        shown.err(e.to_string());
                        shown.status = 1;
                    }
                }
            }
        }
        shown
    }

    /// Runs one expanded command line.
    fn dispatch(
        &mut self,
        argv: &[String],
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<Running>) {
        let name = argv[0].as_str();
        let args = &argv[1..];
        match name {
            "kubectl" => {
                let mut ctx = Ctx { cluster: &mut self.cluster, fs: &mut self.fs, stdin: stdin.as_deref() };
                match cli::run(&mut ctx, args) {
                    Outcome::Done(o) => (o, None),
                    Outcome::Running(o, r) => (o, Some(*r)),
                    Outcome::Attach(o, a) => {
                        self.attached = Some(a);
                        (o, None)
                    }
                    Outcome::Edit(o, pending) => {
                        self.editor_request = Some(pending.path.clone());
                        self.edits.retain(|e| e.path != pending.path);
                        self.edits.push(*pending);
                        (o, None)
                    }
                }
            }
            "sleep" => match args.first().and_then(|a| parse_seconds(a)) {
                Some(ms) => {
                    let mut r = Running::new(super::process::Process::Sleep);
                    r.deadline = Some(self.cluster.now + ms);
                    (Output::ok(), Some(r))
                }
                None => (Output::failed_plain(format!("sleep: invalid time interval ‘{}’\nTry 'sleep --help' for more information.", args.first().map(String::as_str).unwrap_or(""))), None),
            },
            "timeout" => {
                let Some(ms) = args.first().and_then(|a| parse_seconds(a)) else {
                    return (Output::failed_plain("timeout: invalid time interval\nTry 'timeout --help' for more information."), None);
                };
                if args.len() < 2 {
                    return (Output::failed_plain("timeout: missing operand\nTry 'timeout --help' for more information."), None);
                }
                let (o, running) = self.dispatch(&args[1..], stdin, tty);
                match running {
                    Some(mut r) => {
                        let deadline = self.cluster.now + ms;
                        if r.deadline.is_none_or(|d| d > deadline) {
                            r.deadline = Some(deadline);
                            r.deadline_status = 124;
                            r.deadline_message = None;
                        }
                        (o, Some(r))
                    }
                    None => (o, None),
                }
            }
            "watch" => self.watch(args),
            "clear" => {
                self.clear_requested = true;
                (Output::ok(), None)
            }
            "history" => {
                let mut o = Output::ok();
                for (i, h) in self.history.iter().enumerate() {
                    o.out(format!("{:>5}  {h}", i + 1));
                }
                (o, None)
            }
            "help" => (help(), None),
            "alias" => (self.alias(args), None),
            "unalias" => {
                let mut o = Output::ok();
                for a in args {
                    if self.aliases.remove(a).is_none() {
                        o.err(format!("bash: unalias: {a}: not found"));
                        o.status = 1;
                    }
                }
                (o, None)
            }
            "export" | "set" if args.is_empty() => {
                let mut o = Output::ok();
                for (k, v) in &self.vars {
                    o.out(format!("declare -x {k}=\"{v}\""));
                }
                (o, None)
            }
            "export" => {
                for a in args {
                    if let Some((k, v)) = a.split_once('=') {
                        self.vars.insert(k.to_string(), v.to_string());
                    }
                }
                (Output::ok(), None)
            }
            "unset" => {
                for a in args {
                    self.vars.remove(a);
                }
                (Output::ok(), None)
            }
            "env" | "printenv" => {
                let mut o = Output::ok();
                for (k, v) in &self.vars {
                    o.out(format!("{k}={v}"));
                }
                (o, None)
            }
            "source" | "." => (Output::ok(), None),
            "vim" | "vi" | "nano" | "code" | "edit" => match args.iter().find(|a| !a.starts_with('-')) {
                Some(file) => {
                    let path = self.fs.resolve(file);
                    self.editor_request = Some(path);
                    let mut o = Output::ok();
                    o.err(format!("kubeplay: {name} opens {file} in the editor pane (in the browser); the command-line runner has no editor."));
                    (o, None)
                }
                None => (Output::failed_plain(format!("kubeplay: {name} needs a file name, e.g. `{name} web.yaml`")), None),
            },
            "exit" | "logout" => (Output::ok(), None),
            "hostname" => (one("kubeplay"), None),
            "whoami" => (one("root"), None),
            "date" => (one(&go_date(self.cluster.now)), None),
            "type" | "which" => {
                let mut o = Output::ok();
                for a in args {
                    if a == "kubectl" {
                        o.out(if name == "which" { "/usr/local/bin/kubectl".to_string() } else { "kubectl is /usr/local/bin/kubectl".to_string() });
                    } else if let Some(v) = self.aliases.get(a) {
                        o.out(format!("{a} is aliased to `{v}'"));
                    } else {
                        o.err(format!("bash: type: {a}: not found"));
                        o.status = 1;
                    }
                }
                (o, None)
            }
            _ => {
                let input = stdin.unwrap_or_default();
                match shell::run_filter(name, args, &input, &mut self.fs, tty) {
                    Some(r) => {
                        let mut o = Output { lines: Vec::new(), status: r.status };
                        push_text(&mut o.lines, &r.stdout, Stream::Out);
                        push_text(&mut o.lines, &r.stderr, Stream::Err);
                        (o, None)
                    }
                    None => {
                        let mut o = Output::ok();
                        o.err(format!("bash: {name}: command not found"));
                        o.status = 127;
                        (o, None)
                    }
                }
            }
        }
    }

    fn alias(&mut self, args: &[String]) -> Output {
        let mut o = Output::ok();
        if args.is_empty() {
            for (k, v) in &self.aliases {
                o.out(format!("alias {k}='{v}'"));
            }
            return o;
        }
        for a in args {
            match a.split_once('=') {
                Some((k, v)) => {
                    self.aliases.insert(k.to_string(), v.to_string());
                }
                None => match self.aliases.get(a) {
                    Some(v) => o.out(format!("alias {a}='{v}'")),
                    None => {
                        o.err(format!("bash: alias: {a}: not found"));
                        o.status = 1;
                    }
                },
            }
        }
        o
    }

    /// A read-only `kubectl get …` (lesson checks): not in the history or the input log,
    /// and nothing but `get` runs. Returns stdout, or what went wrong.
    pub fn query(&mut self, get_args: &str) -> Result<String, String> {
        let script = shell::parse(get_args).map_err(|e| e.to_string())?;
        let Some(Command::Simple(simple)) =
            script.items.first().and_then(|i| i.first.commands.first())
        else {
            return Err(format!("not a command: {get_args:?}"));
        };
        let argv = shell::expand_words(&simple.words, &mut ShellEnv { session: self })
            .map_err(|e| e.to_string())?;
        if argv.first().map(String::as_str) != Some("get") {
            return Err(format!("only `get` queries are allowed, not {get_args:?}"));
        }
        let mut ctx = Ctx {
            cluster: &mut self.cluster,
            fs: &mut self.fs,
            stdin: None,
        };
        let o = match cli::get::run(&mut ctx, &argv[1..]) {
            Outcome::Done(o)
            | Outcome::Running(o, _)
            | Outcome::Attach(o, _)
            | Outcome::Edit(o, _) => o,
        };
        if o.status != 0 {
            let err: Vec<&str> = o
                .lines
                .iter()
                .filter(|l| l.stream == Stream::Err)
                .map(|l| l.text.as_str())
                .collect();
            return Err(err.join("\n"));
        }
        Ok(o.stdout_text())
    }

    /// The pods the cluster view draws, in namespace/name order.
    pub fn pods(&self) -> Vec<PodCard> {
        self.cluster
            .store
            .list("Pod", None)
            .map(|p| pod_card(p))
            .collect()
    }

    pub fn nodes(&self) -> Vec<NodeLane> {
        self.cluster
            .store
            .list("Node", None)
            .map(|n| {
                let labels = n["metadata"]["labels"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let roles: Vec<String> = labels
                    .keys()
                    .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
                    .collect();
                NodeLane {
                    name: n["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    roles: if roles.is_empty() {
                        "<none>".into()
                    } else {
                        roles.join(",")
                    },
                    taints: n["spec"]["taints"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|t| {
                            format!(
                                "{}:{}",
                                t["key"].as_str().unwrap_or(""),
                                t["effect"].as_str().unwrap_or("")
                            )
                        })
                        .collect(),
                    ready: n["status"]["conditions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True"),
                    max_pods: n
                        .at("/status/allocatable/pods")
                        .and_then(Value::as_str)
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(110),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Sink {
    Stdout,
    Stderr,
    Null,
    File(String, bool),
}

#[derive(Debug, Default)]
struct Redirects {
    stdout: Option<Sink>,
    stderr: Option<Sink>,
    stdin: Option<String>,
}

/// Variables and `$(…)` for word expansion.
struct ShellEnv<'a> {
    session: &'a mut Session,
}

impl Env for ShellEnv<'_> {
    fn var(&self, name: &str) -> Option<String> {
        if name == "?" {
            return Some(self.session.last_status.to_string());
        }
        self.session.vars.get(name).cloned()
    }

    fn substitute(&mut self, script: &Script) -> String {
        let o = self.session.run_script_sync(script);
        o.stdout_text()
    }
}

/// `sleep`/`timeout` durations: `30`, `1.5`, `2m`, `1h`.
fn parse_seconds(s: &str) -> Option<Millis> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1000.0),
    };
    let v: f64 = num.parse().ok()?;
    (0.0..1e9).contains(&v).then_some((v * mult) as Millis)
}

fn one(text: &str) -> Output {
    let mut o = Output::ok();
    o.out(text);
    o
}

fn go_date(ms: Millis) -> String {
    let rfc = crate::engine::time::format_rfc1123z(ms);
    // `Tue, 14 Oct 2025 09:12:03 +0000` → `Tue Oct 14 09:12:03 UTC 2025` (date(1)'s form)
    let parts: Vec<&str> = rfc.split_whitespace().collect();
    if parts.len() < 5 {
        return rfc;
    }
    format!(
        "{} {} {} {} UTC {}",
        parts[0].trim_end_matches(','),
        parts[2],
        parts[1],
        parts[4],
        parts[3]
    )
}

fn help() -> Output {
    let mut o = Output::ok();
    o.out(
        "kubeplay — a Kubernetes playground. This terminal runs a small bash in front of kubectl v1.34.

  kubectl ...          talk to the simulated cluster (kubectl --help lists the verbs)
  k ...                alias for kubectl
  cat <<EOF > f.yaml   write a manifest (end with a line EOF); vim f.yaml opens the editor
  ls, cat, rm          the files of this playground
  sleep N              let N seconds of cluster time pass
  timeout N CMD        stop CMD (e.g. kubectl get pods -w) after N seconds
  | grep, head, tail, wc, sort, uniq, cut, awk   filter output
  history, alias, clear, echo, export

Time runs in the time bar: pause, speed up, step, rewind.",
    );
    o
}

impl Output {
    /// A shell-level failure: the message as is on stderr, status 1.
    pub fn failed_plain(message: impl AsRef<str>) -> Output {
        let mut o = Output::ok();
        o.err(message);
        o.status = 1;
        o
    }
}

/// What the cluster view shows of one pod (the store's object).
pub fn pod_card(p: &Value) -> PodCard {
    let (ready, total) = pod_ready(p);
    let owner = crate::engine::controllers::controller_ref(p).map(|r| {
        format!(
            "{}/{}",
            r["kind"].as_str().unwrap_or(""),
            r["name"].as_str().unwrap_or("")
        )
    });
    let ordinal = p
        .at("/metadata/labels/apps.kubernetes.io~1pod-index")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok());
    let revision = p
        .at("/metadata/labels/controller-revision-hash")
        .or_else(|| p.at("/metadata/labels/pod-template-hash"))
        .and_then(Value::as_str)
        .map(String::from);
    let claims = crate::engine::volumes::claim_names(p)
        .map(String::from)
        .collect();
    PodCard {
        name: p["metadata"]["name"].as_str().unwrap_or("").to_string(),
        namespace: p["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        phase: pod_status(p),
        node: p
            .at("/spec/nodeName")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(String::from),
        ready: format!("{ready}/{total}"),
        owner,
        ordinal,
        revision,
        restarts: pod_restarts(p) as u32,
        claims,
    }
}
