//! Find in the editor: every match of a query, ignoring case, as byte ranges.

/// The byte ranges of `query` in `text`, ignoring ASCII case, not overlapping.
pub fn matches(text: &str, query: &str) -> Vec<(usize, usize)> {
    if query.is_empty() {
        return Vec::new();
    }
    let hay = text.to_ascii_lowercase();
    let needle = query.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        found.push((start, start + needle.len()));
        from = start + needle.len();
    }
    found
}

/// The match to go to from the cursor: the first at or after it (before it when going
/// backwards), wrapping around the text.
pub fn next_match(found: &[(usize, usize)], cursor: usize, backwards: bool) -> Option<usize> {
    if found.is_empty() {
        return None;
    }
    let i = if backwards {
        found
            .iter()
            .rposition(|m| m.1 < cursor)
            .unwrap_or(found.len() - 1)
    } else {
        found.iter().position(|m| m.0 >= cursor).unwrap_or(0)
    };
    Some(i)
}

/// A byte offset of `text` as a count of UTF-16 units (what a textarea's selection uses).
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].encode_utf16().count()
}

/// A textarea's UTF-16 position as a byte offset of `text`.
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_case_and_do_not_overlap() {
        assert_eq!(
            matches("Name: name\nnamename", "NAME"),
            [(0, 4), (6, 10), (11, 15), (15, 19)]
        );
        assert!(matches("abc", "").is_empty());
    }

    #[test]
    fn next_match_wraps_around() {
        let found = [(0, 1), (5, 6)];
        assert_eq!(next_match(&found, 1, false), Some(1));
        assert_eq!(next_match(&found, 6, false), Some(0));
        assert_eq!(next_match(&found, 5, true), Some(0));
        assert_eq!(next_match(&found, 0, true), Some(1));
        assert_eq!(next_match(&[], 0, false), None);
    }

    #[test]
    fn offsets_convert_between_bytes_and_utf16() {
        let text = "名稱: web";
        assert_eq!(utf16_offset(text, 6), 2);
        assert_eq!(byte_offset(text, 2), 6);
        assert_eq!(byte_offset(text, 99), text.len());
    }
}
