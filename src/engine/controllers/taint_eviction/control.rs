//! The taint-eviction controller's policy, pure: how long a pod may stay on a node with
//! `NoExecute` taints (`processPodOnNode`, `getMinTolerationTime`).

use crate::engine::clock::Millis;
use crate::engine::scheduler::tolerates;
use serde_json::Value;

/// What the node's `NoExecute` taints mean for one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stay {
    /// No `NoExecute` taint: nothing is scheduled (a scheduled eviction is cancelled).
    Untainted,
    /// Every taint is tolerated without `tolerationSeconds`: the pod stays for good.
    Forever,
    /// Every taint is tolerated, the shortest toleration for this long.
    For(Millis),
    /// A taint is not tolerated: evict now.
    NotTolerated,
}

/// `tolerations` of the pod against the node's `NoExecute` `taints`.
pub fn stay(tolerations: &[Value], taints: &[Value]) -> Stay {
    if taints.is_empty() {
        return Stay::Untainted;
    }
    let mut used: Vec<&Value> = Vec::new();
    for taint in taints {
        match tolerations.iter().find(|t| tolerates(t, taint)) {
            Some(t) => used.push(t),
            None => return Stay::NotTolerated,
        }
    }
    let seconds = used
        .iter()
        .filter_map(|t| t.get("tolerationSeconds").and_then(Value::as_i64))
        .min();
    match seconds {
        None => Stay::Forever,
        Some(s) if s <= 0 => Stay::For(0),
        Some(s) => Stay::For(s * 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn unreachable() -> Value {
        json!({"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2025-10-14T09:00:00Z"})
    }

    fn default_tolerations() -> Vec<Value> {
        vec![
            json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}),
            json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}),
        ]
    }

    #[test]
    fn a_pod_with_the_default_tolerations_stays_five_minutes_on_an_unreachable_node() {
        assert_eq!(
            stay(&default_tolerations(), &[unreachable()]),
            Stay::For(300_000)
        );
    }

    #[test]
    fn a_daemon_pod_tolerates_an_unreachable_node_forever() {
        let daemon = [
            json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}),
        ];
        assert_eq!(stay(&daemon, &[unreachable()]), Stay::Forever);
    }

    #[test]
    fn a_pod_without_a_matching_toleration_is_evicted_at_once() {
        let taint = json!({"key": "dedicated", "value": "gpu", "effect": "NoExecute"});
        assert_eq!(stay(&default_tolerations(), &[taint]), Stay::NotTolerated);
    }

    #[test]
    fn a_node_without_no_execute_taints_evicts_nobody() {
        assert_eq!(stay(&default_tolerations(), &[]), Stay::Untainted);
    }

    #[test]
    fn the_shortest_of_the_tolerations_used_counts_and_zero_means_now() {
        let mut tols = default_tolerations();
        tols[1]["tolerationSeconds"] = json!(60);
        assert_eq!(stay(&tols, &[unreachable()]), Stay::For(60_000));
        tols[1]["tolerationSeconds"] = json!(0);
        assert_eq!(stay(&tols, &[unreachable()]), Stay::For(0));
    }
}
