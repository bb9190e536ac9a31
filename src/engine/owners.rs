//! Who owns what: the dependents of each owner uid (with their current objects) and the
//! pods without a controller. The store keeps it current on every write, so controllers
//! and the garbage collector read their objects without scanning or looking them up.

use super::json::At;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// (kind, namespace, name) of a stored object.
pub type ObjectKey = (&'static str, String, String);

#[derive(Debug, Clone, Default)]
pub struct OwnerIndex {
    /// Owner uid → its dependents, each with its latest stored version.
    pub dependents: BTreeMap<String, BTreeMap<ObjectKey, Rc<Value>>>,
    owners_of: BTreeMap<ObjectKey, Vec<String>>,
    /// Live pods with no controller, by (namespace, name): candidates for adoption.
    pub orphan_pods: BTreeSet<(String, String)>,
}

fn owner_uids(obj: &Value) -> Vec<String> {
    obj.at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(|r| r["uid"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn has_controller(obj: &Value) -> bool {
    obj.at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r["controller"] == true))
}

impl OwnerIndex {
    /// An object was written (`Some`) or removed (`None`).
    pub fn record(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        object: Option<&Rc<Value>>,
    ) {
        if kind == "Pod" {
            let pod_key = (namespace.to_string(), name.to_string());
            let orphan = object.is_some_and(|o| {
                !has_controller(o) && o.at("/metadata/deletionTimestamp").is_none()
            });
            if orphan {
                self.orphan_pods.insert(pod_key);
            } else {
                self.orphan_pods.remove(&pod_key);
            }
        }
        let key: ObjectKey = (kind, namespace.to_string(), name.to_string());
        if let Some(old) = self.owners_of.remove(&key) {
            for uid in old {
                if let Some(map) = self.dependents.get_mut(&uid) {
                    map.remove(&key);
                    if map.is_empty() {
                        self.dependents.remove(&uid);
                    }
                }
            }
        }
        let Some(object) = object else { return };
        let uids = owner_uids(object);
        for uid in &uids {
            self.dependents
                .entry(uid.clone())
                .or_default()
                .insert(key.clone(), Rc::clone(object));
        }
        if !uids.is_empty() {
            self.owners_of.insert(key, uids);
        }
    }
}
