//! The Job controller's policy (`job_controller.go` `syncJob` / `manageJob`,
//! `backoff_utils.go`, `indexed_job_utils.go`), pure: from the Job's counts and its pods,
//! how many pods to want, which to delete, when the pod-failure back-off allows the next
//! pod, and whether the Job has reached an end.

use crate::engine::clock::Millis;

/// `DefaultJobPodFailureBackOff`: the first replacement after a failure waits 10 s.
pub const POD_FAILURE_BACKOFF_MS: Millis = 10_000;
/// `MaxJobPodFailureBackOff`: doubling stops at 10 minutes (1.34).
pub const MAX_POD_FAILURE_BACKOFF_MS: Millis = 600_000;
/// `MaxPodCreateDeletePerSync`.
pub const MAX_PER_SYNC: i64 = 500;

/// The Job's spec as the policy reads it (after defaulting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    pub completions: Option<i64>,
    pub parallelism: i64,
    pub backoff_limit: i64,
    pub active_deadline_seconds: Option<i64>,
    pub suspend: bool,
    pub indexed: bool,
    /// `podReplacementPolicy: Failed`: terminating pods still hold their place.
    pub only_replace_failed: bool,
}

/// `wantActive` of `manageJob`: how many pods should be running now.
pub fn want_active(spec: &JobSpec, succeeded: i64, active: i64) -> i64 {
    match spec.completions {
        None if succeeded > 0 => active,
        None => spec.parallelism,
        Some(c) => (c - succeeded).clamp(0, spec.parallelism.max(0)),
    }
}

/// What `manageJob` does about the count of active pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manage {
    /// Delete this many active pods (`activePodsForRemoval` picks which).
    Delete(i64),
    /// Create this many pods.
    Create(i64),
    /// Pods are wanted, but the last failures hold them back this long.
    BackOff(Millis),
    Steady,
}

/// `manageJob` for a Job that is neither suspended nor finished.
pub fn manage(
    spec: &JobSpec,
    succeeded: i64,
    active: i64,
    terminating: i64,
    backoff_remaining: Millis,
) -> Manage {
    let want = want_active(spec, succeeded, active);
    let remove = active - want;
    if remove > 0 {
        return Manage::Delete(remove.min(MAX_PER_SYNC));
    }
    let held = if spec.only_replace_failed {
        terminating
    } else {
        0
    };
    let diff = want - held - active;
    if diff <= 0 {
        return Manage::Steady;
    }
    if backoff_remaining > 0 {
        return Manage::BackOff(backoff_remaining);
    }
    Manage::Create(diff.min(MAX_PER_SYNC))
}

/// `controller.SlowStartInitialBatchSize` doubling: creations go in batches 1, 2, 4, …
pub fn slow_start_batches(n: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let (mut left, mut size) = (n, 1);
    while left > 0 {
        let b = size.min(left);
        out.push(b);
        left -= b;
        size *= 2;
    }
    out
}

/// `getRemainingTimeForFailuresCount`: after `failures` failed pods since the last
/// success, the last at `last_failure`, how long before a new pod may be created.
pub fn backoff_remaining(failures: i64, last_failure: Option<Millis>, now: Millis) -> Millis {
    let Some(last) = last_failure.filter(|_| failures > 0) else {
        return 0;
    };
    let mut backoff = POD_FAILURE_BACKOFF_MS;
    for _ in 1..failures {
        backoff *= 2;
        if backoff >= MAX_POD_FAILURE_BACKOFF_MS {
            backoff = MAX_POD_FAILURE_BACKOFF_MS;
            break;
        }
    }
    let elapsed = now - last;
    if backoff < elapsed {
        0
    } else {
        backoff - elapsed
    }
}

