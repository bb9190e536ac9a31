//! Tab completion for the terminal: commands at the start of a line, kubectl verbs,
//! subcommands, resource types, object names from the cluster, flags and file names.
//! What it offers follows `kubectl completion bash` (cobra's `__complete`): names of the
//! typed type in the `-n` namespace, `type/name` after a slash, flags after `-`.

use super::cli::flags::{self, Flag};
use super::cli::verbs;
use super::Session;
use crate::engine::api::discovery::{self, Resource};
use crate::engine::json::At;
use std::collections::BTreeSet;

/// What Tab may insert: every candidate replaces `line[replace_from..cursor]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// Sorted, without duplicates.
    pub candidates: Vec<String>,
    /// Byte offset where the word being completed starts.
    pub replace_from: usize,
}

/// The commands the shell knows, offered at the start of a line.
const COMMANDS: &[&str] = &[
    "alias", "awk", "cat", "cd", "clear", "cut", "date", "echo", "env", "exit", "export", "grep",
    "head", "help", "history", "hostname", "kubectl", "ls", "mkdir", "nano", "printenv", "pwd",
    "rm", "sed", "sleep", "sort", "source", "tail", "timeout", "touch", "type", "unalias", "uniq",
    "unset", "vi", "vim", "watch", "wc", "which", "whoami",
];

/// Commands whose arguments are file names.
const FILE_COMMANDS: &[&str] = &[
    "cat", "vim", "vi", "nano", "rm", "head", "tail", "wc", "sort", "uniq", "grep", "touch",
    "less", "more", "source", ".", "sed",
];

/// Verbs whose first argument is a resource type (then names of it).
const TYPED_VERBS: &[&str] = &[
    "get", "describe", "delete", "edit", "label", "annotate", "patch", "scale", "explain",
    "expose", "rollout", "wait",
];

fn subcommands(verb: &str) -> &'static [&'static str] {
    match verb {
        "rollout" => &["history", "pause", "restart", "resume", "status", "undo"],
        "set" => &["env", "image", "resources"],
        "create" => &["configmap", "deployment", "namespace", "secret", "service"],
        "config" => &[
            "current-context",
            "delete-context",
            "get-clusters",
            "get-contexts",
            "get-users",
            "rename-context",
            "set-context",
            "use-context",
            "view",
        ],
        "top" => &["node", "pod"],
        "create service" => &["clusterip", "externalname", "loadbalancer", "nodeport"],
        "create secret" => &["docker-registry", "generic", "tls"],
        _ => &[],
    }
}

/// The flags a verb accepts, global ones included.
fn verb_flags(verb: &str) -> Vec<&'static Flag> {
    let own = verbs::find(verb).map_or(&[][..], |v| v.flags);
    own.iter().chain(flags::GLOBAL.iter()).collect()
}

/// The resource types kubectl completes: plural, singular and short names.
fn type_names() -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for r in discovery::RESOURCES {
        set.insert(r.plural.to_string());
        if !r.singular.is_empty() {
            set.insert(r.singular.to_string());
        }
        for s in r.short_names {
            set.insert(s.to_string());
        }
    }
    set
}

/// The shell words of `text` (whitespace-separated; quotes are not interpreted).
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Where the current command starts: after the last `|`, `;`, `&&`, `||` or `$(`.
fn command_start(text: &str) -> usize {
    let mut start = 0;
    for sep in ["|", ";", "&&", "$(", "`", "(", "do ", "then "] {
        if let Some(i) = text.rfind(sep) {
            start = start.max(i + sep.len());
        }
    }
    start
}

