//! The kubelet's prober (`pkg/kubelet/prober`): one worker per probe of each container,
//! ticking every `periodSeconds` from the moment the kubelet took the pod. A tick
//! probes a running container once `initialDelaySeconds` have passed since it started
//! (liveness and readiness wait for a startup probe to pass); `failureThreshold`
//! failures or `successThreshold` successes in a row change the worker's result, which
//! the kubelet acts on: readiness sets the container's `ready` (and so the pod's Ready
//! condition and its endpoints), startup sets `started`, and a failed liveness or startup
//! probe has the container killed and restarted. Each failed probe is an `Unhealthy`
//! event with the handler's output, as `prober.go` records it.

use super::containers::{self, node_of, ContainerRuntime};
use super::recorder;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::{Millis, Timer};
use crate::engine::container::probe::{self as handlers, Handler, Probed, Program};
use crate::engine::container::Target;
use crate::engine::json::At;
use crate::engine::registry::{self, ImageRef};
use crate::engine::time::parse_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// Which probe a worker runs (`probeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    const ALL: [ProbeKind; 3] = [
        ProbeKind::Liveness,
        ProbeKind::Readiness,
        ProbeKind::Startup,
    ];

    fn field(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }

    /// As the kubelet names it in events (`Liveness probe failed: …`).
    fn title(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }
}

/// One worker's memory (`worker.go`): its last result and how many times in a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Worker {
    pub epoch: u64,
    last: Option<bool>,
    run: i64,
    /// The result the kubelet acts on (`None` = not decided yet).
    pub result: Option<bool>,
    /// After a liveness or startup failure, until the container is replaced.
    on_hold: bool,
}

/// The probe's settings with the API server's defaults.
struct Spec {
    initial_delay_ms: Millis,
    period_ms: Millis,
    timeout_s: i64,
    success_threshold: i64,
    failure_threshold: i64,
    grace_s: Option<i64>,
}

fn spec_of(p: &Value) -> Spec {
    let n = |k: &str, d: i64| p.get(k).and_then(Value::as_i64).unwrap_or(d);
    Spec {
        initial_delay_ms: n("initialDelaySeconds", 0) * 1000,
        period_ms: n("periodSeconds", 10).max(1) * 1000,
        timeout_s: n("timeoutSeconds", 1),
        success_threshold: n("successThreshold", 1),
        failure_threshold: n("failureThreshold", 3),
        grace_s: p
            .get("terminationGracePeriodSeconds")
            .and_then(Value::as_i64),
    }
}

fn container_spec<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
}

fn status_of<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    pod.at("/status/containerStatuses")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|s| s["name"] == name))
}

fn runtime<'a>(w: &'a mut World, uid: &str, container: &str) -> Option<&'a mut ContainerRuntime> {
    w.kubelet
        .pods
        .get_mut(uid)
        .and_then(|rt| rt.containers.get_mut(container))
}

/// The container (re)started: each of its probes gets a fresh worker, ticking on the
/// phase of the kubelet's first sync of the pod (`status.startTime`).
pub(super) fn start(w: &mut World, pod: &Value, c: &Value) {
    let name = c["name"].as_str().unwrap_or("").to_string();
    let uid = meta_str(pod, "uid").to_string();
    let anchor = pod
        .at("/status/startTime")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .unwrap_or(w.now);
    for kind in ProbeKind::ALL {
        let Some(p) = c.get(kind.field()) else {
            continue;
        };
        let period = spec_of(p).period_ms;
        let since = (w.now - anchor).max(0);
        let next = anchor + (since + period - 1) / period * period;
        let Some(rt) = runtime(w, &uid, &name) else {
            return;
        };
        let worker = rt.probes.entry(kind).or_default();
        *worker = Worker {
            epoch: worker.epoch + 1,
            ..Worker::default()
        };
        let epoch = worker.epoch;
        let _ = schedule(w, pod, &name, kind, epoch, next);
    }
}

