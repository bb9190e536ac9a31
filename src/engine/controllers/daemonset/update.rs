//! The DaemonSet's rolling update (`update.go` `rollingUpdate`): replace pods at an old
//! revision node by node, within `maxUnavailable` (maxSurge 0: delete first, the next
//! sync creates) or `maxSurge` (create first, delete the old pod once its replacement is
//! available). Pure: it reads the pods grouped by node and adds to the sync's diff.
//!
//! Assumptions / Invariants:
//! - It runs only when placement found nothing to create or delete, so every eligible
//!   node has one healthy pod, or, surging, its oldest pod plus pods at the update
//!   revision.
//! - A pod is available when it is Running and Ready and not terminating; a node is
//!   unavailable when none of its pods is.
//! - An old pod that is not available is deleted at once, in both modes: replacing it
//!   costs no availability.
//! - maxSurge 0: an available old pod is deleted only while fewer than `maxUnavailable`
//!   nodes are unavailable, counting the ones this sync empties; `maxUnavailable` is at
//!   least 1 here, or nothing could ever be replaced. Which candidates go first is drawn
//!   from the seeded RNG.
//! - maxSurge > 0: a new pod starts beside an available old one on at most `maxSurge`
//!   nodes at once, and the old one is deleted only when a pod at the update revision on
//!   its node is available; `maxUnavailable` plays no part.
//! - Nodes that keep their pods without taking new ones (`kept`) get no replacement:
//!   with maxSurge 0 their old pods go within the budget like the others; surging, an
//!   old available pod stays there, since no new pod can start beside it.

use super::control::{Diff, NodePods};
use crate::engine::clock::Rng;
use crate::engine::controllers::ownership::PodRef;
use crate::engine::json::At;
use serde_json::Value;
use std::rc::Rc;

/// `intstr.GetScaledValueFromIntOrPercent`: a count, or a percentage of `total`.
fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) if s.ends_with('%') => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// The update surges (`maxSurge` > 0): new pods start beside old ones.
pub fn surge_enabled(ds: &Value) -> bool {
    int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
        1,
        true,
    ) > 0
}

/// Running and Ready, and not terminating.
fn is_available(p: &PodRef) -> bool {
    p.facts.running_and_ready() && !p.facts.deleting
}

/// maxSurge 0: old available pods the rolling update may replace within
/// `maxUnavailable`, as (pod, node position), borrowed for one sync.
pub struct Replacements<'a> {
    candidates: Vec<(&'a str, usize)>,
    /// How many of them may go now, and the `maxUnavailable` that allows it.
    budget: i64,
    max_unavailable: i64,
}

/// maxSurge 0: deletes old pods that are not available, and returns the available ones
/// the budget decides about (`order_replacements`); the next sync creates the
/// replacement on each emptied node. maxSurge > 0: creates new pods beside old available
/// ones within `maxSurge`, and deletes old pods whose replacement is available.
pub fn rolling_update<'a>(
    ds: &Value,
    by_node: &NodePods<'a>,
    eligible: &[bool],
    kept: &[usize],
    hash_id: Option<&Rc<str>>,
    diff: &mut Diff,
) -> Option<Replacements<'a>> {
    let total = eligible.iter().filter(|e| **e).count() as i64;
    let surge = surge_enabled(ds);
    let max_unavailable = int_or_percent(
        ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
        total,
        false,
    )
    .max(if surge { 0 } else { 1 });
    let mut unavailable = 0;
    let mut old_available: Vec<(&str, usize)> = Vec::new();
    let eligible_nodes = (0..eligible.len()).filter(|i| eligible[*i]);
    for i in eligible_nodes.chain(kept.iter().copied()) {
        let node = &*by_node.table.nodes[i].name;
        let pods = by_node.on(i);
        let new_ok = pods
            .iter()
            .any(|p| p.facts.at_revision(hash_id) && is_available(p));
        if !pods.iter().any(is_available) {
            unavailable += 1;
        }
        for p in pods {
            if p.facts.at_revision(hash_id) || p.facts.deleting {
                continue;
            }
            let pname = p.name;
            if !is_available(p) {
                diff.delete.push((pname.to_string(), format!("{pname} on {node} is at an old revision and not available; replacing it does not cost availability")));
            } else if new_ok && surge {
                diff.delete.push((pname.to_string(), format!("{pname} on {node} is at an old revision and its replacement is available (maxSurge)")));
            } else {
                old_available.push((pname, i));
            }
        }
    }
    if surge {
        let max_surge = int_or_percent(
            ds.at("/spec/updateStrategy/rollingUpdate/maxSurge"),
            total,
            true,
        );
        let surging = (0..eligible.len())
            .filter(|i| eligible[*i] && by_node.on(*i).len() > 1)
            .count() as i64;
        let mut budget = max_surge - surging;
        for (_, i) in old_available {
            let has_new = by_node.on(i).iter().any(|p| p.facts.at_revision(hash_id));
            if budget > 0 && !has_new && eligible[i] {
                diff.create_on.push(by_node.table.nodes[i].name.to_string());
                budget -= 1;
            }
        }
        return None;
    }
    Some(Replacements {
        candidates: old_available,
        budget: max_unavailable - unavailable,
        max_unavailable,
    })
}

