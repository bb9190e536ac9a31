//! CronJob controller wiring (`cronjob_controllerv2.go` `sync` / `syncCronJob`): trim the
//! finished Jobs beyond the history limits, bring the active list up to date with the
//! Jobs, then, at each schedule time, start a Job (or skip, or replace the running one, as
//! the concurrency policy says) and ask to be woken at the next schedule time.

pub mod control;
pub mod job_control;
pub mod schedule;

use super::job::true_condition;
use super::{controller_ref, Action};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::json::At;
use crate::engine::time::{format_rfc1123z, format_rfc3339, parse_rfc3339};
use crate::engine::world::World;
use crate::json;
use control::Missed;
use serde_json::Value;
use std::rc::Rc;

/// `getJobsToBeReconciled`: Jobs whose controller reference names this CronJob.
fn jobs_of(w: &World, cj: &Value) -> Vec<Rc<Value>> {
    let name = meta_str(cj, "name");
    w.store
        .list("Job", Some(meta_str(cj, "namespace")))
        .filter(|j| controller_ref(j).is_some_and(|r| r["kind"] == "CronJob" && r["name"] == name))
        .cloned()
        .collect()
}

/// The status the sync builds up before writing it.
struct Status {
    active: Vec<Value>,
    last_schedule: Option<Millis>,
    last_successful: Option<Millis>,
}

impl Status {
    fn of(cj: &Value) -> Status {
        let time = |p: &str| cj.at(p).and_then(Value::as_str).and_then(parse_rfc3339);
        Status {
            active: cj
                .at("/status/active")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            last_schedule: time("/status/lastScheduleTime"),
            last_successful: time("/status/lastSuccessfulTime"),
        }
    }

    fn has_uid(&self, uid: &str) -> bool {
        self.active.iter().any(|r| r["uid"] == uid)
    }

    fn to_json(&self) -> Value {
        let mut s = json!({});
        if !self.active.is_empty() {
            s["active"] = json!(self.active);
        }
        if let Some(t) = self.last_schedule {
            s["lastScheduleTime"] = json!(format_rfc3339(t));
        }
        if let Some(t) = self.last_successful {
            s["lastSuccessfulTime"] = json!(format_rfc3339(t));
        }
        s
    }
}

/// `getRef`: the ObjectReference the active list holds.
fn job_ref(job: &Value) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "name": meta_str(job, "name"),
        "namespace": meta_str(job, "namespace"),
        "resourceVersion": meta_str(job, "resourceVersion"), "uid": meta_str(job, "uid")})
}

/// `cleanupFinishedJobs`: the oldest Complete and Failed Jobs beyond the limits go.
fn cleanup_finished(w: &mut World, cj: &Value, jobs: &[Rc<Value>], st: &mut Status) {
    for (kind, limit_path) in [
        ("Complete", "/spec/successfulJobsHistoryLimit"),
        ("Failed", "/spec/failedJobsHistoryLimit"),
    ] {
        let Some(limit) = cj.at(limit_path).and_then(Value::as_i64) else {
            continue;
        };
        let finished: Vec<(String, Option<Millis>)> = jobs
            .iter()
            .filter(|j| true_condition(j, kind).is_some())
            .map(|j| {
                let start = j
                    .at("/status/startTime")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339);
                (meta_str(j, "name").to_string(), start)
            })
            .collect();
        let doomed = control::oldest_beyond(finished, limit);
        if !doomed.is_empty() {
            job_control::recorder(cj).why(
                w,
                format!(
                    "{} keeps {limit} {} job(s) ({}): deleting the oldest, {}",
                    meta_str(cj, "name"),
                    if kind == "Complete" {
                        "successful"
                    } else {
                        "failed"
                    },
                    &limit_path[6..],
                    doomed.join(", ")
                ),
            );
        }
        for name in doomed {
            if job_control::delete_job(w, cj, &name) {
                if let Some(uid) = jobs
                    .iter()
                    .find(|j| meta_str(j, "name") == name)
                    .map(|j| meta_str(j, "uid").to_string())
                {
                    st.active.retain(|r| r["uid"] != uid.as_str());
                }
            }
        }
    }
}

