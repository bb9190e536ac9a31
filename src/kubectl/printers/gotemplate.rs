//! kubectl's `-o go-template=…` / `--template …` (Go `text/template` over the object as
//! unstructured JSON), in the part tutorials use: text; `{{.a.b}}`, `{{$}}`, `{{$v.a}}`;
//! string, number and bool literals; `{{range [$i,] [$v :=] X}}…[{{else}}…]{{end}}`;
//! `{{if X}}…[{{else}}…]{{end}}`; the functions `index` and `len`; `{{-`/`-}}`
//! trimming. Values print as Go's `%v`; a missing map key prints `<no value>` (kubectl's
//! default `--allow-missing-template-keys=true`).

use super::gofmt;
use super::jsonpath::go_type;
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

/// An operand: `.a.b`, `$v.a`, or a literal.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// `.` followed by field names (`.` alone: none).
    Dot(Vec<String>),
    /// `$name` (`$` alone: the root) followed by field names.
    Var(String, Vec<String>),
    Literal(Value),
}

/// What an action evaluates: an operand or a function call.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Arg(Arg),
    Call(String, Vec<Arg>),
}

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
            Some("range") | Some("if") => {
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
                nodes.push(if keyword == "range" {
                    Node::Range {
                        vars,
                        expr,
                        body,
                        otherwise,
                    }
                } else {
                    Node::If {
                        expr,
                        body,
                        otherwise,
                    }
                });
            }
            Some(w @ ("with" | "define" | "template" | "block" | "break" | "continue")) => {
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
        } else {
            let mut w = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
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
    let unsupported = |what: &str| GoTemplateError::Unsupported {
        what: what.to_string(),
    };
    if words.iter().any(|w| w == "|" || w.starts_with('(')) {
        return Err(unsupported("pipelines"));
    }
    match words {
        [] => Err(GoTemplateError::Parse {
            template: String::new(),
            message: "missing value for command".into(),
        }),
        [one] => Ok(Expr::Arg(arg(one)?)),
        [f, args @ ..] if f == "index" || f == "len" => Ok(Expr::Call(
            f.clone(),
            args.iter().map(|a| arg(a)).collect::<Result<_, _>>()?,
        )),
        [f, ..] if f.starts_with(['.', '$', '"']) => Err(GoTemplateError::Parse {
            template: words.join(" "),
            message: format!("can't give argument to non-function {f}"),
        }),
        [f, ..] => Err(unsupported(&format!("function {f:?}"))),
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
    match e {
        Expr::Arg(a) => value_of(a, dot, vars),
        Expr::Call(f, args) if f == "len" => {
            let [a] = args.as_slice() else {
                return Err(format!(
                    "wrong number of args for len: want 1 got {}",
                    args.len()
                ));
            };
            let n = match value_of(a, dot, vars)?.as_deref() {
                Some(Value::Array(x)) => x.len(),
                Some(Value::Object(m)) => m.len(),
                Some(Value::String(s)) => s.len(),
                _ => return Err("error calling len: len of type".into()),
            };
            Ok(Some(std::borrow::Cow::Owned(Value::from(n))))
        }
        Expr::Call(_, args) => {
            let Some((first, keys)) = args.split_first() else {
                return Err("wrong number of args for index: want at least 1 got 0".into());
            };
            let mut cur = value_of(first, dot, vars)?;
            for k in keys {
                let key = value_of(k, dot, vars)?;
                cur = match (cur, key.as_deref()) {
                    (Some(c), Some(Value::String(s))) if c.is_object() => {
                        c.get(s.as_str()).cloned().map(std::borrow::Cow::Owned)
                    }
                    (Some(c), Some(Value::Number(n))) if c.is_array() => {
                        let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                        let item = c.get(i).cloned().ok_or_else(|| {
                            format!("error calling index: index out of range: {n}")
                        })?;
                        Some(std::borrow::Cow::Owned(item))
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
    }
}

fn value_of<'a>(
    a: &Arg,
    dot: Option<&'a Value>,
    vars: &'a [(String, Value)],
) -> Result<Found<'a>, String> {
    let (start, fields) = match a {
        Arg::Literal(v) => return Ok(Some(std::borrow::Cow::Owned(v.clone()))),
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
            "{{with .spec}}{{end}}",
            "{{\"unterminated}}",
            "{{}}",
            "{{index}}",
            "{{len 1 2}}",
            "{{printf \"%s\" .x}}",
            "{{.a | printf}}",
        ] {
            assert!(render(t, &pod()).is_err(), "{t}");
        }
    }
}
