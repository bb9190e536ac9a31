//! The per-kind table columns of `kubectl get`: header names and cell formulas, as the
//! API server's table printer computes them (k/k `pkg/printers/internalversion/printers.go`),
//! plus kubectl's row decorations (`-A`, `-L`, `--show-labels`, `kind/` name prefix).

use serde_json::Value;

use super::duration::human_duration;
use super::fields::{
    arr, at, controller_ref, flag, format_label_selector, format_labels, int, obj, opt_int, s,
    selector_string, string_map, time,
};

/// Columns of one kind: `(name, wide_only)`. Names are as the server declares them;
/// the header shows them upper-cased.
fn columns(kind: &str) -> &'static [(&'static str, bool)] {
    const AGE: (&str, bool) = ("Age", false);
    const NAME: (&str, bool) = ("Name", false);
    match kind {
        "Pod" => &[
            NAME,
            ("Ready", false),
            ("Status", false),
            ("Restarts", false),
            AGE,
            ("IP", true),
            ("Node", true),
            ("Nominated Node", true),
            ("Readiness Gates", true),
        ],
        "StatefulSet" => &[
            NAME,
            ("Ready", false),
            AGE,
            ("Containers", true),
            ("Images", true),
        ],
        "Deployment" => &[
            NAME,
            ("Ready", false),
            ("Up-to-date", false),
            ("Available", false),
            AGE,
            ("Containers", true),
            ("Images", true),
            ("Selector", true),
        ],
        "ReplicaSet" => &[
            NAME,
            ("Desired", false),
            ("Current", false),
            ("Ready", false),
            AGE,
            ("Containers", true),
            ("Images", true),
            ("Selector", true),
        ],
        "DaemonSet" => &[
            NAME,
            ("Desired", false),
            ("Current", false),
            ("Ready", false),
            ("Up-to-date", false),
            ("Available", false),
            ("Node Selector", false),
            AGE,
            ("Containers", true),
            ("Images", true),
            ("Selector", true),
        ],
        "Node" => &[
            NAME,
            ("Status", false),
            ("Roles", false),
            AGE,
            ("Version", false),
            ("Internal-IP", true),
            ("External-IP", true),
            ("OS-Image", true),
            ("Kernel-Version", true),
            ("Container-Runtime", true),
        ],
        "Service" => &[
            NAME,
            ("Type", false),
            ("Cluster-IP", false),
            ("External-IP", false),
            ("Port(s)", false),
            AGE,
            ("Selector", true),
        ],
        "PersistentVolumeClaim" => &[
            NAME,
            ("Status", false),
            ("Volume", false),
            ("Capacity", false),
            ("Access Modes", false),
            ("StorageClass", false),
            ("VolumeAttributesClass", false),
            AGE,
            ("VolumeMode", true),
        ],
        "PersistentVolume" => &[
            NAME,
            ("Capacity", false),
            ("Access Modes", false),
            ("Reclaim Policy", false),
            ("Status", false),
            ("Claim", false),
            ("StorageClass", false),
            ("VolumeAttributesClass", false),
            ("Reason", false),
            AGE,
            ("VolumeMode", true),
        ],
        "ControllerRevision" => &[NAME, ("Controller", false), ("Revision", false), AGE],
        "Event" => &[
            ("Last Seen", false),
            ("Type", false),
            ("Reason", false),
            ("Object", false),
            ("Subobject", true),
            ("Source", true),
            ("Message", false),
            ("First Seen", true),
            ("Count", true),
            ("Name", true),
        ],
        "Namespace" => &[NAME, ("Status", false), AGE],
        "ConfigMap" => &[NAME, ("Data", false), AGE],
        "Secret" => &[NAME, ("Type", false), ("Data", false), AGE],
        "Endpoints" => &[NAME, ("Endpoints", false), AGE],
        "ResourceQuota" => &[NAME, AGE, ("Request", false), ("Limit", false)],
        "ServiceAccount" => &[NAME, ("Secrets", false), AGE],
        "StorageClass" => &[
            NAME,
            ("Provisioner", false),
            ("ReclaimPolicy", false),
            ("VolumeBindingMode", false),
            ("AllowVolumeExpansion", false),
            AGE,
        ],
        "Job" => &[
            NAME,
            ("Status", false),
            ("Completions", false),
            ("Duration", false),
            AGE,
            ("Containers", true),
            ("Images", true),
            ("Selector", true),
        ],
        _ => &[NAME, AGE],
    }
}

