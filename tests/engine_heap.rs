//! What a pod costs the heap, counted by the allocator: a pod run to Ready and its Events
//! as the store keeps them (their JSON text), and the kubelet's state for it. The bench's 5,000-pod row holds this per pod (its `breakdown`
//! row weighs the same parts); a regression past the bound below is ~25 MiB more at 5,000
//! pods, which a browser tab notices and which the 200 MiB goal has no room for.
//!
//! Its own test binary: the counting allocator sees every thread of the process.

use kubeplay::engine::{Cluster, ClusterConfig};
use serde_json::json;
#[path = "common/counting.rs"]
mod counting;
use counting::weigh_bytes as weigh;

const PODS: usize = 40;

#[test]
fn a_running_pod_with_its_events_and_kubelet_state_stays_under_20_kb() {
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
    let journal = weigh(|| c.store.copy_journal_as_kept());
    let kubelet = weigh(|| (c.kubelet.pods.clone(), c.kubelet.mounted.clone()));
    // kube-system's add-on pods and their Events count too: divide by every pod.
    let all = c.store.count("Pod", None);
    // The journal is bounded by its window, not by the pods: shown, not counted.
    let per_pod = (pods + events + kubelet) / all;
    eprintln!(
        "per pod: {per_pod} B (pod {} B, Events {} B, journal {} B, kubelet {} B; {all} pods, {} Events)",
        pods / all,
        events / all,
        journal / all,
        kubelet / all,
        c.store.count("Event", None)
    );
    // 39 KB when pods were kept as `serde_json` values (a Running pod ~23 KB).
    assert!(per_pod < 20_000, "a pod costs {per_pod} bytes of heap");
    // Pods are kept as text, as etcd keeps them: ~3.3 KB each, not ~23 KB as values.
    assert!(pods / all < 5_000, "a pod is kept in {} bytes", pods / all);
    // Events are kept as text: ~1 KB each, not ~4.4 KB as values (~20 KB a pod).
    assert!(
        events / all < 8_000,
        "a pod's Events cost {} bytes",
        events / all
    );
}
