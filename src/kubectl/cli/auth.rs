//! `kubectl auth can-i` and `kubectl auth whoami` (`staging/src/k8s.io/kubectl/pkg/cmd/auth`):
//! a SelfSubjectAccessReview answered by the RBAC authorizer over the cluster's roles and
//! bindings, and a SelfSubjectReview of the terminal's user.
//!
//! The terminal's user is kind's `kubernetes-admin` (its admin.conf certificate names the
//! group `kubeadm:cluster-admins`, which kubeadm binds to `cluster-admin`).

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::api::discovery;
use crate::engine::errors::ApiError;
use crate::engine::rbac::authorizer::{allows, rules_for, Attributes, StorePolicy, UserInfo};
use crate::kubectl::describe::access_rows;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::tabwriter::format_table;
use crate::shell::Output;

/// The user kind's admin.conf authenticates as.
pub const ADMIN_USER: &str = "kubernetes-admin";
pub const ADMIN_GROUPS: &[&str] = &["kubeadm:cluster-admins", "system:authenticated"];
/// The SHA-256 of the admin certificate, as `whoami` shows it (made up, as the
/// playground's CA is).
pub const ADMIN_CREDENTIAL: &str =
    "X509SHA256=6e1f0b7f3c2a9d84b5e07c1a2f93d6e4c8b1a05f7d2e9c36b48f1a0d5c7e2b93";

pub const FLAGS: &[Flag] = &[
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("quiet", Some('q'), Arity::Bool),
    flag("subresource", None, Arity::Value),
    flag("list", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
    flag("output", Some('o'), Arity::Value),
];

/// `knownResourceVerbs` and `knownNonResourceVerbs`.
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];

/// The verbs of non-resource URLs: `auth can-i` warns about others, `create role`
/// refuses them (kubectl's `nonResourceURLVerbs` and `validNonResourceVerbs`, one set).
pub(crate) const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

/// `kubectl auth SUBCOMMAND`.
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let parsed = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("auth", e),
    };
    let Some(sub) = parsed.positionals.first().cloned() else {
        // A command group without its subcommand: cobra's help, on stderr, status 1.
        let mut o = Output::ok();
        match crate::kubectl::help::text("auth", &[]) {
            Ok(t) => o.err(t),
            Err(e) => return Output::failed_plain(e.to_string()),
        }
        o.status = 1;
        return o;
    };
    let rest: Vec<String> = parsed.positionals[1..].to_vec();
    match sub.as_str() {
        "can-i" => can_i(ctx, &parsed, &rest),
        "whoami" => whoami(ctx, &parsed),
        "reconcile" => {
            Output::failed("kubeplay: `kubectl auth reconcile` is not available in the playground")
        }
        _ => Output::failed(format!(
            "unknown command \"{}\"\nSee 'kubectl auth -h' for help and examples",
            parsed.positionals.join(" ")
        )),
    }
}

/// The terminal's user.
pub fn admin_user() -> UserInfo {
    UserInfo {
        name: ADMIN_USER.into(),
        groups: ADMIN_GROUPS.iter().map(|g| g.to_string()).collect(),
    }
}

/// Who the request is from: whom `--as` impersonates, or the terminal's user.
fn requester(ctx: &Ctx<'_>) -> UserInfo {
    ctx.user.clone().unwrap_or_else(admin_user)
}

/// A warning line as kubectl's WarningPrinter prints it (the message's own newline, then
/// the printer's).
fn warn(out: &mut Output, message: &str) {
    out.err(format!("Warning: {message}\n\n"));
}

/// Resources no server lists that RBAC rules still name (`nonStandardResourceNames`):
/// no warning for them.
const NON_STANDARD_RESOURCES: &[&str] = &["users", "groups"];

