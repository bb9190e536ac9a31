//! The scheduling queue's unschedulable pool: a pod the scheduler could not place waits
//! there until a cluster event that could help it, as kube-scheduler's queueing hints
//! decide (`isSchedulableAfterNodeChange` and `isSchedulableAfterPodEvent` of the
//! TaintToleration, NodeAffinity, NodeUnschedulable and NodeResourcesFit plugins). Trying
//! the pod again on every event would record a FailedScheduling each time: a NoExecute
//! taint evicting four pods would show `(x5 over 10s)` where a real cluster shows one.

use super::apiserver::meta_str;
use super::clock::{Millis, Timer};
use super::controllers::Controller;
use super::json::At;
use super::node_table::{Allocatable, TableNode};
use super::scheduler::{pod_requests, NodeFilter, SCHEDULING_EFFECTS};
use super::world::World;
use serde_json::Value;
use std::rc::Rc;

/// `podMaxInUnschedulablePodsDuration`: a pod no event helped is tried again after this.
const MAX_UNSCHEDULABLE_MS: Millis = 5 * 60_000;
/// The period of the queue's ticker that looks for such pods.
const FLUSH_PERIOD_MS: Millis = 30_000;
/// Where in its period the ticker fires, from the session clock's start. A real
/// scheduler's phase is whatever its start gave it (the oracle's first retries came
/// 5m19s and 5m22s after the attempt): halfway is the expected value, where firing on the
/// period's start would retry a pod created on the minute at exactly five minutes.
const FLUSH_PHASE_MS: Millis = 15_000;

/// A pod waiting to be scheduled, as the scheduler's informer last saw it.
#[derive(Debug, Clone, Default)]
pub struct PendingPod {
    pub pod: Option<Rc<Value>>,
    /// When its last attempt failed: it is in the unschedulable pool since then.
    pub unschedulable_since: Option<Millis>,
}

/// The pod's attempt failed: it enters the unschedulable pool now, and the ticker will
/// look at it again once it has waited there five minutes.
pub fn mark_unschedulable(w: &mut World, pod: &Value) {
    let key = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
    );
    w.scheduler_pods.entry(key).or_default().unschedulable_since = Some(w.now);
    // One ticker for the pool: a later attempt's due time is never earlier than a pending
    // tick's, which sets the next tick for the pods it leaves.
    if w.scheduler_flush_at.is_none() {
        schedule_flush(w, w.now);
    }
}

/// The ticker's first tick at which a pod turned down at `since` has waited five minutes.
fn schedule_flush(w: &mut World, since: Millis) {
    let due = since + MAX_UNSCHEDULABLE_MS - FLUSH_PHASE_MS;
    let tick =
        (due + FLUSH_PERIOD_MS - 1).div_euclid(FLUSH_PERIOD_MS) * FLUSH_PERIOD_MS + FLUSH_PHASE_MS;
    w.scheduler_flush_at = Some(tick);
    w.timers.schedule(tick, Timer::FlushUnschedulable);
}

/// `flushUnschedulablePodsLeftover`: every pod that has waited in the pool five minutes
/// is tried again (and recorded as FailedScheduling again if it still does not fit).
/// The real check is "more than five minutes", but its ticker drifts by the time each
/// flush takes, so a pod the ticker retried is retried again five minutes later, not
/// five and a half (the oracle: attempts 5m19s and 10m19s after the first).
pub fn flush_leftover(w: &mut World) {
    let now = w.now;
    let due: Vec<String> = w
        .scheduler_pods
        .iter_mut()
        .filter(|(_, p)| {
            p.unschedulable_since
                .is_some_and(|s| now - s >= MAX_UNSCHEDULABLE_MS)
        })
        .map(|((namespace, name), p)| {
            p.unschedulable_since = None;
            super::controllers::key(namespace, name)
        })
        .collect();
    for key in due {
        w.queue.add(Controller::Scheduler, key);
    }
    w.scheduler_flush_at = None;
    let next = w
        .scheduler_pods
        .values()
        .filter_map(|p| p.unschedulable_since)
        .min();
    if let Some(since) = next {
        schedule_flush(w, since);
    }
}

