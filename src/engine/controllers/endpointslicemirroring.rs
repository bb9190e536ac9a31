//! The EndpointSlice mirroring controller (k/k `pkg/controller/endpointslicemirroring`):
//! a Service without a selector gets its endpoints from hand-made Endpoints of the same
//! name, and this controller copies those into slices (`<name>-<suffix>`, managed by
//! `endpointslicemirroring-controller.k8s.io`, owned by the Endpoints), so that readers of
//! slices (kube-proxy, `kubectl describe service`) see them too.
//!
//! Simplified: one slice per subset's port set and address family (the real one packs
//! subsets with equal ports together first, and orders several ports by their hash).

use super::endpointslice::{name_and_uid, stored_form, with_generation};
use super::{Action, Controller};
use crate::engine::apiserver::meta_str;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::store::EventType;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::{Map, Value};

/// The `endpointslice.kubernetes.io/managed-by` value of mirrored slices.
pub const CONTROLLER_NAME: &str = "endpointslicemirroring-controller.k8s.io";
const SKIP_MIRROR: &str = "endpointslice.kubernetes.io/skip-mirror";
const LEADER: &str = "control-plane.alpha.kubernetes.io/leader";
/// `--mirroring-max-endpoints-per-subset`'s default.
const MAX_PER_SUBSET: usize = 1000;

/// Whether `slice` is a mirrored slice of Endpoints `name`.
fn mirrored_for(slice: &Value, name: &str) -> bool {
    let labels = crate::engine::labels::labels(slice);
    labels
        .get("kubernetes.io/service-name")
        .and_then(Value::as_str)
        == Some(name)
        && labels
            .get("endpointslice.kubernetes.io/managed-by")
            .and_then(Value::as_str)
            == Some(CONTROLLER_NAME)
}

/// The Endpoints a changed mirrored slice was copied from.
pub fn endpoints_of(slice: &Value) -> Option<&str> {
    let labels = crate::engine::labels::labels(slice);
    (labels
        .get("endpointslice.kubernetes.io/managed-by")
        .and_then(Value::as_str)
        == Some(CONTROLLER_NAME))
    .then(|| {
        labels
            .get("kubernetes.io/service-name")
            .and_then(Value::as_str)
    })
    .flatten()
}

/// `shouldMirror` and the Service checks of `syncEndpoints`: Endpoints not marked to be
/// skipped (the API server's own) nor a leader-election record, of a Service without a
/// selector.
fn should_mirror(ep: &Value, svc: Option<&Value>) -> bool {
    let skip = crate::engine::labels::labels(ep).get(SKIP_MIRROR) == Some(&json!("true"));
    let leader = ep.at(&format!("/metadata/annotations/{LEADER}")).is_some();
    let selectorless = svc.is_some_and(|s| {
        s.at("/spec/selector")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
    });
    !skip && !leader && selectorless
}

/// `addressToEndpoint`: one address, ready or not, with its node, hostname and target.
fn to_endpoint(address: &Value, ready: bool) -> Option<(Value, &'static str)> {
    let ip = address["ip"].as_str()?;
    let family = if ip.parse::<std::net::Ipv4Addr>().is_ok() {
        "IPv4"
    } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
        "IPv6"
    } else {
        return None;
    };
    let mut ep = json!({"addresses": [ip], "conditions": {"ready": ready}});
    for f in ["nodeName", "targetRef"] {
        if let Some(v) = address.get(f).filter(|v| !v.is_null()) {
            ep[f] = v.clone();
        }
    }
    if let Some(h) = address["hostname"].as_str().filter(|h| !h.is_empty()) {
        ep["hostname"] = json!(h);
    }
    Some((ep, family))
}

/// The slices the Endpoints ask for, as (address type, ports, endpoints): ready
/// addresses first, each list by IP, at most 1000 addresses of a subset.
fn desired(ep: &Value) -> Vec<(&'static str, Value, Vec<Value>)> {
    let mut out: Vec<(&'static str, Value, Vec<Value>)> = Vec::new();
    for subset in ep["subsets"].as_array().into_iter().flatten() {
        let ports: Vec<Value> = subset["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let mut port = json!({"name": p["name"].as_str().unwrap_or(""), "port": p["port"],
                    "protocol": p["protocol"].as_str().unwrap_or("TCP")});
                if let Some(a) = p.get("appProtocol").filter(|a| !a.is_null()) {
                    port["appProtocol"] = a.clone();
                }
                port
            })
            .collect();
        let ports = Value::Array(ports);
        let by_ip = |list: &Value| {
            let mut l: Vec<Value> = list.as_array().cloned().unwrap_or_default();
            crate::sort::sort_by_key(&mut l, |a| a["ip"].as_str().unwrap_or("").to_string());
            l
        };
        let addresses = by_ip(&subset["addresses"]).into_iter().map(|a| (a, true));
        let not_ready = by_ip(&subset["notReadyAddresses"])
            .into_iter()
            .map(|a| (a, false));
        for (address, ready) in addresses.chain(not_ready).take(MAX_PER_SUBSET) {
            let Some((endpoint, family)) = to_endpoint(&address, ready) else {
                continue;
            };
            match out.iter_mut().find(|(f, p, _)| *f == family && *p == ports) {
                Some((_, _, eps)) => eps.push(endpoint),
                None => out.push((family, ports.clone(), vec![endpoint])),
            }
        }
    }
    out
}

