//! The API server's storage: objects by kind, namespace and name, each write stamped with
//! a resourceVersion and recorded in the watch journal. Only the API layer writes here.

use super::encoded::{Encoded, Kept};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// ADDED / MODIFIED / DELETED, as a watch delivers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One entry of the watch journal: the object as it was right after the change.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub resource_version: u64,
    /// Virtual time of the change (what a watcher printing the event sees as "now").
    pub at: i64,
    pub event_type: EventType,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    /// The object (derefs to its `Value`): kept as text once it is no longer among the
    /// newest entries (see [`JOURNAL_DECODED`]), decoded again when a late watcher reads
    /// it.
    pub object: Kept,
}

/// namespace → name → object: nested, so that lookups borrow `&str` keys instead of
/// building owned ones (the store is read far more often than written).
type Objects = BTreeMap<String, BTreeMap<String, Kept>>;

/// Kinds kept as JSON text ([`Encoded`]), as etcd keeps every object: the kinds a busy
/// cluster has thousands of. Events (six or more per pod) are written far more often than
/// read (`get events`, `describe`) and cost their text (~1 KB) instead of a `Value`'s
/// B-tree leaves (~4.4 KB); a Running pod ~3 KB instead of ~23 KB. Controllers read their
/// pods' facts from the owner index on every sync and decode a pod only to act on it.
/// The other kinds are few and stay decoded.
const ENCODED_KINDS: &[&str] = &["Event", "Pod"];

/// How many of the journal's newest entries keep their decoded object: the controllers'
/// dispatch reads each entry right after its write; older entries are read by the
/// occasional watcher that resumes from them, which decodes them again.
pub const JOURNAL_DECODED: usize = 256;

/// (kind, namespace, name) of a stored object.
type Key = (&'static str, String, String);

/// The keys of encoded objects decoded: pods oldest first (see [`DECODED_PODS`]), and
/// the other kinds' since the last write.
#[derive(Debug, Clone, Default)]
struct DecodedKeys {
    pods: VecDeque<Key>,
    other: Vec<Key>,
}

impl DecodedKeys {
    fn push(&mut self, key: Key) {
        if key.0 == "Pod" {
            self.pods.push_back(key);
        } else {
            self.other.push(key);
        }
    }
}

type Decoded = RefCell<DecodedKeys>;

/// How many pods keep their decoded copy after the next write, the most recently decoded
/// ones: the API server's watch cache keeps decoded objects in front of etcd, and the
/// pods being worked on (a rollout, the kubelet's stages, the Services' endpoints) are
/// read again and again. Past it a pod costs its text; an Event's decoded copy goes at
/// the next write (they are rarely read twice).
pub const DECODED_PODS: usize = 1_024;

/// A watch or list from a resourceVersion the journal no longer holds: the API server
/// answers `410 Gone`, reason `Expired`, with this message (the watch cache's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooOld {
    /// The resourceVersion asked for.
    pub requested: u64,
    /// The newest resourceVersion compaction dropped (the oldest kept, minus one).
    pub compacted_through: u64,
}

impl std::fmt::Display for TooOld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too old resource version: {} ({})",
            self.requested, self.compacted_through
        )
    }
}

/// All objects plus the journal. Plain data, so a snapshot is a `clone()`.
#[derive(Debug, Clone, Default)]
pub struct Store {
    objects: BTreeMap<&'static str, Objects>,
    resource_version: u64,
    journal: Vec<WatchEvent>,
    /// resourceVersion of `journal[0]` minus one: what compaction dropped.
    journal_floor: u64,
    /// SipHash of every entry ever journaled, fed as it is written (when asked for), so
    /// that compaction leaves the digest of the whole history intact.
    digest: Option<DefaultHasher>,
    /// The virtual time writes are stamped with; the world keeps it current.
    pub clock: i64,
    /// Owners and their dependents, current with every write.
    pub owners: super::owners::OwnerIndex,
    /// resourceVersion of the last write or removal of a Node: tables derived from the
    /// node list are rebuilt only when it moves.
    pub nodes_written: u64,
    /// The Events' leases (`--event-ttl`): etcd deletes them when their lease expires.
    pub leases: super::leases::Leases,
    decoded: Decoded,
    /// Journal entries before this index hold only their text (see [`JOURNAL_DECODED`]).
    journal_cooled: usize,
    /// Bound pods by `spec.nodeName`, as the API server's watch cache indexes pods for the
    /// kubelet's `spec.nodeName=` field selector: the node controllers and the kubelet
    /// find a node's pods without decoding every pod the store keeps as text.
    pods_by_node: BTreeMap<String, BTreeSet<(String, String)>>,
    /// The node each bound pod is indexed under, to move or drop it on the next write.
    node_of_pod: BTreeMap<(String, String), String>,
}

