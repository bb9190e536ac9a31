//! `kubectl apply -f` in the browser writes its documents a few per task
//! (`Session::write_some`), so that a 10,000-line manifest never holds the page. These
//! tests hold it to what a learner notices: the same lines, errors, exit status and
//! virtual times as writing everything at once; a Ctrl-C part of the way stops it there,
//! and replaying the session's inputs (rewind, reload, share links) stops it at the same
//! document.

use kubeplay::engine::ClusterConfig;
use kubeplay::kubectl::session::Input;
use kubeplay::kubectl::Session;

/// `n` ConfigMaps, `cm-0` … .
fn manifest(n: usize) -> String {
    (0..n)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  index: \"{i}\"\n---\n"))
        .collect()
}

/// A fresh session with `files` written, sliced or not.
fn session(sliced: bool, files: &[(&str, &str)]) -> Session {
    let mut s = Session::with_config(ClusterConfig::with_nodes(1, 7));
    s.slice_writes(sliced);
    for (path, text) in files {
        s.write_file(path, text).unwrap();
    }
    s
}

/// Runs `line`; a sliced session writes one document per call until the prompt is free.
/// Returns the transcript of the whole session and the number of calls.
fn run(s: &mut Session, line: &str) -> (String, usize) {
    s.submit(line);
    let mut calls = 0;
    while s.is_writing() {
        s.write_some(&mut || false);
        calls += 1;
    }
    s.run_blocking();
    (transcript(s), calls)
}

fn transcript(s: &Session) -> String {
    s.transcript()
        .map(|l| format!("{:?} {}\n", l.stream, l.text))
        .collect()
}

fn configmaps(s: &mut Session) -> usize {
    s.query("get cm --no-headers")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("cm-"))
        .count()
}

/// A manifest with a document kubectl refuses in the middle, and a file that is missing
/// one of its parts: errors, their order and the exit status.
const BAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\nkind: ConfigMap\nmetadata:\n  name: no-version\n---\napiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n";

#[test]
fn a_sliced_apply_prints_the_same_bytes_at_the_same_virtual_time_as_one_that_writes_at_once() {
    let big = manifest(120);
    let files = [
        ("big.yaml", big.as_str()),
        ("bad.yaml", BAD),
        ("broken.yaml", "a: [\n"),
    ];
    // Each line, and whether the page writes it in slices: only an apply whose output is
    // the terminal's (a pipe reads all of it at once; `$(…)` runs to its end).
    for (line, in_slices) in [
        ("kubectl apply -f big.yaml", true),
        (
            "kubectl apply -f bad.yaml -f big.yaml -f broken.yaml; echo status $?",
            true,
        ),
        ("kubectl create -f big.yaml -o name && echo created", true),
        (
            "kubectl apply -f bad.yaml 2>/dev/null; echo status $?",
            true,
        ),
        (
            "kubectl apply -f big.yaml -f bad.yaml --dry-run=server | tail -2; echo status $?",
            false,
        ),
        ("kubectl apply -f big.yaml 2>&1 >/dev/null | head -1", false),
        ("echo $(kubectl apply -f bad.yaml 2>&1 | wc -l)", false),
    ] {
        let mut at_once = session(false, &files);
        let mut sliced = session(true, &files);
        let (expected, _) = run(
            &mut at_once,
            "kubectl apply -f big.yaml --dry-run=client | tail -1",
        );
        let (got, _) = run(
            &mut sliced,
            "kubectl apply -f big.yaml --dry-run=client | tail -1",
        );
        assert_eq!(got, expected);
        let (expected, _) = run(&mut at_once, line);
        let (got, calls) = run(&mut sliced, line);
        assert_eq!(got, expected, "{line}");
        assert_eq!(sliced.last_status(), at_once.last_status(), "{line}");
        assert_eq!(sliced.now_ms(), at_once.now_ms(), "{line}");
        assert_eq!(sliced.inputs(), at_once.inputs(), "{line}");
        assert_eq!(
            sliced.query("get cm -o yaml"),
            at_once.query("get cm -o yaml"),
            "{line}: the objects, their times and versions"
        );
        assert_eq!(calls > 1, in_slices, "{line}: {calls} calls");
    }
}

