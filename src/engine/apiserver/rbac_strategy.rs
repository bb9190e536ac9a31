//! The API server's strategy for `rbac.authorization.k8s.io/v1`: the defaults
//! (`SetDefaults_RoleBinding`, `SetDefaults_Subject`) and the validation texts of
//! `pkg/apis/rbac/validation` for Roles, ClusterRoles and their bindings.

use crate::engine::errors::FieldError;
use crate::engine::json::At;
use serde_json::{json, Value};

/// The API group RBAC objects and User/Group subjects belong to.
pub const GROUP: &str = "rbac.authorization.k8s.io";

/// Whether `kind` is one of the four RBAC kinds.
pub fn is_rbac(kind: &str) -> bool {
    matches!(
        kind,
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
    )
}

/// A binding's roleRef group defaults to RBAC's; a User's or Group's subject group too.
/// A role without rules keeps them as Go encodes a nil list (`rules` has no omitempty).
pub fn default(kind: &str, obj: &mut Value) {
    if !kind.ends_with("Binding") {
        if let Some(o) = obj.as_object_mut() {
            o.entry("rules").or_insert(Value::Null);
        }
        return;
    }
    if let Some(r) = obj.get_mut("roleRef").and_then(Value::as_object_mut) {
        if r.get("apiGroup")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            r.insert("apiGroup".into(), json!(GROUP));
        }
    }
    for s in obj
        .get_mut("subjects")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let kind = s.get("kind").and_then(Value::as_str).unwrap_or("");
        let empty = s
            .get("apiGroup")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty();
        if empty && (kind == "User" || kind == "Group") {
            s["apiGroup"] = json!(GROUP);
        }
    }
}

/// `path.IsValidPathSegmentName`'s complaints about an RBAC object's name.
pub fn path_segment_name_errors(name: &str) -> Vec<String> {
    let mut msgs = Vec::new();
    if name == "." || name == ".." {
        msgs.push(format!("may not be '{name}'"));
        return msgs;
    }
    for c in ["/", "%"] {
        if name.contains(c) {
            msgs.push(format!("may not contain '{c}'"));
        }
    }
    msgs
}

fn strings<'a>(o: &'a Value, key: &str) -> Vec<&'a Value> {
    o.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn json_text(v: Option<&Value>) -> String {
    v.map(|v| serde_json::to_string(v).unwrap_or_default())
        .unwrap_or_else(|| "null".into())
}

/// `ValidatePolicyRule`: verbs always; resource rules name groups and resources; a
/// non-resource rule names nothing else and only in a ClusterRole.
fn validate_rule(rule: &Value, namespaced: bool, path: &str, errs: &mut Vec<FieldError>) {
    if strings(rule, "verbs").is_empty() {
        errs.push(FieldError::required(
            format!("{path}.verbs"),
            "verbs must contain at least one value",
        ));
    }
    if !strings(rule, "nonResourceURLs").is_empty() {
        let urls = json_text(rule.get("nonResourceURLs"));
        if namespaced {
            errs.push(FieldError::invalid(
                format!("{path}.nonResourceURLs"),
                urls.clone(),
                "namespaced rules cannot apply to non-resource URLs",
            ));
        }
        if ["apiGroups", "resources", "resourceNames"]
            .iter()
            .any(|k| !strings(rule, k).is_empty())
        {
            errs.push(FieldError::invalid(
                format!("{path}.nonResourceURLs"),
                urls,
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        return;
    }
    if strings(rule, "apiGroups").is_empty() {
        errs.push(FieldError::required(
            format!("{path}.apiGroups"),
            "resource rules must supply at least one api group",
        ));
    }
    if strings(rule, "resources").is_empty() {
        errs.push(FieldError::required(
            format!("{path}.resources"),
            "resource rules must supply at least one resource",
        ));
    }
}

fn str_at<'a>(o: &'a Value, path: &str) -> &'a str {
    o.at(path).and_then(Value::as_str).unwrap_or("")
}

/// `ValidateRoleBindingSubject`: a known kind, a name, the kind's group; a
/// ClusterRoleBinding's service account names its namespace.
fn validate_subject(s: &Value, namespaced: bool, path: &str, errs: &mut Vec<FieldError>) {
    let name = str_at(s, "/name");
    let group = str_at(s, "/apiGroup");
    if name.is_empty() {
        errs.push(FieldError::required(format!("{path}.name"), ""));
    }
    let q = super::validation::quoted;
    match str_at(s, "/kind") {
        "ServiceAccount" => {
            if !name.is_empty() && !super::validation::is_dns1123_subdomain(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.name"),
                    q(name),
                    super::validation::SUBDOMAIN_MSG,
                ));
            }
            if !group.is_empty() {
                errs.push(FieldError::not_supported(
                    format!("{path}.apiGroup"),
                    q(group),
                    &[""],
                ));
            }
            if !namespaced && str_at(s, "/namespace").is_empty() {
                errs.push(FieldError::required(format!("{path}.namespace"), ""));
            }
        }
        "User" | "Group" => {
            if group != GROUP {
                errs.push(FieldError::not_supported(
                    format!("{path}.apiGroup"),
                    q(group),
                    &[GROUP],
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            format!("{path}.kind"),
            q(other),
            &["ServiceAccount", "User", "Group"],
        )),
    }
}

fn validate_binding(obj: &Value, namespaced: bool, errs: &mut Vec<FieldError>) {
    let q = super::validation::quoted;
    let group = str_at(obj, "/roleRef/apiGroup");
    if group != GROUP {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            q(group),
            &[GROUP],
        ));
    }
    let kind = str_at(obj, "/roleRef/kind");
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&kind) {
        errs.push(FieldError::not_supported("roleRef.kind", q(kind), kinds));
    }
    let name = str_at(obj, "/roleRef/name");
    if name.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    }
    for msg in path_segment_name_errors(name) {
        errs.push(FieldError::invalid("roleRef.name", q(name), msg));
    }
    for (i, s) in strings(obj, "subjects").into_iter().enumerate() {
        validate_subject(s, namespaced, &format!("subjects[{i}]"), errs);
    }
}

