//! The canonical timelines A–G of the reference (§12, derived from §6): each is driven
//! through the terminal as a learner would type it, and the order of what follows —
//! events, pod transitions, READY counts, kubectl's lines — is read back from the watch
//! journal and checked against the timeline.

mod common;

use common::*;
use kubeplay::engine::store::EventType;
use kubeplay::engine::Cluster;
use kubeplay::kubectl::bundled;
use kubeplay::kubectl::printers::columns::pods::pod_status;
use kubeplay::kubectl::Session;
use serde_json::Value;
use std::collections::BTreeMap;

/// A kind cluster of a control plane and two workers.
fn kind() -> Session {
    Session::new(3, 5)
}

/// Timeline A's start: the tutorial's `web.yaml` (headless Service `nginx`, StatefulSet
/// `web` with volumeClaimTemplate `www` on the default StorageClass) at 3 replicas,
/// applied; returns what `kubectl apply` printed.
fn apply_web(s: &mut Session) -> String {
    let web = bundled::manifest("application/web/web.yaml")
        .unwrap_or_default()
        .replace("  replicas: 2\n", "  replicas: 3\n");
    assert!(web.contains("replicas: 3"), "{web}");
    s.write_file("web.yaml", &web)
        .unwrap_or_else(|e| panic!("{e}"));
    run(s, "kubectl apply -f web.yaml")
}

/// Web from timeline A, created and left to settle.
fn web_running() -> Session {
    let mut s = kind();
    apply_web(&mut s);
    run(&mut s, "kubectl rollout status sts/web");
    s
}

/// The claims are the same objects as `before` and all still Bound.
fn assert_claims_kept(c: &Cluster, before: &[(String, String, String)]) {
    assert_eq!(claims(c), before);
    assert!(claims(c).iter().all(|(_, phase, _)| phase == "Bound"));
}

/// The journal's resourceVersion now: what happens next is read from here on.
fn mark(c: &Cluster) -> u64 {
    c.store
        .events_since(0)
        .and_then(|j| j.last())
        .map_or(0, |e| e.resource_version)
}

