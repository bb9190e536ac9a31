//! resource.Quantity values the scheduler compares: cpu in millicores, memory in bytes.

/// Parses a quantity into its value times `scale` (1000 for cpu millicores, 1 for bytes),
/// rounded up as `resource.Quantity` rounds (`MilliValue`, `Value`). Exact decimal
/// arithmetic: `0.7` cpu is 700m, never 701m from a float's last bit.
pub fn parse(q: &str, scale: f64) -> Option<i64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    // `1e3`: a decimal exponent rather than the `E` (exa) suffix.
    let (mut exp10, exp2): (i32, u32) = match suffix {
        "" => (0, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        e => (e.strip_prefix(['e', 'E'])?.parse().ok()?, 0),
    };
    let num = num.strip_prefix('+').unwrap_or(num);
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let digits = format!("{int}{frac}");
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i128 = digits.parse().ok()?;
    exp10 -= frac.len() as i32;
    if scale == 1000.0 {
        exp10 += 3;
    }
    value = value.checked_mul(1i128.checked_shl(exp2)?)?;
    while exp10 > 0 {
        value = value.checked_mul(10)?;
        exp10 -= 1;
    }
    if exp10 < 0 {
        let div = 10i128.checked_pow(exp10.unsigned_abs())?;
        value = (value + div - 1) / div;
    }
    (value < 9_000_000_000_000_000_000).then_some(value as i64)
}

pub fn cpu_millis(q: &serde_json::Value) -> Option<i64> {
    match q {
        serde_json::Value::String(s) => parse(s, 1000.0),
        serde_json::Value::Number(n) => n.as_f64().map(|f| (f * 1000.0).ceil() as i64),
        _ => None,
    }
}

pub fn bytes(q: &serde_json::Value) -> Option<i64> {
    match q {
        serde_json::Value::String(s) => parse(s, 1.0),
        serde_json::Value::Number(n) => n.as_f64().map(|f| f as i64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_quantities_parse_in_their_units() {
        assert_eq!(parse("250m", 1000.0), Some(250));
        assert_eq!(parse("2", 1000.0), Some(2000));
        assert_eq!(parse("0.5", 1000.0), Some(500));
        assert_eq!(parse("128Mi", 1.0), Some(134_217_728));
        assert_eq!(parse("1G", 1.0), Some(1_000_000_000));
        assert_eq!(parse("lots", 1.0), None);
    }

    #[test]
    fn decimal_fractions_are_exact_and_round_up() {
        assert_eq!(parse("700m", 1000.0), Some(700));
        assert_eq!(parse("0.7", 1000.0), Some(700));
        assert_eq!(parse("1.5Gi", 1.0), Some(1_610_612_736));
        assert_eq!(parse("1e3", 1.0), Some(1000));
        assert_eq!(parse("1E", 1.0), Some(1_000_000_000_000_000_000));
        assert_eq!(parse("100m", 1.0), Some(1));
        assert_eq!(parse("-1", 1.0), None);
    }
}
