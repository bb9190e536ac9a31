//! Redirections: where a command's stdout and stderr go (`>`, `>>`, `2>&1`, `&>`,
//! `/dev/null`) and where its stdin comes from (`<`, `<<<`). Files are the host's.

use super::{Host, Shell};
use crate::shell::ast::{RedirOp, SimpleCommand};
use crate::shell::expand;
use crate::shell::output::{push_line, push_line_text, OutLine, Output, Stream};

/// Where one stream goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sink {
    Stdout,
    Stderr,
    Null,
    /// A file, and whether `>>` appends to it.
    File(String, bool),
}

/// The redirections of one command, resolved.
#[derive(Debug, Default)]
pub(super) struct Redirects {
    stdout: Option<Sink>,
    stderr: Option<Sink>,
    pub(super) stdin: Option<String>,
}

impl Shell {
    /// Where stdout and stderr go, and stdin from `<` / `<<<`. `>` truncates its file
    /// now, before the command runs, even when nothing is written (as bash does).
    pub(super) fn plan_redirects<H: Host>(
        &mut self,
        host: &mut H,
        simple: &SimpleCommand,
    ) -> Result<Redirects, Output> {
        let mut r = Redirects::default();
        for red in &simple.redirects {
            let target = expand::expand_redirect_target(&red.target, &mut self.env(host))
                .map_err(|e| Output::failed_plain(e.to_string()))?;
            let sink = |append: bool| {
                if target == "/dev/null" {
                    Sink::Null
                } else {
                    Sink::File(target.clone(), append)
                }
            };
            match red.op {
                RedirOp::Out | RedirOp::Append => {
                    let s = sink(red.op == RedirOp::Append);
                    if red.effective_fd() == 2 {
                        r.stderr = Some(s);
                    } else {
                        r.stdout = Some(s);
                    }
                }
                RedirOp::OutErr | RedirOp::AppendErr => {
                    let s = sink(red.op == RedirOp::AppendErr);
                    r.stdout = Some(s.clone());
                    r.stderr = Some(s);
                }
                RedirOp::DupOut => match (red.effective_fd(), target.as_str()) {
                    (2, "1") => r.stderr = Some(r.stdout.clone().unwrap_or(Sink::Stdout)),
                    (1, "2") => r.stdout = Some(r.stderr.clone().unwrap_or(Sink::Stderr)),
                    _ => {}
                },
                RedirOp::In => match host.read_file(&target) {
                    Some(t) => r.stdin = Some(t),
                    None => {
                        return Err(Output::failed_plain(format!(
                            "{}: {target}: No such file or directory",
                            self.name
                        )))
                    }
                },
                RedirOp::HereString => r.stdin = Some(format!("{target}\n")),
                RedirOp::DupIn => {}
            }
        }
        for s in [&r.stdout, &r.stderr].into_iter().flatten() {
            if let Sink::File(path, false) = s {
                host.write_file(path, "", false)
                    .map_err(Output::failed_plain)?;
            }
        }
        Ok(r)
    }
}

impl Redirects {
    /// Whether stdout still goes where the command's stdout went (no `>`, `1>&2`).
    pub(super) fn keeps_stdout(&self) -> bool {
        self.stdout.is_none()
    }

    /// Sends each line where the redirections say; a file gets each line as it comes.
    pub(super) fn route<H: Host>(&self, host: &mut H, output: Output) -> Output {
        if self.stdout.is_none() && self.stderr.is_none() {
            return output;
        }
        let mut shown = Output {
            lines: Vec::new(),
            status: output.status,
        };
        for l in output.lines {
            let sink = match l.stream {
                Stream::Out => self.stdout.clone().unwrap_or(Sink::Stdout),
                Stream::Err => self.stderr.clone().unwrap_or(Sink::Stderr),
            };
            match sink {
                Sink::Stdout | Sink::Stderr => {
                    let stream = match sink {
                        Sink::Stdout => Stream::Out,
                        _ => Stream::Err,
                    };
                    push_line(&mut shown.lines, OutLine { stream, ..l });
                }
                Sink::Null => {}
                Sink::File(path, _) => {
                    let mut bytes = String::new();
                    push_line_text(&mut bytes, &l);
                    if let Err(e) = host.write_file(&path, &bytes, true) {
                        shown.err(e);
                        shown.status = 1;
                    }
                }
            }
        }
        shown
    }
}
