//! Duration formats: apimachinery's `HumanDuration` (AGE columns) and Go's
//! `time.Duration.String()` (e.g. `kubectl rollout status` timeouts, probe periods).

/// `duration.HumanDuration` of k8s.io/apimachinery for an elapsed time in milliseconds.
///
/// Seconds are truncated toward zero first, so anything above −2 s prints `0s`
/// (clock-skew tolerance) and anything at or below −2 s prints `<invalid>`.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        let d = hours / 24;
        return if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let y = hours / 24 / 365;
        let d = (hours / 24) % 365;
        return if d == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{d}d")
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Go's `time.Duration.String()` for a whole number of milliseconds
/// (`0s`, `300ms`, `1.234s`, `5m0s`, `1h0m0s`).
pub fn go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    if abs < 1000 {
        return format!("{sign}{abs}ms");
    }
    let millis = abs % 1000;
    let total_secs = abs / 1000;
    let secs = total_secs % 60;
    let total_mins = total_secs / 60;
    let mins = total_mins % 60;
    let hours = total_mins / 60;
    let mut seconds = secs.to_string();
    if millis != 0 {
        let frac = format!("{millis:03}");
        seconds.push('.');
        seconds.push_str(frac.trim_end_matches('0'));
    }
    if hours > 0 {
        format!("{sign}{hours}h{mins}m{seconds}s")
    } else if total_mins > 0 {
        format!("{sign}{mins}m{seconds}s")
    } else {
        format!("{sign}{seconds}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;
    const M: i64 = 60 * S;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;

    #[test]
    fn human_duration_follows_every_row_of_the_reference_table() {
        let cases = [
            (-2 * S, "<invalid>"),
            (-1999, "0s"),
            (-S, "0s"),
            (0, "0s"),
            (5 * S + 999, "5s"),
            (59 * S, "59s"),
            (119 * S, "119s"),
            (2 * M, "2m"),
            (4 * M + 44 * S, "4m44s"),
            (9 * M + 59 * S, "9m59s"),
            (10 * M + 30 * S, "10m"),
            (64 * M, "64m"),
            (179 * M, "179m"),
            (3 * H, "3h"),
            (3 * H + 5 * M, "3h5m"),
            (7 * H + 59 * M, "7h59m"),
            (8 * H, "8h"),
            (23 * H, "23h"),
            (47 * H + 59 * M, "47h"),
            (2 * D, "2d"),
            (2 * D + 3 * H, "2d3h"),
            (7 * D + 23 * H, "7d23h"),
            (8 * D, "8d"),
            (45 * D, "45d"),
            (729 * D, "729d"),
            (730 * D, "2y"),
            (3 * 365 * D + 120 * D, "3y120d"),
            (9 * 365 * D, "9y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "for {ms} ms");
        }
    }

    #[test]
    fn go_duration_prints_like_time_duration_string() {
        let cases = [
            (0, "0s"),
            (300, "300ms"),
            (1234, "1.234s"),
            (1500, "1.5s"),
            (5 * M, "5m0s"),
            (10 * M + 500, "10m0.5s"),
            (H, "1h0m0s"),
            (H + 2 * M + 3 * S, "1h2m3s"),
            (-1500, "-1.5s"),
            (-300, "-300ms"),
        ];
        for (ms, want) in cases {
            assert_eq!(go_duration(ms), want, "for {ms} ms");
        }
    }
}
