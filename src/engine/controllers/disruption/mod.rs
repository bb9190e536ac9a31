//! The disruption controller (k/k `pkg/controller/disruption`), for one
//! PodDisruptionBudget: it counts the pods the budget selects, resolves how many it
//! expects (the pods, or their controllers' scale for a percentage or `maxUnavailable`),
//! and writes the status the eviction API reads — `disruptionsAllowed` above all, and the
//! `DisruptionAllowed` condition. A budget is synced when it changes and when one of its
//! pods does (a pod reports to the first budget selecting it, [`budget_for_pod`]).
//! The arithmetic is [`control`]'s.

pub mod control;

use super::{controller_ref, Action};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::time::{format_rfc3339, parse_rfc3339};
use crate::engine::world::World;
use crate::json;
use control::{Bound, Budget, Scale, SelectedPod};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The component its Events carry: the controller manager's shared recorder.
const COMPONENT: &str = "controllermanager";
/// The name its why-log lines carry.
const WHY: &str = "disruption-controller";

fn recorder(pdb: &Value) -> Recorder<'_> {
    Recorder::new(COMPONENT, "PodDisruptionBudget", pdb).why_as(WHY)
}

/// `getPdbForPod`: the budget a pod's changes wake — the first (by name) of those in its
/// namespace whose selector matches it, with a Warning on the pod when several do.
pub fn budget_for_pod(w: &mut World, namespace: &str, pod: &Value) -> Option<String> {
    if w.store.count("PodDisruptionBudget", Some(namespace)) == 0 {
        return None;
    }
    let labels = labels_of(pod);
    let matching: Vec<String> = w
        .store
        .list("PodDisruptionBudget", Some(namespace))
        .filter(|pdb| {
            Selector::from_label_selector(pdb.at("/spec/selector").unwrap_or(&Value::Null))
                .is_ok_and(|s| s.matches(&labels))
        })
        .map(|pdb| meta_str(pdb, "name").to_string())
        .collect();
    let first = matching.first()?.clone();
    if matching.len() > 1 {
        let msg = format!(
            "Pod {:?}/{:?} matches multiple PodDisruptionBudgets.  Chose {first:?} arbitrarily.",
            namespace,
            meta_str(pod, "name")
        );
        Recorder::new(COMPONENT, "Pod", pod).why_as(WHY).warning(
            w,
            "MultiplePodDisruptionBudgets",
            &msg,
        );
    }
    Some(first)
}

/// `sync`/`trySync` for one budget.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str, name: &str) -> Action {
    let Some(pdb) = w.get("PodDisruptionBudget", namespace, name).cloned() else {
        return Action::skipped();
    };
    let pods = selected_pods(w, &pdb);
    if pods.is_empty() {
        recorder(&pdb).normal(w, "NoPods", "No matching pods found");
    }
    let spec = pdb.get("spec").unwrap_or(&Value::Null);
    let budget = Budget {
        min_available: spec.get("minAvailable").and_then(Bound::parse),
        max_unavailable: spec.get("maxUnavailable").and_then(Bound::parse),
    };
    let expected = match control::expected(budget, &pods) {
        Ok(e) => e,
        Err(err) => {
            recorder(&pdb).warning(
                w,
                "CalculateExpectedPodCountFailed",
                &format!("Failed to calculate the number of expected pods: {err}"),
            );
            fail_safe(w, &pdb, &err);
            return Action::retry_if(true);
        }
    };
    if !expected.unmanaged.is_empty() {
        recorder(&pdb).warning(w, "UnmanagedPods", &format!(
            "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
            go_selector_string(spec.get("selector").unwrap_or(&Value::Null))
        ));
    }
    let now = w.now;
    let recorded = recorded_disruptions(&pdb);
    let disrupted = control::disrupted(&recorded, &pods, now);
    for pod_name in &disrupted.overdue {
        if let Some(pod) = w.get("Pod", namespace, pod_name).cloned() {
            Recorder::new(COMPONENT, "Pod", &pod).why_as(WHY).warning(
                w,
                "NotDeleted",
                // The real message names the namespace twice (its own slip, kept).
                &format!(
                    "Pod was expected by PDB {namespace}/{namespace} to be deleted but it wasn't"
                ),
            );
        }
    }
    let healthy = control::current_healthy(&pods, &disrupted.pending, now);
    let allowed = control::disruptions_allowed(healthy, expected.desired_healthy, expected.count);
    let generation = pdb
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let old = pdb.get("status").cloned().unwrap_or(json!({}));
    let mut status = json!({
        "currentHealthy": healthy,
        "desiredHealthy": expected.desired_healthy,
        "expectedPods": expected.count,
        "disruptionsAllowed": allowed,
        "observedGeneration": generation,
    });
    if !disrupted.pending.is_empty() {
        let map: Map<String, Value> = disrupted
            .pending
            .iter()
            .map(|(pod, at)| (pod.clone(), json!(format_rfc3339(*at))))
            .collect();
        status["disruptedPods"] = Value::Object(map);
    }
    let (ok, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    status["conditions"] = set_condition(&old, ok, reason, "", Some(generation), now);
    if status != old {
        let before = old["disruptionsAllowed"].as_i64().unwrap_or(0);
        w.update_status("PodDisruptionBudget", namespace, name, status);
        if before != allowed || old.get("observedGeneration").is_none() {
            recorder(&pdb).why(
                w,
                format!(
                    "{name}: {healthy} of {} expected pods healthy, {} must stay: {allowed} disruption(s) allowed",
                    expected.count, expected.desired_healthy
                ),
            );
        }
    }
    match disrupted.recheck_at {
        Some(at) => Action::requeue((at - now).max(0)),
        None => Action::await_change(),
    }
}

