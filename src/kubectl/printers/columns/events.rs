//! The Event printer (`printEvent`): LAST SEEN, TYPE, REASON, OBJECT and MESSAGE.

use serde_json::Value;

use super::{since, since_ms};
use crate::kubectl::printers::fields::{at, int, s, time};

/// All cells of an event row (wide order).
pub(super) fn event_cells(ev: &Value, now: i64) -> Vec<String> {
    let first_t = time(ev, "firstTimestamp").or_else(|| time(ev, "eventTime"));
    let first = since_ms(first_t, now);
    let mut last = match time(ev, "lastTimestamp") {
        Some(t) => since_ms(Some(t), now),
        None => first.clone(),
    };
    let mut count = int(ev, "count");
    if at(ev, "series").is_some_and(Value::is_object) {
        last = since(ev, "series.lastObservedTime", now);
        count = int(ev, "series.count");
    } else if count == 0 {
        count = 1;
    }
    let kind = s(ev, "involvedObject.kind").to_lowercase();
    let target = match s(ev, "involvedObject.name") {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let first_non_empty = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let component = first_non_empty(s(ev, "source.component"), s(ev, "reportingComponent"));
    let component = if component.is_empty() {
        s(ev, "reportingController").to_string()
    } else {
        component
    };
    let instance = first_non_empty(s(ev, "source.host"), s(ev, "reportingInstance"));
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        s(ev, "type").to_string(),
        s(ev, "reason").to_string(),
        target,
        s(ev, "involvedObject.fieldPath").to_string(),
        source,
        s(ev, "message").trim().to_string(),
        first,
        count.to_string(),
        s(ev, "metadata.name").to_string(),
    ]
}
