//! The executor: walks a [`Script`] — and-or lists, pipelines, `for` loops, assignments,
//! redirections, here-documents, `$(…)` — against a [`Host`]. The host supplies what is
//! not shell: the commands it can run, and its files. The learner's terminal is one host
//! (kubectl, the editor, the virtual filesystem), a container is another (its
//! environment, its files, `curl` against the cluster); the shell is the same.
//!
//! Output comes back as data ([`Output`]: stdout and stderr lines and a status), never
//! printed here, so a caller decides whether it goes to the terminal or to a pod's log.

mod builtins;
mod job;
mod redirects;

pub use job::Job;

use super::ast::{Command, Connector, Pipeline, Script, SimpleCommand};
use super::expand::{self, Env};
use super::output::{extend_lines, push_line, push_line_text, Output, Stream};
use redirects::Redirects;
use std::collections::BTreeMap;

/// Nesting of `$(…)`, `sh -c` and `for` before we refuse (bash would recurse until it dies).
const MAX_DEPTH: usize = 32;

/// Rounds of a `while` loop run at once before the shell gives up: a loop that runs at
/// once has no clock to wait on, so `while true` would never return. (A container's
/// process runs its loops step by step on the kubelet's timers instead.)
pub const MAX_LOOP_ROUNDS: usize = 10_000;

/// Where a shell runs: what it can execute besides its builtins, and its files.
pub trait Host {
    /// A command still running when [`Host::run`] returns (a watch, `sleep` in the
    /// terminal); the caller polls it as time passes. Hosts whose commands always finish
    /// at once use [`std::convert::Infallible`].
    type Process;

    /// Runs a command that is not a shell builtin (`argv[0]` is its name). `tty` says
    /// whether stdout is the terminal. The shell is passed back so that commands which
    /// run shell code (`sh -c`, `watch`, `timeout`) can.
    fn run(
        &mut self,
        shell: &mut Shell,
        argv: &[String],
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<Self::Process>);

    /// Runs a process to its end at once: inside `$(…)`, a loop body or a pipeline
    /// stage after the first, nothing can wait for the clock.
    fn complete(&mut self, shell: &mut Shell, process: Self::Process) -> Output;

    /// A file's contents for `<`, or `None` when there is no such file.
    fn read_file(&mut self, path: &str) -> Option<String>;

    /// Writes (or appends to) a file for `>`, `>>`; the error is the message to print.
    fn write_file(&mut self, path: &str, text: &str, append: bool) -> Result<(), String>;
}

/// The state of one shell: its variables, aliases and last status.
#[derive(Debug, Clone)]
pub struct Shell {
    /// How the shell names itself in its messages: `bash` in the terminal, `sh` in a
    /// container.
    name: &'static str,
    /// Variables (the environment commands see, and `$NAME`).
    pub vars: BTreeMap<String, String>,
    /// `alias NAME=VALUE` definitions (the terminal starts with `k=kubectl`).
    pub aliases: BTreeMap<String, String>,
    /// Exit status of the last command that finished (`$?`).
    pub last_status: i32,
    /// How deep in `$(…)`, `sh -c` and loop bodies the running code is.
    depth: usize,
}

impl Shell {
    pub fn new(
        name: &'static str,
        vars: BTreeMap<String, String>,
        aliases: BTreeMap<String, String>,
    ) -> Shell {
        Shell {
            name,
            vars,
            aliases,
            last_status: 0,
            depth: 0,
        }
    }

    /// Runs a whole script to completion (command substitution, loop bodies, `sh -c`).
    pub fn run_script<H: Host>(&mut self, host: &mut H, script: &Script) -> Output {
        let mut out = Output::ok();
        if self.depth >= MAX_DEPTH {
            out.err(format!("{}: maximum nesting level exceeded", self.name));
            out.status = 1;
            return out;
        }
        self.depth += 1;
        for item in &script.items {
            let (o, _) = self.run_pipeline(host, &item.first, false);
            self.last_status = o.status;
            extend_lines(&mut out.lines, o.lines);
            for (conn, p) in &item.rest {
                if self.continues(conn) {
                    let (o, _) = self.run_pipeline(host, p, false);
                    self.last_status = o.status;
                    extend_lines(&mut out.lines, o.lines);
                }
            }
        }
        self.depth -= 1;
        out.status = self.last_status;
        out
    }

    /// Whether the next pipeline of an and-or list runs after the last status.
    fn continues(&self, conn: &Connector) -> bool {
        match conn {
            Connector::And => self.last_status == 0,
            Connector::Or => self.last_status != 0,
        }
    }

