//! A node's kubelet stopping and starting again (`kubeplay node stop|start NAME`), as
//! when `systemctl stop kubelet` runs on a real node: the containers it started keep
//! running, but nobody hears from the node any more — no lease renewals, no node status,
//! no pod status, no reaction to deletions. Whatever the kubelet would have done meanwhile
//! waits (its timers are parked) and happens when it starts again.

use super::{report_readiness, start_termination, Stage};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::{Millis, Timer};
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::fmt;

/// How often a running kubelet renews its node Lease (`renewInterval`, a quarter of the
/// 40 s lease duration): the last renewal before a stop is on this grid.
pub const LEASE_RENEW_INTERVAL_MS: Millis = 10_000;
/// How long after starting again the kubelet posts its node status
/// (`nodeStatusUpdateFrequency`).
pub const NODE_STATUS_UPDATE_MS: Millis = 10_000;

/// Why `kubeplay node stop|start` could not do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PowerError {
    NodeNotFound(String),
}

impl fmt::Display for PowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerError::NodeNotFound(n) => write!(f, "node \"{n}\" not found"),
        }
    }
}

/// What the command changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switched {
    Done,
    AlreadyThere,
}

/// When the node's kubelet last renewed its Lease, if it has stopped renewing it.
pub fn last_renewal(w: &World, node: &str) -> Option<Millis> {
    w.kubelet
        .stopped
        .get(node)
        .map(|at| at - at.rem_euclid(LEASE_RENEW_INTERVAL_MS))
}

/// The Lease the node's kubelet keeps in `kube-node-lease` (component-helpers' lease
/// controller: holder = the node, 40 s duration, no acquireTime), renewed on the 10 s
/// grid while the kubelet runs and left at its last renewal once it stops. It is not
/// stored: a write every 10 s per node would move every resourceVersion and wake every
/// watcher of the store, for a value that follows from the kubelet's power state alone.
/// `None` for a Node no kubelet registered (one created with kubectl has no lease).
pub fn node_lease(w: &World, node: &Value) -> Option<Value> {
    let name = meta_str(node, "name");
    node.at("/status/nodeInfo/kubeletVersion")?;
    let renewed =
        last_renewal(w, name).unwrap_or_else(|| w.now - w.now.rem_euclid(LEASE_RENEW_INTERVAL_MS));
    let created = node
        .at("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or("");
    let micro = |ms: Millis| format_rfc3339(ms).replace('Z', ".000000Z");
    Some(json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": name,
            "namespace": "kube-node-lease",
            "creationTimestamp": created,
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": meta_str(node, "uid")}],
        },
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": micro(renewed)},
    }))
}

