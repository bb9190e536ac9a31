//! The node lifecycle controller's policy, pure: when a node that stopped renewing its
//! Lease counts as unreachable (`monitorNodeHealth`, on kube-controller-manager 1.34's
//! default timings), and which of its own taints a node should carry
//! (`taintNodeByCondition`, `processTaintBaseEviction`, the cordon taint).

use crate::engine::clock::Millis;

/// `--node-monitor-period`: how often the controller looks at every node's health.
pub const NODE_MONITOR_PERIOD_MS: Millis = 5_000;
/// `--node-monitor-grace-period` (50 s since 1.32): how long a node may go unheard of
/// before its conditions become Unknown.
pub const NODE_MONITOR_GRACE_PERIOD_MS: Millis = 50_000;
/// Where the monitor passes fall within each period (they do not coincide with the
/// kubelet's lease renewals).
const MONITOR_PHASE_MS: Millis = 2_500;

pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";

/// The first monitor pass after `t`.
fn next_pass_after(t: Millis) -> Millis {
    let since_phase = t - MONITOR_PHASE_MS;
    let passes = since_phase.div_euclid(NODE_MONITOR_PERIOD_MS) + 1;
    MONITOR_PHASE_MS + passes * NODE_MONITOR_PERIOD_MS
}

/// When the controller marks a node Unknown whose lease was last renewed at `renewed`:
/// a pass notices the renewal (the probe time), and the pass a grace period later finds
/// nothing newer.
pub fn unreachable_at(renewed: Millis) -> Millis {
    next_pass_after(renewed) + NODE_MONITOR_GRACE_PERIOD_MS
}

/// What the controller does about a node's health at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Heard from in time: nothing to do.
    Fine,
    /// Silent, but not yet for the grace period: look again then.
    WaitUntil(Millis),
    /// Silent for longer than the grace period: its conditions become Unknown.
    MarkUnknown,
}

/// `renewed`: the last lease renewal of a kubelet that stopped renewing (`None` while
/// it renews); `already_unknown`: its Ready condition is Unknown already.
pub fn health(renewed: Option<Millis>, already_unknown: bool, now: Millis) -> Health {
    match renewed {
        None => Health::Fine,
        Some(_) if already_unknown => Health::Fine,
        Some(r) if now >= unreachable_at(r) => Health::MarkUnknown,
        Some(r) => Health::WaitUntil(unreachable_at(r)),
    }
}

/// A taint the controller manages: (key, effect).
pub type Taint = (&'static str, &'static str);

/// What a node tells the controller about its taints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeFacts {
    pub cordoned: bool,
    /// Its Ready condition is Unknown.
    pub unreachable: bool,
    /// Every node of the cluster is unreachable: the controller takes it for a network
    /// partition of its own ("master disruption mode") and evicts nothing.
    pub all_unreachable: bool,
}

/// The controller-managed taints the node should carry.
pub fn wanted_taints(f: NodeFacts) -> Vec<Taint> {
    let mut wanted = Vec::new();
    if f.cordoned {
        wanted.push((UNSCHEDULABLE_TAINT, "NoSchedule"));
    }
    if f.unreachable {
        wanted.push((UNREACHABLE_TAINT, "NoSchedule"));
        if !f.all_unreachable {
            wanted.push((UNREACHABLE_TAINT, "NoExecute"));
        }
    }
    wanted
}

/// The taints this controller owns (any other taint on a node is left alone).
pub fn managed(key: &str, effect: &str) -> bool {
    key == UNSCHEDULABLE_TAINT && effect == "NoSchedule" || key == UNREACHABLE_TAINT
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_760_432_400_000;

    #[test]
    fn a_kubelet_that_keeps_renewing_its_lease_is_fine() {
        assert_eq!(health(None, false, T), Health::Fine);
    }

    #[test]
    fn a_silent_node_is_marked_unknown_one_grace_period_after_the_pass_that_saw_its_last_renewal() {
        let renewed = T;
        let at = unreachable_at(renewed);
        assert_eq!(at, T + 2_500 + 50_000);
        assert_eq!(health(Some(renewed), false, at - 1), Health::WaitUntil(at));
        assert_eq!(health(Some(renewed), false, at), Health::MarkUnknown);
    }

    #[test]
    fn a_node_that_stopped_between_renewals_goes_unknown_40_to_55_seconds_later() {
        for stopped_after_renewal in [0, 3_000, 9_999] {
            let stop = T + stopped_after_renewal;
            let silent_for = unreachable_at(T) - stop;
            assert!((40_000..=55_000).contains(&silent_for), "{silent_for}");
        }
    }

    #[test]
    fn a_node_already_unknown_is_not_marked_again() {
        assert_eq!(health(Some(T), true, T + 600_000), Health::Fine);
    }

    #[test]
    fn an_unreachable_node_is_tainted_against_scheduling_and_for_eviction() {
        let f = NodeFacts {
            cordoned: false,
            unreachable: true,
            all_unreachable: false,
        };
        assert_eq!(
            wanted_taints(f),
            vec![
                (UNREACHABLE_TAINT, "NoSchedule"),
                (UNREACHABLE_TAINT, "NoExecute")
            ]
        );
    }

    #[test]
    fn when_every_node_is_unreachable_nothing_is_evicted() {
        let f = NodeFacts {
            cordoned: false,
            unreachable: true,
            all_unreachable: true,
        };
        assert_eq!(wanted_taints(f), vec![(UNREACHABLE_TAINT, "NoSchedule")]);
    }

    #[test]
    fn a_cordoned_healthy_node_carries_only_the_unschedulable_taint() {
        let f = NodeFacts {
            cordoned: true,
            unreachable: false,
            all_unreachable: false,
        };
        assert_eq!(wanted_taints(f), vec![(UNSCHEDULABLE_TAINT, "NoSchedule")]);
        assert!(managed(UNREACHABLE_TAINT, "NoExecute"));
        assert!(!managed("dedicated", "NoSchedule"));
    }
}
