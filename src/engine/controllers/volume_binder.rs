//! Dynamic provisioning and binding: a claim of the default StorageClass gets a new
//! `pvc-<uid>` volume (reclaim policy Delete) and both become Bound.

use super::Controller;
use crate::engine::apiserver::meta_str;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) {
    let Some(claim) = w.get("PersistentVolumeClaim", namespace, name).cloned() else {
        return;
    };
    if claim.at("/status/phase").and_then(Value::as_str) == Some("Bound")
        || claim.at("/metadata/deletionTimestamp").is_some()
    {
        return;
    }
    let class = claim
        .at("/spec/storageClassName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(sc) = w.get("StorageClass", "", class).cloned() else {
        return;
    };
    let uid = meta_str(&claim, "uid").to_string();
    let pv_name = format!("pvc-{uid}");
    let storage = claim
        .at("/spec/resources/requests/storage")
        .cloned()
        .unwrap_or(json!("1Gi"));
    let modes = claim
        .at("/spec/accessModes")
        .cloned()
        .unwrap_or(json!(["ReadWriteOnce"]));
    let pv = json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": sc["provisioner"]}},
        "spec": {
            "accessModes": modes, "capacity": {"storage": storage},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": name, "namespace": namespace, "resourceVersion": meta_str(&claim, "resourceVersion"), "uid": uid},
            "hostPath": {"path": format!("/var/local-path-provisioner/{pv_name}_{namespace}_{name}"), "type": "DirectoryOrCreate"},
            "persistentVolumeReclaimPolicy": sc["reclaimPolicy"].as_str().unwrap_or("Delete"),
            "storageClassName": class, "volumeMode": "Filesystem"
        }
    });
    if w.create(pv).is_err() {
        return;
    }
    w.update_status("PersistentVolume", "", &pv_name, json!({"phase": "Bound"}));
    let mut c = (*claim).clone();
    c["spec"]["volumeName"] = json!(pv_name);
    let annotations = c["metadata"]["annotations"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    c["metadata"]["annotations"] = Value::Object(annotations);
    c["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = json!("yes");
    c["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] = json!("yes");
    c["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-provisioner"] =
        sc["provisioner"].clone();
    c["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] =
        sc["provisioner"].clone();
    w.write("PersistentVolumeClaim", c);
    w.update_status(
        "PersistentVolumeClaim",
        namespace,
        name,
        json!({"accessModes": modes, "capacity": {"storage": storage}, "phase": "Bound"}),
    );
    Recorder::new(
        Controller::VolumeBinder.name(),
        "PersistentVolumeClaim",
        &claim,
    )
    .why(
        w,
        format!("{name} was bound to a new volume {pv_name} provisioned from StorageClass {class}"),
    );
}

/// A deleted claim's dynamically provisioned volume goes with it (reclaim policy Delete)
/// or is Released (Retain).
pub fn reclaim(w: &mut World, claim: &Value) {
    let Some(pv_name) = claim.at("/spec/volumeName").and_then(Value::as_str) else {
        return;
    };
    let Some(pv) = w.get("PersistentVolume", "", pv_name).cloned() else {
        return;
    };
    if pv
        .at("/spec/persistentVolumeReclaimPolicy")
        .and_then(Value::as_str)
        == Some("Delete")
    {
        w.remove_now("PersistentVolume", "", pv_name);
    } else {
        w.update_status(
            "PersistentVolume",
            "",
            pv_name,
            json!({"phase": "Released"}),
        );
    }
}