/// `newBackoffRecord` computed from finish times: the failures that finished after the
/// last success, and the latest of them.
pub fn failures_since_success(
    succeeded_at: &[Millis],
    failed_at: &[Millis],
) -> (i64, Option<Millis>) {
    let last_success = succeeded_at.iter().copied().max();
    let after: Vec<Millis> = failed_at
        .iter()
        .copied()
        .filter(|f| last_success.is_none_or(|s| *f > s))
        .collect();
    (after.len() as i64, after.iter().copied().max())
}

/// Why a Job ends in failure (the `reason` and `message` of FailureTarget and Failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    BackoffLimitExceeded,
    DeadlineExceeded,
}

impl Failure {
    pub fn reason(self) -> &'static str {
        match self {
            Failure::BackoffLimitExceeded => "BackoffLimitExceeded",
            Failure::DeadlineExceeded => "DeadlineExceeded",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Failure::BackoffLimitExceeded => "Job has reached the specified backoff limit",
            Failure::DeadlineExceeded => "Job was active longer than specified deadline",
        }
    }
}

/// The failure checks of `syncJob`, in its order: the back-off limit (failed pods, or
/// container restarts under `restartPolicy: OnFailure`), then the active deadline.
pub fn failure(
    spec: &JobSpec,
    failed: i64,
    on_failure_restarts: Option<i64>,
    started: Option<Millis>,
    now: Millis,
) -> Option<Failure> {
    let restarts_exceed = on_failure_restarts.is_some_and(|r| {
        if spec.backoff_limit == 0 {
            r > 0
        } else {
            r >= spec.backoff_limit
        }
    });
    if failed > spec.backoff_limit || restarts_exceed {
        return Some(Failure::BackoffLimitExceeded);
    }
    if past_deadline(spec, started, now) {
        return Some(Failure::DeadlineExceeded);
    }
    None
}

/// `pastActiveDeadline`.
fn past_deadline(spec: &JobSpec, started: Option<Millis>, now: Millis) -> bool {
    match (spec.active_deadline_seconds, started) {
        (Some(d), Some(s)) if !spec.suspend => now - s >= d * 1000,
        _ => false,
    }
}

/// When the active deadline passes, for a Job that has one and runs.
pub fn deadline_in(spec: &JobSpec, started: Option<Millis>, now: Millis) -> Option<Millis> {
    match (spec.active_deadline_seconds, started) {
        (Some(d), Some(s)) if !spec.suspend => Some((s + d * 1000 - now).max(0)),
        _ => None,
    }
}

/// The success check of `syncJob`: enough completions, nothing left running. Without
/// `completions`, the first success ends the Job once the other pods have finished.
pub fn complete(spec: &JobSpec, succeeded: i64, active: i64) -> bool {
    match spec.completions {
        None => succeeded > 0 && active == 0,
        Some(c) => succeeded >= c && active == 0,
    }
}

/// `firstPendingIndexes`: the `count` lowest indexes below `completions` that neither
/// succeeded nor have an active pod.
pub fn first_pending_indexes(
    count: i64,
    completions: i64,
    succeeded: &[i64],
    active: &[i64],
) -> Vec<i64> {
    (0..completions)
        .filter(|i| !succeeded.contains(i) && !active.contains(i))
        .take(count.max(0) as usize)
        .collect()
}

