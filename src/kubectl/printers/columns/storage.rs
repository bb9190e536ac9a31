//! Storage printers: PersistentVolumeClaim, PersistentVolume and StorageClass.

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, at, flag, s, string_map};

/// Access modes as `RWO,ROX,RWX,RWOP` in that fixed order.
pub(crate) fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The storage class of a PVC or PV: the beta annotation, else `spec.storageClassName`.
pub(crate) fn storage_class(o: &Value) -> String {
    let ann = string_map(o, "metadata.annotations");
    match ann.get("volume.beta.kubernetes.io/storage-class") {
        Some(c) => c.clone(),
        None => s(o, "spec.storageClassName").to_string(),
    }
}

/// A quantity field as `Quantity.String()` prints it; `0` when absent.
fn quantity(o: &Value, path: &str) -> String {
    match at(o, path) {
        Some(Value::String(q)) => q.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

/// `<unset>` for an empty optional string.
fn or_unset(v: &str) -> String {
    if v.is_empty() {
        "<unset>".into()
    } else {
        v.to_string()
    }
}

/// `Terminating` when a deletion timestamp is set, else `status.phase`.
fn phase_or_terminating(o: &Value) -> String {
    if at(o, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        "Terminating".into()
    } else {
        s(o, "status.phase").to_string()
    }
}

/// All cells of a PVC row; CAPACITY / ACCESS MODES stay empty while unbound.
pub(super) fn pvc_cells(pvc: &Value, now: i64) -> Vec<String> {
    let volume = s(pvc, "spec.volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(pvc, "status.capacity.storage"),
            access_modes(arr(pvc, "status.accessModes")),
        )
    };
    vec![
        s(pvc, "metadata.name").to_string(),
        phase_or_terminating(pvc),
        volume.to_string(),
        capacity,
        modes,
        storage_class(pvc),
        or_unset(s(pvc, "spec.volumeAttributesClassName")),
        age(pvc, now),
        or_unset(s(pvc, "spec.volumeMode")),
    ]
}

/// All cells of a PV row.
pub(super) fn pv_cells(pv: &Value, now: i64) -> Vec<String> {
    let claim = match at(pv, "spec.claimRef") {
        Some(r) if r.is_object() => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        _ => String::new(),
    };
    vec![
        s(pv, "metadata.name").to_string(),
        quantity(pv, "spec.capacity.storage"),
        access_modes(arr(pv, "spec.accessModes")),
        s(pv, "spec.persistentVolumeReclaimPolicy").to_string(),
        phase_or_terminating(pv),
        claim,
        storage_class(pv),
        or_unset(s(pv, "spec.volumeAttributesClassName")),
        s(pv, "status.reason").to_string(),
        age(pv, now),
        or_unset(s(pv, "spec.volumeMode")),
    ]
}

/// All cells of a StorageClass row; `(default)` marks the default class.
pub(super) fn storage_class_cells(sc: &Value, now: i64) -> Vec<String> {
    let ann = string_map(sc, "metadata.annotations");
    let is_default = ann
        .get("storageclass.kubernetes.io/is-default-class")
        .map(String::as_str)
        == Some("true")
        || ann
            .get("storageclass.beta.kubernetes.io/is-default-class")
            .map(String::as_str)
            == Some("true");
    let mut name = s(sc, "metadata.name").to_string();
    if is_default {
        name.push_str(" (default)");
    }
    let or = |v: &str, d: &str| {
        if v.is_empty() {
            d.to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        name,
        s(sc, "provisioner").to_string(),
        or(s(sc, "reclaimPolicy"), "Delete"),
        or(s(sc, "volumeBindingMode"), "Immediate"),
        flag(sc, "allowVolumeExpansion").to_string(),
        age(sc, now),
    ]
}
