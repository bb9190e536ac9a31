//! Go's number and string renderings (strconv, fmt, encoding/json): what the API server
//! writes into its messages and what kubectl's printers print, so both layers use it.

use serde_json::{Number, Value};

/// Shortest round-trip decimal digits and decimal-point position of a finite float:
/// `f = 0.d1d2d3… × 10^dp`. Zero gives `("0", 1)`.
fn shortest_digits(f: f64) -> (String, i32) {
    let s = format!("{:e}", f.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.chars().all(|c| c == '0') {
        return ("0".to_string(), 1);
    }
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`: `1.5e+06`, `1e-07`.
fn format_e(neg: bool, digits: &str, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let mut chars = digits.chars();
    s.push(chars.next().unwrap_or('0'));
    let rest: String = chars.collect();
    if !rest.is_empty() {
        s.push('.');
        s.push_str(&rest);
    }
    let exp = if digits == "0" { 0 } else { dp - 1 };
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`.
fn format_f(neg: bool, digits: &str, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let nd = digits.len() as i32;
    if dp <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-dp) as usize));
        s.push_str(digits);
    } else if dp >= nd {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', (dp - nd) as usize));
    } else {
        s.push_str(&digits[..dp as usize]);
        s.push('.');
        s.push_str(&digits[dp as usize..]);
    }
    s
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, which is also what `fmt.Print` shows:
/// `1`, `1.5`, `1e+06`, `1.234567e+06`, `0.0001`, `1e-05`.
pub fn format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = f.is_sign_negative() && f != 0.0;
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    if digits != "0" && !(-4..6).contains(&exp) {
        format_e(neg, &digits, dp)
    } else {
        format_f(neg, &digits, dp)
    }
}

/// A float as Go's `encoding/json` writes it: `'f'` unless tiny or huge, `1e-7`, `1e+21`.
pub fn json_float(f: f64) -> String {
    let abs = f.abs();
    let neg = f.is_sign_negative() && f != 0.0;
    let (digits, dp) = shortest_digits(f);
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format_e(neg, &digits, dp);
        // encoding/json cleans up e-07 to e-7.
        match s.split_once("e-0") {
            Some((m, e)) => format!("{m}e-{e}"),
            None => s,
        }
    } else {
        format_f(neg, &digits, dp)
    }
}

/// A JSON number as Go prints it after decoding into int64/float64 (unstructured objects).
pub fn number(n: &Number, float: fn(f64) -> String) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        float(n.as_f64().unwrap_or(0.0))
    }
}

