//! A container's main process, run by the kubelet in steps on its timers. The shell that
//! runs `kubectl exec` finishes everything at once; a container's command may `sleep 5`
//! inside `while true`, so it runs here as a stack of frames that stops at each `sleep`
//! (the kubelet sets a timer and resumes it), at its exit, or at a server that runs
//! until it is killed. The same seed gives the same steps: nothing here reads a clock.

use super::{container_shell, servers, Container, Target};
use crate::engine::clock::Millis;
use crate::engine::world::World;
use crate::shell::ast::{AndOrList, Command, Connector, Pipeline, Script, WhileLoop};
use crate::shell::{OutLine, Output, Shell};

/// Commands one burst may run before the process yields: a loop without `sleep` would
/// otherwise never give the clock back. The playground's CPU is slow on purpose: a
/// busy loop runs this many commands per [`BUSY_YIELD_MS`] of virtual time.
const BURST_COMMANDS: usize = 1_000;
const BUSY_YIELD_MS: Millis = 1_000;

/// Where a process stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Resume it after this long (a `sleep`, or a busy loop yielding).
    Sleep(Millis),
    /// It exited with this code.
    Exit(i32),
    /// It serves (or waits on stdin) until it is killed.
    Forever,
}

/// What one burst printed, and where it stopped.
#[derive(Debug, Clone)]
pub struct Burst {
    pub lines: Vec<OutLine>,
    pub step: Step,
}

#[derive(Debug, Clone)]
enum Frame {
    /// A list of and-or lists: which one, and which pipeline of it runs next.
    List {
        script: Script,
        item: usize,
        next: usize,
    },
    /// `for`: the values left.
    For {
        var: String,
        values: Vec<String>,
        next: usize,
        body: Script,
    },
    /// `while`/`until`: `checking` when its condition list has just run.
    While { l: WhileLoop, checking: bool },
    /// The start of an `sh -c` run by the process: `exit` ends up to here.
    Shell,
    /// `yes > /dev/null`: a program that never sleeps and never ends.
    Spin,
}

/// A container's main process between bursts.
#[derive(Debug, Clone)]
pub struct Process {
    shell: Shell,
    frames: Vec<Frame>,
    /// The first burst runs `argv` itself (an exec-form command, not shell code).
    argv: Option<Vec<String>>,
    /// `stdin: true`: a shell with no script waits for input instead of exiting.
    stdin: bool,
    /// Output of a command still computing (`perl`): printed when the process resumes.
    pending: Option<Output>,
    /// The last burst used its whole slice without sleeping (`while true; do :; done`,
    /// `yes > /dev/null`): the process keeps a CPU busy, as cAdvisor would measure.
    spinning: bool,
}

impl Process {
    /// The process of `argv` (the container's command and args) in `target`.
    pub fn new(w: &World, target: &Target, argv: Vec<String>, stdin: bool) -> Process {
        Process {
            shell: container_shell(w, target),
            frames: Vec::new(),
            argv: Some(argv),
            stdin,
            pending: None,
            spinning: false,
        }
    }

    /// Whether the process is busy on a CPU (its last burst never slept).
    pub fn spinning(&self) -> bool {
        self.spinning
    }

    /// Runs until the next `sleep`, the exit, or forever.
    pub fn resume(&mut self, w: &mut World, target: &Target) -> Burst {
        let mut out = Output::ok();
        let mut host = Container {
            world: w,
            target,
            waited: 0,
        };
        let step = self.steps(&mut host, &mut out);
        Burst {
            lines: out.lines,
            step,
        }
    }