/// The header cells of `kubectl get` for `kind` (upper-cased column names).
pub fn header(kind: &str, wide: bool) -> Vec<String> {
    columns(kind)
        .iter()
        .filter(|(_, wide_only)| wide || !wide_only)
        .map(|(name, _)| name.to_uppercase())
        .collect()
}

/// The cells of one object's row, in header order. Wide-only cells are dropped unless
/// `wide`; the server computes all of them and kubectl hides priority-1 columns.
pub fn row(kind: &str, obj: &Value, now_ms: i64, wide: bool) -> Vec<String> {
    let all = all_cells(kind, obj, now_ms, wide);
    columns(kind)
        .iter()
        .zip(all)
        .filter(|((_, wide_only), _)| wide || !wide_only)
        .map(|(_, cell)| cell)
        .collect()
}

/// Index of the NAME column (the one that gets the `kind.group/` prefix), if shown.
fn name_column(kind: &str, wide: bool) -> Option<usize> {
    columns(kind)
        .iter()
        .filter(|(_, wide_only)| wide || !wide_only)
        .position(|(name, _)| *name == "Name")
}

/// Options that decorate a `kubectl get` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`: show priority-1 columns.
    pub wide: bool,
    /// `--show-labels`: a final LABELS column.
    pub show_labels: bool,
    /// `-L key,...`: one column per label key.
    pub label_columns: Vec<String>,
    /// `-A`: a leading NAMESPACE column.
    pub all_namespaces: bool,
    /// `kind[.group]` to prefix names with (`statefulset.apps` → `statefulset.apps/web`),
    /// used when several resource types are printed.
    pub with_kind_prefix: Option<String>,
}

/// Header + rows for `objs` of one kind, decorated per `opts`. No rows → no header.
pub fn table(kind: &str, objs: &[&Value], now_ms: i64, opts: &TableOptions) -> Vec<Vec<String>> {
    if objs.is_empty() {
        return Vec::new();
    }
    let mut head = header(kind, opts.wide);
    decorate_header(&mut head, opts);
    let name_col = name_column(kind, opts.wide);
    let mut out = vec![head];
    for o in objs {
        let mut cells = row(kind, o, now_ms, opts.wide);
        if let (Some(prefix), Some(i)) = (&opts.with_kind_prefix, name_col) {
            if let Some(cell) = cells.get_mut(i) {
                *cell = format!("{prefix}/{cell}");
            }
        }
        decorate_row(&mut cells, o, opts);
        out.push(cells);
    }
    out
}

/// Adds the NAMESPACE, `-L` and LABELS headers.
fn decorate_header(head: &mut Vec<String>, opts: &TableOptions) {
    if opts.all_namespaces {
        head.insert(0, "NAMESPACE".into());
    }
    for key in &opts.label_columns {
        let short = key.rsplit('/').next().unwrap_or(key);
        head.push(short.to_uppercase());
    }
    if opts.show_labels {
        head.push("LABELS".into());
    }
}

/// Adds the namespace, `-L` and labels cells of one object.
fn decorate_row(cells: &mut Vec<String>, o: &Value, opts: &TableOptions) {
    if opts.all_namespaces {
        cells.insert(0, s(o, "metadata.namespace").to_string());
    }
    let labels = string_map(o, "metadata.labels");
    for key in &opts.label_columns {
        cells.push(labels.get(key).cloned().unwrap_or_default());
    }
    if opts.show_labels {
        cells.push(format_labels(&labels));
    }
}

/// `HumanDuration(now − t)` for the timestamp at `path`, or `<unknown>` when absent.
fn since(o: &Value, path: &str, now_ms: i64) -> String {
    since_ms(time(o, path), now_ms)
}

/// `HumanDuration(now − t)`, or `<unknown>` for a zero/absent time.
fn since_ms(t: Option<i64>, now_ms: i64) -> String {
    match t {
        Some(t) => human_duration(now_ms - t),
        None => "<unknown>".into(),
    }
}

