//! go-yaml v2's `resolve.go`: which plain words read back as booleans, numbers, nulls or
//! timestamps, so that a string spelled like one must be quoted.

/// go-yaml v2 `resolve("", s)` returns the `!!str` tag.
pub(super) fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: [&str; 35] = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "-.inf", "+.inf",
    ];
    const MORE_INF: [&str; 4] = ["+.Inf", "+.INF", "-.Inf", "-.INF"];
    // Every special word is at most 6 bytes long.
    if s.len() <= 6 && (SPECIAL.contains(&s) || MORE_INF.contains(&s)) {
        return false;
    }
    let Some(first) = s.bytes().next() else {
        return false;
    };
    match first {
        b'.' => !is_dot_float(s),
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            !(is_go_int(&plain) || is_yaml_style_float(&plain) || is_binary_int(&plain))
        }
        _ => true,
    }
}

/// `strconv.ParseFloat` of a string starting with `.`: `.5`, `.5e3` (finite only).
fn is_dot_float(s: &str) -> bool {
    is_yaml_style_float(s) && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Digits of `s` in `radix`, fitting in a u64.
fn fits_u64(s: &str, radix: u32) -> bool {
    !s.is_empty() && u64::from_str_radix(s, radix).is_ok()
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds.
fn is_go_int(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    if !fits_u64(digits, radix) {
        return false;
    }
    let v = u64::from_str_radix(digits, radix).unwrap_or(u64::MAX);
    if neg {
        v <= 1u64 << 63
    } else {
        true
    }
}

/// go-yaml's extra `0b…` / `-0b…` integer forms.
fn is_binary_int(s: &str) -> bool {
    s.strip_prefix("0b")
        .or_else(|| s.strip_prefix("-0b"))
        .is_some_and(|d| fits_u64(d, 2))
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, and finite.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let count_digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    if b.get(i) == Some(&b'.') {
        let n = count_digits(i + 1);
        if n == 0 {
            return false;
        }
        i += 1 + n;
    } else {
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
        if b.get(i) == Some(&b'.') {
            i += 1 + count_digits(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub(super) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let start = i + 1;
        let n = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        // [0-5]?[0-9]: one digit, or two digits whose first is 0-5.
        let take = match n {
            0 => return false,
            1 => 1,
            _ if b[start] <= b'5' => 2,
            _ => 1,
        };
        i = start + take;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Read 1–2 digits (Go's `getnum(value, false)`).
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut v = u32::from(d0 - b'0');
    if let Some(&d1) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        *i += 1;
        v = v * 10 + u32::from(d1 - b'0');
    }
    Some(v)
}

/// go-yaml v2 `parseTimestamp`: the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with
/// `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2` as Go's `time.Parse` accepts them.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: i64 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = getnum(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b'-') || !(1..=12).contains(&month) {
        return false;
    }
    i += 1;
    let Some(day) = getnum(b, &mut i) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let dim = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > dim {
        return false;
    }
    let with_zone = match b.get(i) {
        None => return true,
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    i += 1;
    let time_ok = getnum(b, &mut i).is_some_and(|h| h < 24)
        && b.get(i) == Some(&b':')
        && {
            i += 1;
            getnum(b, &mut i).is_some_and(|m| m < 60)
        }
        && b.get(i) == Some(&b':')
        && {
            i += 1;
            getnum(b, &mut i).is_some_and(|s| s < 60)
        };
    if !time_ok {
        return false;
    }
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let mut n = 0;
        while n < 9 && b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            n += 1;
        }
    }
    if !with_zone {
        return i == b.len();
    }
    match &b[i..] {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}
