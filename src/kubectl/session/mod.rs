//! One terminal: the cluster it talks to, its files, the shell that runs typed lines, the
//! command running in the foreground, and the log of inputs that rebuilds it. Lines are
//! parsed and run by the shell ([`crate::shell`]) against the terminal's host
//! ([`terminal`]: kubectl, the editor, the files); long-running commands (`get -w`,
//! `sleep`, `rollout status`) advance with virtual time ([`jobs`]).

mod jobs;
pub(crate) mod playground;
mod terminal;
mod watch;
mod writes;

use super::cli::{self, Outcome};
use super::process::Running;
use crate::engine::{Cluster, ClusterConfig, Why};
use crate::kubectl::output::CheckErr;
use crate::shell::output::push_text;
use crate::shell::{
    self, AndOrList, Command, Job, LineReader, OutLine, Output, Shell, Stream, Vfs,
};
use std::collections::{BTreeMap, VecDeque};
use terminal::Terminal;

/// Something the learner did, stamped with virtual time: the log that rebuilds a session
/// (rewind, reload, share links) by replaying it against the same seed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Input {
    /// One physical line typed at the prompt (or into an attached container shell).
    Line(String),
    /// Ctrl-C.
    Interrupt,
    /// Ctrl-C while `kubectl apply -f` was writing its documents, after `documents` of
    /// them: the browser writes them over several tasks, so how far it got is recorded
    /// for a replay to stop at the same one.
    InterruptAfter { documents: usize },
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

