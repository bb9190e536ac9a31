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
    // kubectl decodes every object's metadata into ObjectMeta before it sends anything
    // (kubectl 1.34.5 prints exactly this for apply and create).
    let refusal = "error: unable to decode \"m.yaml\": json: cannot unmarshal array into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta";
    let out = run(&mut s, "kubectl apply -f m.yaml");
    assert_ne!(s.last_status(), 0, "{out}");
    assert!(out.contains(refusal), "{out}");
    let out = run(&mut s, "kubectl create -f m.yaml --save-config");
    assert_ne!(s.last_status(), 0, "{out}");
    assert!(out.contains(refusal), "{out}");
}

#[test]
fn reapplying_a_pod_whose_spec_is_a_string_is_rejected_without_panicking() {
    let mut s = Session::new(1, 1);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: busybox\nspec:\n  containers:\n  - name: bb\n    image: busybox:1.36\n";
    run(&mut s, &format!("cat <<EOF | kubectl apply -f -\n{pod}EOF"));
    assert_eq!(s.last_status(), 0);
    let broken = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: busybox\nspec: x\n";
    let out = run(
        &mut s,
        &format!("cat <<EOF | kubectl apply -f -\n{broken}EOF"),
    );
    assert_ne!(s.last_status(), 0, "{out}");
    let mounts =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: busybox\nspec:\n  containers:\n  - bb\n";
    let out = run(
        &mut s,
        &format!("cat <<EOF | kubectl apply -f -\n{mounts}EOF"),
    );
    assert_ne!(s.last_status(), 0, "{out}");
}

#[test]
fn a_json_patch_list_sent_as_a_strategic_or_merge_patch_is_a_bad_request() {
    let mut s = Session::new(1, 1);
    let ops = r#"'[{"op":"replace","path":"/spec/replicas","value":1}]'"#;
    // The merge patch handler says what it was decoding; the strategic one does not
    // (kube-apiserver 1.34, checked on the oracle).
    for (ty, prefix) in [
        ("", ""),
        (" --type=merge", "error decoding patch: "),
        (" --type=strategic", ""),
    ] {
        let out = run(
            &mut s,
            &format!("kubectl patch services kubernetes -p {ops}{ty}"),
        );
        assert_eq!(
            out,
            format!("Error from server (BadRequest): {prefix}json: cannot unmarshal array into Go value of type map[string]interface {{}}\n")
        );
        assert_eq!(s.last_status(), 1);
    }
    let out = run(&mut s, "kubectl patch services kubernetes -p '\"x\"'");
    assert!(out.contains("cannot unmarshal string"), "{out}");
}
