//! kubectl: verbs, flags and resource arguments, printing what kubectl 1.34 prints.

pub mod apply;
mod apply_server_side;
pub mod apply_writes;
pub mod auth;
pub mod autoscale;
pub mod config;
pub mod create;
pub mod delete;
pub mod describe;
pub mod diff;
mod drain_filters;
mod dry_run;
pub mod edit;
pub mod events;
pub mod evictions;
pub mod expose;
pub mod flags;
pub mod get;
mod image_reference;
pub mod impersonation;
pub mod info;
pub mod label;
pub mod logs;
pub mod manifest;
pub mod nodes;
pub mod replace;
pub mod resource;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod top;
pub mod verbs;
pub mod wait;

use super::help;
use super::kubeconfig::{valid_timeout, ConfigError, Kubeconfig, Overrides};
use super::process::Running;
use crate::engine::api::discovery::Resource;
use crate::engine::errors::ApiError;
use crate::engine::rbac::authorizer::{authorize, Attributes, StorePolicy, UserInfo};
use crate::engine::Cluster;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use crate::shell::Vfs;
use serde_json::Value;
use std::rc::Rc;

/// What a kubectl command needs from the terminal around it.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    pub fs: &'a mut Vfs,
    /// Standard input (a pipe or heredoc), for `-f -`.
    pub stdin: Option<&'a str>,
    /// The terminal's kubeconfig: contexts and the default namespace.
    pub kubeconfig: &'a mut Kubeconfig,
    /// The shell's environment, where there is a shell (`KUBECTL_EXTERNAL_DIFF`).
    pub env: Option<&'a std::collections::BTreeMap<String, String>>,
    /// Whom `--as` impersonates for this command; `None` is the terminal's own user.
    pub user: Option<UserInfo>,
}

impl Ctx<'_> {
    /// The namespace a command works in: `-n`, else the context's (`--context` or the
    /// current one), else `default`.
    pub fn namespace(&self, p: &flags::Parsed) -> String {
        match p.value("namespace").filter(|s| !s.is_empty()) {
            Some(ns) => ns.to_string(),
            None => self.kubeconfig.namespace(p.value("context")).to_string(),
        }
    }
}

impl Ctx<'_> {
    /// Whether the command's user may make the request `a` (the terminal's own user
    /// may make every one): the API server's Forbidden error otherwise.
    pub fn authorize(&self, a: &Attributes) -> Result<(), ApiError> {
        match &self.user {
            Some(user) => authorize(&StorePolicy(&self.cluster.store), user, a),
            None => Ok(()),
        }
    }

    /// A create as the command's user: the server authorizes the POST to the object's
    /// collection before anything else.
    pub fn create_as(&mut self, obj: Value, manager: &str) -> Result<Rc<Value>, ApiError> {
        self.may_create(&obj)?;
        self.cluster.create_as(obj, manager)
    }

    /// [`Ctx::create_as`] for `--dry-run=server`.
    pub fn create_dry_run(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        self.may_create(&obj)?;
        self.cluster.create_dry_run(obj)
    }

    fn may_create(&self, obj: &Value) -> Result<(), ApiError> {
        let Some(r) = crate::engine::apiserver::kind_of(obj) else {
            return Ok(());
        };
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
        self.may("create", r, ns, "")
    }

    /// [`Ctx::authorize`] for `verb` on `r`'s object `name` (its collection when empty).
    pub fn may(&self, verb: &str, r: &Resource, ns: &str, name: &str) -> Result<(), ApiError> {
        self.authorize(&impersonation::attributes(verb, r, ns, name, ""))
    }
}

/// A finished command, or one that keeps running as virtual time passes.
pub enum Outcome {
    Done(Output),
    Running(Output, Box<Running>),
    /// The terminal now talks to a container's shell (`run -it`, `exec -it … -- sh`).
    Attach(Output, run::Attach),
    /// `kubectl edit` wrote a temp file; the editor should open it.
    Edit(Output, Box<edit::PendingEdit>),
}

impl From<Output> for Outcome {
    fn from(o: Output) -> Outcome {
        Outcome::Done(o)
    }
}

