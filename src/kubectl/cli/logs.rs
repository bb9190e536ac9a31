//! `kubectl logs`: what a container's process printed, read from the kubelet's log of
//! that container instance. The pod comes from `POD` or `TYPE/NAME` (the first pod of
//! the object's selector, in kubectl's `ByLogging` order); the container from `-c`, the
//! `kubectl.kubernetes.io/default-container` annotation or the first one; the instance
//! by the kubelet's rules (`validateContainerLogStatus`): the running one, else the last
//! terminated, or with `--previous` the one before.

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx, Outcome};
use crate::engine::json::At;
use crate::engine::kubelet::logs::{format_rfc3339_nano, Follower, LogLine};
use crate::engine::selector::{labels_of, Selector};
use crate::engine::{ApiError, Cluster};
use crate::kubectl::output::CheckErr;
use crate::kubectl::process::{Process, Running};
use crate::shell::{Output, Stream};
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("container", Some('c'), Arity::Value),
    flag("follow", Some('f'), Arity::Bool),
    flag("previous", Some('p'), Arity::Bool),
    flag("tail", None, Arity::Value),
    flag("timestamps", None, Arity::Bool),
    flag("all-containers", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("since", None, Arity::Value),
    flag("since-time", None, Arity::Value),
    flag("limit-bytes", None, Arity::Value),
    flag("prefix", None, Arity::Bool),
];

/// `kubectl logs -f`: the lines a container instance writes until it ends.
#[derive(Debug, Clone)]
pub struct Follow {
    pub follower: Follower,
    pub timestamps: bool,
    /// What `--limit-bytes` still allows (`None`: no limit); following ends at 0.
    pub bytes_left: Option<usize>,
}

impl Follow {
    /// Prints what was written since the last poll; finished once the instance is no
    /// longer running (or the pod is gone).
    pub fn poll(&mut self, cluster: &Cluster, out: &mut Output) -> Option<i32> {
        for l in self.follower.read(cluster) {
            print_line(out, &l, self.timestamps, &mut self.bytes_left);
        }
        if self.bytes_left == Some(0) || !self.follower.running(cluster) {
            return Some(0);
        }
        None
    }
}

/// Prints one log line; `bytes_left` is `--limit-bytes`' allowance, which cuts a line
/// short (without its newline) where it runs out, as the kubelet's limit writer does.
fn print_line(out: &mut Output, l: &LogLine, timestamps: bool, bytes_left: &mut Option<usize>) {
    let text = if timestamps {
        format!("{} {}", format_rfc3339_nano(l.at), l.text)
    } else {
        l.text.clone()
    };
    if let Some(left) = bytes_left.as_mut() {
        if *left == 0 {
            return;
        }
        if text.len() + 1 > *left {
            let mut cut = *left;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            *left = 0;
            out.out_exact(&text[..cut]);
            return;
        }
        *left -= text.len() + 1;
    }
    // An empty line is a line too (`echo -en '\n'`): written exactly, not dropped.
    match l.stream {
        Stream::Out => out.out_exact(format!("{text}\n")),
        Stream::Err if text.is_empty() => out.lines.extend(Output::from_text("", "\n", 0).lines),
        Stream::Err => out.err(text),
    }
}

fn status_of<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|k| pod["status"][*k].as_array())
        .flatten()
        .find(|s| s["name"] == container)
}

