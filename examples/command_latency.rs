//! Latency of typical commands against a cluster with 103 running pods (a 100-replica
//! Deployment and a 3-replica StatefulSet):
//! `cargo run --release --example command_latency [-- REPETITIONS [FILTER]]`; FILTER keeps
//! only the command equal to it, or else those containing it (handy under `perf record`).
//!
//! Each sample is one `Session::submit` + `run_blocking` of a line, the work a keypress
//! of Enter costs in the browser. The budget is one frame (16 ms); the goal natively is
//! under 1 ms.

use kubeplay::kubectl::printers::columns::pods::pod_status;
use kubeplay::kubectl::Session;
use std::time::{Duration, Instant};

const COMMANDS: &[&str] = &[
    "kubectl get po",
    "kubectl get po -o wide",
    "kubectl describe po FIRST",
    "kubectl get all",
    "kubectl get sts",
    "kubectl get po -w",
    "kubectl get po FIRST -o yaml",
    "kubectl get po -o yaml",
    "kubectl get po -o yaml | grep image | wc -l",
    "kubectl get po -o yaml | wc -l",
    "kubectl get po -o json | wc -l",
    "kubectl get deploy,rs",
    "kubectl get po -l app=nginx --show-labels",
    "kubectl describe deploy nginx",
    "kubectl get po -o json",
    "kubectl get po --sort-by=.metadata.name -o name | head -n 3",
];

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300)
        .max(1);
    let filter = std::env::args().nth(2).unwrap_or_default();
    let mut session = Session::new(3, 1);
    let setup_start = Instant::now();
    let _ = session.submit("kubectl create deployment nginx --image=nginx:1.27 --replicas=100");
    let _ = session.run_blocking();
    // The StatefulSet Basics tutorial's `web` (3 more pods), so `get sts` has rows.
    let _ = session.submit("kubectl apply -f https://k8s.io/examples/application/web/web.yaml");
    let _ = session.run_blocking();
    let _ = session.submit("sleep 60");
    let _ = session.run_blocking();
    let _ = session.submit("sleep 120");
    let _ = session.run_blocking();
    let pods = || session.cluster().store.list("Pod", None);
    let running = pods().filter(|p| pod_status(p) == "Running").count();
    let first = pods()
        .find(|p| p["metadata"]["namespace"] == "default")
        .and_then(|p| p["metadata"]["name"].as_str())
        .unwrap_or_default()
        .to_string();
    println!(
        "cluster: 3 nodes, {running} running pods (set up in {:.1} ms); {reps} repetitions per command",
        setup_start.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "{:<52} {:>10} {:>10} {:>10} {:>7}",
        "command", "mean", "p50", "p99", "lines"
    );
    let mut worst = Duration::ZERO;
    let exact = COMMANDS.contains(&filter.as_str());
    let chosen = COMMANDS.iter().filter(|c| {
        if exact {
            **c == filter
        } else {
            c.contains(filter.as_str())
        }
    });
    for template in chosen {
        let cmd = template.replace("FIRST", &first);
        // A watch never ends by itself: its first frame is what `submit` prints, then
        // Ctrl-C ends it, as a user would.
        let watch = cmd.ends_with(" -w");
        let mut samples = Vec::with_capacity(reps);
        let mut lines = 0;
        for _ in 0..reps {
            let t = Instant::now();
            let mut out = session.submit(&cmd);
            if watch {
                samples.push(t.elapsed());
                session.interrupt();
            } else {
                out.extend(session.run_blocking());
                samples.push(t.elapsed());
            }
            lines = out.len();
        }
        samples.sort();
        let mean = samples.iter().sum::<Duration>() / reps as u32;
        let p50 = samples[reps / 2];
        let p99 = samples[(reps * 99 / 100).min(reps - 1)];
        worst = worst.max(p99);
        println!(
            "{cmd:<52} {:>8.3}ms {:>8.3}ms {:>8.3}ms {lines:>7}",
            ms(mean),
            ms(p50),
            ms(p99)
        );
    }
    println!(
        "worst p99 {:.3} ms: {}",
        ms(worst),
        if worst < Duration::from_millis(1) {
            "within the 1 ms goal"
        } else if worst < Duration::from_millis(16) {
            "within one frame (16 ms), above the 1 ms goal"
        } else {
            "OVER one frame"
        }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
