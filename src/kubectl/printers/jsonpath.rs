//! kubectl's JSONPath (`k8s.io/client-go/util/jsonpath`) over JSON values.
//!
//! Parsing follows client-go's `parser.go` (same node kinds and error texts); evaluation
//! follows `jsonpath.go`. Map iteration (wildcards, `..`) is alphabetical here, where Go's
//! is random.

use crate::gofmt;
use serde_json::{Number, Value};
use std::borrow::Cow;

/// A value met while walking: a part of the data (borrowed), or one the template made.
type V<'a> = Cow<'a, Value>;

/// The value under `name` of an object, borrowed from the data when `v` is.
fn member<'a>(v: &V<'a>, name: &str) -> Option<V<'a>> {
    match v {
        Cow::Borrowed(b) => b.as_object()?.get(name).map(Cow::Borrowed),
        Cow::Owned(o) => o.as_object()?.get(name).cloned().map(Cow::Owned),
    }
}

/// `f` over the inner value, keeping results borrowed when `v` is.
fn items_of<'a>(v: &V<'a>, f: impl Fn(&Value) -> Vec<&Value>) -> Vec<V<'a>> {
    match v {
        Cow::Borrowed(b) => f(b).into_iter().map(Cow::Borrowed).collect(),
        Cow::Owned(o) => f(o).into_iter().cloned().map(Cow::Owned).collect(),
    }
}

/// Why `-o jsonpath=…` failed; `Display` is the text kubectl prints after `error: `.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonPathError {
    /// The template does not parse.
    #[error("error parsing jsonpath {template}, {message}")]
    Parse { template: String, message: String },
    /// Evaluation failed (e.g. a missing key with `--allow-missing-template-keys=false`).
    #[error(
        "error executing jsonpath {}: Error executing template: {message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{object}\n\n\n",
        gofmt::go_quote(template)
    )]
    Execute {
        template: String,
        message: String,
        /// Go `%#v` of the data.
        object: String,
    },
}

/// One parsed JSONPath node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// A slice parameter `[start:end:step]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
}

const EOF: char = '\u{0}';

fn is_terminator(r: char) -> bool {
    matches!(
        r,
        ' ' | '\t' | '\r' | '\n' | EOF | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
    )
}

fn is_alphanumeric(r: char) -> bool {
    r == '_' || r.is_alphabetic() || r.is_numeric()
}

/// Parse a template into its top-level nodes.
pub(crate) fn parse(text: &str) -> Result<Vec<Node>, String> {
    let mut p = Parser {
        input: text,
        pos: 0,
        start: 0,
        width: 0,
    };
    let mut root = Vec::new();
    p.parse_text(&mut root)?;
    Ok(root)
}

