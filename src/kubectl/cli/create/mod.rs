//! `kubectl create TYPE NAME …`: the generators of `staging/src/k8s.io/kubectl/pkg/cmd/create`
//! that build an object from flags (`create_configmap.go`, `create_secret*.go`,
//! `create_service.go`, `create_quota.go`), each with its own flags as cobra gives every
//! subcommand its own flag set, and one way to finish: print it (`--dry-run=client`),
//! have the server check it without storing it (`--dry-run=server`), or create it.
//! The older generators that share `kubectl create`'s own flag set live beside them:
//! `workloads` (deployment, namespace) and `batch` (job, cronjob).

mod batch;
mod configmap;
mod ingress;
mod json_order;
mod pdb;
mod quota;
mod rbac;
mod secret;
mod service;
mod service_account;
mod sources;
pub mod workloads;

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

/// Flags every generator has (`cmdutil.AddDryRunFlag`, the print flags, `--save-config`,
/// `--validate`, `--field-manager`).
const COMMON: &[Flag] = &[
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("template", None, Arity::Value),
    flag("allow-missing-template-keys", None, Arity::Bool),
    flag("show-managed-fields", None, Arity::Bool),
    flag("save-config", None, Arity::Bool),
    flag("validate", None, Arity::Value),
    flag("field-manager", None, Arity::Value),
];

/// Runs `kubectl create SUBCOMMAND …` when the first word that is not a flag names a
/// generator here; `None` leaves the arguments to `create -f` and the older generators.
pub fn generator(ctx: &mut Ctx<'_>, args: &[String]) -> Option<Output> {
    let (at, word) = subcommand(args)?;
    let rest = without(args, at);
    match word {
        "configmap" | "cm" => Some(configmap::run(ctx, &rest)),
        "secret" => Some(secret::run(ctx, &rest)),
        "service" | "svc" => Some(service::run(ctx, &rest)),
        "quota" | "resourcequota" => Some(quota::run(ctx, &rest)),
        "role" => Some(rbac::run_role(ctx, &rest)),
        "clusterrole" => Some(rbac::run_cluster_role(ctx, &rest)),
        "rolebinding" => Some(rbac::run_role_binding(ctx, &rest)),
        "clusterrolebinding" => Some(rbac::run_cluster_role_binding(ctx, &rest)),
        "ingress" | "ing" => Some(ingress::run(ctx, &rest)),
        "poddisruptionbudget" | "pdb" => Some(pdb::run(ctx, &rest)),
        "serviceaccount" | "sa" => Some(service_account::run(ctx, &rest)),
        _ => None,
    }
}

/// `args` without the subcommand word at `at`: what the subcommand parses.
fn without(args: &[String], at: usize) -> Vec<String> {
    let mut rest = args.to_vec();
    rest.remove(at);
    rest
}

/// cobra's `stripFlags`: the first argument that is neither a flag nor the value of one.
/// A flag without `=` that is not known to be boolean takes the next argument as its value.
fn subcommand(args: &[String]) -> Option<(usize, &str)> {
    let is_bool = |name: &str, short: bool| {
        super::apply::CREATE_FLAGS
            .iter()
            .chain(flags::GLOBAL)
            .any(|f| {
                f.arity == Arity::Bool
                    && if short {
                        f.short.map(String::from).as_deref() == Some(name)
                    } else {
                        f.long == name
                    }
            })
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            return None;
        }
        if let Some(long) = a.strip_prefix("--") {
            if !long.contains('=') && !is_bool(long, false) {
                i += 1;
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            if short.len() == 1 && !is_bool(short, true) {
                i += 1;
            }
        } else if !a.is_empty() {
            return Some((i, a));
        }
        i += 1;
    }
    None
}

/// `--dry-run`'s strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

/// kubectl create's subcommands and their aliases (`kubectl create --help`), the
/// playground's and the rest.
pub(super) fn is_subcommand(word: &str) -> bool {
    matches!(
        word,
        "clusterrole"
            | "clusterrolebinding"
            | "configmap"
            | "cm"
            | "cronjob"
            | "cj"
            | "deployment"
            | "deploy"
            | "ingress"
            | "ing"
            | "job"
            | "namespace"
            | "ns"
            | "poddisruptionbudget"
            | "pdb"
            | "priorityclass"
            | "pc"
            | "quota"
            | "resourcequota"
            | "role"
            | "rolebinding"
            | "secret"
            | "service"
            | "svc"
            | "serviceaccount"
            | "sa"
            | "token"
    )
}

/// One way to encode a generated object as Go's `encoding/json` does.
type Encode = fn(&Value) -> String;

/// What a generator's flags parsed into, before it builds its object.
struct Invocation {
    parsed: flags::Parsed,
    name: String,
    dry_run: DryRun,
}

