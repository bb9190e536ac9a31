//! HorizontalPodAutoscaler controller wiring (`horizontal.go`'s `reconcileAutoscaler`):
//! every 15 s (`--horizontal-pod-autoscaler-sync-period`) read the target's scale, ask
//! each metric for a replica count ([`replica_calculator`], over the usage metrics-server
//! serves: [`metrics`]), keep the highest, normalize it ([`normalize`]: stabilization,
//! rate limits, min and max), write it through the target's scale subresource, and write
//! the status with its conditions ([`status`]).

pub mod metrics;
pub mod normalize;
pub mod replica_calculator;
pub mod status;

use super::Action;
use crate::engine::apiserver::{meta_str, FieldManager};
use crate::engine::clock::{Millis, Timer};
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::kinds;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use normalize::{Bounds, Memory, Rules};
use replica_calculator::Proposal;
use serde_json::Value;
use std::collections::BTreeMap;

/// `--horizontal-pod-autoscaler-sync-period`: the work queue hands each HPA back this
/// long after it was last taken (its fixed-interval rate limiter), creation included.
pub const SYNC_PERIOD: Millis = 15_000;

const COMPONENT: &str = "horizontal-pod-autoscaler";

/// The controller's memory: per HPA key, its recommendations and scale events, and when
/// its next sync is due (one wake-up per period, whatever enqueued it).
#[derive(Debug, Clone, Default)]
pub struct Autoscalers {
    memory: BTreeMap<String, Memory>,
    due: BTreeMap<String, Millis>,
}

/// An HPA was added: its first sync comes one period later (`AddRateLimited`).
pub fn added(w: &mut World, key: String) {
    if w.autoscalers.due.get(&key).is_some_and(|at| *at >= w.now) {
        return;
    }
    let at = w.now + SYNC_PERIOD;
    w.autoscalers.due.insert(key.clone(), at);
    w.timers.schedule(
        at,
        Timer::Requeue {
            controller: super::Controller::HorizontalPodAutoscaler,
            key,
        },
    );
}

/// The scale subresource the HPA names: the target object, or the error its reads give.
fn scale_target(w: &World, hpa: &Value) -> Result<Value, String> {
    let r = hpa.at("/spec/scaleTargetRef").unwrap_or(&Value::Null);
    let api_version = r["apiVersion"].as_str().unwrap_or("");
    let kind = r["kind"].as_str().unwrap_or("");
    let name = r["name"].as_str().unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let info = kinds::by_kind(kind)
        .filter(|k| k.group == group)
        .ok_or_else(|| format!("no matches for kind \"{kind}\" in group \"{group}\""))?;
    if !matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        return Err("the server could not find the requested resource".into());
    }
    w.get(info.kind, meta_str(hpa, "namespace"), name)
        .map(|o| (**o).clone())
        .ok_or_else(|| format!("{} \"{name}\" not found", info.group_resource()))
}