/// Candidates for `line[..cursor]`.
pub fn complete(session: &Session, line: &str, cursor: usize) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | '`'))
        .map_or(0, |i| i + 1);
    let current = &before[word_start..];
    let cmd = &before[command_start(before)..word_start];
    let prior = words(cmd);
    let mut candidates: Vec<String> = match prior.split_first() {
        None => first_words(session, current),
        Some((&first, rest)) => {
            let expanded = alias_target(session, first);
            let mut args: Vec<&str> = expanded.split_whitespace().collect();
            let head = if args.is_empty() {
                first
            } else {
                args.remove(0)
            };
            args.extend_from_slice(rest);
            match head {
                "kubectl" => kubectl_words(session, &args, current),
                "timeout" | "watch" | "time" => {
                    // The command after the options (and `-n SECS`) and timeout's duration.
                    let mut skip = 0;
                    while let Some(a) = args.get(skip) {
                        if *a == "-n" || *a == "--interval" {
                            skip += 2;
                        } else if a.starts_with('-') {
                            skip += 1;
                        } else {
                            break;
                        }
                    }
                    if head == "timeout" {
                        skip += 1;
                    }
                    let skip = skip.min(args.len());
                    let inner = args[skip..].join(" ");
                    let sub = format!("{inner} ");
                    if inner.is_empty() {
                        first_words(session, current)
                    } else {
                        let c = complete(
                            session,
                            &format!("{sub}{current}"),
                            sub.len() + current.len(),
                        );
                        c.candidates
                    }
                }
                h if FILE_COMMANDS.contains(&h) => files(session, current),
                _ => Vec::new(),
            }
        }
    };
    candidates.retain(|c| c.starts_with(current));
    crate::sort::sort(&mut candidates);
    candidates.dedup();
    Completion {
        candidates,
        replace_from: word_start,
    }
}

/// What `name` expands to when it is an alias (`k` → `kubectl`).
fn alias_target(session: &Session, name: &str) -> String {
    session
        .alias_value(name)
        .map_or_else(|| name.to_string(), str::to_string)
}

fn first_words(session: &Session, current: &str) -> Vec<String> {
    let mut out: Vec<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    out.extend(session.alias_names().map(str::to_string));
    if current.contains('/') || current.starts_with('.') {
        out.extend(files(session, current));
    }
    out
}

/// File and directory names from the virtual filesystem (directories end in `/`).
fn files(session: &Session, current: &str) -> Vec<String> {
    let fs = session.files();
    let (dir, shown) = match current.rfind('/') {
        Some(i) => (if i == 0 { "/" } else { &current[..i] }, &current[..=i]),
        None => (".", ""),
    };
    let Ok(entries) = fs.list(dir) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .map(|(name, is_dir, _)| {
            if is_dir {
                format!("{shown}{name}/")
            } else {
                format!("{shown}{name}")
            }
        })
        .collect()
}

