//! Indentation that follows YAML: what Enter, Tab and Shift-Tab do to the text. Every
//! function takes the text and the selection (byte offsets) and returns the edited text
//! and the selection after it.

use super::path::strip_comment;

/// Two spaces: what kubectl writes and what the templates use.
pub const INDENT: usize = 2;

/// Text and selection after an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub text: String,
    pub selection: (usize, usize),
}

/// The indent a new line gets after `line` (the text before the cursor on its line):
/// the line's own, past any `- `, and one level more after a key that opens a block
/// (`spec:`, `- ports:`, `command: |`).
pub fn next_line_indent(line: &str) -> usize {
    let code = strip_comment(line).trim_end();
    let mut column = code.len() - code.trim_start_matches(' ').len();
    let mut rest = &code[column..];
    while rest == "-" || rest.starts_with("- ") {
        let after = rest[1..].trim_start_matches(' ');
        // `- ` alone on its line: the item's mapping starts past the dash.
        column += (rest.len() - after.len()).max(INDENT);
        rest = after;
    }
    let opens = rest.ends_with(':')
        || rest.ends_with(": |")
        || rest.ends_with(": >")
        || rest.ends_with(": |-")
        || rest.ends_with(": >-");
    if opens {
        column + INDENT
    } else {
        column
    }
}

/// Enter: replaces the selection with a line break and the next line's indent.
pub fn newline(text: &str, selection: (usize, usize)) -> Edit {
    let (from, to) = ordered(selection);
    let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let indent = " ".repeat(next_line_indent(&text[line_start..from]));
    // Spaces left at the end of the broken line are not kept.
    let kept = text[..from].trim_end_matches(' ').len().max(line_start);
    let inserted = format!("\n{indent}");
    let out = format!("{}{inserted}{}", &text[..kept], &text[to..]);
    let cursor = kept + inserted.len();
    Edit {
        text: out,
        selection: (cursor, cursor),
    }
}

/// Tab: two spaces at the cursor, or every line a selection touches indented by two (a
/// selection within one line too: Tab never replaces selected text).
pub fn indent(text: &str, selection: (usize, usize)) -> Edit {
    let (from, to) = ordered(selection);
    if from == to {
        let pad = " ".repeat(INDENT);
        let out = format!("{}{pad}{}", &text[..from], &text[to..]);
        let cursor = from + INDENT;
        return Edit {
            text: out,
            selection: (cursor, cursor),
        };
    }
    shift_lines(text, (from, to), |line| {
        Some(INDENT as isize).filter(|_| !line.is_empty())
    })
}

/// Shift-Tab: every line of the selection (or the cursor's line) loses up to two leading
/// spaces.
pub fn outdent(text: &str, selection: (usize, usize)) -> Edit {
    shift_lines(text, ordered(selection), |line| {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        Some(-(spaces.min(INDENT) as isize)).filter(|n| *n != 0)
    })
}

/// Adds (or removes, when negative) `by(line)` spaces at the start of each line touched by
/// `from..to`; the selection grows to cover the lines, as editors do.
fn shift_lines(text: &str, (from, to): (usize, usize), by: impl Fn(&str) -> Option<isize>) -> Edit {
    let first = text[..from].rfind('\n').map_or(0, |i| i + 1);
    // A selection ending at a line's start does not take that line.
    let last_end = if to > from && text[..to].ends_with('\n') {
        to - 1
    } else {
        to
    };
    let end = text[last_end..]
        .find('\n')
        .map_or(text.len(), |i| last_end + i);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..first]);
    let (mut new_from, mut new_to) = (from as isize, to as isize);
    for (i, line) in text[first..end].split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let shift = by(line).unwrap_or(0);
        if shift > 0 {
            out.push_str(&" ".repeat(shift as usize));
            out.push_str(line);
        } else {
            out.push_str(&line[(-shift) as usize..]);
        }
        if i == 0 {
            new_from = (new_from + shift).max(first as isize);
        }
        new_to += shift;
    }
    out.push_str(&text[end..]);
    let clamp = |n: isize| n.max(first as isize) as usize;
    Edit {
        text: out,
        selection: (clamp(new_from), clamp(new_to)),
    }
}

fn ordered((a, b): (usize, usize)) -> (usize, usize) {
    (a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_after_a_key_that_opens_a_block_indents_one_level() {
        assert_eq!(next_line_indent("spec:"), 2);
        assert_eq!(next_line_indent("  template:  # the pods"), 4);
        assert_eq!(next_line_indent("    command: |"), 6);
    }

    #[test]
    fn enter_after_a_scalar_keeps_the_indent() {
        assert_eq!(next_line_indent("  replicas: 3"), 2);
        assert_eq!(next_line_indent("  name: \"a: b\""), 2);
    }

    #[test]
    fn enter_in_a_list_item_continues_the_items_mapping() {
        assert_eq!(next_line_indent("      - name: nginx"), 8);
        assert_eq!(next_line_indent("      - ports:"), 10);
        assert_eq!(next_line_indent("  -"), 4);
    }

    #[test]
    fn newline_inserts_the_indent_and_drops_trailing_spaces() {
        let text = "spec:  \nx";
        let e = newline(text, (7, 7));
        assert_eq!(e.text, "spec:\n  \nx");
        assert_eq!(e.selection, (8, 8));
    }

    #[test]
    fn newline_replaces_a_selection() {
        let e = newline("a: 1\nb: 2", (2, 8));
        assert_eq!(e.text, "a:\n  2");
        assert_eq!(e.selection, (5, 5));
    }

    #[test]
    fn tab_without_a_selection_inserts_two_spaces() {
        let e = indent("a:\nb", (3, 3));
        assert_eq!(e.text, "a:\n  b");
        assert_eq!(e.selection, (5, 5));
    }

    #[test]
    fn tab_and_shift_tab_move_every_selected_line() {
        let text = "a:\nb: 1\nc: 2\nd: 3";
        let e = indent(text, (4, 9));
        assert_eq!(e.text, "a:\n  b: 1\n  c: 2\nd: 3");
        assert_eq!(e.selection, (6, 13));
        let back = outdent(&e.text, e.selection);
        assert_eq!(back.text, text);
        assert_eq!(back.selection, (4, 9));
    }

    #[test]
    fn tab_with_a_selection_in_one_line_indents_the_line_and_keeps_the_selection() {
        let text = "spec:\nreplicas: 2\n";
        let e = indent(text, (6, 14));
        assert_eq!(e.text, "spec:\n  replicas: 2\n");
        assert_eq!(e.selection, (8, 16));
        assert_eq!(&e.text[8..16], "replicas");
    }

    #[test]
    fn shift_tab_removes_only_the_spaces_there_are() {
        let e = outdent("a:\n b\nc", (4, 4));
        assert_eq!(e.text, "a:\nb\nc");
        assert_eq!(e.selection, (3, 3));
        let e = outdent("x", (1, 1));
        assert_eq!(e.text, "x");
    }
}