/// Event occurrences since `since`, oldest first, as `Reason message` (a repeated event
/// counts again when its count goes up).
fn events(c: &Cluster, since: u64, involved_kind: &str) -> Vec<String> {
    c.store
        .events_since(since)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.kind == "Event" && e.event_type != EventType::Deleted)
        .filter(|e| e.object["involvedObject"]["kind"] == involved_kind)
        .map(|e| {
            format!(
                "{} {}",
                e.object["reason"].as_str().unwrap_or(""),
                e.object["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// The pods' visible milestones since `since`, in order: `web-2 created`,
/// `web-2 Ready`, `web-2 Terminating`, `web-2 gone`.
fn milestones(c: &Cluster, since: u64) -> Vec<String> {
    let mut out = Vec::new();
    // (ready, terminating) per pod, replayed from the start so `since` has a baseline.
    let mut was: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for e in c.store.events_since(0).unwrap_or_default() {
        // The learner's pods: kube-system's add-ons came up an hour earlier.
        if e.kind != "Pod" || e.namespace != "default" {
            continue;
        }
        let name = e.name.clone();
        let now = (
            ready(&e.object),
            e.object.pointer("/metadata/deletionTimestamp").is_some(),
        );
        let before = was.get(&name).copied();
        let visible = e.resource_version > since;
        match e.event_type {
            EventType::Added => {
                if visible {
                    out.push(format!("{name} created"));
                }
                was.insert(name, now);
            }
            EventType::Modified => {
                if visible && now.0 && !before.is_some_and(|b| b.0) {
                    out.push(format!("{name} Ready"));
                }
                if visible && now.1 && !before.is_some_and(|b| b.1) {
                    out.push(format!("{name} Terminating"));
                }
                was.insert(name, now);
            }
            EventType::Deleted => {
                if visible {
                    out.push(format!("{name} gone"));
                }
                was.remove(&name);
            }
        }
    }
    out
}

/// The STATUS column of `pod` as `kubectl get pods -w` would print it since `since`,
/// one entry per change (`gone` when deleted).
fn statuses(c: &Cluster, since: u64, pod: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in c.store.events_since(since).unwrap_or_default() {
        if e.kind != "Pod" || e.name != pod {
            continue;
        }
        let s = match e.event_type {
            EventType::Deleted => "gone".to_string(),
            _ => pod_status(&e.object),
        };
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    out
}

/// READY of `kubectl get sts NAME` (`readyReplicas/spec.replicas`) each time it changed.
fn sts_ready(c: &Cluster, since: u64, name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in c.store.events_since(since).unwrap_or_default() {
        if e.kind != "StatefulSet" || e.name != name || e.event_type == EventType::Deleted {
            continue;
        }
        let o = &e.object;
        let r = format!(
            "{}/{}",
            o["status"]["readyReplicas"].as_i64().unwrap_or(0),
            o["spec"]["replicas"].as_i64().unwrap_or(1)
        );
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    out
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// `lines` without immediate repeats: `rollout status` prints its line again on every
/// watch event, and how many events a step takes is not part of the timeline.
fn distinct_lines(text: &str) -> Vec<&str> {
    let mut out = lines(text);
    out.dedup();
    out
}

/// Each PVC's phase and uid.
fn claims(c: &Cluster) -> Vec<(String, String, String)> {
    c.store
        .list("PersistentVolumeClaim", Some("default"))
        .map(|p| {
            (
                name_of(p),
                p["status"]["phase"].as_str().unwrap_or("").to_string(),
                p["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// ControllerRevisions of `owner` as (name, revision), by revision.
fn revisions(c: &Cluster, owner: &str) -> Vec<(String, i64)> {
    let mut r: Vec<(String, i64)> = c
        .store
        .list("ControllerRevision", Some("default"))
        .filter(|r| name_of(r).starts_with(&format!("{owner}-")))
        .map(|r| (name_of(r), r["revision"].as_i64().unwrap_or(0)))
        .collect();
    r.sort_by_key(|x| x.1);
    r
}

#[test]
fn timeline_a_apply_creates_each_claim_and_pod_only_after_the_previous_pod_is_ready() {
    let mut s = kind();
    assert_eq!(
        apply_web(&mut s),
        "service/nginx created\nstatefulset.apps/web created\n"
    );
    let status = run(&mut s, "kubectl rollout status sts/web");
    let c = s.cluster();
    assert_eq!(revisions(c, "web").len(), 1);
    assert_eq!(revisions(c, "web")[0].1, 1);
    assert_eq!(
        events(c, 0, "StatefulSet"),
        [
            "SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful",
            "SuccessfulCreate create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "SuccessfulCreate create Pod web-1 in StatefulSet web successful",
            "SuccessfulCreate create Claim www-web-2 Pod web-2 in StatefulSet web success",
            "SuccessfulCreate create Pod web-2 in StatefulSet web successful",
        ]
    );
    assert_eq!(
        milestones(c, 0),
        [
            "web-0 created",
            "web-0 Ready",
            "web-1 created",
            "web-1 Ready",
            "web-2 created",
            "web-2 Ready"
        ]
    );
    assert_eq!(
        statuses(c, 0, "web-0"),
        ["Pending", "ContainerCreating", "Running"]
    );
    assert_eq!(
        lines(&status),
        [
            "Waiting for 3 pods to be ready...",
            "Waiting for 2 pods to be ready...",
            "Waiting for 1 pods to be ready...",
            "partitioned roll out complete: 3 new pods have been updated...",
        ]
    );
    assert_eq!(sts_ready(c, 0, "web"), ["0/3", "1/3", "2/3", "3/3"]);
    assert!(claims(c).iter().all(|(_, phase, _)| phase == "Bound"));
}

#[test]
fn timeline_b_set_image_replaces_pods_from_highest_ordinal_down() {
    let mut s = web_running();
    let since = mark(s.cluster());
    let before = claims(s.cluster());
    let created_before = get(s.cluster(), "Pod", "web-2")["metadata"]["creationTimestamp"].clone();
    assert_eq!(
        run(&mut s, "kubectl set image sts/web nginx=nginx:1.27"),
        "statefulset.apps/web image updated\n"
    );
    let status = run(&mut s, "kubectl rollout status sts/web");
    let c = s.cluster();
    let revs = revisions(c, "web");
    assert_eq!(revs.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(
        events(c, since, "StatefulSet"),
        [
            "SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete delete Pod web-1 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-1 in StatefulSet web successful",
            "SuccessfulDelete delete Pod web-0 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful",
        ]
    );
    let mut want = Vec::new();
    for p in ["web-2", "web-1", "web-0"] {
        for m in ["Terminating", "gone", "created", "Ready"] {
            want.push(format!("{p} {m}"));
        }
    }
    assert_eq!(milestones(c, since), want);
    // Same names, same claims (never re-created), AGE reset, the new image.
    assert_claims_kept(c, &before);
    let web2 = get(c, "Pod", "web-2");
    assert_ne!(web2["metadata"]["creationTimestamp"], created_before);
    assert_eq!(web2["spec"]["containers"][0]["image"], "nginx:1.27");
    assert!(web2["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|v| v["persistentVolumeClaim"]["claimName"] == "www-web-2"));
    assert_eq!(
        lines(&status),
        [
            "Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated...",
            "Waiting for 1 pods to be ready...",
            "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
            "Waiting for 1 pods to be ready...",
            "Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...",
            "Waiting for 1 pods to be ready...",
            "partitioned roll out complete: 3 new pods have been updated...",
        ]
    );
    assert_eq!(
        run(&mut s, "kubectl rollout history sts/web"),
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
}

#[test]
fn timeline_c_a_broken_image_stalls_at_the_highest_ordinal_and_undo_renumbers_revision_one_to_three(
) {
    let mut s = web_running();
    let since = mark(s.cluster());
    let (first, _) = revisions(s.cluster(), "web")[0].clone();
    run(&mut s, "kubectl set image sts/web nginx=nginx:doesnotexist");
    let status = run(&mut s, "timeout 120 kubectl rollout status sts/web");
    let c = s.cluster();
    let web2 = statuses(c, since, "web-2");
    assert_eq!(
        web2[..5],
        [
            "Terminating",
            "Completed",
            "gone",
            "Pending",
            "ContainerCreating"
        ],
        "{web2:?}"
    );
    let pulls = &web2[5..];
    assert!(pulls.len() >= 4, "{web2:?}");
    for pair in pulls.chunks(2) {
        assert_eq!(pair[0], "ErrImagePull", "{web2:?}");
        if pair.len() == 2 {
            assert_eq!(pair[1], "ImagePullBackOff", "{web2:?}");
        }
    }
    assert!(statuses(c, since, "web-1").is_empty());
    assert!(statuses(c, since, "web-0").is_empty());
    let status = lines(&status);
    assert_eq!(
        status.last(),
        Some(&"Waiting for 1 pods to be ready..."),
        "{status:?}"
    );
    assert!(
        status.iter().all(|l| l.starts_with("Waiting for")),
        "{status:?}"
    );
    assert_eq!(s.last_status(), 124);

    assert_eq!(
        run(&mut s, "kubectl rollout undo sts/web"),
        "statefulset.apps/web rolled back\n"
    );
    let revs = revisions(s.cluster(), "web");
    assert_eq!(revs.len(), 2, "{revs:?}");
    assert_eq!(
        revs[1],
        (first.clone(), 3),
        "revision 1 is renumbered: {revs:?}"
    );
    assert_eq!(revs[0].1, 2);
    // OrderedReady waits for the broken web-2 before it would replace it.
    run(&mut s, "sleep 300");
    let web2 = get(s.cluster(), "Pod", "web-2");
    assert_eq!(web2["spec"]["containers"][0]["image"], "nginx:doesnotexist");
    assert!(
        pod_status(&web2).contains("ImagePull"),
        "{}",
        pod_status(&web2)
    );
    // Deleting it by hand lets the controller recreate it at revision 3.
    run(&mut s, "kubectl delete pod web-2");
    let done = run(&mut s, "kubectl rollout status sts/web");
    assert!(
        done.ends_with("partitioned roll out complete: 3 new pods have been updated...\n"),
        "{done}"
    );
    let web2 = get(s.cluster(), "Pod", "web-2");
    assert_eq!(
        web2["spec"]["containers"][0]["image"],
        "registry.k8s.io/nginx-slim:0.21"
    );
    assert_eq!(
        web2["metadata"]["labels"]["controller-revision-hash"],
        first.as_str()
    );
}

#[test]
fn timeline_d_scale_down_removes_the_highest_ordinal_first_and_keeps_its_claim() {
    let mut s = web_running();
    let since = mark(s.cluster());
    let before = claims(s.cluster());
    assert_eq!(
        run(&mut s, "kubectl scale sts web --replicas=1"),
        "statefulset.apps/web scaled\n"
    );
    run(&mut s, "sleep 60");
    let c = s.cluster();
    assert_eq!(
        milestones(c, since),
        [
            "web-2 Terminating",
            "web-2 gone",
            "web-1 Terminating",
            "web-1 gone"
        ]
    );
    assert_eq!(
        events(c, since, "StatefulSet"),
        [
            "SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete delete Pod web-1 in StatefulSet web successful",
        ]
    );
    assert_claims_kept(c, &before); // www-web-1 and www-web-2 stay
                                    // `readyReplicas` counts condemned pods until they stop being ready, so READY runs
                                    // ahead of the new denominator before it settles (§12 D, inferred from the status code).
    assert_eq!(sts_ready(c, since, "web"), ["3/1", "2/1", "1/1"]);
    let sts = run(&mut s, "kubectl get sts web --no-headers");
    assert_eq!(sts.split_whitespace().nth(1), Some("1/1"), "{sts}");
}

#[test]
fn timeline_e_deleting_the_statefulset_terminates_every_pod_at_once_and_keeps_the_claims() {
    let mut s = web_running();
    let since = mark(s.cluster());
    let before = claims(s.cluster());
    assert_eq!(
        run(&mut s, "kubectl delete sts web"),
        "statefulset.apps \"web\" deleted from default namespace\n"
    );
    run(&mut s, "sleep 60");
    let c = s.cluster();
    let m = milestones(c, since);
    assert_eq!(m.len(), 6, "{m:?}");
    assert!(m[..3].iter().all(|x| x.ends_with(" Terminating")), "{m:?}");
    assert!(m[3..].iter().all(|x| x.ends_with(" gone")), "{m:?}");
    assert!(c.store.list("Pod", Some("default")).next().is_none());
    assert_claims_kept(c, &before);
}

#[test]
fn timeline_f_deployment_set_image_scales_new_up_and_old_down_one_at_a_time() {
    let mut s = kind();
    run(
        &mut s,
        "kubectl create deployment nginx --image=nginx:1.26 --replicas=3",
    );
    run(&mut s, "kubectl rollout status deploy/nginx");
    let old = name_of(
        &s.cluster()
            .store
            .list("ReplicaSet", Some("default"))
            .next()
            .map(|r| (**r).clone())
            .unwrap_or_default(),
    );
    let since = mark(s.cluster());
    assert_eq!(
        run(&mut s, "kubectl set image deploy/nginx nginx=nginx:1.27"),
        "deployment.apps/nginx image updated\n"
    );
    let status = run(&mut s, "kubectl rollout status deploy/nginx");
    let c = s.cluster();
    let new = c
        .store
        .list("ReplicaSet", Some("default"))
        .map(|r| name_of(r))
        .find(|n| *n != old)
        .unwrap_or_default();
    assert!(new.starts_with("nginx-"), "{new}");
    assert_eq!(
        events(c, since, "Deployment"),
        [
            format!("ScalingReplicaSet Scaled up replica set {new} from 0 to 1"),
            format!("ScalingReplicaSet Scaled down replica set {old} from 3 to 2"),
            format!("ScalingReplicaSet Scaled up replica set {new} from 1 to 2"),
            format!("ScalingReplicaSet Scaled down replica set {old} from 2 to 1"),
            format!("ScalingReplicaSet Scaled up replica set {new} from 2 to 3"),
            format!("ScalingReplicaSet Scaled down replica set {old} from 1 to 0"),
        ]
    );
    assert_eq!(
        distinct_lines(&status),
        [
            "Waiting for deployment \"nginx\" rollout to finish: 1 out of 3 new replicas have been updated...",
            "Waiting for deployment \"nginx\" rollout to finish: 2 out of 3 new replicas have been updated...",
            "Waiting for deployment \"nginx\" rollout to finish: 1 old replicas are pending termination...",
            "deployment \"nginx\" successfully rolled out",
        ]
    );
    let rs = run(&mut s, &format!("kubectl get rs {old} --no-headers"));
    let cols: Vec<&str> = rs.split_whitespace().collect();
    assert_eq!(cols[..4], [old.as_str(), "0", "0", "0"], "{rs}");
}

/// The node a daemon pod is (or will be) on.
fn daemon_node(p: &Value) -> String {
    p.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

#[test]
fn timeline_g_a_daemonset_update_replaces_its_pods_one_node_at_a_time() {
    let mut s = kind();
    // Timeline G's DaemonSet `fluentd`, without a toleration for the control-plane taint.
    let mut ds = daemonset("fluentd", "nginx:1.26");
    ds["spec"]["template"]["spec"]["containers"][0]["name"] = "fluentd".into();
    s.write_file("fluentd.json", &ds.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run(&mut s, "kubectl apply -f fluentd.json"),
        "daemonset.apps/fluentd created\n"
    );
    run(&mut s, "kubectl rollout status ds/fluentd");
    let ds = run(&mut s, "kubectl get ds fluentd --no-headers");
    let cols: Vec<&str> = ds.split_whitespace().collect();
    assert_eq!(cols[..6], ["fluentd", "2", "2", "2", "2", "2"], "{ds}");
    let mut nodes: Vec<String> = Vec::new();
    for p in s.cluster().store.list("Pod", Some("default")) {
        let name = name_of(p);
        let suffix = name.strip_prefix("fluentd-").unwrap_or("");
        assert!(
            suffix.len() == 5
                && suffix
                    .chars()
                    .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)),
            "{name}"
        );
        nodes.push(daemon_node(p));
    }
    nodes.sort();
    assert_eq!(nodes, ["kind-worker", "kind-worker2"]);

    let since = mark(s.cluster());
    assert_eq!(
        run(&mut s, "kubectl set image ds/fluentd fluentd=nginx:1.27"),
        "daemonset.apps/fluentd image updated\n"
    );
    let status = run(&mut s, "kubectl rollout status ds/fluentd");
    let c = s.cluster();
    let node_of_pod: BTreeMap<String, String> = c
        .store
        .events_since(0)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.kind == "Pod")
        .map(|e| (e.name.clone(), daemon_node(&e.object)))
        .collect();
    // "gone" may come before or after the new pod on a real cluster (the controller
    // waits for the old pod to stop, not to disappear), so it is left out.
    let by_node: Vec<(String, String)> = milestones(c, since)
        .into_iter()
        .filter(|m| !m.ends_with(" gone"))
        .map(|m| {
            let (pod, what) = m.split_once(' ').unwrap_or_default();
            (
                node_of_pod.get(pod).cloned().unwrap_or_default(),
                what.to_string(),
            )
        })
        .collect();
    let first = by_node.first().map(|x| x.0.clone()).unwrap_or_default();
    let second = if first == "kind-worker" {
        "kind-worker2"
    } else {
        "kind-worker"
    };
    let mut want = Vec::new();
    for n in [first.as_str(), second] {
        for what in ["Terminating", "created", "Ready"] {
            want.push((n.to_string(), what.to_string()));
        }
    }
    assert_eq!(by_node, want);
    let reasons: Vec<String> = events(c, since, "DaemonSet")
        .iter()
        .map(|e| e.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        reasons,
        [
            "SuccessfulDelete Deleted",
            "SuccessfulCreate Created",
            "SuccessfulDelete Deleted",
            "SuccessfulCreate Created"
        ]
    );
    assert_eq!(
        distinct_lines(&status),
        [
            "Waiting for daemon set \"fluentd\" rollout to finish: 0 out of 2 new pods have been updated...",
            "Waiting for daemon set \"fluentd\" rollout to finish: 1 out of 2 new pods have been updated...",
            "Waiting for daemon set \"fluentd\" rollout to finish: 1 of 2 updated pods are available...",
            "daemon set \"fluentd\" successfully rolled out",
        ]
    );
}
