//! StatefulSet controller wiring (`stateful_set.go`): gather the set's pods and revisions,
//! ask the policy what to do, carry it out, and write the status.

pub mod control;
pub mod pod_control;

use super::ownership::{claim, owned_pod_refs};
use super::{history, Action};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::json::At;
use crate::engine::pod_facts::PodFacts;
use crate::engine::world::World;
use crate::json;
use control::{PodView, SetView, Slots, Step};
use serde_json::Value;
use std::rc::Rc;

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(set) = w.get("StatefulSet", namespace, name).cloned() else {
        return Action::skipped();
    };
    if set.at("/metadata/deletionTimestamp").is_some() {
        return Action::skipped();
    }
    claim(w, &set);
    let rec = pod_control::recorder(&set);
    let (update_rev, revs) =
        history::ensure_update_revision(w, &set, "controller.kubernetes.io/hash");
    let update_revision = meta_str(&update_rev, "name").to_string();
    let current_revision = set
        .at("/status/currentRevision")
        .and_then(Value::as_str)
        .filter(|c| revs.iter().any(|r| meta_str(r, "name") == *c))
        .unwrap_or(&update_revision)
        .to_string();
    let spec = &set["spec"];
    let replicas = spec["replicas"].as_i64().unwrap_or(1).max(0);
    let start = spec
        .at("/ordinals/start")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0);
    let rolling = spec.at("/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    let view_set = SetView {
        name: name.to_string(),
        replicas,
        start_ordinal: start,
        monotonic: spec["podManagementPolicy"].as_str() != Some("Parallel"),
        rolling_update: rolling,
        partition: spec
            .at("/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        min_ready_seconds: spec["minReadySeconds"].as_i64().unwrap_or(0),
        current_revision: current_revision.clone(),
        update_revision: update_revision.clone(),
    };
    let min_ready_ms = view_set.min_ready_seconds * 1000;
    let (plan, running, counts) = {
        // One pass over the index, borrowing: names are copied only for the pods the plan
        // acts on, and revisions are compared by their shared pointers.
        let update_id = w.store.owners.revision_name(&update_revision);
        let current_id = w.store.owners.revision_name(&current_revision);
        let mut counts = StatusCounts::default();
        // Revisions some pod still runs (kept by `history::trim`).
        let mut running: Vec<&Rc<str>> = Vec::new();
        // As many positions as there are pods, not `replicas`, which may be absurd.
        let pods = w.store.owners.count_of(meta_str(&set, "uid"), "Pod");
        let mut slots = Slots::with_positions(pods.min(replicas as usize));
        let mut condemned: Vec<PodView> = Vec::new();
        for pod in owned_pod_refs(w, meta_str(&set, "uid")) {
            let facts = pod.facts;
            counts.add(facts, w.now, min_ready_ms, current_id, update_id);
            facts.note_revision(&mut running);
            let Some(ordinal) = facts.set_ordinal else {
                continue;
            };
            let ready = facts.running_and_ready();
            let v = PodView {
                name: pod.name,
                ordinal,
                updated: facts.at_revision(update_id),
                terminating: facts.deleting,
                finished: facts.finished,
                running_and_ready: ready,
                ready_since: facts.ready_since.filter(|_| ready),
            };
            let index = ordinal - start;
            if index >= 0 && index < replicas {
                slots.put(index as usize, v);
            } else {
                condemned.push(v);
            }
        }
        crate::sort::sort_by_key(&mut condemned, |c| std::cmp::Reverse(c.ordinal));
        let plan = control::plan(&view_set, &slots, &condemned, w.now);
        let running: Vec<String> = running.iter().map(|r| r.to_string()).collect();
        (plan, running, counts)
    };
    // Creating or deleting a pod changes what the status counts; otherwise the pass
    // above already counted the pods as they are.
    let counts = plan
        .iter()
        .all(|a| matches!(a, Step::Wait { .. }))
        .then_some(counts);
    let mut failed = false;
    let mut action = Action::await_change();
    for step in plan {
        match step {
            Step::Create {
                ordinal,
                revision,
                why,
            } => {
                let template = revs
                    .iter()
                    .find(|r| meta_str(r, "name") == revision)
                    .map(|r| history::template_of(r))
                    .unwrap_or_else(|| spec["template"].clone());
                rec.why(w, why);
                if let Err(e) = pod_control::create_pod(w, &set, &template, &revision, ordinal) {
                    rec.why(
                        w,
                        format!("could not create {name}-{ordinal}: {e}; retrying with back-off"),
                    );
                    failed = true;
                    break;
                }
            }
            Step::Delete {
                name: pod,
                condemned,
                why,
            } => {
                rec.why(w, why);
                pod_control::delete_pod(w, &set, &pod, condemned);
            }
            Step::Wait { why, retry_after } => {
                rec.why(w, why);
                if let Some(after) = retry_after {
                    action = action.and(Action::requeue(after));
                }
            }
        }
    }
    let live: Vec<&str> = [current_revision.as_str(), update_revision.as_str()]
        .into_iter()
        .chain(running.iter().map(String::as_str))
        .collect();
    history::trim(w, &set, &revs, &live);
    let status = write_status(
        w,
        namespace,
        name,
        &current_revision,
        &update_revision,
        counts,
    );
    action.and(status).and(Action::retry_if(failed))
}

