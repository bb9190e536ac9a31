//! The ResourceQuota admission plugin: a create that would take a namespace past what
//! one of its quotas allows is refused with the real server's text.

use super::super::errors::ApiError;
use super::super::kinds::KindInfo;
use super::super::quota::{self, Usage};
use super::super::world::World;
use serde_json::Value;

/// `checkRequest` for a new object: every quota of the namespace that tracks what it
/// uses must leave room for it (quotas are taken by name).
pub fn admit(
    w: &World,
    info: &KindInfo,
    namespace: &str,
    name: &str,
    obj: &Value,
) -> Result<(), ApiError> {
    let forbidden = |why: String| super::forbidden(info, name, &why);
    let mut quotas: Vec<_> = w
        .store
        .list("ResourceQuota", Some(namespace))
        .cloned()
        .collect();
    crate::sort::sort_by(&mut quotas, |a, b| {
        super::meta_str(a, "name").cmp(super::meta_str(b, "name"))
    });
    for q in quotas {
        let hard = quota::hard(&q);
        if !hard.keys().any(|r| quota::tracks(info, r)) || !quota::in_scope(&q, info, obj) {
            continue;
        }
        let quota_name = super::meta_str(&q, "name");
        if info.kind == "Pod" {
            if let Some(why) = quota::missing_compute(obj, &hard) {
                return Err(forbidden(format!("failed quota: {quota_name}: {why}")));
            }
        }
        let requested: Usage = quota::usage_of(info, obj)
            .into_iter()
            .filter(|(k, a)| hard.contains_key(k) && a.milli != 0)
            .collect();
        let used = quota::used(w, namespace, &q);
        let exceeded: Vec<&String> = requested
            .iter()
            .filter(|(k, a)| {
                let now = used.get(*k).copied().unwrap_or(quota::Amount::count(0));
                now.plus(**a).milli > hard[*k].milli
            })
            .map(|(k, _)| k)
            .collect();
        if exceeded.is_empty() {
            continue;
        }
        let mask = |list: &Usage| -> Usage {
            list.iter()
                .filter(|(k, _)| exceeded.contains(k))
                .map(|(k, v)| (k.clone(), *v))
                .collect()
        };
        return Err(forbidden(format!(
            "exceeded quota: {quota_name}, requested: {}, used: {}, limited: {}",
            quota::pretty(&mask(&requested)),
            quota::pretty(&mask(&used)),
            quota::pretty(&mask(&hard)),
        )));
    }
    Ok(())
}
