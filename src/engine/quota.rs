//! Resource quota evaluation (k/k `pkg/quota/v1/evaluator/core`): what one object counts
//! against a ResourceQuota's `hard` resources, quantity sums as `resource.Quantity` adds
//! and prints them, and which pods a quota's scopes select. Shared by the ResourceQuota
//! admission plugin (refusals) and the resource-quota-controller (`status.used`).

use super::api::discovery::Resource;
use super::json::At;
use super::quantity::{Format, Quantity};
use serde_json::Value;
use std::collections::BTreeMap;

/// A quantity in thousandths of its unit (so `600m` cpu and `1` pod share one shape),
/// with the format the first quantity of a sum was written in (Go's `Add` keeps the
/// receiver's format: `512Mi` + `512Mi` prints `1Gi`, `1G` + `1G` prints `2G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub milli: i64,
    pub binary: bool,
}

impl Amount {
    pub const fn count(n: i64) -> Amount {
        Amount {
            milli: n * 1000,
            binary: false,
        }
    }

    /// A quantity as the API accepts it (`600m`, `1Gi`, `2`, `1.5`); `None` when it is not one.
    pub fn parse(q: &Value) -> Option<Amount> {
        let text = match q {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(Amount {
            milli: super::quantity::parse(&text, 1000.0)?,
            binary: text.ends_with('i'),
        })
    }

    pub fn plus(self, other: Amount) -> Amount {
        Amount {
            milli: self.milli + other.milli,
            binary: if self.milli == 0 {
                other.binary
            } else {
                self.binary
            },
        }
    }
}

/// `Quantity.String()` in its canonical form: `600m`, `2`, `1k`, `512Mi`, `1Gi`.
impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let format = if self.binary {
            Format::BinarySI
        } else {
            Format::DecimalSI
        };
        let q = Quantity::from_nanos(i128::from(self.milli) * 1_000_000, format);
        write!(f, "{q}")
    }
}

pub type Usage = BTreeMap<String, Amount>;

/// The resources a pod's compute requirements are counted under, for which a quota
/// makes every container state them (`validationSet`).
pub const COMPUTE: [&str; 6] = [
    "cpu",
    "limits.cpu",
    "limits.memory",
    "memory",
    "requests.cpu",
    "requests.memory",
];

/// `count/<resource>.<group>` (`count/pods` for the core group).
pub fn count_name(kind: &Resource) -> String {
    if kind.group.is_empty() {
        format!("count/{}", kind.plural)
    } else {
        format!("count/{}.{}", kind.plural, kind.group)
    }
}

/// Whether an object of `kind` counts toward `resource` at all (the evaluator that
/// `Matches` it): a quota refuses or charges only what it tracks.
pub fn tracks(kind: &Resource, resource: &str) -> bool {
    if resource == count_name(kind) {
        return true;
    }
    match kind.kind {
        "Pod" => {
            resource == "pods"
                || COMPUTE.contains(&resource)
                || matches!(
                    resource,
                    "ephemeral-storage" | "requests.ephemeral-storage" | "limits.ephemeral-storage"
                )
        }
        "Service" => matches!(
            resource,
            "services" | "services.nodeports" | "services.loadbalancers"
        ),
        "ConfigMap" => resource == "configmaps",
        "Secret" => resource == "secrets",
        "PersistentVolumeClaim" => {
            matches!(resource, "persistentvolumeclaims" | "requests.storage")
        }
        "ReplicationController" => resource == "replicationcontrollers",
        "ResourceQuota" => resource == "resourcequotas",
        _ => false,
    }
}

