//! What a command prints: ordered stdout/stderr lines and an exit status.

use super::session::{OutLine, Stream};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub lines: Vec<OutLine>,
    pub status: i32,
}

impl Output {
    pub fn ok() -> Output {
        Output::default()
    }

    /// One stdout line per line of `text` (a trailing newline does not add an empty line).
    pub fn out(&mut self, text: impl AsRef<str>) {
        push_text(&mut self.lines, text.as_ref(), Stream::Out);
    }

    /// One empty stdout line (`out("")` prints nothing).
    pub fn blank(&mut self) {
        self.lines.push(OutLine {
            text: String::new(),
            stream: Stream::Out,
        });
    }

    pub fn err(&mut self, text: impl AsRef<str>) {
        push_text(&mut self.lines, text.as_ref(), Stream::Err);
    }

    /// `error: …` on stderr with exit status 1 (kubectl's `checkErr`).
    pub fn fail(&mut self, message: impl AsRef<str>) {
        let m = message.as_ref();
        if m.starts_with("error: ") || m.starts_with("Error from server") || m.starts_with("The ") {
            self.err(m);
        } else {
            self.err(format!("error: {m}"));
        }
        self.status = 1;
    }

    pub fn failed(message: impl AsRef<str>) -> Output {
        let mut o = Output::default();
        o.fail(message);
        o
    }

    pub fn append(&mut self, other: Output) {
        self.lines.extend(other.lines);
        if other.status != 0 {
            self.status = other.status;
        }
    }

    /// The stdout text (what a pipe receives).
    pub fn stdout_text(&self) -> String {
        let mut s = String::new();
        for l in self.lines.iter().filter(|l| l.stream == Stream::Out) {
            s.push_str(&l.text);
            s.push('\n');
        }
        s
    }
}

pub fn push_text(lines: &mut Vec<OutLine>, text: &str, stream: Stream) {
    if text.is_empty() {
        return;
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        lines.push(OutLine {
            text: line.to_string(),
            stream,
        });
    }
}