/// Append a JSON string literal with Go's escaping (HTML-safe, `\u2028`/`\u2029`).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    // 0xE2 starts U+2028 and U+2029; any other byte below is copied as it is.
    let plain = |b: &u8| *b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2);
    if s.as_bytes().iter().all(plain) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Marshal`: compact, keys sorted, Go escaping.
pub fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, None, 0);
    out
}

/// `json.MarshalIndent(v, "", indent)` (no trailing newline).
pub fn json_indent(v: &Value, indent: &str) -> String {
    let mut out = String::new();
    write_json(&mut out, v, Some(indent), 0);
    out
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

/// Appends `v` as `json.MarshalIndent` would write it `depth` levels deep (`indent`
/// `None`: compact).
pub fn write_json(out: &mut String, v: &Value, indent: Option<&str>, depth: usize) {
    write_json_in(out, v, indent, depth, None);
}

/// The order Go structs declare their fields in, for [`write_json_struct_order`].
pub struct StructOrder {
    /// Each struct's fields in declaration order (one list can serve several structs when
    /// their shared names agree). An object is ordered by the list that names most of its
    /// keys, so structs that disagree (TypeMeta's `kind, apiVersion` and an
    /// OwnerReference's `apiVersion, kind`) each keep theirs; unranked keys follow, sorted.
    pub structs: &'static [&'static [&'static str]],
    /// Fields that are Go maps: `encoding/json` writes their keys sorted.
    pub maps: &'static [&'static str],
}

impl StructOrder {
    /// The field list that describes the object with these keys best.
    fn fields_for(&self, keys: &[&String]) -> &'static [&'static str] {
        let mut best: &'static [&'static str] = &[];
        let mut best_hits = 0;
        for fields in self.structs {
            let hits = keys.iter().filter(|k| fields.contains(&k.as_str())).count();
            if hits > best_hits {
                (best, best_hits) = (fields, hits);
            }
        }
        best
    }
}

/// `json.Marshal` of a typed object: fields in struct order, map keys sorted.
pub fn write_json_struct_order(
    out: &mut String,
    v: &Value,
    indent: Option<&str>,
    order: &StructOrder,
) {
    write_json_in(out, v, indent, 0, Some(order));
}

fn write_json_in(
    out: &mut String,
    v: &Value,
    indent: Option<&str>,
    depth: usize,
    order: Option<&StructOrder>,
) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n, json_float)),
        Value::String(s) => push_json_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_json_in(out, item, indent, depth + 1, order);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if let Some(o) = order {
                let keys: Vec<&String> = entries.iter().map(|e| e.0).collect();
                let fields = o.fields_for(&keys);
                crate::sort::sort_by(&mut entries, |a, b| {
                    let rank = |k: &str| fields.iter().position(|f| *f == k).unwrap_or(usize::MAX);
                    rank(a.0).cmp(&rank(b.0)).then_with(|| a.0.cmp(b.0))
                });
            }
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                push_json_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                // Below a Go map, keys are sorted all the way down.
                let inner = order.filter(|o| !o.maps.contains(&k.as_str()));
                write_json_in(out, item, indent, depth + 1, inner);
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
}

/// A Go `%q` string literal (`strconv.Quote`): escapes `"`, `\` and non-printables.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#v` of an unstructured value (`map[string]interface {}{"a":1}`), as kubectl's
/// jsonpath error dump shows the object.
pub fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n, format_g),
        Value::String(s) => go_quote(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_sharp_v(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

/// Go's `fmt.Sprint` of an unstructured value: `map[a:1 b:x]`, `[a b]`, `<nil>`.
pub fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n, format_g),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_sprint).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_sprint(v)))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn format_g_switches_to_exponent_at_one_million() {
        assert_eq!(format_g(1.0), "1");
        assert_eq!(format_g(1.5), "1.5");
        assert_eq!(format_g(100000.0), "100000");
        assert_eq!(format_g(1e6), "1e+06");
        assert_eq!(format_g(1234567.0), "1.234567e+06");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(-2.5), "-2.5");
        assert_eq!(format_g(0.0), "0");
    }

    #[test]
    fn json_floats_use_plain_notation_between_1e_minus_6_and_1e21() {
        assert_eq!(json_float(1.0), "1");
        assert_eq!(json_float(0.5), "0.5");
        assert_eq!(json_float(1e20), "100000000000000000000");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(0.000001), "0.000001");
    }

    #[test]
    fn json_escapes_html_characters_like_go() {
        assert_eq!(
            json_compact(&json!({"a": "<b> & \u{2028}\u{1}\t"})),
            r#"{"a":"\u003cb\u003e \u0026 \u2028\u0001\t"}"#
        );
    }

    #[test]
    fn json_indent_keeps_empty_containers_compact() {
        assert_eq!(
            json_indent(&json!({"b": [], "a": {}, "c": [1, {"d": null}]}), "  "),
            "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    1,\n    {\n      \"d\": null\n    }\n  ]\n}"
        );
    }

    #[test]
    fn sharp_v_looks_like_go_maps_of_interfaces() {
        assert_eq!(
            go_sharp_v(&json!({"kind": "Pod", "n": 1, "l": ["a"], "z": null})),
            r#"map[string]interface {}{"kind":"Pod", "l":[]interface {}{"a"}, "n":1, "z":interface {}(nil)}"#
        );
    }
}
