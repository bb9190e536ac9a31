//! JSON merge patch (RFC 7386) and strategic merge patch for the list fields a learner
//! touches, merged by their Kubernetes merge keys.

use serde_json::{Map, Value};

/// RFC 7386: objects merge, `null` deletes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// The merge key of a list field, by the field's name (Kubernetes' `patchMergeKey`).
fn merge_key(field: &str, parent: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" if parent == "spec" => "port",
        "ports" => "containerPort",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

/// Lists whose items are merged as a set of primitives.
fn is_primitive_set(field: &str) -> bool {
    field == "finalizers"
}

/// Strategic merge patch: like a merge patch, but lists with a merge key merge item by
/// item, and `$patch: replace` / `$patch: delete` directives are honoured.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    strategic_merge_at(target, patch, "")
}

fn strategic_merge_at(target: &mut Value, patch: &Value, field: &str) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut clean = p.clone();
        clean.remove("$patch");
        *target = Value::Object(clean);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        match v {
            Value::Null => {
                t.remove(k);
            }
            Value::Array(items) => {
                let existing = t.entry(k.clone()).or_insert(Value::Array(Vec::new()));
                if let (Some(key), Value::Array(list)) = (merge_key(k, field), &mut *existing) {
                    merge_list(list, items, key, k);
                } else if let (true, Value::Array(list)) = (is_primitive_set(k), &mut *existing) {
                    for item in items {
                        if !list.contains(item) {
                            list.push(item.clone());
                        }
                    }
                } else {
                    *existing = v.clone();
                }
            }
            Value::Object(_) => strategic_merge_at(t.entry(k.clone()).or_insert(Value::Null), v, k),
            _ => {
                t.insert(k.clone(), v.clone());
            }
        }
    }
}

fn merge_list(list: &mut Vec<Value>, items: &[Value], key: &str, field: &str) {
    for item in items {
        let id = item.get(key);
        let directive = item.get("$patch").and_then(Value::as_str);
        let pos = id.and_then(|id| list.iter().position(|x| x.get(key) == Some(id)));
        match (pos, directive) {
            (Some(i), Some("delete")) => {
                list.remove(i);
            }
            (None, Some("delete")) => {}
            (Some(i), _) => strategic_merge_at(&mut list[i], item, field),
            (None, _) => {
                let mut clean = item.clone();
                if let Some(m) = clean.as_object_mut() {
                    m.remove("$patch");
                }
                list.push(clean);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_updates_one_container_by_name_and_keeps_the_others() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"containers": [{"name": "b", "image": "y:2"}]}}),
        );
        assert_eq!(
            t,
            json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:2"}]}})
        );
    }

    #[test]
    fn merge_patch_replaces_lists_and_null_deletes() {
        let mut t = json!({"a": [1, 2], "b": {"c": 1, "d": 2}});
        merge_patch(&mut t, &json!({"a": [3], "b": {"c": null}}));
        assert_eq!(t, json!({"a": [3], "b": {"d": 2}}));
    }

    #[test]
    fn patch_replace_directive_swaps_the_whole_template() {
        let mut t =
            json!({"spec": {"template": {"metadata": {"labels": {"a": "1"}}, "spec": {"x": 1}}}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"template": {"$patch": "replace", "spec": {"y": 2}}}}),
        );
        assert_eq!(t, json!({"spec": {"template": {"spec": {"y": 2}}}}));
    }
}
