//! DaemonSet controller (`daemon_controller.go`, `update.go`): compute which nodes need a
//! pod and which pods must go, then carry it out; roll updates node by node within
//! `maxUnavailable` / `maxSurge`.

use super::ownership::{claim, controller_ref_to, owned_pod_refs, PodRef};
use super::{history, Action};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::clock::Rng;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::node_table::{NodeTable, TableNode};
use crate::engine::scheduler::{NodeFilter, SCHEDULING_EFFECTS};
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Events and why-log lines about the DaemonSet `ds`.
fn recorder(ds: &Value) -> Recorder<'_> {
    Recorder::new("daemonset-controller", "DaemonSet", ds)
}

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

/// `nodeShouldRunDaemonPod` for the daemon pod spec `filter` was read from
/// (`daemon_pod_spec(template, None)`), asked of every node on every sync: (should run,
/// should continue running). A new pod goes only where selector and affinity match and
/// every NoSchedule/NoExecute taint is tolerated (with the daemon tolerations); a pod
/// already there keeps running unless a NoExecute taint is not tolerated (a new
/// NoSchedule taint only keeps new pods off).
fn placement(filter: &NodeFilter, node: &TableNode) -> (bool, bool) {
    if !filter.matches(&node.object) {
        return (false, false);
    }
    if filter.untolerated_taint(node, SCHEDULING_EFFECTS).is_none() {
        return (true, true);
    }
    (
        false,
        filter.untolerated_taint(node, &["NoExecute"]).is_none(),
    )
}

/// The node a daemon pod is bound to, or pinned to by its node affinity until then.
fn node_of<'a>(pod: &PodRef<'a>) -> &'a str {
    if let Some(n) = &pod.facts.node {
        return n;
    }
    pod.object.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
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
#[derive(Default)]
struct Diff {
    create_on: Vec<String>,
    delete: Vec<(String, String)>,
}

/// maxSurge 0: old available pods the rolling update may replace within
/// `maxUnavailable`, as (pod, node position), borrowed for one sync.
struct Replacements<'a> {
    candidates: Vec<(&'a str, usize)>,
    /// How many of them may go now, and the `maxUnavailable` that allows it.
    budget: i64,
    max_unavailable: i64,
}

/// Each node's daemon pods (by the node's position in the `NodeTable`), borrowed for one
/// sync.
struct NodePods<'a> {
    table: &'a NodeTable,
    /// The pods grouped by node position, each group in the owner index's order:
    /// node `i` has `pods[starts[i]..starts[i + 1]]` (one list, not one per node).
    pods: Vec<PodRef<'a>>,
    starts: Vec<usize>,
    /// Pods pinned to a node that does not exist (any more).
    elsewhere: BTreeMap<&'a str, Vec<PodRef<'a>>>,
}

