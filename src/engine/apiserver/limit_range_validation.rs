//! `ValidateLimitRange`: known (or qualified) types once each, resource names a container
//! or claim can have, and bounds that agree (min ≤ default request ≤ default ≤ max, a ratio
//! of at least 1 and within max/min). Resources go by name where Go walks a map.

use super::super::errors::{FieldError, FieldErrorKind};
use super::super::limit_range::{Item, Resources};
use super::super::quota::Amount;
use super::super::selector::qualified_name_errors;
use super::validation::quoted;
use serde_json::Value;
use std::collections::BTreeSet;

const STANDARD_TYPES: &[&str] = &["Pod", "Container", "PersistentVolumeClaim"];

/// `standardResources`: what a resource name without a `/` may be.
const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

/// A resource in the `kubernetes.io` namespace (an unqualified name is one).
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `validateResourceName`: a qualified name, and a standard one when unqualified.
fn resource_name_errors(name: &str, field: &str, errs: &mut Vec<FieldError>) -> bool {
    let before = errs.len();
    for msg in qualified_name_errors(name) {
        errs.push(FieldError::invalid(field, quoted(name), msg));
    }
    if errs.len() > before {
        return false;
    }
    let quota_hugepages =
        name.starts_with("requests.hugepages-") || name.starts_with("limits.hugepages-");
    if !name.contains('/') && !STANDARD_RESOURCES.contains(&name) && !quota_hugepages {
        errs.push(FieldError::invalid(
            field,
            quoted(name),
            "must be a standard resource type or fully qualified",
        ));
    }
    true
}

