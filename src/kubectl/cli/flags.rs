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
    // No compression and no TLS to skip in the playground: nothing they change shows.
    flag("disable-compression", None, Arity::Bool),
    flag("insecure-skip-tls-verify", None, Arity::Bool),
    // Impersonation: `cli::impersonation`.
    flag("as", None, Arity::Value),
    flag("as-group", None, Arity::Value),
    flag("as-uid", None, Arity::Value),
];

/// kubectl's other global flags: known (so they are not "unknown"), but what they do
/// (other servers and credentials, profiling) is not simulated.
pub const NOT_SIMULATED: &[Flag] = &[
    flag("cache-dir", None, Arity::Value),
    flag("certificate-authority", None, Arity::Value),
    flag("client-certificate", None, Arity::Value),
    flag("client-key", None, Arity::Value),
    flag("kuberc", None, Arity::Value),
    flag("log-flush-frequency", None, Arity::Value),
    flag("match-server-version", None, Arity::Bool),
    flag("password", None, Arity::Value),
    flag("profile", None, Arity::Value),
    flag("profile-output", None, Arity::Value),
    flag("server", Some('s'), Arity::Value),
    flag("tls-server-name", None, Arity::Value),
    flag("token", None, Arity::Value),
    flag("username", None, Arity::Value),
    flag("vmodule", None, Arity::Value),
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
    #[error("invalid argument \"{0}\" for \"{1}\" flag: strconv.ParseInt: parsing \"{0}\": invalid syntax")]
    BadInt(String, String),
    #[error("flag --{0} is not simulated in the playground")]
    NotSimulated(String),
}

fn find_long<'a>(specs: &[&'a [Flag]], name: &str) -> Option<&'a Flag> {
    specs.iter().flat_map(|s| s.iter()).find(|f| f.long == name)
}

/// A shorthand of the verb's flags, else of a global flag the verb does not redefine
/// (cobra drops a persistent flag, shorthand included, whose name the command has:
/// `kubectl config set-context --namespace` has no `-n`).
fn find_short<'a>(specs: &[&'a [Flag]], c: char) -> Option<&'a Flag> {
    let (verb, rest) = specs.split_first()?;
    verb.iter().find(|f| f.short == Some(c)).or_else(|| {
        rest.iter()
            .flat_map(|s| s.iter())
            .filter(|g| !verb.iter().any(|f| f.long == g.long))
            .find(|f| f.short == Some(c))
    })
}

/// Flags that are integers in every kubectl command that has them (pflag's Int, Int32,
/// Int64): a value that is no number is refused while parsing, before the command runs.
const INT_FLAGS: &[&str] = &[
    "v",
    "replicas",
    "current-replicas",
    "chunk-size",
    "grace-period",
    "revision",
    "to-revision",
    "tail",
    "limit-bytes",
    "max-log-requests",
];

/// A value of a flag with a type: `-v`, `--replicas`, … are integers.
fn check_value(f: &Flag, value: &str) -> Result<(), FlagError> {
    if INT_FLAGS.contains(&f.long) && value.parse::<i64>().is_err() {
        let shown = match f.short {
            Some(c) => format!("-{c}, --{}", f.long),
            None => format!("--{}", f.long),
        };
        return Err(FlagError::BadInt(value.to_string(), shown));
    }
    Ok(())
}

/// A global flag the playground knows but does not simulate.
fn not_simulated(f: Option<&Flag>) -> FlagError {
    FlagError::NotSimulated(f.map(|f| f.long).unwrap_or_default().to_string())
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
            let f = match find_long(&specs, name) {
                Some(f) => f,
                None if find_long(&[NOT_SIMULATED], name).is_some() => {
                    return Err(not_simulated(find_long(&[NOT_SIMULATED], name)))
                }
                None => return Err(FlagError::UnknownFlag(name.to_string())),
            };
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
            check_value(f, &value)?;
            out.values.entry(f.long).or_default().push(value);
        } else if arg.len() > 1 && arg.starts_with('-') {
            let body = &arg[1..];
            let chars: Vec<char> = body.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(f) = find_short(&specs, c) else {
                    return Err(match find_short(&[NOT_SIMULATED], c) {
                        Some(f) => not_simulated(Some(f)),
                        None => FlagError::UnknownShorthand(c, body.to_string()),
                    });
                };
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
                        check_value(f, &v)?;
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

    #[test]
    fn a_verb_flag_named_like_a_global_one_hides_its_shorthand() {
        const SET_CONTEXT: &[Flag] = &[flag("namespace", None, Arity::Value)];
        assert_eq!(
            parse(&args("-n dev"), SET_CONTEXT).unwrap_err().to_string(),
            "unknown shorthand flag: 'n' in -n"
        );
        let p = parse(&args("--namespace dev"), SET_CONTEXT).unwrap();
        assert_eq!(p.value("namespace"), Some("dev"));
    }

    #[test]
    fn global_flags_are_typed_and_the_unsimulated_ones_say_so() {
        assert_eq!(
            parse(&args("-v=abc"), GET).unwrap_err().to_string(),
            "invalid argument \"abc\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        assert_eq!(parse(&args("--v 6"), GET).unwrap().value("v"), Some("6"));
        assert_eq!(
            parse(&args("--as jane"), GET).unwrap().value("as"),
            Some("jane")
        );
        assert_eq!(
            parse(&args("-s http://x"), GET).unwrap_err(),
            FlagError::NotSimulated("server".into())
        );
    }
}
