//! The text utilities and file commands the terminal runs without kubectl: `grep`,
//! `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `tr`, `awk '{print $N}'`, `tee`,
//! `base64`, `cat`, `echo`, `printf`, `true`, `false`, and `ls`, `rm`, `mkdir`, `touch`,
//! `cp`, `mv`, `pwd`, `cd` on the [`Vfs`]. Behaviour and messages follow GNU coreutils,
//! GNU grep and bash in a UTF-8 locale; sorting compares bytes (the C locale's order).

use super::regex::{is_word_char, Regex, Syntax};
use super::vfs::{Vfs, VfsError};

/// What a utility printed and its exit status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterResult {
    /// Standard output.
    pub stdout: String,
    /// Standard error (each message ends in a newline).
    pub stderr: String,
    /// Exit status (`$?`).
    pub status: i32,
}

impl FilterResult {
    fn out(stdout: String) -> FilterResult {
        FilterResult {
            stdout,
            ..FilterResult::default()
        }
    }

    fn err(stderr: String, status: i32) -> FilterResult {
        FilterResult {
            stderr,
            status,
            ..FilterResult::default()
        }
    }
}

/// The names [`run_filter`] handles.
pub const FILTERS: &[&str] = &[
    "grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "awk", "tee",
    "base64", "cat", "echo", "printf", "true", "false", "ls", "rm", "mkdir", "touch", "cp", "mv",
    "pwd", "cd",
];

/// Runs utility `name` with `args` (already expanded, without the name) on `stdin`.
/// `tty` says whether stdout is the terminal (only `ls` cares: columns on the terminal,
/// one name per line into a pipe or file). `None` when `name` is not one of [`FILTERS`].
pub fn run_filter(
    name: &str,
    args: &[String],
    stdin: &str,
    fs: &mut Vfs,
    tty: bool,
) -> Option<FilterResult> {
    Some(match name {
        "grep" => grep(args, stdin, fs, None),
        "egrep" => grep(args, stdin, fs, Some(Syntax::Extended)),
        "fgrep" => grep(args, stdin, fs, Some(Syntax::Fixed)),
        "head" => head_tail(true, args, stdin, fs),
        "tail" => head_tail(false, args, stdin, fs),
        "wc" => wc(args, stdin, fs),
        "sort" => sort(args, stdin, fs),
        "uniq" => uniq(args, stdin, fs),
        "cut" => cut(args, stdin, fs),
        "tr" => tr(args, stdin),
        "awk" => awk(args, stdin, fs),
        "tee" => tee(args, stdin, fs),
        "base64" => base64(args, stdin, fs),
        "cat" => cat(args, stdin, fs),
        "echo" => FilterResult::out(echo(args)),
        "printf" => printf(args),
        "true" => FilterResult::default(),
        "false" => FilterResult::err(String::new(), 1),
        "ls" => ls(args, fs, tty),
        "rm" => rm(args, fs),
        "mkdir" => mkdir(args, fs),
        "touch" => touch(args, fs),
        "cp" => cp_mv("cp", args, fs),
        "mv" => cp_mv("mv", args, fs),
        "pwd" => FilterResult::out(format!("{}\n", fs.cwd())),
        "cd" => cd(args, fs),
        _ => return None,
    })
}

// ----- option parsing -------------------------------------------------------------------

/// How a command takes options, GNU getopt style (options may follow operands).
struct Spec {
    cmd: &'static str,
    /// Short options that take a value.
    with_value: &'static str,
    /// Short options without a value.
    flags: &'static str,
    /// Long options: name, the short option they mean, whether they take a value.
    long: &'static [(&'static str, char, bool)],
    /// grep prints a usage line before "Try ..."; coreutils do not.
    usage: Option<&'static str>,
    /// Exit status for bad options.
    bad_status: i32,
}

type Opts = (Vec<(char, String)>, Vec<String>);