/// One metric's outcome: a proposal with its status entry, or the condition's reason
/// and the error.
struct MetricResult {
    proposal: Result<(Proposal, Value, String), (&'static str, String)>,
}

/// `computeStatusForResourceMetric` (and its ContainerResource twin).
fn resource_metric(w: &World, spec: &Value, current: i64, pods: &[Value]) -> MetricResult {
    let ty = spec["type"].as_str().unwrap_or("");
    let container_metric = ty == "ContainerResource";
    let src = if container_metric {
        &spec["containerResource"]
    } else {
        &spec["resource"]
    };
    let resource = src["name"].as_str().unwrap_or("");
    let container = src["container"].as_str().unwrap_or("");
    let reason = if container_metric {
        "FailedGetContainerResourceMetric"
    } else {
        "FailedGetResourceMetric"
    };
    let target = &src["target"];
    let cpu = resource == "cpu";
    let now = w.now;
    let outcome = if let Some(avg) = target["averageValue"].as_str() {
        let target_milli = crate::engine::quantity::parse(avg, 1000.0).unwrap_or(1);
        metrics::pod_metrics(w, pods, resource, container)
            .map_err(|e| format!("unable to get metrics for resource {resource}: {e}"))
            .and_then(|m| {
                let facts = metrics::facts(pods, resource, container);
                replica_calculator::raw_resource_replicas(
                    current,
                    target_milli,
                    &facts,
                    m,
                    cpu,
                    now,
                )
            })
            .map(|p| (p, format!("{resource} resource")))
            .map_err(|e| format!("failed to get {resource} usage: {e}"))
    } else {
        let target_util = target["averageUtilization"].as_i64().unwrap_or(1).max(1);
        metrics::pod_metrics(w, pods, resource, container)
            .map_err(|e| format!("unable to get metrics for resource {resource}: {e}"))
            .and_then(|m| {
                let facts = metrics::facts(pods, resource, container);
                replica_calculator::resource_replicas(current, target_util, &facts, m, cpu, now)
            })
            .map(|p| {
                let what = if container_metric {
                    "container resource"
                } else {
                    "resource"
                };
                (
                    p,
                    format!("{resource} {what} utilization (percentage of request)"),
                )
            })
            .map_err(|e| format!("failed to get {resource} utilization: {e}"))
    };
    MetricResult {
        proposal: outcome
            .map(|(p, name)| {
                let st = status::metric_status(ty, resource, container, &p);
                (p, st, name)
            })
            .map_err(|e| (reason, e)),
    }
}

/// A metric the playground cannot measure: Pods, Object and External metrics come from
/// an adapter's custom or external metrics API, and the playground runs none.
fn unmeasured_metric(spec: &Value) -> MetricResult {
    let ty = spec["type"].as_str().unwrap_or("");
    let (reason, api) = match ty {
        "Pods" => ("FailedGetPodsMetric", "custom"),
        "Object" => ("FailedGetObjectMetric", "custom"),
        _ => ("FailedGetExternalMetric", "external"),
    };
    let field = match ty {
        "Pods" => "pods",
        "Object" => "object",
        _ => "external",
    };
    let name = spec[field]["metric"]["name"].as_str().unwrap_or("");
    MetricResult {
        proposal: Err((
            reason,
            format!("unable to get metric {name}: no {api} metrics API ({api}.metrics.k8s.io) registered"),
        )),
    }
}

/// The sync: `reconcileAutoscaler`.
#[inline(never)]
pub fn sync(w: &mut World, ns: &str, name: &str) -> Action {
    let key = super::key(ns, name);
    if w.autoscalers.due.get(&key).is_some_and(|at| *at > w.now) {
        // An earlier wake-up of a key whose period was restarted (deleted and created
        // again): the one already scheduled will sync it.
        return Action::skipped();
    }
    let Some(hpa) = w.get("HorizontalPodAutoscaler", ns, name).cloned() else {
        w.autoscalers.memory.remove(&key);
        w.autoscalers.due.remove(&key);
        return Action::skipped();
    };
    w.autoscalers.due.insert(key.clone(), w.now + SYNC_PERIOD);
    let hpa = (*hpa).clone();
    let now = w.now;
    let old_status = hpa.get("status").cloned().unwrap_or(json!({}));
    let mut conditions: Vec<Value> = old_status["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let rec = Recorder::new(COMPONENT, "HorizontalPodAutoscaler", &hpa);
    let target = match scale_target(w, &hpa) {
        Ok(t) => t,
        Err(e) => {
            rec.warning(w, "FailedGetScale", &e);
            status::set_condition(
                &mut conditions,
                "AbleToScale",
                false,
                "FailedGetScale",
                &format!("the HPA controller was unable to get the target's current scale: {e}"),
                now,
            );
            let mut st = old_status.clone();
            st["conditions"] = json!(conditions);
            w.update_status("HorizontalPodAutoscaler", ns, name, st);
            return Action::requeue(SYNC_PERIOD);
        }
    };
    status::set_condition(
        &mut conditions,
        "AbleToScale",
        true,
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
        now,
    );
    let current = target
        .at("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let memory = w.autoscalers.memory.entry(key.clone()).or_default();
    memory.record_initial(current, now);
    let spec = hpa.get("spec").cloned().unwrap_or(json!({}));
    let min = spec["minReplicas"].as_i64().unwrap_or(1);
    let max = spec["maxReplicas"].as_i64().unwrap_or(1);
    let mut desired;
    let mut reason = String::new();
    let mut metric_statuses: Option<Vec<Value>> = None;
    let rescale;
    if current == 0 && min != 0 {
        desired = 0;
        rescale = false;
        status::set_condition(
            &mut conditions,
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
            now,
        );
    } else if current > max {
        reason = "Current number of replicas above Spec.MaxReplicas".into();
        desired = max;
        rescale = desired != current;
    } else if current < min {
        reason = "Current number of replicas below Spec.MinReplicas".into();
        desired = min;
        rescale = desired != current;
    } else {
        let pods =
            metrics::selected_pods(w, ns, target.at("/spec/selector").unwrap_or(&Value::Null));
        let specs: Vec<Value> = spec["metrics"].as_array().cloned().unwrap_or_default();
        let mut statuses = Vec::new();
        let (mut best, mut best_name) = (0i64, String::new());
        let mut invalid = 0;
        let mut first_error: Option<(&'static str, String)> = None;
        for m in &specs {
            let r = match m["type"].as_str() {
                Some("Resource" | "ContainerResource") => resource_metric(w, m, current, &pods),
                _ => unmeasured_metric(m),
            };
            match r.proposal {
                Ok((p, st, metric_name)) => {
                    statuses.push(st);
                    if best == 0 || p.replicas > best {
                        best = p.replicas;
                        best_name = metric_name;
                    }
                }
                Err((why, e)) => {
                    statuses.push(json!({"type": ""}));
                    rec.warning(w, why, &e);
                    if first_error.is_none() {
                        reason = metric_error(m, &e);
                        first_error = Some((why, e));
                    }
                    invalid += 1;
                }
            }
        }
        if invalid > 0 && (invalid >= specs.len() || best < current) {
            let (why, e) = first_error.unwrap_or(("", String::new()));
            status::set_condition(
                &mut conditions,
                "ScalingActive",
                false,
                why,
                &format!("the HPA was unable to compute the replica count: {e}"),
                now,
            );
            let message = format!(
                "invalid metrics ({invalid} invalid out of {}), first error is: {reason}",
                specs.len()
            );
            let mut st = old_status.clone();
            st["conditions"] = json!(conditions);
            st["currentReplicas"] = json!(current);
            st["currentMetrics"] = json!(statuses);
            w.update_status("HorizontalPodAutoscaler", ns, name, st);
            rec.warning(w, "FailedComputeMetricsReplicas", &message);
            return Action::requeue(SYNC_PERIOD);
        }
        status::set_condition(
            &mut conditions,
            "ScalingActive",
            true,
            "ValidMetricFound",
            &format!("the HPA was able to successfully calculate a replica count from {best_name}"),
            now,
        );
        metric_statuses = Some(statuses);
        desired = 0;
        reason.clear();
        if best > desired {
            desired = best;
        }
        if desired > current {
            reason = format!("{best_name} above target");
        }
        if desired < current {
            reason = "All metrics below target".into();
        }
        let bounds = Bounds { current, min, max };
        let memory = w.autoscalers.memory.entry(key.clone()).or_default();
        let (normalized, conds) = match spec.get("behavior").filter(|b| b.is_object()) {
            None => memory.normalize(bounds, desired, now),
            Some(b) => {
                let up = Rules::from(&b["scaleUp"], 0);
                let down = Rules::from(&b["scaleDown"], normalize::DOWNSCALE_STABILIZATION);
                memory.normalize_with_behavior(bounds, &up, &down, desired, now)
            }
        };
        for (ty, ok, why, message) in conds {
            status::set_condition(&mut conditions, ty, ok, why, message, now);
        }
        let target_name = format!(
            "{} {}",
            target["kind"].as_str().unwrap_or(""),
            meta_str(&target, "name")
        );
        if let Some(line) = decision(
            &best_name,
            &target_name,
            current,
            desired,
            normalized,
            &conds,
        ) {
            rec.why(w, line);
        }
        desired = normalized;
        rescale = desired != current;
    }
    let mut last_scale = old_status.get("lastScaleTime").cloned();
    if rescale {
        let mut scaled = target.clone();
        scaled["spec"]["replicas"] = json!(desired);
        let scale = FieldManager {
            name: "kube-controller-manager",
            subresource: "scale",
        };
        match w.update_as(scaled, Some(&scale)) {
            Ok(_) => {
                status::set_condition(
                    &mut conditions,
                    "AbleToScale",
                    true,
                    "SucceededRescale",
                    &format!("the HPA controller was able to update the target scale to {desired}"),
                    now,
                );
                rec.normal(
                    w,
                    "SuccessfulRescale",
                    &format!("New size: {desired}; reason: {reason}"),
                );
                if let Some(b) = spec.get("behavior").filter(|b| b.is_object()) {
                    let side = if desired > current {
                        "scaleUp"
                    } else {
                        "scaleDown"
                    };
                    let rules = Rules::from(&b[side], normalize::DOWNSCALE_STABILIZATION);
                    if let Some(m) = w.autoscalers.memory.get_mut(&key) {
                        m.store_scale_event(&rules, current, desired, now);
                    }
                }
                last_scale = Some(json!(format_rfc3339(now)));
            }
            Err(e) => {
                rec.warning(
                    w,
                    "FailedRescale",
                    &format!("New size: {desired}; reason: {reason}; error: {e}"),
                );
                status::set_condition(
                    &mut conditions,
                    "AbleToScale",
                    false,
                    "FailedUpdateScale",
                    &format!("the HPA controller was unable to update the target scale: {e}"),
                    now,
                );
                desired = old_status["desiredReplicas"].as_i64().unwrap_or(0);
            }
        }
    } else {
        desired = current;
    }
    let mut st = json!({
        "currentReplicas": current,
        "desiredReplicas": desired,
        "currentMetrics": metric_statuses.map_or(Value::Null, |s| json!(s)),
        "conditions": conditions,
    });
    if let Some(t) = last_scale {
        st["lastScaleTime"] = t;
    }
    w.update_status("HorizontalPodAutoscaler", ns, name, st);
    Action::requeue(SYNC_PERIOD)
}

/// The why-log line of one sync's decision, in a learner's words: what the metrics ask
/// for and what the controller does about it (nothing when nothing changes or waits).
fn decision(
    metric: &str,
    target: &str,
    current: i64,
    proposed: i64,
    normalized: i64,
    conds: &[normalize::Condition; 2],
) -> Option<String> {
    let (_, _, able, able_message) = conds[0];
    let (_, limited, _, limit_message) = conds[1];
    let asks = format!("{metric} asks for {proposed} replica(s)");
    if normalized != current {
        let why = if limited {
            format!(" ({limit_message})")
        } else {
            String::new()
        };
        return Some(format!(
            "{asks}; scaling {target} from {current} to {normalized}{why}"
        ));
    }
    if proposed == current {
        return None;
    }
    let why = if able.ends_with("Stabilized") {
        able_message
    } else {
        limit_message
    };
    Some(format!("{asks}; {target} stays at {current}: {why}"))
}

/// `computeReplicasForMetric`'s wrapping of a metric's error.
fn metric_error(m: &Value, e: &str) -> String {
    match m["type"].as_str().unwrap_or("") {
        "Resource" => format!(
            "failed to get {} resource metric value: {e}",
            m["resource"]["name"].as_str().unwrap_or("")
        ),
        "ContainerResource" => format!(
            "failed to get {} container metric value: {e}",
            m["containerResource"]["container"].as_str().unwrap_or("")
        ),
        "Pods" => format!("failed to get pods metric value: {e}"),
        "Object" => format!("failed to get object metric value: {e}"),
        _ => format!(
            "failed to get {} external metric value: {e}",
            m["external"]["metric"]["name"].as_str().unwrap_or("")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPU: &str = "cpu resource utilization (percentage of request)";

    #[test]
    fn a_held_scale_down_says_it_waits_for_the_stabilization_window() {
        let mut m = Memory::default();
        m.record_initial(7, 0);
        let b = Bounds {
            current: 7,
            min: 1,
            max: 10,
        };
        let (n, conds) = m.normalize(b, 1, 60_000);
        let line = decision(CPU, "Deployment php-apache", 7, 1, n, &conds).unwrap();
        assert_eq!(line, "cpu resource utilization (percentage of request) asks for 1 replica(s); Deployment php-apache stays at 7: recent recommendations were higher than current one, applying the highest recent recommendation");
    }

    #[test]
    fn a_limited_scale_up_names_its_limit() {
        let mut m = Memory::default();
        m.record_initial(1, 0);
        let b = Bounds {
            current: 1,
            min: 1,
            max: 10,
        };
        let (n, conds) = m.normalize(b, 9, 15_000);
        let line = decision(CPU, "Deployment php-apache", 1, 9, n, &conds).unwrap();
        assert!(line.ends_with("scaling Deployment php-apache from 1 to 4 (the desired replica count is increasing faster than the maximum scale rate)"), "{line}");
        assert_eq!(
            decision(CPU, "Deployment php-apache", 4, 4, 4, &conds),
            None
        );
    }
}
