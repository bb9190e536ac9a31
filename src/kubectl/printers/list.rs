//! The `List` kubectl wraps several objects in for `-o yaml` / `-o json` / `-o jsonpath`
//! (`{"apiVersion": "v1", "items": […], "kind": "List", "metadata": {"resourceVersion":
//! ""}}`). YAML and JSON are written straight from the borrowed items, without building
//! (deep-copying) the wrapper.

use super::{gofmt, yaml};
use crate::json;
use serde_json::{Map, Value};

/// The wrapper's `metadata`.
fn metadata() -> Value {
    json!({"resourceVersion": ""})
}

/// The wrapper as a value (for jsonpath, which walks a whole document).
pub fn value(items: &[&Value]) -> Value {
    let mut m = Map::new();
    m.insert("apiVersion".into(), Value::String("v1".into()));
    m.insert(
        "items".into(),
        Value::Array(items.iter().map(|o| (*o).clone()).collect()),
    );
    m.insert("kind".into(), Value::String("List".into()));
    m.insert("metadata".into(), metadata());
    Value::Object(m)
}

/// `yaml::to_yaml(&value(items))`.
pub fn to_yaml(items: &[&Value]) -> String {
    let mut e = yaml::emitter::Emitter::new();
    e.begin_mapping();
    e.entry("apiVersion", &Value::String("v1".into()));
    e.key("items");
    e.sequence(items.iter().copied(), yaml::emitter::VALUE_CTX);
    e.entry("kind", &Value::String("List".into()));
    e.entry("metadata", &metadata());
    e.end_mapping();
    e.finish()
}

/// `yaml::to_json(&value(items))`.
pub fn to_json(items: &[&Value]) -> String {
    const INDENT: &str = "    ";
    let mut out = String::from("{\n    \"apiVersion\": \"v1\",\n    \"items\": [");
    for (i, item) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(INDENT);
        out.push_str(INDENT);
        gofmt::write_json(&mut out, item, Some(INDENT), 2);
    }
    if !items.is_empty() {
        out.push_str("\n    ");
    }
    out.push_str("],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "web"}, "annotations": {}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "args": ["a b", "-", "x:"]}], "volumes": []},
            "status": {"podIPs": [{"ip": "10.0.0.1"}], "startTime": "2025-01-01T00:00:00Z", "n": 1.5}
        })
    }

    fn cases() -> Vec<Vec<Value>> {
        vec![vec![], vec![pod("a")], vec![pod("a"), pod("b-<&>")]]
    }

    #[test]
    fn list_yaml_is_the_yaml_of_the_built_list() {
        for items in cases() {
            let refs: Vec<&Value> = items.iter().collect();
            assert_eq!(to_yaml(&refs), yaml::to_yaml(&value(&refs)));
        }
    }

    #[test]
    fn list_json_is_the_json_of_the_built_list() {
        for items in cases() {
            let refs: Vec<&Value> = items.iter().collect();
            assert_eq!(to_json(&refs), yaml::to_json(&value(&refs)));
        }
    }
}
