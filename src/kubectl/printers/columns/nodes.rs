//! The Node printer (`printNode`): status with scheduling and roles.

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, flag, s, string_map};

/// Node roles from `node-role.kubernetes.io/X` labels and `kubernetes.io/role`, sorted.
pub(crate) fn node_roles(node: &Value) -> Vec<String> {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in string_map(node, "metadata.labels") {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v);
        }
    }
    roles.into_iter().collect()
}

/// All cells of a node row.
pub(super) fn node_cells(node: &Value, now: i64) -> Vec<String> {
    let mut status: Vec<String> = Vec::new();
    // The last condition of a type wins, as in the printer's map.
    if let Some(c) = arr(node, "status.conditions")
        .iter()
        .rev()
        .find(|c| s(c, "type") == "Ready")
    {
        status.push(if s(c, "status") == "True" {
            "Ready".into()
        } else {
            "NotReady".into()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if flag(node, "spec.unschedulable") {
        status.push("SchedulingDisabled".into());
    }
    let roles = node_roles(node);
    let address = |t: &str| {
        arr(node, "status.addresses")
            .iter()
            .find(|a| s(a, "type") == t)
            .map_or_else(|| "<none>".to_string(), |a| s(a, "address").to_string())
    };
    let info = |f: &str| match s(node, &format!("status.nodeInfo.{f}")) {
        "" => "<unknown>".to_string(),
        v => v.to_string(),
    };
    vec![
        s(node, "metadata.name").to_string(),
        status.join(","),
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles.join(",")
        },
        age(node, now),
        s(node, "status.nodeInfo.kubeletVersion").to_string(),
        address("InternalIP"),
        address("ExternalIP"),
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    ]
}
