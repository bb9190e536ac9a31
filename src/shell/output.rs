//! What a command prints: ordered stdout/stderr lines and an exit status. The same data
//! whether the command ran in the learner's terminal (which shows the lines) or as a
//! container's process (whose stdout is the container's).

/// Which stream a line of output was written to; the terminal colours stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stream {
    Out,
    Err,
}

/// One line the terminal shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutLine {
    pub text: String,
    pub stream: Stream,
    /// The line has not ended yet: what printed it left no newline (`printf`, `echo -n`,
    /// `-o jsonpath`), so the next output on the same stream continues it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

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
        push_lines(&mut self.lines, text.as_ref(), Stream::Out);
    }

    /// `text` on stdout exactly as written: without a final newline the line stays open
    /// and the next output continues it (a template's output, `printf`).
    pub fn out_exact(&mut self, text: impl AsRef<str>) {
        push_text(&mut self.lines, text.as_ref(), Stream::Out);
    }

    /// A newline on stdout: an empty line, or the end of an open one (`out("")` prints
    /// nothing).
    pub fn blank(&mut self) {
        push_text(&mut self.lines, "\n", Stream::Out);
    }

    pub fn err(&mut self, text: impl AsRef<str>) {
        push_lines(&mut self.lines, text.as_ref(), Stream::Err);
    }

    pub fn append(&mut self, other: Output) {
        extend_lines(&mut self.lines, other.lines);
        if other.status != 0 {
            self.status = other.status;
        }
    }

    /// A shell-level failure: the message as is on stderr, status 1.
    pub fn failed_plain(message: impl AsRef<str>) -> Output {
        let mut o = Output::ok();
        o.err(message);
        o.status = 1;
        o
    }

    /// What a utility printed as text, as lines in the order stdout, stderr.
    pub fn from_text(stdout: &str, stderr: &str, status: i32) -> Output {
        let mut o = Output {
            lines: Vec::new(),
            status,
        };
        push_text(&mut o.lines, stdout, Stream::Out);
        push_text(&mut o.lines, stderr, Stream::Err);
        o
    }

    /// The stdout text (what a pipe receives).
    pub fn stdout_text(&self) -> String {
        self.text_of(Stream::Out)
    }

    /// The stderr text.
    pub fn stderr_text(&self) -> String {
        self.text_of(Stream::Err)
    }

    fn text_of(&self, stream: Stream) -> String {
        let mut s = String::new();
        for l in self.lines.iter().filter(|l| l.stream == stream) {
            push_line_text(&mut s, l);
        }
        s
    }
}

/// `line` as the bytes it stands for: its text and, unless it is still open, a newline.
pub fn push_line_text(s: &mut String, line: &OutLine) {
    s.push_str(&line.text);
    if !line.open {
        s.push('\n');
    }
}

/// Adds `line` after `lines`: it continues an open last line of the same stream.
pub fn push_line(lines: &mut Vec<OutLine>, line: OutLine) {
    match lines.last_mut() {
        Some(last) if last.open && last.stream == line.stream => {
            last.text.push_str(&line.text);
            last.open = line.open;
        }
        _ => lines.push(line),
    }
}

/// `push_line` for each of `more`.
pub fn extend_lines(lines: &mut Vec<OutLine>, more: impl IntoIterator<Item = OutLine>) {
    for line in more {
        push_line(lines, line);
    }
}

/// `text` exactly as written, as lines: a final piece without a newline stays open.
pub fn push_text(lines: &mut Vec<OutLine>, text: &str, stream: Stream) {
    if text.is_empty() {
        return;
    }
    let (body, ended) = match text.strip_suffix('\n') {
        Some(body) => (body, true),
        None => (text, false),
    };
    let mut pieces = body.split('\n').peekable();
    while let Some(piece) = pieces.next() {
        let last = pieces.peek().is_none();
        push_line(
            lines,
            OutLine {
                text: piece.to_string(),
                stream,
                open: last && !ended,
            },
        );
    }
}

/// `text` as whole lines: what has no final newline is ended all the same.
fn push_lines(lines: &mut Vec<OutLine>, text: &str, stream: Stream) {
    push_text(lines, text, stream);
    if let Some(last) = lines.last_mut().filter(|_| !text.is_empty()) {
        last.open = false;
    }
}
