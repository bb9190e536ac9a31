//! The Deployment's writes (`sync.go`): find or create the new ReplicaSet with its
//! revision annotations, scale ReplicaSets with a `ScalingReplicaSet` event, delete old
//! history, and write the Deployment's revision annotation and status.

use super::rolling::{self, DeployView, RsView};
use crate::engine::apiserver::{meta_str, CONTROLLER_MANAGER, CONTROLLER_MANAGER_STATUS};
use crate::engine::controllers::history::template_hash;
use crate::engine::controllers::ownership::controller_ref_to;
use crate::engine::controllers::Controller;
use crate::engine::errors::ApiError;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::time::parse_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::{Map, Value};
use std::cmp::Ordering;

pub const HASH_LABEL: &str = "pod-template-hash";
pub const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX: &str = "deployment.kubernetes.io/max-replicas";

/// The Deployment being synced and its ReplicaSets, as this sync has last written them
/// (the Go controller's local `d` and `rsList`).
pub struct Ctx {
    pub d: Value,
    pub rss: Vec<Value>,
    pub namespace: String,
    pub name: String,
}

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.at("/metadata/annotations")?.get(key)?.as_str()
}

fn annotation_i64(obj: &Value, key: &str) -> Option<i64> {
    annotation(obj, key).and_then(|s| s.parse().ok())
}

/// Events and why-log lines about the Deployment `d`.
pub fn recorder(d: &Value) -> Recorder<'_> {
    Recorder::new(Controller::Deployment.name(), "Deployment", d)
}

/// The policy's view of a ReplicaSet.
pub fn rs_view(rs: &Value) -> RsView {
    let n = |p: &str| rs.at(p).and_then(Value::as_i64).unwrap_or(0);
    RsView {
        name: meta_str(rs, "name").to_string(),
        created: parse_rfc3339(meta_str(rs, "creationTimestamp")).unwrap_or(0),
        replicas: rs.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1),
        status_replicas: n("/status/replicas"),
        ready: n("/status/readyReplicas"),
        available: n("/status/availableReplicas"),
        revision: annotation_i64(rs, REVISION).unwrap_or(0),
        desired_annotation: annotation_i64(rs, DESIRED),
        max_annotation: annotation_i64(rs, MAX),
        generation: n("/metadata/generation"),
        observed_generation: n("/status/observedGeneration"),
        deleting: rs.at("/metadata/deletionTimestamp").is_some(),
    }
}

impl Ctx {
    pub fn view(&self) -> DeployView {
        rolling::deploy_view(
            &self.name,
            &self.d["spec"],
            self.d
                .at("/status/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(0),
        )
    }

    /// Events and why-log lines about the Deployment, as this sync last wrote it.
    pub fn recorder(&self) -> Recorder<'_> {
        recorder(&self.d)
    }

    pub fn why(&self, w: &mut World, text: String) {
        self.recorder().why(w, text);
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.rss.iter().position(|r| meta_str(r, "name") == name)
    }

    /// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's,
    /// ignoring `pod-template-hash`.
    pub fn find_new(&self) -> Option<usize> {
        let template = &self.d["spec"]["template"];
        let mut order: Vec<usize> = (0..self.rss.len()).collect();
        crate::sort::sort_by(&mut order, |a, b| self.created_order(*a, *b));
        order
            .into_iter()
            .find(|i| equal_ignoring_hash(&self.rss[*i]["spec"]["template"], template))
    }

    fn created_order(&self, a: usize, b: usize) -> Ordering {
        rolling::by_creation(&rs_view(&self.rss[a]), &rs_view(&self.rss[b]))
    }

