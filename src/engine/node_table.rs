//! The cluster's nodes in name order, with what every DaemonSet sync and scheduling pass
//! asks of each, built once per change of the node list instead of once per sync: a
//! DaemonSet sync looks at every node, so lookups go by position, not by name.

use super::quantity;
use super::store::Store;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::rc::Rc;

#[derive(Debug, Clone, Default)]
pub struct NodeTable {
    /// `Store::nodes_written` when the table was built.
    built_at: u64,
    pub nodes: Vec<TableNode>,
    /// Node name → position in `nodes`. Only ever looked up, never iterated, so the hash
    /// map's order cannot leak into what a controller does.
    positions: FxHashMap<Rc<str>, usize>,
}

#[derive(Debug, Clone)]
pub struct TableNode {
    pub name: Rc<str>,
    pub object: Rc<Value>,
    /// `spec.taints` is not empty: only then do tolerations need reading.
    pub tainted: bool,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    /// `status.allocatable`: cpu millicores, memory bytes, pods.
    pub allocatable: Allocatable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocatable {
    pub cpu: i64,
    pub memory: i64,
    pub pods: i64,
}

impl TableNode {
    /// What filtering reads of `object`, read once.
    pub fn of(name: &str, object: &Rc<Value>) -> TableNode {
        let spec = object.get("spec");
        TableNode {
            name: Rc::from(name),
            object: Rc::clone(object),
            tainted: spec
                .and_then(|s| s.get("taints"))
                .and_then(Value::as_array)
                .is_some_and(|t| !t.is_empty()),
            unschedulable: spec.and_then(|s| s.get("unschedulable")) == Some(&Value::Bool(true)),
            allocatable: Allocatable::of(object),
        }
    }
}

impl Allocatable {
    pub fn of(node: &Value) -> Allocatable {
        let a = node.get("status").and_then(|s| s.get("allocatable"));
        let q = |key: &str| a.and_then(|a| a.get(key));
        Allocatable {
            cpu: q("cpu").and_then(quantity::cpu_millis).unwrap_or(0),
            memory: q("memory").and_then(quantity::bytes).unwrap_or(0),
            pods: q("pods")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .unwrap_or(110),
        }
    }
}

impl NodeTable {
    fn build(store: &Store) -> NodeTable {
        let nodes: Vec<TableNode> = store
            .named("Node", "")
            .map(|(name, object)| TableNode::of(name, object))
            .collect();
        let positions = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (Rc::clone(&n.name), i))
            .collect();
        NodeTable {
            built_at: store.nodes_written,
            nodes,
            positions,
        }
    }

    /// The table for the store's nodes as they are now, rebuilt only if a node changed
    /// since `table` was built.
    pub fn current(table: &mut Rc<NodeTable>, store: &Store) -> Rc<NodeTable> {
        if table.built_at != store.nodes_written {
            *table = Rc::new(NodeTable::build(store));
        }
        Rc::clone(table)
    }

    pub fn get(&self, node: &str) -> Option<&TableNode> {
        self.position(node).map(|i| &self.nodes[i])
    }

    pub fn position(&self, node: &str) -> Option<usize> {
        self.positions.get(node).copied()
    }
}