/// A change in the cluster that may make an unschedulable pod schedulable.
pub enum ClusterEvent<'a> {
    /// A node added (`old` is `None`) or updated, as the scheduler's cache had it before.
    Node {
        old: Option<&'a Rc<Value>>,
        new: &'a Rc<Value>,
    },
    /// A pod deleted; `assigned` when it was bound to a node (its resources are freed).
    PodDeleted { assigned: bool },
    /// A PersistentVolumeClaim added or updated.
    ClaimChanged,
    /// The unschedulable pod itself updated (by someone other than the scheduler).
    PodUpdated { old: &'a Value },
}

/// The plugins that turned the pod down in its last attempt, read back from its
/// `PodScheduled=False` condition: the pool keeps them with the pod.
#[derive(Debug, Default, PartialEq, Eq)]
struct Rejectors {
    taint: bool,
    affinity: bool,
    cordon: bool,
    fit: bool,
    claim: bool,
    /// A reason this model does not know: every event may help.
    other: bool,
}

fn rejectors(pod: &Value) -> Rejectors {
    let message = pod
        .at("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "PodScheduled" && c["reason"] == "Unschedulable")
        .and_then(|c| c["message"].as_str())
        .unwrap_or("");
    // "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. …"
    let Some(filters) = message
        .split_once("nodes are available: ")
        .and_then(|(_, rest)| rest.split_once(". "))
        .map(|(filters, _)| filters)
    else {
        return Rejectors {
            other: true,
            ..Rejectors::default()
        };
    };
    let mut r = Rejectors::default();
    for part in filters.split(", ") {
        let reason = part.split_once(' ').map_or(part, |(_, reason)| reason);
        match reason {
            "node(s) had untolerated taint(s)" => r.taint = true,
            "node(s) didn't match Pod's node affinity/selector" => r.affinity = true,
            "node(s) were unschedulable" => r.cordon = true,
            "Too many pods" | "Insufficient cpu" | "Insufficient memory" => r.fit = true,
            _ if reason.contains("unbound immediate PersistentVolumeClaims") => r.claim = true,
            _ => r.other = true,
        }
    }
    r
}

/// Whether `event` moves unschedulable `pod` back to be tried again: any of its
/// rejecting plugins says the event may help.
pub fn worth_requeuing(pod: &Value, event: &ClusterEvent) -> bool {
    let r = rejectors(pod);
    if r.other {
        return true;
    }
    let spec = &pod["spec"];
    match event {
        ClusterEvent::Node { old, new } => {
            let filter = NodeFilter::of(spec);
            let untolerated = |node: &Rc<Value>| {
                filter
                    .untolerated_taint(&TableNode::of("", node), SCHEDULING_EFFECTS)
                    .is_some()
            };
            let cordoned =
                |node: &Value| node.at("/spec/unschedulable") == Some(&Value::Bool(true));
            (r.taint && old.is_none_or(&untolerated) && !untolerated(new))
                || (r.affinity && filter.matches(new) && old.is_none_or(|o| !filter.matches(o)))
                || (r.cordon && !cordoned(new) && old.is_none_or(|o| cordoned(o)))
                || (r.fit && fit_may_help(spec, old.map(|o| &**o), new))
                || r.claim
        }
        ClusterEvent::PodDeleted { assigned } => r.fit && *assigned,
        ClusterEvent::ClaimChanged => r.claim,
        // `PodSchedulingPropertiesChange`: new labels or annotations help none of these
        // plugins; added tolerations may help TaintToleration, smaller requests Fit.
        ClusterEvent::PodUpdated { old } => {
            (r.taint && old["spec"]["tolerations"] != spec["tolerations"])
                || (r.fit && {
                    let (before, after) =
                        (pod_requests(&old["spec"], false), pod_requests(spec, false));
                    after.0 < before.0 || after.1 < before.1
                })
        }
    }
}

/// NodeResourcesFit's hint for a node: the pod's requests fit the node's allocatable,
/// and the node is new or grew in something the pod asks for.
fn fit_may_help(spec: &Value, old: Option<&Value>, new: &Value) -> bool {
    let (cpu, memory) = pod_requests(spec, false);
    let after = Allocatable::of(new);
    if cpu > after.cpu || memory > after.memory || after.pods < 1 {
        return false;
    }
    let Some(old) = old else { return true };
    let before = Allocatable::of(old);
    after.pods > before.pods
        || (cpu > 0 && after.cpu > before.cpu)
        || (memory > 0 && after.memory > before.memory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn pending(message: &str, spec: Value) -> Value {
        json!({"spec": spec, "status": {"conditions": [{
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message}]}})
    }

    fn node(taints: Value, labels: Value, unschedulable: bool) -> Rc<Value> {
        Rc::new(json!({
            "metadata": {"name": "kind-worker", "labels": labels},
            "spec": {"taints": taints, "unschedulable": unschedulable},
            "status": {"allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"}}
        }))
    }

    const TAINTED: &str = "0/3 nodes are available: 3 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";

    #[test]
    fn reads_every_rejecting_filter_from_the_condition() {
        let pod = pending("0/3 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: …", json!({}));
        assert_eq!(
            rejectors(&pod),
            Rejectors {
                taint: true,
                affinity: true,
                cordon: true,
                fit: true,
                claim: false,
                other: false
            }
        );
        assert!(
            rejectors(&json!({})).other,
            "no condition: any event may help"
        );
    }

    #[test]
    fn a_taint_rejected_pod_waits_for_a_taint_it_tolerates_not_for_pod_deletions() {
        let pod = pending(TAINTED, json!({}));
        let tainted = node(
            json!([{"key": "m", "value": "t", "effect": "NoExecute"}]),
            json!({}),
            false,
        );
        let clean = node(json!([]), json!({}), false);
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::PodDeleted { assigned: true }
        ));
        assert!(
            !worth_requeuing(
                &pod,
                &ClusterEvent::Node {
                    old: Some(&clean),
                    new: &clean
                }
            ),
            "a heartbeat"
        );
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&clean),
                new: &tainted
            }
        ));
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&tainted),
                new: &clean
            }
        ));
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: None,
                new: &clean
            }
        ));
        let tolerating = pending(
            TAINTED,
            json!({"tolerations": [{"key": "m", "operator": "Exists"}]}),
        );
        assert!(!worth_requeuing(
            &tolerating,
            &ClusterEvent::Node {
                old: Some(&tainted),
                new: &tainted
            }
        ));
        let mut labelled = pod.clone();
        labelled["metadata"] = json!({"labels": {"team": "ml"}, "annotations": {"owner": "me"}});
        assert!(!worth_requeuing(
            &labelled,
            &ClusterEvent::PodUpdated { old: &pod }
        ));
        assert!(worth_requeuing(
            &tolerating,
            &ClusterEvent::PodUpdated { old: &pod }
        ));
    }

    #[test]
    fn an_affinity_rejected_pod_waits_for_a_node_to_start_matching() {
        let pod = pending(
            "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: …",
            json!({"nodeSelector": {"hardware": "gpu"}}),
        );
        let plain = node(json!([]), json!({}), false);
        let gpu = node(json!([]), json!({"hardware": "gpu"}), false);
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&plain),
                new: &gpu
            }
        ));
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&gpu),
                new: &gpu
            }
        ));
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&plain),
                new: &plain
            }
        ));
    }

    #[test]
    fn a_cordoned_out_pod_waits_for_an_uncordon() {
        let pod = pending(
            "0/2 nodes are available: 2 node(s) were unschedulable. preemption: …",
            json!({}),
        );
        let (on, off) = (
            node(json!([]), json!({}), true),
            node(json!([]), json!({}), false),
        );
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&on),
                new: &off
            }
        ));
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&off),
                new: &on
            }
        ));
    }

    #[test]
    fn a_pod_short_of_cpu_is_tried_when_a_bound_pod_goes_or_a_node_grows() {
        let spec = json!({"containers": [{"resources": {"requests": {"cpu": "2"}}}]});
        let pod = pending(
            "0/3 nodes are available: 3 Insufficient cpu. preemption: …",
            spec,
        );
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::PodDeleted { assigned: true }
        ));
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::PodDeleted { assigned: false }
        ));
        let small = node(json!([]), json!({}), false);
        assert!(!worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&small),
                new: &small
            }
        ));
        let mut bigger = (*small).clone();
        bigger["status"]["allocatable"]["cpu"] = json!("16");
        assert!(worth_requeuing(
            &pod,
            &ClusterEvent::Node {
                old: Some(&small),
                new: &Rc::new(bigger)
            }
        ));
        assert!(!worth_requeuing(&pod, &ClusterEvent::ClaimChanged));
    }
}
