//! Tests for the shell language, its utilities and its files. Expected outputs were
//! checked against GNU bash 5.2, GNU grep and GNU coreutils.

use super::*;
use std::collections::BTreeMap;

/// An environment with fixed variables whose `$(...)` prints the script's first word list.
struct TestEnv {
    vars: BTreeMap<String, String>,
    substituted: Vec<String>,
}

impl TestEnv {
    fn new() -> TestEnv {
        let mut vars = BTreeMap::new();
        vars.insert("HOME".to_string(), "/root".to_string());
        vars.insert("NAME".to_string(), "web".to_string());
        vars.insert("SPACED".to_string(), "  a  b ".to_string());
        vars.insert("?".to_string(), "1".to_string());
        TestEnv {
            vars,
            substituted: Vec::new(),
        }
    }
}

impl Env for TestEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn substitute(&mut self, script: &Script) -> String {
        let text = match script.items.first().map(|i| &i.first.commands[0]) {
            Some(Command::Simple(c)) => c.to_source(),
            _ => String::new(),
        };
        self.substituted.push(text.clone());
        format!("<{text}>\n\n")
    }
}

fn simple(script: &Script, item: usize, cmd: usize) -> &SimpleCommand {
    let list = &script.items[item];
    match &list.first.commands[cmd] {
        Command::Simple(s) => s,
        _ => panic!("expected a simple command"),
    }
}

fn words(src: &str) -> Vec<String> {
    let script = parse(src).expect("parses");
    let cmd = simple(&script, 0, 0);
    expand_words(&cmd.words, &mut TestEnv::new()).expect("expands")
}

fn err(src: &str) -> String {
    parse(src).expect_err("should not parse").to_string()
}

fn run(name: &str, args: &[&str], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run_filter(name, &args, stdin, fs, false).expect("is a filter")
}

fn out(name: &str, args: &[&str], stdin: &str) -> String {
    run(name, args, stdin, &mut Vfs::new()).stdout
}

mod exec;
mod expansion;
mod parsing;
mod robustness;
mod utilities;