    /// Writes the Deployment's annotations and status if this sync changed them.
    pub fn save(&mut self, w: &mut World) {
        let Some(stored) = w.get("Deployment", &self.namespace, &self.name).cloned() else {
            return;
        };
        let annotations = self.d.at("/metadata/annotations").cloned();
        if stored.at("/metadata/annotations").cloned() == annotations
            && stored.get("status") == self.d.get("status")
        {
            return;
        }
        let mut obj = (*stored).clone();
        match annotations {
            Some(a) => obj["metadata"]["annotations"] = a,
            None => {
                if let Some(m) = obj["metadata"].as_object_mut() {
                    m.remove("annotations");
                }
            }
        }
        obj["status"] = self.d.get("status").cloned().unwrap_or(json!({}));
        // `UpdateStatus`: the revision annotation goes with the status.
        self.d = (*w.write_as("Deployment", obj, &CONTROLLER_MANAGER_STATUS)).clone();
    }

    /// `SetDeploymentRevision`.
    pub fn set_revision(&mut self, revision: &str) -> bool {
        if annotation(&self.d, REVISION) == Some(revision) {
            return false;
        }
        set_annotation(&mut self.d, REVISION, revision);
        true
    }

    /// `scaleReplicaSet`: new size plus desired/max annotations, one update; a
    /// `ScalingReplicaSet` event when the size changed. True when it did.
    pub fn scale(&mut self, w: &mut World, index: usize, to: i64, why: &str) -> bool {
        let dv = self.view();
        let max = dv.replicas + dv.max_surge;
        let rs = &self.rss[index];
        let from = rs_view(rs).replicas;
        let annotations_stale = annotation_i64(rs, DESIRED) != Some(dv.replicas)
            || annotation_i64(rs, MAX) != Some(max);
        if from == to && !annotations_stale {
            return false;
        }
        let mut copy = rs.clone();
        copy["spec"]["replicas"] = json!(to);
        set_annotation(&mut copy, DESIRED, &dv.replicas.to_string());
        set_annotation(&mut copy, MAX, &max.to_string());
        let rs_name = meta_str(&copy, "name").to_string();
        match w.update_as(copy, Some(&CONTROLLER_MANAGER)) {
            Ok(stored) => {
                self.rss[index] = (*stored).clone();
                if from == to {
                    return false;
                }
                let direction = if from < to { "up" } else { "down" };
                self.recorder().normal(
                    w,
                    "ScalingReplicaSet",
                    &format!("Scaled {direction} replica set {rs_name} from {from} to {to}"),
                );
                self.why(w, why.to_string());
                true
            }
            Err(e) => {
                self.why(
                    w,
                    format!("could not scale {rs_name}: {}", e.status_message("apps")),
                );
                false
            }
        }
    }

    /// `scaleReplicaSetAndRecordEvent`: nothing when the size is already right.
    pub fn scale_to(&mut self, w: &mut World, name: &str, to: i64, why: &str) -> bool {
        match self.index_of(name) {
            Some(i) if rs_view(&self.rss[i]).replicas != to => self.scale(w, i, to, why),
            _ => false,
        }
    }