/// `failSafe`: when the expected count cannot be known, allow no disruption and say why.
fn fail_safe(w: &mut World, pdb: &Value, err: &str) {
    let old = pdb.get("status").cloned().unwrap_or(json!({}));
    let mut status = old.clone();
    status["disruptionsAllowed"] = json!(0);
    let observed = old.get("observedGeneration").and_then(Value::as_i64);
    status["conditions"] = set_condition(&old, "False", "SyncFailed", err, observed, w.now);
    if status != old {
        recorder(pdb).why(
            w,
            format!(
                "{}: cannot count the expected pods ({err}); no disruption allowed",
                meta_str(pdb, "name")
            ),
        );
        w.update_status(
            "PodDisruptionBudget",
            meta_str(pdb, "namespace"),
            meta_str(pdb, "name"),
            status,
        );
    }
}

/// `meta.SetStatusCondition` on the `DisruptionAllowed` condition: the transition time
/// moves only when the status does (as the HPA's `setConditionInList`), and the
/// generation it was computed for is kept beside it.
fn set_condition(
    old_status: &Value,
    status: &str,
    reason: &str,
    message: &str,
    observed_generation: Option<i64>,
    now: Millis,
) -> Value {
    let mut conditions: Vec<Value> = old_status["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ty = "DisruptionAllowed";
    super::podautoscaler::status::set_condition(
        &mut conditions,
        ty,
        status == "True",
        reason,
        message,
        now,
    );
    if let Some(c) = conditions
        .iter_mut()
        .find(|c| c["type"] == ty)
        .and_then(Value::as_object_mut)
    {
        match observed_generation.filter(|g| *g != 0) {
            Some(g) => {
                c.insert("observedGeneration".into(), json!(g));
            }
            None => {
                c.remove("observedGeneration");
            }
        }
    }
    Value::Array(conditions)
}

/// `status.disruptedPods`, as times.
fn recorded_disruptions(pdb: &Value) -> BTreeMap<String, Millis> {
    pdb.at("/status/disruptedPods")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(pod, at)| Some((pod.clone(), parse_rfc3339(at.as_str()?)?)))
        .collect()
}

/// `getPodsForPdb` with what the policy asks of each pod. A missing selector selects
/// nothing, an empty one every pod of the namespace.
fn selected_pods(w: &World, pdb: &Value) -> Vec<SelectedPod> {
    let namespace = meta_str(pdb, "namespace");
    let Ok(selector) =
        Selector::from_label_selector(pdb.at("/spec/selector").unwrap_or(&Value::Null))
    else {
        return Vec::new();
    };
    let pods: Vec<Rc<Value>> = w
        .store
        .list("Pod", Some(namespace))
        .filter(|p| selector.matches(&labels_of(p)))
        .cloned()
        .collect();
    pods.iter()
        .map(|pod| {
            let facts = crate::engine::pod_facts::PodFacts::of(pod);
            SelectedPod {
                name: meta_str(pod, "name").to_string(),
                deleting: facts.deleting,
                ready: facts.ready,
                scale: controller_ref(pod).map(|r| scale_of(w, namespace, r)),
            }
        })
        .collect()
}

/// The finders (`getPodReplicaSet`, `getPodDeployment`, `getPodStatefulSet`, then the
/// scale subresource): the workload whose `spec.replicas` the pod counts against.
fn scale_of(w: &World, namespace: &str, reference: &Value) -> Scale {
    let kind = reference["kind"].as_str().unwrap_or("");
    let name = reference["name"].as_str().unwrap_or("");
    let uid = reference["uid"].as_str().unwrap_or("");
    let owner = w
        .get(kind, namespace, name)
        .filter(|o| meta_str(o, "uid") == uid);
    let replicas = |o: &Value| o.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    match kind {
        "ReplicaSet" | "StatefulSet" | "Deployment" => {
            let Some(owner) = owner else {
                return Scale::Missing;
            };
            // A Deployment's ReplicaSets count as the Deployment (its uid, its scale).
            let deployment = (kind == "ReplicaSet")
                .then(|| controller_ref(owner))
                .flatten()
                .filter(|r| r["kind"] == "Deployment")
                .and_then(|r| {
                    w.get("Deployment", namespace, r["name"].as_str().unwrap_or(""))
                        .filter(|d| meta_str(d, "uid") == r["uid"].as_str().unwrap_or(""))
                });
            let counted = deployment.unwrap_or(owner);
            Scale::Of {
                uid: meta_str(counted, "uid").to_string(),
                replicas: replicas(counted),
            }
        }
        _ => match crate::engine::kinds::by_kind(kind) {
            Some(info) => Scale::NotScalable(info.group_resource()),
            None => Scale::Missing,
        },
    }
}

/// A LabelSelector as Go's generated `String()` prints it (the `UnmanagedPods` Event).
fn go_selector_string(sel: &Value) -> String {
    if sel.is_null() {
        return "nil".into();
    }
    let labels: String = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
        .collect();
    let exprs: String = sel["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let values: Vec<&str> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                e["key"].as_str().unwrap_or(""),
                e["operator"].as_str().unwrap_or(""),
                values.join(" ")
            )
        })
        .collect();
    format!("&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
}
