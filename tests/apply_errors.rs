//! What `kubectl apply` and `kubectl create` say about manifests the API server cannot take:
//! read against kubectl 1.34's `pkg/cmd/apply/apply.go` (`applyOneObject`: the
//! generateName check, then `info.Get`) and the server's decoding (`rest.go`: `%s in
//! version %q cannot be handled as a %s: %v`).

mod common;

use common::{run, write_file};
use kubeplay::kubectl::Session;

#[test]
fn apply_refuses_generate_name_and_create_uses_it() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: web-\nspec:\n  containers:\n  - name: web\n    image: nginx\n",
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f pod.yaml"),
        "error: from web-: cannot use generate name with apply\n"
    );
    assert_eq!(s.last_status(), 1);
    let created = run(&mut s, "kubectl create -f pod.yaml");
    assert!(
        created.starts_with("pod/web-") && created.ends_with(" created\n"),
        "{created}"
    );
}

#[test]
fn apply_without_a_name_fails_the_lookup_before_anything_is_sent() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {app: web}\nspec:\n  replicas: \"3\"\n",
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "error: error when retrieving current configuration of:\n\
         Resource: \"apps/v1, Resource=deployments\", GroupVersionKind: \"apps/v1, Kind=Deployment\"\n\
         Name: \"\", Namespace: \"default\"\n\
         from server for: \"d.yaml\": resource name may not be empty\n"
    );
}

#[test]
fn a_quoted_replica_count_is_refused_and_nothing_is_created() {
    let mut s = Session::new(1, 1);
    write_file(
        &mut s,
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"3\"\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f d.yaml"),
        "Error from server (BadRequest): error when creating \"d.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n"
    );
    assert_eq!(
        run(&mut s, "kubectl get deploy"),
        "No resources found in default namespace.\n"
    );
}
