//! Wall-clock formats of Kubernetes objects, on virtual time.
//!
//! Times are Unix epoch milliseconds (`i64`); all arithmetic is integer-only so the
//! engine stays deterministic and wasm-safe.

const MS_PER_DAY: i64 = 86_400_000;

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    /// 0 = Sunday.
    weekday: u32,
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian calendar.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil(ms: i64) -> Civil {
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (in_day / 3_600_000) as u32,
        minute: (in_day / 60_000 % 60) as u32,
        second: (in_day / 1000 % 60) as u32,
        millis: (in_day % 1000) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// metav1.Time in JSON/YAML: `2025-10-14T09:12:03Z` (seconds precision, UTC).
pub fn format_rfc3339(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// metav1.MicroTime: `2025-10-14T09:12:03.123000Z` (always six fraction digits).
pub fn format_rfc3339_micro(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// Go's `time.RFC1123Z` in UTC, as `kubectl describe` prints: `Tue, 14 Oct 2025 09:12:03 +0000`.
pub fn format_rfc1123z(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(ms);
    let day_name = DAYS.get(c.weekday as usize).copied().unwrap_or("???");
    let month_name = MONTHS
        .get((c.month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("???");
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        day_name, c.day, month_name, c.year, c.hour, c.minute, c.second
    )
}

/// What `date` prints in a container (busybox and coreutils in UTC):
/// `Tue Oct 14 09:12:03 UTC 2025`.
pub fn format_date_command(ms: i64) -> String {
    // From the RFC 1123 form: "Tue, 14 Oct 2025 09:12:03 +0000".
    let r = format_rfc1123z(ms);
    let parts: Vec<&str> = r.split_whitespace().collect();
    match parts.as_slice() {
        [day, d, mon, year, time, _] => format!(
            "{} {mon} {:>2} {time} UTC {year}",
            day.trim_end_matches(','),
            d.trim_start_matches('0')
        ),
        _ => r,
    }
}

/// Parse exactly `n` ASCII digits.
fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n {
        return None;
    }
    s[..n].iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parse RFC 3339 (`2025-10-14T09:12:03Z`, `…03.5+02:00`) into epoch milliseconds.
/// Fractions beyond milliseconds are truncated.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let year = digits(b, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return None;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let month = digits(b.get(5..)?, 2)?;
    let day = digits(b.get(8..)?, 2)?;
    let hour = digits(b.get(11..)?, 2)?;
    let minute = digits(b.get(14..)?, 2)?;
    let second = digits(b.get(17..)?, 2)?;
    let year = i64::from(year);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = b.get(19..)?;
    let mut millis = 0i64;
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, &d) in rest[1..=n].iter().enumerate() {
            if i < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
        }
        for _ in n..3 {
            millis *= 10;
        }
        rest = &rest[n + 1..];
    }
    let offset_ms = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = i64::from(digits(&[*h1, *h2], 2)?);
            let om = i64::from(digits(&[*m1, *m2], 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = (oh * 60 + om) * 60_000;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let local = days * MS_PER_DAY
        + i64::from(hour) * 3_600_000
        + i64::from(minute) * 60_000
        + i64::from(second) * 1000
        + millis;
    Some(local - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-10-14T09:12:03Z.
    const T: i64 = 1_760_433_123_000;

    #[test]
    fn rfc3339_has_seconds_precision_in_utc() {
        assert_eq!(format_rfc3339(T), "2025-10-14T09:12:03Z");
        assert_eq!(format_rfc3339(T + 999), "2025-10-14T09:12:03Z");
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn date_prints_like_the_date_command() {
        assert_eq!(format_date_command(T), "Tue Oct 14 09:12:03 UTC 2025");
    }

    #[test]
    fn micro_time_always_has_six_fraction_digits() {
        assert_eq!(format_rfc3339_micro(T + 123), "2025-10-14T09:12:03.123000Z");
        assert_eq!(format_rfc3339_micro(T), "2025-10-14T09:12:03.000000Z");
    }

    #[test]
    fn rfc1123z_is_what_describe_prints() {
        assert_eq!(format_rfc1123z(T), "Tue, 14 Oct 2025 09:12:03 +0000");
        assert_eq!(format_rfc1123z(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            format_rfc1123z(parse_rfc3339("2024-02-29T23:59:59Z").unwrap_or(0)),
            "Thu, 29 Feb 2024 23:59:59 +0000"
        );
    }

    #[test]
    fn parse_accepts_zulu_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("2025-10-14T09:12:03Z"), Some(T));
        assert_eq!(parse_rfc3339("2025-10-14T11:12:03+02:00"), Some(T));
        assert_eq!(parse_rfc3339("2025-10-14T08:42:03-00:30"), Some(T));
        assert_eq!(parse_rfc3339("2025-10-14T09:12:03.123456Z"), Some(T + 123));
        assert_eq!(parse_rfc3339("2025-10-14T09:12:03.5Z"), Some(T + 500));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1000));
    }

    #[test]
    fn parse_rejects_malformed_times() {
        for bad in [
            "",
            "2025-10-14",
            "2025-10-14 09:12:03Z",
            "2025-13-14T09:12:03Z",
            "2025-02-30T09:12:03Z",
            "2025-10-14T24:00:00Z",
            "2025-10-14T09:12:03",
            "2025-10-14T09:12:03.Z",
            "2025-10-14T09:12:03+0200",
            "2025-10-14T09:12:03Zjunk",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatting_round_trips_through_parsing() {
        for ms in [0, T, -86_400_000, 253_402_300_799_000] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
    }
}
