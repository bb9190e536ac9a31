//! The terminal's `watch [-n SECS] [-t] CMD…` (procps-ng): a process that re-runs a
//! command through the shell every interval of virtual time.

use super::terminal::{one, Terminal};
use crate::engine::Millis;
use crate::kubectl::process::{Every, Poll, Process, Running};
use crate::shell::output::extend_lines;
use crate::shell::{self, Output, Shell};

impl Terminal {
    /// Polls the foreground process; a `watch` re-runs its command here when its time
    /// has come, since that needs the whole shell.
    pub(super) fn poll(&mut self, shell: &mut Shell, running: &mut Running) -> Poll {
        if let Process::Drain(drain) = &mut running.process {
            // Evictions and the next node's turn change the cluster: only the terminal may.
            let mut output = Output::ok();
            let finished = drain.step(&mut self.cluster, &mut output);
            return Poll { output, finished };
        }
        if let Process::ForceReplace(replace) = &mut running.process {
            let mut output = Output::ok();
            let finished = replace.step(&mut self.cluster, &mut output);
            return Poll { output, finished };
        }
        let Process::Every(every) = &mut running.process else {
            return running.poll(&self.cluster);
        };
        let mut output = Output::ok();
        if self.cluster.now >= every.next_at {
            let title = every.title.clone();
            let command = every.argv.join(" ");
            every.next_at += every.interval;
            if every.next_at <= self.cluster.now {
                every.next_at = self.cluster.now + every.interval;
            }
            output = self.watch_round(shell, &title, &command);
        }
        Poll {
            output,
            finished: None,
        }
    }

    /// One screen of `watch`: the title line and a blank line, then what the command
    /// printed (run as `sh -c` would: the words joined by spaces and parsed again).
    fn watch_round(&mut self, shell: &mut Shell, title: &str, command: &str) -> Output {
        let mut out = Output::ok();
        if !title.is_empty() {
            out.out(title);
            out.blank();
        }
        match shell::parse(command) {
            Ok(script) => {
                let saved = shell.last_status;
                let o = shell.run_script(self, &script);
                shell.last_status = saved;
                extend_lines(&mut out.lines, o.lines);
            }
            Err(e) => out.err(format!("sh: 1: {e}")),
        }
        out
    }

    /// `watch [-n SECS] [-t] CMD…` (procps-ng): runs CMD now and every SECS (default 2)
    /// virtual seconds, each time printing procps's title `Every 2.0s: CMD`, a blank
    /// line and the output. A terminal has no full-screen redraw here, so screens follow
    /// one another instead of replacing each other, and the right half of procps's title
    /// (`HOSTNAME: DATE`, right-aligned to the screen width) is left out.
    pub(super) fn watch(
        &mut self,
        shell: &mut Shell,
        args: &[String],
    ) -> (Output, Option<Running>) {
        const USAGE: &str = "\nUsage:\n watch [options] command\n\nOptions:\n  -b, --beep             beep if command has a non-zero exit\n  -c, --color            interpret ANSI color and style sequences\n  -C, --no-color         do not interpret ANSI color and style sequences\n  -d, --differences[=<permanent>]\n                         highlight changes between updates\n  -e, --errexit          exit if command has a non-zero exit\n  -g, --chgexit          exit when output from command changes\n  -q, --equexit <cycles>\n                         exit when output from command does not change\n  -n, --interval <secs>  seconds to wait between updates\n  -p, --precise          attempt run command in precise intervals\n  -r, --no-rerun         do not rerun program on window resize\n  -t, --no-title         turn off header\n  -w, --no-wrap          turn off line wrapping\n  -x, --exec             pass command to exec instead of \"sh -c\"\n\n -h, --help     display this help and exit\n -v, --version  output version information and exit\n\nFor more details see watch(1).";
        let mut interval = 2.0_f64;
        let mut title = true;
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            if !a.starts_with('-') || a == "-" {
                break;
            }
            i += 1;
            if a == "--" {
                break;
            }
            let value = if a == "-n" || a == "--interval" {
                let Some(v) = args.get(i) else {
                    return (
                        Output::failed_plain(format!(
                            "watch: option requires an argument -- 'n'{USAGE}"
                        )),
                        None,
                    );
                };
                i += 1;
                Some(v.as_str())
            } else {
                a.strip_prefix("--interval=")
                    .or_else(|| a.strip_prefix("-n"))
            };
            if let Some(v) = value {
                match v.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => interval = n,
                    _ => {
                        return (
                            Output::failed_plain(format!("watch: failed to parse argument: '{v}'")),
                            None,
                        )
                    }
                }
                continue;
            }
            match a {
                "-t" | "--no-title" => title = false,
                "-h" | "--help" => return (one(USAGE.trim_start_matches('\n')), None),
                "-v" | "--version" => return (one("watch from procps-ng 4.0.4"), None),
                // Highlighting, beeps and exit conditions have nothing to act on here.
                "-b" | "--beep" | "-c" | "--color" | "-C" | "--no-color" | "-d"
                | "--differences" | "-e" | "--errexit" | "-g" | "--chgexit" | "-p"
                | "--precise" | "-r" | "--no-rerun" | "-w" | "--no-wrap" | "-x" | "--exec" => {}
                _ => {
                    let opt = a.trim_start_matches('-');
                    let msg = if a.starts_with("--") {
                        format!("watch: unrecognized option '{a}'")
                    } else {
                        format!(
                            "watch: invalid option -- '{}'",
                            opt.chars().next().unwrap_or('-')
                        )
                    };
                    return (Output::failed_plain(format!("{msg}{USAGE}")), None);
                }
            }
        }
        let argv = args[i..].to_vec();
        if argv.is_empty() {
            return (Output::failed_plain(USAGE.trim_start_matches('\n')), None);
        }
        // procps-ng clamps the interval to [0.1, UINT_MAX] seconds.
        let interval = interval.clamp(0.1, u32::MAX as f64);
        let command = argv.join(" ");
        let header = if title {
            format!("Every {interval:.1}s: {command}")
        } else {
            String::new()
        };
        let ms = ((interval * 1000.0).round() as Millis).max(100);
        let first = self.watch_round(shell, &header, &command);
        let r = Running::new(Process::Every(Every {
            argv,
            interval: ms,
            next_at: self.cluster.now + ms,
            title: header,
        }));
        (first, Some(r))
    }
}
