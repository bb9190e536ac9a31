//! The node lifecycle controller (k/k `pkg/controller/nodelifecycle`), for one node:
//!
//! - health: a node whose kubelet stopped renewing its Lease is marked unreachable once
//!   the grace period has passed (`monitorNodeHealth`): its conditions become `Unknown`
//!   ("Kubelet stopped posting node status."), the Node gets a `NodeNotReady` Event and
//!   its pods are marked not ready ([`pod_control`]), which takes them out of Services;
//! - taints: a cordoned node carries `node.kubernetes.io/unschedulable:NoSchedule`, an
//!   unreachable one `node.kubernetes.io/unreachable` with `NoSchedule` and `NoExecute`
//!   (the taint-eviction controller acts on the latter); both go when the node is
//!   cordoned off no more, or Ready again.
//!
//! The policy is [`control`]; this file reads the node, asks it and writes the answer.

pub mod control;
mod pod_control;

use super::{key, Action, Controller};
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::kubelet::power;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use control::{Health, NodeFacts};
use serde_json::Value;

pub use control::UNSCHEDULABLE_TAINT;

fn ready_status(node: &Value) -> &str {
    node.at("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["status"].as_str())
        .unwrap_or("Unknown")
}

#[inline(never)]
pub fn sync(w: &mut World, name: &str) -> Action {
    let Some(node) = w.get("Node", "", name).cloned() else {
        return Action::skipped();
    };
    let renewed = power::last_renewal(w, name);
    let unknown = ready_status(&node) == "Unknown";
    let mut action = Action::await_change();
    match control::health(renewed, unknown, w.now) {
        Health::Fine => {}
        Health::WaitUntil(at) => action = Action::requeue(at - w.now),
        Health::MarkUnknown => {
            mark_unknown(w, name, &node);
            return Action::await_change();
        }
    }
    let all_unreachable = w
        .store
        .list("Node", None)
        .all(|n| ready_status(n) == "Unknown");
    let facts = NodeFacts {
        cordoned: node.at("/spec/unschedulable").and_then(Value::as_bool) == Some(true),
        unreachable: unknown,
        all_unreachable,
    };
    set_taints(w, name, &node, &control::wanted_taints(facts));
    action
}

/// `tryUpdateNodeHealth` giving up on the node: every condition the kubelet owns becomes
/// Unknown; then `RecordNodeStatusChange` and `MarkPodsNotReady`.
fn mark_unknown(w: &mut World, name: &str, node: &Value) {
    let now = format_rfc3339(w.now);
    let mut status = node["status"].clone();
    if let Some(list) = status["conditions"].as_array_mut() {
        for c in list.iter_mut() {
            let owned = matches!(
                c["type"].as_str(),
                Some("Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure")
            );
            if owned && c["status"] != "Unknown" {
                c["status"] = json!("Unknown");
                c["reason"] = json!("NodeStatusUnknown");
                c["message"] = json!("Kubelet stopped posting node status.");
                c["lastTransitionTime"] = json!(now);
            }
        }
    }
    let stored = w.update_status("Node", "", name, status);
    let node = stored.map(|n| (*n).clone()).unwrap_or_else(|| node.clone());
    let rec =
        Recorder::new("node-controller", "Node", &node).why_as(Controller::NodeLifecycle.name());
    rec.normal(
        w,
        "NodeNotReady",
        &format!("Node {name} status is now: NodeNotReady"),
    );
    rec.why(
        w,
        format!(
            "{name} has not renewed its lease for longer than the node-monitor-grace-period ({}s): its status is Unknown, it is tainted node.kubernetes.io/unreachable, and its pods are no longer ready",
            control::NODE_MONITOR_GRACE_PERIOD_MS / 1000
        ),
    );
    pod_control::mark_pods_not_ready(w, name);
    // Another node's verdict may depend on this one (no evictions when all are down).
    let others: Vec<String> = w
        .store
        .list("Node", None)
        .map(|n| n["metadata"]["name"].as_str().unwrap_or("").to_string())
        .filter(|n| n != name)
        .collect();
    for other in others {
        w.queue.add(Controller::NodeLifecycle, key("", &other));
    }
    w.queue.add(Controller::NodeLifecycle, key("", name));
}

/// Makes the controller-managed taints of the node `wanted`, leaving other taints (and
/// the `timeAdded` of those it keeps) alone.
fn set_taints(w: &mut World, name: &str, node: &Value, wanted: &[control::Taint]) {
    let taints: Vec<Value> = node
        .at("/spec/taints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let is = |t: &Value, (k, e): &control::Taint| t["key"] == *k && t["effect"] == *e;
    let mut next: Vec<Value> = taints
        .iter()
        .filter(|t| {
            !control::managed(
                t["key"].as_str().unwrap_or(""),
                t["effect"].as_str().unwrap_or(""),
            ) || wanted.iter().any(|w| is(t, w))
        })
        .cloned()
        .collect();
    let now = format_rfc3339(w.now);
    let mut added = Vec::new();
    for want in wanted {
        if !next.iter().any(|t| is(t, want)) {
            next.push(json!({"effect": want.1, "key": want.0, "timeAdded": now}));
            added.push(format!("{}:{}", want.0, want.1));
        }
    }
    if next == taints {
        return;
    }
    let removed: Vec<String> = taints
        .iter()
        .filter(|t| !next.contains(t))
        .map(|t| {
            format!(
                "{}:{}",
                t["key"].as_str().unwrap_or(""),
                t["effect"].as_str().unwrap_or("")
            )
        })
        .collect();
    let mut obj = node.clone();
    if next.is_empty() {
        if let Some(spec) = obj["spec"].as_object_mut() {
            spec.remove("taints");
        }
    } else {
        obj["spec"]["taints"] = json!(next);
    }
    let stored = w.write("Node", obj);
    let rec = Recorder::new(Controller::NodeLifecycle.name(), "Node", &stored);
    if !added.is_empty() {
        rec.why(w, format!("{name} is tainted {}", added.join(", ")));
    }
    if !removed.is_empty() {
        rec.why(
            w,
            format!("{name} no longer needs the taint {}", removed.join(", ")),
        );
    }
}
