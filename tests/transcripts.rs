//! Golden transcripts: each `tests/transcripts/*.txt` is what `kubeplay run` prints for a
//! script — a `# runner: --nodes N --seed S` header (plus any other leading `#` comment
//! lines), then every command echoed as `$ LINE` (continuation lines as `> LINE`) followed
//! by its exact output. The harness replays the commands through a `Session` in-process
//! and compares the whole transcript, printing a line diff on mismatch.
//!
//! Expected outputs were written against `../shared/reference/kubectl-fidelity.md` and
//! kubectl's sources, not regenerated from the program: a difference is a bug to explain.
//! Run one file with `KUBEPLAY_TRANSCRIPT=name cargo test --test transcripts`.

use kubeplay::kubectl::Session;
use std::path::{Path, PathBuf};

/// The cluster a transcript runs against, from its `# runner:` line.
struct Header {
    nodes: u32,
    seed: u64,
    /// Number of leading comment lines (kept verbatim in the actual transcript).
    lines: usize,
}

fn parse_header(text: &str, path: &Path) -> Header {
    let mut h = Header {
        nodes: 3,
        seed: 1,
        lines: 0,
    };
    for line in text.lines() {
        if !line.starts_with('#') {
            break;
        }
        h.lines += 1;
        if let Some(opts) = line.strip_prefix("# runner:") {
            let words: Vec<&str> = opts.split_whitespace().collect();
            for pair in words.chunks(2) {
                let value = pair.get(1).copied().unwrap_or("");
                match pair[0] {
                    "--nodes" => h.nodes = value.parse().unwrap_or(3),
                    "--seed" => h.seed = value.parse().unwrap_or(1),
                    other => panic!("{}: unknown runner option {other}", path.display()),
                }
            }
        }
    }
    h
}

/// Replays the commands found in `expected` and returns the transcript the runner would
/// print for them.
fn replay(expected: &str, path: &Path) -> String {
    let header = parse_header(expected, path);
    let lines: Vec<&str> = expected.lines().collect();
    let mut actual: Vec<String> = lines[..header.lines]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut session = Session::new(header.nodes, header.seed);
    let mut i = header.lines;
    while i < lines.len() {
        let Some(cmd) = lines[i].strip_prefix("$ ") else {
            i += 1;
            continue;
        };
        actual.push(format!("$ {cmd}"));
        let mut out = session.submit(cmd);
        i += 1;
        while session.awaiting_more() {
            let Some(more) = lines.get(i) else {
                break;
            };
            let Some(text) = more.strip_prefix("> ").or((*more == ">").then_some("")) else {
                // The transcript ends the command here but the shell wants more: show
                // that in the diff and carry on as if Ctrl-C had been pressed.
                actual.push(format!(
                    "<{} wants a continuation line (`> …`) at line {}>",
                    path.display(),
                    i + 1
                ));
                session.interrupt();
                break;
            };
            actual.push(if text.is_empty() {
                ">".to_string()
            } else {
                format!("> {text}")
            });
            out.extend(session.submit(text));
            i += 1;
        }
        out.extend(session.run_blocking());
        actual.extend(out.into_iter().map(|l| l.text));
    }
    let mut s = actual.join("\n");
    s.push('\n');
    s
}

/// A unified-style line diff (LCS), `-` expected, `+` actual, with 2 lines of context.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (tag, expected line number, text)
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', i + 1, b[j]));
            j += 1;
        } else {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        }
    }
    let show: Vec<bool> = (0..ops.len())
        .map(|k| {
            let lo = k.saturating_sub(2);
            let hi = (k + 3).min(ops.len());
            ops[lo..hi].iter().any(|o| o.0 != ' ')
        })
        .collect();
    let mut s = String::new();
    let mut gap = false;
    for (k, (tag, line, text)) in ops.iter().enumerate() {
        if show[k] {
            if gap {
                s.push_str("   ...\n");
            }
            gap = false;
            s.push_str(&format!("{line:>4} {tag} {text:?}\n"));
        } else {
            gap = true;
        }
    }
    s
}

fn transcript_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let only = std::env::var("KUBEPLAY_TRANSCRIPT").ok();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| {
            only.as_deref().is_none_or(|o| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy().contains(o))
            })
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_transcript_prints_exactly_what_kubectl_prints() {
    let files = transcript_files();
    assert!(!files.is_empty(), "no transcripts found");
    let mut failures = Vec::new();
    for path in &files {
        let expected = std::fs::read_to_string(path).expect("readable transcript");
        let actual = replay(&expected, path);
        if actual != expected {
            if let Ok(dir) = std::env::var("KUBEPLAY_TRANSCRIPT_ACTUAL") {
                let name = path.file_name().expect("file name");
                let _ = std::fs::write(Path::new(&dir).join(name), &actual);
            }
            failures.push(format!(
                "--- {} (line: - expected, + actual)\n{}",
                path.display(),
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn the_diff_marks_changed_lines() {
    let d = diff("a\nb\nc\n", "a\nx\nc\n");
    assert!(d.contains("- \"b\""), "{d}");
    assert!(d.contains("+ \"x\""), "{d}");
}
