//! Golden tests for `kubectl describe` (reference §5.2–§5.4).

use super::generic::smart_label;
use super::*;
use crate::engine::time::parse_rfc3339;
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

fn event(reason: &str, from: &str, message: &str, secs_ago: i64) -> Value {
    json!({
        "kind": "Event", "type": "Normal", "reason": reason, "message": message,
        "source": {"component": from},
        "firstTimestamp": ago(secs_ago), "lastTimestamp": ago(secs_ago), "count": 1
    })
}

fn web0_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": "web-0", "namespace": "default", "uid": "pod-uid",
            "creationTimestamp": "2025-10-14T09:12:03Z",
            "labels": {
                "app": "nginx",
                "apps.kubernetes.io/pod-index": "0",
                "controller-revision-hash": "web-7b7d8c4f5c",
                "statefulset.kubernetes.io/pod-name": "web-0"
            },
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                 "uid": "sts-uid", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
            "priority": 0,
            "serviceAccountName": "default",
            "nodeName": "node01",
            "containers": [{
                "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                "volumeMounts": [
                    {"name": "kube-api-access-x7h2k", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true},
                    {"name": "www", "mountPath": "/usr/share/nginx/html"}
                ]
            }],
            "volumes": [
                {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}},
                {"name": "kube-api-access-x7h2k", "projected": {"sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                ]}}
            ],
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            ]
        },
        "status": {
            "phase": "Running",
            "hostIP": "172.18.0.3",
            "podIP": "10.244.1.5",
            "podIPs": [{"ip": "10.244.1.5"}],
            "startTime": "2025-10-14T09:12:03Z",
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True"},
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"},
                {"type": "PodScheduled", "status": "True"}
            ],
            "containerStatuses": [{
                "name": "nginx", "ready": true, "restartCount": 0, "started": true,
                "containerID": "containerd://3f1e…",
                "image": "registry.k8s.io/nginx-slim:0.24",
                "imageID": "registry.k8s.io/nginx-slim@sha256:…",
                "state": {"running": {"startedAt": "2025-10-14T09:12:05Z"}}
            }]
        }
    })
}

