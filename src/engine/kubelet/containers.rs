//! Each container's process once started: the kubelet runs its command (or the image's
//! default) step by step on timers ([`Process`]), writes what it prints to the container's
//! log, and when it exits decides by `restartPolicy` whether to start it again — at once
//! the first time, then after the crash back-off (10s doubling to 5m, forgotten after a
//! container ran 10 minutes), as the kubelet's `doBackOff` does.

use super::prober::{self, ProbeKind, Worker};
use super::{go_duration, hex64, recorder, write_status, PodRuntime};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::{Millis, Timer};
use crate::engine::container::{environment, expand_references, memory_use, Process, Step, Target};
use crate::engine::json::At;
use crate::engine::registry::{self, ImageBehaviour, ImageRef};
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::collections::BTreeMap;

/// The kubelet's crash back-off: first delay, ceiling.
const BACKOFF_INITIAL_MS: Millis = 10_000;
const BACKOFF_MAX_MS: Millis = 300_000;

/// A container's back-off entry (client-go's `flowcontrol.Backoff` per container key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub delay: Millis,
    pub last_update: Millis,
}

impl Backoff {
    /// An entry older than twice the ceiling is forgotten.
    fn expired(&self, at: Millis) -> bool {
        at - self.last_update > 2 * BACKOFF_MAX_MS
    }

    /// `Backoff.Next`: the first delay, or twice the last up to the ceiling.
    fn next(entry: Option<Backoff>, at: Millis, now: Millis) -> Backoff {
        let delay = match entry {
            Some(b) if !b.expired(at) => (b.delay * 2).min(BACKOFF_MAX_MS),
            _ => BACKOFF_INITIAL_MS,
        };
        Backoff {
            delay,
            last_update: now,
        }
    }
}

/// What the kubelet keeps about one container of a pod.
#[derive(Debug, Clone, Default)]
pub struct ContainerRuntime {
    /// The running process (`None` while waiting out a back-off, or after it ended).
    pub process: Option<Process>,
    /// Tells a stale timer from the live one.
    pub epoch: u64,
    pub backoff: Option<Backoff>,
    pub restarts: i64,
    /// The prober's worker for each of the container's probes.
    pub probes: BTreeMap<ProbeKind, Worker>,
    /// Killed (a failed liveness probe, the OOM killer): the exit code and reason its
    /// timer ends it with.
    pub dying: Option<(i32, &'static str)>,
}

fn spec<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
}

fn behaviour(c: &Value) -> Option<ImageBehaviour> {
    c["image"]
        .as_str()
        .and_then(|i| ImageRef::parse(i).ok())
        .and_then(|r| registry::lookup(&r))
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect()
    })
}

/// The process's argv: `command` replaces the image's entrypoint (and its default
/// arguments), `args` replaces its default arguments.
pub fn argv_of(c: &Value, image: Option<ImageBehaviour>) -> Vec<String> {
    let words = |ws: &[&str]| ws.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (entrypoint, cmd) = image.map(|b| (b.entrypoint, b.cmd)).unwrap_or((&[], &[]));
    match (strings(&c["command"]), strings(&c["args"])) {
        (Some(command), args) => [command, args.unwrap_or_default()].concat(),
        (None, Some(args)) => [words(entrypoint), args].concat(),
        (None, None) => [words(entrypoint), words(cmd)].concat(),
    }
}

fn target(pod: &Value, container: &str) -> Target {
    Target {
        namespace: meta_str(pod, "namespace").to_string(),
        pod: meta_str(pod, "name").to_string(),
        container: container.to_string(),
    }
}

fn runtime<'a>(w: &'a mut World, pod: &Value, name: &str) -> Option<&'a mut ContainerRuntime> {
    w.kubelet
        .pods
        .get_mut(meta_str(pod, "uid"))
        .map(|rt| rt.containers.entry(name.to_string()).or_default())
}

fn set_timer(w: &mut World, pod: &Value, name: &str, delay: Millis) {
    let Some(c) = runtime(w, pod, name) else {
        return;
    };
    c.epoch += 1;
    let epoch = c.epoch;
    let at = w.now + delay.max(0);
    w.timers.schedule(
        at,
        Timer::Container {
            namespace: meta_str(pod, "namespace").to_string(),
            name: meta_str(pod, "name").to_string(),
            uid: meta_str(pod, "uid").to_string(),
            container: name.to_string(),
            epoch,
        },
    );
}

