//! Job controller wiring (`job_controller.go` `syncJob`): claim the pods, count the
//! finished ones the tracking finalizer still marks as uncounted, decide whether the Job
//! has failed (back-off limit, deadline) or succeeded, otherwise create or delete pods
//! (`manageJob`), then write the status and release the counted pods' finalizers.

pub mod control;
pub mod pod_control;
pub mod pod_failure_policy;

use super::ownership::{claim, owned_pod_refs};
use super::Action;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::json::At;
use crate::engine::time::{format_rfc3339, parse_rfc3339};
use crate::engine::world::World;
use crate::json;
use control::{JobSpec, Manage};
use pod_control::{INDEX_KEY, TRACKING_FINALIZER};
use serde_json::Value;

/// What the sync needs of one pod of the Job.
#[derive(Debug, Clone)]
struct JobPod {
    name: String,
    active: bool,
    ready: bool,
    /// Being deleted and not yet terminal (`CountTerminatingPods`).
    terminating: bool,
    succeeded: bool,
    /// `isPodFailed`: Failed, or (unless only failed pods are replaced) deleted before
    /// it succeeded.
    failed: bool,
    /// Still carries the tracking finalizer: finished pods with it are not counted yet.
    uncounted: bool,
    finished_at: Millis,
    index: Option<i64>,
    restarts: i64,
    /// For a failed pod: what the Job's `podFailurePolicy` makes of it.
    verdict: pod_failure_policy::Verdict,
}

fn spec_of(job: &Value) -> JobSpec {
    let int = |p: &str| job.at(p).and_then(Value::as_i64);
    JobSpec {
        completions: int("/spec/completions"),
        parallelism: int("/spec/parallelism").unwrap_or(1),
        backoff_limit: int("/spec/backoffLimit").unwrap_or(6),
        active_deadline_seconds: int("/spec/activeDeadlineSeconds"),
        suspend: job.at("/spec/suspend").and_then(Value::as_bool) == Some(true),
        indexed: job.at("/spec/completionMode").and_then(Value::as_str) == Some("Indexed"),
        only_replace_failed: job.at("/spec/podReplacementPolicy").and_then(Value::as_str)
            == Some("Failed"),
    }
}

/// `getFinishedTime`: the latest container finish, else when Ready turned False, else
/// the deletion or creation time.
fn finished_at(pod: &Value) -> Millis {
    let time = |p: &str| pod.at(p).and_then(Value::as_str).and_then(parse_rfc3339);
    let containers = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            s.at("/state/terminated/finishedAt")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
        })
        .max();
    let not_ready = pod
        .at("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["type"] == "Ready" && c["status"] == "False")
        })
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(parse_rfc3339);
    containers
        .or(not_ready)
        .or_else(|| time("/metadata/deletionTimestamp"))
        .or_else(|| time("/metadata/creationTimestamp"))
        .unwrap_or(0)
}

fn pods_of(w: &World, job: &Value, spec: &JobSpec) -> Vec<JobPod> {
    owned_pod_refs(w, meta_str(job, "uid"))
        .map(|p| {
            let o = p.object();
            let succeeded = p.facts.finished && !p.facts.failed;
            JobPod {
                name: p.name.to_string(),
                active: p.facts.active(),
                ready: p.facts.ready,
                terminating: p.facts.deleting && !p.facts.finished,
                succeeded,
                failed: p.facts.failed
                    || (!spec.only_replace_failed && p.facts.deleting && !succeeded),
                uncounted: o
                    .at("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .is_some_and(|f| f.iter().any(|x| x == TRACKING_FINALIZER)),
                finished_at: finished_at(o),
                index: o
                    .at("/metadata/annotations")
                    .and_then(|a| a.get(INDEX_KEY))
                    .and_then(Value::as_str)
                    .and_then(|i| i.parse().ok()),
                restarts: o
                    .at("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["restartCount"].as_i64())
                    .sum(),
                verdict: pod_failure_policy::verdict(job.at("/spec/podFailurePolicy"), o),
            }
        })
        .collect()
}

/// The Job's condition of `type` with status True.
pub fn true_condition<'a>(job: &'a Value, kind: &str) -> Option<&'a Value> {
    job.at("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind && c["status"] == "True")
}

/// `IsJobFinished`: Complete or Failed is True.
pub fn finished(job: &Value) -> bool {
    true_condition(job, "Complete").is_some() || true_condition(job, "Failed").is_some()
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"lastProbeTime": now, "lastTransitionTime": now, "message": message,
        "reason": reason, "status": status, "type": kind})
}

