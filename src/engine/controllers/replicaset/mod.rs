//! ReplicaSet controller wiring (`replica_set.go` `syncReplicaSet`): claim the pods,
//! ask the policy how many to create or which to delete, carry it out in slow-start
//! batches, and write the status.

pub mod control;
pub mod pod_control;

use super::ownership::{claim, owned, owned_pod_refs, PodRef};
use super::Action;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::json::At;
use crate::engine::time::{format_rfc3339, parse_rfc3339};
use crate::engine::world::World;
use crate::json;
use control::{Diff, PodView};
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

fn node_of(pod: &Value) -> &str {
    pod.at("/spec/nodeName")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The policy's view of a pod; `on_node` counts related active pods per node.
fn view(p: &PodRef, on_node: &BTreeMap<String, i64>) -> PodView {
    let pod = p.object();
    let node = node_of(pod).to_string();
    PodView {
        name: p.name.to_string(),
        uid: meta_str(pod, "uid").to_string(),
        phase: pod
            .at("/status/phase")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        ready: p.facts.ready,
        ready_since: p.facts.ready_since,
        restarts: pod
            .at("/status/containerStatuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s["restartCount"].as_i64())
            .max()
            .unwrap_or(0),
        created: parse_rfc3339(meta_str(pod, "creationTimestamp")).unwrap_or(0),
        deletion_cost: pod
            .at("/metadata/annotations/controller.kubernetes.io~1pod-deletion-cost")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        rank: on_node.get(&node).copied().unwrap_or(0),
        node,
    }
}

/// `getIndirectlyRelatedPods` counted per node: active pods of every ReplicaSet with the
/// same controller (the Deployment's other ReplicaSets), or just this one's.
fn related_pods_per_node(w: &World, rs: &Value) -> BTreeMap<String, i64> {
    let owner_uid = super::controller_ref(rs).and_then(|r| r["uid"].as_str());
    let siblings: Vec<Rc<Value>> = owner_uid
        .map(|uid| owned(w, uid, "ReplicaSet"))
        .unwrap_or_default();
    let uids: Vec<&str> = match owner_uid {
        Some(_) => siblings.iter().map(|s| meta_str(s, "uid")).collect(),
        None => vec![meta_str(rs, "uid")],
    };
    let mut on_node = BTreeMap::new();
    for uid in uids {
        for p in owned_pod_refs(w, uid).filter(|p| p.facts.active()) {
            *on_node
                .entry(p.facts.node.as_deref().unwrap_or("").to_string())
                .or_insert(0) += 1;
        }
    }
    on_node
}

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(rs) = w.get("ReplicaSet", namespace, name).cloned() else {
        return Action::skipped();
    };
    claim(w, &rs);
    let replicas = rs.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    // Borrowed from the owner index: most syncs only count, so nothing is copied per pod
    // unless the set must choose whom to delete.
    let (have, active, finished) = {
        let pods: Vec<PodRef> = owned_pod_refs(w, meta_str(&rs, "uid")).collect();
        let have = pods.iter().filter(|p| p.facts.active()).count() as i64;
        let active: Vec<PodView> = if have > replicas {
            let on_node = related_pods_per_node(w, &rs);
            pods.iter()
                .filter(|p| p.facts.active())
                .map(|p| view(p, &on_node))
                .collect()
        } else {
            Vec::new()
        };
        let finished: Vec<(String, String)> = pods
            .iter()
            .filter(|p| p.facts.finished && !p.facts.deleting)
            .map(|p| {
                let phase = p.object().at("/status/phase").and_then(Value::as_str);
                (p.name.to_string(), phase.unwrap_or("").to_string())
            })
            .collect();
        (have, active, finished)
    };
    let mut failure: Option<(&'static str, String)> = None;
    let rec = pod_control::recorder(&rs);
    if rs.at("/metadata/deletionTimestamp").is_none() {
        for (pod, phase) in finished {
            rec.why(w, format!(
                    "{pod} has finished ({phase}); it no longer counts toward the {replicas} wanted, so a replacement is created"
                ));
        }
        match control::diff_counted(have, active, replicas, w.now) {
            Diff::Create(n) => failure = create_pods(w, &rs, n, have, replicas),
            Diff::Delete(victims) => {
                for (v, reason) in victims {
                    rec.why(w, format!("{name} has {have} pods but wants {replicas}: deleting {v} because {reason}"));
                    if let Err(e) = pod_control::delete_pod(w, &rs, &v) {
                        failure = Some(("FailedDelete", e));
                    }
                }
            }
            Diff::Steady => {}
        }
    }
    let failed = failure.is_some();
    write_status(w, namespace, name, failure).and(Action::retry_if(failed))
}

/// Creates `n` pods in slow-start batches; a batch with an error ends the sync.
fn create_pods(
    w: &mut World,
    rs: &Value,
    n: usize,
    have: i64,
    replicas: i64,
) -> Option<(&'static str, String)> {
    let name = meta_str(rs, "name");
    let rec = pod_control::recorder(rs);
    let batches = control::slow_start_batches(n);
    let shown: Vec<String> = batches.iter().map(usize::to_string).collect();
    rec.why(
        w,
        format!(
            "{name} has {have} pods but wants {replicas}: creating {n} in slow-start batches of {}",
            shown.join(", ")
        ),
    );
    for size in batches {
        let mut error = None;
        for _ in 0..size {
            if let Err(e) = pod_control::create_pod(w, rs) {
                error = Some(e);
            }
        }
        if let Some(e) = error {
            rec.why(w, format!("could not create a pod ({e}); slow start stops here and retries on a later sync"));
            return Some(("FailedCreate", e));
        }
    }
    None
}

/// `calculateStatus` from the pods as they are now; asks to look again when a Ready pod
/// becomes available (minReadySeconds).
fn write_status(
    w: &mut World,
    namespace: &str,
    name: &str,
    failure: Option<(&'static str, String)>,
) -> Action {
    let Some(rs) = w.get("ReplicaSet", namespace, name).cloned() else {
        return Action::await_change();
    };
    let min_ready = rs
        .at("/spec/minReadySeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let template_labels = rs
        .at("/spec/template/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let (mut replicas, mut fully, mut ready, mut available) = (0, 0, 0, 0);
    let mut next: Option<Millis> = None;
    for p in owned_pod_refs(w, meta_str(&rs, "uid")).filter(|p| p.facts.active()) {
        replicas += 1;
        let l = &p.facts.labels;
        if template_labels.iter().all(|(k, v)| l.get(k) == Some(v)) {
            fully += 1;
        }
        if p.facts.ready {
            ready += 1;
            match p.facts.available(min_ready, w.now) {
                Ok(()) => available += 1,
                Err(Some(at)) => next = Some(next.map_or(at, |n: Millis| n.min(at))),
                Err(None) => {}
            }
        }
    }
    let action = match next {
        Some(at) => Action::requeue(at - w.now),
        None => Action::await_change(),
    };
    let mut status = json!({ "replicas": replicas });
    for (field, n) in [
        ("fullyLabeledReplicas", fully),
        ("readyReplicas", ready),
        ("availableReplicas", available),
    ] {
        if n > 0 {
            status[field] = json!(n);
        }
    }
    if let Some(g) = rs
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .filter(|g| *g > 0)
    {
        status["observedGeneration"] = json!(g);
    }
    let old_failure = rs
        .at("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "ReplicaFailure"))
        .cloned();
    let mut conditions: Vec<Value> = rs
        .at("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    match (failure, old_failure) {
        (Some((reason, message)), None) => conditions.push(json!({
            "lastTransitionTime": format_rfc3339(w.now),
            "message": message,
            "reason": reason,
            "status": "True",
            "type": "ReplicaFailure",
        })),
        (None, Some(_)) => conditions.retain(|c| c["type"] != "ReplicaFailure"),
        _ => {}
    }
    if !conditions.is_empty() {
        status["conditions"] = json!(conditions);
    }
    w.update_status("ReplicaSet", namespace, name, status);
    action
}
