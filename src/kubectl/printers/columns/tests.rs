//! Golden tests for `kubectl get` tables (reference §4.4) and the pod STATUS algorithm.

use super::pods::{pod_ready, pod_status};
use super::*;
use crate::engine::time::parse_rfc3339;
use crate::kubectl::printers::tabwriter::format_table;
use serde_json::json;

const NOW: &str = "2025-10-14T09:14:13Z";

fn now() -> i64 {
    parse_rfc3339(NOW).unwrap()
}

/// An RFC3339 timestamp `secs` before NOW (same day).
fn ago(secs: i64) -> String {
    let t = (now() - secs * 1000) / 1000;
    let sod = t.rem_euclid(86400);
    format!(
        "2025-10-14T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

fn render(kind: &str, objs: &[Value], opts: &TableOptions) -> String {
    let refs: Vec<&Value> = objs.iter().collect();
    format_table(&table(kind, &refs, now(), opts)).join("\n")
}

fn plain(kind: &str, objs: &[Value]) -> String {
    render(kind, objs, &TableOptions::default())
}

fn prefixed(kind: &str, prefix: &str, objs: &[Value]) -> String {
    let opts = TableOptions {
        with_kind_prefix: Some(prefix.into()),
        ..TableOptions::default()
    };
    render(kind, objs, &opts)
}

fn running_pod(name: &str, age_secs: i64) -> Value {
    json!({
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ago(age_secs)},
        "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{
                "name": "nginx", "ready": true, "restartCount": 0,
                "state": {"running": {"startedAt": ago(age_secs - 2)}}
            }]
        }
    })
}

fn pending_pod(name: &str, age_secs: i64) -> Value {
    json!({
        "metadata": {"name": name, "creationTimestamp": ago(age_secs)},
        "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
        "status": {"phase": "Pending"}
    })
}

/// A pod whose only container has the given status fields.
fn pod_with_status(phase: &str, container_status: Value) -> Value {
    json!({
        "metadata": {"name": "p", "creationTimestamp": ago(60)},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
        "status": {"phase": phase, "containerStatuses": [container_status]}
    })
}

#[test]
fn get_pods_matches_the_reference_rendering() {
    let pods = [
        running_pod("web-0", 130),
        running_pod("web-1", 118),
        pending_pod("web-2", 3),
    ];
    assert_eq!(
        plain("Pod", &pods),
        "NAME    READY   STATUS    RESTARTS   AGE\n\
         web-0   1/1     Running   0          2m10s\n\
         web-1   1/1     Running   0          118s\n\
         web-2   0/1     Pending   0          3s"
    );
}

#[test]
fn get_sts_matches_the_reference_rendering() {
    let sts = json!({
        "metadata": {"name": "web", "creationTimestamp": ago(130)},
        "spec": {"replicas": 3},
        "status": {"readyReplicas": 2, "replicas": 3}
    });
    assert_eq!(
        plain("StatefulSet", &[sts]),
        "NAME   READY   AGE\nweb    2/3     2m10s"
    );
}

#[test]
fn unbound_pvc_leaves_volume_capacity_and_access_modes_empty() {
    let bound = json!({
        "metadata": {"name": "www-web-0", "creationTimestamp": ago(130)},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                 "volumeName": "pvc-5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c",
                 "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    });
    let pending = json!({
        "metadata": {"name": "www-web-2", "creationTimestamp": ago(3)},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                 "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Pending"}
    });
    assert_eq!(
        plain("PersistentVolumeClaim", &[bound, pending]),
        "NAME        STATUS    VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n\
         www-web-0   Bound     pvc-5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c   1Gi        RWO            standard       <unset>                 2m10s\n\
         www-web-2   Pending                                                                        standard       <unset>                 3s"
    );
}

#[test]
fn controller_revision_names_its_owner_with_kind_and_group() {
    let cr = json!({
        "metadata": {"name": "web-7b7d8c4f5c", "creationTimestamp": ago(130),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                 "controller": true, "uid": "u"}]},
        "revision": 1
    });
    assert_eq!(
        plain("ControllerRevision", &[cr]),
        "NAME             CONTROLLER             REVISION   AGE\n\
         web-7b7d8c4f5c   statefulset.apps/web   1          2m10s"
    );
}