impl Invocation {
    /// Parses `args` against the generator's flags and takes its one NAME
    /// (`NameFromCommandArgs`), then the dry-run strategy, as `Complete` does.
    /// `required` flags are checked as cobra does, after parsing and before the command runs.
    fn parse(
        command: &'static str,
        args: &[String],
        own: &[Flag],
        required: Option<&str>,
    ) -> Result<Invocation, Output> {
        let all: Vec<Flag> = own.iter().chain(COMMON).copied().collect();
        let parsed = flags::parse(args, &all).map_err(|e| flag_error(command, e))?;
        if let Some(r) = required.filter(|r| !parsed.has(r)) {
            return Err(Output::failed(format!("required flag(s) \"{r}\" not set")));
        }
        if parsed.bool("append-hash") {
            // The hash is a SHA-256 of the encoded object, which the playground lacks.
            return Err(Output::failed(
                "kubeplay: --append-hash is not available in the playground",
            ));
        }
        let name = match parsed.positionals.as_slice() {
            [name] => name.clone(),
            other => {
                return Err(Output::failed(format!(
                    "exactly one NAME is required, got {}\nSee 'kubectl {command} -h' for help and examples",
                    other.len()
                )))
            }
        };
        Invocation::named(parsed, name)
    }

    /// An invocation whose flags were parsed already (`create job` and `create cronjob`
    /// share `kubectl create`'s flag set) and whose NAME was taken: the dry-run strategy
    /// is checked the same way.
    fn named(parsed: flags::Parsed, name: String) -> Result<Invocation, Output> {
        let dry_run = match parsed.value("dry-run") {
            None | Some("none") => DryRun::None,
            Some("client") => DryRun::Client,
            Some("server") => DryRun::Server,
            Some(other) => {
                return Err(Output::failed(format!(
                    "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
                )))
            }
        };
        Ok(Invocation {
            parsed,
            name,
            dry_run,
        })
    }

    /// A new object's metadata: its name, and its namespace only when `-n` says so
    /// (`EnforceNamespace`); the server fills in the request's namespace.
    fn metadata(&self) -> Value {
        let mut meta = json!({"name": self.name});
        if let Some(ns) = self.parsed.value("namespace").filter(|n| !n.is_empty()) {
            meta["namespace"] = json!(ns);
        }
        meta
    }

    /// Sends (or only prints) the generated object and prints what kubectl prints.
    /// `failed` words a server refusal as this generator does (`failed to create …`).
    fn finish(
        &self,
        ctx: &mut Ctx<'_>,
        obj: Value,
        kind_group: &str,
        failed: &dyn Fn(&ApiError) -> String,
    ) -> Output {
        let encode = (
            json_order::indented as Encode,
            json_order::compact as Encode,
        );
        self.finish_with(ctx, obj, kind_group, failed, encode)
    }

    /// `finish` for a kind whose structs `json_order`'s default order does not describe:
    /// `encode` is its `-o json` and its `--save-config` encoding.
    fn finish_with(
        &self,
        ctx: &mut Ctx<'_>,
        mut obj: Value,
        kind_group: &str,
        failed: &dyn Fn(&ApiError) -> String,
        (indented, compact): (Encode, Encode),
    ) -> Output {
        if self.parsed.bool("save-config") {
            let applied = compact(&obj);
            obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
                json!(applied + "\n");
        }
        let shown = match self.dry_run {
            DryRun::Client => obj,
            DryRun::None | DryRun::Server => {
                let mut sent = obj;
                sent["metadata"]["namespace"] = json!(ctx.namespace(&self.parsed));
                let result = if self.dry_run == DryRun::Server {
                    ctx.create_dry_run(sent)
                } else {
                    ctx.create_as(sent, "kubectl-create")
                };
                match result {
                    Ok(o) => (*o).clone(),
                    Err(e) => return Output::failed(failed(&e)),
                }
            }
        };
        let mut out = Output::ok();
        match self.parsed.value("output") {
            None | Some("") => {
                let suffix = match self.dry_run {
                    DryRun::None => "",
                    DryRun::Client => " (dry run)",
                    DryRun::Server => " (server dry run)",
                };
                out.out(format!("{kind_group}/{} created{suffix}", self.name));
            }
            Some(format) => {
                let format = match (format, self.parsed.value("template")) {
                    ("go-template" | "template" | "jsonpath", Some(t)) => format!("{format}={t}"),
                    _ => format.to_string(),
                };
                super::apply::print_object(&mut out, &format, &shown, kind_group, indented);
            }
        }
        out
    }
}

/// `kubectl create secret` / `create service` without a known subcommand: the group's
/// own flags (the global ones) are parsed, then cobra prints the group's help on stderr
/// when no word is left, or kubectl refuses the words (`DefaultSubCommandRun`).
fn group_without_subcommand(command: &str, help: &str, rest: &[String]) -> Output {
    let parsed = match flags::parse(rest, &[]) {
        Ok(p) => p,
        Err(e) => return flag_error(command, e),
    };
    if parsed.positionals.is_empty() {
        let mut o = Output::ok();
        o.err(help);
        o.status = 1;
        return o;
    }
    Output::failed(format!(
        "unknown command \"{}\"\nSee 'kubectl {command} -h' for help and examples",
        parsed.positionals.join(" ")
    ))
}
