//! Deployment controller wiring (`deployment_controller.go` `syncDeployment`): claim the
//! ReplicaSets, then pause / scale / roll out (RollingUpdate or Recreate) and write the
//! status with its conditions. The policy is `rolling` (sizes) and `progress` (status and
//! conditions); the ReplicaSet writes and their Events are `sync`.

pub mod progress;
pub mod rolling;
pub mod sync;

use super::ownership::{controller_ref_to, owned};
use super::Action;
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::labels::{labels, selector_matches};
use crate::engine::world::World;
use crate::json;
use progress::{Condition, PAUSED_REASON, PROGRESSING, RESUMED_REASON, TIMED_OUT_REASON};
use rolling::RsView;
use serde_json::Value;
use std::rc::Rc;
use sync::{rs_view, Ctx};

#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(d) = w.get("Deployment", namespace, name).cloned() else {
        return Action::skipped();
    };
    let rss = claim_replica_sets(w, &d);
    let mut ctx = Ctx {
        d: (*d).clone(),
        rss: rss.iter().map(|r| (**r).clone()).collect(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    };
    if d.at("/metadata/deletionTimestamp").is_some() {
        let new = ctx.new_replica_set(w, false);
        deployment_status(w, &mut ctx, new);
        return Action::await_change();
    }
    check_paused_conditions(w, &mut ctx);
    let paused = ctx.d["spec"]["paused"].as_bool().unwrap_or(false);
    if paused || is_scaling_event(w, &mut ctx) {
        scale_only(w, &mut ctx, paused);
        return Action::await_change();
    }
    if ctx.d.at("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate") {
        rollout_recreate(w, &mut ctx)
    } else {
        rollout_rolling(w, &mut ctx)
    }
}

/// `getReplicaSetsForDeployment`: owned ReplicaSets that still match, plus adopted
/// orphans that match; owned ones that stopped matching are released.
fn claim_replica_sets(w: &mut World, d: &Value) -> Vec<Rc<Value>> {
    let uid = meta_str(d, "uid").to_string();
    let namespace = meta_str(d, "namespace").to_string();
    let selector = d.at("/spec/selector").cloned().unwrap_or(Value::Null);
    let deleting = d.at("/metadata/deletionTimestamp").is_some();
    let mut out = Vec::new();
    for rs in owned(w, &uid, "ReplicaSet") {
        if deleting || selector_matches(&selector, labels(&rs)) {
            out.push(rs);
            continue;
        }
        let mut copy = (*rs).clone();
        if let Some(refs) = copy
            .pointer_mut("/metadata/ownerReferences")
            .and_then(Value::as_array_mut)
        {
            refs.retain(|r| r["uid"] != uid.as_str());
        }
        let rs_name = meta_str(&copy, "name").to_string();
        w.write("ReplicaSet", copy);
        sync::recorder(d).why(
            w,
            format!("released {rs_name}: its labels no longer match the selector"),
        );
    }
    if deleting {
        return out;
    }
    let orphans: Vec<Rc<Value>> = w
        .store
        .list("ReplicaSet", Some(&namespace))
        .filter(|r| {
            super::controller_ref(r).is_none() && r.at("/metadata/deletionTimestamp").is_none()
        })
        .filter(|r| selector_matches(&selector, labels(r)))
        .cloned()
        .collect();
    for rs in orphans {
        let mut copy = (*rs).clone();
        let reference = controller_ref_to(d);
        match copy
            .pointer_mut("/metadata/ownerReferences")
            .and_then(Value::as_array_mut)
        {
            Some(refs) => refs.push(reference),
            None => copy["metadata"]["ownerReferences"] = json!([reference]),
        }
        let rs_name = meta_str(&copy, "name").to_string();
        out.push(w.write("ReplicaSet", copy));
        sync::recorder(d).why(
            w,
            format!("adopted {rs_name}: it had no owner and matches the selector"),
        );
    }
    out
}

/// `checkPausedConditions`: Progressing becomes Unknown `DeploymentPaused` /
/// `DeploymentResumed` when `spec.paused` flips (not after a timeout).
fn check_paused_conditions(w: &mut World, ctx: &mut Ctx) {
    if ctx.deadline().is_none() {
        return;
    }
    let cond = ctx.progressing();
    if cond.as_ref().is_some_and(|c| c.reason == TIMED_OUT_REASON) {
        return;
    }
    let paused_recorded = cond.as_ref().is_some_and(|c| c.reason == PAUSED_REASON);
    let paused = ctx.d["spec"]["paused"].as_bool().unwrap_or(false);
    let (reason, message, why) = if paused && !paused_recorded {
        (PAUSED_REASON, "Deployment is paused", "paused: template changes wait (no new ReplicaSet) until the Deployment is resumed; scaling still applies")
    } else if !paused && paused_recorded {
        (
            RESUMED_REASON,
            "Deployment is resumed",
            "resumed: the rollout continues with the current template",
        )
    } else {
        return;
    };
    ctx.set_condition(Condition::new(
        PROGRESSING,
        "Unknown",
        reason,
        message.into(),
        w.now,
    ));
    ctx.save(w);
    ctx.why(w, why.to_string());
}

