//! Kubelet stages as golden timelines: for one pod on a fixed seed, every change of the
//! STATUS column (as `kubectl get pods` prints it) with its virtual time offset, and every
//! kubelet / scheduler Event in order. The goldens live in `tests/golden/kubelet-*.txt`;
//! `KUBEPLAY_BLESS=1 cargo test --test engine_kubelet` rewrites them (then read the diff).

mod common;

use common::*;
use kubeplay::engine::store::EventType;
use kubeplay::engine::{Cluster, ClusterConfig, DeleteOptions, Millis};
use kubeplay::kubectl::printers::columns::pods::{pod_restarts, pod_status};
use serde_json::{json, Value};
use std::path::PathBuf;

const SEED: u64 = 42;

/// What happens to the pod: delete it at this offset (ms), and stop watching at `until`.
struct Script {
    delete_at: Option<Millis>,
    until: Millis,
}

fn secs(ms: Millis) -> String {
    format!("+{}.{:03}s", ms / 1000, ms % 1000)
}

/// Creates `pod` on a one-node cluster and writes its timeline: STATUS changes and events.
fn timeline(pod: Value, script: Script) -> String {
    let name = name_of(&pod);
    let mut c = Cluster::new(ClusterConfig::with_nodes(1, SEED));
    let t0 = c.now;
    let mut rv = c.store.resource_version();
    let mut lines = vec![format!(
        "# pod {name}, image {}, restartPolicy {}, seed {SEED}, node minikube",
        pod["spec"]["containers"][0]["image"].as_str().unwrap_or(""),
        pod["spec"]["restartPolicy"].as_str().unwrap_or("Always")
    )];
    let mut status_lines = Vec::new();
    let mut event_lines = Vec::new();
    let mut last = String::new();
    c.create(pod).unwrap();
    let mut deleted = false;
    loop {
        // Everything journalled since the last step happened at `now`.
        let at = c.now - t0;
        for e in c.store.events_since(rv).unwrap_or_default() {
            match e.kind {
                "Pod" if e.name == name => {
                    let status = if e.event_type == EventType::Deleted {
                        "<gone>".to_string()
                    } else {
                        let restarts = pod_restarts(&e.object);
                        format!("{} (restarts {restarts})", pod_status(&e.object))
                    };
                    if status != last {
                        status_lines.push(format!("{:>10}  {status}", secs(at)));
                        last = status;
                    }
                }
                "Event" if e.object["involvedObject"]["name"] == name.as_str() => {
                    let o = &e.object;
                    event_lines.push(format!(
                        "{:>10}  {} {} (x{}) {}",
                        secs(at),
                        o["type"].as_str().unwrap_or(""),
                        o["reason"].as_str().unwrap_or(""),
                        o["count"],
                        o["message"].as_str().unwrap_or("")
                    ));
                }
                _ => {}
            }
        }
        rv = c.store.resource_version();
        if last == "<gone>" {
            break;
        }
        let next = c.timers.next_at().map(|t| t - t0);
        match (script.delete_at, next) {
            (Some(d), n) if !deleted && n.is_none_or(|n| n > d) => {
                c.advance_to(t0 + d);
                c.delete("Pod", "default", &name, DeleteOptions::default())
                    .unwrap();
                deleted = true;
            }
            (_, Some(n)) if n <= script.until => {
                c.advance_to_next_event();
            }
            _ => break,
        }
    }
    lines.push("status:".into());
    lines.extend(status_lines);
    lines.push("events:".into());
    lines.extend(event_lines);
    let uid = c
        .store
        .events_since(0)
        .unwrap_or_default()
        .iter()
        .find(|e| e.kind == "Pod" && e.name == name)
        .map(|e| {
            e.object["metadata"]["uid"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    lines.join("\n").replace(&uid, "<uid>") + "\n"
}

fn golden(file: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(file);
    if std::env::var_os("KUBEPLAY_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (KUBEPLAY_BLESS=1 writes it)", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  golden: {a}\n  actual: {b}", i + 1))
            .collect();
        panic!(
            "{file} differs ({} vs {} lines):\n{}\n--- actual ---\n{actual}",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// The STATUS lines of a golden timeline (offset ms, status text).
fn statuses(text: &str) -> Vec<(Millis, String)> {
    text.lines()
        .skip_while(|l| *l != "status:")
        .skip(1)
        .take_while(|l| *l != "events:")
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix('+')?;
            let (t, rest) = l.split_once("s  ")?;
            let (s, ms) = t.split_once('.')?;
            Some((
                s.parse::<Millis>().ok()? * 1000 + ms.parse::<Millis>().ok()?,
                rest.to_string(),
            ))
        })
        .collect()
}

fn pod_with(name: &str, image: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut p = pod(name, image);
    f(&mut p);
    p
}

#[test]
fn a_pod_of_a_known_image_goes_pending_container_creating_running_and_stops_at_once_on_delete() {
    let t = timeline(
        pod("web", "nginx:1.27"),
        Script {
            delete_at: Some(20_000),
            until: 60_000,
        },
    );
    golden("kubelet-nginx.txt", &t);
    let s: Vec<String> = statuses(&t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        s,
        [
            "Pending (restarts 0)",
            "ContainerCreating (restarts 0)",
            "Running (restarts 0)",
            "Terminating (restarts 0)",
            // The kubelet reports the terminal phase before the object goes; kubectl ≥1.27
            // prints a deleted pod in a terminal phase by its container's reason.
            "Completed (restarts 0)",
            "<gone>"
        ]
    );
    let times = statuses(&t);
    let terminating = times[4].0 - times[3].0;
    assert_eq!(times[5].0, times[4].0, "removed as soon as it stopped");
    assert!(
        terminating <= 1_000,
        "nginx stops within its stop time, not the grace period: {terminating} ms"
    );
}

#[test]
fn a_pod_that_ignores_sigterm_stays_terminating_for_the_full_grace_period() {
    let t = timeline(
        pod("demo", "105552010/k8s-demo:v1"),
        Script {
            delete_at: Some(20_000),
            until: 120_000,
        },
    );
    golden("kubelet-k8s-demo-delete.txt", &t);
    let times = statuses(&t);
    let n = times.len();
    assert_eq!(times[n - 3].1, "Terminating (restarts 0)");
    // Killed at the end of the grace period: exit code 137, shown as Error.
    assert_eq!(times[n - 2].1, "Error (restarts 0)");
    assert_eq!(
        times[n - 2].0 - times[n - 3].0,
        30_000,
        "terminationGracePeriodSeconds 30"
    );
    assert!(t.contains("Normal Killing (x1) Stopping container demo"));
}

#[test]
fn a_missing_image_alternates_err_image_pull_and_image_pull_back_off_with_doubling_back_off() {
    let t = timeline(
        pod("broken", "nginx:doesnotexist"),
        Script {
            delete_at: None,
            until: 1_200_000,
        },
    );
    golden("kubelet-missing-image.txt", &t);
    let s = statuses(&t);
    // Each pull attempt (ErrImagePull) starts one back-off window after the previous one.
    let pulls: Vec<Millis> = s
        .iter()
        .filter(|(_, st)| st.starts_with("ErrImagePull"))
        .map(|(t, _)| *t)
        .collect();
    let gaps: Vec<Millis> = pulls.windows(2).map(|w| (w[1] - w[0]) / 1000).collect();
    assert_eq!(gaps[..7], [10, 20, 40, 80, 160, 300, 300], "{pulls:?}");
    assert!(s.iter().all(|(_, st)| !st.starts_with("Running")));
    assert!(t.contains("Warning Failed (x1) Failed to pull image \"nginx:doesnotexist\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:doesnotexist\": failed to resolve reference \"docker.io/library/nginx:doesnotexist\": docker.io/library/nginx:doesnotexist: not found"));
    assert!(t.contains("Normal BackOff (x1) Back-off pulling image \"nginx:doesnotexist\""));
    assert!(t.contains("Warning Failed (x1) Error: ImagePullBackOff"));
}

#[test]
fn a_crashing_image_goes_error_then_crash_loop_back_off_with_growing_restarts() {
    let t = timeline(
        pod("crash", "crashloop"),
        Script {
            delete_at: None,
            until: 900_000,
        },
    );
    golden("kubelet-crashloop.txt", &t);
    let s = statuses(&t);
    let errors: Vec<&(Millis, String)> =
        s.iter().filter(|(_, st)| st.starts_with("Error")).collect();
    assert!(errors.len() >= 6, "{s:?}");
    assert_eq!(
        errors[0].1, "Error (restarts 0)",
        "the first exit is shown before the restart"
    );
    assert!(
        s.windows(2)
            .any(|w| w[0].1 == "Error (restarts 0)" && w[1].1 == "Running (restarts 1)"),
        "the first crash restarts at once: {s:?}"
    );
    assert!(
        s.iter()
            .any(|(_, st)| st == "CrashLoopBackOff (restarts 1)"),
        "{s:?}"
    );
    // Restart n+1 follows the CrashLoopBackOff that began with exit n after 10s, 20s, 40s...
    let restarts: Vec<Millis> = s
        .windows(2)
        .filter(|w| w[0].1.starts_with("CrashLoopBackOff") && w[1].1.starts_with("Running"))
        .map(|w| (w[1].0 - w[0].0) / 1000)
        .collect();
    assert_eq!(restarts[..5], [10, 20, 40, 80, 160], "{s:?}");
    assert!(t.contains("Warning BackOff (x1) Back-off restarting failed container crash in pod crash_default(<uid>)"));
}

#[test]
fn a_never_restarting_busybox_pod_ends_completed() {
    let t = timeline(
        pod_with("once", "busybox", |p| {
            p["spec"]["restartPolicy"] = json!("Never")
        }),
        Script {
            delete_at: None,
            until: 120_000,
        },
    );
    golden("kubelet-busybox-never.txt", &t);
    let s: Vec<String> = statuses(&t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        s.last().map(String::as_str),
        Some("Completed (restarts 0)"),
        "{s:?}"
    );
    assert!(!s.iter().any(|x| x.starts_with("CrashLoopBackOff")));
}

#[test]
fn kubelet_events_carry_the_1_34_texts_in_order() {
    let t = timeline(
        pod("web", "nginx:1.27"),
        Script {
            delete_at: Some(20_000),
            until: 60_000,
        },
    );
    let reasons: Vec<String> = t
        .lines()
        .skip_while(|l| *l != "events:")
        .skip(1)
        .map(|l| {
            let mut w = l.split_whitespace().skip(2);
            w.next().unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "Scheduled",
            "Pulling",
            "Pulled",
            "Created",
            "Started",
            "Killing"
        ]
    );
    for text in [
        "Normal Scheduled (x1) Successfully assigned default/web to minikube",
        "Normal Pulling (x1) Pulling image \"nginx:1.27\"",
        "Normal Created (x1) Created container: web",
        "Normal Started (x1) Started container web",
        "Normal Killing (x1) Stopping container web",
    ] {
        assert!(t.contains(text), "missing {text:?} in\n{t}");
    }
    let pulled = t.lines().find(|l| l.contains("Pulled")).unwrap_or("");
    assert!(
        pulled.contains("Successfully pulled image \"nginx:1.27\" in ")
            && pulled.contains("s including waiting). Image size: 72188133 bytes."),
        "{pulled}"
    );
}
