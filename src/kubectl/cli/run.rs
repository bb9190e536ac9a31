//! `kubectl run` (kubectl `pkg/cmd/run/run.go`, `pkg/generate/versioned/run.go`) and
//! `kubectl exec` (`pkg/cmd/exec/exec.go`), with their interactive forms: `run -it` and
//! `exec -it … -- sh` attach the terminal to a fake container shell
//! ([`crate::engine::container`]) until `exit`.

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx, Outcome};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::container::Target;
use crate::engine::json::At;
use crate::engine::kubelet::streaming::{self, StreamRequest};
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::yaml;
use crate::shell::Output;
use serde_json::{Map, Value};

/// A terminal attached to a container shell, until `exit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attach {
    pub target: Target,
    /// `run --rm`: delete the pod when the shell exits.
    pub remove: bool,
}

impl Attach {
    /// The prompt the container's shell shows.
    pub fn prompt(&self) -> &'static str {
        "/ # "
    }
}

pub(crate) const RUN_FLAGS: &[Flag] = &[
    flag("image", None, Arity::Value),
    flag("restart", None, Arity::Value),
    flag("labels", Some('l'), Arity::Value),
    flag("port", None, Arity::Value),
    flag("env", None, Arity::Value),
    flag("command", None, Arity::Bool),
    flag("stdin", Some('i'), Arity::Bool),
    flag("tty", Some('t'), Arity::Bool),
    flag("rm", None, Arity::Bool),
    flag("attach", None, Arity::Bool),
    flag("quiet", Some('q'), Arity::Bool),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("image-pull-policy", None, Arity::Value),
    flag("annotations", None, Arity::Value),
    flag("expose", None, Arity::Bool),
    flag("overrides", None, Arity::Value),
    flag("privileged", None, Arity::Bool),
    flag("pod-running-timeout", None, Arity::Value),
];

pub(crate) const EXEC_FLAGS: &[Flag] = &[
    flag("container", Some('c'), Arity::Value),
    flag("stdin", Some('i'), Arity::Bool),
    flag("tty", Some('t'), Arity::Bool),
    flag("quiet", Some('q'), Arity::Bool),
    flag("filename", Some('f'), Arity::Value),
    flag("pod-running-timeout", None, Arity::Value),
];

/// How long `run -it` waits for the pod to run (`--pod-running-timeout`, 1m).
const POD_RUNNING_TIMEOUT_MS: i64 = 60_000;

fn usage_error(verb: &str, msg: &str) -> Output {
    Output::failed(format!(
        "{msg}\nSee 'kubectl {verb} -h' for help and examples"
    ))
}

fn is_shell(cmd: &[String]) -> bool {
    cmd.len() == 1
        && matches!(
            cmd[0].rsplit('/').next().unwrap_or(""),
            "sh" | "bash" | "ash" | "dash"
        )
}

