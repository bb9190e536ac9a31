//! `describeEndpointSliceV1`.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, Related, Writer};
use crate::kubectl::printers::fields::{arr, at, s, scalar, string_map};

/// A `*string` or `*bool` field as describe prints it: `<unset>` when absent.
fn or_unset(v: Option<&Value>) -> String {
    match v {
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Null) | None => "<unset>".into(),
        Some(other) => scalar(other),
    }
}

/// `describeEndpointSliceV1`: address type, a ports table, then each endpoint with its
/// readiness, hostname, target, node and zone.
pub(super) fn describe_endpoint_slice(w: &mut Writer, eps: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(eps, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(eps, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(eps, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(eps, "metadata.annotations"));
    w.w(0, &format!("AddressType:\t{}\n", s(eps, "addressType")));
    let ports = arr(eps, "ports");
    if ports.is_empty() {
        w.w(0, "Ports: <unset>\n");
    } else {
        w.w(0, "Ports:\n");
        w.w(1, "Name\tPort\tProtocol\n");
        w.w(1, "----\t----\t--------\n");
        for p in ports {
            let name = match s(p, "name") {
                "" => "<unset>",
                n => n,
            };
            let port = or_unset(p.get("port"));
            w.w(1, &format!("{name}\t{port}\t{}\n", s(p, "protocol")));
        }
    }
    let endpoints = arr(eps, "endpoints");
    if endpoints.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        for e in endpoints {
            let addresses: Vec<String> = arr(e, "addresses").iter().map(scalar).collect();
            let addresses = match addresses.join(", ") {
                a if a.is_empty() => "<none>".to_string(),
                a => a,
            };
            w.w(1, &format!("- Addresses:\t{addresses}\n"));
            w.w(2, "Conditions:\n");
            w.w(
                3,
                &format!("Ready:\t{}\n", or_unset(at(e, "conditions.ready"))),
            );
            w.w(2, &format!("Hostname:\t{}\n", or_unset(e.get("hostname"))));
            if let Some(t) = e.get("targetRef").filter(|t| !t.is_null()) {
                w.w(
                    2,
                    &format!("TargetRef:\t{}/{}\n", s(t, "kind"), s(t, "name")),
                );
            }
            w.w(2, &format!("NodeName:\t{}\n", or_unset(e.get("nodeName"))));
            w.w(2, &format!("Zone:\t{}\n", or_unset(e.get("zone"))));
        }
    }
    describe_events(w, &related.events);
}
