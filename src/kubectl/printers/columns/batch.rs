//! The Job and CronJob printers (`printJob`: STATUS, COMPLETIONS and DURATION;
//! `printCronJob`: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE and LAST SCHEDULE).

use serde_json::Value;

use super::{age, containers_and_images, since};
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

/// All cells of a CronJob row.
pub(super) fn cronjob_cells(cj: &Value, now: i64) -> Vec<String> {
    let last = match time(cj, "status.lastScheduleTime") {
        Some(_) => since(cj, "status.lastScheduleTime", now),
        None => "<none>".to_string(),
    };
    let zone = match s(cj, "spec.timeZone") {
        "" if at(cj, "spec.timeZone").is_none() => "<none>",
        z => z,
    };
    // `printBoolPtr`
    let suspend = match at(cj, "spec.suspend").and_then(Value::as_bool) {
        Some(true) => "True".to_string(),
        Some(false) => "False".to_string(),
        None => "<unset>".to_string(),
    };
    let template = at(cj, "spec.jobTemplate").cloned().unwrap_or(Value::Null);
    let (c, i) = containers_and_images(&template);
    vec![
        s(cj, "metadata.name").to_string(),
        s(cj, "spec.schedule").to_string(),
        zone.to_string(),
        suspend,
        arr(cj, "status.active").len().to_string(),
        last,
        age(cj, now),
        c,
        i,
        format_label_selector(at(&template, "spec.selector")),
    ]
}
