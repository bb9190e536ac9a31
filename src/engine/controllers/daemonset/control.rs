//! Where a DaemonSet's pods belong (`daemon_controller.go` `nodeShouldRunDaemonPod`,
//! `podsShouldBeOnNode`): for every node, whether it should run a daemon pod, and from
//! that the diff — nodes needing a pod, pods to delete, each with its reason. Pure: it
//! reads the nodes and the pods grouped by node, and writes nothing.

use crate::engine::apiserver::meta_str;
use crate::engine::controllers::ownership::PodRef;
use crate::engine::json::At;
use crate::engine::node_table::{NodeTable, TableNode};
use crate::engine::scheduler::{NodeFilter, SCHEDULING_EFFECTS};
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// What one sync does: nodes that need a pod, and pods to delete (with why).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub create_on: Vec<String>,
    pub delete: Vec<(String, String)>,
}

impl Diff {
    /// Nothing to create or delete.
    pub fn is_empty(&self) -> bool {
        self.create_on.is_empty() && self.delete.is_empty()
    }
}

/// Each node's daemon pods (by the node's position in the `NodeTable`), borrowed for one
/// sync.
pub struct NodePods<'a> {
    pub table: &'a NodeTable,
    /// The pods grouped by node position, each group in the owner index's order:
    /// node `i` has `pods[starts[i]..starts[i + 1]]` (one list, not one per node).
    pods: Vec<PodRef<'a>>,
    starts: Vec<usize>,
    /// Pods pinned to a node that does not exist (any more).
    elsewhere: BTreeMap<&'a str, Vec<PodRef<'a>>>,
}

/// The node a daemon pod is bound to, or pinned to by its node affinity until then.
fn node_of<'a>(pod: &PodRef<'a>) -> &'a str {
    if let Some(n) = &pod.facts.node {
        return n;
    }
    pod.object().at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl<'a> NodePods<'a> {
    /// Groups `pods` (in the owner index's order) by the node each is on or pinned to.
    pub fn group(table: &'a NodeTable, pods: impl IntoIterator<Item = PodRef<'a>>) -> Self {
        let mut placed: Vec<(usize, PodRef)> = Vec::new();
        let mut elsewhere: BTreeMap<&str, Vec<PodRef>> = BTreeMap::new();
        for pod in pods {
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
        let mut grouped = match placed.first() {
            Some((_, first)) => vec![*first; placed.len()],
            None => Vec::new(),
        };
        for (i, pod) in placed {
            grouped[next[i]] = pod;
            next[i] += 1;
        }
        NodePods {
            table,
            pods: grouped,
            starts,
            elsewhere,
        }
    }

    /// The pods on the node at position `i`.
    pub fn on(&self, i: usize) -> &[PodRef<'a>] {
        &self.pods[self.starts[i]..self.starts[i + 1]]
    }

    /// The pods pinned to nodes that do not exist, by node name.
    pub fn elsewhere(&self) -> impl Iterator<Item = &PodRef<'a>> {
        self.elsewhere.values().flatten()
    }

    /// Every pod: node by node, then those pinned to nodes that do not exist.
    pub fn all(&self) -> impl Iterator<Item = &PodRef<'a>> {
        self.pods.iter().chain(self.elsewhere())
    }
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

/// The nodes' verdicts, by node position, and the diff that follows from them.
pub struct Placement {
    pub diff: Diff,
    /// Nodes that should run a daemon pod.
    pub eligible: Vec<bool>,
    /// Nodes no new pod may go to whose daemon pods keep running (`shouldContinueRunning`).
    pub kept: Vec<usize>,
}

