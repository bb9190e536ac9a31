//! Collects typed (or pasted) lines until they form a complete script, the way bash
//! shows `> ` and keeps reading.
//!
//! Whether text is complete is only known by parsing it, and re-parsing everything typed
//! so far after each line makes a long paste quadratic: a 10,000-line heredoc took
//! seconds. But while a here-document is reading its body, a line is either its
//! delimiter or more body, so those lines are checked against the delimiter alone and
//! the text is parsed again only when a body closes.

use super::parser::{read_ahead, OpenHeredoc};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineReader {
    /// The lines of the unfinished script, joined with newlines.
    text: String,
    /// Here-documents reading their bodies at the end of `text`, first to close first.
    open_heredocs: Vec<OpenHeredoc>,
}

impl LineReader {
    pub fn new() -> LineReader {
        LineReader::default()
    }

    /// True when no unfinished script is waiting (the prompt is `$ `, not `> `).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Forgets the unfinished script (Ctrl-C).
    pub fn clear(&mut self) {
        self.text.clear();
        self.open_heredocs.clear();
    }

    /// Adds one line; returns the whole script once it is complete (or has a syntax
    /// error that no further line can fix), and `None` while it needs more lines.
    pub fn push_line(&mut self, line: &str) -> Option<String> {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(line);
        if let Some(body) = self.open_heredocs.first() {
            // A line holding a newline (replayed input) could close a body in its middle:
            // only a full parse knows.
            if !line.contains('\n') {
                if !body.is_closed_by(line) {
                    return None;
                }
                self.open_heredocs.remove(0);
                if !self.open_heredocs.is_empty() {
                    return None;
                }
            }
        }
        let ahead = read_ahead(&self.text);
        if ahead.needs_more {
            self.open_heredocs = ahead.open_heredocs;
            return None;
        }
        self.open_heredocs.clear();
        Some(std::mem::take(&mut self.text))
    }
}
