//! `kubeplay serve` over real TCP: a client lists pods and watches one being created, and
//! bad requests (malformed JSON, unknown kinds and paths, a 10 MB body) get a
//! metav1.Status, never a dropped connection or a dead server. The client here is a few
//! lines over `TcpStream` (HTTP/1.1 with `Connection: close`); the real kubectl's run is
//! `scripts/diff-kubectl.py`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/serve.rs"]
mod serve_start;
use serde_json::{json, Value};
use serve_start::{call, call_typed, connect, start};
use std::io::{BufRead, BufReader, Read};

fn pod(name: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
    .unwrap()
}

#[test]
fn a_client_lists_pods_and_watches_one_being_created() {
    let server = start();
    let addr = server.addr;
    let (code, list) = call(addr, "GET", "/api/v1/namespaces/default/pods", b"");
    assert_eq!(code, 200);
    assert_eq!(list["kind"], "PodList");
    assert_eq!(list["items"], json!([]));
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let watch = connect(
        addr,
        "GET",
        &format!("/api/v1/namespaces/default/pods?watch=1&resourceVersion={rv}&timeoutSeconds=60"),
        "application/json",
        b"",
    );
    let (code, created) = call(
        addr,
        "POST",
        "/api/v1/namespaces/default/pods",
        &pod("hello"),
    );
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["metadata"]["name"], "hello");

    // Chunked JSON lines: skip the head, chunk sizes and blank keep-alive lines.
    let mut phases = Vec::new();
    for line in BufReader::new(watch).lines() {
        let Ok(line) = line else { break };
        let Ok(event) = serde_json::from_str::<Value>(line.trim()) else {
            continue;
        };
        if !event.is_object() {
            continue;
        }
        assert_eq!(event["object"]["metadata"]["name"], "hello");
        phases.push(format!(
            "{} {}",
            event["type"].as_str().unwrap(),
            event["object"]["status"]["phase"].as_str().unwrap_or("-")
        ));
        if phases.last().unwrap().ends_with("Running") {
            break;
        }
    }
    assert_eq!(phases.first().map(String::as_str), Some("ADDED Pending"));
    assert_eq!(phases.last().map(String::as_str), Some("MODIFIED Running"));
    server.stop();
}

#[test]
fn bad_requests_get_a_status_and_the_server_lives_on() {
    let server = start();
    let addr = server.addr;
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "POST",
            "/api/v1/namespaces/default/pods",
            b"{not json".to_vec(),
            400,
            "BadRequest",
        ),
        (
            "POST",
            "/api/v1/namespaces/default/pods",
            b"[1,2]".to_vec(),
            400,
            "BadRequest",
        ),
        (
            "POST",
            "/api/v1/namespaces/default/pods",
            b"".to_vec(),
            400,
            "BadRequest",
        ),
        (
            "POST",
            "/api/v1/namespaces/default/widgets",
            pod("x"),
            404,
            "NotFound",
        ),
        (
            "GET",
            "/apis/nope.example.com/v1/things",
            vec![],
            404,
            "NotFound",
        ),
        (
            "GET",
            "/api/v1/namespaces/default/pods/missing",
            vec![],
            404,
            "NotFound",
        ),
        (
            "GET",
            "/api/v1/namespaces/default/pods/a/b/c/d",
            vec![],
            404,
            "NotFound",
        ),
        (
            "GET",
            "/api/v1/pods?labelSelector=%3D%3D%3D",
            vec![],
            400,
            "BadRequest",
        ),
        (
            "GET",
            "/api/v1/pods?fieldSelector=nonsense",
            vec![],
            400,
            "BadRequest",
        ),
        (
            "PATCH",
            "/api/v1/namespaces/default/pods/missing",
            b"{}".to_vec(),
            404,
            "NotFound",
        ),
        (
            "POST",
            "/api/v1/namespaces/default/pods",
            vec![b' '; 10 * 1024 * 1024],
            413,
            "RequestEntityTooLarge",
        ),
        (
            "POST",
            "/kubeplay/v1/sleep?seconds=-5",
            vec![],
            400,
            "BadRequest",
        ),
        (
            "DELETE",
            "/api/v1/namespaces/default/pods/missing?propagationPolicy=Sideways",
            vec![],
            400,
            "BadRequest",
        ),
    ];
    for (method, path, body, code, reason) in cases {
        let (got, status) = call(addr, method, path, &body);
        assert_eq!(
            (got, status["reason"].as_str()),
            (code, Some(reason)),
            "{method} {path}: {status}"
        );
        assert_eq!(status["kind"], "Status");
    }
    // A Pod body posted where Deployments live is refused, not stored as a Deployment.
    let (code, _) = call(
        addr,
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        &pod("p"),
    );
    assert_eq!(code, 400);
    // Garbage paths and bodies: every answer is HTTP with a JSON body, and the server
    // still answers afterwards.
    let mut seed = 7u64;
    for _ in 0..200 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = |n: u64, s: u64| (s >> 33) % n;
        let paths = [
            "/api/v1/",
            "/apis/apps/v1/namespaces/x/",
            "/api/v1/namespaces/%zz/pods/",
            "/openapi/v3/apis/",
            "/",
        ];
        let tails = [
            "pods",
            "statefulsets/web/scale",
            "nodes/n/status",
            "",
            "..%2F..",
            "pods?watch=abc&resourceVersion=x",
        ];
        let path = format!(
            "{}{}",
            paths[pick(5, seed) as usize],
            tails[pick(6, seed >> 3) as usize]
        );
        let method = ["GET", "POST", "PUT", "PATCH", "DELETE"][pick(5, seed >> 7) as usize];
        let body: Vec<u8> = (0..pick(64, seed >> 11))
            .map(|i| (seed >> (i % 50)) as u8)
            .collect();
        let mut s = connect(addr, method, &path, "application/json", &body);
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        assert!(raw.starts_with(b"HTTP/1.1 "), "{method} {path}");
    }
    let (code, _) = call(addr, "GET", "/version", b"");
    assert_eq!(code, 200);
    server.stop();
}

