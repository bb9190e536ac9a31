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
    /// Discovery lists metrics-server's resources; `get` and `describe` read them, writes get the
    /// server's 405, and other verbs do not read them in the playground.
    #[error("kubeplay: `{0}` (metrics.k8s.io) is read only by `kubectl get`, `describe` and `top` in the playground")]
    MetricsNotSimulated(String),
    /// metrics-server serves only get and list: the aggregator's answer to any write.
    #[error("Error from server (MethodNotAllowed): the server does not allow this method on the requested resource ({0})")]
    MethodNotAllowed(&'static str),
}

/// What a verb does with the objects it names: metrics-server's resources can be read,
/// and a write is the server's refusal of its HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write(&'static str),
    /// A verb the playground does not run over metrics.k8s.io.
    Other,
}

pub fn resolve(name: &str) -> Result<&'static Resource, ResourceError> {
    resolve_for(name, Access::Other)
}

fn resolve_for(name: &str, access: Access) -> Result<&'static Resource, ResourceError> {
    if let Some(r) = discovery::resolve(name) {
        return Ok(r);
    }
    let Some(r) = discovery::resolve_metrics(name) else {
        return Err(ResourceError::UnknownType(name.to_string()));
    };
    match access {
        Access::Read => Ok(r),
        Access::Write(method) => Err(ResourceError::MethodNotAllowed(method)),
        Access::Other => Err(ResourceError::MetricsNotSimulated(name.to_string())),
    }
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
        "horizontalpodautoscalers",
        "jobs",
    ]
    .iter()
    .filter_map(|n| discovery::resolve(n))
    .filter(|r| r.categories.contains(&"all"))
    .collect()
}

/// Parses positional arguments into targets.
pub fn parse_targets(args: &[String]) -> Result<Vec<Target>, ResourceError> {
    parse_targets_for(args, Access::Other)
}

/// `parse_targets` for a verb that reads or writes what it names (see `Access`).
pub fn parse_targets_for(args: &[String], access: Access) -> Result<Vec<Target>, ResourceError> {
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
            let r = resolve_for(ty, access)?;
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
            resource: resolve_for(ty, access)?,
            names: args[1..].to_vec(),
        });
    }
    Ok(targets)
}

/// `statefulset.apps` / `pod`: the kind as the name printer writes it.
pub fn kind_group(r: &Resource) -> String {
    r.kind_group()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics_resources_are_read_by_get_and_refused_to_writes() {
        let t = parse_targets_for(&args(&["pods.metrics.k8s.io", "web"]), Access::Read).unwrap();
        assert_eq!(t[0].resource.kind, "PodMetrics");
        let t = parse_targets_for(&args(&["nodemetrics/n1"]), Access::Read).unwrap();
        assert_eq!(
            (t[0].resource.kind, t[0].names.as_slice()),
            ("NodeMetrics", &["n1".to_string()][..])
        );
        assert_eq!(
            parse_targets_for(&args(&["podmetrics", "web"]), Access::Write("PATCH")).unwrap_err(),
            ResourceError::MethodNotAllowed("PATCH")
        );
        assert!(matches!(
            parse_targets(&args(&["podmetrics"])),
            Err(ResourceError::MetricsNotSimulated(_))
        ));
        // the core group's pods stay pods
        let t = parse_targets_for(&args(&["pods"]), Access::Read).unwrap();
        assert_eq!(t[0].resource.kind, "Pod");
    }
}
