//! `kubectl rollout status|history|undo|pause|resume|restart`.

use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets, Target};
use super::{flag_error, Ctx, Outcome};
use crate::engine::controllers::history;
use crate::engine::json::At;
use crate::engine::time::format_rfc3339;
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::describe::pod_template_raw;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::tabwriter::format_tabbed;
use crate::kubectl::process::{Process, RolloutWatch, Running};
use crate::shell::Output;
use serde_json::Value;
use std::rc::Rc;

pub(crate) const FLAGS: &[Flag] = &[
    flag("watch", Some('w'), Arity::Bool),
    flag("timeout", None, Arity::Value),
    flag("revision", None, Arity::Value),
    flag("to-revision", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("dry-run", None, Arity::Value),
];

fn int(v: &Value, pointer: &str) -> i64 {
    v.at(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// The line `rollout status` prints for the object now, and whether the rollout is done.
pub fn status_line(kind: &str, obj: &Value) -> Result<(String, bool), String> {
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let generation = int(obj, "/metadata/generation");
    let observed = int(obj, "/status/observedGeneration");
    match kind {
        "Deployment" => {
            if generation > observed {
                return Ok((
                    "Waiting for deployment spec update to be observed...".into(),
                    false,
                ));
            }
            let deadline = obj
                .at("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded");
            if deadline {
                return Err(format!(
                    "deployment \"{name}\" exceeded its progress deadline"
                ));
            }
            let replicas = obj
                .at("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let (updated, total, available) = (
                int(obj, "/status/updatedReplicas"),
                int(obj, "/status/replicas"),
                int(obj, "/status/availableReplicas"),
            );
            if updated < replicas {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."), false));
            }
            if total > updated {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", total - updated), false));
            }
            if available < updated {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), false));
            }
            Ok((
                format!("deployment \"{name}\" successfully rolled out"),
                true,
            ))
        }
        "DaemonSet" => {
            if obj.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("RollingUpdate")
            {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".into(),
                );
            }
            if generation > observed {
                return Ok((
                    "Waiting for daemon set spec update to be observed...".into(),
                    false,
                ));
            }
            let desired = int(obj, "/status/desiredNumberScheduled");
            let updated = int(obj, "/status/updatedNumberScheduled");
            let available = int(obj, "/status/numberAvailable");
            if updated < desired {
                return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."), false));
            }
            if available < desired {
                return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."), false));
            }
            Ok((
                format!("daemon set \"{name}\" successfully rolled out"),
                true,
            ))
        }
        "StatefulSet" => {
            if obj.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("RollingUpdate")
            {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".into(),
                );
            }
            if observed == 0 || generation > observed {
                return Ok((
                    "Waiting for statefulset spec update to be observed...".into(),
                    false,
                ));
            }
            let replicas = obj
                .at("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let ready = int(obj, "/status/readyReplicas");
            if ready < replicas {
                return Ok((
                    format!("Waiting for {} pods to be ready...", replicas - ready),
                    false,
                ));
            }
            let updated = int(obj, "/status/updatedReplicas");
            if let Some(partition) = obj
                .at("/spec/updateStrategy/rollingUpdate/partition")
                .and_then(Value::as_i64)
            {
                if updated < replicas - partition {
                    return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...", replicas - partition), false));
                }
                return Ok((
                    format!(
                        "partitioned roll out complete: {updated} new pods have been updated..."
                    ),
                    true,
                ));
            }
            let update_rev = obj
                .at("/status/updateRevision")
                .and_then(Value::as_str)
                .unwrap_or("");
            let current_rev = obj
                .at("/status/currentRevision")
                .and_then(Value::as_str)
                .unwrap_or("");
            if update_rev != current_rev {
                return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."), false));
            }
            Ok((
                format!(
                    "statefulset rolling update complete {} pods at revision {current_rev}...",
                    int(obj, "/status/currentReplicas")
                ),
                true,
            ))
        }
        other => Err(format!(
            "no status viewer has been implemented for {}",
            // A GroupKind as Go prints it: `ConfigMap`, `Job.batch`.
            crate::engine::api::discovery::RESOURCES
                .iter()
                .find(|r| r.kind == other && !r.group.is_empty())
                .map_or(other.to_string(), |r| format!("{other}.{}", r.group))
        )),
    }
}