/// Long (`--replicas`) and short (`-n`) forms of `flags`.
fn flag_names(flags: &[&'static Flag], current: &str) -> Vec<String> {
    let mut out = Vec::new();
    for f in flags {
        out.push(format!("--{}", f.long));
        if !current.starts_with("--") {
            if let Some(c) = f.short {
                out.push(format!("-{c}"));
            }
        }
    }
    out
}

/// Names of objects of `r` in `ns` (every namespace for cluster-scoped kinds).
fn names(session: &Session, r: &Resource, ns: &str) -> Vec<String> {
    let ns = if r.namespaced { Some(ns) } else { None };
    session
        .cluster()
        .store
        .list(r.kind, ns)
        .filter_map(|o| o.at("/metadata/name").and_then(|n| n.as_str()))
        .map(str::to_string)
        .collect()
}

fn kubectl_words(session: &Session, args: &[&str], current: &str) -> Vec<String> {
    // Split flags (with their values) from positional words.
    let mut positionals: Vec<&str> = Vec::new();
    let mut namespace = session.default_namespace().to_string();
    let mut pending_value: Option<&str> = None;
    let flags_for = |positionals: &[&str]| verb_flags(positionals.first().copied().unwrap_or(""));
    for a in args {
        if let Some(flag) = pending_value.take() {
            if flag == "namespace" {
                namespace = a.to_string();
            }
            continue;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            if name == "namespace" {
                if let Some(v) = value {
                    namespace = v.to_string();
                }
            }
            let takes_value = flags_for(&positionals)
                .iter()
                .any(|f| f.long == name && matches!(f.arity, flags::Arity::Value));
            if value.is_none() && takes_value {
                pending_value = Some(if name == "namespace" {
                    "namespace"
                } else {
                    "other"
                });
            }
            continue;
        }
        if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let c = short.chars().next().unwrap_or('-');
            let inline = &short[c.len_utf8()..];
            if c == 'n' && !inline.is_empty() {
                namespace = inline.trim_start_matches('=').to_string();
            }
            let takes_value = flags_for(&positionals)
                .iter()
                .any(|f| f.short == Some(c) && matches!(f.arity, flags::Arity::Value));
            if inline.is_empty() && takes_value {
                pending_value = Some(if c == 'n' { "namespace" } else { "other" });
            }
            continue;
        }
        positionals.push(a);
    }
    // The value of the flag just typed.
    if let Some(flag) = pending_value {
        let last = args.last().copied().unwrap_or("");
        return match (flag, last) {
            ("namespace", _) => session_namespaces(session),
            (_, "-f" | "--filename") => files(session, current),
            (_, "--for") => typed_names(session, current, &namespace),
            _ => Vec::new(),
        };
    }
    if current.starts_with('-') {
        return flag_names(&flags_for(&positionals), current);
    }
    let Some(&verb) = positionals.first() else {
        let mut v: Vec<String> = verbs::names().into_iter().map(String::from).collect();
        v.extend(["help".to_string()]);
        return v;
    };
    let mut rest = &positionals[1..];
    let subs = subcommands(verb);
    if !subs.is_empty() {
        let Some((&sub, after)) = rest.split_first() else {
            return subs.iter().map(|s| s.to_string()).collect();
        };
        if verb == "create" && matches!(sub, "service" | "secret") && after.is_empty() {
            return subcommands(&format!("create {sub}"))
                .iter()
                .map(|s| s.to_string())
                .collect();
        }
        if verb == "config" {
            return match sub {
                "use-context" | "use" | "delete-context" | "rename-context" | "set-context"
                | "get-contexts"
                    if after.is_empty() =>
                {
                    session.context_names()
                }
                _ => Vec::new(),
            };
        }
        if verb != "rollout" && verb != "set" {
            return Vec::new();
        }
        rest = after;
        if verb == "set" {
            // `set image|env|resources TYPE/NAME …`
            return typed_args(session, rest, current, &namespace);
        }
    }
    match verb {
        "logs" | "exec" | "attach" | "port-forward" if rest.is_empty() => {
            names_of(session, "pods", &namespace)
        }
        "cordon" | "uncordon" | "drain" => names_of(session, "nodes", &namespace),
        "taint" => match rest.len() {
            0 => vec!["nodes".to_string(), "node".to_string(), "no".to_string()],
            1 => names_of(session, "nodes", &namespace),
            _ => Vec::new(),
        },
        "top" => Vec::new(),
        v if TYPED_VERBS.contains(&v) || verb == "rollout" => {
            typed_args(session, rest, current, &namespace)
        }
        "events" => Vec::new(),
        _ => Vec::new(),
    }
}

fn names_of(session: &Session, ty: &str, ns: &str) -> Vec<String> {
    discovery::resolve(ty).map_or_else(Vec::new, |r| names(session, r, ns))
}

fn session_namespaces(session: &Session) -> Vec<String> {
    names_of(session, "namespaces", "")
}

/// `type/name` completions for a word that already has a slash, else types.
fn typed_names(session: &Session, current: &str, ns: &str) -> Vec<String> {
    match current.split_once('/') {
        Some((ty, _)) => discovery::resolve(ty).map_or_else(Vec::new, |r| {
            names(session, r, ns)
                .into_iter()
                .map(|n| format!("{ty}/{n}"))
                .collect()
        }),
        None => type_names().into_iter().collect(),
    }
}

/// The arguments of a verb that takes `TYPE NAME…` or `TYPE/NAME…`.
fn typed_args(session: &Session, rest: &[&str], current: &str, ns: &str) -> Vec<String> {
    match rest.first() {
        None => typed_names(session, current, ns),
        Some(first) if first.contains('/') => typed_names(session, current, ns),
        Some(ty) => {
            // `get pods,svc NAME` completes nothing; one type completes its names.
            if ty.contains(',') {
                return Vec::new();
            }
            discovery::resolve(ty).map_or_else(Vec::new, |r| names(session, r, ns))
        }
    }
}
