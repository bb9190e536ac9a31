//! Rewriting the input: `tr` character sets and the small `awk` (`'{print $N}'` with a
//! pattern) that tutorials pipe `kubectl` output through.

use super::options::{getopt, has, inputs, last, lines, Spec};
use super::FilterResult;
use crate::shell::regex::{Regex, Syntax};
use crate::shell::vfs::Vfs;

/// Expands a tr set: escapes, ranges `a-z`, classes `[:upper:]`.
fn tr_set(s: &str) -> Vec<char> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let unescape = |i: &mut usize| -> char {
        let c = chars[*i];
        *i += 1;
        if c != '\\' {
            return c;
        }
        let Some(&n) = chars.get(*i) else { return '\\' };
        *i += 1;
        match n {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            other => other,
        }
    };
    while i < chars.len() {
        if chars[i] == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let class: Vec<char> = match name {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\x0b', '\x0c'],
                    "blank" => vec![' ', '\t'],
                    _ => Vec::new(),
                };
                if !class.is_empty() {
                    out.extend(class);
                    i += 2 + name.chars().count() + 2;
                    continue;
                }
            }
        }
        let c = unescape(&mut i);
        if chars.get(i) == Some(&'-') && i + 1 < chars.len() {
            i += 1;
            let end = unescape(&mut i);
            if end >= c {
                out.extend(c..=end);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn tr(args: &[String], stdin: &str) -> FilterResult {
    let spec = Spec {
        cmd: "tr",
        with_value: "",
        flags: "dsc",
        long: &[("delete", 'd', false), ("squeeze-repeats", 's', false)],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let help = "Try 'tr --help' for more information.\n";
    let delete = has(&opts, 'd');
    let squeeze = has(&opts, 's');
    if has(&opts, 'c') {
        return FilterResult::err("tr: kubeplay's tr does not support -c\n".into(), 1);
    }
    let need_two = !delete && !squeeze;
    match (operands.len(), need_two) {
        (0, _) => return FilterResult::err(format!("tr: missing operand\n{help}"), 1),
        (1, true) => {
            return FilterResult::err(
                format!(
                    "tr: missing operand after ‘{}’\nTwo strings must be given when translating.\n{help}",
                    operands[0]
                ),
                1,
            )
        }
        _ => {}
    }
    let set1 = tr_set(&operands[0]);
    let set2 = operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let mut out = String::new();
    let squeeze_set = if delete || set2.is_empty() {
        &set1
    } else {
        &set2
    };
    let mut prev: Option<char> = None;
    for c in stdin.chars() {
        if delete && set1.contains(&c) {
            continue;
        }
        let mapped = if !delete && !set2.is_empty() {
            match set1.iter().rposition(|&x| x == c) {
                Some(i) => set2.get(i).or(set2.last()).copied().unwrap_or(c),
                None => c,
            }
        } else {
            c
        };
        if squeeze && prev == Some(mapped) && squeeze_set.contains(&mapped) {
            continue;
        }
        out.push(mapped);
        prev = Some(mapped);
    }
    FilterResult::out(out)
}

const AWK_LIMIT: &str = "awk: kubeplay's awk runs only programs like '{print $1}', \
'NR>1 {print $1, $3}' or '/Running/ {print $1}'\n";

/// One item of a `print` list.
#[derive(Debug, Clone, PartialEq)]
enum AwkTerm {
    Field(usize),
    LastField(usize),
    Nr,
    Nf,
    Str(String),
}

pub(super) fn awk(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "awk",
        with_value: "Fv",
        flags: "",
        long: &[("field-separator", 'F', true)],
        usage: Some("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]"),
        bad_status: 2,
    };
    let (opts, mut operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if has(&opts, 'v') || operands.is_empty() {
        return FilterResult::err(AWK_LIMIT.to_string(), 2);
    }
    let program = operands.remove(0);
    let Some((pattern, items)) = parse_awk(&program) else {
        return FilterResult::err(AWK_LIMIT.to_string(), 2);
    };
    let regex = match &pattern {
        AwkPattern::Regex(re) => match Regex::new(re, Syntax::Extended, false) {
            Ok(r) => Some(r),
            Err(e) => return FilterResult::err(format!("awk: {e}\n"), 2),
        },
        _ => None,
    };
    let sep = last(&opts, 'F').map(|s| {
        if s == "\\t" || s == "t" {
            "\t".to_string()
        } else {
            s.to_string()
        }
    });
    let mut err = String::new();
    let files = inputs("awk", &operands, stdin, fs, &mut err, false);
    let mut out = String::new();
    let mut nr = 0usize;
    for (_, text) in &files {
        for line in lines(text.unwrap_or("")) {
            nr += 1;
            let fields: Vec<&str> = match &sep {
                Some(s) if s != " " => line.split(s.as_str()).collect(),
                _ => line.split_whitespace().collect(),
            };
            let selected = match &pattern {
                AwkPattern::All => true,
                AwkPattern::Regex(_) => regex.as_ref().is_some_and(|r| r.is_match(line)),
                AwkPattern::Nr(op, n) => op.holds(nr, *n),
            };
            if !selected {
                continue;
            }
            let value = |t: &AwkTerm| -> String {
                match t {
                    AwkTerm::Field(0) => line.to_string(),
                    AwkTerm::Field(i) => fields.get(i - 1).copied().unwrap_or("").to_string(),
                    AwkTerm::LastField(back) => fields
                        .len()
                        .checked_sub(back + 1)
                        .and_then(|i| fields.get(i))
                        .copied()
                        .unwrap_or("")
                        .to_string(),
                    AwkTerm::Nr => nr.to_string(),
                    AwkTerm::Nf => fields.len().to_string(),
                    AwkTerm::Str(s) => s.clone(),
                }
            };
            let printed: Vec<String> = items
                .iter()
                .map(|concat| concat.iter().map(value).collect::<String>())
                .collect();
            out.push_str(&printed.join(" "));
            out.push('\n');
        }
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 2 },
        stderr: err.replace("awk: ", "awk: cannot open "),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl CmpOp {
    fn holds(self, a: usize, b: usize) -> bool {
        match self {
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum AwkPattern {
    All,
    Regex(String),
    Nr(CmpOp, usize),
}

/// `[pattern] [{ print items }]`; items are comma-separated lists of concatenated terms.
fn parse_awk(program: &str) -> Option<(AwkPattern, Vec<Vec<AwkTerm>>)> {
    let p = program.trim();
    let (pattern_text, action) = match p.find('{') {
        Some(i) => {
            let body = p[i + 1..].trim_end().strip_suffix('}')?;
            (
                p[..i].trim(),
                Some(body.trim().trim_end_matches(';').trim()),
            )
        }
        None => (p, None),
    };
    let pattern = if pattern_text.is_empty() {
        AwkPattern::All
    } else if let Some(re) = pattern_text
        .strip_prefix('/')
        .and_then(|r| r.strip_suffix('/'))
    {
        AwkPattern::Regex(re.to_string())
    } else if let Some(rest) = pattern_text.strip_prefix("NR") {
        let rest = rest.trim_start();
        let (op, num) = [
            (">=", CmpOp::Ge),
            ("<=", CmpOp::Le),
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            (">", CmpOp::Gt),
            ("<", CmpOp::Lt),
        ]
        .iter()
        .find_map(|(s, op)| rest.strip_prefix(s).map(|n| (*op, n.trim())))?;
        AwkPattern::Nr(op, num.parse().ok()?)
    } else {
        return None;
    };
    let Some(action) = action else {
        return Some((pattern, vec![vec![AwkTerm::Field(0)]]));
    };
    let list = action.strip_prefix("print")?;
    if !list.is_empty() && !list.starts_with([' ', '\t', '(']) {
        return None;
    }
    let list = list.trim();
    let list = list
        .strip_prefix('(')
        .and_then(|l| l.strip_suffix(')'))
        .unwrap_or(list);
    if list.is_empty() {
        return Some((pattern, vec![vec![AwkTerm::Field(0)]]));
    }
    let mut items = Vec::new();
    for item in split_awk_commas(list)? {
        let mut terms = Vec::new();
        let mut rest = item.trim();
        while !rest.is_empty() {
            let (term, after) = awk_term(rest)?;
            terms.push(term);
            rest = after.trim_start();
        }
        items.push(terms);
    }
    Some((pattern, items))
}

fn split_awk_commas(list: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut in_str = false;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '"' => in_str = !in_str,
            ',' if !in_str => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_str {
        return None;
    }
    out.push(&list[start..]);
    Some(out)
}

fn awk_term(s: &str) -> Option<(AwkTerm, &str)> {
    if let Some(rest) = s.strip_prefix('"') {
        let end = rest.find('"')?;
        let text = rest[..end].replace("\\t", "\t").replace("\\n", "\n");
        return Some((AwkTerm::Str(text), &rest[end + 1..]));
    }
    if let Some(rest) = s.strip_prefix("$NF") {
        return Some((AwkTerm::LastField(0), rest));
    }
    if let Some(rest) = s.strip_prefix("$(NF-") {
        let end = rest.find(')')?;
        let n = rest[..end].trim().parse().ok()?;
        return Some((AwkTerm::LastField(n), &rest[end + 1..]));
    }
    if let Some(rest) = s.strip_prefix('$') {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        let n = rest[..digits].parse().ok()?;
        return Some((AwkTerm::Field(n), &rest[digits..]));
    }
    if let Some(rest) = s.strip_prefix("NR") {
        return Some((AwkTerm::Nr, rest));
    }
    if let Some(rest) = s.strip_prefix("NF") {
        return Some((AwkTerm::Nf, rest));
    }
    None
}
