//! `kubectl get -o yaml` / `-o json` output.
//!
//! YAML is what sigs.k8s.io/yaml prints: the object goes through JSON, then go-yaml v2
//! (`go.yaml.in/yaml/v2`) emits it. This module reproduces the parts of go-yaml v2's
//! emitter (`emitterc.go`) and scalar resolution (`resolve.go`, `encode.go` `stringv`)
//! that JSON-shaped data can reach: block mappings with sorted keys, indentless sequences
//! under mapping keys, `{}`/`[]` for empty containers, plain/single/double-quoted and
//! literal (`|`, `|-`, `|+`) scalars, and line wrapping of long flow scalars at column 80
//! (kubectl does not call `yaml.FutureLineWrap()`).

use crate::gofmt;
use serde_json::Value;

/// go-yaml's `best_width`.
const BEST_WIDTH: usize = 80;
/// go-yaml's `best_indent`.
const BEST_INDENT: i64 = 2;

/// `kubectl get -o yaml` of one object (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, Ctx::default());
    e.finish()
}

/// `kubectl get -o json`: `json.MarshalIndent(v, "", "    ")` plus a newline.
pub fn to_json(v: &Value) -> String {
    let mut s = gofmt::json_indent(v, "    ");
    s.push('\n');
    s
}

/// Scalar styles of the emitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Where a node sits (go-yaml's `mapping_context` / `simple_key_context`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    mapping: bool,
    simple_key: bool,
}

/// A mapping key.
const KEY_CTX: Ctx = Ctx {
    mapping: true,
    simple_key: true,
};

/// A mapping value.
pub(super) const VALUE_CTX: Ctx = Ctx {
    mapping: true,
    simple_key: false,
};

