//! The Deployment's arithmetic (`rolling.go`, `sync.go` `scale`, `deployment_util.go`):
//! fenceposts, how far the new ReplicaSet may grow, how far old ones may shrink,
//! proportional scaling and history cleanup. Pure: it only sees views of the objects
//! and returns the sizes to set, each with the reason a learner reads.

use crate::engine::clock::Millis;
use crate::engine::json::At;
use serde_json::Value;
use std::cmp::Ordering;

/// What the policy knows about one ReplicaSet of the Deployment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RsView {
    pub name: String,
    pub created: Millis,
    /// `spec.replicas`.
    pub replicas: i64,
    /// `status.replicas` (active pods).
    pub status_replicas: i64,
    pub ready: i64,
    pub available: i64,
    /// `deployment.kubernetes.io/revision`.
    pub revision: i64,
    /// `deployment.kubernetes.io/desired-replicas`.
    pub desired_annotation: Option<i64>,
    /// `deployment.kubernetes.io/max-replicas`.
    pub max_annotation: Option<i64>,
    pub generation: i64,
    pub observed_generation: i64,
    pub deleting: bool,
}

/// What the policy knows about the Deployment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeployView {
    pub name: String,
    pub replicas: i64,
    pub rolling: bool,
    /// Resolved maxSurge (0 for Recreate).
    pub max_surge: i64,
    /// Resolved maxUnavailable, as `MaxUnavailable` returns it (0 for Recreate).
    pub max_unavailable: i64,
    /// `status.replicas`, the fallback when a ReplicaSet lost its max-replicas annotation.
    pub status_replicas: i64,
}

/// One ReplicaSet size change the policy asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub name: String,
    pub from: i64,
    pub to: i64,
    pub why: String,
}

/// `GetScaledValueFromIntOrPercent`: an integer as is, `"25%"` of `total` rounded up or
/// down; anything else counts as 0 (validation rejects it).
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> i64 {
    if let Some(n) = v.as_i64() {
        return n;
    }
    let Some(percent) = v
        .as_str()
        .and_then(|s| s.strip_suffix('%'))
        .and_then(|p| p.parse::<i64>().ok())
    else {
        return 0;
    };
    let product = percent * total;
    if round_up {
        (product + 99).div_euclid(100)
    } else {
        product.div_euclid(100)
    }
}

