//! The resource table: what `kubectl api-resources` prints and what resource names resolve
//! to. Rows follow a kubectl 1.34 `api-resources` listing against a kind cluster, limited to
//! the resources this playground serves: the core group first, then `apps`, `batch`, …,
//! `storage.k8s.io` and `discovery.k8s.io`, in the server's group order; resources
//! alphabetical within a group.

/// One served resource, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Resource {
    /// Lower-case plural, the name in URLs (`statefulsets`).
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// Empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
    pub categories: &'static [&'static str],
}

impl Resource {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `statefulset.apps`, or `pod` for the core group: how kubectl names the kind in its
    /// output lines.
    pub fn kind_group(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }

    /// `statefulsets.apps`, or `pods` for the core group: how errors name the resource.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NS_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const ALL: &[&str] = &["all"];

/// Builds one row of the table (all of its columns, hence the many arguments).
#[allow(clippy::too_many_arguments)]
const fn res(
    plural: &'static str,
    singular: &'static str,
    short_names: &'static [&'static str],
    group: &'static str,
    namespaced: bool,
    kind: &'static str,
    verbs: &'static [&'static str],
    categories: &'static [&'static str],
) -> Resource {
    Resource {
        plural,
        singular,
        short_names,
        group,
        version: "v1",
        namespaced,
        kind,
        verbs,
        categories,
    }
}

/// Every served resource, in `kubectl api-resources` order.
pub static RESOURCES: &[Resource] = &[
    res(
        "configmaps",
        "configmap",
        &["cm"],
        "",
        true,
        "ConfigMap",
        CRUD,
        &[],
    ),
    res(
        "endpoints",
        "endpoints",
        &["ep"],
        "",
        true,
        "Endpoints",
        CRUD,
        &[],
    ),
    res("events", "event", &["ev"], "", true, "Event", CRUD, &[]),
    res(
        "limitranges",
        "limitrange",
        &["limits"],
        "",
        true,
        "LimitRange",
        CRUD,
        &[],
    ),
    res(
        "namespaces",
        "namespace",
        &["ns"],
        "",
        false,
        "Namespace",
        NS_VERBS,
        &[],
    ),
    res("nodes", "node", &["no"], "", false, "Node", CRUD, &[]),
    res(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        &["pvc"],
        "",
        true,
        "PersistentVolumeClaim",
        CRUD,
        &[],
    ),
    res(
        "persistentvolumes",
        "persistentvolume",
        &["pv"],
        "",
        false,
        "PersistentVolume",
        CRUD,
        &[],
    ),
    res("pods", "pod", &["po"], "", true, "Pod", CRUD, ALL),
    res(
        "resourcequotas",
        "resourcequota",
        &["quota"],
        "",
        true,
        "ResourceQuota",
        CRUD,
        &[],
    ),
    res("secrets", "secret", &[], "", true, "Secret", CRUD, &[]),
    res(
        "serviceaccounts",
        "serviceaccount",
        &["sa"],
        "",
        true,
        "ServiceAccount",
        CRUD,
        &[],
    ),
    res(
        "services",
        "service",
        &["svc"],
        "",
        true,
        "Service",
        CRUD,
        ALL,
    ),
    res(
        "controllerrevisions",
        "controllerrevision",
        &[],
        "apps",
        true,
        "ControllerRevision",
        CRUD,
        &[],
    ),
    res(
        "daemonsets",
        "daemonset",
        &["ds"],
        "apps",
        true,
        "DaemonSet",
        CRUD,
        ALL,
    ),
    res(
        "deployments",
        "deployment",
        &["deploy"],
        "apps",
        true,
        "Deployment",
        CRUD,
        ALL,
    ),
    res(
        "replicasets",
        "replicaset",
        &["rs"],
        "apps",
        true,
        "ReplicaSet",
        CRUD,
        ALL,
    ),
    res(
        "statefulsets",
        "statefulset",
        &["sts"],
        "apps",
        true,
        "StatefulSet",
        CRUD,
        ALL,
    ),
    // The one resource of a v2 group: autoscaling/v2 is the preferred version (v1 is
    // served too, but kubectl and discovery name v2).
    Resource {
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        short_names: &["hpa"],
        group: "autoscaling",
        version: "v2",
        namespaced: true,
        kind: "HorizontalPodAutoscaler",
        verbs: CRUD,
        categories: ALL,
    },
    res(
        "cronjobs",
        "cronjob",
        &["cj"],
        "batch",
        true,
        "CronJob",
        CRUD,
        ALL,
    ),
    res("jobs", "job", &[], "batch", true, "Job", CRUD, ALL),
    res(
        "ingressclasses",
        "ingressclass",
        &[],
        "networking.k8s.io",
        false,
        "IngressClass",
        CRUD,
        &[],
    ),
    res(
        "ingresses",
        "ingress",
        &["ing"],
        "networking.k8s.io",
        true,
        "Ingress",
        CRUD,
        &[],
    ),
    res(
        "networkpolicies",
        "networkpolicy",
        &["netpol"],
        "networking.k8s.io",
        true,
        "NetworkPolicy",
        CRUD,
        &[],
    ),
    res(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        &["pdb"],
        "policy",
        true,
        "PodDisruptionBudget",
        CRUD,
        &[],
    ),
    res(
        "clusterrolebindings",
        "clusterrolebinding",
        &[],
        "rbac.authorization.k8s.io",
        false,
        "ClusterRoleBinding",
        CRUD,
        &[],
    ),
    res(
        "clusterroles",
        "clusterrole",
        &[],
        "rbac.authorization.k8s.io",
        false,
        "ClusterRole",
        CRUD,
        &[],
    ),
    res(
        "rolebindings",
        "rolebinding",
        &[],
        "rbac.authorization.k8s.io",
        true,
        "RoleBinding",
        CRUD,
        &[],
    ),
    res(
        "roles",
        "role",
        &[],
        "rbac.authorization.k8s.io",
        true,
        "Role",
        CRUD,
        &[],
    ),
    res(
        "storageclasses",
        "storageclass",
        &["sc"],
        "storage.k8s.io",
        false,
        "StorageClass",
        CRUD,
        &[],
    ),
    // After storage.k8s.io, as kube-apiserver orders its groups (`/apis`); kubectl's
    // `api-resources` sorts groups by name, which `listed` does.
    res(
        "endpointslices",
        "endpointslice",
        &[],
        "discovery.k8s.io",
        true,
        "EndpointSlice",
        CRUD,
        &[],
    ),
];

