//! DaemonSet controller (`daemon_controller.go`, `update.go`): compute which nodes need a
//! pod and which pods must go, then carry it out; roll updates node by node within
//! `maxUnavailable` / `maxSurge`.

use super::history;
use super::ownership::{claim_pods, controller_ref_to, owned_pods, OwnedPod};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::events::Source;
use crate::engine::json::At;
use crate::engine::scheduler::{node_matches, untolerated_taint, untolerated_taint_with};
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

const SOURCE: Source<'static> = Source {
    component: "daemonset-controller",
    host: "",
};

/// Tolerations the controller adds to every daemon pod (no tolerationSeconds).
const DAEMON_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

fn daemon_pod_spec(template: &Value, node: Option<&str>) -> Value {
    let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
    let mut tolerations: Vec<Value> = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for (key, effect) in DAEMON_TOLERATIONS {
        if !tolerations
            .iter()
            .any(|t| t["key"] == *key && t["effect"] == *effect)
        {
            tolerations.push(json!({"effect": effect, "key": key, "operator": "Exists"}));
        }
    }
    spec["tolerations"] = json!(tolerations);
    if let Some(node) = node {
        spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]}}});
    }
    spec
}

/// `nodeShouldRunDaemonPod`: (should run, should continue running). A new pod goes only
/// where selector and affinity match and every NoSchedule/NoExecute taint is tolerated
/// (with the daemon tolerations); a pod already there keeps running unless a NoExecute
/// taint is not tolerated (a new NoSchedule taint only keeps new pods off).
/// `spec` is the daemon pod spec (`daemon_pod_spec(template, None)`), built once a sync.
fn node_should_run(spec: &Value, node: &Value) -> (bool, bool) {
    if !node_matches(spec, node) {
        return (false, false);
    }
    if untolerated_taint(spec, node).is_none() {
        return (true, true);
    }
    (
        false,
        untolerated_taint_with(spec, node, &["NoExecute"]).is_none(),
    )
}

/// The node a daemon pod is bound to, or pinned to by its node affinity until then.
fn node_of(pod: &OwnedPod) -> Rc<str> {
    if let Some(n) = &pod.facts.node {
        return Rc::clone(n);
    }
    Rc::from(pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or(""))
}

fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) if s.ends_with('%') => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// The diff for one sync: nodes that need a pod, and pods to delete (with why).
struct Diff {
    create_on: Vec<String>,
    delete: Vec<(String, String)>,
}

