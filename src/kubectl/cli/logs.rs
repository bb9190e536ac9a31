//! `kubectl logs`: plausible output for the images of the registry, from the container's
//! start time (the playground runs no real processes).

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::json::At;
use crate::engine::time::parse_rfc3339;
use crate::engine::ApiError;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
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
    flag("prefix", None, Arity::Bool),
];

/// What a container from `image` prints after starting at `started` (Unix ms).
fn lines_for(image: &str, started: i64) -> Vec<String> {
    let ts = crate::engine::time::format_rfc3339(started)
        .replace('T', " ")
        .replace('Z', "");
    let date = ts.replace('-', "/");
    if image.contains("nginx") {
        let mut v = vec![
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".to_string(),
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".to_string(),
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".to_string(),
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".to_string(),
            "/docker-entrypoint.sh: Configuration complete; ready for start up".to_string(),
        ];
        for msg in [
            "using the \"epoll\" event method",
            "nginx/1.27.2",
            "OS: Linux 6.8.0-85-generic",
            "start worker processes",
            "start worker process 29",
        ] {
            v.push(format!("{date} [notice] 1#1: {msg}"));
        }
        v
    } else if image.contains("k8s-demo") {
        vec!["Example app listening at http://:::3000".to_string()]
    } else if image.contains("httpd") {
        vec![format!("[{ts}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations")]
    } else if image.contains("redis") {
        vec!["1:M * Ready to accept connections tcp".to_string()]
    } else if image.contains("fluentd") {
        vec![format!(
            "{ts} +0000 [info]: starting fluentd-1.16.2 pid=7 ruby=\"3.1.4\""
        )]
    } else {
        Vec::new()
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("logs", e),
    };
    let ns = ctx.namespace(&p);
    let Some(arg) = p.positionals.first() else {
        return Output::failed("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
    };
    let pod_name = arg
        .strip_prefix("pod/")
        .or_else(|| arg.strip_prefix("pods/"))
        .unwrap_or(arg);
    let Some(pod) = ctx.cluster.get("Pod", &ns, pod_name).cloned() else {
        return Output::failed(ApiError::not_found("pods", pod_name).to_string());
    };
    let containers: Vec<&Value> = pod["spec"]["containers"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let container = match p.value("container") {
        Some(c) => match containers.iter().find(|x| x["name"] == c) {
            Some(x) => *x,
            None => {
                return Output::failed(format!("container {c} is not valid for pod {pod_name}"))
            }
        },
        None if containers.len() > 1 => {
            let names: Vec<&str> = containers
                .iter()
                .filter_map(|c| c["name"].as_str())
                .collect();
            return Output::failed(format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                names.join(" ")
            ));
        }
        None => match containers.first() {
            Some(c) => *c,
            None => return Output::failed(format!("pod {pod_name} has no containers")),
        },
    };
    let cname = container["name"].as_str().unwrap_or("");
    let status = pod["status"]["containerStatuses"]
        .as_array()
        .and_then(|l| l.iter().find(|s| s["name"] == cname))
        .cloned()
        .unwrap_or(Value::Null);
    let state = if p.bool("previous") {
        &status["lastState"]
    } else {
        &status["state"]
    };
    let started = state
        .at("/running/startedAt")
        .or_else(|| state.at("/terminated/startedAt"))
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);
    let Some(started) = started else {
        if p.bool("previous") {
            return Output::failed(format!(
                "previous terminated container \"{cname}\" in pod \"{pod_name}\" not found"
            ));
        }
        let reason = status
            .at("/state/waiting/reason")
            .and_then(Value::as_str)
            .unwrap_or("ContainerCreating");
        let waiting = if reason == "ContainerCreating" {
            "ContainerCreating"
        } else {
            "trying and failing to pull image"
        };
        return Output::failed(
            ApiError::bad_request(format!(
                "container \"{cname}\" in pod \"{pod_name}\" is waiting to start: {waiting}"
            ))
            .to_string(),
        );
    };
    let mut lines = lines_for(container["image"].as_str().unwrap_or(""), started);
    if let Some(n) = p
        .value("tail")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|n| *n >= 0)
    {
        let skip = lines.len().saturating_sub(n as usize);
        lines.drain(..skip);
    }
    let mut out = Output::ok();
    for l in lines {
        out.out(l);
    }
    out
}
