//! The terminal's line discipline for `kubectl exec -it` / `attach -it`: kubectl puts the
//! user's terminal in raw mode and sends every key as typed, so the container side echoes,
//! erases and cuts lines (what a Linux tty in canonical mode does for a real shell).
//! Pure: bytes in, what to echo and which lines were entered out.

/// What a burst of typed bytes amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Bytes to show on the user's screen.
    Echo(Vec<u8>),
    /// Enter: the line typed (without its end).
    Line(String),
    /// Ctrl-C: the line is dropped.
    Interrupt,
    /// Ctrl-D at the start of a line: end of input.
    EndOfInput,
}

/// Where the editor is in an escape sequence (arrow keys and the like, which the simple
/// editor ignores whole rather than inserting their bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Escape {
    #[default]
    None,
    /// After ESC.
    Started,
    /// After `ESC [` or `ESC O`: up to a final byte in `@`..=`~`.
    Sequence,
}

/// The line being typed.
#[derive(Debug, Clone, Default)]
pub struct LineEditor {
    line: Vec<u8>,
    escape: Escape,
}

const ERASE: &[u8] = b"\x08 \x08";

impl LineEditor {
    /// Feeds typed bytes; returns, in order, what they amount to.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Typed> {
        let mut out = Vec::new();
        let mut echo = Vec::new();
        let flush = |echo: &mut Vec<u8>, out: &mut Vec<Typed>| {
            if !echo.is_empty() {
                out.push(Typed::Echo(std::mem::take(echo)));
            }
        };
        for &b in bytes {
            match self.escape {
                Escape::Started => {
                    self.escape = if matches!(b, b'[' | b'O') {
                        Escape::Sequence
                    } else {
                        Escape::None
                    };
                    continue;
                }
                Escape::Sequence => {
                    if (0x40..=0x7e).contains(&b) {
                        self.escape = Escape::None;
                    }
                    continue;
                }
                Escape::None => {}
            }
            match b {
                b'\r' | b'\n' => {
                    echo.extend_from_slice(b"\r\n");
                    flush(&mut echo, &mut out);
                    let line = std::mem::take(&mut self.line);
                    out.push(Typed::Line(String::from_utf8_lossy(&line).into_owned()));
                }
                0x03 => {
                    echo.extend_from_slice(b"^C\r\n");
                    flush(&mut echo, &mut out);
                    self.line.clear();
                    out.push(Typed::Interrupt);
                }
                0x04 if self.line.is_empty() => {
                    flush(&mut echo, &mut out);
                    out.push(Typed::EndOfInput);
                }
                0x7f | 0x08 => {
                    if self.pop_char() {
                        echo.extend_from_slice(ERASE);
                    }
                }
                // Ctrl-U: the whole line goes.
                0x15 => {
                    while self.pop_char() {
                        echo.extend_from_slice(ERASE);
                    }
                }
                0x1b => self.escape = Escape::Started,
                // Other control keys (Tab, Ctrl-D mid-line, …) do nothing here.
                b if b < 0x20 => {}
                b => {
                    self.line.push(b);
                    echo.push(b);
                }
            }
        }
        flush(&mut echo, &mut out);
        out
    }

    /// Removes the last character (all bytes of a UTF-8 one); false on an empty line.
    fn pop_char(&mut self) -> bool {
        let Some(mut b) = self.line.pop() else {
            return false;
        };
        // Continuation bytes (10xxxxxx) belong to the character before them.
        while b & 0xc0 == 0x80 {
            match self.line.pop() {
                Some(prev) => b = prev,
                None => break,
            }
        }
        true
    }
}

/// Output on a terminal: each `\n` becomes `\r\n` (the tty's `onlcr`).
pub fn crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for b in text.bytes() {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(s: &str) -> Typed {
        Typed::Echo(s.as_bytes().to_vec())
    }

    #[test]
    fn typed_keys_are_echoed_and_enter_hands_over_the_line() {
        let mut e = LineEditor::default();
        assert_eq!(
            e.feed(b"ls /\r"),
            vec![echo("ls /\r\n"), Typed::Line("ls /".into())]
        );
    }

    #[test]
    fn backspace_erases_one_character_even_a_multibyte_one() {
        let mut e = LineEditor::default();
        e.feed("lsé".as_bytes());
        assert_eq!(e.feed(b"\x7f"), vec![echo("\x08 \x08")]);
        assert_eq!(e.feed(b"\r")[1], Typed::Line("ls".into()));
        // Backspace on an empty line shows nothing.
        assert_eq!(e.feed(b"\x7f"), vec![]);
    }

    #[test]
    fn arrow_keys_are_ignored_not_inserted() {
        let mut e = LineEditor::default();
        assert_eq!(
            e.feed(b"a\x1b[Ab\x1bOD\r"),
            vec![echo("ab\r\n"), Typed::Line("ab".into())]
        );
    }

    #[test]
    fn ctrl_c_drops_the_line_and_ctrl_d_ends_input_only_at_its_start() {
        let mut e = LineEditor::default();
        assert_eq!(
            e.feed(b"sleep\x03"),
            vec![echo("sleep^C\r\n"), Typed::Interrupt]
        );
        assert_eq!(e.feed(b"x\x04"), vec![echo("x")]);
        assert_eq!(
            e.feed(b"\x15\x04"),
            vec![echo("\x08 \x08"), Typed::EndOfInput]
        );
    }

    #[test]
    fn output_lines_end_with_carriage_returns() {
        assert_eq!(crlf("a\nb\n"), b"a\r\nb\r\n".to_vec());
    }
}
