//! The CronJob controller's policy (`utils.go`: `mostRecentScheduleTime`,
//! `nextScheduleTimeDuration`, `getJobName`; `cleanupFinishedJobs`), pure.

use super::schedule::Schedule;
use crate::engine::clock::Millis;

/// `nextScheduleDelta`: the controller wakes 100 ms after a schedule time.
pub const NEXT_SCHEDULE_DELTA_MS: Millis = 100;

/// How many schedule times passed unmet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    None,
    Few,
    /// More than 100: `TooManyMissedTimes`.
    Many,
}

/// `mostRecentScheduleTime`: from the last schedule time (or the creation time), moved
/// up to `now − startingDeadlineSeconds` when `with_deadline`, the latest schedule time
/// not after `now`. Returns `(earliest, most recent, missed)`.
pub fn most_recent(
    schedule: &Schedule,
    created: Millis,
    last_scheduled: Option<Millis>,
    starting_deadline_seconds: Option<i64>,
    with_deadline: bool,
    now: Millis,
) -> Result<(Millis, Option<Millis>, Missed), String> {
    let mut earliest = last_scheduled.unwrap_or(created);
    if let Some(d) = starting_deadline_seconds.filter(|_| with_deadline) {
        earliest = earliest.max(now - d * 1000);
    }
    let invalid = || "time difference between two schedules is less than 1 second".to_string();
    let Some(t1) = schedule.next(earliest) else {
        return Err(invalid());
    };
    if now < t1 {
        return Ok((earliest, None, Missed::None));
    }
    let Some(t2) = schedule.next(t1) else {
        return Err(invalid());
    };
    if now < t2 {
        return Ok((earliest, Some(t1), Missed::None));
    }
    let between = (t2 - t1 + 500) / 1000;
    if between < 1 {
        return Err(invalid());
    }
    let elapsed = (now - t1) / 1000;
    let missed = elapsed / between + 1;
    let mut t = t1 + (missed - 2) * between * 1000;
    let mut recent = None;
    while let Some(n) = schedule.next(t).filter(|n| *n <= now) {
        recent = Some(n);
        t = n;
    }
    let missed = if missed > 100 {
        Missed::Many
    } else {
        Missed::Few
    };
    Ok((earliest, recent, missed))
}

/// `nextScheduleTimeDuration`: how long until the controller should look again.
pub fn next_delay(
    schedule: &Schedule,
    created: Millis,
    last_scheduled: Option<Millis>,
    now: Millis,
) -> Option<Millis> {
    let from = match most_recent(schedule, created, last_scheduled, None, false, now) {
        Err(_) => now,
        Ok((_, Some(recent), _)) => recent,
        Ok((earliest, None, Missed::None)) => earliest,
        Ok((_, None, _)) => now,
    };
    schedule
        .next(from)
        .map(|t| t + NEXT_SCHEDULE_DELTA_MS - now)
}

/// `getJobName`: `<cronjob>-<scheduled time in minutes since the epoch>`.
pub fn job_name(cronjob: &str, scheduled: Millis) -> String {
    format!("{cronjob}-{}", scheduled.div_euclid(60_000))
}

/// `removeOldestJobs`: of finished jobs `(name, start time)`, the oldest beyond `limit`.
pub fn oldest_beyond(mut finished: Vec<(String, Option<Millis>)>, limit: i64) -> Vec<String> {
    let extra = finished.len() as i64 - limit.max(0);
    if extra <= 0 {
        return Vec::new();
    }
    // `byJobStartTime`: jobs without a start time sort last, then by name.
    crate::sort::sort_by(&mut finished, |a, b| match (a.1, b.1) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        _ => a.0.cmp(&b.0),
    });
    finished
        .into_iter()
        .take(extra as usize)
        .map(|(n, _)| n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::schedule::parse;
    use super::*;

    const MIN: Millis = 60_000;

    #[test]
    fn the_latest_unmet_time_is_found_and_names_the_job_in_minutes_since_the_epoch() {
        let s = parse("* * * * *", 0).unwrap();
        let created = 1_000 * MIN + 5_000;
        assert_eq!(
            most_recent(&s, created, None, None, true, 1_000 * MIN + 50_000),
            Ok((created, None, Missed::None))
        );
        assert_eq!(
            most_recent(&s, created, None, None, true, 1_001 * MIN + 100),
            Ok((created, Some(1_001 * MIN), Missed::None))
        );
        assert_eq!(
            most_recent(&s, created, None, None, true, 1_004 * MIN + 100),
            Ok((created, Some(1_004 * MIN), Missed::Few))
        );
        assert_eq!(job_name("hello", 1_001 * MIN), "hello-1001");
    }

    #[test]
    fn a_starting_deadline_skips_what_is_too_old_and_many_misses_are_flagged() {
        let s = parse("* * * * *", 0).unwrap();
        let (earliest, _, _) = most_recent(&s, 0, None, Some(30), true, 500 * MIN).unwrap();
        assert_eq!(earliest, 500 * MIN - 30_000);
        assert_eq!(
            most_recent(&s, 0, None, None, true, 500 * MIN).map(|r| r.2),
            Ok(Missed::Many)
        );
    }

    #[test]
    fn the_controller_looks_again_just_after_the_next_schedule_time() {
        let s = parse("*/5 * * * *", 0).unwrap();
        assert_eq!(
            next_delay(&s, 0, Some(5 * MIN), 6 * MIN),
            Some(4 * MIN + 100)
        );
        assert_eq!(next_delay(&s, 3 * MIN, None, 3 * MIN), Some(2 * MIN + 100));
    }

    #[test]
    fn history_keeps_the_newest_finished_jobs() {
        let jobs = vec![
            ("c".to_string(), Some(3)),
            ("a".to_string(), Some(1)),
            ("b".to_string(), Some(2)),
        ];
        assert_eq!(oldest_beyond(jobs.clone(), 1), vec!["a", "b"]);
        assert_eq!(oldest_beyond(jobs, 3), Vec::<String>::new());
    }
}
