//! The scheduler (taints, selectors, affinity, capacity, cordon, new nodes) and the
//! ResourceQuota, driven through the engine's API.

mod common;

use common::*;
use kubeplay::engine::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn kind3() -> Cluster {
    Cluster::new(ClusterConfig::with_nodes(3, 11))
}

fn node_of(c: &Cluster, pod: &str) -> String {
    get(c, "Pod", pod)["spec"]["nodeName"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Messages of events with `reason` about object `name`, oldest first.
fn events(c: &Cluster, name: &str, reason: &str) -> Vec<String> {
    let mut found: Vec<(String, String)> = c
        .store
        .list("Event", None)
        .filter(|e| e["involvedObject"]["name"] == name && e["reason"] == reason)
        .map(|e| {
            (
                e["metadata"]["name"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, m)| m).collect()
}

fn with_spec(mut pod: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut pod["spec"]);
    pod
}

fn requests(cpu: &str) -> Value {
    json!({"requests": {"cpu": cpu}})
}

const TAINT: &str = "1 node(s) had untolerated taint(s)";

#[test]
fn pods_without_a_toleration_stay_off_the_tainted_control_plane() {
    let mut c = kind3();
    c.create(deployment("spread", 12, "nginx")).unwrap();
    c.advance(30_000);
    let pods: Vec<_> = c.store.list("Pod", Some("default")).cloned().collect();
    assert_eq!(pods.len(), 12);
    for p in &pods {
        let node = p["spec"]["nodeName"].as_str().unwrap_or("");
        assert!(
            node.starts_with("kind-worker"),
            "{} went to {node}",
            name_of(p)
        );
    }
}

#[test]
fn a_pod_tolerating_the_control_plane_taint_may_be_placed_there() {
    let mut c = kind3();
    let p = with_spec(pod("cp", "nginx"), |s| {
        s["tolerations"] = json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]);
        s["nodeSelector"] = json!({"node-role.kubernetes.io/control-plane": ""});
    });
    c.create(p).unwrap();
    assert_eq!(node_of(&c, "cp"), "kind-control-plane");
    assert_eq!(
        events(&c, "cp", "Scheduled"),
        ["Successfully assigned default/cp to kind-control-plane"]
    );
}

#[test]
fn an_unmatched_node_selector_leaves_the_pod_pending_until_a_node_is_labelled() {
    let mut c = kind3();
    let p = with_spec(pod("ssd", "nginx"), |s| {
        s["nodeSelector"] = json!({"disktype": "ssd"})
    });
    c.create(p).unwrap();
    c.advance(10_000);
    assert_eq!(node_of(&c, "ssd"), "");
    let p = get(&c, "Pod", "ssd");
    assert_eq!(p["status"]["phase"], "Pending");
    let message = format!("0/3 nodes are available: {TAINT}, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    assert_eq!(
        events(&c, "ssd", "FailedScheduling"),
        std::slice::from_ref(&message)
    );
    assert_eq!(p["status"]["conditions"][0]["reason"], "Unschedulable");
    assert_eq!(p["status"]["conditions"][0]["message"], message);
    modify(&mut c, "Node", "kind-worker2", |n| {
        n["metadata"]["labels"]["disktype"] = json!("ssd")
    });
    assert_eq!(node_of(&c, "ssd"), "kind-worker2");
    c.advance(10_000);
    assert_eq!(get(&c, "Pod", "ssd")["status"]["phase"], "Running");
}

#[test]
fn required_node_affinity_picks_the_named_node_every_time() {
    let mut c = kind3();
    for i in 0..6 {
        let p = with_spec(pod(&format!("a{i}"), "nginx"), |s| {
            s["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["kind-worker"]}]}
            ]}}});
        });
        c.create(p).unwrap();
        assert_eq!(node_of(&c, &format!("a{i}")), "kind-worker");
    }
    let p = with_spec(pod("nowhere", "nginx"), |s| {
        s["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["kind-worker9"]}]}
        ]}}});
    });
    c.create(p).unwrap();
    assert_eq!(node_of(&c, "nowhere"), "");
    assert!(events(&c, "nowhere", "FailedScheduling")[0]
        .starts_with("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector."));
}

#[test]
fn a_pod_whose_cpu_request_fits_nowhere_stays_pending_with_insufficient_cpu() {
    let mut c = kind3();
    for name in ["big1", "big2", "big3"] {
        let p = with_spec(pod(name, "nginx"), |s| {
            s["containers"][0]["resources"] = requests("5")
        });
        c.create(p).unwrap();
    }
    let mut nodes = vec![node_of(&c, "big1"), node_of(&c, "big2")];
    nodes.sort();
    assert_eq!(nodes, ["kind-worker", "kind-worker2"]);
    assert_eq!(node_of(&c, "big3"), "");
    assert_eq!(
        events(&c, "big3", "FailedScheduling"),
        [format!("0/3 nodes are available: {TAINT}, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")]
    );
    // Freeing room reschedules it.
    c.delete("Pod", "default", "big1", Default::default())
        .unwrap();
    c.advance(5_000);
    assert_ne!(node_of(&c, "big3"), "", "big3 takes the freed room");
}

