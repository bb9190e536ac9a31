//! `kubectl describe`: the text kubectl v1.34 prints for one object, as a pure function
//! of the object, the related objects describe looks up, and "now".
//!
//! Text is written with `\t` between cells and aligned block by block by Go's
//! `text/tabwriter` rules (`format_tabbed`); a flush (before an Events table) ends the
//! pending blocks, exactly where kubectl's `DescribeEvents` flushes.
//!
//! This module dispatches on the kind and holds the sections every describer shares
//! (labels, annotations, tolerations, taints, events); each kind family has its own
//! describer file, as in kubectl's describe.go: `pods` (and the Pod Template the workload
//! controllers reuse), `containers`, `apps`, `service`, `nodes`, `storage`, `config`, and
//! `generic` for everything else.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::engine::time::format_rfc1123z;
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::fields::{at, controller_ref, int, opt_int, s, scalar, time};
use crate::kubectl::printers::tabwriter::format_tabbed;

mod apps;
mod autoscaling;
mod batch;
mod config;
mod containers;
mod discovery;
mod generic;
mod networking;
mod nodes;
mod pods;
mod policy;
mod rbac;
pub(crate) use rbac::access_rows;
mod service;
mod storage;

use apps::{describe_daemonset, describe_deployment, describe_replicaset, describe_statefulset};
use batch::{describe_cronjob, describe_job};
use config::{
    describe_configmap, describe_limit_range, describe_namespace, describe_quota, describe_secret,
};
use generic::describe_generic;
use nodes::describe_node;
use pods::{describe_pod, describe_pod_template};
use service::describe_service;
use storage::{describe_pv, describe_pvc};

/// What describe needs besides the object itself.
#[derive(Debug, Clone, Default)]
pub struct Related<'a> {
    /// core/v1 Events whose involvedObject is this object.
    pub events: Vec<&'a Value>,
    /// Pods selected by a controller (Pods Status counts only those it controls), or the
    /// non-terminated pods on a Node.
    pub pods: Vec<&'a Value>,
    /// ReplicaSets matching a Deployment's selector (OldReplicaSets / NewReplicaSet).
    pub replica_sets: Vec<&'a Value>,
    /// The EndpointSlices of a Service (`kubernetes.io/service-name`); of an Ingress's
    /// namespace.
    pub endpoints: Vec<&'a Value>,
    /// For a PersistentVolumeClaim: the pods that use it (`Used By:`).
    pub pvcs: Vec<&'a Value>,
    /// For a Node: its Lease in `kube-node-lease`, if it exists.
    pub lease: Option<&'a Value>,
    /// For a Namespace: its ResourceQuotas.
    pub quotas: Vec<&'a Value>,
    /// For a Namespace: its LimitRanges, by name.
    pub limit_ranges: Vec<&'a Value>,
    /// For an Ingress: the Services of its namespace (its backends are looked up by name,
    /// their endpoints in `endpoints`).
    pub services: Vec<&'a Value>,
}

/// The `kubectl describe` text of `obj` (ends with a newline, like kubectl's).
pub fn describe(obj: &Value, related: &Related, now_ms: i64) -> String {
    let mut w = Writer::new(now_ms);
    match s(obj, "kind") {
        "Pod" => describe_pod(&mut w, obj, related),
        "StatefulSet" => describe_statefulset(&mut w, obj, related),
        "Deployment" => describe_deployment(&mut w, obj, related),
        "ReplicaSet" => describe_replicaset(&mut w, obj, related),
        "DaemonSet" => describe_daemonset(&mut w, obj, related),
        "Service" => describe_service(&mut w, obj, related),
        "Node" => describe_node(&mut w, obj, related),
        "PersistentVolumeClaim" => describe_pvc(&mut w, obj, related),
        "PersistentVolume" => describe_pv(&mut w, obj, related),
        "Namespace" => describe_namespace(&mut w, obj, &related.quotas, &related.limit_ranges),
        "ConfigMap" => describe_configmap(&mut w, obj, related),
        "Job" => describe_job(&mut w, obj, related),
        "CronJob" => describe_cronjob(&mut w, obj, related),
        "HorizontalPodAutoscaler" => autoscaling::describe_hpa(&mut w, obj, related),
        "PodDisruptionBudget" => policy::describe_pdb(&mut w, obj, related),
        "Secret" => describe_secret(&mut w, obj),
        "ResourceQuota" => describe_quota(&mut w, obj),
        "LimitRange" => describe_limit_range(&mut w, obj),
        "Role" | "ClusterRole" => rbac::describe_role(&mut w, obj),
        "RoleBinding" | "ClusterRoleBinding" => rbac::describe_role_binding(&mut w, obj),
        "NetworkPolicy" => networking::describe_network_policy(&mut w, obj),
        "Ingress" => networking::describe_ingress(&mut w, obj, related),
        "IngressClass" => networking::describe_ingress_class(&mut w, obj, related),
        "EndpointSlice" => discovery::describe_endpoint_slice(&mut w, obj, related),
        _ => describe_generic(&mut w, obj, related),
    }
    w.finish()
}

/// kubectl's `PrefixWriter` over a `text/tabwriter`: text accumulates until a flush.
struct Writer {
    done: String,
    pending: String,
    now: i64,
}

