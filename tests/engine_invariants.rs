//! Invariant checkers run after every step of randomized operation sequences (STYLE.md
//! example 4). The generator is a few lines over the engine's own seeded SplitMix64, so a
//! failing case is replayed exactly from its number; no property-testing crate is needed
//! (proptest's shrinking would cost more compile time than it saves here).
//!
//! `KUBEPLAY_PROPTEST_CASES=10000 cargo test --release --test engine_invariants` runs a
//! long campaign; `KUBEPLAY_PROPTEST_FIRST=N` starts at case N.

mod common;

use common::*;
use kubeplay::engine::clock::Rng;
use kubeplay::engine::store::EventType;
use kubeplay::engine::{Cluster, ClusterConfig, DeleteOptions, Propagation};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

const GOOD: &[&str] = &[
    "nginx:1.26",
    "nginx:1.27",
    "registry.k8s.io/nginx-slim:0.24",
];
const BAD: &str = "nginx:doesnotexist";
const SETS: &[&str] = &["web", "db"];
const DAEMONS: &[&str] = &["logs"];
const DEPLOYS: &[&str] = &["app"];

fn meta<'a>(o: &'a Value, f: &str) -> &'a str {
    o["metadata"][f].as_str().unwrap_or("")
}

fn terminating(p: &Value) -> bool {
    p.pointer("/metadata/deletionTimestamp").is_some()
}

fn running_and_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running"
        && p["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn controller_of(p: &Value) -> Option<(String, String, String)> {
    p["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or("").to_string(),
                r["name"].as_str().unwrap_or("").to_string(),
                r["uid"].as_str().unwrap_or("").to_string(),
            )
        })
}

fn app_label(p: &Value) -> &str {
    p["metadata"]["labels"]["app"].as_str().unwrap_or("")
}

/// The distinct `pod-template-hash` labels of `pods`: one per ReplicaSet generation.
fn template_hashes<'a>(pods: &[&'a Rc<Value>]) -> BTreeSet<&'a str> {
    pods.iter()
        .map(|p| {
            p["metadata"]["labels"]["pod-template-hash"]
                .as_str()
                .unwrap_or("")
        })
        .collect()
}

fn node_of(p: &Value) -> String {
    let n = p["spec"]["nodeName"].as_str().unwrap_or("");
    if !n.is_empty() {
        return n.to_string();
    }
    p.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn int_or_percent(v: &Value, total: i64, round_up: bool, default: &str) -> i64 {
    let s = match v {
        Value::Number(n) => return n.as_i64().unwrap_or(0),
        Value::String(s) => s.clone(),
        _ => default.to_string(),
    };
    match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
        Some(p) if round_up => (p * total + 99) / 100,
        Some(p) => p * total / 100,
        None => s.parse().unwrap_or(0),
    }
}

/// What the checker remembers between journal entries.
#[derive(Default)]
struct Checker {
    rv: u64,
    /// The namespace's objects as of the journal entry being checked.
    mirror: BTreeMap<(&'static str, String), Rc<Value>>,
    /// Pods the test deleted itself (or whose node it removed): not the controllers' doing.
    external: BTreeSet<String>,
    /// Pods released on purpose by an orphan cascade.
    orphaned: BTreeSet<String>,
    /// Deployments in a rollout that started from a fully available state.
    rolling: BTreeSet<String>,
    /// StatefulSet pods by uid → the set's generation when their deletion began.
    deleted_at: BTreeMap<String, i64>,
    /// Pods force-deleted while their node's kubelet was stopped, by uid: their
    /// containers may run on (Kubernetes documents this as the way to break a
    /// StatefulSet's at-most-one guarantee) until that kubelet starts again.
    force_deleted_away: BTreeSet<String>,
    /// Every default-namespace pod seen, uid → name.
    names_by_uid: BTreeMap<String, String>,
    /// uids of the pods a StatefulSet controls.
    statefulset_pods: BTreeSet<String>,
    case: u64,
    log: Vec<String>,
    /// The cluster's last "why" lines, kept only when `KUBEPLAY_PROPTEST_WHY` is set.
    why_tail: String,
}

impl Checker {
    fn fail(&self, msg: String) -> ! {
        let tail: Vec<&String> = self
            .log
            .iter()
            .rev()
            .take(25)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "case {} (KUBEPLAY_PROPTEST_FIRST={} KUBEPLAY_PROPTEST_CASES=1): {msg}\nlast steps:\n{}",
            self.case,
            self.case,
            tail.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
            + &self.why_tail
        );
    }