/// `succeededIndexes.String()`: sorted indexes as intervals, `1,3-5,7`.
pub fn format_indexes(indexes: &[i64]) -> String {
    let mut sorted = indexes.to_vec();
    crate::sort::sort(&mut sorted);
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(completions: Option<i64>, parallelism: i64) -> JobSpec {
        JobSpec {
            completions,
            parallelism,
            backoff_limit: 6,
            active_deadline_seconds: None,
            suspend: false,
            indexed: false,
            only_replace_failed: false,
        }
    }

    #[test]
    fn a_job_never_wants_more_pods_than_parallelism_or_the_completions_left() {
        let s = spec(Some(5), 2);
        assert_eq!(manage(&s, 0, 0, 0, 0), Manage::Create(2));
        assert_eq!(
            manage(&s, 4, 0, 0, 0),
            Manage::Create(1),
            "one completion left"
        );
        assert_eq!(manage(&s, 4, 2, 0, 0), Manage::Delete(1));
        assert_eq!(manage(&s, 5, 0, 0, 0), Manage::Steady);
        assert_eq!(manage(&s, 3, 2, 0, 0), Manage::Steady);
    }

    #[test]
    fn a_work_queue_job_stops_adding_pods_after_the_first_success() {
        let s = spec(None, 3);
        assert_eq!(manage(&s, 0, 1, 0, 0), Manage::Create(2));
        assert_eq!(manage(&s, 1, 1, 0, 0), Manage::Steady);
        assert!(!complete(&s, 1, 1));
        assert!(complete(&s, 1, 0));
    }

    #[test]
    fn terminating_pods_hold_their_place_only_under_pod_replacement_policy_failed() {
        let mut s = spec(Some(1), 1);
        assert_eq!(manage(&s, 0, 0, 1, 0), Manage::Create(1));
        s.only_replace_failed = true;
        assert_eq!(manage(&s, 0, 0, 1, 0), Manage::Steady);
    }

    #[test]
    fn failures_back_off_from_ten_seconds_doubling_up_to_ten_minutes() {
        assert_eq!(backoff_remaining(0, Some(0), 0), 0);
        assert_eq!(backoff_remaining(1, Some(1_000), 1_000), 10_000);
        assert_eq!(backoff_remaining(3, Some(0), 5_000), 35_000);
        assert_eq!(backoff_remaining(12, Some(0), 0), 600_000);
        assert_eq!(backoff_remaining(1, Some(0), 11_000), 0);
        let s = spec(Some(1), 1);
        assert_eq!(manage(&s, 0, 0, 0, 4_000), Manage::BackOff(4_000));
    }

    #[test]
    fn a_success_resets_the_count_of_failures_that_back_off() {
        assert_eq!(failures_since_success(&[], &[1, 5]), (2, Some(5)));
        assert_eq!(failures_since_success(&[4], &[1, 5, 9]), (2, Some(9)));
        assert_eq!(failures_since_success(&[10], &[1, 5]), (0, None));
    }

    #[test]
    fn more_failures_than_the_backoff_limit_fail_the_job_before_the_deadline_is_checked() {
        let mut s = spec(Some(1), 1);
        s.backoff_limit = 2;
        s.active_deadline_seconds = Some(10);
        assert_eq!(failure(&s, 2, None, Some(0), 1_000), None);
        assert_eq!(
            failure(&s, 3, None, Some(0), 20_000),
            Some(Failure::BackoffLimitExceeded)
        );
        assert_eq!(
            failure(&s, 0, None, Some(0), 10_000),
            Some(Failure::DeadlineExceeded)
        );
        assert_eq!(deadline_in(&s, Some(0), 4_000), Some(6_000));
        assert_eq!(
            failure(&s, 0, Some(2), Some(0), 0),
            Some(Failure::BackoffLimitExceeded),
            "OnFailure restarts count against the limit"
        );
        s.suspend = true;
        assert_eq!(failure(&s, 0, None, Some(0), 60_000), None);
    }

    #[test]
    fn indexed_jobs_fill_the_lowest_free_indexes_and_print_them_as_intervals() {
        assert_eq!(first_pending_indexes(2, 5, &[0], &[1]), vec![2, 3]);
        assert_eq!(first_pending_indexes(9, 3, &[0, 2], &[]), vec![1]);
        assert_eq!(format_indexes(&[5, 0, 1, 2, 7, 8]), "0-2,5,7-8");
        assert_eq!(format_indexes(&[]), "");
    }

    #[test]
    fn creations_go_in_slow_start_batches() {
        assert_eq!(slow_start_batches(6), vec![1, 2, 3]);
        assert_eq!(slow_start_batches(0), Vec::<i64>::new());
    }
}