const WEB0_DESCRIBED: &str = "\
Name:             web-0
Namespace:        default
Priority:         0
Service Account:  default
Node:             node01/172.18.0.3
Start Time:       Tue, 14 Oct 2025 09:12:03 +0000
Labels:           app=nginx
                  apps.kubernetes.io/pod-index=0
                  controller-revision-hash=web-7b7d8c4f5c
                  statefulset.kubernetes.io/pod-name=web-0
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  StatefulSet/web
Containers:
  nginx:
    Container ID:   containerd://3f1e…
    Image:          registry.k8s.io/nginx-slim:0.24
    Image ID:       registry.k8s.io/nginx-slim@sha256:…
    Port:           80/TCP (web)
    Host Port:      0/TCP (web)
    State:          Running
      Started:      Tue, 14 Oct 2025 09:12:05 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7h2k (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  www:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  www-web-0
    ReadOnly:   false
  kube-api-access-x7h2k:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  2m    default-scheduler  Successfully assigned default/web-0 to node01
  Normal  Pulled     2m    kubelet            Container image \"registry.k8s.io/nginx-slim:0.24\" already present on machine
  Normal  Created    2m    kubelet            Created container: nginx
  Normal  Started    2m    kubelet            Started container nginx
";

fn web0_events() -> Vec<Value> {
    vec![
        event(
            "Scheduled",
            "default-scheduler",
            "Successfully assigned default/web-0 to node01",
            120,
        ),
        event(
            "Pulled",
            "kubelet",
            "Container image \"registry.k8s.io/nginx-slim:0.24\" already present on machine",
            120,
        ),
        event("Created", "kubelet", "Created container: nginx", 120),
        event("Started", "kubelet", "Started container nginx", 120),
    ]
}

#[test]
fn describe_pod_matches_the_reference_rendering() {
    let pod = web0_pod();
    let events = web0_events();
    let related = Related {
        events: events.iter().collect(),
        ..Related::default()
    };
    assert_eq!(describe(&pod, &related, now()), WEB0_DESCRIBED);
}

#[test]
fn pod_without_events_joins_events_none_to_the_tolerations_block() {
    let out = describe(&web0_pod(), &Related::default(), now());
    assert!(out.ends_with(
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n\
         \x20                            node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n\
         Events:                      <none>\n"
    ));
}

#[test]
fn pending_pod_shows_node_none_empty_ip_and_ips_none() {
    let pod = json!({
        "kind": "Pod",
        "metadata": {"name": "web-2", "namespace": "default"},
        "spec": {"priority": 0, "serviceAccountName": "default",
                 "containers": [{"name": "nginx", "image": "nginx"}]},
        "status": {"phase": "Pending"}
    });
    let out = describe(&pod, &Related::default(), now());
    assert!(out.starts_with(
        "Name:             web-2\n\
         Namespace:        default\n\
         Priority:         0\n\
         Service Account:  default\n\
         Node:             <none>\n\
         Labels:           <none>\n\
         Annotations:      <none>\n\
         Status:           Pending\n\
         IP:               \n\
         IPs:              <none>\n\
         Containers:\n"
    ));
    assert!(out.contains("Volumes:                     <none>\n") || out.contains("Volumes:"));
}

#[test]
fn crash_looping_container_shows_waiting_state_and_last_termination() {
    let mut pod = web0_pod();
    pod["status"]["containerStatuses"][0] = json!({
        "name": "nginx", "ready": false, "restartCount": 4,
        "containerID": "containerd://abc", "imageID": "img",
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
            "startedAt": "2025-10-14T09:13:00Z", "finishedAt": "2025-10-14T09:13:01Z"}}
    });
    let out = describe(&pod, &Related::default(), now());
    assert!(out.contains(
        "    State:          Waiting\n\
         \x20     Reason:       CrashLoopBackOff\n\
         \x20   Last State:     Terminated\n\
         \x20     Reason:       Error\n\
         \x20     Exit Code:    1\n\
         \x20     Started:      Tue, 14 Oct 2025 09:13:00 +0000\n\
         \x20     Finished:     Tue, 14 Oct 2025 09:13:01 +0000\n\
         \x20   Ready:          False\n\
         \x20   Restart Count:  4\n"
    ));
}

#[test]
fn repeated_event_age_shows_count_and_span() {
    let mut ev = event(
        "BackOff",
        "kubelet",
        "Back-off pulling image \"nginx:bad\"",
        250,
    );
    ev["lastTimestamp"] = json!(ago(120));
    ev["count"] = json!(5);
    let pod = web0_pod();
    let related = Related {
        events: vec![&ev],
        ..Related::default()
    };
    let out = describe(&pod, &related, now());
    assert!(out.ends_with(
        "Events:\n\
         \x20 Type    Reason   Age                 From     Message\n\
         \x20 ----    ------   ----                ----     -------\n\
         \x20 Normal  BackOff  2m (x5 over 4m10s)  kubelet  Back-off pulling image \"nginx:bad\"\n"
    ));
}

#[test]
fn deleting_pod_shows_terminating_with_grace_period() {
    let mut pod = web0_pod();
    pod["metadata"]["deletionTimestamp"] = json!(ago(5));
    pod["metadata"]["deletionGracePeriodSeconds"] = json!(30);
    let out = describe(&pod, &Related::default(), now());
    assert!(out.contains(
        "Status:                    Terminating (lasts 5s)\nTermination Grace Period:  30s\n"
    ));
}

fn web_sts() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "sts-uid",
                     "creationTimestamp": "2025-10-14T09:12:00Z"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "serviceName": "nginx",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{
                    "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                    "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
                }]}
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        },
        "status": {"replicas": 3, "readyReplicas": 3}
    })
}

fn owned_pod(name: &str, phase: &str) -> Value {
    json!({
        "kind": "Pod",
        "metadata": {"name": name, "ownerReferences": [{"kind": "StatefulSet", "name": "web", "uid": "sts-uid", "controller": true}]},
        "status": {"phase": phase}
    })
}