/// What `status` counts of a set's pods, gathered in one pass over them.
#[derive(Debug, Default)]
struct StatusCounts {
    replicas: i64,
    ready: i64,
    available: i64,
    current: i64,
    updated: i64,
    /// When the earliest Ready pod not yet available becomes available (minReadySeconds).
    next_available: Option<Millis>,
}

impl StatusCounts {
    fn add(
        &mut self,
        p: &PodFacts,
        now: Millis,
        min_ready_ms: Millis,
        current_id: Option<&Rc<str>>,
        update_id: Option<&Rc<str>>,
    ) {
        self.replicas += 1;
        if p.running_and_ready() {
            self.ready += 1;
            let at = p.ready_since.unwrap_or(now) + min_ready_ms;
            if now >= at {
                self.available += 1;
            } else {
                self.next_available = Some(self.next_available.map_or(at, |n| n.min(at)));
            }
        }
        if !p.deleting {
            if p.at_revision(current_id) {
                self.current += 1;
            }
            if p.at_revision(update_id) {
                self.updated += 1;
            }
        }
    }
}

/// Writes `status` from `counts`, or from the set's pods as they are now when the sync
/// changed them, if it differs from the stored one; asks to look again when a Ready pod
/// becomes available (minReadySeconds).
fn write_status(
    w: &mut World,
    namespace: &str,
    name: &str,
    current: &str,
    update: &str,
    counts: Option<StatusCounts>,
) -> Action {
    let Some(set) = w.get("StatefulSet", namespace, name).cloned() else {
        return Action::await_change();
    };
    let counts = counts.unwrap_or_else(|| {
        let min_ready_ms = set
            .at("/spec/minReadySeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            * 1000;
        let (current_id, update_id) = (
            w.store.owners.revision_name(current),
            w.store.owners.revision_name(update),
        );
        let mut counts = StatusCounts::default();
        for p in owned_pod_refs(w, meta_str(&set, "uid")) {
            counts.add(p.facts, w.now, min_ready_ms, current_id, update_id);
        }
        counts
    });
    let StatusCounts {
        replicas,
        ready,
        available,
        current: current_n,
        updated: updated_n,
        next_available,
    } = counts;
    let action = match next_available {
        Some(at) => Action::requeue(at - w.now),
        None => Action::await_change(),
    };
    let spec_replicas = set
        .at("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let rolling = set.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    let (mut current_rev, mut current_count) = (current.to_string(), current_n);
    if rolling && updated_n == replicas && ready == replicas && replicas == spec_replicas {
        current_rev = update.to_string();
        current_count = updated_n;
    }
    let mut status = json!({
        "availableReplicas": available,
        "collisionCount": 0,
        "currentRevision": current_rev,
        "observedGeneration": set.at("/metadata/generation").cloned().unwrap_or(json!(1)),
        "replicas": replicas,
        "updateRevision": update,
    });
    if ready > 0 {
        status["readyReplicas"] = json!(ready);
    }
    if current_count > 0 {
        status["currentReplicas"] = json!(current_count);
    }
    if updated_n > 0 {
        status["updatedReplicas"] = json!(updated_n);
    }
    w.update_status("StatefulSet", namespace, name, status);
    action
}
