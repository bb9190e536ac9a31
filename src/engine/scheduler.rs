//! The default scheduler: filter nodes (nodeSelector, required node affinity, taints,
//! resources, pod count), score least-allocated, break ties with the seeded RNG, bind.

use super::apiserver::meta_str;
use super::controllers::Controller;
use super::events::Recorder;
use super::labels::labels;
use super::node_table::{Allocatable, NodeTable, TableNode};
use super::quantity;
use super::world::World;
use crate::engine::json::At;
use crate::json;
use serde_json::Value;
use std::collections::BTreeMap;

/// Events and why-log lines about `pod`: the Events come from `default-scheduler`, the
/// reasons from `scheduler`.
fn recorder(pod: &Value) -> Recorder<'_> {
    Recorder::new(Controller::Scheduler.name(), "Pod", pod)
        .why_as("scheduler")
        .in_series()
}

/// What the scheduler assumes a container without requests uses, when scoring.
const DEFAULT_CPU_MILLIS: i64 = 100;
const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

/// Whether one toleration tolerates one taint.
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let key = toleration["key"].as_str().unwrap_or("");
    let op = toleration["operator"].as_str().unwrap_or("Equal");
    let effect = toleration["effect"].as_str().unwrap_or("");
    if !effect.is_empty() && effect != taint["effect"].as_str().unwrap_or("") {
        return false;
    }
    if key.is_empty() {
        return op == "Exists";
    }
    key == taint["key"].as_str().unwrap_or("")
        && (op == "Exists"
            || toleration["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or(""))
}

/// What a pod spec asks of a node — tolerations, nodeSelector, required node affinity —
/// read once per pod: filtering asks it of every node, for every pod.
pub struct NodeFilter<'a> {
    tolerations: &'a [Value],
    selector: Option<&'a serde_json::Map<String, Value>>,
    terms: Option<&'a [Value]>,
}

