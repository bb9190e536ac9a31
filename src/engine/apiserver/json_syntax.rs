//! The syntax errors of Go's `encoding/json` (its scanner's words), which the API server
//! returns as they are for a request body it cannot read: `invalid character 'b' looking
//! for beginning of object key string`, `unexpected end of JSON input`.

/// What the scanner expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// Inside `\u`, with this many hex digits still to come.
    InStringEscU(u8),
    Neg,
    /// After the first digit 1-9 (`true`) or a lone 0 (`false`).
    Int(bool),
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`/`false`/`null`: the literal and how much of it has been read.
    Literal(&'static str, usize),
}

/// Which composite the scanner is in: an object (before or after its key's colon) or an
/// array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Go's message for why `text` is not one JSON value, or `None` when it is.
pub fn syntax_error(text: &str) -> Option<String> {
    let mut state = State::BeginValue;
    let mut stack: Vec<Parse> = Vec::new();
    for &c in text.as_bytes() {
        match step(state, &mut stack, c) {
            Ok(next) => state = next,
            Err(context) => return Some(invalid(c, context)),
        }
    }
    // The end of input is a space to the scanner: it completes a number at the top.
    match step(state, &mut stack, b' ') {
        Ok(State::EndTop) => None,
        _ => Some("unexpected end of JSON input".into()),
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// One byte through the scanner: the next state, or the context of the error.
fn step(state: State, stack: &mut Vec<Parse>, c: u8) -> Result<State, &'static str> {
    use State::*;
    Ok(match state {
        BeginValueOrEmpty if is_space(c) => BeginValueOrEmpty,
        BeginValueOrEmpty if c == b']' => end_value(stack, c)?,
        BeginValueOrEmpty => step(BeginValue, stack, c)?,
        BeginValue => match c {
            c if is_space(c) => BeginValue,
            b'{' => {
                stack.push(Parse::ObjectKey);
                BeginStringOrEmpty
            }
            b'[' => {
                stack.push(Parse::ArrayValue);
                BeginValueOrEmpty
            }
            b'"' => InString,
            b'-' => Neg,
            b'0' => Int(false),
            b'1'..=b'9' => Int(true),
            b't' => Literal("true", 1),
            b'f' => Literal("false", 1),
            b'n' => Literal("null", 1),
            _ => return Err("looking for beginning of value"),
        },
        BeginStringOrEmpty if is_space(c) => BeginStringOrEmpty,
        BeginStringOrEmpty if c == b'}' => {
            // An empty object: `}` ends it as it would after a key:value pair.
            if let Some(top) = stack.last_mut() {
                *top = Parse::ObjectValue;
            }
            end_value(stack, c)?
        }
        BeginStringOrEmpty | BeginString => match c {
            c if is_space(c) => BeginString,
            b'"' => InString,
            _ => return Err("looking for beginning of object key string"),
        },
        EndValue => end_value(stack, c)?,
        EndTop if is_space(c) => EndTop,
        EndTop => return Err("after top-level value"),
        InString => match c {
            b'"' => EndValue,
            b'\\' => InStringEsc,
            c if c < 0x20 => return Err("in string literal"),
            _ => InString,
        },
        InStringEsc => match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => InString,
            b'u' => InStringEscU(4),
            _ => return Err("in string escape code"),
        },
        InStringEscU(left) => {
            if !c.is_ascii_hexdigit() {
                return Err("in \\u hexadecimal character escape");
            }
            if left == 1 {
                InString
            } else {
                InStringEscU(left - 1)
            }
        }
        Neg => match c {
            b'0' => Int(false),
            b'1'..=b'9' => Int(true),
            _ => return Err("in numeric literal"),
        },
        Int(true) if c.is_ascii_digit() => Int(true),
        Int(_) => match c {
            b'.' => Dot,
            b'e' | b'E' => E,
            _ => end_value(stack, c)?,
        },
        Dot if c.is_ascii_digit() => Dot0,
        Dot => return Err("after decimal point in numeric literal"),
        Dot0 => match c {
            c if c.is_ascii_digit() => Dot0,
            b'e' | b'E' => E,
            _ => end_value(stack, c)?,
        },
        E if c == b'+' || c == b'-' => ESign,
        E | ESign if c.is_ascii_digit() => E0,
        E | ESign => return Err("in exponent of numeric literal"),
        E0 if c.is_ascii_digit() => E0,
        E0 => end_value(stack, c)?,
        Literal(word, read) => {
            let want = word.as_bytes()[read];
            if c != want {
                return Err(match (word, want) {
                    ("true", b'r') => "in literal true (expecting 'r')",
                    ("true", b'u') => "in literal true (expecting 'u')",
                    ("true", _) => "in literal true (expecting 'e')",
                    ("false", b'a') => "in literal false (expecting 'a')",
                    ("false", b'l') => "in literal false (expecting 'l')",
                    ("false", b's') => "in literal false (expecting 's')",
                    ("false", _) => "in literal false (expecting 'e')",
                    ("null", b'u') => "in literal null (expecting 'u')",
                    _ => "in literal null (expecting 'l')",
                });
            }
            if read + 1 == word.len() {
                EndValue
            } else {
                Literal(word, read + 1)
            }
        }
    })
}

/// After a complete value: what the enclosing composite allows next.
fn end_value(stack: &mut Vec<Parse>, c: u8) -> Result<State, &'static str> {
    let Some(top) = stack.last().copied() else {
        return step(State::EndTop, stack, c);
    };
    if is_space(c) {
        return Ok(State::EndValue);
    }
    match (top, c) {
        (Parse::ObjectKey, b':') => {
            stack.pop();
            stack.push(Parse::ObjectValue);
            Ok(State::BeginValue)
        }
        (Parse::ObjectKey, _) => Err("after object key"),
        (Parse::ObjectValue, b',') => {
            stack.pop();
            stack.push(Parse::ObjectKey);
            Ok(State::BeginString)
        }
        (Parse::ObjectValue, b'}') | (Parse::ArrayValue, b']') => {
            stack.pop();
            Ok(if stack.is_empty() {
                State::EndTop
            } else {
                State::EndValue
            })
        }
        (Parse::ObjectValue, _) => Err("after object key:value pair"),
        (Parse::ArrayValue, b',') => Ok(State::BeginValue),
        (Parse::ArrayValue, _) => Err("after array element"),
    }
}

/// `invalid character 'x' CONTEXT`, the character quoted as Go's `quoteChar` does.
fn invalid(c: u8, context: &str) -> String {
    let quoted = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        b'\n' => "'\\n'".to_string(),
        b'\r' => "'\\r'".to_string(),
        b'\t' => "'\\t'".to_string(),
        0x20..=0x7e => format!("'{}'", c as char),
        0x00..=0x1f | 0x7f => format!("'\\x{c:02x}'"),
        // A byte of a multi-byte character, as the rune of the same number.
        _ => format!("'{}'", char::from(c)),
    };
    format!("invalid character {quoted} {context}")
}

#[cfg(test)]
mod tests {
    use super::syntax_error;

    #[test]
    fn valid_json_has_no_error() {
        for ok in [
            "{}",
            " { \"a\" : [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"] } ",
            "[]",
            "0",
            "12",
            "\"s\"",
            "[{\"op\":\"bogus\"}]",
        ] {
            assert_eq!(syntax_error(ok), None, "{ok}");
        }
    }

    #[test]
    fn errors_are_worded_as_the_api_server_returns_them() {
        let cases = [
            (
                "{bad",
                "invalid character 'b' looking for beginning of object key string",
            ),
            (
                "{\"a\":}",
                "invalid character '}' looking for beginning of value",
            ),
            ("{\"a\":1", "unexpected end of JSON input"),
            ("", "unexpected end of JSON input"),
            (
                "{\"a\":tru}",
                "invalid character '}' in literal true (expecting 'e')",
            ),
            ("{}x", "invalid character 'x' after top-level value"),
            (
                "{\"a\":\"\\q\"}",
                "invalid character 'q' in string escape code",
            ),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            (
                "{\"a\":1 \"b\"}",
                "invalid character '\"' after object key:value pair",
            ),
            ("[1 2]", "invalid character '2' after array element"),
            ("[01]", "invalid character '1' after array element"),
            (
                "[1.]",
                "invalid character ']' after decimal point in numeric literal",
            ),
            ("[-x]", "invalid character 'x' in numeric literal"),
            (
                "[1e]",
                "invalid character ']' in exponent of numeric literal",
            ),
            (
                "{'a':1}",
                "invalid character '\\'' looking for beginning of object key string",
            ),
            ("{\"a\n\":1}", "invalid character '\\n' in string literal"),
        ];
        for (text, want) in cases {
            assert_eq!(syntax_error(text).as_deref(), Some(want), "{text}");
        }
    }
}
