//! `--as`, `--as-group` and `--as-uid`: kubectl sends the request as another user
//! (Impersonate-* headers), and the API server's RBAC authorizer decides each call as
//! that user's. The terminal's own user, kind's `kubernetes-admin`, may do everything.
//!
//! Verbs check each call they make, in kubectl's order, through [`Ctx::authorize`]
//! (`super::Ctx`); a verb that does not is refused while impersonating rather than run
//! with the admin's rights.

use super::flags::Parsed;
use crate::engine::api::discovery::Resource;
use crate::engine::rbac::authorizer::{Attributes, UserInfo};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;

/// The verbs whose API calls are authorized as the impersonated user, and those that
/// make none a user could be refused (discovery, the OpenAPI schema, local files).
const AUTHORIZED_VERBS: &[&str] = &[
    "get",
    "describe",
    "delete",
    "create",
    "apply",
    "replace",
    "patch",
    "run",
    "scale",
    "rollout",
    "logs",
    "exec",
    "label",
    "annotate",
    "expose",
    "auth",
    "version",
    "api-resources",
    "api-versions",
    "explain",
    "config",
    "completion",
];

/// Who a command acts as: `None` for the terminal's user, the impersonated user for
/// `--as` (with `--as-group`s; `--as-uid` changes no RBAC decision). Groups or a uid
/// without a user is client-go's configuration error.
pub fn requester(p: &Parsed) -> Result<Option<UserInfo>, String> {
    match p.value("as").filter(|n| !n.is_empty()) {
        Some(name) => Ok(Some(UserInfo::impersonated(name, &p.all("as-group")))),
        None if p.has("as-group") || p.value("as-uid").is_some_and(|u| !u.is_empty()) => {
            Err("Error in configuration: requesting uid, groups or user-extra for kubernetes-admin without impersonating a user".into())
        }
        None => Ok(None),
    }
}

/// Whether `verb`'s calls are authorized as the impersonated user.
pub fn verb_is_authorized(verb: &str) -> bool {
    AUTHORIZED_VERBS.contains(&verb)
}

/// The honest answer for a verb that would run with the admin's rights.
pub fn not_simulated(verb: &str) -> Output {
    Output::failed(format!(
        "kubeplay: `kubectl {verb} --as` is not simulated in the playground (only get, describe, create, apply, replace, patch, delete, run, expose, scale, rollout status/pause/resume/restart, rollout history of a Deployment, label, annotate, logs, exec and auth are)"
    ))
}

/// The request attributes of `verb` on `r` (an object `name`, or the collection when
/// empty) in `namespace`, as the API server's RequestInfo sees them: a cluster-scoped
/// resource has no namespace, except a namespace itself, named in its own path.
pub fn attributes(
    verb: &str,
    r: &Resource,
    namespace: &str,
    name: &str,
    subresource: &str,
) -> Attributes {
    let namespace = if r.namespaced {
        namespace.to_string()
    } else if r.plural == "namespaces" && r.group.is_empty() {
        name.to_string()
    } else {
        String::new()
    };
    Attributes {
        verb: verb.into(),
        namespace,
        api_group: r.group.into(),
        resource: r.plural.into(),
        subresource: subresource.into(),
        name: name.into(),
        path: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::discovery;
    use crate::kubectl::cli::flags::{self, parse};

    fn parsed(s: &str) -> Parsed {
        let args: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse(&args, flags::GLOBAL).unwrap()
    }

    #[test]
    fn groups_without_a_user_are_a_configuration_error() {
        assert!(requester(&parsed("--as-group=g")).is_err());
        assert!(requester(&parsed("--as-uid=1")).is_err());
        assert_eq!(requester(&parsed("")).unwrap(), None);
        let jane = requester(&parsed("--as jane --as-group g"))
            .unwrap()
            .unwrap();
        assert_eq!(jane.groups, ["g", "system:authenticated"]);
    }

    #[test]
    fn a_namespace_is_named_in_its_own_path_other_cluster_objects_have_none() {
        let ns = discovery::resolve("namespaces").unwrap();
        assert_eq!(attributes("get", ns, "default", "dev", "").namespace, "dev");
        assert_eq!(attributes("list", ns, "default", "", "").namespace, "");
        let nodes = discovery::resolve("nodes").unwrap();
        assert_eq!(attributes("get", nodes, "default", "n1", "").namespace, "");
        let pods = discovery::resolve("pods").unwrap();
        assert_eq!(
            attributes("get", pods, "dev", "web", "log").subresource,
            "log"
        );
    }
}