fn service(name: &str, ip: &str, port: i64, created: &str) -> Value {
    json!({
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip],
                 "ports": [{"port": port, "protocol": "TCP"}]}
    })
}

#[test]
fn get_all_prefixes_names_and_shows_headless_service_as_none() {
    let pods = plain_prefixed_blocks();
    assert_eq!(
        pods,
        "NAME        READY   STATUS    RESTARTS   AGE\n\
         pod/web-0   1/1     Running   0          2m10s\n\
         \n\
         NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
         service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10d\n\
         service/nginx        ClusterIP   None         <none>        80/TCP    2m10s\n\
         \n\
         NAME                   READY   AGE\n\
         statefulset.apps/web   1/1     2m10s"
    );
}

fn plain_prefixed_blocks() -> String {
    let sts = json!({
        "metadata": {"name": "web", "creationTimestamp": ago(130)},
        "spec": {"replicas": 1}, "status": {"readyReplicas": 1}
    });
    [
        prefixed("Pod", "pod", &[running_pod("web-0", 130)]),
        prefixed(
            "Service",
            "service",
            &[
                service("kubernetes", "10.96.0.1", 443, "2025-10-04T09:14:13Z"),
                service("nginx", "None", 80, &ago(130)),
            ],
        ),
        prefixed("StatefulSet", "statefulset.apps", &[sts]),
    ]
    .join("\n\n")
}

#[test]
fn get_deploy_and_rs_match_the_reference_rendering() {
    let deploy = json!({
        "metadata": {"name": "nginx", "creationTimestamp": ago(300)},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}}},
        "status": {"readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3, "replicas": 3}
    });
    let rs = json!({
        "metadata": {"name": "nginx-7854ff8877", "creationTimestamp": ago(300)},
        "spec": {"replicas": 3},
        "status": {"replicas": 3, "readyReplicas": 3}
    });
    let out = [
        prefixed("Deployment", "deployment.apps", &[deploy]),
        prefixed("ReplicaSet", "replicaset.apps", &[rs]),
    ]
    .join("\n\n");
    assert_eq!(
        out,
        "NAME                    READY   UP-TO-DATE   AVAILABLE   AGE\n\
         deployment.apps/nginx   3/3     3            3           5m\n\
         \n\
         NAME                               DESIRED   CURRENT   READY   AGE\n\
         replicaset.apps/nginx-7854ff8877   3         3         3       5m"
    );
}

#[test]
fn get_ds_wide_matches_the_reference_rendering() {
    let ds = json!({
        "metadata": {"name": "fluentd", "creationTimestamp": ago(60)},
        "spec": {"selector": {"matchLabels": {"name": "fluentd"}},
                 "template": {"spec": {"containers": [{"name": "fluentd", "image": "fluent/fluentd:v1.16"}]}}},
        "status": {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberReady": 2,
                   "updatedNumberScheduled": 2, "numberAvailable": 2}
    });
    let opts = TableOptions {
        wide: true,
        ..TableOptions::default()
    };
    // The reference shows `1m`; HumanDuration prints 60s as `60s` (below 2 minutes).
    assert_eq!(
        render("DaemonSet", &[ds], &opts),
        "NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES                 SELECTOR\n\
         fluentd   2         2         2       2            2           <none>          60s   fluentd      fluent/fluentd:v1.16   name=fluentd"
    );
}

