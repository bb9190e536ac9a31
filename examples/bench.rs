//! Engine benchmarks: `cargo run --release --example bench`.
//!
//! Wall time (std::time::Instant, here in the benchmark only — never in the engine) and
//! peak resident memory (VmHWM from /proc/self/status, Linux) for: pods across many nodes
//! run to Ready, idle ticks on a large cluster, a 1,000-replica StatefulSet scaled up and
//! rolled over (OrderedReady and Parallel), a DaemonSet rolled over on 500 nodes, and a
//! Deployment scaled up and down for 24 virtual hours (`day`: what the cluster holds after
//! hour 1 and hour 24).

use kubeplay::engine::{Cluster, ClusterConfig};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::Instant;

#[path = "../tests/common/counting.rs"]
mod counting;
use counting::{weigh_bytes, LIVE, PEAK};

fn live_mib() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// Heap bytes `f`'s result holds: a deep copy of one part of the cluster weighs what the
/// part weighs (a `serde_json` map is copied node for node).
fn weigh<T>(f: impl FnOnce() -> T) -> f64 {
    weigh_bytes(f) as f64 / (1024.0 * 1024.0)
}

/// Where the heap goes in a cluster: its objects by kind, the journal's older versions,
/// the why log and the Event aggregation index; the rest (indexes, caches, timers) is
/// what is left of the live total.
fn breakdown(c: &Cluster) -> Vec<(String, f64)> {
    let live = live_mib();
    let mut parts = Vec::new();
    for kind in ["Pod", "Event", "ReplicaSet", "Deployment", "Node"] {
        let n = c.store.count(kind, None);
        // As kept: Events are weighed as their text, not decoded.
        let mib = weigh(|| c.store.copy_as_kept(kind));
        parts.push((format!("{n} {kind}s in the store"), mib));
    }
    let window = c
        .store
        .events_since(c.store.compacted_through())
        .unwrap_or_default();
    let entries = window.len();
    let (own, _) = c.store.copy_journal_as_kept();
    // What only the journal holds, plus the entries themselves (keys, shared handles).
    let mib = weigh(|| c.store.copy_journal_as_kept()) + weigh(|| window.to_vec());
    parts.push((
        format!(
            "journal: {entries} entries, {own} holding text or values the store does not share"
        ),
        mib,
    ));
    parts.push((
        format!("why log: {} lines", c.why.len()),
        weigh(|| c.why.clone()),
    ));
    parts.push((
        format!("Event aggregation index: {} keys", c.event_index.len()),
        weigh(|| c.event_index.clone()),
    ));
    let k = &c.kubelet;
    parts.push((
        format!("kubelet: {} pods' runtimes", k.pods.len()),
        weigh(|| k.pods.clone()),
    ));
    parts.push((
        format!(
            "kubelet: {} pods' volumes and environments",
            k.mounted.len()
        ),
        weigh(|| k.mounted.clone()),
    ));
    parts.push((
        format!("kubelet: {} container logs", k.logs.len()),
        weigh(|| k.logs.clone()),
    ));
    parts.push(("owner index".into(), weigh(|| c.store.owners.clone())));
    parts.push((
        "scheduler's node usage".into(),
        weigh(|| c.node_usage.clone()),
    ));
    parts.push((
        format!("timers: {}", c.timers.len()),
        weigh(|| c.timers.clone()),
    ));
    let known: f64 = parts.iter().map(|(_, m)| m).sum();
    parts.push((
        "the rest (other kinds, indexes, kubelet and scheduler state, timers)".into(),
        live - known,
    ));
    parts.push(("live heap".into(), live));
    parts
}

/// A `/proc/self/status` line in KiB: `VmHWM:` (peak) or `VmRSS:` (now).
fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn vm_hwm_kib() -> u64 {
    proc_status_kib("VmHWM:")
}

fn cluster(nodes: u32, seed: u64) -> Cluster {
    let mut config = ClusterConfig::with_nodes(nodes, seed);
    config.journal_digest = true;
    for n in &mut config.nodes {
        n.max_pods = 250;
    }
    Cluster::new(config)
}

fn template(app: &str, image: &str) -> Value {
    json!({"metadata": {"labels": {"app": app}},
           "spec": {"containers": [{"name": "c", "image": image}]}})
}

fn deployment(name: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": template(name, "nginx:1.27")}})
}

/// Pods in `default` whose Ready condition is True, read from the owner index's pod facts
/// as a controller reads them: listing them from the store would decode every pod (the
/// store keeps pods as text, as etcd does) on every poll.
fn ready_pods(c: &Cluster) -> usize {
    c.store
        .owners
        .dependents
        .values()
        .flat_map(|d| d.of_kind("Pod"))
        .filter(|((ns, _), d)| {
            d.controlled && &**ns == "default" && d.pod.as_ref().is_some_and(|f| f.ready)
        })
        .count()
}

