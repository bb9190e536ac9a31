//! Tab completion: what `complete` offers at each position of a command line.

use kubeplay::kubectl::completion::{complete, Completion};
use kubeplay::kubectl::Session;

fn cluster() -> Session {
    let mut s = Session::new(3, 1);
    for line in [
        "kubectl create deployment web --image=nginx",
        "kubectl create deployment api --image=nginx",
        "kubectl create namespace tools",
        "kubectl create deployment debug --image=busybox -n tools",
        "echo hi > web.yaml",
        "echo hi > notes.txt",
    ] {
        s.submit(line);
        s.run_blocking();
    }
    s
}

/// Completes at the end of `line`.
fn at_end(s: &Session, line: &str) -> Completion {
    complete(s, line, line.len())
}

fn has(c: &Completion, want: &[&str]) -> bool {
    want.iter().all(|w| c.candidates.iter().any(|x| x == w))
}

#[test]
fn the_first_word_completes_to_shell_commands_and_aliases() {
    let s = cluster();
    let c = at_end(&s, "ku");
    assert_eq!(c.candidates, vec!["kubectl"]);
    assert_eq!(c.replace_from, 0);
    let c = at_end(&s, "");
    assert!(has(&c, &["kubectl", "k", "watch", "cat", "vim", "sleep"]));
}

#[test]
fn after_kubectl_or_its_alias_come_the_verbs() {
    let s = cluster();
    let c = at_end(&s, "kubectl ro");
    assert_eq!(c.candidates, vec!["rollout"]);
    assert_eq!(c.replace_from, 8);
    let c = at_end(&s, "k e");
    assert_eq!(
        c.candidates,
        vec!["edit", "events", "exec", "explain", "expose"]
    );
}

#[test]
fn rollout_set_create_and_config_offer_their_subcommands() {
    let s = cluster();
    assert_eq!(
        at_end(&s, "kubectl rollout ").candidates,
        vec!["history", "pause", "restart", "resume", "status", "undo"]
    );
    assert_eq!(at_end(&s, "kubectl set i").candidates, vec!["image"]);
    assert_eq!(
        at_end(&s, "kubectl create ").candidates,
        vec!["configmap", "deployment", "namespace", "secret", "service"]
    );
    assert_eq!(
        at_end(&s, "kubectl create secret ").candidates,
        vec!["docker-registry", "generic", "tls"]
    );
    assert_eq!(
        at_end(&s, "kubectl config cu").candidates,
        vec!["current-context"]
    );
}

#[test]
fn resource_types_complete_by_plural_singular_and_short_name() {
    let s = cluster();
    let c = at_end(&s, "kubectl get state");
    assert_eq!(c.candidates, vec!["statefulset", "statefulsets"]);
    let c = at_end(&s, "kubectl describe deploy");
    assert!(has(&c, &["deploy", "deployment", "deployments"]));
    assert!(has(&at_end(&s, "kubectl get s"), &["sts", "svc"]));
}

#[test]
fn object_names_come_from_the_cluster_for_the_typed_type() {
    let s = cluster();
    let c = at_end(&s, "kubectl get deploy ");
    assert_eq!(c.candidates, vec!["api", "web"]);
    let c = at_end(&s, "kubectl scale deployment w");
    assert_eq!(c.candidates, vec!["web"]);
    assert_eq!(c.replace_from, "kubectl scale deployment ".len());
}

#[test]
fn object_names_respect_the_namespace_flag() {
    let s = cluster();
    assert_eq!(
        at_end(&s, "kubectl -n tools get deploy ").candidates,
        vec!["debug"]
    );
    assert_eq!(
        at_end(&s, "kubectl get deploy --namespace=tools ").candidates,
        vec!["debug"]
    );
    assert!(has(
        &at_end(&s, "kubectl get po -n "),
        &["default", "tools"]
    ));
}

#[test]
fn names_complete_in_type_slash_name_form() {
    let s = cluster();
    let c = at_end(&s, "kubectl rollout status deploy/");
    assert_eq!(c.candidates, vec!["deploy/api", "deploy/web"]);
    assert_eq!(c.replace_from, "kubectl rollout status ".len());
    assert_eq!(
        at_end(&s, "kubectl edit deployment/w").candidates,
        vec!["deployment/web"]
    );
}

#[test]
fn pods_complete_after_logs_and_exec() {
    let s = cluster();
    let c = at_end(&s, "kubectl logs web");
    assert_eq!(c.candidates.len(), 1, "{c:?}");
    assert!(c.candidates[0].starts_with("web-"));
}

#[test]
fn flags_of_the_verb_complete_after_a_dash() {
    let s = cluster();
    let c = at_end(&s, "kubectl scale deploy web --rep");
    assert_eq!(c.candidates, vec!["--replicas"]);
    let c = at_end(&s, "kubectl get pods --wat");
    assert_eq!(c.candidates, vec!["--watch", "--watch-only"]);
    assert!(has(
        &at_end(&s, "kubectl get pods -"),
        &["-o", "-w", "-n", "--output"]
    ));
}

#[test]
fn file_names_complete_after_dash_f_and_for_cat_vim_and_rm() {
    let s = cluster();
    assert_eq!(
        at_end(&s, "kubectl apply -f w").candidates,
        vec!["web.yaml"]
    );
    assert_eq!(at_end(&s, "cat n").candidates, vec!["notes.txt"]);
    assert_eq!(at_end(&s, "vim ").candidates, vec!["notes.txt", "web.yaml"]);
    assert_eq!(at_end(&s, "rm /r").candidates, vec!["/root/"]);
}

#[test]
fn commands_after_pipes_watch_and_timeout_complete_as_their_own_lines() {
    let s = cluster();
    assert_eq!(at_end(&s, "kubectl get po | gr").candidates, vec!["grep"]);
    assert_eq!(
        at_end(&s, "watch -n 1 kubectl get deploy a").candidates,
        vec!["api"]
    );
    assert_eq!(at_end(&s, "timeout 10 kubectl ge").candidates, vec!["get"]);
}

#[test]
fn the_cursor_in_the_middle_of_a_line_completes_the_word_before_it() {
    let s = cluster();
    let line = "kubectl ge pods";
    let c = complete(&s, line, 10);
    assert_eq!(c.candidates, vec!["get"]);
    assert_eq!(c.replace_from, 8);
    // Out-of-range and mid-character cursors are clamped, never a panic.
    let _ = complete(&s, "kubectl get pö", 200);
    let _ = complete(&s, "kubectl get pö", 14);
}

#[test]
fn config_completes_its_subcommands_and_context_names() {
    let mut s = cluster();
    s.submit("kubectl config set-context dev --cluster=kubeplay --user=kubeplay");
    assert_eq!(
        at_end(&s, "kubectl config use").candidates,
        vec!["use-context"]
    );
    assert_eq!(
        at_end(&s, "kubectl config use-context ").candidates,
        vec!["dev", "kubeplay"]
    );
}

#[test]
fn a_context_namespace_is_where_names_are_completed() {
    let mut s = cluster();
    s.submit("kubectl config set-context --current --namespace=tools");
    assert!(has(&at_end(&s, "kubectl get deploy "), &["debug"]));
    assert!(has(
        &at_end(&s, "kubectl -n default get deploy "),
        &["web", "api"]
    ));
}
