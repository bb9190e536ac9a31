//! kubectl's `-o go-template=…` / `--template …` (Go `text/template` over the object as
//! unstructured JSON): text; `{{.a.b}}`, `{{$}}`, `{{$v.a}}`; string, number and bool
//! literals; pipelines (`{{.a | printf "%s"}}`) and parenthesised ones as arguments;
//! `{{range [$i,] [$v :=] X}}`, `{{if X}}`, `{{with [$v :=] X}}` (each with `{{else}}`);
//! the functions `and`, `or`, `not`, `len`, `index`, `print`, `printf`, `println`, `eq`,
//! `ne`, `lt`, `le`, `gt`, `ge`; `{{-`/`-}}` trimming. Values print as Go's `%v`; a
//! missing map key prints `<no value>` (kubectl's default
//! `--allow-missing-template-keys=true`).

use super::jsonpath::go_type;
use crate::gofmt;
use serde_json::Value;

/// Why a template did not parse or run; `Display` is the text after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoTemplateError {
    /// The template does not parse (`template.Parse`).
    #[error("error parsing template {template}, template: output:1: {message}")]
    Parse { template: String, message: String },
    /// Running it failed (a field of a non-map, ranging over a scalar…).
    #[error("error executing template {template:?}: template: output:1: executing \"output\": {message}")]
    Execute { template: String, message: String },
    /// A construct this subset leaves out (`with`, `define`, pipelines, most functions).
    #[error("kubeplay: go-template {what} is not supported in the playground; use -o jsonpath or -o custom-columns")]
    Unsupported { what: String },
}

/// An operand: `.a.b`, `$v.a`, a literal, or a parenthesised pipeline.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// `.` followed by field names (`.` alone: none).
    Dot(Vec<String>),
    /// `$name` (`$` alone: the root) followed by field names.
    Var(String, Vec<String>),
    Literal(Value),
    Sub(Box<Expr>),
}

/// One command of a pipeline: an operand, or a function and its arguments.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Arg(Arg),
    Call(String, Vec<Arg>),
}

/// A pipeline: each command's value is the last argument of the next.
#[derive(Debug, Clone, PartialEq)]
struct Expr(Vec<Command>);