/// `kubectl ARGS…`, dispatched the way cobra's `Find` and kubectl's plugin handler do it:
/// the first word that is neither a flag nor a flag's value names the command, global
/// flags may stand before it, and everything else goes to the command's own parser.
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    if args.is_empty() {
        return Output::failed(
            "kubeplay: kubectl needs a command; try `kubectl get pods` or `help`",
        )
        .into();
    }
    let Some(at) = command_word(args) else {
        // Only flags: the root command parses them and prints its help.
        return match flags::parse(args, &[]) {
            Err(e) => Output::failed(format!("{e}\nSee 'kubectl --help' for usage.")).into(),
            Ok(_) => verbs::help().into(),
        };
    };
    let verb = args[at].as_str();
    let mut rest = args.to_vec();
    rest.remove(at);
    if let Some(v) = verbs::find(verb) {
        // cobra answers `--help` once the flags parse, before the command runs.
        if let Some(p) = flags::parse(&rest, v.flags).ok().filter(|p| p.bool("help")) {
            return help_text(help::text(v.name, &p.positionals)).into();
        }
        if let Err(e) = check_config(ctx, v, &rest) {
            return config_error(e);
        }
        // Flags the verb cannot parse are left for it to report.
        let user = match flags::parse(&rest, v.flags).map(|p| impersonation::requester(&p)) {
            Ok(Ok(user)) => user,
            Ok(Err(e)) => return Output::failed_plain(e).into(),
            Err(_) => None,
        };
        if user.is_some() && !impersonation::verb_is_authorized(v.name) {
            return impersonation::not_simulated(v.name).into();
        }
        ctx.user = user;
        // Warnings left from requests no command of this terminal made are not its.
        ctx.cluster.take_warnings();
        let outcome = (v.run)(ctx, &rest);
        ctx.user = None;
        let outcome = match warning_lines(ctx.cluster.take_warnings()) {
            Some(lines) => note_first(lines, outcome),
            None => outcome,
        };
        return match verbosity_note(v, &rest) {
            Some(note) => note_first(note, outcome),
            None => outcome,
        };
    }
    match verb {
        "help" => help_command(&rest).into(),
        "options" => help_text(help::options()).into(),
        other if verbs::NOT_SIMULATED.contains(&other) => Output::failed(format!(
            "kubeplay: `kubectl {other}` is not available in the playground"
        ))
        .into(),
        // kubectl looks for a `kubectl-NAME` plugin, and refuses when flags come first.
        _ if args[0].starts_with('-') => Output::failed_plain(format!(
            "Error: flags cannot be placed before plugin name: {}",
            args[0]
        ))
        .into(),
        other => {
            let mut o = Output::failed(format!("unknown command \"{other}\" for \"kubectl\""));
            if let Some(s) = suggest(other) {
                o.err(format!("\nDid you mean this?\n\t{s}\n"));
            }
            // Printed by kubectl's own checkErr (hence `error:`), not by cobra: no `Run
            // 'kubectl --help' for usage.` line follows.
            o.into()
        }
    }
}

/// cobra's `stripFlags` over the root command's flags: the index of the first word that
/// is not a flag or a flag's value. A flag the root does not know is taken to have a value
/// (so `kubectl -A get po` looks for a command `po`), and `--help` is not defined yet when
/// cobra looks. A value-taking flag just before the last word ends the search.
pub(super) fn command_word(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let s = args[i].as_str();
        i += 1;
        if s == "--" {
            return None;
        }
        let takes_value = !s.contains('=')
            && if let Some(long) = s.strip_prefix("--") {
                !root_bool(|f| f.long == long)
            } else if s.len() == 2 && s.starts_with('-') {
                let c = s.chars().nth(1);
                !root_bool(|f| f.short == c)
            } else {
                false
            };
        if takes_value {
            if args.len() - i <= 1 {
                return None;
            }
            i += 1;
        } else if !s.is_empty() && !s.starts_with('-') {
            return Some(i - 1);
        }
    }
    None
}

/// Whether the root command has a boolean flag matching `pred` while cobra finds the
/// command (before it adds `--help`).
fn root_bool(pred: impl Fn(&flags::Flag) -> bool) -> bool {
    flags::GLOBAL
        .iter()
        .chain(flags::NOT_SIMULATED)
        .any(|f| f.long != "help" && f.arity == flags::Arity::Bool && pred(f))
}

/// Verbs that load the namespace from the kubeconfig before anything else; the others
/// (discovery, version, explain, cluster-info) only build a client.
const RESOLVE_NAMESPACE_FIRST: &[&str] = &[
    "annotate", "apply", "cordon", "create", "delete", "describe", "diff", "drain", "edit",
    "events", "exec", "expose", "get", "label", "logs", "patch", "replace", "rollout", "run",
    "scale", "set", "taint", "top", "uncordon",
];

/// Whether the kubeconfig (`--kubeconfig`, `--context`) lets `verb` reach the cluster.
/// Flags the verb cannot parse are left for the verb to report, as cobra parses first.
fn check_config(ctx: &Ctx<'_>, verb: &verbs::Verb, rest: &[String]) -> Result<(), ConfigError> {
    if matches!(verb.name, "config" | "completion") {
        return Ok(());
    }
    let Ok(p) = flags::parse(rest, verb.flags) else {
        return Ok(());
    };
    if verb.name == "version" && p.bool("client") {
        return Ok(());
    }
    if let Some(file) = p.value("kubeconfig").filter(|f| !f.is_empty()) {
        if file != super::kubeconfig::PATH && file != "~/.kube/config" {
            return Err(if ctx.fs.read(file).is_ok() {
                ConfigError::OtherFile(file.to_string())
            } else {
                ConfigError::NoFile(file.to_string())
            });
        }
    }
    if p.value("request-timeout")
        .is_some_and(|t| !valid_timeout(t))
    {
        return Err(ConfigError::BadTimeout);
    }
    let overrides = Overrides {
        context: p.value("context"),
        cluster: p.value("cluster"),
        // `create rolebinding|clusterrolebinding --user` names a subject: cobra's local
        // flag hides the global one.
        user: p.value("user").filter(|_| {
            verb.name != "create"
                || !matches!(
                    p.positionals.first().map(String::as_str),
                    Some("rolebinding" | "clusterrolebinding")
                )
        }),
    };
    match ctx.kubeconfig.usable(&overrides) {
        Err(ConfigError::ContextNotFound(name))
            if !RESOLVE_NAMESPACE_FIRST.contains(&verb.name) =>
        {
            Err(ConfigError::NoSuchContext(name))
        }
        r => r.map(|_| ()),
    }
}