fn node(name: &str, labels: Value, ready: &str, unschedulable: bool) -> Value {
    json!({
        "metadata": {"name": name, "labels": labels, "creationTimestamp": "2025-10-04T09:14:13Z"},
        "spec": {"unschedulable": unschedulable},
        "status": {"conditions": [{"type": "Ready", "status": ready}],
                   "nodeInfo": {"kubeletVersion": "v1.34.1"}}
    })
}

#[test]
fn get_nodes_shows_roles_from_labels() {
    let nodes = [
        node(
            "controlplane",
            json!({"node-role.kubernetes.io/control-plane": ""}),
            "True",
            false,
        ),
        node("node01", json!({}), "True", false),
    ];
    assert_eq!(
        plain("Node", &nodes),
        "NAME           STATUS   ROLES           AGE   VERSION\n\
         controlplane   Ready    control-plane   10d   v1.34.1\n\
         node01         Ready    <none>          10d   v1.34.1"
    );
}

#[test]
fn cordoned_node_is_ready_scheduling_disabled() {
    let n = node("node01", json!({}), "True", true);
    assert_eq!(row("Node", &n, now(), false)[1], "Ready,SchedulingDisabled");
    let n = node("node02", json!({}), "False", false);
    assert_eq!(row("Node", &n, now(), false)[1], "NotReady");
}

#[test]
fn bad_image_pod_shows_err_image_pull() {
    let pod = pod_with_status(
        "Pending",
        json!({"name": "c", "ready": false, "restartCount": 0,
               "state": {"waiting": {"reason": "ErrImagePull"}}}),
    );
    assert_eq!(pod_status(&pod), "ErrImagePull");
    assert_eq!(pod_ready(&pod), (0, 1));
}

