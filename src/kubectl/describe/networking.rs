//! networking.k8s.io describers: `describeNetworkPolicy` (the policy's selector, then what
//! it allows in each direction it affects, rule by rule), `describeIngressV1` (backends
//! resolved to their Services' endpoints) and `describeIngressClassV1`, as kubectl v1.34
//! words them.

use serde_json::Value;

use super::service::format_endpoint_slices;
use super::{describe_events, print_annotations, print_labels, Related, Writer};
use crate::kubectl::printers::columns::networking::load_balancer_addresses;
use crate::kubectl::printers::fields::{arr, at, format_label_selector, int, s, string_map};

/// `NetworkPolicyDescriber`.
pub(super) fn describe_network_policy(w: &mut Writer, np: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(np, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(np, "metadata.namespace")));
    w.w(
        0,
        &format!(
            "Created on:\t{}\n",
            go_time_string(s(np, "metadata.creationTimestamp"))
        ),
    );
    print_labels(w, "", "Labels", &string_map(np, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(np, "metadata.annotations"));
    w.w(0, "Spec:\n");
    w.w(1, "PodSelector: ");
    let selector = at(np, "spec.podSelector");
    let empty = selector.is_none_or(|sel| {
        string_map(sel, "matchLabels").is_empty() && arr(sel, "matchExpressions").is_empty()
    });
    if empty {
        w.w(
            2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.w(2, &format!("{}\n", format_label_selector(selector)));
    }
    let types: Vec<&str> = arr(np, "spec.policyTypes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (ty, rules, peers) in [("Ingress", "ingress", "From"), ("Egress", "egress", "To")] {
        if types.contains(&ty) {
            w.w(1, &format!("Allowing {rules} traffic:\n"));
            print_rules(w, arr(np, &format!("spec.{rules}")), rules, peers);
        } else {
            w.w(1, &format!("Not affecting {rules} traffic\n"));
        }
    }
    w.w(1, &format!("Policy Types: {}\n", types.join(", ")));
}

/// `metav1.Time` printed with `%s` (Go's `Time.String()` in UTC).
fn go_time_string(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(t) => format!("{} +0000 UTC", t.replacen('T', " ", 1)),
        None => "0001-01-01 00:00:00 +0000 UTC".to_string(),
    }
}

/// `printNetworkPolicySpecIngressFrom` / `…EgressTo`: each rule's ports and peers, rules
/// apart by a `----------` line.
fn print_rules(w: &mut Writer, rules: &[Value], direction: &str, peers: &str) {
    const INDENT: &str = "    ";
    if rules.is_empty() {
        w.w(
            0,
            &format!("{INDENT}<none> (Selected pods are isolated for {direction} connectivity)\n"),
        );
        return;
    }
    let key = peers.to_ascii_lowercase();
    for (i, rule) in rules.iter().enumerate() {
        let ports = arr(rule, "ports");
        if ports.is_empty() {
            w.w(
                0,
                &format!("{INDENT}To Port: <any> (traffic allowed to all ports)\n"),
            );
        }
        for p in ports {
            let proto = match s(p, "protocol") {
                "" => "TCP",
                proto => proto,
            };
            let port = match at(p, "port") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(name)) => name.clone(),
                _ => "<nil>".to_string(),
            };
            match at(p, "endPort").and_then(Value::as_i64) {
                None => w.w(0, &format!("{INDENT}To Port: {port}/{proto}\n")),
                Some(end) => w.w(0, &format!("{INDENT}To Port Range: {port}-{end}/{proto}\n")),
            }
        }
        let list = arr(rule, &key);
        if list.is_empty() {
            let what = if peers == "From" {
                "source"
            } else {
                "destination"
            };
            w.w(
                0,
                &format!("{INDENT}{peers}: <any> (traffic not restricted by {what})\n"),
            );
        }
        for peer in list {
            w.w(0, &format!("{INDENT}{peers}:\n"));
            let pods = at(peer, "podSelector").filter(|v| !v.is_null());
            let namespaces = at(peer, "namespaceSelector").filter(|v| !v.is_null());
            if let Some(ns) = namespaces {
                w.w(
                    1,
                    &format!(
                        "{INDENT}NamespaceSelector: {}\n",
                        format_label_selector(Some(ns))
                    ),
                );
            }
            if let Some(pods) = pods {
                w.w(
                    1,
                    &format!(
                        "{INDENT}PodSelector: {}\n",
                        format_label_selector(Some(pods))
                    ),
                );
            }
            if pods.is_none() && namespaces.is_none() {
                if let Some(block) = at(peer, "ipBlock").filter(|v| !v.is_null()) {
                    let except: Vec<&str> = arr(block, "except")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    w.w(1, &format!("{INDENT}IPBlock:\n"));
                    w.w(2, &format!("{INDENT}CIDR: {}\n", s(block, "cidr")));
                    w.w(2, &format!("{INDENT}Except: {}\n", except.join(", ")));
                }
            }
        }
        if i != rules.len() - 1 {
            w.w(0, &format!("{INDENT}----------\n"));
        }
    }
}

