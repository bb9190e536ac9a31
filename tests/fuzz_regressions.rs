//! Inputs the session fuzzer (`tests/fuzz_session.rs`) once made panic, kept as
//! sentences of what must happen instead.

use kubeplay::kubectl::Session;

/// Runs each line as the native runner does and returns everything printed.
fn run(s: &mut Session, line: &str) -> String {
    let mut lines = s.submit(line);
    lines.extend(s.run_blocking());
    lines
        .iter()
        .map(|l| format!("{}\n", l.text))
        .collect::<String>()
}

#[test]
fn applying_a_manifest_whose_metadata_is_a_list_fails_without_panicking() {
    let mut s = Session::new(1, 1);
    let manifest = "cat <<'EOF' > m.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n- a: b\nEOF";
    for line in manifest.lines() {
        run(&mut s, line);
    }
    let out = run(&mut s, "kubectl apply -f m.yaml");
    assert_ne!(s.last_status(), 0, "{out}");
    assert!(out.contains("is invalid"), "{out}");
    let out = run(&mut s, "kubectl create -f m.yaml --save-config");
    assert_ne!(s.last_status(), 0, "{out}");
}