/// How many revisions a compaction keeps: the window a watch may resume from, as the API
/// server's watch cache keeps a bounded window of each resource's history and etcd is
/// compacted behind it. A revision is one write, or one expired lease's deletions (up to
/// 1,000 Events). A pod costs ~15 KB a version as JSON values, so this bounds the
/// journal's own memory to ~60 MB whatever the uptime.
pub const JOURNAL_WINDOW: u64 = 4_096;

impl Store {
    /// An empty store whose first writes are stamped `clock`, its Events living
    /// `event_ttl` milliseconds (0: forever).
    pub fn starting_at(clock: i64, event_ttl: i64) -> Store {
        Store {
            clock,
            leases: super::leases::Leases::with_ttl(event_ttl),
            ..Store::default()
        }
    }

    /// Keeps a digest of every journal entry from now on ([`Store::journal_digest`]).
    pub fn keep_digest(&mut self) {
        self.digest = Some(DefaultHasher::new());
    }

    /// SipHash (fixed keys) over every entry journaled since [`Store::keep_digest`]:
    /// resourceVersion, time, type and the object's JSON. Equal digests, same history.
    pub fn journal_digest(&self) -> Option<String> {
        self.digest
            .as_ref()
            .map(|h| format!("{:016x}", h.clone().finish()))
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Rc<Value>> {
        let (kind, kinds) = self.objects.get_key_value(kind)?;
        let kept = kinds.get(namespace)?.get(name)?;
        Some(self.read(kind, namespace, name, kept))
    }

    /// Whether the object exists, without decoding it.
    pub fn contains(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.objects
            .get(kind)
            .and_then(|m| m.get(namespace))
            .is_some_and(|names| names.contains_key(name))
    }

    /// The kept object's value, noting an encoded one decoded now (see [`Decoded`]).
    fn read<'a>(
        &'a self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        kept: &'a Kept,
    ) -> &'a Rc<Value> {
        if let Kept::Text(e) = kept {
            if !e.is_decoded() {
                self.decoded
                    .borrow_mut()
                    .push((kind, namespace.to_string(), name.to_string()));
            }
        }
        kept.value()
    }

    /// Drops the decoded copies of encoded objects but the newest [`DECODED_PODS`] pods.
    fn forget_decoded(&mut self) {
        let decoded = self.decoded.get_mut();
        let mut gone = std::mem::take(&mut decoded.other);
        let over = decoded.pods.len().saturating_sub(DECODED_PODS);
        gone.extend(decoded.pods.drain(..over));
        for (kind, namespace, name) in gone {
            let kept = self
                .objects
                .get_mut(kind)
                .and_then(|m| m.get_mut(&namespace))
                .and_then(|names| names.get_mut(&name));
            if let Some(Kept::Text(e)) = kept {
                e.forget();
            }
        }
    }

    /// Objects of `kind`, in one namespace or all (`None`), ordered by namespace then name.
    pub fn list<'a>(
        &'a self,
        kind: &str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Rc<Value>> + 'a {
        let kinds = self.objects.get_key_value(kind);
        let kind = kinds.map_or("", |(k, _)| *k);
        let kinds = kinds.map(|(_, m)| m);
        let in_one = namespace.and_then(|ns| kinds.and_then(|m| m.get_key_value(ns)));
        let all = if namespace.is_none() { kinds } else { None };
        in_one
            .into_iter()
            .chain(all.into_iter().flat_map(|m| m.iter()))
            .flat_map(move |(ns, names)| {
                names
                    .iter()
                    .map(move |(name, kept)| self.read(kind, ns, name, kept))
            })
    }

    /// The pods bound to `node`, ordered by namespace then name as [`Store::list`] orders
    /// them: `list("Pod", None)` filtered by `spec.nodeName`, decoding only these.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Rc<Value>> + 'a {
        let pods = self.objects.get("Pod");
        self.pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(move |(ns, name)| {
                let kept = pods?.get(ns)?.get(name)?;
                Some(self.read("Pod", ns, name, kept))
            })
    }

    /// Keeps [`Store::pods_on_node`]'s index current: `node` is the pod's `spec.nodeName`
    /// after the write, `None` when unbound or deleted.
    fn index_pod_node(&mut self, namespace: &str, name: &str, node: Option<&str>) {
        let key = (namespace.to_string(), name.to_string());
        if self.node_of_pod.get(&key).map(String::as_str) == node {
            return;
        }
        if let Some(old) = self.node_of_pod.remove(&key) {
            if let Some(set) = self.pods_by_node.get_mut(&old) {
                set.remove(&key);
                if set.is_empty() {
                    self.pods_by_node.remove(&old);
                }
            }
        }
        if let Some(node) = node {
            self.pods_by_node
                .entry(node.to_string())
                .or_default()
                .insert(key.clone());
            self.node_of_pod.insert(key, node.to_string());
        }
    }

    /// (name, object) of `kind` in one namespace ("" for cluster-scoped kinds), by name:
    /// the names come from the store's keys, without reading each object.
    pub fn named<'a>(
        &'a self,
        kind: &str,
        namespace: &str,
    ) -> impl Iterator<Item = (&'a str, &'a Rc<Value>)> + 'a {
        self.objects
            .get_key_value(kind)
            .and_then(|(kind, m)| Some((*kind, m.get_key_value(namespace)?)))
            .into_iter()
            .flat_map(move |(kind, (ns, names))| {
                names
                    .iter()
                    .map(move |(n, o)| (n.as_str(), self.read(kind, ns, n, o)))
            })
    }

    /// A deep copy of `kind`'s objects as the store keeps them (text stays text, nothing
    /// decoded): what they weigh, for the bench's heap breakdown.
    pub fn copy_as_kept(&self, kind: &str) -> impl Sized {
        let copy = |k: &Kept| match k {
            Kept::Value(v) => Kept::Value(Rc::new((**v).clone())),
            Kept::Text(e) => Kept::Text(e.encoded_only()),
        };
        self.objects.get(kind).map(|m| {
            m.iter()
                .map(|(ns, names)| {
                    let names: BTreeMap<String, Kept> =
                        names.iter().map(|(n, k)| (n.clone(), copy(k))).collect();
                    (ns.clone(), names)
                })
                .collect::<Objects>()
        })
    }

    /// A deep copy of what only the watch journal holds (texts and decoded values the
    /// store does not share: older versions, deleted objects), and how many entries hold
    /// something of their own: what the journal weighs, for the bench's heap breakdown.
    pub fn copy_journal_as_kept(&self) -> (usize, impl Sized) {
        let mut own = 0;
        let copies: Vec<(Option<Box<str>>, Option<Value>)> = self
            .journal
            .iter()
            .map(|e| {
                let now = self
                    .objects
                    .get(e.kind)
                    .and_then(|m| m.get(&e.namespace))
                    .and_then(|names| names.get(&e.name));
                let text = e
                    .object
                    .text()
                    .filter(|t| !now.and_then(Kept::text).is_some_and(|n| Rc::ptr_eq(n, t)))
                    .map(|t| Box::from(&**t));
                let value = e
                    .object
                    .decoded()
                    .filter(|v| {
                        !now.and_then(Kept::decoded)
                            .is_some_and(|n| Rc::ptr_eq(n, v))
                    })
                    .map(|v| (**v).clone());
                own += usize::from(text.is_some() || value.is_some());
                (text, value)
            })
            .collect();
        (own, copies)
    }

    pub fn count(&self, kind: &str, namespace: Option<&str>) -> usize {
        let Some(kinds) = self.objects.get(kind) else {
            return 0;
        };
        match namespace {
            Some(ns) => kinds.get(ns).map_or(0, BTreeMap::len),
            None => kinds.values().map(BTreeMap::len).sum(),
        }
    }

    /// Uses up one resourceVersion without a write (see `bootstrap::keep_seeded_history`).
    pub fn skip_resource_version(&mut self) {
        self.resource_version += 1;
    }

    /// Writes `object` (new or changed) and journals it; returns the stored copy.
    pub fn put(
        &mut self,
        kind: &'static str,
        mut object: Value,
        event_type: EventType,
    ) -> Rc<Value> {
        self.forget_decoded();
        self.resource_version += 1;
        let rv = self.resource_version;
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let (namespace, name) = key_of(&object);
        let stored = Rc::new(object);
        let kept = if ENCODED_KINDS.contains(&kind) {
            // Decoded until the next write, as if just read.
            self.decoded
                .borrow_mut()
                .push((kind, namespace.clone(), name.clone()));
            Kept::Text(Encoded::new(stored.to_string().into(), stored.clone()))
        } else {
            Kept::Value(stored.clone())
        };
        // The store, the journal and the digest share one text.
        let journaled = match kept.text() {
            Some(text) => Kept::Text(Encoded::new(text.clone(), stored.clone())),
            None => self.journal_form(&stored),
        };
        self.journal_push(WatchEvent {
            resource_version: rv,
            at: self.clock,
            event_type,
            kind,
            namespace: namespace.clone(),
            name: name.clone(),
            object: journaled,
        });
        self.objects
            .entry(kind)
            .or_default()
            .entry(namespace.clone())
            .or_default()
            .insert(name.clone(), kept);
        self.owners.record(kind, &namespace, &name, Some(&stored));
        if kind == "Pod" {
            let node = stored.pointer("/spec/nodeName").and_then(Value::as_str);
            self.index_pod_node(&namespace, &name, node);
        }
        if kind == "Node" {
            self.nodes_written = rv;
        }
        // The events registry is the only one with a TTL: every write of an Event
        // (created, or its count bumped) lives `--event-ttl` from then.
        if kind == "Event" {
            self.leases
                .attach((kind, namespace.clone(), name.clone()), self.clock);
        }
        stored
    }

    /// Stores `object` as the API server found it at start-up, outside the journal and
    /// with the newest resourceVersion rather than a new one: the bootstrap RBAC policy
    /// predates everything, and numbering its ~150 objects would renumber every later
    /// write (and every transcript that shows one). Not for kinds with owners or
    /// indexes (pods, nodes, events).
    pub fn seed(&mut self, kind: &'static str, mut object: Value) {
        let rv = self.resource_version.max(1);
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let (namespace, name) = key_of(&object);
        self.objects
            .entry(kind)
            .or_default()
            .entry(namespace)
            .or_default()
            .insert(name, Kept::Value(Rc::new(object)));
    }

    /// Removes the object and journals its final state.
    pub fn remove(&mut self, kind: &'static str, namespace: &str, name: &str) -> Option<Rc<Value>> {
        if !self.contains(kind, namespace, name) {
            return None;
        }
        self.forget_decoded();
        self.resource_version += 1;
        self.delete_at(self.resource_version, kind, namespace, name)
    }

    /// etcd revokes the leases that have expired by the store's clock: each one's keys go
    /// in one revision, so their DELETED entries share a resourceVersion. True when an
    /// object went.
    pub fn revoke_expired_leases(&mut self) -> bool {
        let mut deleted = false;
        while let Some(keys) = self.leases.revoke_expired(self.clock) {
            if keys.is_empty() {
                continue;
            }
            self.resource_version += 1;
            for (kind, namespace, name) in keys {
                deleted |= self
                    .delete_at(self.resource_version, kind, &namespace, &name)
                    .is_some();
            }
        }
        deleted
    }

    /// Deletes the object in revision `rv` (already counted) and journals its final state.
    fn delete_at(
        &mut self,
        rv: u64,
        kind: &'static str,
        namespace: &str,
        name: &str,
    ) -> Option<Rc<Value>> {
        let names = self.objects.get_mut(kind)?.get_mut(namespace)?;
        let removed = names.remove(name)?;
        if names.is_empty() {
            if let Some(m) = self.objects.get_mut(kind) {
                m.remove(namespace);
            }
        }
        self.owners.record(kind, namespace, name, None);
        if kind == "Pod" {
            self.index_pod_node(namespace, name, None);
        }
        self.leases
            .detach(&(kind, namespace.to_string(), name.to_string()));
        if kind == "Node" {
            self.nodes_written = rv;
        }
        let mut last = (**removed.value()).clone();
        if let Some(meta) = last.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let last = Rc::new(last);
        let object = if ENCODED_KINDS.contains(&kind) {
            Kept::Text(Encoded::new(last.to_string().into(), last.clone()))
        } else {
            self.journal_form(&last)
        };
        self.journal_push(WatchEvent {
            resource_version: rv,
            at: self.clock,
            event_type: EventType::Deleted,
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            object,
        });
        Some(last)
    }

    /// A journal entry's object of a kind kept decoded: with its text when the digest
    /// needs it anyway (so the entry can drop its decoded copy later), else the value.
    fn journal_form(&self, object: &Rc<Value>) -> Kept {
        if self.digest.is_some() {
            Kept::Text(Encoded::new(object.to_string().into(), object.clone()))
        } else {
            Kept::Value(object.clone())
        }
    }

    fn journal_push(&mut self, event: WatchEvent) {
        hash_entry(&mut self.digest, &event);
        self.journal.push(event);
        self.cool_journal();
    }

    /// Drops the decoded copies of the entries that are no longer among the newest
    /// [`JOURNAL_DECODED`]: what the store still holds stays (the `Rc` is shared), an
    /// older version or an Event goes back to its text.
    fn cool_journal(&mut self) {
        let keep_from = self.journal.len().saturating_sub(JOURNAL_DECODED);
        while self.journal_cooled < keep_from {
            if let Kept::Text(e) = &mut self.journal[self.journal_cooled].object {
                e.forget();
            }
            self.journal_cooled += 1;
        }
    }

    /// Drops the journal's entries up to resourceVersion `through`, as etcd's compaction
    /// does: the objects stay, their older versions go, and a watch from before `through`
    /// gets [`TooOld`]. Entries go in batches of a quarter window, so that compacting
    /// after every write costs no more than the writes.
    pub fn compact(&mut self, through: u64) {
        let drop = self
            .journal
            .partition_point(|e| e.resource_version <= through);
        if drop == 0 || (drop as u64) < JOURNAL_WINDOW / 4 {
            return;
        }
        self.journal_floor = self.journal[drop - 1].resource_version;
        self.journal.drain(..drop);
        self.journal_cooled = self.journal_cooled.saturating_sub(drop);
    }

    /// Compacts all but the last [`JOURNAL_WINDOW`] writes.
    pub fn compact_to_window(&mut self) {
        self.compact(self.resource_version.saturating_sub(JOURNAL_WINDOW));
    }

    /// The newest resourceVersion compaction has dropped (0: nothing yet).
    pub fn compacted_through(&self) -> u64 {
        self.journal_floor
    }

    /// Journal entries after resourceVersion `since`; `None` when they were compacted
    /// away (a real watch would get 410 Gone and re-list).
    pub fn events_since(&self, since: u64) -> Option<&[WatchEvent]> {
        self.watch_from(since).ok()
    }

    /// Journal entries after resourceVersion `since`, or the API server's answer to a
    /// watch from a compacted version.
    pub fn watch_from(&self, since: u64) -> Result<&[WatchEvent], TooOld> {
        if since < self.journal_floor {
            return Err(TooOld {
                requested: since,
                compacted_through: self.journal_floor,
            });
        }
        let start = self
            .journal
            .partition_point(|e| e.resource_version <= since);
        Ok(&self.journal[start..])
    }
}