/// `parseAction`: parse `{text}` and return the inner list.
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let nodes = parse(&format!("{{{text}}}"))?;
    match nodes.into_iter().next() {
        Some(Node::List(inner)) => Ok(inner),
        _ => Ok(Vec::new()),
    }
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn next(&mut self) -> char {
        match self.rest().chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                c
            }
        }
    }

    fn peek(&mut self) -> char {
        let c = self.next();
        self.backup();
        c
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn consume_text(&mut self) -> String {
        let v = self
            .input
            .get(self.start..self.pos)
            .unwrap_or("")
            .to_string();
        self.start = self.pos;
        v
    }

    fn byte_before(&self, back: usize) -> Option<u8> {
        self.pos
            .checked_sub(back)
            .and_then(|i| self.input.as_bytes().get(i).copied())
    }

    /// Top level: literal text until `{`, then an action; returns at end of input.
    fn parse_text(&mut self, root: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest().starts_with('{') {
                if self.pos > self.start {
                    root.push(Node::Text(self.consume_text()));
                }
                self.pos += 1;
                self.consume_text();
                let mut list = Vec::new();
                let result = self.parse_inside_action(&mut list);
                root.push(Node::List(list));
                result?;
                continue;
            }
            if self.next() == EOF {
                break;
            }
        }
        if self.pos > self.start {
            root.push(Node::Text(self.consume_text()));
        }
        Ok(())
    }

    /// Parse one action up to and including `}`.
    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest().starts_with('}') {
                self.pos += 1;
                self.consume_text();
                return Ok(());
            }
            if self.rest().starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if self.rest().starts_with("..") {
                if matches!(cur.last(), Some(Node::Recursive)) {
                    return Err("invalid multiple recursive descent".to_string());
                }
                self.pos += 2;
                self.consume_text();
                cur.push(Node::Recursive);
                if is_alphanumeric(self.peek()) {
                    self.parse_field(cur);
                }
                continue;
            }
            let r = self.next();
            match r {
                EOF | '\r' | '\n' => return Err("unclosed action".to_string()),
                ' ' | '@' | '$' => {
                    self.consume_text();
                }
                '[' => self.parse_array(cur)?,
                '"' | '\'' => self.parse_quote(cur, r)?,
                '.' => self.parse_field(cur),
                '+' | '-' => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                c if c.is_numeric() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                c if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                c => {
                    return Err(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume_text();
        cur.push(match value.as_str() {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier(value),
        });
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), '+' | '-') {
            self.next();
        }
        loop {
            let r = self.next();
            if r != '.' && !r.is_numeric() {
                self.backup();
                break;
            }
        }
        let value = self.consume_text();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
        } else if let Ok(f) = value.parse::<f64>() {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                EOF | '\n' => return Err("unterminated array".to_string()),
                ']' => break,
                _ => {}
            }
        }
        let text = self.consume_text();
        let mut text = text
            .get(1..text.len().saturating_sub(1))
            .unwrap_or("")
            .to_string();
        if text == "*" {
            text = ":".to_string();
        }
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            cur.extend(parse_action(&format!(".{}", &text[1..text.len() - 1]))?);
            return Ok(());
        }
        let Some(groups) = slice_groups(&text) else {
            return Err(format!("invalid array index {text}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let g = groups[i];
            if !g.is_empty() {
                let g = if i > 0 { &g[1..] } else { g };
                if i > 0 && g.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = g
                        .parse()
                        .map_err(|_| format!("array index {g} is not a number"))?;
                }
            } else if i == 1 {
                params[1] = Param {
                    value: params[0].value + 1,
                    known: true,
                    derived: true,
                };
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume_text();
        let (mut begin, mut end) = (false, false);
        let mut pair = EOF;
        loop {
            let r = self.next();
            match r {
                EOF | '\n' => return Err("unterminated filter".to_string()),
                '"' | '\'' => {
                    if !begin {
                        begin = true;
                        pair = r;
                        continue;
                    }
                    if self.byte_before(2) != Some(b'\\') && r == pair {
                        end = true;
                    }
                }
                ')' if begin == end => break,
                _ => {}
            }
        }
        if self.next() != ']' {
            return Err("unclosed array expect ]".to_string());
        }
        let text = self.consume_text();
        let text = text.get(..text.len().saturating_sub(2)).unwrap_or("");
        match split_filter(text) {
            None => cur.push(Node::Filter {
                left: parse_action(text)?,
                right: Vec::new(),
                op: "exists".to_string(),
            }),
            Some((l, op, r)) => cur.push(Node::Filter {
                left: parse_action(l)?,
                right: parse_action(r)?,
                op: op.to_string(),
            }),
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            let r = self.next();
            if r == EOF || r == '\n' {
                return Err("unterminated quoted string".to_string());
            }
            if r == end && self.byte_before(2) != Some(b'\\') {
                break;
            }
        }
        let value = self.consume_text();
        let s = unquote(&value)
            .ok_or_else(|| format!("unquote string {value} error invalid syntax"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume_text();
        loop {
            let r = self.next();
            if r == '\\' {
                self.next();
            } else if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume_text();
        cur.push(if value == "*" {
            Node::Wildcard
        } else {
            Node::Field(value.replace('\\', ""))
        });
    }
}

/// `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$` → the three groups ("" when absent).
fn slice_groups(text: &str) -> Option<[&str; 3]> {
    fn signed_digits(s: &str) -> usize {
        let neg = usize::from(s.starts_with('-'));
        neg + s[neg..].bytes().take_while(u8::is_ascii_digit).count()
    }
    let mut groups = [""; 3];
    let n0 = signed_digits(text);
    groups[0] = &text[..n0];
    let mut rest = &text[n0..];
    for g in groups.iter_mut().skip(1) {
        if let Some(after) = rest.strip_prefix(':') {
            let n = 1 + signed_digits(after);
            *g = &rest[..n];
            rest = &rest[n..];
        }
    }
    rest.is_empty().then_some(groups)
}

/// `^([^!<>=]+)([!<>=]+)(.+?)$`.
fn split_filter(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let a = text.find(is_op)?;
    if a == 0 {
        return None;
    }
    let b = text[a..].find(|c| !is_op(c)).map(|i| a + i)?;
    Some((&text[..a], &text[a..b], &text[b..]))
}

/// `UnquoteExtend`: Go string unquoting for `"…"` or `'…'`.
fn unquote(s: &str) -> Option<String> {
    let quote = s.chars().next()?;
    if s.len() < 2 || !s.ends_with(quote) || !matches!(quote, '"' | '\'') {
        return None;
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        out.push(match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '\\' => '\\',
            '\'' | '"' if e == quote => e,
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(n).collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// Evaluation state.
struct Eval {
    allow_missing: bool,
}

/// Go's type name of a value inside `map[string]interface{}`.
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

impl Eval {
    fn walk<'a>(&self, input: Vec<V<'a>>, node: &Node) -> Result<Vec<V<'a>>, String> {
        match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Cow::Owned(Value::String(t.clone()))]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(i) => Ok(vec![Cow::Owned(Value::from(*i)); input.len()]),
            Node::Float(f) => Ok(vec![
                Cow::Owned(
                    Number::from_f64(*f).map_or(Value::Null, Value::Number)
                );
                input.len()
            ]),
            Node::Bool(b) => Ok(vec![Cow::Owned(Value::Bool(*b)); input.len()]),
            Node::Wildcard => Ok(input.iter().flat_map(children).collect()),
            Node::Recursive => Ok(eval_recursive(&input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.eval_list(input.clone(), l)?);
                }
                Ok(out)
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => Ok(input),
                "end" => Err("not in range, nothing to end".to_string()),
                other => Err(format!("unrecognized identifier {other}")),
            },
        }
    }

    fn eval_list<'a>(&self, input: Vec<V<'a>>, nodes: &[Node]) -> Result<Vec<V<'a>>, String> {
        nodes.iter().try_fold(input, |cur, n| self.walk(cur, n))
    }

    fn eval_field<'a>(&self, input: Vec<V<'a>>, name: &str) -> Result<Vec<V<'a>>, String> {
        if input.is_empty() {
            return Ok(input);
        }
        let results: Vec<V<'a>> = input.iter().filter_map(|v| member(v, name)).collect();
        if results.is_empty() && !self.allow_missing {
            return Err(format!("{name} is not found"));
        }
        Ok(results)
    }

    fn eval_filter<'a>(
        &self,
        input: Vec<V<'a>>,
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Result<Vec<V<'a>>, String> {
        let mut results = Vec::new();
        for value in &input {
            if !value.is_array() {
                return Err(format!(
                    "{} is not array or slice and cannot be filtered",
                    gofmt::go_sprint(value)
                ));
            }
            for item in items_of(value, |v| {
                v.as_array().map(|a| a.iter().collect()).unwrap_or_default()
            }) {
                let lefts = self.eval_list(vec![item.clone()], left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        results.push(item.clone());
                    }
                    continue;
                }
                let lefts = lefts?;
                let l = match lefts.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".to_string()),
                };
                let rights = self.eval_list(vec![item.clone()], right)?;
                let r = match rights.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".to_string()),
                };
                if compare(l, r, op)? {
                    results.push(item.clone());
                }
            }
        }
        Ok(results)
    }
}

