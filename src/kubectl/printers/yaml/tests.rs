//! go-yaml v2 output cases, each checked against what kubectl prints.

use super::*;
use serde_json::json;

#[test]
fn keys_yaml_reads_as_other_types_stay_quoted() {
    let v = json!({"on": 1, "y": "n", "app.kubernetes.io/name": "x", "a:": "b"});
    assert_eq!(
        to_yaml(&v),
        "'a:': b\napp.kubernetes.io/name: x\n\"on\": 1\n\"y\": \"n\"\n"
    );
}

#[test]
fn a_deployment_prints_like_kubectl_get_o_yaml() {
    let d = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "annotations": {
                "deployment.kubernetes.io/revision": "1",
                "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}\n"
            },
            "creationTimestamp": "2025-10-14T09:12:03Z",
            "generation": 1,
            "labels": {"app": "nginx"},
            "name": "nginx",
            "namespace": "default",
            "resourceVersion": "1234",
            "uid": "5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c"
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "nginx"}},
                "spec": {
                    "containers": [{
                        "image": "nginx:1.25",
                        "name": "nginx",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "resources": {}
                    }],
                    "dnsPolicy": "ClusterFirst"
                }
            }
        },
        "status": {}
    });
    assert_eq!(
        to_yaml(&d),
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment"}
  creationTimestamp: "2025-10-14T09:12:03Z"
  generation: 1
  labels:
    app: nginx
  name: nginx
  namespace: default
  resourceVersion: "1234"
  uid: 5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
      dnsPolicy: ClusterFirst
status: {}
"#
    );
}

#[test]
fn a_list_wrapper_prints_empty_resource_version_quoted() {
    let l = json!({"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}});
    assert_eq!(
        to_yaml(&l),
        "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
    );
}

#[test]
fn strings_that_would_read_back_as_other_types_are_double_quoted() {
    for s in [
        "3",
        "-1",
        "+5",
        "0x1F",
        "1_000",
        "1.5",
        ".5",
        "1e3",
        "true",
        "False",
        "yes",
        "on",
        "N",
        "~",
        "null",
        "",
        ".inf",
        "2025-10-14",
        "2025-1-2 3:04:05",
        "1:20",
    ] {
        assert_eq!(
            to_yaml(&json!({ "k": s })),
            format!("k: \"{s}\"\n"),
            "{s:?}"
        );
    }
}

#[test]
fn ordinary_strings_stay_plain() {
    for s in [
        "nginx",
        "nginx:1.25",
        "a-b",
        "IfNotPresent",
        "10.244.1.5",
        "80/TCP",
        "1.2.3",
        "x: y",
        "2025-13-01",
        "1e400",
        "0x",
        "a#b",
        "-a",
        "Hello, world",
    ] {
        let want = match s {
            "x: y" => "k: 'x: y'\n".to_string(),
            _ => format!("k: {s}\n"),
        };
        assert_eq!(to_yaml(&json!({ "k": s })), want, "{s:?}");
    }
}

#[test]
fn indicator_characters_force_single_quotes() {
    assert_eq!(to_yaml(&json!({"k": "*"})), "k: '*'\n");
    assert_eq!(to_yaml(&json!({"k": "- x"})), "k: '- x'\n");
    assert_eq!(to_yaml(&json!({"k": "a #b"})), "k: 'a #b'\n");
    assert_eq!(to_yaml(&json!({"k": " lead"})), "k: ' lead'\n");
    assert_eq!(to_yaml(&json!({"k": "it's: x"})), "k: 'it''s: x'\n");
    assert_eq!(to_yaml(&json!({"k": "{}"})), "k: '{}'\n");
}

#[test]
fn control_characters_and_emoji_force_double_quotes_with_escapes() {
    assert_eq!(to_yaml(&json!({"k": "a\tb"})), "k: \"a\\tb\"\n");
    assert_eq!(to_yaml(&json!({"k": "😀"})), "k: \"\\U0001F600\"\n");
    assert_eq!(to_yaml(&json!({"k": "say \"hi\""})), "k: say \"hi\"\n");
    assert_eq!(to_yaml(&json!({"k": "é"})), "k: é\n");
}

#[test]
fn multi_line_strings_use_literal_blocks_with_chomping() {
    assert_eq!(to_yaml(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
    assert_eq!(to_yaml(&json!({"k": "a\nb"})), "k: |-\n  a\n  b\n");
    assert_eq!(to_yaml(&json!({"k": "a\n\n"})), "k: |+\n  a\n\n");
    assert_eq!(to_yaml(&json!({"k": "a\n\nb\n"})), "k: |\n  a\n\n  b\n");
    assert_eq!(to_yaml(&json!({"k": " a\nb"})), "k: |2-\n   a\n  b\n");
    // Trailing space on a line makes a block impossible: double quotes.
    assert_eq!(to_yaml(&json!({"k": "a \nb"})), "k: \"a \\nb\"\n");
}

#[test]
fn literal_blocks_in_sequences_indent_under_the_dash() {
    let v = json!({"args": ["echo hi\nsleep 1\n"]});
    assert_eq!(to_yaml(&v), "args:\n- |\n  echo hi\n  sleep 1\n");
}

#[test]
fn long_plain_strings_wrap_after_column_80_at_a_space() {
    let words = "word ".repeat(20);
    let msg = words.trim_end();
    let v = json!({"status": {"message": msg}});
    let out = to_yaml(&v);
    // "  message: " is 11 columns; 14 words end exactly at column 80, which is not
    // beyond the best width, so the break replaces the space after the 15th word.
    let first = format!("  message: {}", "word ".repeat(15).trim_end());
    let rest = format!("    {}", "word ".repeat(5).trim_end());
    assert_eq!(out, format!("status:\n{first}\n{rest}\n"));
}

#[test]
fn long_quoted_strings_wrap_too() {
    let msg = format!("{}: end", "x ".repeat(45).trim_end());
    let out = to_yaml(&json!({ "m": msg }));
    assert!(out.starts_with("m: 'x x"), "{out}");
    assert!(out.contains("\n  x"), "{out}");
    assert!(out.ends_with(": end'\n"), "{out}");
}

#[test]
fn keys_are_never_wrapped_and_numeric_keys_are_quoted() {
    let v = json!({"1": "a", "app.kubernetes.io/name": "b"});
    assert_eq!(to_yaml(&v), "\"1\": a\napp.kubernetes.io/name: b\n");
}

#[test]
fn nested_sequences_and_empty_items() {
    let v = json!({"a": [[1, 2], {}, []], "b": [{"c": {"d": 1}}]});
    assert_eq!(
        to_yaml(&v),
        "a:\n- - 1\n  - 2\n- {}\n- []\nb:\n- c:\n    d: 1\n"
    );
}

#[test]
fn floats_use_go_g_formatting() {
    assert_eq!(
        to_yaml(&json!({"f": 1.5, "g": 1e6, "h": -3})),
        "f: 1.5\ng: 1e+06\nh: -3\n"
    );
}

#[test]
fn json_output_uses_four_spaces_and_a_trailing_newline() {
    let v = json!({"kind": "Pod", "metadata": {"labels": {}, "name": "a<b"}, "spec": {"containers": [{"name": "x"}]}});
    assert_eq!(
            to_json(&v),
            "{\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"labels\": {},\n        \"name\": \"a\\u003cb\"\n    },\n    \"spec\": {\n        \"containers\": [\n            {\n                \"name\": \"x\"\n            }\n        ]\n    }\n}\n"
        );
}