pub fn sync(w: &mut World, namespace: &str, name: &str) {
    let Some(ds) = w.get("DaemonSet", namespace, name).cloned() else {
        return;
    };
    if ds.at("/metadata/deletionTimestamp").is_some() {
        return;
    }
    let pods = claim_pods(w, &ds);
    let (update_rev, revs) = history::ensure_update_revision(w, &ds, "controller-revision-hash");
    let hash = update_rev
        .at("/metadata/labels/controller-revision-hash")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let template = ds["spec"]["template"].clone();
    let spec = daemon_pod_spec(&template, None);
    let surge = surge_enabled(&ds);
    let nodes: Vec<(String, Rc<Value>)> = w
        .store
        .named("Node", "")
        .map(|(n, o)| (n.to_string(), Rc::clone(o)))
        .collect();
    let mut by_node: BTreeMap<Rc<str>, Vec<OwnedPod>> = BTreeMap::new();
    for p in &pods {
        by_node.entry(node_of(p)).or_default().push(p.clone());
    }
    let mut diff = Diff {
        create_on: Vec::new(),
        delete: Vec::new(),
    };
    let mut eligible = BTreeSet::new();
    // Nodes no new pod may go to whose daemon pods keep running (`shouldContinueRunning`).
    let mut kept = Vec::new();
    for (node_name, node) in &nodes {
        let (should_run, should_continue) = node_should_run(&spec, node);
        let on_node = by_node
            .get(node_name.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let live: Vec<&OwnedPod> = on_node.iter().filter(|p| !p.facts.deleting).collect();
        if should_run {
            eligible.insert(node_name.clone());
        } else if should_continue && !live.is_empty() {
            kept.push(node_name.clone());
        }
        if should_continue {
            let failed: Vec<&&OwnedPod> = live.iter().filter(|p| p.facts.failed).collect();
            for p in &failed {
                diff.delete.push((
                    meta_str(p, "name").to_string(),
                    if should_run {
                        format!("{} failed on {node_name}; it is replaced", meta_str(p, "name"))
                    } else {
                        format!("{} failed on {node_name}; no new pod goes there while a taint it does not tolerate stays", meta_str(p, "name"))
                    },
                ));
            }
            let healthy: Vec<&&OwnedPod> = live.iter().filter(|p| !p.facts.failed).collect();
            if should_run
                && healthy.is_empty()
                && on_node.iter().all(|p| !p.facts.deleting || !surge)
            {
                if on_node.iter().any(|p| p.facts.deleting) {
                    continue; // wait for the old pod to go (maxSurge 0 keeps one pod per node)
                }
                diff.create_on.push(node_name.clone());
            } else if healthy.len() > 1 {
                let mut extra: Vec<&&OwnedPod> = healthy.clone();
                crate::engine::sort::sort_by_key(&mut extra, |p| {
                    meta_str(p, "creationTimestamp").to_string()
                });
                for p in extra.iter().skip(1) {
                    if revision_hash(p) != Some(&hash) || !surge {
                        diff.delete.push((
                            meta_str(p, "name").to_string(),
                            format!(
                                "{node_name} has more than one daemon pod; {} is extra",
                                meta_str(p, "name")
                            ),
                        ));
                    }
                }
            }
        } else {
            for p in live {
                diff.delete.push((meta_str(p, "name").to_string(), format!("{} runs on {node_name}, which no longer qualifies (selector, affinity or a NoExecute taint)", meta_str(p, "name"))));
            }
        }
    }
    // `extend`, not `collect`, for the bundle size: see `selector::labels_of`.
    let mut node_names: BTreeSet<&str> = BTreeSet::new();
    node_names.extend(nodes.iter().map(|(n, _)| n.as_str()));
    // `getUnscheduledPodsWithoutNode`: pods pinned to a node that no longer exists.
    for (node, on_node) in &by_node {
        if node_names.contains(&**node) {
            continue;
        }
        for p in on_node {
            let unscheduled = p
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            if unscheduled && !p.facts.deleting {
                let pname = meta_str(p, "name").to_string();
                diff.delete.push((
                    pname.clone(),
                    format!("{pname} waits for node {node}, which no longer exists"),
                ));
            }
        }
    }
    let rolling = ds.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    if rolling && diff.create_on.is_empty() && diff.delete.is_empty() {
        rolling_update(w, &ds, &by_node, &eligible, &kept, &hash, &mut diff);
    }
    let generation = ds
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let mut failed = false;
    for node in &diff.create_on {
        w.why(
            "daemonset-controller",
            "DaemonSet",
            namespace,
            name,
            format!(
                "{node} is eligible and has no {name} pod; creating one there (one pod per node)"
            ),
        );
        failed |= !create_pod(w, &ds, &template, &hash, generation, node);
    }
    for (pod, why) in &diff.delete {
        w.why(
            "daemonset-controller",
            "DaemonSet",
            namespace,
            name,
            why.clone(),
        );
        if w.delete("Pod", namespace, pod, DeleteOptions::default())
            .is_ok()
        {
            w.record_event(
                &ds,
                false,
                "SuccessfulDelete",
                &format!("Deleted pod: {pod}"),
                SOURCE,
                None,
            );
        }
    }
    let live: Vec<String> = revs
        .iter()
        .filter(|r| {
            let h = r
                .at("/metadata/labels/controller-revision-hash")
                .and_then(Value::as_str)
                .unwrap_or("");
            h == hash || pods.iter().any(|p| revision_hash(p) == Some(h))
        })
        .map(|r| meta_str(r, "name").to_string())
        .collect();
    history::trim(w, &ds, &revs, &live);
    write_status(w, namespace, name, &hash, &eligible);
    super::finish_sync(w, super::Controller::DaemonSet, namespace, name, failed);
}

fn surge_enabled(ds: &Value) -> bool {
    int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
        1,
        true,
    ) > 0
}

fn is_available(p: &OwnedPod) -> bool {
    p.facts.running_and_ready() && !p.facts.deleting
}

fn revision_hash(pod: &OwnedPod) -> Option<&str> {
    pod.facts.revision.as_deref()
}

