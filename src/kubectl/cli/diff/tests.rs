//! The diff program against GNU diff 3.8's own output.

use super::gnu::{self, Text};
use super::program::{normal, unified};

fn unified_of(old: &str, new: &str) -> String {
    let (a, b) = (Text::new(old), Text::new(new));
    let mut s = String::new();
    unified(&mut s, &a, &b, &gnu::changes(&a, &b, 3), 3);
    s
}

fn normal_of(old: &str, new: &str) -> String {
    let (a, b) = (Text::new(old), Text::new(new));
    let mut s = String::new();
    normal(&mut s, &a, &b, &gnu::changes(&a, &b, 0));
    s
}

/// Runs /usr/bin/diff over random texts of a few distinct lines (where equally short
/// scripts abound) and compares. Needs GNU diff 3.8 on the machine.
#[test]
#[ignore = "needs GNU diff 3.8 installed; run with --ignored"]
fn random_texts_diff_as_gnu_diff_does() {
    let dir = std::env::temp_dir().join("kubeplay-gnu-diff");
    std::fs::create_dir_all(&dir).unwrap();
    let seed = std::cell::Cell::new(0x9e3779b97f4a7c15u64);
    let next = |n: u64| {
        let mut s = seed.get();
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        seed.set(s);
        s % n
    };
    for round in 0..3000 {
        let alphabet = 2 + next(6);
        let text = |len: u64| -> String {
            (0..len)
                .map(|_| match next(alphabet) {
                    0 => "\n".to_string(),
                    k => format!("line {k}\n"),
                })
                .collect()
        };
        let len0 = next(if round % 10 == 0 { 200 } else { 30 });
        let old = text(len0);
        let new = if next(3) == 0 {
            // A few edits of the old text, as kubectl diff mostly sees.
            let mut lines: Vec<String> = old.lines().map(|l| format!("{l}\n")).collect();
            for _ in 0..next(5) + 1 {
                let at = next(lines.len() as u64 + 1) as usize;
                match next(3) {
                    0 if at < lines.len() => {
                        lines.remove(at);
                    }
                    1 if at < lines.len() => lines[at] = format!("line {}\n", next(alphabet)),
                    _ => lines.insert(at, format!("line {}\n", next(alphabet))),
                }
            }
            lines.concat()
        } else {
            text(next(30))
        };
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, &old).unwrap();
        std::fs::write(&b, &new).unwrap();
        for (flag, ours) in [
            ("-u", unified_of(&old, &new)),
            ("--normal", normal_of(&old, &new)),
        ] {
            let out = std::process::Command::new("diff")
                .args([flag, a.to_str().unwrap(), b.to_str().unwrap()])
                .output()
                .unwrap();
            let gnu = String::from_utf8(out.stdout).unwrap();
            // Drop the ---/+++ lines (file names and times).
            let gnu: String = gnu
                .lines()
                .skip(if flag == "-u" && !gnu.is_empty() {
                    2
                } else {
                    0
                })
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(ours, gnu, "round {round} {flag}\nold:\n{old}\nnew:\n{new}");
        }
    }
}