    fn steps(&mut self, host: &mut Container<'_>, out: &mut Output) -> Step {
        self.spinning = false;
        if let Some(done) = self.pending.take() {
            self.shell.last_status = done.status;
            out.append(done);
            if self.frames.is_empty() {
                return Step::Exit(self.shell.last_status);
            }
        }
        if let Some(argv) = self.argv.take() {
            if let Some(step) = self.command(host, &argv, out) {
                return step;
            }
        }
        let mut budget = BURST_COMMANDS;
        loop {
            if budget == 0 {
                self.spinning = true;
                return Step::Sleep(BUSY_YIELD_MS);
            }
            budget -= 1;
            let Some(frame) = self.frames.last_mut() else {
                return Step::Exit(self.shell.last_status);
            };
            match frame {
                Frame::Shell => {
                    self.frames.pop();
                }
                Frame::Spin => {
                    self.spinning = true;
                    return Step::Sleep(BUSY_YIELD_MS);
                }
                Frame::List { script, item, next } => {
                    let Some(list) = script.items.get(*item) else {
                        self.frames.pop();
                        continue;
                    };
                    if *next > list.rest.len() {
                        *item += 1;
                        *next = 0;
                        continue;
                    }
                    let pipeline = if *next == 0 {
                        list.first.clone()
                    } else {
                        let (conn, p) = &list.rest[*next - 1];
                        let go = match conn {
                            Connector::And => self.shell.last_status == 0,
                            Connector::Or => self.shell.last_status != 0,
                        };
                        if !go {
                            *next += 1;
                            continue;
                        }
                        p.clone()
                    };
                    *next += 1;
                    if let Some(step) = self.pipeline(host, pipeline, out) {
                        return step;
                    }
                }
                Frame::For {
                    var,
                    values,
                    next,
                    body,
                } => match values.get(*next) {
                    Some(v) => {
                        self.shell.vars.insert(var.clone(), v.clone());
                        *next += 1;
                        let script = body.clone();
                        self.frames.push(list(script));
                    }
                    None => {
                        self.frames.pop();
                    }
                },
                Frame::While { l, checking } => {
                    if !*checking {
                        *checking = true;
                        let script = l.condition.clone();
                        self.frames.push(list(script));
                        continue;
                    }
                    *checking = false;
                    if (self.shell.last_status == 0) == l.until {
                        self.frames.pop();
                        self.shell.last_status = 0;
                        continue;
                    }
                    let script = l.body.clone();
                    self.frames.push(list(script));
                }
            }
        }
    }

    /// Runs one pipeline: loops become frames, a lone `sleep`, `exit` or `sh -c` is the
    /// process's business, anything else runs through the shell at once.
    fn pipeline(
        &mut self,
        host: &mut Container<'_>,
        pipeline: Pipeline,
        out: &mut Output,
    ) -> Option<Step> {
        if let [only] = pipeline.commands.as_slice() {
            match only {
                Command::For(f) => {
                    let values = match &f.words {
                        Some(words) => match self.shell.expand_words(host, words) {
                            Ok(v) => v,
                            Err(e) => {
                                out.err(e);
                                self.shell.last_status = 1;
                                return None;
                            }
                        },
                        None => Vec::new(),
                    };
                    self.frames.push(Frame::For {
                        var: f.var.clone(),
                        values,
                        next: 0,
                        body: f.body.clone(),
                    });
                    return None;
                }
                Command::While(l) => {
                    self.frames.push(Frame::While {
                        l: l.clone(),
                        checking: false,
                    });
                    return None;
                }
                // `yes` writes `y` lines as fast as the CPU allows, forever (its
                // output goes to /dev/null in every busy-loop recipe).
                Command::Simple(s) if s.words.first().and_then(|w| w.as_plain()) == Some("yes") => {
                    self.frames.push(Frame::Spin);
                    return None;
                }
                Command::Simple(s) if s.redirects.is_empty() && s.heredoc.is_none() => {
                    let first = s.words.first().and_then(|w| w.as_plain());
                    if matches!(first, Some("sleep" | "exit" | "sh" | "bash" | "ash"))
                        && s.assignments.is_empty()
                    {
                        let argv = match self.shell.expand_words(host, &s.words) {
                            Ok(v) => v,
                            Err(e) => {
                                out.err(e);
                                self.shell.last_status = 1;
                                return None;
                            }
                        };
                        return self.command(host, &argv, out);
                    }
                }
                Command::Simple(_) => {}
            }
        }
        let script = Script {
            items: vec![AndOrList {
                first: pipeline,
                rest: Vec::new(),
            }],
        };
        let o = self.shell.run_script(host, &script);
        if host.waited > 0 {
            // It waited on the network (a dropped connection): its output comes when the
            // wait is over, like a computation's.
            let waited = std::mem::take(&mut host.waited);
            self.pending = Some(o);
            return Some(Step::Sleep(waited));
        }
        out.append(o);
        None
    }

