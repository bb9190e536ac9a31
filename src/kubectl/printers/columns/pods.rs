//! The Pod printer: the STATUS, READY and RESTARTS a pod row shows (`printPod`), which the
//! cluster view's pod cards reuse.

use serde_json::Value;

use super::age;
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::fields::{arr, at, flag, int, s, time};

/// What the pod printer derives from a pod's status.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PodSummary {
    ready: u32,
    total: u32,
    status: String,
    restarts: u64,
    /// Latest `lastState.terminated.finishedAt` among the counted containers.
    last_restart_ms: Option<i64>,
}

/// A container spec is a sidecar: an init container with `restartPolicy: Always`.
fn is_sidecar(spec: Option<&Value>) -> bool {
    spec.is_some_and(|c| s(c, "restartPolicy") == "Always")
}

/// The pod has condition `type` with status `True`.
fn has_true_condition(pod: &Value, kind: &str) -> bool {
    arr(pod, "status.conditions")
        .iter()
        .any(|c| s(c, "type") == kind && s(c, "status") == "True")
}

/// Later of two optional instants.
fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `Signal:n` / `ExitCode:n` for a terminated state without a reason.
fn exit_text(term: &Value) -> String {
    let signal = int(term, "signal");
    if signal != 0 {
        format!("Signal:{signal}")
    } else {
        format!("ExitCode:{}", int(term, "exitCode"))
    }
}

/// The pod STATUS / READY / RESTARTS computation of `printPod`.
fn pod_summary(pod: &Value) -> PodSummary {
    let init_specs = arr(pod, "spec.initContainers");
    let init_spec = |name: &str| init_specs.iter().find(|c| s(c, "name") == name);
    let mut total = arr(pod, "spec.containers").len() as u32;
    total += init_specs.iter().filter(|c| is_sidecar(Some(c))).count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u64;
    let mut sidecar_restarts = 0u64;
    let mut last: Option<i64> = None;
    let mut sidecar_last: Option<i64> = None;

    let phase = s(pod, "status.phase");
    let mut reason = match s(pod, "status.reason") {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    for c in arr(pod, "status.conditions") {
        if s(c, "type") == "PodScheduled" && s(c, "reason") == "SchedulingGated" {
            reason = "SchedulingGated".into();
        }
    }

    let mut initializing = false;
    for (i, st) in arr(pod, "status.initContainerStatuses").iter().enumerate() {
        let count = int(st, "restartCount").max(0) as u64;
        let finished = time(st, "lastState.terminated.finishedAt");
        restarts += count;
        last = later(last, finished);
        let sidecar = is_sidecar(init_spec(s(st, "name")));
        if sidecar {
            sidecar_restarts += count;
            sidecar_last = later(sidecar_last, finished);
        }
        let term = at(st, "state.terminated");
        let waiting_reason = s(st, "state.waiting.reason");
        if term.is_some_and(|t| int(t, "exitCode") == 0) {
            continue;
        }
        if sidecar && flag(st, "started") {
            if flag(st, "ready") {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = term {
            match s(t, "reason") {
                "" => format!("Init:{}", exit_text(t)),
                r => format!("Init:{r}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || has_true_condition(pod, "Initialized") {
        restarts = sidecar_restarts;
        last = sidecar_last;
        let mut has_running = false;
        for st in arr(pod, "status.containerStatuses").iter().rev() {
            restarts += int(st, "restartCount").max(0) as u64;
            last = later(last, time(st, "lastState.terminated.finishedAt"));
            let waiting_reason = s(st, "state.waiting.reason");
            let term = at(st, "state.terminated");
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(t) = term {
                reason = match s(t, "reason") {
                    "" => exit_text(t),
                    r => r.to_string(),
                };
            } else if flag(st, "ready") && at(st, "state.running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_true_condition(pod, "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if at(pod, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        if s(pod, "status.reason") == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }

    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        last_restart_ms: last,
    }
}

/// The pod's STATUS column as `kubectl get pods` shows it (`Running`, `Init:0/1`,
/// `CrashLoopBackOff`, `Terminating`, ...).
pub fn pod_status(pod: &Value) -> String {
    pod_summary(pod).status
}

/// The pod's READY column as `(ready, total)`.
pub fn pod_ready(pod: &Value) -> (u32, u32) {
    let p = pod_summary(pod);
    (p.ready, p.total)
}

/// The number in the pod's RESTARTS column.
pub fn pod_restarts(pod: &Value) -> u64 {
    pod_summary(pod).restarts
}

/// All cells of a pod row (wide included).
pub(super) fn pod_cells(pod: &Value, now: i64) -> Vec<String> {
    let p = pod_summary(pod);
    let restarts = match p.last_restart_ms {
        Some(t) if p.restarts != 0 => format!("{} ({} ago)", p.restarts, human_duration(now - t)),
        _ => p.restarts.to_string(),
    };
    let or_none = |v: &str| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.to_string()
        }
    };
    let ip = arr(pod, "status.podIPs").first().map_or("", |i| s(i, "ip"));
    let gates = arr(pod, "spec.readinessGates");
    let gates_cell = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let conds = arr(pod, "status.conditions");
        let true_count = gates
            .iter()
            .filter(|g| {
                conds
                    .iter()
                    .find(|c| s(c, "type") == s(g, "conditionType"))
                    .is_some_and(|c| s(c, "status") == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    vec![
        s(pod, "metadata.name").to_string(),
        format!("{}/{}", p.ready, p.total),
        p.status,
        restarts,
        age(pod, now),
        or_none(ip),
        or_none(s(pod, "spec.nodeName")),
        or_none(s(pod, "status.nominatedNodeName")),
        gates_cell,
    ]
}