    /// Runs a pipeline; in the `foreground`, a first stage that keeps running becomes the
    /// [`Job`] (elsewhere it is completed at once).
    fn run_pipeline<H: Host>(
        &mut self,
        host: &mut H,
        p: &Pipeline,
        foreground: bool,
    ) -> (Output, Option<Job<H::Process>>) {
        let mut shown = Output::ok();
        let mut stdin: Option<String> = None;
        let n = p.commands.len();
        for (i, cmd) in p.commands.iter().enumerate() {
            let last = i + 1 == n;
            let (mut o, running) = self.run_command(host, cmd, stdin.take(), last && foreground);
            if let Some((running, redirects)) = running {
                if i == 0 && foreground {
                    let downstream = p.commands[1..].to_vec();
                    let initial = self.through_downstream(host, &downstream, o);
                    return (
                        initial,
                        Some(Job {
                            running,
                            downstream,
                            rest: Vec::new(),
                            redirects,
                        }),
                    );
                }
                let done = host.complete(self, running);
                let done = redirects.route(host, done);
                extend_lines(&mut o.lines, done.lines);
                // The process's exit status, now that it has ended.
                o.status = done.status;
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

    /// Runs one command. Returns its output (stdout lines still in it) and, for a
    /// command that keeps running, the process and where its later output goes.
    fn run_command<H: Host>(
        &mut self,
        host: &mut H,
        cmd: &Command,
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<(H::Process, Redirects)>) {
        match cmd {
            Command::For(f) => {
                let values = match &f.words {
                    Some(words) => match expand::expand_words(words, &mut self.env(host)) {
                        Ok(v) => v,
                        Err(e) => return (Output::failed_plain(e.to_string()), None),
                    },
                    None => Vec::new(),
                };
                let mut out = Output::ok();
                for v in values {
                    self.vars.insert(f.var.clone(), v);
                    let o = self.run_script(host, &f.body);
                    extend_lines(&mut out.lines, o.lines);
                    out.status = o.status;
                }
                (out, None)
            }
            Command::While(l) => (self.run_while(host, l), None),
            Command::Simple(simple) => self.run_simple(host, simple, stdin, tty),
        }
    }

    /// `while`/`until` run at once, bounded by [`MAX_LOOP_ROUNDS`]. The learner's
    /// terminal (the shell named `bash`) does not run them: its commands move the
    /// cluster's clock, so `while true; do …; sleep 5; done` would race through hours
    /// of virtual time at once; `watch` and `-w` are the terminal's loops.
    fn run_while<H: Host>(&mut self, host: &mut H, l: &super::ast::WhileLoop) -> Output {
        let mut out = Output::ok();
        if self.name == "bash" {
            let kw = if l.until { "until" } else { "while" };
            out.err(format!(
                "kubeplay: `{kw}' loops run inside containers only; in this terminal use `watch -n 2 CMD` or `kubectl get -w`"
            ));
            out.status = 2;
            return out;
        }
        for _ in 0..MAX_LOOP_ROUNDS {
            let c = self.run_script(host, &l.condition);
            extend_lines(&mut out.lines, c.lines);
            if (c.status == 0) == l.until {
                out.status = 0;
                return out;
            }
            let o = self.run_script(host, &l.body);
            extend_lines(&mut out.lines, o.lines);
        }
        out.err(format!(
            "{}: loop stopped after {MAX_LOOP_ROUNDS} rounds (the playground's limit for a loop that runs at once)",
            self.name
        ));
        out.status = 1;
        out
    }

    fn run_simple<H: Host>(
        &mut self,
        host: &mut H,
        simple: &SimpleCommand,
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<(H::Process, Redirects)>) {
        let aliases = self.aliases.clone();
        let simple = match expand::expand_alias(simple, &|n| aliases.get(n).cloned()) {
            Ok(s) => s,
            Err(e) => return (Output::failed_plain(e.to_string()), None),
        };
        let argv = match self.expand_words(host, &simple.words) {
            Ok(v) => v,
            Err(e) => return (Output::failed_plain(e), None),
        };
        let mut assignments = Vec::new();
        for a in &simple.assignments {
            match expand::expand_word(&a.value, &mut self.env(host)) {
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
            match expand::expand_heredoc(h, &mut self.env(host)) {
                Ok(body) => stdin = Some(body),
                Err(e) => return (Output::failed_plain(e.to_string()), None),
            }
        }
        let redirects = match self.plan_redirects(host, &simple) {
            Ok(r) => r,
            Err(o) => return (o, None),
        };
        if let Some(input) = redirects.stdin.clone() {
            stdin = Some(input);
        }
        // `NAME=value command`: the command sees NAME=value (bash exports it to the command
        // alone); the shell's own value comes back after it.
        let before: Vec<(String, Option<String>)> = assignments
            .into_iter()
            .map(|(k, v)| {
                let old = self.vars.insert(k.clone(), v);
                (k, old)
            })
            .collect();
        let (output, running) = self.dispatch(host, &argv, stdin, tty && redirects.keeps_stdout());
        for (k, old) in before.into_iter().rev() {
            match old {
                Some(v) => self.vars.insert(k, v),
                None => self.vars.remove(&k),
            };
        }
        let output = redirects.route(host, output);
        (output, running.map(|r| (r, redirects)))
    }

    /// Runs one expanded command line: a builtin, or whatever the host runs.
    pub fn dispatch<H: Host>(
        &mut self,
        host: &mut H,
        argv: &[String],
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<H::Process>) {
        match self.builtin(&argv[0], &argv[1..]) {
            Some(o) => (o, None),
            None => host.run(self, argv, stdin, tty),
        }
    }

    /// Expands command words with this shell's variables and `$(…)` run on `host`;
    /// the error is bash's message.
    pub fn expand_words<H: Host>(
        &mut self,
        host: &mut H,
        words: &[super::ast::Word],
    ) -> Result<Vec<String>, String> {
        expand::expand_words(words, &mut self.env(host)).map_err(|e| e.to_string())
    }

    fn env<'a, H: Host>(&'a mut self, host: &'a mut H) -> ShellEnv<'a, H> {
        ShellEnv { shell: self, host }
    }
}

/// Variables and `$(…)` for word expansion.
struct ShellEnv<'a, H: Host> {
    shell: &'a mut Shell,
    host: &'a mut H,
}

impl<H: Host> Env for ShellEnv<'_, H> {
    fn var(&self, name: &str) -> Option<String> {
        if name == "?" {
            return Some(self.shell.last_status.to_string());
        }
        self.shell.vars.get(name).cloned()
    }

    fn substitute(&mut self, script: &Script) -> String {
        self.shell.run_script(self.host, script).stdout_text()
    }
}