/// The container just started: its process takes its first step once the image's
/// program is up.
pub(super) fn launch(w: &mut World, pod: &Value, c: &Value) {
    let name = c["name"].as_str().unwrap_or("").to_string();
    let image = behaviour(c);
    let t = target(pod, &name);
    // `$(VAR)` in command and args names the container's environment.
    let env = environment(w, &t);
    let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let argv = argv_of(c, image)
        .iter()
        .map(|a| expand_references(a, &lookup))
        .collect();
    let process = Process::new(w, &t, argv, c["stdin"] == true);
    if let Some(rt) = runtime(w, pod, &name) {
        rt.process = Some(process);
    }
    let id = pod["status"]["containerStatuses"]
        .as_array()
        .and_then(|l| l.iter().find(|s| s["name"] == name.as_str()))
        .and_then(|s| s["containerID"].as_str())
        .unwrap_or("")
        .to_string();
    w.kubelet
        .logs
        .entry((meta_str(pod, "uid").to_string(), name.clone()))
        .or_default()
        .start(&id);
    set_timer(w, pod, &name, image.map(|b| b.boot_ms).unwrap_or(0));
    prober::start(w, pod, c);
}

/// The kubelet kills the container (a failed liveness or startup probe): its process
/// takes no more steps and ends with `code` after `delay` (SIGTERM honoured, or the
/// grace period's SIGKILL).
pub(super) fn kill(w: &mut World, pod: &Value, container: &str, code: i32, delay: Millis) {
    let reason = if code == 0 { "Completed" } else { "Error" };
    end(w, pod, container, (code, reason), delay);
}

/// The process ends with `(code, reason)` after `delay`, taking no more steps meanwhile.
fn end(w: &mut World, pod: &Value, container: &str, how: (i32, &'static str), delay: Millis) {
    if let Some(rt) = runtime(w, pod, container) {
        rt.process = None;
        rt.dying = Some(how);
    }
    set_timer(w, pod, container, delay);
}

/// The pod is going away: its processes take no more steps.
pub(super) fn stop_all(rt: &mut PodRuntime) {
    for c in rt.containers.values_mut() {
        c.process = None;
        c.dying = None;
        c.epoch += 1;
    }
}

/// A container timer fired: resume its process, or restart it after its back-off.
pub fn sync(w: &mut World, namespace: &str, name: &str, uid: &str, container: &str, epoch: u64) {
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        return;
    };
    if meta_str(&pod, "uid") != uid || pod.at("/metadata/deletionTimestamp").is_some() {
        return;
    }
    let Some(c) = w
        .kubelet
        .pods
        .get(uid)
        .and_then(|rt| rt.containers.get(container))
    else {
        return;
    };
    if c.epoch != epoch {
        return;
    }
    let process = c.process.clone();
    let dying = c.dying;
    let node = node_of(w, uid);
    let timer = Timer::Container {
        namespace: namespace.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        container: container.to_string(),
        epoch,
    };
    if super::power::park(w, &node, timer) {
        return;
    }
    if let Some((code, reason)) = dying {
        if let Some(rt) = runtime(w, &pod, container) {
            rt.dying = None;
        }
        exited_as(w, &pod, container, code, reason);
        return;
    }
    match process {
        Some(mut p) => {
            let t = target(&pod, container);
            let burst = p.resume(w, &t);
            let now = w.now;
            w.kubelet
                .logs
                .entry((uid.to_string(), container.to_string()))
                .or_default()
                .write(now, burst.lines);
            if let Some(rt) = runtime(w, &pod, container) {
                rt.process = Some(p);
            }
            match burst.step {
                Step::Sleep(ms) => set_timer(w, &pod, container, ms),
                // Nothing more to resume: keep no process state for a server.
                Step::Forever => {
                    if let Some(rt) = runtime(w, &pod, container) {
                        rt.process = None;
                    }
                    oom_check(w, &pod, container);
                }
                Step::Exit(code) => exited(w, &pod, container, code),
            }
        }
        None => restart(w, &pod, container),
    }
}

/// The node whose kubelet runs pod `uid`.
pub(super) fn node_of(w: &World, uid: &str) -> String {
    w.kubelet
        .pods
        .get(uid)
        .map(|rt| rt.node.clone())
        .unwrap_or_default()
}

