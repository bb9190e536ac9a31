//! Controllers: each reconciles keys from a work queue fed by the watch journal
//! (level-triggered), and records both a Kubernetes Event and a reason for every action
//! (through an `events::Recorder`).
//!
//! Every workload controller is a folder of the same shape:
//! - `mod.rs`, the wiring: `sync` gathers the object's state, asks the policy, carries
//!   out its answer and writes the status, and returns an [`Action`] (requeue, retry,
//!   done) that only [`reconcile`] turns into a timer; which watch events enqueue which
//!   keys is [`dispatch`], here;
//! - the policy, pure and unit-tested: `control.rs` (what to create and delete), plus
//!   `update.rs` for the DaemonSet's rolling update; the Deployment's is `rolling.rs`
//!   (sizes) and `progress.rs` (status and conditions);
//! - the writes with their Events: `pod_control.rs`; the Deployment writes ReplicaSets,
//!   in `sync.rs` (named after Go's `sync.go`).

pub mod clusterrole_aggregation;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod endpointslicemirroring;
pub mod garbage_collector;
pub mod history;
pub mod job;
pub mod namespace;
pub mod node_lifecycle;
pub mod ownership;
pub mod pod_control;
pub mod podautoscaler;
pub mod replicaset;
pub mod resource_quota;
pub mod root_ca_publisher;
pub mod statefulset;
pub mod taint_eviction;
pub mod ttl_after_finished;
pub mod volume_binder;

use super::apiserver::meta_str;
use super::clock::{Millis, Timer};
use super::events::Recorder;
use super::labels::{labels, selector_matches};
use super::scheduling_queue::{worth_requeuing, ClusterEvent};
use super::store::{EventType, WatchEvent};
use super::world::World;
use crate::engine::json::At;
use serde_json::Value;
use std::rc::Rc;

/// Who a queued key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Controller {
    Scheduler,
    StatefulSet,
    DaemonSet,
    Deployment,
    ReplicaSet,
    GarbageCollector,
    VolumeBinder,
    Endpoints,
    EndpointSlice,
    EndpointSliceMirroring,
    NodeLifecycle,
    TaintEviction,
    Job,
    CronJob,
    TtlAfterFinished,
    RootCaCertPublisher,
    ResourceQuota,
    Namespace,
    HorizontalPodAutoscaler,
    ClusterRoleAggregation,
    Disruption,
}

impl Controller {
    /// The component name its Events carry (`From` in describe) and its why-log lines.
    pub fn name(self) -> &'static str {
        match self {
            Controller::Scheduler => "default-scheduler",
            Controller::StatefulSet => "statefulset-controller",
            Controller::DaemonSet => "daemonset-controller",
            Controller::Deployment => "deployment-controller",
            Controller::ReplicaSet => "replicaset-controller",
            Controller::GarbageCollector => "garbage-collector",
            Controller::VolumeBinder => "persistentvolume-controller",
            Controller::Endpoints => "endpoint-controller",
            Controller::EndpointSlice => "endpointslice-controller",
            Controller::EndpointSliceMirroring => "endpointslicemirroring-controller",
            Controller::NodeLifecycle => "node-lifecycle-controller",
            Controller::TaintEviction => "taint-eviction-controller",
            Controller::Job => "job-controller",
            Controller::CronJob => "cronjob-controller",
            Controller::TtlAfterFinished => "ttl-after-finished-controller",
            Controller::RootCaCertPublisher => "root-ca-cert-publisher",
            Controller::ResourceQuota => "resource-quota-controller",
            Controller::Namespace => "namespace-controller",
            Controller::HorizontalPodAutoscaler => "horizontal-pod-autoscaler",
            Controller::ClusterRoleAggregation => "clusterrole-aggregation-controller",
            Controller::Disruption => "disruption-controller",
        }
    }

    fn for_owner_kind(kind: &str) -> Option<Controller> {
        match kind {
            "StatefulSet" => Some(Controller::StatefulSet),
            "DaemonSet" => Some(Controller::DaemonSet),
            "Deployment" => Some(Controller::Deployment),
            "ReplicaSet" => Some(Controller::ReplicaSet),
            "Job" => Some(Controller::Job),
            _ => None,
        }
    }
}

