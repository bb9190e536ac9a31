//! `metadata.managedFields`: which manager set which fields, as the API server's field
//! manager records it on every write that names a manager (Update), and server-side apply
//! (Apply): merging an applied configuration by field ownership, refusing to take fields
//! other managers own unless forced, and dropping fields the applier stopped applying.
//! Pure over objects; `World::apply` and the managed writes call it.

use super::fieldpath::{path_string, FieldSet};
use crate::json;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Who writes, and through which subresource (`scale`, `status`, or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldManager<'a> {
    pub name: &'a str,
    pub subresource: &'a str,
}

/// The controllers' writes (the manager is the first word of the client's user agent).
pub const CONTROLLER_MANAGER: FieldManager<'static> = FieldManager::new("kube-controller-manager");

/// The controllers' status writes (`UpdateStatus`).
pub const CONTROLLER_MANAGER_STATUS: FieldManager<'static> = CONTROLLER_MANAGER.status();

/// The kubelet's pod and node status writes.
pub const KUBELET_STATUS: FieldManager<'static> = FieldManager::new("kubelet").status();

/// The scheduler's status write of an unschedulable pod (its binding records nothing).
pub const SCHEDULER_STATUS: FieldManager<'static> = FieldManager::new("kube-scheduler").status();

impl<'a> FieldManager<'a> {
    pub const fn new(name: &'a str) -> Self {
        FieldManager {
            name,
            subresource: "",
        }
    }

    /// The same manager writing through the status subresource.
    pub const fn status(self) -> Self {
        FieldManager {
            name: self.name,
            subresource: "status",
        }
    }
}

/// One `managedFields` entry, its field set decoded.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub(super) manager: String,
    pub(super) apply: bool,
    pub(super) api_version: String,
    pub(super) subresource: String,
    pub(super) time: Option<String>,
    pub(super) set: FieldSet,
}

impl Entry {
    fn read(v: &Value) -> Entry {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Entry {
            manager: s("manager"),
            apply: s("operation") == "Apply",
            api_version: s("apiVersion"),
            subresource: s("subresource"),
            time: v.get("time").and_then(Value::as_str).map(str::to_string),
            set: FieldSet::from_fields_v1(&fields_v1(v)),
        }
    }

    fn write(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), json!(self.api_version));
        m.insert("fieldsType".into(), json!("FieldsV1"));
        // Stored as its JSON text, as the server keeps FieldsV1 (raw bytes): a tree of
        // maps per version of every workload would weigh ten times as much.
        let text = self.set.to_fields_v1().to_string();
        m.insert("fieldsV1".into(), Value::String(text));
        m.insert("manager".into(), json!(self.manager));
        let op = if self.apply { "Apply" } else { "Update" };
        m.insert("operation".into(), json!(op));
        if !self.subresource.is_empty() {
            m.insert("subresource".into(), json!(self.subresource));
        }
        if let Some(t) = &self.time {
            m.insert("time".into(), json!(t));
        }
        Value::Object(m)
    }

    fn is(&self, manager: &FieldManager, apply: bool) -> bool {
        self.manager == manager.name
            && self.apply == apply
            && self.subresource == manager.subresource
    }

    /// How a conflict names the manager (the server's `printManager`).
    fn describe(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            s.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if !self.apply {
            s.push_str(&format!(" using {}", self.api_version));
        }
        s
    }
}

/// An entry's `fieldsV1` as a document: stored as text, or as a client sent it.
fn fields_v1(entry: &Value) -> Value {
    match entry.get("fieldsV1") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// The object as it is served: every entry's `fieldsV1` a document again.
pub fn expanded(obj: &Value) -> Cow<'_, Value> {
    let stored_as_text = |l: &Vec<Value>| l.iter().any(|e| e["fieldsV1"].is_string());
    let Some(list) = obj
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .filter(|l| stored_as_text(l))
    else {
        return Cow::Borrowed(obj);
    };
    let list: Vec<Value> = list
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["fieldsV1"] = fields_v1(&e);
            e
        })
        .collect();
    let mut out = obj.clone();
    out["metadata"]["managedFields"] = Value::Array(list);
    Cow::Owned(out)
}

pub(super) fn entries(obj: &Value) -> Vec<Entry> {
    obj.get("metadata")
        .and_then(|m| m.get("managedFields"))
        .and_then(Value::as_array)
        .map(|l| l.iter().map(Entry::read).collect())
        .unwrap_or_default()
}

