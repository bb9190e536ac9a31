//! Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. The
//! columns and cells are the playground's own printers (`kubectl::printers::columns`, the
//! server's printers.go), so the real kubectl prints what ours prints; each row's object is
//! the PartialObjectMetadata kubectl reads `--show-labels` and `-L` from.

use crate::kubectl::printers::columns;
use serde_json::{json, Value};

/// Whether the client asked for a Table (kubectl get does, falling back to JSON).
pub fn wanted(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table"))
}

fn definitions(kind: &str) -> Value {
    let defs: Vec<Value> = columns::definitions(kind)
        .iter()
        .map(|(name, wide_only)| {
            json!({
                "name": name,
                // The default table's creation time is a date column.
                "type": if *name == "Created At" { "date" } else { "string" },
                "format": if *name == "Name" { "name" } else { "" },
                "description": "",
                "priority": u8::from(*wide_only),
            })
        })
        .collect();
    Value::Array(defs)
}

/// What `includeObject` asks each row to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    None,
    Metadata,
    Object,
}

impl Include {
    pub fn parse(v: Option<&str>) -> Include {
        match v {
            Some("None") => Include::None,
            Some("Object") => Include::Object,
            _ => Include::Metadata,
        }
    }
}

fn row_object(obj: &Value, include: Include) -> Value {
    match include {
        Include::None => Value::Null,
        Include::Object => obj.clone(),
        Include::Metadata => {
            let mut meta = obj.get("metadata").cloned().unwrap_or_else(|| json!({}));
            if let Some(m) = meta.as_object_mut() {
                m.remove("managedFields");
            }
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta})
        }
    }
}

/// One row: every cell (wide ones too), computed at virtual time `now`; `shown` is the
/// object as sent (times moved onto the wall clock).
pub fn row(kind: &str, stored: &Value, shown: &Value, now: i64, include: Include) -> Value {
    let cells = columns::row(kind, stored, now, true);
    let mut r = json!({"cells": cells});
    let o = row_object(shown, include);
    if !o.is_null() {
        r["object"] = o;
    }
    r
}

/// The Table of `rows` (built with `row`).
pub fn table(kind: &str, resource_version: &str, rows: Vec<Value>) -> Value {
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": definitions(kind),
        "rows": rows,
    })
}

/// The Content-Type of a Table answer.
pub const CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_get_accept_header_asks_for_a_table() {
        assert!(wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"));
        assert!(!wanted("application/json"));
        assert!(!wanted(""));
    }

    #[test]
    fn pod_columns_mark_the_wide_ones_priority_one() {
        let t = table("Pod", "7", vec![]);
        let defs = t["columnDefinitions"].as_array().unwrap();
        assert_eq!(defs[0]["name"], "Name");
        assert_eq!(defs[0]["format"], "name");
        assert_eq!(defs[4]["name"], "Age");
        assert_eq!(defs[4]["priority"], 0);
        assert_eq!(defs[5]["name"], "IP");
        assert_eq!(defs[5]["priority"], 1);
    }
}
