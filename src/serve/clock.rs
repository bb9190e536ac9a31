//! Virtual time under `serve`, and how it is shown to clients that compute ages themselves.
//!
//! `--clock wall`: virtual time runs with the wall clock times `--speed`; the engine
//! catches up before every call. `--clock on-demand`: virtual time moves only when a
//! client waits — a watch waiting for its next event jumps to the next timer, and
//! `POST /kubeplay/v1/sleep?seconds=N` moves it N seconds — so a script runs in
//! milliseconds and gives the same answers every time.
//!
//! Timestamps: the server's Table cells (kubectl get's AGE) are computed here on virtual
//! time, as the playground prints them. But kubectl computes some ages itself from
//! timestamps and its own wall clock (describe's Events "Age", "(x3 over 20s)"). So every
//! timestamp sent is moved onto wall time at the moment of the answer:
//! `sent = t + (wall_now − virtual_now)`, both rounded down to whole seconds, and a client
//! computing `wall − sent` gets `virtual_now − t`, the age the playground prints. The
//! rounding keeps the sent time whole seconds (metav1.Time has no fraction); an answer
//! is held back while the wall clock is past the first 300 ms of its second, so that the
//! client's own clock is still in the same second when it prints what it read (a kubectl
//! describe makes several requests, and on a busy machine takes a few hundred
//! milliseconds). Table answers are not held back: their cells (kubectl get's AGE) are
//! computed here, and their timestamps only travel along. Times a client
//! sends back (a PUT of an object it read) are moved back the same way.

use crate::engine::time::{format_rfc3339, format_rfc3339_micro, parse_rfc3339};
use crate::engine::Millis;
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How virtual time advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    Wall,
    OnDemand,
}

impl ClockMode {
    pub fn parse(s: &str) -> Option<ClockMode> {
        match s {
            "wall" => Some(ClockMode::Wall),
            "on-demand" => Some(ClockMode::OnDemand),
            _ => None,
        }
    }
}

/// The serve clock: the mode, and for `wall` where virtual time stood when the wall
/// clock started.
#[derive(Debug, Clone)]
pub struct ServeClock {
    pub mode: ClockMode,
    speed: f64,
    started: Instant,
    virtual_start: Millis,
}

impl ServeClock {
    pub fn new(mode: ClockMode, speed: f64, virtual_start: Millis) -> Self {
        ServeClock {
            mode,
            speed,
            started: Instant::now(),
            virtual_start,
        }
    }

    /// Under `wall`, the virtual time it is now; `None` under `on-demand`.
    pub fn wall_target(&self) -> Option<Millis> {
        match self.mode {
            ClockMode::OnDemand => None,
            ClockMode::Wall => {
                let elapsed = self.started.elapsed().as_secs_f64() * 1000.0 * self.speed;
                Some(self.virtual_start + elapsed as Millis)
            }
        }
    }
}

/// Wall time in Unix milliseconds.
fn wall_now_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

/// The offset that puts virtual `virtual_now` onto the wall clock, in whole seconds; waits
/// out the rest of a wall second past its first 300 ms first (see the module comment).
pub fn shift_for(virtual_now: Millis) -> Millis {
    let into_second = wall_now_ms().rem_euclid(1000);
    if into_second >= 300 {
        std::thread::sleep(Duration::from_millis((1000 - into_second) as u64 + 1));
    }
    shift_now(virtual_now)
}

/// The same offset without waiting: for answers whose ages the server computes (Tables).
pub fn shift_now(virtual_now: Millis) -> Millis {
    wall_now_ms().div_euclid(1000) * 1000 - virtual_now.div_euclid(1000) * 1000
}

/// Fields holding a metav1.Time or MicroTime: only these move (a label or annotation that
/// looks like a time is the user's text).
const TIME_FIELDS: &[&str] = &[
    "creationTimestamp",
    "deletionTimestamp",
    // a managedFields entry's
    "time",
    "lastTransitionTime",
    "lastUpdateTime",
    "lastProbeTime",
    "lastHeartbeatTime",
    "startedAt",
    "finishedAt",
    "startTime",
    "completionTime",
    "firstTimestamp",
    "lastTimestamp",
    "eventTime",
    "lastObservedTime",
    "lastScheduleTime",
    "lastSuccessfulTime",
    // a Lease's
    "renewTime",
    "acquireTime",
];

/// Moves every time field of `v` by `shift` milliseconds.
pub fn shift_times(v: &mut Value, shift: Millis) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if TIME_FIELDS.contains(&k.as_str()) {
                    if let Value::String(s) = child {
                        if let Some(t) = parse_rfc3339(s) {
                            let micro = s.contains('.');
                            *s = if micro {
                                format_rfc3339_micro(t + shift)
                            } else {
                                format_rfc3339(t + shift)
                            };
                            continue;
                        }
                    }
                }
                shift_times(child, shift);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| shift_times(c, shift)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_fields_move_and_other_strings_stay() {
        let mut v = json!({
            "metadata": {"creationTimestamp": "2025-10-14T09:00:05Z",
                         "annotations": {"note": "2025-10-14T09:00:05Z"}},
            "status": {"conditions": [{"lastTransitionTime": "2025-10-14T09:00:10Z"}]},
            "eventTime": "2025-10-14T09:00:05.250000Z"
        });
        shift_times(&mut v, 60_000);
        assert_eq!(v["metadata"]["creationTimestamp"], "2025-10-14T09:01:05Z");
        assert_eq!(v["metadata"]["annotations"]["note"], "2025-10-14T09:00:05Z");
        assert_eq!(
            v["status"]["conditions"][0]["lastTransitionTime"],
            "2025-10-14T09:01:10Z"
        );
        assert_eq!(v["eventTime"], "2025-10-14T09:01:05.250000Z");
    }

    #[test]
    fn the_shift_is_whole_seconds_and_maps_virtual_now_onto_the_wall_second() {
        let virtual_now = 1_760_432_400_000 + 12_345;
        let shift = shift_for(virtual_now);
        assert_eq!(shift % 1000, 0);
        let wall_second = (virtual_now.div_euclid(1000) * 1000 + shift) / 1000;
        let now = wall_now_ms() / 1000;
        assert!((now - wall_second).abs() <= 1, "{now} vs {wall_second}");
    }
}