    /// A command the process itself handles, or one run through the shell.
    fn command(
        &mut self,
        host: &mut Container<'_>,
        argv: &[String],
        out: &mut Output,
    ) -> Option<Step> {
        let Some(first) = argv.first() else {
            return Some(Step::Exit(0));
        };
        let name = first.rsplit('/').next().unwrap_or(first);
        let rest = &argv[1..];
        match name {
            "sleep" => match sleep_ms(rest) {
                Ok(None) => Some(Step::Forever),
                Ok(Some(ms)) => {
                    self.shell.last_status = 0;
                    Some(Step::Sleep(ms))
                }
                Err(e) => {
                    out.err(e);
                    self.shell.last_status = 1;
                    None
                }
            },
            "exit" => {
                let code = match rest.first() {
                    None => self.shell.last_status,
                    Some(n) => match n.parse::<i64>() {
                        Ok(n) => (n & 255) as i32,
                        Err(_) => {
                            out.err(format!("sh: exit: Illegal number: {n}"));
                            2
                        }
                    },
                };
                // `exit` ends the innermost `sh -c`, or the process.
                while let Some(f) = self.frames.pop() {
                    if matches!(f, Frame::Shell) {
                        self.shell.last_status = code;
                        return None;
                    }
                }
                Some(Step::Exit(code))
            }
            "sh" | "bash" | "ash" | "dash" => match rest.iter().position(|a| a == "-c") {
                Some(i) => match rest.get(i + 1) {
                    Some(code) => match crate::shell::parse(code) {
                        Ok(script) => {
                            self.frames.push(Frame::Shell);
                            self.frames.push(list(script));
                            None
                        }
                        Err(e) => {
                            let e = e.to_string();
                            out.err(format!("sh: {}", e.strip_prefix("bash: ").unwrap_or(&e)));
                            self.shell.last_status = 2;
                            self.frames.is_empty().then_some(Step::Exit(2))
                        }
                    },
                    None => {
                        out.err(format!("{name}: -c requires an argument"));
                        self.shell.last_status = 2;
                        self.frames.is_empty().then_some(Step::Exit(2))
                    }
                },
                // A shell with no script reads its stdin: EOF at once, unless the
                // container keeps stdin open (`kubectl run -it`).
                None if self.stdin => Some(Step::Forever),
                None => {
                    self.shell.last_status = 0;
                    self.frames.is_empty().then_some(Step::Exit(0))
                }
            },
            // Work that takes time: the output comes when it is done.
            n if n.starts_with("perl") && super::perl::cpu_ms(rest) > 0 => {
                let (o, _) = self.shell.dispatch(host, argv, None, false);
                let ms = super::perl::cpu_ms(rest);
                self.pending = Some(o);
                Some(Step::Sleep(ms))
            }
            _ => {
                if let Some(lines) = servers::startup(name, rest, host.world.now) {
                    for l in lines {
                        out.out(l);
                    }
                    return Some(Step::Forever);
                }
                let (o, _) = self.shell.dispatch(host, argv, None, false);
                self.shell.last_status = o.status;
                if host.waited > 0 {
                    let waited = std::mem::take(&mut host.waited);
                    self.pending = Some(o);
                    return Some(Step::Sleep(waited));
                }
                out.append(o);
                self.frames
                    .is_empty()
                    .then_some(Step::Exit(self.shell.last_status))
            }
        }
    }
}

fn list(script: Script) -> Frame {
    Frame::List {
        script,
        item: 0,
        next: 0,
    }
}

/// `sleep DURATION…` in milliseconds (`None` = `infinity`); the error is busybox's.
fn sleep_ms(args: &[String]) -> Result<Option<Millis>, String> {
    if args.is_empty() {
        return Err("sleep: missing operand".into());
    }
    let mut total = 0.0f64;
    for a in args {
        if a == "infinity" || a == "inf" {
            return Ok(None);
        }
        let (num, unit) = match a.char_indices().last() {
            Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&a[..i], c),
            _ => (a.as_str(), 's'),
        };
        let n: f64 = num
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| format!("sleep: invalid number '{a}'"))?;
        total += n * match unit {
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            _ => 1.0,
        };
    }
    // Anything longer than a year is as good as forever here.
    if total > 31_536_000.0 {
        return Ok(None);
    }
    Ok(Some((total * 1000.0).round() as Millis))
}

#[cfg(test)]
mod tests {
    use super::sleep_ms;

    #[test]
    fn sleep_takes_seconds_units_fractions_and_infinity() {
        let s = |a: &[&str]| sleep_ms(&a.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["5"]), Ok(Some(5_000)));
        assert_eq!(s(&["1.5"]), Ok(Some(1_500)));
        assert_eq!(s(&["2m", "3"]), Ok(Some(123_000)));
        assert_eq!(s(&["infinity"]), Ok(None));
        assert_eq!(s(&["3600d"]), Ok(None));
        assert_eq!(s(&["x"]), Err("sleep: invalid number 'x'".into()));
        assert_eq!(s(&[]), Err("sleep: missing operand".into()));
    }
}
