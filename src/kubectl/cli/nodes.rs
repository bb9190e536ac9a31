//! Node maintenance: `kubectl cordon`, `uncordon`, `drain` and `taint`
//! (kubectl `pkg/cmd/drain/drain.go`, `pkg/drain/{drain,filters,cordon}.go`,
//! `pkg/cmd/taint/{taint,utils}.go`).

use super::drain_filters::DrainFilters;
use super::evictions::Drain;
use super::flags::{self, flag, Arity, Flag};
use super::resource::parse_targets;
use super::{flag_error, Ctx, Outcome};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::{ApiError, Cluster};
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;
use serde_json::Value;

pub(crate) const CORDON_FLAGS: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("dry-run", None, Arity::Value),
];

pub(crate) const DRAIN_FLAGS: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("ignore-daemonsets", None, Arity::Bool),
    flag("delete-emptydir-data", None, Arity::Bool),
    flag("delete-local-data", None, Arity::Bool),
    flag("force", None, Arity::Bool),
    flag("grace-period", None, Arity::Value),
    flag("timeout", None, Arity::Value),
    flag("disable-eviction", None, Arity::Bool),
    flag("pod-selector", None, Arity::Value),
    flag("skip-wait-for-delete-timeout", None, Arity::Value),
    flag("chunk-size", None, Arity::Value),
];

pub(crate) const TAINT_FLAGS: &[Flag] = &[
    flag("overwrite", None, Arity::Bool),
    flag("all", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("validate", None, Arity::Value),
];

/// cobra's `UsageErrorf` for a verb used without its NODE argument.
fn usage_text(verb: &str) -> String {
    format!("USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples")
}

/// The nodes a cordon/drain command names (`Complete` in kubectl's drain.go, its
/// builder's `ResourceNames("nodes", args...)`): each argument a node's name or `TYPE/NAME`,
/// or the nodes `-l` selects (in name order, as the API lists them). Every one is looked
/// up before anything is done; the first failure is the command's error.
fn node_names(cluster: &Cluster, verb: &str, p: &flags::Parsed) -> Result<Vec<String>, String> {
    let selector = p.value("selector");
    if p.positionals.is_empty() && selector.is_none() {
        return Err(usage_text(verb));
    }
    if !p.positionals.is_empty() && selector.is_some_and(|s| !s.is_empty()) {
        return Err(format!(
            "error: cannot specify both a node name and a --selector option\nSee 'kubectl {verb} -h' for help and examples"
        ));
    }
    if verb == "drain" {
        if let Some(ps) = p.value("pod-selector").filter(|s| !s.is_empty()) {
            if Selector::parse(ps).is_err() {
                return Err("--pod-selector=<pod_selector> must be a valid label selector".into());
            }
        }
    }
    if let Some(s) = selector.filter(|_| p.positionals.is_empty()) {
        let sel = Selector::parse(s).map_err(|e| {
            format!(
                "Error from server (BadRequest): Unable to find \"/v1, Resource=nodes\" that match label selector \"{s}\", field selector \"\": {e}"
            )
        })?;
        return Ok(cluster
            .store
            .list("Node", None)
            .filter(|n| sel.matches(&labels_of(n)))
            .map(|n| meta_str(n, "name").to_string())
            .collect());
    }
    let mut names = Vec::new();
    for arg in &p.positionals {
        if !arg.contains('/') {
            if cluster.get("Node", "", arg).is_none() {
                return Err(not_found(arg));
            }
            names.push(arg.clone());
            continue;
        }
        let targets = parse_targets(std::slice::from_ref(arg)).map_err(|e| e.to_string())?;
        for t in targets {
            let r = t.resource;
            for name in t.names {
                let ns = if r.namespaced { "default" } else { "" };
                if cluster.get(r.kind, ns, &name).is_none() {
                    let resource = match r.group {
                        "" => r.plural.to_string(),
                        g => format!("{}.{g}", r.plural),
                    };
                    return Err(ApiError::not_found(&resource, &name).to_string());
                }
                if r.kind != "Node" {
                    return Err(format!(
                        "error: expected resource of type node, got \"{}/{}, Resource={}\"",
                        r.group, r.version, r.plural
                    ));
                }
                names.push(name);
            }
        }
    }
    Ok(names)
}

/// `taint`'s `node/NAME…` arguments.
fn typed_node_names(positionals: &[String]) -> Result<Vec<String>, String> {
    let targets = parse_targets(positionals).map_err(|e| e.to_string())?;
    let mut names = Vec::new();
    for t in targets {
        if t.resource.kind != "Node" {
            return Err(format!(
                "error: expected resource of type node, got \"{}\"",
                t.resource.plural
            ));
        }
        names.extend(t.names);
    }
    Ok(names)
}

fn not_found(name: &str) -> String {
    ApiError::not_found("nodes", name).to_string()
}

/// Sets `spec.unschedulable`; prints `node/NAME cordoned` / `already cordoned` / ….
fn set_cordon(ctx: &mut Ctx<'_>, out: &mut Output, name: &str, desired: bool) -> bool {
    let Some(node) = ctx.cluster.get("Node", "", name).cloned() else {
        out.fail(not_found(name));
        return false;
    };
    let current = node.at("/spec/unschedulable").and_then(Value::as_bool) == Some(true);
    let word = if desired { "cordoned" } else { "uncordoned" };
    if current == desired {
        out.out(format!("node/{name} already {word}"));
        return true;
    }
    let mut obj = (*node).clone();
    if desired {
        obj["spec"]["unschedulable"] = json!(true);
    } else if let Some(spec) = obj["spec"].as_object_mut() {
        spec.remove("unschedulable");
    }
    // cordon names no field manager: its user agent, `kubectl`, does.
    match ctx.cluster.update_as(obj, "kubectl", "") {
        Ok(_) => {
            out.out(format!("node/{name} {word}"));
            true
        }
        Err(e) => {
            let verb = if desired { "cordon" } else { "uncordon" };
            out.err(format!(
                "error: unable to {verb} node \"{name}\": {}",
                e.status_message("")
            ));
            out.status = 1;
            false
        }
    }
}

/// `kubectl cordon NODE` / `kubectl uncordon NODE`.
pub fn cordon(ctx: &mut Ctx<'_>, args: &[String], desired: bool) -> Output {
    let verb = if desired { "cordon" } else { "uncordon" };
    let p = match flags::parse(args, CORDON_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error(verb, e),
    };
    let names = match node_names(ctx.cluster, verb, &p) {
        Ok(n) => n,
        Err(e) => return Output::failed(e),
    };
    let mut out = Output::ok();
    for n in names {
        set_cordon(ctx, &mut out, &n, desired);
    }
    out
}

/// `kubectl drain NODE… | -l SELECTOR`: cordon every node, then drain them one after
/// another (see [`Drain`]).
pub fn drain(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, DRAIN_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("drain", e).into(),
    };
    let names = match node_names(ctx.cluster, "drain", &p) {
        Ok(n) => n,
        Err(e) => return Output::failed(e).into(),
    };
    let dry_run = p.value("dry-run").is_some_and(|d| d != "none");
    let mut out = Output::ok();
    for n in &names {
        if dry_run {
            out.out(format!("node/{n} cordoned (dry run)"));
        } else if !set_cordon(ctx, &mut out, n, true) {
            return out.into();
        }
    }
    let filters = DrainFilters {
        force: p.bool("force"),
        ignore_daemonsets: p.bool("ignore-daemonsets"),
        delete_emptydir_data: p.bool("delete-emptydir-data") || p.bool("delete-local-data"),
        pod_selector: p
            .value("pod-selector")
            .filter(|s| !s.is_empty())
            .and_then(|s| Selector::parse(s).ok()),
        skip_wait_for_delete_timeout: p
            .value("skip-wait-for-delete-timeout")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
    };
    let mut drain = Drain {
        filters,
        grace: p
            .value("grace-period")
            .and_then(|g| g.parse::<i64>().ok())
            .filter(|g| *g >= 0),
        evict: !p.bool("disable-eviction"),
        dry_run,
        timeout: drain_timeout(p.value("timeout")),
        current: None,
        queue: names.into(),
        refused: Vec::new(),
    };
    if let Some(status) = drain.step(ctx.cluster, &mut out) {
        out.status = status;
        return out.into();
    }
    Outcome::Running(out, Box::new(Running::new(Process::Drain(drain))))
}

