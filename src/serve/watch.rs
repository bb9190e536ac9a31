//! Watches: `?watch=1` streams `{"type":…,"object":…}` lines (chunked) from the store's
//! journal. The stream's thread polls the engine ("what happened after resourceVersion
//! N?") so it never holds it; under `--clock on-demand` a poll that finds nothing moves
//! virtual time to the next timer — a waiting client is what makes time pass.
//!
//! resourceVersion semantics: unset or "0" starts with an ADDED event per current object;
//! N starts after N; a version older than the journal keeps is answered with an ERROR
//! event, 410 Expired, as the real server does. `timeoutSeconds` (or `timeout`, which
//! `kubectl --request-timeout` sends) ends the stream after that much *virtual* time.
//! Bookmarks (`allowWatchBookmarks`) are sent when a poll finds nothing new. Label and
//! field selectors are applied to each event's object (an object that stops matching is
//! not turned into a DELETED event, a simplification).

use super::api::{self, Filter, Target};
use super::clock::shift_for;
use super::engine::{Api, Engine};
use super::http::Req;
use super::status::{self, Status};
use super::table::{self, Include};
use crate::engine::store::EventType;
use crate::engine::Millis;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

/// After events are delivered, how long the client gets to act on them (stop watching,
/// send its next request) before the stream may move virtual time on its behalf.
const REACT: Duration = Duration::from_millis(150);

/// Whether the client still holds the stream: two space chunks a moment apart; a closed
/// connection fails the second write. Spaces, not newlines: a JSON stream decoder (Go's)
/// skips them, and a client that splits the stream into lines (the Python client) reads
/// them as leading blanks of the next event instead of an empty event of its own.
fn alive(stream: &mut Chunked) -> bool {
    let first = stream.write_all(b" ").is_ok();
    std::thread::sleep(Duration::from_millis(10));
    first && stream.write_all(b" ").is_ok()
}

/// How much virtual time one poll may move through before it answers (so a stream of a
/// quiet resource on a busy cluster still answers and notices its client has gone).
const POLL_BUDGET: Millis = 60_000;

struct Spec {
    target: Target,
    filter: Filter,
    table: bool,
    include: Include,
    bookmarks: bool,
}

/// Go's duration syntax as `--request-timeout` sends it: `5m0s`, `30s`, `1h0m0s`, `250ms`.
fn parse_go_duration(s: &str) -> Option<Millis> {
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                0.001
            }
            ('h', _) => 3600.0,
            ('m', _) => 60.0,
            ('s', _) => 1.0,
            _ => return None,
        };
        total += num.parse::<f64>().ok()? * unit;
        num.clear();
    }
    if !num.is_empty() {
        total += num.parse::<f64>().ok()?;
    }
    Some((total * 1000.0) as Millis)
}

fn timeout_of(req: &Req) -> Result<Option<Millis>, Status> {
    if let Some(t) = req.param("timeoutSeconds") {
        return t.parse::<i64>().map(|s| Some(s * 1000)).map_err(|_| {
            status::bad_request(format!("timeoutSeconds must be a whole number, not {t:?}"))
        });
    }
    match req.param("timeout") {
        Some(t) => parse_go_duration(t)
            .map(Some)
            .ok_or_else(|| status::bad_request(format!("invalid timeout {t:?}"))),
        None => Ok(None),
    }
}

fn event_line(api: &Api, spec: &Spec, kind: &str, obj: &Value, at: Millis) -> Vec<u8> {
    let mut shown = crate::engine::apiserver::derived_fields::shown(obj).into_owned();
    let shift = if spec.table {
        super::clock::shift_now(api.cluster.now)
    } else {
        shift_for(api.cluster.now)
    };
    super::clock::shift_times(&mut shown, shift);
    let object = if spec.table {
        let row = table::row(spec.target.resource.kind, obj, &shown, at, spec.include);
        let rv = obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or("")
            .to_string();
        table::table(spec.target.resource.kind, &rv, vec![row])
    } else {
        shown
    };
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    line.push(b'\n');
    line
}

