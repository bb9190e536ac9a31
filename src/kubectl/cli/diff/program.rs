//! The `diff` program `kubectl diff` runs over its LIVE and MERGED directories: GNU diff
//! 3.8's command line (the options kubectl passes, `-u -N`, and the few a
//! `KUBECTL_EXTERNAL_DIFF="diff …"` adds that the playground runs), its directory walk and
//! its unified, normal and brief formats, on the edit script of [`super::gnu`].

use super::gnu::{self, Change, Text};
use crate::shell::Output;

/// How the differences are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `-u` / `-U N`: unified hunks with N lines of context.
    Unified(usize),
    /// No style option: `NcM`, `< old`, `---`, `> new`.
    Normal,
    /// `-q`: only which files differ.
    Brief,
}

/// A parsed `diff` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub style: Style,
    /// `-N`: a file only in one directory is compared with an empty one.
    pub new_file: bool,
    /// The options as given, for the `diff …` line before each pair of files.
    switches: Vec<String>,
}

/// Why `diff` did not compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// GNU diff's own refusal (exit status 2), as it prints it.
    Usage(String),
    /// An option GNU diff has that the playground's does not run.
    NotSimulated(String),
}

/// Parses diff's options (getopt-style: they may follow the operands).
pub fn parse(args: &[String]) -> Result<Options, Refused> {
    let mut style = None;
    let mut context = 3;
    let mut new_file = false;
    let mut brief = false;
    let mut switches = Vec::new();
    let mut it = args.iter().peekable();
    let usage = |m: String| {
        Refused::Usage(format!(
            "{m}\ndiff: Try 'diff --help' for more information."
        ))
    };
    while let Some(a) = it.next() {
        if !a.starts_with('-') || a == "-" {
            continue;
        }
        switches.push(a.clone());
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match name {
                "unified" => {
                    style = Some('u');
                    if let Some(v) = value {
                        context = v
                            .parse()
                            .map_err(|_| usage(format!("diff: invalid context length '{v}'")))?;
                    }
                }
                "new-file" => new_file = true,
                "brief" => brief = true,
                "recursive" | "text" => {}
                _ if KNOWN_LONG.contains(&name) => return Err(Refused::NotSimulated(a.clone())),
                _ => return Err(usage(format!("diff: unrecognized option '{a}'"))),
            }
            continue;
        }
        for (at, c) in a[1..].char_indices() {
            match c {
                'u' => style = Some('u'),
                'N' => new_file = true,
                'q' => brief = true,
                'r' | 'a' => {}
                'U' => {
                    let rest = &a[1 + at + 1..];
                    let v = if rest.is_empty() {
                        match it.next() {
                            Some(v) => {
                                switches.push(v.clone());
                                v.as_str()
                            }
                            None => {
                                return Err(usage(
                                    "diff: option requires an argument -- 'U'".into(),
                                ))
                            }
                        }
                    } else {
                        rest
                    };
                    context = v
                        .parse()
                        .map_err(|_| usage(format!("diff: invalid context length '{v}'")))?;
                    style = Some('u');
                    break;
                }
                _ if KNOWN_SHORT.contains(c) => return Err(Refused::NotSimulated(format!("-{c}"))),
                _ => return Err(usage(format!("diff: invalid option -- '{c}'"))),
            }
        }
    }
    let style = match (brief, style) {
        (true, _) => Style::Brief,
        (false, Some(_)) => Style::Unified(context),
        (false, None) => Style::Normal,
    };
    Ok(Options {
        style,
        new_file,
        switches,
    })
}

/// GNU diff's other short options: refused as not simulated rather than unknown.
const KNOWN_SHORT: &str = "0123456789bBcCdDeEfFiIlLnpsStTvwWxXyZ";
/// GNU diff's other long options.
const KNOWN_LONG: &[&str] = &[
    "normal",
    "context",
    "ed",
    "rcs",
    "side-by-side",
    "width",
    "left-column",
    "suppress-common-lines",
    "show-c-function",
    "show-function-line",
    "label",
    "expand-tabs",
    "initial-tab",
    "tabsize",
    "suppress-blank-empty",
    "line-format",
    "old-line-format",
    "new-line-format",
    "unchanged-line-format",
    "old-group-format",
    "new-group-format",
    "changed-group-format",
    "unchanged-group-format",
    "ignore-case",
    "ignore-tab-expansion",
    "ignore-trailing-space",
    "ignore-space-change",
    "ignore-all-space",
    "ignore-blank-lines",
    "ignore-matching-lines",
    "minimal",
    "horizon-lines",
    "speed-large-files",
    "color",
    "palette",
    "report-identical-files",
    "unidirectional-new-file",
    "ignore-file-name-case",
    "no-ignore-file-name-case",
    "exclude",
    "exclude-from",
    "starting-file",
    "from-file",
    "to-file",
    "strip-trailing-cr",
    "no-dereference",
    "paginate",
    "ifdef",
    "help",
    "version",
];

/// One of the two directories: its path, when its files were written (as `ls
/// --full-time` shows it), and its files by name.
pub struct Dir {
    pub path: String,
    pub mtime: String,
    pub files: Vec<(String, String)>,
}

