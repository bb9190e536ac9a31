//! The workload controllers of the apps group: StatefulSet, ReplicaSet, Deployment and
//! DaemonSet (`describeStatefulSet`, `describeReplicaSet`, … in kubectl's describe.go).

use serde_json::Value;

use super::pods::describe_pod_template;
use super::{
    controlled_by, describe_events, go_slice, print_annotations, print_labels, rfc1123z, Related,
    Writer,
};
use crate::kubectl::printers::columns::storage::storage_class;
use crate::kubectl::printers::fields::{
    arr, at, controller_ref, format_label_selector, format_labels, int, int_or_string, opt_int, s,
    scalar, selector_string, string_map, time,
};

/// `(running, waiting, succeeded, failed)` among the pods this controller owns
/// (ownerReference with `controller: true` and the controller's uid).
fn pod_phase_counts(owner: &Value, pods: &[&Value]) -> (usize, usize, usize, usize) {
    let uid = s(owner, "metadata.uid");
    let mut counts = (0, 0, 0, 0);
    for p in pods {
        if controller_ref(p).is_none_or(|r| s(r, "uid") != uid) {
            continue;
        }
        match s(p, "status.phase") {
            "Running" => counts.0 += 1,
            "Pending" => counts.1 += 1,
            "Succeeded" => counts.2 += 1,
            "Failed" => counts.3 += 1,
            _ => {}
        }
    }
    counts
}

/// The `Pods Status:` line.
fn pods_status_line(owner: &Value, pods: &[&Value]) -> String {
    let (r, wt, su, f) = pod_phase_counts(owner, pods);
    format!("Pods Status:\t{r} Running / {wt} Waiting / {su} Succeeded / {f} Failed\n")
}

/// `spec.replicas`, as the API server defaults it.
fn spec_replicas(o: &Value) -> i64 {
    opt_int(o, "spec.replicas").unwrap_or(1)
}

/// `describeStatefulSet`.
pub(super) fn describe_statefulset(w: &mut Writer, sts: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(sts, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(sts, "metadata.namespace")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(sts, "metadata.creationTimestamp")
        ),
    );
    let sel = at(sts, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    print_labels(w, "", "Labels", &string_map(sts, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(sts, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            spec_replicas(sts),
            int(sts, "status.replicas")
        ),
    );
    w.w(
        0,
        &format!("Update Strategy:\t{}\n", s(sts, "spec.updateStrategy.type")),
    );
    if let Some(ru) = at(sts, "spec.updateStrategy.rollingUpdate").filter(|v| v.is_object()) {
        if let Some(p) = opt_int(ru, "partition") {
            w.w(1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = at(ru, "maxUnavailable") {
                w.w(
                    1,
                    &format!("MaxUnavailable:\t{}\n", int_or_string(Some(mu))),
                );
            }
        }
    }
    w.w(0, &pods_status_line(sts, &related.pods));
    describe_pod_template(w, at(sts, "spec.template"));
    let templates = arr(sts, "spec.volumeClaimTemplates");
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for pvc in templates {
            w.w(1, &format!("Name:\t{}\n", s(pvc, "metadata.name")));
            w.w(1, &format!("StorageClass:\t{}\n", storage_class(pvc)));
            print_labels(w, "  ", "Labels", &string_map(pvc, "metadata.labels"));
            print_labels(
                w,
                "  ",
                "Annotations",
                &string_map(pvc, "metadata.annotations"),
            );
            let capacity = at(pvc, "spec.resources.requests.storage")
                .map_or_else(|| "<default>".into(), scalar);
            w.w(1, &format!("Capacity:\t{capacity}\n"));
            w.w(
                1,
                &format!(
                    "Access Modes:\t{}\n",
                    go_slice(arr(pvc, "spec.accessModes"))
                ),
            );
        }
    }
    describe_events(w, &related.events);
}

/// `describeReplicaSet`.
pub(super) fn describe_replicaset(w: &mut Writer, rs: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(rs, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(rs, "metadata.namespace")));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(at(rs, "spec.selector"))
        ),
    );
    print_labels(w, "", "Labels", &string_map(rs, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(rs, "metadata.annotations"));
    if let Some(c) = controlled_by(rs) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rs, "status.replicas"),
            spec_replicas(rs)
        ),
    );
    w.w(0, &pods_status_line(rs, &related.pods));
    describe_pod_template(w, at(rs, "spec.template"));
    describe_conditions_with_reason(w, arr(rs, "status.conditions"));
    describe_events(w, &related.events);
}