/// The first answer: events up to now, and the resourceVersion they reach.
fn open(api: &mut Api, spec: &Spec, rv: Option<u64>) -> Result<(Vec<Vec<u8>>, u64), Status> {
    let current = api.cluster.store.resource_version();
    match rv {
        None | Some(0) => {
            let lines = api::matching(api, &spec.target, &spec.filter)
                .iter()
                .map(|o| event_line(api, spec, "ADDED", o, api.cluster.now))
                .collect();
            Ok((lines, current))
        }
        Some(n) => {
            if api.cluster.store.events_since(n).is_none() {
                return Err(status::gone(n, current));
            }
            let (lines, at) = collect(api, spec, n);
            Ok((lines, at))
        }
    }
}

/// Matching journal events after `since`, and the resourceVersion read up to.
fn collect(api: &Api, spec: &Spec, since: u64) -> (Vec<Vec<u8>>, u64) {
    let kind = spec.target.resource.kind;
    let ns = spec.target.namespace.as_deref();
    let mut lines = Vec::new();
    let mut upto = since;
    if let Some(events) = api.cluster.store.events_since(since) {
        for e in events {
            upto = e.resource_version;
            if e.kind != kind
                || ns.is_some_and(|n| n != e.namespace)
                || !spec.filter.matches(&e.object)
            {
                continue;
            }
            let ty = match e.event_type {
                EventType::Added => "ADDED",
                EventType::Modified => "MODIFIED",
                EventType::Deleted => "DELETED",
            };
            lines.push(event_line(api, spec, ty, &e.object, e.at));
        }
    }
    (lines, upto.max(since))
}

/// One poll: what happened after `since`; under on-demand time, time moves to the next
/// timer until something matching happens, the budget is spent or the deadline comes.
/// Returns (lines, new cursor, whether the stream is over, whether anything is scheduled).
fn poll(
    api: &mut Api,
    spec: &Spec,
    since: u64,
    deadline: Option<Millis>,
) -> (Vec<Vec<u8>>, u64, bool) {
    let start = api.cluster.now;
    let mut cursor = since;
    loop {
        let (lines, upto) = collect(api, spec, cursor);
        cursor = upto;
        let over = deadline.is_some_and(|d| api.cluster.now >= d);
        if !lines.is_empty() || over {
            return (lines, cursor, over);
        }
        if !api.on_demand() || api.cluster.now - start >= POLL_BUDGET {
            return (lines, cursor, false);
        }
        // A hold (`POST /kubeplay/v1/hold`: the virtual deadline of a `timeout N` or a
        // `kubectl wait --timeout`) is as far as waiting clients may move time: there it
        // stands, and the stream stays open and quiet, as a real one would until the
        // client gives up.
        if api.hold.is_some_and(|h| api.cluster.now >= h) {
            return (lines, cursor, false);
        }
        let limit = match (deadline, api.hold) {
            (Some(d), Some(h)) => Some(d.min(h)),
            (d, h) => d.or(h),
        };
        match (api.cluster.timers.next_at(), limit) {
            (Some(at), Some(d)) if at > d => api.cluster.advance_to(d),
            (Some(_), _) => {
                api.cluster.advance_to_next_event();
            }
            // Nothing scheduled: a deadline is all that is left to wait for.
            (None, Some(d)) => api.cluster.advance_to(d),
            (None, None) => return (lines, cursor, false),
        }
    }
}

fn bookmark(spec: &Spec, rv: u64) -> Vec<u8> {
    let r = spec.target.resource;
    let mut line = serde_json::to_vec(&json!({
        "type": "BOOKMARK",
        "object": {"kind": r.kind, "apiVersion": r.api_version(), "metadata": {"resourceVersion": rv.to_string()}}
    }))
    .unwrap_or_default();
    line.push(b'\n');
    line
}

/// HTTP/1.1 chunked framing of the stream, each write one chunk, sent at once (a watch
/// event must not wait in a buffer); the last chunk goes out when the stream is dropped.
pub(super) struct Chunked(pub(super) Box<dyn Write + Send>);

