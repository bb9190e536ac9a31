//! The pod writes the ReplicaSet and Job controllers share (`controller_utils.go`'s
//! `GetPodFromTemplate` and `RealPodControl`): a pod built from the owner's template,
//! created or deleted with the owner's `SuccessfulCreate` / `FailedCreate` /
//! `SuccessfulDelete` / `FailedDelete` Event.

use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// `GetPodFromTemplate`: the owner's `spec.template` labels, annotations, finalizers and
/// spec, `generateName: <owner>-`, and a controller reference to the owner.
pub fn pod_from_template(owner: &Value) -> Value {
    let template = owner.at("/spec/template").cloned().unwrap_or(json!({}));
    let mut meta = json!({
        "generateName": format!("{}-", meta_str(owner, "name")),
        "namespace": meta_str(owner, "namespace"),
        "ownerReferences": [controller_ref_to(owner)],
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

/// Creates `pod`; records `SuccessfulCreate` or `FailedCreate` through the owner's
/// recorder. Returns the pod's name or the API server's message.
pub fn create_pod(w: &mut World, owner: Recorder<'_>, pod: Value) -> Result<String, String> {
    match w.create(pod) {
        Ok(pod) => {
            let name = meta_str(&pod, "name").to_string();
            owner.normal(w, "SuccessfulCreate", &format!("Created pod: {name}"));
            Ok(name)
        }
        Err(e) => {
            let msg = e.status_message("");
            owner.warning(w, "FailedCreate", &format!("Error creating: {msg}"));
            Err(msg)
        }
    }
}

/// Deletes the owner's pod `name` in `namespace`; records `SuccessfulDelete` or
/// `FailedDelete` through the owner's recorder.
pub fn delete_pod(
    w: &mut World,
    owner: Recorder<'_>,
    namespace: &str,
    name: &str,
) -> Result<(), String> {
    match w.delete("Pod", namespace, name, DeleteOptions::default()) {
        Ok(_) => {
            owner.normal(w, "SuccessfulDelete", &format!("Deleted pod: {name}"));
            Ok(())
        }
        Err(e) => {
            let msg = e.status_message("");
            owner.warning(w, "FailedDelete", &format!("Error deleting: {msg}"));
            Err(msg)
        }
    }
}