/// `ensureJobConditionStatus`: set or change a condition; a False one is only written
/// over an existing one. Returns whether anything changed.
fn ensure_condition(conds: &mut Vec<Value>, c: Value) -> bool {
    match conds.iter_mut().find(|x| x["type"] == c["type"]) {
        Some(old) => {
            let same = ["status", "reason", "message"]
                .iter()
                .all(|f| old[*f] == c[*f]);
            if !same {
                *old = c;
            }
            !same
        }
        None if c["status"] != "False" => {
            conds.push(c);
            true
        }
        None => false,
    }
}

/// The end `syncJob` is heading for: the interim condition it writes first
/// (SuccessCriteriaMet or FailureTarget) and the final one (Complete or Failed).
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Success,
    Failure(String, String),
}

/// The Failed condition a FailureTarget turns into: same reason, same message.
fn failure_from(target: &Value) -> End {
    let text = |f: &str| target[f].as_str().unwrap_or("").to_string();
    End::Failure(text("reason"), text("message"))
}

/// The counts `syncJob` carries from the pods to the status, updated as it acts.
#[derive(Debug)]
struct Tally {
    /// Active pods left after this sync's deletions.
    active: Vec<JobPod>,
    /// Pods created by this sync.
    created: i64,
    ready: i64,
    terminating: i64,
    succeeded: i64,
    failed: i64,
    succeeded_indexes: Vec<i64>,
    /// Finished pods counted by this sync: their tracking finalizer goes.
    counted: Vec<String>,
    start: Option<Millis>,
    conditions: Vec<Value>,
    /// A create or delete failed: the key is retried with back-off.
    write_failed: bool,
}

impl Tally {
    fn active_count(&self) -> i64 {
        self.active.len() as i64 + self.created
    }

    /// Deletes the active pod `p` (it now terminates). `deleteJobPods` (scale-down,
    /// suspend) first drops the tracking finalizer, so the pod is never counted;
    /// `deleteActivePods` (the Job failed) keeps it, so the pod counts as failed.
    fn delete(&mut self, w: &mut World, job: &Value, p: &JobPod, counted: bool) {
        if !counted {
            pod_control::release_pod(w, meta_str(job, "namespace"), &p.name);
        }
        self.write_failed |= pod_control::delete_pod(w, job, &p.name).is_err();
        self.active.retain(|a| a.name != p.name);
        self.terminating += 1;
        if p.ready {
            self.ready -= 1;
        }
    }
}

fn parse_indexes(text: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
                    out.extend(a..=b);
                }
            }
            None => out.extend(part.parse::<i64>().ok()),
        }
    }
    out
}