impl Write for Chunked {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        write!(self.0, "{:x}\r\n", buf.len())?;
        self.0.write_all(buf)?;
        self.0.write_all(b"\r\n")?;
        self.0.flush()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Drop for Chunked {
    fn drop(&mut self) {
        let _ = self.0.write_all(b"0\r\n\r\n");
        let _ = self.0.flush();
    }
}

/// Serves a watch request on its own thread until the deadline or until the client goes.
pub fn serve(request: tiny_http::Request, req: Req, engine: &Engine) {
    let prepared = (|| -> Result<(Spec, Option<u64>, Option<Millis>), Status> {
        let target = api::target(&req.path)?;
        if target.name.is_some() || target.subresource.is_some() {
            return Err(status::method_not_allowed("GET"));
        }
        let rv = match req.param("resourceVersion").filter(|s| !s.is_empty()) {
            Some(s) => Some(
                s.parse::<u64>()
                    .map_err(|_| status::bad_request(format!("invalid resource version: {s:?}")))?,
            ),
            None => None,
        };
        let spec = Spec {
            target,
            filter: Filter::from(&req)?,
            table: table::wanted(&req.accept),
            include: Include::parse(req.param("includeObject")),
            bookmarks: req.flag("allowWatchBookmarks"),
        };
        Ok((spec, rv, timeout_of(&req)?))
    })();
    let (spec, rv, timeout) = match prepared {
        Ok(p) => p,
        Err(s) => {
            let reply = status::reply(&s);
            let _ = request
                .respond(tiny_http::Response::from_data(reply.body).with_status_code(reply.code));
            return;
        }
    };
    let spec = std::sync::Arc::new(spec);
    let first = {
        let spec = std::sync::Arc::clone(&spec);
        engine.call(move |api| {
            let deadline = timeout.map(|t| api.cluster.now + t);
            open(api, &spec, rv).map(|(lines, cursor)| (lines, cursor, deadline))
        })
    };
    let content_type = if spec.table {
        table::CONTENT_TYPE
    } else {
        "application/json"
    };
    let mut out = request.into_writer();
    let head = |code: &str| {
        format!("HTTP/1.1 {code}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n")
    };
    if out.write_all(head("200 OK").as_bytes()).is_err() || out.flush().is_err() {
        return;
    }
    let mut stream = Chunked(out);
    let (lines, mut cursor, deadline) = match first {
        Some(Ok(x)) => x,
        Some(Err(s)) => {
            let mut line = serde_json::to_vec(&json!({"type": "ERROR", "object": s.to_json()}))
                .unwrap_or_default();
            line.push(b'\n');
            let _ = stream.write_all(&line);
            return;
        }
        None => return,
    };
    for l in lines {
        if stream.write_all(&l).is_err() {
            return;
        }
    }
    if stream.flush().is_err() {
        return;
    }
    let mut last_bookmark = Instant::now();
    let on_demand = engine.call(|api| api.on_demand()).unwrap_or(false);
    // Under on-demand time a waiting stream moves the clock, so it must be sure its client
    // still waits: a kubectl that got the event it waited for (a DELETED, a rollout's last
    // status) hangs up, and time must not run on for nobody.
    // A quiet stream checks too before each poll: a client stopped from outside (the
    // runner's `timeout N`) must not leave a stream that moves time on to its own
    // timeoutSeconds once a hold is lifted.
    let mut delivered = true;
    loop {
        if delivered || on_demand {
            std::thread::sleep(REACT);
            if !alive(&mut stream) {
                return;
            }
        }
        let spec2 = std::sync::Arc::clone(&spec);
        let Some((lines, next, over)) = engine.call(move |api| poll(api, &spec2, cursor, deadline))
        else {
            return;
        };
        cursor = next;
        let quiet = lines.is_empty();
        delivered = !quiet;
        for l in lines {
            if stream.write_all(&l).is_err() {
                return;
            }
        }
        if quiet && spec.bookmarks && last_bookmark.elapsed() > Duration::from_secs(1) {
            last_bookmark = Instant::now();
            if stream.write_all(&bookmark(&spec, cursor)).is_err() {
                return;
            }
        }
        if stream.flush().is_err() || over {
            return;
        }
        if quiet {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeouts_read_as_go_durations() {
        assert_eq!(parse_go_duration("5m0s"), Some(300_000));
        assert_eq!(parse_go_duration("1h0m0s"), Some(3_600_000));
        assert_eq!(parse_go_duration("250ms"), Some(250));
        assert_eq!(parse_go_duration("30"), Some(30_000));
        assert_eq!(parse_go_duration("5x"), None);
    }
}