impl<'a> NodeFilter<'a> {
    pub fn of(pod_spec: &'a Value) -> NodeFilter<'a> {
        NodeFilter {
            tolerations: pod_spec["tolerations"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
            selector: pod_spec["nodeSelector"].as_object(),
            terms: pod_spec
                .at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
                .and_then(Value::as_array)
                .map(Vec::as_slice),
        }
    }

    /// The pod has a nodeSelector or required node affinity: nodes' labels matter.
    fn selects(&self) -> bool {
        self.selector.is_some() || self.terms.is_some()
    }

    /// The only node the affinity allows, when it is one term of one requirement
    /// `metadata.name In [node]` (what the DaemonSet controller pins its pods with).
    fn pinned_node(&self) -> Option<&'a str> {
        let [term] = self.terms? else { return None };
        if term.get("matchExpressions").is_some() {
            return None;
        }
        let [field] = term["matchFields"].as_array()?.as_slice() else {
            return None;
        };
        let [node] = field["values"].as_array()?.as_slice() else {
            return None;
        };
        (field["key"] == "metadata.name" && field["operator"] == "In")
            .then(|| node.as_str())
            .flatten()
    }

    /// `FindMatchingUntoleratedTaint`: the first taint of `node` with one of `effects`
    /// that the pod does not tolerate (an untainted node is not read at all).
    pub fn untolerated_taint<'n>(
        &self,
        node: &'n TableNode,
        effects: &[&str],
    ) -> Option<&'n Value> {
        if !node.tainted {
            return None;
        }
        node.object
            .get("spec")
            .and_then(|s| s.get("taints"))
            .and_then(Value::as_array)?
            .iter()
            .filter(|t| t["effect"].as_str().is_some_and(|e| effects.contains(&e)))
            .find(|t| !self.tolerations.iter().any(|tol| tolerates(tol, t)))
    }

    /// nodeSelector and required node affinity.
    pub fn matches(&self, node: &Value) -> bool {
        if !self.selects() {
            return true; // the common pod: asked of every node, so it reads no node labels
        }
        let node_labels = labels(node);
        let label = |k: &str| node_labels.get(k).and_then(Value::as_str);
        if let Some(sel) = self.selector {
            if !sel
                .iter()
                .all(|(k, v)| label(k).is_some() && label(k) == v.as_str())
            {
                return false;
            }
        }
        let Some(terms) = self.terms else { return true };
        let name = meta_str(node, "name");
        terms.iter().any(|term| {
            let exprs = term["matchExpressions"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let fields = term["matchFields"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            (!exprs.is_empty() || !fields.is_empty())
                && exprs
                    .iter()
                    .all(|r| requirement_matches(r, label(r["key"].as_str().unwrap_or(""))))
                && fields
                    .iter()
                    .all(|r| r["key"] == "metadata.name" && requirement_matches(r, Some(name)))
        })
    }
}

/// The taint effects that keep a new pod off a node.
pub const SCHEDULING_EFFECTS: &[&str] = &["NoSchedule", "NoExecute"];

fn requirement_matches(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req["values"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match req["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => !value.is_some_and(|v| values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if req["operator"] == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// cpu millicores and memory bytes a pod requests (`scoring` applies the non-zero defaults).
pub fn pod_requests(pod_spec: &Value, scoring: bool) -> (i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in pod_spec["containers"].as_array().into_iter().flatten() {
        let r = c.at("/resources/requests");
        let c_cpu = r.and_then(|r| r.get("cpu")).and_then(quantity::cpu_millis);
        let c_mem = r.and_then(|r| r.get("memory")).and_then(quantity::bytes);
        cpu += c_cpu.unwrap_or(if scoring { DEFAULT_CPU_MILLIS } else { 0 });
        mem += c_mem.unwrap_or(if scoring { DEFAULT_MEMORY } else { 0 });
    }
    (cpu, mem)
}

/// What the pods on one node request (and what scoring assumes they use).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeUse {
    pods: i64,
    cpu: i64,
    mem: i64,
    score_cpu: i64,
    score_mem: i64,
}

impl NodeUse {
    fn add(&mut self, other: &NodeUse, sign: i64) {
        self.pods += sign * other.pods;
        self.cpu += sign * other.cpu;
        self.mem += sign * other.mem;
        self.score_cpu += sign * other.score_cpu;
        self.score_mem += sign * other.score_mem;
    }
}

/// Per-node usage kept up to date from the watch journal, so that placing a pod costs
/// the number of nodes, not the number of pods (the scheduler's cache).
#[derive(Debug, Clone, Default)]
pub struct UsageIndex {
    by_pod: BTreeMap<(String, String), (String, NodeUse)>,
    by_node: BTreeMap<String, NodeUse>,
}

impl UsageIndex {
    /// A bound pod that has not finished counts against its node.
    pub fn observe(&mut self, e: &super::store::WatchEvent) {
        if e.kind != "Pod" {
            return;
        }
        let key = (e.namespace.clone(), e.name.clone());
        if let Some((node, old)) = self.by_pod.remove(&key) {
            if let Some(u) = self.by_node.get_mut(&node) {
                u.add(&old, -1);
                if u.pods == 0 {
                    self.by_node.remove(&node);
                }
            }
        }
        if e.event_type == super::store::EventType::Deleted {
            return;
        }
        let p = &e.object;
        let node = p.at("/spec/nodeName").and_then(Value::as_str).unwrap_or("");
        if node.is_empty()
            || matches!(
                p.at("/status/phase").and_then(Value::as_str),
                Some("Succeeded" | "Failed")
            )
        {
            return;
        }
        let (cpu, mem) = pod_requests(&p["spec"], false);
        let (score_cpu, score_mem) = pod_requests(&p["spec"], true);
        let mine = NodeUse {
            pods: 1,
            cpu,
            mem,
            score_cpu,
            score_mem,
        };
        self.by_node
            .entry(node.to_string())
            .or_default()
            .add(&mine, 1);
        self.by_pod.insert(key, (node.to_string(), mine));
    }
}

/// The VolumeBinding filter: a claim that is missing or not yet bound blocks the pod.
fn unbound_claim(w: &World, namespace: &str, pod: &Value) -> Option<String> {
    for name in super::volumes::claim_names(pod) {
        match w.get("PersistentVolumeClaim", namespace, name) {
            None => return Some(format!("persistentvolumeclaim \"{name}\" not found")),
            Some(c) if c.at("/status/phase").and_then(Value::as_str) != Some("Bound") => {
                return Some("pod has unbound immediate PersistentVolumeClaims".to_string());
            }
            Some(_) => {}
        }
    }
    None
}

/// The DynamicResources plugin's PostFilter answer for a pod without resource claims; it
/// runs before preemption, so its message comes first (1.34, the oracle agrees).
const NO_CLAIMS: &str = "no new claims to deallocate, ";

/// Tries to bind pod `namespace/name`; records `Scheduled` or `FailedScheduling`.
pub fn schedule(w: &mut World, namespace: &str, name: &str) {
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        return;
    };
    if pod
        .at("/spec/nodeName")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty())
        || pod.at("/metadata/deletionTimestamp").is_some()
    {
        return;
    }
    if let Some(problem) = unbound_claim(w, namespace, &pod) {
        let total = w.store.count("Node", None);
        let message = format!(
            "0/{total} nodes are available: {problem}. {NO_CLAIMS}preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
        );
        set_unschedulable(w, &pod, &message);
        return;
    }
    let nodes = w.node_table();
    match place(w, &nodes, &pod["spec"]) {
        Ok(candidates) => {
            let chosen = &candidates[w.rng.below(candidates.len() as u64) as usize];
            bind(w, &pod, chosen);
        }
        Err(message) => set_unschedulable(w, &pod, &message),
    }
}

/// What filtering and scoring made of one node for one pod.
enum Verdict {
    /// Passes every filter, with this least-allocated score.
    Fits(i64),
    /// Kept out by a cordon, a taint or the pod's node affinity/selector.
    Filtered(String),
    /// Too small for the pod: every resource that is short, and whether the pod asks
    /// for more than the node has at all (`Unresolvable`: preempting cannot help).
    Short(Vec<&'static str>, bool),
}

/// What one pod asks of every node, read once: its filter and its requests.
struct PodDemand<'a> {
    filter: NodeFilter<'a>,
    tolerates_cordon: bool,
    /// (cpu, memory) requested, and as scoring counts them.
    requests: (i64, i64),
    scoring: (i64, i64),
}

impl PodDemand<'_> {
    fn judge(&self, node: &TableNode, used: Option<&NodeUse>) -> Verdict {
        if node.unschedulable && !self.tolerates_cordon {
            return Verdict::Filtered("node(s) were unschedulable".to_string());
        }
        // 1.34's TaintToleration no longer names the taint (the oracle agrees).
        if self
            .filter
            .untolerated_taint(node, SCHEDULING_EFFECTS)
            .is_some()
        {
            return Verdict::Filtered("node(s) had untolerated taint(s)".to_string());
        }
        if !self.filter.matches(&node.object) {
            return Verdict::Filtered(
                "node(s) didn't match Pod's node affinity/selector".to_string(),
            );
        }
        let (pods, ucpu, umem, uscpu, usmem) = used
            .map(|u| (u.pods, u.cpu, u.mem, u.score_cpu, u.score_mem))
            .unwrap_or_default();
        let Allocatable {
            cpu: acpu,
            memory: amem,
            pods: apods,
        } = node.allocatable;
        let ((cpu, mem), (scpu, smem)) = (self.requests, self.scoring);
        let mut misses = Vec::new();
        if pods + 1 > apods {
            misses.push("Too many pods");
        }
        if ucpu + cpu > acpu {
            misses.push("Insufficient cpu");
        }
        if umem + mem > amem {
            misses.push("Insufficient memory");
        }
        if !misses.is_empty() {
            // fitsRequest's `Unresolvable`: a request above the node's allocatable.
            let unresolvable = cpu > acpu || mem > amem;
            return Verdict::Short(misses, unresolvable);
        }
        let free = |alloc: i64, used: i64| {
            if alloc <= 0 {
                0
            } else {
                (alloc - used).max(0) * 100 / alloc
            }
        };
        Verdict::Fits(free(acpu, uscpu + scpu) + free(amem, usmem + smem))
    }
}

