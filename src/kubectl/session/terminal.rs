//! The terminal as the shell's host: the commands the learner's bash finds besides its
//! builtins — `kubectl`, `sleep`, `timeout`, `watch`, `vim` (the editor pane), `clear`,
//! `history`, `help`, `env`, `date`, the text utilities on the virtual filesystem — and
//! that filesystem, where redirections read and write.

use crate::engine::{Cluster, Millis};
use crate::kubectl::cli::{self, Ctx, Outcome};
use crate::kubectl::kubeconfig::Kubeconfig;
use crate::kubectl::process::{Process, Running};
use crate::shell::output::extend_lines;
use crate::shell::{self, Host, Output, Shell, Vfs};

/// Virtual time a blocking command inside `$(…)`, a `for` body or a later pipeline stage
/// may take (those run to completion at once).
const NESTED_JOB_LIMIT_MS: Millis = 600_000;

/// What the terminal's shell runs on, besides the shell's own state.
pub(super) struct Terminal {
    /// The simulated cluster `kubectl` talks to.
    pub(super) cluster: Cluster,
    /// The files shared by the terminal and the editor.
    pub(super) fs: Vfs,
    /// Every complete command typed, for `history` and the up arrow.
    pub(super) history: Vec<String>,
    /// A file the last command asked the editor to open (`vim FILE`, `kubectl edit`).
    pub(super) editor_request: Option<String>,
    /// The last command was `clear`.
    pub(super) clear_requested: bool,
    /// While set, typed lines go to a container's shell (`kubectl run -it`,
    /// `kubectl exec -it POD -- sh`) instead of bash, until `exit`.
    pub(super) attached: Option<cli::run::Attach>,
    /// `kubectl edit`s waiting for the editor, by temp file.
    pub(super) edits: Vec<cli::edit::PendingEdit>,
    /// kubectl's contexts; the current one's namespace is every verb's default.
    pub(super) kubeconfig: Kubeconfig,
}

impl Terminal {
    pub(super) fn new(cluster: Cluster) -> Terminal {
        Terminal {
            cluster,
            fs: Vfs::new(),
            history: Vec::new(),
            editor_request: None,
            clear_requested: false,
            attached: None,
            edits: Vec::new(),
            kubeconfig: Kubeconfig::default(),
        }
    }

    /// What a kubectl verb runs against: this terminal's cluster, files and kubeconfig.
    pub(super) fn ctx<'a>(
        &'a mut self,
        stdin: Option<&'a str>,
        env: Option<&'a std::collections::BTreeMap<String, String>>,
    ) -> Ctx<'a> {
        Ctx {
            cluster: &mut self.cluster,
            fs: &mut self.fs,
            stdin,
            kubeconfig: &mut self.kubeconfig,
            env,
            user: None,
        }
    }

    /// `kubectl ARGS`. An `apply -f` whose output is not the terminal's (a pipe, `>`) or
    /// that runs inside `$(…)` or a loop writes everything now; at the prompt it becomes
    /// the foreground job (see `writes`).
    fn kubectl(
        &mut self,
        args: &[String],
        stdin: Option<&str>,
        env: &std::collections::BTreeMap<String, String>,
        tty: bool,
    ) -> (Output, Option<Running>) {
        let mut ctx = self.ctx(stdin, Some(env));
        match cli::run(&mut ctx, args) {
            Outcome::Done(o) => (o, None),
            Outcome::Running(mut o, mut r) => match &mut r.process {
                Process::Writes(w) if !tty => {
                    o.append(self.write_all(w));
                    (o, None)
                }
                _ => (o, Some(*r)),
            },
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
}

impl Host for Terminal {
    type Process = Running;

    fn run(
        &mut self,
        shell: &mut Shell,
        argv: &[String],
        stdin: Option<String>,
        tty: bool,
    ) -> (Output, Option<Running>) {
        let name = argv[0].as_str();
        let args = &argv[1..];
        match name {
            "kubectl" => self.kubectl(args, stdin.as_deref(), &shell.vars, tty),
            "kubeplay" => (super::playground::run(&mut self.cluster, args), None),
            "sleep" => match args.first().and_then(|a| parse_seconds(a)) {
                Some(ms) => {
                    let mut r = Running::new(Process::Sleep);
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
                let (o, running) = shell.dispatch(self, &args[1..], stdin, tty);
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
            "watch" => self.watch(shell, args),
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
            "env" | "printenv" => {
                let mut o = Output::ok();
                for (k, v) in &shell.vars {
                    o.out(format!("{k}={v}"));
                }
                (o, None)
            }
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
                    if a == "kubectl" || a == "kubeplay" {
                        o.out(if name == "which" { format!("/usr/local/bin/{a}") } else { format!("{a} is /usr/local/bin/{a}") });
                    } else if let Some(v) = shell.aliases.get(a) {
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
                    Some(r) => (Output::from_text(&r.stdout, &r.stderr, r.status), None),
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

    /// Runs a blocking command to its end at once (inside `$(…)`, loops, pipes).
    fn complete(&mut self, shell: &mut Shell, mut running: Running) -> Output {
        if let Process::Writes(w) = &mut running.process {
            return self.write_all(w);
        }
        let mut out = Output::ok();
        let limit = self.cluster.now + NESTED_JOB_LIMIT_MS;
        loop {
            let deadline = running.deadline.unwrap_or(limit).min(limit);
            let next = [self.cluster.timers.next_at(), running.wake_at()]
                .into_iter()
                .flatten()
                .min()
                .filter(|t| *t <= deadline);
            match next {
                // A process's own wake-up (a drain's retry) is no timer of the cluster.
                Some(t) if running.wake_at() == Some(t) => self.cluster.advance_to(t),
                Some(_) => {
                    self.cluster.advance_to_next_event();
                }
                None => self.cluster.advance_to(deadline),
            }
            let p = self.poll(shell, &mut running);
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

    fn read_file(&mut self, path: &str) -> Option<String> {
        self.fs.read(path).ok().map(str::to_string)
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) -> Result<(), String> {
        self.fs.write(path, text, append).map_err(|e| e.to_string())
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

pub(super) fn one(text: &str) -> Output {
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
  kubeplay node stop|start NODE   stop or start a node's kubelet (a node that dies)
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
