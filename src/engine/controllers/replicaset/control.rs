//! The ReplicaSet policy (`replica_set.go` `manageReplicas`, `controller_utils.go`
//! `ActivePodsWithRanks`): how many pods to create, in which batches, and which pods go
//! first on scale-down. Pure: no store access.

use crate::engine::clock::Millis;
use std::cmp::Ordering;

/// At most this many pods are created or deleted in one sync (`BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;

/// What the policy needs to know about one pod.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodView {
    pub name: String,
    pub uid: String,
    /// `spec.nodeName`, empty while unscheduled.
    pub node: String,
    pub phase: String,
    /// Condition Ready is True.
    pub ready: bool,
    /// When Ready last became True.
    pub ready_since: Option<Millis>,
    /// The highest restart count among the pod's containers.
    pub restarts: i64,
    pub created: Millis,
    /// `controller.kubernetes.io/pod-deletion-cost`.
    pub deletion_cost: i64,
    /// Active pods of the same owner family on the pod's node (doubled-up rank).
    pub rank: i64,
}

/// What one sync should do about the number of pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diff {
    /// Create this many pods (already capped at the burst size).
    Create(usize),
    /// Delete these pods, in this order, each with the reason it was picked.
    Delete(Vec<(String, &'static str)>),
    /// The count is right.
    Steady,
}

/// Slow-start batch sizes for `n` creations: 1, 2, 4, … summing to `n`.
pub fn slow_start_batches(n: usize) -> Vec<usize> {
    let mut batches = Vec::new();
    let mut remaining = n;
    let mut size = remaining.min(1);
    while size > 0 {
        batches.push(size);
        remaining -= size;
        size = (2 * size).min(remaining);
    }
    batches
}

/// `podPhaseToOrdinal`: Pending < Unknown < Running.
fn phase_ordinal(phase: &str) -> u8 {
    match phase {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// `logarithmicRankDiff`: compares ages in powers of two, so pods of about the same age
/// tie (and the uid decides) instead of the newest always going first.
fn logarithmic_rank_diff(t1: Millis, t2: Millis, now: Millis) -> i64 {
    let rank = |t: Millis| {
        let d = (now - t) as f64 * 1_000_000.0;
        if d > 0.0 {
            d.log2() as i64
        } else {
            -1
        }
    };
    rank(t1) - rank(t2)
}

/// `ActivePodsWithRanks.Less`: does `a` go before `b` when choosing pods to delete?
pub fn deletes_before(a: &PodView, b: &PodView, now: Millis) -> bool {
    // 1. Unassigned < assigned.
    if a.node != b.node && (a.node.is_empty() || b.node.is_empty()) {
        return a.node.is_empty();
    }
    // 2. Pending < Unknown < Running.
    if phase_ordinal(&a.phase) != phase_ordinal(&b.phase) {
        return phase_ordinal(&a.phase) < phase_ordinal(&b.phase);
    }
    // 3. Not ready < ready.
    if a.ready != b.ready {
        return !a.ready;
    }
    // 4. Lower pod-deletion-cost < higher.
    if a.deletion_cost != b.deletion_cost {
        return a.deletion_cost < b.deletion_cost;
    }
    // 5. Doubled up (more related pods on the node) < not doubled up.
    if a.rank != b.rank {
        return a.rank > b.rank;
    }
    // 6. Ready for less time < ready for more time (logarithmic buckets).
    if a.ready && b.ready {
        if let (Some(ta), Some(tb)) = (a.ready_since, b.ready_since) {
            if ta != tb {
                let diff = logarithmic_rank_diff(ta, tb, now);
                return if diff == 0 { a.uid < b.uid } else { diff < 0 };
            }
        }
    }
    // 7. More restarts < fewer restarts.
    if a.restarts != b.restarts {
        return a.restarts > b.restarts;
    }
    // 8. Newer < older.
    if a.created != b.created {
        let diff = logarithmic_rank_diff(a.created, b.created, now);
        return if diff == 0 { a.uid < b.uid } else { diff < 0 };
    }
    false
}

/// Sorts pods so that the ones to delete first come first.
///
/// `deletes_before` is not transitive (pods whose times differ but fall in one
/// logarithmic bucket are ordered by uid, pods with equal times by what follows), which
/// Go's `sort.Sort` never checks but Rust's sort may notice and panic on — a scale-down
/// of a few dozen pods started over a few seconds did. So this is a plain stable merge
/// sort that trusts the comparator: the standard sort's result whenever the order is
/// total, and an order without a panic when it is not.
pub fn rank_for_deletion(pods: &mut [PodView], now: Millis) {
    let mut order: Vec<usize> = (0..pods.len()).collect();
    merge_sort(&mut order, &|&a: &usize, &b: &usize| {
        deletes_before(&pods[a], &pods[b], now)
    });
    let ranked: Vec<PodView> = order.iter().map(|&i| pods[i].clone()).collect();
    for (slot, p) in pods.iter_mut().zip(ranked) {
        *slot = p;
    }
}

/// Stable top-down merge sort by a "goes before" predicate.
fn merge_sort<T: Copy>(v: &mut [T], before: &dyn Fn(&T, &T) -> bool) {
    if v.len() < 2 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], before);
    merge_sort(&mut v[mid..], before);
    let (left, right) = (v[..mid].to_vec(), v[mid..].to_vec());
    let (mut i, mut j) = (0, 0);
    for slot in v.iter_mut() {
        // Take from the right only when it strictly goes first: equal elements keep
        // their order.
        if j < right.len() && (i == left.len() || before(&right[j], &left[i])) {
            *slot = right[j];
            j += 1;
        } else {
            *slot = left[i];
            i += 1;
        }
    }
}

/// Why `p` was picked first for deletion, in a learner's words.
pub fn deletion_reason(p: &PodView) -> &'static str {
    if p.node.is_empty() {
        "it is not scheduled to a node yet"
    } else if p.phase != "Running" {
        "it is not running yet"
    } else if !p.ready {
        "it is not ready"
    } else if p.restarts > 0 {
        "it has restarted the most"
    } else {
        "it has been ready for the shortest time (pods of about the same age tie and the uid decides)"
    }
}

