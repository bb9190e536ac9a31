//! `kubectl drain`'s nodes, one after another (`RunDrain` in kubectl's
//! `pkg/cmd/drain/drain.go`): every node is cordoned first, then each in turn has its pods
//! listed through the filters, evicted (or deleted with `--disable-eviction`) and waited
//! for before the next node's turn. One eviction loop per pod (`evictPods` in
//! `pkg/drain/drain.go`): a budget's refusal (429) prints `error when evicting … (will
//! retry after 5s)` and tries again 5 s of virtual time later, printing `evicting pod`
//! again; a pod evicted is waited for until it is gone (`pod/x evicted`). `--timeout`
//! holds for each node from the start of its evictions: a loop coming round after it
//! ends with `global timeout reached`, a wait ends with `context deadline exceeded`.

use super::drain_filters::{should_skip, DrainFilters};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::json::At;
use crate::engine::{ApiError, Cluster, Millis};
use crate::shell::Output;
use serde_json::Value;
use std::collections::VecDeque;

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
    /// When the wait gives up on the deleted pod (`--skip-wait-for-delete-timeout`).
    pub skip_at: Option<Millis>,
}

/// The node whose turn it is.
#[derive(Debug, Clone)]
pub struct NodeDrain {
    pub node: String,
    pub pods: Vec<Eviction>,
    /// The loops that ended in an error (`returnCh`'s errors).
    pub errors: Vec<String>,
    /// Whether `errors` is an aggregate (the eviction loops') or the one error of
    /// `deletePods`, which `CheckErr` prints with `error: ` when it ends the command.
    pub aggregate: bool,
    /// When this node's `--timeout` ends.
    pub deadline: Option<Millis>,
}

/// A drain: how it deletes, the node in progress, the nodes still to come, and the nodes
/// that could not be drained (node, its errors).
#[derive(Debug, Clone)]
pub struct Drain {
    pub filters: DrainFilters,
    pub grace: Option<i64>,
    /// Through the eviction API (false with `--disable-eviction`: plain deletes).
    pub evict: bool,
    /// `--dry-run=client`: the pods are only named.
    pub dry_run: bool,
    /// `--timeout`: how long, and as Go prints the duration.
    pub timeout: Option<(Millis, String)>,
    pub current: Option<NodeDrain>,
    pub queue: VecDeque<String>,
    pub refused: Vec<Refused>,
}