/// `--timeout`: how long each node may take, and the duration as Go prints it (`0` or
/// absent: no limit).
fn drain_timeout(flag: Option<&str>) -> Option<(crate::engine::Millis, String)> {
    let ms = flag
        .and_then(crate::kubectl::cli::delete::parse_go_duration)
        .filter(|t| *t > 0)?;
    Some((ms, crate::kubectl::printers::duration::go_duration(ms)))
}

/// One taint as `kubectl taint` parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    /// `Taint.ToString`: `key=value:effect`, parts left out when empty.
    fn show(&self) -> String {
        let mut s = self.key.clone();
        if !self.value.is_empty() {
            s.push('=');
            s.push_str(&self.value);
        }
        if !self.effect.is_empty() {
            s.push(':');
            s.push_str(&self.effect);
        }
        s
    }

    fn matches(&self, v: &Value) -> bool {
        v["key"].as_str() == Some(&self.key) && v["effect"].as_str() == Some(&self.effect)
    }
}

fn valid_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
    });
    name_ok && prefix_ok
}

/// `parseTaint`.
fn parse_taint(st: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = st.split(':').collect();
    let (key, value, effect) = match parts.len() {
        1 => (parts[0].to_string(), String::new(), String::new()),
        2 => {
            let effect = parts[1];
            if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = parts[0].split('=').collect();
            if kv.len() > 2 {
                return Err(format!("invalid taint spec: {st}"));
            }
            let value = kv.get(1).map(|v| v.to_string()).unwrap_or_default();
            (kv[0].to_string(), value, effect.to_string())
        }
        _ => return Err(format!("invalid taint spec: {st}")),
    };
    if !valid_key(&key) {
        return Err(format!("invalid taint spec: {st}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
    }
    Ok(Taint { key, value, effect })
}

/// `kubectl taint nodes NODE key=value:Effect … | key:Effect- | key-`
/// parseTaints' errors, which taint's Complete returns as usage errors.
fn taint_usage(message: &str) -> Output {
    Output::failed(format!(
        "{message}\nSee 'kubectl taint -h' for help and examples"
    ))
}

pub fn taint(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, TAINT_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("taint", e),
    };
    let mut resources = Vec::new();
    let mut specs = Vec::new();
    for s in &p.positionals {
        let is_taint = s.contains('=') || s.contains(':') || s.ends_with('-');
        match (specs.is_empty(), is_taint) {
            (_, true) => specs.push(s.clone()),
            (true, false) => resources.push(s.clone()),
            (false, false) => {
                return Output::failed(format!(
                    "all resources must be specified before taint changes: {s}"
                ))
            }
        }
    }
    if resources.is_empty() {
        return Output::failed("one or more resources must be specified as <resource> <name>");
    }
    if specs.is_empty() {
        return Output::failed("at least one taint update is required");
    }
    let mut add: Vec<Taint> = Vec::new();
    let mut remove: Vec<Taint> = Vec::new();
    for s in &specs {
        if let Some(r) = s.strip_suffix('-') {
            match parse_taint(r) {
                Ok(mut t) => {
                    t.value.clear();
                    remove.push(t);
                }
                Err(e) => return taint_usage(&e),
            }
        } else {
            match parse_taint(s) {
                Ok(t) if t.effect.is_empty() => {
                    return taint_usage(&format!("invalid taint spec: {s}"))
                }
                Ok(t) => {
                    if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                        return taint_usage(&format!(
                            "duplicated taints with the same key and effect: {}",
                            t.show()
                        ));
                    }
                    add.push(t);
                }
                Err(e) => return taint_usage(&e),
            }
        }
    }
    let conflicts: Vec<String> = remove
        .iter()
        .filter(|r| add.iter().any(|a| a.key == r.key && a.effect == r.effect))
        .map(|r| format!("{}={}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return Output::failed(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let ty = &resources[0];
    let names: Vec<String> = if ty.contains('/') {
        match typed_node_names(&resources) {
            Ok(n) => n,
            Err(e) => return Output::failed(e),
        }
    } else {
        match crate::kubectl::cli::resource::resolve(ty) {
            Ok(r) if r.kind == "Node" => resources[1..].to_vec(),
            Ok(_) => {
                return Output::failed(format!(
                    "invalid resource type {ty}, only node types are supported"
                ))
            }
            Err(e) => return Output::failed(e.to_string()),
        }
    };
    if names.is_empty() {
        return Output::failed(
            "at least one resource name must be specified since 'all' parameter is not set",
        );
    }
    let overwrite = p.bool("overwrite");
    let mut out = Output::ok();
    for name in names {
        let Some(node) = ctx.cluster.get("Node", "", &name).cloned() else {
            out.fail(not_found(&name));
            continue;
        };
        let old: Vec<Value> = node
            .at("/spec/taints")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| t.matches(o)))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                out.fail(format!("node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")));
                continue;
            }
        }
        // reorganizeTaints: the new ones, then the old ones not replaced, minus removals.
        let mut next: Vec<Value> = add
            .iter()
            .map(|t| {
                let mut v = json!({"effect": t.effect, "key": t.key});
                if !t.value.is_empty() {
                    v["value"] = json!(t.value);
                }
                v
            })
            .collect();
        for o in &old {
            if !add.iter().any(|t| t.matches(o)) {
                next.push(o.clone());
            }
        }
        let added = old.len() != next.len();
        let mut errs = Vec::new();
        let mut removed = false;
        for r in &remove {
            let len = next.len();
            next.retain(|v| {
                !(v["key"].as_str() == Some(&r.key)
                    && (r.effect.is_empty() || v["effect"].as_str() == Some(&r.effect)))
            });
            removed = next.len() != len;
            if !removed {
                errs.push(format!("taint \"{}\" not found", r.show()));
            }
        }
        if !errs.is_empty() {
            out.fail(if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            });
            continue;
        }
        let operation = if (added && removed) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        let mut obj = (*node).clone();
        if next.is_empty() {
            if let Some(spec) = obj["spec"].as_object_mut() {
                spec.remove("taints");
            }
        } else {
            obj["spec"]["taints"] = json!(next);
        }
        if p.value("dry-run").is_some_and(|d| d != "none") {
            out.out(format!("node/{name} {operation} (dry run)"));
            continue;
        }
        match ctx.cluster.update_as(obj, "kubectl-taint", "") {
            Ok(_) => out.out(format!("node/{name} {operation}")),
            Err(e) => out.fail(e.to_string()),
        }
    }
    out
}