/// Filters and scores every node for a pod with `spec`: the best-scoring nodes (the
/// caller breaks the tie with the seeded RNG), or the FailedScheduling message.
fn place(w: &World, nodes: &NodeTable, spec: &Value) -> Result<Vec<String>, String> {
    let demand = PodDemand {
        filter: NodeFilter::of(spec),
        tolerates_cordon: spec["tolerations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["key"] == "node.kubernetes.io/unschedulable"),
        requests: pod_requests(spec, false),
        scoring: pod_requests(spec, true),
    };
    let used = &w.node_usage.by_node;
    // A pod pinned to one node (a daemon pod) can only fit there: when it does, that node
    // is the whole answer, without judging the others.
    if let Some(pinned) = demand.filter.pinned_node() {
        if let Some(node) = nodes.get(pinned) {
            if let Verdict::Fits(_) = demand.judge(node, used.get(pinned)) {
                return Ok(vec![pinned.to_string()]);
            }
        }
    }
    // Asked of every node for every pod: what depends on the node alone is in the table,
    // and what depends on the pod alone was read once above.
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut feasible: Vec<(i64, &str)> = Vec::new();
    let mut resource_failures = 0;
    for node in &nodes.nodes {
        let node_name = &*node.name;
        match demand.judge(node, used.get(node_name)) {
            Verdict::Fits(score) => feasible.push((score, node_name)),
            Verdict::Filtered(r) => *reasons.entry(r).or_default() += 1,
            Verdict::Short(misses, unresolvable) => {
                if !unresolvable {
                    resource_failures += 1;
                }
                for m in misses {
                    *reasons.entry(m.to_string()).or_default() += 1;
                }
            }
        }
    }
    let best = feasible.iter().map(|(s, _)| *s).max();
    let Some(best) = best else {
        let total = nodes.nodes.len();
        let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        crate::sort::sort(&mut parts);
        // Preemption looks at each node: removing victims can only help where resources
        // were short; a taint, selector or cordon is "not helpful" to preempt on.
        let not_helpful = total - resource_failures;
        let mut verdicts = Vec::new();
        if not_helpful > 0 {
            verdicts.push(format!(
                "{not_helpful} Preemption is not helpful for scheduling"
            ));
        }
        if resource_failures > 0 {
            verdicts.push(format!(
                "{resource_failures} No preemption victims found for incoming pod"
            ));
        }
        crate::sort::sort(&mut verdicts);
        let preemption = format!("0/{total} nodes are available: {}.", verdicts.join(", "));
        let message = format!(
            "0/{total} nodes are available: {}. {NO_CLAIMS}preemption: {preemption}",
            parts.join(", ")
        );
        return Err(message);
    };
    Ok(feasible
        .iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, n)| n.to_string())
        .collect())
}

