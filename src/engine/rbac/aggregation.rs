//! What the clusterrole-aggregation-controller writes into an aggregated ClusterRole
//! (`syncClusterRole`): for each of its selectors, the rules of every other ClusterRole
//! whose labels match, roles taken by name, each rule once.

use crate::engine::labels::{labels, selector_matches};
use serde_json::Value;

fn name(role: &Value) -> &str {
    role["metadata"]["name"].as_str().unwrap_or("")
}

/// The rules `role` aggregates from `roles` (all ClusterRoles, `role` among them), or
/// `None` when it has no aggregation rule.
pub fn gathered(role: &Value, roles: &[Value]) -> Option<Value> {
    let selectors = role.get("aggregationRule")?.get("clusterRoleSelectors")?;
    let mut rules: Vec<Value> = Vec::new();
    for selector in selectors.as_array().into_iter().flatten() {
        let mut matching: Vec<&Value> = roles
            .iter()
            .filter(|r| name(r) != name(role) && selector_matches(selector, labels(r)))
            .collect();
        crate::sort::sort_by_key(&mut matching, |r| name(r).to_string());
        for r in matching {
            for rule in r["rules"].as_array().into_iter().flatten() {
                if !rules.contains(rule) {
                    rules.push(rule.clone());
                }
            }
        }
    }
    Some(Value::Array(rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(name: &str, label: Option<&str>, rules: Value) -> Value {
        let mut r = json!({"metadata": {"name": name}, "rules": rules});
        if let Some(l) = label {
            r["metadata"]["labels"] = json!({l: "true"});
        }
        r
    }

    #[test]
    fn a_labelled_role_adds_its_rules_once_in_name_order() {
        let view = json!({"metadata": {"name": "view"}, "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "true"}}]}});
        let a = json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]});
        let b = json!({"verbs": ["list"], "apiGroups": [""], "resources": ["pods"]});
        let roles = vec![
            view.clone(),
            role("zz", Some("agg"), json!([b.clone(), a.clone()])),
            role("aa", Some("agg"), json!([a.clone()])),
            role("other", None, json!([b.clone()])),
        ];
        assert_eq!(gathered(&view, &roles), Some(json!([a, b])));
        assert_eq!(gathered(&roles[1], &roles), None);
    }
}
