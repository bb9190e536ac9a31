//! What the kubelet's probes do to what a user sees: a failing readiness probe takes the
//! pod out of its Service's endpoints (and a Deployment's availability), a startup probe
//! holds the liveness probe off, and a probe on a port nothing listens on is refused.

mod common;

use common::{run, write_file};
use kubeplay::kubectl::Session;

/// A command's output without the newline the terminal adds after it.
fn q(s: &mut Session, line: &str) -> String {
    run(s, line).trim_end().to_string()
}

/// The Service's endpoint addresses, without the server's deprecation warning for v1
/// Endpoints (kubectl prints it on stderr, which the session's output includes).
fn endpoints(s: &mut Session) -> String {
    q(
        s,
        "kubectl get endpoints web -o jsonpath='{.subsets[*].addresses[*].ip}'",
    )
    .lines()
    .filter(|l| !l.starts_with("Warning: v1 Endpoints is deprecated"))
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn readiness_moves_the_pod_in_and_out_of_its_services_endpoints() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "web.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n    readinessProbe:\n      httpGet:\n        path: /ready.html\n        port: 80\n      periodSeconds: 2\n",
    );
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl expose pod web --port 80");
    run(&mut s, "sleep 10");
    assert_eq!(endpoints(&mut s), "", "not ready: no endpoint address");
    run(
        &mut s,
        "kubectl exec web -- sh -c 'echo ok > /usr/share/nginx/html/ready.html'",
    );
    run(&mut s, "sleep 3");
    let ip = q(&mut s, "kubectl get pod web -o jsonpath='{.status.podIP}'");
    assert_eq!(endpoints(&mut s), ip, "ready: the pod's IP is an endpoint");
    run(
        &mut s,
        "kubectl exec web -- rm /usr/share/nginx/html/ready.html",
    );
    run(&mut s, "sleep 7");
    assert_eq!(endpoints(&mut s), "", "failing again: out of the endpoints");
    let restarts = q(
        &mut s,
        "kubectl get pod web -o jsonpath='{.status.containerStatuses[0].restartCount}'",
    );
    assert_eq!(restarts, "0", "a readiness failure never restarts");
}

#[test]
fn a_deployment_is_available_only_once_its_pods_pass_readiness() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        readinessProbe:\n          tcpSocket:\n            port: 80\n          initialDelaySeconds: 20\n          periodSeconds: 5\n",
    );
    run(&mut s, "kubectl apply -f d.yaml");
    run(&mut s, "sleep 12");
    let available = |s: &mut Session| {
        q(
            s,
            "kubectl get deploy web -o jsonpath='{.status.availableReplicas}'",
        )
    };
    assert_eq!(
        available(&mut s),
        "",
        "running but inside initialDelaySeconds"
    );
    run(&mut s, "sleep 20");
    assert_eq!(available(&mut s), "1");
}

#[test]
fn a_startup_probe_holds_liveness_off_and_a_refused_port_fails_it() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "p.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  containers:\n  - name: c\n    image: nginx\n    livenessProbe:\n      tcpSocket:\n        port: 80\n      periodSeconds: 1\n      failureThreshold: 1\n    startupProbe:\n      tcpSocket:\n        port: 8080\n      periodSeconds: 2\n      failureThreshold: 3\n",
    );
    run(&mut s, "kubectl apply -f p.yaml");
    run(&mut s, "sleep 30");
    let events = q(
        &mut s,
        "kubectl get events --field-selector reason=Unhealthy -o jsonpath='{.items[*].message}'",
    );
    assert!(
        events.starts_with("Startup probe failed: dial tcp 10.244.")
            && events.contains(":8080: connect: connection refused"),
        "{events}"
    );
    assert!(!events.contains("Liveness"), "{events}");
    let killing = q(
        &mut s,
        "kubectl get events --field-selector reason=Killing -o jsonpath='{.items[0].message}'",
    );
    assert_eq!(
        killing,
        "Container c failed startup probe, will be restarted"
    );
    let started = q(
        &mut s,
        "kubectl get pod slow -o jsonpath='{.status.containerStatuses[0].started}'",
    );
    assert_eq!(started, "false");
}
