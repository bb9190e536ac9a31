//! Where the time bar's step button goes, and how the bar counts down to the next CronJob
//! run. Pure, so compiled everywhere and tested natively.

/// How much virtual time the step button advances when no event is pending, in ms.
pub const STEP_MS: u64 = 1_000;
/// The farthest one press goes to reach an ordinary event. Past a minute the pending
/// event is a back-off, a deadline or a TTL the learner did not ask to skip to, and a
/// press that jumps minutes unannounced loses what they were watching (ages, restarts).
pub const MAX_STEP_MS: u64 = 60 * STEP_MS;

/// Virtual milliseconds one press advances: to the next pending event (`next_event_in`),
/// one second when none is pending, at most [`MAX_STEP_MS`] — unless the next CronJob run
/// (`next_run_in`, announced on the bar) comes by that event: the press then goes all the
/// way, so one press starts the CronJob's Job however far its schedule is.
pub fn step_ms(next_event_in: Option<u64>, next_run_in: Option<u64>) -> u64 {
    let Some(gap) = next_event_in.filter(|g| *g > 0) else {
        return STEP_MS;
    };
    // The controller wakes shortly after the schedule time, so the run's event is the
    // first at or after it.
    if gap <= MAX_STEP_MS || next_run_in.is_some_and(|run| run <= gap) {
        gap
    } else {
        MAX_STEP_MS
    }
}

/// A countdown as the bar shows it: `42s`, `4m05s`, `18h00m`, `3d04h` (rounded up to
/// the second, so it never reads `0s` before the run).
pub fn countdown(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{s}s")
    }
}

/// The name the bar shows for a `namespace/name` key: the bare name in `default`.
pub fn short_name(key: &str) -> &str {
    key.strip_prefix("default/").unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_press_goes_to_the_next_event_when_it_is_within_a_minute() {
        assert_eq!(step_ms(Some(2_500), None), 2_500);
        assert_eq!(step_ms(Some(60_000), Some(300_000)), 60_000);
    }

    #[test]
    fn with_nothing_pending_a_press_is_one_second() {
        assert_eq!(step_ms(None, None), STEP_MS);
        assert_eq!(step_ms(Some(0), None), STEP_MS);
    }

    #[test]
    fn a_far_event_that_is_no_cronjob_run_is_reached_a_minute_at_a_time() {
        // A 5-minute back-off: the press stops after a minute.
        assert_eq!(step_ms(Some(300_000), None), MAX_STEP_MS);
        // A CronJob run after that event does not lift the cap either.
        assert_eq!(step_ms(Some(300_000), Some(600_000)), MAX_STEP_MS);
    }

    #[test]
    fn one_press_reaches_the_next_cronjob_run_however_far() {
        // Created at 0 s, `*/1 * * * *`: the run is at 60 s, the controller wakes at 60.1 s.
        assert_eq!(step_ms(Some(60_100), Some(60_000)), 60_100);
        // A daily schedule, 18 hours ahead.
        assert_eq!(step_ms(Some(64_800_100), Some(64_800_000)), 64_800_100);
    }

    #[test]
    fn an_earlier_event_comes_before_the_run() {
        assert_eq!(step_ms(Some(30_000), Some(60_000)), 30_000);
    }

    /// The jobs-cronjobs lesson's step, as the page runs it: one press after creating the
    /// CronJob, and `kubectl get jobs` lists its first Job.
    #[test]
    fn in_the_lesson_one_press_starts_the_cronjob_s_first_job() {
        let mut s = crate::kubectl::Session::new(3, 1);
        s.submit(
            "kubectl create cronjob hello --image=busybox:1.36 --schedule='*/1 * * * *' -- date",
        );
        let run_in = s.next_cronjob_run().map(|(key, at)| {
            assert_eq!(key, "default/hello");
            at - s.now_ms()
        });
        let press = step_ms(s.next_event_in_ms(), run_in);
        // Created at the start, it runs at 60 s and its Job starts at 60.1 s: past the cap.
        assert_eq!(press, MAX_STEP_MS + 100);
        s.tick(press);
        let out = s.submit("kubectl get jobs -o name");
        let text: String = out.iter().map(|l| format!("{l:?}")).collect();
        assert!(text.contains("job.batch/hello-"), "{text}");
    }

    #[test]
    fn countdowns_are_short_and_never_zero() {
        assert_eq!(countdown(42_000), "42s");
        assert_eq!(countdown(41_001), "42s");
        assert_eq!(countdown(1), "1s");
        assert_eq!(countdown(245_000), "4m05s");
        assert_eq!(countdown(64_800_000), "18h00m");
        assert_eq!(countdown(3 * 86_400_000 + 4 * 3_600_000), "3d04h");
    }

    #[test]
    fn the_default_namespace_is_left_out_of_the_name() {
        assert_eq!(short_name("default/hello"), "hello");
        assert_eq!(short_name("batch/nightly"), "batch/nightly");
    }
}
