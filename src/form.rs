//! `application/x-www-form-urlencoded` decoding, shared by the page's URL parameters and
//! `kubeplay serve`'s query strings, and Go's encoding of the kubelet URLs the API server
//! builds (a leaf: it imports nothing of the crate).

/// `+` is a space, `%XX` a byte; `None` for a broken escape or a result that is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                // from_str_radix alone would take a sign: "%+1" is not an escape.
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Go's `url.QueryEscape`: unreserved bytes stay, a space is `+`, the rest `%XX`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_plus_and_escapes_and_refuses_broken_ones() {
        assert_eq!(percent_decode("a+b%3Dc%20d").as_deref(), Some("a b=c d"));
        assert_eq!(percent_decode("end%41").as_deref(), Some("endA"));
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None, "not UTF-8");
    }
}
