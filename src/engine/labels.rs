//! Matching `spec.selector` (a metav1.LabelSelector as JSON) against labels.

use crate::engine::json::At;
use serde_json::{Map, Value};

/// The object's `metadata.labels`, or an empty map.
pub fn labels(obj: &Value) -> &Map<String, Value> {
    static NONE: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    obj.at("/metadata/labels")
        .and_then(Value::as_object)
        .unwrap_or_else(|| NONE.get_or_init(Map::new))
}

/// Whether a LabelSelector matches `labels`. An absent/null selector matches nothing; an
/// empty one (`{}`) matches everything, as apimachinery's `LabelSelectorAsSelector` does.
pub fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    let Some(sel) = selector.as_object() else {
        return false;
    };
    let has = |k: &str| labels.get(k).and_then(Value::as_str);
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        if !ml
            .iter()
            .all(|(k, v)| has(k).is_some() && has(k) == v.as_str())
        {
            return false;
        }
    }
    let exprs = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    exprs.iter().all(|e| {
        let key = e["key"].as_str().unwrap_or("");
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match e["operator"].as_str().unwrap_or("") {
            "In" => has(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => !has(key).is_some_and(|v| values.contains(&v)),
            "Exists" => has(key).is_some(),
            "DoesNotExist" => has(key).is_none(),
            _ => false,
        }
    })
}

/// True for `{}` or a selector with no requirements.
pub fn selector_is_empty(selector: &Value) -> bool {
    let ml = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .is_none_or(|m| m.is_empty());
    let me = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .is_none_or(|a| a.is_empty());
    selector.is_object() && ml && me
}
