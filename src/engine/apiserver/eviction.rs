//! The pods/eviction subresource (`pkg/registry/core/pod/storage/eviction.go`): a
//! deletion that asks the pod's PodDisruptionBudget first. A pod that is not running
//! (pending, finished, already deleting) goes at once; otherwise the one budget
//! selecting it must allow a disruption, which the eviction spends (`disruptionsAllowed`
//! one less, the pod in `disruptedPods`) before the pod is deleted. A refusal is 429
//! Too Many Requests, which `kubectl drain` retries every 5 s.

use super::{meta_str, DeleteOptions};
use crate::engine::errors::ApiError;
use crate::engine::json::At;
use crate::engine::pod_facts::PodFacts;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::rc::Rc;

/// The refusal's message, whatever the budget's reason.
pub const VIOLATES_BUDGET: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

impl World {
    /// `EvictionREST.Create` for pod `namespace/name`.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<(), ApiError> {
        let pod = self
            .get("Pod", namespace, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found("pods", name))?;
        let facts = PodFacts::of(&pod);
        if can_ignore_budget(&pod, &facts) {
            return self.delete_evicted(namespace, name, options);
        }
        let budgets = budgets_of(self, &pod);
        let pdb = match budgets.as_slice() {
            [] => return self.delete_evicted(namespace, name, options),
            [one] => Rc::clone(one),
            _ => {
                return Err(ApiError::InternalError {
                    message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                })
            }
        };
        if !facts.ready {
            let always = pdb
                .at("/spec/unhealthyPodEvictionPolicy")
                .and_then(Value::as_str)
                == Some("AlwaysAllow");
            let count = |f: &str| {
                pdb.at(&format!("/status/{f}"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
            };
            let healthy_budget =
                count("currentHealthy") >= count("desiredHealthy") && count("desiredHealthy") > 0;
            if always || healthy_budget {
                return self.delete_evicted(namespace, name, options);
            }
        }
        self.check_and_decrement(&pdb, name)?;
        self.delete_evicted(namespace, name, options)
    }

    /// `checkAndDecrement`: the budget must be synced and allow a disruption; the
    /// eviction spends one and records the pod, so the next eviction sees it gone.
    fn check_and_decrement(&mut self, pdb: &Value, pod: &str) -> Result<(), ApiError> {
        let int = |p: &str| pdb.at(p).and_then(Value::as_i64).unwrap_or(0);
        if int("/status/observedGeneration") < int("/metadata/generation")
            || int("/status/disruptionsAllowed") <= 0
        {
            return Err(ApiError::TooManyRequests {
                message: VIOLATES_BUDGET.into(),
            });
        }
        let mut status = pdb["status"].clone();
        let allowed = int("/status/disruptionsAllowed") - 1;
        status["disruptionsAllowed"] = json!(allowed);
        if allowed == 0 {
            if let Some(c) = status["conditions"]
                .as_array_mut()
                .and_then(|cs| cs.iter_mut().find(|c| c["type"] == "DisruptionAllowed"))
            {
                if c["status"] != "False" {
                    c["lastTransitionTime"] = json!(format_rfc3339(self.now));
                }
                c["status"] = json!("False");
                c["reason"] = json!("InsufficientPods");
            }
        }
        if !status["disruptedPods"].is_object() {
            status["disruptedPods"] = json!({});
        }
        status["disruptedPods"][pod] = json!(format_rfc3339(self.now));
        self.update_status(
            "PodDisruptionBudget",
            meta_str(pdb, "namespace"),
            meta_str(pdb, "name"),
            status,
        );
        Ok(())
    }

    /// `addConditionAndDeletePod`: the pod says why it goes, then it is deleted.
    fn delete_evicted(
        &mut self,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<(), ApiError> {
        self.add_disruption_target(
            namespace,
            name,
            "EvictionByEvictionAPI",
            "Eviction API: evicting",
        );
        self.delete("Pod", namespace, name, options).map(|_| ())
    }
}

impl World {
    /// The `DisruptionTarget` condition a pod gets before an eviction deletes it (by the
    /// eviction API or the taint manager), unless it has one already.
    pub fn add_disruption_target(
        &mut self,
        namespace: &str,
        name: &str,
        reason: &str,
        message: &str,
    ) {
        let Some(pod) = self.get("Pod", namespace, name).cloned() else {
            return;
        };
        let mut status = pod["status"].clone();
        let mut conditions = status["conditions"].as_array().cloned().unwrap_or_default();
        if conditions.iter().any(|c| c["type"] == "DisruptionTarget") {
            return;
        }
        conditions.push(json!({
            "lastProbeTime": null,
            "lastTransitionTime": format_rfc3339(self.now),
            "message": message,
            "reason": reason,
            "status": "True",
            "type": "DisruptionTarget",
        }));
        status["conditions"] = json!(conditions);
        self.update_status("Pod", namespace, name, status);
    }
}

/// `canIgnorePDB`: a pod that is pending, finished or already deleting disrupts nothing.
fn can_ignore_budget(pod: &Value, facts: &PodFacts) -> bool {
    facts.finished
        || facts.deleting
        || pod.at("/status/phase").and_then(Value::as_str) == Some("Pending")
}

/// `getPodDisruptionBudgets`: the budgets of the pod's namespace selecting it.
fn budgets_of(w: &World, pod: &Value) -> Vec<Rc<Value>> {
    let labels = labels_of(pod);
    w.store
        .list("PodDisruptionBudget", Some(meta_str(pod, "namespace")))
        .filter(|pdb| {
            Selector::from_label_selector(pdb.at("/spec/selector").unwrap_or(&Value::Null))
                .is_ok_and(|s| s.matches(&labels))
        })
        .cloned()
        .collect()
}