/// True when `name` (already lower-cased) names `r` by plural, singular, short name or kind.
fn names_resource(r: &Resource, name: &str) -> bool {
    r.plural == name
        || (!r.singular.is_empty() && r.singular == name)
        || r.short_names.contains(&name)
        || r.kind.eq_ignore_ascii_case(name)
}

/// The resource a command-line name means: plural, singular, short name or kind (any case),
/// optionally qualified as `name.group` or `name.version.group` (`statefulsets.apps`,
/// `deployment.v1.apps`). Plain names prefer the core group, as kubectl does.
pub fn resolve(name: &str) -> Option<&'static Resource> {
    resolve_in(RESOURCES, name)
}

/// metrics-server's resource a command-line name means (`podmetrics`,
/// `pods.metrics.k8s.io`, `nodes.v1beta1.metrics.k8s.io`). Plain `pods` and `nodes` are
/// the core group's, so callers ask [`resolve`] first.
pub fn resolve_metrics(name: &str) -> Option<&'static Resource> {
    resolve_in(METRICS_RESOURCES, name)
}

/// Older versions a group still serves besides its resources' preferred one (the API
/// server converts; kubectl prints what the server answers, in the preferred version).
const ALSO_SERVED: &[(&str, &str)] = &[("autoscaling", "v1")];

/// Whether `r` is served in `version`.
fn served_in(r: &Resource, version: &str) -> bool {
    r.version == version || ALSO_SERVED.contains(&(r.group, version))
}

