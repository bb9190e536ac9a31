//! Word expansion: `~`, `$VAR`, `${...}`, `$(...)`, quote removal and field splitting of
//! unquoted expansions. There is no pathname expansion: `*` stays literal.

use super::ast::Command;
use super::ast::{Heredoc, Script, SimpleCommand, Word, WordPart};
use super::parser::{parse, parse_heredoc_body, SyntaxError};

/// What expansion needs from the running terminal.
pub trait Env {
    /// The value of a variable; `?` is the last exit status, `HOME` the home directory.
    fn var(&self, name: &str) -> Option<String>;
    /// Runs `$(...)` and returns its stdout (expansion strips the trailing newlines).
    fn substitute(&mut self, script: &Script) -> String;
    /// Runs `<(...)` and returns a file name the command can read its output from.
    fn process_substitute(&mut self, script: &Script) -> String {
        let _ = self.substitute(script);
        "/dev/fd/63".to_string()
    }
}

/// Why a word could not be expanded; `Display` gives bash's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// `${...}` with something bash does not accept inside (the text is what was inside).
    #[error("bash: ${{{0}}}: bad substitution")]
    BadSubstitution(String),
    /// `${NAME:?message}` with NAME unset or empty.
    #[error("bash: {name}: {message}")]
    Unset {
        /// The variable.
        name: String,
        /// The message after `:?`, or bash's default.
        message: String,
    },
    /// `$((…))` that does not evaluate (the text is bash's message after `bash: `).
    #[error("bash: {0}")]
    Arith(String),
    /// A redirection target that expanded to no word or several (the text is as typed).
    #[error("bash: {0}: ambiguous redirect")]
    AmbiguousRedirect(String),
    /// A here-document whose `$(` or backticks do not parse.
    #[error("{0}")]
    Syntax(#[from] SyntaxError),
}

/// Expands command words: each word may become zero, one or several fields.
pub fn expand_words(words: &[Word], env: &mut dyn Env) -> Result<Vec<String>, ExpandError> {
    let mut out = Vec::new();
    for w in words {
        expand_into(w, env, &mut out)?;
    }
    Ok(out)
}

/// Expands one word without field splitting (assignment values, `case`-like uses).
pub fn expand_word(word: &Word, env: &mut dyn Env) -> Result<String, ExpandError> {
    let mut s = String::new();
    for part in &word.parts {
        expand_part(part, env, &mut s, true)?;
    }
    Ok(s)
}

/// Expands a redirection target: exactly one field, else `ambiguous redirect`.
pub fn expand_redirect_target(word: &Word, env: &mut dyn Env) -> Result<String, ExpandError> {
    let mut fields = Vec::new();
    expand_into(word, env, &mut fields)?;
    match fields.len() {
        1 => Ok(fields.pop().unwrap_or_default()),
        _ => Err(ExpandError::AmbiguousRedirect(word.source.clone())),
    }
}

/// The text a here-document feeds to its command: the body as is for a quoted delimiter,
/// otherwise with `$VAR`, `$(...)` and backslash escapes applied.
pub fn expand_heredoc(heredoc: &Heredoc, env: &mut dyn Env) -> Result<String, ExpandError> {
    if !heredoc.expand {
        return Ok(heredoc.body.clone());
    }
    let parts = parse_heredoc_body(&heredoc.body, 0)?;
    let mut s = String::new();
    for part in &parts {
        expand_part(part, env, &mut s, true)?;
    }
    Ok(s)
}

fn expand_into(word: &Word, env: &mut dyn Env, out: &mut Vec<String>) -> Result<(), ExpandError> {
    let mut cur = String::new();
    let mut started = false;
    for part in &word.parts {
        match part {
            WordPart::Literal(_)
            | WordPart::Quoted(_)
            | WordPart::DoubleQuoted(_)
            | WordPart::Tilde
            | WordPart::ProcessSubst(_) => {
                expand_part(part, env, &mut cur, false)?;
                started = true;
            }
            WordPart::Var(_)
            | WordPart::VarOp { .. }
            | WordPart::VarLength(_)
            | WordPart::Arith(_)
            | WordPart::CommandSubst(_) => {
                let mut value = String::new();
                expand_part(part, env, &mut value, false)?;
                for c in value.chars() {
                    if matches!(c, ' ' | '\t' | '\n') {
                        if started {
                            out.push(std::mem::take(&mut cur));
                            started = false;
                        }
                    } else {
                        cur.push(c);
                        started = true;
                    }
                }
            }
        }
    }
    if started {
        out.push(cur);
    }
    Ok(())
}

