//! The LimitRanger admission plugin: on create, a pod's containers get their namespace's
//! LimitRange defaults (the mutating half, before validation, so ResourceQuota sees the
//! filled-in requests), then pods and claims are held to the ranges' bounds (the
//! validating half, before ResourceQuota), refused with the real server's text.

use super::super::errors::ApiError;
use super::super::kinds::KindInfo;
use super::super::limit_range::{self, Item};
use super::super::world::World;
use serde_json::{json, Value};

/// The namespace's LimitRanges, by name, as lists of items.
fn ranges(w: &World, namespace: &str) -> Vec<Vec<Item>> {
    let mut all: Vec<_> = w.store.list("LimitRange", Some(namespace)).collect();
    crate::sort::sort_by(&mut all, |a, b| {
        super::meta_str(a, "name").cmp(super::meta_str(b, "name"))
    });
    all.into_iter().map(|lr| limit_range::items(lr)).collect()
}

/// `Admit` for a new pod: each LimitRange in turn fills what its containers omit; the
/// last one that set anything writes the `kubernetes.io/limit-ranger` annotation.
pub fn mutate(w: &World, namespace: &str, pod: &mut Value) {
    for items in ranges(w, namespace) {
        let defaults = limit_range::container_defaults(&items);
        let Some(note) = limit_range::merge_pod(pod, &defaults) else {
            continue;
        };
        let meta = super::meta_mut(pod);
        let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
        if !annotations.is_object() {
            *annotations = json!({});
        }
        annotations[limit_range::ANNOTATION] = json!(note);
    }
}

/// `Validate` for a new pod or claim: the first LimitRange it breaks refuses it with every
/// bound it breaks.
pub fn validate(
    w: &World,
    info: &KindInfo,
    namespace: &str,
    name: &str,
    obj: &Value,
) -> Result<(), ApiError> {
    for items in ranges(w, namespace) {
        let errs = match info.kind {
            "Pod" => limit_range::pod_violations(&items, obj),
            "PersistentVolumeClaim" => limit_range::claim_violations(&items, obj),
            _ => return Ok(()),
        };
        if let Some(why) = limit_range::aggregate(&errs) {
            return Err(super::forbidden(info, name, &why));
        }
    }
    Ok(())
}
