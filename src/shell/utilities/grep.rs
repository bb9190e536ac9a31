//! `grep`, `egrep` and `fgrep`: GNU grep's options, messages and exit statuses.

use super::options::{getopt, has, inputs, last, lines, try_help, Spec};
use super::FilterResult;
use crate::shell::regex::{is_word_char, Regex, Syntax};
use crate::shell::vfs::Vfs;

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

pub(super) fn grep(
    args: &[String],
    stdin: &str,
    fs: &mut Vfs,
    forced: Option<Syntax>,
) -> FilterResult {
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
