//! The StatefulSet's writes (`stateful_pod_control.go`): create a pod and its claims,
//! delete a pod — each with its Kubernetes Event.

use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// Events and why-log lines about the StatefulSet `set`.
pub fn recorder(set: &Value) -> Recorder<'_> {
    Recorder::new(Controller::StatefulSet.name(), "StatefulSet", set)
}

/// `<template>-<set>-<ordinal>`
pub fn claim_name(template: &str, set: &str, ordinal: i64) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// Creates the PVCs of `ordinal` that are missing.
fn create_claims(w: &mut World, set: &Value, ordinal: i64, pod_name: &str) -> Result<(), String> {
    let namespace = meta_str(set, "namespace").to_string();
    let set_name = meta_str(set, "name").to_string();
    let templates = set
        .at("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let retain_on_delete = set
        .at("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted")
        .and_then(Value::as_str)
        != Some("Delete");
    for t in templates {
        let tname = meta_str(&t, "name").to_string();
        let name = claim_name(&tname, &set_name, ordinal);
        if w.get("PersistentVolumeClaim", &namespace, &name).is_some() {
            continue;
        }
        let mut labels = t.at("/metadata/labels").cloned().unwrap_or(json!({}));
        if let Some(ml) = set
            .at("/spec/selector/matchLabels")
            .and_then(Value::as_object)
        {
            for (k, v) in ml {
                labels[k] = v.clone();
            }
        }
        let mut claim = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": t.get("spec").cloned().unwrap_or(json!({})),
        });
        if !retain_on_delete {
            let mut r = controller_ref_to(set);
            r["controller"] = json!(true);
            claim["metadata"]["ownerReferences"] = json!([r]);
        }
        match w.create(claim) {
            Ok(_) => recorder(set).normal(
                w,
                "SuccessfulCreate",
                &format!("create Claim {name} Pod {pod_name} in StatefulSet {set_name} success"),
            ),
            Err(e) => {
                let msg = e.status_message("");
                recorder(set).warning(w, "FailedCreate", &format!("create Claim {name} for Pod {pod_name} in StatefulSet {set_name} failed error: {msg}"));
                return Err(msg);
            }
        }
    }
    Ok(())
}

/// The pod for `ordinal` from `template` (the revision's), with its stable identity.
pub fn new_pod(set: &Value, template: &Value, revision: &str, ordinal: i64) -> Value {
    let set_name = meta_str(set, "name");
    let name = format!("{set_name}-{ordinal}");
    let mut labels = template
        .at("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(revision);
    labels["statefulset.kubernetes.io/pod-name"] = json!(name);
    labels["apps.kubernetes.io/pod-index"] = json!(ordinal.to_string());
    let mut meta = json!({
        "name": name,
        "generateName": format!("{set_name}-"),
        "namespace": meta_str(set, "namespace"),
        "labels": labels,
        "ownerReferences": [controller_ref_to(set)],
    });
    if let Some(a) = template.at("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
    spec["hostname"] = json!(name);
    if let Some(svc) = set
        .at("/spec/serviceName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        spec["subdomain"] = json!(svc);
    }
    let claims = set
        .at("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !claims.is_empty() {
        let mut volumes: Vec<Value> = spec["volumes"].as_array().cloned().unwrap_or_default();
        for t in claims {
            let tname = meta_str(&t, "name").to_string();
            volumes.retain(|v| v["name"] != tname.as_str());
            volumes.push(json!({"name": tname, "persistentVolumeClaim": {"claimName": claim_name(&tname, set_name, ordinal)}}));
        }
        spec["volumes"] = json!(volumes);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

/// Claims first, then the pod; records `SuccessfulCreate` / `FailedCreate`.
pub fn create_pod(
    w: &mut World,
    set: &Value,
    template: &Value,
    revision: &str,
    ordinal: i64,
) -> Result<(), String> {
    let set_name = meta_str(set, "name").to_string();
    let pod_name = format!("{set_name}-{ordinal}");
    create_claims(w, set, ordinal, &pod_name)?;
    match w.create(new_pod(set, template, revision, ordinal)) {
        Ok(_) => {
            recorder(set).normal(
                w,
                "SuccessfulCreate",
                &format!("create Pod {pod_name} in StatefulSet {set_name} successful"),
            );
            Ok(())
        }
        Err(e) => {
            let msg = e.status_message("");
            recorder(set).warning(
                w,
                "FailedCreate",
                &format!("create Pod {pod_name} in StatefulSet {set_name} failed error: {msg}"),
            );
            Err(msg)
        }
    }
}

/// Deletes a pod; for condemned pods under `whenScaled: Delete`, hands its claims to the
/// pod first so the garbage collector removes them with it.
pub fn delete_pod(w: &mut World, set: &Value, name: &str, condemned: bool) {
    let namespace = meta_str(set, "namespace").to_string();
    let set_name = meta_str(set, "name").to_string();
    if condemned
        && set
            .at("/spec/persistentVolumeClaimRetentionPolicy/whenScaled")
            .and_then(Value::as_str)
            == Some("Delete")
    {
        if let Some(pod) = w.get("Pod", &namespace, name).cloned() {
            let claims: Vec<String> = crate::engine::volumes::claim_names(&pod)
                .map(String::from)
                .collect();
            for c in claims {
                if let Some(claim) = w.get("PersistentVolumeClaim", &namespace, &c).cloned() {
                    let mut claim = (*claim).clone();
                    let mut r = controller_ref_to(&pod);
                    r["controller"] = json!(false);
                    claim["metadata"]["ownerReferences"] = json!([r]);
                    w.write("PersistentVolumeClaim", claim);
                }
            }
        }
    }
    if w.delete("Pod", &namespace, name, DeleteOptions::default())
        .is_ok()
    {
        recorder(set).normal(
            w,
            "SuccessfulDelete",
            &format!("delete Pod {name} in StatefulSet {set_name} successful"),
        );
    }
}
