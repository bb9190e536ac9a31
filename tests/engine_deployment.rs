//! Deployments and ReplicaSets driven through the engine's API (reference §6.3, §12 F).

use kubeplay::engine::{Cluster, ClusterConfig, DeleteOptions};
use serde_json::{json, Value};

fn deployment(replicas: i64, image: &str, strategy: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "nginx"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "strategy": {"type": strategy},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                         "spec": {"containers": [{"name": "nginx", "image": image}]}}
        }
    })
}

fn get(c: &Cluster, kind: &str, name: &str) -> Value {
    c.get(kind, "default", name)
        .map(|o| (**o).clone())
        .unwrap_or_else(|| panic!("{kind} {name} not found"))
}

fn set_image(c: &mut Cluster, image: &str) {
    let mut d = get(c, "Deployment", "nginx");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    c.update(d).unwrap();
}

fn progressing(c: &Cluster) -> (String, String) {
    let d = get(c, "Deployment", "nginx");
    d["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Progressing")
        .map(|c| {
            (
                c["reason"].as_str().unwrap_or("").to_string(),
                c["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .unwrap_or_default()
}

fn rollout_done(c: &Cluster) -> bool {
    let d = get(c, "Deployment", "nginx");
    let want = d["spec"]["replicas"].as_i64().unwrap_or(1);
    let s = &d["status"];
    progressing(c).0 == "NewReplicaSetAvailable"
        && s["updatedReplicas"].as_i64().unwrap_or(0) == want
        && s["availableReplicas"].as_i64().unwrap_or(0) == want
        && s["replicas"].as_i64().unwrap_or(0) == want
}

/// Advances until the rollout is complete (or five virtual minutes pass).
fn finish_rollout(c: &mut Cluster) {
    let limit = c.now + 300_000;
    while !rollout_done(c) {
        assert!(
            c.now < limit,
            "rollout did not finish: {}",
            get(c, "Deployment", "nginx")["status"]
        );
        assert!(c.advance_to_next_event(), "no more events");
    }
}

/// `ScalingReplicaSet` messages in the order they were recorded.
fn scaling_events(c: &Cluster) -> Vec<String> {
    let mut events: Vec<(String, String)> = c
        .store
        .list("Event", Some("default"))
        .filter(|e| e["reason"] == "ScalingReplicaSet")
        .map(|e| {
            (
                e["metadata"]["name"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    events.sort();
    events.into_iter().map(|(_, m)| m).collect()
}

fn replica_sets(c: &Cluster) -> Vec<Value> {
    c.store
        .list("ReplicaSet", Some("default"))
        .map(|r| (**r).clone())
        .collect()
}

/// The ReplicaSet whose pod template runs `image`.
fn rs_for(c: &Cluster, image: &str) -> Value {
    replica_sets(c)
        .into_iter()
        .find(|r| r["spec"]["template"]["spec"]["containers"][0]["image"] == image)
        .unwrap_or_else(|| panic!("no ReplicaSet runs {image}"))
}

fn name(obj: &Value) -> String {
    obj["metadata"]["name"].as_str().unwrap_or("").to_string()
}

fn annotation(obj: &Value, key: &str) -> String {
    obj["metadata"]["annotations"][key]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Live (not terminating) pods: (name, image, ready).
fn live_pods(c: &Cluster) -> Vec<(String, String, bool)> {
    c.store
        .list("Pod", Some("default"))
        .filter(|p| p.pointer("/metadata/deletionTimestamp").is_none())
        .map(|p| {
            let ready = p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            (
                name(p),
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                ready,
            )
        })
        .collect()
}

#[test]
fn set_image_rolls_out_one_pod_at_a_time_in_the_canonical_order() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 7));
    c.create(deployment(3, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    let old = name(&rs_for(&c, "nginx:1.25"));
    set_image(&mut c, "nginx:1.27");
    finish_rollout(&mut c);
    let new = name(&rs_for(&c, "nginx:1.27"));
    assert!(new.starts_with("nginx-") && new != old);
    assert_eq!(
        scaling_events(&c),
        vec![
            format!("Scaled up replica set {old} from 0 to 3"),
            format!("Scaled up replica set {new} from 0 to 1"),
            format!("Scaled down replica set {old} from 3 to 2"),
            format!("Scaled up replica set {new} from 1 to 2"),
            format!("Scaled down replica set {old} from 2 to 1"),
            format!("Scaled up replica set {new} from 2 to 3"),
            format!("Scaled down replica set {old} from 1 to 0"),
        ]
    );
    let d = get(&c, "Deployment", "nginx");
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "2");
    let old_rs = get(&c, "ReplicaSet", &old);
    assert_eq!(old_rs["spec"]["replicas"], 0);
    assert_eq!(
        old_rs["status"],
        json!({"observedGeneration": 4, "replicas": 0})
    );
    assert_eq!(
        progressing(&c).1,
        format!("ReplicaSet \"{new}\" has successfully progressed.")
    );
}

#[test]
fn a_rolling_update_never_drops_below_min_available_nor_exceeds_max_surge() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 11));
    c.create(deployment(3, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    set_image(&mut c, "nginx:1.27");
    let limit = c.now + 300_000;
    // 3 replicas, 25%/25%: maxSurge 1, maxUnavailable 0.
    loop {
        let pods = live_pods(&c);
        let ready = pods.iter().filter(|p| p.2).count();
        assert!(
            pods.len() <= 4,
            "more than replicas + maxSurge pods: {pods:?}"
        );
        assert!(
            ready >= 3,
            "fewer than replicas − maxUnavailable available: {pods:?}"
        );
        if rollout_done(&c) {
            break;
        }
        assert!(c.now < limit && c.advance_to_next_event(), "rollout stuck");
    }
    assert!(live_pods(&c).iter().all(|p| p.1 == "nginx:1.27"));
}

#[test]
fn pods_carry_the_template_hash_and_the_replica_set_its_revision_annotations() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 3));
    c.create(deployment(4, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    let rs = rs_for(&c, "nginx:1.25");
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(name(&rs), format!("nginx-{hash}"));
    assert!(hash.chars().all(|ch| "456789bcdf".contains(ch)), "{hash}");
    assert_eq!(
        rs["spec"]["selector"]["matchLabels"]["pod-template-hash"],
        hash.as_str()
    );
    assert_eq!(annotation(&rs, "deployment.kubernetes.io/revision"), "1");
    assert_eq!(
        annotation(&rs, "deployment.kubernetes.io/desired-replicas"),
        "4"
    );
    assert_eq!(
        annotation(&rs, "deployment.kubernetes.io/max-replicas"),
        "5"
    );
    for p in c.store.list("Pod", Some("default")) {
        assert!(name(p).starts_with(&format!("nginx-{hash}-")));
        assert_eq!(name(p).len(), format!("nginx-{hash}-").len() + 5);
        assert_eq!(p["metadata"]["labels"]["pod-template-hash"], hash.as_str());
        assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    }
    let d = get(&c, "Deployment", "nginx");
    assert_eq!(d["status"]["availableReplicas"], 4);
    let available = d["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Available")
        .cloned()
        .unwrap_or_default();
    assert_eq!(available["reason"], "MinimumReplicasAvailable");
    assert_eq!(available["message"], "Deployment has minimum availability.");
}

#[test]
fn rolling_back_to_an_old_template_reuses_and_renumbers_its_replica_set() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 5));
    c.create(deployment(2, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    let first = name(&rs_for(&c, "nginx:1.25"));
    set_image(&mut c, "nginx:1.27");
    finish_rollout(&mut c);
    set_image(&mut c, "nginx:1.25");
    finish_rollout(&mut c);
    assert_eq!(
        replica_sets(&c).len(),
        2,
        "no third ReplicaSet for a known template"
    );
    let reused = get(&c, "ReplicaSet", &first);
    assert_eq!(
        annotation(&reused, "deployment.kubernetes.io/revision"),
        "3"
    );
    assert_eq!(
        annotation(&reused, "deployment.kubernetes.io/revision-history"),
        "1"
    );
    assert_eq!(reused["spec"]["replicas"], 2);
    let d = get(&c, "Deployment", "nginx");
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "3");
    assert!(c
        .why
        .iter()
        .any(|w| w.text.contains("revision 1 becomes 3")));
}

#[test]
fn a_broken_image_stalls_the_rollout_until_the_progress_deadline_is_exceeded() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 9));
    c.create(deployment(3, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    set_image(&mut c, "nginx:doesnotexist");
    let start = c.now;
    c.run_until_idle(start + 590_000);
    let new = name(&rs_for(&c, "nginx:doesnotexist"));
    assert_eq!(progressing(&c).0, "ReplicaSetUpdated");
    c.run_until_idle(start + 620_000);
    assert_eq!(
        progressing(&c),
        (
            "ProgressDeadlineExceeded".to_string(),
            format!("ReplicaSet \"{new}\" has timed out progressing.")
        )
    );
    let d = get(&c, "Deployment", "nginx");
    assert_eq!(d["status"]["availableReplicas"], 3);
    assert_eq!(d["status"]["unavailableReplicas"], 1);
    assert_eq!(get(&c, "ReplicaSet", &new)["spec"]["replicas"], 1);
    assert_eq!(rs_for(&c, "nginx:1.25")["spec"]["replicas"], 3);
}

#[test]
fn recreate_deletes_every_old_pod_before_creating_new_ones() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 13));
    c.create(deployment(3, "nginx:1.25", "Recreate")).unwrap();
    finish_rollout(&mut c);
    let old = name(&rs_for(&c, "nginx:1.25"));
    set_image(&mut c, "nginx:1.27");
    let limit = c.now + 300_000;
    loop {
        let all: Vec<String> = c
            .store
            .list("Pod", Some("default"))
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        if all.iter().any(|i| i == "nginx:1.27") {
            assert!(
                all.iter().all(|i| i == "nginx:1.27"),
                "a new pod exists while old pods remain: {all:?}"
            );
        }
        if rollout_done(&c) {
            break;
        }
        assert!(c.now < limit && c.advance_to_next_event(), "rollout stuck");
    }
    let new = name(&rs_for(&c, "nginx:1.27"));
    assert_eq!(
        scaling_events(&c)[1..],
        [
            format!("Scaled down replica set {old} from 3 to 0"),
            format!("Scaled up replica set {new} from 0 to 3"),
        ]
    );
}

