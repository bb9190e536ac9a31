//! A manifest's YAML as kubectl turns it into JSON: sigs.k8s.io/yaml's `YAMLToJSON`,
//! which reads with go-yaml v2 and so with YAML 1.1's plain scalars. serde_yaml follows
//! YAML 1.2, where `yes`, `on`, `off`, `y`, `n` stay strings and `0644` is not a number;
//! for kubectl they are booleans (`name: yes` fails to decode as a string) and octal
//! numbers (`defaultMode: 0644` is 420). Also as there: a map key that is not a string
//! is written as one (`yes:` → `"true"`), a repeated key keeps its last value, and an
//! infinite or NaN number is refused (`json: unsupported value: +Inf`).
//!
//! serde_yaml does the parsing; a plain scalar it leaves as a string reaches the visitor
//! as a slice of the input itself, so the byte before it tells a plain scalar from a
//! quoted one (go-yaml resolves only plain, untagged scalars).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// What stops the conversion of one document.
#[derive(Debug)]
pub enum ToJsonError {
    /// serde_yaml's syntax error.
    Yaml(serde_yaml::Error),
    /// Go's words for a value JSON cannot hold or a key it cannot name.
    Json(String),
}

impl fmt::Display for ToJsonError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ToJsonError::Yaml(e) => e.fmt(f),
            ToJsonError::Json(why) => f.write_str(why),
        }
    }
}

/// Each document of `text` as JSON (`None` for an empty document), in order.
pub fn documents(text: &str) -> Vec<Result<Option<Value>, ToJsonError>> {
    let mut out = Vec::new();
    for de in serde_yaml::Deserializer::from_str(text) {
        let seed = Seed {
            input: text,
            refused: &RefCell::new(None),
        };
        let value = match seed.deserialize(de) {
            Ok(v) => match seed.refused.take() {
                Some(why) => Err(ToJsonError::Json(why)),
                None => Ok((!v.is_null()).then_some(v)),
            },
            Err(e) => Err(ToJsonError::Yaml(e)),
        };
        let failed = value.is_err();
        out.push(value);
        if failed {
            break; // the stream cannot be read past a broken document
        }
    }
    out
}

/// One YAML value (a document, or a patch) as JSON.
pub fn value(text: &str) -> Result<Value, ToJsonError> {
    documents(text)
        .into_iter()
        .next()
        .unwrap_or(Ok(None))
        .map(|v| v.unwrap_or(Value::Null))
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    input: &'a str,
    /// The first value JSON cannot hold (Go stops there; the value is read on as null).
    refused: &'a RefCell<Option<String>>,
}

