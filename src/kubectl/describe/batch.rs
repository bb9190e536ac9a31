//! The batch group: Job and CronJob (`describeJob`, `describeCronJob` in kubectl's
//! describe.go).

use serde_json::Value;

use super::pods::describe_pod_template;
use super::{
    controlled_by, describe_events, print_annotations, print_labels, rfc1123z, Related, Writer,
};
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::fields::{
    arr, at, format_label_selector, int, opt_int, s, string_map, time,
};

/// `capIndexesListOrNone`: the completed indexes, cut after the interval that passes
/// `soft_limit` characters.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes[soft_limit.min(indexes.len())..].find(',') {
        Some(i) => format!("{}...", &indexes[..soft_limit + i + 1]),
        None => indexes.to_string(),
    }
}

/// `printBoolPtr`: `True`, `False` or `<unset>`.
fn bool_ptr(v: Option<&Value>) -> String {
    match v.and_then(Value::as_bool) {
        Some(true) => "True".into(),
        Some(false) => "False".into(),
        None => "<unset>".into(),
    }
}

/// `describeJob`.
pub(super) fn describe_job(w: &mut Writer, job: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(job, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(job, "metadata.namespace")),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(at(job, "spec.selector"))
        ),
    );
    print_labels(w, "", "Labels", &string_map(job, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(job, "metadata.annotations"));
    if let Some(c) = controlled_by(job) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = opt_int(job, "spec.parallelism") {
        w.w(0, &format!("Parallelism:\t{p}\n"));
    }
    match opt_int(job, "spec.completions") {
        Some(c) => w.w(0, &format!("Completions:\t{c}\n")),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    let mode = s(job, "spec.completionMode");
    if !mode.is_empty() {
        w.w(0, &format!("Completion Mode:\t{mode}\n"));
    }
    // `%v` of the bool: lower case, unlike the CronJob's `printBoolPtr`.
    if let Some(b) = at(job, "spec.suspend").and_then(Value::as_bool) {
        w.w(0, &format!("Suspend:\t{b}\n"));
    }
    if let Some(b) = opt_int(job, "spec.backoffLimit") {
        w.w(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = opt_int(job, "spec.ttlSecondsAfterFinished") {
        w.w(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    let (start, end) = (
        time(job, "status.startTime"),
        time(job, "status.completionTime"),
    );
    if start.is_some() {
        w.w(
            0,
            &format!("Start Time:\t{}\n", rfc1123z(job, "status.startTime")),
        );
    }
    if end.is_some() {
        w.w(
            0,
            &format!(
                "Completed At:\t{}\n",
                rfc1123z(job, "status.completionTime")
            ),
        );
    }
    if let (Some(a), Some(b)) = (start, end) {
        w.w(0, &format!("Duration:\t{}\n", human_duration(b - a)));
    }
    if let Some(d) = opt_int(job, "spec.activeDeadlineSeconds") {
        w.w(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    let (active, succeeded, failed) = (
        int(job, "status.active"),
        int(job, "status.succeeded"),
        int(job, "status.failed"),
    );
    match opt_int(job, "status.ready") {
        Some(ready) => w.w(0, &format!(
            "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"
        )),
        None => w.w(0, &format!(
            "Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"
        )),
    }
    if mode == "Indexed" {
        w.w(
            0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(s(job, "status.completedIndexes"), 50)
            ),
        );
    }
    describe_pod_template(w, at(job, "spec.template"));
    describe_events(w, &related.events);
}

/// `describeCronJob`.
pub(super) fn describe_cronjob(w: &mut Writer, cj: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(cj, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(cj, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(cj, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(cj, "metadata.annotations"));
    w.w(0, &format!("Schedule:\t{}\n", s(cj, "spec.schedule")));
    w.w(
        0,
        &format!("Concurrency Policy:\t{}\n", s(cj, "spec.concurrencyPolicy")),
    );
    w.w(
        0,
        &format!("Suspend:\t{}\n", bool_ptr(at(cj, "spec.suspend"))),
    );
    let unset = |v: Option<i64>, unit: &str| match v {
        Some(n) => format!("{n}{unit}"),
        None => "<unset>".into(),
    };
    w.w(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            unset(opt_int(cj, "spec.successfulJobsHistoryLimit"), "")
        ),
    );
    w.w(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            unset(opt_int(cj, "spec.failedJobsHistoryLimit"), "")
        ),
    );
    w.w(
        0,
        &format!(
            "Starting Deadline Seconds:\t{}\n",
            unset(opt_int(cj, "spec.startingDeadlineSeconds"), "s")
        ),
    );
    // `describeJobTemplate`
    let t = at(cj, "spec.jobTemplate").cloned().unwrap_or(Value::Null);
    match at(&t, "spec.selector") {
        Some(sel) if !sel.is_null() => w.w(
            0,
            &format!("Selector:\t{}\n", format_label_selector(Some(sel))),
        ),
        _ => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(
        0,
        &format!(
            "Parallelism:\t{}\n",
            unset(opt_int(&t, "spec.parallelism"), "")
        ),
    );
    w.w(
        0,
        &format!(
            "Completions:\t{}\n",
            unset(opt_int(&t, "spec.completions"), "")
        ),
    );
    if let Some(d) = opt_int(&t, "spec.activeDeadlineSeconds") {
        w.w(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    describe_pod_template(w, at(&t, "spec.template"));
    match time(cj, "status.lastScheduleTime") {
        Some(_) => w.w(
            0,
            &format!(
                "Last Schedule Time:\t{}\n",
                rfc1123z(cj, "status.lastScheduleTime")
            ),
        ),
        None => w.w(0, "Last Schedule Time:\t<unset>\n"),
    }
    let names: Vec<&str> = arr(cj, "status.active")
        .iter()
        .map(|r| s(r, "name"))
        .collect();
    if names.is_empty() {
        w.w(0, "Active Jobs:\t<none>\n");
    } else {
        w.w(0, &format!("Active Jobs:\t{}\n", names.join(", ")));
    }
    describe_events(w, &related.events);
}

#[cfg(test)]
mod tests {
    use super::cap_indexes;

    #[test]
    fn long_index_lists_are_cut_after_the_interval_that_passes_the_limit() {
        assert_eq!(cap_indexes("", 50), "<none>");
        assert_eq!(cap_indexes("0-3,5", 50), "0-3,5");
        assert_eq!(cap_indexes("1,3,5,7", 3), "1,3,...");
    }
}