    /// `getNewReplicaSet`: keeps the new ReplicaSet's revision (max+1 when an old one is
    /// reused, which is how a rollback renumbers it) and annotations current, or creates
    /// it when `create` is set. Returns its index in `rss`.
    pub fn new_replica_set(&mut self, w: &mut World, create: bool) -> Option<usize> {
        let existing = self.find_new();
        let max_old = self
            .rss
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != existing)
            .map(|(_, r)| rs_view(r).revision)
            .max()
            .unwrap_or(0);
        let new_revision = max_old + 1;
        let dv = self.view();
        if let Some(i) = existing {
            let mut copy = self.rss[i].clone();
            let old_revision = rs_view(&copy).revision;
            let changed = new_rs_annotations(&self.d, &mut copy, new_revision, true, &dv);
            let min_ready = self.d["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
            let min_ready_stale =
                copy["spec"]["minReadySeconds"].as_i64().unwrap_or(0) != min_ready;
            if changed || min_ready_stale {
                if min_ready > 0 {
                    copy["spec"]["minReadySeconds"] = json!(min_ready);
                } else if let Some(s) = copy["spec"].as_object_mut() {
                    s.remove("minReadySeconds");
                }
                let rs_name = meta_str(&copy, "name").to_string();
                if old_revision > 0 && old_revision < new_revision {
                    self.why(w, format!("{rs_name} matches the pod template again (a rollback or revert): it is reused and its revision {old_revision} becomes {new_revision}"));
                }
                match w.update_as(copy, Some(&CONTROLLER_MANAGER)) {
                    Ok(stored) => self.rss[i] = (*stored).clone(),
                    Err(e) => {
                        self.why(
                            w,
                            format!("could not update {rs_name}: {}", e.status_message("apps")),
                        );
                    }
                }
                return Some(i);
            }
            let revision = annotation(&self.rss[i], REVISION).unwrap_or("").to_string();
            let mut needs_update = self.set_revision(&revision);
            if self.deadline().is_some() && self.progressing().is_none() {
                let msg = format!(
                    "Found new replica set \"{}\"",
                    meta_str(&self.rss[i], "name")
                );
                self.set_condition(super::progress::Condition::new(
                    super::progress::PROGRESSING,
                    "True",
                    super::progress::FOUND_NEW_RS_REASON,
                    msg,
                    w.now,
                ));
                needs_update = true;
            }
            if needs_update {
                self.save(w);
            }
            return Some(i);
        }
        if !create {
            return None;
        }
        self.create_replica_set(w, new_revision, &dv)
    }

    fn create_replica_set(
        &mut self,
        w: &mut World,
        revision: i64,
        dv: &DeployView,
    ) -> Option<usize> {
        let template = self.d["spec"]["template"].clone();
        let collision = self
            .d
            .at("/status/collisionCount")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let hash = template_hash(&template, collision);
        let mut rs_template = template.clone();
        rs_template["metadata"]["labels"][HASH_LABEL] = json!(hash);
        let mut selector = self.d["spec"]["selector"].clone();
        selector["matchLabels"][HASH_LABEL] = json!(hash);
        let rs_name = format!("{}-{hash}", self.name);
        let mut rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": rs_name,
                "namespace": self.namespace,
                "labels": rs_template["metadata"]["labels"].clone(),
                "ownerReferences": [controller_ref_to(&self.d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": rs_template},
        });
        if let Some(m) = self.d["spec"]["minReadySeconds"]
            .as_i64()
            .filter(|m| *m > 0)
        {
            rs["spec"]["minReadySeconds"] = json!(m);
        }
        let views: Vec<RsView> = self.rss.iter().map(rs_view).collect();
        let mut all: Vec<&RsView> = views.iter().collect();
        let new_view = rs_view(&rs);
        all.push(&new_view);
        let replicas = rolling::new_rs_new_replicas(dv, &all, &new_view);
        rs["spec"]["replicas"] = json!(replicas);
        new_rs_annotations(&self.d, &mut rs, revision, false, dv);
        let created = match w.create_as(rs, Some(&CONTROLLER_MANAGER)) {
            Ok(c) => c,
            Err(ApiError::AlreadyExists { .. }) => {
                // A hash collision: another template owns the name. Count it and retry.
                self.d["status"]["collisionCount"] = json!(collision + 1);
                self.why(w, format!("the name {rs_name} is taken by a ReplicaSet with another template; collisionCount becomes {} and a different hash is tried", collision + 1));
                self.save(w);
                return None;
            }
            Err(e) => {
                let msg = format!(
                    "Failed to create new replica set \"{rs_name}\": {}",
                    e.status_message("apps")
                );
                self.recorder().warning(w, "ReplicaSetCreateError", &msg);
                if self.deadline().is_some() {
                    self.set_condition(super::progress::Condition::new(
                        super::progress::PROGRESSING,
                        "False",
                        "ReplicaSetCreateError",
                        msg.clone(),
                        w.now,
                    ));
                    self.save(w);
                }
                self.why(w, msg);
                return None;
            }
        };
        self.why(w, format!("created {rs_name} (revision {revision}) for the new pod template; its pods carry {HASH_LABEL}={hash} so they are told apart from older pods"));
        if replicas > 0 {
            self.recorder().normal(
                w,
                "ScalingReplicaSet",
                &format!("Scaled up replica set {rs_name} from 0 to {replicas}"),
            );
            let why = if views.iter().all(|v| v.replicas == 0) {
                format!(
                    "{rs_name} scaled up from 0 to {replicas}: there are no older pods to replace"
                )
            } else {
                format!(
                    "{rs_name} scaled up from 0 to {replicas}: maxSurge={} allows up to {} pods (replicas {} + maxSurge {}) while old pods keep serving",
                    dv.max_surge,
                    dv.replicas + dv.max_surge,
                    dv.replicas,
                    dv.max_surge
                )
            };
            self.why(w, why);
        }
        self.set_revision(&revision.to_string());
        if self.deadline().is_some() {
            self.set_condition(super::progress::Condition::new(
                super::progress::PROGRESSING,
                "True",
                super::progress::NEW_RS_REASON,
                format!("Created new replica set \"{rs_name}\""),
                w.now,
            ));
        }
        self.save(w);
        self.rss.push((*created).clone());
        Some(self.rss.len() - 1)
    }

