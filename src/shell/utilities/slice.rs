//! Picking parts of the input: `head` and `tail` take lines, `cut` takes fields or
//! characters of each line.

use super::options::{getopt, has, inputs, last, lines, lines_incl, Spec};
use super::FilterResult;
use crate::shell::vfs::Vfs;

/// `-5` means `-n 5` for head and tail.
fn numeric_shorthand(args: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in args {
        let after_value_option = matches!(out.last().map(String::as_str), Some("-n" | "-c"));
        match a.strip_prefix('-') {
            Some(n)
                if !after_value_option
                    && !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_digit()) =>
            {
                out.push("-n".to_string());
                out.push(n.to_string());
            }
            _ => out.push(a.clone()),
        }
    }
    out
}

pub(super) fn head_tail(head: bool, args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: if head { "head" } else { "tail" },
        with_value: "nc",
        flags: "qvfFz",
        long: &[
            ("lines", 'n', true),
            ("bytes", 'c', true),
            ("quiet", 'q', false),
            ("silent", 'q', false),
            ("verbose", 'v', false),
            ("follow", 'f', false),
        ],
        usage: None,
        bad_status: 1,
    };
    let cmd = spec.cmd;
    let (opts, operands) = match getopt(&spec, &numeric_shorthand(args)) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let bytes = opts
        .iter()
        .rev()
        .find(|(c, _)| *c == 'n' || *c == 'c')
        .is_some_and(|(c, _)| *c == 'c');
    let raw = opts
        .iter()
        .rev()
        .find(|(c, _)| *c == 'n' || *c == 'c')
        .map(|(_, v)| v.as_str())
        .unwrap_or("10");
    let (sign, digits) = match raw.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &raw[1..]),
        _ => (None, raw),
    };
    let Ok(n) = digits.parse::<usize>() else {
        let what = if bytes { "bytes" } else { "lines" };
        return FilterResult::err(format!("{cmd}: invalid number of {what}: ‘{raw}’\n"), 1);
    };
    let mut err = String::new();
    let files = inputs(cmd, &operands, stdin, fs, &mut err, true);
    let headers = (files.len() > 1 || has(&opts, 'v')) && !has(&opts, 'q');
    let mut out = String::new();
    let mut first = true;
    for (name, text) in &files {
        let Some(text) = text else { continue };
        if headers {
            let shown = if name == "-" { "standard input" } else { name };
            out.push_str(&format!(
                "{}==> {shown} <==\n",
                if first { "" } else { "\n" }
            ));
        }
        first = false;
        let units: Vec<&str> = if bytes {
            text.char_indices()
                .map(|(i, c)| &text[i..i + c.len_utf8()])
                .collect()
        } else {
            lines_incl(text)
        };
        let len = units.len();
        let range = match (head, sign) {
            (true, Some('-')) => 0..len.saturating_sub(n),
            (true, _) => 0..n.min(len),
            (false, Some('+')) => n.saturating_sub(1).min(len)..len,
            (false, _) => len.saturating_sub(n)..len,
        };
        out.push_str(&units[range].concat());
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}

/// A cut list such as `1,3-5,7-`: inclusive 1-based ranges.
fn parse_list(list: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    for item in list.split(',') {
        let (a, b) = match item.split_once('-') {
            Some((a, b)) => (a, b),
            None => (item, item),
        };
        let num = |s: &str, dflt: usize| -> Result<usize, String> {
            if s.is_empty() {
                return Ok(dflt);
            }
            s.parse::<usize>()
                .map_err(|_| format!("cut: invalid field value ‘{s}’\n"))
        };
        let from = num(a, 1)?;
        let to = num(b, usize::MAX)?;
        if from == 0 || to == 0 {
            return Err("cut: fields and positions are numbered from 1\n".into());
        }
        if to < from {
            return Err("cut: invalid decreasing range\n".into());
        }
        out.push((from, to));
    }
    Ok(out)
}

pub(super) fn cut(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "cut",
        with_value: "dfcb",
        flags: "s",
        long: &[
            ("delimiter", 'd', true),
            ("fields", 'f', true),
            ("characters", 'c', true),
            ("bytes", 'b', true),
            ("only-delimited", 's', false),
        ],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let help = "Try 'cut --help' for more information.\n";
    let (fields_mode, list) = match (last(&opts, 'f'), last(&opts, 'c').or(last(&opts, 'b'))) {
        (Some(f), None) => (true, f),
        (None, Some(c)) => (false, c),
        (Some(_), Some(_)) => {
            return FilterResult::err(
                format!("cut: only one type of list may be specified\n{help}"),
                1,
            )
        }
        (None, None) => {
            return FilterResult::err(
                format!("cut: you must specify a list of bytes, characters, or fields\n{help}"),
                1,
            )
        }
    };
    let ranges = match parse_list(list) {
        Ok(r) => r,
        Err(e) => return FilterResult::err(format!("{e}{help}"), 1),
    };
    let delim = match last(&opts, 'd') {
        None => '\t',
        Some(d) if d.chars().count() == 1 => d.chars().next().unwrap_or('\t'),
        Some(_) => {
            return FilterResult::err(
                format!("cut: the delimiter must be a single character\n{help}"),
                1,
            )
        }
    };
    let want = |i: usize| ranges.iter().any(|&(a, b)| a <= i && i <= b);
    let mut err = String::new();
    let files = inputs("cut", &operands, stdin, fs, &mut err, false);
    let mut out = String::new();
    for (_, text) in &files {
        for l in lines(text.unwrap_or("")) {
            if fields_mode {
                if !l.contains(delim) {
                    if !has(&opts, 's') {
                        out.push_str(l);
                        out.push('\n');
                    }
                    continue;
                }
                let picked: Vec<&str> = l
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| want(i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&picked.join(&delim.to_string()));
            } else {
                out.extend(
                    l.chars()
                        .enumerate()
                        .filter(|(i, _)| want(i + 1))
                        .map(|(_, c)| c),
                );
            }
            out.push('\n');
        }
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}
