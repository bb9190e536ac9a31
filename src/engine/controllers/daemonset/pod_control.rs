//! The DaemonSet's writes (`daemon_controller.go` `syncNodes`): create a daemon pod pinned
//! to its node, delete a pod — each with its Kubernetes Event on the DaemonSet.

use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// Events and why-log lines about the DaemonSet `ds`.
pub fn recorder(ds: &Value) -> Recorder<'_> {
    Recorder::new(Controller::DaemonSet.name(), "DaemonSet", ds)
}

/// Tolerations the controller adds to every daemon pod (no tolerationSeconds).
const DAEMON_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

/// The template's pod spec with the daemon tolerations added and, given a node, a node
/// affinity that pins the pod there (the scheduler then only confirms it fits).
pub fn daemon_pod_spec(template: &Value, node: Option<&str>) -> Value {
    let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
    let mut tolerations: Vec<Value> = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for (key, effect) in DAEMON_TOLERATIONS {
        if !tolerations
            .iter()
            .any(|t| t["key"] == *key && t["effect"] == *effect)
        {
            tolerations.push(json!({"effect": effect, "key": key, "operator": "Exists"}));
        }
    }
    spec["tolerations"] = json!(tolerations);
    if let Some(node) = node {
        spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]}}});
    }
    spec
}

/// Creates the daemon pod for `node` at revision `hash`; records `SuccessfulCreate` or
/// `FailedCreate`. False when the API server refused it.
pub fn create_pod(
    w: &mut World,
    ds: &Value,
    template: &Value,
    hash: &str,
    generation: i64,
    node: &str,
) -> bool {
    let name = meta_str(ds, "name");
    let mut labels = template
        .at("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(hash);
    labels["pod-template-generation"] = json!(generation.to_string());
    let mut meta = json!({
        "generateName": format!("{name}-"),
        "namespace": meta_str(ds, "namespace"),
        "labels": labels,
        "ownerReferences": [controller_ref_to(ds)],
    });
    if let Some(a) = template.at("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": daemon_pod_spec(template, Some(node))});
    match w.create(pod) {
        Ok(p) => {
            let message = format!("Created pod: {}", meta_str(&p, "name"));
            recorder(ds).normal(w, "SuccessfulCreate", &message);
            true
        }
        Err(e) => {
            let message = format!("Error creating: {}", e.status_message(""));
            recorder(ds).warning(w, "FailedCreate", &message);
            false
        }
    }
}

/// Deletes pod `name`; records `SuccessfulDelete` when it went.
pub fn delete_pod(w: &mut World, ds: &Value, name: &str) {
    if w.delete(
        "Pod",
        meta_str(ds, "namespace"),
        name,
        DeleteOptions::default(),
    )
    .is_ok()
    {
        recorder(ds).normal(w, "SuccessfulDelete", &format!("Deleted pod: {name}"));
    }
}