/// Counts from the status plus the finished pods still marked uncounted.
fn tally(w: &World, job: &Value, spec: &JobSpec, pods: &[JobPod]) -> Tally {
    let status = job.get("status").cloned().unwrap_or(json!({}));
    let count = |f: &str| status[f].as_i64().unwrap_or(0);
    let active: Vec<JobPod> = pods.iter().filter(|p| p.active).cloned().collect();
    let new_succeeded: Vec<&JobPod> = pods.iter().filter(|p| p.uncounted && p.succeeded).collect();
    let new_failed: Vec<&JobPod> = pods.iter().filter(|p| p.uncounted && p.failed).collect();
    let counted_failures = new_failed.iter().filter(|p| p.verdict.counts).count() as i64;
    let mut succeeded = count("succeeded") + new_succeeded.len() as i64;
    let mut succeeded_indexes = Vec::new();
    if spec.indexed {
        let completions = spec.completions.unwrap_or(0);
        succeeded_indexes = parse_indexes(status["completedIndexes"].as_str().unwrap_or(""));
        succeeded_indexes.extend(
            new_succeeded
                .iter()
                .filter_map(|p| p.index)
                .filter(|i| (0..completions).contains(i)),
        );
        crate::sort::sort(&mut succeeded_indexes);
        succeeded_indexes.dedup();
        succeeded = succeeded_indexes.len() as i64;
    }
    Tally {
        ready: active.iter().filter(|p| p.ready).count() as i64,
        active,
        created: 0,
        terminating: pods.iter().filter(|p| p.terminating).count() as i64,
        succeeded,
        failed: count("failed") + counted_failures,
        succeeded_indexes,
        counted: new_succeeded
            .iter()
            .chain(&new_failed)
            .map(|p| p.name.clone())
            .collect(),
        start: status["startTime"]
            .as_str()
            .and_then(parse_rfc3339)
            .or((!spec.suspend).then_some(w.now)),
        conditions: status["conditions"].as_array().cloned().unwrap_or_default(),
        write_failed: false,
    }
}

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(job) = w.get("Job", namespace, name).cloned() else {
        return Action::skipped();
    };
    if finished(&job) {
        return Action::await_change();
    }
    claim(w, &job);
    let spec = spec_of(&job);
    let pods = pods_of(w, &job, &spec);
    let mut t = tally(w, &job, &spec, &pods);
    let mut action = Action::await_change();
    let rec = pod_control::recorder(&job);

    // A previous sync's verdict stands; then failures are checked before success.
    let mut end = if true_condition(&job, "SuccessCriteriaMet").is_some() {
        Some(End::Success)
    } else {
        true_condition(&job, "FailureTarget").map(failure_from)
    };
    if end.is_none() {
        // `getFailJobMessage`: a failed pod matching a FailJob rule fails the Job.
        if let Some(message) = pods
            .iter()
            .filter(|p| p.failed)
            .find_map(|p| p.verdict.fail_job.clone())
        {
            rec.why(
                w,
                format!("{name}: {message}; the Job fails and its running pods are deleted"),
            );
            end = Some(End::Failure("PodFailurePolicy".into(), message));
        }
    }
    if end.is_none() {
        let on_failure = job
            .at("/spec/template/spec/restartPolicy")
            .and_then(Value::as_str)
            == Some("OnFailure");
        let restarts = on_failure.then(|| t.active.iter().map(|p| p.restarts).sum());
        match control::failure(&spec, t.failed, restarts, t.start, w.now) {
            Some(f) => {
                rec.why(
                    w,
                    format!("{name}: {}; its running pods are deleted", f.message()),
                );
                end = Some(End::Failure(f.reason().into(), f.message().into()));
            }
            None => {
                if let Some(after) = control::deadline_in(&spec, t.start, w.now) {
                    action = action.and(Action::requeue(after));
                }
            }
        }
    }
    match end {
        Some(End::Failure(..)) => {
            // When the Job fails, every pod not yet finished fails with it.
            for p in t.active.clone() {
                t.delete(w, &job, &p, true);
                if p.uncounted {
                    t.failed += 1;
                    t.counted.push(p.name.clone());
                }
            }
        }
        Some(End::Success) => {}
        None if job.at("/metadata/deletionTimestamp").is_some() => {}
        None => {
            action = action.and(manage(w, &job, &spec, &pods, &mut t));
            if control::complete(&spec, t.succeeded, t.active_count()) {
                end = Some(End::Success);
            } else {
                suspend_condition(w, &job, &spec, &mut t);
            }
        }
    }
    let failed_write = t.write_failed;
    write_status(w, &job, t, end)
        .and(action)
        .and(Action::retry_if(failed_write))
}

/// The Suspended condition and its Events; resuming restarts the active deadline.
fn suspend_condition(w: &mut World, job: &Value, spec: &JobSpec, t: &mut Tally) {
    let now = format_rfc3339(w.now);
    let (c, reason, message) = if spec.suspend {
        (
            condition("Suspended", "True", "JobSuspended", "Job suspended", &now),
            "Suspended",
            "Job suspended",
        )
    } else {
        (
            condition("Suspended", "False", "JobResumed", "Job resumed", &now),
            "Resumed",
            "Job resumed",
        )
    };
    if ensure_condition(&mut t.conditions, c) {
        pod_control::recorder(job).normal(w, reason, message);
        if !spec.suspend {
            t.start = Some(w.now);
        }
    }
}

