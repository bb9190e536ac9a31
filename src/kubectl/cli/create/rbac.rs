//! `kubectl create role|clusterrole|rolebinding|clusterrolebinding` (`create_role.go`,
//! `create_clusterrole.go`, `create_rolebinding.go`, `create_clusterrolebinding.go`): one
//! rule per API group from `--verb` and `--resource`, or a binding of one role to users,
//! groups and service accounts.

use super::{Ctx, Invocation};
use crate::engine::api::discovery;
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const GROUP: &str = "rbac.authorization.k8s.io";

const ROLE_FLAGS: &[Flag] = &[
    flag("verb", None, Arity::Value),
    flag("resource", None, Arity::Value),
    flag("resource-name", None, Arity::Value),
];

const CLUSTER_ROLE_FLAGS: &[Flag] = &[
    flag("verb", None, Arity::Value),
    flag("resource", None, Arity::Value),
    flag("resource-name", None, Arity::Value),
    flag("non-resource-url", None, Arity::Value),
    flag("aggregation-rule", None, Arity::Value),
];

const ROLE_BINDING_FLAGS: &[Flag] = &[
    flag("role", None, Arity::Value),
    flag("clusterrole", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("group", None, Arity::Value),
    flag("serviceaccount", None, Arity::Value),
];

const CLUSTER_ROLE_BINDING_FLAGS: &[Flag] = &[
    flag("clusterrole", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("group", None, Arity::Value),
    flag("serviceaccount", None, Arity::Value),
];

/// `validResourceVerbs`: others are accepted with a warning.
const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];

/// `specialVerbs`: verbs that only make sense on these (group, resource)s.
const SPECIAL_VERBS: &[(&str, &[(&str, &str)])] = &[
    (
        "use",
        &[
            ("policy", "podsecuritypolicies"),
            ("extensions", "podsecuritypolicies"),
        ],
    ),
    (
        "bind",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "escalate",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "impersonate",
        &[
            ("", "users"),
            ("", "serviceaccounts"),
            ("", "groups"),
            ("authentication.k8s.io", "userextras"),
        ],
    ),
];

/// A `--resource` value: `resource.group/subresource`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResourceArg {
    group: String,
    resource: String,
    sub_resource: String,
}

