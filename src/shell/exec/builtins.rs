//! The builtins every host's shell has, because they change the shell itself: `alias`,
//! `unalias`, `export`, `set` (listing), `unset` and `source` (accepted; there are no
//! startup files to read).

use super::Shell;
use crate::shell::output::Output;

impl Shell {
    /// Runs `name` if it is a builtin.
    pub(super) fn builtin(&mut self, name: &str, args: &[String]) -> Option<Output> {
        Some(match name {
            "alias" => self.alias(args),
            "unalias" => {
                let mut o = Output::ok();
                for a in args {
                    if self.aliases.remove(a).is_none() {
                        o.err(format!("{}: unalias: {a}: not found", self.name));
                        o.status = 1;
                    }
                }
                o
            }
            "export" | "set" if args.is_empty() => {
                let mut o = Output::ok();
                for (k, v) in &self.vars {
                    o.out(format!("declare -x {k}=\"{v}\""));
                }
                o
            }
            "export" => {
                for a in args {
                    if let Some((k, v)) = a.split_once('=') {
                        self.vars.insert(k.to_string(), v.to_string());
                    }
                }
                Output::ok()
            }
            "unset" => {
                for a in args {
                    self.vars.remove(a);
                }
                Output::ok()
            }
            "source" | "." => Output::ok(),
            "test" => self.test("test", args),
            "[" => match args.split_last() {
                Some((last, rest)) if last == "]" => self.test("[", rest),
                _ => {
                    let mut o = Output::ok();
                    o.err(format!("{}: [: missing `]'", self.name));
                    o.status = 2;
                    o
                }
            },
            _ => return None,
        })
    }

    /// `test EXPR` / `[ EXPR ]` on strings and integers (status 0 true, 1 false, 2 error).
    fn test(&self, invoked: &str, args: &[String]) -> Output {
        let mut o = Output::ok();
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (negate, a) = match a.split_first() {
            Some((&"!", rest)) if !rest.is_empty() => (true, rest.to_vec()),
            _ => (false, a),
        };
        let int = |s: &str| s.trim().parse::<i64>().map_err(|_| s.to_string());
        let result: Result<bool, String> = match a.as_slice() {
            [] => Ok(false),
            [s] => Ok(!s.is_empty()),
            ["-n", s] => Ok(!s.is_empty()),
            ["-z", s] => Ok(s.is_empty()),
            [l, "=" | "==", r] => Ok(l == r),
            [l, "!=", r] => Ok(l != r),
            [l, op @ ("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"), r] => {
                match (int(l), int(r)) {
                    (Ok(l), Ok(r)) => Ok(match *op {
                        "-eq" => l == r,
                        "-ne" => l != r,
                        "-lt" => l < r,
                        "-le" => l <= r,
                        "-gt" => l > r,
                        _ => l >= r,
                    }),
                    (Err(bad), _) | (_, Err(bad)) => {
                        Err(format!("{bad}: integer expression expected"))
                    }
                }
            }
            [op, _] if op.starts_with('-') => Err(format!(
                "{op}: this playground's test compares strings and integers only"
            )),
            _ => Err("too many arguments".to_string()),
        };
        match result {
            Ok(v) => o.status = i32::from(v == negate),
            Err(e) => {
                o.err(format!("{}: {invoked}: {e}", self.name));
                o.status = 2;
            }
        }
        o
    }

    fn alias(&mut self, args: &[String]) -> Output {
        let mut o = Output::ok();
        if args.is_empty() {
            for (k, v) in &self.aliases {
                o.out(format!("alias {k}='{v}'"));
            }
            return o;
        }
        for a in args {
            match a.split_once('=') {
                Some((k, v)) => {
                    self.aliases.insert(k.to_string(), v.to_string());
                }
                None => match self.aliases.get(a) {
                    Some(v) => o.out(format!("alias {a}='{v}'")),
                    None => {
                        o.err(format!("{}: alias: {a}: not found", self.name));
                        o.status = 1;
                    }
                },
            }
        }
        o
    }
}