/// `manageJob`: delete pods beyond what is wanted (all of them while suspended), or
/// create the missing ones once the failure back-off allows.
fn manage(w: &mut World, job: &Value, spec: &JobSpec, pods: &[JobPod], t: &mut Tally) -> Action {
    let name = meta_str(job, "name").to_string();
    let rec = pod_control::recorder(job);
    let have = t.active.len() as i64;
    if spec.suspend {
        if have > 0 {
            rec.why(
                w,
                format!("{name} is suspended: its {have} active pods are deleted"),
            );
        }
        for p in t.active.clone() {
            t.delete(w, job, &p, false);
        }
        return Action::await_change();
    }
    let succeeded_at: Vec<Millis> = pods
        .iter()
        .filter(|p| p.succeeded)
        .map(|p| p.finished_at)
        .collect();
    let failed_at: Vec<Millis> = pods
        .iter()
        .filter(|p| p.failed)
        .map(|p| p.finished_at)
        .collect();
    let (failures, last) = control::failures_since_success(&succeeded_at, &failed_at);
    let remaining = control::backoff_remaining(failures, last, w.now);
    match control::manage(spec, t.succeeded, have, t.terminating, remaining) {
        Manage::Steady => Action::await_change(),
        Manage::BackOff(after) => {
            rec.why(w, format!(
                "{name} had {failures} failed pod(s) since its last success: the next pod waits {}s (10s doubling per failure, at most 10m)",
                (after + 999) / 1000
            ));
            Action::requeue(after)
        }
        Manage::Delete(n) => {
            // `activePodsForRemoval`: pods that are not ready go first, then the newest.
            let mut victims = t.active.clone();
            crate::sort::sort_by_key(&mut victims, |p| p.ready);
            let want = have - n;
            rec.why(
                w,
                format!("{name} has {have} active pods but wants {want}: deleting {n}"),
            );
            for p in victims.into_iter().take(n as usize) {
                t.delete(w, job, &p, false);
            }
            Action::await_change()
        }
        Manage::Create(n) => {
            let indexes: Vec<Option<i64>> = if spec.indexed {
                let busy: Vec<i64> = t.active.iter().filter_map(|p| p.index).collect();
                control::first_pending_indexes(
                    n,
                    spec.completions.unwrap_or(0),
                    &t.succeeded_indexes,
                    &busy,
                )
                .into_iter()
                .map(Some)
                .collect()
            } else {
                (0..n).map(|_| None).collect()
            };
            let n = indexes.len() as i64;
            if n == 0 {
                return Action::await_change();
            }
            let want = have + n;
            rec.why(w, format!("{name} has {have} active pods but wants {want} (parallelism {}, {} succeeded): creating {n}", spec.parallelism, t.succeeded));
            let mut next = indexes.into_iter();
            for size in control::slow_start_batches(n) {
                let mut error = false;
                for index in next.by_ref().take(size as usize) {
                    match pod_control::create_pod(w, job, index) {
                        Ok(_) => t.created += 1,
                        Err(_) => error = true,
                    }
                }
                if error {
                    t.write_failed = true;
                    break;
                }
            }
            Action::await_change()
        }
    }
}

/// `trackJobStatusAndRemoveFinalizers` + `enactJobFinished`: release the counted pods,
/// write the counts, and the interim then final condition once no pod terminates.
fn write_status(w: &mut World, job: &Value, t: Tally, end: Option<End>) -> Action {
    let (namespace, name) = (meta_str(job, "namespace"), meta_str(job, "name"));
    for pod in &t.counted {
        pod_control::release_pod(w, namespace, pod);
    }
    let now = format_rfc3339(w.now);
    let mut conditions = t.conditions;
    let mut status = json!({
        "ready": t.ready,
        "terminating": t.terminating,
        "uncountedTerminatedPods": {},
    });
    let active = t.active.len() as i64 + t.created;
    for (field, n) in [
        ("active", active),
        ("succeeded", t.succeeded),
        ("failed", t.failed),
    ] {
        if n > 0 {
            status[field] = json!(n);
        }
    }
    if let Some(s) = t.start {
        status["startTime"] = json!(format_rfc3339(s));
    }
    let spec = spec_of(job);
    if spec.indexed && !t.succeeded_indexes.is_empty() {
        status["completedIndexes"] = json!(control::format_indexes(&t.succeeded_indexes));
    }
    let mut finished_now = None;
    if let Some(end) = &end {
        let (interim, last, reason, message) = match end {
            End::Success => (
                "SuccessCriteriaMet",
                "Complete",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            ),
            End::Failure(reason, message) => {
                ("FailureTarget", "Failed", reason.as_str(), message.as_str())
            }
        };
        if !conditions.iter().any(|c| c["type"] == interim) {
            conditions.push(condition(interim, "True", reason, message, &now));
        }
        if t.terminating == 0 {
            conditions.push(condition(last, "True", reason, message, &now));
            if last == "Complete" {
                status["completionTime"] = json!(now);
            }
            finished_now = Some((last, reason, message));
        }
    }
    if !conditions.is_empty() {
        status["conditions"] = json!(conditions);
    }
    let Some(stored) = w.update_status("Job", namespace, name, status) else {
        return Action::await_change();
    };
    let rec = pod_control::recorder(&stored);
    match finished_now {
        Some(("Complete", ..)) => {
            if spec.completions.is_some_and(|c| t.succeeded > c) {
                rec.warning(
                    w,
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached",
                );
            }
            rec.normal(w, "Completed", "Job completed");
            rec.why(
                w,
                format!("{name} is complete: {} pod(s) succeeded", t.succeeded),
            );
        }
        Some((_, reason, message)) => {
            rec.warning(w, reason, message);
        }
        None => {}
    }
    Action::await_change()
}