/// The `host:port` of the kubelet serving `pod`, when that kubelet is stopped: the API
/// server's calls to it (logs, exec) are refused.
pub fn refused_kubelet(w: &World, pod: &Value) -> Option<String> {
    let node = pod.at("/spec/nodeName").and_then(Value::as_str)?;
    if !w.kubelet.stopped.contains_key(node) {
        return None;
    }
    let ip = w
        .get("Node", "", node)
        .and_then(|n| {
            n.at("/status/addresses/0/address")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .unwrap_or_default();
    Some(format!("{ip}:10250"))
}

/// A kubelet timer for `node` fired: if that kubelet is stopped, keep it for later.
pub(super) fn park(w: &mut World, node: &str, timer: Timer) -> bool {
    if !w.kubelet.stopped.contains_key(node) {
        return false;
    }
    w.kubelet
        .parked
        .entry(node.to_string())
        .or_default()
        .push(timer);
    true
}

fn node(w: &World, name: &str) -> Result<Value, PowerError> {
    w.get("Node", "", name)
        .map(|n| (**n).clone())
        .ok_or_else(|| PowerError::NodeNotFound(name.to_string()))
}

/// Stops the kubelet of `name`.
pub fn stop(w: &mut World, name: &str) -> Result<Switched, PowerError> {
    let n = node(w, name)?;
    if w.kubelet.stopped.contains_key(name) {
        return Ok(Switched::AlreadyThere);
    }
    w.kubelet.stopped.insert(name.to_string(), w.now);
    Recorder::new("kubelet", "Node", &n).on_host(name).why(
        w,
        format!("the kubelet on {name} stopped: its containers keep running, but it renews no lease and posts no node or pod status any more"),
    );
    w.queue.add(
        crate::engine::controllers::Controller::NodeLifecycle,
        crate::engine::controllers::key("", name),
    );
    Ok(Switched::Done)
}

/// The conditions a healthy kubelet posts, keeping each one's transition time unless
/// its status changes now.
fn healthy_conditions(old: &Value, now: &str) -> Value {
    let rows = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    let previous = |t: &str| {
        old.as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == t))
            .cloned()
    };
    Value::Array(
        rows.iter()
            .map(|(t, status, reason, message)| {
                let since = previous(t)
                    .filter(|c| c["status"] == *status)
                    .and_then(|c| c["lastTransitionTime"].as_str().map(String::from))
                    .unwrap_or_else(|| now.to_string());
                json!({"lastHeartbeatTime": now, "lastTransitionTime": since, "message": message, "reason": reason, "status": status, "type": t})
            })
            .collect(),
    )
}

/// The kubelet event for a condition that changed back to healthy (`setters.go`).
fn recovery_event(t: &str) -> &'static str {
    match t {
        "MemoryPressure" => "NodeHasSufficientMemory",
        "DiskPressure" => "NodeHasNoDiskPressure",
        "PIDPressure" => "NodeHasSufficientPID",
        _ => "NodeReady",
    }
}

/// Starts the kubelet of `name` again: it finishes what it missed at once (pods deleted
/// meanwhile are stopped and confirmed gone) and posts its node status on its next
/// status update, one interval later.
pub fn start(w: &mut World, name: &str) -> Result<Switched, PowerError> {
    let n = node(w, name)?;
    if w.kubelet.stopped.remove(name).is_none() {
        return Ok(Switched::AlreadyThere);
    }
    Recorder::new("kubelet", "Node", &n).on_host(name).why(
        w,
        format!("the kubelet on {name} started again: it catches up on its pods now and posts its node status within {}s", NODE_STATUS_UPDATE_MS / 1000),
    );
    catch_up(w, name);
    for timer in w.kubelet.parked.remove(name).unwrap_or_default() {
        let at = w.now;
        w.timers.schedule(at, timer);
    }
    let at = w.now + NODE_STATUS_UPDATE_MS;
    w.timers.schedule(
        at,
        Timer::NodeStatus {
            node: name.to_string(),
        },
    );
    Ok(Switched::Done)
}

/// The kubelet's node status update: healthy conditions again, with its Events for each
/// condition that changed (a node the controller had marked Unknown).
pub fn post_status(w: &mut World, name: &str) {
    if w.kubelet.stopped.contains_key(name) {
        return;
    }
    let Ok(n) = node(w, name) else {
        return;
    };
    let now = format_rfc3339(w.now);
    let old = n.at("/status/conditions").cloned().unwrap_or(Value::Null);
    let conditions = healthy_conditions(&old, &now);
    let changed: Vec<String> = conditions
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["lastTransitionTime"] == json!(now))
        .map(|c| c["type"].as_str().unwrap_or("").to_string())
        .collect();
    if changed.is_empty() {
        return;
    }
    let mut status = n["status"].clone();
    status["conditions"] = conditions;
    let stored = w.update_status_as(
        "Node",
        "",
        name,
        status,
        &crate::engine::apiserver::managed_fields::KUBELET_STATUS,
    );
    let n = stored.map(|s| (*s).clone()).unwrap_or(n);
    let rec = Recorder::new("kubelet", "Node", &n).on_host(name);
    for t in &changed {
        let reason = recovery_event(t);
        rec.normal(w, reason, &format!("Node {name} status is now: {reason}"));
    }
    rec.why(
        w,
        format!("the kubelet on {name} posts its node status again: Ready"),
    );
}

