//! `describeNode`: conditions, addresses, capacity, and the pods and resources allocated
//! on the node.

use serde_json::Value;
use std::collections::BTreeMap;

use super::{
    describe_events, print_annotations, print_labels, print_taints, rfc1123z, Related, Writer,
};
use crate::engine::time::format_rfc1123z;
use crate::kubectl::printers::columns::nodes::node_roles;
use crate::kubectl::printers::fields::{
    arr, at, flag, obj, quantity_value, s, scalar, string_map, time,
};

/// Sum of cpu/memory/ephemeral-storage requests and limits of a pod's containers
/// (max with init containers, as `PodRequestsAndLimits` does), in base units.
fn pod_requests_limits(pod: &Value) -> (BTreeMap<String, f64>, BTreeMap<String, f64>) {
    let sum = |key: &str| {
        let mut total: BTreeMap<String, f64> = BTreeMap::new();
        for c in arr(pod, "spec.containers") {
            for (name, q) in obj(c, &format!("resources.{key}")).into_iter().flatten() {
                *total.entry(name.clone()).or_insert(0.0) += quantity_value(q).unwrap_or(0.0);
            }
        }
        for c in arr(pod, "spec.initContainers") {
            for (name, q) in obj(c, &format!("resources.{key}")).into_iter().flatten() {
                let v = quantity_value(q).unwrap_or(0.0);
                let e = total.entry(name.clone()).or_insert(0.0);
                *e = e.max(v);
            }
        }
        total
    };
    (sum("requests"), sum("limits"))
}

