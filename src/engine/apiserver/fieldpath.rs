//! Field sets as structured-merge-diff keeps them for server-side apply: which fields of
//! an object a manager owns, encoded as `FieldsV1` (`f:spec`, `k:{"name":"nginx"}`, `.`).
//! Pure: built from objects with the schema's shapes (maps, atomic values, lists keyed
//! by their merge keys), compared, and turned into the paths a conflict names.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One step of a path: a struct field or map key (`f:`), a keyed list item (`k:`, its
/// key fields as JSON) or an item of a set (`v:`). The derived order is FieldsV1's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Element {
    Field(String),
    Key(String),
    Value(String),
}

/// A set of paths, as a tree: a node is a member when the path to it is in the set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    member: bool,
    children: BTreeMap<Element, FieldSet>,
}

/// How the schema treats a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A struct: known fields, each tracked on its own.
    Struct,
    /// A map with free keys (`labels`): each key tracked, but a key is itself a member.
    Map,
    /// Replaced as a whole (scalars, label selectors, lists without keys).
    Atomic,
    /// A list whose items are identified by these fields (`listType=map`).
    Keyed(&'static [&'static str]),
    /// A list of distinct primitives (`listType=set`).
    Set,
}

/// The shape of `field` (inside `parent`) holding `value`, by the Kubernetes schema's
/// markers; the merge keys are the strategic-merge ones of `patch.rs`.
fn shape(field: &str, parent: &str, value: &Value) -> Shape {
    match value {
        Value::Array(_) => match field {
            "containers"
            | "initContainers"
            | "ephemeralContainers"
            | "env"
            | "volumes"
            | "imagePullSecrets"
            | "resourceClaims" => Shape::Keyed(&["name"]),
            "volumeMounts" => Shape::Keyed(&["mountPath"]),
            "volumeDevices" => Shape::Keyed(&["devicePath"]),
            "ports" if parent == "spec" => Shape::Keyed(&["port", "protocol"]),
            "ports" => Shape::Keyed(&["containerPort", "protocol"]),
            "conditions" => Shape::Keyed(&["type"]),
            "ownerReferences" => Shape::Keyed(&["uid"]),
            "hostAliases" | "podIPs" => Shape::Keyed(&["ip"]),
            "topologySpreadConstraints" => Shape::Keyed(&["topologyKey", "whenUnsatisfiable"]),
            "finalizers" => Shape::Set,
            _ => Shape::Atomic,
        },
        Value::Object(_) => match field {
            // A pod's node selector is `x-kubernetes-map-type: atomic`.
            "nodeSelector" => Shape::Atomic,
            "labels" | "annotations" | "data" | "binaryData" | "stringData" | "limits"
            | "requests" | "capacity" | "allocatable" | "hard" | "used" => Shape::Map,
            // A Service's selector is a plain map; a workload's is a LabelSelector, atomic.
            "selector"
                if parent == "spec"
                    && value.get("matchLabels").is_none()
                    && value.get("matchExpressions").is_none() =>
            {
                Shape::Map
            }
            // A NodeSelector is `structType=atomic`.
            "selector"
            | "labelSelector"
            | "namespaceSelector"
            | "requiredDuringSchedulingIgnoredDuringExecution" => Shape::Atomic,
            _ => Shape::Struct,
        },
        _ => Shape::Atomic,
    }
}

/// Lists whose items are identified by key but replaced whole (`structType=atomic`, as
/// an owner reference is): the item is a member, its fields are not tracked one by one.
fn atomic_items(field: &str) -> bool {
    field == "ownerReferences"
}

/// The element naming `item` in a list of this shape; `None` for an item missing a key.
fn item_element(shape: Shape, item: &Value) -> Option<Element> {
    match shape {
        Shape::Keyed(keys) => {
            let mut key = Map::new();
            for k in keys {
                let v = match item.get(*k) {
                    Some(v) => v.clone(),
                    // `protocol` defaults to TCP, and the server keys the item with it.
                    None if *k == "protocol" => Value::String("TCP".into()),
                    None => return None,
                };
                key.insert((*k).to_string(), v);
            }
            Some(Element::Key(Value::Object(key).to_string()))
        }
        Shape::Set => Some(Element::Value(item.to_string())),
        _ => None,
    }
}

