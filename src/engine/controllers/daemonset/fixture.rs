//! Nodes and daemon pods for the policy's unit tests, built without a cluster: a node
//! table from node objects, and pods whose facts say where they run, at which revision
//! and in what state.

use super::control::NodePods;
use crate::engine::controllers::ownership::PodRef;
use crate::engine::node_table::NodeTable;
use crate::engine::pod_facts::PodFacts;
use crate::engine::store::{EventType, Store};
use crate::json;
use serde_json::Value;
use std::rc::Rc;

/// What a test pod is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ready,
    Starting,
    Failed,
    Terminating,
}

pub struct Fixture {
    table: Rc<NodeTable>,
    pods: Vec<(String, Value, PodFacts)>,
    /// The update revision, interned as the owner index would: pods at it share this `Rc`.
    pub update: Rc<str>,
}

/// A worker node; `taint` adds one with that key and effect.
pub fn node(name: &str, labels: Value, taint: Option<(&str, &str)>) -> Value {
    let mut n = json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels}, "spec": {}});
    if let Some((key, effect)) = taint {
        n["spec"]["taints"] = json!([{"key": key, "effect": effect}]);
    }
    n
}

/// A DaemonSet `fluentd` whose template has `spec`, updated with `strategy`.
pub fn daemonset(spec: Value, strategy: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "fluentd", "namespace": "default"},
        "spec": {"template": {"spec": spec}, "updateStrategy": strategy}})
}

impl Fixture {
    pub fn new(nodes: Vec<Value>) -> Fixture {
        let mut store = Store::starting_at(0, 0);
        for n in nodes {
            store.put("Node", n, EventType::Added);
        }
        Fixture {
            table: NodeTable::current(&mut Rc::default(), &store),
            pods: Vec::new(),
            update: Rc::from("fluentd-new"),
        }
    }

    /// Adds pod `name` bound to `node`, at the update revision when `updated`, created at
    /// second `created`.
    pub fn pod(&mut self, name: &str, node: &str, updated: bool, state: State, created: u32) {
        let mut pod = json!({"metadata": {
                "name": name,
                "creationTimestamp": format!("2025-10-14T09:00:{created:02}Z")},
            "spec": {"nodeName": node},
            "status": {"phase": if state == State::Failed { "Failed" } else { "Running" }}});
        if state == State::Ready {
            pod["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
        }
        if state == State::Terminating {
            pod["metadata"]["deletionTimestamp"] = json!("2025-10-14T09:01:00Z");
        }
        let mut facts = PodFacts::of(&pod);
        facts.revision = Some(if updated {
            Rc::clone(&self.update)
        } else {
            Rc::from("fluentd-old")
        });
        self.pods.push((name.to_string(), pod, facts));
    }

    /// A pod the controller pinned to `node` that no scheduler has bound yet.
    pub fn pinned_pod(&mut self, name: &str, node: &str) {
        let mut pod =
            json!({"metadata": {"name": name}, "spec": {}, "status": {"phase": "Pending"}});
        pod["spec"] = super::pod_control::daemon_pod_spec(&json!({"spec": {}}), Some(node));
        let facts = PodFacts::of(&pod);
        self.pods.push((name.to_string(), pod, facts));
    }

    pub fn by_node(&self) -> NodePods<'_> {
        NodePods::group(
            &self.table,
            self.pods
                .iter()
                .map(|(name, object, facts)| PodRef::new(name, facts, object)),
        )
    }
}
