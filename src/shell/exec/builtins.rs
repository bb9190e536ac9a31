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
            _ => return None,
        })
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
