//! `kubectl VERB --help` for every verb of the playground prints kubectl 1.34's text; where
//! the real kubectl is at hand (the oracle's, or `$KUBEPLAY_KUBECTL`), its first lines
//! are compared with it directly.

use kubeplay::kubectl::cli::verbs::VERBS;
use kubeplay::kubectl::Session;
use kubeplay::shell::Stream;
use std::path::PathBuf;
use std::process::Command;

/// Subcommands with a help text of their own.
const SUBCOMMANDS: &[&str] = &[
    "create deployment",
    "create namespace",
    "create service",
    "create service clusterip",
    "create service nodeport",
    "rollout status",
    "rollout history",
    "rollout undo",
    "rollout restart",
    "set image",
    "set env",
    "set resources",
    "top node",
    "top pod",
    "config set-context",
    "config use-context",
    "config get-contexts",
    "config current-context",
    "config view",
];

fn help_of(command: &str) -> (String, i32) {
    let mut s = Session::new(1, 1);
    let lines = s.submit(&format!("kubectl {command} --help"));
    let out: Vec<&str> = lines
        .iter()
        .filter(|l| l.stream == Stream::Out)
        .map(|l| l.text.as_str())
        .collect();
    (out.join("\n"), s.last_status())
}

fn real_kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("KUBEPLAY_KUBECTL")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/kubeplay-oracle/bin/kubectl"))
        })?;
    path.exists().then_some(path)
}

fn commands() -> Vec<String> {
    VERBS
        .iter()
        .map(|v| v.name.to_string())
        .chain(SUBCOMMANDS.iter().map(|s| s.to_string()))
        .collect()
}

#[test]
fn every_verb_and_subcommand_answers_help() {
    for command in commands() {
        let (text, status) = help_of(&command);
        assert_eq!(status, 0, "kubectl {command} --help failed: {text}");
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.ends_with('.') && !first.starts_with("kubeplay"),
            "kubectl {command} --help begins {first:?}"
        );
        assert!(
            text.contains(&format!("kubectl {command}")),
            "kubectl {command} --help has no usage line"
        );
    }
}

#[test]
fn help_texts_begin_as_the_real_kubectls() {
    let Some(kubectl) = real_kubectl() else {
        eprintln!("no real kubectl here; the texts are checked against the captured file only");
        return;
    };
    for command in commands() {
        let real = Command::new(&kubectl)
            .args(command.split(' '))
            .arg("--help")
            .env("HOME", "/root")
            .output()
            .expect("kubectl runs");
        let real = String::from_utf8_lossy(&real.stdout);
        let want: Vec<&str> = real.lines().take(3).collect();
        let (text, _) = help_of(&command);
        let got: Vec<&str> = text.lines().take(3).collect();
        assert_eq!(got, want, "kubectl {command} --help | head -3");
    }
}

#[test]
fn kubectl_options_and_help_topics() {
    let mut s = Session::new(1, 1);
    let out = s.submit("kubectl options");
    assert_eq!(
        out[0].text,
        "The following options can be passed to any command:"
    );
    let out = s.submit("kubectl help rollout status");
    assert_eq!(out[0].text, "Show the status of the rollout.");
    let out = s.submit("kubectl create configmap --help");
    assert_eq!(
        out[0].text,
        "kubeplay: `kubectl create configmap` is not available in the playground"
    );
    assert_eq!(s.last_status(), 1);
}
