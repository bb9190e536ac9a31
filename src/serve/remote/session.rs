//! One exec or attach session over an upgraded connection, in the modes kubectl uses:
//!
//! - `exec POD -- CMD` (no stdin): the command runs, its output and exit status are sent.
//! - `exec -i POD -- sh` and `attach -i` to a container that keeps stdin open: a shell
//!   reading lines — with `-t`, typed keys through the tty's line discipline (echo,
//!   erase, `/ # ` prompt), else plain lines — each run as the playground's attached shell
//!   runs them; `exit [N]` or the end of input ends it with that status.
//! - `exec -i POD -- CMD` other than a shell: stdin is read to its end (v5's close
//!   signal) and given to the command. With `-t`, or under v4 (which cannot say stdin
//!   ended), the command runs at once without it.
//! - `attach` without stdin: what the container's process writes from now on, until it
//!   stops (under `--clock on-demand` the wait moves time toward the pod's next step, as
//!   a log follower does).
//!
//! Exec sessions take no virtual time (a container's `sleep` under exec returns at once,
//! as in the playground's terminal).

use super::channel::{exit_status, internal_error, Channels, Incoming, STDERR, STDOUT};
use super::tty::{crlf, LineEditor, Typed};
use super::{Ask, Checked, Container};
use crate::engine::container::{Ran, Target};
use crate::engine::kubelet::logs::{Follower, LogLine};
use crate::serve::engine::{Api, Engine};
use crate::serve::log_follow::step_toward;
use crate::shell::Stream;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// The prompt of the simulated container shell (the playground's `run -it` shows it too).
const PROMPT: &str = "/ # ";

/// Programs that are a shell reading commands from stdin when run without arguments.
fn is_shell(command: &[String]) -> bool {
    command.len() == 1
        && matches!(
            command[0].rsplit('/').next().unwrap_or(""),
            "sh" | "bash" | "ash" | "dash"
        )
}

/// The status a process's exit code becomes (an exit status is one byte).
fn code(status: i32) -> i32 {
    status.rem_euclid(256)
}

/// `exit` or `exit N` typed at the shell: the status it ends with.
fn exit_of(line: &str, last: i32) -> Option<i32> {
    let mut words = line.split_whitespace();
    if words.next() != Some("exit") {
        return None;
    }
    match words.next() {
        None => Some(last),
        Some(n) => Some(n.parse::<i32>().map(code).unwrap_or(2)),
    }
}

struct Session<S: Read + Write> {
    ch: Channels<S>,
    tty: bool,
    stderr: bool,
}

impl<S: Read + Write> Session<S> {
    /// Sends output; on a tty stderr shares the screen with stdout, `\n` as `\r\n`.
    fn output(&mut self, text: &str, err: bool) -> bool {
        if text.is_empty() {
            return true;
        }
        if self.tty {
            return self.ch.send(STDOUT, &crlf(text));
        }
        let channel = if err && self.stderr { STDERR } else { STDOUT };
        self.ch.send(channel, text.as_bytes())
    }

    fn ran(&mut self, r: &Ran) -> bool {
        self.output(&r.stdout, false) && self.output(&r.stderr, true)
    }
}

/// Runs the session until the command ends or the client goes.
pub fn run<S: Read + Write>(engine: &Engine, a: &Ask, checked: Checked, ch: Channels<S>, v5: bool) {
    let mut s = Session {
        ch,
        tty: a.tty,
        stderr: a.stderr,
    };
    // The API server's first message, an empty one on the first open output channel.
    let _ = s.ch.send(if a.stdout { STDOUT } else { STDERR }, &[]);
    let container = match checked.kubelet {
        Ok(c) => c,
        Err(message) => return s.ch.finish(&internal_error(&message)),
    };
    let target = checked.target;
    if a.attach {
        if a.stdin && container.stdin {
            return shell(engine, &target, s, false);
        }
        return follow(engine, &container, &target, s);
    }
    if a.stdin && is_shell(&a.command) {
        return shell(engine, &target, s, a.tty);
    }
    let stdin = if a.stdin && !a.tty && v5 {
        match read_to_end(&mut s.ch) {
            Some(input) => Some(input),
            None => return,
        }
    } else {
        None
    };
    let (t, command) = (target.clone(), a.command.clone());
    let Some(r) = engine.call(move |api| match stdin {
        Some(input) => api.cluster.exec_with_stdin(&t, &command, input),
        None => api.cluster.exec(&t, &command),
    }) else {
        return;
    };
    if s.ran(&r) {
        s.ch.finish(&exit_status(code(r.status)));
    }
}

/// Stdin until v5's close signal; `None` if the client went away first.
fn read_to_end<S: Read + Write>(ch: &mut Channels<S>) -> Option<String> {
    let mut input = Vec::new();
    loop {
        match ch.next() {
            Incoming::Stdin(data) => input.extend_from_slice(&data),
            Incoming::StdinClosed => return Some(String::from_utf8_lossy(&input).into_owned()),
            Incoming::Resize => {}
            Incoming::Closed => return None,
        }
    }
}