#[test]
fn a_paused_deployment_holds_a_template_change_until_resumed() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 17));
    c.create(deployment(2, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["paused"] = json!(true);
    c.update(d).unwrap();
    set_image(&mut c, "nginx:1.27");
    let t = c.now;
    c.run_until_idle(t + 60_000);
    assert_eq!(replica_sets(&c).len(), 1, "no new ReplicaSet while paused");
    assert!(live_pods(&c).iter().all(|p| p.1 == "nginx:1.25"));
    assert_eq!(
        progressing(&c),
        (
            "DeploymentPaused".to_string(),
            "Deployment is paused".to_string()
        )
    );
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["paused"] = json!(false);
    c.update(d).unwrap();
    finish_rollout(&mut c);
    assert!(live_pods(&c).iter().all(|p| p.1 == "nginx:1.27"));
}

#[test]
fn scaling_a_deployment_resizes_its_only_replica_set() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 19));
    c.create(deployment(2, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["replicas"] = json!(5);
    c.update(d).unwrap();
    finish_rollout(&mut c);
    let rs = rs_for(&c, "nginx:1.25");
    assert_eq!(
        annotation(&rs, "deployment.kubernetes.io/desired-replicas"),
        "5"
    );
    assert_eq!(live_pods(&c).len(), 5);
    let events = scaling_events(&c);
    assert_eq!(
        events.last().map(String::as_str),
        Some(format!("Scaled up replica set {} from 2 to 5", name(&rs)).as_str())
    );
}

#[test]
fn a_replica_set_replaces_a_deleted_pod_under_a_new_name() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(2, 23));
    c.create(json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}
        }
    }))
    .unwrap();
    let t = c.now;
    c.run_until_idle(t + 60_000);
    let before: Vec<String> = live_pods(&c).into_iter().map(|p| p.0).collect();
    assert_eq!(before.len(), 2);
    let victim = before[0].clone();
    c.delete("Pod", "default", &victim, DeleteOptions::default())
        .unwrap();
    let t = c.now;
    c.run_until_idle(t + 60_000);
    let after = live_pods(&c);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after
        .iter()
        .all(|p| p.2 && p.0.starts_with("web-") && p.0 != victim));
    assert!(c.get("Pod", "default", &victim).is_none());
    let created: Vec<String> = c
        .store
        .list("Event", Some("default"))
        .filter(|e| {
            e["reason"] == "SuccessfulCreate" && e["involvedObject"]["kind"] == "ReplicaSet"
        })
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(created.len(), 3, "{created:?}");
    assert!(created.iter().all(|m| m.starts_with("Created pod: web-")));
    let rs = get(&c, "ReplicaSet", "web");
    assert_eq!(
        rs["status"],
        json!({"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2, "observedGeneration": 1})
    );
}

#[test]
fn a_recreate_deployment_with_two_active_replica_sets_ignores_a_scale_until_it_rolls_again() {
    // Mid-rollout (old 3 pods, new stuck on a broken image), one update switches the
    // strategy to Recreate and scales to 0. As in Kubernetes, every sync is then a scaling
    // event (`isScalingEvent`: desired-replicas 3 ≠ 0), so `rolloutRecreate` never runs,
    // and `scale` resizes nothing: two ReplicaSets are active, the new one is not
    // saturated and proportional scaling is for RollingUpdate only.
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 29));
    c.create(deployment(3, "nginx:1.25", "RollingUpdate"))
        .unwrap();
    finish_rollout(&mut c);
    set_image(&mut c, "nginx:doesnotexist");
    let t = c.now;
    c.run_until_idle(t + 5_000);
    let old = name(&rs_for(&c, "nginx:1.25"));
    let new = name(&rs_for(&c, "nginx:doesnotexist"));
    assert_eq!(get(&c, "ReplicaSet", &old)["spec"]["replicas"], 3);
    assert_eq!(get(&c, "ReplicaSet", &new)["spec"]["replicas"], 1);
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["strategy"] = json!({"type": "Recreate"});
    d["spec"]["replicas"] = json!(0);
    c.update(d).unwrap();
    let t = c.now;
    c.run_until_idle(t + 600_000);
    assert_eq!(get(&c, "ReplicaSet", &old)["spec"]["replicas"], 3);
    assert_eq!(get(&c, "ReplicaSet", &new)["spec"]["replicas"], 1);
    // The way out: RollingUpdate scales every active ReplicaSet in proportion, to 0.
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["strategy"] = json!({"type": "RollingUpdate"});
    c.update(d).unwrap();
    let t = c.now;
    c.run_until_idle(t + 60_000);
    assert_eq!(get(&c, "ReplicaSet", &old)["spec"]["replicas"], 0);
    assert_eq!(get(&c, "ReplicaSet", &new)["spec"]["replicas"], 0);
    assert!(live_pods(&c).is_empty(), "{:?}", live_pods(&c));
}