    /// `progressDeadlineSeconds`, when set.
    pub fn deadline(&self) -> Option<i64> {
        self.d["spec"]["progressDeadlineSeconds"]
            .as_i64()
            .filter(|s| *s != i64::from(i32::MAX))
    }

    pub fn status(&self) -> super::progress::Status {
        super::progress::Status::from_json(self.d.get("status").unwrap_or(&Value::Null))
    }

    pub fn progressing(&self) -> Option<super::progress::Condition> {
        self.status()
            .condition(super::progress::PROGRESSING)
            .cloned()
    }

    pub fn set_condition(&mut self, c: super::progress::Condition) {
        let mut s = self.status();
        s.set_condition(c);
        self.set_status(&s);
    }

    /// Replaces `status`, keeping fields this controller does not compute.
    pub fn set_status(&mut self, s: &super::progress::Status) {
        self.d["status"] = s.to_json();
    }

    /// `cleanupDeployment`: delete old, empty ReplicaSets beyond `revisionHistoryLimit`.
    pub fn cleanup(&mut self, w: &mut World, old: &[usize]) {
        let Some(limit) = self.d["spec"]["revisionHistoryLimit"].as_i64() else {
            return;
        };
        let views: Vec<RsView> = old.iter().map(|i| rs_view(&self.rss[*i])).collect();
        let refs: Vec<&RsView> = views.iter().collect();
        for name in rolling::cleanup(&refs, limit) {
            if w.delete("ReplicaSet", &self.namespace, &name, Default::default())
                .is_ok()
            {
                self.why(w, format!("deleted old ReplicaSet {name}: it has no pods and revisionHistoryLimit={limit} keeps only the newest old ReplicaSets"));
            }
        }
    }
}

/// The template without `pod-template-hash` (`EqualIgnoreHash`).
/// `EqualIgnoreHash`: the templates are equal once the pod-template-hash label is dropped
/// from both. Compared in place: every sync asks it of every ReplicaSet.
fn equal_ignoring_hash(a: &Value, b: &Value) -> bool {
    type Inner<'f> = &'f dyn Fn(Option<&Value>, Option<&Value>) -> bool;
    /// Equal objects apart from `key`, whose values `inner` compares; other values as is.
    fn equal_except(a: &Value, b: &Value, key: &str, inner: Inner) -> bool {
        let (Value::Object(a), Value::Object(b)) = (a, b) else {
            return a == b;
        };
        let rest = |m: &'_ Map<String, Value>| m.len() - usize::from(m.contains_key(key));
        rest(a) == rest(b)
            && a.iter().all(|(k, v)| k == key || b.get(k) == Some(v))
            && inner(a.get(key), b.get(key))
    }
    let labels = |a: Option<&Value>, b: Option<&Value>| match (a, b) {
        (Some(a), Some(b)) => equal_except(a, b, HASH_LABEL, &|_, _| true),
        (a, b) => a == b,
    };
    let metadata = |a: Option<&Value>, b: Option<&Value>| match (a, b) {
        (Some(a), Some(b)) => equal_except(a, b, "labels", &labels),
        (a, b) => a == b,
    };
    equal_except(a, b, "metadata", &metadata)
}

fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    if !obj["metadata"]["annotations"].is_object() {
        obj["metadata"]["annotations"] = Value::Object(Map::new());
    }
    obj["metadata"]["annotations"][key] = json!(value);
}

/// Annotations a Deployment does not pass on to its ReplicaSets.
fn skip_copy(key: &str) -> bool {
    matches!(
        key,
        "kubectl.kubernetes.io/last-applied-configuration"
            | REVISION
            | REVISION_HISTORY
            | DESIRED
            | MAX
            | "deprecated.deployment.rollback.to"
    )
}

/// `SetNewReplicaSetAnnotations`: copy the Deployment's annotations, raise the revision
/// (remembering the old one in `revision-history`), and on creation the replica counts.
fn new_rs_annotations(
    d: &Value,
    rs: &mut Value,
    revision: i64,
    exists: bool,
    dv: &DeployView,
) -> bool {
    let mut changed = false;
    if let Some(a) = d.at("/metadata/annotations").and_then(Value::as_object) {
        for (k, v) in a {
            if skip_copy(k) || annotation(rs, k) == v.as_str() {
                continue;
            }
            set_annotation(rs, k, v.as_str().unwrap_or(""));
            changed = true;
        }
    }
    let old = annotation(rs, REVISION).map(String::from);
    let old_n: i64 = match &old {
        Some(s) => match s.parse() {
            Ok(n) => n,
            Err(_) => return false,
        },
        None => 0,
    };
    if old_n < revision {
        set_annotation(rs, REVISION, &revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = annotation(rs, REVISION_HISTORY).unwrap_or("").to_string();
            let joined = if history.is_empty() {
                old
            } else {
                format!("{history},{old}")
            };
            set_annotation(rs, REVISION_HISTORY, &joined);
        }
    }
    if !exists {
        set_annotation(rs, DESIRED, &dv.replicas.to_string());
        set_annotation(rs, MAX, &(dv.replicas + dv.max_surge).to_string());
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::{equal_ignoring_hash, HASH_LABEL};
    use crate::json;

    #[test]
    fn templates_that_differ_only_in_the_pod_template_hash_label_are_equal() {
        let deployment = json!({"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"image": "nginx:1.27", "name": "web"}]}});
        let mut replica_set = deployment.clone();
        replica_set["metadata"]["labels"][HASH_LABEL] = json!("6d4cf56db6");
        assert!(equal_ignoring_hash(&replica_set, &deployment));
        assert!(equal_ignoring_hash(&deployment, &replica_set));
        let mut other_image = replica_set.clone();
        other_image["spec"]["containers"][0]["image"] = json!("nginx:1.26");
        assert!(!equal_ignoring_hash(&other_image, &deployment));
        let mut other_label = replica_set.clone();
        other_label["metadata"]["labels"]["tier"] = json!("front");
        assert!(!equal_ignoring_hash(&other_label, &deployment));
        let mut annotated = deployment.clone();
        annotated["metadata"]["annotations"] = json!({"a": "b"});
        assert!(!equal_ignoring_hash(&annotated, &deployment));
        assert!(!equal_ignoring_hash(&json!({}), &deployment));
        assert!(equal_ignoring_hash(&json!(null), &json!(null)));
    }
}
