//! Manifests and small readers shared by the engine integration tests.
#![allow(dead_code)]

use kubeplay::engine::api::discovery::RESOURCES;
use kubeplay::engine::{Cluster, Millis};
use kubeplay::kubectl::Session;
use serde_json::{json, Value};

pub fn statefulset(name: &str, replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "serviceName": name, "replicas": replicas,
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": image}]}}
        }
    })
}

pub fn daemonset(name: &str, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": image}]}}
        }
    })
}

pub fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": image}]}}
        }
    })
}

pub fn pod(name: &str, image: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"run": name}},
        "spec": {"containers": [{"name": name, "image": image}]}
    })
}

/// The stored object (cloned) or a test failure naming it.
pub fn get(c: &Cluster, kind: &str, name: &str) -> Value {
    let namespaced = kubeplay::engine::kinds::by_kind(kind).is_none_or(|k| k.namespaced);
    c.get(kind, if namespaced { "default" } else { "" }, name)
        .map(|o| (**o).clone())
        .unwrap_or_else(|| panic!("{kind} {name} not found"))
}

/// Reads, changes and writes back an object through the API server.
pub fn modify(c: &mut Cluster, kind: &str, name: &str, change: impl FnOnce(&mut Value)) {
    let mut obj = get(c, kind, name);
    change(&mut obj);
    c.update(obj)
        .unwrap_or_else(|e| panic!("update {kind} {name}: {e}"));
}

pub fn set_image(c: &mut Cluster, kind: &str, name: &str, image: &str) {
    modify(c, kind, name, |o| {
        o["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image)
    });
}

pub fn name_of(obj: &Value) -> String {
    obj["metadata"]["name"].as_str().unwrap_or("").to_string()
}

/// Every object of every kind, one line per object, in a stable order.
pub fn store_dump(c: &Cluster) -> String {
    let mut out = String::new();
    for k in RESOURCES {
        for o in c.store.list(k.kind, None) {
            out.push_str(k.kind);
            out.push(' ');
            out.push_str(&o.to_string());
            out.push('\n');
        }
    }
    out
}

/// The whole watch journal, one line per entry: rv, type, kind, namespace/name, object.
pub fn journal_dump(c: &Cluster) -> String {
    let mut out = String::new();
    for e in c.store.events_since(0).unwrap_or_default() {
        out.push_str(&format!(
            "{} {} {} {}/{} {}\n",
            e.resource_version,
            e.event_type.as_str(),
            e.kind,
            e.namespace,
            e.name,
            *e.object
        ));
    }
    out
}

/// Advances event by event until `done` holds, failing after `limit` virtual ms.
pub fn advance_until(c: &mut Cluster, limit: Millis, what: &str, done: impl Fn(&Cluster) -> bool) {
    let until = c.now + limit;
    while !done(c) {
        assert!(c.now <= until, "{what}: not reached within {limit} ms");
        if !c.advance_to_next_event() {
            assert!(done(c), "{what}: no more events and not reached");
            return;
        }
    }
}

/// Runs one terminal line as the native runner does and returns everything it printed.
/// Writes `text` to `path` in the session's filesystem, through the shell as a learner would.
pub fn write_file(s: &mut Session, path: &str, text: &str) {
    run(s, &format!("cat > {path} <<'EOF'\n{text}EOF"));
}

/// A Deployment `web` of one nginx container, as a manifest with `replicas` written as given.
pub fn web_deployment_yaml(replicas: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n")
}

pub fn run(s: &mut Session, line: &str) -> String {
    let mut lines = s.submit(line);
    lines.extend(s.run_blocking());
    lines.iter().map(|l| format!("{}\n", l.text)).collect()
}

/// A number from the environment (`KUBEPLAY_PROPTEST_CASES`, …), or `default`.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
