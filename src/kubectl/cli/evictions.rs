//! `kubectl drain`'s evictions in flight (`evictPods` in kubectl's `pkg/drain/drain.go`):
//! one eviction loop per pod. A budget's refusal (429) prints `error when evicting …
//! (will retry after 5s)` and tries again 5 s of virtual time later, printing `evicting
//! pod` again; a pod evicted is waited for until it is gone (`pod/x evicted`). The global
//! `--timeout` is looked at when a loop comes round, as kubectl's goroutines do. When a
//! node's loops are over it is `drained`, or its errors are printed as
//! `deleteOrEvictPodsSimple` and `RunDrain` print them.

use crate::engine::apiserver::DeleteOptions;
use crate::engine::json::At;
use crate::engine::{ApiError, Cluster, Millis};
use crate::shell::Output;
use serde_json::Value;

/// How long kubectl sleeps after a 429 before evicting again.
pub const RETRY_AFTER: Millis = 5_000;

/// One pod a drain evicts.
#[derive(Debug, Clone)]
pub struct Eviction {
    pub namespace: String,
    pub name: String,
    /// The pod evicted, once the API took the eviction: waited for until this uid is gone.
    pub uid: Option<String>,
    /// When to ask again, while a budget refuses.
    pub retry_at: Option<Millis>,
}

/// One node being drained.
#[derive(Debug, Clone)]
pub struct NodeDrain {
    pub node: String,
    pub pods: Vec<Eviction>,
    /// Every pod the drain set out to evict (namespace, name), in its order.
    pub candidates: Vec<(String, String)>,
    /// The loops that ended in an error (`returnCh`'s errors).
    pub errors: Vec<String>,
    /// Reported (drained or failed).
    pub done: bool,
}

/// A drain's nodes, and the nodes that could not be drained (node, its errors).
#[derive(Debug, Clone)]
pub struct Drain {
    pub nodes: Vec<NodeDrain>,
    pub refused: Vec<(String, Vec<String>)>,
    pub grace: Option<i64>,
    /// `--timeout`: when it ends, and as Go prints the duration.
    pub deadline: Option<(Millis, String)>,
}

/// The outcome of one eviction request, as the loop reads it.
pub enum Asked {
    /// Taken: the pod is being deleted (its uid).
    Evicted(String),
    /// The pod is gone already: this loop ends without a line.
    Gone,
    /// Refused by a budget: try again later.
    Retry,
    /// Any other refusal ends the loop with this error.
    Failed(String),
}

/// Prints `evicting pod …` and asks the API to evict the pod (what one turn of a pod's
/// loop does before it sleeps or waits).
pub fn evict(
    cluster: &mut Cluster,
    ns: &str,
    name: &str,
    grace: Option<i64>,
    out: &mut Output,
) -> Asked {
    out.out(format!("evicting pod {ns}/{name}"));
    let uid = cluster.get("Pod", ns, name).and_then(|p| {
        p.at("/metadata/uid")
            .and_then(Value::as_str)
            .map(String::from)
    });
    let options = DeleteOptions {
        grace_period_seconds: grace,
        ..DeleteOptions::default()
    };
    match cluster.evict(ns, name, options) {
        Ok(()) => Asked::Evicted(uid.unwrap_or_default()),
        Err(ApiError::NotFound { .. }) => Asked::Gone,
        Err(e @ ApiError::TooManyRequests { .. }) => {
            out.err(format!(
                "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}",
                e.status_message("")
            ));
            Asked::Retry
        }
        Err(e) => Asked::Failed(format!(
            "error when evicting pods/\"{name}\" -n \"{ns}\": {}",
            e.status_message("")
        )),
    }
}

