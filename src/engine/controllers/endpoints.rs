//! The Endpoints controller (k/k `pkg/controller/endpoint/endpoints_controller.go`): for
//! each Service with a selector, one Endpoints object of the same name listing the IPs of
//! the pods the selector matches — ready pods under `addresses`, the others under
//! `notReadyAddresses` — with the Service's target ports resolved against each pod.
//!
//! Simplified: one subset per distinct set of resolved ports (what `RepackSubsets` gives
//! for the usual case of identical pods); no EndpointSlices; no
//! `last-change-trigger-time` annotation.

use super::Controller;
use crate::engine::apiserver::meta_str;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::labels::labels;
use crate::engine::store::EventType;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `ShouldPodBeInEndpoints`: has an IP, not finished, not being deleted.
fn should_be_listed(pod: &Value) -> bool {
    pod.at("/status/podIP")
        .and_then(Value::as_str)
        .is_some_and(|ip| !ip.is_empty())
        && !matches!(
            pod.at("/status/phase").and_then(Value::as_str),
            Some("Succeeded" | "Failed")
        )
        && pod.at("/metadata/deletionTimestamp").is_none()
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_pod_ready(pod: &Value) -> bool {
    pod.at("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Whether a map-based Service selector matches the pod's labels.
pub fn service_selects(svc: &Value, pod: &Value) -> bool {
    let Some(sel) = svc.at("/spec/selector").and_then(Value::as_object) else {
        return false;
    };
    if sel.is_empty() {
        return false;
    }
    selected_by(sel, labels(pod))
}

/// A Service's equality selector over one pod's labels.
fn selected_by(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `podutil.FindPort`: a numeric target port as is, a named one looked up in the pod.
pub fn resolve_target_port(pod: &Value, port: &Value) -> Option<i64> {
    let target = port.get("targetPort").unwrap_or(&port["port"]);
    if let Some(n) = target.as_i64() {
        return Some(n);
    }
    let name = target.as_str()?;
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .find(|p| p["name"] == name)
        .and_then(|p| p["containerPort"].as_i64())
}

/// A uid derived from another object's (no draw from the world's RNG): the Endpoints'
/// from its Service's, the published CA ConfigMap's from its namespace.
pub(crate) fn derived_uid(seed: &str, salt: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes().chain(salt.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let g = h.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        ((g >> 48) & 0x3fff) | 0x8000,
        g & 0xffff_ffff_ffff
    )
}

/// (ports, ready addresses, not-ready addresses) of one subset.
type Group = (Vec<Value>, Vec<Value>, Vec<Value>);

/// The subsets for a Service from the pods it selects.
fn subsets_for(svc: &Value, pods: &[&Value]) -> Vec<Value> {
    let svc_name = meta_str(svc, "name");
    let svc_ports = svc
        .at("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let publish_not_ready = svc
        .at("/spec/publishNotReadyAddresses")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // ports (as JSON text, for grouping) → (ready, not ready) addresses
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for pod in pods {
        let ports: Vec<Value> = svc_ports
            .iter()
            .filter_map(|p| {
                let n = resolve_target_port(pod, p)?;
                let mut m = Map::new();
                if let Some(name) = p["name"].as_str().filter(|s| !s.is_empty()) {
                    m.insert("name".into(), json!(name));
                }
                m.insert("port".into(), json!(n));
                m.insert(
                    "protocol".into(),
                    p.get("protocol").cloned().unwrap_or(json!("TCP")),
                );
                Some(Value::Object(m))
            })
            .collect();
        let mut addr = Map::new();
        if let Some(h) = pod.at("/spec/hostname").and_then(Value::as_str) {
            if pod.at("/spec/subdomain").and_then(Value::as_str) == Some(svc_name) {
                addr.insert("hostname".into(), json!(h));
            }
        }
        addr.insert("ip".into(), pod["status"]["podIP"].clone());
        if let Some(node) = pod.at("/spec/nodeName") {
            addr.insert("nodeName".into(), node.clone());
        }
        addr.insert(
            "targetRef".into(),
            json!({"kind": "Pod", "name": meta_str(pod, "name"), "namespace": meta_str(pod, "namespace"), "uid": meta_str(pod, "uid")}),
        );
        let key = serde_json::to_string(&ports).unwrap_or_default();
        let entry = groups
            .entry(key)
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        if is_pod_ready(pod) || publish_not_ready {
            entry.1.push(Value::Object(addr));
        } else {
            entry.2.push(Value::Object(addr));
        }
    }
    let ip_of = |a: &Value| a["ip"].as_str().unwrap_or("").to_string();
    groups
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            crate::sort::sort_by_key(&mut ready, ip_of);
            crate::sort::sort_by_key(&mut not_ready, ip_of);
            let mut ss = Map::new();
            if !ready.is_empty() {
                ss.insert("addresses".into(), json!(ready));
            }
            if !not_ready.is_empty() {
                ss.insert("notReadyAddresses".into(), json!(not_ready));
            }
            if !ports.is_empty() {
                ss.insert("ports".into(), json!(ports));
            }
            Value::Object(ss)
        })
        .collect()
}

/// Brings the Endpoints of Service `namespace/name` in line with its pods.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) {
    let Some(svc) = w.get("Service", namespace, name).cloned() else {
        if w.get("Endpoints", namespace, name).is_some() {
            w.store.remove("Endpoints", namespace, name);
        }
        return;
    };
    if svc
        .at("/spec/selector")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty)
    {
        // Services without a selector have hand-made Endpoints; not ours to manage.
        return;
    }
    // The selector goes by the labels the owner index keeps, so only the selected pods
    // are decoded (a kube-system Service among a DaemonSet's thousand pods).
    let selector = svc.at("/spec/selector").and_then(Value::as_object);
    let selects = |l: &Map<String, Value>| selector.is_some_and(|sel| selected_by(sel, l));
    let pods: Vec<&Value> = w
        .store
        .owners
        .pods_labeled(namespace, selects)
        .filter_map(|name| w.store.get("Pod", namespace, name))
        .map(|p| &**p)
        .filter(|p| should_be_listed(p))
        .collect();
    let subsets = subsets_for(&svc, &pods);
    let ready = subsets
        .iter()
        .map(|s| s["addresses"].as_array().map_or(0, Vec::len))
        .sum::<usize>();
    let mut labels = svc
        .at("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if svc.at("/spec/clusterIP").and_then(Value::as_str) == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), json!(""));
    }
    let existing = w.get("Endpoints", namespace, name).cloned();
    let mut obj = match &existing {
        Some(e) => (**e).clone(),
        None => json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": name, "namespace": namespace,
                "uid": derived_uid(meta_str(&svc, "uid"), "endpoints"),
                "creationTimestamp": format_rfc3339(w.now)},
        }),
    };
    if labels.is_empty() {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("labels");
        }
    } else {
        obj["metadata"]["labels"] = Value::Object(labels);
    }
    match obj.as_object_mut() {
        Some(m) if subsets.is_empty() => {
            m.remove("subsets");
        }
        Some(m) => {
            m.insert("subsets".into(), json!(subsets));
        }
        None => return,
    }
    if existing.as_deref() == Some(&obj) {
        return;
    }
    let kind = if existing.is_some() {
        EventType::Modified
    } else {
        EventType::Added
    };
    w.store.put("Endpoints", obj, kind);
    Recorder::new(Controller::Endpoints.name(), "Service", &svc).why(
        w,
        format!("{name} sends traffic to {ready} ready pod(s) its selector matches"),
    );
}

/// The Services in `namespace` whose Endpoints a pod change may affect (all of them with
/// a selector: the pod's old labels are not known here, and Services are few).
pub fn services_in(w: &World, namespace: &str) -> Vec<String> {
    w.store
        .list("Service", Some(namespace))
        .filter(|s| s.at("/spec/selector").is_some())
        .map(|s| meta_str(s, "name").to_string())
        .collect()
}