/// Feeds one journal entry to the digest: its object's JSON text.
fn hash_entry(digest: &mut Option<DefaultHasher>, event: &WatchEvent) {
    if let Some(h) = digest {
        (event.resource_version, event.at, event.event_type.as_str()).hash(h);
        match event.object.text() {
            Some(t) => t.hash(h),
            None => event.object.to_string().hash(h),
        }
    }
}

fn key_of(object: &Value) -> (String, String) {
    let meta = &object["metadata"];
    (
        meta["namespace"].as_str().unwrap_or_default().to_string(),
        meta["name"].as_str().unwrap_or_default().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_write_gets_a_higher_resource_version_and_a_journal_entry() {
        let mut s = Store::default();
        s.put(
            "Pod",
            json!({"metadata": {"name": "a", "namespace": "default"}}),
            EventType::Added,
        );
        s.put(
            "Pod",
            json!({"metadata": {"name": "a", "namespace": "default"}}),
            EventType::Modified,
        );
        s.remove("Pod", "default", "a");
        let events = s.events_since(0).unwrap_or_default();
        let types: Vec<_> = events
            .iter()
            .map(|e| (e.resource_version, e.event_type))
            .collect();
        assert_eq!(
            types,
            vec![
                (1, EventType::Added),
                (2, EventType::Modified),
                (3, EventType::Deleted)
            ]
        );
        assert_eq!(events[2].object["metadata"]["resourceVersion"], "3");
        assert!(s.get("Pod", "default", "a").is_none());
        assert_eq!(s.events_since(2).map(|e| e.len()), Some(1));
    }

    #[test]
    fn list_is_ordered_by_name_within_a_namespace() {
        let mut s = Store::default();
        for n in ["web-2", "web-10", "web-0"] {
            s.put(
                "Pod",
                json!({"metadata": {"name": n, "namespace": "default"}}),
                EventType::Added,
            );
        }
        let names: Vec<_> = s
            .list("Pod", Some("default"))
            .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(names, ["web-0", "web-10", "web-2"]);
    }

    fn pod(name: &str) -> Value {
        json!({"metadata": {"name": name, "namespace": "default"}})
    }

    #[test]
    fn a_nodes_pods_are_the_listed_pods_bound_to_it_through_binds_recreations_and_deletes() {
        let mut s = Store::default();
        let bound = |ns: &str, name: &str, node: &str| json!({"metadata": {"name": name, "namespace": ns}, "spec": {"nodeName": node}});
        s.put("Pod", pod("web-0"), EventType::Added);
        s.put("Pod", bound("default", "web-0", "n1"), EventType::Modified);
        s.put("Pod", bound("kube-system", "dns", "n1"), EventType::Added);
        s.put("Pod", bound("default", "web-1", "n2"), EventType::Added);
        s.put("Pod", bound("default", "a", "n1"), EventType::Added);
        let key = |p: &Rc<Value>| {
            format!("{}/{}", p["metadata"]["namespace"], p["metadata"]["name"]).replace('"', "")
        };
        let on = |s: &Store, node: &str| -> Vec<String> { s.pods_on_node(node).map(key).collect() };
        let listed = |s: &Store, node: &str| -> Vec<String> {
            s.list("Pod", None)
                .filter(|p| p["spec"]["nodeName"] == node)
                .map(key)
                .collect()
        };
        assert_eq!(
            on(&s, "n1"),
            ["default/a", "default/web-0", "kube-system/dns"]
        );
        // A StatefulSet's pod deleted and recreated on another node moves with it.
        s.remove("Pod", "default", "web-0");
        s.put("Pod", bound("default", "web-0", "n2"), EventType::Added);
        s.remove("Pod", "kube-system", "dns");
        for node in ["n1", "n2", "n3"] {
            assert_eq!(on(&s, node), listed(&s, node), "{node}");
        }
        assert_eq!(on(&s, "n2"), ["default/web-0", "default/web-1"]);
        assert!(on(&s, "n3").is_empty());
    }

    #[test]
    fn compaction_keeps_the_objects_and_answers_an_old_watch_with_too_old() {
        let mut s = Store::default();
        let writes = JOURNAL_WINDOW * 2;
        for i in 0..writes {
            s.put("Pod", pod(&format!("p{}", i % 10)), EventType::Modified);
        }
        s.compact_to_window();
        assert_eq!(s.count("Pod", None), 10);
        assert_eq!(s.compacted_through(), writes - JOURNAL_WINDOW);
        let err = s.watch_from(1).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("too old resource version: 1 ({})", writes - JOURNAL_WINDOW)
        );
        assert!(s.events_since(1).is_none());
        let window = s.watch_from(s.compacted_through()).unwrap_or_default();
        assert_eq!(window.len() as u64, JOURNAL_WINDOW);
        assert_eq!(window[0].resource_version, writes - JOURNAL_WINDOW + 1);
    }

    #[test]
    fn the_journal_digest_is_the_same_with_and_without_compaction() {
        let run = |compact: bool| {
            let mut s = Store::default();
            s.keep_digest();
            for i in 0..JOURNAL_WINDOW * 2 {
                s.put("Pod", pod(&format!("p{}", i % 7)), EventType::Added);
                if compact {
                    s.compact_to_window();
                }
            }
            s.journal_digest()
        };
        assert_eq!(run(true), run(false));
        assert!(Store::default().journal_digest().is_none());
    }

    fn event(name: &str, count: i64) -> Value {
        json!({"kind": "Event", "metadata": {"name": name, "namespace": "default"},
               "reason": "Pulled", "count": count})
    }

    #[test]
    fn events_are_kept_as_text_and_read_back_equal_until_they_go() {
        let mut s = Store::default();
        s.keep_digest();
        let written = s.put("Event", event("e1", 1), EventType::Added);
        s.put("Pod", pod("p"), EventType::Added);
        let read = s.get("Event", "default", "e1").cloned();
        assert_eq!(read.as_deref(), Some(&*written));
        assert!(
            !Rc::ptr_eq(&read.unwrap_or_default(), &written),
            "decoded anew"
        );
        let listed: Vec<Value> = s.list("Event", None).map(|e| (**e).clone()).collect();
        assert_eq!(listed, vec![(*written).clone()]);
        assert!(s.contains("Event", "default", "e1"));
        s.put("Event", event("e1", 2), EventType::Modified);
        assert_eq!(
            s.get("Event", "default", "e1").map(|e| &e["count"]),
            Some(&json!(2))
        );
        let gone = s.remove("Event", "default", "e1");
        assert_eq!(
            gone.map(|e| e["metadata"]["resourceVersion"].clone()),
            Some(json!("4"))
        );
        assert!(!s.contains("Event", "default", "e1"));
        assert_eq!(s.count("Event", None), 0);
    }

    #[test]
    fn a_read_events_decoded_copy_goes_at_the_next_write() {
        let mut s = Store::default();
        s.put("Event", event("e1", 1), EventType::Added);
        let decoded = |s: &Store| match s.objects["Event"]["default"].get("e1") {
            Some(Kept::Text(e)) => e.is_decoded(),
            _ => panic!("an Event is kept as text"),
        };
        assert!(decoded(&s), "the written value, until the next write");
        s.put("Pod", pod("p"), EventType::Added);
        assert!(!decoded(&s));
        assert_eq!(s.count("Event", None), 1);
        assert!(!decoded(&s), "counting does not decode");
        let _ = s.get("Event", "default", "e1");
        assert!(decoded(&s));
        s.put("Pod", pod("q"), EventType::Added);
        assert!(!decoded(&s));
    }

    #[test]
    fn pods_are_kept_as_text_and_only_the_newest_decoded_ones_stay_decoded() {
        let mut s = Store::default();
        let n = DECODED_PODS + 10;
        for i in 0..n {
            s.put("Pod", pod(&format!("p{i:05}")), EventType::Added);
        }
        let decoded = |s: &Store| {
            s.objects["Pod"]["default"]
                .values()
                .filter(|k| matches!(k, Kept::Text(e) if e.is_decoded()))
                .count()
        };
        assert_eq!(
            decoded(&s),
            DECODED_PODS + 1,
            "the budget, and the last write"
        );
        s.put("Node", pod("n"), EventType::Added);
        assert_eq!(decoded(&s), DECODED_PODS);
        // A list decodes every pod; the next write forgets all but the newest.
        let names: Vec<String> = s
            .list("Pod", None)
            .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(names.len(), n);
        assert_eq!(names[0], "p00000");
        assert_eq!(decoded(&s), n);
        s.put("Node", pod("n"), EventType::Modified);
        assert_eq!(decoded(&s), DECODED_PODS);
        assert_eq!(
            s.get("Pod", "default", "p00000")
                .map(|p| p["metadata"]["resourceVersion"].clone()),
            Some(json!("1"))
        );
    }

    #[test]
    fn journal_entries_past_the_newest_keep_only_their_text_and_read_back_equal() {
        let mut s = Store::default();
        let n = JOURNAL_DECODED + 10;
        for i in 0..n {
            s.put("Pod", pod(&format!("p{}", i % 3)), EventType::Modified);
        }
        let window = s.events_since(0).unwrap_or_default();
        assert_eq!(window.len(), n);
        let decoded = window
            .iter()
            .filter(|e| e.object.decoded().is_some())
            .count();
        assert_eq!(decoded, JOURNAL_DECODED);
        assert!(window[0].object.decoded().is_none());
        assert_eq!(window[0].object["metadata"]["resourceVersion"], "1");
        assert_eq!(window[0].object["metadata"]["name"], "p0");
    }

    #[test]
    fn the_digest_hashes_an_events_text_as_it_hashes_any_object() {
        let digest = |kind: &'static str| {
            let mut s = Store::default();
            s.keep_digest();
            s.put(kind, event("e1", 1), EventType::Added);
            s.journal_digest()
        };
        assert_eq!(digest("Event"), digest("Pod"));
    }
}