struct Row {
    name: String,
    wall_ms: f64,
    virtual_s: f64,
    journal: u64,
    /// A digest of the whole watch journal: equal digests mean the same history, so a
    /// speed-up that changed what the controllers do shows here.
    digest: String,
    hwm_mib: f64,
    note: String,
}

/// SipHash (fixed keys) of every journal entry: resourceVersion, time, type, object —
/// fed as each entry is written, so the journal's compaction leaves it alone.
fn journal_digest(c: &Cluster) -> String {
    c.store
        .journal_digest()
        .unwrap_or_else(|| "no digest".into())
}

/// Times `f` up to the moment its cluster is done; freeing the cluster afterwards (the
/// whole journal) is not part of what a user waits for, so it happens off the clock.
fn measure(name: &str, f: impl FnOnce() -> (f64, u64, String, Cluster)) -> Row {
    let start = Instant::now();
    let (virtual_s, journal, note, cluster) = f();
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    let digest = journal_digest(&cluster);
    drop(cluster);
    Row {
        name: name.to_string(),
        wall_ms,
        virtual_s,
        journal,
        digest,
        hwm_mib: vm_hwm_kib() as f64 / 1024.0,
        note,
    }
}

/// `pods` pods as `deployments` Deployments across `nodes` nodes, run until all are Ready.
fn pods_to_ready(nodes: u32, deployments: usize, pods: usize) -> (Cluster, f64, u64) {
    let mut c = cluster(nodes, 1);
    let t0 = c.now;
    for i in 0..deployments {
        let _ = c.create(deployment(&format!("d{i}"), (pods / deployments) as i64));
    }
    let limit = t0 + 600_000;
    while ready_pods(&c) < pods && c.now < limit {
        c.advance(5_000);
    }
    let rv = c.store.resource_version();
    let virtual_s = (c.now - t0) as f64 / 1000.0;
    (c, virtual_s, rv)
}

fn statefulset_roll(replicas: i64, parallel: bool) -> (f64, u64, String, Cluster) {
    let mut c = cluster(101, 2);
    let t0 = c.now;
    let mut sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {"replicas": 0, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "template": template("web", "nginx:1.26")}});
    if parallel {
        sts["spec"]["podManagementPolicy"] = json!("Parallel");
    }
    let _ = c.create(sts);
    let mut s = c
        .get("StatefulSet", "default", "web")
        .map(|s| (**s).clone())
        .unwrap_or_default();
    s["spec"]["replicas"] = json!(replicas);
    let _ = c.update(s);
    let done = |c: &Cluster, image: &str| {
        let s = c.get("StatefulSet", "default", "web");
        s.is_some_and(|s| {
            let st = &s["status"];
            st["readyReplicas"] == replicas
                && st["updatedReplicas"] == replicas
                && st["currentRevision"] == st["updateRevision"]
                && s["spec"]["template"]["spec"]["containers"][0]["image"] == image
        })
    };
    while !done(&c, "nginx:1.26") && c.advance_to_next_event() {}
    let scaled = (c.now - t0) as f64 / 1000.0;
    let mut s = c
        .get("StatefulSet", "default", "web")
        .map(|s| (**s).clone())
        .unwrap_or_default();
    s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    let _ = c.update(s);
    while !done(&c, "nginx:1.27") && c.advance_to_next_event() {}
    (
        (c.now - t0) as f64 / 1000.0,
        c.store.resource_version(),
        format!(
            "scaled up in {scaled:.0}s virtual, rolled by {:.0}s",
            (c.now - t0) as f64 / 1000.0
        ),
        c,
    )
}

fn daemonset_roll(nodes: u32) -> (f64, u64, String, Cluster) {
    let mut config = ClusterConfig::with_nodes(nodes + 1, 3);
    config.journal_digest = true;
    let mut c = Cluster::new(config);
    let t0 = c.now;
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "logs"},
        "spec": {"selector": {"matchLabels": {"app": "logs"}}, "template": template("logs", "nginx:1.26"),
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}}}});
    let _ = c.create(ds);
    let done = |c: &Cluster, gen: i64| {
        c.get("DaemonSet", "default", "logs").is_some_and(|d| {
            let st = &d["status"];
            d["metadata"]["generation"] == gen
                && st["updatedNumberScheduled"] == nodes
                && st["numberAvailable"] == nodes
        })
    };
    while !done(&c, 1) && c.advance_to_next_event() {}
    let up = (c.now - t0) as f64 / 1000.0;
    let mut d = c
        .get("DaemonSet", "default", "logs")
        .map(|d| (**d).clone())
        .unwrap_or_default();
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    let _ = c.update(d);
    while !done(&c, 2) && c.advance_to_next_event() {}
    (
        (c.now - t0) as f64 / 1000.0,
        c.store.resource_version(),
        format!("{nodes} pods up in {up:.0}s virtual; maxUnavailable 10%"),
        c,
    )
}

