//! The taint-eviction controller (k/k `pkg/controller/tainteviction`), for one node: a
//! pod on a node with a `NoExecute` taint is deleted at once if it does not tolerate
//! it, after its shortest `tolerationSeconds` if it does for a while (every pod gets 300 s
//! for `unreachable` and `not-ready` from the DefaultTolerationSeconds admission plugin),
//! never if it tolerates it for good (daemon pods). The deletion is an ordinary graceful
//! one: on an unreachable node nobody confirms it, so the pod stays `Terminating`.
//!
//! Its scheduled evictions ([`Queue`]) live as long as the pod (a fired one is kept so
//! that it fires once), and are cancelled — with an Event — when the taints go.

pub mod control;

use super::Action;
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::clock::Millis;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use control::Stay;
use serde_json::Value;
use std::collections::BTreeMap;

/// One pod's scheduled eviction (`TimedWorker`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Work {
    node: String,
    uid: String,
    fire_at: Millis,
}

/// What the controller keeps: the scheduled evictions by (namespace, pod name)
/// (`TimedWorkerQueue`; a fired one is dropped), and what it has looked at — it acts on a
/// node's pods when that node's `NoExecute` taints change, and on a pod when it is bound
/// or gone, not on every status update (`NodeUpdated`, `PodUpdated`).
#[derive(Debug, Clone, Default)]
pub struct Queue {
    work: BTreeMap<(String, String), Work>,
    /// The `NoExecute` taints last processed, by node.
    taints_seen: BTreeMap<String, Vec<Value>>,
    /// Pods processed, uid → (namespace, name, node).
    pods_seen: BTreeMap<String, (String, String, String)>,
}

impl Queue {
    /// The node whose key to sync about this pod watch event, if any.
    pub fn node_to_sync(w: &World, pod: &Value, deleted: bool) -> Option<String> {
        let uid = meta_str(pod, "uid");
        if deleted {
            return w.evictions.pods_seen.get(uid).map(|(_, _, n)| n.clone());
        }
        let node = pod.at("/spec/nodeName").and_then(Value::as_str)?;
        // A pod on a node without NoExecute taints has nothing to fear (and the node is
        // looked at whole when it gets one).
        let tainted = w
            .get("Node", "", node)
            .is_some_and(|n| !no_execute_taints(n).is_empty());
        (tainted && !w.evictions.pods_seen.contains_key(uid)).then(|| node.to_string())
    }
}

fn no_execute_taints(node: &Value) -> Vec<Value> {
    node.at("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t["effect"] == "NoExecute")
        .cloned()
        .collect()
}

/// The pod as the controller names it in Events: a reference without a uid (so `kubectl
/// describe pod` does not list them; `kubectl get events` does).
fn pod_ref(namespace: &str, name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}})
}

fn cancel(w: &mut World, key: &(String, String), why: &str) {
    if w.evictions.work.remove(key).is_none() {
        return;
    }
    let (ns, name) = key;
    let obj = pod_ref(ns, name);
    let rec = Recorder::new("taint-eviction-controller", "Pod", &obj);
    rec.normal(
        w,
        "TaintManagerEviction",
        &format!("Cancelling deletion of Pod {ns}/{name}"),
    );
    rec.why(w, format!("{name}'s eviction is cancelled: {why}"));
}

fn evict(w: &mut World, key: &(String, String), node: &str, why: String) {
    let (ns, name) = key;
    let obj = pod_ref(ns, name);
    let rec = Recorder::new("taint-eviction-controller", "Pod", &obj);
    rec.normal(
        w,
        "TaintManagerEviction",
        &format!("Marking for deletion Pod {ns}/{name}"),
    );
    rec.why(w, why);
    // `addConditionAndDeletePod`: the pod says why it goes before it is deleted.
    w.add_disruption_target(
        ns,
        name,
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
    );
    let _ = w.delete("Pod", ns, name, DeleteOptions::default());
    if w.kubelet.stopped.contains_key(node) {
        rec.why(
            w,
            format!("{name} is Terminating: its node's kubelet is stopped and cannot confirm that the containers stopped, so the pod object stays until it does (or a force delete removes it)"),
        );
    }
}

