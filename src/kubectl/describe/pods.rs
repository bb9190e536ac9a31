//! `describePod` and `DescribePodTemplate`, with the pod-level sections they share:
//! volumes, QoS class and topology spread constraints.

use serde_json::Value;
use std::collections::BTreeMap;

use super::containers::{describe_containers, describe_resources};
use super::{
    controlled_by, describe_events, print_annotations, print_labels, print_tolerations, rfc1123z,
    Related, Writer,
};
use crate::kubectl::printers::fields::{
    arr, at, flag, format_label_selector, int, opt_int, quantity_value, s, scalar, string_map, time,
};

/// A `Volumes:` section (`space` = `"  "` inside a Pod Template).
fn describe_volumes(w: &mut Writer, volumes: &[Value], space: &str) {
    if volumes.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.w(1, &format!("{name_indent}{}:\n", s(v, "name")));
        describe_volume_source(w, v);
    }
}

/// The type-specific lines of one volume (at 4 spaces).
pub(super) fn describe_volume_source(w: &mut Writer, v: &Value) {
    if let Some(h) = at(v, "hostPath") {
        let t = match s(h, "type") {
            "" if at(h, "type").is_none() => "<none>",
            t => t,
        };
        w.w(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n",
                s(h, "path")
            ),
        );
    } else if let Some(e) = at(v, "emptyDir") {
        let size = match at(e, "sizeLimit") {
            Some(q) if quantity_value(q).is_some_and(|x| x > 0.0) => scalar(q),
            _ => "<unset>".into(),
        };
        w.w(
            2,
            &format!(
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                s(e, "medium")
            ),
        );
    } else if let Some(sec) = at(v, "secret") {
        w.w(
            2,
            &format!(
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                s(sec, "secretName"),
                flag(sec, "optional")
            ),
        );
    } else if let Some(cm) = at(v, "configMap") {
        w.w(
            2,
            &format!(
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                s(cm, "name"),
                flag(cm, "optional")
            ),
        );
    } else if let Some(c) = at(v, "persistentVolumeClaim") {
        w.w(
            2,
            &format!(
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                s(c, "claimName"),
                flag(c, "readOnly")
            ),
        );
    } else if let Some(d) = at(v, "downwardAPI") {
        w.w(
            2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in arr(d, "items") {
            if let Some(f) = at(item, "fieldRef") {
                w.w(
                    3,
                    &format!("{} -> {}\n", s(f, "fieldPath"), s(item, "path")),
                );
            }
            if let Some(r) = at(item, "resourceFieldRef") {
                w.w(3, &format!("{} -> {}\n", s(r, "resource"), s(item, "path")));
            }
        }
    } else if let Some(p) = at(v, "projected") {
        w.w(
            2,
            "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
        );
        for src in arr(p, "sources") {
            if let Some(sec) = at(src, "secret") {
                w.w(
                    2,
                    &format!(
                        "SecretName:\t{}\n    Optional:\t{}\n",
                        s(sec, "name"),
                        flag(sec, "optional")
                    ),
                );
            } else if at(src, "downwardAPI").is_some() {
                w.w(2, "DownwardAPI:\ttrue\n");
            } else if let Some(cm) = at(src, "configMap") {
                w.w(
                    2,
                    &format!(
                        "ConfigMapName:\t{}\n    Optional:\t{}\n",
                        s(cm, "name"),
                        flag(cm, "optional")
                    ),
                );
            } else if let Some(t) = at(src, "serviceAccountToken") {
                w.w(
                    2,
                    &format!(
                        "TokenExpirationSeconds:\t{}\n",
                        opt_int(t, "expirationSeconds").unwrap_or(3600)
                    ),
                );
            }
        }
    } else if let Some(n) = at(v, "nfs") {
        w.w(
            2,
            &format!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                s(n, "server"),
                s(n, "path"),
                flag(n, "readOnly")
            ),
        );
    } else if let Some(c) = at(v, "csi") {
        w.w(
            2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                s(c, "driver"),
                s(c, "fsType"),
                flag(c, "readOnly")
            ),
        );
    } else {
        w.w(1, "<unknown>\n");
    }
}