/// `ResolveFenceposts`: surge rounds up, unavailable rounds down, and when both come to
/// 0 unavailable becomes 1 (or the rollout could never move).
pub fn resolve_fenceposts(max_surge: &Value, max_unavailable: &Value, desired: i64) -> (i64, i64) {
    let surge = scaled_value(max_surge, desired, true);
    let unavailable = scaled_value(max_unavailable, desired, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// The Deployment as the policy sees it, from its spec.
pub fn deploy_view(name: &str, spec: &Value, status_replicas: i64) -> DeployView {
    let replicas = spec["replicas"].as_i64().unwrap_or(1);
    let rolling = spec.at("/strategy/type").and_then(Value::as_str) != Some("Recreate");
    let (mut surge, mut unavailable) = (0, 0);
    if rolling {
        let ru = spec
            .at("/strategy/rollingUpdate")
            .cloned()
            .unwrap_or(Value::Null);
        let zero = Value::from(0);
        let (s, u) = resolve_fenceposts(
            ru.get("maxSurge").unwrap_or(&zero),
            ru.get("maxUnavailable").unwrap_or(&zero),
            replicas,
        );
        surge = s;
        unavailable = if replicas == 0 { 0 } else { u.min(replicas) };
    }
    DeployView {
        name: name.to_string(),
        replicas,
        rolling,
        max_surge: surge,
        max_unavailable: unavailable,
        status_replicas,
    }
}

/// Sum of `spec.replicas`.
pub fn spec_sum(rss: &[&RsView]) -> i64 {
    rss.iter().map(|r| r.replicas).sum()
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
pub fn by_creation(a: &RsView, b: &RsView) -> Ordering {
    a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name))
}

/// `NewRSNewReplicas`: the size the new ReplicaSet may have now.
pub fn new_rs_new_replicas(d: &DeployView, all: &[&RsView], new: &RsView) -> i64 {
    if !d.rolling {
        return d.replicas;
    }
    let current = spec_sum(all);
    let max_total = d.replicas + d.max_surge;
    if current >= max_total {
        return new.replicas;
    }
    let up = (max_total - current).min(d.replicas - new.replicas);
    new.replicas + up
}

/// `reconcileNewReplicaSet`: grow the new ReplicaSet within maxSurge (or shrink it to
/// `replicas` when it has more).
pub fn reconcile_new(d: &DeployView, all: &[&RsView], new: &RsView) -> Option<Scale> {
    if new.replicas == d.replicas {
        return None;
    }
    if new.replicas > d.replicas {
        return Some(Scale {
            name: new.name.clone(),
            from: new.replicas,
            to: d.replicas,
            why: format!(
                "{} scaled down from {} to {}: the Deployment wants only {} replicas",
                new.name, new.replicas, d.replicas, d.replicas
            ),
        });
    }
    let to = new_rs_new_replicas(d, all, new);
    if to == new.replicas {
        return None;
    }
    let current = spec_sum(all);
    let why = if current == new.replicas {
        format!(
            "{} scaled up from {} to {}: it is the only ReplicaSet with pods",
            new.name, new.replicas, to
        )
    } else {
        format!(
            "{} scaled up from {} to {}: all ReplicaSets together want {} pods and maxSurge={} allows up to {} (replicas {} + maxSurge {})",
            new.name,
            new.replicas,
            to,
            current,
            d.max_surge,
            d.replicas + d.max_surge,
            d.replicas,
            d.max_surge
        )
    };
    Some(Scale {
        name: new.name.clone(),
        from: new.replicas,
        to,
        why,
    })
}

/// `reconcileOldReplicaSets`: first remove old pods that are not available anyway
/// (`cleanupUnhealthyReplicas`), then scale old ReplicaSets down, oldest first, as far as
/// `replicas − maxUnavailable` available pods allow (`scaleDownOldReplicaSetsForRollingUpdate`).
pub fn reconcile_old(d: &DeployView, old: &[&RsView], new: &RsView) -> Vec<Scale> {
    let old_pods = spec_sum(old);
    if old_pods == 0 {
        return Vec::new();
    }
    let all_pods = old_pods + new.replicas;
    let min_available = d.replicas - d.max_unavailable;
    let new_unavailable = new.replicas - new.available;
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Vec::new();
    }
    let mut olds: Vec<RsView> = old.iter().map(|r| (*r).clone()).collect();
    crate::sort::sort_by(&mut olds, by_creation);
    let mut steps = Vec::new();
    let mut cleaned = 0;
    for rs in olds.iter_mut() {
        if cleaned >= max_scaled_down {
            break;
        }
        if rs.replicas == 0 || rs.replicas == rs.available {
            continue;
        }
        let n = (max_scaled_down - cleaned).min(rs.replicas - rs.available);
        steps.push(Scale {
            name: rs.name.clone(),
            from: rs.replicas,
            to: rs.replicas - n,
            why: format!(
                "{} scaled down from {} to {}: {} of its pods are not available, and unhealthy old pods are removed first",
                rs.name,
                rs.replicas,
                rs.replicas - n,
                rs.replicas - rs.available
            ),
        });
        rs.replicas -= n;
        cleaned += n;
    }
    let available: i64 = olds.iter().map(|r| r.available).sum::<i64>() + new.available;
    if available <= min_available {
        return steps;
    }
    let budget = available - min_available;
    let mut done = 0;
    for rs in olds.iter_mut() {
        if done >= budget {
            break;
        }
        if rs.replicas == 0 {
            continue;
        }
        let n = rs.replicas.min(budget - done);
        steps.push(Scale {
            name: rs.name.clone(),
            from: rs.replicas,
            to: rs.replicas - n,
            why: format!(
                "{} scaled down from {} to {}: {} pods are available and only {} must stay available (replicas {} − maxUnavailable {})",
                rs.name,
                rs.replicas,
                rs.replicas - n,
                available,
                min_available,
                d.replicas,
                d.max_unavailable
            ),
        });
        rs.replicas -= n;
        done += n;
    }
    steps
}

/// `IsSaturated`: the new ReplicaSet has all replicas, and all are available.
fn is_saturated(d: &DeployView, rs: &RsView) -> bool {
    rs.replicas == d.replicas
        && rs.desired_annotation == Some(d.replicas)
        && rs.available == d.replicas
}

/// `getReplicaSetFraction`: this ReplicaSet's share of a change of the Deployment's size.
fn fraction(d: &DeployView, rs: &RsView) -> i64 {
    if d.replicas == 0 {
        return -rs.replicas;
    }
    let max_now = d.replicas + d.max_surge;
    let before = match rs.max_annotation {
        Some(m) if m != 0 => m,
        _ if d.status_replicas == 0 => return 0,
        _ => d.status_replicas,
    };
    let size = (rs.replicas * max_now) as f64 / before as f64;
    size.round() as i64 - rs.replicas
}

/// An active ReplicaSet still annotated with another `spec.replicas`: `isScalingEvent`
/// answers yes until its annotations follow.
fn sized_for_another_count(d: &DeployView, rs: &RsView) -> bool {
    rs.replicas > 0 && rs.desired_annotation.is_some_and(|n| n != d.replicas)
}

