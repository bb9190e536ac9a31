//! The namespace chosen with `kubectl config set-context` is session state rebuilt from the
//! typed lines: it survives a replay (reload, rewind) and a share link.

use kubeplay::engine::ClusterConfig;
use kubeplay::kubectl::Session;
use kubeplay::share::{self, SharedState, SHARE_VERSION};

fn stdout_of(session: &mut Session, line: &str) -> String {
    session
        .submit(line)
        .iter()
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn typed_session() -> Session {
    let mut s = Session::new(1, 4);
    for line in [
        "kubectl create namespace dev",
        "kubectl config set-context --current --namespace=dev",
        "kubectl create deployment web --image=nginx",
    ] {
        s.submit(line);
    }
    s
}

#[test]
fn a_context_namespace_is_the_default_of_every_verb() {
    let mut s = typed_session();
    assert_eq!(s.default_namespace(), "dev");
    assert!(stdout_of(&mut s, "kubectl get deploy").contains("web"));
    assert_eq!(
        stdout_of(&mut s, "kubectl -n default get deploy"),
        "No resources found in default namespace."
    );
    assert_eq!(
        stdout_of(&mut s, "kubectl scale deploy web --replicas=2"),
        "deployment.apps/web scaled"
    );
    assert_eq!(
        stdout_of(&mut s, "kubectl delete deploy web"),
        "deployment.apps \"web\" deleted from dev namespace"
    );
}

#[test]
fn replaying_the_inputs_rebuilds_the_kubeconfig() {
    let s = typed_session();
    let now = s.now_ms();
    let replayed = Session::replay(ClusterConfig::with_nodes(1, 4), s.inputs(), now);
    assert_eq!(replayed.default_namespace(), "dev");
}

#[test]
fn a_share_link_carries_the_context_namespace() {
    let s = typed_session();
    let state = SharedState {
        version: SHARE_VERSION,
        nodes: 1,
        seed: 4,
        inputs: s.inputs().to_vec(),
        now: s.now_ms(),
    };
    let opened = share::decode(&share::encode(&state)).expect("the link decodes");
    let mut replayed = Session::replay(
        ClusterConfig::with_nodes(opened.nodes, opened.seed),
        &opened.inputs,
        opened.now,
    );
    assert!(stdout_of(&mut replayed, "kubectl get deploy").contains("web"));
}
