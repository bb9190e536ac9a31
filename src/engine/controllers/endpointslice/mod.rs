//! The EndpointSlice controller (k/k `pkg/controller/endpointslice`, its reconciler in
//! `staging/src/k8s.io/endpointslice`): for every Service with a selector, slices of at
//! most 100 endpoints named `<service>-<5 random characters>`, one set per IP family,
//! labelled with the service name and this controller as their manager and owned by the
//! Service; each endpoint a selected pod with an IP, its readiness, node and zone.
//!
//! Not simulated: topology hints (no zones unless nodes are labelled, and no
//! `trafficDistribution` routing).

pub mod reconciler;
pub mod utils;

use super::{Action, Controller};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Rng;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::store::EventType;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use reconciler::{reconcile, SelectedPod};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use utils::{CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME};

const TRIGGER_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// The trigger-time tracker's memory of one Service (`ServiceState`): when each of its
/// pods last turned ready or not, and the Service's own creation.
#[derive(Debug, Clone, Default)]
pub struct TriggerState {
    pods: BTreeMap<String, String>,
    service: String,
}

/// `ComputeEndpointLastChangeTriggerTime`: the Service's creation the first time; then
/// the earliest Ready transition (or Service creation) newer than what was seen last
/// sync; empty when nothing changed.
fn trigger_time(
    w: &mut World,
    key: (String, String),
    svc: &Value,
    ready_times: Vec<(String, String)>,
) -> String {
    let known = w.endpoint_slice_triggers.get(&key).cloned();
    let last = known.clone().unwrap_or_default();
    let mut earliest: Option<String> = None;
    let mut consider = |t: &str, before: Option<&String>| {
        if before.is_none_or(|b| t > b.as_str()) && earliest.as_deref().is_none_or(|e| t < e) {
            earliest = Some(t.to_string());
        }
    };
    for (pod, t) in &ready_times {
        consider(t, last.pods.get(pod));
    }
    let seen: BTreeMap<String, String> = ready_times.into_iter().collect();
    let created = meta_str(svc, "creationTimestamp").to_string();
    consider(&created, Some(&last.service));
    w.endpoint_slice_triggers.insert(
        key,
        TriggerState {
            pods: seen,
            service: created.clone(),
        },
    );
    match known {
        None => created,
        Some(_) => earliest.unwrap_or_default(),
    }
}

/// `addTriggerTimeAnnotation`.
fn set_trigger_annotation(slice: &mut Value, trigger: &str) {
    let meta = &mut slice["metadata"];
    let mut annotations = meta
        .get("annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if trigger.is_empty() {
        annotations.remove(TRIGGER_ANNOTATION);
    } else {
        annotations.insert(TRIGGER_ANNOTATION.into(), json!(trigger));
    }
    match meta.as_object_mut() {
        Some(m) if annotations.is_empty() => {
            m.remove("annotations");
        }
        Some(m) => {
            m.insert("annotations".into(), Value::Object(annotations));
        }
        None => {}
    }
}

/// A free name for a new slice from its `generateName`, drawn from a random stream of
/// the Service's own (the session's stream, which names pods, is left alone), with the
/// slice's uid.
pub(super) fn name_and_uid(w: &World, svc: &Value, base: &str) -> (String, String) {
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    for b in meta_str(svc, "uid").bytes() {
        seed ^= u64::from(b);
        seed = seed.wrapping_mul(0x0100_0000_01b3);
    }
    let base: String = base.chars().take(58).collect();
    let mut rng = Rng::new(seed);
    loop {
        let name = format!("{base}{}", rng.name_suffix());
        let uid = rng.uuid();
        if w.get("EndpointSlice", meta_str(svc, "namespace"), &name)
            .is_none()
        {
            return (name, uid);
        }
    }
}

/// Whether `slice` is one of this controller's for Service `name`.
fn managed_for(slice: &Value, name: &str) -> bool {
    let labels = crate::engine::labels::labels(slice);
    labels.get(LABEL_SERVICE_NAME).and_then(Value::as_str) == Some(name)
        && labels.get(LABEL_MANAGED_BY).and_then(Value::as_str) == Some(CONTROLLER_NAME)
}

/// The Service a changed slice of this controller's belongs to (`onEndpointSlice*`).
pub fn service_of(slice: &Value) -> Option<&str> {
    let labels = crate::engine::labels::labels(slice);
    (labels.get(LABEL_MANAGED_BY).and_then(Value::as_str) == Some(CONTROLLER_NAME))
        .then(|| labels.get(LABEL_SERVICE_NAME).and_then(Value::as_str))
        .flatten()
}