/// Stores the entries, sorted as the server sorts them (Apply before Update, then by
/// time, manager, apiVersion and subresource); empty sets are dropped.
pub(super) fn store(obj: &mut Value, mut list: Vec<Entry>) {
    list.retain(|e| !e.set.is_empty());
    crate::sort::sort_by(&mut list, |a, b| {
        (
            !a.apply,
            &a.time,
            &a.manager,
            &a.api_version,
            &a.subresource,
        )
            .cmp(&(
                !b.apply,
                &b.time,
                &b.manager,
                &b.api_version,
                &b.subresource,
            ))
    });
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    if list.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert(
            "managedFields".into(),
            Value::Array(list.iter().map(Entry::write).collect()),
        );
    }
}

/// The object as the field manager compares it: without the fields the server owns
/// (identity, versions, the managed fields themselves) and, for kinds whose status is a
/// subresource, without the status a main-resource write cannot set.
pub(super) fn tracked(obj: &Value, drop_status: bool) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("apiVersion");
        m.remove("kind");
        if drop_status {
            m.remove("status");
        }
        if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in [
                "name",
                "namespace",
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "selfLink",
                "managedFields",
            ] {
                meta.remove(k);
            }
        }
    }
    v
}

/// The Go zero value of a kind as the server converts it before a create: the struct
/// fields that are not pointers exist (so a create does not own them as new nodes),
/// the slices are null.
pub fn zero_value(kind: &str) -> Value {
    let template = json!({"metadata": {}, "spec": {"containers": null}});
    match kind {
        "Pod" => json!({"metadata": {}, "spec": {"containers": null}}),
        "Deployment" => {
            json!({"metadata": {}, "spec": {"selector": null, "strategy": {}, "template": template}})
        }
        "ReplicaSet" => json!({"metadata": {}, "spec": {"selector": null, "template": template}}),
        "StatefulSet" | "DaemonSet" => json!({"metadata": {},
            "spec": {"selector": null, "template": template, "updateStrategy": {}}}),
        "Job" => json!({"metadata": {}, "spec": {"template": template}}),
        "CronJob" => json!({"metadata": {},
            "spec": {"jobTemplate": {"metadata": {}, "spec": {"template": template}}}}),
        "PersistentVolumeClaim" => json!({"metadata": {}, "spec": {"resources": {}}}),
        "Service"
        | "PersistentVolume"
        | "Namespace"
        | "Node"
        | "Ingress"
        | "ResourceQuota"
        | "LimitRange"
        | "NetworkPolicy"
        | "HorizontalPodAutoscaler"
        | "PodDisruptionBudget" => {
            json!({"metadata": {}, "spec": {}})
        }
        _ => json!({"metadata": {}}),
    }
}

/// The status fields of `kind` that Go always encodes (no `omitempty`): a status the
/// server stored as `{}` holds them as zeros, so a controller setting one to zero
/// changes nothing it would own.
pub fn zero_status(kind: &str) -> Value {
    match kind {
        "ReplicaSet" => json!({"replicas": 0}),
        "StatefulSet" => json!({"replicas": 0, "availableReplicas": 0}),
        "DaemonSet" => json!({"currentNumberScheduled": 0, "numberMisscheduled": 0,
            "desiredNumberScheduled": 0, "numberReady": 0}),
        "PodDisruptionBudget" => super::policy::empty_status(),
        _ => json!({}),
    }
}

/// Records an Update by `manager`: it now owns what it changed, the others lose what it
/// changed or removed. `old` is the live object, or the kind's zero value on a create.
pub fn record_update(
    old: &Value,
    new: &mut Value,
    manager: &FieldManager,
    drop_status: bool,
    now: &str,
) {
    let (changed, removed) =
        FieldSet::changes(&tracked(old, drop_status), &tracked(new, drop_status));
    // A client that sends managedFields of its own replaces the live ones.
    let sent = entries(new);
    let mut list = if sent.is_empty() { entries(old) } else { sent };
    if changed.is_empty() && removed.is_empty() {
        store(new, list);
        return;
    }
    let api_version = new.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    for e in list.iter_mut() {
        e.set = e.set.difference(&changed).difference(&removed);
    }
    let mine = match list.iter().position(|e| e.is(manager, false)) {
        Some(i) => list.remove(i).set,
        None => FieldSet::default(),
    };
    let mut set = mine;
    set.union(&changed);
    list.push(Entry {
        manager: manager.name.to_string(),
        apply: false,
        api_version: api_version.to_string(),
        subresource: manager.subresource.to_string(),
        // The scale subresource's field manager converts through a Scale, which has no
        // managedFields times: its entry carries none (and so sorts first).
        time: (manager.subresource != "scale").then(|| now.to_string()),
        set: set.difference(&removed),
    });
    store(new, list);
}