impl Seed<'_> {
    fn refuse(&self, why: String) -> Value {
        self.refused.borrow_mut().get_or_insert(why);
        Value::Null
    }

    fn float(&self, f: f64) -> Value {
        if f.is_nan() {
            return self.refuse("json: unsupported value: NaN".into());
        }
        if f.is_infinite() {
            let sign = if f > 0.0 { "+" } else { "-" };
            return self.refuse(format!("json: unsupported value: {sign}Inf"));
        }
        // Go's encoder writes a whole float64 without a fraction (`1e3` is `1000`).
        if f == f.trunc() && f.abs() < 9.0e15 {
            return Value::from(f as i64);
        }
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }

    /// Whether `s` is a slice of the input written as a plain, untagged scalar.
    fn is_plain(&self, s: &str) -> bool {
        let base = self.input.as_ptr() as usize;
        let at = (s.as_ptr() as usize).wrapping_sub(base);
        if at > self.input.len() || at + s.len() > self.input.len() {
            return false; // not borrowed from the input: quoted with escapes, or a block
        }
        let before = &self.input[..at];
        if before.ends_with(['"', '\'']) {
            return false;
        }
        // `!!str yes`, `!foo yes`: the token before the scalar is its tag.
        let token = before
            .trim_end_matches([' ', '\t'])
            .rsplit([' ', '\t', '\n', '\r'])
            .next()
            .unwrap_or("");
        !token.trim_start_matches(['[', '{', ',']).starts_with('!')
    }

    /// go-yaml v2's resolution of a plain scalar serde_yaml left as a string.
    fn resolve(&self, s: &str) -> Value {
        match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Value::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Value::Bool(false),
            _ => {}
        }
        let plain = s.replace('_', "");
        if let Some(n) = go_parse_int(&plain) {
            return Value::from(n);
        }
        if yaml_style_float(&plain) {
            if let Ok(f) = plain.parse::<f64>() {
                return self.float(f);
            }
        }
        Value::String(s.to_string())
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b` or a leading `0`
/// (octal) or decimal digits.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// sigs.k8s.io/yaml's name for a map key that is not a string.
fn key_string(key: Value, value: &Value) -> Result<String, String> {
    match key {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!(
            "unsupported map key of type: {}, key: {}, value: {}",
            go_type(&other),
            go_value(&other),
            go_value(value)
        )),
    }
}

/// `%s` of `reflect.TypeOf(v)` for what a key can be.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "%!s(<nil>)",
        Value::Array(_) => "[]interface {}",
        _ => "map[interface {}]interface {}",
    }
}

/// `%+#v` of a key or value.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        other => crate::gofmt::go_sharp_v(other),
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(self.float(f))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value, E> {
        if self.is_plain(s) {
            return Ok(self.resolve(s));
        }
        Ok(Value::String(s.to_string()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(self)? {
            let v = map.next_value_seed(self)?;
            match key_string(k, &v) {
                // A repeated key: the last value stays, as in a Go map.
                Ok(k) => {
                    out.insert(k, v);
                }
                Err(why) => {
                    self.refuse(why);
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// A value with a tag of its own (`!foo bar`): go-yaml keeps its content.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, content): (String, _) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(content, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json(text: &str) -> Value {
        value(text).unwrap()
    }

    #[test]
    fn yaml_1_1_words_are_booleans_when_plain() {
        assert_eq!(
            json("[y, Y, yes, Yes, YES, on, On, ON, true, TRUE]"),
            json!([true, true, true, true, true, true, true, true, true, true])
        );
        assert_eq!(
            json("- n\n- N\n- no\n- No\n- NO\n- off\n- Off\n- OFF\n- false"),
            json!([false, false, false, false, false, false, false, false, false])
        );
        assert_eq!(json("name: yes"), json!({"name": true}));
    }

    #[test]
    fn quoted_tagged_and_other_spellings_stay_strings() {
        assert_eq!(
            json("[\"yes\", 'on', !!str yes, !foo off, tRue, yES, oN, yess]"),
            json!(["yes", "on", "yes", "off", "tRue", "yES", "oN", "yess"])
        );
        assert_eq!(json("a: |\n  yes\n"), json!({"a": "yes\n"}));
    }

    #[test]
    fn numbers_read_as_go_yaml_reads_them() {
        let v =
            json("[0644, 0o644, -0644, 0x1F, 0b101, 1_000, 08, +12, 1e3, 1.50, 1., 2001-12-14]");
        assert_eq!(
            v,
            json!([
                420,
                420,
                -420,
                31,
                5,
                1000,
                8,
                12,
                1000,
                1.5,
                1,
                "2001-12-14"
            ])
        );
    }

    #[test]
    fn keys_become_strings_and_a_repeated_key_keeps_its_last_value() {
        assert_eq!(
            json("yes: 1\nOff: x\n3: z\n1.5: w\na: \"1\"\na: \"2\""),
            json!({"true": 1, "false": "x", "3": "z", "1.5": "w", "a": "2"})
        );
    }

    #[test]
    fn values_json_cannot_hold_are_refused_in_go_words() {
        let refused = |t: &str| match value(t) {
            Err(ToJsonError::Json(why)) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused("x: .inf"), "json: unsupported value: +Inf");
        assert_eq!(refused("x: -.inf"), "json: unsupported value: -Inf");
        assert_eq!(refused("x: .NaN"), "json: unsupported value: NaN");
        assert_eq!(
            refused("~: y"),
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: true"
        );
    }

    #[test]
    fn aliases_and_documents() {
        assert_eq!(json("a: &x yes\nb: *x"), json!({"a": true, "b": true}));
        let docs = documents("a: on\n---\n---\nb: off\n");
        let docs: Vec<_> = docs.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            docs,
            vec![Some(json!({"a": true})), None, Some(json!({"b": false}))]
        );
    }
}
