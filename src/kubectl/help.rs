//! kubectl 1.34's `--help` texts and `kubectl options`, captured from the real binary by
//! `scripts/capture-kubectl-help.sh` into `static/kubectl-help.txt` (each text after a
//! `#### kubectl-help: COMMAND` line).
//!
//! The file is ~140 KB: compiled into the wasm it would land in the first load's data, so
//! the page fetches it after start-up and hands it over with [`install`]; the native
//! runner and the tests compile it in.

use std::sync::OnceLock;

/// What separates the texts in the file.
const MARK: &str = "#### kubectl-help: ";

/// The file, once the page has fetched it.
static INSTALLED: OnceLock<String> = OnceLock::new();

/// Commands whose first argument may name a subcommand with its own help.
const WITH_SUBCOMMANDS: &[&str] = &[
    "auth",
    "config",
    "create",
    "create service",
    "rollout",
    "set",
    "top",
];

/// A subcommand's aliases (`Aliases:` in its help), by the name its text is kept under.
const ALIASES: &[(&str, &str)] = &[
    ("create deploy", "create deployment"),
    ("create ns", "create namespace"),
    ("create pdb", "create poddisruptionbudget"),
    ("create svc", "create service"),
];

/// Why there is no help text to print.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelpError {
    /// The page has not fetched the texts yet.
    #[error("kubeplay: kubectl's help pages are still loading; try again in a moment")]
    NotLoaded,
    /// A kubectl subcommand the playground does not run.
    #[error("kubeplay: `kubectl {0}` is not available in the playground")]
    NotSimulated(String),
}

/// Hands the fetched `static/kubectl-help.txt` to kubectl (the page calls this once).
pub fn install(text: String) {
    let _ = INSTALLED.set(text);
}

#[cfg(not(target_arch = "wasm32"))]
fn file() -> Option<&'static str> {
    Some(INSTALLED.get().map_or(
        include_str!("../../static/kubectl-help.txt"),
        String::as_str,
    ))
}

#[cfg(target_arch = "wasm32")]
fn file() -> Option<&'static str> {
    INSTALLED.get().map(String::as_str)
}

/// The text captured for `command` ("get", "rollout status", "options").
fn lookup(file: &'static str, command: &str) -> Option<&'static str> {
    let start = file.find(&format!("{MARK}{command}\n"))? + MARK.len() + command.len() + 1;
    let len = file[start..].find(MARK).unwrap_or(file.len() - start);
    Some(file[start..start + len].trim_end_matches('\n'))
}

/// The help of `verb` run with `args` (positional words, flags removed): a subcommand's
/// when the first words name one (`rollout status`, `create service nodeport`).
pub fn text(verb: &str, args: &[String]) -> Result<&'static str, HelpError> {
    let file = file().ok_or(HelpError::NotLoaded)?;
    let mut command = verb.to_string();
    for word in args {
        if !WITH_SUBCOMMANDS.contains(&command.as_str()) {
            break;
        }
        let mut sub = format!("{command} {word}");
        if let Some((_, name)) = ALIASES.iter().find(|(alias, _)| *alias == sub) {
            sub = name.to_string();
        }
        if lookup(file, &sub).is_none() {
            return Err(HelpError::NotSimulated(sub));
        }
        command = sub;
    }
    lookup(file, &command).ok_or(HelpError::NotSimulated(command))
}

/// `kubectl options`.
pub fn options() -> Result<&'static str, HelpError> {
    let file = file().ok_or(HelpError::NotLoaded)?;
    lookup(file, "options").ok_or_else(|| HelpError::NotSimulated("options".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn verbs_and_subcommands_have_their_own_text() {
        assert!(text("get", &words("pods"))
            .unwrap()
            .starts_with("Display one or many resources."));
        assert!(text("rollout", &words("status deploy/web"))
            .unwrap()
            .starts_with("Show the status of the rollout."));
        assert!(text("create", &words("service nodeport"))
            .unwrap()
            .starts_with("Create a NodePort service with the specified name."));
        assert!(options()
            .unwrap()
            .starts_with("The following options can be passed to any command:"));
    }

    #[test]
    fn a_subcommand_the_playground_lacks_says_so() {
        assert_eq!(
            text("create", &words("configmap")),
            Err(HelpError::NotSimulated("create configmap".into()))
        );
    }
}