fn set_unschedulable(w: &mut World, pod: &Value, message: &str) {
    let mut status = pod["status"].clone();
    let already = status["conditions"].as_array().is_some_and(|c| {
        c.iter()
            .any(|c| c["type"] == "PodScheduled" && c["message"] == message)
    });
    recorder(pod).warning(w, "FailedScheduling", message);
    super::scheduling_queue::mark_unschedulable(w, pod);
    if already {
        return;
    }
    status["conditions"] = json!([{
        "lastProbeTime": Value::Null,
        "lastTransitionTime": super::time::format_rfc3339(w.now),
        "message": message,
        "reason": "Unschedulable",
        "status": "False",
        "type": "PodScheduled"
    }]);
    let (ns, name) = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
    );
    w.update_status_as(
        "Pod",
        &ns,
        &name,
        status,
        &super::apiserver::managed_fields::SCHEDULER_STATUS,
    );
    recorder(pod).why(w, format!("{name} cannot be scheduled: {message}"));
}

fn bind(w: &mut World, pod: &Value, node: &str) {
    let (ns, name) = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
    );
    let mut obj = pod.clone();
    obj["spec"]["nodeName"] = json!(node);
    obj["status"]["conditions"] = json!([{
        "lastProbeTime": Value::Null,
        "lastTransitionTime": super::time::format_rfc3339(w.now),
        "status": "True",
        "type": "PodScheduled"
    }]);
    let stored = w.write("Pod", obj);
    recorder(&stored).normal(
        w,
        "Scheduled",
        &format!("Successfully assigned {ns}/{name} to {node}"),
    );
    recorder(&stored).why(w, format!("{name} was placed on {node}: the node fits its requests and tolerations and had the most free room"));
}