/// The single object a rollout subcommand acts on.
fn target(ctx: &Ctx<'_>, p: &flags::Parsed) -> Result<(Target, String, Rc<Value>), String> {
    let targets = parse_targets(&p.positionals).map_err(|e| e.to_string())?;
    let Some(t) = targets.into_iter().next() else {
        return Err("required resource not specified".into());
    };
    let Some(name) = t.names.first().cloned() else {
        return Err("required resource not specified".into());
    };
    let ns = ctx.namespace(p);
    ctx.may("get", t.resource, &ns, &name)
        .map_err(|e| e.to_string())?;
    let obj = ctx
        .cluster
        .get(t.resource.kind, &ns, &name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t.resource.group_resource(), &name).to_string())?;
    Ok((t, name, obj))
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let Some(sub) = args.first().cloned() else {
        return super::no_subcommand("rollout", args, true).into();
    };
    let p = match flags::parse(&args[1..], FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error(&format!("rollout {sub}"), e).into(),
    };
    if !matches!(
        sub.as_str(),
        "status" | "history" | "undo" | "pause" | "resume" | "restart"
    ) {
        return super::no_subcommand("rollout", args, true).into();
    }
    let (t, name, obj) = match target(ctx, &p) {
        Ok(x) => x,
        Err(e) => return Output::failed(e).into(),
    };
    let kind = t.resource.kind;
    let kg = kind_group(t.resource);
    let gr = t.resource.group_resource();
    // What each subcommand asks after its read: status watches the object, pause,
    // resume and restart patch it; history and undo read revisions, which
    // impersonation does not cover yet.
    let ns = ctx.namespace(&p);
    match sub.as_str() {
        "status" => {
            let refused = ["list", "watch"]
                .iter()
                .find_map(|verb| ctx.may(verb, t.resource, &ns, &name).err());
            if let Some(e) = refused {
                // client-go's reflector retries a refused list forever, logging each
                // refusal; the playground says so once instead of hanging.
                return Output::failed_plain(format!(
                    "kubeplay: kubectl rollout status would wait here forever, its watch refused again and again: {}",
                    e.status_message("")
                ))
                .into();
            }
        }
        "pause" | "resume" | "restart" => {
            if let Err(e) = ctx.may("patch", t.resource, &ns, &name) {
                return Output::failed(e.to_string()).into();
            }
        }
        "history" if kind == "Deployment" => {
            let rs = super::resource::resolve("replicasets").expect("replicasets are served");
            if let Err(e) = ctx.may("list", rs, &ns, "") {
                return Output::failed(format!(
                    "failed to retrieve replica sets from deployment {name}: {}",
                    e.status_message("")
                ))
                .into();
            }
        }
        _ if ctx.user.is_some() => {
            return super::impersonation::not_simulated(&format!("rollout {sub}")).into()
        }
        _ => {}
    }
    match sub.as_str() {
        "status" => status(ctx, &p, kind, &name, &obj),
        "history" => history_cmd(ctx, &p, kind, &kg, &obj).into(),
        "undo" => undo(ctx, &p, kind, &kg, &obj).into(),
        "pause" | "resume" => {
            let pausing = sub == "pause";
            if kind != "Deployment" {
                let what = if pausing { "pausing" } else { "resuming" };
                return Output::failed(format!("{gr} \"{name}\" {what} is not supported")).into();
            }
            let paused = obj
                .at("/spec/paused")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if paused == pausing {
                let state = if pausing {
                    "is already paused"
                } else {
                    "is not paused"
                };
                return Output::failed(format!("{gr} \"{name}\" {state}")).into();
            }
            let mut o = (*obj).clone();
            if pausing {
                o["spec"]["paused"] = json!(true);
            } else if let Some(spec) = o["spec"].as_object_mut() {
                spec.remove("paused");
            }
            let mut out = Output::ok();
            match ctx.cluster.update_as(o, "kubectl-rollout", "") {
                Ok(_) => out.out(format!(
                    "{kg}/{name} {}",
                    if pausing { "paused" } else { "resumed" }
                )),
                Err(e) => out.fail(e.to_string()),
            }
            out.into()
        }
        _ => {
            if !matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet") {
                return Output::failed(format!("{gr} \"{name}\" restarting is not supported"))
                    .into();
            }
            // objectrestarter.go: a paused Deployment is refused before any patch.
            if kind == "Deployment" && obj.at("/spec/paused") == Some(&json!(true)) {
                return Output::failed(format!(
                    "{gr} \"{name}\" can't restart paused deployment (run rollout resume first)"
                ))
                .into();
            }
            let mut o = (*obj).clone();
            let now = format_rfc3339(ctx.cluster.now);
            if !o["spec"]["template"]["metadata"].is_object() {
                o["spec"]["template"]["metadata"] = json!({});
            }
            if !o["spec"]["template"]["metadata"]["annotations"].is_object() {
                o["spec"]["template"]["metadata"]["annotations"] = json!({});
            }
            o["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
                json!(now);
            let mut out = Output::ok();
            match ctx.cluster.update_as(o, "kubectl-rollout", "") {
                Ok(_) => out.out(format!("{kg}/{name} restarted")),
                Err(e) => out.fail(e.to_string()),
            }
            out.into()
        }
    }
}

