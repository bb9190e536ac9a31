//! Standard base64 (RFC 4648 §4, `=` padding): what Secrets store, what `base64` in the
//! shell prints, what kubectl describes as a byte count. One copy for every layer.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `data` encoded, padded, on one line (Go's `base64.StdEncoding.EncodeToString`).
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64, skipping line breaks (as coreutils' `base64 -d` does); `Err` carries
/// what decoded before the first character that is not base64 or follows the padding,
/// or everything when the last group of four is cut short without its padding.
pub fn decode(text: &str) -> Result<Vec<u8>, Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    let mut symbols = 0usize;
    for c in text.bytes() {
        if c == b'\n' || c == b'\r' {
            continue;
        }
        symbols += 1;
        if c == b'=' {
            padding = true;
            continue;
        }
        let Some(v) = ALPHABET.iter().position(|&b| b == c) else {
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
    if !symbols.is_multiple_of(4) {
        return Err(out);
    }
    Ok(out)
}

/// Whether `c` can appear in base64 text (`base64 -i` drops everything else).
pub fn is_base64_symbol(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_padding() {
        assert_eq!(encode(b"admin"), "YWRtaW4=");
        assert_eq!(encode(b"hello\n"), "aGVsbG8K");
        assert_eq!(encode(b""), "");
        assert_eq!(decode("YWRtaW4=").unwrap(), b"admin");
        assert_eq!(decode("aGVs\nbG8K\n").unwrap(), b"hello\n");
        assert_eq!(decode("a$b").unwrap_err(), b"");
        assert_eq!(decode("YWRtaW4").unwrap_err(), b"admin", "padding missing");
    }
}
