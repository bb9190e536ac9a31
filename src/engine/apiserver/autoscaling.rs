//! The API server's `autoscaling` group: HorizontalPodAutoscaler defaulting
//! (`pkg/apis/autoscaling/v2/defaults.go`) and validation
//! (`pkg/apis/autoscaling/validation/validation.go`), on the v2 object as stored.

use super::validation::quoted;
use crate::engine::errors::FieldError;
use crate::engine::json::At;
use crate::engine::quantity;
use crate::json;
use serde_json::{Map, Value};

/// `DefaultCPUUtilization`: the target of an HPA that names no metric.
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// `SetDefaults_HorizontalPodAutoscaler`: `minReplicas` 1, a CPU utilization metric when
/// none is given, and — only when `behavior` is set — every unset field of its rules.
pub fn default_hpa(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    spec.entry("minReplicas").or_insert(json!(1));
    let no_metrics = spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if no_metrics {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]),
        );
    }
    if let Some(b) = spec.get_mut("behavior").and_then(Value::as_object_mut) {
        let up = rules(b, "scaleUp");
        up.entry("stabilizationWindowSeconds").or_insert(json!(0));
        up.entry("selectPolicy").or_insert(json!("Max"));
        up.entry("policies").or_insert(json!([
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ]));
        // The scale-down window stays unset: the controller's
        // --horizontal-pod-autoscaler-downscale-stabilization fills it in.
        let down = rules(b, "scaleDown");
        down.entry("selectPolicy").or_insert(json!("Max"));
        down.entry("policies").or_insert(json!([
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ]));
    }
}

fn rules<'a>(behavior: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = behavior.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    match entry {
        Value::Object(m) => m,
        _ => unreachable!("set to an object just above"),
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

