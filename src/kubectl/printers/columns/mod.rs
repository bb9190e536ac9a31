//! The per-kind table columns of `kubectl get`: header names and cell formulas, as the
//! API server's table printer computes them (k/k `pkg/printers/internalversion/printers.go`),
//! plus kubectl's row decorations (`-A`, `-L`, `--show-labels`, `kind/` name prefix).

pub(crate) mod autoscaling;
mod batch;
mod events;
pub(crate) mod networking;
pub(crate) mod nodes;
pub mod pods;
mod rbac;
pub(crate) mod service;
pub(crate) mod storage;

use serde_json::Value;

use super::duration::human_duration;
use super::fields::{
    arr, at, controller_ref, format_label_selector, format_labels, int, obj, opt_int, s,
    selector_string, string_map, time,
};
use autoscaling::hpa_cells;
use batch::{cronjob_cells, job_cells};
use events::event_cells;
use nodes::node_cells;
use pods::pod_cells;
use rbac::role_binding_cells;
use service::{format_endpoints, service_cells};
use storage::{pv_cells, pvc_cells, storage_class_cells};

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
        "EndpointSlice" => &[
            NAME,
            ("AddressType", false),
            ("Ports", false),
            ("Endpoints", false),
            AGE,
        ],
        "NetworkPolicy" => &[NAME, ("Pod-Selector", false), AGE],
        "Ingress" => &[
            NAME,
            ("Class", false),
            ("Hosts", false),
            ("Address", false),
            ("Ports", false),
            AGE,
        ],
        "IngressClass" => &[NAME, ("Controller", false), ("Parameters", false), AGE],
        "ResourceQuota" => &[NAME, ("Request", false), ("Limit", false), AGE],
        // No printer in printers.go: the server's default table (`DefaultTableConvertor`).
        "LimitRange" | "Role" | "ClusterRole" => &[NAME, ("Created At", false)],
        "RoleBinding" | "ClusterRoleBinding" => &[
            NAME,
            ("Role", false),
            AGE,
            ("Users", true),
            ("Groups", true),
            ("ServiceAccounts", true),
        ],
        "ServiceAccount" => &[NAME, ("Secrets", false), AGE],
        "StorageClass" => &[
            NAME,
            ("Provisioner", false),
            ("ReclaimPolicy", false),
            ("VolumeBindingMode", false),
            ("AllowVolumeExpansion", false),
            AGE,
        ],
        "CronJob" => &[
            NAME,
            ("Schedule", false),
            ("Timezone", false),
            ("Suspend", false),
            ("Active", false),
            ("Last Schedule", false),
            AGE,
            ("Containers", true),
            ("Images", true),
            ("Selector", true),
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
        "HorizontalPodAutoscaler" => &[
            NAME,
            ("Reference", false),
            ("Targets", false),
            ("MinPods", false),
            ("MaxPods", false),
            ("Replicas", false),
            AGE,
        ],
        "PodDisruptionBudget" => &[
            NAME,
            ("Min Available", false),
            ("Max Unavailable", false),
            ("Allowed Disruptions", false),
            AGE,
        ],
        // metrics-server's ConvertToTable (its resource columns are lower-case).
        "PodMetrics" | "NodeMetrics" => {
            &[NAME, ("cpu", false), ("memory", false), ("Window", false)]
        }
        _ => &[NAME, AGE],
    }
}

/// The header cells of `kubectl get` for `kind` (upper-cased column names).
/// The server's column definitions of `kind`: `(name, wide_only)`; wide-only columns are
/// the Table's priority-1 columns (`kubeplay serve` sends them as the server does).
pub fn definitions(kind: &str) -> &'static [(&'static str, bool)] {
    columns(kind)
}

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
        "PodMetrics" | "NodeMetrics" => crate::kubectl::metrics_server::cells(o),
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
        "EndpointSlice" => vec![
            name,
            s(o, "addressType").to_string(),
            service::format_discovery_ports(o),
            service::format_discovery_endpoints(o),
            age(o, now),
        ],
        "Ingress" => networking::ingress_cells(o, now, wide),
        "IngressClass" => networking::ingress_class_cells(o, now),
        "NetworkPolicy" => vec![
            name,
            format_label_selector(at(o, "spec.podSelector")),
            age(o, now),
        ],
        "ResourceQuota" => {
            let (req, lim) = quota_columns(o);
            vec![name, req, lim, age(o, now)]
        }
        "ServiceAccount" => vec![name, arr(o, "secrets").len().to_string(), age(o, now)],
        // The default table prints the creation time itself, RFC 3339 in UTC.
        "LimitRange" | "Role" | "ClusterRole" => {
            vec![name, s(o, "metadata.creationTimestamp").to_string()]
        }
        "RoleBinding" | "ClusterRoleBinding" => role_binding_cells(o, now),
        "StorageClass" => storage_class_cells(o, now),
        "Job" => job_cells(o, now),
        "CronJob" => cronjob_cells(o, now),
        "HorizontalPodAutoscaler" => hpa_cells(o, now),
        "PodDisruptionBudget" => {
            // An unset bound prints N/A; an IntOrString prints bare either way.
            let bound = |field: &str| match o.get("spec").and_then(|s| s.get(field)) {
                Some(Value::String(v)) => v.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => "N/A".to_string(),
            };
            vec![
                name,
                bound("minAvailable"),
                bound("maxUnavailable"),
                opt_int(o, "status.disruptionsAllowed")
                    .unwrap_or(0)
                    .to_string(),
                age(o, now),
            ]
        }
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

#[cfg(test)]
mod tests;