/// QoS class: `status.qosClass`, else computed from cpu/memory requests and limits.
fn qos_class(pod: &Value) -> String {
    if !s(pod, "status.qosClass").is_empty() {
        return s(pod, "status.qosClass").to_string();
    }
    let mut requests: BTreeMap<&str, f64> = BTreeMap::new();
    let mut limits: BTreeMap<&str, f64> = BTreeMap::new();
    let mut guaranteed = true;
    let add = |list: &mut BTreeMap<&str, f64>, res: Option<&Value>| {
        for name in ["cpu", "memory"] {
            if let Some(q) = res.and_then(|r| r.get(name)).and_then(quantity_value) {
                if q > 0.0 {
                    *list.entry(name).or_insert(0.0) += q;
                }
            }
        }
    };
    let limits_complete = |res: Option<&Value>| {
        ["cpu", "memory"].iter().all(|n| {
            res.and_then(|r| r.get(*n))
                .and_then(quantity_value)
                .is_some_and(|q| q > 0.0)
        })
    };
    let pod_level = at(pod, "spec.resources").filter(|r| r.is_object());
    if let Some(r) = pod_level {
        add(&mut requests, r.get("requests"));
        if let Some(l) = r.get("limits") {
            add(&mut limits, Some(l));
            guaranteed &= limits_complete(Some(l));
        }
    } else {
        let all = arr(pod, "spec.containers")
            .iter()
            .chain(arr(pod, "spec.initContainers"));
        for c in all {
            add(&mut requests, at(c, "resources.requests"));
            add(&mut limits, at(c, "resources.limits"));
            guaranteed &= limits_complete(at(c, "resources.limits"));
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort".into();
    }
    if guaranteed {
        guaranteed = requests.iter().all(|(n, r)| {
            limits
                .get(n)
                .is_some_and(|l| (l - r).abs() <= f64::EPSILON * r.abs().max(1.0))
        });
    }
    if guaranteed && requests.len() == limits.len() {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

/// `Topology Spread Constraints:` lines (only when set).
fn describe_topology(w: &mut Writer, tscs: &[Value], space: &str) {
    if tscs.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = tscs.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| {
        s(a, "topologyKey").cmp(s(b, "topologyKey"))
    });
    w.w(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{space}\t"));
        }
        let mut line = format!(
            "{}:{} when max skew {} is exceeded",
            s(t, "topologyKey"),
            s(t, "whenUnsatisfiable"),
            int(t, "maxSkew")
        );
        if let Some(sel) = at(t, "labelSelector") {
            line.push_str(&format!(
                " for selector {}",
                format_label_selector(Some(sel))
            ));
        }
        w.w(0, &format!("{line}\n"));
    }
}

// ----------------------------------------------------------------------- Pod

/// `describePod`.
pub(super) fn describe_pod(w: &mut Writer, pod: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pod, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(pod, "metadata.namespace")),
    );
    if let Some(p) = opt_int(pod, "spec.priority") {
        w.w(0, &format!("Priority:\t{p}\n"));
    }
    let optional = [
        ("Priority Class Name", "spec.priorityClassName"),
        ("Runtime Class Name", "spec.runtimeClassName"),
        ("Service Account", "spec.serviceAccountName"),
    ];
    for (title, path) in optional {
        if !s(pod, path).is_empty() {
            w.w(0, &format!("{title}:\t{}\n", s(pod, path)));
        }
    }
    match s(pod, "spec.nodeName") {
        "" => w.w(0, "Node:\t<none>\n"),
        n => w.w(0, &format!("Node:\t{n}/{}\n", s(pod, "status.hostIP"))),
    }
    if time(pod, "status.startTime").is_some() {
        w.w(
            0,
            &format!("Start Time:\t{}\n", rfc1123z(pod, "status.startTime")),
        );
    }
    print_labels(w, "", "Labels", &string_map(pod, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(pod, "metadata.annotations"));
    let phase = s(pod, "status.phase");
    let deleting = at(pod, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null());
    if deleting && phase != "Failed" && phase != "Succeeded" {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                w.since(pod, "metadata.deletionTimestamp")
            ),
        );
        w.w(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                int(pod, "metadata.deletionGracePeriodSeconds")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    for (title, path) in [("Reason", "status.reason"), ("Message", "status.message")] {
        if !s(pod, path).is_empty() {
            w.w(0, &format!("{title}:\t{}\n", s(pod, path)));
        }
    }
    if let Some(sp) = at(pod, "spec.securityContext.seccompProfile") {
        w.w(0, &format!("SeccompProfile:\t{}\n", s(sp, "type")));
        if s(sp, "type") == "Localhost" {
            w.w(
                0,
                &format!("LocalhostProfile:\t{}\n", s(sp, "localhostProfile")),
            );
        }
    }
    w.w(0, &format!("IP:\t{}\n", s(pod, "status.podIP")));
    let ips = arr(pod, "status.podIPs");
    if ips.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        for ip in ips {
            w.w(1, &format!("IP:\t{}\n", s(ip, "ip")));
        }
    }
    if let Some(c) = controlled_by(pod) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if !s(pod, "status.nominatedNodeName").is_empty() {
        w.w(
            0,
            &format!(
                "NominatedNodeName:\t{}\n",
                s(pod, "status.nominatedNodeName")
            ),
        );
    }
    if let Some(r) = at(pod, "spec.resources").filter(|r| r.is_object()) {
        w.w(0, "Resources:\n");
        describe_resources(w, Some(r), 1);
    }
    let inits = arr(pod, "spec.initContainers");
    if !inits.is_empty() {
        let st = arr(pod, "status.initContainerStatuses");
        describe_containers(w, "Init Containers", inits, Some(st), Some(pod), "");
    }
    let st = arr(pod, "status.containerStatuses");
    describe_containers(
        w,
        "Containers",
        arr(pod, "spec.containers"),
        Some(st),
        Some(pod),
        "",
    );
    let ephemeral = arr(pod, "spec.ephemeralContainers");
    if !ephemeral.is_empty() {
        let st = arr(pod, "status.ephemeralContainerStatuses");
        describe_containers(
            w,
            "Ephemeral Containers",
            ephemeral,
            Some(st),
            Some(pod),
            "",
        );
    }
    let conditions = arr(pod, "status.conditions");
    let gates = arr(pod, "spec.readinessGates");
    if !gates.is_empty() {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let t = s(g, "conditionType");
            let status = conditions
                .iter()
                .find(|c| s(c, "type") == t)
                .map_or("<none>", |c| s(c, "status"));
            w.w(1, &format!("{t} \t{status} \n"));
        }
    }
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.w(1, &format!("{} \t{} \n", s(c, "type"), s(c, "status")));
        }
    }
    describe_volumes(w, arr(pod, "spec.volumes"), "");
    w.w(0, &format!("QoS Class:\t{}\n", qos_class(pod)));
    print_labels(
        w,
        "",
        "Node-Selectors",
        &string_map(pod, "spec.nodeSelector"),
    );
    print_tolerations(w, "Tolerations", arr(pod, "spec.tolerations"));
    describe_topology(w, arr(pod, "spec.topologySpreadConstraints"), "");
    describe_events(w, &related.events);
}