/// A program that holds more memory than the container's `limits.memory` is killed by
/// the kernel's OOM killer once it has touched it: `OOMKilled`, exit code 137.
fn oom_check(w: &mut World, pod: &Value, container: &str) {
    let Some(c) = spec(pod, container) else {
        return;
    };
    let Some(limit) = c
        .at("/resources/limits/memory")
        .and_then(crate::engine::quantity::bytes)
    else {
        return;
    };
    let Some(used) = memory_use(&argv_of(c, behaviour(c))) else {
        return;
    };
    if used <= limit {
        return;
    }
    let node = node_of(w, meta_str(pod, "uid"));
    let mib = |b: i64| format!("{}Mi", b >> 20);
    recorder(pod, &node).why(w, format!("{}: container {container} touched {} of memory, over its limit of {}; the kernel's OOM killer ends it (OOMKilled, exit code 137) and the kubelet restarts it as its restartPolicy says", meta_str(pod, "name"), mib(used), mib(limit)));
    // Touching the memory takes a moment (stress's workers fill it page by page).
    end(w, pod, container, (137, "OOMKilled"), 300);
}

/// The process exited with `code`: terminated, then restarted or not.
fn exited(w: &mut World, pod: &Value, container: &str, code: i32) {
    let reason = if code == 0 { "Completed" } else { "Error" };
    exited_as(w, pod, container, code, reason);
}

fn exited_as(w: &mut World, pod: &Value, container: &str, code: i32, reason: &str) {
    let uid = meta_str(pod, "uid").to_string();
    let node = node_of(w, &uid);
    if let Some(rt) = runtime(w, pod, container) {
        rt.process = None;
    }
    let now = format_rfc3339(w.now);
    let mut status = pod["status"].clone();
    let policy = pod
        .at("/spec/restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Always");
    let restarts = policy == "Always" || (policy == "OnFailure" && code != 0);
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut().filter(|s| s["name"] == container) {
            let started = s
                .at("/state/running/startedAt")
                .cloned()
                .unwrap_or(json!(now));
            s["state"] = json!({"terminated": {"containerID": s["containerID"], "exitCode": code, "finishedAt": now, "reason": reason, "startedAt": started}});
            s["ready"] = json!(false);
            s["started"] = json!(false);
            if restarts {
                s["lastState"] = s["state"].clone();
            }
        }
    }
    let name = meta_str(pod, "name").to_string();
    let ns = meta_str(pod, "namespace").to_string();
    if !restarts {
        let statuses = status["containerStatuses"].as_array().cloned();
        let all_done = statuses
            .iter()
            .flatten()
            .all(|s| s.at("/state/terminated").is_some());
        if all_done {
            let failed = statuses
                .iter()
                .flatten()
                .any(|s| s.at("/state/terminated/exitCode") != Some(&json!(0)));
            status["phase"] = json!(if failed { "Failed" } else { "Succeeded" });
            status["conditions"] = super::conditions(&pod["status"], &now, false, false, true);
            write_status(w, pod, status);
            recorder(pod, &node).why(w, format!("{name} finished with exit code {code}; restartPolicy {policy} means it is not restarted"));
        } else {
            status["conditions"] = super::conditions(&pod["status"], &now, true, false, false);
            write_status(w, pod, status);
        }
        return;
    }
    status["conditions"] = super::conditions(&pod["status"], &now, true, false, false);
    let pod = write_status(w, pod, status.clone());
    let finished = w.now;
    let entry = runtime(w, &pod, container).and_then(|c| c.backoff);
    // `IsInBackOffSince(finishedAt)`: an entry not expired and its window still open.
    let in_backoff = entry.filter(|b| !b.expired(finished));
    let Some(b) = in_backoff else {
        restart(w, &pod, container);
        return;
    };
    let mut waiting = status;
    if let Some(list) = waiting["containerStatuses"].as_array_mut() {
        for s in list.iter_mut().filter(|s| s["name"] == container) {
            s["state"] = json!({"waiting": {"message": format!("back-off {} restarting failed container={container} pod={name}_{ns}({uid})", go_duration(b.delay)), "reason": "CrashLoopBackOff"}});
        }
    }
    recorder(&pod, &node)
        .at_field(&format!("spec.containers{{{container}}}"))
        .warning(
            w,
            "BackOff",
            &format!("Back-off restarting failed container {container} in pod {name}_{ns}({uid})"),
        );
    let pod = write_status(w, &pod, waiting);
    recorder(&pod, &node).why(w, format!("{name} keeps crashing (exit code {code}); the kubelet waits {} before restarting it (CrashLoopBackOff)", go_duration(b.delay)));
    set_timer(w, &pod, container, b.delay);
}

