//! A container's processes: the shell ([`crate::shell`], the same one the learner's
//! terminal runs) with a container as its host. `kubectl exec` and `kubectl run -it` run
//! here; the commands a container has besides the shell's builtins are what tutorials
//! type — `hostname`, `echo`, `cat`, `ls`, `env`, `pwd`, `sh -c '…'`, the text utilities
//! (`grep`, `head`, `wc`, …) on its files, `curl` / `wget` against pods and Services, and
//! `nslookup` answering from the cluster's DNS.
//!
//! The kubelet runs each container's main process here too ([`Process`]), in steps on
//! its timers, so that `sleep` takes virtual time and output lands in the pod's log.
//!
//! Files written land in the engine (`World::write_file`): on a PVC they survive the
//! pod, elsewhere they die with it. Web servers serve what their document root holds.
//! This lives in the engine, not in kubectl, because a container's commands are the
//! cluster's business: the kubelet is the one to run them.

mod environment;
mod files;
mod network;
mod perl;
mod policy;
pub mod probe;
mod process;
mod servers;

pub use environment::{current_environment, environment, expand_references, resource_field};
pub use process::{Burst, Process, Step};
pub use servers::{cpu_demand, memory_use};

use crate::engine::clock::Millis;
use crate::engine::world::World;
use crate::shell::{self, Host, Output, Shell};
use std::convert::Infallible;

/// The container a process runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

/// What a process printed and its exit status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Ran {
    fn ok(out: impl Into<String>) -> Ran {
        Ran {
            stdout: out.into(),
            ..Ran::default()
        }
    }

    fn fail(err: impl Into<String>, status: i32) -> Ran {
        Ran {
            stderr: err.into(),
            status,
            ..Ran::default()
        }
    }

    fn into_output(self) -> Output {
        Output::from_text(&self.stdout, &self.stderr, self.status)
    }
}

impl From<Output> for Ran {
    fn from(o: Output) -> Ran {
        Ran {
            stdout: o.stdout_text(),
            stderr: o.stderr_text(),
            status: o.status,
        }
    }
}

/// Runs a command in the container as `kubectl exec POD -- ARGV…` does: the program
/// itself, not a shell (`sh -c '…'` gets one).
pub fn run(world: &mut World, target: &Target, argv: &[String]) -> Ran {
    run_with_stdin(world, target, argv, None)
}

/// Runs a command with what the client sent to its standard input (`kubectl exec -i POD
/// -- cat < FILE` through `kubeplay serve`).
pub fn run_with_stdin(
    world: &mut World,
    target: &Target,
    argv: &[String],
    stdin: Option<String>,
) -> Ran {
    if argv.is_empty() {
        return Ran::default();
    }
    let mut shell = container_shell(world, target);
    let mut host = Container {
        world,
        target,
        waited: 0,
    };
    let (o, running) = host.run(&mut shell, argv, stdin, false);
    let waited = host.waited;
    let_time_pass(world, waited);
    match running {
        None => Ran::from(o),
        Some(never) => match never {},
    }
}

/// A command that waited (a connection nobody answered) returns that much later: the
/// cluster's clock moves on meanwhile, as it would while `kubectl exec` blocks.
fn let_time_pass(world: &mut World, waited: Millis) {
    if waited > 0 {
        let until = world.now + waited;
        world.advance_to(until);
    }
}

/// Runs one line typed into the container's shell (`kubectl run -it … -- sh`).
pub fn run_line(world: &mut World, target: &Target, line: &str) -> Ran {
    let mut shell = container_shell(world, target);
    let mut host = Container {
        world,
        target,
        waited: 0,
    };
    let ran = host.sh(&mut shell, line).into();
    let waited = host.waited;
    let_time_pass(world, waited);
    ran
}

/// A fresh `sh` whose variables are the container's environment.
fn container_shell(world: &World, target: &Target) -> Shell {
    let vars = environment(world, target).into_iter().collect();
    Shell::new("sh", vars, Default::default())
}

/// The container as the shell's host.
struct Container<'a> {
    world: &'a mut World,
    target: &'a Target,
    /// Virtual time the commands run so far spent waiting (a connection timing out).
    waited: Millis,
}

