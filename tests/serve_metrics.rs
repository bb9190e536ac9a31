//! `kubeplay serve`'s metrics.k8s.io/v1beta1, as metrics-server 0.7 answers it: the group in
//! discovery, PodMetrics and NodeMetrics lists and gets in its JSON shape (nanocores,
//! binary memory, timestamp and window), label selectors, and its refusals. The real
//! kubectl's `top` through serve is checked by `scripts/diff-kubectl.py`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/serve.rs"]
mod serve_start;
use serde_json::{json, Value};
use serve_start::{call, start};
use std::io::{Read, Write};
use std::net::TcpStream;

fn pod(name: &str, app: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": app}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    }))
    .unwrap()
}

/// A CPU quantity as metrics-server writes nanocores: `123n`, or canonical `1m`, `0`.
fn is_cpu(q: &Value) -> bool {
    let s = q.as_str().unwrap_or("");
    s == "0" || (s.len() > 1 && (s.ends_with('n') || s.ends_with('m')))
}

/// A memory quantity in a binary suffix.
fn is_memory(q: &Value) -> bool {
    let s = q.as_str().unwrap_or("");
    s.ends_with("Ki") || s.ends_with("Mi")
}

#[test]
fn pod_and_node_metrics_are_served_in_metrics_servers_shape() {
    let server = start();
    let addr = server.addr;
    for (name, app) in [("web", "web"), ("db", "db")] {
        let (code, _) = call(
            addr,
            "POST",
            "/api/v1/namespaces/default/pods",
            &pod(name, app),
        );
        assert_eq!(code, 201);
    }
    let (code, _) = call(addr, "POST", "/kubeplay/v1/sleep?seconds=30", b"");
    assert_eq!(code, 200);

    let (code, list) = call(
        addr,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
        b"",
    );
    assert_eq!(code, 200, "{list}");
    assert_eq!(list["kind"], "PodMetricsList");
    assert_eq!(list["apiVersion"], "metrics.k8s.io/v1beta1");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["db", "web"], "namespace/name order");
    let web = &list["items"][1];
    assert_eq!(web["metadata"]["labels"], json!({"app": "web"}));
    assert!(web["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(web["window"].as_str().unwrap().ends_with('s'));
    let usage = &web["containers"][0]["usage"];
    assert_eq!(web["containers"][0]["name"], "c");
    assert!(
        is_cpu(&usage["cpu"]) && is_memory(&usage["memory"]),
        "{usage}"
    );

    let (_, selected) = call(
        addr,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb",
        b"",
    );
    assert_eq!(selected["items"].as_array().unwrap().len(), 1);
    assert_eq!(selected["items"][0]["metadata"]["namespace"], "default");

    let (code, one) = call(
        addr,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web",
        b"",
    );
    assert_eq!((code, &one["kind"]), (200, &json!("PodMetrics")));
    let (code, missing) = call(
        addr,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope",
        b"",
    );
    assert_eq!(code, 404);
    assert_eq!(missing["message"], "pods \"nope\" not found");

    let (_, nodes) = call(addr, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", b"");
    assert_eq!(nodes["kind"], "NodeMetricsList");
    let node = &nodes["items"][0];
    assert!(
        is_cpu(&node["usage"]["cpu"]) && is_memory(&node["usage"]["memory"]),
        "{node}"
    );
    let (code, _) = call(addr, "GET", "/apis/metrics.k8s.io/v1beta1/nodes/nope", b"");
    assert_eq!(code, 404);
    let (code, _) = call(
        addr,
        "DELETE",
        "/apis/metrics.k8s.io/v1beta1/nodes/kind-control-plane",
        b"",
    );
    assert_eq!(code, 405);
    server.stop();
}

#[test]
fn discovery_lists_the_metrics_group_in_both_forms() {
    let server = start();
    let addr = server.addr;
    let (_, groups) = call(addr, "GET", "/apis", b"");
    let metrics = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "metrics.k8s.io")
        .expect("metrics.k8s.io in /apis");
    assert_eq!(
        metrics["preferredVersion"]["groupVersion"],
        "metrics.k8s.io/v1beta1"
    );
    let (code, resources) = call(addr, "GET", "/apis/metrics.k8s.io/v1beta1", b"");
    assert_eq!(code, 200);
    let kinds: Vec<&str> = resources["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["NodeMetrics", "PodMetrics"]);

    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!("GET /apis HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList\r\nConnection: close\r\n\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let body: Value = serde_json::from_str(raw.split_once("\r\n\r\n").unwrap().1).unwrap();
    let last = body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["metadata"]["name"], "metrics.k8s.io");
    assert_eq!(last["versions"][0]["version"], "v1beta1");
    server.stop();
}
