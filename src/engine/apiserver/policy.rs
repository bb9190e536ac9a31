//! The API server's `policy` group: PodDisruptionBudget validation
//! (`pkg/apis/policy/validation/validation.go`), on the v1 object as stored. v1 has no
//! defaults; the empty status its strategy stores is [`empty_status`].

use super::validation::quoted;
use crate::engine::errors::FieldError;
use crate::json;
use serde_json::Value;

/// `unhealthyPodEvictionPolicy`'s values, sorted as the server lists them.
const EVICTION_POLICIES: &[&str] = &["AlwaysAllow", "IfHealthyBudget"];

/// What a new budget's status holds before the disruption controller has counted: the
/// four counts have no `omitempty`.
pub fn empty_status() -> Value {
    json!({"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0})
}

/// `ValidatePodDisruptionBudgetSpec`.
pub fn validate(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let min = spec.get("minAvailable").filter(|v| !v.is_null());
    let max = spec.get("maxUnavailable").filter(|v| !v.is_null());
    if min.is_some() && max.is_some() {
        errs.push(FieldError::invalid(
            "spec",
            go_spec(spec),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (field, value) in [("minAvailable", min), ("maxUnavailable", max)] {
        if let Some(v) = value {
            positive_int_or_percent(&format!("spec.{field}"), v, errs);
        }
    }
    validate_label_selector(spec.get("selector"), "spec.selector", errs);
    if let Some(p) = spec
        .get("unhealthyPodEvictionPolicy")
        .and_then(Value::as_str)
    {
        if !EVICTION_POLICIES.contains(&p) {
            errs.push(FieldError::not_supported(
                "spec.unhealthyPodEvictionPolicy",
                quoted(p),
                EVICTION_POLICIES,
            ));
        }
    }
}

/// `ValidatePositiveIntOrPercent` then `IsNotMoreThan100Percent`.
fn positive_int_or_percent(path: &str, v: &Value, errs: &mut Vec<FieldError>) {
    match v {
        Value::String(s) => match percent(s) {
            None => errs.push(FieldError::invalid(
                path,
                quoted(s),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            )),
            Some(p) if p > 100 => errs.push(FieldError::invalid(
                path,
                quoted(s),
                "must not be greater than 100%",
            )),
            Some(_) => {}
        },
        Value::Number(n) => {
            if n.as_i64().is_some_and(|n| n < 0) {
                errs.push(FieldError::invalid(
                    path,
                    n.to_string(),
                    "must be greater than or equal to 0",
                ));
            }
        }
        other => errs.push(FieldError::invalid(
            path,
            other.to_string(),
            "must be an integer or percentage (e.g '5%')",
        )),
    }
}

/// `IsValidPercent`'s `^[0-9]+%$`, as its number.
pub fn percent(s: &str) -> Option<u64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// `ValidateLabelSelector`: each requirement's operator, and the values it needs.
fn validate_label_selector(sel: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    let exprs = sel
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array);
    for (i, e) in exprs.into_iter().flatten().enumerate() {
        let at = format!("{path}.matchExpressions[{i}]");
        let op = e.get("operator").and_then(Value::as_str).unwrap_or("");
        let has_values = e
            .get("values")
            .and_then(Value::as_array)
            .is_some_and(|v| !v.is_empty());
        match op {
            "In" | "NotIn" if !has_values => errs.push(FieldError::required(
                format!("{at}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if has_values => errs.push(FieldError::forbidden(
                format!("{at}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => errs.push(FieldError::invalid(
                format!("{at}.operator"),
                quoted(op),
                "not a valid selector operator",
            )),
        }
    }
}

/// The internal spec as `%v` of a `field.Invalid` value prints it: Go's JSON of the
/// struct, fields in declaration order (no json tags on the internal type).
fn go_spec(spec: &Value) -> String {
    let field = |k: &str| spec.get(k).cloned().unwrap_or(Value::Null).to_string();
    format!(
        "{{\"MinAvailable\":{},\"Selector\":{},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{}}}",
        field("minAvailable"),
        go_selector(spec.get("selector").unwrap_or(&Value::Null)),
        field("maxUnavailable"),
        field("unhealthyPodEvictionPolicy"),
    )
}

/// A LabelSelector as Go encodes it: `matchLabels` before `matchExpressions`, each
/// requirement `key`, `operator`, `values`.
fn go_selector(sel: &Value) -> String {
    if !sel.is_object() {
        return "null".into();
    }
    let mut parts = Vec::new();
    if let Some(l) = sel.get("matchLabels").filter(|l| !l.is_null()) {
        parts.push(format!("\"matchLabels\":{l}"));
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        let rendered: Vec<String> = exprs
            .iter()
            .map(|e| {
                let mut r = format!(
                    "{{\"key\":{},\"operator\":{}",
                    e.get("key").cloned().unwrap_or(json!("")),
                    e.get("operator").cloned().unwrap_or(json!(""))
                );
                if let Some(v) = e.get("values").filter(|v| !v.is_null()) {
                    r.push_str(&format!(",\"values\":{v}"));
                }
                r.push('}');
                r
            })
            .collect();
        parts.push(format!("\"matchExpressions\":[{}]", rendered.join(",")));
    }
    format!("{{{}}}", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(spec: Value) -> Vec<String> {
        let mut errs = Vec::new();
        validate(&json!({"spec": spec}), &mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_budget_with_both_bounds_is_refused_with_the_internal_spec_shown() {
        let e = errors(json!({"minAvailable": 1, "maxUnavailable": 1,
            "selector": {"matchLabels": {"a": "b"}}}));
        assert_eq!(e, ["spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"a\":\"b\"}},\"MaxUnavailable\":1,\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set"]);
    }

    #[test]
    fn percentages_must_be_digits_and_a_percent_sign_at_most_100() {
        assert_eq!(percent("50%"), Some(50));
        assert_eq!(percent("5"), None);
        assert_eq!(percent("%"), None);
        assert_eq!(
            errors(json!({"maxUnavailable": "150%"})),
            ["spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"]
        );
        assert_eq!(
            errors(json!({"minAvailable": -1})),
            ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]
        );
    }

    #[test]
    fn an_unknown_eviction_policy_lists_the_supported_ones() {
        assert_eq!(
            errors(json!({"unhealthyPodEvictionPolicy": "Foo"})),
            ["spec.unhealthyPodEvictionPolicy: Unsupported value: \"Foo\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""]
        );
    }
}
