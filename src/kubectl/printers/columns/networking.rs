//! networking.k8s.io printers: Ingress (`printIngress`) and IngressClass
//! (`printIngressClass`). NetworkPolicy's one computed cell is its pod selector.

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, s};

/// Addresses longer than this are cut (`loadBalancerWidth`) unless `-o wide`.
const LOAD_BALANCER_WIDTH: usize = 16;

/// NAME CLASS HOSTS ADDRESS PORTS AGE.
pub(super) fn ingress_cells(ing: &Value, now: i64, wide: bool) -> Vec<String> {
    let class = match s(ing, "spec.ingressClassName") {
        "" => "<none>",
        c => c,
    };
    let ports = if arr(ing, "spec.tls").is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        s(ing, "metadata.name").to_string(),
        class.to_string(),
        format_hosts(arr(ing, "spec.rules")),
        load_balancer_addresses(ing, wide),
        ports.to_string(),
        age(ing, now),
    ]
}

/// `formatHosts`: the first three rules' hosts, `*` when none names one.
fn format_hosts(rules: &[Value]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if list.len() == MAX {
            more = true;
        }
        let host = s(rule, "host");
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".to_string();
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", rules.len() - MAX)
    } else {
        text
    }
}

/// `ingressLoadBalancerStatusStringer`: the IPs (or host names) an ingress controller
/// reported, sorted and deduplicated; empty on a kind cluster, which runs no controller.
pub(crate) fn load_balancer_addresses(ing: &Value, wide: bool) -> String {
    let mut list: Vec<&str> = arr(ing, "status.loadBalancer.ingress")
        .iter()
        .map(|i| match s(i, "ip") {
            "" => s(i, "hostname"),
            ip => ip,
        })
        .filter(|a| !a.is_empty())
        .collect();
    crate::sort::sort(&mut list);
    list.dedup();
    let text = list.join(",");
    if !wide && text.len() > LOAD_BALANCER_WIDTH {
        format!("{}...", &text[..LOAD_BALANCER_WIDTH - 3])
    } else {
        text
    }
}

/// NAME CONTROLLER PARAMETERS AGE.
pub(super) fn ingress_class_cells(ic: &Value, now: i64) -> Vec<String> {
    let params = match ic.get("spec").and_then(|s| s.get("parameters")) {
        Some(p) if !p.is_null() => {
            let mut text = s(p, "kind").to_string();
            if let Some(group) = p.get("apiGroup").and_then(Value::as_str) {
                text = format!("{text}.{group}");
            }
            format!("{text}/{}", s(p, "name"))
        }
        _ => "<none>".to_string(),
    };
    vec![
        s(ic, "metadata.name").to_string(),
        s(ic, "spec.controller").to_string(),
        params,
        age(ic, now),
    ]
}