/// Sets the worker's next tick; returns its place, to take it back once every later tick
/// is known to change nothing.
fn schedule(
    w: &mut World,
    pod: &Value,
    container: &str,
    kind: ProbeKind,
    epoch: u64,
    at: Millis,
) -> (Millis, u64) {
    w.timers.schedule_revocable(
        at,
        Timer::Probe {
            namespace: meta_str(pod, "namespace").to_string(),
            name: meta_str(pod, "name").to_string(),
            uid: meta_str(pod, "uid").to_string(),
            container: container.to_string(),
            kind,
            epoch,
        },
    )
}

// Off in one test, which checks that nothing anyone sees depends on skipping ticks.
#[cfg(test)]
thread_local!(static ASK_EVERY_PERIOD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });

/// Takes back a worker's next tick: none of its later ticks can change anything.
fn take_back(w: &mut World, next: (Millis, u64)) {
    #[cfg(test)]
    if ASK_EVERY_PERIOD.with(std::cell::Cell::get) {
        return;
    }
    w.timers.revoke(next);
}

/// A worker's ticker fired: probe if it is time, then tick again a period later — unless
/// every later tick would change nothing until the container is replaced (and its
/// replacement gets fresh workers). The real kubelet asks on every period; a simulation
/// that knows the answer skips asking: a startup probe that has passed, a worker on hold
/// after a kill, and a probe that succeeds against a server whose answer lasts
/// ([`Probed`]'s `lasting`) with the worker's result already success. Their ticks would
/// record no event and write no status, so what anyone sees is the same, at the cost of
/// no engine step at all for a healthy pod's probes.
pub fn tick(
    w: &mut World,
    namespace: &str,
    name: &str,
    uid: &str,
    container: &str,
    kind: ProbeKind,
    epoch: u64,
) {
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        return;
    };
    if meta_str(&pod, "uid") != uid || pod.at("/metadata/deletionTimestamp").is_some() {
        return;
    }
    // A stopped kubelet probes nothing; its workers tick again when it starts.
    let node = node_of(w, uid);
    let timer = Timer::Probe {
        namespace: namespace.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        container: container.to_string(),
        kind,
        epoch,
    };
    if super::power::park(w, &node, timer) {
        return;
    }
    let Some(c) = container_spec(&pod, container).cloned() else {
        return;
    };
    let Some(p) = c.get(kind.field()).cloned() else {
        return;
    };
    let worker = match runtime(w, uid, container).and_then(|rt| rt.probes.get(&kind)) {
        Some(wk) if wk.epoch == epoch => wk.clone(),
        _ => return,
    };
    let spec = spec_of(&p);
    let next = schedule(w, &pod, container, kind, epoch, w.now + spec.period_ms);
    if worker.on_hold {
        take_back(w, next);
        return;
    }
    let Some(started_at) = status_of(&pod, container)
        .and_then(|s| s.at("/state/running/startedAt"))
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
    else {
        return;
    };
    let started = status_of(&pod, container).is_some_and(|s| s["started"] == true);
    match kind {
        // The startup probe has nothing left to do once the container has started.
        ProbeKind::Startup if started => {
            take_back(w, next);
            return;
        }
        // Liveness and readiness wait for the startup probe.
        ProbeKind::Liveness | ProbeKind::Readiness if !started => return,
        _ => {}
    }
    // `int32(time.Since(startedAt).Seconds()) < initialDelaySeconds`
    if (w.now - started_at) / 1000 * 1000 < spec.initial_delay_ms {
        return;
    }
    let t = format!("spec.containers{{{container}}}");
    let (probed, message) = match run_handler(w, &pod, &c, &p, started_at, spec.timeout_s) {
        Ok(probed) => {
            let m = format!("{} probe failed: {}", kind.title(), probed.output);
            (probed, m)
        }
        // A probe that cannot even be made (`probe.Unknown` with an error).
        Err(e) => (
            Probed {
                success: false,
                output: e.clone(),
                lasting: false,
            },
            format!(
                "{} probe errored and resulted in unknown state: {e}",
                kind.title()
            ),
        ),
    };
    if !probed.success {
        recorder(&pod, &node_of(w, uid))
            .at_field(&t)
            .warning(w, "Unhealthy", &message);
    }
    let Some(wk) = runtime(w, uid, container).and_then(|rt| rt.probes.get_mut(&kind)) else {
        return;
    };
    if wk.last == Some(probed.success) {
        wk.run += 1;
    } else {
        wk.last = Some(probed.success);
        wk.run = 1;
    }
    let threshold = if probed.success {
        spec.success_threshold
    } else {
        spec.failure_threshold
    };
    if wk.run < threshold {
        return;
    }
    let changed = wk.result != Some(probed.success);
    wk.result = Some(probed.success);
    let failed = !probed.success;
    if failed && kind != ProbeKind::Readiness {
        wk.on_hold = true;
        wk.run = 0;
    }
    // Success is the result now: a passed startup probe is done, and a lasting answer
    // will be the same on every later tick.
    if probed.success && (probed.lasting || kind == ProbeKind::Startup) {
        take_back(w, next);
    }
    match kind {
        ProbeKind::Readiness if changed => set_ready(w, &pod, container, probed.success),
        ProbeKind::Startup if probed.success => set_started(w, &pod, container),
        ProbeKind::Liveness | ProbeKind::Startup if failed => {
            let grace_s = spec.grace_s.or_else(|| {
                pod.at("/spec/terminationGracePeriodSeconds")
                    .and_then(Value::as_i64)
            });
            kill(
                w,
                &pod,
                &c,
                kind,
                &probed.output,
                spec.failure_threshold,
                grace_s.unwrap_or(30),
            );
        }
        _ => {}
    }
}

