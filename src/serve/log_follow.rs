//! `GET …/pods/NAME/log?follow=true` (`kubectl logs -f`): a chunked `text/plain` stream of
//! the container's lines as its process writes them, ending when that container instance
//! stops running (it exits, restarts, or its pod goes), or when `limitBytes` is used up —
//! as the kubelet's follow does.
//!
//! Like a watch, the stream polls the engine and never holds it. Under `--clock
//! on-demand` a waiting follower is what moves time, but only toward its own pod's next
//! step (a kubelet stage or its process waking from a `sleep`): following a quiet
//! container does not run the rest of the cluster's clock for nothing. A follower that
//! hangs up is noticed when the next line fails to send (a log has no room for the
//! whitespace a watch uses to check on its client).

use super::api;
use super::engine::{Api, Engine};
use super::http::Req;
use super::logs::{self, Opened, Reading};
use super::status::{self, Status};
use super::watch::Chunked;
use crate::engine::Millis;
use std::io::Write;
use std::time::Duration;

/// How much virtual time one poll may move through before it answers.
const POLL_BUDGET: Millis = 60_000;

/// After lines are delivered, how long the client gets to hang up before the stream may
/// move virtual time on its behalf.
const REACT: Duration = Duration::from_millis(150);

/// Whether a request is a log follow (served here rather than by `api::handle`).
pub fn wants(req: &Req) -> bool {
    req.method == "GET" && req.flag("follow") && req.path.ends_with("/log")
}

/// Under on-demand time, moves the clock to the next step of the pod with this uid if it
/// comes within one poll's budget from `start`; false when there is nothing of its own
/// to wait for (others may still move time). Log followers and attached terminals wait
/// this way.
///
/// A hold (`POST /kubeplay/v1/hold`: the virtual deadline of a `timeout N`) is as far as
/// it may go, as for a watch: there time stands, and the stream stays open and quiet until
/// the client gives up.
pub(super) fn step_toward(api: &mut Api, uid: &str, start: Millis) -> bool {
    if !api.on_demand() || api.hold.is_some_and(|h| api.cluster.now >= h) {
        return false;
    }
    match api.cluster.timers.next_for_pod(uid) {
        Some(at) if at - start <= POLL_BUDGET => match api.hold {
            Some(h) if at > h => {
                api.cluster.advance_to(h);
                false
            }
            _ => {
                api.cluster.advance_to(at);
                true
            }
        },
        _ => false,
    }
}

/// One poll: new lines, and whether the stream is over. Under on-demand time, moves the
/// clock to the pod's next step until something is written or the instance ends.
///
/// `stood` records that time once stood at a hold: a hold is the deadline of the
/// `timeout N` around this very follow, whose client is about to hang up; the stream
/// cannot tell it has gone until a line fails to send, so from then on it moves time no
/// more (else, once the hold is lifted, it would run the clock on to its pod's next line
/// for a client that is no longer there).
fn poll(api: &mut Api, reading: &mut Reading, stood: &mut bool) -> (Vec<u8>, bool) {
    let start = api.cluster.now;
    loop {
        let (out, running) = reading.more(api);
        let over = !running || reading.exhausted();
        *stood |= api.hold.is_some_and(|h| api.cluster.now >= h);
        if !out.is_empty() || over || *stood || !step_toward(api, &reading.follower.uid, start) {
            return (out, over);
        }
    }
}

fn refuse(request: tiny_http::Request, s: &Status) {
    super::http::respond(request, status::reply(s));
}

/// Serves a log follow on its own thread until the container instance ends or the
/// client goes.
pub fn serve(request: tiny_http::Request, req: Req, engine: &Engine) {
    let prepared = (|| -> Result<(String, String, logs::LogOptions), Status> {
        let target = api::target(&req.path)?;
        let (Some(name), Some("log"), "Pod") = (
            target.name.clone(),
            target.subresource.as_deref(),
            target.resource.kind,
        ) else {
            return Err(status::no_such_path());
        };
        let namespace = target.namespace.clone().unwrap_or_default();
        let opts = logs::options(&req, &name)?;
        Ok((namespace, name, opts))
    })();
    let (namespace, name, opts) = match prepared {
        Ok(p) => p,
        Err(s) => return refuse(request, &s),
    };
    let opened = engine.call(move |api| logs::open(api, &opts, &namespace, &name));
    let (mut reading, first) = match opened {
        Some(Ok(Opened::Reading(r, text))) => (r, text),
        Some(Ok(Opened::Empty)) => {
            let _ = request.respond(tiny_http::Response::from_data(Vec::new()));
            return;
        }
        Some(Err(s)) => return refuse(request, &s),
        None => {
            return refuse(
                request,
                &status::internal("the request could not be served"),
            )
        }
    };
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n";
    if out.write_all(head.as_bytes()).is_err() || out.flush().is_err() {
        return;
    }
    let mut stream = Chunked(out);
    if stream.write_all(&first).is_err() {
        return;
    }
    let mut delivered = !first.is_empty();
    let mut stood = false;
    loop {
        if delivered {
            std::thread::sleep(REACT);
        }
        let mut r = reading.clone();
        let Some((text, over, r, s)) = engine.call(move |api| {
            let (text, over) = poll(api, &mut r, &mut stood);
            (text, over, r, stood)
        }) else {
            return;
        };
        reading = r;
        stood = s;
        delivered = !text.is_empty();
        if stream.write_all(&text).is_err() || over {
            return;
        }
        if !delivered {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