impl Container<'_> {
    /// Parses and runs shell code (`sh -c`, a typed line).
    fn sh(&mut self, shell: &mut Shell, code: &str) -> Output {
        match shell::parse(code) {
            Ok(script) => shell.run_script(self, &script),
            Err(e) => {
                let e = e.to_string();
                let mut o =
                    Output::failed_plain(format!("sh: {}", e.strip_prefix("bash: ").unwrap_or(&e)));
                o.status = 2;
                o
            }
        }
    }

    /// The programs of the container's image, by name.
    fn program(&mut self, name: &str, rest: &[String], stdin: Option<String>) -> Ran {
        let (c, t) = (&*self.world, self.target);
        match name {
            "hostname" => Ran::ok(format!("{}\n", t.pod)),
            "echo" => Ran::ok(shell::echo(rest)),
            "pwd" => Ran::ok("/\n"),
            "date" => match rest {
                [] => Ran::ok(format!(
                    "{}\n",
                    crate::engine::time::format_date_command(c.now)
                )),
                [f] if f == "+%s" => Ran::ok(format!("{}\n", c.now.div_euclid(1000))),
                _ => Ran::fail(
                    "kubeplay: this date prints the time (`date`) or seconds since 1970 (`date +%s`) only\n",
                    1,
                ),
            },
            "whoami" => Ran::ok("root\n"),
            "true" | "sleep" | ":" | "cd" | "export" => Ran::default(),
            // In `kubectl exec`, `exit N` ends the command with N (a container's main
            // process handles `exit` itself, see [`Process`]).
            "exit" => Ran {
                status: rest
                    .first()
                    .and_then(|n| n.parse::<i32>().ok())
                    .unwrap_or(0)
                    & 255,
                ..Ran::default()
            },
            "false" => Ran::fail("", 1),
            "env" | "printenv" => {
                let env = environment(c, t);
                if name == "printenv" && !rest.is_empty() {
                    // Exit status 1 when any name is unset, as printenv does.
                    let mut r = Ran::default();
                    for k in rest {
                        match env.iter().find(|(ek, _)| ek == k) {
                            Some((_, v)) => {
                                r.stdout.push_str(v);
                                r.stdout.push('\n');
                            }
                            None => r.status = 1,
                        }
                    }
                    return r;
                }
                Ran::ok(
                    env.iter()
                        .map(|(k, v)| format!("{k}={v}\n"))
                        .collect::<String>(),
                )
            }
            "cat" => files::cat(c, t, rest, stdin),
            "ls" => files::ls(c, t, rest),
            n if n.starts_with("perl") => perl::perl(rest),
            "touch" => {
                let mut r = Ran::default();
                for f in rest.iter().filter(|a| !a.starts_with('-')) {
                    let path = files::absolute(f);
                    if files::read_only(self.world, t, &path) {
                        r.stderr
                            .push_str(&format!("touch: {f}: Read-only file system\n"));
                        r.status = 1;
                        continue;
                    }
                    self.world
                        .write_file(&t.namespace, &t.pod, &t.container, &path, "", true);
                }
                r
            }
            "rm" => {
                let force = rest.iter().any(|a| a.starts_with('-') && a.contains('f'));
                let mut r = Ran::default();
                for f in rest.iter().filter(|a| !a.starts_with('-')) {
                    let path = files::absolute(f);
                    if files::read_only(self.world, t, &path) {
                        r.stderr.push_str(&format!(
                            "rm: can't remove '{f}': Read-only file system\n"
                        ));
                        r.status = 1;
                        continue;
                    }
                    let removed = self
                        .world
                        .remove_file(&t.namespace, &t.pod, &t.container, &path);
                    if !removed && !force {
                        r.stderr.push_str(&format!(
                            "rm: can't remove '{f}': No such file or directory\n"
                        ));
                        r.status = 1;
                    }
                }
                r
            }
            "curl" | "wget" => network::http_get(self.world, t, name, rest, &mut self.waited),
            "nslookup" => match rest.iter().find(|a| !a.starts_with('-')) {
                Some(host) => network::nslookup(c, t, host),
                None => Ran::fail(
                    "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]\n",
                    1,
                ),
            },
            _ => files::text_utility(c, t, name, rest, stdin)
                .unwrap_or_else(|| Ran::fail(format!("sh: {name}: not found\n"), 127)),
        }
    }
}

impl Host for Container<'_> {
    /// Every command of a container finishes at once (nothing here waits for the clock).
    type Process = Infallible;

    fn run(
        &mut self,
        shell: &mut Shell,
        argv: &[String],
        stdin: Option<String>,
        _tty: bool,
    ) -> (Output, Option<Infallible>) {
        let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        let rest = &argv[1..];
        let o = match name {
            "sh" | "bash" | "ash" | "dash" => match rest.iter().position(|a| a == "-c") {
                Some(i) => match rest.get(i + 1) {
                    Some(code) => self.sh(shell, code),
                    None => {
                        Ran::fail(format!("{name}: -c requires an argument\n"), 2).into_output()
                    }
                },
                None => Output::ok(),
            },
            _ => self.program(name, rest, stdin).into_output(),
        };
        (o, None)
    }

    fn complete(&mut self, _shell: &mut Shell, process: Infallible) -> Output {
        match process {}
    }

    fn read_file(&mut self, path: &str) -> Option<String> {
        files::read(self.world, self.target, &files::absolute(path))
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) -> Result<(), String> {
        let t = self.target;
        let path = files::absolute(path);
        if files::read_only(self.world, t, &path) {
            return Err(format!("sh: can't create {path}: Read-only file system"));
        }
        self.world
            .write_file(&t.namespace, &t.pod, &t.container, &path, text, append);
        Ok(())
    }
}