/// maxSurge 0: delete old pods (unavailable ones at once, available ones within the
/// budget); the next sync creates the replacement on that node. Old pods on `kept` nodes
/// (still running there, but no new pod may go there) are replaced by nothing.
fn rolling_update(
    w: &mut World,
    ds: &Value,
    by_node: &BTreeMap<Rc<str>, Vec<OwnedPod>>,
    eligible: &BTreeSet<String>,
    kept: &[String],
    hash: &str,
    diff: &mut Diff,
) {
    let total = eligible.len() as i64;
    let surge = surge_enabled(ds);
    let max_unavailable = int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
        total,
        false,
    )
    .max(if surge { 0 } else { 1 });
    let mut unavailable = 0;
    let mut old_available: Vec<(String, String)> = Vec::new();
    for node in eligible.iter().chain(kept) {
        let pods = by_node
            .get(node.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let new_ok = pods
            .iter()
            .any(|p| revision_hash(p) == Some(hash) && is_available(p));
        let any_available = pods.iter().any(is_available);
        if !any_available {
            unavailable += 1;
        }
        for p in pods {
            let old = revision_hash(p) != Some(hash);
            if !old || p.facts.deleting {
                continue;
            }
            let pname = meta_str(p, "name").to_string();
            if !is_available(p) {
                diff.delete.push((pname.clone(), format!("{pname} on {node} is at an old revision and not available; replacing it does not cost availability")));
            } else if new_ok && surge {
                diff.delete.push((pname.clone(), format!("{pname} on {node} is at an old revision and its replacement is available (maxSurge)")));
            } else {
                old_available.push((pname, node.clone()));
            }
        }
    }
    if surge {
        let max_surge = int_or_percent(
            ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
            total,
            true,
        );
        let surging = eligible
            .iter()
            .filter(|n| by_node.get(n.as_str()).is_some_and(|ps| ps.len() > 1))
            .count() as i64;
        let mut budget = max_surge - surging;
        for (_, node) in old_available {
            let has_new = by_node
                .get(node.as_str())
                .is_some_and(|ps| ps.iter().any(|p| revision_hash(p) == Some(hash)));
            if budget > 0 && !has_new && eligible.contains(node.as_str()) {
                diff.create_on.push(node);
                budget -= 1;
            }
        }
        return;
    }
    let mut budget = max_unavailable - unavailable;
    // Real node order is Go map order (random); ours comes from the seeded RNG.
    let mut candidates = old_available;
    let n = candidates.len();
    for i in (1..n).rev() {
        let j = w.rng.below((i + 1) as u64) as usize;
        candidates.swap(i, j);
    }
    for (pod, node) in candidates {
        if budget <= 0 {
            let name = meta_str(ds, "name").to_string();
            w.why("daemonset-controller", "DaemonSet", meta_str(ds, "namespace"), &name, format!("waiting: maxUnavailable={max_unavailable} node(s) may be without an available pod at once"));
            break;
        }
        let why = if eligible.contains(node.as_str()) {
            format!("{pod} on {node} is at an old revision; replacing it (maxUnavailable={max_unavailable}, one node at a time)")
        } else {
            format!("{pod} on {node} is at an old revision; deleting it, and no new pod goes there while the node has a taint the pod does not tolerate")
        };
        diff.delete.push((pod.clone(), why));
        budget -= 1;
    }
}

fn create_pod(
    w: &mut World,
    ds: &Value,
    template: &Value,
    hash: &str,
    generation: i64,
    node: &str,
) -> bool {
    let name = meta_str(ds, "name");
    let mut labels = template
        .at("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(hash);
    labels["pod-template-generation"] = json!(generation.to_string());
    let mut meta = json!({
        "generateName": format!("{name}-"),
        "namespace": meta_str(ds, "namespace"),
        "labels": labels,
        "ownerReferences": [controller_ref_to(ds)],
    });
    if let Some(a) = template.at("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": daemon_pod_spec(template, Some(node))});
    match w.create(pod) {
        Ok(p) => {
            w.record_event(
                ds,
                false,
                "SuccessfulCreate",
                &format!("Created pod: {}", meta_str(&p, "name")),
                SOURCE,
                None,
            );
            true
        }
        Err(e) => {
            w.record_event(
                ds,
                true,
                "FailedCreate",
                &format!("Error creating: {}", e.status_message("")),
                SOURCE,
                None,
            );
            false
        }
    }
}

fn write_status(
    w: &mut World,
    namespace: &str,
    name: &str,
    hash: &str,
    eligible: &BTreeSet<String>,
) {
    let Some(ds) = w.get("DaemonSet", namespace, name).cloned() else {
        return;
    };
    let pods = owned_pods(w, meta_str(&ds, "uid"));
    let (mut current, mut misscheduled, mut ready, mut updated, mut available) = (0, 0, 0, 0, 0);
    let mut counted = BTreeSet::new();
    for p in pods.iter().filter(|p| !p.facts.deleting) {
        let Some(node) = &p.facts.node else {
            continue;
        };
        if !eligible.contains(&**node) {
            misscheduled += 1;
            continue;
        }
        if !counted.insert(node) {
            continue;
        }
        current += 1;
        if p.facts.running_and_ready() {
            ready += 1;
            available += 1;
        }
        if revision_hash(p) == Some(hash) {
            updated += 1;
        }
    }
    let desired = eligible.len() as i64;
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