fn taint_names(taints: &[Value]) -> String {
    taints
        .iter()
        .map(|t| format!("{}:NoExecute", t["key"].as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `processPodOnNode`: schedule, replace, cancel or carry out the pod's eviction.
fn process_pod(w: &mut World, node: &str, pod: &Value, taints: &[Value]) {
    let key = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
    );
    let uid = meta_str(pod, "uid").to_string();
    w.evictions.pods_seen.insert(
        uid.clone(),
        (key.0.clone(), key.1.clone(), node.to_string()),
    );
    let tolerations = pod
        .at("/spec/tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    match control::stay(&tolerations, taints) {
        Stay::Untainted => cancel(w, &key, &format!("{node} has no NoExecute taint any more")),
        Stay::Forever => cancel(
            w,
            &key,
            &format!("it tolerates {} for good", taint_names(taints)),
        ),
        Stay::NotTolerated => {
            cancel(w, &key, "it is evicted at once instead");
            let why = format!(
                "{} does not tolerate {} on {node}, so it is evicted at once",
                key.1,
                taint_names(taints)
            );
            evict(w, &key, node, why);
        }
        Stay::For(allowed) => {
            if w.evictions.work.contains_key(&key) {
                // The earlier work fires no later than a new one would.
                return;
            }
            let fire_at = w.now + allowed;
            w.evictions.work.insert(
                key.clone(),
                Work {
                    node: node.to_string(),
                    uid,
                    fire_at,
                },
            );
            Recorder::new("taint-eviction-controller", "Pod", &pod_ref(&key.0, &key.1)).why(
                w,
                format!(
                    "{} tolerates {} for {}s: it is evicted then unless the taint goes first",
                    key.1,
                    taint_names(taints),
                    allowed / 1000
                ),
            );
        }
    }
}

#[inline(never)]
pub fn sync(w: &mut World, node_name: &str) -> Action {
    let taints = w
        .get("Node", "", node_name)
        .map(|n| no_execute_taints(n))
        .unwrap_or_default();
    // Pods that are gone (or were replaced by a namesake elsewhere): `handlePodUpdate`
    // finding no pod cancels its work.
    let gone: Vec<String> = w
        .evictions
        .pods_seen
        .iter()
        .filter(|(_, (_, _, n))| n == node_name)
        .filter(|(uid, (ns, name, _))| {
            w.get("Pod", ns, name)
                .is_none_or(|p| meta_str(p, "uid") != uid.as_str())
        })
        .map(|(uid, _)| uid.clone())
        .collect();
    for uid in gone {
        if let Some((ns, name, _)) = w.evictions.pods_seen.remove(&uid) {
            let key = (ns, name);
            if w.evictions.work.get(&key).is_some_and(|wk| wk.uid == uid) {
                cancel(w, &key, "the pod is gone");
            }
        }
    }
    let changed = w.evictions.taints_seen.get(node_name) != Some(&taints);
    if changed {
        w.evictions
            .taints_seen
            .insert(node_name.to_string(), taints.clone());
    }
    let pods: Vec<Value> = w
        .store
        .pods_on_node(node_name)
        .filter(|p| {
            changed
                || (!taints.is_empty() && !w.evictions.pods_seen.contains_key(meta_str(p, "uid")))
        })
        .map(|p| (**p).clone())
        .collect();
    for pod in &pods {
        process_pod(w, node_name, pod, &taints);
    }
    // Fire what is due.
    let due: Vec<((String, String), Work)> = w
        .evictions
        .work
        .iter()
        .filter(|(_, wk)| wk.node == node_name && wk.fire_at <= w.now)
        .map(|(k, wk)| (k.clone(), wk.clone()))
        .collect();
    for (key, _) in due {
        w.evictions.work.remove(&key);
        let why = format!(
            "{} tolerated {} on {node_name} for its tolerationSeconds: it is evicted",
            key.1,
            taint_names(&taints)
        );
        evict(w, &key, node_name, why);
    }
    match w
        .evictions
        .work
        .values()
        .filter(|wk| wk.node == node_name)
        .map(|wk| wk.fire_at)
        .min()
    {
        Some(at) => Action::requeue(at - w.now),
        None => Action::await_change(),
    }
}