/// `manageReplicas`: compare the active pods with `spec.replicas`.
pub fn diff(active: Vec<PodView>, replicas: i64, now: Millis) -> Diff {
    diff_counted(active.len() as i64, active, replicas, now)
}

/// [`diff`] when the caller counted the active pods and built views only if there are
/// too many (`active` may be empty otherwise).
pub fn diff_counted(have: i64, mut active: Vec<PodView>, replicas: i64, now: Millis) -> Diff {
    let want = replicas.max(0);
    match have.cmp(&want) {
        Ordering::Less => Diff::Create(((want - have) as usize).min(BURST_REPLICAS)),
        Ordering::Greater => {
            let n = ((have - want) as usize).min(BURST_REPLICAS);
            rank_for_deletion(&mut active, now);
            Diff::Delete(
                active
                    .into_iter()
                    .take(n)
                    .map(|p| (p.name.clone(), deletion_reason(&p)))
                    .collect(),
            )
        }
        Ordering::Equal => Diff::Steady,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> PodView {
        PodView {
            name: name.into(),
            uid: name.into(),
            node: "n1".into(),
            phase: "Running".into(),
            ready: true,
            ready_since: Some(0),
            created: 0,
            ..PodView::default()
        }
    }

    #[test]
    fn scale_down_ranks_pods_ready_at_nearly_the_same_time_without_panicking() {
        // Ready a few ms apart, in one logarithmic bucket or two: by uid when the times
        // differ, by restarts and age when they are equal — not a total order.
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for round in 0..300 {
            let n = 20 + (round % 45);
            let mut pods: Vec<PodView> = (0..n)
                .map(|i| {
                    let mut p = pod(&format!("p{i:02}"));
                    p.uid = format!("{:04}", next(10_000));
                    p.ready_since = Some(next(4) as Millis * 300);
                    p.created = next(3) as Millis * 700;
                    p.restarts = next(2) as i64;
                    p
                })
                .collect();
            rank_for_deletion(&mut pods, 1_000);
            let mut names: Vec<String> = pods.iter().map(|p| p.name.clone()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n as usize);
        }
    }

    #[test]
    fn slow_start_doubles_batches_until_the_total_is_reached() {
        assert_eq!(slow_start_batches(0), Vec::<usize>::new());
        assert_eq!(slow_start_batches(1), vec![1]);
        assert_eq!(slow_start_batches(3), vec![1, 2]);
        assert_eq!(slow_start_batches(10), vec![1, 2, 4, 3]);
    }

    #[test]
    fn missing_pods_are_created_up_to_the_burst_limit() {
        assert_eq!(diff(vec![pod("a")], 3, 0), Diff::Create(2));
        assert_eq!(diff(vec![], 900, 0), Diff::Create(500));
        assert_eq!(diff(vec![pod("a")], 1, 0), Diff::Steady);
    }

    #[test]
    fn scale_down_deletes_unscheduled_then_pending_then_unready_pods_first() {
        let now = 1_000_000;
        let mut unscheduled = pod("unscheduled");
        unscheduled.node.clear();
        unscheduled.phase = "Pending".into();
        unscheduled.ready = false;
        let mut pending = pod("pending");
        pending.phase = "Pending".into();
        pending.ready = false;
        let mut unready = pod("unready");
        unready.ready = false;
        let ready = pod("ready");
        let d = diff(vec![ready, unready, pending, unscheduled], 1, now);
        assert_eq!(
            d,
            Diff::Delete(vec![
                ("unscheduled".into(), "it is not scheduled to a node yet"),
                ("pending".into(), "it is not running yet"),
                ("unready".into(), "it is not ready"),
            ])
        );
    }

    #[test]
    fn scale_down_prefers_newer_ready_pods_then_more_restarts() {
        let now = 10_000_000;
        let mut old = pod("old");
        old.ready_since = Some(0);
        let mut young = pod("young");
        young.ready_since = Some(now - 1_000);
        assert_eq!(
            diff(vec![old.clone(), young], 1, now),
            Diff::Delete(vec![("young".into(), "it has been ready for the shortest time (pods of about the same age tie and the uid decides)")])
        );
        let mut crashy = pod("crashy");
        crashy.restarts = 4;
        assert_eq!(
            diff(vec![old, crashy], 1, now),
            Diff::Delete(vec![("crashy".into(), "it has restarted the most")])
        );
    }
}