/// `namespace/name`
pub fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

fn split_key(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or(("", key))
}

/// The ownerReference with `controller: true`, if any.
pub fn controller_ref(obj: &Value) -> Option<&Value> {
    obj.at("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

/// Routes one watch event to the controllers that care about it.
pub fn dispatch(w: &mut World, e: &WatchEvent) {
    let obj = &e.object;
    let deleted = e.event_type == EventType::Deleted;
    let deleting = obj.at("/metadata/deletionTimestamp").is_some();
    if deleted || deleting {
        w.queue.add(
            Controller::GarbageCollector,
            garbage_collector::key_for(e.kind, obj),
        );
        for r in obj
            .at("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kind = r["kind"].as_str().unwrap_or("");
            if let Some(info) = super::kinds::by_kind(kind) {
                let owner_ns = if info.namespaced {
                    e.namespace.as_str()
                } else {
                    ""
                };
                if let Some(owner) = w
                    .get(info.kind, owner_ns, r["name"].as_str().unwrap_or(""))
                    .cloned()
                {
                    if owner.at("/metadata/deletionTimestamp").is_some() {
                        w.queue.add(
                            Controller::GarbageCollector,
                            garbage_collector::key_for(info.kind, &owner),
                        );
                    }
                }
            }
        }
    }
    if resource_quota::wakes(w, e.kind, &e.namespace) {
        w.queue
            .add(Controller::ResourceQuota, key("", &e.namespace));
    }
    match e.kind {
        "Pod" => {
            if let Some(node) = taint_eviction::Queue::node_to_sync(w, obj, deleted) {
                w.queue.add(Controller::TaintEviction, key("", &node));
            }
            if let Some(pdb) = disruption::budget_for_pod(w, &e.namespace, obj) {
                w.queue.add(Controller::Disruption, key(&e.namespace, &pdb));
            }
            for svc in endpoints::services_in(w, &e.namespace) {
                w.queue.add(Controller::Endpoints, key(&e.namespace, &svc));
                w.queue
                    .add(Controller::EndpointSlice, key(&e.namespace, &svc));
            }
            let assigned = obj
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty());
            // The scheduler's cache holds the pods it still has to place.
            if deleted || deleting || assigned {
                w.scheduler_pods
                    .remove(&(e.namespace.clone(), e.name.clone()));
            } else if pending_pod_changed(w, e) {
                w.queue
                    .add(Controller::Scheduler, key(&e.namespace, &e.name));
            }
            if !deleted {
                super::kubelet::observe(w, obj);
                super::kubelet::volumes::pod_changed(w, obj);
            } else {
                super::kubelet::power::pod_removed(w, obj);
                // A kubelet that is away keeps an orphan's volumes until it returns.
                if !w.kubelet.pods.contains_key(meta_str(obj, "uid")) {
                    w.kubelet.mounted.remove(meta_str(obj, "uid"));
                }
                w.forget_pod_files(meta_str(obj, "uid"));
                w.kubelet.served.forget(meta_str(obj, "uid"));
                requeue_unschedulable(w, &ClusterEvent::PodDeleted { assigned });
            }
            match controller_ref(obj) {
                Some(r) => {
                    if let Some(c) = Controller::for_owner_kind(r["kind"].as_str().unwrap_or("")) {
                        w.queue
                            .add(c, key(&e.namespace, r["name"].as_str().unwrap_or("")));
                    }
                    if deleted && r["kind"] == "ReplicaSet" {
                        enqueue_deployment_of_replica_set(w, &e.namespace, r);
                    }
                }
                None if !deleted => enqueue_adopters(w, &e.namespace, obj),
                None => {}
            }
        }
        "StatefulSet" => w
            .queue
            .add(Controller::StatefulSet, key(&e.namespace, &e.name)),
        "DaemonSet" => w
            .queue
            .add(Controller::DaemonSet, key(&e.namespace, &e.name)),
        "Deployment" => w
            .queue
            .add(Controller::Deployment, key(&e.namespace, &e.name)),
        "ReplicaSet" => {
            w.queue
                .add(Controller::ReplicaSet, key(&e.namespace, &e.name));
            if let Some(r) = controller_ref(obj) {
                if r["kind"] == "Deployment" {
                    w.queue.add(
                        Controller::Deployment,
                        key(&e.namespace, r["name"].as_str().unwrap_or("")),
                    );
                }
            }
        }
        "ControllerRevision" => {
            if let Some(r) = controller_ref(obj) {
                if let Some(c) = Controller::for_owner_kind(r["kind"].as_str().unwrap_or("")) {
                    w.queue
                        .add(c, key(&e.namespace, r["name"].as_str().unwrap_or("")));
                }
            }
        }
        "Job" => {
            if !deleted {
                w.queue.add(Controller::Job, key(&e.namespace, &e.name));
                if ttl_after_finished::expires_at(obj).is_some() {
                    w.queue
                        .add(Controller::TtlAfterFinished, key(&e.namespace, &e.name));
                }
            }
            if let Some(r) = controller_ref(obj).filter(|r| r["kind"] == "CronJob") {
                w.queue.add(
                    Controller::CronJob,
                    key(&e.namespace, r["name"].as_str().unwrap_or("")),
                );
            }
        }
        "CronJob" => w.queue.add(Controller::CronJob, key(&e.namespace, &e.name)),
        "HorizontalPodAutoscaler" if e.event_type == EventType::Added => {
            podautoscaler::added(w, key(&e.namespace, &e.name))
        }
        "PodDisruptionBudget" if !deleted => w
            .queue
            .add(Controller::Disruption, key(&e.namespace, &e.name)),
        "Service" => {
            w.queue
                .add(Controller::Endpoints, key(&e.namespace, &e.name));
            w.queue
                .add(Controller::EndpointSlice, key(&e.namespace, &e.name));
            w.queue.add(
                Controller::EndpointSliceMirroring,
                key(&e.namespace, &e.name),
            );
        }
        "Endpoints" => w.queue.add(
            Controller::EndpointSliceMirroring,
            key(&e.namespace, &e.name),
        ),
        // A managed slice deleted by someone else is put back (the controllers' own
        // writes do not wake them, as their slice trackers see to in a real cluster).
        "EndpointSlice" if deleted => {
            if let Some(svc) = endpointslice::service_of(obj) {
                w.queue
                    .add(Controller::EndpointSlice, key(&e.namespace, svc));
            }
            if let Some(ep) = endpointslicemirroring::endpoints_of(obj) {
                w.queue
                    .add(Controller::EndpointSliceMirroring, key(&e.namespace, ep));
            }
        }
        "Ingress" if e.event_type == EventType::Added => super::addons::ingress_unserved(w, obj),
        "Node" => {
            if deleted {
                super::kubelet::power::node_removed(w, &e.name);
                collect_pods_of_deleted_node(w, &e.name);
                w.scheduler_nodes.remove(&e.name);
            } else {
                w.queue.add(Controller::NodeLifecycle, key("", &e.name));
            }
            w.queue.add(Controller::TaintEviction, key("", &e.name));
            let daemonsets: Vec<String> = w
                .store
                .list("DaemonSet", None)
                .map(|d| key(meta_str(d, "namespace"), meta_str(d, "name")))
                .collect();
            for k in daemonsets {
                w.queue.add(Controller::DaemonSet, k);
            }
            if !deleted {
                let new = Rc::clone(obj.value());
                let old = w.scheduler_nodes.insert(e.name.clone(), Rc::clone(&new));
                let event = ClusterEvent::Node {
                    old: old.as_ref(),
                    new: &new,
                };
                requeue_unschedulable(w, &event);
            }
        }
        // Every namespace gets its CA bundle; a changed or deleted one is put back.
        "Namespace" if !deleted => {
            w.queue
                .add(Controller::RootCaCertPublisher, key("", &e.name));
            namespace::enqueue(w, obj);
        }
        "ConfigMap" if e.name == root_ca_publisher::CONFIG_MAP => w
            .queue
            .add(Controller::RootCaCertPublisher, key("", &e.namespace)),
        // Kubelets rewrite the volumes made from it at each pod's next sync.
        "ConfigMap" | "Secret" => {
            super::kubelet::volumes::source_changed(w, e.kind, &e.namespace, &e.name)
        }
        "PersistentVolumeClaim" if !deleted => {
            w.queue
                .add(Controller::VolumeBinder, key(&e.namespace, &e.name));
            requeue_unschedulable(w, &ClusterEvent::ClaimChanged);
        }
        "PersistentVolumeClaim" => volume_binder::reclaim(w, obj),
        "ClusterRole" => {
            for name in clusterrole_aggregation::aggregated(w) {
                w.queue
                    .add(Controller::ClusterRoleAggregation, key("", &name));
            }
        }
        _ => {}
    }
}

/// The pod garbage collector's `gcOrphaned`: pods bound to a node that no longer exists
/// are deleted at once (no kubelet is left to stop them), so their owners replace them.
fn collect_pods_of_deleted_node(w: &mut World, node: &str) {
    let bound: Vec<Rc<Value>> = w.store.pods_on_node(node).cloned().collect();
    for pod in bound {
        let (ns, name) = (meta_str(&pod, "namespace"), meta_str(&pod, "name"));
        Recorder::new("pod-garbage-collector", "Pod", &pod).why(
            w,
            format!("{name} was bound to node {node}, which was deleted; the pod is removed"),
        );
        w.remove_now("Pod", ns, name);
    }
}

/// The scheduler's own write of a pod's Unschedulable condition, coming back as an
/// update: the real scheduling queue moves a pod out of its unschedulable pool only for
/// changes that could help (a node, another pod, the pod's own scheduling fields), so
/// this one does not start another attempt (which would print FailedScheduling twice).
fn just_marked_unschedulable(w: &World, e: &WatchEvent) -> bool {
    e.event_type == EventType::Modified
        && e.object
            .at("/status/conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|c| {
                c["type"] == "PodScheduled"
                    && c["reason"] == "Unschedulable"
                    && c["lastTransitionTime"].as_str()
                        == Some(crate::engine::time::format_rfc3339(w.now).as_str())
            })
}

