//! The native front end: `kubeplay run [--nodes N] [--seed S] [SCRIPT | -]` runs a script
//! of terminal lines against a fresh cluster and prints what the terminal would show;
//! `kubeplay serve …` serves a fresh cluster to the real kubectl (see `SERVE_USAGE`).

use kubeplay::kubectl::Session;
use kubeplay::shell::{OutLine, Stream};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: kubeplay run [--nodes N] [--seed S] [SCRIPT | -]\n       kubeplay serve [--port 6443] [--nodes N] [--seed S] [--clock wall|on-demand] [--speed X] [--kubeconfig PATH]";

const SERVE_USAGE: &str = "usage: kubeplay serve [--port 6443] [--nodes N] [--seed S] [--clock wall|on-demand] [--speed X] [--kubeconfig PATH]";

/// `kubeplay serve`'s flags; the kubeconfig defaults to `./kubeplay.kubeconfig`.
fn parse_serve_args(args: &[String]) -> Result<kubeplay::serve::Options, String> {
    let mut o = kubeplay::serve::Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        if matches!(flag, "-h" | "--help") {
            return Err(SERVE_USAGE.to_string());
        }
        let known = [
            "--port",
            "--nodes",
            "--seed",
            "--clock",
            "--speed",
            "--kubeconfig",
        ];
        if !known.contains(&flag) {
            return Err(format!("unknown argument {a:?}\n{SERVE_USAGE}"));
        }
        let v = inline
            .or_else(|| it.next().cloned())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag {
            "--port" => {
                o.port = v
                    .parse()
                    .map_err(|_| format!("--port must be a port number, not {v:?}"))?
            }
            "--nodes" => {
                o.nodes = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| format!("--nodes must be a number from 1 to 1000, not {v:?}"))?
            }
            "--seed" => {
                o.seed = v
                    .parse()
                    .map_err(|_| format!("--seed must be a whole number, not {v:?}"))?
            }
            "--clock" => {
                o.clock = kubeplay::serve::ClockMode::parse(&v)
                    .ok_or_else(|| format!("--clock must be wall or on-demand, not {v:?}"))?
            }
            "--speed" => {
                o.speed = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 10_000.0)
                    .ok_or_else(|| {
                        format!("--speed must be a number above 0 and at most 10000, not {v:?}")
                    })?
            }
            _ => o.kubeconfig = Some(v.into()),
        }
    }
    Ok(o)
}

fn serve(args: &[String]) -> ExitCode {
    let options = match parse_serve_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let running = match kubeplay::serve::start(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kubeplay: {e}");
            return ExitCode::from(1);
        }
    };
    let path = options
        .kubeconfig
        .clone()
        .unwrap_or_else(|| "kubeplay.kubeconfig".into());
    if let Err(e) = kubeplay::serve::write_kubeconfig(&path, &running.url()) {
        eprintln!("kubeplay: {e}");
        return ExitCode::from(1);
    }
    let shown = std::fs::canonicalize(&path).unwrap_or(path);
    println!(
        "kubeplay: serving a {}-node cluster (seed {}) on {}",
        options.nodes,
        options.seed,
        running.url()
    );
    println!("export KUBECONFIG={}", shown.display());
    let _ = std::io::stdout().flush();
    running.wait();
    ExitCode::SUCCESS
}

struct Options {
    nodes: u32,
    seed: u64,
    script: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        nodes: 3,
        seed: 1,
        script: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--nodes" | "--seed" => {
                let v = inline
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a value"))?;
                if flag == "--nodes" {
                    o.nodes = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| {
                            format!("--nodes must be a number from 1 to 1000, not {v:?}")
                        })?;
                } else {
                    o.seed = v
                        .parse()
                        .map_err(|_| format!("--seed must be a whole number, not {v:?}"))?;
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            _ if o.script.is_none() && (a == "-" || !a.starts_with('-')) => {
                o.script = Some(a.clone())
            }
            _ => return Err(format!("unknown argument {a:?}\n{USAGE}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        return serve(&args[1..]);
    }
    if args.first().map(String::as_str) != Some("run") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let options = match parse_args(&args[1..]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let script = match options.script.as_deref() {
        None | Some("-") => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("kubeplay: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            s
        }
        Some(path) => match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("kubeplay: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut session = Session::new(options.nodes, options.seed);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in script.lines() {
        let prompt = match session.prompt() {
            Some(container) => container.trim_end(),
            None if session.awaiting_more() => ">",
            None => "$",
        };
        let echoed = if line.is_empty() && prompt == ">" {
            ">".to_string()
        } else {
            format!("{prompt} {line}")
        };
        let mut lines = session.submit(line);
        lines.extend(session.run_blocking());
        if let Some(path) = session.take_editor_request() {
            if session.is_editing(&path) {
                // As `vim FILE` says in the session: no editor here. The edit ends the way
                // kubectl's does when the editor exits without a change.
                lines.push(OutLine {
                    text: format!("kubeplay: kubectl edit opens {path} in the editor pane (in the browser); the command-line runner has no editor."),
                    stream: Stream::Err,
                    open: false,
                });
                lines.extend(session.finish_edit(&path, false));
            }
        }
        let _ = writeln!(out, "{echoed}");
        for l in lines {
            let _ = writeln!(out, "{}", l.text);
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