/// `-v=1` and up make kubectl log how its client works (klog lines with wall-clock times
/// and a process id; at 6 and up every API request); the playground does not, and says so
/// instead of printing nothing.
fn verbosity_note(verb: &verbs::Verb, rest: &[String]) -> Option<String> {
    let p = flags::parse(rest, verb.flags).ok()?;
    let level: i32 = p.value("v")?.parse().ok()?;
    (level >= 1).then(|| {
        format!("kubeplay: -v={level} makes kubectl log its client's workings; the playground's kubectl logs nothing")
    })
}

/// The API server's warnings as kubectl's default warning handler prints them on stderr,
/// before what the command prints once the response is in.
pub(super) fn warning_lines(warnings: Vec<String>) -> Option<String> {
    let lines: Vec<String> = warnings.iter().map(|w| format!("Warning: {w}")).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn note_first(note: String, outcome: Outcome) -> Outcome {
    let mut o = Output::ok();
    o.err(note);
    let with = |out: Output| {
        let mut o = o.clone();
        o.append(out);
        o
    };
    match outcome {
        Outcome::Done(out) => Outcome::Done(with(out)),
        Outcome::Running(out, r) => Outcome::Running(with(out), r),
        Outcome::Attach(out, a) => Outcome::Attach(with(out), a),
        Outcome::Edit(out, e) => Outcome::Edit(with(out), e),
    }
}

fn config_error(e: ConfigError) -> Outcome {
    Output::failed_plain(e.to_string()).into()
}

/// A help text on stdout, or why there is none.
pub(super) fn help_text(text: Result<&str, help::HelpError>) -> Output {
    match text {
        Ok(t) => {
            let mut o = Output::ok();
            o.out(t);
            o
        }
        Err(e) => Output::failed_plain(e.to_string()),
    }
}

/// `kubectl help [COMMAND…]`; an unknown topic gets the root usage on stderr.
fn help_command(args: &[String]) -> Output {
    let Some(first) = args.iter().find(|a| !a.starts_with('-')) else {
        return verbs::help();
    };
    if verbs::find(first).is_some() {
        let words: Vec<String> = args
            .iter()
            .skip_while(|a| *a != first)
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .cloned()
            .collect();
        return help_text(help::text(first, &words));
    }
    let mut text = format!("Unknown help topic [`{first}`]");
    for line in verbs::help().lines.into_iter().skip(1) {
        if !line.text.starts_with(" Find more information") {
            text.push('\n');
            text.push_str(&line.text);
        }
    }
    let mut o = Output::ok();
    o.err(text);
    o
}

/// cobra's "Did you mean" by edit distance ≤ 2 or prefix, in cobra's (sorted) order.
fn suggest(word: &str) -> Option<&'static str> {
    verbs::names()
        .into_iter()
        .find(|v| v.starts_with(word) || levenshtein(v, word) <= 2)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra's `DefaultSubCommandRun`, for a command that only groups subcommands: run
/// without one, its help and exit 1 (`rollout` prints it on stdout, the others on
/// stderr); with words it has no subcommand for, `unknown command "WORDS"`.
pub fn no_subcommand(path: &str, args: &[String], help_on_stdout: bool) -> Output {
    let words: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    if !words.is_empty() {
        return Output::failed(format!(
            "unknown command \"{}\"\nSee 'kubectl {path} -h' for help and examples",
            words.join(" ")
        ));
    }
    let mut path_words = path.split(' ');
    let verb = path_words.next().unwrap_or(path);
    let subs: Vec<String> = path_words.map(String::from).collect();
    let mut o = help_text(help::text(verb, &subs));
    if o.status == 0 && !help_on_stdout {
        for line in &mut o.lines {
            line.stream = crate::shell::Stream::Err;
        }
    }
    o.status = 1;
    o
}

/// A subcommand kubectl has and the playground does not run.
pub fn subcommand_not_simulated(path: &str) -> Output {
    Output::failed(format!(
        "kubeplay: `kubectl {path}` is not available in the playground"
    ))
}

/// cobra's answer to bad flags: the error plus where to find usage.
pub fn flag_error(verb: &str, e: flags::FlagError) -> Output {
    Output::failed(format!("{e}\nSee 'kubectl {verb} --help' for usage."))
}