    fn pods(&self) -> impl Iterator<Item = &Rc<Value>> {
        self.mirror
            .iter()
            .filter(|((k, _), _)| *k == "Pod")
            .map(|(_, v)| v)
    }

    fn obj(&self, kind: &'static str, name: &str) -> Option<&Rc<Value>> {
        self.mirror.get(&(kind, name.to_string()))
    }

    /// Follows the journal entry by entry, checking the invariants that must hold at
    /// every moment.
    fn follow(&mut self, c: &Cluster) {
        if std::env::var_os("KUBEPLAY_PROPTEST_WHY").is_some() {
            let t0 = c.started_at();
            self.why_tail =
                c.why
                    .iter()
                    .rev()
                    .take(60)
                    .rev()
                    .fold("\nwhy:\n".to_string(), |acc, w| {
                        acc + &format!("+{}ms {} {}: {}\n", w.at - t0, w.controller, w.name, w.text)
                    });
        }
        let entries: Vec<_> = c.store.events_since(self.rv).unwrap_or_default().to_vec();
        self.rv = c.store.resource_version();
        for e in entries {
            if e.namespace != "default" {
                continue;
            }
            let kind: &'static str = match e.kind {
                "Pod" => "Pod",
                "StatefulSet" => "StatefulSet",
                "DaemonSet" => "DaemonSet",
                "Deployment" => "Deployment",
                "ReplicaSet" => "ReplicaSet",
                _ => continue,
            };
            let key = (kind, e.name.clone());
            if e.event_type == EventType::Deleted {
                self.mirror.remove(&key);
            } else {
                self.mirror.insert(key, Rc::clone(e.object.value()));
            }
            if kind != "Pod" {
                continue;
            }
            let pod = Rc::clone(e.object.value());
            self.names_by_uid
                .insert(meta(&pod, "uid").to_string(), e.name.clone());
            if controller_of(&pod).is_some_and(|(k, _, _)| k == "StatefulSet") {
                self.statefulset_pods.insert(meta(&pod, "uid").to_string());
            }
            if terminating(&pod) && c.kubelet.stopped.contains_key(&node_of(&pod)) {
                // Evicted by the taint-eviction controller (or deleted by the test) on a
                // dead node: not the StatefulSet's doing.
                self.external.insert(meta(&pod, "uid").to_string());
            }
            if let Some((owner_kind, owner, _)) = controller_of(&pod) {
                let uid = meta(&pod, "uid").to_string();
                if owner_kind == "StatefulSet"
                    && terminating(&pod)
                    && !self.deleted_at.contains_key(&uid)
                {
                    let generation = self
                        .obj("StatefulSet", &owner)
                        .and_then(|s| s["metadata"]["generation"].as_i64())
                        .unwrap_or(0);
                    self.deleted_at.insert(uid, generation);
                }
                if owner_kind == "StatefulSet" {
                    self.check_statefulset(&owner, &pod, e.event_type == EventType::Added);
                }
                if owner_kind == "DaemonSet" && e.event_type == EventType::Added {
                    self.check_daemonset(&owner, &pod);
                }
            }
            let app = app_label(&pod).to_string();
            if self.rolling.contains(&app) {
                self.check_deployment(&app, false);
            }
        }
        for d in self.rolling.clone() {
            self.check_deployment(&d, true);
        }
        self.check_at_most_one(c);
    }

    /// The StatefulSet guarantee the node-failure lesson is about: at any moment at most
    /// one copy of each ordinal runs. A pod object's name is unique, so a second copy can
    /// only be a kubelet still running a pod already removed from the API — which must
    /// never happen, except in the one way Kubernetes documents: a force deletion while the
    /// pod's node is away (its kubelet stopped), and only until that kubelet starts again.
    fn check_at_most_one(&self, c: &Cluster) {
        let mut copies: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut removed = Vec::new();
        for (uid, rt) in &c.kubelet.pods {
            let Some(name) = self.names_by_uid.get(uid) else {
                continue;
            };
            let live = c
                .get("Pod", "default", name)
                .is_some_and(|p| meta(p, "uid") == uid);
            let place = if live {
                rt.node.clone()
            } else {
                removed.push((name.as_str(), uid, rt.node.as_str()));
                format!("{} (removed from the API)", rt.node)
            };
            copies.entry(name).or_default().push(place);
        }
        for (name, uid, node) in removed {
            let excused =
                self.force_deleted_away.contains(uid) && c.kubelet.stopped.contains_key(node);
            if !excused && self.statefulset_pods.contains(uid) {
                self.fail(format!(
                    "{name} was removed from the API but still runs on {node} (copies: {:?}), without a force deletion while that node was away",
                    copies[name]
                ));
            }
        }
    }

    fn check_statefulset(&self, set: &str, pod: &Value, added: bool) {
        let Some(sts) = self.obj("StatefulSet", set) else {
            return;
        };
        let ordinal =
            |name: &str| -> Option<i64> { name.strip_prefix(set)?.strip_prefix('-')?.parse().ok() };
        let members: Vec<&Rc<Value>> = self
            .pods()
            .filter(|p| {
                controller_of(p)
                    .is_some_and(|(k, _, u)| k == "StatefulSet" && u == meta(sts, "uid"))
            })
            .collect();
        let mut seen = BTreeMap::new();
        for p in &members {
            if terminating(p) {
                continue;
            }
            if let Some(o) = ordinal(meta(p, "name")) {
                if let Some(other) = seen.insert(o, meta(p, "name")) {
                    self.fail(format!("{other} and {} share ordinal {o}", meta(p, "name")));
                }
            }
        }
        let ordered = sts["spec"]["podManagementPolicy"].as_str() != Some("Parallel");
        if !ordered || terminating(sts) {
            return;
        }
        let name = meta(pod, "name");
        if added {
            let n = ordinal(name).unwrap_or(0);
            for i in 0..n {
                let pred = format!("{set}-{i}");
                let ok = self
                    .obj("Pod", &pred)
                    .is_some_and(|p| !terminating(p) && running_and_ready(p));
                if !ok {
                    self.fail(format!(
                        "successor {name} was created while {pred} is not Running and Ready"
                    ));
                }
            }
        }
        let condemned: Vec<&str> = members
            .iter()
            .filter(|p| {
                // Deleted by the controller under the current spec: a spec change (a scale-down
                // in the middle of an update) starts a new plan, as in the real controller.
                terminating(p)
                    && !self.external.contains(meta(p, "uid"))
                    && self.deleted_at.get(meta(p, "uid"))
                        == sts["metadata"]["generation"].as_i64().as_ref()
            })
            .map(|p| meta(p, "name"))
            .collect();
        if condemned.len() > 1 {
            self.fail(format!(
                "{} pods of OrderedReady {set} are Terminating at once: {condemned:?}",
                condemned.len()
            ));
        }
    }

    /// A daemon pod created while maxSurge is 0 must be alone on its node.
    fn check_daemonset(&self, ds_name: &str, pod: &Value) {
        let Some(ds) = self.obj("DaemonSet", ds_name) else {
            return;
        };
        let surge = int_or_percent(
            &ds["spec"]["updateStrategy"]["rollingUpdate"]["maxSurge"],
            1,
            true,
            "0",
        );
        if surge > 0 || terminating(ds) {
            return;
        }
        let node = node_of(pod);
        let on_node: Vec<&str> = self
            .pods()
            .filter(|p| {
                controller_of(p).is_some_and(|(k, _, u)| k == "DaemonSet" && u == meta(ds, "uid"))
                    && !self.external.contains(meta(p, "uid"))
                    && node_of(p) == node
            })
            .map(|p| meta(p, "name"))
            .collect();
        if on_node.len() > 1 {
            self.fail(format!(
                "DaemonSet {ds_name} (maxSurge 0) created {} on {node}, which already has {:?}",
                meta(pod, "name"),
                on_node
            ));
        }
    }

    /// replicas − maxUnavailable ≤ available pods, and replica sets sized within
    /// replicas + maxSurge, at every moment of a rollout that started from a steady state;
    /// once the instant settled (`settled`), also at most replicas + maxSurge pods (within
    /// an instant the old ReplicaSet may remove its pod after the new one added its own,
    /// as concurrent controllers do).
    fn check_deployment(&self, name: &str, settled: bool) {
        let Some(d) = self.obj("Deployment", name) else {
            return;
        };
        let replicas = d["spec"]["replicas"].as_i64().unwrap_or(1);
        let ru = &d["spec"]["strategy"]["rollingUpdate"];
        let surge = int_or_percent(&ru["maxSurge"], replicas, true, "25%");
        let unavailable = int_or_percent(&ru["maxUnavailable"], replicas, false, "25%");
        let pods: Vec<&Rc<Value>> = self
            .pods()
            .filter(|p| app_label(p) == name && !terminating(p))
            .collect();
        let available = pods.iter().filter(|p| running_and_ready(p)).count() as i64;
        if available < replicas - unavailable {
            self.fail(format!("Deployment {name}: {available} pods available, fewer than replicas {replicas} − maxUnavailable {unavailable}"));
        }
        let sized: i64 = self
            .mirror
            .iter()
            .filter(|((k, _), rs)| {
                *k == "ReplicaSet" && controller_of(rs).is_some_and(|(_, n, _)| n == name)
            })
            .map(|(_, rs)| rs["spec"]["replicas"].as_i64().unwrap_or(0))
            .sum();
        if sized > replicas + surge {
            self.fail(format!("Deployment {name}: its ReplicaSets want {sized} pods, more than replicas {replicas} + maxSurge {surge}"));
        }
        if settled && pods.len() as i64 > replicas + surge {
            let names: Vec<&str> = pods.iter().map(|p| meta(p, "name")).collect();
            self.fail(format!("Deployment {name}: {} pods, more than replicas {replicas} + maxSurge {surge}: {names:?}", pods.len()));
        }
    }

    /// Checks that hold once the instant has settled.
    fn check_settled(&self, c: &Cluster) {
        for p in c.store.list("Pod", Some("default")) {
            let name = meta(p, "name");
            match controller_of(p) {
                None if !self.orphaned.contains(name) && !terminating(p) => self.fail(format!(
                    "{name} has no owner and was never orphaned on purpose"
                )),
                Some((kind, owner, uid)) if !terminating(p) => {
                    let alive = c
                        .get(&kind, "default", &owner)
                        .is_some_and(|o| meta(o, "uid") == uid);
                    if !alive {
                        self.fail(format!("{name} is owned by {kind} {owner}, which is gone"));
                    }
                }
                _ => {}
            }
        }
    }
}