#[test]
fn scaling_to_the_size_the_new_replica_set_already_has_does_not_block_the_next_rollout() {
    // Invariant case 7684: mid-rollout (replicas 4, maxSurge 2: new 3, old 3) the
    // strategy becomes Recreate, which scales the old ReplicaSet to 0; then `scale` to 3
    // finds the new ReplicaSet, the only active one, already at 3. Go's `scale` returns
    // early there and leaves `desired-replicas: 4`, so every later sync is a scaling
    // event and a new template never rolls out. The engine refreshes the annotation.
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 31));
    let mut d = deployment(4, "nginx:1.25", "RollingUpdate");
    d["spec"]["strategy"]["rollingUpdate"] = json!({"maxSurge": 2, "maxUnavailable": 1});
    c.create(d).unwrap();
    finish_rollout(&mut c);
    set_image(&mut c, "nginx:1.26");
    let new = name(&rs_for(&c, "nginx:1.26"));
    assert_eq!(get(&c, "ReplicaSet", &new)["spec"]["replicas"], 3);
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["strategy"] = json!({"type": "Recreate"});
    c.update(d).unwrap();
    let mut d = get(&c, "Deployment", "nginx");
    d["spec"]["replicas"] = json!(3);
    c.update(d).unwrap();
    let new_rs = get(&c, "ReplicaSet", &new);
    assert_eq!(new_rs["spec"]["replicas"], 3);
    assert_eq!(
        annotation(&new_rs, "deployment.kubernetes.io/desired-replicas"),
        "3"
    );
    set_image(&mut c, "nginx:1.27");
    finish_rollout(&mut c);
    let pods = live_pods(&c);
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(pods.iter().all(|p| p.1 == "nginx:1.27"), "{pods:?}");
}
