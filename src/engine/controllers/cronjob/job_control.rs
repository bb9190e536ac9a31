//! The CronJob's writes (`injection.go` `realJobControl`): create a Job from the job
//! template, delete a Job — with their Events on the CronJob.

use super::control::job_name;
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::clock::Millis;
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::rc::Rc;

/// Annotation with the time a Job was scheduled for, in the CronJob's time zone.
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// Events and why-log lines about the CronJob `cj`.
pub fn recorder(cj: &Value) -> Recorder<'_> {
    Recorder::new(Controller::CronJob.name(), "CronJob", cj)
}

/// RFC 3339 at an offset east of UTC (`Z` for UTC), as Go's `Format(time.RFC3339)`.
fn rfc3339_at(t: Millis, offset_minutes: i64) -> String {
    if offset_minutes == 0 {
        return format_rfc3339(t);
    }
    let local = format_rfc3339(t + offset_minutes * 60_000);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.abs();
    format!(
        "{}{sign}{:02}:{:02}",
        local.trim_end_matches('Z'),
        off / 60,
        off % 60
    )
}

/// `getJobFromTemplate2`: the template's labels, annotations and spec, the scheduled
/// time annotation, and a controller reference to the CronJob.
pub fn job_from_template(cj: &Value, scheduled: Millis, offset_minutes: i64) -> Value {
    let template = cj.at("/spec/jobTemplate").cloned().unwrap_or(json!({}));
    let mut annotations = template
        .at("/metadata/annotations")
        .filter(|a| a.is_object())
        .cloned()
        .unwrap_or(json!({}));
    annotations[SCHEDULED_TIMESTAMP] = json!(rfc3339_at(scheduled, offset_minutes));
    let mut meta = json!({
        "name": job_name(meta_str(cj, "name"), scheduled),
        "namespace": meta_str(cj, "namespace"),
        "annotations": annotations,
        "ownerReferences": [controller_ref_to(cj)],
    });
    if let Some(l) = template.at("/metadata/labels").filter(|l| l.is_object()) {
        meta["labels"] = l.clone();
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// Creates the Job; `SuccessfulCreate`, or `FailedCreate` with the server's message.
pub fn create_job(w: &mut World, cj: &Value, job: Value) -> Result<Rc<Value>, String> {
    match w.create_as(job, Some(&crate::engine::apiserver::CONTROLLER_MANAGER)) {
        Ok(created) => {
            let name = meta_str(&created, "name").to_string();
            recorder(cj).normal(w, "SuccessfulCreate", &format!("Created job {name}"));
            Ok(created)
        }
        Err(e) => {
            let msg = e.status_message("batch");
            recorder(cj).warning(w, "FailedCreate", &format!("Error creating job: {msg}"));
            Err(msg)
        }
    }
}

/// `deleteJob`: background deletion; `SuccessfulDelete` or `FailedDelete`.
pub fn delete_job(w: &mut World, cj: &Value, name: &str) -> bool {
    let namespace = meta_str(cj, "namespace").to_string();
    match w.delete("Job", &namespace, name, DeleteOptions::default()) {
        Ok(_) => {
            recorder(cj).normal(w, "SuccessfulDelete", &format!("Deleted job {name}"));
            true
        }
        Err(e) => {
            let msg = e.status_message("batch");
            recorder(cj).warning(w, "FailedDelete", &format!("Deleted job: {msg}"));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339_at;

    #[test]
    fn scheduled_times_are_written_in_the_cronjobs_zone() {
        assert_eq!(rfc3339_at(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_at(0, 480), "1970-01-01T08:00:00+08:00");
        assert_eq!(rfc3339_at(0, -330), "1969-12-31T18:30:00-05:30");
    }
}
