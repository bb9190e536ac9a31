//! How the utilities read their command lines and inputs: GNU getopt-style options
//! (options may follow operands), `--help` hints, and operands that name files or stdin.

use super::FilterResult;
use crate::shell::vfs::{Vfs, VfsError};

/// How a command takes options, GNU getopt style (options may follow operands).
pub(super) struct Spec {
    pub(super) cmd: &'static str,
    /// Short options that take a value.
    pub(super) with_value: &'static str,
    /// Short options without a value.
    pub(super) flags: &'static str,
    /// Long options: name, the short option they mean, whether they take a value.
    pub(super) long: &'static [(&'static str, char, bool)],
    /// grep prints a usage line before "Try ..."; coreutils do not.
    pub(super) usage: Option<&'static str>,
    /// Exit status for bad options.
    pub(super) bad_status: i32,
}

type Opts = (Vec<(char, String)>, Vec<String>);

pub(super) fn try_help(spec: &Spec, first: String) -> FilterResult {
    let mut s = first;
    if let Some(u) = spec.usage {
        s.push_str(u);
        s.push('\n');
    }
    s.push_str(&format!(
        "Try '{} --help' for more information.\n",
        spec.cmd
    ));
    FilterResult::err(s, spec.bad_status)
}

pub(super) fn getopt(spec: &Spec, args: &[String]) -> Result<Opts, FilterResult> {
    let mut opts = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let matches: Vec<_> = spec
                .long
                .iter()
                .filter(|(n, _, _)| n.starts_with(name))
                .collect();
            let found = matches
                .iter()
                .find(|(n, _, _)| *n == name)
                .or(if matches.len() == 1 {
                    matches.first()
                } else {
                    None
                });
            let Some(&&(full, c, takes)) = found else {
                return Err(try_help(
                    spec,
                    format!("{}: unrecognized option '{a}'\n", spec.cmd),
                ));
            };
            if takes {
                let v = match inline {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => {
                        return Err(try_help(
                            spec,
                            format!("{}: option '--{full}' requires an argument\n", spec.cmd),
                        ))
                    }
                };
                opts.push((c, v));
            } else {
                opts.push((c, inline.unwrap_or_default()));
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a.chars().skip(1).collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                if spec.with_value.contains(c) {
                    let rest: String = chars[j..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(try_help(
                            spec,
                            format!("{}: option requires an argument -- '{c}'\n", spec.cmd),
                        ));
                    };
                    opts.push((c, v));
                    break;
                } else if spec.flags.contains(c) {
                    opts.push((c, String::new()));
                } else {
                    return Err(try_help(
                        spec,
                        format!("{}: invalid option -- '{c}'\n", spec.cmd),
                    ));
                }
            }
            continue;
        }
        operands.push(a.clone());
    }
    Ok((opts, operands))
}

pub(super) fn has(opts: &[(char, String)], c: char) -> bool {
    opts.iter().any(|(o, _)| *o == c)
}

pub(super) fn last(opts: &[(char, String)], c: char) -> Option<&str> {
    opts.iter()
        .rev()
        .find(|(o, _)| *o == c)
        .map(|(_, v)| v.as_str())
}

/// Reads the inputs: no operands (or `-`) is stdin. Errors are collected as messages.
pub(super) fn inputs<'a>(
    cmd: &str,
    operands: &[String],
    stdin: &'a str,
    fs: &'a Vfs,
    err: &mut String,
    cannot_open: bool,
) -> Vec<(String, Option<&'a str>)> {
    if operands.is_empty() {
        return vec![("-".to_string(), Some(stdin))];
    }
    operands
        .iter()
        .map(|name| {
            if name == "-" {
                return (name.clone(), Some(stdin));
            }
            match fs.read(name) {
                Ok(text) => (name.clone(), Some(text)),
                Err(e) => {
                    if cannot_open && e == VfsError::NotFound {
                        err.push_str(&format!("{cmd}: cannot open '{name}' for reading: {e}\n"));
                    } else if cannot_open {
                        err.push_str(&format!("{cmd}: error reading '{name}': {e}\n"));
                    } else {
                        err.push_str(&format!("{cmd}: {name}: {e}\n"));
                    }
                    (name.clone(), None)
                }
            }
        })
        .collect()
}

/// Lines with their terminators (the last may lack one).
pub(super) fn lines_incl(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Lines without terminators.
pub(super) fn lines(text: &str) -> Vec<&str> {
    let t = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        Vec::new()
    } else {
        t.split('\n').collect()
    }
}

pub(super) fn simple_spec(cmd: &'static str, flags: &'static str) -> Spec {
    Spec {
        cmd,
        with_value: "",
        flags,
        long: &[
            ("force", 'f', false),
            ("recursive", 'r', false),
            ("parents", 'p', false),
            ("verbose", 'v', false),
        ],
        usage: None,
        bad_status: 1,
    }
}

pub(super) fn missing_operand(cmd: &str) -> FilterResult {
    FilterResult::err(
        format!("{cmd}: missing operand\nTry '{cmd} --help' for more information.\n"),
        1,
    )
}
