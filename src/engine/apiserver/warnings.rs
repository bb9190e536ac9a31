//! The API server's warnings on a write (the registry strategies' `WarningsOnCreate` /
//! `WarningsOnUpdate` and `pkg/api/pod/warnings.go`): what is accepted but probably not
//! meant. kubectl prints each as `Warning: …` on stderr when the response arrives.

use serde_json::Value;

use super::validation::{dns1123_label_message, is_dns1123_label};
use crate::engine::quantity::Quantity;

/// Annotations that once did something and no longer do.
const DEPRECATED_ANNOTATIONS: &[(&str, &str)] = &[
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "non-functional in v1.16+; use the \"priorityClassName\" field instead",
    ),
    (
        "security.alpha.kubernetes.io/sysctls",
        "non-functional in v1.11+; use the \"sysctls\" field instead",
    ),
    (
        "security.alpha.kubernetes.io/unsafe-sysctls",
        "non-functional in v1.11+; use the \"sysctls\" field instead",
    ),
];

/// Where a kind keeps its pod template, as a field path and a JSON pointer.
fn template_of(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            Some(("spec.template", "/spec/template"))
        }
        "CronJob" => Some((
            "spec.jobTemplate.spec.template",
            "/spec/jobTemplate/spec/template",
        )),
        _ => None,
    }
}

/// Whether a kind's name becomes its pods' names, so a name that is no DNS label is
/// worth a warning.
fn names_pods(kind: &str) -> bool {
    matches!(kind, "Deployment" | "ReplicaSet" | "CronJob")
}

/// The warnings of a create that passed validation.
pub fn on_create(kind: &str, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if names_pods(kind) {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(why) = dns_label_problem(name) {
            out.push(format!("metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [{why}]"));
        }
    }
    if kind == "Pod" {
        out.extend(for_pod_spec("", obj));
    } else if let Some((path, pointer)) = template_of(kind) {
        if let Some(template) = obj.pointer(pointer) {
            out.extend(for_pod_spec(&format!("{path}."), template));
        }
    }
    out
}

/// The warnings of an update that passed validation: a pod's none (humans seldom
/// update pods); a template's when the generation moves (any change of the spec, a
/// scale too), a DaemonSet's when its template changed.
pub fn on_update(kind: &str, old: &Value, new: &Value) -> Vec<String> {
    let Some((path, pointer)) = template_of(kind) else {
        return Vec::new();
    };
    let changed = if kind == "DaemonSet" {
        old.pointer(pointer) != new.pointer(pointer)
    } else {
        old.get("spec") != new.get("spec")
    };
    match new.pointer(pointer) {
        Some(template) if changed => for_pod_spec(&format!("{path}."), template),
        _ => Vec::new(),
    }
}

/// `IsDNS1123Label`'s complaints about a name, as Go's `%v` prints them.
fn dns_label_problem(name: &str) -> Option<String> {
    let mut msgs = Vec::new();
    if name.len() > 63 {
        msgs.push("must be no more than 63 characters");
    }
    if !is_dns1123_label(name) {
        msgs.push(dns1123_label_message(name));
    }
    (!msgs.is_empty()).then(|| msgs.join(" "))
}

/// A pod's (or a template's) containers with their field paths, in the order
/// `VisitContainersWithPath` walks them: init containers, containers, ephemeral ones.
fn containers<'a>(prefix: &str, obj: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let items = obj
            .pointer(&format!("/spec/{list}"))
            .and_then(Value::as_array);
        for (i, c) in items.into_iter().flatten().enumerate() {
            out.push((format!("{prefix}spec.{list}[{i}]"), c));
        }
    }
    out
}

/// `warningsForPodSpecAndMeta` for the fields the playground models; `prefix` is the
/// template's path with its dot (`spec.template.`), empty for a pod.
fn for_pod_spec(prefix: &str, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let annotations = obj
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    for (key, message) in DEPRECATED_ANNOTATIONS {
        if annotations.is_some_and(|a| a.contains_key(*key)) {
            out.push(format!("{prefix}metadata.annotations[{key}]: {message}"));
        }
    }
    let containers = containers(prefix, obj);
    for (path, c) in &containers {
        out.extend(fractional_bytes(path, c));
        out.extend(hidden_env(path, c));
    }
    out.extend(port_overlaps(&containers));
    out.extend(port_name_repeats(&containers));
    let grace = obj
        .pointer("/spec/terminationGracePeriodSeconds")
        .and_then(Value::as_i64);
    // A pod's negative grace period is set to 1 before this is checked.
    if !prefix.is_empty() && grace.is_some_and(|g| g < 0) {
        out.push(format!("{prefix}spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"));
    }
    out
}