/// `Conditions:` table with `Type Status Reason` (ReplicaSet, Deployment).
fn describe_conditions_with_reason(w: &mut Writer, conditions: &[Value]) {
    if conditions.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.w(1, "----\t------\t------\n");
    for c in conditions {
        w.w(
            1,
            &format!(
                "{} \t{}\t{}\n",
                s(c, "type"),
                s(c, "status"),
                s(c, "reason")
            ),
        );
    }
}

/// The pod template with the `pod-template-hash` label removed and empty maps dropped,
/// for comparing a ReplicaSet's template with its Deployment's.
fn template_ignoring_hash(t: Option<&Value>) -> Value {
    let mut t = t.cloned().unwrap_or(Value::Null);
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
        if labels.is_empty() {
            if let Some(meta) = t.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                meta.remove("labels");
            }
        }
    }
    t
}

/// `name (current/desired replicas created)` joined by `, `, or `<none>`.
fn replica_sets_text(list: &[&Value]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                s(rs, "metadata.name"),
                int(rs, "status.replicas"),
                spec_replicas(rs)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `describeDeployment`.
pub(super) fn describe_deployment(w: &mut Writer, d: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(d, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(d, "metadata.namespace")));
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(d, "metadata.creationTimestamp")
        ),
    );
    print_labels(w, "", "Labels", &string_map(d, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(d, "metadata.annotations"));
    let sel = at(d, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec_replicas(d),
            int(d, "status.updatedReplicas"),
            int(d, "status.replicas"),
            int(d, "status.availableReplicas"),
            int(d, "status.unavailableReplicas")
        ),
    );
    w.w(
        0,
        &format!("StrategyType:\t{}\n", s(d, "spec.strategy.type")),
    );
    w.w(
        0,
        &format!("MinReadySeconds:\t{}\n", int(d, "spec.minReadySeconds")),
    );
    if let Some(ru) = at(d, "spec.strategy.rollingUpdate").filter(|v| v.is_object()) {
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(at(ru, "maxUnavailable")),
                int_or_string(at(ru, "maxSurge"))
            ),
        );
    }
    describe_pod_template(w, at(d, "spec.template"));
    describe_conditions_with_reason(w, arr(d, "status.conditions"));

    // Owned ReplicaSets by creation time (then name); the new one has the same template.
    let uid = s(d, "metadata.uid");
    let mut owned: Vec<&Value> = related
        .replica_sets
        .iter()
        .copied()
        .filter(|rs| controller_ref(rs).is_some_and(|r| s(r, "uid") == uid))
        .collect();
    crate::sort::sort_by(&mut owned, |a, b| {
        let ta = time(a, "metadata.creationTimestamp").unwrap_or(i64::MIN);
        let tb = time(b, "metadata.creationTimestamp").unwrap_or(i64::MIN);
        ta.cmp(&tb)
            .then_with(|| s(a, "metadata.name").cmp(s(b, "metadata.name")))
    });
    let wanted = template_ignoring_hash(at(d, "spec.template"));
    let new_rs = owned
        .iter()
        .copied()
        .find(|rs| template_ignoring_hash(at(rs, "spec.template")) == wanted);
    // DeploymentDescriber takes GetAllReplicaSetsInChunks' second list, every old
    // ReplicaSet: one scaled to zero shows as `(0/0 replicas created)` (checked against
    // a 1.34 cluster).
    let old: Vec<&Value> = owned
        .iter()
        .copied()
        .filter(|rs| new_rs.is_none_or(|n| s(n, "metadata.uid") != s(rs, "metadata.uid")))
        .collect();
    if !old.is_empty() || new_rs.is_some() {
        w.w(
            0,
            &format!("OldReplicaSets:\t{}\n", replica_sets_text(&old)),
        );
        let new_list: Vec<&Value> = new_rs.into_iter().collect();
        w.w(
            0,
            &format!("NewReplicaSet:\t{}\n", replica_sets_text(&new_list)),
        );
    }
    describe_events(w, &related.events);
}

/// `describeDaemonSet` (the scheduling counts are written without tabs).
pub(super) fn describe_daemonset(w: &mut Writer, ds: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(ds, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(ds, "metadata.namespace")));
    let sel = at(ds, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    let node_sel = format_labels(&string_map(ds, "spec.template.spec.nodeSelector"));
    w.w(0, &format!("Node-Selector:\t{node_sel}\n"));
    print_labels(w, "", "Labels", &string_map(ds, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ds, "metadata.annotations"));
    let lines = [
        (
            "Desired Number of Nodes Scheduled",
            "status.desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "status.currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "status.updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "status.numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "status.numberMisscheduled"),
    ];
    for (title, path) in lines {
        w.w(0, &format!("{title}: {}\n", int(ds, path)));
    }
    w.w(0, &pods_status_line(ds, &related.pods));
    describe_pod_template(w, at(ds, "spec.template"));
    describe_events(w, &related.events);
}
