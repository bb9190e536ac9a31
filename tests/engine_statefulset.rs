//! The StatefulSet lifecycle of the seed lesson, driven through the engine's API.

use kubeplay::engine::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn sts(replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "serviceName": "web", "replicas": replicas,
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": image}]}}
        }
    })
}

fn pods(c: &Cluster) -> Vec<(String, String)> {
    c.store
        .list("Pod", Some("default"))
        .map(|p| {
            let status = if p.pointer("/metadata/deletionTimestamp").is_some() {
                "Terminating"
            } else {
                p["status"]["phase"].as_str().unwrap_or("")
            };
            (
                p["metadata"]["name"].as_str().unwrap_or("").to_string(),
                status.to_string(),
            )
        })
        .collect()
}

#[test]
fn ordered_ready_creates_pods_one_after_another() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(1, 1));
    c.create(sts(3, "105552010/k8s-demo:v1")).unwrap();
    assert_eq!(pods(&c).len(), 1, "only web-0 at first: {:?}", pods(&c));
    let start = c.now;
    c.run_until_idle(start + 300_000);
    assert_eq!(
        pods(&c),
        vec![
            ("web-0".into(), "Running".into()),
            ("web-1".into(), "Running".into()),
            ("web-2".into(), "Running".into())
        ]
    );
    let sts = c.get("StatefulSet", "default", "web").unwrap();
    assert_eq!(sts["status"]["readyReplicas"], 3, "{}", sts["status"]);
}

#[test]
fn rolling_update_goes_from_the_highest_ordinal_down() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(1, 1));
    c.create(sts(3, "105552010/k8s-demo:v1")).unwrap();
    let t = c.now;
    c.run_until_idle(t + 300_000);
    let mut s = (**c.get("StatefulSet", "default", "web").unwrap()).clone();
    s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("105552010/k8s-demo:v2");
    c.update(s).unwrap();
    let mut order: Vec<String> = Vec::new();
    let t = c.now;
    loop {
        for (name, status) in pods(&c) {
            if status == "Terminating" && order.last() != Some(&name) {
                order.push(name);
            }
        }
        if c.now > t + 900_000 || !c.advance_to_next_event() {
            break;
        }
    }
    assert_eq!(order, ["web-2", "web-1", "web-0"]);
}
