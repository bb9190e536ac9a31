//! The diff program against GNU diff 3.8's own output.

use super::gnu::{self, Text};
use super::program::{self, normal, unified};

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

fn numbers(from: u32, to: u32, change: &[(u32, &str)]) -> String {
    (from..=to)
        .map(|n| match change.iter().find(|(at, _)| *at == n) {
            Some((_, text)) => format!("{text}\n"),
            None => format!("{n}\n"),
        })
        .collect()
}

// Expected outputs below are GNU diff 3.8's (`diff -u` without its ---/+++ lines, `diff`).

#[test]
fn a_repeated_block_is_deleted_from_the_end() {
    assert_eq!(
        unified_of("a\nb\nc\na\nb\nc\n", "a\nb\nc\n"),
        "@@ -1,6 +1,3 @@\n a\n b\n c\n-a\n-b\n-c\n"
    );
}

#[test]
fn changes_six_lines_apart_share_a_hunk_and_seven_apart_do_not() {
    let old = numbers(1, 20, &[]);
    assert_eq!(
        unified_of(&old, &numbers(1, 20, &[(5, "five"), (12, "twelve")])),
        "@@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+twelve\n 13\n 14\n 15\n"
    );
    assert_eq!(
        unified_of(&old, &numbers(1, 20, &[(5, "five"), (13, "thirteen")])),
        "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+thirteen\n 14\n 15\n 16\n"
    );
}

#[test]
fn an_insertion_slides_down_past_equal_lines() {
    let old = "x\n  resources: {}\ny\n  resources: {}\nz\n";
    let new = "x\n  resources: {}\nw\n  resources: {}\ny\n  resources: {}\nz\n";
    assert_eq!(
        unified_of(old, new),
        "@@ -1,5 +1,7 @@\n x\n   resources: {}\n+w\n+  resources: {}\n y\n   resources: {}\n z\n"
    );
    assert_eq!(normal_of(old, new), "2a3,4\n> w\n>   resources: {}\n");
}

#[test]
fn empty_texts_are_numbered_from_the_line_before() {
    assert_eq!(unified_of("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b\n");
    assert_eq!(unified_of("a\nb\n", ""), "@@ -1,2 +0,0 @@\n-a\n-b\n");
    assert_eq!(normal_of("a\nb\n", ""), "1,2d0\n< a\n< b\n");
    assert_eq!(
        unified_of("k: v\n", "k: w\n"),
        "@@ -1 +1 @@\n-k: v\n+k: w\n"
    );
    assert_eq!(normal_of("k: v\n", "k: w\n"), "1c1\n< k: v\n---\n> k: w\n");
}

/// Runs GNU diff (Debian's diffutils, on every machine the tests run on) over random
/// texts of a few distinct lines, where equally short scripts abound, and compares. 400
/// pairs here; the port was checked on 3,000 (raise `ROUNDS` to look again).
#[test]
fn random_texts_diff_as_gnu_diff_does() {
    const ROUNDS: u64 = 400;
    let dir = std::env::temp_dir().join(format!("kubeplay-gnu-diff-{}", std::process::id()));
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
    for round in 0..ROUNDS {
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
                .expect("GNU diff (Debian's diffutils) runs");
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
    std::fs::remove_dir_all(&dir).unwrap();
}

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn dir(path: &str, files: &[(&str, &str)]) -> program::Dir {
    program::Dir {
        path: path.into(),
        mtime: "2026-12-07 10:00:00.000000001 +0000".into(),
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    }
}

#[test]
fn kubectls_diff_command_line_parses_as_gnu_diff_reads_it() {
    let o = program::parse(&args("-u -N /tmp/A /tmp/B")).unwrap();
    assert_eq!((o.style, o.new_file), (program::Style::Unified(3), true));
    let o = program::parse(&args("/tmp/A /tmp/B -U 1")).unwrap();
    assert_eq!(o.style, program::Style::Unified(1));
    assert_eq!(
        program::parse(&args("/tmp/A /tmp/B -q")).unwrap().style,
        program::Style::Brief
    );
    assert_eq!(
        program::parse(&args("/tmp/A /tmp/B")).unwrap().style,
        program::Style::Normal
    );
    assert_eq!(
        program::parse(&args("/tmp/A /tmp/B --bogus")),
        Err(program::Refused::Usage(
            "diff: unrecognized option '--bogus'\ndiff: Try 'diff --help' for more information."
                .into()
        ))
    );
    assert_eq!(
        program::parse(&args("/tmp/A /tmp/B -w")),
        Err(program::Refused::NotSimulated("-w".into()))
    );
}

#[test]
fn directories_are_compared_file_by_file_in_name_order() {
    let from = dir(
        "/tmp/LIVE-1",
        &[
            ("v1.Secret.default.s", "a\n"),
            ("apps.v1.Deployment.default.web", ""),
        ],
    );
    let to = dir(
        "/tmp/MERGED-2",
        &[
            ("v1.Secret.default.s", "a\n"),
            ("apps.v1.Deployment.default.web", "x\n"),
        ],
    );
    let out = program::run(
        &program::parse(&args("-u -N /tmp/LIVE-1 /tmp/MERGED-2")).unwrap(),
        &from,
        &to,
    );
    assert_eq!(out.status, 1);
    assert_eq!(
        out.stdout_text(),
        "diff -u -N /tmp/LIVE-1/apps.v1.Deployment.default.web /tmp/MERGED-2/apps.v1.Deployment.default.web\n\
         --- /tmp/LIVE-1/apps.v1.Deployment.default.web\t2026-12-07 10:00:00.000000001 +0000\n\
         +++ /tmp/MERGED-2/apps.v1.Deployment.default.web\t2026-12-07 10:00:00.000000001 +0000\n\
         @@ -0,0 +1 @@\n+x\n"
    );
    let same = program::run(&program::parse(&args("-u -N A B")).unwrap(), &from, &from);
    assert_eq!((same.status, same.stdout_text()), (0, String::new()));
    let only = dir("/tmp/LIVE-1", &[("v1.Pod.default.p", "a\n")]);
    let none = dir("/tmp/MERGED-2", &[]);
    let out = program::run(&program::parse(&args("A B")).unwrap(), &only, &none);
    assert_eq!(out.stdout_text(), "Only in /tmp/LIVE-1: v1.Pod.default.p\n");
}
