//! Events recorded through events.k8s.io's broadcaster (client-go `tools/events`), as the
//! scheduler records them. Its cache keys an Event by what it is about *including the
//! object's resourceVersion*: the scheduler's first FailedScheduling is about the pod as
//! it was before the scheduler wrote its Unschedulable condition, so the next attempt's
//! Event is a new one, and only later attempts repeat it. A repeat turns the Event into a
//! series: its second occurrence is written at once (`(x2 over …)`), later ones only
//! counted, and written when a ticker finds the series over (no repeat for six minutes)
//! or every thirty minutes. A single Event leaves the cache six minutes after it was
//! recorded, so an occurrence after that is a new Event again.

use super::clock::{Millis, Timer};
use super::store::EventType;
use super::time::format_rfc3339;
use super::world::World;
use crate::json;
use std::collections::BTreeMap;

/// `finishTime`: the series ticker's period, and how long a series stays open.
const FINISH_MS: Millis = 6 * 60_000;
/// `refreshTime`: how often open series are written anyway.
const REFRESH_MS: Millis = 30 * 60_000;

/// (involved uid, its resourceVersion, reason, message).
pub type SeriesKey = (String, String, String, String);

/// One cached Event: where it is stored and how often it happened.
#[derive(Debug, Clone)]
pub struct Series {
    namespace: String,
    name: String,
    recorded_at: Millis,
    count: i64,
    last_observed: Millis,
}

/// The broadcaster's cache, with whether its ticker is set.
#[derive(Debug, Clone, Default)]
pub struct SeriesCache {
    events: BTreeMap<SeriesKey, Series>,
    ticking: bool,
}

impl SeriesCache {
    pub fn clear(&mut self) {
        self.events.clear();
    }
}

/// The Event `key` happened again: counts it if cached, and says whether it was (else
/// the caller records a new Event and hands it to [`remember`]).
pub fn repeat(w: &mut World, key: &SeriesKey) -> bool {
    let now = w.now;
    let Some(series) = w.event_series.events.get_mut(key) else {
        return false;
    };
    series.count += 1;
    series.last_observed = now;
    // The second occurrence makes a series, written at once; later ones wait for a tick.
    if series.count == 2 {
        let series = series.clone();
        write(w, &series);
    }
    true
}

/// A new Event `name` in `namespace`, recorded now under `key`.
pub fn remember(w: &mut World, key: SeriesKey, namespace: String, name: String) {
    let now = w.now;
    w.event_series.events.insert(
        key,
        Series {
            namespace,
            name,
            recorded_at: now,
            count: 1,
            last_observed: now,
        },
    );
    if !std::mem::replace(&mut w.event_series.ticking, true) {
        w.timers
            .schedule((now / FINISH_MS + 1) * FINISH_MS, Timer::EventSeries);
    }
}

/// The broadcaster's tickers (`finishSeries` every six minutes, `refreshExistingEventSeries`
/// every thirty, started together): finished series are written and let go, single
/// Events older than six minutes let go, open series written on the thirty-minute tick.
pub fn tick(w: &mut World) {
    let now = w.now;
    let refresh = now % REFRESH_MS == 0;
    let mut writes = Vec::new();
    w.event_series.events.retain(|_, s| {
        if s.count > 1 {
            let finished = s.last_observed < now - FINISH_MS;
            if finished || refresh {
                writes.push(s.clone());
            }
            !finished
        } else {
            s.recorded_at >= now - FINISH_MS
        }
    });
    for series in &writes {
        write(w, series);
    }
    w.event_series.ticking = !w.event_series.events.is_empty();
    if w.event_series.ticking {
        w.timers.schedule(now + FINISH_MS, Timer::EventSeries);
    }
}

/// The series' count and last occurrence, on its Event (gone once its TTL passed).
fn write(w: &mut World, series: &Series) {
    let Some(old) = w.get("Event", &series.namespace, &series.name).cloned() else {
        return;
    };
    let mut ev = (*old).clone();
    ev["count"] = json!(series.count);
    ev["lastTimestamp"] = json!(format_rfc3339(series.last_observed));
    w.store.put("Event", ev, EventType::Modified);
}