/// pflag's string slice: every use, each split on commas.
fn slice(inv: &Invocation, name: &str) -> Vec<String> {
    inv.parsed
        .all(name)
        .iter()
        .flat_map(|v| v.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .collect()
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// `Complete`'s verbs: `*` alone if given, otherwise each once.
fn verbs(inv: &Invocation) -> Vec<String> {
    let given = slice(inv, "verb");
    if given.iter().any(|v| v == "*") {
        return vec!["*".into()];
    }
    dedup(given)
}

/// `Complete`'s resources: a bare `*` ends the list there.
fn resources(inv: &Invocation) -> Vec<ResourceArg> {
    let mut out = Vec::new();
    for r in slice(inv, "resource") {
        let (head, sub) = match r.split_once('/') {
            Some((h, s)) => (h.to_string(), s.to_string()),
            None => (r.clone(), String::new()),
        };
        let (resource, group) = match head.split_once('.') {
            Some((res, g)) => (res.to_string(), g.to_string()),
            None => (head.clone(), String::new()),
        };
        let arg = ResourceArg {
            group,
            resource,
            sub_resource: sub,
        };
        if arg.resource == "*" && !head.contains('.') && !r.contains('/') {
            out.push(arg);
            break;
        }
        out.push(arg);
    }
    out
}

/// The RESTMapper's `ResourceFor`: the served (group, plural) a name means.
fn resource_for(r: &ResourceArg) -> Option<(&'static str, &'static str)> {
    let name = if r.group.is_empty() {
        r.resource.clone()
    } else {
        format!("{}.{}", r.resource, r.group)
    };
    discovery::resolve(&name).map(|res| (res.group, res.plural))
}

/// Why `validateResource` refused; `true` when the RESTMapper's error is printed as it
/// is (cmdutil.CheckErr prints a no-match error without `error: `).
#[derive(Debug, PartialEq, Eq)]
struct Refusal(String, bool);

fn refused(r: Refusal) -> Output {
    if r.1 {
        let mut o = Output::ok();
        o.err(r.0);
        o.status = 1;
        o
    } else {
        Output::failed(r.0)
    }
}

/// `validateResource`: every resource named, known to the server, and fit for the
/// special verbs.
fn validate_resources(verbs: &[String], resources: &[ResourceArg]) -> Result<(), Refusal> {
    for r in resources {
        if r.resource.is_empty() {
            return Err(Refusal(
                "resource must be specified if apiGroup/subresource specified".into(),
                false,
            ));
        }
        if r.resource == "*" {
            return Ok(());
        }
        let mapped = resource_for(r);
        let (group, plural) = mapped.unwrap_or((&r.group, &r.resource));
        let mut known = mapped.is_some();
        for v in verbs {
            if let Some((_, allowed)) = SPECIAL_VERBS.iter().find(|(s, _)| s == v) {
                if !allowed.iter().any(|(g, res)| *g == group && *res == plural) {
                    return Err(Refusal(
                        format!("can not perform '{v}' on '{plural}' in group '{group}'"),
                        false,
                    ));
                }
                known = true;
            }
        }
        if !known {
            return Err(Refusal(
                format!("the server doesn't have a resource type \"{}\"", r.resource),
                true,
            ));
        }
    }
    Ok(())
}

/// `generateResourcePolicyRules`: one rule per API group (groups sorted), its resources
/// in the order given, then one rule for the non-resource URLs.
fn policy_rules(
    verbs: &[String],
    resources: &[ResourceArg],
    names: &[String],
    urls: &[String],
) -> Vec<Value> {
    let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
    for r in resources {
        let (group, mut plural) = match resource_for(r) {
            Some((g, p)) => (g.to_string(), p.to_string()),
            None => (r.group.clone(), r.resource.clone()),
        };
        if !r.sub_resource.is_empty() {
            plural = format!("{plural}/{}", r.sub_resource);
        }
        match by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) if list.contains(&plural) => {}
            Some((_, list)) => list.push(plural),
            None => by_group.push((group, vec![plural])),
        }
    }
    crate::sort::sort_by_key(&mut by_group, |(g, _)| g.clone());
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(g, list)| {
            let mut rule = json!({"apiGroups": [g], "resources": list, "verbs": verbs});
            if !names.is_empty() {
                rule["resourceNames"] = json!(names);
            }
            rule
        })
        .collect();
    if !urls.is_empty() {
        rules.push(json!({"nonResourceURLs": urls, "verbs": verbs}));
    }
    rules
}

/// Prints `Warning: 'V' is not a standard resource verb` for each unusual verb.
fn warn_verbs(out: &mut Output, verbs: &[String]) {
    for v in verbs
        .iter()
        .filter(|v| !RESOURCE_VERBS.contains(&v.as_str()))
    {
        out.err(format!("Warning: '{v}' is not a standard resource verb"));
    }
}

/// A role refused by the server: `cmdutil.CheckErr`'s text, no prefix of its own.
fn server_error(e: &ApiError) -> String {
    e.to_string()
}

fn with_warnings(mut warnings: Output, result: Output) -> Output {
    warnings.append(result);
    warnings
}

pub(super) fn run_role(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create role", args, ROLE_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let verbs = verbs(&inv);
    let resources = resources(&inv);
    let names = dedup(inv.parsed.all("resource-name"));
    if verbs.is_empty() {
        return Output::failed("at least one verb must be specified");
    }
    let mut warnings = Output::ok();
    warn_verbs(&mut warnings, &verbs);
    if resources.is_empty() {
        return with_warnings(
            warnings,
            Output::failed("at least one resource must be specified"),
        );
    }
    if let Err(e) = validate_resources(&verbs, &resources) {
        return with_warnings(warnings, refused(e));
    }
    let role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": inv.metadata(),
        "rules": policy_rules(&verbs, &resources, &names, &[]),
    });
    let done = inv.finish(ctx, role, "role.rbac.authorization.k8s.io", &server_error);
    with_warnings(warnings, done)
}