fn can_i(ctx: &mut Ctx<'_>, parsed: &flags::Parsed, args: &[String]) -> Output {
    if parsed.bool("list") {
        return can_i_list(ctx, parsed, args);
    }
    if parsed.bool("no-headers") {
        return Output::failed("--no-headers cannot be set without --list specified");
    }
    let [verb, target] = args else {
        return Output::failed("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
    };
    let mut out = Output::ok();
    let mut attrs = Attributes {
        verb: verb.clone(),
        subresource: parsed.value("subresource").unwrap_or("").to_string(),
        ..Attributes::default()
    };
    let mut cluster_scoped = None;
    if target.starts_with('/') {
        attrs.path = target.clone();
        if !attrs.subresource.is_empty() {
            return Output::failed("--subresource can not be used with NonResourceURL");
        }
        if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(&mut out, &format!("verb '{verb}' is not a known verb"));
        }
    } else {
        let (resource, name) = match target.split_once('/') {
            Some((r, n)) => (r, n),
            None => (target.as_str(), ""),
        };
        attrs.name = name.to_string();
        if resource == "*" {
            attrs.resource = "*".into();
        } else {
            let lower = resource.to_ascii_lowercase();
            match discovery::resolve(&lower) {
                Some(r) => {
                    attrs.api_group = r.group.to_string();
                    attrs.resource = r.plural.to_string();
                    cluster_scoped = Some(!r.namespaced);
                }
                None => {
                    let (res, group) = lower.split_once('.').unwrap_or((&lower, ""));
                    if NON_STANDARD_RESOURCES.contains(&lower.as_str()) {
                    } else if group.is_empty() {
                        warn(
                            &mut out,
                            &format!("the server doesn't have a resource type '{res}'"),
                        );
                    } else {
                        warn(
                            &mut out,
                            &format!("the server doesn't have a resource type '{res}' in group '{group}'"),
                        );
                    }
                    attrs.resource = resource.to_string();
                }
            }
        }
        if !parsed.bool("all-namespaces") {
            attrs.namespace = ctx.namespace(parsed);
            if cluster_scoped == Some(true) {
                let msg = if attrs.api_group.is_empty() {
                    format!("resource '{}' is not namespace scoped", attrs.resource)
                } else {
                    format!(
                        "resource '{}' is not namespace scoped in group '{}'",
                        attrs.resource, attrs.api_group
                    )
                };
                warn(&mut out, &msg);
            }
        }
        if !RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(&mut out, &format!("verb '{verb}' is not a known verb"));
        }
    }
    if let Err(e) = may_create_review(ctx, "selfsubjectaccessreviews") {
        out.fail(e.to_string());
        return out;
    }
    let user = requester(ctx);
    let policy = StorePolicy(&ctx.cluster.store);
    let allowed = allows(&policy, &user, &attrs);
    if !parsed.bool("quiet") {
        out.out(if allowed { "yes" } else { "no" });
    }
    if !allowed {
        out.status = 1;
    }
    out
}

/// Creating a review is itself a request (system:basic-user lets every authenticated
/// user make it).
fn may_create_review(ctx: &Ctx<'_>, resource: &str) -> Result<(), ApiError> {
    ctx.authorize(&Attributes {
        verb: "create".into(),
        api_group: "authorization.k8s.io".into(),
        resource: resource.into(),
        ..Attributes::default()
    })
}

/// `kubectl auth can-i --list`: a SelfSubjectRulesReview of the namespace, its rules
/// broken down, compacted and sorted into one table.
fn can_i_list(ctx: &Ctx<'_>, parsed: &flags::Parsed, args: &[String]) -> Output {
    if !args.is_empty() {
        return Output::failed("list option must be specified with no arguments");
    }
    if parsed.bool("quiet") || parsed.bool("all-namespaces") || parsed.has("subresource") {
        return Output::failed(
            "list option can't be specified with neither quiet, all-namespaces nor subresource options",
        );
    }
    if let Err(e) = may_create_review(ctx, "selfsubjectrulesreviews") {
        return Output::failed(e.to_string());
    }
    let user = requester(ctx);
    let policy = StorePolicy(&ctx.cluster.store);
    let rules = rules_for(&policy, &user, &ctx.namespace(parsed));
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !parsed.bool("no-headers") {
        rows.push(
            ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
                .map(String::from)
                .to_vec(),
        );
    }
    rows.extend(access_rows(&rules).into_iter().map(Vec::from));
    let mut out = Output::ok();
    for line in format_table(&rows) {
        out.out(line);
    }
    out
}

/// `kubectl auth whoami`: the SelfSubjectReview's user, as a table (or -o yaml/json).
fn whoami(ctx: &Ctx<'_>, parsed: &flags::Parsed) -> Output {
    if parsed.value("output").is_some_and(|o| !o.is_empty()) {
        return Output::failed(
            "kubeplay: `kubectl auth whoami -o` is not available in the playground",
        );
    }
    let user = requester(ctx);
    let mut rows = vec![
        ["ATTRIBUTE".to_string(), "VALUE".to_string()],
        ["Username".into(), user.name.clone()],
        ["Groups".into(), format!("[{}]", user.groups.join(" "))],
    ];
    if ctx.user.is_none() {
        rows.push([
            "Extra: authentication.kubernetes.io/credential-id".into(),
            format!("[{ADMIN_CREDENTIAL}]"),
        ]);
    }
    let width = rows.iter().map(|r| r[0].len()).max().unwrap_or(0) + 3;
    let mut out = Output::ok();
    for r in rows {
        out.out(format!("{:width$}{}", r[0], r[1]));
    }
    out
}
