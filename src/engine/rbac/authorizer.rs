//! The RBAC authorizer (`plugin/pkg/auth/authorizer/rbac`): a request is allowed when a
//! rule of a role bound to its user — by a ClusterRoleBinding anywhere, or by a
//! RoleBinding in the request's namespace — covers it. Pure: the caller hands over the
//! roles and bindings.

use crate::engine::errors::ApiError;
use crate::engine::store::Store;
use serde_json::Value;

/// Who asks: a user name and its groups (as the authenticator, or impersonation, set
/// them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// A user as impersonation makes it (`--as`, `--as-group`): a service account's name
    /// gains its groups, everyone but `system:anonymous` gains `system:authenticated`.
    pub fn impersonated(name: &str, groups: &[String]) -> UserInfo {
        let mut all = groups.to_vec();
        if let Some(rest) = name.strip_prefix("system:serviceaccount:") {
            if let Some((ns, _)) = rest.split_once(':') {
                for g in [
                    "system:serviceaccounts".to_string(),
                    format!("system:serviceaccounts:{ns}"),
                ] {
                    if !all.contains(&g) {
                        all.push(g);
                    }
                }
            }
        }
        let anonymous =
            name == "system:anonymous" || all.iter().any(|g| g == "system:unauthenticated");
        if !anonymous && !all.iter().any(|g| g == "system:authenticated") {
            all.push("system:authenticated".into());
        }
        UserInfo {
            name: name.to_string(),
            groups: all,
        }
    }
}

/// What is asked: a resource request (`namespace` empty at the cluster scope) or a
/// non-resource one (`path` set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    pub namespace: String,
    pub api_group: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// A non-resource URL (`/healthz`); empty for a resource request.
    pub path: String,
}