/// A server-side apply refused: fields the configuration changes belong to others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicts {
    /// (how the owner is named, the path), in the server's order.
    pub list: Vec<(String, String)>,
}

impl Conflicts {
    /// The Status message (`getConflictMessage`).
    pub fn message(&self) -> String {
        if let [(owner, path)] = self.list.as_slice() {
            return format!("Apply failed with 1 conflict: conflict with {owner}: {path}");
        }
        let mut owners: Vec<&String> = self.list.iter().map(|(o, _)| o).collect();
        crate::sort::sort(&mut owners);
        owners.dedup();
        let mut lines = Vec::new();
        for o in owners {
            lines.push(format!("conflicts with {o}:"));
            for (_, p) in self.list.iter().filter(|(x, _)| x == o) {
                lines.push(format!("- {p}"));
            }
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.list.len(),
            lines.join("\n")
        )
    }
}

/// Server-side apply of `config` by `manager` onto `live` (`None`: the object is
/// created): the merged object, its managedFields set. Without `force`, a field whose
/// value would change and that another manager owns is a conflict.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &FieldManager,
    force: bool,
    drop_status: bool,
    now: &str,
) -> Result<Value, Conflicts> {
    // Metadata holding only what the server strips (a manifest naming just the object)
    // claims no `f:metadata`: the server removes the stripped paths, not the struct.
    let bare_metadata = FieldSet::of_object(&json!({"metadata": {}}));
    let applied = FieldSet::of_object(&tracked(config, drop_status)).difference(&bare_metadata);
    let api_version = config
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mine = |set: FieldSet, time: Option<String>| Entry {
        manager: manager.name.to_string(),
        apply: true,
        api_version: api_version.clone(),
        subresource: manager.subresource.to_string(),
        time,
        set,
    };
    let Some(live) = live else {
        let mut obj = config.clone();
        store(&mut obj, vec![mine(applied, Some(now.to_string()))]);
        return Ok(obj);
    };
    let mut merged = live.clone();
    super::fieldpath::merge(&mut merged, config);
    let (changed, _) =
        FieldSet::changes(&tracked(live, drop_status), &tracked(&merged, drop_status));
    let mut list = entries(live);
    let previous = list
        .iter()
        .position(|e| e.is(manager, true))
        .map(|i| list.remove(i));
    let mut conflicts = Vec::new();
    let mut contested = FieldSet::default();
    for e in list.iter_mut() {
        let taken = e.set.intersection(&changed);
        if taken.is_empty() {
            continue;
        }
        for p in taken.paths() {
            conflicts.push((e.describe(), path_string(&p)));
        }
        contested.union(&taken);
        e.set = e.set.difference(&changed);
    }
    let allowed = manager.name == "kubectl" && {
        // The server lets `kubectl` take over fields its client-side apply set, as long
        // as they still hold what the last-applied annotation says (`lastAppliedManager`).
        let last = last_applied(live).map(|l| allowed_from_last_applied(&l, live, drop_status));
        last.is_some_and(|ok| contested.difference(&ok).is_empty())
    };
    if !conflicts.is_empty() && !force && !allowed {
        return Err(Conflicts { list: conflicts });
    }
    // What this manager applied before and no longer does, and nobody else owns, goes.
    let mut others = FieldSet::default();
    for e in &list {
        others.union(&e.set);
    }
    let before = previous.as_ref().map(|e| e.set.clone()).unwrap_or_default();
    let dropped = before.difference(&applied).difference(&others);
    let mut kept = others;
    kept.union(&applied);
    super::fieldpath::remove_paths(&mut merged, &dropped, &kept);
    if manager.name == "kubectl" && last_applied(live).is_some() {
        set_last_applied(&mut merged, config);
    }
    // An apply that changes nothing leaves the manager's time as it was (the server
    // stamps a time only on a changed object).
    let time = if tracked(&merged, false) != tracked(live, false) {
        Some(now.to_string())
    } else {
        previous.and_then(|e| e.time)
    };
    list.push(mine(applied, time));
    store(&mut merged, list);
    Ok(merged)
}