fn lookup(env: &dyn Env, name: &str) -> Option<String> {
    env.var(name)
}

fn expand_part(
    part: &WordPart,
    env: &mut dyn Env,
    out: &mut String,
    _quoted: bool,
) -> Result<(), ExpandError> {
    match part {
        WordPart::Literal(s) | WordPart::Quoted(s) => out.push_str(s),
        WordPart::DoubleQuoted(inner) => {
            for p in inner {
                expand_part(p, env, out, true)?;
            }
        }
        WordPart::Tilde => out.push_str(&lookup(env, "HOME").unwrap_or_else(|| "/root".into())),
        WordPart::Var(name) => out.push_str(&lookup(env, name).unwrap_or_default()),
        WordPart::Arith(expr) => {
            let value = super::arith::evaluate(expr, &|n| lookup(env, n))
                .map_err(|e| ExpandError::Arith(e.to_string()))?;
            out.push_str(&value.to_string());
        }
        WordPart::VarLength(name) => {
            let n = lookup(env, name).unwrap_or_default().chars().count();
            out.push_str(&n.to_string());
        }
        WordPart::VarOp { name, op, arg } => {
            let value = lookup(env, name);
            let unset_or_null = value.as_deref().is_none_or(str::is_empty);
            let missing = if op.starts_with(':') {
                unset_or_null
            } else {
                value.is_none()
            };
            match op.trim_start_matches(':') {
                "-" | "=" => {
                    if missing {
                        out.push_str(arg)
                    } else {
                        out.push_str(&value.unwrap_or_default())
                    }
                }
                "+" => {
                    if !missing {
                        out.push_str(arg)
                    }
                }
                "?" => {
                    if missing {
                        let message = if arg.is_empty() {
                            if op.starts_with(':') {
                                "parameter null or not set".to_string()
                            } else {
                                "parameter not set".to_string()
                            }
                        } else {
                            arg.clone()
                        };
                        return Err(ExpandError::Unset {
                            name: name.clone(),
                            message,
                        });
                    }
                    out.push_str(&value.unwrap_or_default())
                }
                _ => return Err(ExpandError::BadSubstitution(name.clone())),
            }
        }
        WordPart::CommandSubst(script) => {
            let text = env.substitute(script);
            out.push_str(text.trim_end_matches('\n'));
        }
        WordPart::ProcessSubst(script) => out.push_str(&env.process_substitute(script)),
    }
    Ok(())
}

/// Most alias substitutions applied to one command, so `alias a=b b=a` cannot loop.
const MAX_ALIAS_DEPTH: usize = 16;

/// Replaces the command name by its alias, as bash does for `alias k=kubectl`: when the
/// first word is plain unquoted text and `lookup` knows it, the alias value is parsed and
/// its words go in front of the remaining words. An alias is not expanded inside its own
/// value (`alias ls='ls -a'` works). Values that are more than one simple command are
/// refused with an honest message.
pub fn expand_alias(
    cmd: &SimpleCommand,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<SimpleCommand, SyntaxError> {
    let mut cmd = cmd.clone();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..MAX_ALIAS_DEPTH {
        let Some(name) = cmd
            .words
            .first()
            .and_then(Word::as_plain)
            .map(str::to_string)
        else {
            break;
        };
        if seen.contains(&name) {
            break;
        }
        let Some(value) = lookup(&name) else {
            break;
        };
        seen.push(name.clone());
        let script = parse(&value)?;
        let mut replacement = match script.items.as_slice() {
            [] => SimpleCommand::default(),
            [item] if item.rest.is_empty() => match item.first.commands.as_slice() {
                [Command::Simple(simple)] => simple.clone(),
                _ => return Err(alias_too_complex(&name)),
            },
            _ => return Err(alias_too_complex(&name)),
        };
        replacement.words.extend(cmd.words.drain(1..));
        cmd.assignments.append(&mut replacement.assignments);
        replacement.assignments = std::mem::take(&mut cmd.assignments);
        replacement.redirects.append(&mut cmd.redirects);
        if cmd.heredoc.is_some() {
            replacement.heredoc = cmd.heredoc.take();
        }
        cmd = replacement;
    }
    Ok(cmd)
}

fn alias_too_complex(name: &str) -> SyntaxError {
    SyntaxError::Unsupported(format!("alias `{name}' with more than one command"))
}