fn phase(pod: &Value) -> &str {
    pod.at("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// A pod's container names by kind (`spec.containers`, `ephemeralContainers`,
/// `initContainers`).
struct PodContainers {
    containers: Vec<String>,
    ephemeral: Vec<String>,
    init: Vec<String>,
}

impl PodContainers {
    fn of(pod: &Value) -> PodContainers {
        let list = |field: &str| -> Vec<String> {
            pod["spec"][field]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        };
        PodContainers {
            containers: list("containers"),
            ephemeral: list("ephemeralContainers"),
            init: list("initContainers"),
        }
    }

    fn has(&self, name: &str) -> bool {
        [&self.containers, &self.ephemeral, &self.init]
            .into_iter()
            .flatten()
            .any(|n| n == name)
    }

    /// kubectl's `FindOrDefaultContainerByName` without a name: the
    /// `kubectl.kubernetes.io/default-container` annotation's container if the pod has
    /// it, else the first container, with a warning when there was a choice.
    fn or_default(&self, pod: &Value, quiet: bool, out: &mut Output) -> Option<String> {
        let annotated = pod
            .at("/metadata/annotations/kubectl.kubernetes.io~1default-container")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty() && self.has(d));
        if let Some(d) = annotated {
            return Some(d.to_string());
        }
        let first = self.containers.first()?;
        let choice =
            self.containers.len() > 1 || !self.init.is_empty() || !self.ephemeral.is_empty();
        if choice && !quiet {
            // `AllContainerNames`
            let all: Vec<String> = self
                .containers
                .iter()
                .cloned()
                .chain(self.ephemeral.iter().map(|n| format!("{n} (ephem)")))
                .chain(self.init.iter().map(|n| format!("{n} (init)")))
                .collect();
            out.err(format!(
                "Defaulted container \"{first}\" out of: {}",
                all.join(", ")
            ));
        }
        Some(first.clone())
    }
}

fn container_running(pod: &Value, name: &str) -> bool {
    pod.at("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|s| s["name"] == name && s.at("/state/running").is_some())
}

/// `kubectl run NAME --image=IMG [--restart] [--labels] [--port] [--env] [-i -t --rm] [-- ARGS]`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, RUN_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("run", e).into(),
    };
    if !p.has("image") {
        // A required flag: cobra checks it before the command runs.
        return Output::failed("required flag(s) \"image\" not set").into();
    }
    // kubectl merges --overrides (JSON) into the generated object; the playground does
    // not, so it refuses rather than create the object without them.
    if p.value("overrides").is_some() {
        return flag_error("run", flags::FlagError::NotSimulated("overrides".into())).into();
    }
    let Some(name) = p.positionals.first().cloned() else {
        return usage_error("run", "NAME is required for run").into();
    };
    let Some(image) = p.value("image").filter(|i| !i.is_empty()).map(String::from) else {
        return Output::failed("--image is required").into();
    };
    if !super::image_reference::valid(&image) {
        return Output::failed(format!(
            "Invalid image name {image:?}: invalid reference format"
        ))
        .into();
    }
    let interactive = p.bool("stdin");
    if p.bool("tty") && !interactive {
        return usage_error(
            "run",
            "-i/--stdin is required for containers with -t/--tty=true",
        )
        .into();
    }
    let attach = interactive || p.bool("attach");
    if p.bool("rm") && !attach {
        return usage_error("run", "--rm should only be used for attached containers").into();
    }
    if attach && ctx.user.is_some() {
        return Output::failed_plain(
            "kubeplay: `kubectl run --attach --as` is not simulated in the playground",
        )
        .into();
    }
    let dry = p.value("dry-run").is_some_and(|d| d != "none");
    if dry && attach {
        return usage_error("run", "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)").into();
    }
    let restart = match p.value("restart").unwrap_or("Always") {
        r @ ("Always" | "OnFailure" | "Never") => r.to_string(),
        other => return usage_error("run", &format!("invalid restart policy: {other}")).into(),
    };
    let ns = ctx.namespace(&p);
    let mut labels = Map::new();
    match p.value("labels") {
        Some(l) => {
            // generate.ParseLabels: exactly one `=` a pair, and a key before it.
            for kv in l.split(',') {
                match kv.split('=').collect::<Vec<_>>().as_slice() {
                    [k, v] if !k.is_empty() => {
                        labels.insert(k.to_string(), json!(v));
                    }
                    [_, _] => return Output::failed("unexpected empty label key").into(),
                    _ => return Output::failed(format!("unexpected label spec: {kv}")).into(),
                }
            }
        }
        None => {
            labels.insert("run".into(), json!(name));
        }
    }
    let rest: Vec<String> = p.positionals[1..].to_vec();
    let mut c = Map::new();
    if !rest.is_empty() {
        if p.bool("command") {
            c.insert("command".into(), json!(rest));
        } else {
            c.insert("args".into(), json!(rest));
        }
    }
    let env: Vec<Value> = p
        .all("env")
        .iter()
        .filter_map(|e| e.split_once('='))
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    if !env.is_empty() {
        c.insert("env".into(), json!(env));
    }
    c.insert("image".into(), json!(image));
    if let Some(pp) = p.value("image-pull-policy") {
        c.insert("imagePullPolicy".into(), json!(pp));
    }
    c.insert("name".into(), json!(name));
    // `--port` is a string flag the generator reads with strconv.Atoi.
    if let Some(port) = p.value("port").filter(|x| !x.is_empty()) {
        let Ok(port) = port.parse::<i64>() else {
            return Output::failed(format!(
                "strconv.Atoi: parsing {}: invalid syntax",
                crate::gofmt::go_quote(port)
            ))
            .into();
        };
        c.insert("ports".into(), json!([{"containerPort": port}]));
    }
    c.insert("resources".into(), json!({}));
    if interactive {
        c.insert("stdin".into(), json!(true));
        if p.bool("tty") {
            c.insert("tty".into(), json!(true));
        }
        c.insert("stdinOnce".into(), json!(true));
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"labels": labels, "name": name, "namespace": ns},
        "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {}});
    let mut out = Output::ok();
    if dry {
        match p.value("output") {
            Some("yaml") => out.out(yaml::to_yaml(&pod)),
            Some("json") => out.out(yaml::to_json(&pod)),
            _ => super::apply::print_written(
                &mut out,
                &p,
                &pod,
                "pod",
                format!("pod/{name} created (dry run)"),
            ),
        }
        return out.into();
    }
    if let Err(e) = ctx.create_as(pod, "kubectl-run") {
        return Output::failed(e.to_string()).into();
    }
    if !attach {
        out.out(format!("pod/{name} created"));
        return out.into();
    }
    // Wait (in virtual time) for the container to run, as `handleAttachPod` does.
    let deadline = ctx.cluster.now + POD_RUNNING_TIMEOUT_MS;
    loop {
        let running = ctx.cluster.get("Pod", &ns, &name).is_some_and(|p| {
            container_running(p, &name) || matches!(phase(p), "Succeeded" | "Failed")
        });
        if running || ctx.cluster.now >= deadline || !ctx.cluster.advance_to_next_event() {
            break;
        }
    }
    let ok = ctx
        .cluster
        .get("Pod", &ns, &name)
        .is_some_and(|p| container_running(p, &name));
    if !ok {
        out.fail("timed out waiting for the condition");
        return out.into();
    }
    if !p.bool("quiet") {
        out.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.");
        out.err("If you don't see a command prompt, try pressing enter.");
    }
    let target = Target {
        namespace: ns,
        pod: name.clone(),
        container: name,
    };
    if !interactive || !(rest.is_empty() || is_shell(&rest)) {
        // Attached to a command that runs to its end: show its output, then clean up.
        let r = ctx.cluster.exec(&target, &rest);
        out.out(&r.stdout);
        out.err(&r.stderr);
        if p.bool("rm") {
            let _ = ctx.cluster.delete(
                "Pod",
                &target.namespace,
                &target.pod,
                DeleteOptions::default(),
            );
            out.out(format!(
                "pod \"{}\" deleted from {} namespace",
                target.pod, target.namespace
            ));
        }
        return out.into();
    }
    Outcome::Attach(
        out,
        Attach {
            target,
            remove: p.bool("rm"),
        },
    )
}

