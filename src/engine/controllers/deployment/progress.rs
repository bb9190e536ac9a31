//! The Deployment's status and conditions (`sync.go` `calculateStatus`, `progress.go`
//! `syncRolloutStatus`, `deployment_util.go` condition helpers). Pure: the caller passes
//! the ReplicaSet views and the time.

use super::rolling::{DeployView, RsView};
use crate::engine::clock::Millis;
use crate::engine::time::{format_rfc3339, parse_rfc3339};
use crate::json;
use serde_json::Value;

pub const AVAILABLE: &str = "Available";
pub const PROGRESSING: &str = "Progressing";
pub const REPLICA_FAILURE: &str = "ReplicaFailure";
pub const NEW_RS_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const RS_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const PAUSED_REASON: &str = "DeploymentPaused";
pub const RESUMED_REASON: &str = "DeploymentResumed";

/// One `DeploymentCondition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_update: String,
    pub last_transition: String,
}

impl Condition {
    /// `NewDeploymentCondition`, stamped `now`.
    pub fn new(type_: &str, status: &str, reason: &str, message: String, now: Millis) -> Self {
        let t = format_rfc3339(now);
        Condition {
            type_: type_.into(),
            status: status.into(),
            reason: reason.into(),
            message,
            last_update: t.clone(),
            last_transition: t,
        }
    }

    pub fn from_json(v: &Value) -> Self {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        Condition {
            type_: s("type"),
            status: s("status"),
            reason: s("reason"),
            message: s("message"),
            last_update: s("lastUpdateTime"),
            last_transition: s("lastTransitionTime"),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "lastTransitionTime": self.last_transition,
            "lastUpdateTime": self.last_update,
            "message": self.message,
            "reason": self.reason,
            "status": self.status,
            "type": self.type_,
        })
    }
}

/// `DeploymentStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    pub observed_generation: i64,
    pub replicas: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
    pub unavailable: i64,
    pub collision_count: Option<i64>,
    pub conditions: Vec<Condition>,
}

impl Status {
    pub fn from_json(v: &Value) -> Self {
        let n = |k: &str| v[k].as_i64().unwrap_or(0);
        Status {
            observed_generation: n("observedGeneration"),
            replicas: n("replicas"),
            updated: n("updatedReplicas"),
            ready: n("readyReplicas"),
            available: n("availableReplicas"),
            unavailable: n("unavailableReplicas"),
            collision_count: v["collisionCount"].as_i64(),
            conditions: v["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(Condition::from_json)
                .collect(),
        }
    }

    /// The JSON the API server returns: zero-valued optional fields are omitted.
    pub fn to_json(&self) -> Value {
        let mut s = json!({});
        for (k, n) in [
            ("observedGeneration", self.observed_generation),
            ("replicas", self.replicas),
            ("updatedReplicas", self.updated),
            ("readyReplicas", self.ready),
            ("availableReplicas", self.available),
            ("unavailableReplicas", self.unavailable),
        ] {
            if n != 0 {
                s[k] = json!(n);
            }
        }
        if let Some(c) = self.collision_count {
            s["collisionCount"] = json!(c);
        }
        if !self.conditions.is_empty() {
            s["conditions"] =
                Value::Array(self.conditions.iter().map(Condition::to_json).collect());
        }
        s
    }

    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.type_ == type_)
    }

    /// `SetDeploymentCondition`: same status and reason → no change; same status keeps
    /// the transition time; the condition moves to the end.
    pub fn set_condition(&mut self, mut c: Condition) {
        if let Some(cur) = self.condition(&c.type_) {
            if cur.status == c.status && cur.reason == c.reason {
                return;
            }
            if cur.status == c.status {
                c.last_transition = cur.last_transition.clone();
            }
        }
        self.remove_condition(&c.type_.clone());
        self.conditions.push(c);
    }

    pub fn remove_condition(&mut self, type_: &str) {
        self.conditions.retain(|c| c.type_ != type_);
    }
}