#[test]
fn a_node_at_its_pod_capacity_reports_too_many_pods() {
    let mut config = ClusterConfig::with_nodes(3, 11);
    // Each worker also runs kind's two daemons (kube-proxy, kindnet).
    for n in config.nodes.iter_mut().filter(|n| !n.control_plane) {
        n.max_pods = 4;
    }
    let mut c = Cluster::new(config);
    c.create(deployment("many", 5, "nginx")).unwrap();
    c.advance(30_000);
    let pending: Vec<String> = c
        .store
        .list("Pod", Some("default"))
        .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty))
        .map(|p| name_of(p))
        .collect();
    assert_eq!(pending.len(), 1, "2 workers × 2 pods each: {pending:?}");
    assert_eq!(
        events(&c, &pending[0], "FailedScheduling"),
        [format!("0/3 nodes are available: {TAINT}, 2 Too many pods. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")]
    );
    let d = get(&c, "Deployment", "many");
    assert_eq!(d["status"]["availableReplicas"], 4, "{}", d["status"]);
}

#[test]
fn a_cordoned_node_gets_no_new_pods_and_uncordoning_lets_them_in() {
    let mut c = kind3();
    modify(&mut c, "Node", "kind-worker", |n| {
        n["spec"]["unschedulable"] = json!(true)
    });
    modify(&mut c, "Node", "kind-worker2", |n| {
        n["spec"]["unschedulable"] = json!(true)
    });
    c.create(pod("p", "nginx")).unwrap();
    assert_eq!(node_of(&c, "p"), "");
    assert_eq!(
        events(&c, "p", "FailedScheduling"),
        [format!("0/3 nodes are available: {TAINT}, 2 node(s) were unschedulable. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")]
    );
    modify(&mut c, "Node", "kind-worker2", |n| {
        n["spec"].as_object_mut().map(|s| s.remove("unschedulable"));
    });
    assert_eq!(node_of(&c, "p"), "kind-worker2");
}

fn new_node(name: &str, max_pods: u32) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
        "spec": {"podCIDR": "10.244.9.0/24", "podCIDRs": ["10.244.9.0/24"]},
        "status": {
            "addresses": [{"address": "172.18.0.9", "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "8", "memory": "16Gi", "pods": max_pods.to_string()},
            "capacity": {"cpu": "8", "memory": "16Gi", "pods": max_pods.to_string()},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}]
        }
    })
}

#[test]
fn pending_pods_are_scheduled_when_a_node_is_added() {
    let mut config = ClusterConfig::with_nodes(2, 11);
    // Room for kube-proxy, kindnet and one more.
    config.nodes[1].max_pods = 3;
    let mut c = Cluster::new(config);
    c.create(statefulset("web", 3, "nginx")).unwrap();
    c.advance(30_000);
    assert_eq!(node_of(&c, "web-0"), "kind-worker");
    assert_eq!(node_of(&c, "web-1"), "", "kind-worker is full");
    assert!(
        c.get("Pod", "default", "web-2").is_none(),
        "OrderedReady waits for web-1"
    );
    c.create(new_node("kind-worker3", 110)).unwrap();
    assert_eq!(node_of(&c, "web-1"), "kind-worker3");
    c.advance(30_000);
    assert_eq!(node_of(&c, "web-2"), "kind-worker3");
    let s = get(&c, "StatefulSet", "web");
    assert_eq!(s["status"]["readyReplicas"], 3, "{}", s["status"]);
}

#[test]
fn a_new_no_schedule_taint_keeps_later_pods_off_that_node() {
    let mut c = kind3();
    modify(
        &mut c,
        "Node",
        "kind-worker",
        |n| {
            n["spec"]["taints"] =
                json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])
        },
    );
    c.create(deployment("app", 6, "nginx")).unwrap();
    c.advance(20_000);
    for p in c.store.list("Pod", Some("default")) {
        assert_eq!(p["spec"]["nodeName"], "kind-worker2", "{}", name_of(p));
    }
    let tolerant = with_spec(pod("db", "nginx"), |s| {
        s["tolerations"] = json!([{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]);
        s["nodeSelector"] = json!({"kubernetes.io/hostname": "kind-worker"});
    });
    c.create(tolerant).unwrap();
    assert_eq!(node_of(&c, "db"), "kind-worker");
}

