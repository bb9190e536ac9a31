//! The `Containers:` / `Init Containers:` sections kubectl's `describeContainers` writes
//! for Pods and Pod Templates: ports, probes, states, resources, environment and mounts.

use serde_json::Value;

use super::{go_slice, rfc1123z, Writer};
use crate::kubectl::printers::fields::{
    arr, at, flag, int, int_or_string, opt_int, s, scalar, string_map,
};

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
pub(super) fn describe_resources(w: &mut Writer, resources: Option<&Value>, level: usize) {
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
    crate::sort::sort_by(&mut mounts, |a, b| s(a, "mountPath").cmp(s(b, "mountPath")));
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
        crate::sort::sort_by(&mut devices, |a, b| {
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
pub(super) fn describe_containers(
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