fn try_help(spec: &Spec, first: String) -> FilterResult {
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

fn getopt(spec: &Spec, args: &[String]) -> Result<Opts, FilterResult> {
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

fn has(opts: &[(char, String)], c: char) -> bool {
    opts.iter().any(|(o, _)| *o == c)
}

fn last(opts: &[(char, String)], c: char) -> Option<&str> {
    opts.iter()
        .rev()
        .find(|(o, _)| *o == c)
        .map(|(_, v)| v.as_str())
}

/// Reads the inputs: no operands (or `-`) is stdin. Errors are collected as messages.
fn inputs<'a>(
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
fn lines_incl(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Lines without terminators.
fn lines(text: &str) -> Vec<&str> {
    let t = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        Vec::new()
    } else {
        t.split('\n').collect()
    }
}

// ----- grep -----------------------------------------------------------------------------

const GREP: Spec = Spec {
    cmd: "grep",
    with_value: "eABCmf",
    flags: "iyvEFGcwxnoqslLhHrRTaIZz",
    long: &[
        ("ignore-case", 'i', false),
        ("invert-match", 'v', false),
        ("extended-regexp", 'E', false),
        ("fixed-strings", 'F', false),
        ("basic-regexp", 'G', false),
        ("count", 'c', false),
        ("word-regexp", 'w', false),
        ("line-regexp", 'x', false),
        ("line-number", 'n', false),
        ("only-matching", 'o', false),
        ("quiet", 'q', false),
        ("silent", 'q', false),
        ("no-messages", 's', false),
        ("files-with-matches", 'l', false),
        ("files-without-match", 'L', false),
        ("no-filename", 'h', false),
        ("with-filename", 'H', false),
        ("regexp", 'e', true),
        ("after-context", 'A', true),
        ("before-context", 'B', true),
        ("context", 'C', true),
        ("max-count", 'm', true),
        ("color", '\u{1}', false),
        ("colour", '\u{1}', false),
    ],
    usage: Some("Usage: grep [OPTION]... PATTERNS [FILE]..."),
    bad_status: 2,
};

fn grep(args: &[String], stdin: &str, fs: &mut Vfs, forced: Option<Syntax>) -> FilterResult {
    let (opts, mut operands) = match getopt(&GREP, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut syntax = forced.unwrap_or(Syntax::Basic);
    for (c, _) in &opts {
        match c {
            'E' => syntax = Syntax::Extended,
            'F' => syntax = Syntax::Fixed,
            'G' => syntax = Syntax::Basic,
            _ => {}
        }
    }
    if has(&opts, 'r') || has(&opts, 'R') {
        return FilterResult::err(
            "grep: kubeplay's grep does not search directories (-r)\n".into(),
            2,
        );
    }
    if has(&opts, 'f') {
        return FilterResult::err(
            "grep: kubeplay's grep does not read patterns from files (-f)\n".into(),
            2,
        );
    }
    let mut patterns: Vec<String> = opts
        .iter()
        .filter(|(c, _)| *c == 'e')
        .flat_map(|(_, v)| v.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect();
    if !has(&opts, 'e') {
        if operands.is_empty() {
            return try_help(&GREP, String::new());
        }
        patterns = operands.remove(0).split('\n').map(str::to_string).collect();
    }
    let number = |c: char| -> Result<Option<usize>, FilterResult> {
        match last(&opts, c) {
            None => Ok(None),
            Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
                let what = if c == 'm' {
                    "max count"
                } else {
                    "context length argument"
                };
                FilterResult::err(format!("grep: {v}: invalid {what}\n"), 2)
            }),
        }
    };
    let (after, before, context, max_count) =
        match (number('A'), number('B'), number('C'), number('m')) {
            (Ok(a), Ok(b), Ok(c), Ok(m)) => (a, b, c, m),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return e,
        };
    let after = after.or(context).unwrap_or(0);
    let before = before.or(context).unwrap_or(0);
    let icase = has(&opts, 'i') || has(&opts, 'y');
    let mut regexes = Vec::new();
    for p in &patterns {
        match Regex::new(p, syntax, icase) {
            Ok(r) => regexes.push(r),
            Err(e) => return FilterResult::err(format!("grep: {e}\n"), 2),
        }
    }
    let invert = has(&opts, 'v');
    let word = has(&opts, 'w');
    let whole = has(&opts, 'x');
    let quiet = has(&opts, 'q');
    let count = has(&opts, 'c');
    let only = has(&opts, 'o');
    let numbered = has(&opts, 'n');
    let list = has(&opts, 'l');
    let list_missing = has(&opts, 'L');
    let mut err = String::new();
    let many = operands.len() > 1;
    let show_name = (many || has(&opts, 'H')) && !has(&opts, 'h');
    let files = inputs("grep", &operands, stdin, fs, &mut err, false);
    if has(&opts, 's') {
        err.clear();
    }
    let mut out = String::new();
    let mut any = false;
    let mut had_error = !err.is_empty();
    for (name, text) in files {
        let Some(text) = text else {
            had_error = true;
            continue;
        };
        let label = if name == "-" {
            "(standard input)".to_string()
        } else {
            name
        };
        let all = lines(text);
        let accept = |chars: &[char], s: usize, e: usize| -> bool {
            let left = s == 0 || !chars.get(s - 1).is_some_and(|c| is_word_char(*c));
            let right = !chars.get(e).is_some_and(|c| is_word_char(*c));
            (!whole || (s == 0 && e == chars.len())) && (!word || (left && right))
        };
        let mut selected = Vec::new();
        for (idx, line) in all.iter().enumerate() {
            if max_count.is_some_and(|m| selected.len() >= m) {
                break;
            }
            let hit = if word || whole {
                let chars: Vec<char> = line.chars().collect();
                regexes
                    .iter()
                    .any(|r| r.find_at(&chars, 0, &|s, e| accept(&chars, s, e)).is_some())
            } else {
                regexes.iter().any(|r| r.matches_anywhere(line))
            };
            if hit != invert {
                selected.push(idx);
            }
        }
        if !selected.is_empty() {
            any = true;
        }
        if quiet {
            continue;
        }
        if list || list_missing {
            if selected.is_empty() == list_missing {
                out.push_str(&label);
                out.push('\n');
            }
            continue;
        }
        let prefix = |sep: char, idx: usize| -> String {
            let mut p = String::new();
            if show_name {
                p.push_str(&label);
                p.push(sep);
            }
            if numbered {
                p.push_str(&format!("{}{sep}", idx + 1));
            }
            p
        };
        if count {
            if show_name {
                out.push_str(&label);
                out.push(':');
            }
            out.push_str(&format!("{}\n", selected.len()));
            continue;
        }
        if only {
            if invert {
                continue;
            }
            for &idx in &selected {
                let chars: Vec<char> = all[idx].chars().collect();
                let mut pos = 0;
                while pos <= chars.len() {
                    let found = regexes
                        .iter()
                        .filter_map(|r| {
                            r.find_at(&chars, pos, &|s, e| e > s && accept(&chars, s, e))
                        })
                        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                    let Some((s, e)) = found else { break };
                    out.push_str(&prefix(':', idx));
                    out.extend(chars[s..e].iter());
                    out.push('\n');
                    pos = e.max(s + 1);
                }
            }
            continue;
        }
        // Lines with context: selected lines use `:`, context lines `-`, gaps `--`.
        let mut last_printed: Option<usize> = None;
        let mut shown = vec![false; all.len()];
        for &idx in &selected {
            let from = idx.saturating_sub(before);
            let to = (idx + after).min(all.len().saturating_sub(1));
            for i in from..=to {
                if shown[i] {
                    continue;
                }
                if (before > 0 || after > 0) && last_printed.is_some_and(|l| i > l + 1) {
                    out.push_str("--\n");
                }
                let sep = if selected.binary_search(&i).is_ok() {
                    ':'
                } else {
                    '-'
                };
                out.push_str(&prefix(sep, i));
                out.push_str(all[i]);
                out.push('\n');
                shown[i] = true;
                last_printed = Some(i);
            }
        }
    }
    let status = if any && (quiet || !had_error) {
        0
    } else if had_error {
        2
    } else {
        1
    };
    FilterResult {
        stdout: out,
        stderr: err,
        status,
    }
}

// ----- head / tail ----------------------------------------------------------------------

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

fn head_tail(head: bool, args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

// ----- wc -------------------------------------------------------------------------------

fn wc(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "wc",
        with_value: "",
        flags: "lwcmL",
        long: &[
            ("lines", 'l', false),
            ("words", 'w', false),
            ("bytes", 'c', false),
            ("chars", 'm', false),
            ("max-line-length", 'L', false),
        ],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut which: Vec<char> = "lwmcL".chars().filter(|c| has(&opts, *c)).collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let mut err = String::new();
    let files = inputs("wc", &operands, stdin, fs, &mut err, false);
    let count = |text: &str| -> Vec<usize> {
        which
            .iter()
            .map(|c| match c {
                'l' => text.matches('\n').count(),
                'w' => text.split_whitespace().count(),
                'm' => text.chars().count(),
                'c' => text.len(),
                _ => text
                    .split('\n')
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0),
            })
            .collect()
    };
    let rows: Vec<(String, Vec<usize>)> = files
        .iter()
        .filter_map(|(name, text)| text.map(|t| (name.clone(), count(t))))
        .collect();
    let total_bytes: usize = files.iter().filter_map(|(_, t)| t.map(str::len)).sum();
    let only_stdin = operands.is_empty() || operands.iter().all(|o| o == "-");
    let width = if which.len() == 1 && files.len() == 1 {
        1
    } else if only_stdin {
        7
    } else {
        total_bytes.to_string().len()
    };
    let mut out = String::new();
    let line = |counts: &[usize], name: &str| -> String {
        let nums: Vec<String> = counts.iter().map(|n| format!("{n:>width$}")).collect();
        if name == "-" && operands.is_empty() {
            format!("{}\n", nums.join(" "))
        } else {
            format!("{} {name}\n", nums.join(" "))
        }
    };
    for (name, counts) in &rows {
        out.push_str(&line(counts, name));
    }
    if files.len() > 1 {
        let totals: Vec<usize> = (0..which.len())
            .map(|i| {
                rows.iter()
                    .map(|(_, c)| c.get(i).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        out.push_str(&line(&totals, "total"));
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}

// ----- sort / uniq ----------------------------------------------------------------------

fn sort(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "sort",
        with_value: "kto",
        flags: "rnufbhVsz",
        long: &[
            ("reverse", 'r', false),
            ("numeric-sort", 'n', false),
            ("unique", 'u', false),
            ("ignore-case", 'f', false),
            ("key", 'k', true),
            ("field-separator", 't', true),
            ("human-numeric-sort", 'h', false),
            ("version-sort", 'V', false),
        ],
        usage: None,
        bad_status: 2,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let sep = match last(&opts, 't') {
        None => None,
        Some(t) if t.chars().count() == 1 => t.chars().next(),
        Some("\\t") => Some('\t'),
        Some(_) => return FilterResult::err("sort: multi-character tab\n".into(), 2),
    };
    let key = match last(&opts, 'k') {
        None => None,
        Some(k) => {
            let field = |s: &str| {
                s.split('.')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
            };
            let (a, b) = match k.split_once(',') {
                Some((a, b)) => (field(a), Some(field(b))),
                None => (field(k), None),
            };
            match (a, b) {
                (Some(a), None) => Some((a, None)),
                (Some(a), Some(Some(b))) => Some((a, Some(b))),
                _ => {
                    return FilterResult::err(
                        format!(
                        "sort: invalid number at field start: invalid count at start of ‘{k}’\n"
                    ),
                        2,
                    )
                }
            }
        }
    };
    let numeric = has(&opts, 'n') || has(&opts, 'h') || has(&opts, 'g');
    let fold = has(&opts, 'f');
    let mut err = String::new();
    let files = inputs("sort", &operands, stdin, fs, &mut err, false);
    if !err.is_empty() {
        return FilterResult::err(err.replace("sort: ", "sort: cannot read: "), 2);
    }
    let mut all: Vec<&str> = files
        .iter()
        .flat_map(|(_, t)| lines(t.unwrap_or("")))
        .collect();
    let blanks = has(&opts, 'b');
    let key_of = |line: &str| -> String {
        let Some((from, to)) = key else {
            return line.to_string();
        };
        let spans = field_spans(line, sep);
        let start = spans.get(from - 1).map_or(line.len(), |s| s.0);
        let end = match to {
            Some(to) => spans.get(to - 1).map_or(line.len(), |s| s.1),
            None => line.len(),
        };
        let k = line.get(start..end.max(start)).unwrap_or("");
        if blanks {
            k.trim_start().to_string()
        } else {
            k.to_string()
        }
    };
    let cmp_keys = |a: &str, b: &str| -> std::cmp::Ordering {
        let (ka, kb) = (key_of(a), key_of(b));
        if numeric {
            let (na, nb) = (leading_number(&ka), leading_number(&kb));
            na.partial_cmp(&nb).unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            ka.to_uppercase().cmp(&kb.to_uppercase())
        } else {
            ka.cmp(&kb)
        }
    };
    let unique = has(&opts, 'u');
    let stable = has(&opts, 's');
    crate::engine::sort::sort_by(&mut all, |a, b| {
        let o = cmp_keys(a, b);
        if o == std::cmp::Ordering::Equal && !unique && !stable {
            a.cmp(b)
        } else {
            o
        }
    });
    if has(&opts, 'r') {
        all.reverse();
    }
    if unique {
        all.dedup_by(|a, b| cmp_keys(a, b) == std::cmp::Ordering::Equal);
    }
    let mut out = String::new();
    for l in all {
        out.push_str(l);
        out.push('\n');
    }
    FilterResult::out(out)
}

/// Byte ranges of sort's fields: split at `sep`, or else each field is a run of
/// non-blanks together with the blanks before it (GNU sort without `-b`).
fn field_spans(line: &str, sep: Option<char>) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    match sep {
        Some(c) => {
            let mut start = 0;
            for (i, ch) in line.char_indices() {
                if ch == c {
                    spans.push((start, i));
                    start = i + ch.len_utf8();
                }
            }
            spans.push((start, line.len()));
        }
        None => {
            let mut start = 0;
            let mut in_word = false;
            for (i, ch) in line.char_indices() {
                let blank = ch == ' ' || ch == '\t';
                if in_word && blank {
                    spans.push((start, i));
                    start = i;
                    in_word = false;
                } else if !blank {
                    in_word = true;
                }
            }
            if in_word || start < line.len() {
                spans.push((start, line.len()));
            }
        }
    }
    spans
}

/// The number at the start of `s` (after blanks), 0 when there is none: what `sort -n` uses.
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && c == '-') {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    t[..end].parse::<f64>().unwrap_or(0.0)
}

fn uniq(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "uniq",
        with_value: "",
        flags: "cdui",
        long: &[
            ("count", 'c', false),
            ("repeated", 'd', false),
            ("unique", 'u', false),
            ("ignore-case", 'i', false),
        ],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    let files = inputs(
        "uniq",
        &operands[..operands.len().min(1)],
        stdin,
        fs,
        &mut err,
        false,
    );
    if !err.is_empty() {
        return FilterResult::err(err, 1);
    }
    let text = files.first().and_then(|(_, t)| *t).unwrap_or("");
    let icase = has(&opts, 'i');
    let same = |a: &str, b: &str| {
        if icase {
            a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for l in lines(text) {
        match groups.last_mut() {
            Some((g, n)) if same(g, l) => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = String::new();
    for (l, n) in groups {
        if (has(&opts, 'd') && n < 2) || (has(&opts, 'u') && n > 1) {
            continue;
        }
        if has(&opts, 'c') {
            out.push_str(&format!("{n:>7} "));
        }
        out.push_str(l);
        out.push('\n');
    }
    FilterResult::out(out)
}

// ----- cut / tr -------------------------------------------------------------------------

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

fn cut(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

fn tr(args: &[String], stdin: &str) -> FilterResult {
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

// ----- awk ------------------------------------------------------------------------------

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

fn awk(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

// ----- tee / base64 / cat / echo / printf -----------------------------------------------

fn tee(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "tee",
        with_value: "",
        flags: "ai",
        long: &[("append", 'a', false)],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    for f in &operands {
        if let Err(e) = fs.write(f, stdin, has(&opts, 'a')) {
            err.push_str(&format!("tee: {f}: {e}\n"));
        }
    }
    FilterResult {
        stdout: stdin.to_string(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding, no line breaks.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64, ignoring newlines; `Err` carries what decoded before the bad input.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes() {
        if c == b'\n' || c == b'\r' {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        let Some(v) = B64.iter().position(|&b| b == c) else {
            return Err(out);
        };
        if padding {
            return Err(out);
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn base64(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "base64",
        with_value: "w",
        flags: "di",
        long: &[
            ("decode", 'd', false),
            ("wrap", 'w', true),
            ("ignore-garbage", 'i', false),
        ],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if operands.len() > 1 {
        return FilterResult::err(
            format!(
                "base64: extra operand ‘{}’\nTry 'base64 --help' for more information.\n",
                operands[1]
            ),
            1,
        );
    }
    let mut err = String::new();
    let files = inputs("base64", &operands, stdin, fs, &mut err, false);
    if !err.is_empty() {
        return FilterResult::err(err, 1);
    }
    let text = files.first().and_then(|(_, t)| *t).unwrap_or("");
    if has(&opts, 'd') {
        return match base64_decode(text) {
            Ok(bytes) => FilterResult::out(String::from_utf8_lossy(&bytes).into_owned()),
            Err(partial) => FilterResult {
                stdout: String::from_utf8_lossy(&partial).into_owned(),
                stderr: "base64: invalid input\n".into(),
                status: 1,
            },
        };
    }
    let wrap = match last(&opts, 'w').map(str::parse::<usize>) {
        None => 76,
        Some(Ok(w)) => w,
        Some(Err(_)) => {
            let w = last(&opts, 'w').unwrap_or("");
            return FilterResult::err(format!("base64: invalid wrap size: ‘{w}’\n"), 1);
        }
    };
    let encoded = base64_encode(text.as_bytes());
    let mut out = String::new();
    if wrap == 0 {
        out.push_str(&encoded);
    } else {
        let chars: Vec<char> = encoded.chars().collect();
        for (i, chunk) in chars.chunks(wrap).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.extend(chunk.iter());
        }
    }
    if !encoded.is_empty() {
        out.push('\n');
    }
    FilterResult::out(out)
}

fn cat(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let spec = Spec {
        cmd: "cat",
        with_value: "",
        flags: "nAEsTuv",
        long: &[("number", 'n', false)],
        usage: None,
        bad_status: 1,
    };
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    let files = inputs("cat", &operands, stdin, fs, &mut err, false);
    let mut out = String::new();
    let mut n = 0;
    for (_, text) in files {
        let Some(text) = text else { continue };
        if has(&opts, 'n') {
            for l in lines_incl(text) {
                n += 1;
                out.push_str(&format!("{n:>6}\t{l}"));
            }
        } else {
            out.push_str(text);
        }
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}

/// Applies `echo -e` / `printf` backslash escapes; `None` at `\c` (stop output there).
fn escapes(s: &str, out: &mut String) -> Option<()> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '\\' || i >= chars.len() {
            out.push(c);
            continue;
        }
        let n = chars[i];
        i += 1;
        match n {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'e' | 'E' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            'c' => return None,
            '0' | 'x' => {
                let (radix, max) = if n == 'x' { (16, 2) } else { (8, 3) };
                let digits: String = chars[i..]
                    .iter()
                    .take(max)
                    .take_while(|c| c.is_digit(radix))
                    .collect();
                i += digits.chars().count();
                match u32::from_str_radix(&digits, radix)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(ch) => out.push(ch),
                    None if n == 'x' => out.push_str("\\x"),
                    None => out.push('\0'),
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(())
}

/// bash's `echo`: `-n`, `-e`, `-E` (only when the whole word is such flags).
pub fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut interpret = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.strip_prefix('-') {
            Some(f) if !f.is_empty() && f.chars().all(|c| "neE".contains(c)) => {
                for c in f.chars() {
                    match c {
                        'n' => newline = false,
                        'e' => interpret = true,
                        _ => interpret = false,
                    }
                }
                i += 1;
            }
            _ => break,
        }
    }
    let text = args[i..].join(" ");
    let mut out = String::new();
    if interpret {
        if escapes(&text, &mut out).is_none() {
            return out;
        }
    } else {
        out = text;
    }
    if newline {
        out.push('\n');
    }
    out
}

fn printf(args: &[String]) -> FilterResult {
    let Some(format) = args.first() else {
        return FilterResult::err(
            "bash: printf: usage: printf [-v var] format [arguments]\n".into(),
            2,
        );
    };
    let mut args = args[1..].iter();
    let mut out = String::new();
    let mut err = String::new();
    let fmt: Vec<char> = format.chars().collect();
    loop {
        let mut consumed = false;
        let mut i = 0;
        while i < fmt.len() {
            let c = fmt[i];
            i += 1;
            if c == '\\' {
                let mut esc = String::from('\\');
                if let Some(&n) = fmt.get(i) {
                    esc.push(n);
                    i += 1;
                }
                if escapes(&esc, &mut out).is_none() {
                    return FilterResult::out(out);
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            let start = i;
            while i < fmt.len() && "-+ 0#".contains(fmt[i]) {
                i += 1;
            }
            while i < fmt.len() && (fmt[i].is_ascii_digit() || fmt[i] == '.') {
                i += 1;
            }
            let spec: String = fmt[start..i].iter().collect();
            let Some(&conv) = fmt.get(i) else {
                out.push('%');
                out.push_str(&spec);
                break;
            };
            i += 1;
            let left = spec.contains('-');
            let zero = spec.starts_with('0');
            let (w, prec) = match spec
                .trim_start_matches(['-', '+', ' ', '0', '#'])
                .split_once('.')
            {
                Some((w, p)) => (w.parse::<usize>().unwrap_or(0), p.parse::<usize>().ok()),
                None => (
                    spec.trim_start_matches(['-', '+', ' ', '0', '#'])
                        .parse::<usize>()
                        .unwrap_or(0),
                    None,
                ),
            };
            let pad = |s: String, zero_ok: bool| -> String {
                let len = s.chars().count();
                if len >= w {
                    s
                } else if left {
                    format!("{s}{}", " ".repeat(w - len))
                } else if zero && zero_ok {
                    let (sign, digits) = s.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", &s));
                    format!("{sign}{}{digits}", "0".repeat(w - len))
                } else {
                    format!("{}{s}", " ".repeat(w - len))
                }
            };
            match conv {
                '%' => out.push('%'),
                's' | 'b' | 'c' => {
                    let a = args.next().map(|s| {
                        consumed = true;
                        s.as_str()
                    });
                    let mut s = a.unwrap_or("").to_string();
                    if conv == 'b' {
                        let mut e = String::new();
                        let _ = escapes(&s, &mut e);
                        s = e;
                    }
                    if conv == 'c' {
                        s = s.chars().next().map(String::from).unwrap_or_default();
                    }
                    if let Some(p) = prec {
                        s = s.chars().take(p).collect();
                    }
                    out.push_str(&pad(s, false));
                }
                'd' | 'i' | 'x' | 'X' | 'o' | 'u' => {
                    let a = args.next().map(|s| {
                        consumed = true;
                        s.as_str()
                    });
                    let raw = a.unwrap_or("0").trim();
                    let n = match raw.parse::<i64>() {
                        Ok(n) => n,
                        Err(_) if raw.is_empty() => 0,
                        Err(_) => {
                            err.push_str(&format!("bash: printf: {raw}: invalid number\n"));
                            leading_number(raw) as i64
                        }
                    };
                    let s = match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ => n.to_string(),
                    };
                    out.push_str(&pad(s, true));
                }
                'f' | 'g' | 'e' => {
                    let a = args.next().map(|s| {
                        consumed = true;
                        s.as_str()
                    });
                    let n = a.unwrap_or("0").trim().parse::<f64>().unwrap_or(0.0);
                    out.push_str(&pad(format!("{n:.*}", prec.unwrap_or(6)), true));
                }
                other => {
                    err.push_str(&format!(
                        "bash: printf: `{other}': invalid format character\n"
                    ));
                    return FilterResult {
                        stdout: out,
                        stderr: err,
                        status: 1,
                    };
                }
            }
        }
        if !consumed || args.len() == 0 {
            break;
        }
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
    }
}

// ----- files ----------------------------------------------------------------------------

/// `Jan  1 00:00` for a virtual time in seconds; second 0 is 2024-01-01 00:00 UTC.
fn ls_date(seconds: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // Days since 1970-01-01 (Howard Hinnant's civil_from_days).
    let z = (seconds / 86_400) as i64 + 19_723 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let secs = seconds % 86_400;
    format!(
        "{} {day:>2} {:02}:{:02}",
        MONTHS.get((month - 1) as usize).copied().unwrap_or("Jan"),
        secs / 3600,
        (secs / 60) % 60
    )
}

/// GNU ls's column layout for an 80-column terminal: as many columns as fit, filled
/// down then across, each as wide as its longest name plus two spaces.
fn columns(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let width = 80;
    let lens: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    for cols in (1..=names.len()).rev() {
        let rows = names.len().div_ceil(cols);
        let used_cols = names.len().div_ceil(rows);
        let col_widths: Vec<usize> = (0..used_cols)
            .map(|c| {
                lens[c * rows..((c + 1) * rows).min(names.len())]
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = col_widths.iter().sum::<usize>() + 2 * (used_cols - 1);
        if total <= width || cols == 1 {
            let mut out = String::new();
            for r in 0..rows {
                let mut line = String::new();
                for (c, col_width) in col_widths.iter().enumerate() {
                    let Some(name) = names.get(c * rows + r) else {
                        continue;
                    };
                    line.push_str(name);
                    let w = col_width + 2;
                    line.push_str(&" ".repeat(w.saturating_sub(name.chars().count())));
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
            return out;
        }
    }
    String::new()
}

fn ls(args: &[String], fs: &mut Vfs, tty: bool) -> FilterResult {
    let spec = Spec {
        cmd: "ls",
        with_value: "",
        flags: "laA1hdFrtS",
        long: &[
            ("all", 'a', false),
            ("almost-all", 'A', false),
            ("color", '\u{1}', false),
        ],
        usage: None,
        bad_status: 2,
    };
    let (opts, mut operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if operands.is_empty() {
        operands.push(".".into());
    }
    let long = has(&opts, 'l');
    let one = has(&opts, '1') || !tty;
    let mut err = String::new();
    let mut file_names = Vec::new();
    let mut dirs = Vec::new();
    for op in &operands {
        if fs.is_directory(op) && !has(&opts, 'd') {
            dirs.push(op.clone());
        } else if fs.exists(op) {
            file_names.push(op.clone());
        } else {
            err.push_str(&format!(
                "ls: cannot access '{op}': No such file or directory\n"
            ));
        }
    }
    let render = |entries: Vec<(String, bool, u64, usize)>, with_total: bool| -> String {
        if long {
            let size_w = entries
                .iter()
                .map(|e| e.3.to_string().len())
                .max()
                .unwrap_or(1);
            let mut s = String::new();
            if with_total {
                let blocks: usize = entries
                    .iter()
                    .map(|e| if e.1 { 4 } else { e.3.div_ceil(4096) * 4 })
                    .sum();
                s.push_str(&format!("total {blocks}\n"));
            }
            for (name, dir, mtime, size) in entries {
                let (mode, links) = if dir {
                    ("drwxr-xr-x", 2)
                } else {
                    ("-rw-r--r--", 1)
                };
                s.push_str(&format!(
                    "{mode} {links} root root {size:>size_w$} {} {name}\n",
                    ls_date(mtime)
                ));
            }
            s
        } else {
            let names: Vec<String> = entries.into_iter().map(|e| e.0).collect();
            if one {
                names.iter().map(|n| format!("{n}\n")).collect()
            } else {
                columns(&names)
            }
        }
    };
    let mut out = String::new();
    let file_entries: Vec<_> = file_names
        .iter()
        .map(|n| {
            let f = fs.file(n);
            (
                n.clone(),
                false,
                f.map(|f| f.mtime).unwrap_or(0),
                f.map(|f| f.text.len()).unwrap_or(0),
            )
        })
        .collect();
    let had_files = !file_entries.is_empty();
    out.push_str(&render(file_entries, false));
    let headers = operands.len() > 1;
    for (i, d) in dirs.iter().enumerate() {
        let Ok(listing) = fs.list(d) else { continue };
        let mut entries: Vec<(String, bool, u64, usize)> = Vec::new();
        if has(&opts, 'a') {
            entries.push((".".into(), true, 0, 4096));
            entries.push(("..".into(), true, 0, 4096));
        }
        for (name, dir, f) in listing {
            if name.starts_with('.') && !has(&opts, 'a') && !has(&opts, 'A') {
                continue;
            }
            let size = if dir {
                4096
            } else {
                f.map(|f| f.text.len()).unwrap_or(0)
            };
            entries.push((name, dir, f.map(|f| f.mtime).unwrap_or(0), size));
        }
        if headers {
            if had_files || i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("{d}:\n"));
        }
        out.push_str(&render(entries, true));
    }
    FilterResult {
        stdout: out,
        status: if err.is_empty() { 0 } else { 2 },
        stderr: err,
    }
}

fn simple_spec(cmd: &'static str, flags: &'static str) -> Spec {
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

fn missing_operand(cmd: &str) -> FilterResult {
    FilterResult::err(
        format!("{cmd}: missing operand\nTry '{cmd} --help' for more information.\n"),
        1,
    )
}

fn rm(args: &[String], fs: &mut Vfs) -> FilterResult {
    let spec = simple_spec("rm", "frRiv");
    let (opts, operands) = match getopt(&spec, args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let force = has(&opts, 'f');
    if operands.is_empty() && !force {
        return missing_operand("rm");
    }
    let recursive = has(&opts, 'r') || has(&opts, 'R');
    let mut err = String::new();
    for f in &operands {
        match fs.remove(f, recursive) {
            Ok(()) => {}
            Err(VfsError::NotFound) if force => {}
            Err(e) => err.push_str(&format!("rm: cannot remove '{f}': {e}\n")),
        }
    }
    FilterResult {
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
        ..FilterResult::default()
    }
}

fn mkdir(args: &[String], fs: &mut Vfs) -> FilterResult {
    let (opts, operands) = match getopt(&simple_spec("mkdir", "pv"), args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if operands.is_empty() {
        return missing_operand("mkdir");
    }
    let mut err = String::new();
    for d in &operands {
        if let Err(e) = fs.mkdir(d, has(&opts, 'p')) {
            err.push_str(&format!("mkdir: cannot create directory ‘{d}’: {e}\n"));
        }
    }
    FilterResult {
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
        ..FilterResult::default()
    }
}

fn touch(args: &[String], fs: &mut Vfs) -> FilterResult {
    let (_, operands) = match getopt(&simple_spec("touch", "acm"), args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if operands.is_empty() {
        return FilterResult::err(
            "touch: missing file operand\nTry 'touch --help' for more information.\n".into(),
            1,
        );
    }
    let mut err = String::new();
    for f in &operands {
        if let Err(e) = fs.touch(f) {
            err.push_str(&format!("touch: cannot touch '{f}': {e}\n"));
        }
    }
    FilterResult {
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
        ..FilterResult::default()
    }
}

fn cp_mv(cmd: &'static str, args: &[String], fs: &mut Vfs) -> FilterResult {
    let (opts, operands) = match getopt(&simple_spec(cmd, "frRvin"), args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let help = format!("Try '{cmd} --help' for more information.\n");
    match operands.len() {
        0 => return FilterResult::err(format!("{cmd}: missing file operand\n{help}"), 1),
        1 => {
            return FilterResult::err(
                format!(
                    "{cmd}: missing destination file operand after '{}'\n{help}",
                    operands[0]
                ),
                1,
            )
        }
        _ => {}
    }
    let (sources, dest) = operands.split_at(operands.len() - 1);
    let dest = &dest[0];
    let dest_is_dir = fs.is_directory(dest);
    if sources.len() > 1 && !dest_is_dir {
        return FilterResult::err(format!("{cmd}: target '{dest}' is not a directory\n"), 1);
    }
    let mut err = String::new();
    for src in sources {
        if fs.is_directory(src) {
            if cmd == "cp" && !(has(&opts, 'r') || has(&opts, 'R')) {
                err.push_str(&format!(
                    "cp: -r not specified; omitting directory '{src}'\n"
                ));
            } else {
                err.push_str(&format!(
                    "{cmd}: kubeplay cannot copy or move directories ('{src}')\n"
                ));
            }
            continue;
        }
        let text = match fs.read(src) {
            Ok(t) => t.to_string(),
            Err(e) => {
                err.push_str(&format!("{cmd}: cannot stat '{src}': {e}\n"));
                continue;
            }
        };
        let target = if dest_is_dir {
            let base = src.rsplit('/').next().unwrap_or(src);
            format!("{}/{base}", fs.resolve(dest))
        } else {
            dest.clone()
        };
        if fs.resolve(&target) == fs.resolve(src) {
            err.push_str(&format!("{cmd}: '{src}' and '{dest}' are the same file\n"));
            continue;
        }
        match fs.write(&target, &text, false) {
            Ok(()) => {
                if cmd == "mv" {
                    let _ = fs.remove(src, false);
                }
            }
            Err(e) if cmd == "cp" && e == VfsError::NoSpace => {
                err.push_str(&format!("cp: error writing '{dest}': {e}\n"))
            }
            Err(e) if cmd == "cp" => {
                err.push_str(&format!("cp: cannot create regular file '{dest}': {e}\n"))
            }
            Err(e) => err.push_str(&format!("mv: cannot move '{src}' to '{dest}': {e}\n")),
        }
    }
    FilterResult {
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err,
        ..FilterResult::default()
    }
}

fn cd(args: &[String], fs: &mut Vfs) -> FilterResult {
    let target = match args {
        [] => "~".to_string(),
        [one] if one == "-" => return FilterResult::err("bash: cd: OLDPWD not set\n".into(), 1),
        [one] => one.clone(),
        _ => return FilterResult::err("bash: cd: too many arguments\n".into(), 1),
    };
    match fs.chdir(&target) {
        Ok(()) => FilterResult::default(),
        Err(e) => FilterResult::err(format!("bash: cd: {target}: {e}\n"), 1),
    }
}
