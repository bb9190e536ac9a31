//! resource.Quantity: parsed as apimachinery parses it (`ParseQuantity`: a sign, digits,
//! a fraction, then a decimal SI suffix `n u m k M G T P E`, a binary one `Ki … Ei`, or
//! a decimal exponent `e3`/`E-3`), kept as an exact number of nano-units, and printed as
//! `Quantity.String()` prints it. The scheduler, quota, limit ranges, the kubelet's
//! stats and metrics-server all read quantities through it.

use std::fmt;

/// How a quantity is written, from its suffix (`Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `n`, `u`, `m`, none, `k` … `E`.
    DecimalSI,
    /// `Ki` … `Ei`.
    BinarySI,
    /// `e3`, `E-3`.
    DecimalExponent,
}

/// Why a text is not a quantity, in apimachinery's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    FormatWrong,
    Numeric,
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => {
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            }
            QuantityError::Numeric => "unable to parse quantity's numeric value",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

/// The largest binary quantity (`maxAllowed`: 2^63-1 units), in nano-units; past it,
/// and past what i128 nano-units hold (10^29 units), a quantity is capped here.
const MAX_NANOS: i128 = (i64::MAX as i128) * 1_000_000_000;

/// A quantity: its exact value in nano-units (values below 1n are rounded up to it, as
/// the parser rounds them), its format, and the text it was written as when that text
/// is already canonical (Go keeps it: `1e3` stays `1e3`, `+2` stays `+2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    /// The scale of Go's int64 form (`1500m` is 1500 at -3), `None` for the
    /// arbitrary-precision form.
    scale: Option<i32>,
    pub format: Format,
    kept: Option<String>,
}

/// `parseQuantityString`: (negative, numerator digits, fraction digits, suffix).
fn scan(s: &str) -> Result<(bool, &str, &str, &str), QuantityError> {
    let b = s.as_bytes();
    let mut pos = 0;
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'-' | b'+')) {
        pos = 1;
    }
    while pos < b.len() && b[pos] == b'0' {
        pos += 1;
    }
    if pos == b.len() {
        return Ok((negative, "0", "", ""));
    }
    let digits_from = |i: usize| i + b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let num_end = digits_from(pos);
    let num = if num_end == pos {
        "0"
    } else {
        &s[pos..num_end]
    };
    pos = num_end;
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        let end = digits_from(pos + 1);
        denom = &s[pos + 1..end];
        pos = end;
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    if digits_from(pos) != b.len() {
        return Err(QuantityError::FormatWrong);
    }
    Ok((negative, num, denom, &s[suffix_start..]))
}