pub struct Session {
    /// Variables, aliases and `$?` of the terminal's bash.
    shell: Shell,
    /// What the shell runs on: the cluster, the files, the editor and the history.
    terminal: Terminal,
    /// Typed text of an unfinished command (open quote, heredoc), shown with `> `.
    pending: LineReader,
    /// The foreground command, while it holds the prompt.
    job: Option<Job<Running>>,
    /// And-or lists of the typed text still to run after the job.
    queue: VecDeque<AndOrList>,
    /// Every input, for replay, persistence and share links.
    inputs: Vec<TimedInput>,
    /// What the terminal shows: echoed commands and their output.
    transcript: VecDeque<OutLine>,
    /// `kubectl apply -f` writes its documents when asked ([`Session::write_some`]).
    slices_writes: bool,
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
            shell: Shell::new("bash", vars, aliases),
            terminal: Terminal::new(Cluster::new(config)),
            pending: LineReader::new(),
            job: None,
            queue: VecDeque::new(),
            inputs: Vec::new(),
            transcript: VecDeque::new(),
            slices_writes: false,
        }
    }

    pub fn cluster(&self) -> &Cluster {
        &self.terminal.cluster
    }

    pub fn files(&self) -> &Vfs {
        &self.terminal.fs
    }

    pub fn files_mut(&mut self) -> &mut Vfs {
        &mut self.terminal.fs
    }

    /// The namespace of the current kubeconfig context (`default` unless
    /// `kubectl config set-context` chose another).
    pub fn default_namespace(&self) -> &str {
        self.terminal.kubeconfig.namespace(None)
    }

    /// The kubeconfig's context names, sorted (Tab after `kubectl config use-context`).
    pub fn context_names(&self) -> Vec<String> {
        self.terminal.kubeconfig.contexts.keys().cloned().collect()
    }

    pub fn history(&self) -> &[String] {
        &self.terminal.history
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
        // An apply waits after its line, in case a Ctrl-C stopped it part of the way.
        s.slices_writes = true;
        for i in inputs.iter().take_while(|i| i.at <= until_ms) {
            if let Input::InterruptAfter { documents } = i.input {
                s.write_until(documents);
                s.interrupt();
                continue;
            }
            let dt = i.at.saturating_sub(s.now_ms());
            s.tick(dt);
            match &i.input {
                Input::Line(l) => {
                    s.submit(l);
                }
                Input::Interrupt | Input::InterruptAfter { .. } => {
                    s.interrupt();
                }
                Input::WriteFile { path, content } => {
                    let _ = s.write_file(path, content);
                }
            }
        }
        let dt = until_ms.saturating_sub(s.now_ms());
        s.tick(dt);
        s.slices_writes = false;
        s
    }

    /// The editor saves a file into the shared virtual filesystem.
    pub fn write_file(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.record(Input::WriteFile {
            path: path.to_string(),
            content: content.to_string(),
        });
        self.terminal
            .fs
            .write(path, content, false)
            .map_err(|e| e.to_string())
    }

    /// The text `kubectl describe` prints for one object (the cluster view's pod panel).
    pub fn describe(&mut self, kind: &str, namespace: &str, name: &str) -> Option<String> {
        self.terminal.cluster.install_addons();
        let t = &mut self.terminal;
        let obj = t.cluster.get(kind, namespace, name)?.clone();
        Some(cli::describe::describe_object(
            &t.ctx(None, None),
            &obj,
            true,
        ))
    }

    /// True while the typed text is incomplete (open quote or heredoc): show `> `.
    pub fn awaiting_more(&self) -> bool {
        !self.pending.is_empty()
    }

    /// A file the last command asked the editor to open (`vim FILE`, `kubectl edit`).
    pub fn take_editor_request(&mut self) -> Option<String> {
        self.terminal.editor_request.take()
    }

    /// What the alias `name` expands to (`k` → `kubectl`).
    pub fn alias_value(&self, name: &str) -> Option<&str> {
        self.shell.aliases.get(name).map(String::as_str)
    }

    /// The names of the defined aliases.
    pub fn alias_names(&self) -> impl Iterator<Item = &str> {
        self.shell.aliases.keys().map(String::as_str)
    }

    /// Whether `path` is the temp file of a `kubectl edit` waiting for the editor.
    pub fn is_editing(&self, path: &str) -> bool {
        self.terminal.edits.iter().any(|e| e.path == path)
    }

    /// The editor saved (`saved`) or closed the temp file of a `kubectl edit`: applies
    /// the edit the way kubectl does when the editor exits. When the server refuses the
    /// change, the file is rewritten with the errors on top and the editor is asked to
    /// open it again ([`Session::take_editor_request`]).
    pub fn finish_edit(&mut self, path: &str, saved: bool) -> Vec<OutLine> {
        self.terminal.cluster.install_addons();
        let t = &mut self.terminal;
        let Some(i) = t.edits.iter().position(|e| e.path == path) else {
            return Vec::new();
        };
        let mut edit = t.edits.remove(i);
        let done = cli::edit::finish(&mut t.cluster, &mut t.fs, &mut edit, saved);
        if done.reopen {
            t.editor_request = Some(edit.path.clone());
            t.edits.push(edit);
        }
        self.shell.last_status = done.output.status;
        done.output.lines
    }

    /// Whether the last command was `clear` (or Ctrl-L).
    pub fn take_clear(&mut self) -> bool {
        std::mem::take(&mut self.terminal.clear_requested)
    }

    pub fn why_log(&self) -> &[Why] {
        &self.terminal.cluster.why
    }

    /// The prompt of an attached container shell (`/ # `), or `None` at the bash prompt.
    /// The browser shows it instead of `$ `; the native runner echoes lines with it.
    pub fn prompt(&self) -> Option<&'static str> {
        self.terminal.attached.as_ref().map(|a| a.prompt())
    }

    /// A line typed into an attached container shell; `exit` detaches.
    fn submit_to_container(&mut self, line: &str) -> Vec<OutLine> {
        let t = &mut self.terminal;
        let Some(a) = t.attached.clone() else {
            return Vec::new();
        };
        let trimmed = line.trim();
        if trimmed == "exit" || trimmed.starts_with("exit ") {
            t.attached = None;
            self.shell.last_status = 0;
            return cli::run::detach(&mut t.cluster, &a).lines;
        }
        if t.cluster
            .get("Pod", &a.target.namespace, &a.target.pod)
            .is_none()
        {
            t.attached = None;
            let mut o = Output::ok();
            o.fail("the container's pod is gone; the session ended");
            return o.lines;
        }
        let r = t.cluster.exec_line(&a.target, line);
        let mut lines = Vec::new();
        push_text(&mut lines, &r.stdout, Stream::Out);
        push_text(&mut lines, &r.stderr, Stream::Err);
        lines
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
        self.terminal.cluster.install_addons();
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
        if self.terminal.attached.is_some() {
            return self.submit_to_container(line);
        }
        let Some(text) = self.pending.push_line(line) else {
            return Vec::new();
        };
        if text.trim().is_empty() {
            return Vec::new();
        }
        self.terminal.history.push(text.clone());
        let script = match shell::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                self.shell.last_status = 2;
                let mut o = Output::ok();
                o.err(e.to_string());
                return o.lines;
            }
        };
        self.queue = script.items.into();
        self.resume(Vec::new()).lines
    }

    /// Ctrl-C: stops the foreground command and what was to run after it.
    pub fn interrupt(&mut self) -> Vec<OutLine> {
        self.terminal.cluster.install_addons();
        let input = match self.documents_written() {
            Some(documents) => Input::InterruptAfter { documents },
            None => Input::Interrupt,
        };
        self.record(input);
        self.show(&[OutLine {
            text: "^C".to_string(),
            stream: Stream::Out,
            open: false,
        }]);
        self.pending.clear();
        if self.job.take().is_some() {
            self.queue.clear();
            self.shell.last_status = 130;
        }
        Vec::new()
    }

    /// Exit status of the last command that finished (`$?`).
    pub fn last_status(&self) -> i32 {
        self.shell.last_status
    }

    /// A read-only `kubectl get …` (lesson checks): not in the history or the input log,
    /// and nothing but `get` runs. Returns stdout, or what went wrong.
    pub fn query(&mut self, get_args: &str) -> Result<String, String> {
        self.terminal.cluster.install_addons();
        let script = shell::parse(get_args).map_err(|e| e.to_string())?;
        let Some(Command::Simple(simple)) =
            script.items.first().and_then(|i| i.first.commands.first())
        else {
            return Err(format!("not a command: {get_args:?}"));
        };
        let argv = self.shell.expand_words(&mut self.terminal, &simple.words)?;
        if argv.first().map(String::as_str) != Some("get") {
            return Err(format!("only `get` queries are allowed, not {get_args:?}"));
        }
        let t = &mut self.terminal;
        let mut ctx = t.ctx(None, None);
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
}