/// The kubelet's choice of container instance, or its error.
pub(crate) fn instance(pod: &Value, container: &str, previous: bool) -> Result<String, String> {
    let name = pod
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(s) = status_of(pod, container) else {
        return Err(format!(
            "container {container:?} in pod {name:?} is not available"
        ));
    };
    let id = |v: Option<&Value>| {
        v.and_then(|t| t["containerID"].as_str())
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let last = s.at("/lastState/terminated");
    if previous {
        return id(last).ok_or_else(|| {
            format!("previous terminated container {container:?} in pod {name:?} not found")
        });
    }
    if s.at("/state/running").is_some() {
        return id(Some(s)).ok_or_else(|| {
            format!("container {container:?} in pod {name:?} is waiting to start - no logs yet")
        });
    }
    let terminated = |_| format!("container {container:?} in pod {name:?} is terminated");
    if let Some(t) = s.at("/state/terminated") {
        return id(Some(t))
            .or_else(|| id(last))
            .ok_or_else(|| terminated(()));
    }
    if last.is_some() {
        return id(last).ok_or_else(|| terminated(()));
    }
    match s.at("/state/waiting/reason").and_then(Value::as_str) {
        Some("ErrImagePull") => Err(format!(
            "container {container:?} in pod {name:?} is waiting to start: image can't be pulled"
        )),
        Some("ImagePullBackOff") => Err(format!("container {container:?} in pod {name:?} is waiting to start: trying and failing to pull image")),
        Some(reason) => Err(format!(
            "container {container:?} in pod {name:?} is waiting to start: {reason}"
        )),
        None => Err(format!(
            "container {container:?} in pod {name:?} is waiting to start - no logs yet"
        )),
    }
}

/// `ByLogging`: assigned, Running, ready (longest first), most restarts, oldest.
fn by_logging(a: &Value, b: &Value) -> std::cmp::Ordering {
    let node = |p: &Value| p.at("/spec/nodeName").and_then(Value::as_str).is_some();
    let phase = |p: &Value| match p.at("/status/phase").and_then(Value::as_str) {
        Some("Running") => 0,
        Some("Pending") => 2,
        Some("Unknown") => 1,
        _ => 3,
    };
    let ready_since = |p: &Value| {
        p["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Ready" && c["status"] == "True")
            .and_then(|c| c["lastTransitionTime"].as_str())
            .map(String::from)
    };
    let restarts = |p: &Value| {
        p["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["restartCount"].as_i64())
            .max()
            .unwrap_or(0)
    };
    let created = |p: &Value| {
        p.at("/metadata/creationTimestamp")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    node(b)
        .cmp(&node(a))
        .then(phase(a).cmp(&phase(b)))
        .then(ready_since(b).is_some().cmp(&ready_since(a).is_some()))
        .then(match (ready_since(a), ready_since(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => std::cmp::Ordering::Equal,
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then(created(a).cmp(&created(b)))
}

/// The pod a `POD` or `TYPE/NAME` argument means; notices go to `out`'s stderr.
fn find_pod(cluster: &Cluster, ns: &str, arg: &str, out: &mut Output) -> Result<Value, Output> {
    let (ty, name) = match arg.split_once('/') {
        Some((t, n)) => (t, n),
        None => ("pods", arg),
    };
    let resource = match super::resource::resolve(ty) {
        Ok(r) => r,
        Err(e) => return Err(Output::failed(format!("error: {e}"))),
    };
    let Some(obj) = cluster.get(resource.kind, ns, name) else {
        let plural = match resource.group {
            "" => resource.plural.to_string(),
            group => format!("{}.{group}", resource.plural),
        };
        // kubectl's logs builder words a missing object its own way.
        return Err(Output::failed(format!(
            "error: error from server (NotFound): {plural} \"{name}\" not found in namespace \"{ns}\""
        )));
    };
    if resource.kind == "Pod" {
        return Ok((**obj).clone());
    }
    let selector = match resource.kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            Selector::from_label_selector(&obj["spec"]["selector"]).ok()
        }
        "Service" | "ReplicationController" => {
            let pairs: Vec<String> = obj["spec"]["selector"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            Selector::parse(&pairs.join(",")).ok()
        }
        _ => None,
    };
    let Some(selector) = selector else {
        return Err(Output::failed(format!(
            "error: cannot get the logs from *v1.{kind}: selector for *v1.{kind} not implemented",
            kind = resource.kind
        )));
    };
    let mut pods: Vec<&Value> = cluster
        .store
        .list("Pod", Some(ns))
        .map(|p| &**p)
        .filter(|p| selector.matches(&labels_of(p)))
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| by_logging(a, b));
    match pods.first() {
        // kubectl waits --pod-running-timeout (20s) for one to appear, then gives up.
        None => Err(Output::failed("error: timed out waiting for the condition")),
        Some(first) => {
            if pods.len() > 1 {
                let pname = first.at("/metadata/name").and_then(Value::as_str);
                out.err(format!(
                    "Found {} pods, using pod/{}",
                    pods.len(),
                    pname.unwrap_or("")
                ));
            }
            Ok((*first).clone())
        }
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("logs", e).into(),
    };
    for unsupported in ["all-containers", "selector", "since-time", "prefix"] {
        if p.value(unsupported).is_some() || p.bool(unsupported) {
            return Output::failed(format!(
                "kubeplay: `kubectl logs --{unsupported}` is not available in the playground"
            ))
            .into();
        }
    }
    let ns = ctx.namespace(&p);
    let Some(arg) = p.positionals.first() else {
        return Output::failed("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples").into();
    };
    let tail = match p.value("tail") {
        None => None,
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n as usize),
            Ok(_) => None,
            Err(_) => {
                return Output::failed(format!(
                    "error: invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage."
                ))
                .into()
            }
        },
    };
    let since = match p.value("since") {
        None => None,
        Some(t) => match super::delete::parse_go_duration(t.trim_start_matches('-')) {
            Some(_) if t.starts_with('-') => {
                return Output::failed("error: --since must be greater than 0").into()
            }
            // kubectl sends whole seconds, rounded; 0 means no limit.
            Some(ms) => Some((ms + 500) / 1000).filter(|s| *s > 0),
            None => {
                return Output::failed(format!(
                    "error: invalid argument \"{t}\" for \"--since\" flag: time: invalid duration {}\nSee 'kubectl logs --help' for usage.",
                    crate::gofmt::go_quote(t)
                ))
                .into()
            }
        },
    };
    let mut bytes_left = match p.value("limit-bytes") {
        None => None,
        Some(b) => match b.parse::<i64>() {
            Ok(n) if n < 0 => {
                return Output::failed("error: --limit-bytes must be greater than 0").into()
            }
            Ok(0) => None,
            Ok(n) => Some(n as usize),
            Err(_) => {
                return Output::failed(format!(
                    "error: invalid argument \"{b}\" for \"--limit-bytes\" flag: strconv.ParseInt: parsing \"{b}\": invalid syntax\nSee 'kubectl logs --help' for usage."
                ))
                .into()
            }
        },
    };
    let mut out = Output::ok();
    let (ty, name) = arg.split_once('/').unwrap_or(("pods", arg));
    if let Ok(r) = super::resource::resolve(ty) {
        if let Err(e) = ctx.may("get", r, &ns, name) {
            return Output::failed(e.to_string()).into();
        }
    }
    let pod = match find_pod(ctx.cluster, &ns, arg, &mut out) {
        Ok(pod) => pod,
        Err(o) => return o.into(),
    };
    let pod_name = pod
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    // The log is the pod's `log` subresource.
    let pods = crate::engine::api::discovery::resolve("pods").expect("pods are served");
    let log = super::impersonation::attributes("get", pods, &ns, pod_name, "log");
    if let Err(e) = ctx.authorize(&log) {
        return Output::failed(e.to_string()).into();
    }
    let names: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let init: Vec<&str> = pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let annotated = pod
        .at("/metadata/annotations/kubectl.kubernetes.io~1default-container")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut chosen = p.value("container").map(String::from);
    if chosen.is_none() {
        if let Some(d) = annotated {
            if names.contains(&d) || init.contains(&d) {
                chosen = Some(d.to_string());
            } else {
                out.err(format!(
                    "Default container name \"{d}\" not found in pod {pod_name}"
                ));
            }
        }
    }
    let container = match chosen {
        Some(c) => c,
        None => {
            let Some(first) = names.first() else {
                return Output::failed(format!("pod {pod_name} has no containers")).into();
            };
            if names.len() > 1 || !init.is_empty() {
                let all: Vec<String> = names
                    .iter()
                    .map(|n| n.to_string())
                    .chain(init.iter().map(|n| format!("{n} (init)")))
                    .collect();
                out.err(format!(
                    "Defaulted container \"{first}\" out of: {}",
                    all.join(", ")
                ));
            }
            first.to_string()
        }
    };
    if !names.contains(&container.as_str()) && !init.contains(&container.as_str()) {
        let mut o = out;
        o.fail(format!(
            "container {container} is not valid for pod {pod_name}"
        ));
        return o.into();
    }
    // The API server has no kubelet to ask for a pod not yet scheduled: empty logs.
    if pod
        .at("/spec/nodeName")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return out.into();
    }
    if let Some(kubelet) = crate::engine::kubelet::power::refused_kubelet(ctx.cluster, &pod) {
        let ns = pod
            .at("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut o = out;
        o.fail(format!("Error from server: Get \"https://{kubelet}/containerLogs/{ns}/{pod_name}/{container}\": dial tcp {kubelet}: connect: connection refused"));
        return o.into();
    }
    let id = match instance(&pod, &container, p.bool("previous")) {
        Ok(id) => id,
        Err(e) => {
            let mut o = out;
            o.fail(ApiError::bad_request(e).to_string());
            return o.into();
        }
    };
    let uid = pod
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let timestamps = p.bool("timestamps");
    let file = ctx
        .cluster
        .kubelet
        .logs
        .get(&(uid.clone(), container.clone()))
        .and_then(|l| l.file(&id));
    let mut seen = 0;
    if let Some(file) = file {
        // `--since`: the kubelet skips lines written before now − N seconds.
        let from = since.map_or(i64::MIN, |s| ctx.cluster.now - s * 1000);
        let recent: Vec<&LogLine> = file.lines.iter().filter(|l| l.at >= from).collect();
        let skip = tail.map_or(0, |n| recent.len().saturating_sub(n));
        for l in recent.into_iter().skip(skip) {
            print_line(&mut out, l, timestamps, &mut bytes_left);
        }
        seen = file.written;
    }
    if !p.bool("follow") || p.bool("previous") || bytes_left == Some(0) {
        return out.into();
    }
    let mut follow = Follow {
        follower: Follower {
            namespace: ns,
            pod: pod_name.to_string(),
            uid,
            container,
            container_id: id,
            seen,
        },
        timestamps,
        bytes_left,
    };
    let mut more = Output::ok();
    if follow.poll(ctx.cluster, &mut more).is_some() {
        out.append(more);
        return out.into();
    }
    Outcome::Running(out, Box::new(Running::new(Process::Logs(follow))))
}