/// What `yaml_emitter_analyze_scalar` decides about a scalar.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's printable set (4-byte UTF-8 characters are *not* printable).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    c == '\n'
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(value: &[char]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators =
        value.starts_with(&['-', '-', '-']) || value.starts_with(&['.', '.', '.']);
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = value.len();
    for (i, &c) in value.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || is_blank(value[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == n;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == n;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break || line_breaks {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// What `analyze` calls block indicators, for a word of printable ASCII without spaces:
/// a leading indicator character, a lone `?`/`:`/`-`, `---`/`...`, or a final `:`.
fn has_block_indicator(b: &[u8]) -> bool {
    let leading = matches!(
        b.first(),
        Some(
            b'#' | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        )
    );
    let lone = b.len() == 1 && matches!(b[0], b'?' | b':' | b'-');
    leading
        || lone
        || b.starts_with(b"---")
        || b.starts_with(b"...")
        || (b.len() > 1 && b.last() == Some(&b':'))
}

/// A key like `metadata` or `app.kubernetes.io/name`: a letter, then letters, digits and
/// `-_./`, not a word YAML reads as something else (`on`, `null`): it prints plain.
fn is_identifier_key(k: &str) -> bool {
    let b = k.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.len() <= 128
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
        && resolves_to_string(k)
}

/// The style `encode.go` `stringv` asks for: literal for multi-line text, plain when the
/// text would read back as a string, double-quoted otherwise.
fn requested_string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// go-yaml v2 `resolve("", s)` returns the `!!str` tag.
fn resolves_to_string(s: &str) -> bool {
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
fn is_base60_float(s: &str) -> bool {
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

/// A minimal port of go-yaml v2's emitter state for block-style output.
pub(super) struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
}

impl Emitter {
    pub(super) fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Copy a line-break character: `\n` becomes a newline, others are written as is.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    pub(super) fn node(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&gofmt::number(n, gofmt::format_g), Style::Plain, ctx),
            Value::String(s) => self.scalar(s, requested_string_style(s), ctx),
            Value::Array(items) => self.sequence(items.iter(), ctx),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Object(map) => {
                self.begin_mapping();
                for (k, item) in map {
                    self.entry(k, item);
                }
                self.end_mapping();
            }
        }
    }

    /// A block sequence of `items` (`[]` when there are none).
    pub(super) fn sequence<'a>(
        &mut self,
        items: impl ExactSizeIterator<Item = &'a Value>,
        ctx: Ctx,
    ) {
        if items.len() == 0 {
            self.empty_flow("[", "]");
            return;
        }
        self.increase_indent(false, ctx.mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Ctx::default());
        }
        self.pop_indent();
    }

    /// Opens a non-empty block mapping; `entry`/`key` write its pairs.
    pub(super) fn begin_mapping(&mut self) {
        self.increase_indent(false, false);
    }

    pub(super) fn end_mapping(&mut self) {
        self.pop_indent();
    }

    /// One `key: value` pair of the open mapping.
    pub(super) fn entry(&mut self, k: &str, item: &Value) {
        self.key(k);
        self.node(item, VALUE_CTX);
    }

    /// The key of a pair and its `:`; the value follows in `VALUE_CTX`.
    pub(super) fn key(&mut self, k: &str) {
        self.write_indent();
        if is_identifier_key(k) {
            // What the general path writes for it: a plain scalar, then `:`.
            if !self.whitespace {
                self.put(' ');
            }
            self.out.push_str(k);
            self.out.push(':');
            self.column += k.len() + 1;
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let simple = !k.chars().any(is_break) && k.len() <= 128;
        if simple {
            self.node_key(k, KEY_CTX);
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            self.node_key(k, VALUE_CTX);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    /// Ends the document on a fresh line and returns the text.
    pub(super) fn finish(mut self) -> String {
        self.indent = -1;
        self.write_indent();
        self.out
    }

    fn node_key(&mut self, k: &str, ctx: Ctx) {
        self.scalar(k, requested_string_style(k), ctx);
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    /// `yaml_emitter_select_scalar_style` + `process_scalar`.
    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        if self.one_word_scalar(value, requested) {
            return;
        }
        let chars: Vec<char> = value.chars().collect();
        let a = analyze(&chars);
        let mut style = requested;
        if ctx.simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (chars.is_empty() && ctx.simple_key))
        {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || ctx.simple_key) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&chars, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(&chars, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(&chars, allow_breaks),
            Style::Literal => self.write_literal(&chars),
        }
        self.pop_indent();
    }

    /// Writes a one-word printable ASCII scalar (names, images, quoted timestamps: most
    /// of an object) at once when the general path would pick its requested plain or
    /// double-quoted style and write it unchanged; false leaves it to the general path.
    fn one_word_scalar(&mut self, value: &str, requested: Style) -> bool {
        let b = value.as_bytes();
        if b.is_empty() || !b.iter().all(u8::is_ascii_graphic) {
            return false;
        }
        let quoted = match requested {
            Style::Plain if !has_block_indicator(b) => false,
            Style::DoubleQuoted if !b.contains(&b'"') && !b.contains(&b'\\') => true,
            _ => return false,
        };
        if !self.whitespace {
            self.put(' ');
        }
        if quoted {
            self.out.push('"');
        }
        self.out.push_str(value);
        if quoted {
            self.out.push('"');
        }
        self.column += b.len() + 2 * usize::from(quoted);
        self.whitespace = false;
        self.indention = false;
        true
    }

    fn write_plain(&mut self, v: &[char], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in v.iter().enumerate() {
            if c == ' ' {
                let next_is_space = v.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, v: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let n = v.len();
        for (i, &c) in v.iter().enumerate() {
            if c == ' ' {
                let next_is_space = v.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, v: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let n = v.len();
        for (i, &c) in v.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let u = c as u32;
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let (letter, width) = if u <= 0xFF {
                            ('x', 2)
                        } else if u <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for ch in format!("{u:0width$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.write_indent();
                    if v.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, v: &[char]) {
        self.write_indicator("|", true, false, false);
        if v.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match v {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., prev, _] if is_break(*prev) => Some("+"),
            _ => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(ch, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in v {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_yaml_reads_as_other_types_stay_quoted() {
        let v = json!({"on": 1, "y": "n", "app.kubernetes.io/name": "x", "a:": "b"});
        assert_eq!(
            to_yaml(&v),
            "'a:': b\napp.kubernetes.io/name: x\n\"on\": 1\n\"y\": \"n\"\n"
        );
    }

    #[test]
    fn a_deployment_prints_like_kubectl_get_o_yaml() {
        let d = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "annotations": {
                    "deployment.kubernetes.io/revision": "1",
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}\n"
                },
                "creationTimestamp": "2025-10-14T09:12:03Z",
                "generation": 1,
                "labels": {"app": "nginx"},
                "name": "nginx",
                "namespace": "default",
                "resourceVersion": "1234",
                "uid": "5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c"
            },
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"creationTimestamp": null, "labels": {"app": "nginx"}},
                    "spec": {
                        "containers": [{
                            "image": "nginx:1.25",
                            "name": "nginx",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "resources": {}
                        }],
                        "dnsPolicy": "ClusterFirst"
                    }
                }
            },
            "status": {}
        });
        assert_eq!(
            to_yaml(&d),
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment"}
  creationTimestamp: "2025-10-14T09:12:03Z"
  generation: 1
  labels:
    app: nginx
  name: nginx
  namespace: default
  resourceVersion: "1234"
  uid: 5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
      dnsPolicy: ClusterFirst
status: {}
"#
        );
    }

    #[test]
    fn a_list_wrapper_prints_empty_resource_version_quoted() {
        let l = json!({"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}});
        assert_eq!(
            to_yaml(&l),
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
    }

    #[test]
    fn strings_that_would_read_back_as_other_types_are_double_quoted() {
        for s in [
            "3",
            "-1",
            "+5",
            "0x1F",
            "1_000",
            "1.5",
            ".5",
            "1e3",
            "true",
            "False",
            "yes",
            "on",
            "N",
            "~",
            "null",
            "",
            ".inf",
            "2025-10-14",
            "2025-1-2 3:04:05",
            "1:20",
        ] {
            assert_eq!(
                to_yaml(&json!({ "k": s })),
                format!("k: \"{s}\"\n"),
                "{s:?}"
            );
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "nginx",
            "nginx:1.25",
            "a-b",
            "IfNotPresent",
            "10.244.1.5",
            "80/TCP",
            "1.2.3",
            "x: y",
            "2025-13-01",
            "1e400",
            "0x",
            "a#b",
            "-a",
            "Hello, world",
        ] {
            let want = match s {
                "x: y" => "k: 'x: y'\n".to_string(),
                _ => format!("k: {s}\n"),
            };
            assert_eq!(to_yaml(&json!({ "k": s })), want, "{s:?}");
        }
    }

    #[test]
    fn indicator_characters_force_single_quotes() {
        assert_eq!(to_yaml(&json!({"k": "*"})), "k: '*'\n");
        assert_eq!(to_yaml(&json!({"k": "- x"})), "k: '- x'\n");
        assert_eq!(to_yaml(&json!({"k": "a #b"})), "k: 'a #b'\n");
        assert_eq!(to_yaml(&json!({"k": " lead"})), "k: ' lead'\n");
        assert_eq!(to_yaml(&json!({"k": "it's: x"})), "k: 'it''s: x'\n");
        assert_eq!(to_yaml(&json!({"k": "{}"})), "k: '{}'\n");
    }

    #[test]
    fn control_characters_and_emoji_force_double_quotes_with_escapes() {
        assert_eq!(to_yaml(&json!({"k": "a\tb"})), "k: \"a\\tb\"\n");
        assert_eq!(to_yaml(&json!({"k": "😀"})), "k: \"\\U0001F600\"\n");
        assert_eq!(to_yaml(&json!({"k": "say \"hi\""})), "k: say \"hi\"\n");
        assert_eq!(to_yaml(&json!({"k": "é"})), "k: é\n");
    }

    #[test]
    fn multi_line_strings_use_literal_blocks_with_chomping() {
        assert_eq!(to_yaml(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
        assert_eq!(to_yaml(&json!({"k": "a\nb"})), "k: |-\n  a\n  b\n");
        assert_eq!(to_yaml(&json!({"k": "a\n\n"})), "k: |+\n  a\n\n");
        assert_eq!(to_yaml(&json!({"k": "a\n\nb\n"})), "k: |\n  a\n\n  b\n");
        assert_eq!(to_yaml(&json!({"k": " a\nb"})), "k: |2-\n   a\n  b\n");
        // Trailing space on a line makes a block impossible: double quotes.
        assert_eq!(to_yaml(&json!({"k": "a \nb"})), "k: \"a \\nb\"\n");
    }

    #[test]
    fn literal_blocks_in_sequences_indent_under_the_dash() {
        let v = json!({"args": ["echo hi\nsleep 1\n"]});
        assert_eq!(to_yaml(&v), "args:\n- |\n  echo hi\n  sleep 1\n");
    }

    #[test]
    fn long_plain_strings_wrap_after_column_80_at_a_space() {
        let words = "word ".repeat(20);
        let msg = words.trim_end();
        let v = json!({"status": {"message": msg}});
        let out = to_yaml(&v);
        // "  message: " is 11 columns; 14 words end exactly at column 80, which is not
        // beyond the best width, so the break replaces the space after the 15th word.
        let first = format!("  message: {}", "word ".repeat(15).trim_end());
        let rest = format!("    {}", "word ".repeat(5).trim_end());
        assert_eq!(out, format!("status:\n{first}\n{rest}\n"));
    }

    #[test]
    fn long_quoted_strings_wrap_too() {
        let msg = format!("{}: end", "x ".repeat(45).trim_end());
        let out = to_yaml(&json!({ "m": msg }));
        assert!(out.starts_with("m: 'x x"), "{out}");
        assert!(out.contains("\n  x"), "{out}");
        assert!(out.ends_with(": end'\n"), "{out}");
    }

    #[test]
    fn keys_are_never_wrapped_and_numeric_keys_are_quoted() {
        let v = json!({"1": "a", "app.kubernetes.io/name": "b"});
        assert_eq!(to_yaml(&v), "\"1\": a\napp.kubernetes.io/name: b\n");
    }

    #[test]
    fn nested_sequences_and_empty_items() {
        let v = json!({"a": [[1, 2], {}, []], "b": [{"c": {"d": 1}}]});
        assert_eq!(
            to_yaml(&v),
            "a:\n- - 1\n  - 2\n- {}\n- []\nb:\n- c:\n    d: 1\n"
        );
    }

    #[test]
    fn floats_use_go_g_formatting() {
        assert_eq!(
            to_yaml(&json!({"f": 1.5, "g": 1e6, "h": -3})),
            "f: 1.5\ng: 1e+06\nh: -3\n"
        );
    }

    #[test]
    fn json_output_uses_four_spaces_and_a_trailing_newline() {
        let v = json!({"kind": "Pod", "metadata": {"labels": {}, "name": "a<b"}, "spec": {"containers": [{"name": "x"}]}});
        assert_eq!(
            to_json(&v),
            "{\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"labels\": {},\n        \"name\": \"a\\u003cb\"\n    },\n    \"spec\": {\n        \"containers\": [\n            {\n                \"name\": \"x\"\n            }\n        ]\n    }\n}\n"
        );
    }
}