/// Ends an attached session: `--rm` deletes the pod and says so.
pub fn detach(cluster: &mut crate::engine::Cluster, a: &Attach) -> Output {
    let mut out = Output::ok();
    if a.remove {
        let t = &a.target;
        if cluster
            .delete("Pod", &t.namespace, &t.pod, DeleteOptions::default())
            .is_ok()
        {
            out.out(format!(
                "pod \"{}\" deleted from {} namespace",
                t.pod, t.namespace
            ));
        }
    }
    out
}

/// `kubectl exec POD [-c CONTAINER] [-it] -- COMMAND [ARGS…]`
pub fn exec(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let dash = args.iter().position(|a| a == "--");
    let (before, command): (&[String], Vec<String>) = match dash {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let p = match flags::parse(before, EXEC_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("exec", e).into(),
    };
    if dash.is_none() && p.positionals.len() > 1 {
        return usage_error(
            "exec",
            "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
        )
        .into();
    }
    let Some(pod_arg) = p.positionals.first() else {
        return usage_error("exec", "pod, type/name or --filename must be specified").into();
    };
    if command.is_empty() {
        return Output::failed("you must specify at least one command for the container").into();
    }
    let ns = ctx.namespace(&p);
    let pod_name = match pod_arg.split_once('/') {
        Some(("pod" | "pods" | "po", n)) => n.to_string(),
        Some((ty, n)) => {
            // `deploy/x`, `sts/x`: the first pod the object's selector matches.
            let Ok(r) = super::resource::resolve(ty) else {
                return Output::failed(format!("the server doesn't have a resource type \"{ty}\""))
                    .into();
            };
            if let Err(e) = ctx.may("get", r, &ns, n) {
                return Output::failed(e.to_string()).into();
            }
            let Some(obj) = ctx.cluster.get(r.kind, &ns, n).cloned() else {
                return Output::failed(ApiError::not_found(r.group_resource(), n).to_string())
                    .into();
            };
            let sel = obj.at("/spec/selector").cloned().unwrap_or(Value::Null);
            let mut pods: Vec<String> = ctx
                .cluster
                .store
                .list("Pod", Some(&ns))
                .filter(|p| {
                    crate::engine::labels::selector_matches(&sel, crate::engine::labels::labels(p))
                })
                .map(|p| meta_str(p, "name").to_string())
                .collect();
            crate::sort::sort(&mut pods);
            match pods.into_iter().next() {
                Some(p) => p,
                None => return Output::failed("timed out waiting for the condition").into(),
            }
        }
        None => pod_arg.clone(),
    };
    let pods = crate::engine::api::discovery::resolve("pods").expect("pods are served");
    if let Err(e) = ctx.may("get", pods, &ns, &pod_name) {
        return Output::failed(e.to_string()).into();
    }
    let Some(pod) = ctx.cluster.get("Pod", &ns, &pod_name).cloned() else {
        return Output::failed(ApiError::not_found("pods", pod_name).to_string()).into();
    };
    if matches!(phase(&pod), "Succeeded" | "Failed") {
        return Output::failed(format!(
            "cannot exec into a container in a completed pod; current phase is {}",
            phase(&pod)
        ))
        .into();
    }
    // The command itself is a create of the pod's exec subresource.
    let exec = super::impersonation::attributes("create", pods, &ns, &pod_name, "exec");
    if let Err(e) = ctx.authorize(&exec) {
        return Output::failed(e.to_string()).into();
    }
    let mut out = Output::ok();
    let container = match p.value("container") {
        // kubectl sends the name as it is; the API server's `podHasContainerWithName`
        // knows init and ephemeral containers too (the kubelet runs them or not).
        Some(c) => {
            if !PodContainers::of(&pod).has(c) {
                return Output::failed(
                    ApiError::bad_request(format!("container {c} is not valid for pod {pod_name}"))
                        .to_string(),
                )
                .into();
            }
            c.to_string()
        }
        None => match PodContainers::of(&pod).or_default(&pod, p.bool("quiet"), &mut out) {
            Some(c) => c,
            None => {
                return Output::failed(format!("pod {ns}/{pod_name} does not have any containers"))
                    .into()
            }
        },
    };
    if pod
        .at("/spec/nodeName")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        out.fail(
            ApiError::bad_request(format!("pod {pod_name} does not have a host assigned"))
                .to_string(),
        );
        return out.into();
    }
    // The terminal is a terminal: `-t` with `-i` is a TTY, which carries stderr too.
    let tty = p.bool("tty") && p.bool("stdin");
    let stream = StreamRequest {
        subresource: "exec",
        container: &container,
        command: &command,
        stdin: p.bool("stdin"),
        stdout: true,
        stderr: !tty,
        tty,
    };
    // What the kubelet refuses reaches kubectl through the API server's stream translator.
    if let Some(refusal) = streaming::refused_stream(ctx.cluster, &pod, &stream) {
        out.fail(streaming::internal_error(&refusal));
        return out.into();
    }
    if !container_running(&pod, &container) {
        out.fail(streaming::internal_error(
            &stream.container_not_found(&ns, &pod_name),
        ));
        return out.into();
    }
    let target = Target {
        namespace: ns,
        pod: pod_name,
        container,
    };
    if p.bool("stdin") && is_shell(&command) {
        return Outcome::Attach(
            out,
            Attach {
                target,
                remove: false,
            },
        );
    }
    let r = ctx.cluster.exec(&target, &command);
    out.out(&r.stdout);
    out.err(&r.stderr);
    if r.status != 0 {
        out.err(format!("command terminated with exit code {}", r.status));
        out.status = r.status;
    }
    out.into()
}