const WEB_STS_DESCRIBED: &str = "\
Name:               web
Namespace:          default
CreationTimestamp:  Tue, 14 Oct 2025 09:12:00 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 3 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.24
    Port:         80/TCP (web)
    Host Port:    0/TCP (web)
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            Age   From                    Message
  ----    ------            ----  ----                    -------
  Normal  SuccessfulCreate  2m    statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
  Normal  SuccessfulCreate  2m    statefulset-controller  create Pod web-0 in StatefulSet web successful
  Normal  SuccessfulCreate  118s  statefulset-controller  create Claim www-web-1 Pod web-1 in StatefulSet web success
  Normal  SuccessfulCreate  118s  statefulset-controller  create Pod web-1 in StatefulSet web successful
";

#[test]
fn describe_statefulset_matches_the_reference_rendering() {
    let sts = web_sts();
    let pods = [
        owned_pod("web-0", "Running"),
        owned_pod("web-1", "Running"),
        owned_pod("web-2", "Running"),
        json!({"kind": "Pod", "metadata": {"name": "stray"}, "status": {"phase": "Pending"}}),
    ];
    let c = "statefulset-controller";
    let events = [
        event(
            "SuccessfulCreate",
            c,
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
            120,
        ),
        event(
            "SuccessfulCreate",
            c,
            "create Pod web-0 in StatefulSet web successful",
            120,
        ),
        event(
            "SuccessfulCreate",
            c,
            "create Claim www-web-1 Pod web-1 in StatefulSet web success",
            118,
        ),
        event(
            "SuccessfulCreate",
            c,
            "create Pod web-1 in StatefulSet web successful",
            118,
        ),
    ];
    let related = Related {
        events: events.iter().collect(),
        pods: pods.iter().collect(),
        ..Related::default()
    };
    assert_eq!(describe(&sts, &related, now()), WEB_STS_DESCRIBED);
}

#[test]
fn statefulset_without_events_joins_events_none_to_the_volume_claims_block() {
    let out = describe(&web_sts(), &Related::default(), now());
    assert!(out.ends_with("  Access Modes:  [ReadWriteOnce]\nEvents:          <none>\n"));
}

