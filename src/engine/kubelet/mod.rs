//! Kubelets as a table of stages (KWOK-style): each pod moves Pending → ContainerCreating →
//! Running → Ready, and on deletion Terminating → gone, each step on a timer whose delay
//! comes from the image's behaviour and the seeded jitter. Failures (missing images,
//! crashing processes) are more rows of the same table. Once started, each container's
//! process runs on its own timers ([`containers`]), printing to its log ([`logs`]).

pub mod containers;
pub mod logs;
pub mod power;
pub mod prober;
pub mod static_pods;
pub mod stats;
pub mod streaming;
pub mod volumes;

use super::apiserver::meta_str;
use super::clock::{Millis, Timer};
use super::events::Recorder;
use super::registry::{self, ImageRef};
use super::time::format_rfc3339;
use super::world::World;
use crate::engine::json::At;
use crate::json;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The next thing the kubelet will do for a pod when its timer fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Create the sandbox: the pod shows ContainerCreating.
    Sandbox,
    /// Network ready; pull what is missing (or find it cached).
    Pull,
    /// The pull finished: create and start the containers.
    Start,
    /// A pull failed; after the back-off window, try again.
    PullBackOff,
    /// The containers have stopped after SIGTERM (or the grace period ran out).
    Stopped,
    /// Nothing scheduled (running, or finished).
    Idle,
}

/// What one node's kubelet remembers about one pod.
#[derive(Debug, Clone)]
pub struct PodRuntime {
    pub node: String,
    pub stage: Stage,
    pub epoch: u64,
    pub pull_failures: u32,
    /// Each container's process, back-off and restarts, by container name.
    pub containers: BTreeMap<String, containers::ContainerRuntime>,
    /// When the current pull started, for the `Pulled` event's duration.
    pub pull_started: Millis,
    /// Container processes honour SIGTERM within this long (`None` = killed at grace end).
    pub stop_after: Option<Millis>,
    /// When the current image pull back-off window ends.
    pub backoff_until: Millis,
    /// Failed `MountVolume.SetUp` attempts in a row (the volume manager's back-off).
    pub mount_failures: u32,
}

#[derive(Debug, Clone, Default)]
pub struct KubeletState {
    pub pods: BTreeMap<String, PodRuntime>,
    /// Images each node has pulled.
    pub images: BTreeMap<String, BTreeSet<String>>,
    /// The last host part handed out per node, for pod IPs.
    pub last_ip: BTreeMap<String, u32>,
    /// Container logs by (pod uid, container name).
    pub logs: BTreeMap<(String, String), logs::ContainerLogs>,
    /// The volumes, `subPath` copies and environments written for started pods, by uid.
    pub mounted: BTreeMap<String, volumes::Mounted>,
    /// Nodes whose kubelet is stopped (`kubeplay node stop`), with when it stopped.
    pub stopped: BTreeMap<String, Millis>,
    /// What a stopped kubelet would have done, kept for when it starts again.
    pub parked: BTreeMap<String, Vec<Timer>>,
    /// Pods removed from the API (force-deleted) while their kubelet was stopped, by
    /// uid: their containers run on until it starts again.
    pub orphans: BTreeMap<String, Value>,
    /// The requests each pod's server answered (the CPU they cost: `stats`).
    pub served: stats::Served,
}

/// Events and why-log lines about `pod` from the kubelet of `node`.
pub(super) fn recorder<'a>(pod: &'a Value, node: &'a str) -> Recorder<'a> {
    Recorder::new("kubelet", "Pod", pod).on_host(node)
}

