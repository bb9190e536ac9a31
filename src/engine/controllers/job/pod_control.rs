//! The Job's writes: pods from its template (with the job-tracking finalizer and, for
//! Indexed Jobs, the completion index), pod deletions, finalizer removal — with their
//! Events on the Job.

use crate::engine::apiserver::meta_str;
use crate::engine::controllers::pod_control::{self as shared, pod_from_template};
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// The finalizer that keeps a Job's finished pod until the controller has counted it.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// Annotation (and label) with an Indexed Job pod's completion index.
pub const INDEX_KEY: &str = "batch.kubernetes.io/job-completion-index";

/// Events and why-log lines about the Job `job`.
pub fn recorder(job: &Value) -> Recorder<'_> {
    Recorder::new(Controller::Job.name(), "Job", job)
}

/// The pod `manageJob` creates: the template, the tracking finalizer, and for an index
/// its annotation, label, hostname, `JOB_COMPLETION_INDEX` and `<job>-<index>-` name.
pub fn job_pod(job: &Value, index: Option<i64>) -> Value {
    let mut pod = pod_from_template(job);
    let finalizers = pod["metadata"]
        .as_object_mut()
        .map(|m| m.entry("finalizers").or_insert_with(|| json!([])));
    if let Some(list) = finalizers.and_then(Value::as_array_mut) {
        if !list.iter().any(|f| f == TRACKING_FINALIZER) {
            list.push(json!(TRACKING_FINALIZER));
        }
    }
    let Some(i) = index else {
        return pod;
    };
    let name = meta_str(job, "name").to_string();
    pod["metadata"]["generateName"] = json!(format!("{name}-{i}-"));
    let meta = &mut pod["metadata"];
    for field in ["annotations", "labels"] {
        if !meta[field].is_object() {
            meta[field] = json!({});
        }
        meta[field][INDEX_KEY] = json!(i.to_string());
    }
    pod["spec"]["hostname"] = json!(format!("{name}-{i}"));
    for list in ["initContainers", "containers"] {
        let Some(cs) = pod
            .pointer_mut(&format!("/spec/{list}"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for c in cs.iter_mut() {
            let env_var = json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
                "fieldPath": format!("metadata.labels['{INDEX_KEY}']")}}});
            match c.get_mut("env").and_then(Value::as_array_mut) {
                Some(env) if env.iter().any(|e| e["name"] == "JOB_COMPLETION_INDEX") => {}
                Some(env) => env.push(env_var),
                None => c["env"] = json!([env_var]),
            }
        }
    }
    pod
}

/// Creates one pod; records `SuccessfulCreate` or `FailedCreate`.
pub fn create_pod(w: &mut World, job: &Value, index: Option<i64>) -> Result<String, String> {
    shared::create_pod(w, recorder(job), job_pod(job, index))
}

/// Deletes one pod; records `SuccessfulDelete` or `FailedDelete`.
pub fn delete_pod(w: &mut World, job: &Value, name: &str) -> Result<(), String> {
    shared::delete_pod(w, recorder(job), meta_str(job, "namespace"), name)
}

/// Removes the tracking finalizer from a pod the Job has counted (a pod being deleted
/// then goes away, as the API server finishes its deletion).
pub fn release_pod(w: &mut World, namespace: &str, name: &str) {
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        return;
    };
    let has = pod
        .at("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x == TRACKING_FINALIZER));
    if has {
        w.remove_finalizer("Pod", namespace, name, TRACKING_FINALIZER);
    }
}
