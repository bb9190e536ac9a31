//! The ReplicaSet's writes: create a pod from the template, delete a pod — each with its
//! Kubernetes Event on the ReplicaSet (through the shared `controllers::pod_control`).

use crate::engine::apiserver::meta_str;
use crate::engine::controllers::pod_control::{self as shared, pod_from_template};
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::world::World;
use serde_json::Value;

/// Events and why-log lines about the ReplicaSet `rs`.
pub fn recorder(rs: &Value) -> Recorder<'_> {
    Recorder::new(Controller::ReplicaSet.name(), "ReplicaSet", rs)
}

/// Creates one pod from the template; records `SuccessfulCreate` or `FailedCreate`.
/// Returns the pod's name or the API server's message.
pub fn create_pod(w: &mut World, rs: &Value) -> Result<String, String> {
    shared::create_pod(w, recorder(rs), pod_from_template(rs))
}

/// Deletes one pod; records `SuccessfulDelete` or `FailedDelete`.
pub fn delete_pod(w: &mut World, rs: &Value, name: &str) -> Result<(), String> {
    shared::delete_pod(w, recorder(rs), meta_str(rs, "namespace"), name)
}