/// One randomized sequence.
struct Case {
    rng: Rng,
    c: Cluster,
    check: Checker,
    /// Previous templates per owner, for undo.
    history: BTreeMap<String, Vec<Value>>,
    extra_nodes: Vec<String>,
}

fn kind_of(name: &str) -> &'static str {
    if SETS.contains(&name) {
        "StatefulSet"
    } else if DAEMONS.contains(&name) {
        "DaemonSet"
    } else {
        "Deployment"
    }
}

impl Case {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.below(from.len() as u64) as usize]
    }

    fn image(&mut self) -> &'static str {
        if self.rng.below(5) == 0 {
            BAD
        } else {
            self.pick(GOOD)
        }
    }

    fn exists(&self, kind: &str, name: &str) -> bool {
        self.c
            .get(kind, "default", name)
            .is_some_and(|o| !terminating(o))
    }

    fn owners(&self) -> Vec<&'static str> {
        SETS.iter()
            .chain(DAEMONS)
            .chain(DEPLOYS)
            .copied()
            .filter(|n| self.exists(kind_of(n), n))
            .collect()
    }

    /// Whether deployment `name` is steady: every pod available and of one template.
    fn steady(&self, name: &str) -> bool {
        let Some(d) = self.c.get("Deployment", "default", name) else {
            return false;
        };
        let want = d["spec"]["replicas"].as_i64().unwrap_or(1);
        let pods: Vec<_> = self
            .c
            .store
            .list("Pod", Some("default"))
            .filter(|p| app_label(p) == name)
            .collect();
        let hashes = template_hashes(&pods);
        pods.len() as i64 == want
            && pods.iter().all(|p| running_and_ready(p) && !terminating(p))
            && hashes.len() <= 1
    }

    /// Updates an owner; deployment changes decide whether the rollout invariant applies.
    fn change(&mut self, name: &str, f: impl FnOnce(&mut Value)) {
        let kind = kind_of(name);
        let Some(old) = self.c.get(kind, "default", name).map(|o| (**o).clone()) else {
            return;
        };
        let mut new = old.clone();
        f(&mut new);
        if new["spec"]["template"] != old["spec"]["template"] {
            self.history
                .entry(name.to_string())
                .or_default()
                .push(old["spec"]["template"].clone());
        }
        let steady = kind == "Deployment" && self.steady(name);
        let _ = self.c.update(new.clone());
        if kind == "Deployment" {
            let same_replicas = new["spec"]["replicas"] == old["spec"]["replicas"];
            let rolling = new["spec"]["strategy"]["type"] != "Recreate";
            if steady && same_replicas && rolling {
                self.check.rolling.insert(name.to_string());
            } else {
                self.check.rolling.remove(name);
            }
        }
    }

    fn create_owner(&mut self) {
        let all: Vec<&str> = SETS.iter().chain(DAEMONS).chain(DEPLOYS).copied().collect();
        let name = self.pick(&all);
        if self.c.get(kind_of(name), "default", name).is_some() {
            return;
        }
        let image = self.pick(GOOD);
        let mut obj = match kind_of(name) {
            "StatefulSet" => {
                let mut s = statefulset(name, self.rng.below(5) as i64, image);
                if self.rng.below(2) == 0 {
                    s["spec"]["podManagementPolicy"] = json!("Parallel");
                }
                s
            }
            "DaemonSet" => {
                let mut d = daemonset(name, image);
                if self.rng.below(3) == 0 {
                    d["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}});
                }
                d
            }
            _ => {
                let mut d = deployment(name, 1 + self.rng.below(5) as i64, image);
                let (s, u) = [
                    (json!("25%"), json!("25%")),
                    (json!(1), json!(0)),
                    (json!(0), json!(1)),
                    (json!(2), json!(1)),
                ][self.rng.below(4) as usize]
                    .clone();
                d["spec"]["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": s, "maxUnavailable": u}});
                d
            }
        };
        obj["metadata"]["labels"] = json!({"app": name});
        self.check
            .log
            .push(format!("create {} {name} {}", kind_of(name), obj["spec"]));
        self.check.rolling.remove(name);
        let _ = self.c.create(obj);
    }

    fn step(&mut self) {
        let owners = self.owners();
        let op = self.rng.below(20);
        let now = (self.c.now - self.c.started_at()) / 1000;
        let target = if owners.is_empty() {
            None
        } else {
            Some(self.pick(&owners))
        };
        match (op, target) {
            (0..=2, _) | (_, None) => self.create_owner(),
            (3..=4, Some(n)) if kind_of(n) != "DaemonSet" => {
                let r = self.rng.below(6) as i64;
                self.check.log.push(format!("+{now}s scale {n} {r}"));
                self.change(n, |o| o["spec"]["replicas"] = json!(r));
            }
            (5..=7, Some(n)) => {
                let image = self.image();
                self.check
                    .log
                    .push(format!("+{now}s set image {n} {image}"));
                self.change(n, |o| {
                    o["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image)
                });
            }
            (8, Some(n)) if kind_of(n) == "StatefulSet" => {
                let p = self.rng.below(4) as i64;
                self.check.log.push(format!("+{now}s partition {n} {p}"));
                self.change(n, |o| {
                    o["spec"]["updateStrategy"] =
                        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": p}})
                });
            }
            (8, Some(n)) => {
                let kind = kind_of(n);
                let other = if kind == "Deployment" {
                    "Recreate"
                } else {
                    "OnDelete"
                };
                let t = if self.rng.below(2) == 0 {
                    "RollingUpdate"
                } else {
                    other
                };
                self.check.log.push(format!("+{now}s strategy {n} {t}"));
                let field = if kind == "Deployment" {
                    "strategy"
                } else {
                    "updateStrategy"
                };
                self.change(n, |o| o["spec"][field] = json!({"type": t}));
            }
            (9, Some(n)) if kind_of(n) == "StatefulSet" => {
                // podManagementPolicy is immutable: the API server must refuse.
                let mut s = get(&self.c, "StatefulSet", n);
                let flip = if s["spec"]["podManagementPolicy"] == "Parallel" {
                    "OrderedReady"
                } else {
                    "Parallel"
                };
                s["spec"]["podManagementPolicy"] = json!(flip);
                let err = self
                    .c
                    .update(s)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert!(
                    err.contains("Forbidden: updates to statefulset spec for fields other than"),
                    "case {}: {err}",
                    self.check.case
                );
            }
            (9..=10, Some(_)) => {
                let pods: Vec<String> = self
                    .c
                    .store
                    .list("Pod", Some("default"))
                    .filter(|p| !terminating(p))
                    .map(|p| name_of(p))
                    .collect();
                if pods.is_empty() {
                    return;
                }
                let refs: Vec<&str> = pods.iter().map(String::as_str).collect();
                let victim = self.pick(&refs).to_string();
                let uid = meta(&get(&self.c, "Pod", &victim), "uid").to_string();
                self.check.external.insert(uid);
                self.check
                    .rolling
                    .remove(app_label(&get(&self.c, "Pod", &victim)));
                self.check.log.push(format!("+{now}s delete pod {victim}"));
                let _ = self
                    .c
                    .delete("Pod", "default", &victim, DeleteOptions::default());
            }
            (11, Some(n)) => {
                let propagation = [
                    Propagation::Background,
                    Propagation::Foreground,
                    Propagation::Orphan,
                ][self.rng.below(3) as usize];
                self.check
                    .log
                    .push(format!("+{now}s delete {} {n} {propagation:?}", kind_of(n)));
                if propagation == Propagation::Orphan {
                    let uid = meta(&get(&self.c, kind_of(n), n), "uid").to_string();
                    // Its pods (or, for a Deployment, its ReplicaSets) are released on purpose.
                    for p in self.c.store.list("Pod", Some("default")) {
                        if controller_of(p).is_some_and(|(_, _, u)| u == uid) {
                            self.check.orphaned.insert(name_of(p));
                        }
                    }
                }
                self.check.rolling.remove(n);
                let _ = self.c.delete(
                    kind_of(n),
                    "default",
                    n,
                    DeleteOptions {
                        grace_period_seconds: None,
                        propagation,
                    },
                );
            }
            (12, _) => self.node_op(now),
            (13, Some(n)) => {
                let Some(prev) = self.history.get_mut(n).and_then(Vec::pop) else {
                    return;
                };
                self.check.log.push(format!("+{now}s undo {n}"));
                // Like `rollout undo`: the previous template comes back (as a new revision).
                self.change(n, |o| o["spec"]["template"] = prev);
            }
            (14, Some(n)) if kind_of(n) == "Deployment" => {
                let paused = self.rng.below(2) == 0;
                self.check.log.push(format!("+{now}s paused={paused} {n}"));
                self.change(n, |o| o["spec"]["paused"] = json!(paused));
            }
            _ => {
                let dt = [300, 1_000, 5_000, 20_000, 60_000][self.rng.below(5) as usize];
                self.check.log.push(format!("+{now}s advance {dt}ms"));
                self.advance(dt);
            }
        }
        self.check.follow(&self.c);
        self.check.check_settled(&self.c);
    }

    fn node_op(&mut self, now: i64) {
        match self.rng.below(5) {
            0 if self.extra_nodes.len() < 3 => {
                let name = format!(
                    "kind-worker{}",
                    3 + self.extra_nodes.len() + self.rng.below(100) as usize * 10
                );
                self.check.log.push(format!("+{now}s add node {name}"));
                let node = json!({
                    "apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
                    "spec": {},
                    "status": {"allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"}, "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                               "addresses": [{"address": "172.18.0.9", "type": "InternalIP"}],
                               "conditions": [{"type": "Ready", "status": "True"}]}
                });
                if self.c.create(node).is_ok() {
                    self.extra_nodes.push(name);
                }
            }
            1 if !self.extra_nodes.is_empty() => {
                let i = self.rng.below(self.extra_nodes.len() as u64) as usize;
                let name = self.extra_nodes.remove(i);
                self.check.log.push(format!("+{now}s remove node {name}"));
                for p in self.c.store.list("Pod", Some("default")) {
                    if node_of(p) == name {
                        self.check.external.insert(meta(p, "uid").to_string());
                        self.check.rolling.remove(app_label(p));
                    }
                }
                let _ = self.c.delete("Node", "", &name, DeleteOptions::default());
            }
            3 => {
                let nodes = ["kind-worker", "kind-worker2"];
                let n = self.pick(&nodes);
                if self.c.kubelet.stopped.contains_key(n) {
                    self.check
                        .log
                        .push(format!("+{now}s kubeplay node start {n}"));
                    self.c.start_kubelet(n).expect("a known node");
                } else {
                    self.check
                        .log
                        .push(format!("+{now}s kubeplay node stop {n}"));
                    // Availability during a rollout is not promised when a node dies.
                    self.check.rolling.clear();
                    self.c.stop_kubelet(n).expect("a known node");
                }
            }
            4 => self.force_delete(now),
            _ => {
                let nodes = ["kind-worker", "kind-worker2"];
                let n = self.pick(&nodes);
                let taint = self.rng.below(2) == 0;
                self.check.log.push(format!("+{now}s taint {n} {taint}"));
                let mut node = get(&self.c, "Node", n);
                node["spec"]["taints"] = if taint {
                    json!([{"key": "dedicated", "value": "x", "effect": "NoSchedule"}])
                } else {
                    json!([])
                };
                let _ = self.c.update(node);
            }
        }
    }

    /// `kubectl delete pod P --force --grace-period=0`, preferring a pod on a dead node
    /// (the StatefulSet lesson's way out of a stuck Terminating pod).
    fn force_delete(&mut self, now: i64) {
        let pods: Vec<(String, String, bool)> = self
            .c
            .store
            .list("Pod", Some("default"))
            .map(|p| {
                let away = self.c.kubelet.stopped.contains_key(&node_of(p));
                (name_of(p), meta(p, "uid").to_string(), away)
            })
            .collect();
        let away: Vec<&(String, String, bool)> = pods.iter().filter(|p| p.2).collect();
        let from = if away.is_empty() {
            pods.iter().collect()
        } else {
            away
        };
        if from.is_empty() {
            return;
        }
        let (name, uid, on_dead_node) = from[self.rng.below(from.len() as u64) as usize].clone();
        self.check.external.insert(uid.clone());
        if on_dead_node {
            self.check.force_deleted_away.insert(uid);
        }
        if let Some(p) = self.c.get("Pod", "default", &name) {
            let app = app_label(p).to_string();
            self.check.rolling.remove(&app);
        }
        self.check.log.push(format!(
            "+{now}s force delete pod {name} (node away: {on_dead_node})"
        ));
        let _ = self.c.delete(
            "Pod",
            "default",
            &name,
            DeleteOptions {
                grace_period_seconds: Some(0),
                propagation: Propagation::Background,
            },
        );
    }

    /// Advances event by event, checking the journal after each.
    fn advance(&mut self, dt: i64) {
        let until = self.c.now + dt;
        while self.c.timers.next_at().is_some_and(|t| t <= until) {
            self.c.advance_to_next_event();
            self.check.follow(&self.c);
        }
        self.c.advance_to(until);
    }

    /// ReplicaSets of Deployment `name` that want pods.
    fn active_sets(&self, name: &str) -> usize {
        self.c
            .store
            .list("ReplicaSet", Some("default"))
            .filter(|rs| controller_of(rs).is_some_and(|(k, n, _)| k == "Deployment" && n == name))
            .filter(|rs| rs["spec"]["replicas"].as_i64().unwrap_or(1) > 0)
            .count()
    }

    /// Inputs that undo every obstacle a learner can leave behind, then time runs on and
    /// everything must converge.
    fn heal_and_converge(&mut self) {
        for n in ["kind-worker", "kind-worker2"] {
            if self.c.kubelet.stopped.contains_key(n) {
                self.check.log.push(format!("kubeplay node start {n}"));
                self.c.start_kubelet(n).expect("a known node");
            }
            let mut node = get(&self.c, "Node", n);
            node["spec"]["taints"] = json!([]);
            let _ = self.c.update(node);
        }
        for n in self.owners() {
            // A Recreate Deployment switched to mid-rollout and then scaled is stuck in
            // Kubernetes too: every sync is a scaling event, and `scale` resizes nothing
            // while two ReplicaSets are active (proportional scaling is RollingUpdate's).
            // A user gets out by rolling again, so the heal does that.
            let stuck_recreate = kind_of(n) == "Deployment" && self.active_sets(n) > 1;
            self.change(n, |o| {
                o["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
                o["spec"]["paused"] = Value::Null;
                if kind_of(n) != "Deployment" {
                    o["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
                } else if stuck_recreate && o["spec"]["strategy"]["type"] == "Recreate" {
                    o["spec"]["strategy"] = json!({"type": "RollingUpdate"});
                }
                if let Some(s) = o["spec"].as_object_mut() {
                    s.remove("paused");
                }
            });
        }
        // ReplicaSets orphaned from their Deployment keep their own template: fix it too.
        let orphan_sets: Vec<Value> = self
            .c
            .store
            .list("ReplicaSet", Some("default"))
            .filter(|rs| controller_of(rs).is_none())
            .map(|rs| (**rs).clone())
            .collect();
        for mut rs in orphan_sets {
            rs["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
            let _ = self.c.update(rs);
        }
        self.check.log.push("heal".into());
        // Pods stuck on a bad image need a hand (a StatefulSet never replaces them itself).
        let stuck: Vec<String> = self
            .c
            .store
            .list("Pod", Some("default"))
            .filter(|p| p["spec"]["containers"][0]["image"] == BAD && !terminating(p))
            .map(|p| name_of(p))
            .collect();
        for p in stuck {
            let uid = meta(&get(&self.c, "Pod", &p), "uid").to_string();
            self.check.external.insert(uid);
            let _ = self
                .c
                .delete("Pod", "default", &p, DeleteOptions::default());
        }
        self.check.follow(&self.c);
        self.advance(600_000);
        self.check.follow(&self.c);
        self.check.check_settled(&self.c);
        self.check_converged();
    }

    fn check_converged(&self) {
        let c = &self.c;
        let fail = |m: String| self.check.fail(format!("did not converge: {m}"));
        if !c.queue.is_empty() {
            fail("controllers still have queued work".into());
        }
        let pods: Vec<Rc<Value>> = c.store.list("Pod", Some("default")).cloned().collect();
        for p in &pods {
            if terminating(p) || !running_and_ready(p) {
                fail(format!(
                    "{} is {} (terminating: {})",
                    name_of(p),
                    p["status"]["phase"],
                    terminating(p)
                ));
            }
        }
        let nodes: Vec<String> = c
            .store
            .list("Node", None)
            .filter(|n| n["spec"]["taints"].as_array().is_none_or(|t| t.is_empty()))
            .map(|n| name_of(n))
            .collect();
        for set in SETS {
            let Some(s) = c.get("StatefulSet", "default", set) else {
                continue;
            };
            let want = s["spec"]["replicas"].as_i64().unwrap_or(1);
            let mine: Vec<String> = pods
                .iter()
                .filter(|p| controller_of(p).is_some_and(|(_, n, _)| n == *set))
                .map(|p| name_of(p))
                .collect();
            let expected: Vec<String> = (0..want).map(|i| format!("{set}-{i}")).collect();
            let mut sorted = mine.clone();
            sorted.sort_by_key(|n| n.rsplit('-').next().and_then(|o| o.parse::<i64>().ok()));
            if sorted != expected {
                fail(format!(
                    "StatefulSet {set} wants {expected:?}, has {sorted:?}"
                ));
            }
            let st = &s["status"];
            let update = st["updateRevision"].as_str().unwrap_or("");
            for p in pods.iter().filter(|p| mine.contains(&name_of(p))) {
                if p["metadata"]["labels"]["controller-revision-hash"] != update {
                    fail(format!("{} is not at update revision {update}", name_of(p)));
                }
            }
            if st["replicas"] != want
                || st["readyReplicas"].as_i64().unwrap_or(0) != want
                || st["currentRevision"] != update
                || st["observedGeneration"] != s["metadata"]["generation"]
            {
                fail(format!("StatefulSet {set} status {st}"));
            }
        }
        for ds in DAEMONS {
            let Some(d) = c.get("DaemonSet", "default", ds) else {
                continue;
            };
            let mut on: Vec<String> = pods
                .iter()
                .filter(|p| controller_of(p).is_some_and(|(_, n, _)| n == *ds))
                .map(|p| node_of(p))
                .collect();
            on.sort();
            let mut want = nodes.clone();
            want.retain(|n| n != "kind-control-plane");
            want.sort();
            if on != want {
                fail(format!(
                    "DaemonSet {ds} has pods on {on:?}, eligible nodes are {want:?}"
                ));
            }
            let st = &d["status"];
            let n = want.len() as i64;
            if st["desiredNumberScheduled"] != n
                || st["numberReady"] != n
                || st["updatedNumberScheduled"].as_i64().unwrap_or(0) != n
                || st["observedGeneration"] != d["metadata"]["generation"]
            {
                fail(format!("DaemonSet {ds} status {st}"));
            }
        }
        for dep in DEPLOYS {
            let Some(d) = c.get("Deployment", "default", dep) else {
                continue;
            };
            let want = d["spec"]["replicas"].as_i64().unwrap_or(1);
            let mine: Vec<&Rc<Value>> = pods
                .iter()
                .filter(|p| app_label(p) == *dep && !self.check.orphaned.contains(&name_of(p)))
                .collect();
            let hashes = template_hashes(&mine);
            let st = &d["status"];
            if mine.len() as i64 != want
                || hashes.len() > 1
                || st["availableReplicas"].as_i64().unwrap_or(0) != want
                || st["updatedReplicas"].as_i64().unwrap_or(0) != want
                || st["observedGeneration"] != d["metadata"]["generation"]
            {
                fail(format!(
                    "Deployment {dep}: {} pods {hashes:?}, status {st}",
                    mine.len()
                ));
            }
        }
    }
}

fn run_case(case: u64) {
    let mut k = Case {
        rng: Rng::new(case.wrapping_mul(0x9E37_79B9) ^ 0xC0FFEE),
        c: Cluster::new(ClusterConfig::with_nodes(3, case)),
        check: Checker {
            case,
            ..Checker::default()
        },
        history: BTreeMap::new(),
        extra_nodes: Vec::new(),
    };
    k.check.follow(&k.c);
    let steps = 15 + k.rng.below(25);
    for _ in 0..steps {
        k.step();
    }
    k.heal_and_converge();
}

#[test]
fn randomized_operation_sequences_keep_every_controller_invariant() {
    let cases = env("KUBEPLAY_PROPTEST_CASES", 200);
    let first = env("KUBEPLAY_PROPTEST_FIRST", 0);
    for case in first..first + cases {
        run_case(case);
    }
}
