//! Roles, ClusterRoles and their bindings, as kubectl's `RoleDescriber`,
//! `ClusterRoleDescriber`, `RoleBindingDescriber` and `ClusterRoleBindingDescriber` print
//! them: a role's rules broken down to one verb, group, resource and name each, merged
//! back per (group, resource, name) and sorted as `PolicyRule.String()` sorts.

use serde_json::Value;

use super::{print_annotations, print_labels, Writer};
use crate::kubectl::printers::fields::{arr, s, string_map};

/// One rule of the table: the fields of `rbacv1.PolicyRule`, each a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rule {
    verbs: Vec<String>,
    api_groups: Vec<String>,
    resources: Vec<String>,
    resource_names: Vec<String>,
    non_resource_urls: Vec<String>,
}

fn list(o: &Value, key: &str) -> Vec<String> {
    arr(o, key)
        .iter()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

impl Rule {
    /// `PolicyRule.String()` (the generated one), the describers' sort key.
    fn sort_key(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.api_groups),
            go_list(&self.resources),
            go_list(&self.resource_names),
            go_list(&self.non_resource_urls)
        )
    }
}

/// `BreakdownRule`: one rule per group × resource × verb (× name), then one per
/// non-resource URL × verb.
fn breakdown(rule: &Value) -> Vec<Rule> {
    let verbs = list(rule, "verbs");
    let names = list(rule, "resourceNames");
    let one = |v: &str| vec![v.to_string()];
    let mut out = Vec::new();
    for g in list(rule, "apiGroups") {
        for r in list(rule, "resources") {
            for v in &verbs {
                let base = Rule {
                    verbs: one(v),
                    api_groups: one(&g),
                    resources: one(&r),
                    ..Rule::default()
                };
                if names.is_empty() {
                    out.push(base.clone());
                }
                for n in &names {
                    out.push(Rule {
                        resource_names: one(n),
                        ..base.clone()
                    });
                }
            }
        }
    }
    for u in list(rule, "nonResourceURLs") {
        for v in &verbs {
            out.push(Rule {
                verbs: one(v),
                non_resource_urls: one(&u),
                ..Rule::default()
            });
        }
    }
    out
}

/// `CompactRules`: resource rules of one (group, resource, name) merge their verbs in
/// order of appearance; non-resource rules stay as they are.
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for r in rules {
        let same = |o: &Rule| {
            o.non_resource_urls.is_empty()
                && o.api_groups == r.api_groups
                && o.resources == r.resources
                && o.resource_names == r.resource_names
        };
        match out
            .iter_mut()
            .find(|o| r.non_resource_urls.is_empty() && same(o))
        {
            Some(o) => {
                for v in r.verbs {
                    if !o.verbs.contains(&v) {
                        o.verbs.push(v);
                    }
                }
            }
            None => out.push(r),
        }
    }
    out
}

/// `CombineResourceGroup`: `deployments.apps`, `pods/log`, `deployments.apps/scale`.
fn combine_resource_group(r: &Rule) -> String {
    let Some(first) = r.resources.first() else {
        return String::new();
    };
    let (resource, sub) = match first.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (first.as_str(), None),
    };
    let mut out = resource.to_string();
    if let Some(g) = r.api_groups.first().filter(|g| !g.is_empty()) {
        out = format!("{out}.{g}");
    }
    if let Some(sub) = sub {
        out = format!("{out}/{sub}");
    }
    out
}

fn header(w: &mut Writer, obj: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(obj, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(obj, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(obj, "metadata.annotations"));
}

/// The cells of an access table (Resources, Non-Resource URLs, Resource Names, Verbs):
/// `rules` broken down, compacted and sorted, as a role's description and
/// `kubectl auth can-i --list` print them.
pub(crate) fn access_rows(rules: &[Value]) -> Vec<[String; 4]> {
    let mut rules = compact(rules.iter().flat_map(breakdown).collect());
    crate::sort::sort_by_key(&mut rules, Rule::sort_key);
    rules
        .iter()
        .map(|r| {
            [
                combine_resource_group(r),
                go_list(&r.non_resource_urls),
                go_list(&r.resource_names),
                go_list(&r.verbs),
            ]
        })
        .collect()
}

/// `describe role` and `describe clusterrole`.
pub(super) fn describe_role(w: &mut Writer, role: &Value) {
    header(w, role);
    w.w(0, "PolicyRule:\n");
    w.w(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    w.w(1, "---------\t-----------------\t--------------\t-----\n");
    for row in access_rows(arr(role, "rules")) {
        w.w(1, &format!("{}\n", row.join("\t")));
    }
}

/// `describe rolebinding` and `describe clusterrolebinding`.
pub(super) fn describe_role_binding(w: &mut Writer, binding: &Value) {
    header(w, binding);
    w.w(0, "Role:\n");
    w.w(1, &format!("Kind:\t{}\n", s(binding, "roleRef.kind")));
    w.w(1, &format!("Name:\t{}\n", s(binding, "roleRef.name")));
    w.w(0, "Subjects:\n");
    w.w(1, "Kind\tName\tNamespace\n");
    w.w(1, "----\t----\t---------\n");
    for subject in arr(binding, "subjects") {
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\n",
                s(subject, "kind"),
                s(subject, "name"),
                s(subject, "namespace")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_break_down_per_name_and_sort_subresources_before_their_resource() {
        let role = json!({"rules": [{"apiGroups": ["", "apps"], "resources": ["pods", "pods/log"], "verbs": ["get", "list"], "resourceNames": ["a"]}]});
        let mut rules = compact(arr(&role, "rules").iter().flat_map(breakdown).collect());
        crate::sort::sort_by_key(&mut rules, Rule::sort_key);
        let shown: Vec<String> = rules.iter().map(combine_resource_group).collect();
        assert_eq!(shown, ["pods/log", "pods", "pods.apps/log", "pods.apps"]);
        assert_eq!(go_list(&rules[0].verbs), "[get list]");
    }
}
