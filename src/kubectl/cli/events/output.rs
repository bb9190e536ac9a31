//! `kubectl events -o FORMAT`: kubectl decodes the listed events into the typed
//! `corev1.EventList` and hands that to the printer `--output` names (events.go,
//! `ToOptions`/`Run`). So `-o json` writes the Go structs' field order with every
//! non-omitempty field present, `-o yaml` the same fields sorted, and `-o name` prints
//! nothing at all: the name printer refuses typed lists ("list types are not supported by
//! name printing") and events.go drops that error. A watch prints each event by itself.
//! Which formats it takes is `apply::refused_printer`'s answer.

use super::super::apply::print_object;
use crate::gofmt::{write_json_struct_order, StructOrder};
use crate::shell::Output;
use serde_json::{Map, Value};

/// The listed events as one `EventList`.
pub(super) fn print_list(out: &mut Output, format: &str, events: &[&Value]) {
    if format == "name" {
        return;
    }
    let list = serde_json::json!({
        "kind": "EventList",
        "apiVersion": "v1",
        "metadata": {},
        "items": events.iter().map(|e| typed(e)).collect::<Vec<_>>(),
    });
    print_object(out, format, &list, "event", json);
}

/// One event of a watch.
pub(super) fn print_one(out: &mut Output, format: &str, event: &Value) {
    print_object(out, format, &typed(event), "event", json);
}

/// The event as the typed `corev1.Event` re-encodes it: fields without `omitempty` (and
/// struct-valued ones, which `omitempty` cannot leave out) are written even when unset.
fn typed(event: &Value) -> Value {
    let mut e = event.as_object().cloned().unwrap_or_default();
    e.insert("kind".into(), "Event".into());
    e.insert("apiVersion".into(), "v1".into());
    for (field, unset) in [
        ("metadata", Value::Object(Map::new())),
        ("involvedObject", Value::Object(Map::new())),
        ("source", Value::Object(Map::new())),
        ("firstTimestamp", Value::Null),
        ("lastTimestamp", Value::Null),
        ("eventTime", Value::Null),
        ("reportingComponent", "".into()),
        ("reportingInstance", "".into()),
    ] {
        e.entry(field).or_insert(unset);
    }
    if let Some(m) = e.get_mut("metadata").and_then(Value::as_object_mut) {
        m.entry("creationTimestamp").or_insert(Value::Null);
    }
    Value::Object(e)
}

/// TypeMeta, then `EventList`'s and `corev1.Event`'s own fields
/// (`k8s.io/api/core/v1/types.go`).
const EVENT: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "items",
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "type",
    "eventTime",
    "series",
    "action",
    "related",
    "reportingComponent",
    "reportingInstance",
];

/// `ObjectMeta`.
const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// `ObjectReference` (involvedObject, related): not TypeMeta's `kind, apiVersion` order.
const OBJECT_REFERENCE: &[&str] = &[
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
];

/// `EventSource`, `EventSeries`.
const SOURCE: &[&str] = &["component", "host"];
const SERIES: &[&str] = &["count", "lastObservedTime"];

const ORDER: StructOrder = StructOrder {
    structs: &[EVENT, OBJECT_META, OBJECT_REFERENCE, SOURCE, SERIES],
    maps: &["labels", "annotations"],
};

/// `json.MarshalIndent(obj, "", "    ")` of the typed objects, with kubectl's newline.
fn json(v: &Value) -> String {
    let mut out = String::new();
    write_json_struct_order(&mut out, v, Some("    "), &ORDER);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn scheduled() -> Value {
        json!({"apiVersion": "v1", "kind": "Event", "count": 1, "type": "Normal",
            "reason": "Scheduled", "message": "m",
            "metadata": {"name": "p.1", "namespace": "default", "uid": "u", "resourceVersion": "7",
                "creationTimestamp": "2025-10-14T09:00:00Z"},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "p", "namespace": "default", "uid": "pu"},
            "source": {"component": "default-scheduler"},
            "firstTimestamp": "2025-10-14T09:00:00Z", "lastTimestamp": "2025-10-14T09:00:00Z"})
    }

    #[test]
    fn json_is_the_typed_event_list_in_struct_order() {
        let mut out = Output::ok();
        print_list(&mut out, "json", &[&scheduled()]);
        let text = out.stdout_text();
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            keys[..8],
            [
                "kind",
                "apiVersion",
                "metadata",
                "items",
                "kind",
                "apiVersion",
                "metadata",
                "name"
            ]
        );
        // involvedObject in ObjectReference order; the unset non-omitempty fields present.
        let involved = text.find("\"involvedObject\"").unwrap();
        let rest = &text[involved..];
        assert!(rest.find("\"kind\": \"Pod\"").unwrap() < rest.find("\"apiVersion\"").unwrap());
        assert!(text.contains("\"eventTime\": null,\n"));
        assert!(text.ends_with("\"reportingInstance\": \"\"\n        }\n    ]\n}\n"));
    }

    #[test]
    fn name_prints_nothing_for_the_list_but_each_watched_event() {
        let mut out = Output::ok();
        print_list(&mut out, "name", &[&scheduled()]);
        assert_eq!(out.stdout_text(), "");
        print_one(&mut out, "name", &scheduled());
        assert_eq!(out.stdout_text(), "event/p.1\n");
    }
}
