//! DaemonSet controller wiring (`daemon_controller.go` `syncDaemonSet`): claim the pods,
//! group them by node, ask the placement policy (`control`) and the rolling update
//! (`update`) what to create and delete, carry it out (`pod_control`), and write the
//! status.

pub mod control;
#[cfg(test)]
mod fixture;
pub mod pod_control;
pub mod update;

use super::ownership::{claim, owned_pod_refs, PodRef};
use super::{history, Action};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use control::NodePods;
use serde_json::Value;
use std::rc::Rc;

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(ds) = w.get("DaemonSet", namespace, name).cloned() else {
        return Action::skipped();
    };
    if ds.at("/metadata/deletionTimestamp").is_some() {
        return Action::skipped();
    }
    claim(w, &ds);
    let (update_rev, revs) = history::ensure_update_revision(w, &ds, "controller-revision-hash");
    let hash = update_rev
        .at("/metadata/labels/controller-revision-hash")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let template = ds["spec"]["template"].clone();
    let spec = pod_control::daemon_pod_spec(&template, None);
    let rolling = ds.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    let table = w.node_table();
    // Drawn from while the pods are borrowed, and put back after.
    let mut rng = w.rng.clone();
    let (diff, eligible, live, counts, waiting) = {
        let by_node = NodePods::group(&table, owned_pod_refs(w, meta_str(&ds, "uid")));
        let hash_id = w.store.owners.revision_name(&hash);
        let placement = control::placement_diff(&ds, &spec, &by_node, hash_id);
        let mut diff = placement.diff;
        let mut waiting = None;
        if rolling && diff.is_empty() {
            let (eligible, kept) = (&placement.eligible, &placement.kept);
            if let Some(r) =
                update::rolling_update(&ds, &by_node, eligible, kept, hash_id, &mut diff)
            {
                waiting = update::order_replacements(&mut rng, r, &by_node, eligible, &mut diff);
            }
        }
        // Revisions some pod still runs, compared by their shared pointers.
        let mut running: Vec<&Rc<str>> = Vec::new();
        for pod in by_node.all() {
            pod.facts.note_revision(&mut running);
        }
        let live: Vec<String> = revs
            .iter()
            .filter(|r| {
                let h = r
                    .at("/metadata/labels/controller-revision-hash")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                h == hash || running.iter().any(|l| &***l == h)
            })
            .map(|r| meta_str(r, "name").to_string())
            .collect();
        let counts = StatusCounts::of(&by_node, &placement.eligible, hash_id);
        (diff, placement.eligible, live, counts, waiting)
    };
    w.rng = rng;
    let rec = pod_control::recorder(&ds);
    if let Some(why) = waiting {
        rec.why(w, why);
    }
    // Creating or deleting a pod changes what the status counts.
    let counts = diff.is_empty().then_some(counts);
    let generation = ds
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let mut failed = false;
    for node in &diff.create_on {
        rec.why(
            w,
            format!(
                "{node} is eligible and has no {name} pod; creating one there (one pod per node)"
            ),
        );
        failed |= !pod_control::create_pod(w, &ds, &template, &hash, generation, node);
    }
    for (pod, why) in &diff.delete {
        rec.why(w, why.clone());
        pod_control::delete_pod(w, &ds, pod);
    }
    let live: Vec<&str> = live.iter().map(String::as_str).collect();
    history::trim(w, &ds, &revs, &live);
    write_status(w, namespace, name, &hash, &eligible, counts);
    Action::retry_if(failed)
}

/// What `status` counts of a DaemonSet's pods.
struct StatusCounts {
    current: i64,
    misscheduled: i64,
    ready: i64,
    updated: i64,
    available: i64,
}

impl StatusCounts {
    /// Live pods bound to a node: the first on each eligible node is scheduled there (and
    /// counted ready, available and updated as it is); one bound anywhere else is
    /// misscheduled.
    fn of(by_node: &NodePods, eligible: &[bool], hash_id: Option<&Rc<str>>) -> StatusCounts {
        let mut counts = StatusCounts {
            current: 0,
            misscheduled: 0,
            ready: 0,
            updated: 0,
            available: 0,
        };
        let bound = |p: &&PodRef| !p.facts.deleting && p.facts.node.is_some();
        for i in 0..by_node.table.nodes.len() {
            let pods = by_node.on(i);
            let mut on_node = pods.iter().filter(bound);
            if eligible.get(i) != Some(&true) {
                counts.misscheduled += on_node.count() as i64;
                continue;
            }
            let Some(p) = on_node.next() else { continue };
            counts.current += 1;
            if p.facts.running_and_ready() {
                counts.ready += 1;
                counts.available += 1;
            }
            if p.facts.at_revision(hash_id) {
                counts.updated += 1;
            }
        }
        counts.misscheduled += by_node.elsewhere().filter(bound).count() as i64;
        counts
    }
}

/// Writes `status` from `counts`, or from the pods as they are now when the sync changed
/// them, if it differs from the stored one.
fn write_status(
    w: &mut World,
    namespace: &str,
    name: &str,
    hash: &str,
    eligible: &[bool],
    counts: Option<StatusCounts>,
) {
    let Some(ds) = w.get("DaemonSet", namespace, name).cloned() else {
        return;
    };
    let StatusCounts {
        current,
        misscheduled,
        ready,
        updated,
        available,
    } = counts.unwrap_or_else(|| {
        let table = w.node_table();
        let by_node = NodePods::group(&table, owned_pod_refs(w, meta_str(&ds, "uid")));
        StatusCounts::of(&by_node, eligible, w.store.owners.revision_name(hash))
    });
    let desired = eligible.iter().filter(|e| **e).count() as i64;
    let mut status = json!({
        "currentNumberScheduled": current,
        "desiredNumberScheduled": desired,
        "numberMisscheduled": misscheduled,
        "numberReady": ready,
        "observedGeneration": ds.at("/metadata/generation").cloned().unwrap_or(json!(1)),
    });
    if available > 0 {
        status["numberAvailable"] = json!(available);
    }
    if desired - available > 0 {
        status["numberUnavailable"] = json!(desired - available);
    }
    if updated > 0 {
        status["updatedNumberScheduled"] = json!(updated);
    }
    w.update_status("DaemonSet", namespace, name, status);
}