/// `--aggregation-rule`'s `key=value,…` (`cliflag.MapStringString`).
fn aggregation_rule(inv: &Invocation) -> Result<Map<String, Value>, Output> {
    let mut labels = Map::new();
    for value in inv.parsed.all("aggregation-rule") {
        for pair in value.split(',').filter(|p| !p.is_empty()) {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(Output::failed(format!(
                    "invalid argument \"{value}\" for \"--aggregation-rule\" flag: malformed pair, expect string=string\nSee 'kubectl create clusterrole --help' for usage."
                )));
            };
            labels.insert(k.trim().to_string(), json!(v.trim()));
        }
    }
    Ok(labels)
}

/// `CreateClusterRoleOptions.Validate`: an aggregation rule alone, or verbs on resources
/// or URLs; a URL starts with `/` and has `*` only at its end.
fn validate_cluster_role(
    verbs: &[String],
    resources: &[ResourceArg],
    urls: &[String],
    warnings: &mut Output,
) -> Result<(), Refusal> {
    if verbs.is_empty() {
        return Err(Refusal("at least one verb must be specified".into(), false));
    }
    if resources.is_empty() && urls.is_empty() {
        return Err(Refusal(
            "one of resource or nonResourceURL must be specified".into(),
            false,
        ));
    }
    if !resources.is_empty() {
        warn_verbs(warnings, verbs);
        validate_resources(verbs, resources)?;
    }
    if !urls.is_empty() {
        if let Some(v) = verbs
            .iter()
            .find(|v| !crate::kubectl::cli::auth::NON_RESOURCE_VERBS.contains(&v.as_str()))
        {
            return Err(Refusal(
                format!("invalid verb: '{v}' for nonResourceURL"),
                false,
            ));
        }
        for u in urls.iter().filter(|u| *u != "*") {
            if !u.starts_with('/') {
                return Err(Refusal("nonResourceURL should start with /".into(), false));
            }
            if u[..u.len() - 1].contains('*') {
                return Err(Refusal(
                    "nonResourceURL only supports wildcard matches when '*' is at the end".into(),
                    false,
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn run_cluster_role(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create clusterrole", args, CLUSTER_ROLE_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let aggregation = match aggregation_rule(&inv) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let urls = dedup(slice(&inv, "non-resource-url"));
    let verbs = verbs(&inv);
    let resources = resources(&inv);
    let names = dedup(inv.parsed.all("resource-name"));
    let mut warnings = Output::ok();
    let mut role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": inv.name},
    });
    if aggregation.is_empty() {
        if let Err(e) = validate_cluster_role(&verbs, &resources, &urls, &mut warnings) {
            return with_warnings(warnings, refused(e));
        }
        role["rules"] = json!(policy_rules(&verbs, &resources, &names, &urls));
    } else {
        if !urls.is_empty() || !verbs.is_empty() || !resources.is_empty() || !names.is_empty() {
            return Output::failed("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames");
        }
        role["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": aggregation}]});
        // The generator leaves `rules` nil, which the client prints as null.
        role["rules"] = Value::Null;
    }
    let done = inv.finish(
        ctx,
        role,
        "clusterrole.rbac.authorization.k8s.io",
        &server_error,
    );
    with_warnings(warnings, done)
}

/// The subjects of `--user`, `--group` and `--serviceaccount` (`namespace:name`), in
/// that order.
fn subjects(inv: &Invocation) -> Result<Vec<Value>, String> {
    let group = "rbac.authorization.k8s.io";
    let mut out = Vec::new();
    for u in inv.parsed.all("user") {
        out.push(json!({"apiGroup": group, "kind": "User", "name": u}));
    }
    for g in inv.parsed.all("group") {
        out.push(json!({"apiGroup": group, "kind": "Group", "name": g}));
    }
    for sa in inv.parsed.all("serviceaccount") {
        match sa.split(':').collect::<Vec<_>>().as_slice() {
            [ns, name] if !ns.is_empty() && !name.is_empty() => {
                out.push(json!({"kind": "ServiceAccount", "name": name, "namespace": ns}))
            }
            _ => return Err("serviceaccount must be <namespace>:<name>".into()),
        }
    }
    Ok(out)
}

fn binding(inv: &Invocation, kind: &str, role_kind: &str, role: &str) -> Result<Value, String> {
    let metadata = if kind == "RoleBinding" {
        inv.metadata()
    } else {
        json!({"name": inv.name})
    };
    let mut b = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
    });
    let subjects = subjects(inv)?;
    if !subjects.is_empty() {
        b["subjects"] = json!(subjects);
    }
    Ok(b)
}