/// What the cluster holds at one moment: objects, Events, journal entries, why lines.
fn holdings(c: &Cluster) -> String {
    let journal = c
        .store
        .events_since(c.store.compacted_through())
        .map_or(0, <[_]>::len);
    format!(
        "{} pods, {} Events, {journal} journal entries, {} why lines, RSS {} MiB",
        c.store.count("Pod", None),
        c.store.count("Event", None),
        c.why.len(),
        proc_status_kib("VmRSS:") / 1024
    )
}

/// A Deployment scaled between 10 and 60 replicas every 5 virtual minutes for 24 hours:
/// what the cluster holds after hour 1 and after hour 24 should be the same.
fn scaling_day() -> (f64, u64, String, Cluster) {
    let mut c = cluster(11, 4);
    let t0 = c.now;
    let _ = c.create(deployment("web", 10));
    let mut hour1 = String::new();
    for step in 0..(24 * 12) {
        let mut d = c
            .get("Deployment", "default", "web")
            .map(|d| (**d).clone())
            .unwrap_or_default();
        d["spec"]["replicas"] = json!(if step % 2 == 0 { 60 } else { 10 });
        let _ = c.update(d);
        c.advance(300_000);
        if step == 11 {
            hour1 = holdings(&c);
        }
    }
    let note = format!("hour 1: {hour1}; hour 24: {}", holdings(&c));
    (
        (c.now - t0) as f64 / 1000.0,
        c.store.resource_version(),
        note,
        c,
    )
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    let want = |n: &str| which.is_empty() || which.iter().any(|w| n.starts_with(w.as_str()));
    let mut rows = Vec::new();
    for (pods, deployments) in [(1_000usize, 10usize), (5_000, 50)] {
        let name = format!("pods{pods}");
        if !want(&name) {
            continue;
        }
        let mut idle = None;
        rows.push(measure(
            &format!("{pods} pods / 100 nodes to Ready"),
            || {
                let (mut c, v, rv) = pods_to_ready(101, deployments, pods);
                let start = Instant::now();
                let before = c.store.resource_version();
                for _ in 0..1_000 {
                    c.advance(1_000);
                }
                idle = Some((
                    start.elapsed().as_secs_f64() * 1000.0,
                    c.store.resource_version() - before,
                ));
                (
                    v,
                    rv,
                    format!("{deployments} Deployments × {}", pods / deployments),
                    c,
                )
            },
        ));
        if let Some((ms, writes)) = idle {
            rows.push(Row {
                name: format!("  1,000 × advance(1s), idle {pods}-pod cluster"),
                wall_ms: ms,
                virtual_s: 1000.0,
                journal: writes,
                digest: String::new(),
                hwm_mib: vm_hwm_kib() as f64 / 1024.0,
                note: "journal entries written while idle".into(),
            });
        }
    }
    if want("sts") {
        rows.push(measure(
            "StatefulSet 1,000: 0→1000, roll (OrderedReady)",
            || statefulset_roll(1_000, false),
        ));
        rows.push(measure(
            "StatefulSet 1,000: 0→1000, roll (Parallel)",
            || statefulset_roll(1_000, true),
        ));
    }
    if want("day") {
        rows.push(measure(
            "Deployment scaled 10↔60 every 5 min for 24 h",
            scaling_day,
        ));
    }
    if which.iter().any(|w| w == "breakdown") {
        let (c, _, _) = pods_to_ready(101, 50, 5_000);
        let peak = PEAK.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
        println!("| 5,000 pods at Ready: where the heap goes | MiB |");
        println!("|---|---:|");
        for (part, mib) in breakdown(&c) {
            println!("| {part} | {mib:.1} |");
        }
        println!("| peak live heap while they came up | {peak:.1} |\n");
    }
    if want("ds") {
        rows.push(measure("DaemonSet on 500 nodes: create, roll", || {
            daemonset_roll(500)
        }));
    }
    println!(
        "| benchmark | wall ms | virtual s | journal rv | journal digest | peak RSS MiB | note |"
    );
    println!("|---|---:|---:|---:|---|---:|---|");
    for r in rows {
        println!(
            "| {} | {:.0} | {:.0} | {} | {} | {:.0} | {} |",
            r.name, r.wall_ms, r.virtual_s, r.journal, r.digest, r.hwm_mib, r.note
        );
    }
}
