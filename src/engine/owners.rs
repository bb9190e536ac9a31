//! Who owns what: the dependents of each owner uid (with their current objects), the
//! pods without a controller, and the pods still waiting for a node. The store keeps it
//! current on every write, so controllers and the garbage collector read their objects
//! without scanning or looking them up.

use super::json::At;
use super::pod_facts::PodFacts;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// (kind, namespace, name) of a stored object.
pub type ObjectKey = (&'static str, Rc<str>, Rc<str>);

/// (namespace, name) of a dependent, within its kind.
pub type NameKey = (Rc<str>, Rc<str>);

/// One owner's dependents, by kind and then (namespace, name): a controller reads one
/// kind of them (a StatefulSet's pods, not its revisions) without comparing kinds on the
/// way.
#[derive(Debug, Clone, Default)]
pub struct Dependents {
    by_kind: BTreeMap<&'static str, BTreeMap<NameKey, Dependent>>,
    /// The selector (by fingerprint) the owner last found all its controlled pods to
    /// match (`claim`), and the pods written since, whose labels it has not seen: a claim
    /// under the same selector only needs to look at those.
    claimed_with: Option<u64>,
    unclaimed: BTreeSet<NameKey>,
}

impl Dependents {
    /// The dependents of `kind`, by (namespace, name).
    pub fn of_kind(&self, kind: &str) -> std::collections::btree_map::Iter<'_, NameKey, Dependent> {
        // An empty iterator when there are none: no Option to flatten on every step.
        self.by_kind
            .get(kind)
            .map(BTreeMap::iter)
            .unwrap_or_default()
    }

    /// Every dependent's key, in (kind, namespace, name) order.
    pub fn keys(&self) -> impl Iterator<Item = ObjectKey> + '_ {
        self.by_kind.iter().flat_map(|(kind, deps)| {
            deps.keys()
                .map(|(ns, name)| (*kind, Rc::clone(ns), Rc::clone(name)))
        })
    }

    /// The pods whose labels a claim under selector `fingerprint` must check: those
    /// written since the last claim under it, or all of them.
    pub fn pods_to_claim(&self, fingerprint: u64) -> Vec<(&NameKey, &Dependent)> {
        let pods = self.by_kind.get("Pod");
        if self.claimed_with != Some(fingerprint) {
            return pods.into_iter().flat_map(|p| p.iter()).collect();
        }
        self.unclaimed
            .iter()
            .filter_map(|key| pods?.get_key_value(key))
            .collect()
    }

    /// Every controlled pod matched selector `fingerprint` (or was released).
    pub fn claimed(&mut self, fingerprint: u64) {
        self.claimed_with = Some(fingerprint);
        self.unclaimed.clear();
    }

    fn insert(&mut self, (kind, ns, name): &ObjectKey, dependent: Dependent) {
        if *kind == "Pod" {
            self.unclaimed.insert((Rc::clone(ns), Rc::clone(name)));
        }
        self.by_kind
            .entry(kind)
            .or_default()
            .insert((Rc::clone(ns), Rc::clone(name)), dependent);
    }

    fn remove(&mut self, (kind, ns, name): &ObjectKey) {
        let key = (Rc::clone(ns), Rc::clone(name));
        self.unclaimed.remove(&key);
        if let Some(deps) = self.by_kind.get_mut(kind) {
            deps.remove(&key);
            if deps.is_empty() {
                self.by_kind.remove(kind);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }
}

/// One dependent of an owner, as it was last written.
#[derive(Debug, Clone)]
pub struct Dependent {
    /// The object, for kinds the store keeps decoded; `None` for pods, which the store
    /// keeps as text: a controller reads their `pod` facts and decodes one from the store
    /// only to act on it.
    pub object: Option<Rc<Value>>,
    /// The owner is this object's controller, not just one of its owners.
    pub controlled: bool,
    /// For pods: what the controllers read on every sync.
    pub pod: Option<PodFacts>,
    /// The last selector (by fingerprint) the owner matched this dependent against, and
    /// the answer. Every write of the dependent starts it afresh, so a verdict is never
    /// older than the labels it judged.
    pub selector_verdict: Cell<Option<(u64, bool)>>,
}

#[derive(Debug, Clone, Default)]
pub struct OwnerIndex {
    /// Owner uid → its dependents, each with its latest stored version.
    pub dependents: BTreeMap<String, Dependents>,
    owners_of: BTreeMap<ObjectKey, Vec<String>>,
    /// Live pods with no controller, by (namespace, name): candidates for adoption.
    pub orphan_pods: BTreeSet<(String, String)>,
    /// Live pods not bound to a node yet, by (namespace, name): what the scheduler
    /// retries when the cluster changes (kept here so a retry does not scan every pod).
    pub unscheduled_pods: BTreeSet<(String, String)>,
    /// Every revision name a pod has carried, once: pods' facts share these `Rc`s, so a
    /// controller compares a pod's revision by pointer instead of reading the string.
    revision_names: BTreeSet<Rc<str>>,
    /// Every label set a live pod carries, by its JSON text (see `intern_labels`).
    label_sets: BTreeMap<String, Rc<Map<String, Value>>>,
    label_sets_swept: usize,
    /// Every pod's labels (interned), by namespace then name: a Service's endpoints
    /// select their pods by label without decoding the others the store keeps as text.
    pod_labels: BTreeMap<String, BTreeMap<String, Rc<Map<String, Value>>>>,
}

/// Each owner's uid, and whether it is the controller: the first reference marked
/// `controller: true`, as `metav1.GetControllerOf` picks it.
fn owner_uids(obj: &Value) -> Vec<(String, bool)> {
    let refs = obj
        .at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let controller = refs
        .iter()
        .find(|r| r["controller"] == true)
        .and_then(|r| r["uid"].as_str());
    refs.iter()
        .filter_map(|r| r["uid"].as_str())
        .map(|uid| (uid.to_string(), Some(uid) == controller))
        .collect()
}

fn has_controller(obj: &Value) -> bool {
    obj.at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r["controller"] == true))
}