/// A shell reading lines from the client. `prompt`: a tty whose shell starts now (exec);
/// an attach joins a shell that has already shown its prompt.
fn shell<S: Read + Write>(engine: &Engine, target: &Target, mut s: Session<S>, prompt: bool) {
    let tty = s.tty;
    if tty && prompt && !s.output(PROMPT, false) {
        return;
    }
    let mut editor = LineEditor::default();
    let mut pending = Vec::new();
    let mut last = 0;
    loop {
        let lines: Vec<Typed> = match s.ch.next() {
            Incoming::Stdin(data) if tty => editor.feed(&data),
            Incoming::Stdin(data) => {
                pending.extend_from_slice(&data);
                let mut lines = Vec::new();
                while let Some(i) = pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=i).collect();
                    let text = String::from_utf8_lossy(&line[..i]).into_owned();
                    lines.push(Typed::Line(text));
                }
                lines
            }
            Incoming::StdinClosed => {
                let rest = String::from_utf8_lossy(&std::mem::take(&mut pending)).into_owned();
                let mut lines = vec![Typed::Line(rest)];
                lines.push(Typed::EndOfInput);
                lines
            }
            Incoming::Resize => continue,
            Incoming::Closed => return,
        };
        for typed in lines {
            let line = match typed {
                Typed::Echo(bytes) => {
                    if !s.ch.send(STDOUT, &bytes) {
                        return;
                    }
                    continue;
                }
                Typed::Interrupt => {
                    last = 130;
                    if !s.output(PROMPT, false) {
                        return;
                    }
                    continue;
                }
                Typed::EndOfInput => return s.ch.finish(&exit_status(last)),
                Typed::Line(line) => line,
            };
            if let Some(status) = exit_of(&line, last) {
                return s.ch.finish(&exit_status(status));
            }
            if !line.trim().is_empty() {
                let t = target.clone();
                let Some(r) = engine.call(move |api| api.cluster.exec_line(&t, &line)) else {
                    return;
                };
                last = code(r.status);
                if !s.ran(&r) {
                    return;
                }
            }
            if tty && !s.output(PROMPT, false) {
                return;
            }
        }
    }
}

/// How often a server-only stream proves it lives (client-go's read deadline is 61 s).
const HEARTBEAT: Duration = Duration::from_secs(5);

/// After output is delivered, how long the client gets to read it (and hang up) before
/// the stream may move on-demand time again: without it a chatty process's hours would
/// pour out in seconds. The pace a watch keeps too.
const REACT: Duration = Duration::from_millis(150);

/// New output of the attached container's process until that instance stops running.
fn follow<S: Read + Write>(
    engine: &Engine,
    container: &Container,
    target: &Target,
    mut s: Session<S>,
) {
    let mut follower = Follower {
        namespace: target.namespace.clone(),
        pod: target.pod.clone(),
        uid: container.uid.clone(),
        container: target.container.clone(),
        container_id: container.container_id.clone(),
        seen: 0,
    };
    // Attach shows what is written from now on, not what came before.
    let Some(f) = engine.call(move |api| {
        follower.read(&api.cluster);
        follower
    }) else {
        return;
    };
    follower = f;
    let mut beat = Instant::now();
    loop {
        let mut f = follower.clone();
        let Some((lines, running, f)) = engine.call(move |api| {
            let (lines, running) = poll(api, &mut f);
            (lines, running, f)
        }) else {
            return;
        };
        follower = f;
        let quiet = lines.is_empty();
        for l in lines {
            if !s.output(&format!("{}\n", l.text), l.stream == Stream::Err) {
                return;
            }
        }
        if !running {
            return s.ch.finish(&exit_status(0));
        }
        if beat.elapsed() >= HEARTBEAT {
            beat = Instant::now();
            if !s.ch.heartbeat() {
                return;
            }
        }
        std::thread::sleep(if quiet {
            Duration::from_millis(100)
        } else {
            REACT
        });
    }
}

/// One poll of an attached process: its new lines and whether it still runs. Under
/// on-demand time, moves the clock to the pod's next step until it writes or stops.
fn poll(api: &mut Api, follower: &mut Follower) -> (Vec<LogLine>, bool) {
    let start = api.cluster.now;
    loop {
        let lines = follower.read(&api.cluster);
        let running = follower.running(&api.cluster);
        if !lines.is_empty() || !running || !step_toward(api, &follower.uid, start) {
            return (lines, running);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_ends_the_shell_with_its_status_or_the_last_one() {
        assert_eq!(exit_of("exit", 3), Some(3));
        assert_eq!(exit_of("  exit 4 ", 0), Some(4));
        assert_eq!(exit_of("exit 256", 0), Some(0));
        assert_eq!(exit_of("exit x", 0), Some(2));
        assert_eq!(exit_of("exitcode", 0), None);
        assert_eq!(exit_of("echo exit", 0), None);
    }
}