/// A pod waiting to be scheduled was added, or updated in a way that may let it be
/// scheduled now (the queue's hints weigh it against the version it saw before).
fn pending_pod_changed(w: &mut World, e: &WatchEvent) -> bool {
    let new = Rc::clone(e.object.value());
    let entry = w
        .scheduler_pods
        .entry((e.namespace.clone(), e.name.clone()))
        .or_default();
    let old = entry.pod.replace(Rc::clone(&new));
    match old {
        None => true,
        Some(_) if just_marked_unschedulable(w, e) => false,
        Some(old) => worth_requeuing(&new, &ClusterEvent::PodUpdated { old: &old }),
    }
}

/// Pods the scheduler could not place get another try when `event` may help them
/// (`scheduling_queue::worth_requeuing`).
fn requeue_unschedulable(w: &mut World, event: &ClusterEvent) {
    let pending: Vec<String> = w
        .store
        .owners
        .unscheduled_pods
        .iter()
        .filter(|(namespace, name)| {
            w.store
                .get("Pod", namespace, name)
                .is_some_and(|pod| worth_requeuing(pod, event))
        })
        .map(|(namespace, name)| key(namespace, name))
        .collect();
    for k in pending {
        w.queue.add(Controller::Scheduler, k);
    }
}

/// `deletePod` in the Deployment controller: a Recreate rollout waits for old pods to be
/// gone, so a pod's removal wakes the Deployment owning its ReplicaSet.
fn enqueue_deployment_of_replica_set(w: &mut World, namespace: &str, rs_ref: &Value) {
    let deployment = w
        .get(
            "ReplicaSet",
            namespace,
            rs_ref["name"].as_str().unwrap_or(""),
        )
        .and_then(|rs| controller_ref(rs).cloned())
        .filter(|r| r["kind"] == "Deployment");
    if let Some(r) = deployment {
        w.queue.add(
            Controller::Deployment,
            key(namespace, r["name"].as_str().unwrap_or("")),
        );
    }
}

