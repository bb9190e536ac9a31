//! Cron schedules as the CronJob controller reads them (`cron.ParseStandard` of
//! robfig/cron v3): five fields (minute, hour, day of month, month, day of week) with
//! `*`, `?`, ranges, steps, lists and names, or a descriptor (`@hourly`, `@every 90s`),
//! and `Next`, the first activation after a time.
//!
//! Time zones: UTC, `Etc/GMT±N` and the zones without daylight saving in [`ZONES`]; the
//! playground carries no tz database, and a zone it does not know is reported as such.

use crate::engine::clock::Millis;
use crate::engine::time::{civil_from_days, days_from_civil};

const MS_PER_MINUTE: i64 = 60_000;

/// Zones without daylight saving time, by their offset east of UTC in minutes.
pub const ZONES: &[(&str, i64)] = &[
    ("UTC", 0),
    ("Etc/UTC", 0),
    ("GMT", 0),
    ("Etc/GMT", 0),
    ("Etc/Universal", 0),
    ("Universal", 0),
    ("Zulu", 0),
    ("Asia/Taipei", 480),
    ("Asia/Shanghai", 480),
    ("Asia/Hong_Kong", 480),
    ("Asia/Singapore", 480),
    ("Asia/Manila", 480),
    ("Asia/Tokyo", 540),
    ("Asia/Seoul", 540),
    ("Asia/Kolkata", 330),
    ("Asia/Calcutta", 330),
    ("Asia/Jakarta", 420),
    ("Asia/Bangkok", 420),
    ("Asia/Ho_Chi_Minh", 420),
    ("Asia/Dubai", 240),
    ("Africa/Nairobi", 180),
    ("Africa/Lagos", 60),
    ("America/Sao_Paulo", -180),
    ("America/Argentina/Buenos_Aires", -180),
    ("America/Phoenix", -420),
    ("Pacific/Honolulu", -600),
    ("Australia/Brisbane", 600),
];

/// The names of the IANA time zone database (as Go's `time.LoadLocation` knows them),
/// one a line: what the API server accepts as `timeZone`.
const ZONE_NAMES: &str = include_str!("zone_names.txt");

/// `time.LoadLocation` succeeds: `UTC`, or a name in the time zone database.
pub fn zone_exists(zone: &str) -> bool {
    zone == "UTC" || ZONE_NAMES.lines().any(|z| z == zone)
}

/// The offset east of UTC, in minutes, of a zone the playground knows.
pub fn zone_offset(zone: &str) -> Option<i64> {
    if let Some((_, off)) = ZONES.iter().find(|(z, _)| *z == zone) {
        return Some(*off);
    }
    // `Etc/GMT+5` is five hours *west* of Greenwich (POSIX sign convention).
    let rest = zone.strip_prefix("Etc/GMT")?;
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (-1, &rest[1..]),
        b'-' => (1, &rest[1..]),
        _ => return None,
    };
    let hours: i64 = digits.parse().ok()?;
    let max = if sign < 0 { 12 } else { 14 };
    (digits.len() <= 2 && (0..=max).contains(&hours)).then_some(sign * hours * 60)
}

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Spec(Spec),
    /// `@every DURATION`: a constant delay, whole seconds, at least one.
    Every(Millis),
}

/// The five fields as bit sets, and whether day of month / day of week were `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
    /// Minutes east of UTC the fields are read in.
    offset_minutes: i64,
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

fn parse_int(expr: &str) -> Result<u32, String> {
    let n: i64 = expr.parse().map_err(|_| {
        format!("failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": invalid syntax")
    })?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    u32::try_from(n).map_err(|_| {
        format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": value out of range"
        )
    })
}

fn parse_int_or_name(expr: &str, b: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        return Ok(i as u32 + if b.min == 1 { 1 } else { 0 });
    }
    parse_int(expr)
}