/// `scale` (a change of `spec.replicas`, also while paused): the single active
/// ReplicaSet takes the new size; during a rollout every active ReplicaSet grows or
/// shrinks in proportion to its size, leftovers going to the largest. The returned
/// list also names unchanged ReplicaSets whose desired/max annotations must follow.
///
/// Unlike `sync.go` up to 1.35, a single active ReplicaSet that already has the new
/// size still gets its annotations refreshed: Go returns early there, the stale
/// desired-replicas annotation makes every later sync a scaling event again, and the
/// Deployment never rolls out another template (the deadlock kubernetes/kubernetes
/// PRs #138036 and #138840 fix the same way).
pub fn scale(d: &DeployView, new: Option<&RsView>, old: &[&RsView]) -> Vec<Scale> {
    let mut newest_first: Vec<&RsView> = old.to_vec();
    crate::sort::sort_by(&mut newest_first, |a, b| by_creation(b, a));
    let mut active: Vec<&RsView> = newest_first
        .iter()
        .copied()
        .chain(new)
        .filter(|r| r.replicas > 0)
        .collect();
    let single = match active.len() {
        0 => new.or(newest_first.first().copied()),
        1 => active.first().copied(),
        _ => None,
    };
    if active.len() <= 1 {
        return match single {
            Some(rs) if rs.replicas != d.replicas || sized_for_another_count(d, rs) => vec![Scale {
                name: rs.name.clone(),
                from: rs.replicas,
                to: d.replicas,
                why: format!(
                    "{} scaled from {} to {}: the Deployment's replicas changed and it is the only active ReplicaSet",
                    rs.name, rs.replicas, d.replicas
                ),
            }],
            _ => Vec::new(),
        };
    }
    if let Some(n) = new.filter(|n| is_saturated(d, n)) {
        return active
            .iter()
            .filter(|r| r.name != n.name)
            .map(|r| Scale {
                name: r.name.clone(),
                from: r.replicas,
                to: 0,
                why: format!(
                    "{} scaled down from {} to 0: the new ReplicaSet {} already has all {} replicas available",
                    r.name, r.replicas, n.name, d.replicas
                ),
            })
            .collect();
    }
    if !d.rolling {
        return Vec::new();
    }
    let total = spec_sum(&active);
    let allowed = if d.replicas > 0 {
        d.replicas + d.max_surge
    } else {
        0
    };
    let to_add = allowed - total;
    match to_add.cmp(&0) {
        Ordering::Greater => crate::sort::sort_by(&mut active, |a, b| {
            b.replicas.cmp(&a.replicas).then_with(|| by_creation(b, a))
        }),
        Ordering::Less => crate::sort::sort_by(&mut active, |a, b| {
            b.replicas.cmp(&a.replicas).then_with(|| by_creation(a, b))
        }),
        Ordering::Equal => {}
    }
    let mut added = 0;
    let mut sizes: Vec<i64> = Vec::new();
    for rs in &active {
        if to_add == 0 || to_add == added || rs.replicas == 0 {
            sizes.push(rs.replicas);
            continue;
        }
        let f = fraction(d, rs);
        let allowed_now = to_add - added;
        let p = if to_add > 0 {
            f.min(allowed_now)
        } else {
            f.max(allowed_now)
        };
        sizes.push(rs.replicas + p);
        added += p;
    }
    if to_add != 0 {
        if let Some(first) = sizes.first_mut() {
            *first = (*first + to_add - added).max(0);
        }
    }
    active
        .iter()
        .zip(sizes)
        .map(|(rs, to)| Scale {
            name: rs.name.clone(),
            from: rs.replicas,
            to,
            why: format!(
                "{} scaled from {} to {}: the Deployment's replicas changed mid-rollout, so every active ReplicaSet takes its proportional share of {} (replicas {} + maxSurge {})",
                rs.name, rs.replicas, to, allowed, d.replicas, d.max_surge
            ),
        })
        .collect()
}