impl<'a> NodePods<'a> {
    fn gather(w: &'a World, table: &'a NodeTable, ds_uid: &str) -> NodePods<'a> {
        let mut placed: Vec<(usize, PodRef)> = Vec::new();
        let mut elsewhere: BTreeMap<&str, Vec<PodRef>> = BTreeMap::new();
        for pod in owned_pod_refs(w, ds_uid) {
            let node = node_of(&pod);
            match table.position(node) {
                Some(i) => placed.push((i, pod)),
                None => elsewhere.entry(node).or_default().push(pod),
            }
        }
        // A counting sort by node position keeps each node's pods in index order.
        let mut starts = vec![0; table.nodes.len() + 1];
        for (i, _) in &placed {
            starts[i + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut pods = match placed.first() {
            Some((_, first)) => vec![*first; placed.len()],
            None => Vec::new(),
        };
        for (i, pod) in placed {
            pods[next[i]] = pod;
            next[i] += 1;
        }
        NodePods {
            table,
            pods,
            starts,
            elsewhere,
        }
    }

    /// The pods on the node at position `i`.
    fn on(&self, i: usize) -> &[PodRef<'a>] {
        &self.pods[self.starts[i]..self.starts[i + 1]]
    }
}

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
    let spec = daemon_pod_spec(&template, None);
    let rolling = ds.at("/spec/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    let table = w.node_table();
    // Drawn from while the pods are borrowed, and put back after.
    let mut rng = w.rng.clone();
    let (diff, eligible, live, counts, waiting) = {
        let by_node = NodePods::gather(w, &table, meta_str(&ds, "uid"));
        let hash_id = w.store.owners.revision_name(&hash);
        let (mut diff, eligible, kept) = placement_diff(&ds, &spec, &by_node, hash_id);
        let mut waiting = None;
        if rolling && diff.create_on.is_empty() && diff.delete.is_empty() {
            if let Some(r) = rolling_update(&ds, &by_node, &eligible, &kept, hash_id, &mut diff) {
                waiting = order_replacements(&mut rng, r, &by_node, &eligible, &mut diff);
            }
        }
        // Revisions some pod still runs, compared by their shared pointers.
        let mut running: Vec<&Rc<str>> = Vec::new();
        for pod in by_node
            .pods
            .iter()
            .chain(by_node.elsewhere.values().flatten())
        {
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
        let counts = StatusCounts::of(&by_node, &eligible, hash_id);
        (diff, eligible, live, counts, waiting)
    };
    w.rng = rng;
    let rec = recorder(&ds);
    if let Some(why) = waiting {
        rec.why(w, why);
    }
    // Creating or deleting a pod changes what the status counts.
    let counts = (diff.create_on.is_empty() && diff.delete.is_empty()).then_some(counts);
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
        failed |= !create_pod(w, &ds, &template, &hash, generation, node);
    }
    for (pod, why) in &diff.delete {
        rec.why(w, why.clone());
        if w.delete("Pod", namespace, pod, DeleteOptions::default())
            .is_ok()
        {
            recorder(&ds).normal(w, "SuccessfulDelete", &format!("Deleted pod: {pod}"));
        }
    }
    let live: Vec<&str> = live.iter().map(String::as_str).collect();
    history::trim(w, &ds, &revs, &live);
    write_status(w, namespace, name, &hash, &eligible, counts);
    Action::retry_if(failed)
}

/// Which nodes should run a daemon pod (`eligible`, by node position), which keep their
/// pods without getting new ones (`kept`), and the creations and deletions that follow.
fn placement_diff(
    ds: &Value,
    spec: &Value,
    by_node: &NodePods,
    hash_id: Option<&Rc<str>>,
) -> (Diff, Vec<bool>, Vec<usize>) {
    let surge = surge_enabled(ds);
    let filter = NodeFilter::of(spec);
    let mut diff = Diff::default();
    let mut eligible = vec![false; by_node.table.nodes.len()];
    // Nodes no new pod may go to whose daemon pods keep running (`shouldContinueRunning`).
    let mut kept = Vec::new();
    for (i, node) in by_node.table.nodes.iter().enumerate() {
        let node_name = &*node.name;
        let (should_run, should_continue) = placement(&filter, node);
        let on_node = by_node.on(i);
        let live = || on_node.iter().filter(|p| !p.facts.deleting);
        if should_run {
            eligible[i] = true;
        } else if should_continue && live().next().is_some() {
            kept.push(i);
        }
        if should_continue {
            for p in live().filter(|p| p.facts.failed) {
                diff.delete.push((
                    p.name.to_string(),
                    if should_run {
                        format!("{} failed on {node_name}; it is replaced", p.name)
                    } else {
                        format!("{} failed on {node_name}; no new pod goes there while a taint it does not tolerate stays", p.name)
                    },
                ));
            }
            let healthy = || live().filter(|p| !p.facts.failed);
            if should_run
                && healthy().next().is_none()
                && on_node.iter().all(|p| !p.facts.deleting || !surge)
            {
                if on_node.iter().any(|p| p.facts.deleting) {
                    continue; // wait for the old pod to go (maxSurge 0 keeps one pod per node)
                }
                diff.create_on.push(node_name.to_string());
            } else if healthy().nth(1).is_some() {
                let mut extra: Vec<&PodRef> = healthy().collect();
                crate::engine::sort::sort_by_key(&mut extra, |p| {
                    meta_str(p.object, "creationTimestamp")
                });
                for p in extra.iter().skip(1) {
                    if !p.facts.at_revision(hash_id) || !surge {
                        diff.delete.push((
                            p.name.to_string(),
                            format!(
                                "{node_name} has more than one daemon pod; {} is extra",
                                p.name
                            ),
                        ));
                    }
                }
            }
        } else {
            for p in live() {
                diff.delete.push((p.name.to_string(), format!("{} runs on {node_name}, which no longer qualifies (selector, affinity or a NoExecute taint)", p.name)));
            }
        }
    }
    // `getUnscheduledPodsWithoutNode`: pods pinned to a node that no longer exists.
    for (node, on_node) in &by_node.elsewhere {
        for p in on_node {
            if p.facts.node.is_none() && !p.facts.deleting {
                diff.delete.push((
                    p.name.to_string(),
                    format!("{} waits for node {node}, which no longer exists", p.name),
                ));
            }
        }
    }
    (diff, eligible, kept)
}

fn surge_enabled(ds: &Value) -> bool {
    int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
        1,
        true,
    ) > 0
}

