//! What a pod costs the heap, counted by the allocator: a pod run to Ready, its Events as
//! the store keeps them, and the kubelet's state for it. The bench's 5,000-pod row holds
//! this per pod (its `breakdown` row weighs the same parts); a regression past the bound
//! below is ~50 MiB more at 5,000 pods, which a browser tab notices.
//!
//! Its own test binary: the counting allocator sees every thread of the process.

use kubeplay::engine::{Cluster, ClusterConfig};
use serde_json::json;
#[path = "common/counting.rs"]
mod counting;
use counting::weigh_bytes as weigh;

const PODS: usize = 40;

#[test]
fn a_running_pod_with_its_events_and_kubelet_state_stays_under_48_kb() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(4, 1));
    c.create(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    c.advance(60_000);
    let ready = c
        .store
        .list("Pod", Some("default"))
        .filter(|p| p["status"]["phase"] == "Running")
        .count();
    assert_eq!(ready, PODS);
    let pods = weigh(|| c.store.copy_as_kept("Pod"));
    let events = weigh(|| c.store.copy_as_kept("Event"));
    let kubelet = weigh(|| (c.kubelet.pods.clone(), c.kubelet.mounted.clone()));
    // kube-system's add-on pods and their Events count too: divide by every pod.
    let all = c.store.count("Pod", None);
    let per_pod = (pods + events + kubelet) / all;
    eprintln!(
        "per pod: {per_pod} B (pod {} B, Events {} B, kubelet {} B; {all} pods, {} Events)",
        pods / all,
        events / all,
        kubelet / all,
        c.store.count("Event", None)
    );
    assert!(per_pod < 48_000, "a pod costs {per_pod} bytes of heap");
    // Events are kept as text: ~1 KB each, not ~4.4 KB as values (~20 KB a pod).
    assert!(
        events / all < 8_000,
        "a pod's Events cost {} bytes",
        events / all
    );
}
