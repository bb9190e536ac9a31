//! The text utilities and file commands the terminal runs without kubectl: `grep`,
//! `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `tr`, `awk '{print $N}'`, `sed`, `tee`,
//! `base64`, `cat`, `echo`, `printf`, `true`, `false`, and `ls`, `rm`, `mkdir`, `touch`,
//! `cp`, `mv`, `pwd`, `cd` on the [`Vfs`]. Behaviour and messages follow GNU coreutils,
//! GNU grep and bash in a UTF-8 locale; sorting compares bytes (the C locale's order).

mod count;
pub(crate) mod encoding;
mod files;
mod grep;
mod options;
mod print;
mod sed;
mod slice;
mod transform;

use super::regex::Syntax;
use super::vfs::Vfs;
use count::{sort, uniq, wc};
use encoding::base64;
use files::{cat, cd, cp_mv, ls, mkdir, rm, touch};
use grep::grep;
pub use print::echo;
use print::{printf, tee};
use sed::sed;
use slice::{cut, head_tail};
use transform::{awk, tr};

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
    pub(super) fn out(stdout: String) -> FilterResult {
        FilterResult {
            stdout,
            ..FilterResult::default()
        }
    }

    pub(super) fn err(stderr: String, status: i32) -> FilterResult {
        FilterResult {
            stderr,
            status,
            ..FilterResult::default()
        }
    }
}

/// Runs utility `name` with `args` (already expanded, without the name) on `stdin`.
/// `tty` says whether stdout is the terminal (only `ls` cares: columns on the terminal,
/// one name per line into a pipe or file). `None` when `name` is none of them.
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
        "sed" => sed(args, stdin, fs),
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
