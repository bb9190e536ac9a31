//! The control plane's `managedFields` entries of a pod nobody else wrote, derived from
//! the pod when it is shown instead of stored with each of thousands of pods: the
//! controller's Update from its template at creation, the scheduler's status write of an
//! unschedulable pod, the kubelet's status writes. What the derivation gives is what the
//! server records for these writes (checked against a 1.34 cluster); a pod that a client
//! writes gets these entries stored first (`materialize`), and from then on every
//! control-plane write records its own.

use super::fieldpath::FieldSet;
use super::managed_fields::{
    expanded, store, tracked, zero_value, Entry, FieldManager, CONTROLLER_MANAGER, KUBELET_STATUS,
    SCHEDULER_STATUS,
};
use crate::json;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// True when a pod's control-plane entries are derived: it has no stored entries.
fn derives(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("Pod")
        && obj
            .pointer("/metadata/managedFields")
            .is_none_or(|m| m.as_array().is_none_or(Vec::is_empty))
}

/// The object as served and printed: a pod without stored entries gets the derived ones,
/// and every entry's `fieldsV1` is a document (`managed_fields::expanded`).
pub fn shown(obj: &Value) -> Cow<'_, Value> {
    if !derives(obj) {
        return expanded(obj);
    }
    let mut out = obj.clone();
    store(&mut out, derive(obj));
    Cow::Owned(expanded(&out).into_owned())
}

/// Stores a pod's derived entries before a client's write records its own, so that the
/// write takes over what it changes from them.
pub fn materialize(obj: &mut Value) {
    if derives(obj) {
        let list = derive(obj);
        store(obj, list);
    }
}

fn entry(m: &FieldManager, api_version: &str, time: Option<&str>, set: FieldSet) -> Entry {
    Entry {
        manager: m.name.to_string(),
        apply: false,
        api_version: api_version.to_string(),
        subresource: m.subresource.to_string(),
        time: time.map(str::to_string),
        set,
    }
}

fn derive(pod: &Value) -> Vec<Entry> {
    let mut list = Vec::new();
    let created = pod
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str);
    if controlled(pod) {
        let (set, _) = FieldSet::changes(&zero_value("Pod"), &tracked(&from_template(pod), true));
        list.push(entry(&CONTROLLER_MANAGER, "v1", created, set));
    }
    let status = pod.get("status").cloned().unwrap_or(Value::Null);
    let scheduled = pod.pointer("/spec/nodeName").is_some();
    if !scheduled {
        if let Some(c) = condition(&status, "PodScheduled").filter(|c| c["status"] == "False") {
            let set = status_set(&json!({}), &json!({"conditions": [c]}));
            let time = c.get("lastTransitionTime").and_then(Value::as_str);
            list.push(entry(&SCHEDULER_STATUS, "v1", time, set));
        }
        return list;
    }
    let set = status_set(&bound_status(&status), &status);
    if !set.is_empty() {
        let time = latest_time(&status);
        list.push(entry(&KUBELET_STATUS, "v1", time.as_deref(), set));
    }
    list
}

/// A pod made by a controller from its template (an owner reference with `controller`).
fn controlled(pod: &Value) -> bool {
    pod.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r["controller"] == true))
}

/// The pod as its controller sent it, defaulted: without what admission, the scheduler
/// and the kubelet added after the field manager recorded the create.
fn from_template(pod: &Value) -> Value {
    let mut p = pod.clone();
    if let Some(meta) = p.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.retain(|k, _| {
            matches!(
                k.as_str(),
                "generateName" | "labels" | "annotations" | "ownerReferences" | "finalizers"
            )
        });
    }
    let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) else {
        return p;
    };
    for k in ["nodeName", "priority", "preemptionPolicy"] {
        spec.remove(k);
    }
    // ServiceAccount admission names the default account when the template names none.
    for k in ["serviceAccountName", "serviceAccount"] {
        if spec.get(k).and_then(Value::as_str) == Some("default") {
            spec.remove(k);
        }
    }
    // DefaultTolerationSeconds admission's two tolerations.
    if let Some(t) = spec.get_mut("tolerations").and_then(Value::as_array_mut) {
        t.retain(|t| !is_default_toleration(t));
        if t.is_empty() {
            spec.remove("tolerations");
        }
    }
    let token = |v: &Value| {
        v.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.starts_with("kube-api-access-"))
    };
    if let Some(v) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        v.retain(|v| !token(v));
        if v.is_empty() {
            spec.remove("volumes");
        }
    }
    for list in ["initContainers", "containers"] {
        let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(m) = c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                m.retain(|m| !token(m));
                if m.is_empty() {
                    c.remove("volumeMounts");
                }
            }
        }
    }
    p
}

fn is_default_toleration(t: &Value) -> bool {
    matches!(
        t.get("key").and_then(Value::as_str),
        Some("node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable")
    ) && t["operator"] == "Exists"
        && t["effect"] == "NoExecute"
        && t["tolerationSeconds"] == 300
}

fn condition<'a>(status: &'a Value, kind: &str) -> Option<&'a Value> {
    status
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

/// The status the kubelet first sees: what the API server set at creation and the
/// binding's PodScheduled condition (the kubelet adds its `observedGeneration`).
fn bound_status(status: &Value) -> Value {
    let mut s = Map::new();
    s.insert("phase".into(), json!("Pending"));
    if let Some(q) = status.get("qosClass") {
        s.insert("qosClass".into(), q.clone());
    }
    if let Some(mut c) = condition(status, "PodScheduled").cloned() {
        if let Some(m) = c.as_object_mut() {
            m.remove("observedGeneration");
        }
        s.insert("conditions".into(), json!([c]));
    }
    Value::Object(s)
}

