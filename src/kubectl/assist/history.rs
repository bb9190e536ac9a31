//! Undo and redo: the editor's earlier texts, one step per burst of typing.

/// A text and the selection it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub text: String,
    pub selection: (usize, usize),
}

/// How many steps back undo reaches.
const DEPTH: usize = 200;

/// The undo and redo stacks of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// Where the last recorded typing ended: typing that continues there joins its step.
    typing_at: Option<usize>,
}

impl History {
    /// Records `before`, the state an edit is about to leave. Letters typed one after the
    /// other make one step; a space, a line break, a paste or a jump elsewhere starts a new one.
    pub fn record(&mut self, before: Snapshot, after: &str, cursor: usize) {
        let typed_one = cursor >= 1
            && cursor <= after.len()
            && after.len() == before.text.len() + 1
            && after.is_char_boundary(cursor)
            && after[..cursor]
                .chars()
                .last()
                .is_some_and(|c| !c.is_whitespace());
        let continues = typed_one && self.typing_at == Some(cursor - 1);
        if !continues {
            self.undo.push(before);
            if self.undo.len() > DEPTH {
                self.undo.remove(0);
            }
        }
        self.typing_at = typed_one.then_some(cursor);
        self.redo.clear();
    }

    /// Records `before` as a step of its own (an indent, a chosen completion).
    pub fn step(&mut self, before: Snapshot) {
        self.typing_at = None;
        self.record(before, "", 0);
    }

    /// The state before the last step; `current` becomes redoable.
    pub fn undo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        self.typing_at = None;
        Some(previous)
    }

    /// The state the last undo left; `current` becomes undoable again.
    pub fn redo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.typing_at = None;
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(text: &str) -> Snapshot {
        Snapshot {
            text: text.into(),
            selection: (text.len(), text.len()),
        }
    }

    /// Types `s` one character at a time after `start`, recording each keystroke.
    fn type_text(h: &mut History, start: &str, s: &str) -> String {
        let mut text = start.to_string();
        for c in s.chars() {
            let before = snap(&text);
            text.push(c);
            h.record(before, &text, text.len());
        }
        text
    }

    #[test]
    fn a_typed_word_is_undone_in_one_step() {
        let mut h = History::default();
        let text = type_text(&mut h, "a: ", "nginx");
        assert_eq!(h.undo(snap(&text)).unwrap().text, "a: ");
        assert!(!h.can_undo());
    }

    #[test]
    fn a_space_starts_a_new_step() {
        let mut h = History::default();
        let text = type_text(&mut h, "", "ab cd");
        assert_eq!(h.undo(snap(&text)).unwrap().text, "ab ");
        assert_eq!(h.undo(snap("ab ")).unwrap().text, "ab");
        assert_eq!(h.undo(snap("ab")).unwrap().text, "");
    }

    #[test]
    fn redo_brings_back_what_undo_took_and_a_new_edit_forgets_it() {
        let mut h = History::default();
        let text = type_text(&mut h, "", "x");
        let back = h.undo(snap(&text)).unwrap();
        assert_eq!(h.redo(back.clone()).unwrap().text, "x");
        let again = h.undo(snap("x")).unwrap();
        h.record(again, "y", 1);
        assert!(!h.can_redo());
    }

    #[test]
    fn a_paste_is_its_own_step() {
        let mut h = History::default();
        let text = type_text(&mut h, "", "ab");
        h.record(snap(&text), "abPASTED", 8);
        assert_eq!(h.undo(snap("abPASTED")).unwrap().text, "ab");
    }
}