/// text/template's `eq`/`ne`/`lt`/… on basic values.
fn compare(l: &Value, r: &Value, op: &str) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ord = match (l, r) {
        (Value::String(a), Value::String(b)) => a.cmp(b),
        (Value::Number(a), Value::Number(b)) if a.is_f64() == b.is_f64() => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            }
        }
        (Value::Bool(a), Value::Bool(b)) if matches!(op, "==" | "!=") => a.cmp(b),
        (Value::Bool(_), Value::Bool(_)) => return Err("invalid type for comparison".to_string()),
        (Value::Null, _) | (_, Value::Null) => {
            return Err("invalid type for comparison".to_string())
        }
        _ => return Err("incompatible types for comparison".to_string()),
    };
    Ok(match op {
        "==" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        "<" => ord == Ordering::Less,
        ">" => ord == Ordering::Greater,
        "<=" => ord != Ordering::Greater,
        ">=" => ord != Ordering::Less,
        other => return Err(format!("unrecognized filter operator {other}")),
    })
}

/// Children for `*` and `..`: map values (alphabetical), list items, string bytes.
fn children<'a>(v: &V<'a>) -> Vec<V<'a>> {
    match v.as_ref() {
        Value::Object(_) | Value::Array(_) => items_of(v, |v| match v {
            Value::Object(m) => m.values().collect(),
            Value::Array(a) => a.iter().collect(),
            _ => Vec::new(),
        }),
        Value::String(s) => s.bytes().map(|b| Cow::Owned(Value::from(b))).collect(),
        _ => Vec::new(),
    }
}