/// `diff OPTIONS FROM TO` over two directories: what it prints and its exit status (0
/// the same, 1 different).
pub fn run(opts: &Options, from: &Dir, to: &Dir) -> Output {
    let mut names: Vec<&str> = from
        .files
        .iter()
        .chain(&to.files)
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Output::ok();
    let mut differ = false;
    for name in names {
        fn find<'d>(d: &'d Dir, name: &str) -> Option<&'d str> {
            d.files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.as_str())
        }
        let (old, new) = match (find(from, name), find(to, name)) {
            (Some(o), Some(n)) => (o, n),
            (o, n) if opts.new_file => (o.unwrap_or(""), n.unwrap_or("")),
            (o, _) => {
                let dir = if o.is_some() { &from.path } else { &to.path };
                out.out(format!("Only in {dir}: {name}"));
                differ = true;
                continue;
            }
        };
        let (a, b) = (
            format!("{}/{name}", from.path),
            format!("{}/{name}", to.path),
        );
        if old == new {
            continue;
        }
        differ = true;
        let (t0, t1) = (Text::new(old), Text::new(new));
        let horizon = match opts.style {
            Style::Unified(n) => n,
            _ => 0,
        };
        let script = gnu::changes(&t0, &t1, horizon);
        if opts.style == Style::Brief {
            out.out(format!("Files {a} and {b} differ"));
            continue;
        }
        let mut text = String::from("diff");
        for s in &opts.switches {
            text.push(' ');
            text.push_str(s);
        }
        text.push_str(&format!(" {a} {b}\n"));
        match opts.style {
            Style::Unified(context) => {
                text.push_str(&format!("--- {a}\t{}\n+++ {b}\t{}\n", from.mtime, to.mtime));
                unified(&mut text, &t0, &t1, &script, context);
            }
            _ => normal(&mut text, &t0, &t1, &script),
        }
        out.out_exact(text);
    }
    out.status = i32::from(differ);
    out
}

/// One line of a hunk, with `\ No newline at end of file` after a last line without one.
fn line(text: &mut String, flag: &str, t: &Text, i: usize) {
    text.push_str(flag);
    text.push_str(t.lines[i]);
    text.push('\n');
    if t.missing_newline && i + 1 == t.lines.len() {
        text.push_str("\\ No newline at end of file\n");
    }
}

/// `-u`: changes closer than 2×context+1 lines share a hunk.
pub fn unified(text: &mut String, t0: &Text, t1: &Text, script: &[Change], context: usize) {
    let mut k = 0;
    while k < script.len() {
        let mut end = k;
        while end + 1 < script.len() {
            let top0 = script[end].line0 + script[end].deleted;
            // GNU diff's threshold: fewer than 2 × context + 1 lines between changes.
            if script[end + 1].line0 - top0 > 2 * context {
                break;
            }
            end += 1;
        }
        let hunk = &script[k..=end];
        let (first, last) = (hunk[0], hunk[hunk.len() - 1]);
        let first0 = first.line0.saturating_sub(context);
        let first1 = first.line1.saturating_sub(context);
        let last0 = (last.line0 + last.deleted + context).min(t0.lines.len());
        let last1 = (last.line1 + last.inserted + context).min(t1.lines.len());
        text.push_str(&format!(
            "@@ -{} +{} @@\n",
            unified_range(first0, last0),
            unified_range(first1, last1)
        ));
        let (mut i, mut j) = (first0, first1);
        let mut next = hunk.iter().peekable();
        while i < last0 || j < last1 {
            match next.peek() {
                Some(c) if i >= c.line0 => {
                    for _ in 0..c.deleted {
                        line(text, "-", t0, i);
                        i += 1;
                    }
                    for _ in 0..c.inserted {
                        line(text, "+", t1, j);
                        j += 1;
                    }
                    next.next();
                }
                _ => {
                    line(text, " ", t0, i);
                    i += 1;
                    j += 1;
                }
            }
        }
        k = end + 1;
    }
}

/// Lines [first, end) as a unified header numbers them: `START,COUNT`, `START` alone for
/// one line, and the line before with `,0` for none.
fn unified_range(first: usize, end: usize) -> String {
    match end - first {
        0 => format!("{first},0"),
        1 => format!("{end}"),
        n => format!("{},{n}", first + 1),
    }
}

/// The normal format: each change on its own.
pub fn normal(text: &mut String, t0: &Text, t1: &Text, script: &[Change]) {
    for c in script {
        let letter = match (c.deleted, c.inserted) {
            (0, _) => 'a',
            (_, 0) => 'd',
            _ => 'c',
        };
        text.push_str(&format!(
            "{}{letter}{}\n",
            normal_range(c.line0, c.deleted),
            normal_range(c.line1, c.inserted)
        ));
        for i in c.line0..c.line0 + c.deleted {
            line(text, "< ", t0, i);
        }
        if letter == 'c' {
            text.push_str("---\n");
        }
        for j in c.line1..c.line1 + c.inserted {
            line(text, "> ", t1, j);
        }
    }
}

/// `A,B` (1-based), one number for one line, and the line before for none.
fn normal_range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start}"),
        1 => format!("{}", start + 1),
        n => format!("{},{}", start + 1, start + n),
    }
}
