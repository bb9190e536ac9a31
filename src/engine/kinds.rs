//! The kinds the API server stores, with what error messages and owner references need
//! to know about them.

/// One stored kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    /// `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

impl KindInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `statefulsets.apps` / `pods`: the GroupResource API errors name.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `statefulset.apps` / `pod`: how kubectl names the kind in its output lines.
    pub fn kind_group(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }
}

const fn k(
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> KindInfo {
    KindInfo {
        kind,
        group,
        version,
        plural,
        namespaced,
    }
}

pub const KINDS: &[KindInfo] = &[
    k("Pod", "", "v1", "pods", true),
    k("Service", "", "v1", "services", true),
    k("Endpoints", "", "v1", "endpoints", true),
    k(
        "PersistentVolumeClaim",
        "",
        "v1",
        "persistentvolumeclaims",
        true,
    ),
    k("PersistentVolume", "", "v1", "persistentvolumes", false),
    k("Node", "", "v1", "nodes", false),
    k("Namespace", "", "v1", "namespaces", false),
    k("Event", "", "v1", "events", true),
    k("ConfigMap", "", "v1", "configmaps", true),
    k("Secret", "", "v1", "secrets", true),
    k("ServiceAccount", "", "v1", "serviceaccounts", true),
    k("ResourceQuota", "", "v1", "resourcequotas", true),
    k("StatefulSet", "apps", "v1", "statefulsets", true),
    k("DaemonSet", "apps", "v1", "daemonsets", true),
    k("Deployment", "apps", "v1", "deployments", true),
    k("ReplicaSet", "apps", "v1", "replicasets", true),
    k(
        "ControllerRevision",
        "apps",
        "v1",
        "controllerrevisions",
        true,
    ),
    k(
        "StorageClass",
        "storage.k8s.io",
        "v1",
        "storageclasses",
        false,
    ),
];

/// The stored kind called `kind` (exact Kind spelling).
pub fn by_kind(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// The stored kind for an object's `apiVersion` and `kind`, if this server serves it.
pub fn by_api_version(api_version: &str, kind: &str) -> Option<&'static KindInfo> {
    by_kind(kind).filter(|k| k.api_version() == api_version)
}
