//! Namespace, ConfigMap and Secret: kinds without a workload, described by kubectl's
//! `describeNamespace`, `ConfigMapDescriber` and `describeSecret`.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, rfc1123z, Related, Writer};
use crate::kubectl::printers::fields::{arr, s, string_map};

/// `describeNamespace` (no quotas or limit ranges are modelled).
pub(super) fn describe_namespace(w: &mut Writer, ns: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(ns, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(ns, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ns, "metadata.annotations"));
    w.w(0, &format!("Status:\t{}\n", s(ns, "status.phase")));
    let conditions = arr(ns, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    w.w(0, "\nNo resource quota.\n");
    w.w(0, "\nNo LimitRange resource.\n");
}

/// ConfigMap describe: data keys sorted, each value under a `----` rule.
pub(super) fn describe_configmap(w: &mut Writer, cm: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(cm, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(cm, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(cm, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(cm, "metadata.annotations"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(cm, "data") {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in string_map(cm, "binaryData") {
        // binaryData holds base64; kubectl prints the decoded length.
        w.w(0, &format!("{k}: {} bytes\n", decoded_len(&v)));
    }
    w.w(0, "\n");
    describe_events(w, &related.events);
}

/// `describeSecret`: sizes, never values (but a service account token's own token).
pub(super) fn describe_secret(w: &mut Writer, secret: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(secret, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(secret, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(secret, "metadata.labels"));
    print_annotations(
        w,
        "Annotations",
        &string_map(secret, "metadata.annotations"),
    );
    let kind = s(secret, "type");
    w.w(0, &format!("\nType:\t{kind}\n"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(secret, "data") {
        if k == "token" && kind == "kubernetes.io/service-account-token" {
            let token = crate::base64::decode(&v).unwrap_or_default();
            w.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&token)));
        } else {
            w.w(0, &format!("{k}:\t{} bytes\n", decoded_len(&v)));
        }
    }
}

/// Length in bytes of the data a base64 string encodes.
fn decoded_len(text: &str) -> usize {
    crate::base64::decode(text).map_or_else(|partial| partial.len(), |b| b.len())
}
