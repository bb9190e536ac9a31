//! `kubeplay`, the terminal's command for what happens to a cluster from outside the
//! API: `kubeplay node stop NAME` stops a node's kubelet (as a power cut or a lost
//! network does), `kubeplay node start NAME` starts it again.

use crate::engine::kubelet::power::Switched;
use crate::engine::Cluster;
use crate::shell::Output;

const HELP: &str = "kubeplay: things that happen to the cluster from outside the API.

Usage:
  kubeplay node stop NODE    stop NODE's kubelet, as a power cut or a lost network would:
                             its containers keep running, but the node reports nothing
  kubeplay node start NODE   start NODE's kubelet again

Examples:
  kubeplay node stop kind-worker
  kubectl get nodes -w";

const NODE_HELP: &str = "Stop or start a node's kubelet.

Usage:
  kubeplay node stop NODE    the node stops renewing its lease and posting status; after the
                             node-monitor-grace-period (50s) it is NotReady and tainted
                             node.kubernetes.io/unreachable, and 300s later its pods are evicted
  kubeplay node start NODE   the kubelet reports again: Ready, taints removed, and the pods
                             deleted meanwhile finish terminating";

fn usage_error(message: &str) -> Output {
    Output::failed_plain(format!(
        "kubeplay: {message}\nSee 'kubeplay node --help' for usage."
    ))
}

fn is_help(a: &str) -> bool {
    a == "--help" || a == "-h" || a == "help"
}

/// Runs `kubeplay ARGS…` (the terminal's command; also `kubeplay serve`'s
/// `POST /kubeplay/v1/command`).
pub(crate) fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => usage_error("missing command: node"),
        [h, ..] if is_help(h) => super::terminal::one(HELP),
        ["node"] => usage_error("missing command: stop or start"),
        ["node", h, ..] if is_help(h) => super::terminal::one(NODE_HELP),
        ["node", verb @ ("stop" | "start"), rest @ ..] => {
            if rest.iter().any(|a| is_help(a)) {
                return super::terminal::one(NODE_HELP);
            }
            let [name] = rest else {
                return usage_error(&format!("node {verb} needs exactly one node name"));
            };
            let result = if *verb == "stop" {
                cluster.stop_kubelet(name)
            } else {
                cluster.start_kubelet(name)
            };
            match result {
                Ok(Switched::Done) => super::terminal::one(&format!(
                    "kubelet on {name} {}",
                    if *verb == "stop" {
                        "stopped"
                    } else {
                        "started"
                    }
                )),
                Ok(Switched::AlreadyThere) => super::terminal::one(&format!(
                    "kubelet on {name} is already {}",
                    if *verb == "stop" {
                        "stopped"
                    } else {
                        "running"
                    }
                )),
                Err(e) => Output::failed_plain(format!("kubeplay: {e}")),
            }
        }
        ["node", other, ..] => usage_error(&format!(
            "unknown command \"{other}\" for \"kubeplay node\""
        )),
        [other, ..] => usage_error(&format!("unknown command \"{other}\" for \"kubeplay\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClusterConfig;

    fn run_words(cluster: &mut Cluster, line: &str) -> Output {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        run(cluster, &args)
    }

    #[test]
    fn stopping_a_node_says_so_and_stops_its_kubelet_and_starting_it_brings_it_back() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
        let o = run_words(&mut c, "node stop kind-worker");
        assert_eq!(
            (o.stdout_text().trim(), o.status),
            ("kubelet on kind-worker stopped", 0)
        );
        assert!(c.kubelet.stopped.contains_key("kind-worker"));
        let again = run_words(&mut c, "node stop kind-worker");
        assert_eq!(
            again.stdout_text().trim(),
            "kubelet on kind-worker is already stopped"
        );
        let o = run_words(&mut c, "node start kind-worker");
        assert_eq!(o.stdout_text().trim(), "kubelet on kind-worker started");
        assert!(c.kubelet.stopped.is_empty());
    }

    #[test]
    fn an_unknown_node_or_command_is_an_error_that_says_what_is_wrong() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
        let o = run_words(&mut c, "node stop nope");
        assert_eq!(
            (o.stderr_text().trim(), o.status),
            ("kubeplay: node \"nope\" not found", 1)
        );
        let o = run_words(&mut c, "node reboot kind-worker");
        assert!(o
            .stderr_text()
            .starts_with("kubeplay: unknown command \"reboot\" for \"kubeplay node\""));
        assert_eq!(o.status, 1);
        let o = run_words(&mut c, "node stop");
        assert!(o.stderr_text().contains("needs exactly one node name"));
    }

    #[test]
    fn help_explains_stop_and_start() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1));
        let o = run_words(&mut c, "node --help");
        assert!(o.stdout_text().contains("kubeplay node stop NODE"));
        assert!(o.stdout_text().contains("kubeplay node start NODE"));
        assert_eq!(o.status, 0);
    }
}
