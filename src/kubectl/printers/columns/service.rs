//! Networking printers: Service (`printService`, its EXTERNAL-IP and PORTS) and core/v1
//! Endpoints.

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, format_labels, int, s, string_map};

/// EXTERNAL-IP of a service (`getServiceExternalIP`).
fn service_external_ip(svc: &Value, wide: bool) -> String {
    let external: Vec<&str> = arr(svc, "spec.externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match s(svc, "spec.type") {
        "ClusterIP" | "NodePort" | "" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let mut lb: Vec<String> = arr(svc, "status.loadBalancer.ingress")
                .iter()
                .filter_map(|i| match (s(i, "ip"), s(i, "hostname")) {
                    ("", "") => None,
                    ("", h) => Some(h.to_string()),
                    (ip, _) => Some(ip.to_string()),
                })
                .collect();
            crate::sort::sort(&mut lb);
            lb.dedup();
            let mut lb_text = lb.join(",");
            if !wide && lb_text.chars().count() > 16 {
                lb_text = lb_text.chars().take(13).collect::<String>() + "...";
            }
            if !external.is_empty() {
                let mut parts: Vec<String> = Vec::new();
                if !lb_text.is_empty() {
                    parts.extend(lb_text.split(',').map(str::to_string));
                }
                parts.extend(external.iter().map(|e| e.to_string()));
                return parts.join(",");
            }
            if lb_text.is_empty() {
                "<pending>".into()
            } else {
                lb_text
            }
        }
        "ExternalName" => s(svc, "spec.externalName").to_string(),
        _ => "<unknown>".into(),
    }
}

/// All cells of a service row.
pub(super) fn service_cells(svc: &Value, now: i64, wide: bool) -> Vec<String> {
    // Servers always fill `clusterIPs`; fall back to `clusterIP` for hand-made objects.
    let cluster_ip = arr(svc, "spec.clusterIPs")
        .first()
        .and_then(Value::as_str)
        .or(Some(s(svc, "spec.clusterIP")).filter(|v| !v.is_empty()))
        .unwrap_or("<none>");
    let ports: Vec<String> = arr(svc, "spec.ports")
        .iter()
        .map(|p| {
            let node_port = int(p, "nodePort");
            let np = if node_port > 0 {
                format!(":{node_port}")
            } else {
                String::new()
            };
            let proto = match s(p, "protocol") {
                "" => "TCP",
                p => p,
            };
            format!("{}{np}/{proto}", int(p, "port"))
        })
        .collect();
    vec![
        s(svc, "metadata.name").to_string(),
        s(svc, "spec.type").to_string(),
        cluster_ip.to_string(),
        service_external_ip(svc, wide),
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports.join(",")
        },
        age(svc, now),
        format_labels(&string_map(svc, "spec.selector")),
    ]
}

/// ENDPOINTS of a core/v1 Endpoints object: up to 3 `ip:port`, then ` + N more...`.
/// `listWithMoreString`: at most three items, then `+ N more...`; `<unset>` for none.
fn list_with_more(items: impl Iterator<Item = String>) -> String {
    let max = 3;
    let all: Vec<String> = items.collect();
    if all.len() > max {
        return format!("{} + {} more...", all[..max].join(","), all.len() - max);
    }
    if all.is_empty() {
        return "<unset>".into();
    }
    all.join(",")
}

/// `formatDiscoveryPorts`: each port's number, else its name, else `*`.
pub(super) fn format_discovery_ports(slice: &Value) -> String {
    list_with_more(arr(slice, "ports").iter().map(|p| {
        match (
            p.get("port").and_then(Value::as_i64),
            p.get("name").and_then(Value::as_str),
        ) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".into(),
        }
    }))
}

/// `formatDiscoveryEndpoints`: every address of every endpoint, ready or not.
pub(super) fn format_discovery_endpoints(slice: &Value) -> String {
    list_with_more(
        arr(slice, "endpoints")
            .iter()
            .flat_map(|e| arr(e, "addresses"))
            .map(|a| a.as_str().unwrap_or_default().to_string()),
    )
}

pub(super) fn format_endpoints(ep: &Value) -> String {
    let subsets = arr(ep, "subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in subsets {
        let addrs = arr(ss, "addresses");
        let ports = arr(ss, "ports");
        if ports.is_empty() {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(s(a, "ip").to_string());
            }
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(join_host_port(s(a, "ip"), int(p, "port")));
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

/// Go `net.JoinHostPort`: IPv6 hosts are bracketed.
pub(crate) fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