/// `QuotaV1Pod` without its clock: a pod that has finished is no longer charged.
fn charged(pod: &Value) -> bool {
    !matches!(
        pod.at("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    )
}

fn add(usage: &mut Usage, name: &str, amount: Amount) {
    let sum = usage.get(name).map_or(amount, |have| have.plus(amount));
    usage.insert(name.to_string(), sum);
}

/// `podComputeUsageHelper`: what one container's requests and limits count under.
fn container_usage(c: &Value) -> Usage {
    let mut u = Usage::new();
    for (res, key) in [
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("ephemeral-storage", "ephemeral-storage"),
    ] {
        if let Some(a) = c
            .at(&format!("/resources/requests/{key}"))
            .and_then(Amount::parse)
        {
            add(&mut u, res, a);
            add(&mut u, &format!("requests.{res}"), a);
        }
        if let Some(a) = c
            .at(&format!("/resources/limits/{key}"))
            .and_then(Amount::parse)
        {
            add(&mut u, &format!("limits.{res}"), a);
        }
    }
    u
}

/// A pod's compute usage: its containers summed, at least what its largest init
/// container needs (init containers run one at a time).
fn pod_compute(pod: &Value) -> Usage {
    let mut total = Usage::new();
    for c in pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (k, a) in container_usage(c) {
            add(&mut total, &k, a);
        }
    }
    for c in pod
        .at("/spec/initContainers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (k, a) in container_usage(c) {
            if total.get(&k).is_none_or(|t| t.milli < a.milli) {
                total.insert(k, a);
            }
        }
    }
    total
}

/// Everything one object of `kind` counts toward.
pub fn usage_of(kind: &Resource, obj: &Value) -> Usage {
    let mut u = Usage::new();
    if kind.kind == "Pod" && !charged(obj) {
        return u;
    }
    u.insert(count_name(kind), Amount::count(1));
    match kind.kind {
        "Pod" => {
            u.insert("pods".into(), Amount::count(1));
            u.extend(pod_compute(obj));
        }
        "Service" => {
            u.insert("services".into(), Amount::count(1));
            let kind = obj
                .at("/spec/type")
                .and_then(Value::as_str)
                .unwrap_or("ClusterIP");
            let ports = obj
                .at("/spec/ports")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if matches!(kind, "NodePort" | "LoadBalancer") {
                u.insert("services.nodeports".into(), Amount::count(ports as i64));
            }
            if kind == "LoadBalancer" {
                u.insert("services.loadbalancers".into(), Amount::count(1));
            }
        }
        "ConfigMap" => {
            u.insert("configmaps".into(), Amount::count(1));
        }
        "Secret" => {
            u.insert("secrets".into(), Amount::count(1));
        }
        "PersistentVolumeClaim" => {
            u.insert("persistentvolumeclaims".into(), Amount::count(1));
            if let Some(a) = obj
                .at("/spec/resources/requests/storage")
                .and_then(Amount::parse)
            {
                u.insert("requests.storage".into(), a);
            }
        }
        "ReplicationController" => {
            u.insert("replicationcontrollers".into(), Amount::count(1));
        }
        "ResourceQuota" => {
            u.insert("resourcequotas".into(), Amount::count(1));
        }
        _ => {}
    }
    u
}

/// A pod with no cpu or memory request or limit in any container (QoS `BestEffort`).
fn best_effort(pod: &Value) -> bool {
    let all = ["containers", "initContainers"]
        .into_iter()
        .flat_map(|list| {
            pod.at(&format!("/spec/{list}"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        });
    !all.into_iter().any(|c| {
        ["requests", "limits"].iter().any(|r| {
            ["cpu", "memory"]
                .iter()
                .any(|k| c.at(&format!("/resources/{r}/{k}")).is_some())
        })
    })
}

/// Whether the quota's `scopes` select this object: scoped quotas count pods only.
pub fn in_scope(quota: &Value, kind: &Resource, obj: &Value) -> bool {
    let scopes: Vec<&str> = quota
        .at("/spec/scopes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if scopes.is_empty() {
        return true;
    }
    if kind.kind != "Pod" {
        return false;
    }
    let terminating = obj
        .at("/spec/activeDeadlineSeconds")
        .is_some_and(|v| !v.is_null());
    scopes.iter().all(|s| match *s {
        "Terminating" => terminating,
        "NotTerminating" => !terminating,
        "BestEffort" => best_effort(obj),
        "NotBestEffort" => !best_effort(obj),
        _ => false,
    })
}

/// The quota's `spec.hard`, each quantity in canonical form (as `status.hard` shows it).
pub fn hard(quota: &Value) -> BTreeMap<String, Amount> {
    quota
        .at("/spec/hard")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), Amount::parse(v)?)))
        .collect()
}

