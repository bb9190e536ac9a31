//! The `kubectl.kubernetes.io/last-applied-configuration` annotation as kubectl 1.34 writes
//! it (`util.GetModifiedConfiguration`): the manifest's annotations are set back without
//! the annotation itself, so a manifest with none stores `"annotations":{}`.

mod common;

use common::{run, web_deployment_yaml, write_file};
use kubeplay::kubectl::Session;

#[test]
fn a_manifest_without_annotations_is_stored_with_an_empty_annotations_map() {
    let mut s = Session::new(1, 1);
    write_file(&mut s, "d.yaml", &web_deployment_yaml("1"));
    run(&mut s, "kubectl apply -f d.yaml");
    let stored = run(
        &mut s,
        r"kubectl get deploy web -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}'",
    );
    assert_eq!(
        stored,
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"nginx\"}]}}}}\n"
    );
}

#[test]
fn reapplying_keeps_the_annotations_the_controllers_added() {
    let mut s = Session::new(1, 1);
    write_file(&mut s, "d.yaml", &web_deployment_yaml("1"));
    run(&mut s, "kubectl apply -f d.yaml");
    run(&mut s, "sleep 5");
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "deployment.apps/web unchanged\n"
    );
    assert_eq!(
        run(&mut s, r"kubectl get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'").trim_end(),
        "1"
    );
}