/// `utilerrors.NewAggregate(errs).Error()`.
pub fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `RunDrain`'s end when some nodes could not be drained: their names, then the
/// aggregate of their errors as `CheckErr` prints one (an aggregate of one unwrapped,
/// then each error on its line, no `error: ` prefix).
pub fn pending_nodes(refused: &[(String, Vec<String>)], out: &mut Output) {
    if refused.is_empty() {
        return;
    }
    out.err("There are pending nodes to be drained:");
    for (node, _) in refused {
        out.err(format!(" {node}"));
    }
    match refused {
        [(_, errs)] => errs.iter().for_each(|e| out.err(e)),
        many => many.iter().for_each(|(_, errs)| out.err(aggregate(errs))),
    }
}

impl Drain {
    /// When the next retry is due, so that the clock stops there.
    pub fn wake_at(&self) -> Option<Millis> {
        self.nodes
            .iter()
            .flat_map(|n| &n.pods)
            .filter_map(|p| p.retry_at)
            .min()
    }

    /// The loops whose 5 s are up ask again (or end at the global timeout).
    pub fn retry_due(&mut self, cluster: &mut Cluster, out: &mut Output) {
        let now = cluster.now;
        let grace = self.grace;
        let deadline = self.deadline.clone();
        for node in &mut self.nodes {
            let mut failed = Vec::new();
            for pod in &mut node.pods {
                if pod.retry_at.is_none_or(|t| t > now) {
                    continue;
                }
                pod.retry_at = None;
                if let Some((at, shown)) = &deadline {
                    if now >= *at {
                        out.out(format!("evicting pod {}/{}", pod.namespace, pod.name));
                        failed.push((
                            pod.name.clone(),
                            format!(
                                "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {shown}",
                                pod.name, pod.namespace
                            ),
                        ));
                        continue;
                    }
                }
                match evict(cluster, &pod.namespace, &pod.name, grace, out) {
                    Asked::Evicted(uid) => pod.uid = Some(uid),
                    Asked::Gone => failed.push((pod.name.clone(), String::new())),
                    Asked::Retry => pod.retry_at = Some(now + RETRY_AFTER),
                    Asked::Failed(e) => failed.push((pod.name.clone(), e)),
                }
            }
            for (name, err) in failed {
                node.pods.retain(|p| p.name != name);
                if !err.is_empty() {
                    node.errors.push(err);
                }
            }
        }
    }

    /// Pods gone since the last look (`pod/x evicted`), then each node whose loops are
    /// all over; `Some(status)` once every node is.
    pub fn poll(&mut self, cluster: &Cluster, out: &mut Output) -> Option<i32> {
        for node in &mut self.nodes {
            node.pods.retain(|p| {
                let Some(uid) = &p.uid else {
                    return true;
                };
                let gone = cluster.get("Pod", &p.namespace, &p.name).is_none_or(|o| {
                    o.at("/metadata/uid").and_then(Value::as_str) != Some(uid.as_str())
                });
                if gone {
                    out.out(format!("pod/{} evicted", p.name));
                }
                !gone
            });
            if node.done || !node.pods.is_empty() {
                continue;
            }
            node.done = true;
            if node.errors.is_empty() {
                out.out(format!("node/{} drained", node.node));
                continue;
            }
            let err = aggregate(&node.errors);
            // `GetPodsForDeletion` again: the pods drain would still delete.
            let left: Vec<&String> = node
                .candidates
                .iter()
                .filter(|(ns, name)| cluster.get("Pod", ns, name).is_some())
                .map(|(_, name)| name)
                .collect();
            if !left.is_empty() {
                out.err(format!(
                    "There are pending pods in node \"{}\" when an error occurred: {err}",
                    node.node
                ));
                for name in left {
                    out.err(format!("pod/{name}"));
                }
            }
            out.err(format!(
                "error: unable to drain node \"{}\" due to error: {err}, continuing command...",
                node.node
            ));
            self.refused.push((node.node.clone(), node.errors.clone()));
        }
        if !self.nodes.iter().all(|n| n.done) {
            return None;
        }
        pending_nodes(&self.refused, out);
        Some(if self.refused.is_empty() { 0 } else { 1 })
    }
}
