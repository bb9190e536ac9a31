//! The reconciler (`k8s.io/endpointslice`'s `reconciler.go`): given a Service, the pods
//! its selector matches and the slices it already has, which slices to create, update
//! and delete. Pure: `mod.rs` carries the plan out.

use super::utils::{
    address_types, endpoint_key, endpoint_ports, new_slice, owned_by, pod_to_endpoint, port_key,
    should_be_in_endpoints, slice_labels, MAX_ENDPOINTS_PER_SLICE,
};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use serde_json::{Map, Value};
use std::collections::VecDeque;

/// A pod the Service selects, with what its node says about it.
pub struct SelectedPod<'a> {
    pub pod: &'a Value,
    /// `None` when the pod's node does not exist (any more).
    pub node_zone: Option<Option<String>>,
}

/// What a sync writes. New slices have no name yet.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub create: Vec<Value>,
    pub update: Vec<Value>,
    pub delete: Vec<String>,
    /// Pods left out because their node is gone: the sync is retried.
    pub skipped_pods: bool,
}

fn endpoints_of(slice: &Value) -> &[Value] {
    slice
        .get("endpoints")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

fn ports_of(slice: &Value) -> Vec<Value> {
    slice
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn address_type(slice: &Value) -> &str {
    slice
        .get("addressType")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `Reconcile`: slices of an address type the Service no longer has are deleted; each
/// of its address types is reconciled on its own.
pub fn reconcile(svc: &Value, pods: &[SelectedPod], existing: &[&Value]) -> Plan {
    let types = address_types(svc);
    let mut plan = Plan::default();
    for t in &types {
        let of_type: Vec<&Value> = existing
            .iter()
            .copied()
            .filter(|s| address_type(s) == *t)
            .collect();
        let p = by_address_type(svc, pods, &of_type, t);
        plan.create.extend(p.create);
        plan.update.extend(p.update);
        plan.delete.extend(p.delete);
        plan.skipped_pods |= p.skipped_pods;
    }
    plan.delete.extend(
        existing
            .iter()
            .filter(|s| !types.contains(&address_type(s)))
            .map(|s| meta_str(s, "name").to_string()),
    );
    plan
}

/// The desired endpoints of one port mapping, in the order they will be placed.
struct Desired {
    ports: Vec<Value>,
    endpoints: Vec<Value>,
}

/// `reconcileByAddressType`.
fn by_address_type(svc: &Value, pods: &[SelectedPod], existing: &[&Value], at: &str) -> Plan {
    let mut to_delete: Vec<Value> = Vec::new();
    let mut existing_by_ports: Vec<(String, Vec<Value>)> = Vec::new();
    for s in existing {
        if owned_by(s, svc) {
            let key = port_key(&ports_of(s));
            match existing_by_ports.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push((*s).clone()),
                None => existing_by_ports.push((key, vec![(*s).clone()])),
            }
        } else {
            to_delete.push((*s).clone());
        }
    }
    let publish = svc
        .at("/spec/publishNotReadyAddresses")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut skipped_pods = false;
    let mut desired: Vec<(String, Desired)> = Vec::new();
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for sp in pods.iter().filter(|p| should_be_in_endpoints(p.pod)) {
        let ports = endpoint_ports(svc, sp.pod);
        let key = port_key(&ports);
        if !desired.iter().any(|(k, _)| *k == key) {
            desired.push((
                key.clone(),
                Desired {
                    ports,
                    endpoints: Vec::new(),
                },
            ));
        }
        if sp.node_zone.is_none() && !publish {
            skipped_pods = true;
            continue;
        }
        let zone = sp.node_zone.clone().flatten();
        let ep = pod_to_endpoint(sp.pod, zone.as_deref(), svc, at);
        let has_address = ep["addresses"].as_array().is_some_and(|a| !a.is_empty());
        if let Some((_, d)) = desired.iter_mut().find(|(k, _)| *k == key) {
            if has_address && seen.insert(endpoint_key(&ep)) {
                d.endpoints.push(ep);
            }
        }
    }
    let desired_keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let mut plan = Plan {
        skipped_pods,
        ..Plan::default()
    };
    let mut to_create: Vec<Value> = Vec::new();
    let mut to_update: Vec<Value> = Vec::new();
    for (key, d) in desired {
        let slices = existing_by_ports
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default();
        let (c, u, del) = by_port_mapping(svc, slices, d, at);
        to_create.extend(c);
        to_update.extend(u);
        to_delete.extend(del);
    }
    for (key, slices) in &existing_by_ports {
        if !desired_keys.contains(key) {
            to_delete.extend(slices.iter().cloned());
        }
    }
    // A Service with no endpoints still has one slice: an empty placeholder.
    if existing.len() == to_delete.len() && to_create.is_empty() {
        let placeholder = new_slice(svc, &[], at);
        if to_delete.len() == 1 && same_placeholder(&to_delete[0], &placeholder) {
            to_delete.clear();
        } else {
            to_create.push(placeholder);
        }
    }
    // `finalize`: a slice about to be created takes the place of one about to be deleted.
    let mut i = 0;
    while i < to_delete.len() && !to_create.is_empty() {
        let last = to_create.len() - 1;
        if address_type(&to_delete[i]) == address_type(&to_create[last])
            && owned_by(&to_delete[i], svc)
        {
            let mut slice = to_create.remove(last);
            let old = to_delete.remove(i);
            slice["metadata"] = old["metadata"].clone();
            let (labels, _) = slice_labels(&Map::new(), svc);
            slice["metadata"]["labels"] = Value::Object(labels);
            to_update.push(slice);
        } else {
            i += 1;
        }
    }
    plan.create = to_create;
    plan.update = to_update;
    plan.delete = to_delete
        .iter()
        .map(|s| meta_str(s, "name").to_string())
        .collect();
    plan
}

/// `placeholderSliceCompare`: the same empty slice (namespace, labels, owners, type).
fn same_placeholder(existing: &Value, placeholder: &Value) -> bool {
    let meta = |s: &Value, f: &str| s.at(&format!("/metadata/{f}")).cloned();
    endpoints_of(existing).is_empty()
        && ports_of(existing).is_empty()
        && address_type(existing) == address_type(placeholder)
        && meta(existing, "namespace") == meta(placeholder, "namespace")
        && meta(existing, "labels") == meta(placeholder, "labels")
        && meta(existing, "ownerReferences") == meta(placeholder, "ownerReferences")
}

/// `EndpointsEqualBeyondHash`: node, zone, conditions and target are unchanged.
fn equal_beyond_hash(a: &Value, b: &Value) -> bool {
    ["nodeName", "zone", "conditions", "targetRef"]
        .iter()
        .all(|f| a.get(*f) == b.get(*f))
}

/// `reconcileByPortMapping`: keep the slices' endpoints that are still wanted (updated
/// if they changed), fill the slices being updated anyway, then fit what is left into
/// an unchanged slice or new ones, at most 100 endpoints each.
fn by_port_mapping(
    svc: &Value,
    existing: &[Value],
    desired: Desired,
    at: &str,
) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    // Wanted endpoints by key, in the order they are placed; a taken one leaves `None`.
    let mut wanted: Vec<Option<Value>> = desired.endpoints.into_iter().map(Some).collect();
    let index: std::collections::BTreeMap<String, usize> = wanted
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_ref().map(|e| (endpoint_key(e), i)))
        .collect();
    let mut unchanged: Vec<Value> = Vec::new();
    let mut to_update: Vec<Value> = Vec::new();
    let mut to_delete: Vec<Value> = Vec::new();
    for slice in existing {
        let old = endpoints_of(slice);
        let mut kept = Vec::new();
        let mut updated = false;
        for ep in old {
            let taken = index.get(&endpoint_key(ep)).and_then(|&i| wanted[i].take());
            if let Some(got) = taken {
                updated |= !equal_beyond_hash(&got, ep);
                kept.push(got);
            }
        }
        let own = slice
            .at("/metadata/labels")
            .and_then(Value::as_object)
            .cloned();
        let (labels, labels_changed) = slice_labels(&own.unwrap_or_default(), svc);
        if updated || kept.len() != old.len() {
            if kept.is_empty() {
                to_delete.push(slice.clone());
            } else {
                let mut s = slice.clone();
                s["endpoints"] = Value::Array(kept);
                s["metadata"]["labels"] = Value::Object(labels);
                to_update.push(s);
            }
        } else if labels_changed {
            let mut s = slice.clone();
            s["metadata"]["labels"] = Value::Object(labels);
            to_update.push(s);
        } else {
            unchanged.push(slice.clone());
        }
    }
    let mut wanted: VecDeque<Value> = wanted.into_iter().flatten().collect();
    // The fullest slices being updated are filled first.
    if !wanted.is_empty() && !to_update.is_empty() {
        crate::sort::sort_by_key(&mut to_update, |s| std::cmp::Reverse(endpoints_of(s).len()));
        for s in &mut to_update {
            fill(s, &mut wanted);
        }
    }
    let mut to_create = Vec::new();
    while !wanted.is_empty() {
        let fit = if wanted.len() < MAX_ENDPOINTS_PER_SLICE {
            slice_to_fill(&unchanged, wanted.len())
        } else {
            None
        };
        match fit {
            Some(i) => {
                let mut s = unchanged.remove(i);
                fill(&mut s, &mut wanted);
                to_update.push(s);
            }
            None => {
                let mut s = new_slice(svc, &desired.ports, at);
                fill(&mut s, &mut wanted);
                to_create.push(s);
            }
        }
    }
    (to_create, to_update, to_delete)
}

