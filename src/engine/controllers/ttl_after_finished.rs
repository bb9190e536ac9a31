//! The TTL-after-finished controller (`ttlafterfinished_controller.go`): a finished Job
//! with `ttlSecondsAfterFinished` is deleted (foreground, so its pods go first) once that
//! many seconds have passed since it finished.

use super::job::true_condition;
use super::Action;
use crate::engine::apiserver::{meta_str, DeleteOptions, Propagation};
use crate::engine::clock::Millis;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::time::parse_rfc3339;
use crate::engine::world::World;
use serde_json::Value;

/// `getFinishAndExpireTime`: when the Job finished (its Complete or Failed condition
/// turned True) and when it expires; `None` unless it finished with a TTL.
pub fn expires_at(job: &Value) -> Option<Millis> {
    let ttl = job.at("/spec/ttlSecondsAfterFinished")?.as_i64()?;
    if job.at("/metadata/deletionTimestamp").is_some() {
        return None;
    }
    let finished = true_condition(job, "Complete").or_else(|| true_condition(job, "Failed"))?;
    let at = parse_rfc3339(finished["lastTransitionTime"].as_str()?)?;
    Some(at + ttl * 1000)
}

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(job) = w.get("Job", namespace, name).cloned() else {
        return Action::skipped();
    };
    let Some(at) = expires_at(&job) else {
        return Action::await_change();
    };
    if at > w.now {
        return Action::requeue(at - w.now);
    }
    let ttl = job
        .at("/spec/ttlSecondsAfterFinished")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    Recorder::new("ttl-after-finished-controller", "Job", &job).why(
        w,
        format!("{} finished more than ttlSecondsAfterFinished ({ttl}s) ago: it is deleted, its pods first", meta_str(&job, "name")),
    );
    let opts = DeleteOptions {
        propagation: Propagation::Foreground,
        ..DeleteOptions::default()
    };
    Action::retry_if(w.delete("Job", namespace, name, opts).is_err())
}