/// Memory and ephemeral storage are whole bytes: `1500m` is accepted and warned about.
fn fractional_bytes(path: &str, c: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for resource in ["memory", "ephemeral-storage"] {
        for list in ["limits", "requests"] {
            let text = c
                .pointer(&format!("/resources/{list}/{resource}"))
                .and_then(Value::as_str);
            let Some(q) = text.and_then(|t| Quantity::parse(t).ok()) else {
                continue;
            };
            if q.milli_value() % 1000 != 0 {
                out.push(format!("{path}.resources.{list}[{resource}]: fractional byte value \"{q}\" is invalid, must be an integer"));
            }
        }
    }
    out
}

/// A repeated env name whose later entry does not build on the earlier one's value
/// (`X=$(X)suffix` does): apply may drop one of them.
fn hidden_env(path: &str, c: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let env = c
        .get("env")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for (i, item) in env.iter().enumerate() {
        let name = item.get("name").and_then(Value::as_str).unwrap_or("");
        if !seen.contains(&name) {
            seen.push(name);
            continue;
        }
        let value = item.get("value").and_then(Value::as_str).unwrap_or("");
        let reference = format!("$({name})");
        if item.get("valueFrom").is_some() || value == reference || !value.contains(&reference) {
            out.push(format!("{path}.env[{i}]: hides previous definition of \"{name}\", which may be dropped when using apply"));
        }
    }
    out
}

/// A container port as the overlap check compares it.
struct Port {
    field: String,
    key: String,
    host_ip: String,
    host_port: i64,
}

/// The same port and protocol declared twice, across all containers.
fn port_overlaps(containers: &[(String, &Value)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<Port> = Vec::new();
    for (path, c) in containers {
        let ports = c.get("ports").and_then(Value::as_array);
        for (i, p) in ports.into_iter().flatten().enumerate() {
            let port = Port {
                field: format!("{path}.ports[{i}]"),
                key: format!(
                    "{}/{}",
                    p.get("containerPort").and_then(Value::as_i64).unwrap_or(0),
                    p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                ),
                host_ip: p
                    .get("hostIP")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                host_port: p.get("hostPort").and_then(Value::as_i64).unwrap_or(0),
            };
            for other in seen.iter().filter(|o| o.key == port.key) {
                let (a, b) = (port.host_ip.is_empty(), other.host_ip.is_empty());
                let how = if port.host_ip == other.host_ip && port.host_port == other.host_port {
                    "duplicate"
                } else if port.host_port == 0 || other.host_port == 0 {
                    "overlapping"
                } else if port.host_port == other.host_port && (a || b) && !(a && b) {
                    "dangerously ambiguous"
                } else {
                    continue;
                };
                out.push(format!(
                    "{}: {how} port definition with {}",
                    port.field, other.field
                ));
            }
            seen.push(port);
        }
    }
    out
}

/// A port name used twice: a Service or probe naming it gets the first.
fn port_name_repeats(containers: &[(String, &Value)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for (path, c) in containers {
        let ports = c.get("ports").and_then(Value::as_array);
        for (i, p) in ports.into_iter().flatten().enumerate() {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                continue;
            }
            let field = format!("{path}.ports[{i}]");
            match names.iter().find(|(n, _)| n == name) {
                Some((_, other)) => out.push(format!("{field}: duplicate port name \"{name}\" with {other}, services and probes that select ports by name will use {other}")),
                None => names.push((name.to_string(), field)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_fractional_memory_request_is_warned_about_in_its_canonical_form() {
        let pod = json!({"spec": {"containers": [{"name": "a", "resources": {
            "requests": {"memory": "1500m", "cpu": "500m"}, "limits": {"memory": "0.5"}}}]}});
        assert_eq!(
            on_create("Pod", &pod),
            vec![
                "spec.containers[0].resources.limits[memory]: fractional byte value \"500m\" is invalid, must be an integer",
                "spec.containers[0].resources.requests[memory]: fractional byte value \"1500m\" is invalid, must be an integer",
            ]
        );
    }

    #[test]
    fn an_env_entry_that_builds_on_the_earlier_one_is_no_warning() {
        let c = json!({"env": [{"name": "X", "value": "1"}, {"name": "X", "value": "$(X)2"},
            {"name": "X", "value": "3"}]});
        assert_eq!(
            hidden_env("spec.containers[0]", &c),
            vec!["spec.containers[0].env[2]: hides previous definition of \"X\", which may be dropped when using apply"]
        );
    }

    #[test]
    fn a_template_warns_only_when_it_changed() {
        let d = json!({"spec": {"template": {"spec": {"terminationGracePeriodSeconds": -1}}}});
        assert!(on_update("Deployment", &d, &d).is_empty());
        assert_eq!(
            on_update("Deployment", &json!({}), &d),
            vec!["spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"]
        );
    }

    #[test]
    fn a_deployment_name_with_dots_is_warned_about() {
        let d = json!({"metadata": {"name": "a.b"}});
        assert_eq!(on_create("Deployment", &d), vec!["metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]);
    }
}