/// maxSurge 0: deletes the old available pods the budget allows, in an order drawn from
/// the seeded RNG (the real order is Go map order, i.e. random). Returns the why line
/// when the budget holds the rest back.
pub fn order_replacements(
    rng: &mut Rng,
    replacements: Replacements,
    by_node: &NodePods,
    eligible: &[bool],
    diff: &mut Diff,
) -> Option<String> {
    let Replacements {
        mut candidates,
        mut budget,
        max_unavailable,
    } = replacements;
    let n = candidates.len();
    for i in (1..n).rev() {
        let j = rng.below((i + 1) as u64) as usize;
        candidates.swap(i, j);
    }
    for (pod, i) in candidates {
        if budget <= 0 {
            return Some(format!("waiting: maxUnavailable={max_unavailable} node(s) may be without an available pod at once"));
        }
        let node = &by_node.table.nodes[i].name;
        let why = if eligible[i] {
            format!("{pod} on {node} is at an old revision; replacing it (maxUnavailable={max_unavailable}, one node at a time)")
        } else {
            format!("{pod} on {node} is at an old revision; deleting it, and no new pod goes there while the node has a taint the pod does not tolerate")
        };
        diff.delete.push((pod.to_string(), why));
        budget -= 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{daemonset, node, Fixture, State};
    use super::*;
    use crate::json;

    fn two_workers() -> Fixture {
        Fixture::new(vec![
            node("kind-worker", json!({}), None),
            node("kind-worker2", json!({}), None),
        ])
    }

    fn strategy(max_surge: i64, max_unavailable: i64) -> Value {
        json!({"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable}})
    }

    /// The rolling update of `f`'s pods over both workers (both eligible): the diff, and
    /// the why line when the budget holds pods back.
    fn update(f: &Fixture, max_surge: i64, max_unavailable: i64) -> (Diff, Option<String>) {
        let ds = daemonset(json!({}), strategy(max_surge, max_unavailable));
        let by_node = f.by_node();
        let eligible = [true, true];
        let mut diff = Diff::default();
        let waiting = rolling_update(&ds, &by_node, &eligible, &[], Some(&f.update), &mut diff)
            .and_then(|r| order_replacements(&mut Rng::new(1), r, &by_node, &eligible, &mut diff));
        (diff, waiting)
    }

    fn deleted(d: &Diff) -> Vec<&str> {
        d.delete.iter().map(|(pod, _)| pod.as_str()).collect()
    }

    #[test]
    fn surge_creates_the_new_pod_before_deleting_the_old_one() {
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let (diff, waiting) = update(&f, 1, 0);
        assert_eq!(diff.create_on, ["kind-worker"]);
        assert!(diff.delete.is_empty() && waiting.is_none());
    }

    #[test]
    fn surge_deletes_the_old_pod_once_its_replacement_is_available() {
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Ready, 1);
        f.pod("fluentd-a2", "kind-worker", true, State::Starting, 3);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        assert!(
            update(&f, 1, 0).0.is_empty(),
            "the replacement is not ready yet"
        );
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Ready, 1);
        f.pod("fluentd-a2", "kind-worker", true, State::Ready, 3);
        f.pod("fluentd-b", "kind-worker2", true, State::Ready, 2);
        let (diff, _) = update(&f, 1, 0);
        assert_eq!(deleted(&diff), ["fluentd-a"]);
        assert!(diff.create_on.is_empty());
    }

    #[test]
    fn max_unavailable_one_replaces_one_node_at_a_time() {
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", false, State::Ready, 2);
        let (diff, waiting) = update(&f, 0, 1);
        assert_eq!(diff.delete.len(), 1, "{diff:?}");
        assert!(
            diff.create_on.is_empty(),
            "the next sync creates the replacement"
        );
        assert_eq!(
            waiting.as_deref(),
            Some("waiting: maxUnavailable=1 node(s) may be without an available pod at once")
        );
    }

    #[test]
    fn an_old_pod_that_is_not_available_is_replaced_at_once_and_uses_up_the_budget() {
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Starting, 1);
        f.pod("fluentd-b", "kind-worker2", false, State::Ready, 2);
        let (diff, waiting) = update(&f, 0, 1);
        assert_eq!(deleted(&diff), ["fluentd-a"]);
        assert!(diff.delete[0].1.contains("not available"));
        assert!(
            waiting.is_some(),
            "fluentd-b waits: kind-worker is already unavailable"
        );
    }

    #[test]
    fn a_percentage_rounds_max_unavailable_down_but_never_below_one_without_surge() {
        let ds = |pct: &str| json!({"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": pct}}}});
        let path = "/spec/updateStrategy/rollingUpdate/maxUnavailable";
        assert_eq!(int_or_percent(ds("10%").at(path), 500, false), 50);
        assert_eq!(int_or_percent(ds("10%").at(path), 5, false), 0);
        let mut f = two_workers();
        f.pod("fluentd-a", "kind-worker", false, State::Ready, 1);
        f.pod("fluentd-b", "kind-worker2", false, State::Ready, 2);
        assert_eq!(update(&f, 0, 0).0.delete.len(), 1);
    }
}
