//! The node lifecycle controller's writes to pods: `MarkPodsNotReady`.

use crate::engine::apiserver::meta_str;
use crate::engine::controllers::Controller;
use crate::engine::events::Recorder;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::rc::Rc;

/// Every pod on the unreachable node whose Ready condition is True gets Ready=False (only
/// that condition: the containers' own statuses are the kubelet's, which cannot be
/// asked) and a Warning `NodeNotReady` Event.
pub fn mark_pods_not_ready(w: &mut World, node: &str) {
    let pods: Vec<Rc<Value>> = w.store.pods_on_node(node).cloned().collect();
    let now = format_rfc3339(w.now);
    for pod in pods {
        let mut status = pod["status"].clone();
        let Some(ready) = status["conditions"]
            .as_array_mut()
            .and_then(|cs| cs.iter_mut().find(|c| c["type"] == "Ready"))
        else {
            continue;
        };
        if ready["status"] == "False" {
            continue;
        }
        ready["status"] = json!("False");
        ready["lastTransitionTime"] = json!(now);
        let (ns, name) = (meta_str(&pod, "namespace"), meta_str(&pod, "name"));
        let Some(stored) = w.update_status("Pod", ns, name, status) else {
            continue;
        };
        let rec = Recorder::new("node-controller", "Pod", &stored)
            .why_as(Controller::NodeLifecycle.name());
        rec.warning(w, "NodeNotReady", "Node is not ready");
        rec.why(
            w,
            format!("{name} runs on the unreachable node {node}: nobody can tell whether it still serves, so it is marked not ready and leaves its Services' endpoints"),
        );
    }
}
