//! Label selectors (`-l` syntax and `metav1.LabelSelector`), as k8s.io/apimachinery
//! `pkg/labels/selector.go` parses, matches and prints them.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Why a selector could not be built. The text is apimachinery's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// The `-l` string could not be parsed (message as `labels.Parse` returns it).
    #[error("{0}")]
    Parse(String),
    /// A `matchExpressions` entry uses an unknown operator.
    #[error("{0:?} is not a valid label selector operator")]
    BadOperator(String),
    /// A `matchLabels`/`matchExpressions` entry is malformed or has invalid keys/values.
    #[error("{0}")]
    Invalid(String),
}

/// A requirement operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// One `key op values` term; all terms of a selector must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    /// Does this requirement hold for `labels`? (`!=`/`notin` hold when the key is absent.)
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                value.is_some_and(|v| self.values.contains(v))
            }
            Operator::NotEquals | Operator::NotIn => {
                !value.is_some_and(|v| self.values.contains(v))
            }
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(v), [limit]) = (value, self.values.as_slice()) else {
                    return false;
                };
                match (v.parse::<i64>(), limit.parse::<i64>()) {
                    (Ok(v), Ok(l)) if self.operator == Operator::GreaterThan => v > l,
                    (Ok(v), Ok(l)) => v < l,
                    _ => false,
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values = self.values.clone();
        crate::sort::sort(&mut values);
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector: a conjunction of requirements, or the selector that matches nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl Selector {
    /// The selector that matches everything (`{}` or an empty `-l`).
    pub fn everything() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: false,
        }
    }

    /// The selector that matches nothing (a nil `*metav1.LabelSelector`).
    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// True when it matches every object.
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Parse `-l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(s: &str) -> Result<Selector, SelectorError> {
        let tokens = lex(s);
        let mut p = Parser { tokens, pos: 0 };
        let mut reqs = p.parse().map_err(SelectorError::Parse)?;
        crate::sort::sort_by(&mut reqs, |a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements: reqs,
            nothing: false,
        })
    }

    /// Build from a `metav1.LabelSelector` JSON value (`matchLabels`, `matchExpressions`).
    /// `null` matches nothing; `{}` matches everything.
    pub fn from_label_selector(v: &Value) -> Result<Selector, SelectorError> {
        let obj = match v {
            Value::Null => return Ok(Selector::nothing()),
            Value::Object(o) => o,
            _ => {
                return Err(SelectorError::Invalid(
                    "selector must be an object".to_string(),
                ))
            }
        };
        let mut reqs = Vec::new();
        if let Some(ml) = obj.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                let value = v.as_str().unwrap_or_default().to_string();
                reqs.push(new_requirement(k, Operator::Equals, vec![value])?);
            }
        }
        if let Some(exprs) = obj.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
                let op = e
                    .get("operator")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|vs| {
                        vs.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let operator = match op {
                    "In" => Operator::In,
                    "NotIn" => Operator::NotIn,
                    "Exists" => Operator::Exists,
                    "DoesNotExist" => Operator::DoesNotExist,
                    other => return Err(SelectorError::BadOperator(other.to_string())),
                };
                reqs.push(new_requirement(key, operator, values)?);
            }
        }
        crate::sort::sort_by(&mut reqs, |a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements: reqs,
            nothing: false,
        })
    }

    /// Do `labels` satisfy every requirement?
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }
}

/// `metav1.FormatLabelSelector`: `app=nginx,tier in (a,b)`, `<none>` when empty.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.requirements.is_empty() {
            return f.write_str("<none>");
        }
        let parts: Vec<String> = self.requirements.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

/// `metadata.labels` of an object (non-string values are skipped).
pub fn labels_of(obj: &Value) -> BTreeMap<String, String> {
    obj.get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
        .map(|m| {
            // `extend` rather than `collect`: collecting sorts (a copy of the sort code per
            // map type in the wasm bundle); the keys of a JSON object are unique anyway.
            let mut labels = BTreeMap::new();
            labels.extend(
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))),
            );
            labels
        })
        .unwrap_or_default()
}

const QNAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QNAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const DNS_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// apimachinery `RegexError`.
fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let ex: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!(
        "{msg} (e.g. {}regex used for validation is '{re}')",
        ex.join(" or ")
    )
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn is_dns_subdomain(s: &str) -> bool {
    s.split('.').all(|label| {
        let b = label.as_bytes();
        matches!((b.first(), b.last()), (Some(f), Some(l))
            if (f.is_ascii_lowercase() || f.is_ascii_digit())
                && (l.is_ascii_lowercase() || l.is_ascii_digit())
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-'))
    })
}

/// apimachinery `IsQualifiedName` (label keys).
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                if prefix.len() > 253 {
                    errs.push("prefix part must be no more than 253 characters".to_string());
                }
                if !is_dns_subdomain(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(DNS_SUBDOMAIN_MSG, DNS_SUBDOMAIN_FMT, &["example.com"])
                    ));
                }
            }
            *name
        }
        _ => {
            return vec![format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// apimachinery `IsValidLabelValue`.
fn label_value_errors(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !v.is_empty() && !is_qualified_name_part(v) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// A field.Invalid error with a string value: `path: Invalid value: "v": detail`.
fn invalid(path: &str, value: &str, detail: &str) -> String {
    format!(
        "{path}: Invalid value: {}: {detail}",
        crate::gofmt::go_quote(value)
    )
}

/// A list of values as field.Invalid renders a `[]string` bad value (v0.34: JSON).
fn invalid_values(values: &[String], detail: &str) -> String {
    let json = serde_json::to_string(values).unwrap_or_default();
    format!("values: Invalid value: {json}: {detail}")
}

/// apimachinery `NewRequirement`: validate and build; errors aggregated like `ToAggregate`.
fn new_requirement(
    key: &str,
    op: Operator,
    values: Vec<String>,
) -> Result<Requirement, SelectorError> {
    let mut errs = Vec::new();
    let key_errs = qualified_name_errors(key);
    if !key_errs.is_empty() {
        errs.push(invalid("key", key, &key_errs.join("; ")));
    }
    match op {
        Operator::In | Operator::NotIn if values.is_empty() => errs.push(invalid_values(
            &values,
            "for 'in', 'notin' operators, values set can't be empty",
        )),
        Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if values.len() != 1 => {
            errs.push(invalid_values(
                &values,
                "exact-match compatibility requires one single value",
            ))
        }
        Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
            errs.push(invalid_values(
                &values,
                "values set must be empty for exists and does not exist",
            ))
        }
        _ => {}
    }
    for (i, v) in values.iter().enumerate() {
        let ve = label_value_errors(v);
        if !ve.is_empty() {
            errs.push(invalid(&format!("values[{i}][{key}]"), v, &ve.join("; ")));
        }
    }
    match errs.len() {
        0 => Ok(Requirement {
            key: key.to_string(),
            operator: op,
            values,
        }),
        1 => Err(SelectorError::Invalid(errs.remove(0))),
        _ => Err(SelectorError::Invalid(format!("[{}]", errs.join(", ")))),
    }
}

/// Lexer tokens of `-l` syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Error(String),
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier(String),
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

impl Tok {
    /// The literal text the parser quotes in its errors.
    fn literal(&self) -> String {
        match self {
            Tok::Error(s) | Tok::Identifier(s) => s.clone(),
            Tok::End => String::new(),
            Tok::ClosedPar => ")".into(),
            Tok::Comma => ",".into(),
            Tok::DoesNotExist => "!".into(),
            Tok::DoubleEquals => "==".into(),
            Tok::Equals => "=".into(),
            Tok::GreaterThan => ">".into(),
            Tok::In => "in".into(),
            Tok::LessThan => "<".into(),
            Tok::NotEquals => "!=".into(),
            Tok::NotIn => "notin".into(),
            Tok::OpenPar => "(".into(),
        }
    }

    /// In value context, `in`/`notin` are ordinary identifiers.
    fn as_value(&self) -> Tok {
        match self {
            Tok::In => Tok::Identifier("in".into()),
            Tok::NotIn => Tok::Identifier("notin".into()),
            t => t.clone(),
        }
    }
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn symbol(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn lex(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut toks = Vec::new();
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= b.len() {
            toks.push(Tok::End);
            return toks;
        }
        if is_special(b[i]) {
            let mut buf = String::new();
            let mut last: Option<Tok> = None;
            while i < b.len() && is_special(b[i]) {
                buf.push(b[i] as char);
                if let Some(t) = symbol(&buf) {
                    last = Some(t);
                } else if last.is_some() {
                    break;
                }
                i += 1;
            }
            match last {
                Some(t) => toks.push(t),
                None => toks.push(Tok::Error(format!("error expected: keyword found '{buf}'"))),
            }
        } else {
            let start = i;
            while i < b.len() && !is_special(b[i]) && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n')
            {
                i += 1;
            }
            let word = &s[start..i];
            toks.push(match word {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                w => Tok::Identifier(w.to_string()),
            });
        }
    }
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn lookahead(&self) -> Tok {
        self.tokens.get(self.pos).unwrap_or(&Tok::End).as_value()
    }

    fn consume_raw(&mut self) -> Tok {
        let t = self.tokens.get(self.pos).cloned().unwrap_or(Tok::End);
        self.pos += 1;
        t
    }

    fn consume(&mut self) -> Tok {
        self.consume_raw().as_value()
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            match self.lookahead() {
                Tok::Identifier(_) | Tok::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    match self.consume() {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let t2 = self.lookahead();
                            if !matches!(t2, Tok::Identifier(_) | Tok::DoesNotExist) {
                                return Err(format!(
                                    "found '{}', expected: identifier after ','",
                                    t2.literal()
                                ));
                            }
                        }
                        t => {
                            return Err(format!(
                                "found '{}', expected: ',' or 'end of string'",
                                t.literal()
                            ))
                        }
                    }
                }
                Tok::End => return Ok(reqs),
                t => {
                    return Err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        t.literal()
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, op) = self.parse_key_and_infer_operator()?;
        if let Some(op) = op {
            return new_requirement(&key, op, Vec::new()).map_err(|e| e.to_string());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        new_requirement(&key, op, values).map_err(|e| e.to_string())
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut tok = self.consume();
        let mut op = None;
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            tok = self.consume();
        }
        let Tok::Identifier(key) = tok else {
            return Err(format!("found '{}', expected: identifier", tok.literal()));
        };
        let errs = qualified_name_errors(&key);
        if !errs.is_empty() {
            return Err(invalid("<nil>", &key, &errs.join("; ")));
        }
        if matches!(self.lookahead(), Tok::End | Tok::Comma) && op.is_none() {
            op = Some(Operator::Exists);
        }
        Ok((key, op))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        Ok(match self.consume_raw() {
            Tok::In => Operator::In,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            Tok::NotIn => Operator::NotIn,
            Tok::NotEquals => Operator::NotEquals,
            t => {
                return Err(format!(
                    "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                    t.literal()
                ))
            }
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let t = self.consume();
        if t != Tok::OpenPar {
            return Err(format!("found '{}' expected: '('", t.literal()));
        }
        match self.lookahead() {
            Tok::Identifier(_) | Tok::Comma => {
                let s = self.parse_identifiers_list()?;
                let t = self.consume();
                if t != Tok::ClosedPar {
                    return Err(format!("found '{}', expected: ')'", t.literal()));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.consume();
                Ok(vec![String::new()])
            }
            t => Err(format!(
                "found '{}', expected: ',', ')' or identifier",
                t.literal()
            )),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut set = std::collections::BTreeSet::new();
        loop {
            match self.consume() {
                Tok::Identifier(v) => {
                    set.insert(v);
                    match self.lookahead() {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(set.into_iter().collect()),
                        t => return Err(format!("found '{}', expected: ',' or ')'", t.literal())),
                    }
                }
                Tok::Comma => {
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    match self.lookahead() {
                        Tok::ClosedPar => {
                            set.insert(String::new());
                            return Ok(set.into_iter().collect());
                        }
                        Tok::Comma => {
                            set.insert(String::new());
                        }
                        _ => {}
                    }
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        t.literal()
                    ))
                }
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        if matches!(self.lookahead(), Tok::End | Tok::Comma) {
            return Ok(vec![String::new()]);
        }
        match self.consume() {
            Tok::Identifier(v) => Ok(vec![v]),
            t => Err(format!("found '{}', expected: identifier", t.literal())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_set_based_terms_all_have_to_match() {
        let s =
            Selector::parse("app=web,tier!=db,env in (prod, staging),zone notin (z1),team,!legacy")
                .expect("valid selector");
        assert!(s.matches(&labels(&[("app", "web"), ("env", "prod"), ("team", "a")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "dev"), ("team", "a")])));
        assert!(!s.matches(&labels(&[
            ("app", "web"),
            ("env", "prod"),
            ("team", "a"),
            ("legacy", "")
        ])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "prod")])));
    }

    #[test]
    fn not_equals_and_notin_match_objects_without_the_key() {
        let s = Selector::parse("tier!=db,zone notin (z1)").expect("valid selector");
        assert!(s.matches(&BTreeMap::new()));
    }

    #[test]
    fn double_equals_is_accepted_and_printed_back() {
        let s = Selector::parse("app==web").expect("valid selector");
        assert!(s.matches(&labels(&[("app", "web")])));
        assert_eq!(s.to_string(), "app==web");
    }

    #[test]
    fn display_sorts_requirements_by_key_and_values_alphabetically() {
        let s = Selector::parse("b in (y,x), a=1, !c").expect("valid selector");
        assert_eq!(s.to_string(), "a=1,b in (x,y),!c");
    }

    #[test]
    fn an_empty_string_selects_everything() {
        let s = Selector::parse("").expect("valid selector");
        assert!(s.is_empty());
        assert!(s.matches(&BTreeMap::new()));
        assert_eq!(s.to_string(), "<none>");
    }

    #[test]
    fn label_selector_objects_format_like_format_label_selector() {
        let s = Selector::from_label_selector(&json!({
            "matchLabels": {"pod-template-hash": "7854ff8877", "app": "nginx"}
        }))
        .expect("valid selector");
        assert_eq!(s.to_string(), "app=nginx,pod-template-hash=7854ff8877");
        let e = Selector::from_label_selector(&json!({
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]},
                                 {"key": "x", "operator": "DoesNotExist"}]
        }))
        .expect("valid selector");
        assert_eq!(e.to_string(), "tier in (a,b),!x");
        assert!(e.matches(&labels(&[("tier", "a")])));
    }

    #[test]
    fn an_empty_selector_object_matches_everything_and_null_matches_nothing() {
        let all = Selector::from_label_selector(&json!({})).expect("valid selector");
        assert!(all.matches(&labels(&[("a", "b")])));
        let none = Selector::from_label_selector(&Value::Null).expect("valid selector");
        assert!(!none.matches(&labels(&[("a", "b")])));
        assert!(!Selector::nothing().matches(&BTreeMap::new()));
        assert_eq!(none.to_string(), "<none>");
    }

    #[test]
    fn unknown_match_expression_operators_are_rejected() {
        let err = Selector::from_label_selector(&json!({
            "matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]
        }));
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("\"Gt\" is not a valid label selector operator".to_string())
        );
    }

    #[test]
    fn parse_errors_use_apimachinery_messages() {
        let cases = [
            ("a=b,", "found '', expected: identifier after ','"),
            ("a=b c", "found 'c', expected: ',' or 'end of string'"),
            ("=b", "found '=', expected: !, identifier, or 'end of string'"),
            ("a in b", "unable to parse requirement: found 'b' expected: '('"),
            ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
            ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
            (
                "a/b/c=d",
                "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            ),
            (
                "a=-b",
                "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                Selector::parse(input).map_err(|e| e.to_string()),
                Err(want.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn empty_values_are_allowed() {
        let s = Selector::parse("a=,b in ()").expect("valid selector");
        assert!(s.matches(&labels(&[("a", ""), ("b", "")])));
    }

    #[test]
    fn labels_are_read_from_metadata() {
        let pod = json!({"metadata": {"labels": {"app": "web", "n": 1}}});
        assert_eq!(labels_of(&pod), labels(&[("app", "web")]));
        assert!(labels_of(&json!({})).is_empty());
    }
}
