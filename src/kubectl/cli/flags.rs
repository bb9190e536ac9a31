//! pflag-style flag parsing: long and short forms, `--flag=value`, `-n value`, `-nvalue`,
//! flags anywhere among the arguments, `--` ends them; cobra's error texts.

use std::collections::BTreeMap;

/// Whether a flag takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Bool,
    Value,
}

/// One accepted flag.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub arity: Arity,
}

pub const fn flag(long: &'static str, short: Option<char>, arity: Arity) -> Flag {
    Flag { long, short, arity }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[Flag] = &[
    flag("namespace", Some('n'), Arity::Value),
    flag("context", None, Arity::Value),
    flag("cluster", None, Arity::Value),
    flag("kubeconfig", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("request-timeout", None, Arity::Value),
    flag("v", Some('v'), Arity::Value),
    flag("help", Some('h'), Arity::Bool),
    flag("warnings-as-errors", None, Arity::Bool),
];

/// Parsed arguments: values by long name (repeatable flags keep every value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub values: BTreeMap<&'static str, Vec<String>>,
    pub positionals: Vec<String>,
    /// Where the arguments after `--` begin in `positionals` (a command to run).
    pub after_dash: Option<usize>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// The last value given, if any.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// A boolean flag: present without value or with a true-ish value.
    pub fn bool(&self, long: &str) -> bool {
        match self.value(long) {
            Some(v) => !matches!(v, "false" | "0" | "f" | "F" | "FALSE" | "False"),
            None => false,
        }
    }
}

/// Why the arguments could not be parsed (cobra's messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("unknown flag: --{0}")]
    UnknownFlag(String),
    #[error("unknown shorthand flag: '{0}' in -{1}")]
    UnknownShorthand(char, String),
    #[error("flag needs an argument: --{0}")]
    NeedsArgument(String),
    #[error("flag needs an argument: '{0}' in -{1}")]
    ShorthandNeedsArgument(char, String),
    #[error("invalid argument \"{0}\" for \"{1}\" flag: strconv.ParseBool: parsing \"{0}\": invalid syntax")]
    BadBool(String, String),
}

fn find_long<'a>(specs: &[&'a [Flag]], name: &str) -> Option<&'a Flag> {
    specs.iter().flat_map(|s| s.iter()).find(|f| f.long == name)
}

fn find_short<'a>(specs: &[&'a [Flag]], c: char) -> Option<&'a Flag> {
    specs
        .iter()
        .flat_map(|s| s.iter())
        .find(|f| f.short == Some(c))
}

fn check_bool(long: &str, value: &str) -> Result<(), FlagError> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "0" | "f" | "F" | "false" | "FALSE"
        | "False" => Ok(()),
        _ => Err(FlagError::BadBool(value.to_string(), long.to_string())),
    }
}

/// Parses `args` against the verb's flags plus [`GLOBAL`].
pub fn parse(args: &[String], verb_flags: &[Flag]) -> Result<Parsed, FlagError> {
    let specs: [&[Flag]; 2] = [verb_flags, GLOBAL];
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.after_dash = Some(out.positionals.len());
            out.positionals.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let f =
                find_long(&specs, name).ok_or_else(|| FlagError::UnknownFlag(name.to_string()))?;
            let value = match (f.arity, inline) {
                (Arity::Bool, Some(v)) => {
                    check_bool(f.long, &v)?;
                    v
                }
                (Arity::Bool, None) => "true".to_string(),
                (Arity::Value, Some(v)) => v,
                (Arity::Value, None) => {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| FlagError::NeedsArgument(name.to_string()))?;
                    i += 1;
                    v
                }
            };
            out.values.entry(f.long).or_default().push(value);
        } else if arg.len() > 1 && arg.starts_with('-') {
            let body = &arg[1..];
            let chars: Vec<char> = body.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let f = find_short(&specs, c)
                    .ok_or_else(|| FlagError::UnknownShorthand(c, body.to_string()))?;
                j += 1;
                match f.arity {
                    Arity::Bool => {
                        if chars.get(j) == Some(&'=') {
                            let v: String = chars[j + 1..].iter().collect();
                            check_bool(f.long, &v)?;
                            out.values.entry(f.long).or_default().push(v);
                            break;
                        }
                        out.values.entry(f.long).or_default().push("true".into());
                    }
                    Arity::Value => {
                        let rest: String = chars[j..].iter().collect();
                        let v = if let Some(r) = rest.strip_prefix('=') {
                            r.to_string()
                        } else if !rest.is_empty() {
                            rest
                        } else {
                            let v = args.get(i).cloned().ok_or_else(|| {
                                FlagError::ShorthandNeedsArgument(c, body.to_string())
                            })?;
                            i += 1;
                            v
                        };
                        out.values.entry(f.long).or_default().push(v);
                        break;
                    }
                }
            }
        } else {
            out.positionals.push(arg.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    const GET: &[Flag] = &[
        flag("output", Some('o'), Arity::Value),
        flag("watch", Some('w'), Arity::Bool),
        flag("selector", Some('l'), Arity::Value),
    ];

    #[test]
    fn flags_may_come_before_between_and_after_positionals() {
        let p = parse(&args("-n kube-system pods -owide web --watch"), GET).unwrap();
        assert_eq!(p.positionals, ["pods", "web"]);
        assert_eq!(p.value("namespace"), Some("kube-system"));
        assert_eq!(p.value("output"), Some("wide"));
        assert!(p.bool("watch"));
    }

    #[test]
    fn unknown_flags_get_cobras_messages() {
        assert_eq!(
            parse(&args("--bogus"), GET).unwrap_err().to_string(),
            "unknown flag: --bogus"
        );
        assert_eq!(
            parse(&args("-z"), GET).unwrap_err().to_string(),
            "unknown shorthand flag: 'z' in -z"
        );
        assert_eq!(
            parse(&args("-o"), GET).unwrap_err().to_string(),
            "flag needs an argument: 'o' in -o"
        );
    }

    #[test]
    fn equals_forms_and_bool_values_parse() {
        let p = parse(&args("-o=yaml --watch=false -l=app=web"), GET).unwrap();
        assert_eq!(p.value("output"), Some("yaml"));
        assert!(!p.bool("watch"));
        assert_eq!(p.value("selector"), Some("app=web"));
    }
}