#[test]
fn describe_deployment_lists_strategy_conditions_and_replica_sets() {
    let template = json!({"metadata": {"labels": {"app": "nginx"}},
                          "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}});
    let mut old_template = template.clone();
    old_template["spec"]["containers"][0]["image"] = json!("nginx:1.26");
    let d = json!({
        "kind": "Deployment",
        "metadata": {"name": "nginx", "namespace": "default", "uid": "d-uid",
                     "creationTimestamp": "2025-10-14T09:09:13Z",
                     "labels": {"app": "nginx"},
                     "annotations": {"deployment.kubernetes.io/revision": "2",
                                     "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                 "template": template},
        "status": {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3,
                   "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
    });
    let owner =
        json!([{"kind": "Deployment", "name": "nginx", "uid": "d-uid", "controller": true}]);
    let mut new_template = d["spec"]["template"].clone();
    new_template["metadata"]["labels"]["pod-template-hash"] = json!("5d9c8f7b6");
    let new_rs = json!({"metadata": {"name": "nginx-5d9c8f7b6", "uid": "n", "ownerReferences": owner,
                                     "creationTimestamp": "2025-10-14T09:12:00Z"},
                        "spec": {"replicas": 3, "template": new_template}, "status": {"replicas": 3}});
    let old_rs = json!({"metadata": {"name": "nginx-7854ff8877", "uid": "o", "ownerReferences": owner,
                                     "creationTimestamp": "2025-10-14T09:09:13Z"},
                        "spec": {"replicas": 0, "template": old_template}, "status": {"replicas": 0}});
    let related = Related {
        replica_sets: vec![&new_rs, &old_rs],
        ..Related::default()
    };
    let out = describe(&d, &related, now());
    assert_eq!(
        out,
        "Name:                   nginx\n\
         Namespace:              default\n\
         CreationTimestamp:      Tue, 14 Oct 2025 09:09:13 +0000\n\
         Labels:                 app=nginx\n\
         Annotations:            deployment.kubernetes.io/revision: 2\n\
         Selector:               app=nginx\n\
         Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n\
         StrategyType:           RollingUpdate\n\
         MinReadySeconds:        0\n\
         RollingUpdateStrategy:  25% max unavailable, 25% max surge\n\
         Pod Template:\n\
         \x20 Labels:  app=nginx\n\
         \x20 Containers:\n\
         \x20  nginx:\n\
         \x20   Image:         nginx:1.27\n\
         \x20   Port:          <none>\n\
         \x20   Host Port:     <none>\n\
         \x20   Environment:   <none>\n\
         \x20   Mounts:        <none>\n\
         \x20 Volumes:         <none>\n\
         \x20 Node-Selectors:  <none>\n\
         \x20 Tolerations:     <none>\n\
         Conditions:\n\
         \x20 Type           Status  Reason\n\
         \x20 ----           ------  ------\n\
         \x20 Available      True    MinimumReplicasAvailable\n\
         \x20 Progressing    True    NewReplicaSetAvailable\n\
         OldReplicaSets:  nginx-7854ff8877 (0/0 replicas created)\n\
         NewReplicaSet:   nginx-5d9c8f7b6 (3/3 replicas created)\n\
         Events:          <none>\n"
    );
}

#[test]
fn describe_daemonset_writes_scheduling_counts_without_alignment() {
    let ds = json!({
        "kind": "DaemonSet",
        "metadata": {"name": "fluentd", "namespace": "kube-system", "uid": "ds"},
        "spec": {"selector": {"matchLabels": {"name": "fluentd"}},
                 "template": {"metadata": {"labels": {"name": "fluentd"}},
                              "spec": {"containers": [{"name": "fluentd", "image": "fluent/fluentd:v1.16"}]}}},
        "status": {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberReady": 2,
                   "updatedNumberScheduled": 2, "numberAvailable": 2, "numberMisscheduled": 0}
    });
    let out = describe(&ds, &Related::default(), now());
    assert!(out.starts_with(
        "Name:           fluentd\n\
         Namespace:      kube-system\n\
         Selector:       name=fluentd\n\
         Node-Selector:  <none>\n\
         Labels:         <none>\n\
         Annotations:    <none>\n\
         Desired Number of Nodes Scheduled: 2\n\
         Current Number of Nodes Scheduled: 2\n\
         Number of Nodes Scheduled with Up-to-date Pods: 2\n\
         Number of Nodes Scheduled with Available Pods: 2\n\
         Number of Nodes Misscheduled: 0\n\
         Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n\
         Pod Template:\n"
    ));
}

#[test]
fn describe_headless_service_shows_none_ip_and_ready_endpoints() {
    let svc = json!({
        "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"selector": {"app": "nginx"}, "type": "ClusterIP", "clusterIP": "None",
                 "clusterIPs": ["None"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "web", "port": 80, "protocol": "TCP", "targetPort": 80}],
                 "sessionAffinity": "None", "internalTrafficPolicy": "Cluster"}
    });
    let slice = json!({
        "kind": "EndpointSlice",
        "ports": [{"name": "web", "port": 80, "protocol": "TCP"}],
        "endpoints": [
            {"addresses": ["10.244.1.5"], "conditions": {"ready": true}},
            {"addresses": ["10.244.2.7"], "conditions": {"ready": false}},
            {"addresses": ["10.244.1.6"]}
        ]
    });
    let related = Related {
        endpoints: vec![&slice],
        ..Related::default()
    };
    assert_eq!(
        describe(&svc, &related, now()),
        "Name:                     nginx\n\
         Namespace:                default\n\
         Labels:                   app=nginx\n\
         Annotations:              <none>\n\
         Selector:                 app=nginx\n\
         Type:                     ClusterIP\n\
         IP Family Policy:         SingleStack\n\
         IP Families:              IPv4\n\
         IP:                       None\n\
         IPs:                      None\n\
         Port:                     web  80/TCP\n\
         TargetPort:               80/TCP\n\
         Endpoints:                10.244.1.5:80,10.244.1.6:80\n\
         Session Affinity:         None\n\
         Internal Traffic Policy:  Cluster\n\
         Events:                   <none>\n"
    );
}

#[test]
fn controller_revision_uses_the_generic_describer() {
    let cr = json!({
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": "web-7b7d8c4f5c", "namespace": "default", "uid": "u1",
                     "creationTimestamp": "2025-10-14T09:12:00Z", "resourceVersion": "42",
                     "labels": {"app": "nginx"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                          "uid": "sts-uid", "controller": true, "blockOwnerDeletion": true}]},
        "data": {"spec": {"template": {"$patch": "replace"}}},
        "revision": 1
    });
    assert_eq!(
        describe(&cr, &Related::default(), now()),
        "Name:         web-7b7d8c4f5c\n\
         Namespace:    default\n\
         Labels:       app=nginx\n\
         Annotations:  <none>\n\
         API Version:  apps/v1\n\
         Data:\n\
         \x20 Spec:\n\
         \x20   Template:\n\
         \x20     $patch:  replace\n\
         Kind:          ControllerRevision\n\
         Metadata:\n\
         \x20 Creation Timestamp:  2025-10-14T09:12:00Z\n\
         \x20 Owner References:\n\
         \x20   API Version:           apps/v1\n\
         \x20   Block Owner Deletion:  true\n\
         \x20   Controller:            true\n\
         \x20   Kind:                  StatefulSet\n\
         \x20   Name:                  web\n\
         \x20   UID:                   sts-uid\n\
         \x20 Resource Version:        42\n\
         \x20 UID:                     u1\n\
         Revision:                  1\n\
         Events:                    <none>\n"
    );
}

#[test]
fn unbound_pvc_describe_leaves_capacity_and_access_modes_empty() {
    let pvc = json!({
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "www-web-2", "namespace": "default", "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard", "volumeMode": "Filesystem",
                 "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Pending"}
    });
    assert_eq!(
        describe(&pvc, &Related::default(), now()),
        "Name:          www-web-2\n\
         Namespace:     default\n\
         StorageClass:  standard\n\
         Status:        Pending\n\
         Volume:        \n\
         Labels:        <none>\n\
         Annotations:   <none>\n\
         Finalizers:    [kubernetes.io/pvc-protection]\n\
         Capacity:      \n\
         Access Modes:  \n\
         VolumeMode:    Filesystem\n\
         Used By:       <none>\n\
         Events:        <none>\n"
    );
}

