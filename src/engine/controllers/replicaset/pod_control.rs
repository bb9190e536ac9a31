//! The ReplicaSet's writes (`controller_utils.go` `RealPodControl`): create a pod from the
//! template, delete a pod — each with its Kubernetes Event on the ReplicaSet.

use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// Events and why-log lines about the ReplicaSet `rs`.
pub fn recorder(rs: &Value) -> Recorder<'_> {
    Recorder::new(Controller::ReplicaSet.name(), "ReplicaSet", rs)
}

/// `GetPodFromTemplate`: the template's labels, annotations and spec, `generateName:
/// <rs>-`, and a controller reference to the ReplicaSet.
pub fn new_pod(rs: &Value) -> Value {
    let template = rs.at("/spec/template").cloned().unwrap_or(json!({}));
    let mut meta = json!({
        "generateName": format!("{}-", meta_str(rs, "name")),
        "namespace": meta_str(rs, "namespace"),
        "ownerReferences": [controller_ref_to(rs)],
    });
    for field in ["labels", "annotations", "finalizers"] {
        if let Some(v) = template
            .at(&format!("/metadata/{field}"))
            .filter(|v| !v.is_null())
        {
            meta[field] = v.clone();
        }
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// Creates one pod; records `SuccessfulCreate` or `FailedCreate`. Returns the pod's name
/// or the API server's message.
pub fn create_pod(w: &mut World, rs: &Value) -> Result<String, String> {
    match w.create(new_pod(rs)) {
        Ok(pod) => {
            let name = meta_str(&pod, "name").to_string();
            recorder(rs).normal(w, "SuccessfulCreate", &format!("Created pod: {name}"));
            Ok(name)
        }
        Err(e) => {
            let msg = e.status_message("");
            recorder(rs).warning(w, "FailedCreate", &format!("Error creating: {msg}"));
            Err(msg)
        }
    }
}

/// Deletes one pod; records `SuccessfulDelete` or `FailedDelete`.
pub fn delete_pod(w: &mut World, rs: &Value, name: &str) -> Result<(), String> {
    let namespace = meta_str(rs, "namespace").to_string();
    match w.delete("Pod", &namespace, name, DeleteOptions::default()) {
        Ok(_) => {
            recorder(rs).normal(w, "SuccessfulDelete", &format!("Deleted pod: {name}"));
            Ok(())
        }
        Err(e) => {
            let msg = e.status_message("");
            recorder(rs).warning(w, "FailedDelete", &format!("Error deleting: {msg}"));
            Err(msg)
        }
    }
}
