//! Counting and ordering lines: `wc`, `sort` (bytewise, the C locale's order) and `uniq`.

use super::options::{getopt, has, inputs, last, lines, Spec};
use super::FilterResult;
use crate::shell::vfs::Vfs;

pub(super) fn wc(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

pub(super) fn sort(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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
    crate::sort::sort_by(&mut all, |a, b| {
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
pub(super) fn leading_number(s: &str) -> f64 {
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

pub(super) fn uniq(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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