/// `podsShouldBeOnNode` for every node: creations where an eligible node has no healthy
/// pod, deletions of failed and extra pods and of pods on nodes that no longer qualify.
/// `spec` is the daemon pod spec (with the daemon tolerations); `hash_id` the update
/// revision, interned.
pub fn placement_diff(
    ds: &Value,
    spec: &Value,
    by_node: &NodePods,
    hash_id: Option<&Rc<str>>,
) -> Placement {
    let surge = super::update::surge_enabled(ds);
    let filter = NodeFilter::of(spec);
    let mut diff = Diff::default();
    let mut eligible = vec![false; by_node.table.nodes.len()];
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
                crate::sort::sort_by_key(&mut extra, |p| meta_str(p.object(), "creationTimestamp"));
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
    Placement {
        diff,
        eligible,
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{daemonset, node, Fixture, State};
    use super::super::pod_control::daemon_pod_spec;
    use super::*;
    use crate::json;

    const CONTROL_PLANE_TAINT: Option<(&str, &str)> =
        Some(("node-role.kubernetes.io/control-plane", "NoSchedule"));

    fn three_nodes() -> Fixture {
        Fixture::new(vec![
            node("kind-control-plane", json!({}), CONTROL_PLANE_TAINT),
            node("kind-worker", json!({"disk": "ssd"}), None),
            node("kind-worker2", json!({}), None),
        ])
    }

    fn plan(f: &Fixture, template_spec: Value, strategy: Value) -> Placement {
        let ds = daemonset(template_spec, strategy);
        let spec = daemon_pod_spec(&ds["spec"]["template"], None);
        placement_diff(&ds, &spec, &f.by_node(), Some(&f.update))
    }

    fn rolling(max_surge: i64) -> Value {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": 1}})
    }

    fn deleted(p: &Placement) -> Vec<&str> {
        p.diff.delete.iter().map(|(pod, _)| pod.as_str()).collect()
    }

    #[test]
    fn every_untainted_node_gets_a_pod_and_the_tainted_control_plane_none() {
        let p = plan(&three_nodes(), json!({}), rolling(0));
        assert_eq!(p.diff.create_on, ["kind-worker", "kind-worker2"]);
        assert_eq!(p.eligible, [false, true, true]);
        assert!(p.diff.delete.is_empty());
    }

    #[test]
    fn a_node_with_its_pod_needs_nothing() {
        let mut f = three_nodes();
        f.pod("fluentd-a", "kind-worker", true, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Starting, 2);
        assert!(plan(&f, json!({}), rolling(0)).diff.is_empty());
    }

    #[test]
    fn a_node_that_no_longer_fits_the_node_selector_loses_its_pod() {
        let mut f = three_nodes();
        f.pod("fluentd-a", "kind-worker", true, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let p = plan(&f, json!({"nodeSelector": {"disk": "ssd"}}), rolling(0));
        assert_eq!(p.eligible, [false, true, false]);
        assert_eq!(deleted(&p), ["fluentd-b"]);
        assert!(p.diff.delete[0].1.contains("no longer qualifies"));
        assert!(p.diff.create_on.is_empty());
    }

    #[test]
    fn a_failed_pod_is_deleted_and_its_node_gets_a_new_one() {
        let mut f = three_nodes();
        f.pod("fluentd-a", "kind-worker", true, State::Failed, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let p = plan(&f, json!({}), rolling(0));
        assert_eq!(deleted(&p), ["fluentd-a"]);
        assert_eq!(p.diff.create_on, ["kind-worker"]);
    }

    #[test]
    fn a_second_pod_on_a_node_is_extra_and_the_newer_one_goes() {
        let mut f = three_nodes();
        f.pod("fluentd-late", "kind-worker", true, State::Ready, 9);
        f.pod("fluentd-early", "kind-worker", true, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let p = plan(&f, json!({}), rolling(0));
        assert_eq!(deleted(&p), ["fluentd-late"]);
        assert!(p.diff.delete[0].1.contains("more than one daemon pod"));
    }

    #[test]
    fn a_node_waits_for_its_terminating_pod_to_go_before_getting_a_new_one() {
        let mut f = three_nodes();
        f.pod("fluentd-a", "kind-worker", false, State::Terminating, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        assert!(plan(&f, json!({}), rolling(0)).diff.is_empty());
        assert!(plan(&f, json!({}), rolling(1)).diff.is_empty());
    }

    #[test]
    fn a_new_no_schedule_taint_keeps_new_pods_off_but_lets_the_running_pod_stay() {
        let mut f = Fixture::new(vec![
            node(
                "kind-worker",
                json!({}),
                Some(("maintenance", "NoSchedule")),
            ),
            node("kind-worker2", json!({}), None),
        ]);
        f.pod("fluentd-a", "kind-worker", true, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let p = plan(&f, json!({}), rolling(0));
        assert!(p.diff.is_empty());
        assert_eq!(p.eligible, [false, true]);
        assert_eq!(p.kept, [0]);
    }

    #[test]
    fn a_no_execute_taint_evicts_the_daemon_pod() {
        let mut f = Fixture::new(vec![node(
            "kind-worker",
            json!({}),
            Some(("maintenance", "NoExecute")),
        )]);
        f.pod("fluentd-a", "kind-worker", true, State::Ready, 1);
        assert_eq!(deleted(&plan(&f, json!({}), rolling(0))), ["fluentd-a"]);
    }

    #[test]
    fn a_pod_pinned_to_a_node_that_was_deleted_is_deleted() {
        let mut f = three_nodes();
        f.pinned_pod("fluentd-gone", "kind-worker3");
        f.pod("fluentd-a", "kind-worker", true, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let p = plan(&f, json!({}), rolling(0));
        assert_eq!(deleted(&p), ["fluentd-gone"]);
        assert!(p.diff.delete[0]
            .1
            .contains("waits for node kind-worker3, which no longer exists"));
    }
}