/// `validateHorizontalPodAutoscalerSpec` in its order: replica bounds, the scale target,
/// the metrics, the behavior.
pub fn validate(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let min = int(spec.get("minReplicas"));
    let max = int(spec.get("maxReplicas")).unwrap_or(0);
    if let Some(m) = min.filter(|m| *m < 1) {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            m.to_string(),
            "must be greater than or equal to 1",
        ));
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|m| max < m) {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    validate_target_ref(spec.get("scaleTargetRef").unwrap_or(&Value::Null), errs);
    let metrics = spec.get("metrics").and_then(Value::as_array);
    for (i, m) in metrics.into_iter().flatten().enumerate() {
        validate_metric(m, &format!("spec.metrics[{i}]"), errs);
    }
    let object_metric = metrics
        .into_iter()
        .flatten()
        .any(|m| matches!(m["type"].as_str(), Some("Object" | "External")));
    if min == Some(0) && !object_metric {
        errs.push(FieldError::forbidden(
            "spec.metrics",
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    if let Some(b) = spec.get("behavior") {
        for side in ["scaleUp", "scaleDown"] {
            if let Some(r) = b.get(side) {
                validate_rules(r, &format!("spec.behavior.{side}"), errs);
            }
        }
    }
}

/// `IsValidPathSegmentName`: no `.`/`..`, no `/` or `%`.
fn path_segment_errors(s: &str) -> Vec<String> {
    if s == "." || s == ".." {
        return vec![format!("may not be '{s}'")];
    }
    ["/", "%"]
        .iter()
        .filter(|c| s.contains(*c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

fn validate_target_ref(r: &Value, errs: &mut Vec<FieldError>) {
    let path = "spec.scaleTargetRef";
    for field in ["kind", "name"] {
        let v = r.get(field).and_then(Value::as_str).unwrap_or("");
        if v.is_empty() {
            errs.push(FieldError::required(format!("{path}.{field}"), ""));
        }
        for msg in path_segment_errors(v) {
            errs.push(FieldError::invalid(
                format!("{path}.{field}"),
                quoted(v),
                msg,
            ));
        }
    }
    let api_version = r.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = match api_version.matches('/').count() {
        0 => Some(""),
        1 => api_version.split('/').next(),
        _ => None,
    };
    match group {
        None => errs.push(FieldError::invalid(
            format!("{path}.apiVersion"),
            quoted(api_version),
            format!("unexpected GroupVersion string: {api_version}"),
        )),
        Some("") => errs.push(FieldError::invalid(
            format!("{path}.apiVersion"),
            quoted(api_version),
            "apiVersion must specify API group",
        )),
        Some(_) => {}
    }
}

const SOURCE_TYPES: &[&str] = &[
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

/// `validateMetricSpec` for the sources the playground measures (Resource and
/// ContainerResource); the others need an adapter's custom or external metrics API.
fn validate_metric(m: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.type"),
            "must specify a metric source type",
        ));
        return;
    }
    if !SOURCE_TYPES.contains(&ty) {
        errs.push(FieldError::not_supported(
            format!("{path}.type"),
            quoted(ty),
            SOURCE_TYPES,
        ));
        return;
    }
    let field = source_field(ty);
    let Some(src) = m.get(field).filter(|v| !v.is_null()) else {
        errs.push(FieldError::required(
            format!("{path}.{field}"),
            "must populate information for the given metric source",
        ));
        return;
    };
    for other in SOURCE_TYPES.iter().map(|t| source_field(t)) {
        if other != field && m.get(other).is_some_and(|v| !v.is_null()) {
            errs.push(FieldError::forbidden(
                format!("{path}.{other}"),
                "must populate the given metric source only",
            ));
        }
    }
    if matches!(ty, "Resource" | "ContainerResource") {
        let p = format!("{path}.{field}");
        if src
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            errs.push(FieldError::required(
                format!("{p}.name"),
                "must specify a resource name",
            ));
        }
        if ty == "ContainerResource"
            && src
                .get("container")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
        {
            errs.push(FieldError::required(
                format!("{p}.container"),
                "must specify a container",
            ));
        }
        let target = src.get("target").unwrap_or(&Value::Null);
        validate_target(target, &format!("{p}.target"), errs);
        let util = target.get("averageUtilization").filter(|v| !v.is_null());
        let avg = target.get("averageValue").filter(|v| !v.is_null());
        if util.is_none() && avg.is_none() {
            errs.push(FieldError::required(
                format!("{p}.target.averageUtilization"),
                "must set either a target raw value or a target utilization",
            ));
        }
        if util.is_some() && avg.is_some() {
            errs.push(FieldError::forbidden(
                format!("{p}.target.averageValue"),
                "may not set both a target raw value and a target utilization",
            ));
        }
    }
}

fn source_field(ty: &str) -> &'static str {
    match ty {
        "ContainerResource" => "containerResource",
        "External" => "external",
        "Object" => "object",
        "Pods" => "pods",
        _ => "resource",
    }
}

/// `validateMetricTarget`.
fn validate_target(t: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let ty = t.get("type").and_then(Value::as_str).unwrap_or("");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.type"),
            "must specify a metric target type",
        ));
    }
    if !matches!(ty, "Utilization" | "Value" | "AverageValue") {
        errs.push(FieldError::invalid(
            format!("{path}.type"),
            quoted(ty),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for field in ["value", "averageValue"] {
        if let Some(q) = t.get(field).and_then(Value::as_str) {
            if quantity::parse(q, 1000.0).is_none_or(|m| m <= 0) {
                errs.push(FieldError::invalid(
                    format!("{path}.{field}"),
                    quoted(q),
                    "must be positive",
                ));
            }
        }
    }
    if let Some(u) = int(t.get("averageUtilization")).filter(|u| *u < 1) {
        errs.push(FieldError::invalid(
            format!("{path}.averageUtilization"),
            u.to_string(),
            "must be greater than 0",
        ));
    }
}

/// `validateScalingRules` (the window's one-hour bound, the select policy, the policies).
fn validate_rules(r: &Value, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(w) = int(r.get("stabilizationWindowSeconds")) {
        if w < 0 {
            errs.push(FieldError::invalid(
                format!("{path}.stabilizationWindowSeconds"),
                w.to_string(),
                "must be greater than or equal to zero",
            ));
        } else if w > 3600 {
            errs.push(FieldError::invalid(
                format!("{path}.stabilizationWindowSeconds"),
                w.to_string(),
                "must be less than or equal to 3600",
            ));
        }
    }
    if let Some(p) = r.get("selectPolicy").and_then(Value::as_str) {
        const SELECT: &[&str] = &["Disabled", "Max", "Min"];
        if !SELECT.contains(&p) {
            errs.push(FieldError::not_supported(
                format!("{path}.selectPolicy"),
                quoted(p),
                SELECT,
            ));
        }
    }
    let policies = r.get("policies").and_then(Value::as_array);
    if policies.is_none_or(Vec::is_empty) {
        errs.push(FieldError::required(
            format!("{path}.policies"),
            "must specify at least one Policy",
        ));
    }
    for (i, p) in policies.into_iter().flatten().enumerate() {
        let pp = format!("{path}.policies[{i}]");
        let ty = p.get("type").and_then(Value::as_str).unwrap_or("");
        const TYPES: &[&str] = &["Percent", "Pods"];
        if !TYPES.contains(&ty) {
            errs.push(FieldError::not_supported(
                format!("{pp}.type"),
                quoted(ty),
                TYPES,
            ));
        }
        let value = int(p.get("value")).unwrap_or(0);
        if value <= 0 {
            errs.push(FieldError::invalid(
                format!("{pp}.value"),
                value.to_string(),
                "must be greater than zero",
            ));
        }
        let period = int(p.get("periodSeconds")).unwrap_or(0);
        if period <= 0 {
            errs.push(FieldError::invalid(
                format!("{pp}.periodSeconds"),
                period.to_string(),
                "must be greater than zero",
            ));
        } else if period > 1800 {
            errs.push(FieldError::invalid(
                format!("{pp}.periodSeconds"),
                period.to_string(),
                "must be less than or equal to 1800",
            ));
        }
    }
}

/// The target of a metric spec, read from the stored object: what `get hpa` and the
/// controller need.
pub fn target_ref(hpa: &Value) -> (&str, &str, &str) {
    let r = hpa.at("/spec/scaleTargetRef").unwrap_or(&Value::Null);
    let s = |f: &str| r.get(f).and_then(Value::as_str).unwrap_or("");
    (s("apiVersion"), s("kind"), s("name"))
}
