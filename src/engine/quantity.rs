//! resource.Quantity values the scheduler compares: cpu in millicores, memory in bytes.

/// Parses a quantity into its value times `scale` (1000 for cpu millicores, 1 for bytes).
pub fn parse(q: &str, scale: f64) -> Option<i64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0f64.powi(4),
        _ => return None,
    };
    let v = n * mult * scale;
    (v.is_finite() && (0.0..9.0e18).contains(&v)).then_some(v.ceil() as i64)
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
}
