//! What controllers ask of every pod on every sync, read once when the pod is written.
//! The owner index keeps these beside each dependent pod, so a ReplicaSet sync over a
//! hundred pods reads a few fields instead of walking a hundred JSON trees (that walk
//! was most of the engine's time with 1,000 pods).

use super::clock::Millis;
use super::json::At;
use super::time::parse_rfc3339;
use serde_json::{Map, Value};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFacts {
    /// `metadata.deletionTimestamp` is set: the pod is Terminating.
    pub deleting: bool,
    /// Phase Succeeded or Failed: its containers will not run again.
    pub finished: bool,
    /// Phase Failed.
    pub failed: bool,
    /// Phase Running.
    pub running: bool,
    /// Condition Ready is True.
    pub ready: bool,
    /// When the Ready condition last turned True (`lastTransitionTime`), if it is True.
    pub ready_since: Option<Millis>,
    /// `spec.nodeName`, once the pod is bound.
    pub node: Option<Rc<str>>,
    /// The `controller-revision-hash` label (StatefulSet and DaemonSet revisions). The
    /// owner index interns it, so pods at one revision share one `Rc`.
    pub revision: Option<Rc<str>>,
    /// With a StatefulSet as controller: the ordinal in `<set>-<ordinal>` (`getOrdinal`),
    /// matched against the set name in the controller reference — the name of the set
    /// that reference's uid points at, since names never change.
    pub set_ordinal: Option<i64>,
    /// `metadata.labels`: selectors and the ReplicaSet's fully-labeled count match them
    /// without decoding the pod (the store keeps pods as text). The owner index interns
    /// them, so the pods of one template share one map.
    pub labels: Rc<Map<String, Value>>,
}

/// `getOrdinal`: the ordinal in a pod name `<set>-<ordinal>`.
pub fn get_ordinal(set_name: &str, pod_name: &str) -> Option<i64> {
    pod_name
        .strip_prefix(set_name)?
        .strip_prefix('-')?
        .parse()
        .ok()
        .filter(|o: &i64| *o >= 0)
}

fn statefulset_ordinal(pod: &Value) -> Option<i64> {
    let set = pod
        .at("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .filter(|r| r["kind"] == "StatefulSet")?;
    get_ordinal(set["name"].as_str()?, pod.at("/metadata/name")?.as_str()?)
}

impl PodFacts {
    pub fn of(pod: &Value) -> PodFacts {
        let phase = pod.at("/status/phase").and_then(Value::as_str);
        let ready_condition = pod
            .at("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
            .filter(|c| c["status"] == "True");
        PodFacts {
            deleting: pod.at("/metadata/deletionTimestamp").is_some(),
            finished: matches!(phase, Some("Succeeded" | "Failed")),
            failed: phase == Some("Failed"),
            running: phase == Some("Running"),
            ready: ready_condition.is_some(),
            ready_since: ready_condition
                .and_then(|c| c["lastTransitionTime"].as_str())
                .and_then(parse_rfc3339),
            node: pod
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map(Rc::from),
            revision: pod
                .at("/metadata/labels/controller-revision-hash")
                .and_then(Value::as_str)
                .map(Rc::from),
            set_ordinal: statefulset_ordinal(pod),
            labels: Rc::new(super::labels::labels(pod).clone()),
        }
    }

    /// `IsPodActive`: not finished and not being deleted.
    pub fn active(&self) -> bool {
        !self.finished && !self.deleting
    }

    /// `IsPodAvailable`: ready for longer than `min_ready_seconds`. `Err(at)` tells when it
    /// will be (the controller requeues then).
    pub fn available(&self, min_ready_seconds: i64, now: Millis) -> Result<(), Option<Millis>> {
        if !self.ready {
            return Err(None);
        }
        if min_ready_seconds <= 0 {
            return Ok(());
        }
        let Some(since) = self.ready_since else {
            return Err(None);
        };
        let until = since + min_ready_seconds * 1000;
        if until < now {
            Ok(())
        } else {
            Err(Some(until + 1))
        }
    }

    /// The pod carries revision `interned`, the owner index's shared `Rc` for that name
    /// (`OwnerIndex::revision_name`): a pointer comparison, valid for the facts the index
    /// holds, whose revisions it interned.
    pub fn at_revision(&self, interned: Option<&Rc<str>>) -> bool {
        self.revision
            .as_ref()
            .zip(interned)
            .is_some_and(|(r, i)| Rc::ptr_eq(r, i))
    }

    /// Adds the pod's (interned) revision to `seen` unless it is there: the handful of
    /// revisions some pod still runs, gathered in the pass over the pods.
    pub fn note_revision<'a>(&'a self, seen: &mut Vec<&'a Rc<str>>) {
        if let Some(r) = &self.revision {
            if !seen.iter().any(|s| Rc::ptr_eq(s, r)) {
                seen.push(r);
            }
        }
    }

    /// `isRunningAndReady` of the StatefulSet controller.
    pub fn running_and_ready(&self) -> bool {
        self.running && self.ready
    }
}

#[cfg(test)]
mod tests {
    use super::PodFacts;
    use crate::engine::time::parse_rfc3339;
    use serde_json::json;

    #[test]
    fn a_ready_running_pod_is_active_and_ready_since_its_condition_turned_true() {
        let f = PodFacts::of(&json!({"status": {"phase": "Running", "conditions": [
            {"type": "Initialized", "status": "True"},
            {"type": "Ready", "status": "True", "lastTransitionTime": "2025-10-14T09:00:05Z"}]}}));
        assert!(f.active() && f.running_and_ready());
        assert_eq!(f.ready_since, parse_rfc3339("2025-10-14T09:00:05Z"));
    }

    #[test]
    fn a_terminating_or_finished_pod_is_not_active() {
        let deleting = PodFacts::of(
            &json!({"metadata": {"deletionTimestamp": "2025-10-14T09:00:05Z"},
            "status": {"phase": "Running"}}),
        );
        let done = PodFacts::of(&json!({"status": {"phase": "Succeeded"}}));
        assert!(!deleting.active() && deleting.running);
        assert!(!done.active() && !done.ready);
    }

    #[test]
    fn availability_waits_for_min_ready_seconds() {
        let mut f = PodFacts::of(&json!({"status": {"phase": "Running"}}));
        (f.ready, f.ready_since) = (true, Some(0));
        assert_eq!(f.available(0, 0), Ok(()));
        assert_eq!(f.available(5, 3_000), Err(Some(5_001)));
        assert_eq!(f.available(5, 5_001), Ok(()));
    }

    #[test]
    fn a_false_ready_condition_is_not_ready() {
        let f = PodFacts::of(&json!({"status": {"phase": "Running", "conditions": [
            {"type": "Ready", "status": "False", "lastTransitionTime": "2025-10-14T09:00:05Z"}]}}));
        assert!(!f.ready && f.ready_since.is_none());
    }
}
