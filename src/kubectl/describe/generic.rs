//! The generic describer (`printUnstructuredContent`) for kinds without a dedicated one:
//! every field of the object, with kubectl's smart labels.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, Related, Writer};
use crate::kubectl::printers::fields::{s, scalar, string_map};

/// kubectl's `smartLabelFor`: `apiVersion` → `API Version`, `creationTimestamp` →
/// `Creation Timestamp`; fields with characters other than letters and `-` unchanged.
pub(super) fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    // camelcase.Split: runs of one character class; an upper followed by lower
    // moves to start the next word.
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in field.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect::<String>())
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = p.chars();
                chars
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Paths the generic describer leaves out of the field dump.
const GENERIC_SKIP: [&str; 5] = [
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `printUnstructuredContent`: every field, sorted, maps and lists nested by level.
fn print_unstructured(
    w: &mut Writer,
    level: usize,
    content: &serde_json::Map<String, Value>,
    prefix: &str,
) {
    let mut fields: Vec<&String> = content.keys().collect();
    crate::sort::sort(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        let value = &content[field];
        match value {
            Value::Object(m) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                print_unstructured(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => print_unstructured(w, level + 1, m, &path),
                        other => w.w(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.w(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_value(other)),
            ),
        }
    }
}

/// Go's `%v` of a decoded JSON scalar (nested lists print as `[a b]`, maps as `map[k:v]`).
fn go_value(v: &Value) -> String {
    match v {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_value).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value(&m[*k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        other => scalar(other),
    }
}

/// The generic describer used for kinds without a dedicated one (ControllerRevision, CRDs).
pub(super) fn describe_generic(w: &mut Writer, o: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(o, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(o, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(o, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(o, "metadata.annotations"));
    if let Some(m) = o.as_object() {
        print_unstructured(w, 0, m, "");
    }
    describe_events(w, &related.events);
}
