//! `base64`: encoding and decoding with GNU coreutils' messages.

use super::options::{getopt, has, inputs, last, Spec};
use super::FilterResult;
use crate::shell::vfs::Vfs;

pub(super) fn base64(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
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
        // `-i` drops what is not base64 (line breaks are always skipped).
        let kept: String;
        let text = if has(&opts, 'i') {
            kept = text
                .chars()
                .filter(|&c| crate::base64::is_base64_symbol(c) || c == '\n')
                .collect();
            kept.as_str()
        } else {
            text
        };
        return match crate::base64::decode(text) {
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
    let encoded = crate::base64::encode(text.as_bytes());
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
    // coreutils ends a wrapped encoding with a newline; `-w 0` leaves the line open.
    if wrap != 0 && !encoded.is_empty() {
        out.push('\n');
    }
    FilterResult::out(out)
}