/// An orphan pod is offered to every controller in its namespace whose selector matches.
fn enqueue_adopters(w: &mut World, namespace: &str, pod: &Value) {
    let pod_labels = labels(pod);
    if pod_labels.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for (kind, c) in [
        ("StatefulSet", Controller::StatefulSet),
        ("DaemonSet", Controller::DaemonSet),
        ("ReplicaSet", Controller::ReplicaSet),
        ("Job", Controller::Job),
    ] {
        for owner in w.store.list(kind, Some(namespace)) {
            if selector_matches(
                owner.at("/spec/selector").unwrap_or(&Value::Null),
                pod_labels,
            ) {
                found.push((c, key(namespace, meta_str(owner, "name"))));
            }
        }
    }
    for (c, k) in found {
        w.queue.add(c, k);
    }
}

/// What a sync asks of the work queue when it returns, as kube-runtime's reconcilers
/// return an `Action`: a sync never schedules its own wake-up, [`reconcile`] does.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// Look at the key again this long from now even if no watch event wakes it
    /// (minReadySeconds, a progress deadline).
    requeue_after: Option<Millis>,
    backoff: Backoff,
}

/// What a sync means for its key's count of consecutive failures (the rate limiter's).
/// Ordered so that combining two keeps the stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Backoff {
    /// Nothing was synced (the object is gone or going): the count stays as it is.
    Keep,
    /// The sync went through: the count is reset (`queue.Forget`).
    Reset,
    /// A write the sync needed failed (a create refused by quota, say): retry later.
    Grow,
}