fn is_available(p: &PodRef) -> bool {
    p.facts.running_and_ready() && !p.facts.deleting
}

/// maxSurge 0: delete old pods (unavailable ones at once, available ones within the
/// budget); the next sync creates the replacement on that node. Old pods on `kept` nodes
/// (still running there, but no new pod may go there) are replaced by nothing.
fn rolling_update<'a>(
    ds: &Value,
    by_node: &NodePods<'a>,
    eligible: &[bool],
    kept: &[usize],
    hash_id: Option<&Rc<str>>,
    diff: &mut Diff,
) -> Option<Replacements<'a>> {
    let total = eligible.iter().filter(|e| **e).count() as i64;
    let surge = surge_enabled(ds);
    let max_unavailable = int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
        total,
        false,
    )
    .max(if surge { 0 } else { 1 });
    let mut unavailable = 0;
    let mut old_available: Vec<(&str, usize)> = Vec::new();
    let eligible_nodes = (0..eligible.len()).filter(|i| eligible[*i]);
    for i in eligible_nodes.chain(kept.iter().copied()) {
        let node = &*by_node.table.nodes[i].name;
        let pods = by_node.on(i);
        let new_ok = pods
            .iter()
            .any(|p| p.facts.at_revision(hash_id) && is_available(p));
        if !pods.iter().any(is_available) {
            unavailable += 1;
        }
        for p in pods {
            if p.facts.at_revision(hash_id) || p.facts.deleting {
                continue;
            }
            let pname = p.name;
            if !is_available(p) {
                diff.delete.push((pname.to_string(), format!("{pname} on {node} is at an old revision and not available; replacing it does not cost availability")));
            } else if new_ok && surge {
                diff.delete.push((pname.to_string(), format!("{pname} on {node} is at an old revision and its replacement is available (maxSurge)")));
            } else {
                old_available.push((pname, i));
            }
        }
    }
    if surge {
        let max_surge = int_or_percent(
            ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
            total,
            true,
        );
        let surging = (0..eligible.len())
            .filter(|i| eligible[*i] && by_node.on(*i).len() > 1)
            .count() as i64;
        let mut budget = max_surge - surging;
        for (_, i) in old_available {
            let has_new = by_node.on(i).iter().any(|p| p.facts.at_revision(hash_id));
            if budget > 0 && !has_new && eligible[i] {
                diff.create_on.push(by_node.table.nodes[i].name.to_string());
                budget -= 1;
            }
        }
        return None;
    }
    Some(Replacements {
        candidates: old_available,
        budget: max_unavailable - unavailable,
        max_unavailable,
    })
}

/// maxSurge 0: deletes the old available pods the budget allows, in an order drawn from
/// the seeded RNG (the real order is Go map order, i.e. random). Returns the why line
/// when the budget holds the rest back.
fn order_replacements(
    rng: &mut Rng,
    replacements: Replacements,
    by_node: &NodePods,
    eligible: &[bool],
    diff: &mut Diff,
) -> Option<String> {
    let Replacements {
        mut candidates,
        mut budget,
        max_unavailable,
    } = replacements;
    let n = candidates.len();
    for i in (1..n).rev() {
        let j = rng.below((i + 1) as u64) as usize;
        candidates.swap(i, j);
    }
    for (pod, i) in candidates {
        if budget <= 0 {
            return Some(format!("waiting: maxUnavailable={max_unavailable} node(s) may be without an available pod at once"));
        }
        let node = &by_node.table.nodes[i].name;
        let why = if eligible[i] {
            format!("{pod} on {node} is at an old revision; replacing it (maxUnavailable={max_unavailable}, one node at a time)")
        } else {
            format!("{pod} on {node} is at an old revision; deleting it, and no new pod goes there while the node has a taint the pod does not tolerate")
        };
        diff.delete.push((pod.to_string(), why));
        budget -= 1;
    }
    None
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
            recorder(ds).normal(
                w,
                "SuccessfulCreate",
                &format!("Created pod: {}", meta_str(&p, "name")),
            );
            true
        }
        Err(e) => {
            recorder(ds).warning(
                w,
                "FailedCreate",
                &format!("Error creating: {}", e.status_message("")),
            );
            false
        }
    }
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
        counts.misscheduled += by_node.elsewhere.values().flatten().filter(bound).count() as i64;
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
        let by_node = NodePods::gather(w, &table, meta_str(&ds, "uid"));
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