/// `describeIngressV1`: class, default backend, TLS, and the rules table whose backends
/// are resolved to the Service's ready endpoints (or the error of looking it up).
pub(super) fn describe_ingress(w: &mut Writer, ing: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(ing, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(ing, "metadata.labels"));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(ing, "metadata.namespace")),
    );
    w.w(
        0,
        &format!("Address:\t{}\n", load_balancer_addresses(ing, true)),
    );
    let class = match s(ing, "spec.ingressClassName") {
        "" => "<none>",
        c => c,
    };
    w.w(0, &format!("Ingress Class:\t{class}\n"));
    let default = match at(ing, "spec.defaultBackend").filter(|b| !b.is_null()) {
        Some(b) => describe_backend(b, related),
        None => "<default>".to_string(),
    };
    w.w(0, &format!("Default backend:\t{default}\n"));
    let tls = arr(ing, "spec.tls");
    if !tls.is_empty() {
        w.w(0, "TLS:\n");
        for t in tls {
            let hosts: Vec<&str> = arr(t, "hosts").iter().filter_map(Value::as_str).collect();
            match s(t, "secretName") {
                "" => w.w(1, &format!("SNI routes {}\n", hosts.join(","))),
                secret => w.w(1, &format!("{secret} terminates {}\n", hosts.join(","))),
            }
        }
    }
    w.w(0, "Rules:\n  Host\tPath\tBackends\n");
    w.w(1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in arr(ing, "spec.rules") {
        let Some(http) = at(rule, "http").filter(|h| !h.is_null()) else {
            continue;
        };
        count += 1;
        let host = match s(rule, "host") {
            "" => "*",
            h => h,
        };
        w.w(1, &format!("{host}\t\n"));
        for p in arr(http, "paths") {
            w.w(
                2,
                &format!(
                    "\t{} \t{}\n",
                    s(p, "path"),
                    describe_backend(&p["backend"], related)
                ),
            );
        }
    }
    if count == 0 {
        w.w(1, &format!("*\t*\t{default}\n"));
    }
    print_annotations(w, "Annotations", &string_map(ing, "metadata.annotations"));
    describe_events(w, &related.events);
}

/// `describeBackendV1`: `svc:port (endpoints)`, or the resource a backend names.
fn describe_backend(backend: &Value, related: &Related) -> String {
    let Some(svc) = at(backend, "service").filter(|v| !v.is_null()) else {
        return match at(backend, "resource").filter(|v| !v.is_null()) {
            Some(r) => {
                let group = match s(r, "apiGroup") {
                    "" => "<none>",
                    g => g,
                };
                format!(
                    "APIGroup: {group}, Kind: {}, Name: {}",
                    s(r, "kind"),
                    s(r, "name")
                )
            }
            None => String::new(),
        };
    };
    let name = s(svc, "name");
    let port_name = s(svc, "port.name");
    let number = at(svc, "port.number").and_then(Value::as_i64).unwrap_or(0);
    let shown = if port_name.is_empty() {
        format!("{name}:{number}")
    } else {
        format!("{name}:{port_name}")
    };
    let Some(service) = related
        .services
        .iter()
        .find(|v| s(v, "metadata.name") == name)
    else {
        return format!("{shown} (<error: services \"{name}\" not found>)");
    };
    // The Service port the backend names, by number or by name (its name, possibly "").
    let mut sp_name = "";
    for p in arr(service, "spec.ports") {
        if (number != 0 && int(p, "port") == number)
            || (!port_name.is_empty() && s(p, "name") == port_name)
        {
            sp_name = s(p, "name");
        }
    }
    // `kubernetes.io/service-name=NAME`, as kubectl lists them.
    let slices: Vec<&Value> = related
        .endpoints
        .iter()
        .copied()
        .filter(|e| {
            at(e, "metadata.labels").and_then(|l| l.get("kubernetes.io/service-name"))
                == Some(&Value::from(name))
        })
        .collect();
    format!("{shown} ({})", format_endpoint_slices(&slices, sp_name))
}

/// `describeIngressClassV1`.
pub(super) fn describe_ingress_class(w: &mut Writer, ic: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(ic, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(ic, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ic, "metadata.annotations"));
    w.w(0, &format!("Controller:\t{}\n", s(ic, "spec.controller")));
    if let Some(p) = at(ic, "spec.parameters").filter(|p| !p.is_null()) {
        w.w(0, "Parameters:\n");
        if let Some(group) = p.get("apiGroup").and_then(Value::as_str) {
            w.w(1, &format!("APIGroup:\t{group}\n"));
        }
        w.w(1, &format!("Kind:\t{}\n", s(p, "kind")));
        w.w(1, &format!("Name:\t{}\n", s(p, "name")));
    }
    describe_events(w, &related.events);
}