/// The annotation `kubectl apply` (client-side) keeps.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn last_applied(obj: &Value) -> Option<Value> {
    let text = obj
        .pointer("/metadata/annotations")?
        .get(LAST_APPLIED)?
        .as_str()?;
    serde_json::from_str(text).ok()
}

/// The fields of the last-applied configuration whose live values still match it.
fn allowed_from_last_applied(last: &Value, live: &Value, drop_status: bool) -> FieldSet {
    let last = tracked(last, drop_status);
    let (changed, removed) = FieldSet::changes(&last, &tracked(live, drop_status));
    FieldSet::of_object(&last)
        .difference(&changed)
        .difference(&removed)
}

/// `lastAppliedUpdater`: an apply by `kubectl` keeps the annotation current with what it
/// applied (the configuration without the annotation, as JSON with a newline).
fn set_last_applied(obj: &mut Value, config: &Value) {
    let mut applied = config.clone();
    if let Some(a) = applied
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.remove(LAST_APPLIED);
    }
    let text = format!("{}\n", applied);
    if let Some(a) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.insert(LAST_APPLIED.into(), Value::String(text));
    }
}

/// The managers that own the last-applied annotation through `operation` (client-go's
/// `csaupgrade.FindFieldsOwners`).
pub fn last_applied_owners(obj: &Value, apply: bool) -> Vec<String> {
    let path = FieldSet::of_object(&json!({"metadata": {"annotations": {LAST_APPLIED: ""}}}));
    entries(obj)
        .into_iter()
        .filter(|e| e.apply == apply && !e.set.intersection(&path).is_empty())
        .map(|e| e.manager)
        .collect()
}