/// text/template's builtin functions this printer runs.
const FUNCTIONS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge",
];

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Print(Expr),
    Range {
        vars: Vec<String>,
        expr: Expr,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    If {
        expr: Expr,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    /// `{{with}}`: the body runs with dot (and the variable, if any) set to the value.
    With {
        vars: Vec<String>,
        expr: Expr,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

/// A value met while running: present, or a missing key (`<no value>`).
type Found<'a> = Option<std::borrow::Cow<'a, Value>>;

/// Runs `template` against `data`.
pub fn render(template: &str, data: &Value) -> Result<String, GoTemplateError> {
    let parse_err = |message: String| GoTemplateError::Parse {
        template: template.to_string(),
        message,
    };
    let pieces = split(template).map_err(parse_err)?;
    let mut at = 0;
    let (nodes, stop) = parse_nodes(&pieces, &mut at).map_err(|e| match e {
        GoTemplateError::Parse { message, .. } => parse_err(message),
        other => other,
    })?;
    if let Some(word) = stop {
        return Err(parse_err(format!("unexpected {{{{{word}}}}}")));
    }
    let mut out = String::new();
    let mut vars = vec![("$".to_string(), data.clone())];
    run(&nodes, Some(data), &mut vars, &mut out).map_err(|message| GoTemplateError::Execute {
        template: template.to_string(),
        message,
    })?;
    Ok(out)
}

/// Text and action pieces, with `{{-`/`-}}` trimming applied to the text.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Action(String),
}

fn split(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = &rest[..open];
        if trim_next {
            text = text.trim_start();
        }
        let mut inner_start = open + 2;
        if rest[inner_start..].starts_with("- ") {
            text = text.trim_end();
            inner_start += 2;
        }
        pieces.push(Piece::Text(text.to_string()));
        let close = find_close(&rest[inner_start..]).ok_or("unclosed action")?;
        let mut inner = &rest[inner_start..inner_start + close];
        trim_next = false;
        if let Some(t) = inner.strip_suffix(" -") {
            inner = t;
            trim_next = true;
        }
        pieces.push(Piece::Action(inner.trim().to_string()));
        rest = &rest[inner_start + close + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    pieces.push(Piece::Text(text.to_string()));
    Ok(pieces)
}

/// Where `}}` ends an action, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match quote {
            Some(q) if b[i] == b'\\' && q == b'"' => i += 1,
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if b[i] == b'"' || b[i] == b'`' => quote = Some(b[i]),
            None if s[i..].starts_with("}}") => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Parses pieces up to `{{end}}`/`{{else}}` (returned as the stop word) or the end.
fn parse_nodes(
    pieces: &[Piece],
    at: &mut usize,
) -> Result<(Vec<Node>, Option<String>), GoTemplateError> {
    let mut nodes = Vec::new();
    while let Some(piece) = pieces.get(*at) {
        *at += 1;
        let action = match piece {
            Piece::Text(t) => {
                if !t.is_empty() {
                    nodes.push(Node::Text(t.clone()));
                }
                continue;
            }
            Piece::Action(a) => a,
        };
        let words = words(action).map_err(|message| GoTemplateError::Parse {
            template: action.clone(),
            message,
        })?;
        match words.first().map(String::as_str) {
            None => {
                return Err(GoTemplateError::Parse {
                    template: action.clone(),
                    message: "missing value for command".into(),
                })
            }
            Some("end") | Some("else") => return Ok((nodes, Some(words[0].clone()))),
            Some("range") | Some("if") | Some("with") => {
                let keyword = words[0].clone();
                let (vars, expr_words) = declarations(&words[1..]);
                let expr = expr(expr_words)?;
                let (body, stop) = parse_nodes(pieces, at)?;
                let otherwise = match stop.as_deref() {
                    Some("else") => match parse_nodes(pieces, at)? {
                        (o, Some(end)) if end == "end" => o,
                        _ => return Err(unexpected_eof()),
                    },
                    Some(_) => Vec::new(),
                    None => return Err(unexpected_eof()),
                };
                nodes.push(match keyword.as_str() {
                    "range" => Node::Range {
                        vars,
                        expr,
                        body,
                        otherwise,
                    },
                    "with" => Node::With {
                        vars,
                        expr,
                        body,
                        otherwise,
                    },
                    _ => Node::If {
                        expr,
                        body,
                        otherwise,
                    },
                });
            }
            Some(w @ ("define" | "template" | "block" | "break" | "continue")) => {
                return Err(GoTemplateError::Unsupported {
                    what: format!("{{{{{w}}}}}"),
                })
            }
            Some(_) => nodes.push(Node::Print(expr(&words)?)),
        }
    }
    Ok((nodes, None))
}

fn unexpected_eof() -> GoTemplateError {
    GoTemplateError::Parse {
        template: String::new(),
        message: "unexpected EOF".into(),
    }
}

/// `$i, $v :=` / `$v :=` before a range or if expression.
fn declarations(words: &[String]) -> (Vec<String>, &[String]) {
    if let Some(eq) = words.iter().position(|w| w == ":=") {
        let vars = words[..eq]
            .iter()
            .map(|w| w.trim_end_matches(',').to_string())
            .filter(|w| !w.is_empty())
            .collect();
        return (vars, &words[eq + 1..]);
    }
    (Vec::new(), words)
}

/// An action's words: bare words, `"…"`/`` `…` `` strings (kept quoted), `,` split off.
fn words(action: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = action.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            let mut w = String::from(c);
            chars.next();
            let mut closed = false;
            while let Some(d) = chars.next() {
                w.push(d);
                if d == '\\' && c == '"' {
                    if let Some(e) = chars.next() {
                        w.push(e);
                    }
                } else if d == c {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err("unterminated quoted string".into());
            }
            out.push(w);
        } else if matches!(c, '(' | ')' | '|') {
            out.push(c.to_string());
            chars.next();
        } else {
            let mut w = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() || matches!(d, '(' | ')' | '|') {
                    break;
                }
                w.push(d);
                chars.next();
                if d == ',' {
                    break;
                }
            }
            out.push(w);
        }
    }
    Ok(out)
}

fn expr(words: &[String]) -> Result<Expr, GoTemplateError> {
    let mut at = 0;
    let e = pipeline(words, &mut at)?;
    match words.get(at) {
        None => Ok(e),
        Some(w) => Err(parse_error(words, format!("unexpected {w:?} in operand"))),
    }
}

fn parse_error(words: &[String], message: String) -> GoTemplateError {
    GoTemplateError::Parse {
        template: words.join(" "),
        message,
    }
}

/// Commands separated by `|`, up to a `)` or the end.
fn pipeline(words: &[String], at: &mut usize) -> Result<Expr, GoTemplateError> {
    let mut commands = Vec::new();
    loop {
        let start = *at;
        let mut args = Vec::new();
        while let Some(w) = words.get(*at) {
            match w.as_str() {
                "|" | ")" => break,
                "(" => {
                    *at += 1;
                    let inner = pipeline(words, at)?;
                    if words.get(*at).map(String::as_str) != Some(")") {
                        return Err(parse_error(words, "unclosed left paren".into()));
                    }
                    *at += 1;
                    args.push(Word::Arg(Arg::Sub(Box::new(inner))));
                }
                _ => {
                    *at += 1;
                    args.push(Word::Raw(w.clone()));
                }
            }
        }
        if *at == start || args.is_empty() {
            return Err(parse_error(words, "missing value for command".into()));
        }
        commands.push(command(words, args, !commands.is_empty())?);
        if words.get(*at).map(String::as_str) != Some("|") {
            return Ok(Expr(commands));
        }
        *at += 1;
    }
}

/// A word of a command before it is read: a parenthesised pipeline is already parsed.
enum Word {
    Raw(String),
    Arg(Arg),
}

fn command(words: &[String], mut args: Vec<Word>, piped: bool) -> Result<Command, GoTemplateError> {
    let first = args.remove(0);
    let name = match first {
        Word::Raw(w) if FUNCTIONS.contains(&w.as_str()) => w,
        Word::Raw(w) if matches!(w.as_str(), "html" | "js" | "urlquery" | "slice" | "call") => {
            return Err(GoTemplateError::Unsupported {
                what: format!("function {w:?}"),
            })
        }
        Word::Raw(w)
            if w.starts_with(|c: char| c.is_ascii_alphabetic())
                && !matches!(w.as_str(), "true" | "false" | "nil") =>
        {
            return Err(parse_error(words, format!("function {w:?} not defined")))
        }
        other => {
            if !args.is_empty() || piped {
                let shown = match &other {
                    Word::Raw(w) => w.clone(),
                    Word::Arg(_) => "(...)".into(),
                };
                return Err(parse_error(
                    words,
                    format!("can't give argument to non-function {shown}"),
                ));
            }
            return Ok(Command::Arg(word_arg(other)?));
        }
    };
    let args = args.into_iter().map(word_arg).collect::<Result<_, _>>()?;
    Ok(Command::Call(name, args))
}

fn word_arg(w: Word) -> Result<Arg, GoTemplateError> {
    match w {
        Word::Raw(w) => arg(&w),
        Word::Arg(a) => Ok(a),
    }
}

fn arg(word: &str) -> Result<Arg, GoTemplateError> {
    let parse = |message: String| GoTemplateError::Parse {
        template: word.to_string(),
        message,
    };
    let fields = |path: &str| -> Vec<String> {
        path.split('.')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect()
    };
    if let Some(path) = word.strip_prefix('.') {
        return Ok(Arg::Dot(fields(path)));
    }
    if word.starts_with('$') {
        let (name, path) = match word.find('.') {
            Some(i) => (&word[..i], &word[i..]),
            None => (word, ""),
        };
        return Ok(Arg::Var(name.to_string(), fields(path)));
    }
    if word.starts_with('"') {
        return serde_json::from_str::<String>(word)
            .map(|s| Arg::Literal(Value::String(s)))
            .map_err(|_| parse(format!("malformed string {word}")));
    }
    if let Some(raw) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return Ok(Arg::Literal(Value::String(raw.to_string())));
    }
    match word {
        "true" => return Ok(Arg::Literal(Value::Bool(true))),
        "false" => return Ok(Arg::Literal(Value::Bool(false))),
        "nil" => return Err(parse("nil is not a command".into())),
        _ => {}
    }
    if let Ok(i) = word.parse::<i64>() {
        return Ok(Arg::Literal(Value::from(i)));
    }
    if let Some(n) = word
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        return Ok(Arg::Literal(Value::Number(n)));
    }
    Err(parse(format!("function {word:?} not defined")))
}