/// `syncService`.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let key = (namespace.to_string(), name.to_string());
    let Some(svc) = w.get("Service", namespace, name).cloned() else {
        w.endpoint_slice_triggers.remove(&key);
        return Action::skipped();
    };
    let selector = svc.at("/spec/selector").and_then(Value::as_object);
    // ExternalName Services get no endpoints; Services without a selector get slices
    // made by hand (or mirrored from hand-made Endpoints), not from this controller.
    if svc.at("/spec/type").and_then(Value::as_str) == Some("ExternalName")
        || selector.is_none_or(Map::is_empty)
    {
        return Action::await_change();
    }
    let selects = |l: &Map<String, Value>| {
        selector.is_some_and(|sel| sel.iter().all(|(k, v)| l.get(k) == Some(v)))
    };
    let pods: Vec<&Value> = w
        .store
        .owners
        .pods_labeled(namespace, selects)
        .filter_map(|n| w.store.get("Pod", namespace, n))
        .map(|p| &**p)
        .collect();
    let selected: Vec<SelectedPod> = pods
        .iter()
        .map(|pod| {
            let node = pod
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .unwrap_or("");
            let node_zone = w.get("Node", "", node).map(|n| {
                crate::engine::labels::labels(n)
                    .get(ZONE_LABEL)
                    .and_then(Value::as_str)
                    .map(String::from)
            });
            SelectedPod { pod, node_zone }
        })
        .collect();
    let existing: Vec<&Value> = w
        .store
        .list("EndpointSlice", Some(namespace))
        .map(|s| &**s)
        .filter(|s| managed_for(s, name) && s.at("/metadata/deletionTimestamp").is_none())
        .collect();
    let plan = reconcile(&svc, &selected, &existing);
    // When each pod last turned ready or not (its Ready condition's transition).
    let ready_times: Vec<(String, String)> = pods
        .iter()
        .filter_map(|pod| {
            let t = pod
                .at("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "Ready")
                .and_then(|c| c["lastTransitionTime"].as_str())
                .filter(|t| !t.is_empty())?;
            Some((meta_str(pod, "name").to_string(), t.to_string()))
        })
        .collect();
    let trigger = trigger_time(w, key, &svc, ready_times);
    let deleting = svc.at("/metadata/deletionTimestamp").is_some();
    let mut written = 0usize;
    for mut slice in plan.create.into_iter().filter(|_| !deleting) {
        let base = slice
            .at("/metadata/generateName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let (name, uid) = name_and_uid(w, &svc, &base);
        let meta = &mut slice["metadata"];
        meta["name"] = json!(name);
        meta["uid"] = json!(uid);
        meta["creationTimestamp"] = json!(format_rfc3339(w.now));
        meta["generation"] = json!(1);
        set_trigger_annotation(&mut slice, &trigger);
        w.store
            .put("EndpointSlice", stored_form(slice), EventType::Added);
        written += 1;
    }
    for mut slice in plan.update {
        set_trigger_annotation(&mut slice, &trigger);
        let slice = stored_form(slice);
        let Some(old) = w
            .get("EndpointSlice", namespace, meta_str(&slice, "name"))
            .cloned()
        else {
            continue;
        };
        let slice = with_generation(&old, slice);
        if *old != slice {
            w.store.put("EndpointSlice", slice, EventType::Modified);
            written += 1;
        }
    }
    for name in &plan.delete {
        w.store.remove("EndpointSlice", namespace, name);
        written += 1;
    }
    if written > 0 {
        let ready = w
            .store
            .list("EndpointSlice", Some(namespace))
            .filter(|s| managed_for(s, name))
            .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
            .filter(|e| e.at("/conditions/ready") == Some(&json!(true)))
            .count();
        Recorder::new(Controller::EndpointSlice.name(), "Service", &svc).why(
            w,
            format!("{name}'s EndpointSlices list {ready} ready endpoint(s) of the pods its selector matches"),
        );
    }
    Action::retry_if(plan.skipped_pods)
}

/// What the API server stores: empty lists as `null` (a slice's `endpoints` and `ports`
/// have no `omitempty`, and storage drops empty lists).
pub(super) fn stored_form(mut slice: Value) -> Value {
    for f in ["endpoints", "ports"] {
        if slice
            .get(f)
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            slice[f] = Value::Null;
        }
    }
    slice
}

/// The generation the API server gives an updated slice: one more when anything but
/// its metadata, or its labels, changed.
pub(super) fn with_generation(old: &Value, mut new: Value) -> Value {
    let body = |s: &Value| {
        let mut s = s.clone();
        if let Some(m) = s.as_object_mut() {
            m.remove("metadata");
        }
        s
    };
    let generation = old
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let changed =
        body(old) != body(&new) || old.at("/metadata/labels") != new.at("/metadata/labels");
    new["metadata"]["generation"] = json!(if changed { generation + 1 } else { generation });
    new
}
