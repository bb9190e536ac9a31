//! kubectl: verbs, flags and resource arguments, printing what kubectl 1.34 prints.

pub mod apply;
pub mod create_batch;
pub mod delete;
pub mod describe;
pub mod edit;
pub mod events;
pub mod expose;
pub mod flags;
pub mod get;
pub mod info;
pub mod label;
pub mod logs;
pub mod manifest;
pub mod nodes;
pub mod resource;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod top;
pub mod verbs;

use super::process::Running;
use crate::engine::Cluster;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use crate::shell::Vfs;

/// What a kubectl command needs from the terminal around it.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    pub fs: &'a mut Vfs,
    /// Standard input (a pipe or heredoc), for `-f -`.
    pub stdin: Option<&'a str>,
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

/// `kubectl ARGS…`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let Some(verb) = args.first() else {
        return Output::failed(
            "kubeplay: kubectl needs a command; try `kubectl get pods` or `help`",
        )
        .into();
    };
    let rest = &args[1..];
    if let Some(v) = verbs::find(verb) {
        return (v.run)(ctx, rest);
    }
    match verb.as_str() {
        "-h" | "--help" | "help" => verbs::help().into(),
        other if verbs::NOT_SIMULATED.contains(&other) => Output::failed(format!(
            "kubeplay: `kubectl {other}` is not available in the playground"
        ))
        .into(),
        other if other.starts_with('-') => match flags::parse(args, &[]) {
            Err(e) => Output::failed(format!("{e}\nSee 'kubectl --help' for usage.")).into(),
            Ok(_) => verbs::help().into(),
        },
        other => {
            let mut o = Output::failed(format!("unknown command \"{other}\" for \"kubectl\""));
            if let Some(s) = suggest(other) {
                o.err(format!("\nDid you mean this?\n\t{s}\n"));
            }
            o.err("Run 'kubectl --help' for usage.");
            o.into()
        }
    }
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

/// The namespace a command works in: `-n`, else `default`.
pub fn namespace(p: &flags::Parsed) -> String {
    p.value("namespace")
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string()
}

/// cobra's answer to bad flags: the error plus where to find usage.
pub fn flag_error(verb: &str, e: flags::FlagError) -> Output {
    Output::failed(format!("{e}\nSee 'kubectl {verb} --help' for usage."))
}
