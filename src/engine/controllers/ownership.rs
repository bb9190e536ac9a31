//! Owner references: which objects a controller owns, adopting matching orphans and
//! releasing owned objects whose labels no longer match (ControllerRefManager).

use crate::engine::apiserver::meta_str;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::labels::{labels, selector_matches};
use crate::engine::owners::{Dependent, NameKey};
use crate::engine::pod_facts::PodFacts;
use crate::engine::store::Store;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// `metav1.NewControllerRef(owner)`.
pub fn controller_ref_to(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "blockOwnerDeletion": true,
        "controller": true,
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    })
}

/// Objects of `kind` whose controller reference points at `owner_uid`.
pub fn owned(w: &World, owner_uid: &str, kind: &'static str) -> Vec<Rc<Value>> {
    controlled(w, owner_uid, kind)
        .filter_map(|(key, d)| dependent_object(w, kind, key, d).cloned())
        .collect()
}

/// A dependent's object: from the owner index, or (a pod) decoded from the store.
fn dependent_object<'a>(
    w: &'a World,
    kind: &str,
    (ns, name): &NameKey,
    d: &'a Dependent,
) -> Option<&'a Rc<Value>> {
    d.object.as_ref().or_else(|| w.store.get(kind, ns, name))
}

/// A pod a controller owns, borrowed from the owner index: its facts, and the object
/// decoded from the store when a sync asks for it.
#[derive(Debug, Clone, Copy)]
pub struct PodRef<'a> {
    pub name: &'a str,
    pub facts: &'a PodFacts,
    object: PodObject<'a>,
}

#[derive(Debug, Clone, Copy)]
enum PodObject<'a> {
    Decoded(&'a Value),
    InStore(&'a Store, &'a str),
}

impl<'a> PodRef<'a> {
    /// A pod at hand (the policies' tests).
    pub fn new(name: &'a str, facts: &'a PodFacts, object: &'a Value) -> PodRef<'a> {
        PodRef {
            name,
            facts,
            object: PodObject::Decoded(object),
        }
    }

    /// The pod as stored (decoded on first read since the store's last write).
    pub fn object(&self) -> &'a Value {
        static GONE: Value = Value::Null;
        match self.object {
            PodObject::Decoded(v) => v,
            PodObject::InStore(store, ns) => store.get("Pod", ns, self.name).map_or(&GONE, |p| p),
        }
    }
}

/// The pods whose controller is `owner_uid`, borrowed: a sync that reads mostly facts
/// walks its pods without copying anything per pod, and copies names only for the pods
/// it acts on.
pub fn owned_pod_refs<'a>(w: &'a World, owner_uid: &str) -> impl Iterator<Item = PodRef<'a>> {
    controlled(w, owner_uid, "Pod").filter_map(|((ns, name), d)| {
        Some(PodRef {
            name,
            facts: d.pod.as_ref()?,
            object: PodObject::InStore(&w.store, ns),
        })
    })
}

fn controlled<'a>(
    w: &'a World,
    owner_uid: &str,
    kind: &'static str,
) -> impl Iterator<Item = (&'a NameKey, &'a Dependent)> + 'a {
    // The index holds each dependent's latest version: no store lookups needed.
    w.store
        .owners
        .dependents
        .get(owner_uid)
        .map(|deps| deps.of_kind(kind))
        .unwrap_or_default()
        .filter(|(_, d)| d.controlled)
}

/// Identifies a selector for the verdicts cached in the owner index: SipHash with fixed
/// keys of its JSON text (deterministic; a 64-bit collision is not a practical concern).
fn fingerprint(selector: &Value) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    selector.to_string().hash(&mut h);
    h.finish()
}

/// Adopts matching orphans and releases controlled pods whose labels no longer match;
/// the controller then reads its pods with `owned_pod_refs`.
pub fn claim(w: &mut World, owner: &Value) {
    let uid = meta_str(owner, "uid").to_string();
    let namespace = meta_str(owner, "namespace").to_string();
    let selector = owner.at("/spec/selector").cloned().unwrap_or(Value::Null);
    let deleting = owner.at("/metadata/deletionTimestamp").is_some();
    let selector_id = fingerprint(&selector);
    let mut released = Vec::new();
    let to_check = w
        .store
        .owners
        .dependents
        .get(&uid)
        .map(|deps| deps.pods_to_claim(selector_id))
        .unwrap_or_default();
    for (key, d) in to_check.into_iter().filter(|(_, d)| d.controlled) {
        let matches = deleting
            || match d.selector_verdict.get() {
                Some((id, verdict)) if id == selector_id => verdict,
                _ => {
                    let verdict = d
                        .pod
                        .as_ref()
                        .is_some_and(|f| selector_matches(&selector, &f.labels));
                    d.selector_verdict.set(Some((selector_id, verdict)));
                    verdict
                }
            };
        if !matches {
            released.extend(dependent_object(w, "Pod", key, d).cloned());
        }
    }
    for pod in released {
        write_ownership(
            w,
            &pod,
            |p| {
                if let Some(refs) = p
                    .pointer_mut("/metadata/ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    refs.retain(|r| r["uid"] != uid.as_str());
                }
            },
            |name| {
                format!(
                    "{name} was released by {}: its labels no longer match the selector",
                    meta_str(owner, "name")
                )
            },
        );
    }
    if deleting {
        return;
    }
    if let Some(deps) = w.store.owners.dependents.get_mut(&uid) {
        deps.claimed(selector_id);
    }
    // The orphan index holds exactly the live pods without a controller, in store order.
    let orphans: Vec<Rc<Value>> = w
        .store
        .owners
        .orphan_pods
        .range((namespace.clone(), String::new())..)
        .take_while(|(ns, _)| *ns == namespace)
        .filter_map(|(ns, name)| w.get("Pod", ns, name))
        .filter(|p| selector_matches(&selector, labels(p)))
        .cloned()
        .collect();
    for pod in orphans {
        write_ownership(
            w,
            &pod,
            |p| {
                let reference = controller_ref_to(owner);
                match p
                    .pointer_mut("/metadata/ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    Some(refs) => refs.push(reference),
                    None => p["metadata"]["ownerReferences"] = json!([reference]),
                }
            },
            |name| {
                format!(
                    "{name} was adopted by {} {}: it had no owner and matches the selector",
                    owner["kind"].as_str().unwrap_or(""),
                    meta_str(owner, "name")
                )
            },
        );
    }
}

/// Writes `pod` with its owner references changed by `edit`, and tells the learner why.
fn write_ownership(
    w: &mut World,
    pod: &Value,
    edit: impl FnOnce(&mut Value),
    why: impl FnOnce(&str) -> String,
) {
    let mut p = pod.clone();
    edit(&mut p);
    let stored = w.write("Pod", p);
    let text = why(meta_str(&stored, "name"));
    Recorder::new("ownership", "Pod", &stored).why(w, text);
}
