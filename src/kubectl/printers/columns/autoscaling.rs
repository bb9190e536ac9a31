//! The HorizontalPodAutoscaler printer (`printHorizontalPodAutoscaler`: REFERENCE,
//! TARGETS as `formatHPAMetrics` writes them, MINPODS, MAXPODS, REPLICAS).

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, opt_int, s};

/// TARGETS: each metric as `current/target` (at most two, then `+ N more...`).
pub(crate) fn format_hpa_metrics(specs: &[Value], statuses: &[Value]) -> String {
    if specs.is_empty() {
        return "<none>".into();
    }
    let status = |i: usize, field: &str| {
        statuses
            .get(i)
            .and_then(|st| st.get(field))
            .filter(|v| !v.is_null())
    };
    let quantity = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("0").to_string();
    let mut list = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let ty = spec["type"].as_str().unwrap_or("");
        let field = match ty {
            "External" => "external",
            "Pods" => "pods",
            "Object" => "object",
            "Resource" => "resource",
            "ContainerResource" => "containerResource",
            _ => {
                list.push("<unknown type>".to_string());
                continue;
            }
        };
        let src = &spec[field];
        let target = &src["target"];
        let current = status(i, field).map(|st| &st["current"]);
        let unknown = || "<unknown>".to_string();
        match ty {
            "External" | "Object" => {
                if let Some(avg) = target.get("averageValue").filter(|v| !v.is_null()) {
                    let cur = current
                        .and_then(|c| c.get("averageValue"))
                        .filter(|v| !v.is_null())
                        .map_or_else(unknown, |v| quantity(Some(v)));
                    list.push(format!("{cur}/{} (avg)", quantity(Some(avg))));
                } else {
                    let cur = current.map_or_else(unknown, |c| quantity(c.get("value")));
                    list.push(format!("{cur}/{}", quantity(target.get("value"))));
                }
            }
            "Pods" => {
                let cur = current.map_or_else(unknown, |c| quantity(c.get("averageValue")));
                list.push(format!("{cur}/{}", quantity(target.get("averageValue"))));
            }
            _ => {
                let name = src["name"].as_str().unwrap_or("");
                if let Some(avg) = target.get("averageValue").filter(|v| !v.is_null()) {
                    let cur = current.map_or_else(unknown, |c| quantity(c.get("averageValue")));
                    list.push(format!("{name}: {cur}/{}", quantity(Some(avg))));
                } else {
                    let cur = current
                        .and_then(|c| c["averageUtilization"].as_i64())
                        .map_or_else(unknown, |u| format!("{u}%"));
                    let goal = target["averageUtilization"]
                        .as_i64()
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    list.push(format!("{name}: {cur}/{goal}"));
                }
            }
        }
    }
    const MAX: usize = 2;
    let count = list.len();
    if count > MAX {
        list.truncate(MAX);
        return format!("{} + {} more...", list.join(", "), count - MAX);
    }
    list.join(", ")
}

/// All cells of an HPA row.
pub(super) fn hpa_cells(hpa: &Value, now: i64) -> Vec<String> {
    let reference = format!(
        "{}/{}",
        s(hpa, "spec.scaleTargetRef.kind"),
        s(hpa, "spec.scaleTargetRef.name")
    );
    let min =
        opt_int(hpa, "spec.minReplicas").map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    vec![
        s(hpa, "metadata.name").to_string(),
        reference,
        format_hpa_metrics(arr(hpa, "spec.metrics"), arr(hpa, "status.currentMetrics")),
        min,
        opt_int(hpa, "spec.maxReplicas").unwrap_or(0).to_string(),
        opt_int(hpa, "status.currentReplicas")
            .unwrap_or(0)
            .to_string(),
        age(hpa, now),
    ]
}