/// `validateLimitRangeResourceName`: containers and pods take container resources; other
/// types any standard or qualified resource.
fn limit_resource_name(kind: &str, name: &str, field: &str, errs: &mut Vec<FieldError>) {
    resource_name_errors(name, field, errs);
    if kind != "Pod" && kind != "Container" {
        return;
    }
    if !name.contains('/') {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_hugepages(name) {
            errs.push(FieldError::invalid(
                field,
                quoted(name),
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name)
        && (name.starts_with("requests.")
            || !qualified_name_errors(&format!("requests.{name}")).is_empty())
    {
        errs.push(FieldError::invalid(
            field,
            quoted(name),
            "doesn't follow extended resource name standard",
        ));
    }
}

fn invalid(field: String, value: impl std::fmt::Display, detail: String) -> FieldError {
    FieldError::invalid(field, quoted(&value.to_string()), detail)
}

/// The bounds of one item that must agree, resource by resource.
fn check_bounds(item: &Item, path: &str, errs: &mut Vec<FieldError>) {
    let keys: BTreeSet<&String> = [
        &item.min,
        &item.max,
        &item.default,
        &item.default_request,
        &item.max_limit_request_ratio,
    ]
    .into_iter()
    .flat_map(Resources::keys)
    .collect();
    for k in keys {
        let (min, max) = (item.min.get(k), item.max.get(k));
        let (def, req) = (item.default.get(k), item.default_request.get(k));
        let ratio = item.max_limit_request_ratio.get(k);
        // (the field reported, the value it shows, the side that must not be greater, the
        // other side, the message) in the server's order. For the two `default` checks the
        // server shows min and max as the bad value: kept as it is.
        type Say = fn(&Amount, &Amount) -> String;
        type Order<'a> = (
            &'a str,
            Option<&'a Amount>,
            Option<&'a Amount>,
            Option<&'a Amount>,
            Say,
        );
        let orders: [Order; 6] = [
            ("min", min, min, max, |lo, hi| {
                format!("min value {lo} is greater than max value {hi}")
            }),
            ("defaultRequest", req, min, req, |lo, hi| {
                format!("min value {lo} is greater than default request value {hi}")
            }),
            ("defaultRequest", req, req, max, |lo, hi| {
                format!("default request value {lo} is greater than max value {hi}")
            }),
            ("defaultRequest", req, req, def, |lo, hi| {
                format!("default request value {lo} is greater than default limit value {hi}")
            }),
            ("default", min, min, def, |lo, hi| {
                format!("min value {lo} is greater than default value {hi}")
            }),
            ("default", max, def, max, |lo, hi| {
                format!("default value {lo} is greater than max value {hi}")
            }),
        ];
        for (field, shown, lo, hi, say) in orders {
            if let (Some(shown), Some(lo), Some(hi)) = (shown, lo, hi) {
                if lo.milli > hi.milli {
                    errs.push(invalid(format!("{path}.{field}[{k}]"), shown, say(lo, hi)));
                }
            }
        }
        if let Some(ratio) = ratio {
            if ratio.milli < 1000 {
                errs.push(invalid(
                    format!("{path}.maxLimitRequestRatio[{k}]"),
                    ratio,
                    format!("ratio {ratio} is less than 1"),
                ));
            }
            if let (Some(min), Some(max)) = (min, max) {
                let limit = max.milli as f64 / min.milli as f64;
                if ratio.milli as f64 / 1000.0 > limit {
                    errs.push(invalid(
                        format!("{path}.maxLimitRequestRatio[{k}]"),
                        ratio,
                        format!("ratio {ratio} is greater than max/min = {limit:.6}"),
                    ));
                }
            }
        }
        // Resources that cannot be overcommitted (hugepages, extended ones) default their
        // request to exactly their limit.
        let overcommit = is_native(k) && !is_hugepages(k);
        if let (false, Some(def), Some(req)) = (overcommit, def, req) {
            if def.milli != req.milli {
                errs.push(invalid(
                    format!("{path}.defaultRequest[{k}]"),
                    req,
                    format!("default value {def} must equal to defaultRequest value {req} in {k}"),
                ));
            }
        }
    }
}

/// The resource names of one quantity map of an item.
fn names_in(item: &Value, key: &str, kind: &str, path: &str, errs: &mut Vec<FieldError>) {
    let Some(map) = item.get(key).and_then(Value::as_object) else {
        return;
    };
    let mut names: Vec<&String> = map.keys().collect();
    crate::sort::sort(&mut names);
    for name in names {
        limit_resource_name(kind, name, &format!("{path}.{key}[{name}]"), errs);
    }
}

/// `ValidateLimitRange` after defaulting (so defaults drawn from max are checked too).
pub fn validate(obj: &Value, errs: &mut Vec<FieldError>) {
    let items = obj
        .pointer("/spec/limits")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut seen: Vec<&str> = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        let path = format!("spec.limits[{i}]");
        let item = Item::from_json(raw);
        let kind = raw.get("type").and_then(Value::as_str).unwrap_or("");
        let type_errors = qualified_name_errors(kind);
        for msg in &type_errors {
            errs.push(FieldError::invalid(
                format!("{path}.type"),
                quoted(kind),
                msg,
            ));
        }
        if type_errors.is_empty() && !kind.contains('/') && !STANDARD_TYPES.contains(&kind) {
            errs.push(FieldError::invalid(
                format!("{path}.type"),
                quoted(kind),
                "must be a standard limit type or fully qualified",
            ));
        }
        if seen.contains(&kind) {
            errs.push(FieldError {
                field: format!("{path}.type"),
                kind: FieldErrorKind::Duplicate,
                value: Some(quoted(kind)),
                detail: String::new(),
            });
        }
        seen.push(kind);
        names_in(raw, "max", kind, &path, errs);
        names_in(raw, "min", kind, &path, errs);
        let has = |key: &str| {
            raw.get(key)
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
        };
        if kind == "Pod" {
            for key in ["default", "defaultRequest"] {
                if has(key) {
                    errs.push(FieldError::forbidden(
                        format!("{path}.{key}"),
                        "may not be specified when `type` is 'Pod'",
                    ));
                }
            }
        } else {
            names_in(raw, "default", kind, &path, errs);
            names_in(raw, "defaultRequest", kind, &path, errs);
        }
        if kind == "PersistentVolumeClaim"
            && raw.pointer("/min/storage").is_none()
            && raw.pointer("/max/storage").is_none()
        {
            errs.push(FieldError::required(
                format!("{path}.limits"),
                "either minimum or maximum storage value is required, but neither was provided",
            ));
        }
        names_in(raw, "maxLimitRequestRatio", kind, &path, errs);
        let mut bounded = item;
        if kind == "Pod" {
            // A Pod item's defaults are refused above and take no part in the bounds.
            bounded.default.clear();
            bounded.default_request.clear();
        }
        check_bounds(&bounded, &path, errs);
    }
}