/// `getRange`: one comma-separated part of a field. Returns its bits and whether it was
/// a star without a step.
fn get_range(expr: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let (start, mut end, mut star) = if low_high[0] == "*" || low_high[0] == "?" {
        (b.min, b.max, true)
    } else {
        let start = parse_int_or_name(low_high[0], b)?;
        let end = match low_high.len() {
            1 => start,
            2 => parse_int_or_name(low_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end, false)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_int(range_and_step[1])?;
            if single {
                end = b.max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let bits = (start..=end)
        .step_by(step as usize)
        .fold(0u64, |acc, i| acc | 1 << i);
    Ok((bits, star))
}

fn get_field(field: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let mut bits = 0;
    let mut star = false;
    for part in field.split(',') {
        let (b2, s) = get_range(part, b)?;
        bits |= b2;
        star |= s;
    }
    Ok((bits, star))
}

/// Go's `time.ParseDuration` for what `@every` takes: `1h30m`, `90s`, `2.5m`.
fn parse_duration(text: &str) -> Result<Millis, String> {
    let err =
        || format!("failed to parse duration @every {text}: time: invalid duration \"{text}\"");
    if text.is_empty() {
        return Err(err());
    }
    let (mut total, mut rest) = (0f64, text);
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(err)?;
        if num_len == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1000.0,
            "ms" => 1.0,
            "us" | "µs" => 0.001,
            "ns" => 0.000_001,
            _ => return Err(err()),
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Ok(total as Millis)
}

/// `cron.ParseStandard`, with the CronJob's time zone (`None`: UTC, the controller's).
pub fn parse(spec: &str, offset_minutes: i64) -> Result<Schedule, String> {
    let mut spec = spec.trim();
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut offset_minutes = offset_minutes;
    // A `TZ=` or `CRON_TZ=` prefix names the zone (the API server refuses it in new
    // CronJobs, but the parser reads it).
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let (zone_part, rest) = spec.split_once(' ').unwrap_or((spec, ""));
        let zone = zone_part.split_once('=').map_or("", |(_, z)| z);
        if !zone_exists(zone) {
            return Err(format!(
                "provided bad location {zone}: unknown time zone {zone}"
            ));
        }
        offset_minutes = zone_offset(zone).unwrap_or(0);
        spec = rest.trim();
    }
    if let Some(d) = spec.strip_prefix('@') {
        let five = |m: &str, h: &str, dom: &str, mon: &str, dow: &str| {
            parse(&format!("{m} {h} {dom} {mon} {dow}"), offset_minutes)
        };
        return match d {
            "yearly" | "annually" => five("0", "0", "1", "1", "*"),
            "monthly" => five("0", "0", "1", "*", "*"),
            "weekly" => five("0", "0", "*", "*", "0"),
            "daily" | "midnight" => five("0", "0", "*", "*", "*"),
            "hourly" => five("0", "*", "*", "*", "*"),
            _ => match d.strip_prefix("every ") {
                Some(dur) => {
                    let ms = parse_duration(dur.trim())?;
                    Ok(Schedule::Every((ms / 1000 * 1000).max(1000)))
                }
                None => Err(format!("unrecognized descriptor: {spec}")),
            },
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    let (minute, _) = get_field(fields[0], &MINUTES)?;
    let (hour, _) = get_field(fields[1], &HOURS)?;
    let (dom, dom_star) = get_field(fields[2], &DOM)?;
    let (month, _) = get_field(fields[3], &MONTHS)?;
    let (dow, dow_star) = get_field(fields[4], &DOW)?;
    Ok(Schedule::Spec(Spec {
        minute,
        hour,
        dom,
        month,
        dow,
        dom_star,
        dow_star,
        offset_minutes,
    }))
}

fn has(bits: u64, i: u32) -> bool {
    bits & (1 << i) != 0
}

impl Spec {
    /// `dayMatches`: with a `*` in either day field both must match, else either.
    fn day_matches(&self, day: u32, weekday: u32) -> bool {
        let dom = has(self.dom, day);
        let dow = has(self.dow, weekday);
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }
}

impl Schedule {
    /// `Schedule.Next`: the first activation strictly after `t`, or `None` when there is
    /// none within five years (`31 2 *`: February never has a 31st).
    pub fn next(&self, t: Millis) -> Option<Millis> {
        let s = match self {
            Schedule::Every(delay) => return Some(t - t.rem_euclid(1000) + delay),
            Schedule::Spec(s) => s,
        };
        let offset = s.offset_minutes * MS_PER_MINUTE;
        // Local wall time, in whole minutes: the first candidate is the next minute.
        let mut m = (t + offset).div_euclid(MS_PER_MINUTE) + 1;
        let (start_year, _, _) = civil_from_days(m.div_euclid(1440));
        loop {
            let days = m.div_euclid(1440);
            let (year, month, day) = civil_from_days(days);
            if year > start_year + 5 {
                return None;
            }
            if !has(s.month, month) {
                let (y, mo) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                m = days_from_civil(y, mo, 1) * 1440;
                continue;
            }
            let weekday = (days + 4).rem_euclid(7) as u32;
            if !s.day_matches(day, weekday) {
                m = (days + 1) * 1440;
                continue;
            }
            let in_day = m.rem_euclid(1440);
            let (hour, minute) = ((in_day / 60) as u32, (in_day % 60) as u32);
            if !has(s.hour, hour) {
                m = days * 1440 + (i64::from(hour) + 1) * 60;
                continue;
            }
            if !has(s.minute, minute) {
                m += 1;
                continue;
            }
            return Some(m * MS_PER_MINUTE - offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{format_rfc3339, parse_rfc3339};

    fn next(spec: &str, after: &str) -> String {
        let s = parse(spec, 0).unwrap();
        format_rfc3339(s.next(parse_rfc3339(after).unwrap()).unwrap())
    }

    #[test]
    fn every_minute_fires_at_the_next_whole_minute() {
        assert_eq!(
            next("* * * * *", "2025-10-14T09:00:00Z"),
            "2025-10-14T09:01:00Z"
        );
        assert_eq!(
            next("* * * * *", "2025-10-14T09:00:59Z"),
            "2025-10-14T09:01:00Z"
        );
    }

    #[test]
    fn steps_ranges_lists_and_names_pick_the_right_minutes_and_days() {
        assert_eq!(
            next("*/15 * * * *", "2025-10-14T09:01:00Z"),
            "2025-10-14T09:15:00Z"
        );
        assert_eq!(
            next("5-10/5 * * * *", "2025-10-14T09:06:00Z"),
            "2025-10-14T09:10:00Z"
        );
        assert_eq!(
            next("0 9,17 * * *", "2025-10-14T09:00:00Z"),
            "2025-10-14T17:00:00Z"
        );
        // 2025-10-14 is a Tuesday.
        assert_eq!(
            next("30 6 * * mon-fri", "2025-10-17T07:00:00Z"),
            "2025-10-20T06:30:00Z"
        );
        assert_eq!(
            next("0 0 1 JAN *", "2025-10-14T09:00:00Z"),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            next("0 0 29 2 *", "2025-03-01T00:00:00Z"),
            "2028-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_restricted_day_of_month_or_day_of_week_matches_either() {
        // The 13th, or any Friday: Friday 2025-10-17 comes first.
        assert_eq!(
            next("0 0 13 * 5", "2025-10-14T00:00:00Z"),
            "2025-10-17T00:00:00Z"
        );
        // With a star in the other day field, only the 13th.
        assert_eq!(
            next("0 0 13 * *", "2025-10-14T00:00:00Z"),
            "2025-11-13T00:00:00Z"
        );
        // `*/1` is still a star, `*/2` is not: every other day of month, or a Friday.
        assert_eq!(
            next("0 0 */1 * 5", "2025-10-14T00:00:00Z"),
            "2025-10-17T00:00:00Z"
        );
        assert_eq!(
            next("0 0 */2 * 5", "2025-10-14T00:00:00Z"),
            "2025-10-15T00:00:00Z"
        );
    }

    #[test]
    fn descriptors_and_every() {
        assert_eq!(
            next("@hourly", "2025-10-14T09:10:00Z"),
            "2025-10-14T10:00:00Z"
        );
        assert_eq!(
            next("@daily", "2025-10-14T09:10:00Z"),
            "2025-10-15T00:00:00Z"
        );
        assert_eq!(
            next("@weekly", "2025-10-14T09:10:00Z"),
            "2025-10-19T00:00:00Z"
        );
        assert_eq!(
            next("@every 1m30s", "2025-10-14T09:10:00Z"),
            "2025-10-14T09:11:30Z"
        );
    }

    #[test]
    fn a_time_zone_shifts_the_wall_clock_the_fields_are_read_in() {
        let taipei = parse("0 9 * * *", zone_offset("Asia/Taipei").unwrap()).unwrap();
        let t = taipei
            .next(parse_rfc3339("2025-10-14T00:00:00Z").unwrap())
            .unwrap();
        assert_eq!(format_rfc3339(t), "2025-10-14T01:00:00Z");
        assert_eq!(zone_offset("Etc/GMT+5"), Some(-300));
        assert_eq!(zone_offset("America/New_York"), None);
        assert!(zone_exists("America/New_York") && !zone_exists("Mars/Olympus"));
        let tz = parse("TZ=Asia/Tokyo 0 9 * * *", 0).unwrap();
        let t = tz
            .next(parse_rfc3339("2025-10-14T01:00:00Z").unwrap())
            .unwrap();
        assert_eq!(format_rfc3339(t), "2025-10-15T00:00:00Z");
    }

    #[test]
    fn bad_schedules_get_the_parsers_messages() {
        assert_eq!(
            parse("bad", 0).unwrap_err(),
            "expected exactly 5 fields, found 1: [bad]"
        );
        assert_eq!(
            parse("60 * * * *", 0).unwrap_err(),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            parse("x * * * *", 0).unwrap_err(),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse("@often", 0).unwrap_err(),
            "unrecognized descriptor: @often"
        );
        assert_eq!(
            parse("5-1 * * * *", 0).unwrap_err(),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(parse("0 0 31 2 *", 0).unwrap().next(0), None);
    }
}
