//! What a pod's volumes refer to.

use super::json::At;
use serde_json::Value;

/// The PersistentVolumeClaims a pod mounts, in volume order.
pub fn claim_names(pod: &Value) -> impl Iterator<Item = &str> {
    pod.at("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v.at("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
        })
}