/// `DescribePodTemplate` (the `Pod Template:` block of controllers).
pub(super) fn describe_pod_template(w: &mut Writer, template: Option<&Value>) {
    w.w(0, "Pod Template:\n");
    let Some(t) = template.filter(|t| t.is_object()) else {
        w.w(1, "<unset>");
        return;
    };
    print_labels(w, "", "  Labels", &string_map(t, "metadata.labels"));
    let ann = string_map(t, "metadata.annotations");
    if !ann.is_empty() {
        print_annotations(w, "  Annotations", &ann);
    }
    if !s(t, "spec.serviceAccountName").is_empty() {
        w.w(
            1,
            &format!("Service Account:\t{}\n", s(t, "spec.serviceAccountName")),
        );
    }
    let inits = arr(t, "spec.initContainers");
    if !inits.is_empty() {
        describe_containers(w, "Init Containers", inits, None, None, "  ");
    }
    describe_containers(w, "Containers", arr(t, "spec.containers"), None, None, "  ");
    describe_volumes(w, arr(t, "spec.volumes"), "  ");
    describe_topology(w, arr(t, "spec.topologySpreadConstraints"), "  ");
    if !s(t, "spec.priorityClassName").is_empty() {
        w.w(
            1,
            &format!("Priority Class Name:\t{}\n", s(t, "spec.priorityClassName")),
        );
    }
    print_labels(
        w,
        "",
        "  Node-Selectors",
        &string_map(t, "spec.nodeSelector"),
    );
    print_tolerations(w, "  Tolerations", arr(t, "spec.tolerations"));
}