#[test]
fn server_side_apply_creates_conflicts_and_forces_by_field_manager() {
    let server = start();
    let addr = server.addr;
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let manifest = |replicas: u32| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - {{name: nginx, image: nginx}}\n")
    };
    let apply = |query: &str, replicas: u32| {
        call_typed(
            addr,
            "PATCH",
            &format!("{path}?{query}"),
            "application/apply-patch+yaml",
            manifest(replicas).as_bytes(),
        )
    };
    let (code, status) = apply("", 2);
    assert_eq!(code, 422, "{status}");
    assert_eq!(
        status["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
    );
    let (code, created) = apply("fieldManager=a", 2);
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["metadata"]["managedFields"][0]["manager"], "a");
    assert_eq!(
        created["metadata"]["managedFields"][0]["operation"],
        "Apply"
    );
    let (code, conflict) = apply("fieldManager=b", 3);
    assert_eq!(code, 409, "{conflict}");
    assert_eq!(
        conflict["message"],
        "Apply failed with 1 conflict: conflict with \"a\": .spec.replicas"
    );
    let (code, dry) = apply("fieldManager=b&force=true&dryRun=All", 3);
    assert_eq!((code, dry["spec"]["replicas"].clone()), (200, json!(3)));
    let (_, live) = call(addr, "GET", path, b"");
    assert_eq!(live["spec"]["replicas"], 2);
    // Nothing was written: the dry run's answer has the live resourceVersion.
    assert_eq!(
        dry["metadata"]["resourceVersion"],
        live["metadata"]["resourceVersion"]
    );
    let (code, forced) = apply("fieldManager=b&force=true", 3);
    assert_eq!((code, forced["spec"]["replicas"].clone()), (200, json!(3)));
    let managers: Vec<&str> = forced["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    // Applies first, then the deployment controller's status entry.
    assert_eq!(managers, ["a", "b", "kube-controller-manager"]);
}

#[test]
fn a_create_the_server_warns_about_carries_a_warning_header_per_warning() {
    let server = start();
    let body = serde_json::to_vec(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "frac"},
        "spec": {"containers": [{"name": "c", "image": "nginx",
            "resources": {"requests": {"memory": "1500m"}},
            "env": [{"name": "X", "value": "1"}, {"name": "X", "value": "2"}]}]}
    }))
    .unwrap();
    let mut reply = String::new();
    connect(
        server.addr,
        "POST",
        "/api/v1/namespaces/default/pods",
        "application/json",
        &body,
    )
    .read_to_string(&mut reply)
    .unwrap();
    let head = reply.split("\r\n\r\n").next().unwrap();
    let warnings: Vec<&str> = head
        .lines()
        .filter_map(|l| l.strip_prefix("Warning: "))
        .collect();
    assert_eq!(
        warnings,
        vec![
            r#"299 - "spec.containers[0].resources.requests[memory]: fractional byte value \"1500m\" is invalid, must be an integer""#,
            r#"299 - "spec.containers[0].env[1]: hides previous definition of \"X\", which may be dropped when using apply""#,
        ],
        "{head}"
    );
}