fn containers(pod: &Value) -> Vec<Value> {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

pub(super) fn hex64(w: &mut World) -> String {
    format!(
        "{:016x}{:016x}{:016x}{:016x}",
        w.rng.next_u64(),
        w.rng.next_u64(),
        w.rng.next_u64(),
        w.rng.next_u64()
    )
}

/// Called for every pod watch event: starts the lifecycle of a newly bound pod, and the
/// termination of a pod being deleted.
pub fn observe(w: &mut World, pod: &Value) {
    let uid = meta_str(pod, "uid").to_string();
    let node = pod
        .at("/spec/nodeName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let deleting = pod.at("/metadata/deletionTimestamp").is_some();
    if node.is_empty() {
        return;
    }
    let runtime = w.kubelet.pods.get(&uid).cloned();
    match (runtime, deleting) {
        (None, false) => {
            let terminal = matches!(
                pod.at("/status/phase").and_then(Value::as_str),
                Some("Succeeded" | "Failed")
            );
            if terminal {
                return;
            }
            w.kubelet.pods.insert(
                uid.clone(),
                PodRuntime {
                    node,
                    stage: Stage::Idle,
                    epoch: 0,
                    pull_failures: 0,
                    containers: BTreeMap::new(),
                    pull_started: 0,
                    stop_after: None,
                    backoff_until: 0,
                    mount_failures: 0,
                },
            );
            let delay = w.rng.between(100, 400);
            set_timer(w, pod, Stage::Sandbox, delay);
        }
        (None, true) => {
            // Never started here: nothing to stop.
            w.remove_now("Pod", meta_str(pod, "namespace"), meta_str(pod, "name"));
        }
        // A stopped kubelet never hears of the deletion: the pod stays Terminating until
        // it starts again (or the pod is force-deleted).
        (Some(rt), true) if w.kubelet.stopped.contains_key(&rt.node) => {}
        (Some(rt), true) if static_pods::is_mirror(pod) => static_pods::repost_mirror(w, pod, rt),
        (Some(rt), true) if rt.stage != Stage::Stopped => start_termination(w, pod, &rt),
        _ => {}
    }
}

pub(super) fn set_timer(w: &mut World, pod: &Value, stage: Stage, delay: Millis) {
    let uid = meta_str(pod, "uid").to_string();
    let Some(rt) = w.kubelet.pods.get_mut(&uid) else {
        return;
    };
    rt.stage = stage;
    rt.epoch += 1;
    let epoch = rt.epoch;
    let at = w.now + delay.max(0);
    w.timers.schedule(
        at,
        Timer::Kubelet {
            namespace: meta_str(pod, "namespace").to_string(),
            name: meta_str(pod, "name").to_string(),
            uid,
            epoch,
        },
    );
}

pub(super) fn start_termination(w: &mut World, pod: &Value, rt: &PodRuntime) {
    if let Some(r) = w.kubelet.pods.get_mut(meta_str(pod, "uid")) {
        containers::stop_all(r);
    }
    let grace_ms = pod
        .at("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(30)
        * 1000;
    let mut stop_after = Some(0);
    for c in containers(pod) {
        let running = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["name"] == c["name"] && s["state"].get("running").is_some());
        if running {
            let name = c["name"].as_str().unwrap_or("");
            recorder(pod, &rt.node)
                .at_field(&format!("spec.containers{{{name}}}"))
                .normal(w, "Killing", &format!("Stopping container {name}"));
        }
        let behaviour = c["image"]
            .as_str()
            .and_then(|i| ImageRef::parse(i).ok())
            .and_then(|r| registry::lookup(&r));
        let stop = if running {
            behaviour.and_then(|b| b.stop_ms)
        } else {
            Some(0)
        };
        stop_after = match (stop_after, stop) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    let delay = match stop_after {
        Some(ms) => ms.min(grace_ms),
        None => grace_ms,
    };
    let uid = meta_str(pod, "uid").to_string();
    if let Some(r) = w.kubelet.pods.get_mut(&uid) {
        r.stop_after = stop_after.filter(|ms| *ms <= grace_ms);
    }
    let name = meta_str(pod, "name");
    let how = if stop_after.is_some_and(|ms| ms <= grace_ms) {
        format!(
            "{name} is terminating: its containers got SIGTERM and exit within {:.1}s",
            delay as f64 / 1000.0
        )
    } else {
        format!("{name} is terminating: its process ignores SIGTERM, so it is killed when the {}s grace period ends", grace_ms / 1000)
    };
    recorder(pod, &rt.node).why(w, how);
    set_timer(w, pod, Stage::Stopped, delay);
}

/// A kubelet timer fired for pod `namespace/name`.
pub fn sync(w: &mut World, namespace: &str, name: &str, uid: &str, epoch: u64) {
    let Some(rt) = w.kubelet.pods.get(uid).cloned() else {
        return;
    };
    if rt.epoch != epoch {
        return;
    }
    // A stopped kubelet does nothing, not even notice that a pod is gone.
    if power::park(
        w,
        &rt.node,
        Timer::Kubelet {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            epoch,
        },
    ) {
        return;
    }
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        forget(w, uid);
        return;
    };
    if meta_str(&pod, "uid") != uid {
        return;
    }
    match rt.stage {
        Stage::Sandbox => sandbox(w, &pod, &rt),
        Stage::Pull => pull(w, &pod, &rt),
        Stage::Start => start(w, &pod, &rt),
        Stage::PullBackOff => enter_image_backoff(w, &pod, &rt),
        Stage::Stopped => stopped(w, &pod, &rt),
        Stage::Idle => {}
    }
}

fn condition(kind: &str, status: bool, at: &str, reason: Option<&str>) -> Value {
    let mut c = json!({"lastProbeTime": Value::Null, "lastTransitionTime": at, "status": if status { "True" } else { "False" }, "type": kind});
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    c
}

/// Rewrites the conditions so that each keeps its transition time unless its status flips.
pub(super) fn conditions(
    old: &Value,
    now: &str,
    network: bool,
    ready: bool,
    completed: bool,
) -> Value {
    let previous = |t: &str| {
        old["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == t))
    };
    let make = |t: &str, status: bool, reason: Option<&str>| {
        let keep = previous(t).filter(|c| c["status"] == if status { "True" } else { "False" });
        let at = keep
            .and_then(|c| c["lastTransitionTime"].as_str())
            .unwrap_or(now);
        condition(t, status, at, reason)
    };
    let not_ready = if completed {
        "PodCompleted"
    } else {
        "ContainersNotReady"
    };
    json!([
        make("PodReadyToStartContainers", network, None),
        make(
            "Initialized",
            true,
            if completed {
                Some("PodCompleted")
            } else {
                None
            }
        ),
        make("Ready", ready, if ready { None } else { Some(not_ready) }),
        make(
            "ContainersReady",
            ready,
            if ready { None } else { Some(not_ready) }
        ),
        make("PodScheduled", true, None),
    ])
}

fn host_ip(w: &World, node: &str) -> String {
    w.get("Node", "", node)
        .and_then(|n| {
            n.at("/status/addresses/0/address")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .unwrap_or_default()
}

pub(super) fn write_status(w: &mut World, pod: &Value, status: Value) -> Rc<Value> {
    let (ns, name) = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
    );
    w.update_status_as(
        "Pod",
        &ns,
        &name,
        status,
        &crate::engine::apiserver::managed_fields::KUBELET_STATUS,
    )
    .unwrap_or_else(|| Rc::new(pod.clone()))
}

fn container_status(
    c: &Value,
    state: Value,
    ready: bool,
    restarts: i64,
    last: Value,
    container_id: Option<String>,
) -> Value {
    let image = c["image"].as_str().unwrap_or("");
    let reference = ImageRef::parse(image).ok();
    let full = reference
        .as_ref()
        .map_or_else(|| image.to_string(), ImageRef::status_image);
    let started = state.get("running").is_some();
    let mut s = json!({
        "image": full,
        "imageID": "",
        "lastState": last,
        "name": c["name"],
        "ready": ready,
        "restartCount": restarts,
        "started": started,
        "state": state,
    });
    if let Some(cid) = container_id {
        s["containerID"] = json!(format!("containerd://{cid}"));
        s["imageID"] = json!(reference
            .as_ref()
            .map(ImageRef::image_id)
            .unwrap_or_default());
    }
    s
}

fn sandbox(w: &mut World, pod: &Value, rt: &PodRuntime) {
    let now = format_rfc3339(w.now);
    let host = host_ip(w, &rt.node);
    let mut status = pod["status"].clone();
    status["phase"] = json!("Pending");
    status["conditions"] = conditions(&pod["status"], &now, false, false, false);
    status["hostIP"] = json!(host);
    status["hostIPs"] = json!([{"ip": host}]);
    status["startTime"] = json!(now);
    status["containerStatuses"] = json!(containers(pod)
        .iter()
        .map(|c| container_status(
            c,
            json!({"waiting": {"reason": "ContainerCreating"}}),
            false,
            0,
            json!({}),
            None
        ))
        .collect::<Vec<_>>());
    let pod = write_status(w, pod, status);
    if !mounted_or_wait(w, &pod, rt) {
        return;
    }
    let delay = w.rng.between(500, 1200);
    set_timer(w, &pod, Stage::Pull, delay);
}

fn assign_ip(w: &mut World, node: &str) -> String {
    let index = w
        .config
        .nodes
        .iter()
        .position(|n| n.name == node)
        .unwrap_or(0);
    let last = w.kubelet.last_ip.entry(node.to_string()).or_insert(1);
    *last = if *last >= 254 { 2 } else { *last + 1 };
    format!("10.244.{index}.{last}")
}

/// Assigns the pod's IP (once) and marks its sandbox network ready. A pod on the host's
/// network has the node's address and takes none from the node's pod range.
fn give_network(w: &mut World, pod: &Value, node: &str, status: &mut Value) {
    if status["podIP"].as_str().is_some_and(|ip| !ip.is_empty()) {
        return;
    }
    let old = &pod["status"];
    let ip = if pod.at("/spec/hostNetwork") == Some(&Value::Bool(true)) {
        host_ip(w, node)
    } else {
        assign_ip(w, node)
    };
    status["podIP"] = json!(ip);
    status["podIPs"] = json!([{"ip": ip}]);
    let now = format_rfc3339(w.now);
    status["conditions"] = conditions(old, &now, true, false, false);
}

/// Volumes are mounted before the sandbox is made and anything pulled; until they are,
/// the pod waits in ContainerCreating, and the volume manager tries again after its
/// back-off (goroutinemap's: 500 ms doubling, at most 2 m 2 s), with one `FailedMount`
/// for each volume that fails. False while it waits.
fn mounted_or_wait(w: &mut World, pod: &Value, rt: &PodRuntime) -> bool {
    let Err(errors) = volumes::set_up(w, pod) else {
        return true;
    };
    for e in errors {
        recorder(pod, &rt.node).warning(w, "FailedMount", &e.to_string());
    }
    let failures = rt.mount_failures.min(8);
    if let Some(r) = w.kubelet.pods.get_mut(meta_str(pod, "uid")) {
        r.mount_failures += 1;
    }
    set_timer(w, pod, Stage::Pull, (500 << failures).min(122_000));
    false
}

fn pull(w: &mut World, pod: &Value, rt: &PodRuntime) {
    let uid = meta_str(pod, "uid").to_string();
    if rt.mount_failures > 0 && !mounted_or_wait(w, pod, rt) {
        return;
    }
    let mut status = pod["status"].clone();
    let cached = w.kubelet.images.get(&rt.node).cloned().unwrap_or_default();
    let mut pull_ms = 0;
    let mut failures: Vec<(String, String, String)> = Vec::new();
    for c in containers(pod) {
        let image = c["image"].as_str().unwrap_or("").to_string();
        let field = format!("spec.containers{{{}}}", c["name"].as_str().unwrap_or(""));
        let container = recorder(pod, &rt.node).at_field(&field);
        let reference = match ImageRef::parse(&image) {
            Ok(r) => r,
            Err(e) => {
                container.warning(
                    w,
                    "InspectFailed",
                    &format!("Failed to apply default image tag \"{image}\": {e}"),
                );
                container.warning(w, "Failed", "Error: InvalidImageName");
                failures.push((
                    c["name"].as_str().unwrap_or("").to_string(),
                    "InvalidImageName".into(),
                    format!("Failed to apply default image tag \"{image}\": {e}"),
                ));
                continue;
            }
        };
        let policy = c["imagePullPolicy"].as_str().unwrap_or("IfNotPresent");
        if policy != "Always" && cached.contains(&reference.full()) {
            continue;
        }
        if policy == "Never" {
            let msg =
                format!("Container image \"{image}\" is not present with pull policy of Never");
            recorder(pod, &rt.node)
                .at_field(&field)
                .warning(w, "ErrImageNeverPull", &msg);
            failures.push((
                c["name"].as_str().unwrap_or("").to_string(),
                "ErrImageNeverPull".into(),
                msg,
            ));
            continue;
        }
        container.normal(w, "Pulling", &format!("Pulling image \"{image}\""));
        match registry::lookup(&reference) {
            Some(b) => {
                let jitter = w.rng.between(b.pull_ms * 8 / 10, b.pull_ms * 12 / 10);
                pull_ms += if cached.contains(&reference.full()) {
                    600
                } else {
                    jitter
                };
            }
            None => {
                let err = registry::pull_error(&reference);
                container.warning(
                    w,
                    "Failed",
                    &format!("Failed to pull image \"{image}\": {err}"),
                );
                container.warning(w, "Failed", "Error: ErrImagePull");
                failures.push((
                    c["name"].as_str().unwrap_or("").to_string(),
                    "ErrImagePull".into(),
                    err,
                ));
            }
        }
    }
    if let Some(r) = w.kubelet.pods.get_mut(&uid) {
        r.pull_started = w.now;
    }
    if failures.is_empty() {
        let pod = write_status(w, pod, status);
        set_timer(w, &pod, Stage::Start, pull_ms);
        return;
    }
    // Failed pulls: ErrImagePull now, ImagePullBackOff once the back-off window starts.
    // The sandbox (and so the pod's IP) exists while the kubelet keeps retrying.
    give_network(w, pod, &rt.node, &mut status);
    let failures_so_far = rt.pull_failures;
    let backoff = (10_000i64 << failures_so_far.min(5)).min(300_000);
    if let Some(r) = w.kubelet.pods.get_mut(&uid) {
        r.pull_failures += 1;
    }
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut() {
            if let Some((_, reason, msg)) =
                failures.iter().find(|(n, _, _)| s["name"] == n.as_str())
            {
                s["state"] = json!({"waiting": {"message": msg, "reason": reason}});
            }
        }
    }
    let name = meta_str(pod, "name");
    recorder(pod, &rt.node).why(w, format!("{name} cannot start: the image is not in the registry; the kubelet retries after a back-off of {}s (10s doubling up to 5m)", backoff / 1000));
    if let Some(r) = w.kubelet.pods.get_mut(&uid) {
        r.backoff_until = w.now + backoff;
    }
    let pod = write_status(w, pod, status);
    let delay = w.rng.between(1_000, 2_000);
    set_timer(w, &pod, Stage::PullBackOff, delay);
}

/// The back-off window opens: containers whose pull failed show ImagePullBackOff until
/// the window ends, then the kubelet pulls again.
fn enter_image_backoff(w: &mut World, pod: &Value, rt: &PodRuntime) {
    let mut status = pod["status"].clone();
    let specs = containers(pod);
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut() {
            if s.at("/state/waiting/reason").and_then(Value::as_str) != Some("ErrImagePull") {
                continue;
            }
            let name = s["name"].as_str().unwrap_or("").to_string();
            let image = specs
                .iter()
                .find(|c| c["name"] == name.as_str())
                .and_then(|c| c["image"].as_str())
                .unwrap_or("")
                .to_string();
            let previous = s
                .at("/state/waiting/message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let field = format!("spec.containers{{{name}}}");
            let container = recorder(pod, &rt.node).at_field(&field);
            container.normal(w, "BackOff", &format!("Back-off pulling image \"{image}\""));
            container.warning(w, "Failed", "Error: ImagePullBackOff");
            s["state"] = json!({"waiting": {"message": format!("Back-off pulling image \"{image}\": ErrImagePull: {previous}"), "reason": "ImagePullBackOff"}});
        }
    }
    let pod = write_status(w, pod, status);
    set_timer(w, &pod, Stage::Pull, rt.backoff_until - w.now);
}

/// The `Pulled` event of a container whose image is there (pulled now, or cached), and
/// the image's behaviour.
fn pulled(
    w: &mut World,
    pod: &Value,
    rt: &PodRuntime,
    c: &Value,
    pull_ms: Millis,
) -> Option<registry::ImageBehaviour> {
    let image = c["image"].as_str().unwrap_or("").to_string();
    let field = format!("spec.containers{{{}}}", c["name"].as_str().unwrap_or(""));
    let container = recorder(pod, &rt.node).at_field(&field);
    let reference = ImageRef::parse(&image).ok();
    let full = reference.as_ref().map(|r| r.full()).unwrap_or_default();
    let behaviour = reference.as_ref().and_then(registry::lookup);
    let cached = w
        .kubelet
        .images
        .get(&rt.node)
        .is_some_and(|s| s.contains(&full));
    let policy = c["imagePullPolicy"].as_str().unwrap_or("IfNotPresent");
    if cached && policy != "Always" {
        container.normal(
            w,
            "Pulled",
            &format!("Container image \"{image}\" already present on machine"),
        );
    } else if let Some(b) = behaviour {
        let secs = pull_ms as f64 / 1000.0;
        container.normal(w, "Pulled", &format!("Successfully pulled image \"{image}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.", b.size_bytes));
        w.kubelet
            .images
            .entry(rt.node.clone())
            .or_default()
            .insert(full);
    }
    behaviour
}

fn start(w: &mut World, pod: &Value, rt: &PodRuntime) {
    let uid = meta_str(pod, "uid").to_string();
    if config_error(w, pod, rt) {
        return;
    }
    let Ok(mounted) = volumes::set_up(w, pod) else {
        // A source vanished between the mount and the start: mount again.
        set_timer(w, pod, Stage::Pull, 0);
        return;
    };
    volumes::mount(w, pod, mounted);
    let now = format_rfc3339(w.now);
    let mut status = pod["status"].clone();
    // The sandbox's IP is reported with the first status that shows containers running.
    give_network(w, pod, &rt.node, &mut status);
    let mut all_ready = true;
    let mut list = Vec::new();
    let pull_ms = w.now - rt.pull_started;
    for c in containers(pod) {
        let name = c["name"].as_str().unwrap_or("").to_string();
        let field = format!("spec.containers{{{name}}}");
        let container = recorder(pod, &rt.node).at_field(&field);
        pulled(w, pod, rt, &c, pull_ms);
        container.normal(w, "Created", &format!("Created container: {name}"));
        container.normal(w, "Started", &format!("Started container {name}"));
        let (ready, started) = containers::probed_from_start(&c);
        all_ready &= ready;
        let old = status["containerStatuses"]
            .as_array()
            .and_then(|l| l.iter().find(|s| s["name"] == name.as_str()).cloned());
        let last = old
            .as_ref()
            .map(|o| o["lastState"].clone())
            .unwrap_or(json!({}));
        let cid = hex64(w);
        // Drawn and dropped: the image's ID no longer comes from the seed, and every
        // later draw (names, uids, addresses) stays what it was for a given seed.
        let _ = hex64(w);
        let mut s = container_status(
            &c,
            json!({"running": {"startedAt": now}}),
            ready,
            0,
            last,
            Some(cid),
        );
        s["started"] = json!(started);
        list.push(s);
    }
    status["containerStatuses"] = json!(list);
    status["phase"] = json!("Running");
    status["conditions"] = conditions(&pod["status"], &now, true, all_ready, false);
    let pod = write_status(w, pod, status);
    if let Some(r) = w.kubelet.pods.get_mut(&uid) {
        r.pull_failures = 0;
    }
    for c in containers(&pod) {
        containers::launch(w, &pod, &c);
    }
    let pod = w
        .get("Pod", meta_str(&pod, "namespace"), meta_str(&pod, "name"))
        .cloned()
        .unwrap_or(pod);
    set_timer(w, &pod, Stage::Idle, 0);
}

/// `CreateContainerConfigError`: a container's environment needs a ConfigMap or Secret
/// (or a key) that is missing. The kubelet tries again, pulling again first. Every container waits until all can start
/// (upstream starts the others meanwhile; the tutorials' pods have one container).
fn config_error(w: &mut World, pod: &Value, rt: &PodRuntime) -> bool {
    let errors: Vec<(String, String)> = containers(pod)
        .iter()
        .filter_map(|c| {
            let e = volumes::env_error(w, pod, c)?;
            Some((c["name"].as_str().unwrap_or("").to_string(), e))
        })
        .collect();
    if errors.is_empty() {
        return false;
    }
    // The first failure is retried at the next PLEG relist (1 s: the sandbox just
    // started); later ones after the pod worker's back-off.
    let first = !pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| {
            s.at("/state/waiting/reason").and_then(Value::as_str)
                == Some("CreateContainerConfigError")
        });
    let mut status = pod["status"].clone();
    // The sandbox is up: the pod has its IP although no container runs.
    give_network(w, pod, &rt.node, &mut status);
    let pull_ms = w.now - rt.pull_started;
    for (name, e) in &errors {
        if let Some(c) = containers(pod).iter().find(|c| c["name"] == name.as_str()) {
            pulled(w, pod, rt, c, pull_ms);
        }
        let field = format!("spec.containers{{{name}}}");
        recorder(pod, &rt.node)
            .at_field(&field)
            .warning(w, "Failed", &format!("Error: {e}"));
        for s in status["containerStatuses"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if s["name"] == name.as_str() {
                s["state"] =
                    json!({"waiting": {"message": e, "reason": "CreateContainerConfigError"}});
            }
        }
    }
    let pod = write_status(w, pod, status);
    let delay = if first {
        1_000
    } else {
        w.rng.between(10_000, 15_000)
    };
    set_timer(w, &pod, Stage::Pull, delay);
    true
}

/// The kubelet reports its pods' status again (it was away and the node lifecycle
/// controller had marked them not ready): Ready follows the containers' readiness, which
/// the prober kept.
pub(super) fn report_readiness(w: &mut World, pod: &Value) {
    write_with_readiness(w, pod, pod["status"].clone());
}

/// Writes `status` with its Ready condition following the containers' `ready` (what the
/// status manager derives from the prober's results).
pub(super) fn write_with_readiness(w: &mut World, pod: &Value, mut status: Value) {
    let now = format_rfc3339(w.now);
    let ready = status["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|s| s["ready"] == true);
    status["conditions"] = conditions(&pod["status"], &now, true, ready, false);
    write_status(w, pod, status);
}

pub(super) fn go_duration(ms: Millis) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn stopped(w: &mut World, pod: &Value, rt: &PodRuntime) {
    let now = format_rfc3339(w.now);
    let graceful = rt.stop_after.is_some();
    let (code, reason) = if graceful {
        (0, "Completed")
    } else {
        (137, "Error")
    };
    let mut status = pod["status"].clone();
    let mut any_container = false;
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut() {
            any_container = true;
            let started = s.at("/state/running/startedAt").cloned();
            let mut term = json!({"exitCode": code, "finishedAt": now, "reason": reason});
            if let Some(st) = started {
                term["startedAt"] = st;
                term["containerID"] = s["containerID"].clone();
            }
            s["state"] = json!({"terminated": term});
            s["ready"] = json!(false);
            s["started"] = json!(false);
        }
    }
    if any_container {
        status["phase"] = json!(if graceful { "Succeeded" } else { "Failed" });
        status["conditions"] = conditions(&pod["status"], &now, false, false, graceful);
        write_status(w, pod, status);
    }
    forget(w, meta_str(pod, "uid"));
    w.remove_now("Pod", meta_str(pod, "namespace"), meta_str(pod, "name"));
}

/// The pod is gone from this node: its runtime and logs go too.
pub(super) fn forget(w: &mut World, uid: &str) {
    w.kubelet.pods.remove(uid);
    w.kubelet.mounted.remove(uid);
    let keys: Vec<_> = w
        .kubelet
        .logs
        .range((uid.to_string(), String::new())..)
        .take_while(|((u, _), _)| u == uid)
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        w.kubelet.logs.remove(&k);
    }
}
