//! Namespace and ConfigMap: kinds without a workload, described by kubectl's
//! `describeNamespace` and `ConfigMapDescriber`.

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
        let len = base64_decoded_len(&v);
        w.w(0, &format!("{k}: {len} bytes\n"));
    }
    w.w(0, "\n");
    describe_events(w, &related.events);
}

/// Length in bytes of the data a base64 string encodes.
fn base64_decoded_len(text: &str) -> usize {
    let t = text.trim_end_matches('=');
    t.len() * 3 / 4
}