fn strings(rule: &Value, key: &str) -> Vec<String> {
    rule[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn has_or_star(list: &[String], value: &str) -> bool {
    list.iter().any(|v| v == "*" || v == value)
}

/// `ResourceMatches`: `*`, the resource (with its subresource), or `*/subresource`.
fn resource_matches(rule: &[String], combined: &str, subresource: &str) -> bool {
    rule.iter().any(|r| {
        r == "*"
            || r == combined
            || (!subresource.is_empty()
                && r.strip_prefix("*/").is_some_and(|sub| sub == subresource))
    })
}

/// `NonResourceURLMatches`: `*`, the path, or a prefix ending in `*`.
fn url_matches(rule: &[String], path: &str) -> bool {
    rule.iter()
        .any(|u| u == "*" || u == path || u.strip_suffix('*').is_some_and(|p| path.starts_with(p)))
}

/// `RuleAllows`: whether one PolicyRule covers the request.
pub fn rule_allows(a: &Attributes, rule: &Value) -> bool {
    if !has_or_star(&strings(rule, "verbs"), &a.verb) {
        return false;
    }
    if !a.path.is_empty() {
        return url_matches(&strings(rule, "nonResourceURLs"), &a.path);
    }
    let combined = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let names = strings(rule, "resourceNames");
    has_or_star(&strings(rule, "apiGroups"), &a.api_group)
        && resource_matches(&strings(rule, "resources"), &combined, &a.subresource)
        && (names.is_empty() || names.contains(&a.name))
}

/// `appliesToUser`: a User by name, a Group by membership, a ServiceAccount by its
/// `system:serviceaccount:NS:NAME` user (NS defaulting to the binding's namespace).
pub fn applies_to(user: &UserInfo, subject: &Value, binding_namespace: &str) -> bool {
    let name = subject["name"].as_str().unwrap_or("");
    match subject["kind"].as_str().unwrap_or("") {
        "User" => user.name == name,
        "Group" => user.groups.iter().any(|g| g == name),
        "ServiceAccount" => {
            let ns = subject["namespace"]
                .as_str()
                .filter(|n| !n.is_empty())
                .unwrap_or(binding_namespace);
            !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

/// The roles and bindings the authorizer reads.
pub trait Policy {
    fn cluster_role_bindings(&self) -> Vec<Value>;
    fn role_bindings(&self, namespace: &str) -> Vec<Value>;
    /// The rules of the Role (`namespace` set) or ClusterRole `name`, if it exists.
    fn rules(&self, kind: &str, namespace: &str, name: &str) -> Option<Vec<Value>>;
}

/// `VisitRulesFor`: every rule bound to `user` for `namespace` (cluster bindings first).
pub fn rules_for(policy: &dyn Policy, user: &UserInfo, namespace: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let bound = |b: &Value, ns: &str| {
        b["subjects"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| applies_to(user, s, ns)))
    };
    for b in policy.cluster_role_bindings() {
        if bound(&b, "") {
            let name = b["roleRef"]["name"].as_str().unwrap_or("");
            out.extend(policy.rules("ClusterRole", "", name).unwrap_or_default());
        }
    }
    if !namespace.is_empty() {
        for b in policy.role_bindings(namespace) {
            if bound(&b, namespace) {
                let kind = b["roleRef"]["kind"].as_str().unwrap_or("");
                let name = b["roleRef"]["name"].as_str().unwrap_or("");
                let ns = if kind == "Role" { namespace } else { "" };
                out.extend(policy.rules(kind, ns, name).unwrap_or_default());
            }
        }
    }
    out
}

/// Whether RBAC allows `user` the request `a`.
pub fn allows(policy: &dyn Policy, user: &UserInfo, a: &Attributes) -> bool {
    rules_for(policy, user, &a.namespace)
        .iter()
        .any(|r| rule_allows(a, r))
}

/// The API server's refusal of `a` for `user` (`forbiddenMessage` inside
/// `NewForbidden`): the resource (not its subresource) and name lead, the verb, the
/// resource with its subresource, the group and the scope follow.
pub fn forbidden(user: &str, a: &Attributes) -> ApiError {
    if !a.path.is_empty() {
        return ApiError::Forbidden {
            message: format!(
                "forbidden: User \"{user}\" cannot {} path \"{}\"",
                a.verb, a.path
            ),
        };
    }
    // `pods/log`, `deployments.apps`: a suffix only when there is one.
    let joined = |base: &str, sep: char, suffix: &str| match suffix {
        "" => base.to_string(),
        s => format!("{base}{sep}{s}"),
    };
    let resource = joined(&a.resource, '/', &a.subresource);
    let scope = if a.namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace \"{}\"", a.namespace)
    };
    let why = format!(
        "User \"{user}\" cannot {} resource \"{resource}\" in API group \"{}\" {scope}",
        a.verb, a.api_group
    );
    let group_resource = joined(&a.resource, '.', &a.api_group);
    let message = if a.name.is_empty() {
        format!("{group_resource} is forbidden: {why}")
    } else {
        format!("{group_resource} \"{}\" is forbidden: {why}", a.name)
    };
    ApiError::Forbidden { message }
}

/// `allows`, or the server's Forbidden error.
pub fn authorize(policy: &dyn Policy, user: &UserInfo, a: &Attributes) -> Result<(), ApiError> {
    if allows(policy, user, a) {
        Ok(())
    } else {
        Err(forbidden(&user.name, a))
    }
}

/// The cluster's RBAC objects, as the authorizer reads them.
pub struct StorePolicy<'a>(pub &'a Store);

impl Policy for StorePolicy<'_> {
    fn cluster_role_bindings(&self) -> Vec<Value> {
        self.0
            .list("ClusterRoleBinding", None)
            .map(|b| (**b).clone())
            .collect()
    }
    fn role_bindings(&self, namespace: &str) -> Vec<Value> {
        self.0
            .list("RoleBinding", Some(namespace))
            .map(|b| (**b).clone())
            .collect()
    }
    fn rules(&self, kind: &str, namespace: &str, name: &str) -> Option<Vec<Value>> {
        let role = self.0.get(kind, namespace, name)?;
        Some(role["rules"].as_array().cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods(verb: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            namespace: "default".into(),
            resource: "pods".into(),
            ..Attributes::default()
        }
    }

    #[test]
    fn a_rule_matches_its_verbs_groups_and_resources() {
        let rule = json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]});
        assert!(rule_allows(&pods("get"), &rule));
        assert!(!rule_allows(&pods("create"), &rule));
        let mut apps = pods("get");
        apps.api_group = "apps".into();
        assert!(!rule_allows(&apps, &rule));
    }

    #[test]
    fn a_subresource_needs_its_own_rule_or_a_star_prefix() {
        let mut log = pods("get");
        log.subresource = "log".into();
        let plain = json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]});
        let own = json!({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]});
        let star = json!({"apiGroups": [""], "resources": ["*/log"], "verbs": ["get"]});
        assert!(!rule_allows(&log, &plain));
        assert!(rule_allows(&log, &own));
        assert!(rule_allows(&log, &star));
    }

    #[test]
    fn resource_names_limit_a_rule_to_those_objects() {
        let rule = json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"], "resourceNames": ["web"]});
        let mut web = pods("get");
        web.name = "web".into();
        assert!(rule_allows(&web, &rule));
        assert!(!rule_allows(&pods("get"), &rule));
    }

    #[test]
    fn non_resource_urls_match_exactly_or_by_a_trailing_star() {
        let rule = json!({"nonResourceURLs": ["/healthz", "/logs/*"], "verbs": ["get"]});
        let at = |path: &str| Attributes {
            verb: "get".into(),
            path: path.into(),
            ..Attributes::default()
        };
        assert!(rule_allows(&at("/healthz"), &rule));
        assert!(rule_allows(&at("/logs/x"), &rule));
        assert!(!rule_allows(&at("/healthz/ready"), &rule));
        assert!(!rule_allows(&pods("get"), &rule));
    }

    #[test]
    fn forbidden_names_the_object_the_subresource_and_the_scope() {
        let mut log = pods("get");
        log.namespace = "dev".into();
        log.name = "web".into();
        log.subresource = "log".into();
        assert_eq!(
            forbidden("jane", &log).status_message(""),
            "pods \"web\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"dev\""
        );
        let nodes = Attributes {
            verb: "list".into(),
            api_group: "apps".into(),
            resource: "deployments".into(),
            ..Attributes::default()
        };
        assert_eq!(
            forbidden("jane", &nodes).status_message(""),
            "deployments.apps is forbidden: User \"jane\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope"
        );
    }

    #[test]
    fn service_accounts_are_users_with_their_namespace_groups() {
        let u = UserInfo::impersonated("system:serviceaccount:dev:bot", &[]);
        assert_eq!(
            u.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:dev",
                "system:authenticated"
            ]
        );
        let in_binding = json!({"kind": "ServiceAccount", "name": "bot"});
        assert!(applies_to(&u, &in_binding, "dev"));
        assert!(!applies_to(&u, &in_binding, "prod"));
        assert!(UserInfo::impersonated("system:anonymous", &[])
            .groups
            .is_empty());
    }
}