/// `quantitySuffixer.interpret`: (base, exponent, format).
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ if suffix.len() > 1 && suffix.starts_with(['e', 'E']) => {
            Some((10, suffix[1..].parse().ok()?, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// `n` divided by 10^`places`, rounded away from zero.
fn div_up(n: i128, places: u32) -> i128 {
    let d = 10i128.pow(places);
    let q = n / d;
    if n % d == 0 {
        q
    } else {
        q + n.signum()
    }
}

impl Quantity {
    /// `resource.ParseQuantity` (surrounding spaces trimmed, as its JSON decoder does).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let (negative, num, denom, suffix) = scan(text)?;
        let (base, exponent, mut format) = interpret(suffix).ok_or(QuantityError::Suffix)?;
        let digits = format!("{num}{denom}");
        // The exact value, as digits × 10^exp10 × 2^exp2.
        let (exp10, exp2) = if base == 10 {
            (exponent - denom.len() as i32, 0)
        } else {
            (-(denom.len() as i32), exponent as u32)
        };
        let mantissa: i128 = match digits.trim_start_matches('0') {
            "" => 0,
            d if d.len() > 36 => return Ok(Quantity::capped(negative, format)),
            d => d.parse().map_err(|_| QuantityError::Numeric)?,
        };
        let Some(scaled) = mantissa.checked_mul(1i128 << exp2) else {
            return Ok(Quantity::capped(negative, format));
        };
        let shift = exp10 + 9;
        let magnitude = if shift >= 0 {
            match 10i128
                .checked_pow(shift as u32)
                .and_then(|p| scaled.checked_mul(p))
            {
                Some(n) => n,
                None => return Ok(Quantity::capped(negative, format)),
            }
        } else {
            div_up(scaled, shift.unsigned_abs()) // below 1n: rounded up to it
        };
        // Only a binary quantity is capped (`maxAllowed`); a decimal one is exact.
        let magnitude = if format == Format::BinarySI {
            magnitude.min(MAX_NANOS)
        } else {
            magnitude
        };
        // Go's int64 fast path (enough precision, no finer than 1n) keeps the text
        // when it is already canonical.
        let fast = match format {
            Format::BinarySI => denom.is_empty() && 15 - num.len() as i32 - exponent * 3 / 10 > 0,
            _ => 18 - (num.len() + denom.len()) as i32 >= 0,
        } && exp10 >= -9
            && digits
                .parse::<i64>()
                .is_ok_and(|v| v.checked_mul(1i64 << exp2).is_some());
        let shifted = digits.as_str();
        let kept = fast
            && match format {
                Format::BinarySI => exponent % 10 == 0 && mantissa & 7 != 0,
                _ => exp10 % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
            };
        if !fast && format == Format::BinarySI && magnitude < 1_000_000_000 && magnitude > 0 {
            format = Format::DecimalSI;
        }
        Ok(Quantity {
            nanos: if negative { -magnitude } else { magnitude },
            scale: fast.then_some(if base == 10 { exp10 } else { 0 }),
            format,
            kept: kept.then(|| text.to_string()),
        })
    }

    /// A computed quantity (`NewScaledQuantity(n, Nano)`, `NewQuantity(n, BinarySI)`):
    /// printed in its canonical form.
    pub fn from_nanos(nanos: i128, format: Format) -> Quantity {
        Quantity {
            nanos,
            scale: None,
            format,
            kept: None,
        }
    }

    fn capped(negative: bool, format: Format) -> Quantity {
        let max = if format == Format::BinarySI {
            MAX_NANOS
        } else {
            10i128.pow(38)
        };
        Quantity {
            nanos: if negative { -max } else { max },
            scale: None,
            format,
            kept: None,
        }
    }

    /// The value in nano-units (`1500m` is 1,500,000,000).
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// `MilliValue()`: thousandths, rounded up.
    pub fn milli_value(&self) -> i128 {
        div_up(self.nanos, 6)
    }

    /// `Value()`: whole units, rounded up.
    pub fn value(&self) -> i128 {
        div_up(self.nanos, 9)
    }

    /// `RoundUp(Milli)`, which the API server applies to every quantity of a core
    /// ResourceList it decodes (`1500n` is stored as `1m`); a text finer than that is
    /// not kept.
    pub fn round_up_milli(&mut self) {
        if self.scale.is_some_and(|s| s >= -3) {
            return;
        }
        self.kept = None;
        self.scale = None;
        self.nanos = div_up(self.nanos, 6) * 1_000_000;
    }

    /// `AsCanonicalBytes`: mantissa and a power of ten that is a multiple of three.
    fn canonical_decimal(&self) -> (i128, i32) {
        let mut n = self.nanos;
        let mut exp: i32 = -9;
        while n % 10 == 0 {
            n /= 10;
            exp += 1;
        }
        match exp.rem_euclid(3) {
            1 => (n.saturating_mul(10), exp - 1),
            2 => (n.saturating_mul(100), exp - 2),
            _ => (n, exp),
        }
    }
}

/// `Quantity.String()`: the kept text, or the canonical form (`500m`, `1k`, `10e3`,
/// `512Mi`; a BinarySI value below 1024 or with a fraction is written in decimal).
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = &self.kept {
            return f.write_str(text);
        }
        if self.nanos == 0 {
            return f.write_str("0");
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            let whole = self.nanos % 1_000_000_000 == 0;
            let small = self.nanos.abs() < 1024 * 1_000_000_000;
            if small || !whole {
                format = Format::DecimalSI;
            } else {
                let mut n = self.nanos / 1_000_000_000;
                let mut unit = 0;
                while n % 1024 == 0 && unit < 6 {
                    n /= 1024;
                    unit += 1;
                }
                return write!(f, "{n}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][unit]);
            }
        }
        let (n, exp) = self.canonical_decimal();
        if format == Format::DecimalExponent {
            return match exp {
                0 => write!(f, "{n}"),
                e => write!(f, "{n}e{e}"),
            };
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            e => return write!(f, "{n}e{e}"),
        };
        write!(f, "{n}{suffix}")
    }
}

/// A quantity's value times `scale` (1000 for cpu millicores, 1 for bytes), rounded up
/// as `MilliValue` and `Value` round; `None` for a text that is not a quantity or a
/// negative one (no request, limit or usage is).
pub fn parse(q: &str, scale: f64) -> Option<i64> {
    let q = Quantity::parse(q).ok()?;
    let v = if scale == 1000.0 {
        q.milli_value()
    } else {
        q.value()
    };
    (v >= 0).then(|| i64::try_from(v).ok()).flatten()
}

/// The stored form of a quantity of a core ResourceList (`0.5` → `500m`, `2048Mi` →
/// `2Gi`, `1e4` → `10e3`, `1500n` → `1m`; `1e3` and `+2` stay as written).
pub fn resource_list_form(text: &str) -> Result<String, QuantityError> {
    let mut q = Quantity::parse(text)?;
    q.round_up_milli();
    Ok(q.to_string())
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

    /// What the API server stores for each quantity of a pod's requests: checked against
    /// kube-apiserver 1.34 (`create --dry-run=server -o json`).
    #[test]
    fn resource_lists_are_stored_as_the_api_server_stores_them() {
        for (written, stored) in [
            ("0.5", "500m"),
            ("1000m", "1"),
            ("1e3", "1e3"),
            ("1E3", "1E3"),
            ("1e4", "10e3"),
            ("1500", "1500"),
            ("2048Mi", "2Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("100n", "1m"),
            ("1500n", "1m"),
            ("0.5m", "1m"),
            ("1u", "1m"),
            ("1000u", "1m"),
            ("0.1n", "1m"),
            ("1k", "1k"),
            ("1000k", "1M"),
            ("1e-3", "1e-3"),
            ("2.5e3", "2500"),
            ("1024", "1024"),
            ("1Ki", "1Ki"),
            ("1000Ki", "1000Ki"),
            ("0", "0"),
            ("0.0001", "1m"),
            ("12e-1", "1200e-3"),
            ("1.5e-9", "1e-3"),
            ("+2", "+2"),
            ("1000000", "1M"),
            ("3e6", "3e6"),
            ("5e1", "50"),
            ("0.3e2", "30"),
            ("1024Mi", "1Gi"),
            ("1536Ki", "1536Ki"),
            ("1e0", "1e0"),
            ("100000000000000000000", "100E"),
            ("1.0", "1"),
        ] {
            assert_eq!(
                resource_list_form(written).as_deref(),
                Ok(stored),
                "{written}"
            );
        }
    }

    #[test]
    fn nano_and_micro_quantities_keep_their_precision_outside_resource_lists() {
        let q = Quantity::parse("1500n").unwrap();
        assert_eq!((q.nanos(), q.to_string()), (1500, "1500n".to_string()));
        assert_eq!(Quantity::parse("250u").unwrap().nanos(), 250_000);
        assert_eq!(Quantity::parse("0.5m").unwrap().to_string(), "500u");
        assert_eq!(parse("100n", 1000.0), Some(1));
        assert_eq!(parse("2500000n", 1000.0), Some(3));
    }

    #[test]
    fn texts_that_are_not_quantities_are_refused_in_apimachinerys_words() {
        assert_eq!(Quantity::parse("1K"), Err(QuantityError::Suffix));
        assert_eq!(Quantity::parse("1Gb"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("abc"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1.5.5"), Err(QuantityError::FormatWrong));
        assert_eq!(
            QuantityError::Suffix.to_string(),
            "unable to parse quantity's suffix"
        );
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