impl Action {
    /// Synced; nothing to do until a watch event wakes the key.
    pub fn await_change() -> Action {
        Action {
            requeue_after: None,
            backoff: Backoff::Reset,
        }
    }

    /// Synced; look again after `after` milliseconds.
    pub fn requeue(after: Millis) -> Action {
        Action {
            requeue_after: Some(after),
            backoff: Backoff::Reset,
        }
    }

    /// Synced, unless `failed`: then retry with back-off.
    pub fn retry_if(failed: bool) -> Action {
        Action {
            requeue_after: None,
            backoff: if failed {
                Backoff::Grow
            } else {
                Backoff::Reset
            },
        }
    }

    /// Nothing to sync: the object is gone or being deleted. Its failure count is kept
    /// (an object created again under the same name goes on backing off).
    pub fn skipped() -> Action {
        Action {
            requeue_after: None,
            backoff: Backoff::Keep,
        }
    }

    /// What both ask: the earlier requeue (a key waits once, at its earliest time), and
    /// a retry if either failed.
    pub fn and(self, other: Action) -> Action {
        let requeue_after = match (self.requeue_after, other.requeue_after) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Action {
            requeue_after,
            backoff: self.backoff.max(other.backoff),
        }
    }
}

/// The work queue's per-item rate limiter (`DefaultControllerRateLimiter`): a sync that
/// failed is retried after 5 ms, doubling with each consecutive failure, up to 1000 s —
/// nothing else may wake the controller. A sync that succeeded resets its key's back-off
/// (`queue.Forget`).
fn rate_limit(w: &mut World, controller: Controller, key: &str, backoff: Backoff) {
    match backoff {
        Backoff::Keep => {}
        Backoff::Reset => {
            if !w.retries.is_empty() {
                w.retries.remove(&(controller, key.to_string()));
            }
        }
        Backoff::Grow => {
            let failures = w.retries.entry((controller, key.to_string())).or_insert(0);
            let delay = (5i64 << (*failures).min(18)).min(1_000_000);
            *failures += 1;
            let at = w.now + delay;
            w.timers.schedule(
                at,
                Timer::Requeue {
                    controller,
                    key: key.to_string(),
                },
            );
        }
    }
}