/// Indices of the ReplicaSets other than `new`.
fn olds(ctx: &Ctx, new: Option<usize>) -> Vec<usize> {
    (0..ctx.rss.len()).filter(|i| Some(*i) != new).collect()
}

fn views(ctx: &Ctx, indices: &[usize]) -> Vec<RsView> {
    indices.iter().map(|i| rs_view(&ctx.rss[*i])).collect()
}

/// `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
fn is_scaling_event(w: &mut World, ctx: &mut Ctx) -> bool {
    // As in Go, finding the new ReplicaSet also keeps its revision annotations current.
    ctx.new_replica_set(w, false);
    let replicas = ctx.view().replicas;
    ctx.rss
        .iter()
        .map(rs_view)
        .any(|v| v.replicas > 0 && v.desired_annotation.is_some_and(|d| d != replicas))
}

/// `sync`: apply a change of `spec.replicas` (proportionally during a rollout), clean up
/// history when paused, and write the status.
fn scale_only(w: &mut World, ctx: &mut Ctx, paused: bool) {
    let new = ctx.new_replica_set(w, false);
    let old = olds(ctx, new);
    let old_views = views(ctx, &old);
    let new_view = new.map(|i| rs_view(&ctx.rss[i]));
    let old_refs: Vec<&RsView> = old_views.iter().collect();
    for step in rolling::scale(&ctx.view(), new_view.as_ref(), &old_refs) {
        if let Some(i) = ctx.index_of(&step.name) {
            ctx.scale(w, i, step.to, &step.why);
        }
    }
    if paused {
        if new.is_none() && !old.is_empty() {
            ctx.why(w, "paused: the pod template changed but no new ReplicaSet is created until `kubectl rollout resume`".into());
        }
        ctx.cleanup(w, &old);
    }
    deployment_status(w, ctx, new);
}

/// `syncDeploymentStatus`: counts and the Available condition only.
fn deployment_status(w: &mut World, ctx: &mut Ctx, new: Option<usize>) {
    let all = views(ctx, &(0..ctx.rss.len()).collect::<Vec<_>>());
    let all_refs: Vec<&RsView> = all.iter().collect();
    let new_view = new.map(|i| rs_view(&ctx.rss[i]));
    let generation = ctx.d["metadata"]["generation"].as_i64().unwrap_or(0);
    let prev = ctx.status();
    let s = progress::calculate(
        &ctx.view(),
        generation,
        &all_refs,
        new_view.as_ref(),
        &prev,
        w.now,
    );
    if s != prev {
        ctx.set_status(&s);
        ctx.save(w);
    }
}

/// `syncRolloutStatus`: counts, Available, Progressing and ReplicaFailure; asks to look
/// again when the progress deadline passes.
fn rollout_status(w: &mut World, ctx: &mut Ctx, new: Option<usize>) -> Action {
    let all = views(ctx, &(0..ctx.rss.len()).collect::<Vec<_>>());
    let all_refs: Vec<&RsView> = all.iter().collect();
    let new_view = new.map(|i| rs_view(&ctx.rss[i]));
    let failure = replica_failure(ctx, new);
    let generation = ctx.d["metadata"]["generation"].as_i64().unwrap_or(0);
    let prev = ctx.status();
    let dv = ctx.view();
    let deadline = ctx.deadline();
    let s = progress::rollout_status(
        &dv,
        generation,
        deadline,
        &all_refs,
        new_view.as_ref(),
        &prev,
        failure,
        w.now,
    );
    if s == prev {
        return match progress::recheck_at(&dv, generation, deadline, &prev, &s) {
            Some(at) => Action::requeue(at.max(w.now + 1) - w.now),
            None => Action::await_change(),
        };
    }
    let before = prev.condition(PROGRESSING).map(|c| c.reason.clone());
    let after = s.condition(PROGRESSING).cloned();
    if let Some(c) = after.filter(|c| Some(&c.reason) != before.as_ref()) {
        let text = match c.reason.as_str() {
            progress::NEW_RS_AVAILABLE_REASON => format!("rollout complete: {}", c.message),
            TIMED_OUT_REASON => format!(
                "{} No progress for progressDeadlineSeconds={}s; the rollout is not undone, it just reports Progressing=False",
                c.message,
                deadline.unwrap_or(0)
            ),
            _ => c.message.clone(),
        };
        ctx.why(w, text);
    }
    ctx.set_status(&s);
    ctx.save(w);
    Action::await_change()
}