/// Starts the container again (`Backoff.Next` first), one more restart counted.
fn restart(w: &mut World, pod: &Value, container: &str) {
    let Some(c) = spec(pod, container).cloned() else {
        return;
    };
    let uid = meta_str(pod, "uid").to_string();
    let node = node_of(w, &uid);
    let finished = pod["status"]["containerStatuses"]
        .as_array()
        .and_then(|l| l.iter().find(|s| s["name"] == container))
        .and_then(|s| s.at("/lastState/terminated/finishedAt"))
        .and_then(Value::as_str)
        .and_then(crate::engine::time::parse_rfc3339)
        .unwrap_or(w.now);
    let now_ms = w.now;
    let restarts = match runtime(w, pod, container) {
        Some(rt) => {
            rt.backoff = Some(Backoff::next(rt.backoff, finished, now_ms));
            rt.restarts += 1;
            rt.restarts
        }
        None => return,
    };
    let image = c["image"].as_str().unwrap_or("");
    let field = format!("spec.containers{{{container}}}");
    let events = recorder(pod, &node).at_field(&field);
    events.normal(
        w,
        "Pulled",
        &format!("Container image \"{image}\" already present on machine"),
    );
    events.normal(w, "Created", &format!("Created container: {container}"));
    events.normal(w, "Started", &format!("Started container {container}"));
    let now = format_rfc3339(w.now);
    let cid = hex64(w);
    let _digest = hex64(w);
    let (ready, started) = probed_from_start(&c);
    let mut status = pod["status"].clone();
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut().filter(|s| s["name"] == container) {
            s["state"] = json!({"running": {"startedAt": now}});
            s["containerID"] = json!(format!("containerd://{cid}"));
            s["restartCount"] = json!(restarts);
            s["ready"] = json!(ready);
            s["started"] = json!(started);
        }
    }
    let all_ready = status["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|s| s["ready"] == true);
    status["phase"] = json!("Running");
    status["conditions"] = super::conditions(&pod["status"], &now, true, all_ready, false);
    let pod = write_status(w, pod, status);
    super::volumes::make_env(w, &pod, container);
    launch(w, &pod, &c);
}

/// A just-started container's (`ready`, `started`): a readiness probe has to pass before
/// it is ready, a startup probe before it has started (and so before it is ready).
pub(super) fn probed_from_start(c: &Value) -> (bool, bool) {
    let started = c.get("startupProbe").is_none();
    (started && c.get("readinessProbe").is_none(), started)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_to_five_minutes_and_is_forgotten_after_ten() {
        let mut b = Backoff::next(None, 0, 0);
        let mut delays = vec![b.delay];
        for t in 1..8 {
            b = Backoff::next(Some(b), t * 1_000, t * 1_000);
            delays.push(b.delay);
        }
        assert_eq!(
            delays,
            [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]
        );
        // A container that ran more than 10 minutes since the last restart starts over.
        let fresh = Backoff::next(Some(b), b.last_update + 600_001, b.last_update + 600_001);
        assert_eq!(fresh.delay, 10_000);
        assert!(b.expired(b.last_update + 600_001) && !b.expired(b.last_update + 600_000));
    }

    #[test]
    fn command_replaces_the_entrypoint_and_args_replace_the_cmd() {
        let image = registry::lookup(
            &ImageRef::parse("registry.k8s.io/e2e-test-images/agnhost:2.40")
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let argv = |c: Value| argv_of(&c, image);
        assert_eq!(argv(json!({})), ["/agnhost", "pause"]);
        assert_eq!(argv(json!({"args": ["netexec"]})), ["/agnhost", "netexec"]);
        assert_eq!(argv(json!({"command": ["sh"]})), ["sh"]);
        assert_eq!(
            argv(json!({"command": ["sh"], "args": ["-c", "x"]})),
            ["sh", "-c", "x"]
        );
    }
}