/// The Node object was deleted: its machine is gone, stopped kubelet and all.
pub fn node_removed(w: &mut World, name: &str) {
    w.kubelet.stopped.remove(name);
    w.kubelet.parked.remove(name);
    let gone: Vec<String> = w
        .kubelet
        .orphans
        .keys()
        .filter(|uid| w.kubelet.pods.get(*uid).is_none_or(|rt| rt.node == name))
        .cloned()
        .collect();
    for uid in gone {
        w.kubelet.orphans.remove(&uid);
        super::forget(w, &uid);
    }
}

/// A pod is gone from the API. A running kubelet stops its containers; a stopped one
/// does not know yet: they run on until it starts again (which is why a force deletion
/// can leave two copies of a StatefulSet pod running).
pub fn pod_removed(w: &mut World, pod: &Value) {
    let uid = meta_str(pod, "uid");
    let away = w
        .kubelet
        .pods
        .get(uid)
        .is_some_and(|rt| w.kubelet.stopped.contains_key(&rt.node));
    if away {
        w.kubelet.orphans.insert(uid.to_string(), pod.clone());
    } else {
        w.kubelet.pods.remove(uid);
    }
}

/// The pods of a kubelet that was away: deletions it missed are carried out now, and the
/// pods it runs are reported ready again (the node lifecycle controller had marked them
/// not ready).
fn catch_up(w: &mut World, node: &str) {
    let mine: Vec<(String, Stage)> = w
        .kubelet
        .pods
        .iter()
        .filter(|(_, rt)| rt.node == node)
        .map(|(uid, rt)| (uid.clone(), rt.stage))
        .collect();
    let pods: Vec<Value> = w.store.pods_on_node(node).map(|p| (**p).clone()).collect();
    for (uid, _) in &mine {
        if let Some(pod) = w.kubelet.orphans.remove(uid) {
            stop_orphan(w, node, &pod);
        }
    }
    for pod in pods {
        let uid = meta_str(&pod, "uid").to_string();
        let Some((_, stage)) = mine.iter().find(|(u, _)| *u == uid) else {
            continue;
        };
        let Some(rt) = w.kubelet.pods.get(&uid).cloned() else {
            continue;
        };
        if pod.at("/metadata/deletionTimestamp").is_some() {
            if *stage != Stage::Stopped {
                start_termination(w, &pod, &rt);
            }
        } else if *stage == Stage::Idle && reported_not_ready(&pod) && all_running(&pod) {
            report_readiness(w, &pod);
        }
    }
}

/// A pod force-deleted while the kubelet was away: it finds containers of a pod the API
/// no longer has, and stops them.
fn stop_orphan(w: &mut World, node: &str, pod: &Value) {
    let name = meta_str(pod, "name").to_string();
    let running: Vec<String> = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|s| s.at("/state/running").is_some())
        .map(|s| s["name"].as_str().unwrap_or("").to_string())
        .collect();
    for c in &running {
        super::recorder(pod, node)
            .at_field(&format!("spec.containers{{{c}}}"))
            .normal(w, "Killing", &format!("Stopping container {c}"));
    }
    super::recorder(pod, node).why(
        w,
        format!("{name} was force-deleted while the kubelet on {node} was stopped: its containers ran on until now, when the kubelet finds them and stops them"),
    );
    super::forget(w, meta_str(pod, "uid"));
}

fn reported_not_ready(pod: &Value) -> bool {
    pod.at("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "False")
}

fn all_running(pod: &Value) -> bool {
    let statuses = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    !statuses.is_empty() && statuses.iter().all(|s| s.at("/state/running").is_some())
}
