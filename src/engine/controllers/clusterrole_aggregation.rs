//! The clusterrole-aggregation-controller (k/k `pkg/controller/clusterroleaggregation`):
//! a ClusterRole with an `aggregationRule` holds the rules of the ClusterRoles its
//! selectors match, so a role labelled `rbac.authorization.k8s.io/aggregate-to-view:
//! "true"` extends `view` (and through it `edit` and `admin`). Any ClusterRole written or
//! deleted wakes every aggregated one, as the controller's event handlers do.

use crate::engine::rbac::aggregation::gathered;
use crate::engine::store::EventType;
use crate::engine::world::World;
use serde_json::Value;

/// The aggregated ClusterRoles, by name: what a ClusterRole event enqueues.
pub fn aggregated(w: &World) -> Vec<String> {
    w.store
        .list("ClusterRole", None)
        .filter(|r| r.get("aggregationRule").is_some_and(|a| !a.is_null()))
        .filter_map(|r| r["metadata"]["name"].as_str().map(String::from))
        .collect()
}

/// `syncClusterRole`: writes the gathered rules when they differ from the role's.
#[inline(never)]
pub fn sync(w: &mut World, name: &str) {
    let Some(role) = w.get("ClusterRole", "", name).cloned() else {
        return;
    };
    let roles: Vec<Value> = w
        .store
        .list("ClusterRole", None)
        .map(|r| (**r).clone())
        .collect();
    let Some(rules) = gathered(&role, &roles) else {
        return;
    };
    let current = role.get("rules").cloned().unwrap_or(Value::Null);
    let same =
        current == rules || (current.is_null() && rules.as_array().is_some_and(Vec::is_empty));
    if same {
        return;
    }
    let mut updated = (*role).clone();
    updated["rules"] = rules;
    w.store.put("ClusterRole", updated, EventType::Modified);
}