fn status(
    ctx: &mut Ctx<'_>,
    p: &flags::Parsed,
    kind: &'static str,
    name: &str,
    obj: &Value,
) -> Outcome {
    let mut out = Output::ok();
    // rollout_status.go (DeploymentStatusViewer): `--revision` is compared with the
    // Deployment's revision annotation before anything else.
    if let Some(r) = p.value("revision") {
        let Ok(wanted) = r.parse::<i64>() else {
            return Output::failed(format!(
                "invalid argument \"{r}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax"
            ))
            .into();
        };
        if wanted > 0 && kind == "Deployment" {
            let running = obj
                .at("/metadata/annotations/deployment.kubernetes.io~1revision")
                .and_then(Value::as_str)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0);
            if running != wanted {
                return Output::failed(format!(
                    "desired revision ({wanted}) is different from the running revision ({running})"
                ))
                .into();
            }
        }
    }
    let (line, done) = match status_line(kind, obj) {
        Ok(x) => x,
        Err(e) => return Output::failed(e).into(),
    };
    out.out(&line);
    let watch = p.value("watch").is_none_or(|w| w != "false");
    if done || !watch {
        return out.into();
    }
    let ns = ctx.namespace(p);
    let running = Running::new(Process::Rollout(RolloutWatch {
        kind,
        namespace: ns,
        name: name.to_string(),
        cursor: ctx.cluster.store.resource_version(),
        last_line: Some(line),
    }));
    let running = running.with_kubectl_timeout(ctx.cluster.now, p.value("timeout"));
    Outcome::Running(out, Box::new(running))
}

