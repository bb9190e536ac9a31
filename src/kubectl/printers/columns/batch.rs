//! The Job printer (`printJob`): STATUS, COMPLETIONS and DURATION.

use serde_json::Value;

use super::{age, containers_and_images};
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::fields::{arr, at, format_label_selector, int, opt_int, s, time};

/// All cells of a Job row.
pub(super) fn job_cells(job: &Value, now: i64) -> Vec<String> {
    let succeeded = int(job, "status.succeeded");
    let completions = match opt_int(job, "spec.completions") {
        Some(c) => format!("{succeeded}/{c}"),
        None => match opt_int(job, "spec.parallelism").unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (
        time(job, "status.startTime"),
        time(job, "status.completionTime"),
    ) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now - start),
        (Some(start), Some(end)) => human_duration(end - start),
    };
    let has = |t: &str| {
        arr(job, "status.conditions")
            .iter()
            .any(|c| s(c, "type") == t && s(c, "status") == "True")
    };
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if at(job, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let (c, i) = containers_and_images(job);
    vec![
        s(job, "metadata.name").to_string(),
        status.to_string(),
        completions,
        duration,
        age(job, now),
        c,
        i,
        format_label_selector(at(job, "spec.selector")),
    ]
}
