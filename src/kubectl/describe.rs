//! `kubectl describe`: the text kubectl v1.34 prints for one object, as a pure function
//! of the object, the related objects describe looks up, and "now".
//!
//! Text is written with `\t` between cells and aligned block by block by Go's
//! `text/tabwriter` rules (`format_tabbed`); a flush (before an Events table) ends the
//! pending blocks, exactly where kubectl's `DescribeEvents` flushes.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::engine::time::format_rfc1123z;
use crate::kubectl::printers::columns::{access_modes, join_host_port, node_roles, storage_class};
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::fields::{
    arr, at, controller_ref, flag, format_label_selector, format_labels, int, int_or_string, obj,
    opt_int, quantity_value, s, scalar, selector_string, string_map, time,
};
use crate::kubectl::printers::tabwriter::format_tabbed;

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
    /// EndpointSlices (or core/v1 Endpoints) of a Service.
    pub endpoints: Vec<&'a Value>,
    /// For a PersistentVolumeClaim: the pods that use it (`Used By:`).
    pub pvcs: Vec<&'a Value>,
    /// For a Node: its Lease in `kube-node-lease`, if it exists.
    pub lease: Option<&'a Value>,
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
        "Namespace" => describe_namespace(&mut w, obj),
        "ConfigMap" => describe_configmap(&mut w, obj, related),
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
    crate::engine::sort::sort_by(&mut sorted, |a, b| s(a, "key").cmp(s(b, "key")));
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
    crate::engine::sort::sort_by_key(&mut sorted, |t| {
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
    let mut sorted: Vec<&Value> = events.to_vec();
    crate::engine::sort::sort_by_key(&mut sorted, |e| {
        time(e, "lastTimestamp").unwrap_or(i64::MIN)
    });
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

// ---------------------------------------------------------------- containers

/// `80/TCP (web), 443/TCP` from container ports, using `containerPort` or `hostPort`.
fn ports_text(ports: &[Value], field: &str) -> String {
    ports
        .iter()
        .map(|p| {
            let proto = match s(p, "protocol") {
                "" => "TCP",
                x => x,
            };
            let mut text = format!("{}/{proto}", int(p, field));
            if !s(p, "name").is_empty() {
                text.push_str(&format!(" ({})", s(p, "name")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The probe summary (`http-get http://:8080/healthz delay=0s timeout=1s ...`).
fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        int(p, "initialDelaySeconds"),
        opt_int(p, "timeoutSeconds").unwrap_or(1),
        opt_int(p, "periodSeconds").unwrap_or(10),
        opt_int(p, "successThreshold").unwrap_or(1),
        opt_int(p, "failureThreshold").unwrap_or(3)
    );
    if let Some(exec) = at(p, "exec") {
        return format!("exec {} {attrs}", go_slice(arr(exec, "command")));
    }
    if let Some(h) = at(p, "httpGet") {
        let port = int_or_string(at(h, "port"));
        let host = s(h, "host");
        let hostport = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let scheme = match s(h, "scheme") {
            "" => "http".to_string(),
            x => x.to_lowercase(),
        };
        return format!("http-get {scheme}://{hostport}{} {attrs}", s(h, "path"));
    }
    if let Some(t) = at(p, "tcpSocket") {
        return format!(
            "tcp-socket {}:{} {attrs}",
            s(t, "host"),
            int_or_string(at(t, "port"))
        );
    }
    if let Some(g) = at(p, "grpc") {
        return format!("grpc <pod>:{} {} {attrs}", int(g, "port"), s(g, "service"));
    }
    format!("unknown {attrs}")
}

/// A `State:` / `Last State:` block.
fn describe_state(w: &mut Writer, name: &str, state: Option<&Value>) {
    let state = state.unwrap_or(&Value::Null);
    if let Some(r) = at(state, "running") {
        w.w(2, &format!("{name}:\tRunning\n"));
        w.w(3, &format!("Started:\t{}\n", rfc1123z(r, "startedAt")));
    } else if let Some(wt) = at(state, "waiting") {
        w.w(2, &format!("{name}:\tWaiting\n"));
        if !s(wt, "reason").is_empty() {
            w.w(3, &format!("Reason:\t{}\n", s(wt, "reason")));
        }
    } else if let Some(t) = at(state, "terminated") {
        w.w(2, &format!("{name}:\tTerminated\n"));
        if !s(t, "reason").is_empty() {
            w.w(3, &format!("Reason:\t{}\n", s(t, "reason")));
        }
        if !s(t, "message").is_empty() {
            w.w(3, &format!("Message:\t{}\n", s(t, "message")));
        }
        w.w(3, &format!("Exit Code:\t{}\n", int(t, "exitCode")));
        if int(t, "signal") > 0 {
            w.w(3, &format!("Signal:\t{}\n", int(t, "signal")));
        }
        w.w(3, &format!("Started:\t{}\n", rfc1123z(t, "startedAt")));
        w.w(3, &format!("Finished:\t{}\n", rfc1123z(t, "finishedAt")));
    } else {
        w.w(2, &format!("{name}:\tWaiting\n"));
    }
}

/// `Limits:` / `Requests:` lines at `level`, resource names sorted.
fn describe_resources(w: &mut Writer, resources: Option<&Value>, level: usize) {
    let Some(res) = resources else { return };
    for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
        let list = string_map(res, key);
        if !list.is_empty() {
            w.w(level, &format!("{title}:\n"));
        }
        for (name, q) in list {
            w.w(level + 1, &format!("{name}:\t{q}\n"));
        }
    }
}

/// The value a `fieldRef` env var resolves to on this pod (a few common paths).
fn resolve_field_ref(pod: Option<&Value>, path: &str) -> String {
    let Some(pod) = pod else { return String::new() };
    let direct = match path {
        "metadata.name"
        | "metadata.namespace"
        | "metadata.uid"
        | "spec.nodeName"
        | "spec.serviceAccountName"
        | "status.hostIP"
        | "status.podIP" => s(pod, path).to_string(),
        _ => String::new(),
    };
    if !direct.is_empty() {
        return direct;
    }
    for (prefix, map) in [
        ("metadata.labels['", "metadata.labels"),
        ("metadata.annotations['", "metadata.annotations"),
    ] {
        if let Some(key) = path.strip_prefix(prefix).and_then(|r| r.strip_suffix("']")) {
            return string_map(pod, map).get(key).cloned().unwrap_or_default();
        }
    }
    String::new()
}

/// `Environment:` block.
fn describe_env(w: &mut Writer, c: &Value, pod: Option<&Value>) {
    let env = arr(c, "env");
    w.w(
        2,
        if env.is_empty() {
            "Environment:\t<none>\n"
        } else {
            "Environment:\n"
        },
    );
    for e in env {
        let name = s(e, "name");
        let Some(from) = at(e, "valueFrom") else {
            for (i, line) in s(e, "value").split('\n').enumerate() {
                if i == 0 {
                    w.w(3, &format!("{name}:\t{line}\n"));
                } else {
                    w.w(3, &format!("\t{line}\n"));
                }
            }
            continue;
        };
        if let Some(f) = at(from, "fieldRef") {
            let path = s(f, "fieldPath");
            let api = match s(f, "apiVersion") {
                "" => "v1",
                v => v,
            };
            let value = resolve_field_ref(pod, path);
            w.w(3, &format!("{name}:\t{value} ({api}:{path})\n"));
        } else if let Some(r) = at(from, "resourceFieldRef") {
            let resource = s(r, "resource");
            w.w(3, &format!("{name}:\t ({resource})\n"));
        } else if let Some(k) = at(from, "secretKeyRef") {
            w.w(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    s(k, "key"),
                    s(k, "name"),
                    flag(k, "optional")
                ),
            );
        } else if let Some(k) = at(from, "configMapKeyRef") {
            w.w(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    s(k, "key"),
                    s(k, "name"),
                    flag(k, "optional")
                ),
            );
        }
    }
}

/// `Environment Variables from:` block (only when `envFrom` is set).
fn describe_env_from(w: &mut Writer, c: &Value) {
    let env_from = arr(c, "envFrom");
    if env_from.is_empty() {
        return;
    }
    w.w(2, "Environment Variables from:\n");
    for e in env_from {
        let (from, r) = if let Some(r) = at(e, "configMapRef") {
            ("ConfigMap", r)
        } else if let Some(r) = at(e, "secretRef") {
            ("Secret", r)
        } else {
            ("", &Value::Null)
        };
        let (name, optional) = (s(r, "name"), flag(r, "optional"));
        match s(e, "prefix") {
            "" => w.w(3, &format!("{name}\t{from}\tOptional: {optional}\n")),
            p => w.w(
                3,
                &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}\n"),
            ),
        }
    }
}

/// `Mounts:` block, sorted by mount path (and `Devices:` if any).
fn describe_mounts(w: &mut Writer, c: &Value) {
    let mut mounts: Vec<&Value> = arr(c, "volumeMounts").iter().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w.w(2, &format!("Mounts:{none}\n"));
    crate::engine::sort::sort_by(&mut mounts, |a, b| s(a, "mountPath").cmp(s(b, "mountPath")));
    for m in mounts {
        let mut flags = vec![if flag(m, "readOnly") {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        if !s(m, "subPath").is_empty() {
            flags.push(format!("path={:?}", s(m, "subPath")));
        }
        w.w(
            3,
            &format!(
                "{} from {} ({})\n",
                s(m, "mountPath"),
                s(m, "name"),
                flags.join(",")
            ),
        );
    }
    let mut devices: Vec<&Value> = arr(c, "volumeDevices").iter().collect();
    if !devices.is_empty() {
        w.w(2, &format!("Devices:{none}\n"));
        crate::engine::sort::sort_by(&mut devices, |a, b| {
            s(a, "devicePath").cmp(s(b, "devicePath"))
        });
        for d in devices {
            w.w(
                3,
                &format!("{} from {}\n", s(d, "devicePath"), s(d, "name")),
            );
        }
    }
}

/// A `Containers:` / `Init Containers:` section. `statuses` is `None` for pod templates;
/// `space` is `"  "` inside a Pod Template (names then get 3 spaces).
fn describe_containers(
    w: &mut Writer,
    label: &str,
    containers: &[Value],
    statuses: Option<&[Value]>,
    pod: Option<&Value>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let name = s(c, "name");
        let status = statuses.and_then(|st| st.iter().find(|x| s(x, "name") == name));
        w.w(1, &format!("{name_indent}{name}:\n"));
        if let Some(st) = status {
            w.w(2, &format!("Container ID:\t{}\n", s(st, "containerID")));
        }
        w.w(2, &format!("Image:\t{}\n", s(c, "image")));
        if let Some(st) = status {
            w.w(2, &format!("Image ID:\t{}\n", s(st, "imageID")));
        }
        let ports = arr(c, "ports");
        for (field, one, many) in [
            ("containerPort", "Port", "Ports"),
            ("hostPort", "Host Port", "Host Ports"),
        ] {
            let text = ports_text(ports, field);
            if text.contains(',') {
                w.w(2, &format!("{many}:\t{text}\n"));
            } else {
                let text = if text.is_empty() {
                    "<none>".into()
                } else {
                    text
                };
                w.w(2, &format!("{one}:\t{text}\n"));
            }
        }
        if let Some(sp) = at(c, "securityContext.seccompProfile") {
            w.w(2, &format!("SeccompProfile:\t{}\n", s(sp, "type")));
            if s(sp, "type") == "Localhost" {
                w.w(
                    3,
                    &format!("LocalhostProfile:\t{}\n", s(sp, "localhostProfile")),
                );
            }
        }
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            let items = arr(c, key);
            if !items.is_empty() {
                w.w(2, &format!("{title}:\n"));
                for item in items {
                    for line in scalar(item).split('\n') {
                        w.w(3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let Some(st) = status {
            describe_state(w, "State", at(st, "state"));
            if at(st, "lastState.terminated").is_some() {
                describe_state(w, "Last State", at(st, "lastState"));
            }
            let ready = if flag(st, "ready") { "True" } else { "False" };
            w.w(2, &format!("Ready:\t{ready}\n"));
            w.w(2, &format!("Restart Count:\t{}\n", int(st, "restartCount")));
        }
        describe_resources(w, at(c, "resources"), 2);
        for (title, key) in [
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ] {
            if let Some(p) = at(c, key) {
                w.w(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        describe_env_from(w, c);
        describe_env(w, c, pod);
        describe_mounts(w, c);
    }
}

// ------------------------------------------------------------------- volumes

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
fn describe_volume_source(w: &mut Writer, v: &Value) {
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
    crate::engine::sort::sort_by(&mut sorted, |a, b| {
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
fn describe_pod(w: &mut Writer, pod: &Value, related: &Related) {
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
fn describe_pod_template(w: &mut Writer, template: Option<&Value>) {
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

// --------------------------------------------------------------- controllers

/// `(running, waiting, succeeded, failed)` among the pods this controller owns
/// (ownerReference with `controller: true` and the controller's uid).
fn pod_phase_counts(owner: &Value, pods: &[&Value]) -> (usize, usize, usize, usize) {
    let uid = s(owner, "metadata.uid");
    let mut counts = (0, 0, 0, 0);
    for p in pods {
        if controller_ref(p).is_none_or(|r| s(r, "uid") != uid) {
            continue;
        }
        match s(p, "status.phase") {
            "Running" => counts.0 += 1,
            "Pending" => counts.1 += 1,
            "Succeeded" => counts.2 += 1,
            "Failed" => counts.3 += 1,
            _ => {}
        }
    }
    counts
}

/// The `Pods Status:` line.
fn pods_status_line(owner: &Value, pods: &[&Value]) -> String {
    let (r, wt, su, f) = pod_phase_counts(owner, pods);
    format!("Pods Status:\t{r} Running / {wt} Waiting / {su} Succeeded / {f} Failed\n")
}

/// `spec.replicas`, as the API server defaults it.
fn spec_replicas(o: &Value) -> i64 {
    opt_int(o, "spec.replicas").unwrap_or(1)
}

/// `describeStatefulSet`.
fn describe_statefulset(w: &mut Writer, sts: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(sts, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(sts, "metadata.namespace")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(sts, "metadata.creationTimestamp")
        ),
    );
    let sel = at(sts, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    print_labels(w, "", "Labels", &string_map(sts, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(sts, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            spec_replicas(sts),
            int(sts, "status.replicas")
        ),
    );
    w.w(
        0,
        &format!("Update Strategy:\t{}\n", s(sts, "spec.updateStrategy.type")),
    );
    if let Some(ru) = at(sts, "spec.updateStrategy.rollingUpdate").filter(|v| v.is_object()) {
        if let Some(p) = opt_int(ru, "partition") {
            w.w(1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = at(ru, "maxUnavailable") {
                w.w(
                    1,
                    &format!("MaxUnavailable:\t{}\n", int_or_string(Some(mu))),
                );
            }
        }
    }
    w.w(0, &pods_status_line(sts, &related.pods));
    describe_pod_template(w, at(sts, "spec.template"));
    let templates = arr(sts, "spec.volumeClaimTemplates");
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for pvc in templates {
            w.w(1, &format!("Name:\t{}\n", s(pvc, "metadata.name")));
            w.w(1, &format!("StorageClass:\t{}\n", storage_class(pvc)));
            print_labels(w, "  ", "Labels", &string_map(pvc, "metadata.labels"));
            print_labels(
                w,
                "  ",
                "Annotations",
                &string_map(pvc, "metadata.annotations"),
            );
            let capacity = at(pvc, "spec.resources.requests.storage")
                .map_or_else(|| "<default>".into(), scalar);
            w.w(1, &format!("Capacity:\t{capacity}\n"));
            w.w(
                1,
                &format!(
                    "Access Modes:\t{}\n",
                    go_slice(arr(pvc, "spec.accessModes"))
                ),
            );
        }
    }
    describe_events(w, &related.events);
}

/// `describeReplicaSet`.
fn describe_replicaset(w: &mut Writer, rs: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(rs, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(rs, "metadata.namespace")));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(at(rs, "spec.selector"))
        ),
    );
    print_labels(w, "", "Labels", &string_map(rs, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(rs, "metadata.annotations"));
    if let Some(c) = controlled_by(rs) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rs, "status.replicas"),
            spec_replicas(rs)
        ),
    );
    w.w(0, &pods_status_line(rs, &related.pods));
    describe_pod_template(w, at(rs, "spec.template"));
    describe_conditions_with_reason(w, arr(rs, "status.conditions"));
    describe_events(w, &related.events);
}

/// `Conditions:` table with `Type Status Reason` (ReplicaSet, Deployment).
fn describe_conditions_with_reason(w: &mut Writer, conditions: &[Value]) {
    if conditions.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.w(1, "----\t------\t------\n");
    for c in conditions {
        w.w(
            1,
            &format!(
                "{} \t{}\t{}\n",
                s(c, "type"),
                s(c, "status"),
                s(c, "reason")
            ),
        );
    }
}

/// The pod template with the `pod-template-hash` label removed and empty maps dropped,
/// for comparing a ReplicaSet's template with its Deployment's.
fn template_ignoring_hash(t: Option<&Value>) -> Value {
    let mut t = t.cloned().unwrap_or(Value::Null);
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
        if labels.is_empty() {
            if let Some(meta) = t.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                meta.remove("labels");
            }
        }
    }
    t
}

/// `name (current/desired replicas created)` joined by `, `, or `<none>`.
fn replica_sets_text(list: &[&Value]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                s(rs, "metadata.name"),
                int(rs, "status.replicas"),
                spec_replicas(rs)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `describeDeployment`.
fn describe_deployment(w: &mut Writer, d: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(d, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(d, "metadata.namespace")));
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(d, "metadata.creationTimestamp")
        ),
    );
    print_labels(w, "", "Labels", &string_map(d, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(d, "metadata.annotations"));
    let sel = at(d, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec_replicas(d),
            int(d, "status.updatedReplicas"),
            int(d, "status.replicas"),
            int(d, "status.availableReplicas"),
            int(d, "status.unavailableReplicas")
        ),
    );
    w.w(
        0,
        &format!("StrategyType:\t{}\n", s(d, "spec.strategy.type")),
    );
    w.w(
        0,
        &format!("MinReadySeconds:\t{}\n", int(d, "spec.minReadySeconds")),
    );
    if let Some(ru) = at(d, "spec.strategy.rollingUpdate").filter(|v| v.is_object()) {
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(at(ru, "maxUnavailable")),
                int_or_string(at(ru, "maxSurge"))
            ),
        );
    }
    describe_pod_template(w, at(d, "spec.template"));
    describe_conditions_with_reason(w, arr(d, "status.conditions"));

    // Owned ReplicaSets by creation time (then name); the new one has the same template.
    let uid = s(d, "metadata.uid");
    let mut owned: Vec<&Value> = related
        .replica_sets
        .iter()
        .copied()
        .filter(|rs| controller_ref(rs).is_some_and(|r| s(r, "uid") == uid))
        .collect();
    crate::engine::sort::sort_by(&mut owned, |a, b| {
        let ta = time(a, "metadata.creationTimestamp").unwrap_or(i64::MIN);
        let tb = time(b, "metadata.creationTimestamp").unwrap_or(i64::MIN);
        ta.cmp(&tb)
            .then_with(|| s(a, "metadata.name").cmp(s(b, "metadata.name")))
    });
    let wanted = template_ignoring_hash(at(d, "spec.template"));
    let new_rs = owned
        .iter()
        .copied()
        .find(|rs| template_ignoring_hash(at(rs, "spec.template")) == wanted);
    // deploymentutil.FindOldReplicaSets' first list: old ReplicaSets still asked for
    // pods (spec.replicas != 0); one scaled to zero is not shown.
    let old: Vec<&Value> = owned
        .iter()
        .copied()
        .filter(|rs| new_rs.is_none_or(|n| s(n, "metadata.uid") != s(rs, "metadata.uid")))
        .filter(|rs| opt_int(rs, "spec.replicas").unwrap_or(1) != 0)
        .collect();
    if !old.is_empty() || new_rs.is_some() {
        w.w(
            0,
            &format!("OldReplicaSets:\t{}\n", replica_sets_text(&old)),
        );
        let new_list: Vec<&Value> = new_rs.into_iter().collect();
        w.w(
            0,
            &format!("NewReplicaSet:\t{}\n", replica_sets_text(&new_list)),
        );
    }
    describe_events(w, &related.events);
}

/// `describeDaemonSet` (the scheduling counts are written without tabs).
fn describe_daemonset(w: &mut Writer, ds: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(ds, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(ds, "metadata.namespace")));
    let sel = at(ds, "spec.selector")
        .map(selector_string)
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    let node_sel = format_labels(&string_map(ds, "spec.template.spec.nodeSelector"));
    w.w(0, &format!("Node-Selector:\t{node_sel}\n"));
    print_labels(w, "", "Labels", &string_map(ds, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ds, "metadata.annotations"));
    let lines = [
        (
            "Desired Number of Nodes Scheduled",
            "status.desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "status.currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "status.updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "status.numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "status.numberMisscheduled"),
    ];
    for (title, path) in lines {
        w.w(0, &format!("{title}: {}\n", int(ds, path)));
    }
    w.w(0, &pods_status_line(ds, &related.pods));
    describe_pod_template(w, at(ds, "spec.template"));
    describe_events(w, &related.events);
}

// ------------------------------------------------------------------- Service

/// One EndpointSlice endpoint is ready unless `conditions.ready` is false.
fn endpoint_ready(e: &Value) -> bool {
    at(e, "conditions.ready")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

/// `formatEndpointSlices` for the service port named `port_name` (max 3 shown).
fn format_endpoint_slices(slices: &[&Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::<String>::new(), false, 0usize);
    for sl in slices {
        let ports = arr(sl, "ports");
        let endpoints = arr(sl, "endpoints");
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == max {
                    more = true;
                }
                if !endpoint_ready(e) {
                    continue;
                }
                if !more {
                    list.push(arr(e, "addresses").first().map(scalar).unwrap_or_default());
                }
                count += 1;
            }
            continue;
        }
        for p in ports.iter().filter(|p| s(p, "name") == port_name) {
            for e in endpoints {
                if list.len() == max {
                    more = true;
                }
                if !endpoint_ready(e) {
                    continue;
                }
                if !more {
                    let addr = arr(e, "addresses").first().map(scalar).unwrap_or_default();
                    list.push(join_host_port(&addr, int(p, "port")));
                }
                count += 1;
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

/// core/v1 Endpoints converted to the EndpointSlice shape describe reads.
fn endpoints_as_slices(ep: &Value) -> Vec<Value> {
    arr(ep, "subsets")
        .iter()
        .map(|ss| {
            let mut endpoints: Vec<Value> = arr(ss, "addresses")
                .iter()
                .map(|a| crate::json!({"addresses": [s(a, "ip")], "conditions": {"ready": true}}))
                .collect();
            endpoints.extend(arr(ss, "notReadyAddresses").iter().map(
                |a| crate::json!({"addresses": [s(a, "ip")], "conditions": {"ready": false}}),
            ));
            crate::json!({"ports": arr(ss, "ports"), "endpoints": endpoints})
        })
        .collect()
}

/// `describeService`.
fn describe_service(w: &mut Writer, svc: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(svc, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(svc, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(svc, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(svc, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(svc, "spec.selector"))
        ),
    );
    w.w(0, &format!("Type:\t{}\n", s(svc, "spec.type")));
    if !s(svc, "spec.ipFamilyPolicy").is_empty() {
        w.w(
            0,
            &format!("IP Family Policy:\t{}\n", s(svc, "spec.ipFamilyPolicy")),
        );
    }
    let join = |path: &str| {
        arr(svc, path)
            .iter()
            .map(scalar)
            .collect::<Vec<_>>()
            .join(",")
    };
    let or_none = |v: String| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v
        }
    };
    w.w(
        0,
        &format!("IP Families:\t{}\n", or_none(join("spec.ipFamilies"))),
    );
    w.w(0, &format!("IP:\t{}\n", s(svc, "spec.clusterIP")));
    w.w(0, &format!("IPs:\t{}\n", or_none(join("spec.clusterIPs"))));
    if !arr(svc, "spec.externalIPs").is_empty() {
        w.w(0, &format!("External IPs:\t{}\n", join("spec.externalIPs")));
    }
    if !s(svc, "spec.loadBalancerIP").is_empty() {
        w.w(
            0,
            &format!(
                "Desired LoadBalancer IP:\t{}\n",
                s(svc, "spec.loadBalancerIP")
            ),
        );
    }
    if !s(svc, "spec.externalName").is_empty() {
        w.w(
            0,
            &format!("External Name:\t{}\n", s(svc, "spec.externalName")),
        );
    }
    let ingress: Vec<String> = arr(svc, "status.loadBalancer.ingress")
        .iter()
        .map(|i| match s(i, "ip") {
            "" => s(i, "hostname").to_string(),
            ip => ip.to_string(),
        })
        .collect();
    if !ingress.is_empty() {
        w.w(
            0,
            &format!("LoadBalancer Ingress:\t{}\n", ingress.join(", ")),
        );
    }
    let converted: Vec<Value> = related
        .endpoints
        .iter()
        .filter(|e| s(e, "kind") == "Endpoints")
        .flat_map(|e| endpoints_as_slices(e))
        .collect();
    let slices: Vec<&Value> = related
        .endpoints
        .iter()
        .copied()
        .filter(|e| s(e, "kind") != "Endpoints")
        .chain(converted.iter())
        .collect();
    for p in arr(svc, "spec.ports") {
        let name = match s(p, "name") {
            "" => "<unset>",
            n => n,
        };
        let proto = match s(p, "protocol") {
            "" => "TCP",
            x => x,
        };
        w.w(0, &format!("Port:\t{name}\t{}/{proto}\n", int(p, "port")));
        let target = match at(p, "targetPort") {
            Some(t) => int_or_string(Some(t)),
            None => int(p, "port").to_string(),
        };
        w.w(0, &format!("TargetPort:\t{target}/{proto}\n"));
        if int(p, "nodePort") != 0 {
            w.w(
                0,
                &format!("NodePort:\t{name}\t{}/{proto}\n", int(p, "nodePort")),
            );
        }
        w.w(
            0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(&slices, s(p, "name"))
            ),
        );
    }
    w.w(
        0,
        &format!("Session Affinity:\t{}\n", s(svc, "spec.sessionAffinity")),
    );
    if !s(svc, "spec.externalTrafficPolicy").is_empty() {
        w.w(
            0,
            &format!(
                "External Traffic Policy:\t{}\n",
                s(svc, "spec.externalTrafficPolicy")
            ),
        );
    }
    if !s(svc, "spec.internalTrafficPolicy").is_empty() {
        w.w(
            0,
            &format!(
                "Internal Traffic Policy:\t{}\n",
                s(svc, "spec.internalTrafficPolicy")
            ),
        );
    }
    if int(svc, "spec.healthCheckNodePort") != 0 {
        w.w(
            0,
            &format!(
                "HealthCheck NodePort:\t{}\n",
                int(svc, "spec.healthCheckNodePort")
            ),
        );
    }
    if !arr(svc, "spec.loadBalancerSourceRanges").is_empty() {
        w.w(
            0,
            &format!(
                "LoadBalancer Source Ranges:\t{}\n",
                join("spec.loadBalancerSourceRanges")
            ),
        );
    }
    if !s(svc, "spec.trafficDistribution").is_empty() {
        w.w(
            0,
            &format!(
                "Traffic Distribution:\t{}\n",
                s(svc, "spec.trafficDistribution")
            ),
        );
    }
    describe_events(w, &related.events);
}

// ---------------------------------------------------------------------- Node

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
fn describe_node(w: &mut Writer, node: &Value, related: &Related) {
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

// ------------------------------------------------------------------- storage

/// `describePersistentVolumeClaim`.
fn describe_pvc(w: &mut Writer, pvc: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pvc, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(pvc, "metadata.namespace")),
    );
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(pvc)));
    if at(pvc, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                w.since(pvc, "metadata.deletionTimestamp")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{}\n", s(pvc, "status.phase")));
    }
    let volume = s(pvc, "spec.volumeName");
    w.w(0, &format!("Volume:\t{volume}\n"));
    print_labels(w, "", "Labels", &string_map(pvc, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(pvc, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice(arr(pvc, "metadata.finalizers"))
        ),
    );
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            at(pvc, "status.capacity.storage").map_or_else(|| "0".into(), scalar),
            access_modes(arr(pvc, "status.accessModes")),
        )
    };
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    if !s(pvc, "spec.volumeMode").is_empty() {
        w.w(0, &format!("VolumeMode:\t{}\n", s(pvc, "spec.volumeMode")));
    }
    if let Some(ds) = at(pvc, "spec.dataSource").filter(|v| v.is_object()) {
        w.w(0, "DataSource:\n");
        if !s(ds, "apiGroup").is_empty() {
            w.w(1, &format!("APIGroup:\t{}\n", s(ds, "apiGroup")));
        }
        w.w(1, &format!("Kind:\t{}\n", s(ds, "kind")));
        w.w(1, &format!("Name:\t{}\n", s(ds, "name")));
    }
    let mut users: Vec<&str> = related.pvcs.iter().map(|p| s(p, "metadata.name")).collect();
    crate::engine::sort::sort(&mut users);
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.w(0, "<none>\n");
    }
    for (i, name) in users.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{name}\n"));
    }
    let conditions = arr(pvc, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(
            1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
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
                    rfc1123z(c, "lastProbeTime"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    describe_events(w, &related.events);
}

/// `describePersistentVolume`.
fn describe_pv(w: &mut Writer, pv: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pv, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(pv, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(pv, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice(arr(pv, "metadata.finalizers"))
        ),
    );
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(pv)));
    if at(pv, "metadata.deletionTimestamp").is_some_and(|v| !v.is_null()) {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                w.since(pv, "metadata.deletionTimestamp")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{}\n", s(pv, "status.phase")));
    }
    let claim = match at(pv, "spec.claimRef").filter(|v| v.is_object()) {
        Some(r) => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        None => String::new(),
    };
    w.w(0, &format!("Claim:\t{claim}\n"));
    w.w(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            s(pv, "spec.persistentVolumeReclaimPolicy")
        ),
    );
    w.w(
        0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(arr(pv, "spec.accessModes"))
        ),
    );
    if !s(pv, "spec.volumeMode").is_empty() {
        w.w(0, &format!("VolumeMode:\t{}\n", s(pv, "spec.volumeMode")));
    }
    let capacity = at(pv, "spec.capacity.storage").map_or_else(|| "0".into(), scalar);
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, "Node Affinity:\t");
    match at(pv, "spec.nodeAffinity.required").filter(|v| v.is_object()) {
        None => w.w(0, "<none>\n"),
        Some(req) => {
            w.w(0, "\n");
            w.w(1, "Required Terms:\t");
            let terms = arr(req, "nodeSelectorTerms");
            if terms.is_empty() {
                w.w(0, "<none>\n");
            } else {
                w.w(0, "\n");
            }
            for (i, term) in terms.iter().enumerate() {
                w.w(2, &format!("Term {i}:\t"));
                let exprs = arr(term, "matchExpressions");
                if exprs.is_empty() {
                    w.w(0, "<none>\n");
                }
                for (j, e) in exprs.iter().enumerate() {
                    if j != 0 {
                        w.w(2, "\t");
                    }
                    let mut text = format!("{} {}", s(e, "key"), s(e, "operator").to_lowercase());
                    let values: Vec<String> = arr(e, "values").iter().map(scalar).collect();
                    if !values.is_empty() {
                        text.push_str(&format!(" [{}]", values.join(", ")));
                    }
                    w.w(0, &format!("{text}\n"));
                }
            }
        }
    }
    w.w(0, &format!("Message:\t{}\n", s(pv, "status.message")));
    w.w(0, "Source:\n");
    let spec = at(pv, "spec").unwrap_or(&Value::Null);
    if let Some(h) = at(spec, "hostPath") {
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
    } else if let Some(l) = at(spec, "local") {
        w.w(
            2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                s(l, "path")
            ),
        );
    } else if at(spec, "nfs").is_some() || at(spec, "csi").is_some() {
        describe_volume_source(w, spec);
    } else {
        w.w(1, "<unknown>\n");
    }
    describe_events(w, &related.events);
}