impl OwnerIndex {
    /// How many dependents of `kind` owner `uid` has (controlled or not).
    pub fn count_of(&self, uid: &str, kind: &str) -> usize {
        self.dependents
            .get(uid)
            .and_then(|d| d.by_kind.get(kind))
            .map_or(0, BTreeMap::len)
    }

    /// The shared `Rc` of revision `name`, if any pod has carried it; compare pods'
    /// `facts.revision` with it by `Rc::ptr_eq`.
    pub fn revision_name(&self, name: &str) -> Option<&Rc<str>> {
        self.revision_names.get(name)
    }

    /// The shared copy of a pod's label set. Sets no pod carries any more are dropped
    /// whenever the table has doubled since the last sweep.
    fn intern_labels(&mut self, labels: Rc<Map<String, Value>>) -> Rc<Map<String, Value>> {
        let key = serde_json::to_string(&*labels).unwrap_or_default();
        if let Some(shared) = self.label_sets.get(&key) {
            return Rc::clone(shared);
        }
        if self.label_sets.len() >= self.label_sets_swept * 2 + 64 {
            self.label_sets.retain(|_, l| Rc::strong_count(l) > 1);
            self.label_sets_swept = self.label_sets.len();
        }
        self.label_sets.insert(key, Rc::clone(&labels));
        labels
    }

    fn intern_revision(&mut self, name: Rc<str>) -> Rc<str> {
        match self.revision_names.get(&name) {
            Some(shared) => Rc::clone(shared),
            None => {
                self.revision_names.insert(Rc::clone(&name));
                name
            }
        }
    }

    /// The names of `namespace`'s pods whose labels pass `selects`, by name.
    pub fn pods_labeled<'a>(
        &'a self,
        namespace: &str,
        selects: impl Fn(&Map<String, Value>) -> bool + 'a,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.pod_labels
            .get(namespace)
            .into_iter()
            .flatten()
            .filter(move |(_, labels)| selects(labels))
            .map(|(name, _)| name.as_str())
    }

    /// An object was written (`Some`) or removed (`None`).
    pub fn record(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        object: Option<&Rc<Value>>,
    ) {
        // A pod's facts are read once per write: the orphan and unscheduled sets below and
        // the controllers all go by them.
        let pod = match object {
            Some(o) if kind == "Pod" => {
                let mut facts = PodFacts::of(o);
                facts.revision = facts.revision.map(|r| self.intern_revision(r));
                facts.labels = self.intern_labels(facts.labels);
                Some(facts)
            }
            _ => None,
        };
        if kind == "Pod" {
            match &pod {
                Some(f) => {
                    self.pod_labels
                        .entry(namespace.to_string())
                        .or_default()
                        .insert(name.to_string(), Rc::clone(&f.labels));
                }
                None => {
                    if let Some(names) = self.pod_labels.get_mut(namespace) {
                        names.remove(name);
                        if names.is_empty() {
                            self.pod_labels.remove(namespace);
                        }
                    }
                }
            }
            let pod_key = (namespace.to_string(), name.to_string());
            let live = pod.as_ref().filter(|f| !f.deleting);
            let orphan = live.is_some() && object.is_some_and(|o| !has_controller(o));
            if live.is_some_and(|f| f.node.is_none()) {
                self.unscheduled_pods.insert(pod_key.clone());
            } else {
                self.unscheduled_pods.remove(&pod_key);
            }
            if orphan {
                self.orphan_pods.insert(pod_key);
            } else {
                self.orphan_pods.remove(&pod_key);
            }
        }
        let key: ObjectKey = (kind, Rc::from(namespace), Rc::from(name));
        if let Some(old) = self.owners_of.remove(&key) {
            for uid in old {
                if let Some(map) = self.dependents.get_mut(&uid) {
                    map.remove(&key);
                    if map.is_empty() {
                        self.dependents.remove(&uid);
                    }
                }
            }
        }
        let Some(object) = object else { return };
        let owners = owner_uids(object);
        for (uid, controlled) in &owners {
            self.dependents.entry(uid.clone()).or_default().insert(
                &key,
                Dependent {
                    object: (kind != "Pod").then(|| Rc::clone(object)),
                    controlled: *controlled,
                    pod: pod.clone(),
                    selector_verdict: Cell::new(None),
                },
            );
        }
        if !owners.is_empty() {
            self.owners_of
                .insert(key, owners.into_iter().map(|(uid, _)| uid).collect());
        }
    }
}