/// client-go's `csaupgrade.UpgradeManagedFields`: the fields the client-side managers
/// `csa` own become `ssa`'s Apply fields, and their Update entries go. `None` when
/// there is nothing to move.
pub fn upgrade_client_side(obj: &Value, csa: &[String], ssa: &str) -> Option<Value> {
    let mut list = entries(obj);
    let mut moved = false;
    for name in csa {
        let is_csa = |e: &Entry| &e.manager == name && !e.apply && e.subresource.is_empty();
        let target = match list
            .iter()
            .position(|e| e.manager == ssa && e.apply && e.subresource.is_empty())
        {
            Some(i) => i,
            None => {
                let Some(i) = list.iter().position(is_csa) else {
                    continue;
                };
                list[i].manager = ssa.to_string();
                list[i].apply = true;
                i
            }
        };
        let api_version = list[target].api_version.clone();
        if let Some(c) = list
            .iter()
            .find(|e| is_csa(e) && e.api_version == api_version)
            .map(|e| e.set.clone())
        {
            list[target].set.union(&c);
        }
        list.retain(|e| !is_csa(e));
        moved = true;
    }
    if !moved {
        return None;
    }
    let mut out = obj.clone();
    // The upgrade writes the entries back as they were ordered, not re-sorted.
    if let Some(meta) = out.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert(
            "managedFields".into(),
            Value::Array(list.iter().map(Entry::write).collect()),
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "2026-01-01T00:00:00Z";
    const T1: &str = "2026-01-01T00:01:00Z";

    fn deployment(replicas: i64, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})
    }

    /// `deployment(2, "nginx")` as `kubectl create` leaves it.
    fn created_by_kubectl_create() -> Value {
        let mut live = deployment(2, "nginx");
        let create = FieldManager::new("kubectl-create");
        record_update(&zero_value("Deployment"), &mut live, &create, true, T0);
        live
    }

    fn managers(obj: &Value) -> Vec<String> {
        entries(obj)
            .iter()
            .map(|e| format!("{}/{}", e.manager, if e.apply { "Apply" } else { "Update" }))
            .collect()
    }

    #[test]
    fn a_create_records_an_update_entry_owning_what_it_set() {
        let mut obj = deployment(2, "nginx");
        record_update(
            &zero_value("Deployment"),
            &mut obj,
            &FieldManager::new("kubectl-create"),
            true,
            T0,
        );
        assert!(obj["metadata"]["managedFields"][0]["fieldsV1"].is_string());
        let shown = expanded(&obj);
        let mf = &shown["metadata"]["managedFields"][0];
        assert_eq!(mf["manager"], "kubectl-create");
        assert_eq!(mf["operation"], "Update");
        assert_eq!(mf["time"], T0);
        assert_eq!(
            mf["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers":
                {"k:{\"name\":\"c\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn applying_a_field_another_manager_set_differently_is_a_conflict_unless_forced() {
        let live = created_by_kubectl_create();
        let ssa = FieldManager::new("kubectl");
        let err = apply(Some(&live), &deployment(3, "nginx"), &ssa, false, true, T1).unwrap_err();
        assert_eq!(
            err.message(),
            "Apply failed with 1 conflict: conflict with \"kubectl-create\" using apps/v1: .spec.replicas"
        );
        let forced = apply(Some(&live), &deployment(3, "nginx"), &ssa, true, true, T1).unwrap();
        assert_eq!(forced["spec"]["replicas"], 3);
        assert_eq!(
            managers(&forced),
            ["kubectl/Apply", "kubectl-create/Update"]
        );
        // The creator no longer owns the replicas it lost.
        let create = &entries(&forced)[1];
        assert!(create
            .set
            .paths()
            .iter()
            .all(|p| path_string(p) != ".spec.replicas"));
    }

    #[test]
    fn applying_the_same_value_co_owns_it_without_conflict() {
        let live = created_by_kubectl_create();
        let obj = apply(
            Some(&live),
            &deployment(2, "nginx"),
            &FieldManager::new("kubectl"),
            false,
            true,
            T1,
        )
        .unwrap();
        assert_eq!(managers(&obj), ["kubectl/Apply", "kubectl-create/Update"]);
    }

    #[test]
    fn a_field_the_applier_stops_applying_is_removed_when_nobody_else_owns_it() {
        let ssa = FieldManager::new("kubectl");
        let mut config = deployment(2, "nginx");
        config["metadata"]["labels"] = json!({"app": "web", "tier": "front"});
        let live = apply(None, &config, &ssa, false, true, T0).unwrap();
        config["metadata"]["labels"] = json!({"app": "web"});
        let obj = apply(Some(&live), &config, &ssa, false, true, T1).unwrap();
        assert_eq!(obj["metadata"]["labels"], json!({"app": "web"}));
    }

    #[test]
    fn kubectl_takes_over_what_its_client_side_apply_set_as_last_applied() {
        let mut config = deployment(2, "nginx");
        let mut live = config.clone();
        live["metadata"]["annotations"] = json!({LAST_APPLIED: format!("{config}\n")});
        let csa = FieldManager::new("kubectl-client-side-apply");
        record_update(&zero_value("Deployment"), &mut live, &csa, true, T0);
        config["spec"]["replicas"] = json!(3);
        // Another manager would conflict; `kubectl` may take over, and the annotation follows.
        let other = FieldManager::new("other");
        assert!(apply(Some(&live), &config, &other, false, true, T1).is_err());
        let obj = apply(
            Some(&live),
            &config,
            &FieldManager::new("kubectl"),
            false,
            true,
            T1,
        )
        .unwrap();
        assert_eq!(obj["spec"]["replicas"], 3);
        assert_eq!(
            obj["metadata"]["annotations"][LAST_APPLIED],
            format!("{config}\n")
        );
        assert_eq!(
            last_applied_owners(&obj, false),
            ["kubectl-client-side-apply"]
        );
        let upgraded =
            upgrade_client_side(&obj, &["kubectl-client-side-apply".into()], "kubectl").unwrap();
        assert_eq!(managers(&upgraded), ["kubectl/Apply"]);
        assert!(last_applied_owners(&upgraded, false).is_empty());
    }

    #[test]
    fn two_conflicts_are_listed_by_manager() {
        let c = Conflicts {
            list: vec![
                ("\"a\" using v1".into(), ".spec.x".into()),
                ("\"a\" using v1".into(), ".spec.y".into()),
            ],
        };
        assert_eq!(
            c.message(),
            "Apply failed with 2 conflicts: conflicts with \"a\" using v1:\n- .spec.x\n- .spec.y"
        );
    }
}
