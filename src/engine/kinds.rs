//! The kinds the API server stores: the discovery table's resources, less the ones the
//! engine has no controller for yet (so creating them fails honestly instead of storing
//! objects that would never do anything).

pub use super::api::discovery::Resource as KindInfo;
use super::api::discovery::RESOURCES;

/// Listed by discovery (for `api-resources` and `explain`) but not run by the engine.
const NOT_SERVED: &[&str] = &[];

fn served() -> impl Iterator<Item = &'static KindInfo> {
    RESOURCES.iter().filter(|r| !NOT_SERVED.contains(&r.kind))
}

/// The stored kind called `kind` (exact Kind spelling).
pub fn by_kind(kind: &str) -> Option<&'static KindInfo> {
    served().find(|k| k.kind == kind)
}

/// The stored kind for an object's `apiVersion` and `kind`, if this server serves it.
pub fn by_api_version(api_version: &str, kind: &str) -> Option<&'static KindInfo> {
    served().find(|k| k.kind == kind && k.api_version() == api_version)
}

/// The namespaced kinds, in discovery order.
pub fn namespaced() -> impl Iterator<Item = &'static KindInfo> {
    served().filter(|k| k.namespaced)
}
