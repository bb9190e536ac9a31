//! Which lines of a long file the editor's textarea holds. A browser lays out every line a
//! textarea holds, visible or not (Chromium makes each a text node and a `<br>`): 10,000
//! lines are ~75 ms of style and layout before any of our work, on every open and paste of
//! an operator bundle. So a long file's textarea holds the lines around the visible ones,
//! and the editor splices what is typed there back into the file. This is the pure part:
//! which lines, and how the textarea's offsets map to the file's.

/// A file up to this many lines is held whole: about 15 ms of layout.
pub const WHOLE_UP_TO: usize = 2_000;
/// Lines held above and below the visible ones when the window is placed.
pub const MARGIN: usize = 600;
/// The window moves once the visible lines come this close to one of its ends.
pub const GUARD: usize = 200;

/// The lines `lines.0..lines.1` of a file, held in the textarea: bytes `bytes.0..bytes.1`
/// of it (the newline that ends the last held line is not held).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub lines: (usize, usize),
    pub bytes: (usize, usize),
}

/// How many lines the text has, counting the empty one after a final newline.
pub fn rows(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count() + 1
}

/// The byte where line `n` (from 0) starts; past the last line, the text's length.
pub fn line_start(text: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(n - 1)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// The line (from 0) that byte `at` is on.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

impl Window {
    /// Lines `from..to` of `text`, cut to the lines it has.
    pub fn of(text: &str, (from, to): (usize, usize)) -> Window {
        let total = rows(text);
        let to = to.min(total);
        let from = from.min(to);
        if from == to {
            let at = line_start(text, from);
            return Window {
                lines: (from, to),
                bytes: (at, at),
            };
        }
        let start = line_start(text, from);
        let end = if to == total {
            text.len()
        } else {
            line_start(text, to) - 1
        };
        Window {
            lines: (from, to),
            bytes: (start, end),
        }
    }

    /// The whole of `text`.
    pub fn whole(text: &str) -> Window {
        Window::of(text, (0, usize::MAX))
    }

    pub fn is_whole(&self, text: &str) -> bool {
        self.bytes == (0, text.len())
    }

    /// What the textarea holds of `text`.
    pub fn held<'a>(&self, text: &'a str) -> &'a str {
        &text[self.bytes.0..self.bytes.1]
    }

    /// `text` with the held lines replaced by `held`, the textarea's value after an edit.
    pub fn splice(&self, text: &str, held: &str) -> String {
        let (before, after) = (&text[..self.bytes.0], &text[self.bytes.1..]);
        let mut out = String::with_capacity(before.len() + held.len() + after.len());
        out.push_str(before);
        out.push_str(held);
        out.push_str(after);
        out
    }

    /// A selection of the held text as one of the file (`held_len` long after splicing).
    /// All of the held text selected stands for all of the file: that is what Ctrl-A
    /// selects, and what an edit or a copy of it means.
    pub fn to_file(
        &self,
        file_len: usize,
        held_len: usize,
        (a, b): (usize, usize),
    ) -> (usize, usize) {
        if (a, b) == (0, held_len) && held_len > 0 {
            return (0, file_len);
        }
        (a + self.bytes.0, b + self.bytes.0)
    }

    /// A selection of the file as one of the held text, when the window holds it.
    pub fn to_held(&self, (a, b): (usize, usize)) -> Option<(usize, usize)> {
        let (start, end) = self.bytes;
        (start <= a && a <= b && b <= end).then(|| (a - start, b - start))
    }
}

/// The lines to hold when lines `first..first + visible` of `total` are in view: `current`
/// while they stay [`GUARD`] lines inside it (or it reaches the file's end on that side),
/// otherwise [`MARGIN`] lines around them. A short file is held whole.
pub fn place(
    current: (usize, usize),
    first: usize,
    visible: usize,
    total: usize,
) -> (usize, usize) {
    if total <= WHOLE_UP_TO {
        return (0, total);
    }
    let last = (first + visible).min(total);
    let top_ok = current.0 == 0 || current.0 + GUARD <= first;
    let bottom_ok = current.1 >= total || last + GUARD <= current.1;
    if current.0 < current.1 && current.1 <= total && top_ok && bottom_ok {
        return current;
    }
    (first.saturating_sub(MARGIN), (last + MARGIN).min(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> String {
        (0..n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn a_window_holds_its_lines_without_the_last_newline() {
        let text = "a\nb\nc\n";
        assert_eq!(rows(text), 4);
        let w = Window::of(text, (1, 2));
        assert_eq!(w.held(text), "b");
        assert_eq!(Window::of(text, (0, 4)).held(text), text);
        assert!(Window::whole(text).is_whole(text));
        assert_eq!(Window::of(text, (2, 9)).held(text), "c\n");
        assert_eq!(Window::of(text, (7, 9)), Window::of(text, (4, 4)));
    }

    #[test]
    fn typing_in_the_window_edits_the_file_around_it() {
        let text = "a\nb\nc";
        let w = Window::of(text, (1, 2));
        assert_eq!(w.splice(text, "B\nB2"), "a\nB\nB2\nc");
        assert_eq!(w.splice(text, ""), "a\n\nc");
    }

    #[test]
    fn selections_map_both_ways_and_select_all_means_the_file() {
        let text = numbered(10);
        let w = Window::of(&text, (2, 4));
        assert_eq!(w.held(&text), "line 2\nline 3");
        assert_eq!(w.to_file(text.len(), 13, (5, 5)), (19, 19));
        assert_eq!(&text[19..20], "2");
        assert_eq!(w.to_file(text.len(), 13, (0, 13)), (0, text.len()));
        assert_eq!(w.to_held((19, 21)), Some((5, 7)));
        assert_eq!(w.to_held((0, 21)), None);
        assert_eq!(w.to_held((27, 27)), Some((13, 13)));
        assert_eq!(w.to_held((28, 28)), None);
    }

    #[test]
    fn lines_are_found_by_number_and_offset() {
        let text = "ab\ncd\n";
        assert_eq!(line_start(text, 1), 3);
        assert_eq!(line_start(text, 2), 6);
        assert_eq!(line_start(text, 5), 6);
        assert_eq!(line_of(text, 4), 1);
        assert_eq!(line_of(text, 99), 2);
    }

    #[test]
    fn the_window_stays_put_until_the_view_nears_its_end() {
        assert_eq!(place((0, 0), 0, 40, 500), (0, 500));
        let total = 10_000;
        let first = place((0, 0), 0, 40, total);
        assert_eq!(first, (0, 640));
        assert_eq!(place(first, 300, 40, total), first);
        assert_eq!(place(first, 401, 40, total), (0, 1041));
        assert_eq!(place((0, 1041), 5_000, 40, total), (4_400, 5_640));
        assert_eq!(place((4_400, 5_640), 4_600, 40, total), (4_400, 5_640));
        assert_eq!(place((4_400, 5_640), 4_500, 40, total), (3_900, 5_140));
        assert_eq!(place((3_900, 5_140), 9_990, 40, total), (9_390, total));
        assert_eq!(place((9_390, total), 9_980, 40, total), (9_390, total));
        // A file that shrank under the window is held again from its lines.
        assert_eq!(place((9_390, total), 100, 40, 3_000), (0, 740));
    }
}