/// `getReplicaFailures`: the new ReplicaSet's ReplicaFailure, else any old one's.
fn replica_failure(ctx: &Ctx, new: Option<usize>) -> Option<Condition> {
    let failure_of = |rs: &Value| {
        rs.at("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| c["type"] == progress::REPLICA_FAILURE))
            .map(|c| {
                let mut cond = Condition::from_json(c);
                cond.last_update = cond.last_transition.clone();
                cond
            })
    };
    new.and_then(|i| failure_of(&ctx.rss[i]))
        .or_else(|| ctx.rss.iter().find_map(failure_of))
}

/// `rolloutRolling`: grow the new ReplicaSet within maxSurge, else shrink old ones within
/// maxUnavailable, else (complete) clean up history.
fn rollout_rolling(w: &mut World, ctx: &mut Ctx) -> Action {
    let Some(new) = ctx.new_replica_set(w, true) else {
        return Action::await_change();
    };
    let dv = ctx.view();
    let all = views(ctx, &(0..ctx.rss.len()).collect::<Vec<_>>());
    let all_refs: Vec<&RsView> = all.iter().collect();
    let new_view = rs_view(&ctx.rss[new]);
    if let Some(step) = rolling::reconcile_new(&dv, &all_refs, &new_view) {
        if ctx.scale(w, new, step.to, &step.why) {
            return rollout_status(w, ctx, Some(new));
        }
    }
    let old = olds(ctx, Some(new));
    let old_views: Vec<RsView> = views(ctx, &old)
        .into_iter()
        .filter(|v| v.replicas > 0)
        .collect();
    let old_refs: Vec<&RsView> = old_views.iter().collect();
    let mut scaled = false;
    for step in rolling::reconcile_old(&dv, &old_refs, &new_view) {
        scaled |= ctx.scale_to(w, &step.name, step.to, &step.why);
    }
    if scaled {
        return rollout_status(w, ctx, Some(new));
    }
    let generation = ctx.d["metadata"]["generation"].as_i64().unwrap_or(0);
    if progress::complete(&dv, generation, &ctx.status()) {
        ctx.cleanup(w, &old);
    } else if !old_views.is_empty() || new_view.available < dv.replicas {
        let old_pods: i64 = old_views.iter().map(|v| v.replicas).sum();
        if old_pods == 0 {
            ctx.why(
                w,
                format!(
                    "waiting: {} has {} of {} pods available",
                    new_view.name, new_view.available, new_view.replicas
                ),
            );
        } else {
            ctx.why(w, format!(
            "waiting: {} has {} of {} pods available; old ReplicaSets keep {old_pods} pods because at least {} (replicas {} − maxUnavailable {}) must stay available and at most {} may exist (replicas + maxSurge {})",
            new_view.name, new_view.available, new_view.replicas,
            dv.replicas - dv.max_unavailable, dv.replicas, dv.max_unavailable,
            dv.replicas + dv.max_surge, dv.max_surge
        ));
        }
    }
    rollout_status(w, ctx, Some(new))
}

/// `oldPodsRunning`: old ReplicaSets still report pods, or any of their pods (even a
/// terminating one) is not yet Succeeded/Failed.
fn old_pods_running(w: &World, ctx: &Ctx, old: &[usize]) -> bool {
    if old
        .iter()
        .any(|i| rs_view(&ctx.rss[*i]).status_replicas > 0)
    {
        return true;
    }
    old.iter().any(|i| {
        owned(w, meta_str(&ctx.rss[*i], "uid"), "Pod")
            .iter()
            .any(|p| {
                !matches!(
                    p.at("/status/phase").and_then(Value::as_str),
                    Some("Succeeded" | "Failed")
                )
            })
    })
}

/// `rolloutRecreate`: scale every old ReplicaSet to 0, wait until their pods are gone,
/// then create / scale up the new one.
fn rollout_recreate(w: &mut World, ctx: &mut Ctx) -> Action {
    let mut new = ctx.new_replica_set(w, false);
    let old = olds(ctx, new);
    let mut scaled = false;
    for i in &old {
        let v = rs_view(&ctx.rss[*i]);
        if v.replicas > 0 {
            let why = format!("{} scaled down from {} to 0: the Recreate strategy removes every old pod before any new one starts", v.name, v.replicas);
            scaled |= ctx.scale(w, *i, 0, &why);
        }
    }
    if scaled {
        return rollout_status(w, ctx, new);
    }
    if old_pods_running(w, ctx, &old) {
        ctx.why(
            w,
            "waiting: Recreate starts new pods only after every old pod is gone".into(),
        );
        return rollout_status(w, ctx, new);
    }
    if new.is_none() {
        new = ctx.new_replica_set(w, true);
    }
    let Some(n) = new else {
        return Action::await_change();
    };
    let replicas = ctx.view().replicas;
    let v = rs_view(&ctx.rss[n]);
    if v.replicas != replicas {
        let why = format!("{} scaled from {} to {replicas}: all old pods are gone, so Recreate starts the new ones", v.name, v.replicas);
        ctx.scale(w, n, replicas, &why);
    }
    let generation = ctx.d["metadata"]["generation"].as_i64().unwrap_or(0);
    if progress::complete(&ctx.view(), generation, &ctx.status()) {
        let old = olds(ctx, new);
        ctx.cleanup(w, &old);
    }
    rollout_status(w, ctx, new)
}