/// Runs one controller on one key, and schedules what its sync asked for.
///
/// Every controller's `sync` is `#[inline(never)]`: inlined here, they would all be one
/// function, and a split release build (scripts/split-wasm.mjs) moves whole functions —
/// the controllers that free play never runs (Jobs, CronJobs, autoscalers, quotas…)
/// then stay out of the lazy module, in the rest.
pub fn reconcile(w: &mut World, controller: Controller, key: &str) {
    let (namespace, name) = split_key(key);
    let action = match controller {
        Controller::StatefulSet => statefulset::sync(w, namespace, name),
        Controller::DaemonSet => daemonset::sync(w, namespace, name),
        Controller::Deployment => deployment::sync(w, namespace, name),
        Controller::ReplicaSet => replicaset::sync(w, namespace, name),
        Controller::Job => job::sync(w, namespace, name),
        Controller::CronJob => cronjob::sync(w, namespace, name),
        Controller::TtlAfterFinished => ttl_after_finished::sync(w, namespace, name),
        Controller::NodeLifecycle => node_lifecycle::sync(w, name),
        Controller::TaintEviction => taint_eviction::sync(w, name),
        Controller::Namespace => namespace::sync(w, name),
        Controller::HorizontalPodAutoscaler => podautoscaler::sync(w, namespace, name),
        Controller::Disruption => disruption::sync(w, namespace, name),
        Controller::EndpointSlice => endpointslice::sync(w, namespace, name),
        Controller::EndpointSliceMirroring => endpointslicemirroring::sync(w, namespace, name),
        // These never fail or wait: nothing to schedule after them.
        Controller::Scheduler => return super::scheduler::schedule(w, namespace, name),
        Controller::GarbageCollector => return garbage_collector::sync(w, key),
        Controller::VolumeBinder => return volume_binder::sync(w, namespace, name),
        Controller::Endpoints => return endpoints::sync(w, namespace, name),
        Controller::RootCaCertPublisher => return root_ca_publisher::sync(w, name),
        Controller::ResourceQuota => return resource_quota::sync(w, name),
        Controller::ClusterRoleAggregation => return clusterrole_aggregation::sync(w, name),
    };
    if let Some(after) = action.requeue_after {
        let at = w.now + after;
        w.timers.schedule(
            at,
            Timer::Requeue {
                controller,
                key: key.to_string(),
            },
        );
    }
    rate_limit(w, controller, key, action.backoff);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ClusterConfig;

    #[test]
    fn two_requeue_requests_wake_the_key_once_at_the_earlier_time() {
        let asked = Action::requeue(500).and(Action::requeue(200));
        assert_eq!(asked, Action::requeue(200));
        assert_eq!(Action::await_change().and(asked), asked);
    }

    #[test]
    fn a_failed_write_is_retried_even_when_the_sync_also_asked_to_look_again() {
        let asked = Action::requeue(200).and(Action::retry_if(true));
        assert_eq!(asked.requeue_after, Some(200));
        assert_eq!(asked.backoff, Backoff::Grow);
        assert_eq!(Action::retry_if(false), Action::await_change());
    }

    #[test]
    fn a_key_whose_object_is_gone_keeps_its_back_off_and_the_next_failure_waits_longer() {
        let mut w = World::new(ClusterConfig::with_nodes(1, 1));
        let key = "default/web-5d8f9";
        w.retries.insert((Controller::ReplicaSet, key.into()), 3);
        reconcile(&mut w, Controller::ReplicaSet, key);
        assert_eq!(
            w.retries.get(&(Controller::ReplicaSet, key.into())),
            Some(&3)
        );
        let before = w.timers.len();
        rate_limit(&mut w, Controller::ReplicaSet, key, Backoff::Grow);
        assert_eq!(w.timers.len(), before + 1);
        assert_eq!(
            w.timers.next_at(),
            Some(w.now + 40),
            "5 ms doubled three times"
        );
    }
}
