//! The shell's `watch` (procps-ng `watch.c`) and `kubectl events` (kubectl v0.34.10
//! `pkg/cmd/events/{events.go,event_printer.go}`).

mod common;

use common::run;
use kubeplay::kubectl::Session;

#[test]
fn watch_prints_a_title_a_blank_line_and_the_output_every_interval_until_timeout() {
    let mut s = Session::new(3, 1);
    assert_eq!(
        run(&mut s, "timeout 5 watch -n 2 echo hi"),
        "Every 2.0s: echo hi\n\nhi\nEvery 2.0s: echo hi\n\nhi\nEvery 2.0s: echo hi\n\nhi\n"
    );
    assert_eq!(s.last_status(), 124);
}

#[test]
fn watch_defaults_to_two_seconds_and_runs_pipes_as_sh_c_would() {
    let mut s = Session::new(3, 1);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let out = run(&mut s, "timeout 1 watch 'kubectl get deploy | grep -c web'");
    assert_eq!(out, "Every 2.0s: kubectl get deploy | grep -c web\n\n1\n");
}

#[test]
fn watch_in_the_runner_ends_once_the_cluster_has_settled() {
    let mut s = Session::new(3, 1);
    run(&mut s, "kubectl create deployment web --image=nginx");
    let out = run(&mut s, "watch kubectl get deploy");
    let screens = out.matches("Every 2.0s: kubectl get deploy\n\n").count();
    assert!(screens > 1 && screens < 20, "{out}");
    let last = out.rsplit("Every 2.0s").next().unwrap_or("");
    assert!(last.contains("web    1/1"), "{out}");
    assert!(!s.is_busy());
}

#[test]
fn watch_clamps_tiny_intervals_and_rejects_non_numbers_like_procps() {
    let mut s = Session::new(3, 1);
    assert!(run(&mut s, "timeout 0.05 watch -n 0.01 echo x").starts_with("Every 0.1s: echo x\n"));
    assert_eq!(
        run(&mut s, "watch -n abc echo x"),
        "watch: failed to parse argument: 'abc'\n"
    );
    assert_eq!(s.last_status(), 1);
    assert_eq!(run(&mut s, "timeout 1 watch -t echo x"), "x\n");
}

#[test]
fn ctrl_c_stops_a_watch() {
    let mut s = Session::new(3, 1);
    let first = s.submit("watch -n 1 echo x");
    assert_eq!(first.len(), 3);
    assert!(s.is_busy());
    assert_eq!(s.tick(1000).len(), 3);
    s.interrupt();
    assert!(!s.is_busy());
    assert_eq!(s.last_status(), 130);
}

#[test]
fn kubectl_events_lists_oldest_first_with_kind_slash_name() {
    let mut s = Session::new(3, 1);
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "sleep 10");
    let out = run(&mut s, "kubectl events");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "LAST SEEN   TYPE     REASON              OBJECT                      MESSAGE"
    );
    assert!(
        lines[1].contains("Normal   Scheduled           Pod/web-"),
        "{out}"
    );
    assert!(
        lines[2].contains("SuccessfulCreate    ReplicaSet/web-"),
        "{out}"
    );
    assert!(
        lines[3].starts_with("10s         Normal   ScalingReplicaSet   Deployment/web              Scaled up replica set web-"),
        "{out}"
    );
    assert!(lines
        .last()
        .is_some_and(|l| l.contains("Started container nginx")));
}

#[test]
fn kubectl_events_filters_by_object_and_type() {
    let mut s = Session::new(3, 1);
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "sleep 10");
    let out = run(&mut s, "kubectl events --for deployment/web");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("Deployment/web"));
    assert_eq!(
        run(&mut s, "kubectl events --types Warning"),
        "No events found in default namespace.\n"
    );
    assert_eq!(
        run(&mut s, "kubectl events -A --types=Warning"),
        "No events found.\n"
    );
    assert_eq!(
        run(&mut s, "kubectl events --types Info"),
        "error: valid --types are Normal or Warning\n"
    );
    assert_eq!(
        run(&mut s, "kubectl events --for web"),
        "error: --for must be in resource/name form\n"
    );
}

#[test]
fn kubectl_events_watch_prints_existing_events_then_new_ones_under_one_header() {
    let mut s = Session::new(3, 1);
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "sleep 10");
    let out = run(&mut s, "timeout 20 kubectl events -w --for deployment/web");
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = run(
        &mut s,
        "kubectl scale deploy web --replicas=2 && timeout 5 kubectl events -w --for deployment/web",
    );
    assert_eq!(out.matches("LAST SEEN").count(), 1, "{out}");
    assert!(out.contains("from 1 to 2"), "{out}");
}

#[test]
fn kubectl_get_events_lists_in_name_order() {
    let mut s = Session::new(3, 1);
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "sleep 10");
    let names = run(&mut s, "kubectl get events -o name");
    let mut sorted: Vec<&str> = names.lines().collect();
    sorted.sort();
    assert_eq!(names.lines().collect::<Vec<_>>(), sorted);
}