/// `calculateStatus`: counts from the ReplicaSets (`spec` sums for unavailable, `status`
/// sums for the rest) and the Available condition.
pub fn calculate(
    d: &DeployView,
    generation: i64,
    all: &[&RsView],
    new: Option<&RsView>,
    previous: &Status,
    now: Millis,
) -> Status {
    let available: i64 = all.iter().map(|r| r.available).sum();
    let total: i64 = all.iter().map(|r| r.replicas).sum();
    let mut s = Status {
        observed_generation: generation,
        replicas: all.iter().map(|r| r.status_replicas).sum(),
        updated: new.map_or(0, |n| n.status_replicas),
        ready: all.iter().map(|r| r.ready).sum(),
        available,
        unavailable: (total - available).max(0),
        collision_count: previous.collision_count,
        conditions: previous.conditions.clone(),
    };
    if available >= d.replicas - d.max_unavailable {
        s.set_condition(Condition::new(
            AVAILABLE,
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            now,
        ));
    } else {
        s.set_condition(Condition::new(
            AVAILABLE,
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            now,
        ));
    }
    s
}

/// `DeploymentComplete`: every replica updated and available, and the spec observed.
pub fn complete(d: &DeployView, generation: i64, s: &Status) -> bool {
    s.updated == d.replicas
        && s.replicas == d.replicas
        && s.available == d.replicas
        && s.observed_generation >= generation
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods.
pub fn progressing(old: &Status, new: &Status) -> bool {
    new.updated > old.updated
        || (new.replicas - new.updated) < (old.replicas - old.updated)
        || new.ready > old.ready
        || new.available > old.available
}

/// `DeploymentTimedOut`: the Progressing condition was last updated more than
/// `progressDeadlineSeconds` ago.
pub fn timed_out(deadline_seconds: i64, s: &Status, now: Millis) -> bool {
    let Some(c) = s.condition(PROGRESSING) else {
        return false;
    };
    if c.reason == NEW_RS_AVAILABLE_REASON {
        return false;
    }
    if c.reason == TIMED_OUT_REASON {
        return true;
    }
    parse_rfc3339(&c.last_update).is_some_and(|from| from + deadline_seconds * 1000 < now)
}

/// `syncRolloutStatus` on top of `calculateStatus`: the Progressing condition
/// (complete / progressing / timed out) and ReplicaFailure copied from the ReplicaSets.
/// `failure` is the first ReplicaFailure condition of the new (else any) ReplicaSet.
#[allow(clippy::too_many_arguments)]
pub fn rollout_status(
    d: &DeployView,
    generation: i64,
    deadline_seconds: Option<i64>,
    all: &[&RsView],
    new: Option<&RsView>,
    previous: &Status,
    failure: Option<Condition>,
    now: Millis,
) -> Status {
    let mut s = calculate(d, generation, all, new, previous, now);
    let Some(deadline) = deadline_seconds else {
        s.remove_condition(PROGRESSING);
        return finish(s, failure);
    };
    let current = previous.condition(PROGRESSING).cloned();
    let is_complete = s.replicas == s.updated
        && current
            .as_ref()
            .is_some_and(|c| c.reason == NEW_RS_AVAILABLE_REASON);
    if !is_complete {
        let subject = match new {
            Some(n) => format!("ReplicaSet \"{}\"", n.name),
            None => format!("Deployment \"{}\"", d.name),
        };
        if complete(d, generation, &s) {
            s.set_condition(Condition::new(
                PROGRESSING,
                "True",
                NEW_RS_AVAILABLE_REASON,
                format!("{subject} has successfully progressed."),
                now,
            ));
        } else if progressing(previous, &s) {
            let mut c = Condition::new(
                PROGRESSING,
                "True",
                RS_UPDATED_REASON,
                format!("{subject} is progressing."),
                now,
            );
            if let Some(cur) = &current {
                if cur.status == "True" {
                    c.last_transition = cur.last_transition.clone();
                }
                s.remove_condition(PROGRESSING);
            }
            s.set_condition(c);
        } else if timed_out(deadline, &s, now) {
            s.set_condition(Condition::new(
                PROGRESSING,
                "False",
                TIMED_OUT_REASON,
                format!("{subject} has timed out progressing."),
                now,
            ));
        }
    }
    finish(s, failure)
}

fn finish(mut s: Status, failure: Option<Condition>) -> Status {
    match failure {
        Some(f) => s.set_condition(f),
        None => s.remove_condition(REPLICA_FAILURE),
    }
    s
}

/// `requeueStuckDeployment`: when to look again for a deadline (None: no need).
///
/// A condition still saying NewReplicaSetAvailable (a finished rollout only scaled since,
/// its new pods not available yet) never times out (`timed_out`): upstream requeues
/// such a Deployment rate-limited, again and again, each sync changing nothing until a
/// pod's change wakes it anyway; here it waits for that change.
pub fn recheck_at(
    d: &DeployView,
    generation: i64,
    deadline_seconds: Option<i64>,
    previous: &Status,
    new: &Status,
) -> Option<Millis> {
    let deadline = deadline_seconds?;
    let c = previous.condition(PROGRESSING)?;
    if complete(d, generation, new)
        || c.reason == TIMED_OUT_REASON
        || c.reason == NEW_RS_AVAILABLE_REASON
    {
        return None;
    }
    parse_rfc3339(&c.last_update).map(|from| from + deadline * 1000 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d3() -> DeployView {
        DeployView {
            name: "nginx".into(),
            replicas: 3,
            rolling: true,
            max_surge: 1,
            max_unavailable: 0,
            status_replicas: 3,
        }
    }

    fn rs(name: &str, replicas: i64, available: i64) -> RsView {
        RsView {
            name: name.into(),
            replicas,
            status_replicas: replicas,
            ready: available,
            available,
            ..RsView::default()
        }
    }

    /// A True Progressing condition with `reason`, last updated at time 0.
    fn progressing_at_0(reason: &str) -> Condition {
        Condition::new(PROGRESSING, "True", reason, "x".into(), 0)
    }

    #[test]
    fn a_finished_rollout_says_the_new_replica_set_successfully_progressed() {
        let new = rs("nginx-1", 3, 3);
        let s = rollout_status(
            &d3(),
            1,
            Some(600),
            &[&new],
            Some(&new),
            &Status::default(),
            None,
            0,
        );
        let p = s.condition(PROGRESSING).cloned();
        assert_eq!(
            p.as_ref().map(|c| c.reason.as_str()),
            Some(NEW_RS_AVAILABLE_REASON)
        );
        assert_eq!(
            p.map(|c| c.message),
            Some("ReplicaSet \"nginx-1\" has successfully progressed.".to_string())
        );
        assert_eq!(
            s.condition(AVAILABLE).map(|c| c.reason.as_str()),
            Some("MinimumReplicasAvailable")
        );
    }

    #[test]
    fn a_stalled_rollout_times_out_after_the_deadline() {
        let old = rs("nginx-1", 3, 3);
        let new = rs("nginx-2", 1, 0);
        let mut prev = Status::default();
        prev.set_condition(progressing_at_0(RS_UPDATED_REASON));
        let prev = calculate(&d3(), 1, &[&old, &new], Some(&new), &prev, 0);
        let s = rollout_status(
            &d3(),
            1,
            Some(600),
            &[&old, &new],
            Some(&new),
            &prev,
            None,
            600_000,
        );
        assert_eq!(
            s.condition(PROGRESSING).map(|c| c.reason.as_str()),
            Some(RS_UPDATED_REASON)
        );
        let s = rollout_status(
            &d3(),
            1,
            Some(600),
            &[&old, &new],
            Some(&new),
            &prev,
            None,
            601_000,
        );
        let p = s.condition(PROGRESSING).cloned();
        assert_eq!(p.as_ref().map(|c| c.status.as_str()), Some("False"));
        assert_eq!(
            p.map(|c| c.message),
            Some("ReplicaSet \"nginx-2\" has timed out progressing.".to_string())
        );
    }

    #[test]
    fn a_finished_rollout_scaled_up_waits_for_its_pods_not_the_clock() {
        // Scaled from 0 to 3 an hour after it finished: the deadline is long past, yet
        // NewReplicaSetAvailable never times out, so no sync is due until a pod changes.
        let new = rs("nginx-1", 3, 0);
        let mut prev = Status::default();
        prev.set_condition(progressing_at_0(NEW_RS_AVAILABLE_REASON));
        let prev = calculate(&d3(), 1, &[&new], Some(&new), &prev, 0);
        let later = 3_600_000;
        let s = rollout_status(&d3(), 1, Some(600), &[&new], Some(&new), &prev, None, later);
        assert_eq!(s, prev);
        assert_eq!(recheck_at(&d3(), 1, Some(600), &prev, &s), None);
        // A rollout under way is looked at again when its deadline passes.
        let mut updating = prev.clone();
        updating.remove_condition(PROGRESSING);
        updating.set_condition(progressing_at_0(RS_UPDATED_REASON));
        assert_eq!(
            recheck_at(&d3(), 1, Some(600), &updating, &updating),
            Some(600_001)
        );
    }

    #[test]
    fn status_json_omits_zero_counts() {
        let s = Status {
            observed_generation: 1,
            replicas: 1,
            ..Status::default()
        };
        assert_eq!(s.to_json(), json!({"observedGeneration": 1, "replicas": 1}));
    }
}