pub(super) fn run_role_binding(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create rolebinding", args, ROLE_BINDING_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let role = inv.parsed.value("role").unwrap_or("").to_string();
    let cluster_role = inv.parsed.value("clusterrole").unwrap_or("").to_string();
    if role.is_empty() == cluster_role.is_empty() {
        return Output::failed("exactly one of clusterrole or role must be specified");
    }
    let (kind, name) = if role.is_empty() {
        ("ClusterRole", cluster_role)
    } else {
        ("Role", role)
    };
    match binding(&inv, "RoleBinding", kind, &name) {
        Ok(b) => inv.finish(ctx, b, "rolebinding.rbac.authorization.k8s.io", &|e| {
            format!("failed to create rolebinding: {}", e.status_message(GROUP))
        }),
        Err(e) => Output::failed(e),
    }
}

pub(super) fn run_cluster_role_binding(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse(
        "create clusterrolebinding",
        args,
        CLUSTER_ROLE_BINDING_FLAGS,
        Some("clusterrole"),
    ) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let role = inv.parsed.value("clusterrole").unwrap_or("").to_string();
    match binding(&inv, "ClusterRoleBinding", "ClusterRole", &role) {
        Ok(b) => inv.finish(
            ctx,
            b,
            "clusterrolebinding.rbac.authorization.k8s.io",
            &|e| {
                format!(
                    "failed to create clusterrolebinding: {}",
                    e.status_message(GROUP)
                )
            },
        ),
        Err(e) => Output::failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(resource: &str, group: &str, sub: &str) -> ResourceArg {
        ResourceArg {
            group: group.into(),
            resource: resource.into(),
            sub_resource: sub.into(),
        }
    }

    #[test]
    fn resources_become_one_rule_per_group_with_plural_names() {
        let verbs = vec!["get".to_string()];
        let rules = policy_rules(
            &verbs,
            &[
                arg("rs", "apps", ""),
                arg("pods", "", ""),
                arg("pods", "", "status"),
            ],
            &[],
            &[],
        );
        assert_eq!(rules[0]["apiGroups"], json!([""]));
        assert_eq!(rules[0]["resources"], json!(["pods", "pods/status"]));
        assert_eq!(rules[1]["resources"], json!(["replicasets"]));
    }

    #[test]
    fn special_verbs_only_apply_to_their_resources() {
        let err = validate_resources(&["use".into()], &[arg("pods", "", "")]).unwrap_err();
        assert_eq!(err.0, "can not perform 'use' on 'pods' in group ''");
        assert!(validate_resources(&["bind".into()], &[arg("roles", "", "")]).is_ok());
        assert!(validate_resources(&["bind".into()], &[arg("pods", "", "")]).is_err());
        assert_eq!(
            validate_resources(&["get".into()], &[arg("foo", "", "")])
                .unwrap_err()
                .0,
            "the server doesn't have a resource type \"foo\""
        );
    }
}
