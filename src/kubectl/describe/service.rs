//! `describeService`, with the endpoint lists it reads from the Service's EndpointSlices.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, Related, Writer};
use crate::kubectl::printers::columns::service::join_host_port;
use crate::kubectl::printers::fields::{
    arr, at, format_labels, int, int_or_string, s, scalar, string_map,
};

/// One EndpointSlice endpoint is ready unless `conditions.ready` is false.
fn endpoint_ready(e: &Value) -> bool {
    at(e, "conditions.ready")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

/// `formatEndpointSlices` for the service port named `port_name` (max 3 shown).
pub(super) fn format_endpoint_slices(slices: &[&Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::<String>::new(), false, 0usize);
    for sl in slices {
        let ports = arr(sl, "ports");
        let endpoints = arr(sl, "endpoints");
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == max {
                    more = true;
                }
                if !endpoint_ready(e) {
                    continue;
                }
                if !more {
                    list.push(arr(e, "addresses").first().map(scalar).unwrap_or_default());
                }
                count += 1;
            }
            continue;
        }
        for p in ports.iter().filter(|p| s(p, "name") == port_name) {
            for e in endpoints {
                if list.len() == max {
                    more = true;
                }
                if !endpoint_ready(e) {
                    continue;
                }
                if !more {
                    let addr = arr(e, "addresses").first().map(scalar).unwrap_or_default();
                    list.push(join_host_port(&addr, int(p, "port")));
                }
                count += 1;
            }
        }
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", count - max)
    } else {
        text
    }
}

/// `describeService`.
pub(super) fn describe_service(w: &mut Writer, svc: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(svc, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(svc, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(svc, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(svc, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(svc, "spec.selector"))
        ),
    );
    w.w(0, &format!("Type:\t{}\n", s(svc, "spec.type")));
    if !s(svc, "spec.ipFamilyPolicy").is_empty() {
        w.w(
            0,
            &format!("IP Family Policy:\t{}\n", s(svc, "spec.ipFamilyPolicy")),
        );
    }
    let join = |path: &str| {
        arr(svc, path)
            .iter()
            .map(scalar)
            .collect::<Vec<_>>()
            .join(",")
    };
    let or_none = |v: String| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v
        }
    };
    w.w(
        0,
        &format!("IP Families:\t{}\n", or_none(join("spec.ipFamilies"))),
    );
    w.w(0, &format!("IP:\t{}\n", s(svc, "spec.clusterIP")));
    w.w(0, &format!("IPs:\t{}\n", or_none(join("spec.clusterIPs"))));
    if !arr(svc, "spec.externalIPs").is_empty() {
        w.w(0, &format!("External IPs:\t{}\n", join("spec.externalIPs")));
    }
    if !s(svc, "spec.loadBalancerIP").is_empty() {
        w.w(
            0,
            &format!(
                "Desired LoadBalancer IP:\t{}\n",
                s(svc, "spec.loadBalancerIP")
            ),
        );
    }
    if !s(svc, "spec.externalName").is_empty() {
        w.w(
            0,
            &format!("External Name:\t{}\n", s(svc, "spec.externalName")),
        );
    }
    let ingress: Vec<String> = arr(svc, "status.loadBalancer.ingress")
        .iter()
        .map(|i| match s(i, "ip") {
            "" => s(i, "hostname").to_string(),
            ip => ip.to_string(),
        })
        .collect();
    if !ingress.is_empty() {
        w.w(
            0,
            &format!("LoadBalancer Ingress:\t{}\n", ingress.join(", ")),
        );
    }
    let slices: Vec<&Value> = related.endpoints.to_vec();
    for p in arr(svc, "spec.ports") {
        let name = match s(p, "name") {
            "" => "<unset>",
            n => n,
        };
        let proto = match s(p, "protocol") {
            "" => "TCP",
            x => x,
        };
        w.w(0, &format!("Port:\t{name}\t{}/{proto}\n", int(p, "port")));
        let target = match at(p, "targetPort") {
            Some(t) => int_or_string(Some(t)),
            None => int(p, "port").to_string(),
        };
        w.w(0, &format!("TargetPort:\t{target}/{proto}\n"));
        if int(p, "nodePort") != 0 {
            w.w(
                0,
                &format!("NodePort:\t{name}\t{}/{proto}\n", int(p, "nodePort")),
            );
        }
        w.w(
            0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(&slices, s(p, "name"))
            ),
        );
    }
    w.w(
        0,
        &format!("Session Affinity:\t{}\n", s(svc, "spec.sessionAffinity")),
    );
    if !s(svc, "spec.externalTrafficPolicy").is_empty() {
        w.w(
            0,
            &format!(
                "External Traffic Policy:\t{}\n",
                s(svc, "spec.externalTrafficPolicy")
            ),
        );
    }
    if !s(svc, "spec.internalTrafficPolicy").is_empty() {
        w.w(
            0,
            &format!(
                "Internal Traffic Policy:\t{}\n",
                s(svc, "spec.internalTrafficPolicy")
            ),
        );
    }
    if int(svc, "spec.healthCheckNodePort") != 0 {
        w.w(
            0,
            &format!(
                "HealthCheck NodePort:\t{}\n",
                int(svc, "spec.healthCheckNodePort")
            ),
        );
    }
    if !arr(svc, "spec.loadBalancerSourceRanges").is_empty() {
        w.w(
            0,
            &format!(
                "LoadBalancer Source Ranges:\t{}\n",
                join("spec.loadBalancerSourceRanges")
            ),
        );
    }
    if !s(svc, "spec.trafficDistribution").is_empty() {
        w.w(
            0,
            &format!(
                "Traffic Distribution:\t{}\n",
                s(svc, "spec.trafficDistribution")
            ),
        );
    }
    describe_events(w, &related.events);
}