/// A cpu amount as Quantity prints it (`0`, `100m`, `2`).
fn cpu_text(cores: f64) -> String {
    let milli = (cores * 1000.0).round() as i64;
    if milli == 0 {
        "0".into()
    } else if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// A byte amount as Quantity prints it (binary suffix when exact, else plain bytes).
fn bytes_text(bytes: f64) -> String {
    let b = bytes.round() as i64;
    if b == 0 {
        return "0".into();
    }
    for (suffix, factor) in [
        ("Ei", 1i64 << 60),
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b % factor == 0 {
            return format!("{}{suffix}", b / factor);
        }
    }
    b.to_string()
}

/// Percentage truncated toward zero, 0 when the capacity is 0.
fn percent(part: f64, whole: f64) -> i64 {
    if whole == 0.0 {
        0
    } else {
        (part / whole * 100.0) as i64
    }
}

/// `describeNode`.
pub(super) fn describe_node(w: &mut Writer, node: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(node, "metadata.name")));
    let roles = node_roles(node);
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    w.w(0, &format!("Roles:\t{roles}\n"));
    print_labels(w, "", "Labels", &string_map(node, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(node, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(node, "metadata.creationTimestamp")
        ),
    );
    print_taints(w, arr(node, "spec.taints"));
    w.w(
        0,
        &format!("Unschedulable:\t{}\n", flag(node, "spec.unschedulable")),
    );
    match related.lease {
        Some(lease) => {
            w.w(0, "Lease:\n");
            let or_unset = |v: &str| {
                if v.is_empty() {
                    "<unset>".to_string()
                } else {
                    v.to_string()
                }
            };
            w.w(
                1,
                &format!(
                    "HolderIdentity:\t{}\n",
                    or_unset(s(lease, "spec.holderIdentity"))
                ),
            );
            for (title, path) in [
                ("AcquireTime", "spec.acquireTime"),
                ("RenewTime", "spec.renewTime"),
            ] {
                let t = time(lease, path).map_or_else(|| "<unset>".to_string(), format_rfc1123z);
                w.w(1, &format!("{title}:\t{t}\n"));
            }
        }
        None => w.w(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io {:?} not found\n",
                s(node, "metadata.name")
            ),
        ),
    }
    let conditions = arr(node, "status.conditions");
    if !conditions.is_empty() {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    rfc1123z(c, "lastHeartbeatTime"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in arr(node, "status.addresses") {
        w.w(1, &format!("{}:\t{}\n", s(a, "type"), s(a, "address")));
    }
    for (title, path) in [
        ("Capacity", "status.capacity"),
        ("Allocatable", "status.allocatable"),
    ] {
        let list = string_map(node, path);
        if !list.is_empty() {
            w.w(0, &format!("{title}:\n"));
            for (name, q) in list {
                w.w(0, &format!("  {name}:\t{q}\n"));
            }
        }
    }
    w.w(0, "System Info:\n");
    let info = [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ];
    for (title, field) in info {
        w.w(
            0,
            &format!(
                "  {title}:\t{}\n",
                s(node, &format!("status.nodeInfo.{field}"))
            ),
        );
    }
    if !s(node, "spec.podCIDR").is_empty() {
        w.w(0, &format!("PodCIDR:\t{}\n", s(node, "spec.podCIDR")));
    }
    let cidrs: Vec<String> = arr(node, "spec.podCIDRs").iter().map(scalar).collect();
    if !cidrs.is_empty() {
        w.w(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if !s(node, "spec.providerID").is_empty() {
        w.w(0, &format!("ProviderID:\t{}\n", s(node, "spec.providerID")));
    }
    describe_node_resources(w, node, &related.pods);
    describe_events(w, &related.events);
}

/// One `Allocated resources:` row: resource name, node capacity, how to print amounts.
type AllocatedRow = (&'static str, f64, fn(f64) -> String);

/// `Non-terminated Pods:` and `Allocated resources:` of a node.
fn describe_node_resources(w: &mut Writer, node: &Value, pods: &[&Value]) {
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let alloc_path = if obj(node, "status.allocatable").is_some_and(|m| !m.is_empty()) {
        "status.allocatable"
    } else {
        "status.capacity"
    };
    let alloc = |name: &str| {
        at(node, &format!("{alloc_path}.{name}"))
            .and_then(quantity_value)
            .unwrap_or(0.0)
    };
    let (alloc_cpu, alloc_mem, alloc_eph) =
        (alloc("cpu"), alloc("memory"), alloc("ephemeral-storage"));
    let mut total_req: BTreeMap<String, f64> = BTreeMap::new();
    let mut total_lim: BTreeMap<String, f64> = BTreeMap::new();
    for p in pods {
        let (req, lim) = pod_requests_limits(p);
        let get = |m: &BTreeMap<String, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);
        let (cr, cl, mr, ml) = (
            get(&req, "cpu"),
            get(&lim, "cpu"),
            get(&req, "memory"),
            get(&lim, "memory"),
        );
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                s(p, "metadata.namespace"),
                s(p, "metadata.name"),
                cpu_text(cr),
                percent(cr, alloc_cpu),
                cpu_text(cl),
                percent(cl, alloc_cpu),
                bytes_text(mr),
                percent(mr, alloc_mem),
                bytes_text(ml),
                percent(ml, alloc_mem),
                w.since(p, "metadata.creationTimestamp")
            ),
        );
        for (k, v) in req {
            *total_req.entry(k).or_insert(0.0) += v;
        }
        for (k, v) in lim {
            *total_lim.entry(k).or_insert(0.0) += v;
        }
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    let get = |m: &BTreeMap<String, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);
    let rows: [AllocatedRow; 3] = [
        ("cpu", alloc_cpu, cpu_text),
        ("memory", alloc_mem, bytes_text),
        ("ephemeral-storage", alloc_eph, bytes_text),
    ];
    for (name, capacity, fmt) in rows {
        let (r, l) = (get(&total_req, name), get(&total_lim, name));
        w.w(
            1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                fmt(r),
                percent(r, capacity),
                fmt(l),
                percent(l, capacity)
            ),
        );
    }
    let alloc_map = string_map(node, alloc_path);
    for name in alloc_map.keys().filter(|n| n.starts_with("hugepages-")) {
        let (r, l, c) = (get(&total_req, name), get(&total_lim, name), alloc(name));
        w.w(
            1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                bytes_text(r),
                percent(r, c),
                bytes_text(l),
                percent(l, c)
            ),
        );
    }
}
