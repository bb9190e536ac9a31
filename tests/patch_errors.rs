//! What `kubectl patch` says when the patched object has a value of the wrong type: read
//! against the 1.34 API server's `handlers/patch.go` (a strategic merge patch goes through
//! the unstructured converter, JSON and merge patches through JSON decoding, and both
//! refuse with an Invalid error that has no kind or name) and kubectl's `checkErr`, which
//! prints such an error as "The request is invalid".

mod common;

use common::{run, web_deployment_yaml, write_file};
use kubeplay::kubectl::Session;

fn deployment() -> Session {
    let mut s = Session::new(1, 1);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=1",
    );
    s
}

#[test]
fn a_quoted_replica_count_in_a_strategic_patch_is_refused_and_changes_nothing() {
    let mut s = deployment();
    assert_eq!(
        run(&mut s, r#"kubectl patch deploy web -p '{"spec":{"replicas":"3"}}'"#),
        "The request is invalid: patch: Invalid value: \"map[spec:map[replicas:3]]\": unrecognized type: int32\n"
    );
    assert_eq!(s.last_status(), 1);
    assert_eq!(
        run(
            &mut s,
            "kubectl get deploy web -o jsonpath='{.spec.replicas}'"
        )
        .trim_end(),
        "1"
    );
}

#[test]
fn the_converter_words_each_kind_of_mismatch_its_own_way() {
    let mut s = deployment();
    let cases = [
        (
            r#"{"spec":{"replicas":1.5}}"#,
            r#""map[spec:map[replicas:1.5]]": cannot convert float64 to int32"#,
        ),
        (
            r#"{"spec":{"template":{"spec":{"containers":"x"}}}}"#,
            r#""map[spec:map[template:map[spec:map[containers:x]]]]": cannot restore slice from string"#,
        ),
        (
            r#"{"spec":{"template":{"spec":{"hostname":7}}}}"#,
            r#""map[spec:map[template:map[spec:map[hostname:7]]]]": cannot convert int64 to string"#,
        ),
        (
            r#"{"spec":{"strategy":"x"}}"#,
            r#""map[spec:map[strategy:x]]": cannot restore struct from: string"#,
        ),
        (
            r#"{"spec":{"paused":"yes"}}"#,
            r#""map[spec:map[paused:yes]]": unrecognized type: bool"#,
        ),
    ];
    for (patch, said) in cases {
        assert_eq!(
            run(&mut s, &format!("kubectl patch deploy web -p '{patch}'")),
            format!("The request is invalid: patch: Invalid value: {said}\n"),
            "{patch}"
        );
    }
    // A whole number written as a float fits an integer field.
    assert_eq!(
        run(
            &mut s,
            r#"kubectl patch deploy web -p '{"spec":{"replicas":2.0}}'"#
        ),
        "deployment.apps/web patched\n"
    );
}

#[test]
fn a_merge_patch_is_decoded_as_json_and_shows_the_whole_patched_object() {
    let mut s = deployment();
    let out = run(
        &mut s,
        r#"kubectl patch deploy web --type=merge -p '{"spec":{"replicas":"x"}}'"#,
    );
    assert!(
        out.starts_with("The request is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\",\\\"kind\\\":\\\"Deployment\\\","),
        "{out}"
    );
    assert!(
        out.ends_with("\": json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n"),
        "{out}"
    );
    assert_eq!(s.last_status(), 1);
}

#[test]
fn apply_to_an_existing_object_is_refused_as_its_patch_with_the_new_last_applied_annotation() {
    let mut s = Session::new(1, 1);
    let config_map = |name: &str, value: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: {value}\n")
    };
    write_file(&mut s, "d.yaml", &config_map("c", "v"));
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "configmap/c created\n"
    );
    write_file(&mut s, "d.yaml", &config_map("c", "[1]"));
    let out = run(&mut s, "kubectl apply -f d.yaml");
    // What changed against the live object, and the new annotation: nothing else.
    assert!(
        out.starts_with("The request is invalid: patch: Invalid value: \"map[data:map[k:[1]] metadata:map[annotations:map[kubectl.kubernetes.io/last-applied-configuration:{\\\"apiVersion\\\":\\\"v1\\\",\\\"data\\\":{\\\"k\\\":[1]}"),
        "{out}"
    );
    assert!(
        out.ends_with("\\n]]]\": unrecognized type: string\n"),
        "{out}"
    );
    assert_eq!(s.last_status(), 1);
    // A new object is still a create, decoded as JSON.
    write_file(&mut s, "d.yaml", &config_map("d", "[1]"));
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "Error from server (BadRequest): error when creating \"d.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type string\n"
    );
}

#[test]
fn a_quoted_replica_count_applied_over_a_deployment_shows_only_what_changed() {
    let mut s = Session::new(1, 1);
    write_file(&mut s, "d.yaml", &web_deployment_yaml("1"));
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "deployment.apps/web created\n"
    );
    write_file(&mut s, "d.yaml", &web_deployment_yaml("\"3\""));
    // The containers the server filled in with defaults are not a change.
    let applied = r#"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":\"3\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"nginx\"}]}}}}\n"#;
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        format!("The request is invalid: patch: Invalid value: \"map[metadata:map[annotations:map[kubectl.kubernetes.io/last-applied-configuration:{applied}]] spec:map[replicas:3]]\": unrecognized type: int32\n")
    );
}
