//! `GET …/pods/NAME/log`: a container's log as the kubelet keeps it (the playground's
//! `kubectl logs` reads the same files), with PodLogOptions' `container`, `previous`,
//! `tailLines`, `sinceSeconds` / `sinceTime`, `limitBytes` and `timestamps`, validated as
//! the API server validates them. `follow=true` streams from here on: `log_follow.rs`.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::engine::errors::FieldError;
use crate::engine::kubelet::logs::{format_rfc3339_nano, Follower, LogLine};
use crate::engine::{ApiError, Millis};
use serde_json::Value;

/// Which lines to start from (`sinceSeconds` or `sinceTime`, at most one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Since {
    All,
    Seconds(i64),
    /// A wall time as the client sent it (Unix ms).
    Time(Millis),
}

/// PodLogOptions, as the query string carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOptions {
    container: Option<String>,
    pub follow: bool,
    previous: bool,
    timestamps: bool,
    tail: Option<i64>,
    since: Since,
    limit_bytes: Option<i64>,
}

fn whole(req: &Req, key: &str) -> Result<Option<i64>, Status> {
    match req.param(key) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| status::bad_request(format!("{key} must be a whole number, not {v:?}"))),
    }
}

/// The options of a log request; bad values are refused as `ValidatePodLogOptions` does
/// (422 Invalid, kind PodLogOptions).
pub fn options(req: &Req, name: &str) -> Result<LogOptions, Status> {
    let tail = whole(req, "tailLines")?;
    let limit_bytes = whole(req, "limitBytes")?;
    let seconds = whole(req, "sinceSeconds")?;
    let time = match req.param("sinceTime").filter(|s| !s.is_empty()) {
        Some(t) => Some(crate::engine::time::parse_rfc3339(t).ok_or_else(|| {
            status::bad_request(format!("sinceTime must be an RFC 3339 time, not {t:?}"))
        })?),
        None => None,
    };
    let mut causes = Vec::new();
    if let Some(t) = tail.filter(|t| *t < 0) {
        causes.push(FieldError::invalid(
            "tailLines",
            t.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(l) = limit_bytes.filter(|l| *l < 1) {
        causes.push(FieldError::invalid(
            "limitBytes",
            l.to_string(),
            "must be greater than 0",
        ));
    }
    let since = match (seconds, time) {
        (Some(_), Some(_)) => {
            causes.push(FieldError::forbidden(
                "",
                "at most one of `sinceTime` or `sinceSeconds` may be specified",
            ));
            Since::All
        }
        (Some(s), None) => {
            if s < 1 {
                causes.push(FieldError::invalid(
                    "sinceSeconds",
                    s.to_string(),
                    "must be greater than 0",
                ));
            }
            Since::Seconds(s)
        }
        (None, Some(t)) => Since::Time(t),
        (None, None) => Since::All,
    };
    if !causes.is_empty() {
        let e = ApiError::Invalid {
            kind: "PodLogOptions".into(),
            name: name.to_string(),
            causes,
        };
        return Err(status::from_api_error(&e, ""));
    }
    Ok(LogOptions {
        container: req
            .param("container")
            .filter(|c| !c.is_empty())
            .map(String::from),
        follow: req.flag("follow"),
        previous: req.flag("previous"),
        timestamps: req.flag("timestamps"),
        tail,
        since,
        limit_bytes,
    })
}

/// A log being read: which container instance, how far, and what is left to send.
#[derive(Debug, Clone)]
pub struct Reading {
    pub follower: Follower,
    timestamps: bool,
    /// Bytes `limitBytes` still allows; `None` without a limit.
    bytes_left: Option<usize>,
}

impl Reading {
    /// Whether `limitBytes` is used up (the kubelet then ends the stream).
    pub fn exhausted(&self) -> bool {
        self.bytes_left == Some(0)
    }

    /// One line as the kubelet writes it, cut at the byte limit.
    fn push(&mut self, out: &mut Vec<u8>, l: &LogLine, shift: Millis) {
        let mut line = Vec::new();
        if self.timestamps {
            line.extend_from_slice(format_rfc3339_nano(l.at + shift).as_bytes());
            line.push(b' ');
        }
        line.extend_from_slice(l.text.as_bytes());
        line.push(b'\n');
        if let Some(left) = self.bytes_left.as_mut() {
            line.truncate(*left);
            *left -= line.len();
        }
        out.extend_from_slice(&line);
    }

    /// What the container wrote since the last read, and whether its instance is still
    /// running (a follower's stream ends when it is not).
    pub fn more(&mut self, api: &Api) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let shift = super::clock::shift_for(api.cluster.now);
        for l in self.follower.read(&api.cluster) {
            if self.exhausted() {
                break;
            }
            self.push(&mut out, &l, shift);
        }
        (out, self.follower.running(&api.cluster))
    }
}

/// Where a log request leads: a container instance, or nothing to read (a pod no
/// kubelet has yet: an empty log, as the real server answers).
pub enum Opened {
    Empty,
    Reading(Reading, Vec<u8>),
}

/// Resolves the pod, container and instance, and reads what the log holds now (after
/// `tailLines` and `since…`).
pub fn open(api: &Api, opts: &LogOptions, namespace: &str, name: &str) -> Result<Opened, Status> {
    let pod = api
        .cluster
        .get("Pod", namespace, name)
        .ok_or_else(|| status::from_api_error(&ApiError::not_found("pods", name), ""))?;
    let container = container_of(pod, opts.container.as_deref(), name)?;
    // Not scheduled: no kubelet to ask, an empty log (as the playground's kubectl shows).
    if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
        return Ok(Opened::Empty);
    }
    let id = crate::kubectl::cli::logs::instance(pod, &container, opts.previous)
        .map_err(status::bad_request)?;
    let mut reading = Reading {
        follower: Follower {
            namespace: namespace.to_string(),
            pod: name.to_string(),
            uid: pod["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            container,
            container_id: id,
            seen: 0,
        },
        timestamps: opts.timestamps,
        bytes_left: opts.limit_bytes.map(|l| l.max(0) as usize),
    };
    let shift = super::clock::shift_for(api.cluster.now);
    let from = match opts.since {
        Since::All => Millis::MIN,
        Since::Seconds(s) => api.cluster.now - s * 1000,
        Since::Time(t) => t - shift,
    };
    let mut out = Vec::new();
    let lines: Vec<LogLine> = match reading.follower.file(&api.cluster) {
        Some(file) => {
            reading.follower.seen = file.written;
            let recent: Vec<&LogLine> = file.lines.iter().filter(|l| l.at >= from).collect();
            let skip = opts
                .tail
                .map_or(0, |n| recent.len().saturating_sub(n as usize));
            recent.into_iter().skip(skip).cloned().collect()
        }
        None => Vec::new(),
    };
    for l in &lines {
        if reading.exhausted() {
            break;
        }
        reading.push(&mut out, l, shift);
    }
    Ok(Opened::Reading(reading, out))
}

/// The container a request names, or the pod's only one (the API server's
/// `validateContainer` rules).
fn container_of(pod: &Value, asked: Option<&str>, name: &str) -> Result<String, Status> {
    let names: Vec<&str> = ["containers", "initContainers"]
        .iter()
        .filter_map(|k| pod["spec"][*k].as_array())
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    match asked {
        Some(c) if names.contains(&c) => Ok(c.to_string()),
        Some(c) => Err(status::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if names.len() == 1 => Ok(names[0].to_string()),
        None => Err(status::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

/// The whole log at once (no `follow`).
pub fn pod_log(api: &Api, req: &Req, namespace: &str, name: &str) -> Result<Reply, Status> {
    let opts = options(req, name)?;
    let body = match open(api, &opts, namespace, name)? {
        Opened::Empty => Vec::new(),
        Opened::Reading(_, text) => text,
    };
    Ok(Reply {
        code: 200,
        content_type: "text/plain".to_string(),
        body,
    })
}