/// The annotations kubectl's rollback writes over a Deployment's: the revision's
/// ReplicaSet's (its change-cause with them, or none), except the ones the Deployment
/// keeps (last-applied, revision bookkeeping, the deprecated rollbackTo).
fn rollback_annotations(ctx: &Ctx<'_>, deployment: &Value, revision: i64) -> Value {
    const KEPT: [&str; 6] = [
        "kubectl.kubernetes.io/last-applied-configuration",
        "deployment.kubernetes.io/revision",
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    ];
    let uid = deployment
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut out = serde_json::Map::new();
    if let Some(own) = deployment
        .at("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in own.iter().filter(|(k, _)| KEPT.contains(&k.as_str())) {
            out.insert(k.clone(), v.clone());
        }
    }
    let owned = crate::engine::controllers::ownership::owned(ctx.cluster, uid, "ReplicaSet");
    let rs = owned.iter().find(|rs| {
        rs.at("/metadata/annotations/deployment.kubernetes.io~1revision")
            .and_then(Value::as_str)
            == Some(revision.to_string().as_str())
    });
    if let Some(from_rs) = rs
        .and_then(|rs| rs.at("/metadata/annotations"))
        .and_then(Value::as_object)
    {
        for (k, v) in from_rs.iter().filter(|(k, _)| !KEPT.contains(&k.as_str())) {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// (revision number, change cause, template) for each revision, ascending.
fn revisions(ctx: &Ctx<'_>, kind: &str, obj: &Value) -> Result<Vec<(i64, String, Value)>, String> {
    let uid = obj
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("");
    let cause = |o: &Value| {
        o.at("/metadata/annotations/kubernetes.io~1change-cause")
            .and_then(Value::as_str)
            .unwrap_or("<none>")
            .to_string()
    };
    let mut list: Vec<(i64, String, Value)> = match kind {
        "StatefulSet" | "DaemonSet" => {
            crate::engine::controllers::ownership::owned(ctx.cluster, uid, "ControllerRevision")
                .iter()
                .map(|r| (history::number(r), cause(r), history::template_of(r)))
                .collect()
        }
        "Deployment" => {
            crate::engine::controllers::ownership::owned(ctx.cluster, uid, "ReplicaSet")
                .iter()
                .filter_map(|rs| {
                    let n = rs
                        .at("/metadata/annotations/deployment.kubernetes.io~1revision")
                        .and_then(Value::as_str)?
                        .parse()
                        .ok()?;
                    Some((
                        n,
                        cause(rs),
                        rs.at("/spec/template").cloned().unwrap_or(Value::Null),
                    ))
                })
                .collect()
        }
        other => {
            let group = if other == "Pod" {
                String::new()
            } else {
                ".apps".into()
            };
            return Err(format!(
                "no history viewer has been implemented for \"{other}{group}\""
            ));
        }
    };
    crate::sort::sort_by_key(&mut list, |(n, _, _)| *n);
    Ok(list)
}

fn history_cmd(ctx: &Ctx<'_>, p: &flags::Parsed, kind: &str, kg: &str, obj: &Value) -> Output {
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let revs = match revisions(ctx, kind, obj) {
        Ok(r) => r,
        Err(e) => return Output::failed(e),
    };
    let mut out = Output::ok();
    if let Some(format) = super::apply::output_format(p) {
        return history_objects(ctx, p, kind, obj, &format);
    }
    if let Some(r) = p.value("revision") {
        let n: i64 = match r.parse() {
            Ok(n) if n >= 0 => n,
            _ => return Output::failed(format!("revision must be a positive integer: {r}")),
        };
        if n > 0 {
            let Some((_, _, template)) = revs.iter().find(|(rn, _, _)| *rn == n) else {
                return Output::failed("unable to find the specified revision");
            };
            out.out(format!("{kg}/{name} with revision #{n}"));
            out.out(format!("{}\n", pod_template_raw(template)));
            return out;
        }
    }
    if revs.is_empty() {
        out.out(format!("{kg}/{name} \nNo rollout history found.\n"));
        return out;
    }
    let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
    for (n, cause, _) in &revs {
        table.push_str(&format!("{n}\t{cause}\n"));
    }
    out.out(format!("{kg}/{name} \n{}\n", format_tabbed(&table)));
    out
}

/// `rollout history -o FORMAT`: each revision's own object (a Deployment's ReplicaSets, a
/// StatefulSet's or DaemonSet's ControllerRevisions) in revision order, or the one
/// `--revision` names, as the history viewer's GetHistory returns them.
fn history_objects(
    ctx: &Ctx<'_>,
    p: &flags::Parsed,
    kind: &str,
    obj: &Value,
    format: &str,
) -> Output {
    let uid = obj
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (owned_kind, kg) = if kind == "Deployment" {
        ("ReplicaSet", "replicaset.apps")
    } else {
        ("ControllerRevision", "controllerrevision.apps")
    };
    let mut objs: Vec<(i64, Value)> =
        crate::engine::controllers::ownership::owned(ctx.cluster, uid, owned_kind)
            .iter()
            .filter_map(|o| {
                let n = if kind == "Deployment" {
                    o.at("/metadata/annotations/deployment.kubernetes.io~1revision")
                        .and_then(Value::as_str)?
                        .parse()
                        .ok()?
                } else {
                    history::number(o)
                };
                Some((n, (**o).clone()))
            })
            .collect();
    crate::sort::sort_by_key(&mut objs, |(n, _)| *n);
    let wanted = p
        .value("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    let mut out = Output::ok();
    if wanted > 0 {
        let Some((_, o)) = objs.iter().find(|(n, _)| *n == wanted) else {
            return Output::failed(format!("unable to find the specified revision {wanted}"));
        };
        super::apply::print_object(
            &mut out,
            format,
            o,
            kg,
            crate::kubectl::printers::yaml::to_json,
        );
        return out;
    }
    for (_, o) in &objs {
        super::apply::print_object(
            &mut out,
            format,
            o,
            kg,
            crate::kubectl::printers::yaml::to_json,
        );
    }
    out
}

fn strip_hash_label(mut template: Value) -> Value {
    if let Some(l) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        l.remove("pod-template-hash");
    }
    template
}

fn undo(ctx: &mut Ctx<'_>, p: &flags::Parsed, kind: &str, kg: &str, obj: &Value) -> Output {
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet") {
        return Output::failed(format!("no rollbacker has been implemented for \"{kind}\""));
    }
    let revs = match revisions(ctx, kind, obj) {
        Ok(r) => r,
        Err(e) => return Output::failed(e),
    };
    let to: i64 = match p.value("to-revision").map(str::parse::<i64>) {
        Some(Ok(n)) => n,
        Some(Err(_)) => return Output::failed("invalid argument for \"--to-revision\""),
        None => 0,
    };
    let target = if to > 0 {
        match revs.iter().find(|(n, _, _)| *n == to) {
            Some(r) => r.clone(),
            None => {
                return Output::failed(format!("unable to find specified revision {to} in history"))
            }
        }
    } else {
        if revs.len() < 2 {
            return Output::failed(if kind == "Deployment" {
                format!("no rollout history found for deployment \"{name}\"")
            } else {
                "no last revision to roll back to".to_string()
            });
        }
        revs[revs.len() - 2].clone()
    };
    // kubectl looks the revision up first: a paused Deployment without one to go back to
    // says so rather than that it is paused.
    if kind == "Deployment" && obj.at("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Output::failed("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    let template = if kind == "Deployment" {
        strip_hash_label(target.2.clone())
    } else {
        target.2.clone()
    };
    let mut out = Output::ok();
    if obj.at("/spec/template") == Some(&template) {
        out.out(format!(
            "{kg}/{name} skipped rollback (current template already matches revision {to})"
        ));
        return out;
    }
    if p.value("dry-run").is_some_and(|d| d != "none") {
        out.out(format!(
            "{kg}/{name} will roll back to {}",
            pod_template_raw(&template)
        ));
        return out;
    }
    let mut o = obj.clone();
    o["spec"]["template"] = template;
    if kind == "Deployment" {
        o["metadata"]["annotations"] = rollback_annotations(ctx, obj, target.0);
    }
    match ctx.cluster.update_as(o, "kubectl-rollout", "") {
        Ok(_) => out.out(format!("{kg}/{name} rolled back")),
        Err(e) => out.fail(e.to_string()),
    }
    out
}
