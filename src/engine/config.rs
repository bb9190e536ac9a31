//! The shape of a cluster: its nodes, seed and playground limits.

use super::clock::Millis;

/// The most nodes a playground cluster may have: lessons, shared links and the page's
/// `nodes` parameter are all held to it (a browser tab simulates every node).
pub const MAX_NODES: u32 = 20;

/// One node to create at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    pub name: String,
    pub control_plane: bool,
    /// Control-plane nodes of kubeadm clusters carry the NoSchedule taint; minikube's doesn't.
    pub tainted: bool,
    pub cpu_millis: i64,
    pub memory_mib: i64,
    pub max_pods: i64,
}

impl NodeSpec {
    fn new(name: &str, control_plane: bool, tainted: bool) -> Self {
        NodeSpec {
            name: name.to_string(),
            control_plane,
            tainted,
            cpu_millis: 8000,
            memory_mib: 16_384,
            max_pods: 110,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    pub nodes: Vec<NodeSpec>,
    pub seed: u64,
    /// Keep a running digest of every watch-journal entry as it is written (the bench's
    /// proof that a change left the history alone; the journal itself is compacted).
    pub journal_digest: bool,
    /// Leave the controllers' first pass and kube-system's add-ons to the first time the
    /// cluster is used (`World::install_addons`) instead of running them in `World::new`. The page's
    /// first module builds its session before the lazy module (the controllers, the
    /// scheduler, the kubelet) has arrived, and installing runs all of them; the result
    /// is the same as long as nothing touched the cluster in between.
    pub defer_addons: bool,
    /// `kube-apiserver --event-ttl`: how long an Event lives after its last write.
    pub event_ttl_ms: Millis,
}

/// kube-apiserver's default `--event-ttl`: one hour.
pub const EVENT_TTL_MS: Millis = 3_600_000;

impl Default for ClusterConfig {
    /// A kind-like three-node cluster.
    fn default() -> Self {
        ClusterConfig::with_nodes(3, 1)
    }
}

impl ClusterConfig {
    /// One node is minikube (untainted, as in the seed article); more are kind-like: a
    /// tainted `kind-control-plane` and workers `kind-worker`, `kind-worker2`, ...
    pub fn with_nodes(count: u32, seed: u64) -> Self {
        let nodes = if count <= 1 {
            vec![NodeSpec::new("minikube", true, false)]
        } else {
            let mut v = vec![NodeSpec::new("kind-control-plane", true, true)];
            for i in 1..count {
                let name = if i == 1 {
                    "kind-worker".to_string()
                } else {
                    format!("kind-worker{i}")
                };
                v.push(NodeSpec::new(&name, false, false));
            }
            v
        };
        ClusterConfig {
            nodes,
            seed,
            journal_digest: false,
            defer_addons: false,
            event_ttl_ms: EVENT_TTL_MS,
        }
    }
}