#[test]
fn the_clock_waits_for_a_sliced_apply_and_what_follows_runs_after_it() {
    let big = manifest(50);
    let mut s = session(true, &[("big.yaml", &big)]);
    s.submit("kubectl apply -f big.yaml && kubectl get cm cm-49 --no-headers | wc -l");
    assert!(s.is_writing() && s.is_busy());
    // A line typed meanwhile is not taken (the page queues it until the prompt is free).
    assert!(s.submit("kubectl get cm").is_empty());
    let typed_at = s.now_ms();
    s.write_some(&mut || false);
    // Time passing finishes the apply first, at the moment it was typed.
    let out = s.tick(5_000);
    assert!(!s.is_writing());
    assert_eq!(out.last().map(|l| l.text.as_str()), Some("1"));
    assert_eq!(s.now_ms(), typed_at + 5_000);
    assert_eq!(configmaps(&mut s), 50);
    let at = s
        .query("get cm cm-49 -o jsonpath={.metadata.creationTimestamp}")
        .unwrap();
    let first = s
        .query("get cm cm-0 -o jsonpath={.metadata.creationTimestamp}")
        .unwrap();
    assert_eq!(at, first);
    assert_eq!(
        s.inputs().len(),
        2,
        "the line typed during the apply was not logged"
    );
}

#[test]
fn ctrl_c_stops_a_sliced_apply_where_it_is_and_a_replay_stops_at_the_same_document() {
    let big = manifest(100);
    let mut s = session(true, &[("big.yaml", &big)]);
    s.submit("kubectl apply -f big.yaml -f missing-later.yaml");
    // `missing-later.yaml` is refused before anything is written.
    assert!(!s.is_writing());
    s.submit("kubectl apply -f big.yaml; echo after");
    for _ in 0..3 {
        let mut n = 0;
        s.write_some(&mut || {
            n += 1;
            n < 10
        });
    }
    assert!(s.is_writing());
    s.interrupt();
    assert!(!s.is_busy());
    assert_eq!(s.last_status(), 130);
    assert_eq!(configmaps(&mut s), 30);
    assert_eq!(
        s.inputs().last().map(|i| &i.input),
        Some(&Input::InterruptAfter { documents: 30 })
    );
    let shown = transcript(&s);
    assert!(
        shown.contains("Out configmap/cm-29 created\nOut ^C\n"),
        "{shown}"
    );
    assert!(
        !shown.contains("Out after\n"),
        "what came after the apply does not run"
    );
    s.submit("kubectl get cm cm-30");
    let now = s.now_ms();

    let replayed = Session::replay(ClusterConfig::with_nodes(1, 7), s.inputs(), now);
    assert_eq!(transcript(&replayed), transcript(&s));
    assert_eq!(replayed.inputs(), s.inputs());
    assert_eq!(replayed.last_status(), s.last_status());
    // A replayed session writes at once again, as native sessions do.
    let mut replayed = replayed;
    replayed.submit("kubectl apply -f big.yaml");
    assert!(!replayed.is_writing());
    assert_eq!(configmaps(&mut replayed), 100);
}

#[test]
fn a_replay_of_a_finished_sliced_apply_is_the_live_session() {
    let big = manifest(80);
    let mut s = session(true, &[("big.yaml", &big)]);
    run(&mut s, "kubectl apply -f big.yaml");
    s.tick(3_000);
    run(
        &mut s,
        "kubectl apply -f big.yaml; kubectl get cm cm-79 -o name",
    );
    s.tick(1_000);
    let replayed = Session::replay(ClusterConfig::with_nodes(1, 7), s.inputs(), s.now_ms());
    assert_eq!(transcript(&replayed), transcript(&s));
    assert_eq!(replayed.now_ms(), s.now_ms());
    assert!(transcript(&s).contains("Out configmap/cm-79 unchanged\nOut configmap/cm-79\n"));
}
