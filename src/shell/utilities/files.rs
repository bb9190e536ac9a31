//! Commands on the [`Vfs`]: `cat`, `ls` (GNU's columns on the terminal), `rm`, `mkdir`,
//! `touch`, `cp`, `mv` and `cd`.

use super::options::{getopt, has, inputs, lines_incl, missing_operand, simple_spec, Spec};
use super::FilterResult;
use crate::shell::vfs::{Vfs, VfsError};

pub(super) fn cat(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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

pub(super) fn ls(args: &[String], fs: &mut Vfs, tty: bool) -> FilterResult {
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

pub(super) fn rm(args: &[String], fs: &mut Vfs) -> FilterResult {
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

pub(super) fn mkdir(args: &[String], fs: &mut Vfs) -> FilterResult {
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

pub(super) fn touch(args: &[String], fs: &mut Vfs) -> FilterResult {
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

pub(super) fn cp_mv(cmd: &'static str, args: &[String], fs: &mut Vfs) -> FilterResult {
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

pub(super) fn cd(args: &[String], fs: &mut Vfs) -> FilterResult {
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