#[test]
fn long_annotations_are_wrapped_and_last_applied_is_hidden() {
    let long = "x".repeat(150);
    let cm = json!({
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default",
                     "annotations": {"a": "short", "b": long,
                                     "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "data": {"k": "v"}
    });
    let out = describe(&cm, &Related::default(), now());
    let cut = "x".repeat(138);
    assert_eq!(
        out,
        format!(
            "Name:         cfg\n\
             Namespace:    default\n\
             Labels:       <none>\n\
             Annotations:  a: short\n\
             \x20             b:\n\
             \x20               {cut}...\n\
             \n\
             Data\n\
             ====\n\
             k:\n\
             ----\n\
             v\n\
             \n\
             \n\
             BinaryData\n\
             ====\n\
             \n\
             Events:  <none>\n"
        )
    );
}

#[test]
fn describe_never_panics_on_objects_missing_fields() {
    for kind in [
        "Pod",
        "StatefulSet",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "Service",
        "Node",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "Namespace",
        "ConfigMap",
        "ControllerRevision",
        "Widget",
    ] {
        let o = json!({"kind": kind});
        let out = describe(&o, &Related::default(), now());
        assert!(out.starts_with("Name:"), "{kind}: {out}");
    }
}

#[test]
fn smart_labels_split_camel_case_and_keep_acronyms() {
    assert_eq!(smart_label("apiVersion"), "API Version");
    assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
    assert_eq!(smart_label("uid"), "UID");
    assert_eq!(smart_label("$patch"), "$patch");
}

#[test]
fn describe_node_shows_roles_taints_and_allocated_resources() {
    let node = json!({
        "kind": "Node",
        "metadata": {"name": "controlplane", "creationTimestamp": "2025-10-04T09:14:13Z",
                     "labels": {"node-role.kubernetes.io/control-plane": ""}},
        "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
        "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                   "nodeInfo": {"kubeletVersion": "v1.34.1"}}
    });
    let pod = json!({
        "kind": "Pod",
        "metadata": {"name": "etcd", "namespace": "kube-system", "creationTimestamp": "2025-10-04T09:14:13Z"},
        "spec": {"containers": [{"name": "etcd", "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}}}]}
    });
    let related = Related {
        pods: vec![&pod],
        ..Related::default()
    };
    let out = describe(&node, &related, now());
    assert!(
        out.starts_with("Name:               controlplane\nRoles:              control-plane\n")
    );
    assert!(out.contains("Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n"));
    assert!(
        out.contains("  cpu                100m (5%)   0 (0%)\n"),
        "{out}"
    );
    assert!(
        out.contains("Non-terminated Pods:          (1 in total)\n"),
        "{out}"
    );
}

#[test]
fn describe_quota_lists_scopes_with_their_meaning_and_each_resource_used_of_hard() {
    // `kubectl describe quota` on a 1.34 cluster, for a quota made with
    // `kubectl create quota q --hard=pods=2,count/configmaps=3 --scopes=NotBestEffort` (the
    // help line ends the tabwriter's block: Name/Namespace/Scopes align apart).
    let q = json!({"kind": "ResourceQuota",
        "metadata": {"name": "q", "namespace": "kube-public"},
        "spec": {"hard": {"pods": "2", "count/configmaps": "3"}, "scopes": ["NotBestEffort"]},
        "status": {"hard": {"pods": "2", "count/configmaps": "3"}, "used": {"count/configmaps": "1"}}});
    assert_eq!(
        describe(&q, &Related::default(), now()),
        "Name:       q\n\
         Namespace:  kube-public\n\
         Scopes:     NotBestEffort\n \
         * Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.\n\
         Resource          Used  Hard\n\
         --------          ----  ----\n\
         count/configmaps  1     3\n\
         pods              0     2\n"
    );
}

#[test]
fn describe_limitrange_prints_one_row_per_item_and_resource_with_dashes_for_unset_values() {
    // `kubectl describe limits bounds` on a 1.34 cluster (the Container item's default and
    // default request were filled from its max by the server).
    let lr = json!({"kind": "LimitRange",
    "metadata": {"name": "bounds", "namespace": "lr"},
    "spec": {"limits": [
        {"type": "Container", "max": {"cpu": "800m"}, "min": {"cpu": "200m"},
         "default": {"cpu": "800m"}, "defaultRequest": {"cpu": "800m"},
         "maxLimitRequestRatio": {"cpu": "2"}},
        {"type": "Pod", "max": {"cpu": "1"}},
        {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}}
    ]}});
    assert_eq!(
        describe(&lr, &Related::default(), now()),
        "Name:                  bounds\n\
         Namespace:             lr\n\
         Type                   Resource  Min   Max   Default Request  Default Limit  Max Limit/Request Ratio\n\
         ----                   --------  ---   ---   ---------------  -------------  -----------------------\n\
         Container              cpu       200m  800m  800m             800m           2\n\
         Pod                    cpu       -     1     -                -              -\n\
         PersistentVolumeClaim  storage   1Gi   2Gi   -                -              -\n"
    );
}

#[test]
fn describe_namespace_lists_its_limit_ranges_under_resource_limits() {
    let ns =
        json!({"kind": "Namespace", "metadata": {"name": "lr"}, "status": {"phase": "Active"}});
    let lr = json!({"kind": "LimitRange", "metadata": {"name": "mem", "namespace": "lr"},
        "spec": {"limits": [{"type": "Container", "default": {"memory": "1Gi"}, "defaultRequest": {"memory": "512Mi"}}]}});
    let related = Related {
        limit_ranges: vec![&lr],
        ..Related::default()
    };
    assert!(describe(&ns, &related, now()).ends_with(
        "No resource quota.\n\n\
         Resource Limits\n \
         Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n \
         ----       --------  ---  ---  ---------------  -------------  -----------------------\n \
         Container  memory    -    -    512Mi            1Gi            -\n"
    ));
}
