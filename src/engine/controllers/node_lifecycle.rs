//! What the node lifecycle and taint-eviction controllers do when a Node changes:
//!
//! - a cordoned node (`spec.unschedulable: true`) carries the taint
//!   `node.kubernetes.io/unschedulable:NoSchedule`, removed again on uncordon
//!   (k/k `pkg/controller/nodelifecycle`, `taintNodeByCondition`);
//! - pods on a node with a `NoExecute` taint they do not tolerate are deleted
//!   (k/k `pkg/controller/tainteviction`), with the event
//!   `TaintManagerEviction  Marking for deletion Pod ⟨ns⟩/⟨name⟩`.
//!
//! Simplified: a toleration with `tolerationSeconds` is treated as tolerating for good.

use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::scheduler::tolerates;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// The NoExecute taints of `node` that `pod` does not tolerate.
fn evicting_taint(pod: &Value, node: &Value) -> Option<Value> {
    let tolerations = pod
        .at("/spec/tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    node.at("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t["effect"] == "NoExecute")
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
        .cloned()
}

pub fn sync(w: &mut World, name: &str) {
    let Some(node) = w.get("Node", "", name).cloned() else {
        return;
    };
    let cordoned = node.at("/spec/unschedulable").and_then(Value::as_bool) == Some(true);
    let taints: Vec<Value> = node
        .at("/spec/taints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has = taints.iter().any(|t| t["key"] == UNSCHEDULABLE_TAINT);
    if cordoned != has {
        let mut next: Vec<Value> = taints
            .into_iter()
            .filter(|t| t["key"] != UNSCHEDULABLE_TAINT)
            .collect();
        if cordoned {
            next.push(json!({"effect": "NoSchedule", "key": UNSCHEDULABLE_TAINT, "timeAdded": crate::engine::time::format_rfc3339(w.now)}));
        }
        let mut obj = (*node).clone();
        if next.is_empty() {
            if let Some(spec) = obj["spec"].as_object_mut() {
                spec.remove("taints");
            }
        } else {
            obj["spec"]["taints"] = json!(next);
        }
        w.write("Node", obj);
        return;
    }
    let victims: Vec<(String, String, Value)> = w
        .store
        .list("Pod", None)
        .filter(|p| p.at("/spec/nodeName").and_then(Value::as_str) == Some(name))
        .filter(|p| p.at("/metadata/deletionTimestamp").is_none())
        .filter_map(|p| {
            evicting_taint(p, &node).map(|t| {
                (
                    meta_str(p, "namespace").to_string(),
                    meta_str(p, "name").to_string(),
                    t,
                )
            })
        })
        .collect();
    for (ns, pod_name, taint) in victims {
        let Some(pod) = w.get("Pod", &ns, &pod_name).cloned() else {
            continue;
        };
        let rec = Recorder::new("taint-eviction-controller", "Pod", &pod);
        rec.normal(
            w,
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {ns}/{pod_name}"),
        );
        rec.why(
            w,
            format!(
                "{pod_name} does not tolerate the taint {}={}:NoExecute on {name}, so it is evicted",
                taint["key"].as_str().unwrap_or(""),
                taint["value"].as_str().unwrap_or("")
            ),
        );
        let _ = w.delete("Pod", &ns, &pod_name, DeleteOptions::default());
    }
}
