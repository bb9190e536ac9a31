//! serve's own endpoints under `/kubeplay/v1/` for what a script does to the cluster from
//! outside the Kubernetes API, so that a `kubeplay run` transcript can be replayed against
//! `serve` by the real kubectl (scripts/diff-kubectl.py):
//!
//! - `POST /kubeplay/v1/command` with a JSON array of words runs the terminal's `kubeplay`
//!   command (`["node", "stop", "kind-worker2"]`) and answers its text; 422 if it failed.
//! - `POST /kubeplay/v1/hold?seconds=N` (on-demand time): waiting clients may move virtual
//!   time N seconds from now and no further — the deadline of `timeout N kubectl …` or of
//!   `kubectl wait --timeout=N`, which the runner measures in virtual time.
//!   `GET` answers whether virtual time has reached it, `DELETE` lifts it.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status;
use serde_json::{json, Value};

/// Answers `/kubeplay/v1/command` and `/kubeplay/v1/hold`; `None` for any other path.
pub fn handle(api: &mut Api, req: &Req) -> Option<Reply> {
    match req.path.as_str() {
        "/kubeplay/v1/command" => Some(command(api, req)),
        "/kubeplay/v1/hold" => Some(hold(api, req)),
        _ => None,
    }
}

fn command(api: &mut Api, req: &Req) -> Reply {
    if req.method != "POST" {
        return status::reply(&status::method_not_allowed(&req.method));
    }
    let words: Option<Vec<String>> = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(words) = words else {
        return status::reply(&status::bad_request(
            "the body must be a JSON array of the words after `kubeplay`",
        ));
    };
    let out = crate::kubectl::session::playground::run(&mut api.cluster, &words);
    let mut text = String::new();
    for line in &out.lines {
        text.push_str(&line.text);
        if !line.open {
            text.push('\n');
        }
    }
    Reply::text(if out.status == 0 { 200 } else { 422 }, text)
}

fn hold(api: &mut Api, req: &Req) -> Reply {
    match req.method.as_str() {
        "GET" => {
            let reached = api.hold.is_some_and(|h| api.cluster.now >= h);
            Reply::json(
                200,
                &json!({"hold": api.hold, "now": api.cluster.now, "reached": reached}),
            )
        }
        "DELETE" => {
            api.hold = None;
            Reply::json(200, &json!({"hold": null}))
        }
        "POST" => {
            if !api.on_demand() {
                return status::reply(&status::bad_request(
                    "a hold limits virtual time only under --clock on-demand",
                ));
            }
            let seconds = req.param("seconds").and_then(|s| s.parse::<f64>().ok());
            let Some(seconds) =
                seconds.filter(|s| s.is_finite() && (0.0..=31_536_000.0).contains(s))
            else {
                return status::reply(&status::bad_request(
                    "seconds must be a number from 0 to 31536000",
                ));
            };
            let at = api.cluster.now + (seconds * 1000.0) as i64;
            api.hold = Some(at);
            Reply::json(200, &json!({"hold": at}))
        }
        m => status::reply(&status::method_not_allowed(m)),
    }
}
