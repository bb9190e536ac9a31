//! Memory follows the objects, not the writes: what a cluster left running holds stays
//! bounded by what it holds now — Events go an hour after their last write (the API
//! server's `--event-ttl`), the watch journal keeps a window, the why log keeps its
//! newest lines, and the Event aggregation index forgets the Events that went.

use kubeplay::engine::store::{EventType, JOURNAL_WINDOW};
use kubeplay::engine::{Cluster, ClusterConfig, WHY_KEPT};
use serde_json::{json, Value};

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

fn deployment(replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}})
}

fn scale(c: &mut Cluster, replicas: i64) {
    let mut d = c
        .get("Deployment", "default", "web")
        .map(|d| (**d).clone())
        .unwrap_or_default();
    d["spec"]["replicas"] = json!(replicas);
    c.update(d).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn events_are_gone_an_hour_after_their_last_write_in_one_revision() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
    c.create(deployment(2)).unwrap_or_else(|e| panic!("{e}"));
    c.advance(MINUTE);
    let events = c.store.count("Event", Some("default"));
    assert!(events >= 10, "the rollout's Events: {events}");
    let before = c.store.resource_version();
    c.advance(HOUR - MINUTE);
    assert_eq!(
        c.store.count("Event", Some("default")),
        events,
        "an hour has not passed since the last write"
    );
    c.advance(2 * MINUTE);
    assert_eq!(c.store.count("Event", Some("default")), 0);
    let deleted: Vec<_> = c
        .store
        .events_since(before)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.kind == "Event")
        .collect();
    assert_eq!(deleted.len(), events);
    assert!(deleted.iter().all(|e| e.event_type == EventType::Deleted));
    let rv = deleted[0].resource_version;
    assert!(
        deleted.iter().all(|e| e.resource_version == rv),
        "written within a minute: one lease, deleted in one etcd revision"
    );
    assert_eq!(
        deleted[0].object["metadata"]["resourceVersion"],
        rv.to_string(),
        "a watcher gets the Event as deleted at that revision"
    );
    assert!(
        c.event_index.is_empty(),
        "the aggregation index forgets them"
    );
    assert_eq!(c.store.count("Pod", Some("default")), 2, "the objects stay");
}

#[test]
fn an_event_repeated_within_the_hour_lives_an_hour_from_its_last_count() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
    c.create(deployment(1)).unwrap_or_else(|e| panic!("{e}"));
    c.advance(MINUTE);
    let rs_events = |c: &Cluster| {
        c.store
            .list("Event", Some("default"))
            .filter(|e| e["reason"] == "ScalingReplicaSet")
            .count()
    };
    assert_eq!(rs_events(&c), 1);
    c.advance(30 * MINUTE);
    // Scaled up again to the same count: the Deployment's event repeats, count 2.
    scale(&mut c, 0);
    scale(&mut c, 1);
    c.advance(31 * MINUTE);
    let up = c
        .store
        .list("Event", Some("default"))
        .find(|e| {
            e["reason"] == "ScalingReplicaSet"
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("from 0 to 1"))
        })
        .map(|e| e["count"].clone());
    assert_eq!(up, Some(json!(2)), "bumped half an hour ago: still there");
    c.advance(HOUR);
    assert_eq!(rs_events(&c), 0);
}

/// A Deployment scaled 2↔6 every five minutes: after three hours the cluster holds what
/// it held after one and a half, not twice as much.
#[test]
fn a_cluster_scaled_for_hours_stays_flat() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 4));
    c.create(deployment(2)).unwrap_or_else(|e| panic!("{e}"));
    let mut held = Vec::new();
    for step in 0..36 {
        scale(&mut c, if step % 2 == 0 { 6 } else { 2 });
        c.advance(5 * MINUTE);
        if step == 17 || step == 35 {
            let journal = c.store.resource_version() - c.store.compacted_through();
            held.push((
                c.store.count("Event", None),
                c.event_index.len(),
                c.store.leases.attached(),
                journal,
                c.why.len(),
            ));
        }
    }
    let (half, full) = (held[0], held[1]);
    assert!(
        full.0 <= half.0 + half.0 / 5,
        "Events at 1.5 h and 3 h: {half:?} {full:?}"
    );
    assert!(
        full.1 <= full.0,
        "index keys only for Events kept: {full:?}"
    );
    assert_eq!(full.2, full.0, "every Event has its lease: {full:?}");
    assert!(
        full.3 < JOURNAL_WINDOW + JOURNAL_WINDOW / 4,
        "revisions the journal keeps: {full:?}"
    );
    assert!(full.4 <= WHY_KEPT + WHY_KEPT / 4);
}

#[test]
fn the_why_log_keeps_its_newest_lines() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
    c.create(deployment(1)).unwrap_or_else(|e| panic!("{e}"));
    let mut step = 0;
    while c.why_written() < (2 * WHY_KEPT) as u64 {
        scale(&mut c, if step % 2 == 0 { 30 } else { 1 });
        c.advance(MINUTE);
        step += 1;
        assert!(c.why.len() < WHY_KEPT + WHY_KEPT / 4, "{}", c.why.len());
    }
    assert!(c.why.len() >= WHY_KEPT);
    let newest = c.why.last().map(|w| w.at);
    assert_eq!(newest, Some(c.why.iter().map(|w| w.at).max().unwrap_or(0)));
}
