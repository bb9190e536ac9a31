//! The resource quota controller (k/k `pkg/controller/resourcequota`): each quota's
//! `status.hard` mirrors its spec and `status.used` is what the namespace's objects use,
//! recounted whenever something in the namespace changes (its replenishment watches).

use crate::engine::quota;
use crate::engine::store::EventType;
use crate::engine::world::World;
use crate::json;
use serde_json::{Map, Value};

/// Whether a change to an object of `kind` in `namespace` can move a quota's usage.
pub fn wakes(w: &World, kind: &str, namespace: &str) -> bool {
    !namespace.is_empty() && kind != "Event" && w.store.count("ResourceQuota", Some(namespace)) > 0
}

/// `syncResourceQuota` for every quota of the namespace: writes the status only when
/// it changed, so its own write settles.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str) {
    let quotas: Vec<_> = w
        .store
        .list("ResourceQuota", Some(namespace))
        .cloned()
        .collect();
    for q in quotas {
        if q.get("metadata")
            .and_then(|m| m.get("deletionTimestamp"))
            .is_some()
        {
            continue;
        }
        let strings = |m: quota::Usage| -> Map<String, Value> {
            m.into_iter()
                .map(|(k, v)| (k, json!(v.to_string())))
                .collect()
        };
        let status = json!({
            "hard": strings(quota::hard(&q)),
            "used": strings(quota::used(w, namespace, &q)),
        });
        if q.get("status") == Some(&status) {
            continue;
        }
        let mut updated = (*q).clone();
        updated["status"] = status;
        w.store.put("ResourceQuota", updated, EventType::Modified);
    }
}
