//! `describeNetworkPolicy`: the policy's selector, then what it allows in each direction
//! it affects, rule by rule (ports, then peers), as kubectl v1.34 words it.

use serde_json::Value;

use super::{print_annotations, print_labels, Writer};
use crate::kubectl::printers::fields::{arr, at, format_label_selector, s, string_map};

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
