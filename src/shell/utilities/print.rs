//! Writing text: `echo`, `printf` (with their backslash escapes) and `tee`.

use super::count::leading_number;
use super::options::{getopt, has, Spec};
use super::FilterResult;
use crate::shell::vfs::Vfs;

pub(super) fn tee(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

pub(super) fn printf(args: &[String]) -> FilterResult {
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
