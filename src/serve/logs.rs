//! `GET …/pods/NAME/log`: a container's log as the kubelet keeps it (the playground's
//! `kubectl logs` reads the same files), with `container`, `previous`, `tailLines` and
//! `timestamps`. `follow` is refused plainly: streams of logs are not served yet.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::engine::kubelet::logs::format_rfc3339_nano;
use crate::engine::ApiError;

pub fn pod_log(api: &Api, req: &Req, namespace: &str, name: &str) -> Result<Reply, Status> {
    if req.flag("follow") {
        return Err(status::bad_request(
            "kubeplay serve does not follow logs yet (kubectl logs -f); kubectl logs without -f works",
        ));
    }
    let pod = api
        .cluster
        .get("Pod", namespace, name)
        .ok_or_else(|| status::from_api_error(&ApiError::not_found("pods", name), ""))?;
    let names: Vec<&str> = ["containers", "initContainers"]
        .iter()
        .filter_map(|k| pod["spec"][*k].as_array())
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let container = match req.param("container").filter(|c| !c.is_empty()) {
        Some(c) if names.contains(&c) => c.to_string(),
        Some(c) => {
            return Err(status::bad_request(format!(
                "container {c} is not valid for pod {name}"
            )))
        }
        None if names.len() == 1 => names[0].to_string(),
        None => {
            return Err(status::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )))
        }
    };
    // Not scheduled: no kubelet to ask, an empty log (as the playground's kubectl shows).
    if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
        return Ok(Reply::text(200, String::new()));
    }
    let id = crate::kubectl::cli::logs::instance(pod, &container, req.flag("previous"))
        .map_err(status::bad_request)?;
    let tail = match req.param("tailLines") {
        Some(t) => Some(t.parse::<usize>().map_err(|_| {
            status::bad_request(format!("tailLines must be a whole number, not {t:?}"))
        })?),
        None => None,
    };
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let shift = super::clock::shift_for(api.cluster.now);
    let mut text = String::new();
    let file = api
        .cluster
        .kubelet
        .logs
        .get(&(uid, container))
        .and_then(|l| l.file(&id));
    if let Some(file) = file {
        let skip = tail.map_or(0, |n| file.lines.len().saturating_sub(n));
        for l in file.lines.iter().skip(skip) {
            if req.flag("timestamps") {
                text.push_str(&format_rfc3339_nano(l.at + shift));
                text.push(' ');
            }
            text.push_str(&l.text);
            text.push('\n');
        }
    }
    Ok(Reply::text(200, text))
}
