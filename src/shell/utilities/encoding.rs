//! `base64`: encoding and decoding with GNU coreutils' messages.

use super::options::{getopt, has, inputs, last, Spec};
use super::FilterResult;
use crate::shell::vfs::Vfs;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding, no line breaks.
fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64, ignoring newlines; `Err` carries what decoded before the bad input.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes() {
        if c == b'\n' || c == b'\r' {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        let Some(v) = B64.iter().position(|&b| b == c) else {
            return Err(out);
        };
        if padding {
            return Err(out);
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

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
        return match base64_decode(text) {
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
    let encoded = base64_encode(text.as_bytes());
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
    if !encoded.is_empty() {
        out.push('\n');
    }
    FilterResult::out(out)
}
