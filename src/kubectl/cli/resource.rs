//! Resource arguments: `pods`, `po web-0 web-1`, `sts/web`, `statefulsets.apps`, `sts,po`.

use crate::engine::api::discovery::{self, Resource};

/// One thing a command should act on: a whole type, or named objects of it.
#[derive(Debug, Clone)]
pub struct Target {
    pub resource: &'static Resource,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("the server doesn't have a resource type \"{0}\"")]
    UnknownType(String),
    #[error("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")]
    MixedForms,
    #[error("arguments in resource/name form must have a single resource and name")]
    BadSlashForm,
    /// Discovery lists metrics-server's resources, but only `kubectl top` reads them here.
    #[error("kubeplay: `{0}` (metrics.k8s.io) is read only by `kubectl top` in the playground")]
    MetricsNotSimulated(String),
}

pub fn resolve(name: &str) -> Result<&'static Resource, ResourceError> {
    if names_metrics(name) {
        return Err(ResourceError::MetricsNotSimulated(name.to_string()));
    }
    discovery::resolve(name).ok_or_else(|| ResourceError::UnknownType(name.to_string()))
}

/// `podmetrics`, `NodeMetrics`, `pods.metrics.k8s.io`, `nodes.v1beta1.metrics.k8s.io`, …
fn names_metrics(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    discovery::METRICS_RESOURCES.iter().any(|r| {
        let kind = r.kind.to_ascii_lowercase();
        lower == kind
            || [r.plural, kind.as_str()].iter().any(|n| {
                lower == format!("{n}.{}", r.group)
                    || lower == format!("{n}.{}.{}", r.version, r.group)
            })
    })
}

/// The members of the `all` category, in kubectl's order.
pub fn all_category() -> Vec<&'static Resource> {
    [
        "pods",
        "services",
        "daemonsets",
        "deployments",
        "replicasets",
        "statefulsets",
        "jobs",
    ]
    .iter()
    .filter_map(|n| discovery::resolve(n))
    .filter(|r| r.categories.contains(&"all"))
    .collect()
}

/// Parses positional arguments into targets.
pub fn parse_targets(args: &[String]) -> Result<Vec<Target>, ResourceError> {
    let Some(first) = args.first() else {
        return Ok(Vec::new());
    };
    if first.contains('/') {
        let mut targets: Vec<Target> = Vec::new();
        for a in args {
            let Some((ty, name)) = a.split_once('/') else {
                return Err(ResourceError::MixedForms);
            };
            if ty.is_empty() || name.is_empty() || name.contains('/') {
                return Err(ResourceError::BadSlashForm);
            }
            let r = resolve(ty)?;
            match targets.iter_mut().find(|t| std::ptr::eq(t.resource, r)) {
                Some(t) => t.names.push(name.to_string()),
                None => targets.push(Target {
                    resource: r,
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(targets);
    }
    if args[1..].iter().any(|a| a.contains('/')) {
        return Err(ResourceError::MixedForms);
    }
    let mut targets = Vec::new();
    for ty in first.split(',').filter(|t| !t.is_empty()) {
        if ty == "all" {
            for r in all_category() {
                targets.push(Target {
                    resource: r,
                    names: Vec::new(),
                });
            }
            continue;
        }
        targets.push(Target {
            resource: resolve(ty)?,
            names: args[1..].to_vec(),
        });
    }
    Ok(targets)
}

/// `statefulset.apps` / `pod`: the kind as the name printer writes it.
pub fn kind_group(r: &Resource) -> String {
    r.kind_group()
}
