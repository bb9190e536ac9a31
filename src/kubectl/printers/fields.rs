//! Small read-only accessors over Kubernetes JSON objects. Missing or mistyped fields
//! read as empty / zero, never panic: objects come from user manifests.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::engine::time::parse_rfc3339;

/// The value at a `.`-separated path, if every step exists.
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, key| cur.get(key))
}

/// The string at `path`, or `""`.
pub fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

/// The integer at `path`, or 0.
pub fn int(v: &Value, path: &str) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

/// The integer at `path`, if present.
pub fn opt_int(v: &Value, path: &str) -> Option<i64> {
    at(v, path).and_then(Value::as_i64)
}

/// The bool at `path`, or false.
pub fn flag(v: &Value, path: &str) -> bool {
    at(v, path).and_then(Value::as_bool).unwrap_or(false)
}

/// The array at `path`, or an empty slice.
pub fn arr<'a>(v: &'a Value, path: &str) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The object at `path`, if present.
pub fn obj<'a>(v: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
    at(v, path).and_then(Value::as_object)
}

/// A string→string map at `path` (labels, annotations, selectors), sorted by key.
/// Non-string values are rendered as their JSON text.
pub fn string_map(v: &Value, path: &str) -> BTreeMap<String, String> {
    obj(v, path)
        .map(|m| {
            // `extend`, not `collect`, for the bundle size: see `selector::labels_of`.
            let mut map = BTreeMap::new();
            map.extend(m.iter().map(|(k, v)| (k.clone(), scalar(v))));
            map
        })
        .unwrap_or_default()
}

/// A JSON scalar as Go's `%v` prints it (strings bare).
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// The RFC3339 timestamp at `path` as epoch ms.
pub fn time(v: &Value, path: &str) -> Option<i64> {
    parse_rfc3339(s(v, path))
}

/// `k=v,k2=v2` sorted by key, or `<none>` (apimachinery `labels.FormatLabels`).
pub fn format_labels(map: &BTreeMap<String, String>) -> String {
    if map.is_empty() {
        return "<none>".into();
    }
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The string form of a `metav1.LabelSelector` (requirements sorted by key, `in`/`notin`
/// values sorted); `""` for an empty selector.
pub fn selector_string(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in string_map(sel, "matchLabels") {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in arr(sel, "matchExpressions") {
        let key = s(e, "key");
        let mut values: Vec<String> = arr(e, "values").iter().map(scalar).collect();
        crate::sort::sort(&mut values);
        let text = match s(e, "operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => continue,
        };
        reqs.push((key.to_string(), text));
    }
    crate::sort::sort_by(&mut reqs, |a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: the selector string or `<none>`.
pub fn format_label_selector(sel: Option<&Value>) -> String {
    let text = sel.map(selector_string).unwrap_or_default();
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// The ownerReference with `controller: true`, if any.
pub fn controller_ref(v: &Value) -> Option<&Value> {
    arr(v, "metadata.ownerReferences")
        .iter()
        .find(|r| flag(r, "controller"))
}

/// An int-or-string field (`targetPort`, `maxSurge`) as Go's `IntOrString.String()`.
pub fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "0".into(),
    }
}

/// A resource quantity (`500m`, `1Gi`, `2`, `1e3`) as a number of base units.
pub fn quantity_value(q: &Value) -> Option<f64> {
    let text = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => return n.as_f64(),
        _ => return None,
    };
    let q = crate::engine::quantity::Quantity::parse(&text).ok()?;
    Some(q.nanos() as f64 / 1e9)
}