fn eval_recursive<'a>(input: &[V<'a>]) -> Vec<V<'a>> {
    let mut out = Vec::new();
    for v in input {
        let kids = children(v);
        if !kids.is_empty() {
            out.push(v.clone());
            out.extend(eval_recursive(&kids));
        }
    }
    out
}

fn eval_array<'a>(input: Vec<V<'a>>, params: &[Param; 3]) -> Result<Vec<V<'a>>, String> {
    let mut result = Vec::new();
    for value in &input {
        if value.is_null() {
            continue;
        }
        let Value::Array(items) = value.as_ref() else {
            return Err(format!("{} is not array or slice", go_type(value)));
        };
        let len = items.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            return Ok(result);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[0].value
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[1].value - 1
            ));
        }
        if p[0].value > p[1].value {
            return Err(format!(
                "starting index {} is greater than ending index {}",
                p[0].value, p[1].value
            ));
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".to_string());
            }
            p[2].value as usize
        } else {
            1
        };
        let (from, to) = (p[0].value as usize, p[1].value as usize);
        result.extend(items_of(value, |v| {
            v.as_array()
                .map(|a| a[from..to].iter().step_by(step).collect())
                .unwrap_or_default()
        }));
    }
    Ok(result)
}

/// How one result prints: JSON for maps and lists, raw text otherwise.
fn print_value(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => gofmt::json_compact(v),
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => gofmt::number(n, gofmt::format_g),
    }
}

/// Is `node` the action `{range …}` / `{end}`?
fn action_head(node: &Node) -> Option<&str> {
    match node {
        Node::List(inner) => match inner.first() {
            Some(Node::Identifier(name)) if name == "range" || name == "end" => Some(name),
            _ => None,
        },
        _ => None,
    }
}

impl Eval {
    /// Execute top-level nodes against `data`, appending to `out`.
    fn execute(&self, nodes: &[Node], data: &Value, out: &mut String) -> Result<(), String> {
        let mut i = 0;
        while i < nodes.len() {
            let node = &nodes[i];
            if action_head(node) == Some("range") {
                let results = self.walk(vec![Cow::Borrowed(data)], node)?;
                let mut depth = 0;
                let mut end = nodes.len();
                for (j, n) in nodes.iter().enumerate().skip(i + 1) {
                    match action_head(n) {
                        Some("range") => depth += 1,
                        Some("end") if depth == 0 => {
                            end = j;
                            break;
                        }
                        Some("end") => depth -= 1,
                        _ => {}
                    }
                }
                let body = &nodes[i + 1..end];
                if results.is_empty() {
                    self.execute(body, &Value::Null, &mut String::new())?;
                }
                for r in &results {
                    self.execute(body, r, out)?;
                }
                i = end + 1;
                continue;
            }
            let results = self.walk(vec![Cow::Borrowed(data)], node)?;
            let texts: Vec<String> = results.iter().map(|r| print_value(r)).collect();
            out.push_str(&texts.join(" "));
            i += 1;
        }
        Ok(())
    }
}

/// `kubectl get -o jsonpath=TEMPLATE` with the default `--allow-missing-template-keys=true`.
pub fn render(template: &str, data: &Value) -> Result<String, JsonPathError> {
    render_with(template, data, true)
}

/// Like [`render`], choosing whether missing keys are errors.
pub fn render_with(
    template: &str,
    data: &Value,
    allow_missing: bool,
) -> Result<String, JsonPathError> {
    let nodes = parse(template).map_err(|message| JsonPathError::Parse {
        template: template.to_string(),
        message,
    })?;
    let mut out = String::new();
    Eval { allow_missing }
        .execute(&nodes, data, &mut out)
        .map_err(|message| JsonPathError::Execute {
            template: template.to_string(),
            message,
            object: gofmt::go_sharp_v(data),
        })?;
    Ok(out)
}