/// `cleanupDeployment`: old ReplicaSets beyond `revisionHistoryLimit`, lowest revision
/// first, that have no pods and have seen their latest spec.
pub fn cleanup(old: &[&RsView], limit: i64) -> Vec<String> {
    let mut alive: Vec<&RsView> = old.iter().copied().filter(|r| !r.deleting).collect();
    let diff = alive.len() as i64 - limit;
    if diff <= 0 {
        return Vec::new();
    }
    crate::sort::sort_by(&mut alive, |a, b| {
        a.revision.cmp(&b.revision).then_with(|| by_creation(a, b))
    });
    alive
        .iter()
        .take(diff as usize)
        .filter(|r| {
            r.status_replicas == 0 && r.replicas == 0 && r.generation <= r.observed_generation
        })
        .map(|r| r.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rs(name: &str, created: Millis, replicas: i64, available: i64) -> RsView {
        RsView {
            name: name.into(),
            created,
            replicas,
            status_replicas: replicas,
            ready: available,
            available,
            ..RsView::default()
        }
    }

    fn rolling(replicas: i64) -> DeployView {
        deploy_view(
            "nginx",
            &json!({"replicas": replicas, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}),
            replicas,
        )
    }

    #[test]
    fn default_fenceposts_round_surge_up_and_unavailable_down() {
        let p = json!("25%");
        assert_eq!(resolve_fenceposts(&p, &p, 1), (1, 0));
        assert_eq!(resolve_fenceposts(&p, &p, 3), (1, 0));
        assert_eq!(resolve_fenceposts(&p, &p, 4), (1, 1));
        assert_eq!(resolve_fenceposts(&p, &p, 10), (3, 2));
    }

    #[test]
    fn fenceposts_that_both_resolve_to_zero_allow_one_unavailable() {
        assert_eq!(resolve_fenceposts(&json!(0), &json!("10%"), 5), (0, 1));
        assert_eq!(resolve_fenceposts(&json!(2), &json!(0), 5), (2, 0));
    }

    #[test]
    fn new_replica_set_grows_only_up_to_replicas_plus_max_surge() {
        let d = rolling(3);
        let old = rs("old", 0, 3, 3);
        let new = rs("new", 1, 0, 0);
        let step = reconcile_new(&d, &[&old, &new], &new);
        assert_eq!(step.map(|s| s.to), Some(1));
        let new = rs("new", 1, 1, 0);
        assert_eq!(reconcile_new(&d, &[&old, &new], &new), None);
        let old = rs("old", 0, 2, 2);
        assert_eq!(
            reconcile_new(&d, &[&old, &new], &new).map(|s| s.to),
            Some(2)
        );
    }

    #[test]
    fn old_replica_set_shrinks_only_when_new_pods_are_available() {
        let d = rolling(3);
        let old = rs("old", 0, 3, 3);
        assert!(reconcile_old(&d, &[&old], &rs("new", 1, 1, 0)).is_empty());
        let steps = reconcile_old(&d, &[&old], &rs("new", 1, 1, 1));
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].from, steps[0].to), (3, 2));
    }

    #[test]
    fn unhealthy_old_pods_are_cleaned_up_first() {
        let d = rolling(4);
        // Old RS wants 4 but only 2 are available; the new one is healthy at 1.
        let old = rs("old", 0, 4, 2);
        let steps = reconcile_old(&d, &[&old], &rs("new", 1, 1, 1));
        assert_eq!((steps[0].from, steps[0].to), (4, 2), "{steps:?}");
        assert!(steps[0].why.contains("not available"));
    }

    #[test]
    fn proportional_scaling_shares_new_replicas_by_size() {
        // 10 replicas mid-rollout (old 8, new 5 = 13 = 10 + 3 surge), scaled to 20.
        let mut d = rolling(20);
        d.status_replicas = 13;
        let mut old = rs("old", 0, 8, 8);
        old.max_annotation = Some(13);
        let mut new = rs("new", 1, 5, 0);
        new.max_annotation = Some(13);
        let steps = scale(&d, Some(&new), &[&old]);
        let total: i64 = steps.iter().map(|s| s.to).sum();
        assert_eq!(total, 25, "{steps:?}");
        let old_to = steps.iter().find(|s| s.name == "old").map(|s| s.to);
        assert_eq!(old_to, Some(15));
    }

    #[test]
    fn a_single_active_replica_set_takes_the_whole_new_size() {
        let d = rolling(5);
        let old = rs("old", 0, 0, 0);
        let new = rs("new", 1, 3, 3);
        let steps = scale(&d, Some(&new), &[&old]);
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].name.as_str(), steps[0].to), ("new", 5));
    }

    #[test]
    fn a_single_active_replica_set_already_at_the_new_size_gets_its_annotations_refreshed() {
        let d = rolling(3);
        let mut new = rs("new", 1, 3, 3);
        new.desired_annotation = Some(4);
        let steps = scale(&d, Some(&new), &[]);
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].from, steps[0].to), (3, 3));
        new.desired_annotation = Some(3);
        assert!(scale(&d, Some(&new), &[]).is_empty());
    }

    #[test]
    fn cleanup_deletes_the_lowest_revisions_beyond_the_limit() {
        let mut a = rs("a", 0, 0, 0);
        a.revision = 1;
        let mut b = rs("b", 1, 0, 0);
        b.revision = 2;
        let mut c = rs("c", 2, 0, 0);
        c.revision = 3;
        assert_eq!(cleanup(&[&c, &a, &b], 1), vec!["a", "b"]);
        assert!(cleanup(&[&c, &a, &b], 3).is_empty());
    }
}
