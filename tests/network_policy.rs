//! NetworkPolicy as a learner meets it: a dropped connection takes its timeout in virtual
//! time, the why log names the policy that isolated the pod, and a container whose main
//! process keeps fetching (the HPA load generator's loop) waits on each dropped request.
//! And an Ingress on a cluster without an ingress controller: stored, never served, with
//! an empty ADDRESS the why log explains.

mod common;

use common::{run, write_file};
use kubeplay::kubectl::Session;

const DENY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n";

/// A web Deployment behind a Service, and a busybox client pod, all running.
fn cluster() -> Session {
    let mut s = Session::new(2, 4);
    run(&mut s, "kubectl create deployment web --image=nginx:1.27");
    run(&mut s, "kubectl expose deployment web --port=80");
    run(
        &mut s,
        "kubectl run client --image=busybox:1.36 --restart=Never -- sleep 3600",
    );
    run(&mut s, "sleep 10");
    s
}

fn seconds(s: &mut Session) -> i64 {
    run(s, "kubectl exec client -- date +%s")
        .trim()
        .parse()
        .expect("date +%s prints seconds")
}

#[test]
fn a_dropped_request_waits_for_the_clients_timeout_in_virtual_time() {
    let mut s = cluster();
    write_file(&mut s, "deny.yaml", DENY);
    run(&mut s, "kubectl apply -f deny.yaml");
    let before = seconds(&mut s);
    let out = run(&mut s, "kubectl exec client -- wget -qO- -T 3 web");
    assert!(out.contains("wget: download timed out"), "{out}");
    assert_eq!(seconds(&mut s) - before, 3, "wget -T 3 gives up after 3 s");

    let before = seconds(&mut s);
    let out = run(&mut s, "kubectl exec client -- wget -qO- web");
    assert!(
        out.contains("Connection timed out"),
        "without -T the kernel gives up on the SYN: {out}"
    );
    assert_eq!(seconds(&mut s) - before, 127);

    let out = run(
        &mut s,
        "kubectl exec client -- curl --connect-timeout 2 web",
    );
    assert!(
        out.contains("curl: (28) Connection timed out after 2001 milliseconds"),
        "{out}"
    );
    assert!(out.contains("exit code 28"), "{out}");
}

#[test]
fn the_why_log_names_the_policy_that_dropped_the_connection() {
    let mut s = cluster();
    write_file(&mut s, "deny.yaml", DENY);
    run(&mut s, "kubectl apply -f deny.yaml");
    run(&mut s, "kubectl exec client -- wget -qO- -T 1 web");
    let line = s
        .why_log()
        .iter()
        .rev()
        .find(|w| w.controller == "kindnet")
        .expect("a kindnet line");
    assert!(
        line.name.starts_with("web-"),
        "filed under the isolated pod"
    );
    assert!(
        line.text
            .contains("NetworkPolicy default/default-deny isolates")
            && line.text.contains("for ingress"),
        "{}",
        line.text
    );
}

#[test]
fn a_fetching_loop_waits_on_every_dropped_request() {
    let mut s = cluster();
    write_file(&mut s, "deny.yaml", DENY);
    run(&mut s, "kubectl apply -f deny.yaml");
    run(
        &mut s,
        "kubectl run load --image=busybox:1.36 --restart=Never -- /bin/sh -c 'while true; do wget -q -T 5 -O- http://web; done'",
    );
    run(&mut s, "sleep 31");
    let logs = run(&mut s, "kubectl logs load");
    let timeouts = logs.matches("wget: download timed out").count();
    // Started a second or two into the 31 s: five or six 5-second waits, not thousands.
    assert!((5..=6).contains(&timeouts), "{timeouts} in {logs}");
}

#[test]
fn an_ingress_is_stored_but_nothing_serves_it_and_the_why_log_says_so() {
    let mut s = cluster();
    run(&mut s, "kubectl create ingress web --rule=foo.com/=web:80");
    let row = run(&mut s, "kubectl get ing web --no-headers");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[..3], ["web", "<none>", "foo.com"], "{row}");
    assert_eq!(cells[3], "80", "no ADDRESS: the next cell is PORTS");
    let line = s
        .why_log()
        .iter()
        .rev()
        .find(|w| w.kind == "Ingress")
        .expect("a why line about the Ingress");
    assert!(
        line.text.contains("no ingress controller") && line.text.contains("ADDRESS stays empty"),
        "{}",
        line.text
    );
}