/// AGE: time since `metadata.creationTimestamp`.
fn age(o: &Value, now_ms: i64) -> String {
    since(o, "metadata.creationTimestamp", now_ms)
}

/// Every cell the server computes for `kind`, wide ones included.
fn all_cells(kind: &str, o: &Value, now: i64, wide: bool) -> Vec<String> {
    let name = s(o, "metadata.name").to_string();
    match kind {
        "Pod" => pod_cells(o, now),
        "StatefulSet" => {
            let (c, i) = containers_and_images(o);
            vec![
                name,
                format!("{}/{}", int(o, "status.readyReplicas"), replicas(o)),
                age(o, now),
                c,
                i,
            ]
        }
        "Deployment" => {
            let (c, i) = containers_and_images(o);
            vec![
                name,
                format!("{}/{}", int(o, "status.readyReplicas"), replicas(o)),
                int(o, "status.updatedReplicas").to_string(),
                int(o, "status.availableReplicas").to_string(),
                age(o, now),
                c,
                i,
                at(o, "spec.selector")
                    .map(selector_string)
                    .unwrap_or_default(),
            ]
        }
        "ReplicaSet" => {
            let (c, i) = containers_and_images(o);
            vec![
                name,
                replicas(o).to_string(),
                int(o, "status.replicas").to_string(),
                int(o, "status.readyReplicas").to_string(),
                age(o, now),
                c,
                i,
                format_label_selector(at(o, "spec.selector")),
            ]
        }
        "DaemonSet" => {
            let (c, i) = containers_and_images(o);
            vec![
                name,
                int(o, "status.desiredNumberScheduled").to_string(),
                int(o, "status.currentNumberScheduled").to_string(),
                int(o, "status.numberReady").to_string(),
                int(o, "status.updatedNumberScheduled").to_string(),
                int(o, "status.numberAvailable").to_string(),
                format_labels(&string_map(o, "spec.template.spec.nodeSelector")),
                age(o, now),
                c,
                i,
                format_label_selector(at(o, "spec.selector")),
            ]
        }
        "Node" => node_cells(o, now),
        "Service" => service_cells(o, now, wide),
        "PersistentVolumeClaim" => pvc_cells(o, now),
        "PersistentVolume" => pv_cells(o, now),
        "ControllerRevision" => {
            let controller = controller_ref(o)
                .map(|r| {
                    let group = s(r, "apiVersion").rsplit_once('/').map(|(g, _)| g);
                    let kind = s(r, "kind").to_lowercase();
                    let gk = match group {
                        Some(g) if !g.is_empty() => format!("{kind}.{g}"),
                        _ => kind,
                    };
                    format!("{gk}/{}", s(r, "name"))
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                controller,
                int(o, "revision").to_string(),
                age(o, now),
            ]
        }
        "Event" => event_cells(o, now),
        "Namespace" => vec![name, s(o, "status.phase").to_string(), age(o, now)],
        "ConfigMap" => {
            let n =
                obj(o, "data").map_or(0, |m| m.len()) + obj(o, "binaryData").map_or(0, |m| m.len());
            vec![name, n.to_string(), age(o, now)]
        }
        "Secret" => vec![
            name,
            s(o, "type").to_string(),
            obj(o, "data").map_or(0, |m| m.len()).to_string(),
            age(o, now),
        ],
        "Endpoints" => vec![name, format_endpoints(o), age(o, now)],
        "ResourceQuota" => {
            let (req, lim) = quota_columns(o);
            vec![name, age(o, now), req, lim]
        }
        "ServiceAccount" => vec![name, arr(o, "secrets").len().to_string(), age(o, now)],
        "StorageClass" => storage_class_cells(o, now),
        "Job" => job_cells(o, now),
        _ => vec![name, age(o, now)],
    }
}

/// `spec.replicas`, defaulted to 1 as the API server does.
fn replicas(o: &Value) -> i64 {
    opt_int(o, "spec.replicas").unwrap_or(1)
}

/// CONTAINERS and IMAGES of a pod template: names / images joined by `,`.
fn containers_and_images(o: &Value) -> (String, String) {
    let cs = arr(o, "spec.template.spec.containers");
    let names: Vec<&str> = cs.iter().map(|c| s(c, "name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "image")).collect();
    (names.join(","), images.join(","))
}

/// What the pod printer derives from a pod's status.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PodSummary {
    ready: u32,
    total: u32,
    status: String,
    restarts: u64,
    /// Latest `lastState.terminated.finishedAt` among the counted containers.
    last_restart_ms: Option<i64>,
}

/// A container spec is a sidecar: an init container with `restartPolicy: Always`.
fn is_sidecar(spec: Option<&Value>) -> bool {
    spec.is_some_and(|c| s(c, "restartPolicy") == "Always")
}

/// The pod has condition `type` with status `True`.
fn has_true_condition(pod: &Value, kind: &str) -> bool {
    arr(pod, "status.conditions")
        .iter()
        .any(|c| s(c, "type") == kind && s(c, "status") == "True")
}

/// Later of two optional instants.
fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `Signal:n` / `ExitCode:n` for a terminated state without a reason.
fn exit_text(term: &Value) -> String {
    let signal = int(term, "signal");
    if signal != 0 {
        format!("Signal:{signal}")
    } else {
        format!("ExitCode:{}", int(term, "exitCode"))
    }
}

/// The pod STATUS / READY / RESTARTS computation of `printPod`.
fn pod_summary(pod: &Value) -> PodSummary {
    let init_specs = arr(pod, "spec.initContainers");
    let init_spec = |name: &str| init_specs.iter().find(|c| s(c, "name") == name);
    let mut total = arr(pod, "spec.containers").len() as u32;
    total += init_specs.iter().filter(|c| is_sidecar(Some(c))).count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u64;
    let mut sidecar_restarts = 0u64;
    let mut last: Option<i64> = None;
    let mut sidecar_last: Option<i64> = None;

    let phase = s(pod, "status.phase");
    let mut reason = match s(pod, "status.reason") {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    for c in arr(pod, "status.conditions") {
        if s(c, "type") == "PodScheduled" && s(c, "reason") == "SchedulingGated" {
            reason = "SchedulingGated".into();
        }
    }

    let mut initializing = false;
    for (i, st) in arr(pod, "status.initContainerStatuses").iter().enumerate() {
        let count = int(st, "restartCount").max(0) as u64;
        let finished = time(st, "lastState.terminated.finishedAt");
        restarts += count;
        last = later(last, finished);
        let sidecar = is_sidecar(init_spec(s(st, "name")));
        if sidecar {
            sidecar_restarts += count;
            sidecar_last = later(sidecar_last, finished);
        }
        let term = at(st, "state.terminated");
        let waiting_reason = s(st, "state.waiting.reason");
        if term.is_some_and(|t| int(t, "exitCode") == 0) {
            continue;
        }
        if sidecar && flag(st, "started") {
            if flag(st, "ready") {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = term {
            match s(t, "reason") {
                "" => format!("Init:{}", exit_text(t)),
                r => format!("Init:{r}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || has_true_condition(pod, "Initialized") {
        restarts = sidecar_restarts;
        last = sidecar_last;
        let mut has_running = false;
        for st in arr(pod, "status.containerStatuses").iter().rev() {
            restarts += int(st, "restartCount").max(0) as u64;
            last = later(last, time(st, "lastState.terminated.finishedAt"));
            let waiting_reason = s(st, "state.waiting.reason");
            let term = at(st, "state.terminated");
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(t) = term {
                reason = match s(t, "reason") {
                    "" => exit_text(t),
                    r => r.to_string(),
                };
            } else if flag(st, "ready") && at(st, "state.running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_true_condition(pod, "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if at(pod, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        if s(pod, "status.reason") == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }

    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        last_restart_ms: last,
    }
}

/// The pod's STATUS column as `kubectl get pods` shows it (`Running`, `Init:0/1`,
/// `CrashLoopBackOff`, `Terminating`, ...).
pub fn pod_status(pod: &Value) -> String {
    pod_summary(pod).status
}

/// The pod's READY column as `(ready, total)`.
pub fn pod_ready(pod: &Value) -> (u32, u32) {
    let p = pod_summary(pod);
    (p.ready, p.total)
}

/// The number in the pod's RESTARTS column.
pub fn pod_restarts(pod: &Value) -> u64 {
    pod_summary(pod).restarts
}

/// All cells of a pod row (wide included).
fn pod_cells(pod: &Value, now: i64) -> Vec<String> {
    let p = pod_summary(pod);
    let restarts = match p.last_restart_ms {
        Some(t) if p.restarts != 0 => format!("{} ({} ago)", p.restarts, human_duration(now - t)),
        _ => p.restarts.to_string(),
    };
    let or_none = |v: &str| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.to_string()
        }
    };
    let ip = arr(pod, "status.podIPs").first().map_or("", |i| s(i, "ip"));
    let gates = arr(pod, "spec.readinessGates");
    let gates_cell = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let conds = arr(pod, "status.conditions");
        let true_count = gates
            .iter()
            .filter(|g| {
                conds
                    .iter()
                    .find(|c| s(c, "type") == s(g, "conditionType"))
                    .is_some_and(|c| s(c, "status") == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    vec![
        s(pod, "metadata.name").to_string(),
        format!("{}/{}", p.ready, p.total),
        p.status,
        restarts,
        age(pod, now),
        or_none(ip),
        or_none(s(pod, "spec.nodeName")),
        or_none(s(pod, "status.nominatedNodeName")),
        gates_cell,
    ]
}

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
fn node_cells(node: &Value, now: i64) -> Vec<String> {
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
            crate::engine::sort::sort(&mut lb);
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
fn service_cells(svc: &Value, now: i64, wide: bool) -> Vec<String> {
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

/// Access modes as `RWO,ROX,RWX,RWOP` in that fixed order.
pub(crate) fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The storage class of a PVC or PV: the beta annotation, else `spec.storageClassName`.
pub(crate) fn storage_class(o: &Value) -> String {
    let ann = string_map(o, "metadata.annotations");
    match ann.get("volume.beta.kubernetes.io/storage-class") {
        Some(c) => c.clone(),
        None => s(o, "spec.storageClassName").to_string(),
    }
}

/// A quantity field as `Quantity.String()` prints it; `0` when absent.
pub(crate) fn quantity(o: &Value, path: &str) -> String {
    match at(o, path) {
        Some(Value::String(q)) => q.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

/// `<unset>` for an empty optional string.
fn or_unset(v: &str) -> String {
    if v.is_empty() {
        "<unset>".into()
    } else {
        v.to_string()
    }
}

/// `Terminating` when a deletion timestamp is set, else `status.phase`.
fn phase_or_terminating(o: &Value) -> String {
    if at(o, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        "Terminating".into()
    } else {
        s(o, "status.phase").to_string()
    }
}

/// All cells of a PVC row; CAPACITY / ACCESS MODES stay empty while unbound.
fn pvc_cells(pvc: &Value, now: i64) -> Vec<String> {
    let volume = s(pvc, "spec.volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(pvc, "status.capacity.storage"),
            access_modes(arr(pvc, "status.accessModes")),
        )
    };
    vec![
        s(pvc, "metadata.name").to_string(),
        phase_or_terminating(pvc),
        volume.to_string(),
        capacity,
        modes,
        storage_class(pvc),
        or_unset(s(pvc, "spec.volumeAttributesClassName")),
        age(pvc, now),
        or_unset(s(pvc, "spec.volumeMode")),
    ]
}

/// All cells of a PV row.
fn pv_cells(pv: &Value, now: i64) -> Vec<String> {
    let claim = match at(pv, "spec.claimRef") {
        Some(r) if r.is_object() => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        _ => String::new(),
    };
    vec![
        s(pv, "metadata.name").to_string(),
        quantity(pv, "spec.capacity.storage"),
        access_modes(arr(pv, "spec.accessModes")),
        s(pv, "spec.persistentVolumeReclaimPolicy").to_string(),
        phase_or_terminating(pv),
        claim,
        storage_class(pv),
        or_unset(s(pv, "spec.volumeAttributesClassName")),
        s(pv, "status.reason").to_string(),
        age(pv, now),
        or_unset(s(pv, "spec.volumeMode")),
    ]
}

/// All cells of an event row (wide order).
fn event_cells(ev: &Value, now: i64) -> Vec<String> {
    let first_t = time(ev, "firstTimestamp").or_else(|| time(ev, "eventTime"));
    let first = since_ms(first_t, now);
    let mut last = match time(ev, "lastTimestamp") {
        Some(t) => since_ms(Some(t), now),
        None => first.clone(),
    };
    let mut count = int(ev, "count");
    if at(ev, "series").is_some_and(Value::is_object) {
        last = since(ev, "series.lastObservedTime", now);
        count = int(ev, "series.count");
    } else if count == 0 {
        count = 1;
    }
    let kind = s(ev, "involvedObject.kind").to_lowercase();
    let target = match s(ev, "involvedObject.name") {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let first_non_empty = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let component = first_non_empty(s(ev, "source.component"), s(ev, "reportingComponent"));
    let component = if component.is_empty() {
        s(ev, "reportingController").to_string()
    } else {
        component
    };
    let instance = first_non_empty(s(ev, "source.host"), s(ev, "reportingInstance"));
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        s(ev, "type").to_string(),
        s(ev, "reason").to_string(),
        target,
        s(ev, "involvedObject.fieldPath").to_string(),
        source,
        s(ev, "message").trim().to_string(),
        first,
        count.to_string(),
        s(ev, "metadata.name").to_string(),
    ]
}

/// ENDPOINTS of a core/v1 Endpoints object: up to 3 `ip:port`, then ` + N more...`.
fn format_endpoints(ep: &Value) -> String {
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

/// REQUEST and LIMIT of a ResourceQuota: `name: used/hard` joined by `, `.
fn quota_columns(q: &Value) -> (String, String) {
    let hard = string_map(q, "spec.hard");
    let mut req = Vec::new();
    let mut lim = Vec::new();
    for (name, h) in &hard {
        let used = string_map(q, "status.used")
            .get(name)
            .cloned()
            .unwrap_or_else(|| "0".into());
        let text = format!("{name}: {used}/{h}");
        if name.starts_with("limits.") {
            lim.push(text);
        } else {
            req.push(text);
        }
    }
    (req.join(", "), lim.join(", "))
}

/// All cells of a StorageClass row; `(default)` marks the default class.
fn storage_class_cells(sc: &Value, now: i64) -> Vec<String> {
    let ann = string_map(sc, "metadata.annotations");
    let is_default = ann
        .get("storageclass.kubernetes.io/is-default-class")
        .map(String::as_str)
        == Some("true")
        || ann
            .get("storageclass.beta.kubernetes.io/is-default-class")
            .map(String::as_str)
            == Some("true");
    let mut name = s(sc, "metadata.name").to_string();
    if is_default {
        name.push_str(" (default)");
    }
    let or = |v: &str, d: &str| {
        if v.is_empty() {
            d.to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        name,
        s(sc, "provisioner").to_string(),
        or(s(sc, "reclaimPolicy"), "Delete"),
        or(s(sc, "volumeBindingMode"), "Immediate"),
        flag(sc, "allowVolumeExpansion").to_string(),
        age(sc, now),
    ]
}

/// All cells of a Job row.
fn job_cells(job: &Value, now: i64) -> Vec<String> {
    let succeeded = int(job, "status.succeeded");
    let completions = match opt_int(job, "spec.completions") {
        Some(c) => format!("{succeeded}/{c}"),
        None => match opt_int(job, "spec.parallelism").unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (
        time(job, "status.startTime"),
        time(job, "status.completionTime"),
    ) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now - start),
        (Some(start), Some(end)) => human_duration(end - start),
    };
    let has = |t: &str| {
        arr(job, "status.conditions")
            .iter()
            .any(|c| s(c, "type") == t && s(c, "status") == "True")
    };
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if at(job, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let (c, i) = containers_and_images(job);
    vec![
        s(job, "metadata.name").to_string(),
        status.to_string(),
        completions,
        duration,
        age(job, now),
        c,
        i,
        format_label_selector(at(job, "spec.selector")),
    ]
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