#[test]
fn creating_more_pods_than_the_quota_allows_records_failed_create_and_controllers_keep_working() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 11));
    c.create(json!({
        "apiVersion": "v1", "kind": "ResourceQuota",
        "metadata": {"name": "pods", "namespace": "default"},
        "spec": {"hard": {"pods": "5"}}
    }))
    .unwrap();
    c.create(statefulset("web", 3, "nginx")).unwrap();
    c.create(deployment("dep", 6, "nginx")).unwrap();
    c.advance(60_000);
    let count = c.store.count("Pod", Some("default"));
    assert_eq!(count, 5, "the quota caps the namespace at 5 pods");
    // A direct create gets the API server's text.
    let err = c.create(pod("extra", "nginx")).unwrap_err().to_string();
    assert!(
        err.contains("pods \"extra\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5"),
        "{err}"
    );
    let failed: Vec<String> = c
        .store
        .list("Event", Some("default"))
        .filter(|e| e["reason"] == "FailedCreate")
        .map(|e| {
            format!(
                "{} {}",
                e["source"]["component"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("statefulset-controller create Pod web-")
                && f.contains(" in StatefulSet web failed error: pods \"web-")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("replicaset-controller Error creating: pods \"dep-")),
        "{failed:?}"
    );
    for f in &failed {
        assert!(
            f.contains("is forbidden: exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5"),
            "{f}"
        );
    }
    // Making room lets the controllers finish their work.
    modify(&mut c, "Deployment", "dep", |d| {
        d["spec"]["replicas"] = json!(1)
    });
    c.advance(120_000);
    let s = get(&c, "StatefulSet", "web");
    assert_eq!(s["status"]["readyReplicas"], 3, "{}", s["status"]);
    let d = get(&c, "Deployment", "dep");
    assert_eq!(d["status"]["availableReplicas"], 1, "{}", d["status"]);
    assert_eq!(c.store.count("Pod", Some("default")), 4);
}

/// The `logs` DaemonSet's live pods by node.
fn daemon_pods_by_node(c: &Cluster) -> Vec<(String, String)> {
    let mut pods: Vec<(String, String)> = c
        .store
        .list("Pod", Some("default"))
        .filter(|p| p.pointer("/metadata/deletionTimestamp").is_none())
        .map(|p| {
            (
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
                name_of(p),
            )
        })
        .collect();
    pods.sort();
    pods
}

fn taint(c: &mut Cluster, node: &str, effect: &str) {
    modify(c, "Node", node, |n| {
        n["spec"]["taints"] = json!([{"key": "dedicated", "value": "db", "effect": effect}])
    });
}

#[test]
fn a_daemon_pod_keeps_running_when_its_node_gets_a_no_schedule_taint_but_no_new_one_goes_there() {
    let mut c = kind3();
    c.create(daemonset("logs", "nginx")).unwrap();
    c.advance(30_000);
    let before = daemon_pods_by_node(&c);
    assert_eq!(
        before.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        ["kind-worker", "kind-worker2"]
    );
    taint(&mut c, "kind-worker", "NoSchedule");
    c.advance(30_000);
    assert_eq!(daemon_pods_by_node(&c), before, "the running pod stays");
    let status = get(&c, "DaemonSet", "logs")["status"].clone();
    assert_eq!(status["desiredNumberScheduled"], 1, "{status}");
    assert_eq!(status["numberMisscheduled"], 1, "{status}");
    // Once it is gone, no new pod goes to the tainted node.
    c.delete("Pod", "default", &before[0].1, Default::default())
        .unwrap();
    c.advance(60_000);
    assert_eq!(daemon_pods_by_node(&c), before[1..].to_vec());
}

#[test]
fn a_no_execute_taint_the_daemon_pod_does_not_tolerate_removes_it() {
    let mut c = kind3();
    c.create(daemonset("logs", "nginx")).unwrap();
    c.advance(30_000);
    let before = daemon_pods_by_node(&c);
    taint(&mut c, "kind-worker", "NoExecute");
    c.advance(60_000);
    assert_eq!(daemon_pods_by_node(&c), before[1..].to_vec());
    assert_eq!(
        get(&c, "DaemonSet", "logs")["status"]["desiredNumberScheduled"],
        1
    );
}

#[test]
fn a_template_change_removes_the_old_daemon_pod_from_a_no_schedule_node_without_a_replacement() {
    let mut c = kind3();
    c.create(daemonset("logs", "nginx:1.26")).unwrap();
    c.advance(30_000);
    taint(&mut c, "kind-worker", "NoSchedule");
    set_image(&mut c, "DaemonSet", "logs", "nginx:1.27");
    c.advance(120_000);
    let pods = daemon_pods_by_node(&c);
    assert_eq!(pods.len(), 1, "{pods:?}");
    assert_eq!(pods[0].0, "kind-worker2");
    assert_eq!(
        get(&c, "Pod", &pods[0].1)["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
}
