//! Node maintenance: `kubectl cordon`, `uncordon`, `drain` and `taint`
//! (kubectl `pkg/cmd/drain/drain.go`, `pkg/drain/{drain,filters,cordon}.go`,
//! `pkg/cmd/taint/{taint,utils}.go`).

use super::evictions::{self, Asked, Drain, Eviction, NodeDrain};
use super::flags::{self, flag, Arity, Flag};
use super::resource::parse_targets;
use super::{flag_error, Ctx, Outcome};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::json::At;
use crate::engine::ApiError;
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
fn usage(verb: &str) -> Output {
    Output::failed(format!(
        "USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
    ))
}

/// The node names a cordon/drain command names (`NODE`, `node/NODE`, `nodes NODE`).
fn node_names(positionals: &[String]) -> Result<Vec<String>, String> {
    if positionals.len() == 1 && !positionals[0].contains('/') {
        return Ok(positionals.to_vec());
    }
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
    if p.positionals.is_empty() {
        return usage(verb);
    }
    let names = match node_names(&p.positionals) {
        Ok(n) => n,
        Err(e) => return Output::failed(e),
    };
    let mut out = Output::ok();
    for n in names {
        set_cordon(ctx, &mut out, &n, desired);
    }
    out
}

/// Why `drain` may or may not delete one pod (`pkg/drain/filters.go`).
enum Verdict {
    Delete,
    /// Deleted, with a warning line naming the pod.
    DeleteWarn(&'static str),
    /// Left alone, with a warning.
    SkipWarn(&'static str),
    Refuse(&'static str),
}

fn finished(pod: &Value) -> bool {
    matches!(
        pod.at("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    )
}

/// The filters in kubectl's order, stopping at the first that keeps the pod.
fn judge(ctx: &Ctx<'_>, pod: &Value, p: &flags::Parsed) -> Verdict {
    let ns = meta_str(pod, "namespace");
    let owner = crate::engine::controllers::controller_ref(pod);
    let force = p.bool("force");
    let mut verdict = Verdict::Delete;
    // daemonSetFilter
    if let Some(r) = owner.filter(|r| r["kind"] == "DaemonSet") {
        if !finished(pod) {
            let exists = ctx
                .cluster
                .get("DaemonSet", ns, r["name"].as_str().unwrap_or(""))
                .is_some();
            if !exists {
                if !force {
                    return Verdict::Refuse("daemonsets.apps not found");
                }
            } else if !p.bool("ignore-daemonsets") {
                return Verdict::Refuse(
                    "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                );
            } else {
                return Verdict::SkipWarn("ignoring DaemonSet-managed Pods");
            }
        }
    }
    // localStorageFilter
    let local = pod
        .at("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|v| v.get("emptyDir").is_some());
    if local && !finished(pod) {
        if !(p.bool("delete-emptydir-data") || p.bool("delete-local-data")) {
            return Verdict::Refuse(
                "Pods with local storage (use --delete-emptydir-data to override)",
            );
        }
        // kubectl's own TODO: this warning is dropped by the filters after it.
        verdict = Verdict::Delete;
    }
    // unreplicatedFilter
    if !finished(pod) && owner.is_none() {
        if !force {
            return Verdict::Refuse(
                "cannot delete Pods that declare no controller (use --force to override)",
            );
        }
        verdict = Verdict::DeleteWarn("deleting Pods that declare no controller");
    }
    verdict
}

/// Groups `ns/name` by message, in order of first appearance, as `msg: a, b; msg2: c`.
fn grouped(items: &[(&'static str, String)]) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (msg, pod) in items {
        match groups.iter_mut().find(|(m, _)| m == msg) {
            Some((_, v)) => v.push(pod.clone()),
            None => groups.push((msg, vec![pod.clone()])),
        }
    }
    groups
}

/// `kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]`: cordon,
/// then evict the node's pods and wait until they are gone.
pub fn drain(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, DRAIN_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("drain", e).into(),
    };
    if p.positionals.is_empty() {
        return usage("drain").into();
    }
    let names = match node_names(&p.positionals) {
        Ok(n) => n,
        Err(e) => return Output::failed(e).into(),
    };
    let dry = p.value("dry-run").is_some_and(|d| d != "none");
    let mut out = Output::ok();
    for n in &names {
        if ctx.cluster.get("Node", "", n).is_none() {
            return Output::failed(not_found(n)).into();
        }
    }
    for n in &names {
        if dry {
            out.out(format!("node/{n} cordoned (dry run)"));
        } else if !set_cordon(ctx, &mut out, n, true) {
            return out.into();
        }
    }
    let grace = p
        .value("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    let evict = !p.bool("disable-eviction");
    let mut drain = Drain {
        nodes: Vec::new(),
        refused: Vec::new(),
        grace,
        deadline: drain_timeout(ctx.cluster.now, p.value("timeout")),
    };
    for n in &names {
        let pods: Vec<Value> = ctx
            .cluster
            .store
            .pods_on_node(n)
            .map(|pod| (**pod).clone())
            .collect();
        let mut delete = Vec::new();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for pod in &pods {
            let id = format!("{}/{}", meta_str(pod, "namespace"), meta_str(pod, "name"));
            match judge(ctx, pod, &p) {
                Verdict::Delete => delete.push(pod.clone()),
                Verdict::DeleteWarn(m) => {
                    warnings.push((m, id));
                    delete.push(pod.clone());
                }
                Verdict::SkipWarn(m) => warnings.push((m, id)),
                Verdict::Refuse(m) => errors.push((m, id)),
            }
        }
        if !errors.is_empty() {
            // `PodDeleteList.errors`: each message after `cannot delete ` (the
            // unreplicated filter's own message starts with those words too).
            let errs: Vec<String> = grouped(&errors)
                .into_iter()
                .map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", ")))
                .collect();
            let joined = evictions::aggregate(&errs);
            out.err(format!(
                "error: unable to drain node \"{n}\" due to error: {joined}, continuing command..."
            ));
            drain.refused.push((n.clone(), errs));
            continue;
        }
        if !warnings.is_empty() {
            let w: Vec<String> = grouped(&warnings)
                .into_iter()
                .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
                .collect();
            out.err(format!("Warning: {}", w.join("; ")));
        }
        let mut node = NodeDrain {
            node: n.clone(),
            pods: Vec::new(),
            candidates: Vec::new(),
            errors: Vec::new(),
            done: false,
        };
        for pod in delete {
            let ns = meta_str(&pod, "namespace").to_string();
            let name = meta_str(&pod, "name").to_string();
            if dry {
                out.out(format!("evicting pod {ns}/{name} (dry run)"));
                continue;
            }
            node.candidates.push((ns.clone(), name.clone()));
            let mut eviction = Eviction {
                namespace: ns.clone(),
                name: name.clone(),
                uid: None,
                retry_at: None,
            };
            if !evict {
                out.out(format!("evicting pod {ns}/{name}"));
                let opts = DeleteOptions {
                    grace_period_seconds: grace,
                    ..DeleteOptions::default()
                };
                if ctx.cluster.delete("Pod", &ns, &name, opts).is_ok() {
                    eviction.uid = Some(meta_str(&pod, "uid").to_string());
                    node.pods.push(eviction);
                }
                continue;
            }
            match evictions::evict(ctx.cluster, &ns, &name, grace, &mut out) {
                Asked::Evicted(uid) => eviction.uid = Some(uid),
                Asked::Gone => continue,
                Asked::Retry => eviction.retry_at = Some(ctx.cluster.now + evictions::RETRY_AFTER),
                Asked::Failed(e) => {
                    node.errors.push(e);
                    continue;
                }
            }
            node.pods.push(eviction);
        }
        if dry {
            out.out(format!("node/{n} drained (dry run)"));
            continue;
        }
        drain.nodes.push(node);
    }
    // Nodes with nothing left to wait for are reported now, as the rest will be.
    if let Some(status) = drain.poll(ctx.cluster, &mut out) {
        out.status = status;
        return out.into();
    }
    Outcome::Running(out, Box::new(Running::new(Process::Drain(drain))))
}

/// `--timeout`: the drain's deadline and the duration as Go prints it (`0` or absent:
/// none).
fn drain_timeout(
    now: crate::engine::Millis,
    flag: Option<&str>,
) -> Option<(crate::engine::Millis, String)> {
    let ms = flag
        .and_then(crate::kubectl::cli::delete::parse_go_duration)
        .filter(|t| *t > 0)?;
    Some((
        now + ms,
        crate::kubectl::printers::duration::go_duration(ms),
    ))
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
        match node_names(&resources) {
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