/// What changed from `old` to `new` status, as a set under `status`.
fn status_set(old: &Value, new: &Value) -> FieldSet {
    let (changed, _) = FieldSet::changes(&json!({"status": old}), &json!({"status": new}));
    changed
}

/// The kubelet's last status write: the latest time its status holds.
fn latest_time(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => {
            let mut best: Option<String> = None;
            for (k, c) in m {
                let t = match c {
                    Value::String(s) if is_time_field(k) => Some(s.clone()),
                    _ => latest_time(c),
                };
                if t > best {
                    best = t;
                }
            }
            best
        }
        Value::Array(l) => l.iter().filter_map(latest_time).max(),
        _ => None,
    }
}

fn is_time_field(k: &str) -> bool {
    matches!(
        k,
        "lastTransitionTime" | "lastProbeTime" | "startTime" | "startedAt" | "finishedAt"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::apiserver::managed_fields::{entries, record_update};

    /// A ReplicaSet's pod after admission, binding and the kubelet's last status write.
    fn running_pod() -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "generateName": "web-", "namespace": "default",
                "uid": "u1", "creationTimestamp": "2026-01-01T00:00:00Z",
                "labels": {"app": "web"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
                    "uid": "rs1", "controller": true, "blockOwnerDeletion": true}]},
            "spec": {"containers": [{"name": "c", "image": "nginx",
                    "volumeMounts": [{"name": "kube-api-access-x", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}],
                "nodeName": "node-1", "serviceAccountName": "default", "serviceAccount": "default",
                "priority": 0,
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                    "effect": "NoExecute", "tolerationSeconds": 300}],
                "volumes": [{"name": "kube-api-access-x", "projected": {}}]},
            "status": {"phase": "Running", "qosClass": "BestEffort", "podIP": "10.0.0.5",
                "podIPs": [{"ip": "10.0.0.5"}], "startTime": "2026-01-01T00:00:01Z",
                "conditions": [
                    {"type": "Ready", "status": "True", "lastProbeTime": null,
                     "lastTransitionTime": "2026-01-01T00:00:07Z"},
                    {"type": "PodScheduled", "status": "True", "lastProbeTime": null,
                     "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})
    }

    fn fields(obj: &Value, manager: &str) -> Value {
        let e = entries(obj)
            .into_iter()
            .find(|e| e.manager == manager)
            .unwrap();
        e.set.to_fields_v1()
    }

    #[test]
    fn a_controllers_pod_shows_its_template_entry_without_what_admission_added() {
        let shown = shown(&running_pod()).into_owned();
        let mf = &shown["metadata"]["managedFields"][0];
        assert_eq!(mf["manager"], "kube-controller-manager");
        assert_eq!(mf["time"], "2026-01-01T00:00:00Z");
        assert!(mf.get("subresource").is_none());
        assert_eq!(
            fields(&shown, "kube-controller-manager"),
            json!({"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}},
                    "f:ownerReferences": {".": {}, "k:{\"uid\":\"rs1\"}": {}}},
                "f:spec": {"f:containers": {"k:{\"name\":\"c\"}": {".": {}, "f:image": {}, "f:name": {}}}}})
        );
    }

    #[test]
    fn the_kubelet_owns_the_status_it_wrote_since_the_binding_at_its_last_write() {
        let shown = shown(&running_pod()).into_owned();
        let mf = &shown["metadata"]["managedFields"][1];
        assert_eq!(
            (&mf["manager"], &mf["subresource"], &mf["time"]),
            (
                &json!("kubelet"),
                &json!("status"),
                &json!("2026-01-01T00:00:07Z")
            )
        );
        assert_eq!(
            fields(&shown, "kubelet"),
            json!({"f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {".": {},
                    "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}},
                "f:phase": {}, "f:podIP": {},
                "f:podIPs": {".": {}, "k:{\"ip\":\"10.0.0.5\"}": {".": {}, "f:ip": {}}},
                "f:startTime": {}}})
        );
    }

    #[test]
    fn an_unschedulable_pod_shows_the_schedulers_status_entry() {
        let mut pod = running_pod();
        pod["spec"].as_object_mut().unwrap().remove("nodeName");
        pod["status"] = json!({"phase": "Pending", "qosClass": "BestEffort", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "no",
             "lastProbeTime": null, "lastTransitionTime": "2026-01-01T00:00:02Z"}]});
        let shown = shown(&pod).into_owned();
        let managers: Vec<String> = entries(&shown).into_iter().map(|e| e.manager).collect();
        assert_eq!(managers, ["kube-controller-manager", "kube-scheduler"]);
        assert_eq!(
            shown["metadata"]["managedFields"][1]["time"],
            "2026-01-01T00:00:02Z"
        );
        let set = fields(&shown, "kube-scheduler");
        assert_eq!(set["f:status"]["f:conditions"]["."], json!({}));
    }

    #[test]
    fn a_clients_write_takes_over_from_the_stored_derived_entries() {
        let mut old = running_pod();
        materialize(&mut old);
        assert_eq!(entries(&old).len(), 2);
        let mut new = old.clone();
        new["metadata"]["labels"]["app"] = json!("other");
        let m = FieldManager::new("kubectl-label");
        record_update(&old, &mut new, &m, true, "2026-01-01T00:01:00Z");
        let kcm = fields(&new, "kube-controller-manager");
        // It keeps the map itself (written `{}` without keys), no longer `app`.
        assert_eq!(kcm["f:metadata"]["f:labels"], json!({}));
        // Shown as stored: nothing is derived again once entries are stored.
        assert_eq!(shown(&new).into_owned(), expanded(&new).into_owned());
    }
}