fn run(
    nodes: &[Node],
    dot: Option<&Value>,
    vars: &mut Vec<(String, Value)>,
    out: &mut String,
) -> Result<(), String> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Print(e) => match eval(e, dot, vars)? {
                Some(v) => out.push_str(&gofmt::go_sprint(&v)),
                None => out.push_str("<no value>"),
            },
            Node::If {
                expr,
                body,
                otherwise,
            } => {
                let v = eval(expr, dot, vars)?;
                let chosen = if v.as_deref().is_some_and(truth) {
                    body
                } else {
                    otherwise
                };
                run(chosen, dot, vars, out)?;
            }
            Node::With {
                vars: names,
                expr,
                body,
                otherwise,
            } => {
                let v = eval(expr, dot, vars)?.map(|v| v.into_owned());
                match v.filter(truth) {
                    Some(v) => {
                        let mark = vars.len();
                        vars.extend(names.iter().map(|n| (n.clone(), v.clone())));
                        let result = run(body, Some(&v), vars, out);
                        vars.truncate(mark);
                        result?;
                    }
                    None => run(otherwise, dot, vars, out)?,
                }
            }
            Node::Range {
                vars: names,
                expr,
                body,
                otherwise,
            } => {
                let v = eval(expr, dot, vars)?.map(|v| v.into_owned());
                let items: Vec<(Value, &Value)> = match &v {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(a)) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i), x))
                        .collect(),
                    Some(Value::Object(m)) => m
                        .iter()
                        .map(|(k, x)| (Value::String(k.clone()), x))
                        .collect(),
                    Some(other) => {
                        return Err(format!(
                            "range can't iterate over {}",
                            gofmt::go_sprint(other)
                        ))
                    }
                };
                if items.is_empty() {
                    run(otherwise, dot, vars, out)?;
                }
                for (key, item) in items {
                    let mark = vars.len();
                    match names.as_slice() {
                        [] => {}
                        [v] => vars.push((v.clone(), item.clone())),
                        [k, v, ..] => {
                            vars.push((k.clone(), key));
                            vars.push((v.clone(), item.clone()));
                        }
                    }
                    let result = run(body, Some(item), vars, out);
                    vars.truncate(mark);
                    result?;
                }
            }
        }
    }
    Ok(())
}