/// The first part of `syncCronJob`: finished Jobs leave the active list, Jobs it does not
/// know are reported, and Jobs that are gone are dropped from it.
fn reconcile_active(w: &mut World, cj: &Value, jobs: &[Rc<Value>], st: &mut Status) {
    let rec = job_control::recorder(cj);
    for j in jobs {
        let (uid, name) = (meta_str(j, "uid"), meta_str(j, "name"));
        let finished = super::job::finished(j);
        let found = st.has_uid(uid);
        if !found && !finished {
            rec.warning(
                w,
                "UnexpectedJob",
                &format!("Saw a job that the controller did not create or forgot: {name}"),
            );
        } else if finished {
            if found {
                let condition = if true_condition(j, "Complete").is_some() {
                    "Complete"
                } else {
                    "Failed"
                };
                st.active.retain(|r| r["uid"] != uid);
                rec.normal(
                    w,
                    "SawCompletedJob",
                    &format!("Saw completed job: {name}, condition: {condition}"),
                );
            }
            if true_condition(j, "Complete").is_some() {
                let done = j
                    .at("/status/completionTime")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339);
                if let Some(t) = done {
                    st.last_successful = Some(st.last_successful.map_or(t, |l| l.max(t)));
                }
            }
        }
    }
    let children: Vec<&str> = jobs.iter().map(|j| meta_str(j, "uid")).collect();
    let missing: Vec<Value> = st
        .active
        .iter()
        .filter(|r| !children.contains(&r["uid"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    for r in missing {
        let name = r["name"].as_str().unwrap_or("");
        if w.get("Job", meta_str(cj, "namespace"), name).is_none() {
            rec.normal(w, "MissingJob", &format!("Active job went missing: {name}"));
            st.active.retain(|a| a["uid"] != r["uid"]);
        }
    }
}

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(cj) = w.get("CronJob", namespace, name).cloned() else {
        return Action::skipped();
    };
    let jobs = jobs_of(w, &cj);
    let mut st = Status::of(&cj);
    cleanup_finished(w, &cj, &jobs, &mut st);
    reconcile_active(w, &cj, &jobs, &mut st);
    let action = if cj.at("/metadata/deletionTimestamp").is_some() {
        Action::skipped()
    } else {
        schedule_jobs(w, &cj, &mut st)
    };
    w.update_status("CronJob", namespace, name, st.to_json());
    action
}

/// Why a CronJob has no schedule to follow: each is an Event (or a why line) when the
/// controller syncs it, and no next run on the time bar.
enum Unscheduled {
    UnknownTimeZone(String),
    Suspended,
    Unparseable(String, String),
}

/// The CronJob's schedule in its time zone, unless it is suspended or cannot be read.
fn schedule_of(cj: &Value) -> Result<schedule::Schedule, Unscheduled> {
    let offset = match cj.at("/spec/timeZone").and_then(Value::as_str) {
        None => 0,
        Some(zone) => schedule::zone_offset(zone)
            .ok_or_else(|| Unscheduled::UnknownTimeZone(zone.to_string()))?,
    };
    if cj.at("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return Err(Unscheduled::Suspended);
    }
    let text = cj
        .at("/spec/schedule")
        .and_then(Value::as_str)
        .unwrap_or("");
    schedule::parse(text, offset).map_err(|e| Unscheduled::Unparseable(text.to_string(), e))
}

fn creation_time(w: &World, cj: &Value) -> Millis {
    cj.at("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .unwrap_or(w.now)
}

/// The schedule time of the CronJob's next run (its Job is created
/// `NEXT_SCHEDULE_DELTA_MS` later, when the controller's requeue fires), or `None` while
/// it is suspended, being deleted or has no schedule to follow.
pub fn next_run(w: &World, cj: &Value) -> Option<Millis> {
    if cj.at("/metadata/deletionTimestamp").is_some() {
        return None;
    }
    let sched = schedule_of(cj).ok()?;
    let last = Status::of(cj).last_schedule;
    control::next_delay(&sched, creation_time(w, cj), last, w.now)
        .map(|delay| w.now + delay - control::NEXT_SCHEDULE_DELTA_MS)
}

/// The scheduling part of `syncCronJob`.
fn schedule_jobs(w: &mut World, cj: &Value, st: &mut Status) -> Action {
    let rec = job_control::recorder(cj);
    let name = meta_str(cj, "name");
    let text = cj
        .at("/spec/schedule")
        .and_then(Value::as_str)
        .unwrap_or("");
    let sched = match schedule_of(cj) {
        Ok(s) => s,
        Err(Unscheduled::UnknownTimeZone(zone)) => {
            rec.warning(w, "UnknownTimeZone", &format!(
                "kubeplay: time zone {zone:?} is not in the playground's table (UTC, Etc/GMT±N and zones without daylight saving time such as Asia/Taipei); the CronJob does not run"
            ));
            return Action::await_change();
        }
        Err(Unscheduled::Suspended) => {
            rec.why(
                w,
                format!("{name} is suspended: no Job is started until spec.suspend is false"),
            );
            return Action::await_change();
        }
        Err(Unscheduled::Unparseable(text, e)) => {
            rec.warning(
                w,
                "UnparseableSchedule",
                &format!("unparseable schedule: {text:?} : {e}"),
            );
            return Action::await_change();
        }
    };
    // Known once the schedule is: `schedule_of` refuses an unknown zone.
    let offset = cj
        .at("/spec/timeZone")
        .and_then(Value::as_str)
        .and_then(schedule::zone_offset)
        .unwrap_or(0);
    let created = creation_time(w, cj);
    let deadline = cj
        .at("/spec/startingDeadlineSeconds")
        .and_then(Value::as_i64);
    let now = w.now;
    let next = |last: Option<Millis>| {
        control::next_delay(&sched, created, last, now)
            .map(Action::requeue)
            .unwrap_or_else(Action::await_change)
    };
    let scheduled = match control::most_recent(
        &sched,
        created,
        st.last_schedule,
        deadline,
        true,
        now,
    ) {
        Err(e) => {
            rec.warning(
                w,
                "InvalidSchedule",
                &format!("invalid schedule: {text} : {e}"),
            );
            return Action::await_change();
        }
        Ok((_, None, _)) => return next(st.last_schedule),
        Ok((_, Some(t), missed)) => {
            if missed == Missed::Many {
                rec.warning(w, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
            }
            t
        }
    };
    if deadline.is_some_and(|d| scheduled + d * 1000 < now) {
        rec.warning(
            w,
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                format_rfc1123z(scheduled)
            ),
        );
        return next(st.last_schedule);
    }
    let job_name = control::job_name(name, scheduled);
    if st.active.iter().any(|r| r["name"] == job_name.as_str())
        || st.last_schedule == Some(scheduled)
    {
        return next(st.last_schedule);
    }
    let policy = cj
        .at("/spec/concurrencyPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Allow");
    if policy == "Forbid" && !st.active.is_empty() {
        rec.normal(
            w,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
        );
        return next(st.last_schedule);
    }
    if policy == "Replace" {
        for r in st.active.clone() {
            let running = r["name"].as_str().unwrap_or("").to_string();
            rec.why(w, format!("{name} has concurrencyPolicy Replace: {running} is still running, so it is deleted before {job_name} starts"));
            if !job_control::delete_job(w, cj, &running) {
                return Action::retry_if(true);
            }
            st.active.retain(|a| a["uid"] != r["uid"]);
        }
    }
    let created_job =
        match job_control::create_job(w, cj, job_control::job_from_template(cj, scheduled, offset))
        {
            Ok(job) => job,
            Err(_) => {
                let existing = w.get("Job", meta_str(cj, "namespace"), &job_name).cloned();
                match existing {
                    Some(j)
                        if controller_ref(&j).and_then(|r| r["uid"].as_str())
                            == Some(meta_str(cj, "uid"))
                            && !st.has_uid(meta_str(&j, "uid")) =>
                    {
                        j
                    }
                    Some(_) => return Action::await_change(),
                    None => return Action::retry_if(true),
                }
            }
        };
    rec.why(
        w,
        format!(
            "{name}: the schedule {text:?} came due at {}; started Job {job_name}",
            format_rfc3339(scheduled)
        ),
    );
    st.active.push(job_ref(&created_job));
    st.last_schedule = Some(scheduled);
    next(st.last_schedule)
}