/// Evaluate a template and return each top-level node's results (custom columns use this).
pub(crate) fn find_results(template: &str, data: &Value) -> Result<Vec<Vec<Value>>, String> {
    let nodes = parse(template)?;
    let eval = Eval {
        allow_missing: true,
    };
    nodes
        .iter()
        .map(|n| {
            eval.walk(vec![Cow::Borrowed(data)], n)
                .map(|r| r.into_iter().map(Cow::into_owned).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({
            "apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
            "items": [
                {"metadata": {"name": "web-0", "labels": {"app": "web"}}, "status": {"phase": "Running"}, "spec": {"replicas": 3}},
                {"metadata": {"name": "web-1"}, "status": {"phase": "Pending"}, "spec": {"replicas": 1}},
                {"metadata": {"name": "web-2"}, "status": {"phase": "Running"}, "spec": {"replicas": 2}}
            ]
        })
    }

    fn ok(t: &str) -> String {
        render(t, &list()).unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn simple_fields_and_indexes_print_raw_strings() {
        assert_eq!(ok("{.kind}"), "List");
        assert_eq!(ok("{.items[0].metadata.name}"), "web-0");
        assert_eq!(ok("{.items[-1].metadata.name}"), "web-2");
    }

    #[test]
    fn wildcards_join_results_with_spaces() {
        assert_eq!(ok("{.items[*].metadata.name}"), "web-0 web-1 web-2");
        assert_eq!(ok("{.items[0:2].metadata.name}"), "web-0 web-1");
        assert_eq!(ok("{.items[::2].metadata.name}"), "web-0 web-2");
        assert_eq!(ok("{.items[0,2].metadata.name}"), "web-0 web-2");
    }

    #[test]
    fn maps_and_lists_print_as_compact_json() {
        assert_eq!(
            ok("{.items[0].metadata}"),
            r#"{"labels":{"app":"web"},"name":"web-0"}"#
        );
        assert_eq!(ok("{.items[-1:].spec}"), r#"{"replicas":2}"#);
        assert_eq!(ok("{.metadata.resourceVersion}"), "");
    }

    #[test]
    fn recursive_descent_finds_every_name() {
        assert_eq!(ok("{..name}"), "web-0 web-1 web-2");
    }

    #[test]
    fn filters_select_matching_items() {
        assert_eq!(
            ok(r#"{.items[?(@.status.phase=="Running")].metadata.name}"#),
            "web-0 web-2"
        );
        assert_eq!(
            ok("{.items[?(@.spec.replicas>1)].metadata.name}"),
            "web-0 web-2"
        );
        assert_eq!(ok("{.items[?(@.metadata.labels)].metadata.name}"), "web-0");
    }

    #[test]
    fn range_repeats_its_body_per_item() {
        assert_eq!(
            ok(r#"{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}"#),
            "web-0\tRunning\nweb-1\tPending\nweb-2\tRunning\n"
        );
        assert_eq!(
            ok("names: {range .items[*]}[{.metadata.name}]{end} done"),
            "names: [web-0][web-1][web-2] done"
        );
    }

    #[test]
    fn missing_keys_print_nothing_by_default() {
        assert_eq!(ok("{.foo}"), "");
        assert_eq!(ok("a{.items[*].metadata.labels.app}b"), "awebb");
    }

    #[test]
    fn missing_keys_are_errors_when_not_allowed() {
        let err = render_with("{.foo}", &json!({"a": 1}), false).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("error executing jsonpath \"{.foo}\": Error executing template: foo is not found. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.foo}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":1}\n\n\n".to_string())
        );
    }

    #[test]
    fn parse_errors_name_the_template() {
        let cases = [
            (
                "{.items[0}",
                "error parsing jsonpath {.items[0}, unterminated array",
            ),
            ("{.a", "error parsing jsonpath {.a, unclosed action"),
            (
                "{#}",
                "error parsing jsonpath {#}, unrecognized character in action: U+0023 '#'",
            ),
            (
                "{.a[x]}",
                "error parsing jsonpath {.a[x]}, invalid array index x",
            ),
            ("{end}", ""),
        ];
        for (t, want) in cases {
            let got = render(t, &list()).map_err(|e| e.to_string());
            if want.is_empty() {
                assert!(got.is_err_and(|e| e.contains("not in range, nothing to end")));
            } else {
                assert_eq!(got, Err(want.to_string()), "{t}");
            }
        }
    }

    #[test]
    fn array_errors_report_bounds() {
        let got = render("{.items[5]}", &list()).map_err(|e| e.to_string());
        assert!(got.is_err_and(|e| e
            .contains("Error executing template: array index out of bounds: index 5, length 3.")));
    }

    #[test]
    fn escaped_dots_address_label_keys() {
        let pod = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(
            render(r"{.metadata.labels.app\.kubernetes\.io/name}", &pod),
            Ok("web".to_string())
        );
        assert_eq!(
            render("{.metadata.labels['app.kubernetes.io/name']}", &pod),
            Ok(String::new())
        );
    }
}