/// text/template's truth: false, 0, "", nil and empty collections are false.
fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn eval<'a>(
    e: &Expr,
    dot: Option<&'a Value>,
    vars: &'a [(String, Value)],
) -> Result<Found<'a>, String> {
    let mut piped: Option<Found<'a>> = None;
    for command in &e.0 {
        piped = Some(match command {
            Command::Arg(a) => value_of(a, dot, vars)?,
            Command::Call(f, args) => {
                let mut values = Vec::with_capacity(args.len() + 1);
                for a in args {
                    values.push(value_of(a, dot, vars)?);
                }
                if let Some(v) = piped.take() {
                    values.push(v);
                }
                call(f, values)?
            }
        });
    }
    Ok(piped.flatten())
}

fn owned<'a>(v: Value) -> Found<'a> {
    Some(std::borrow::Cow::Owned(v))
}

/// Runs builtin `f` on its (evaluated) arguments.
fn call<'a>(f: &str, mut args: Vec<Found<'a>>) -> Result<Found<'a>, String> {
    let want = |n: usize, got: usize| format!("wrong number of args for {f}: want {n} got {got}");
    match f {
        "len" => {
            let [a] = args.as_slice() else {
                return Err(want(1, args.len()));
            };
            let n = match a.as_deref() {
                Some(Value::Array(x)) => x.len(),
                Some(Value::Object(m)) => m.len(),
                Some(Value::String(s)) => s.len(),
                _ => return Err("error calling len: len of type".into()),
            };
            Ok(owned(Value::from(n)))
        }
        "index" => {
            if args.is_empty() {
                return Err("wrong number of args for index: want at least 1 got 0".into());
            }
            let keys = args.split_off(1);
            let mut cur = args.pop().flatten();
            for key in keys {
                cur = match (cur, key.as_deref()) {
                    (Some(c), Some(Value::String(s))) if c.is_object() => {
                        c.get(s.as_str()).cloned().map(std::borrow::Cow::Owned)
                    }
                    (Some(c), Some(Value::Number(n))) if c.is_array() => {
                        let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                        let item = c.get(i).cloned().ok_or_else(|| {
                            format!("error calling index: index out of range: {n}")
                        })?;
                        owned(item)
                    }
                    (None, _) | (Some(_), None) => None,
                    (Some(c), _) => {
                        return Err(format!(
                            "error calling index: cannot index slice/array with type {}",
                            gofmt::go_sprint(&c)
                        ))
                    }
                };
            }
            Ok(cur)
        }
        "not" => {
            let [a] = args.as_slice() else {
                return Err(want(1, args.len()));
            };
            Ok(owned(Value::Bool(!a.as_deref().is_some_and(truth))))
        }
        // The first argument that decides, or the last: a value, not a bool.
        "and" | "or" => {
            if args.is_empty() {
                return Err(format!(
                    "wrong number of args for {f}: want at least 1 got 0"
                ));
            }
            let decides = |v: &Found| v.as_deref().is_some_and(truth) == (f == "or");
            let at = args.iter().position(decides).unwrap_or(args.len() - 1);
            Ok(args.swap_remove(at))
        }
        "print" | "println" | "printf" => {
            let values: Vec<Value> = args
                .into_iter()
                .map(|a| a.map(|v| v.into_owned()).unwrap_or(Value::Null))
                .collect();
            let text = match f {
                "print" => sprint(&values, false),
                "println" => sprint(&values, true) + "\n",
                _ => match values.split_first() {
                    Some((Value::String(format), rest)) => sprintf(format, rest),
                    Some((other, _)) => {
                        return Err(format!(
                            "wrong type for value; expected string; got {}",
                            go_type(other)
                        ))
                    }
                    None => {
                        return Err("wrong number of args for printf: want at least 1 got 0".into())
                    }
                },
            };
            Ok(owned(Value::String(text)))
        }
        _ => compare(f, &args).map(|b| owned(Value::Bool(b))),
    }
}

