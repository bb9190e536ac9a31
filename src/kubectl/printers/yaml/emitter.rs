//! The block-style emitter: go-yaml v2's `emitterc.go` for the JSON-shaped documents
//! kubectl prints (sorted block mappings, indentless sequences, `{}`/`[]` when empty).

use super::scalar::{
    analyze, has_block_indicator, is_break, is_identifier_key, is_printable,
    requested_string_style, Style,
};
use crate::kubectl::printers::gofmt;
use serde_json::Value;

/// go-yaml's `best_width`.
const BEST_WIDTH: usize = 80;
/// go-yaml's `best_indent`.
const BEST_INDENT: i64 = 2;

/// Where a node sits (go-yaml's `mapping_context` / `simple_key_context`).
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::kubectl::printers) struct Ctx {
    mapping: bool,
    simple_key: bool,
}

/// A mapping key.
const KEY_CTX: Ctx = Ctx {
    mapping: true,
    simple_key: true,
};

/// A mapping value.
pub(in crate::kubectl::printers) const VALUE_CTX: Ctx = Ctx {
    mapping: true,
    simple_key: false,
};

/// A minimal port of go-yaml v2's emitter state for block-style output.
pub(in crate::kubectl::printers) struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
}

impl Emitter {
    pub(in crate::kubectl::printers) fn new() -> Self {
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

    pub(in crate::kubectl::printers) fn node(&mut self, v: &Value, ctx: Ctx) {
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
    pub(in crate::kubectl::printers) fn sequence<'a>(
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
    pub(in crate::kubectl::printers) fn begin_mapping(&mut self) {
        self.increase_indent(false, false);
    }

    pub(in crate::kubectl::printers) fn end_mapping(&mut self) {
        self.pop_indent();
    }

    /// One `key: value` pair of the open mapping.
    pub(in crate::kubectl::printers) fn entry(&mut self, k: &str, item: &Value) {
        self.key(k);
        self.node(item, VALUE_CTX);
    }

    /// The key of a pair and its `:`; the value follows in `VALUE_CTX`.
    pub(in crate::kubectl::printers) fn key(&mut self, k: &str) {
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
    pub(in crate::kubectl::printers) fn finish(mut self) -> String {
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