#[test]
fn crash_looping_pod_shows_restarts_with_time_since_last_exit() {
    let pod = pod_with_status(
        "Running",
        json!({"name": "c", "ready": false, "restartCount": 3,
               "state": {"waiting": {"reason": "CrashLoopBackOff"}},
               "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(45)}}}),
    );
    let cells = row("Pod", &pod, now(), false);
    assert_eq!(cells[2], "CrashLoopBackOff");
    assert_eq!(cells[3], "3 (45s ago)");
}

#[test]
fn pod_waiting_for_its_init_container_shows_init_progress() {
    let pod = json!({
        "metadata": {"name": "p"},
        "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "c"}]},
        "status": {"phase": "Pending",
            "initContainerStatuses": [{"name": "init", "state": {"running": {}}, "restartCount": 0}],
            "containerStatuses": [{"name": "c", "state": {"waiting": {"reason": "PodInitializing"}}}]}
    });
    assert_eq!(pod_status(&pod), "Init:0/1");
    let failed_init = json!({
        "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "c"}]},
        "status": {"phase": "Pending",
            "initContainerStatuses": [{"name": "init", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
    });
    assert_eq!(pod_status(&failed_init), "Init:CrashLoopBackOff");
}

#[test]
fn finished_pod_shows_completed() {
    let pod = pod_with_status(
        "Succeeded",
        json!({"name": "c", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}),
    );
    assert_eq!(pod_status(&pod), "Completed");
}

#[test]
fn completed_container_next_to_a_running_one_shows_not_ready_or_running() {
    let mut pod = json!({
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "a", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "b", "ready": true, "state": {"running": {}}}
        ]}
    });
    assert_eq!(pod_status(&pod), "NotReady");
    pod["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
    assert_eq!(pod_status(&pod), "Running");
    assert_eq!(pod_ready(&pod), (1, 2));
}

#[test]
fn deleted_pod_shows_terminating_unless_already_finished() {
    let mut pod = running_pod("web-0", 130);
    pod["metadata"]["deletionTimestamp"] = json!(ago(1));
    assert_eq!(pod_status(&pod), "Terminating");
    pod["status"]["phase"] = json!("Succeeded");
    assert_ne!(pod_status(&pod), "Terminating");
}

#[test]
fn first_container_state_wins_the_status_walk() {
    let pod = json!({
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Pending", "containerStatuses": [
            {"name": "a", "state": {"waiting": {"reason": "ImagePullBackOff"}}},
            {"name": "b", "state": {"waiting": {"reason": "ContainerCreating"}}}
        ]}
    });
    assert_eq!(pod_status(&pod), "ImagePullBackOff");
}

#[test]
fn age_boundaries_follow_human_duration() {
    let aged = |secs: i64| {
        let p = pending_pod("p", secs);
        row("Pod", &p, now(), false)[4].clone()
    };
    assert_eq!(aged(0), "0s");
    assert_eq!(aged(119), "119s");
    assert_eq!(aged(120), "2m");
    assert_eq!(aged(599), "9m59s");
    assert_eq!(aged(600), "10m");
    assert_eq!(aged(3 * 3600), "3h");
    assert_eq!(aged(3 * 3600 + 300), "3h5m");
    let no_timestamp = json!({"metadata": {"name": "x"}});
    assert_eq!(
        row("ConfigMap", &no_timestamp, now(), false)[2],
        "<unknown>"
    );
}

#[test]
fn object_without_status_prints_defaults_instead_of_failing() {
    let empty = json!({});
    for kind in [
        "Pod",
        "StatefulSet",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "Node",
        "Service",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "ControllerRevision",
        "Event",
        "Namespace",
        "ConfigMap",
        "Secret",
        "Endpoints",
        "ResourceQuota",
        "ServiceAccount",
        "StorageClass",
        "Job",
        "Widget",
    ] {
        assert_eq!(
            row(kind, &empty, now(), true).len(),
            header(kind, true).len(),
            "{kind}"
        );
        assert_eq!(
            row(kind, &empty, now(), false).len(),
            header(kind, false).len(),
            "{kind}"
        );
    }
}

#[test]
fn labels_namespace_and_label_columns_decorate_the_table() {
    let mut pod = running_pod("web-0", 130);
    pod["metadata"]["labels"] = json!({"app": "nginx", "tier": "web"});
    let opts = TableOptions {
        show_labels: true,
        label_columns: vec!["app".into(), "example.com/zone".into()],
        all_namespaces: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render("Pod", &[pod], &opts),
        "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE     APP     ZONE   LABELS\n\
         default     web-0   1/1     Running   0          2m10s   nginx          app=nginx,tier=web"
    );
}

#[test]
fn table_without_objects_has_no_header() {
    assert!(table("Pod", &[], now(), &TableOptions::default()).is_empty());
}

#[test]
fn event_row_shows_last_seen_and_lowercase_object() {
    let ev = json!({
        "metadata": {"name": "web-0.1"},
        "involvedObject": {"kind": "Pod", "name": "web-0", "fieldPath": "spec.containers{nginx}"},
        "type": "Normal", "reason": "Pulled", "message": " Container image present ",
        "firstTimestamp": ago(250), "lastTimestamp": ago(120), "count": 5,
        "source": {"component": "kubelet", "host": "node01"}
    });
    assert_eq!(
        row("Event", &ev, now(), false),
        [
            "2m",
            "Normal",
            "Pulled",
            "pod/web-0",
            "Container image present"
        ]
    );
    assert_eq!(
        row("Event", &ev, now(), true),
        [
            "2m",
            "Normal",
            "Pulled",
            "pod/web-0",
            "spec.containers{nginx}",
            "kubelet, node01",
            "Container image present",
            "4m10s",
            "5",
            "web-0.1"
        ]
    );
}

#[test]
fn service_ports_show_node_ports_and_load_balancer_pending() {
    let svc = json!({
        "metadata": {"name": "lb"},
        "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.3.4"],
                 "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}
    });
    let cells = row("Service", &svc, now(), false);
    assert_eq!(cells[3], "<pending>");
    assert_eq!(cells[4], "80:30080/TCP,53/UDP");
}
