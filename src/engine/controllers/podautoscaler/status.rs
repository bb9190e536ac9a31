//! The HPA's status as the controller writes it: `setConditionInList` (a condition's
//! `lastTransitionTime` moves only when its status flips), the `currentMetrics` entries,
//! and the quantities `buildQuantity` makes.

use super::replica_calculator::Proposal;
use crate::engine::clock::Millis;
use crate::engine::time::format_rfc3339;
use crate::json;
use serde_json::Value;

/// `setConditionInList`: sets condition `ty` in `list` (appended when new).
pub fn set_condition(
    list: &mut Vec<Value>,
    ty: &str,
    status: bool,
    reason: &str,
    message: &str,
    now: Millis,
) {
    let status = if status { "True" } else { "False" };
    let i = match list.iter().position(|c| c["type"] == ty) {
        Some(i) => i,
        None => {
            list.push(json!({"type": ty}));
            list.len() - 1
        }
    };
    let c = &mut list[i];
    if c["status"] != status {
        c["lastTransitionTime"] = json!(format_rfc3339(now));
    }
    c["status"] = json!(status);
    c["reason"] = json!(reason);
    c["message"] = json!(message);
}

/// `resource.NewMilliQuantity(v, DecimalSI)` for CPU, `BinarySI` for memory, as
/// `Quantity.String` prints them.
pub fn quantity(resource: &str, milli: i64) -> String {
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let v = milli / 1000;
    if resource == "memory" && v != 0 {
        for (suffix, shift) in [
            ("Ei", 60),
            ("Pi", 50),
            ("Ti", 40),
            ("Gi", 30),
            ("Mi", 20),
            ("Ki", 10),
        ] {
            if v % (1i64 << shift) == 0 {
                return format!("{}{suffix}", v >> shift);
            }
        }
    }
    v.to_string()
}

/// One `currentMetrics` entry of a Resource or ContainerResource metric.
pub fn metric_status(ty: &str, resource: &str, container: &str, p: &Proposal) -> Value {
    let mut current = json!({"averageValue": quantity(resource, p.average)});
    if let Some(u) = p.utilization {
        current["averageUtilization"] = json!(u);
    }
    if ty == "ContainerResource" {
        json!({"type": ty, "containerResource": {"name": resource, "container": container, "current": current}})
    } else {
        json!({"type": ty, "resource": {"name": resource, "current": current}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_print_as_the_metrics_server_serves_them() {
        assert_eq!(quantity("cpu", 250), "250m");
        assert_eq!(quantity("cpu", 2000), "2");
        assert_eq!(quantity("memory", 10 * 1024 * 1024 * 1000), "10Mi");
        assert_eq!(quantity("memory", 1500), "1500m");
    }

    #[test]
    fn a_condition_keeps_its_transition_time_while_its_status_holds() {
        let mut list = Vec::new();
        set_condition(
            &mut list,
            "AbleToScale",
            true,
            "SucceededGetScale",
            "a",
            1_000,
        );
        set_condition(
            &mut list,
            "AbleToScale",
            true,
            "ReadyForNewScale",
            "b",
            2_000,
        );
        assert_eq!(list[0]["lastTransitionTime"], format_rfc3339(1_000));
        assert_eq!(list[0]["reason"], "ReadyForNewScale");
        set_condition(
            &mut list,
            "AbleToScale",
            false,
            "FailedGetScale",
            "c",
            3_000,
        );
        assert_eq!(list[0]["lastTransitionTime"], format_rfc3339(3_000));
    }
}