/// `eq` (the first equal to any of the rest), `ne`, `lt`, `le`, `gt`, `ge`: on numbers,
/// strings and bools of one kind, as text/template compares basic values.
fn compare(f: &str, args: &[Found]) -> Result<bool, String> {
    let value = |a: &Found| a.as_deref().cloned().unwrap_or(Value::Null);
    let order = |a: &Value, b: &Value| -> Result<std::cmp::Ordering, String> {
        match (a, b) {
            // An integer and a float are different kinds to text/template.
            (Value::Number(x), Value::Number(y)) if x.is_f64() != y.is_f64() => Err(format!(
                "error calling {f}: incompatible types for comparison"
            )),
            (Value::Number(x), Value::Number(y)) => x
                .as_f64()
                .zip(y.as_f64())
                .and_then(|(x, y)| x.partial_cmp(&y))
                .ok_or_else(|| format!("error calling {f}: invalid type for comparison")),
            (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
            (Value::Bool(x), Value::Bool(y)) if matches!(f, "eq" | "ne") => Ok(x.cmp(y)),
            (Value::Null, _) | (_, Value::Null) => {
                Err(format!("error calling {f}: invalid type for comparison"))
            }
            _ => Err(format!(
                "error calling {f}: incompatible types for comparison"
            )),
        }
    };
    match (f, args) {
        ("eq", [first, rest @ ..]) if !rest.is_empty() => {
            let first = value(first);
            for r in rest {
                if order(&first, &value(r))?.is_eq() {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        ("eq", _) => Err("wrong number of args for eq: want at least 2".into()),
        (_, [a, b]) => {
            let o = order(&value(a), &value(b))?;
            Ok(match f {
                "ne" => !o.is_eq(),
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        _ => Err(format!(
            "wrong number of args for {f}: want 2 got {}",
            args.len()
        )),
    }
}

/// `fmt.Sprint` (spaces only between operands that are not both strings) or
/// `fmt.Sprintln` (spaces always).
fn sprint(values: &[Value], spaced: bool) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        let between = i > 0 && (spaced || !(v.is_string() || values[i - 1].is_string()));
        if between {
            out.push(' ');
        }
        out.push_str(&gofmt::go_sprint(v));
    }
    out
}

/// `fmt.Sprintf` for the verbs templates use: `%v %s %d %q %t %%`, with width and `-`.
fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut width = String::new();
        while let Some(&d) = chars.peek() {
            if d == '-' {
                left = true;
            } else if d.is_ascii_digit() {
                width.push(d);
            } else {
                break;
            }
            chars.next();
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = next.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let text = match (verb, v) {
            ('v', _) => gofmt::go_sprint(v),
            (_, Value::Null) => format!("%!{verb}(<nil>)"),
            ('s', _) | ('d', Value::Number(_)) | ('t', Value::Bool(_)) => gofmt::go_sprint(v),
            ('q', Value::String(s)) => gofmt::go_quote(s),
            _ => format!("%!{verb}({}={})", go_type(v), gofmt::go_sprint(v)),
        };
        let pad = width
            .parse::<usize>()
            .unwrap_or(0)
            .saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        }
    }
    let extra: Vec<String> = next
        .map(|v| format!("{}={}", go_type(v), gofmt::go_sprint(v)))
        .collect();
    if !extra.is_empty() {
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn value_of<'a>(
    a: &Arg,
    dot: Option<&'a Value>,
    vars: &'a [(String, Value)],
) -> Result<Found<'a>, String> {
    let (start, fields) = match a {
        Arg::Literal(v) => return Ok(Some(std::borrow::Cow::Owned(v.clone()))),
        Arg::Sub(e) => return eval(e, dot, vars),
        Arg::Dot(f) => (dot, f),
        Arg::Var(name, f) => {
            let v = vars
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("undefined variable: {name}"))?;
            (Some(v), f)
        }
    };
    let mut cur = start;
    for f in fields {
        cur = match cur {
            None => None,
            Some(Value::Object(m)) => m.get(f.as_str()),
            Some(Value::Null) => return Err(format!("nil pointer evaluating interface {{}}.{f}")),
            Some(other) => {
                return Err(format!(
                    "can't evaluate field {f} in type {}",
                    go_type(other)
                ))
            }
        };
    }
    Ok(cur.map(std::borrow::Cow::Borrowed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({
            "metadata": {"name": "web-0", "labels": {"app": "nginx", "tier": "web"}},
            "spec": {
                "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}],
                "updateStrategy": {"type": "RollingUpdate"}
            }
        })
    }

    fn ok(t: &str) -> String {
        render(t, &pod()).unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    #[test]
    fn the_statefulset_tutorial_template_prints_each_image() {
        assert_eq!(
            ok("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}"),
            "registry.k8s.io/nginx-slim:0.24"
        );
    }

    #[test]
    fn fields_literals_and_newlines_print_as_go_does() {
        assert_eq!(
            ok("{{.spec.updateStrategy.type}}{{\"\\n\"}}"),
            "RollingUpdate\n"
        );
        assert_eq!(ok("{{.metadata.missing}}"), "<no value>");
        assert_eq!(ok("{{.metadata.labels}}"), "map[app:nginx tier:web]");
        assert_eq!(ok("{{range .spec.containers}}{{.name}} {{end}}"), "nginx ");
        assert_eq!(
            ok("{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}"),
            "app=nginx;tier=web;"
        );
        assert_eq!(ok("{{index .metadata.labels \"app\"}}"), "nginx");
        assert_eq!(ok("{{len .spec.containers}}"), "1");
        assert_eq!(ok("{{if .metadata.missing}}y{{else}}n{{end}}"), "n");
        assert_eq!(ok("a  {{- .metadata.name -}}  b"), "aweb-0b");
    }

    #[test]
    fn bad_templates_are_errors_not_panics() {
        for t in [
            "{{",
            "{{range .spec}}",
            "{{end}}",
            "{{.metadata.name.x}}",
            "{{range .metadata.name}}{{end}}",
            "{{$nope}}",
            "{{with .spec}}",
            "{{\"unterminated}}",
            "{{}}",
            "{{index}}",
            "{{len 1 2}}",
            "{{.a | printf}}",
            "{{foo 1}}",
            "{{(.metadata.name}}",
            "{{eq 1 \"a\"}}",
            "{{lt 1 2.5}}",
            "{{.metadata.name 1}}",
        ] {
            assert!(render(t, &pod()).is_err(), "{t}");
        }
    }

    #[test]
    fn with_sets_dot_to_its_value_and_falls_to_else_when_empty() {
        assert_eq!(
            ok("{{with .spec.updateStrategy}}{{.type}}{{end}}"),
            "RollingUpdate"
        );
        assert_eq!(
            ok("{{with $s := .spec.updateStrategy}}{{$s.type}}{{end}}"),
            "RollingUpdate"
        );
        assert_eq!(ok("{{with .metadata.missing}}x{{else}}none{{end}}"), "none");
    }

    #[test]
    fn pipelines_pass_their_value_as_the_last_argument() {
        assert_eq!(ok("{{.metadata.name | printf \"%s!\"}}"), "web-0!");
        assert_eq!(
            ok("{{len .metadata.labels | printf \"%d labels\"}}"),
            "2 labels"
        );
        assert_eq!(
            ok("{{printf \"%-8s|%3d|%q\" .metadata.name (len .spec.containers) .metadata.labels.app}}"),
            "web-0   |  1|\"nginx\""
        );
        assert_eq!(ok("{{printf \"%s\" .x}}"), "%!s(<nil>)");
        assert_eq!(ok("{{printf \"%d\" \"a\"}}"), "%!d(string=a)");
    }

    #[test]
    fn comparisons_and_logic_follow_text_template() {
        assert_eq!(
            ok("{{if eq .spec.updateStrategy.type \"OnDelete\" \"RollingUpdate\"}}y{{end}}"),
            "y"
        );
        assert_eq!(ok("{{if ne .metadata.name \"web-1\"}}y{{end}}"), "y");
        assert_eq!(ok("{{if lt 1 2}}lt{{end}}{{if ge 2 3}}ge{{end}}"), "lt");
        assert_eq!(
            ok("{{if and .metadata.name (not .metadata.missing)}}ok{{end}}"),
            "ok"
        );
        assert_eq!(ok("{{or .metadata.missing \"fallback\"}}"), "fallback");
        assert_eq!(ok("{{and 1 0 2}}"), "0");
        assert_eq!(ok("{{print \"a\" 1 2 \"b\"}}"), "a1 2b");
        assert_eq!(ok("{{println .metadata.name 3}}"), "web-0 3\n");
    }
}
