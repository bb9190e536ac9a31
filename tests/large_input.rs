//! A pasted 10,000-line manifest (an operator bundle, a rendered chart) is read in time
//! linear in its length. Timing a test is flaky, so it counts the characters the shell's
//! parsers read instead: re-parsing the typed text after every line, as the terminal
//! once did, reads about 5,000 times the paste and fails here.

mod common;

use common::run;
use kubeplay::kubectl::Session;
use kubeplay::shell::chars_parsed;

/// `lines / 8` ConfigMaps, `cm-0` up to `cm-1249` for 10,000 lines, eight lines each
/// with the `---` that separates them.
fn manifest(lines: usize) -> Vec<String> {
    (0..lines / 8)
        .flat_map(|i| {
            [
                "apiVersion: v1".to_string(),
                "kind: ConfigMap".to_string(),
                "metadata:".to_string(),
                format!("  name: cm-{i}"),
                "data:".to_string(),
                format!("  key: \"value $i `{i}`\""),
                format!("  index: \"{i}\""),
                "---".to_string(),
            ]
        })
        .collect()
}

#[test]
fn a_pasted_ten_thousand_line_heredoc_is_parsed_in_linear_time() {
    let body = manifest(10_000);
    let pasted: usize = body.iter().map(|l| l.chars().count() + 1).sum();
    let mut s = Session::new(1, 1);
    let before = chars_parsed();
    run(&mut s, "cat <<'EOF' > big.yaml");
    for line in &body {
        assert_eq!(run(&mut s, line), "");
        assert!(
            s.awaiting_more(),
            "still reading the heredoc after {line:?}"
        );
    }
    assert_eq!(run(&mut s, "EOF"), "");
    let read = chars_parsed() - before;
    // Once to know the heredoc closed, once to run it, and the delimiter lines.
    assert!(
        read < 3 * pasted as u64,
        "parsers read {read} characters for a paste of {pasted}"
    );
    assert!(!s.awaiting_more());
    assert_eq!(run(&mut s, "wc -l big.yaml"), "10000 big.yaml\n");
    assert_eq!(
        run(&mut s, "tail -3 big.yaml"),
        "  key: \"value $i `1249`\"\n  index: \"1249\"\n---\n"
    );
    assert_eq!(
        run(&mut s, "grep -F -c 'value $i `1248`' big.yaml"),
        "1\n",
        "a quoted delimiter keeps the body as typed"
    );
}

#[test]
fn a_ten_thousand_line_file_applies_every_object() {
    let mut s = Session::new(1, 1);
    s.write_file("big.yaml", &(manifest(10_000).join("\n") + "\n"))
        .expect("writes");
    let out = run(&mut s, "kubectl apply -f big.yaml");
    assert_eq!(out.lines().count(), 1_250);
    assert_eq!(out.lines().last(), Some("configmap/cm-1249 created"));
    assert_eq!(
        run(&mut s, "kubectl get cm cm-1249 -o jsonpath='{.data.key}'"),
        "value $i `1249`\n"
    );
}

#[test]
fn one_line_of_200_kb_in_a_heredoc_is_read_once() {
    let value = "x".repeat(200_000);
    let mut s = Session::new(1, 1);
    let before = chars_parsed();
    run(&mut s, "cat <<EOF > long.txt");
    run(&mut s, &value);
    run(&mut s, "EOF");
    let read = chars_parsed() - before;
    assert!(read < 3 * 200_100, "parsers read {read} characters");
    assert_eq!(run(&mut s, "wc -c long.txt"), "200001 long.txt\n");
}
