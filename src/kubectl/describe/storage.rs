//! Storage: `describePersistentVolumeClaim` and `describePersistentVolume`.

use serde_json::Value;

use super::pods::describe_volume_source;
use super::{
    describe_events, go_slice, print_annotations, print_labels, rfc1123z, Related, Writer,
};
use crate::kubectl::printers::columns::storage::{access_modes, storage_class};
use crate::kubectl::printers::fields::{arr, at, s, scalar, string_map};

/// `describePersistentVolumeClaim`.
pub(super) fn describe_pvc(w: &mut Writer, pvc: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pvc, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(pvc, "metadata.namespace")),
    );
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(pvc)));
    if at(pvc, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                w.since(pvc, "metadata.deletionTimestamp")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{}\n", s(pvc, "status.phase")));
    }
    let volume = s(pvc, "spec.volumeName");
    w.w(0, &format!("Volume:\t{volume}\n"));
    print_labels(w, "", "Labels", &string_map(pvc, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(pvc, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice(arr(pvc, "metadata.finalizers"))
        ),
    );
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            at(pvc, "status.capacity.storage").map_or_else(|| "0".into(), scalar),
            access_modes(arr(pvc, "status.accessModes")),
        )
    };
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    if !s(pvc, "spec.volumeMode").is_empty() {
        w.w(0, &format!("VolumeMode:\t{}\n", s(pvc, "spec.volumeMode")));
    }
    if let Some(ds) = at(pvc, "spec.dataSource").filter(|v| v.is_object()) {
        w.w(0, "DataSource:\n");
        if !s(ds, "apiGroup").is_empty() {
            w.w(1, &format!("APIGroup:\t{}\n", s(ds, "apiGroup")));
        }
        w.w(1, &format!("Kind:\t{}\n", s(ds, "kind")));
        w.w(1, &format!("Name:\t{}\n", s(ds, "name")));
    }
    let mut users: Vec<&str> = related.pvcs.iter().map(|p| s(p, "metadata.name")).collect();
    crate::sort::sort(&mut users);
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.w(0, "<none>\n");
    }
    for (i, name) in users.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{name}\n"));
    }
    let conditions = arr(pvc, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(
            1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    rfc1123z(c, "lastProbeTime"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    describe_events(w, &related.events);
}

/// `describePersistentVolume`.
pub(super) fn describe_pv(w: &mut Writer, pv: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pv, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(pv, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(pv, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice(arr(pv, "metadata.finalizers"))
        ),
    );
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(pv)));
    if at(pv, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                w.since(pv, "metadata.deletionTimestamp")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{}\n", s(pv, "status.phase")));
    }
    let claim = match at(pv, "spec.claimRef").filter(|v| v.is_object()) {
        Some(r) => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        None => String::new(),
    };
    w.w(0, &format!("Claim:\t{claim}\n"));
    w.w(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            s(pv, "spec.persistentVolumeReclaimPolicy")
        ),
    );
    w.w(
        0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(arr(pv, "spec.accessModes"))
        ),
    );
    if !s(pv, "spec.volumeMode").is_empty() {
        w.w(0, &format!("VolumeMode:\t{}\n", s(pv, "spec.volumeMode")));
    }
    let capacity = at(pv, "spec.capacity.storage").map_or_else(|| "0".into(), scalar);
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, "Node Affinity:\t");
    match at(pv, "spec.nodeAffinity.required").filter(|v| v.is_object()) {
        None => w.w(0, "<none>\n"),
        Some(req) => {
            w.w(0, "\n");
            w.w(1, "Required Terms:\t");
            let terms = arr(req, "nodeSelectorTerms");
            if terms.is_empty() {
                w.w(0, "<none>\n");
            } else {
                w.w(0, "\n");
            }
            for (i, term) in terms.iter().enumerate() {
                w.w(2, &format!("Term {i}:\t"));
                let exprs = arr(term, "matchExpressions");
                if exprs.is_empty() {
                    w.w(0, "<none>\n");
                }
                for (j, e) in exprs.iter().enumerate() {
                    if j != 0 {
                        w.w(2, "\t");
                    }
                    let mut text = format!("{} {}", s(e, "key"), s(e, "operator").to_lowercase());
                    let values: Vec<String> = arr(e, "values").iter().map(scalar).collect();
                    if !values.is_empty() {
                        text.push_str(&format!(" [{}]", values.join(", ")));
                    }
                    w.w(0, &format!("{text}\n"));
                }
            }
        }
    }
    w.w(0, &format!("Message:\t{}\n", s(pv, "status.message")));
    w.w(0, "Source:\n");
    let spec = at(pv, "spec").unwrap_or(&Value::Null);
    if let Some(h) = at(spec, "hostPath") {
        let t = match s(h, "type") {
            "" if at(h, "type").is_none() => "<none>",
            t => t,
        };
        w.w(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n",
                s(h, "path")
            ),
        );
    } else if let Some(l) = at(spec, "local") {
        w.w(
            2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                s(l, "path")
            ),
        );
    } else if at(spec, "nfs").is_some() || at(spec, "csi").is_some() {
        describe_volume_source(w, spec);
    } else {
        w.w(1, "<unknown>\n");
    }
    describe_events(w, &related.events);
}