/// A node that could not be drained.
#[derive(Debug, Clone)]
pub struct Refused {
    pub node: String,
    pub errors: Vec<String>,
    /// See [`NodeDrain::aggregate`].
    pub aggregate: bool,
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
/// aggregate of their errors as `CheckErr` prints one: an aggregate of one unwrapped,
/// then an aggregate's errors each on its line without `error: `, a lone error with it.
pub fn pending_nodes(refused: &[Refused], out: &mut Output) {
    if refused.is_empty() {
        return;
    }
    out.err("There are pending nodes to be drained:");
    for r in refused {
        out.err(format!(" {}", r.node));
    }
    match refused {
        [r] if r.aggregate => r.errors.iter().for_each(|e| out.err(e)),
        [r] => {
            let e = aggregate(&r.errors);
            match e.starts_with("error: ") {
                true => out.err(e),
                false => out.err(format!("error: {e}")),
            }
        }
        many => many.iter().for_each(|r| out.err(aggregate(&r.errors))),
    }
}

fn uid_of(pod: &Value) -> String {
    pod.at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl Drain {
    /// Works the drain as far as it goes now: retries that are due, pods gone, the
    /// node's deadline; then, node by node, the next one's turn. `Some(status)` once
    /// every node is done.
    pub fn step(&mut self, cluster: &mut Cluster, out: &mut Output) -> Option<i32> {
        loop {
            if let Some(node) = &mut self.current {
                let (grace, timeout) = (self.grace, self.timeout.as_ref());
                let shown = timeout.map(|(_, s)| s.as_str());
                node.retry_due(cluster, grace, shown, &self.filters, out);
                node.reap(cluster, self.evict, &self.filters, out);
                node.expire(cluster.now, self.evict);
                if !node.pods.is_empty() {
                    return None;
                }
                if let Some(done) = self.current.take() {
                    self.report(done, cluster, out);
                }
            }
            match self.queue.pop_front() {
                Some(node) => self.current = self.start(node, cluster, out),
                None => break,
            }
        }
        pending_nodes(&self.refused, out);
        Some(if self.refused.is_empty() { 0 } else { 1 })
    }

    /// When the clock must stop for the drain: the next retry, or the deadline of pods
    /// still waited for.
    pub fn wake_at(&self) -> Option<Millis> {
        let node = self.current.as_ref()?;
        let retry = node
            .pods
            .iter()
            .flat_map(|p| [p.retry_at, p.skip_at])
            .flatten()
            .min();
        let waiting = node.pods.iter().any(|p| p.uid.is_some());
        let deadline = node.deadline.filter(|_| waiting);
        [retry, deadline].into_iter().flatten().min()
    }

    /// `deleteOrEvictPodsSimple`'s start: list the node's pods, then evict or delete them.
    fn start(
        &mut self,
        node: String,
        cluster: &mut Cluster,
        out: &mut Output,
    ) -> Option<NodeDrain> {
        let list = self.filters.pods_for_deletion(cluster, &node);
        if !list.errors.is_empty() {
            out.err(format!(
                "error: unable to drain node \"{node}\" due to error: {}, continuing command...",
                aggregate(&list.errors)
            ));
            self.refused.push(Refused {
                node,
                errors: list.errors,
                aggregate: true,
            });
            return None;
        }
        if let Some(w) = &list.warnings {
            out.err(format!("Warning: {w}"));
        }
        if self.dry_run {
            for pod in &list.pods {
                let (ns, name) = (meta_str(pod, "namespace"), meta_str(pod, "name"));
                out.out(format!("evicting pod {ns}/{name} (dry run)"));
            }
            out.out(format!("node/{node} drained (dry run)"));
            return None;
        }
        let mut drain = NodeDrain {
            node,
            pods: Vec::new(),
            errors: Vec::new(),
            aggregate: self.evict,
            deadline: self.timeout.as_ref().map(|(ms, _)| cluster.now + ms),
        };
        for pod in &list.pods {
            let ns = meta_str(pod, "namespace").to_string();
            let name = meta_str(pod, "name").to_string();
            let mut eviction = Eviction {
                namespace: ns.clone(),
                name: name.clone(),
                uid: None,
                retry_at: None,
                skip_at: None,
            };
            if !self.evict {
                // `deletePods`: the first refusal ends the node's turn without waiting.
                let options = DeleteOptions {
                    grace_period_seconds: self.grace,
                    ..DeleteOptions::default()
                };
                match cluster.delete("Pod", &ns, &name, options) {
                    Ok(_) | Err(ApiError::NotFound { .. }) => {
                        eviction.uid = Some(uid_of(pod));
                        eviction.skip_at = self.filters.skip_at(cluster, &ns, &name);
                        drain.pods.push(eviction);
                    }
                    Err(e) => {
                        drain.pods.clear();
                        drain.errors.push(e.status_message(""));
                        break;
                    }
                }
                continue;
            }
            match evict(cluster, &ns, &name, self.grace, out) {
                Asked::Evicted(uid) => {
                    eviction.uid = Some(uid);
                    eviction.skip_at = self.filters.skip_at(cluster, &ns, &name);
                }
                Asked::Gone => continue,
                Asked::Retry => eviction.retry_at = Some(cluster.now + RETRY_AFTER),
                Asked::Failed(e) => {
                    drain.errors.push(e);
                    continue;
                }
            }
            drain.pods.push(eviction);
        }
        Some(drain)
    }

    /// A node whose loops are all over: `drained`, or its errors as
    /// `deleteOrEvictPodsSimple` and `RunDrain` print them.
    fn report(&mut self, node: NodeDrain, cluster: &Cluster, out: &mut Output) {
        if node.errors.is_empty() {
            out.out(format!("node/{} drained", node.node));
            return;
        }
        let err = aggregate(&node.errors);
        // `GetPodsForDeletion` again: the pods drain would still delete.
        let again = self.filters.pods_for_deletion(cluster, &node.node);
        if !again.pods.is_empty() {
            out.err(format!(
                "There are pending pods in node \"{}\" when an error occurred: {err}",
                node.node
            ));
            for pod in &again.pods {
                out.err(format!("pod/{}", meta_str(pod, "name")));
            }
        }
        let unable = format!(
            "error: unable to drain node \"{}\" due to error: {err}, continuing command...",
            node.node
        );
        if again.errors.is_empty() {
            out.err(unable);
        } else {
            // kubectl prints this aggregate without a newline after it.
            out.err("Following errors occurred while getting the list of pods to delete:");
            out.err(format!("{}{unable}", aggregate(&again.errors)));
        }
        self.refused.push(Refused {
            node: node.node,
            errors: node.errors,
            aggregate: node.aggregate,
        });
    }
}

impl NodeDrain {
    /// The loops whose 5 s are up ask again (or end, once the node's timeout is over).
    fn retry_due(
        &mut self,
        cluster: &mut Cluster,
        grace: Option<i64>,
        timeout: Option<&str>,
        filters: &DrainFilters,
        out: &mut Output,
    ) {
        let now = cluster.now;
        let mut failed = Vec::new();
        for pod in &mut self.pods {
            if pod.retry_at.is_none_or(|t| t > now) {
                continue;
            }
            pod.retry_at = None;
            if let (Some(at), Some(shown)) = (self.deadline, timeout) {
                if now >= at {
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
                Asked::Evicted(uid) => {
                    pod.uid = Some(uid);
                    pod.skip_at = filters.skip_at(cluster, &pod.namespace, &pod.name);
                }
                Asked::Gone => failed.push((pod.name.clone(), String::new())),
                Asked::Retry => pod.retry_at = Some(now + RETRY_AFTER),
                Asked::Failed(e) => failed.push((pod.name.clone(), e)),
            }
        }
        for (name, err) in failed {
            self.pods.retain(|p| p.name != name);
            if !err.is_empty() {
                self.errors.push(err);
            }
        }
    }

    /// Pods gone since the last look (`pod/x evicted`, or `deleted` without the
    /// eviction API), and pods deleted too long ago to wait for
    /// (`--skip-wait-for-delete-timeout`).
    fn reap(&mut self, cluster: &Cluster, evict: bool, filters: &DrainFilters, out: &mut Output) {
        let word = if evict { "evicted" } else { "deleted" };
        self.pods.retain(|p| {
            let Some(uid) = &p.uid else {
                return true;
            };
            let pod = cluster
                .get("Pod", &p.namespace, &p.name)
                .filter(|o| o.at("/metadata/uid").and_then(Value::as_str) == Some(uid.as_str()));
            match pod {
                None => {
                    out.out(format!("pod/{} {word}", p.name));
                    false
                }
                Some(pod)
                    if should_skip(pod, filters.skip_wait_for_delete_timeout, cluster.now) =>
                {
                    out.out(format!(
                        "pod \"{}\" has DeletionTimestamp older than {} seconds, skipping",
                        p.name, filters.skip_wait_for_delete_timeout
                    ));
                    false
                }
                Some(_) => true,
            }
        });
    }

    /// The node's timeout is over: every wait ends in an error (one per pod through the
    /// eviction API, where each pod has its own wait; one for `deletePods`' single wait).
    fn expire(&mut self, now: Millis, evict: bool) {
        if self.deadline.is_none_or(|d| now < d) {
            return;
        }
        let waiting = |p: &Eviction| p.uid.is_some();
        if !evict {
            if self.pods.iter().any(waiting) {
                self.errors.push("context deadline exceeded".into());
            }
        } else {
            for p in self.pods.iter().filter(|p| waiting(p)) {
                self.errors.push(format!(
                    "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: context deadline exceeded",
                    p.name, p.namespace
                ));
            }
        }
        self.pods.retain(|p| !waiting(p));
    }
}