/// Moves wanted endpoints into `slice` until it is full.
fn fill(slice: &mut Value, wanted: &mut VecDeque<Value>) {
    let mut eps: Vec<Value> = endpoints_of(slice).to_vec();
    while eps.len() < MAX_ENDPOINTS_PER_SLICE {
        let Some(next) = wanted.pop_front() else {
            break;
        };
        eps.push(next);
    }
    slice["endpoints"] = Value::Array(eps);
}

/// `getSliceToFill`: the unchanged slice that `n` more endpoints would bring closest
/// to full without overflowing it.
fn slice_to_fill(slices: &[Value], n: usize) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, s) in slices.iter().enumerate() {
        let used = n + endpoints_of(s).len();
        if used > MAX_ENDPOINTS_PER_SLICE {
            continue;
        }
        let diff = MAX_ENDPOINTS_PER_SLICE - used;
        if best.is_none_or(|(_, d)| diff < d) {
            best = Some((i, diff));
            if diff == 0 {
                break;
            }
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn service() -> Value {
        json!({"metadata": {"name": "web", "namespace": "default", "uid": "svc-uid"},
            "spec": {"selector": {"app": "web"}, "clusterIP": "10.96.0.5", "ipFamilies": ["IPv4"],
                "ports": [{"name": "", "port": 80, "protocol": "TCP", "targetPort": 80}]}})
    }

    fn pod(i: usize, ready: bool) -> Value {
        json!({"metadata": {"name": format!("web-{i}"), "namespace": "default", "uid": format!("uid-{i}")},
            "spec": {"nodeName": "node-1"},
            "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", i / 200, i % 200 + 1),
                "podIPs": [{"ip": format!("10.244.{}.{}", i / 200, i % 200 + 1)}],
                "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
    }

    fn selected(pods: &[Value]) -> Vec<SelectedPod<'_>> {
        pods.iter()
            .map(|pod| SelectedPod {
                pod,
                node_zone: Some(None),
            })
            .collect()
    }

    #[test]
    fn a_service_that_selects_nothing_gets_one_empty_placeholder_slice() {
        let plan = reconcile(&service(), &[], &[]);
        assert_eq!(plan.create.len(), 1);
        assert_eq!(plan.create[0]["endpoints"], json!([]));
        assert_eq!(plan.create[0]["ports"], json!([]));
        let placeholder = plan.create[0].clone();
        let again = reconcile(&service(), &[], &[&placeholder]);
        assert_eq!(
            again,
            Plan::default(),
            "an existing placeholder is left alone"
        );
    }

    #[test]
    fn a_hundred_and_fifty_pods_fill_one_slice_and_start_another() {
        let pods: Vec<Value> = (0..150).map(|i| pod(i, true)).collect();
        let plan = reconcile(&service(), &selected(&pods), &[]);
        let sizes: Vec<usize> = plan.create.iter().map(|s| endpoints_of(s).len()).collect();
        assert_eq!(sizes, [100, 50]);
    }

    #[test]
    fn the_first_endpoints_take_the_placeholders_place_instead_of_a_new_slice() {
        let mut placeholder = reconcile(&service(), &[], &[]).create.remove(0);
        placeholder["metadata"]["name"] = json!("web-abcde");
        let pods = [pod(1, false)];
        let plan = reconcile(&service(), &selected(&pods), &[&placeholder]);
        assert!(plan.create.is_empty() && plan.delete.is_empty());
        assert_eq!(plan.update.len(), 1);
        assert_eq!(meta_str(&plan.update[0], "name"), "web-abcde");
        assert_eq!(
            plan.update[0]["endpoints"][0]["conditions"],
            json!({"ready": false, "serving": false, "terminating": false})
        );
    }

    #[test]
    fn a_terminating_pod_still_serving_is_not_ready() {
        let mut p = pod(1, true);
        p["metadata"]["deletionTimestamp"] = json!("2025-10-14T09:00:00Z");
        let pods = [p];
        let plan = reconcile(&service(), &selected(&pods), &[]);
        assert_eq!(
            plan.create[0]["endpoints"][0]["conditions"],
            json!({"ready": false, "serving": true, "terminating": true})
        );
    }

    #[test]
    fn ports_are_listed_in_the_order_of_their_hashes_as_the_controller_sorts_them() {
        let mut svc = service();
        svc["spec"]["ports"] = json!([
            {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]);
        let names: Vec<String> = endpoint_ports(&svc, &pod(1, true))
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(names, ["metrics", "dns", "dns-tcp"]);
    }
}