/// The slice's labels (the Endpoints', with the service name and manager) and
/// annotations (the Endpoints', less the trigger time and kubectl's last applied).
fn slice_meta(ep: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let mut labels = crate::engine::labels::labels(ep).clone();
    labels.insert(
        "kubernetes.io/service-name".into(),
        json!(meta_str(ep, "name")),
    );
    labels.insert(
        "endpointslice.kubernetes.io/managed-by".into(),
        json!(CONTROLLER_NAME),
    );
    let mut annotations = ep
        .at("/metadata/annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    annotations.remove("endpoints.kubernetes.io/last-change-trigger-time");
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    (labels, annotations)
}

/// `syncEndpoints`: mirror Endpoints `namespace/name`, or remove its mirrored slices
/// when it is gone, marked to be skipped, or its Service is gone or has a selector.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let ep = w.get("Endpoints", namespace, name).cloned();
    let svc = w.get("Service", namespace, name).cloned();
    let existing: Vec<Value> = w
        .store
        .list("EndpointSlice", Some(namespace))
        .filter(|s| mirrored_for(s, name))
        .map(|s| (**s).clone())
        .collect();
    let Some(ep) = ep.filter(|ep| should_mirror(ep, svc.as_deref())) else {
        for s in &existing {
            w.store
                .remove("EndpointSlice", namespace, meta_str(s, "name"));
        }
        return Action::await_change();
    };
    let (labels, annotations) = slice_meta(&ep);
    let mut unused = existing;
    let mut changed = false;
    for (family, ports, endpoints) in desired(&ep) {
        let ports_of = |s: &Value| {
            s.get("ports")
                .filter(|p| !p.is_null())
                .cloned()
                .unwrap_or(json!([]))
        };
        let found = unused
            .iter()
            .position(|s| s["addressType"] == family && ports_of(s) == ports);
        let mut slice = match found {
            Some(i) => unused.remove(i),
            None => {
                let (slice_name, uid) = name_and_uid(w, &ep, &format!("{name}-"));
                json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"name": slice_name, "generateName": format!("{name}-"),
                        "namespace": namespace, "uid": uid,
                        "creationTimestamp": format_rfc3339(w.now), "generation": 1,
                        "ownerReferences": [{"apiVersion": "v1", "kind": "Endpoints", "name": name,
                            "uid": meta_str(&ep, "uid"), "controller": true, "blockOwnerDeletion": true}]},
                    "addressType": family})
            }
        };
        slice["metadata"]["labels"] = Value::Object(labels.clone());
        match slice["metadata"].as_object_mut() {
            Some(m) if annotations.is_empty() => {
                m.remove("annotations");
            }
            Some(m) => {
                m.insert("annotations".into(), Value::Object(annotations.clone()));
            }
            None => {}
        }
        slice["endpoints"] = Value::Array(endpoints);
        slice["ports"] = ports;
        let slice = stored_form(slice);
        let old = w
            .get("EndpointSlice", namespace, meta_str(&slice, "name"))
            .cloned();
        match old {
            Some(old) => {
                let slice = with_generation(&old, slice);
                if *old != slice {
                    w.store.put("EndpointSlice", slice, EventType::Modified);
                    changed = true;
                }
            }
            None => {
                w.store.put("EndpointSlice", slice, EventType::Added);
                changed = true;
            }
        }
    }
    for s in &unused {
        w.store
            .remove("EndpointSlice", namespace, meta_str(s, "name"));
        changed = true;
    }
    if changed {
        Recorder::new(Controller::EndpointSliceMirroring.name(), "Endpoints", &ep).why(
            w,
            format!(
                "{name} has no selector: its hand-made Endpoints are mirrored into EndpointSlices"
            ),
        );
    }
    Action::await_change()
}