// --------------------------------------------------------- Namespace, ConfigMap

/// `describeNamespace` (no quotas or limit ranges are modelled).
fn describe_namespace(w: &mut Writer, ns: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(ns, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(ns, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ns, "metadata.annotations"));
    w.w(0, &format!("Status:\t{}\n", s(ns, "status.phase")));
    let conditions = arr(ns, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    w.w(0, "\nNo resource quota.\n");
    w.w(0, "\nNo LimitRange resource.\n");
}

/// ConfigMap describe: data keys sorted, each value under a `----` rule.
fn describe_configmap(w: &mut Writer, cm: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(cm, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(cm, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(cm, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(cm, "metadata.annotations"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(cm, "data") {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in string_map(cm, "binaryData") {
        // binaryData holds base64; kubectl prints the decoded length.
        let len = base64_decoded_len(&v);
        w.w(0, &format!("{k}: {len} bytes\n"));
    }
    w.w(0, "\n");
    describe_events(w, &related.events);
}

/// Length in bytes of the data a base64 string encodes.
fn base64_decoded_len(text: &str) -> usize {
    let t = text.trim_end_matches('=');
    t.len() * 3 / 4
}

// ------------------------------------------------------------------- generic

/// kubectl's `smartLabelFor`: `apiVersion` → `API Version`, `creationTimestamp` →
/// `Creation Timestamp`; fields with characters other than letters and `-` unchanged.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    // camelcase.Split: runs of one character class; an upper followed by lower
    // moves to start the next word.
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in field.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect::<String>())
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = p.chars();
                chars
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Paths the generic describer leaves out of the field dump.
const GENERIC_SKIP: [&str; 5] = [
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `printUnstructuredContent`: every field, sorted, maps and lists nested by level.
fn print_unstructured(
    w: &mut Writer,
    level: usize,
    content: &serde_json::Map<String, Value>,
    prefix: &str,
) {
    let mut fields: Vec<&String> = content.keys().collect();
    crate::engine::sort::sort(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        let value = &content[field];
        match value {
            Value::Object(m) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                print_unstructured(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => print_unstructured(w, level + 1, m, &path),
                        other => w.w(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.w(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_value(other)),
            ),
        }
    }
}

/// Go's `%v` of a decoded JSON scalar (nested lists print as `[a b]`, maps as `map[k:v]`).
fn go_value(v: &Value) -> String {
    match v {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_value).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::engine::sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value(&m[*k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        other => scalar(other),
    }
}

/// The generic describer used for kinds without a dedicated one (ControllerRevision, CRDs).
fn describe_generic(w: &mut Writer, o: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(o, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(o, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(o, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(o, "metadata.annotations"));
    if let Some(m) = o.as_object() {
        print_unstructured(w, 0, m, "");
    }
    describe_events(w, &related.events);
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;

/// `DescribePodTemplate` written to a plain buffer, as `rollout history --revision` does:
/// the cells keep their literal tabs.
pub fn pod_template_raw(template: &Value) -> String {
    let mut w = Writer::new(0);
    describe_pod_template(&mut w, Some(template));
    w.pending
}