/// Resolves a probe's port (a number or the name of one of the container's ports).
fn port_of(c: &Value, port: &Value) -> Result<i64, String> {
    match port {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("invalid port number: {n}")),
        Value::String(name) => c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name.as_str())
            .and_then(|p| p["containerPort"].as_i64())
            .ok_or_else(|| format!("port {name} not found")),
        other => Err(format!("intOrString had no kind: {other}")),
    }
}

fn run_handler(
    w: &mut World,
    pod: &Value,
    c: &Value,
    p: &Value,
    started_at: Millis,
    timeout_s: i64,
) -> Result<Probed, String> {
    let ip = pod
        .at("/status/podIP")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let host_or_ip = |h: &Value| {
        h["host"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(String::from)
            .unwrap_or_else(|| ip.clone())
    };
    let handler = if let Some(e) = p.get("exec") {
        Ok(Handler::Exec(
            e["command"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect(),
        ))
    } else if let Some(h) = p.get("httpGet") {
        port_of(c, &h["port"]).map(|port| Handler::HttpGet {
            scheme: h["scheme"].as_str().unwrap_or("HTTP").to_lowercase(),
            host: host_or_ip(h),
            port,
            path: h["path"].as_str().unwrap_or("/").to_string(),
        })
    } else if let Some(t) = p.get("tcpSocket") {
        port_of(c, &t["port"]).map(|port| Handler::TcpSocket {
            host: host_or_ip(t),
            port,
        })
    } else if let Some(g) = p.get("grpc") {
        Ok(Handler::Grpc {
            host: ip.clone(),
            port: g["port"].as_i64().unwrap_or(0),
        })
    } else {
        Err(format!(
            "missing probe handler for {}_{}({}):{}",
            meta_str(pod, "name"),
            meta_str(pod, "namespace"),
            meta_str(pod, "uid"),
            c["name"].as_str().unwrap_or("")
        ))
    };
    let handler = handler?;
    let image = c["image"]
        .as_str()
        .and_then(|i| ImageRef::parse(i).ok())
        .and_then(|r| registry::lookup(&r));
    let argv = containers::argv_of(c, image);
    let declared: Vec<i64> = c["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["containerPort"].as_i64())
        .collect();
    let up = w.now - started_at;
    let start_ms = image.map(|b| b.start_ms).unwrap_or(300);
    let program = Program {
        argv: &argv,
        declared: &declared,
        listening_for: (up >= start_ms).then_some(up - start_ms),
    };
    let target = Target {
        namespace: meta_str(pod, "namespace").to_string(),
        pod: meta_str(pod, "name").to_string(),
        container: c["name"].as_str().unwrap_or("").to_string(),
    };
    Ok(handlers::probe(w, &target, &program, &handler, timeout_s))
}

fn write_container(w: &mut World, pod: &Value, container: &str, edit: impl Fn(&mut Value)) {
    let mut status = pod["status"].clone();
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for s in list.iter_mut().filter(|s| s["name"] == container) {
            edit(s);
        }
    }
    super::write_with_readiness(w, pod, status);
}

fn set_ready(w: &mut World, pod: &Value, container: &str, ready: bool) {
    let name = meta_str(pod, "name");
    let node = node_of(w, meta_str(pod, "uid"));
    let text = if ready {
        format!("{name}: container {container} passed its readiness probe; the pod is Ready and its Services send it traffic")
    } else {
        format!("{name}: container {container} failed its readiness probe; the pod is not Ready and its Services' endpoints stop sending it traffic (it is not restarted)")
    };
    recorder(pod, &node).why(w, text);
    write_container(w, pod, container, |s| s["ready"] = json!(ready));
}

fn set_started(w: &mut World, pod: &Value, container: &str) {
    let name = meta_str(pod, "name");
    let node = node_of(w, meta_str(pod, "uid"));
    let c = container_spec(pod, container).cloned().unwrap_or_default();
    let ready = c.get("readinessProbe").is_none();
    let next = if ready {
        "it is Ready"
    } else {
        "liveness and readiness probes run from now on"
    };
    recorder(pod, &node).why(
        w,
        format!("{name}: container {container} passed its startup probe; {next}"),
    );
    write_container(w, pod, container, |s| {
        s["started"] = json!(true);
        if ready {
            s["ready"] = json!(true);
        }
    });
}

/// A liveness or startup probe failed `failureThreshold` times: the kubelet kills the
/// container (`Killing`), which then restarts as its restartPolicy says.
#[allow(clippy::too_many_arguments)]
fn kill(
    w: &mut World,
    pod: &Value,
    c: &Value,
    kind: ProbeKind,
    output: &str,
    threshold: i64,
    grace_s: i64,
) {
    let container = c["name"].as_str().unwrap_or("");
    let uid = meta_str(pod, "uid");
    let node = node_of(w, uid);
    let restart = pod.at("/spec/restartPolicy").and_then(Value::as_str) != Some("Never");
    let what = match kind {
        ProbeKind::Startup => "startup",
        _ => "liveness",
    };
    let mut message = format!("Container {container} failed {what} probe");
    if restart {
        message.push_str(", will be restarted");
    }
    recorder(pod, &node)
        .at_field(&format!("spec.containers{{{container}}}"))
        .normal(w, "Killing", &message);
    // `minimumGracePeriodInSeconds`: always a short window before SIGKILL.
    let grace_ms = grace_s.max(2) * 1000;
    let image = c["image"]
        .as_str()
        .and_then(|i| ImageRef::parse(i).ok())
        .and_then(|r| registry::lookup(&r));
    let argv = containers::argv_of(c, image);
    let (delay, code, how) = match image.and_then(|b| b.stop_ms).filter(|ms| *ms <= grace_ms) {
        Some(ms) => (ms, sigterm_exit_code(&argv), "exits on SIGTERM".to_string()),
        None => (
            grace_ms,
            137,
            format!(
                "ignores SIGTERM, so it is killed when the {}s grace period ends",
                grace_ms / 1000
            ),
        ),
    };
    let name = meta_str(pod, "name");
    let then = if restart {
        "then the kubelet restarts it (RESTARTS counts up; repeated kills back off as CrashLoopBackOff)"
    } else {
        "restartPolicy Never: it stays terminated"
    };
    let output = output.trim();
    recorder(pod, &node).why(w, format!("{name}: container {container} failed its {what} probe {threshold} times in a row ({output}); the kubelet kills it — its process {how} — {then}"));
    containers::kill(w, pod, container, code, delay);
}

/// The exit code of a process stopped by SIGTERM: servers that handle it exit 0, Go
/// programs that do not die of the signal (128 + 15).
fn sigterm_exit_code(argv: &[String]) -> i32 {
    let name = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("");
    match name {
        "agnhost" | "hello-app" | "goproxy" | "etcd" => 143,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::apiserver::DeleteOptions;
    use crate::engine::ClusterConfig;

    fn pod(name: &str, image: &str, args: &[&str], probes: Value) -> Value {
        let mut c = json!({"name": "c", "image": image});
        if !args.is_empty() {
            c["args"] = json!(args);
        }
        for (k, v) in probes.as_object().into_iter().flatten() {
            c[k] = v.clone();
        }
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
               "spec": {"containers": [c]}})
    }

    /// A kind cluster (with its add-ons) and pods whose probes pass, fail, kill, and ask
    /// files and commands, through a stopped kubelet and a deletion: its whole history as
    /// the journal's digest, and how many timers are left waiting.
    fn history(ask_every_period: bool) -> (String, usize) {
        ASK_EVERY_PERIOD.with(|a| a.set(ask_every_period));
        let mut w = World::new(ClusterConfig::with_nodes(3, 7));
        // From the session's start: the add-ons' install ends at its last timer, a moment
        // that depends on how many timers are left (a harness detail, not history).
        w.store.keep_digest();
        let http = |path: &str, port: i64| json!({"httpGet": {"path": path, "port": port}, "periodSeconds": 2});
        let pods = [
            pod(
                "netexec",
                "registry.k8s.io/e2e-test-images/agnhost:2.53",
                &["netexec"],
                json!({
                    "startupProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 1, "initialDelaySeconds": 2},
                    "readinessProbe": http("/", 8080),
                    "livenessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 3}
                }),
            ),
            pod(
                "liveness",
                "registry.k8s.io/e2e-test-images/agnhost:2.53",
                &["liveness"],
                json!({
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 3, "periodSeconds": 3}
                }),
            ),
            pod(
                "redis",
                "redis:7",
                &[],
                json!({
                    "readinessProbe": {"tcpSocket": {"port": 6380}, "periodSeconds": 5},
                    "livenessProbe": {"tcpSocket": {"port": 6379}, "periodSeconds": 4}
                }),
            ),
            pod(
                "etcd",
                "registry.k8s.io/etcd:3.6.4-0",
                &[],
                json!({
                    "livenessProbe": {"grpc": {"port": 2379}, "periodSeconds": 5}
                }),
            ),
            pod(
                "nginx",
                "nginx:1.27",
                &[],
                json!({"readinessProbe": http("/", 80)}),
            ),
            pod(
                "exec",
                "busybox:1.36",
                &[
                    "sh",
                    "-c",
                    "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
                ],
                json!({
                    "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}
                }),
            ),
        ];
        for p in pods {
            w.create(p).unwrap_or_else(|e| panic!("{e}"));
            w.settle();
        }
        let advance = |w: &mut World, ms: Millis| w.advance_to(w.now + ms);
        advance(&mut w, 120_000);
        super::super::power::stop(&mut w, "kind-worker").unwrap_or_else(|e| panic!("{e}"));
        w.settle();
        advance(&mut w, 95_500);
        super::super::power::start(&mut w, "kind-worker").unwrap_or_else(|e| panic!("{e}"));
        w.settle();
        advance(&mut w, 120_000);
        let _ = w.delete("Pod", "default", "netexec", DeleteOptions::default());
        w.settle();
        advance(&mut w, 60_000);
        let digest = w.store.journal_digest().unwrap_or_default();
        (digest, w.timers.len())
    }

    #[test]
    fn skipping_ticks_that_change_nothing_changes_nothing_anyone_sees() {
        let (every_period, waiting) = history(true);
        let (skipping, fewer) = history(false);
        assert_eq!(skipping, every_period);
        assert!(fewer < waiting, "{fewer} timers, not fewer than {waiting}");
    }

    #[test]
    fn probe_defaults_match_the_api_servers() {
        let s = spec_of(&json!({}));
        assert_eq!(
            (
                s.initial_delay_ms,
                s.period_ms,
                s.timeout_s,
                s.success_threshold,
                s.failure_threshold
            ),
            (0, 10_000, 1, 1, 3)
        );
    }

    #[test]
    fn a_named_port_resolves_from_the_containers_ports() {
        let c = json!({"ports": [{"name": "liveness-port", "containerPort": 8080}]});
        assert_eq!(port_of(&c, &json!("liveness-port")), Ok(8080));
        assert_eq!(port_of(&c, &json!(80)), Ok(80));
        assert_eq!(
            port_of(&c, &json!("web")),
            Err("port web not found".to_string())
        );
    }
}