impl Writer {
    fn new(now: i64) -> Self {
        Writer {
            done: String::new(),
            pending: String::new(),
            now,
        }
    }

    /// Writes `text` prefixed by `level` two-space indents.
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }

    /// Aligns and emits everything written so far (ends all tab blocks).
    fn flush(&mut self) {
        self.done.push_str(&format_tabbed(&self.pending));
        self.pending.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.done
    }

    /// `HumanDuration(now − t)` for the timestamp at `path`, `<unknown>` if absent.
    fn since(&self, v: &Value, path: &str) -> String {
        match time(v, path) {
            Some(t) => human_duration(self.now - t),
            None => "<unknown>".into(),
        }
    }
}

/// RFC1123Z of the timestamp at `path`; Go's zero time when absent.
fn rfc1123z(v: &Value, path: &str) -> String {
    match time(v, path) {
        Some(t) => format_rfc1123z(t),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

/// `Labels:`-style map: first `k=v` on the title line, the rest on lines starting with a tab.
fn print_labels(w: &mut Writer, initial_indent: &str, title: &str, map: &BTreeMap<String, String>) {
    w.w(0, &format!("{initial_indent}{title}:\t"));
    if map.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in map.iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{initial_indent}\t"));
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

/// Annotations never shown by describe.
const SKIP_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];
/// Longest `key: value` kept on one line.
const MAX_ANNOTATION_LEN: usize = 140;

/// `s` cut to `max` bytes (on a char boundary) plus `...` when longer.
fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// `Annotations:` block: long or multi-line values go on indented lines below `key:`.
fn print_annotations(w: &mut Writer, title: &str, map: &BTreeMap<String, String>) {
    w.w(0, &format!("{title}:\t"));
    let keys: Vec<&String> = map
        .keys()
        .filter(|k| !SKIP_ANNOTATIONS.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let raw = map.get(key).map(String::as_str).unwrap_or("");
        let value = raw.strip_suffix('\n').unwrap_or(raw);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.w(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                w.w(
                    0,
                    &format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.w(0, &format!("{key}: {value}\n"));
        }
    }
}

/// `Tolerations:` block, sorted by key.
fn print_tolerations(w: &mut Writer, title: &str, tolerations: &[Value]) {
    w.w(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| s(a, "key").cmp(s(b, "key")));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let (key, value, effect) = (s(t, "key"), s(t, "value"), s(t, "effect"));
        let mut line = key.to_string();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        if s(t, "operator") == "Exists" && value.is_empty() {
            line.push_str(if key.is_empty() && effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(secs) = opt_int(t, "tolerationSeconds") {
            line.push_str(&format!(" for {secs}s"));
        }
        w.w(0, &format!("{line}\n"));
    }
}

/// `Taints:` block, sorted by `effect,key`; each taint as `key[=value]:effect`.
fn print_taints(w: &mut Writer, taints: &[Value]) {
    w.w(0, "Taints:\t");
    if taints.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = taints.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |t| {
        format!("{},{}", s(t, "effect"), s(t, "key"))
    });
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let value = match s(t, "value") {
            "" => String::new(),
            v => format!("={v}"),
        };
        w.w(0, &format!("{}{value}:{}\n", s(t, "key"), s(t, "effect")));
    }
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_slice(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(scalar).collect();
    format!("[{}]", parts.join(" "))
}

/// `Kind/name` of the controller ownerReference, if any.
fn controlled_by(o: &Value) -> Option<String> {
    controller_ref(o).map(|r| format!("{}/{}", s(r, "kind"), s(r, "name")))
}

/// The `Events:` section: `<none>` joins the current block; a table is flushed first.
fn describe_events(w: &mut Writer, events: &[&Value]) {
    if events.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    // `sort.Sort(event.SortableEvents(…))`: not stable, so events of the same second end
    // where Go's pdqsort leaves them.
    let mut sorted: Vec<&Value> = events.to_vec();
    let last = |e: &Value| time(e, "lastTimestamp").unwrap_or(i64::MIN);
    crate::kubectl::printers::go_sort::sort(&mut sorted, |a, b| last(a) < last(b));
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = if time(e, "eventTime").is_some() {
            w.since(e, "eventTime")
        } else {
            w.since(e, "firstTimestamp")
        };
        let interval = if at(e, "series").is_some_and(Value::is_object) {
            format!(
                "{} (x{} over {first})",
                w.since(e, "series.lastObservedTime"),
                int(e, "series.count")
            )
        } else if int(e, "count") > 1 {
            format!(
                "{} (x{} over {first})",
                w.since(e, "lastTimestamp"),
                int(e, "count")
            )
        } else {
            first
        };
        let source = match s(e, "source.component") {
            "" => s(e, "reportingController"),
            c => c,
        };
        w.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                s(e, "type"),
                s(e, "reason"),
                s(e, "message").trim()
            ),
        );
    }
}

#[cfg(test)]
mod tests;

/// `DescribePodTemplate` written to a plain buffer, as `rollout history --revision` does:
/// the cells keep their literal tabs.
pub fn pod_template_raw(template: &Value) -> String {
    let mut w = Writer::new(0);
    describe_pod_template(&mut w, Some(template));
    w.pending
}