/// The items of a list by their elements (items without a key are left out).
fn items(shape: Shape, list: &[Value]) -> Vec<(Element, &Value)> {
    list.iter()
        .filter_map(|item| Some((item_element(shape, item)?, item)))
        .collect()
}

fn list_items(shape: Shape, v: Option<&Value>) -> Vec<(Element, &Value)> {
    match v {
        Some(Value::Array(a)) => items(shape, a),
        _ => Vec::new(),
    }
}

fn find_item<'a>(list: &[(Element, &'a Value)], e: &Element) -> Option<&'a Value> {
    list.iter().find(|(x, _)| x == e).map(|p| p.1)
}

fn is_empty_or_null(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        _ => false,
    }
}

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.is_empty()
    }

    fn child(&mut self, e: Element) -> &mut FieldSet {
        self.children.entry(e).or_default()
    }

    /// Every field set in `obj` (what an apply configuration claims): scalars, atomic
    /// values, map keys, empty structs and list items are members; structs are not.
    pub fn of_object(obj: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        set.walk_fields(obj, "", false);
        set
    }

    /// The fields of a struct, or the keys of a map (each key a member).
    fn walk_fields(&mut self, obj: &Value, field: &str, map: bool) {
        let Value::Object(m) = obj else { return };
        for (k, v) in m {
            let child = self.child(Element::Field(k.clone()));
            let empty = v.is_null() || v.as_object().is_some_and(Map::is_empty);
            child.walk_value(v, k, field);
            if empty || map {
                child.member = true;
            }
        }
    }

    fn walk_value(&mut self, v: &Value, field: &str, parent: &str) {
        match (shape(field, parent, v), v) {
            (Shape::Atomic, _) => self.member = true,
            (Shape::Struct, _) => self.walk_fields(v, field, false),
            (Shape::Map, _) => self.walk_fields(v, field, true),
            (s, Value::Array(list)) => {
                for (e, item) in items(s, list) {
                    let child = self.child(e);
                    child.member = true;
                    if matches!(s, Shape::Keyed(_)) && !atomic_items(field) {
                        child.walk_fields(item, field, false);
                    }
                }
            }
            _ => self.member = true,
        }
    }

    /// What an update changed (structured-merge-diff's `Compare`: added and modified
    /// paths), and what it removed. A node absent before is a member along with all it
    /// holds; `old` of a create is the kind's zero value.
    pub fn changes(old: &Value, new: &Value) -> (FieldSet, FieldSet) {
        let mut changed = FieldSet::default();
        let mut removed = FieldSet::default();
        compare_fields(Some(old), Some(new), "", &mut changed, &mut removed);
        (changed, removed)
    }

    pub fn union(&mut self, other: &FieldSet) {
        self.member |= other.member;
        for (e, c) in &other.children {
            self.child(e.clone()).union(c);
        }
    }

    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet {
            member: self.member && !other.member,
            children: BTreeMap::new(),
        };
        for (e, c) in &self.children {
            let d = match other.children.get(e) {
                Some(o) => c.difference(o),
                None => c.clone(),
            };
            if !d.is_empty() {
                out.children.insert(e.clone(), d);
            }
        }
        out
    }

    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet {
            member: self.member && other.member,
            children: BTreeMap::new(),
        };
        for (e, c) in &self.children {
            if let Some(o) = other.children.get(e) {
                let i = c.intersection(o);
                if !i.is_empty() {
                    out.children.insert(e.clone(), i);
                }
            }
        }
        out
    }

    /// The member paths, as the server prints them in a conflict (`.spec.replicas`,
    /// `.spec.template.spec.containers[name="nginx"].image`), in FieldsV1 order.
    pub fn paths(&self) -> Vec<Vec<Element>> {
        let mut out = Vec::new();
        self.collect_paths(&mut Vec::new(), &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Vec<Element>, out: &mut Vec<Vec<Element>>) {
        if self.member && !prefix.is_empty() {
            out.push(prefix.clone());
        }
        for (e, c) in &self.children {
            prefix.push(e.clone());
            c.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// The `fieldsV1` document.
    pub fn to_fields_v1(&self) -> Value {
        let mut m = Map::new();
        if self.member && !self.children.is_empty() {
            m.insert(".".into(), Value::Object(Map::new()));
        }
        for (e, c) in &self.children {
            let name = match e {
                Element::Field(f) => format!("f:{f}"),
                Element::Key(k) => format!("k:{k}"),
                Element::Value(v) => format!("v:{v}"),
            };
            m.insert(name, c.to_fields_v1());
        }
        Value::Object(m)
    }

    /// Reads a `fieldsV1` document; a node written `{}` is a member.
    pub fn from_fields_v1(v: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        let Value::Object(m) = v else { return set };
        set.member = m.is_empty() || m.contains_key(".");
        for (name, c) in m {
            let e = if let Some(f) = name.strip_prefix("f:") {
                Element::Field(f.to_string())
            } else if let Some(k) = name.strip_prefix("k:") {
                Element::Key(k.to_string())
            } else if let Some(v) = name.strip_prefix("v:") {
                Element::Value(v.to_string())
            } else {
                continue;
            };
            set.children.insert(e, FieldSet::from_fields_v1(c));
        }
        set
    }
}

/// A path as the server's messages spell it.
pub fn path_string(path: &[Element]) -> String {
    let mut s = String::new();
    for e in path {
        match e {
            Element::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            Element::Key(k) => {
                let key: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
                let parts: Vec<String> = key.iter().map(|(n, v)| format!("{n}={v}")).collect();
                s.push_str(&format!("[{}]", parts.join(",")));
            }
            Element::Value(v) => s.push_str(&format!("[={v}]")),
        }
    }
    s
}

fn compare_fields(
    old: Option<&Value>,
    new: Option<&Value>,
    field: &str,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    let empty = Map::new();
    let o = old.and_then(Value::as_object).unwrap_or(&empty);
    let n = new.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    crate::sort::sort(&mut keys);
    keys.dedup();
    for k in keys {
        let e = Element::Field(k.clone());
        let mut c = FieldSet::default();
        let mut r = FieldSet::default();
        compare_value(o.get(k), n.get(k), k, field, &mut c, &mut r);
        if !c.is_empty() {
            changed.children.insert(e.clone(), c);
        }
        if !r.is_empty() {
            removed.children.insert(e, r);
        }
    }
}

fn compare_value(
    old: Option<&Value>,
    new: Option<&Value>,
    field: &str,
    parent: &str,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    let Some(sample) = new.or(old) else { return };
    let s = shape(field, parent, sample);
    let leaf = match s {
        Shape::Atomic => true,
        Shape::Struct | Shape::Map => is_empty_or_null(old) && is_empty_or_null(new),
        _ => false,
    };
    if leaf {
        if old.is_none() && new.is_some() || old.is_some() && new.is_some() && old != new {
            changed.member = true;
        } else if old.is_some() && new.is_none() {
            removed.member = true;
        }
        return;
    }
    match s {
        Shape::Struct | Shape::Map => compare_fields(old, new, field, changed, removed),
        _ => {
            let (o, n) = (list_items(s, old), list_items(s, new));
            let mut elems: Vec<&Element> = o.iter().chain(n.iter()).map(|(e, _)| e).collect();
            crate::sort::sort(&mut elems);
            elems.dedup();
            for e in elems {
                let (oi, ni) = (find_item(&o, e), find_item(&n, e));
                let mut c = FieldSet::default();
                let mut r = FieldSet::default();
                if matches!(s, Shape::Keyed(_)) && !atomic_items(field) {
                    compare_fields(oi, ni, field, &mut c, &mut r);
                } else if oi.is_some() && ni.is_some() && oi != ni {
                    c.member = true;
                }
                if oi.is_none() {
                    c.member = true;
                } else if ni.is_none() {
                    r.member = true;
                }
                if !c.is_empty() {
                    changed.children.insert(e.clone(), c);
                }
                if !r.is_empty() {
                    removed.children.insert(e.clone(), r);
                }
            }
        }
    }
    if old.is_none() {
        changed.member = true;
    } else if new.is_none() {
        removed.member = true;
    }
}

/// Removes the member paths of `set` from `obj` (the fields an applier stopped applying),
/// but not a node under which `kept` (what someone still owns) has anything: a map whose
/// `.` was dropped stays while a key of it is owned. A keyed item or set value goes whole,
/// a field by its key.
pub fn remove_paths(obj: &mut Value, set: &FieldSet, kept: &FieldSet) {
    remove_in(obj, set, kept, "", "");
}

fn removable(dropped: &FieldSet, kept: Option<&FieldSet>) -> bool {
    dropped.member && kept.is_none_or(FieldSet::is_empty)
}

fn remove_in(obj: &mut Value, set: &FieldSet, kept: &FieldSet, field: &str, parent: &str) {
    let none = FieldSet::default();
    match obj {
        Value::Object(m) => {
            for (e, c) in &set.children {
                let Element::Field(k) = e else { continue };
                let k_kept = kept.children.get(e);
                if removable(c, k_kept) {
                    m.remove(k);
                } else if let Some(v) = m.get_mut(k) {
                    remove_in(v, c, k_kept.unwrap_or(&none), k, field);
                }
            }
        }
        Value::Array(list) => {
            let s = shape(field, parent, &Value::Array(Vec::new()));
            list.retain_mut(|item| {
                let Some(e) = item_element(s, item) else {
                    return true;
                };
                let e_kept = kept.children.get(&e);
                match set.children.get(&e) {
                    Some(c) if removable(c, e_kept) => false,
                    Some(c) => {
                        remove_in(item, c, e_kept.unwrap_or(&none), field, parent);
                        true
                    }
                    None => true,
                }
            });
        }
        _ => {}
    }
}

/// An applied configuration merged onto the live object (structured-merge-diff's
/// `Merge`): structs and maps field by field, keyed lists and sets item by item (new
/// items after the live ones), anything else replaced.
pub fn merge(live: &mut Value, config: &Value) {
    merge_at(live, config, "", "");
}

fn merge_at(live: &mut Value, config: &Value, field: &str, parent: &str) {
    let s = shape(field, parent, config);
    match (live, config) {
        (Value::Object(l), Value::Object(c)) if matches!(s, Shape::Struct | Shape::Map) => {
            for (k, v) in c {
                match l.get_mut(k) {
                    Some(lv) => merge_at(lv, v, k, field),
                    None => {
                        l.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(l), Value::Array(c)) if matches!(s, Shape::Keyed(_) | Shape::Set) => {
            for item in c {
                let e = item_element(s, item);
                let found = e.as_ref().and_then(|e| {
                    l.iter_mut()
                        .find(|x| item_element(s, x).as_ref() == Some(e))
                });
                match found {
                    Some(x) if matches!(s, Shape::Keyed(_)) => merge_at(x, item, field, parent),
                    Some(_) => {}
                    None => l.push(item.clone()),
                }
            }
        }
        (l, c) => *l = c.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(set: &FieldSet) -> Vec<String> {
        set.paths().iter().map(|p| path_string(p)).collect()
    }

    #[test]
    fn an_apply_configuration_owns_its_leaves_its_map_keys_and_its_list_items() {
        let config = json!({"metadata": {"labels": {"app": "web"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}});
        assert_eq!(
            FieldSet::of_object(&config).to_fields_v1(),
            json!({"f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:selector": {},
                    "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}":
                        {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn a_create_owns_what_the_zero_value_lacks_with_dots_on_new_maps_and_items() {
        let zero = json!({"spec": {"template": {"spec": {}}}});
        let new = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"template": {"spec":
            {"containers": [{"name": "c", "ports": [{"containerPort": 80, "protocol": "TCP"}],
              "resources": {}}]}}}});
        let (changed, removed) = FieldSet::changes(&zero, &new);
        assert!(removed.is_empty());
        assert_eq!(
            changed.to_fields_v1(),
            json!({"f:metadata": {".": {}, "f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:template": {"f:spec": {"f:containers": {".": {},
                    "k:{\"name\":\"c\"}": {".": {}, "f:name": {}, "f:ports": {".": {},
                        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}":
                            {".": {}, "f:containerPort": {}, "f:protocol": {}}},
                    "f:resources": {}}}}}}})
        );
    }

    #[test]
    fn an_update_owns_only_what_it_changed_and_reports_what_it_removed() {
        let old = json!({"spec": {"replicas": 1, "paused": true, "template": {"x": 1}}});
        let new = json!({"spec": {"replicas": 3, "template": {"x": 1}}});
        let (changed, removed) = FieldSet::changes(&old, &new);
        assert_eq!(paths(&changed), [".spec.replicas"]);
        assert_eq!(paths(&removed), [".spec.paused"]);
    }

    #[test]
    fn conflict_paths_name_keyed_items_by_their_keys() {
        let set = FieldSet::of_object(
            &json!({"spec": {"containers": [{"name": "nginx", "image": "x"}],
            "ports": [{"port": 80}]}}),
        );
        assert_eq!(
            paths(&set),
            [
                ".spec.containers[name=\"nginx\"]",
                ".spec.containers[name=\"nginx\"].image",
                ".spec.containers[name=\"nginx\"].name",
                ".spec.ports[port=80,protocol=\"TCP\"]",
                ".spec.ports[port=80,protocol=\"TCP\"].port",
            ]
        );
    }

    #[test]
    fn set_algebra_keeps_what_each_side_owns() {
        let a = FieldSet::of_object(&json!({"spec": {"replicas": 1, "paused": false}}));
        let b = FieldSet::of_object(&json!({"spec": {"replicas": 2}}));
        assert_eq!(paths(&a.intersection(&b)), [".spec.replicas"]);
        assert_eq!(paths(&a.difference(&b)), [".spec.paused"]);
        let mut u = b.clone();
        u.union(&a);
        assert_eq!(u, a);
        assert_eq!(FieldSet::from_fields_v1(&a.to_fields_v1()), a);
    }

    #[test]
    fn a_dropped_map_stays_while_someone_owns_a_key_of_it() {
        let mut obj = json!({"metadata": {"labels": {"a": "1", "b": "2"}}});
        // A create owned the map itself (`.`) and both keys; the applier keeps `a` only.
        let (created, _) = FieldSet::changes(&json!({}), &obj);
        let kept = FieldSet::of_object(&json!({"metadata": {"labels": {"a": "1"}}}));
        remove_paths(&mut obj, &created.difference(&kept), &kept);
        assert_eq!(obj, json!({"metadata": {"labels": {"a": "1"}}}));
    }

    #[test]
    fn merge_replaces_atomic_values_and_merges_keyed_items() {
        let mut live = json!({"spec": {"replicas": 1, "selector": {"matchLabels": {"a": "1", "b": "2"}},
            "containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}]}});
        merge(
            &mut live,
            &json!({"spec": {"selector": {"matchLabels": {"a": "1"}},
                "containers": [{"name": "a", "image": "y"}, {"name": "b", "image": "z"}]}}),
        );
        assert_eq!(
            live,
            json!({"spec": {"replicas": 1, "selector": {"matchLabels": {"a": "1"}},
                "containers": [{"name": "a", "image": "y", "imagePullPolicy": "Always"},
                    {"name": "b", "image": "z"}]}})
        );
    }

    #[test]
    fn removing_paths_drops_fields_and_whole_items() {
        let mut obj = json!({"metadata": {"labels": {"a": "1", "b": "2"}},
            "spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        let gone = FieldSet::of_object(&json!({"metadata": {"labels": {"b": "2"}},
            "spec": {"containers": [{"name": "b"}]}}));
        // `of_object` also owns `.name` of the item; the item itself is a member and goes whole.
        remove_paths(&mut obj, &gone, &FieldSet::default());
        assert_eq!(
            obj,
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}})
        );
    }
}