/// `ValidateContainerConstraints` for a quota that limits compute resources: each
/// container states every one of them, or `must specify limits.memory for: a,b; …`.
pub fn missing_compute(pod: &Value, hard: &BTreeMap<String, Amount>) -> Option<String> {
    let required: Vec<&str> = COMPUTE
        .iter()
        .copied()
        .filter(|r| hard.contains_key(*r))
        .collect();
    let mut missing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for list in ["containers", "initContainers"] {
        for c in pod
            .at(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let has = container_usage(c);
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            for r in &required {
                if !has.contains_key(*r) {
                    missing.entry(r).or_default().push(name.to_string());
                }
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let parts: Vec<String> = missing
        .into_iter()
        .map(|(r, mut names)| {
            crate::sort::sort(&mut names);
            names.dedup();
            format!("{r} for: {}", names.join(","))
        })
        .collect();
    Some(format!("must specify {}", parts.join("; ")))
}

/// `prettyPrint`: `name=value` pairs sorted by name, joined by `,`.
pub fn pretty(list: &BTreeMap<String, Amount>) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// What the namespace's objects use of each resource the quota limits (the quota
/// controller's `CalculateUsage`; admission adds one object's usage to it).
pub fn used(w: &super::world::World, namespace: &str, quota: &Value) -> Usage {
    let hard = hard(quota);
    let mut used: Usage = hard.keys().map(|k| (k.clone(), Amount::count(0))).collect();
    for kind in super::kinds::namespaced() {
        if !hard.keys().any(|r| tracks(kind, r)) {
            continue;
        }
        for obj in w.store.list(kind.kind, Some(namespace)) {
            if !in_scope(quota, kind, obj) {
                continue;
            }
            for (k, a) in usage_of(kind, obj) {
                if hard.contains_key(&k) {
                    add(&mut used, &k, a);
                }
            }
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn amount(q: &str) -> Amount {
        Amount::parse(&json!(q)).unwrap()
    }

    #[test]
    fn quantities_add_and_print_as_go_prints_them() {
        assert_eq!(amount("600m").to_string(), "600m");
        assert_eq!(amount("600m").plus(amount("400m")).to_string(), "1");
        assert_eq!(amount("512Mi").plus(amount("512Mi")).to_string(), "1Gi");
        assert_eq!(amount("1G").plus(amount("1G")).to_string(), "2G");
        assert_eq!(amount("1000").to_string(), "1k");
        assert_eq!(Amount::count(0).to_string(), "0");
        assert_eq!(amount("1.5").to_string(), "1500m");
    }

    #[test]
    fn a_missing_compute_resource_names_each_container_that_lacks_it() {
        let pod = json!({"spec": {"containers": [
            {"name": "b", "resources": {"requests": {"cpu": "1"}}},
            {"name": "a"}
        ]}});
        let hard = BTreeMap::from([
            ("requests.cpu".to_string(), amount("2")),
            ("limits.memory".to_string(), amount("1Gi")),
            ("pods".to_string(), amount("3")),
        ]);
        assert_eq!(
            missing_compute(&pod, &hard).as_deref(),
            Some("must specify limits.memory for: a,b; requests.cpu for: a")
        );
    }

    #[test]
    fn finished_pods_are_not_charged_and_scopes_select_pods_only() {
        let pods = crate::engine::kinds::by_kind("Pod").unwrap();
        let done = json!({"spec": {"containers": []}, "status": {"phase": "Succeeded"}});
        assert!(usage_of(pods, &done).is_empty());
        let running =
            json!({"spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running"}});
        assert_eq!(usage_of(pods, &running)["pods"], Amount::count(1));
        let best_effort = json!({"spec": {"scopes": ["BestEffort"]}});
        assert!(in_scope(&best_effort, pods, &running));
        let cms = crate::engine::kinds::by_kind("ConfigMap").unwrap();
        assert!(!in_scope(&best_effort, cms, &json!({})));
    }
}