/// Everything checked on create (and again on update) of an RBAC `kind`, past the name.
pub fn validate(kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    match kind {
        "Role" | "ClusterRole" => {
            for (i, r) in strings(obj, "rules").into_iter().enumerate() {
                validate_rule(r, kind == "Role", &format!("rules[{i}]"), errs);
            }
            if kind == "ClusterRole" {
                if let Some(agg) = obj.get("aggregationRule").filter(|a| !a.is_null()) {
                    if strings(agg, "clusterRoleSelectors").is_empty() {
                        errs.push(FieldError::required(
                            "aggregationRule.clusterRoleSelectors",
                            "at least one clusterRoleSelector required if aggregationRule is non-nil",
                        ));
                    }
                }
            }
        }
        "RoleBinding" => validate_binding(obj, true, errs),
        "ClusterRoleBinding" => validate_binding(obj, false, errs),
        _ => {}
    }
}

/// A binding's roleRef cannot change; the server prints the new one as Go prints the
/// internal struct (`{"APIGroup":…,"Kind":…,"Name":…}`).
pub fn validate_update(kind: &str, old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    if !kind.ends_with("Binding") {
        return;
    }
    let key = |o: &Value| {
        [
            str_at(o, "/roleRef/apiGroup").to_string(),
            str_at(o, "/roleRef/kind").to_string(),
            str_at(o, "/roleRef/name").to_string(),
        ]
    };
    let [g, k, n] = key(new);
    if key(old) != [g.clone(), k.clone(), n.clone()] {
        let shown = json!({"APIGroup": g, "Kind": k, "Name": n});
        errs.push(FieldError::invalid(
            "roleRef",
            shown.to_string(),
            "cannot change roleRef",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(kind: &str, obj: Value) -> Vec<String> {
        let mut errs = Vec::new();
        validate(kind, &obj, &mut errs);
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_role_rule_needs_verbs_groups_and_resources() {
        assert_eq!(
            texts("Role", json!({"rules": [{"apiGroups": [""], "resources": ["pods"]}, {"verbs": ["get"]}]})),
            [
                "rules[0].verbs: Required value: verbs must contain at least one value",
                "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[1].resources: Required value: resource rules must supply at least one resource",
            ]
        );
    }

    #[test]
    fn non_resource_urls_belong_to_cluster_roles_alone() {
        let rule = json!({"rules": [{"verbs": ["get"], "nonResourceURLs": ["/x"], "resources": ["pods"]}]});
        assert_eq!(
            texts("Role", rule.clone()),
            [
                "rules[0].nonResourceURLs: Invalid value: [\"/x\"]: namespaced rules cannot apply to non-resource URLs",
                "rules[0].nonResourceURLs: Invalid value: [\"/x\"]: rules cannot apply to both regular resources and non-resource URLs",
            ]
        );
        assert_eq!(texts("ClusterRole", rule).len(), 1);
    }

    #[test]
    fn a_cluster_role_binding_refers_to_a_cluster_role_and_namespaced_accounts() {
        let mut b = json!({"roleRef": {"kind": "Role", "name": "x"}, "subjects": [{"kind": "ServiceAccount", "name": "s"}, {"kind": "Robot", "name": "r"}]});
        default("ClusterRoleBinding", &mut b);
        assert_eq!(
            texts("ClusterRoleBinding", b),
            [
                "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
                "subjects[0].namespace: Required value",
                "subjects[1].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
            ]
        );
    }

    #[test]
    fn users_and_groups_default_to_the_rbac_group() {
        let mut b = json!({"roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "s"}]});
        default("RoleBinding", &mut b);
        assert_eq!(b["roleRef"]["apiGroup"], GROUP);
        assert_eq!(b["subjects"][0]["apiGroup"], GROUP);
        assert!(b["subjects"][1].get("apiGroup").is_none());
    }

    #[test]
    fn a_bindings_role_ref_cannot_change() {
        let old = json!({"roleRef": {"apiGroup": GROUP, "kind": "Role", "name": "r"}});
        let mut new = old.clone();
        new["roleRef"]["name"] = json!("other");
        let mut errs = Vec::new();
        validate_update("RoleBinding", &old, &new, &mut errs);
        assert_eq!(
            errs[0].to_string(),
            "roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"Role\",\"Name\":\"other\"}: cannot change roleRef"
        );
    }
}