fn resolve_in(table: &'static [Resource], name: &str) -> Option<&'static Resource> {
    let lower = name.to_ascii_lowercase();
    if let Some(r) = table.iter().find(|r| names_resource(r, &lower)) {
        return Some(r);
    }
    let (base, rest) = lower.split_once('.')?;
    let (version, group) = match rest.split_once('.') {
        Some((v, g)) if table.iter().any(|r| served_in(r, v) && r.group == g) => (Some(v), g),
        _ => (None, rest),
    };
    table.iter().find(|r| {
        r.group == group && version.is_none_or(|v| served_in(r, v)) && names_resource(r, base)
    })
}

/// metrics-server's `metrics.k8s.io/v1beta1` (an aggregated API: read-only, computed from
/// the kubelets' usage on every request, nothing stored). The playground's cluster runs it
/// — `kubectl top` works — so discovery lists it; `kubectl top` and `kubectl get` read it
/// (`kubectl::metrics_server` builds its objects), and writes get the server's 405.
pub static METRICS_RESOURCES: &[Resource] = &[
    Resource {
        plural: "nodes",
        singular: "",
        short_names: &[],
        group: METRICS_GROUP,
        version: METRICS_VERSION,
        namespaced: false,
        kind: "NodeMetrics",
        verbs: &["get", "list"],
        categories: &[],
    },
    Resource {
        plural: "pods",
        singular: "",
        short_names: &[],
        group: METRICS_GROUP,
        version: METRICS_VERSION,
        namespaced: true,
        kind: "PodMetrics",
        verbs: &["get", "list"],
        categories: &[],
    },
];

pub const METRICS_GROUP: &str = "metrics.k8s.io";
pub const METRICS_VERSION: &str = "v1beta1";

/// Everything `kubectl api-resources` lists, in its order: by group name (the core group
/// first), stably, so a group's resources keep their alphabetical order.
pub fn listed() -> Vec<&'static Resource> {
    let mut all: Vec<&'static Resource> = RESOURCES.iter().chain(METRICS_RESOURCES).collect();
    crate::sort::sort_by_key(&mut all, |r| r.group);
    all
}

/// The rows of `kubectl api-resources`, header first:
/// `NAME SHORTNAMES APIVERSION NAMESPACED KIND`.
pub fn api_resources_table() -> Vec<Vec<String>> {
    let mut rows = vec![["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        .map(String::from)
        .to_vec()];
    for r in listed() {
        rows.push(vec![
            r.plural.to_string(),
            r.short_names.join(","),
            r.api_version(),
            r.namespaced.to_string(),
            r.kind.to_string(),
        ]);
    }
    rows
}

/// What `kubectl api-versions` prints against a kind 1.34 cluster with default feature
/// gates (GA groups only; beta and alpha APIs are off by default) and metrics-server
/// installed (`kubectl top` works), sorted.
pub fn api_versions() -> Vec<String> {
    let mut v: Vec<String> = [
        "admissionregistration.k8s.io/v1",
        "apiextensions.k8s.io/v1",
        "apiregistration.k8s.io/v1",
        "apps/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "autoscaling/v1",
        "autoscaling/v2",
        "batch/v1",
        "certificates.k8s.io/v1",
        "coordination.k8s.io/v1",
        "discovery.k8s.io/v1",
        "events.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1",
        "metrics.k8s.io/v1beta1",
        "networking.k8s.io/v1",
        "node.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "resource.k8s.io/v1",
        "scheduling.k8s.io/v1",
        "storage.k8s.io/v1",
        "v1",
    ]
    .map(String::from)
    .to_vec();
    crate::sort::sort(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_accepts_plural_singular_short_and_kind() {
        for n in [
            "statefulsets",
            "statefulset",
            "sts",
            "StatefulSet",
            "STATEFULSET",
            "statefulsets.apps",
            "statefulset.v1.apps",
            "sts.apps",
        ] {
            assert_eq!(resolve(n).map(|r| r.kind), Some("StatefulSet"), "{n}");
        }
        assert_eq!(resolve("po").unwrap().kind, "Pod");
        assert_eq!(resolve("deployment.v1.apps").unwrap().kind, "Deployment");
        assert_eq!(resolve("deploy").unwrap().kind, "Deployment");
        assert_eq!(resolve("hpa.v1.autoscaling").unwrap().version, "v2");
        assert_eq!(resolve("hpa.v3.autoscaling"), None);
        assert_eq!(resolve("pods.apps"), None);
        assert_eq!(resolve("cr"), None);
        assert_eq!(resolve("statefulsett"), None);
    }

    #[test]
    fn api_resources_lists_core_first_then_groups() {
        let t = api_resources_table();
        assert_eq!(
            t[0],
            ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        );
        assert_eq!(t[1], ["configmaps", "cm", "v1", "true", "ConfigMap"]);
        let sts = t.iter().find(|r| r[0] == "statefulsets").unwrap();
        assert_eq!(
            sts,
            &["statefulsets", "sts", "apps/v1", "true", "StatefulSet"]
        );
        assert_eq!(
            t.last().unwrap(),
            &[
                "storageclasses",
                "sc",
                "storage.k8s.io/v1",
                "false",
                "StorageClass"
            ]
        );
    }

    #[test]
    fn api_versions_are_sorted_with_v1_last() {
        let v = api_versions();
        assert_eq!(v.first().unwrap(), "admissionregistration.k8s.io/v1");
        assert_eq!(v.last().unwrap(), "v1");
        assert!(v.contains(&"apps/v1".to_string()));
    }
}
