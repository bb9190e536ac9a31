//! Where `--from-literal`, `--from-file` and `--from-env-file` take their keys and values
//! (kubectl's `util.ParseLiteralSource`, `util.ParseFileSource`, `cmdutil.AddFromEnvFile`),
//! read from the terminal's file system, and the API's rules for the keys.

use crate::gofmt::go_quote;
use crate::kubectl::cli::flags::Parsed;
use crate::shell::vfs::VfsError;
use crate::shell::Vfs;

/// The `--from-file`, `--from-literal` and `--from-env-file` values of one command.
pub(super) struct Sources {
    files: Vec<String>,
    literals: Vec<String>,
    env_files: Vec<String>,
}

impl Sources {
    /// The flags' values; `Validate` refuses an env file beside other sources.
    pub(super) fn new(p: &Parsed) -> Result<Sources, String> {
        let s = Sources {
            files: p.all("from-file"),
            literals: p.all("from-literal"),
            env_files: p.all("from-env-file"),
        };
        let others = !(s.files.is_empty() && s.literals.is_empty());
        if others && !s.env_files.is_empty() {
            return Err("from-env-file cannot be combined with from-file or from-literal".into());
        }
        Ok(s)
    }

    /// Hands every key and value to `add`, stopping at the first error: files then
    /// literals for a ConfigMap, literals then files for a Secret (`literals_first`), env
    /// files last. `env_file` names an env file in its directory error.
    pub(super) fn each(
        &self,
        fs: &Vfs,
        literals_first: bool,
        env_file: &str,
        add: &mut dyn FnMut(String, String) -> Result<(), String>,
    ) -> Result<(), String> {
        let from_literals = |add: &mut dyn FnMut(String, String) -> Result<(), String>| {
            self.literals.iter().try_for_each(|l| {
                let (k, v) = literal(l)?;
                add(k, v)
            })
        };
        if literals_first {
            from_literals(add)?;
        }
        for f in &self.files {
            for (k, v) in files(fs, f)? {
                add(k, v)?;
            }
        }
        if !literals_first {
            from_literals(add)?;
        }
        for f in &self.env_files {
            for (k, v) in self::env_file(fs, f, env_file)? {
                add(k, v)?;
            }
        }
        Ok(())
    }
}

/// `key=value` (the value may hold more `=`).
pub(super) fn literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

/// `[key=]path`: the file's key and contents, or every regular file of a directory
/// (named by its file name), in directory order.
pub(super) fn files(fs: &Vfs, source: &str) -> Result<Vec<(String, String)>, String> {
    let (key, path) = file_source(source)?;
    if fs.is_directory(&path) {
        if source.contains('=') {
            return Err("cannot give a key name for a directory path".into());
        }
        let entries = fs
            .list(&path)
            .map_err(|e| format!("error listing files in {path}: {}", errno(e)))?;
        return Ok(entries
            .into_iter()
            .filter_map(|(name, _, file)| Some((name, file?.text.clone())))
            .collect());
    }
    let text = fs
        .read(&path)
        .map_err(|e| format!("error reading {path}: {}", errno(e)))?;
    Ok(vec![(key, text.to_string())])
}

/// `ParseFileSource`: the key defaults to the path's last element.
fn file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => {
            let base = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            let base = if base.is_empty() && source.starts_with('/') {
                "/"
            } else if base.is_empty() {
                "."
            } else {
                base
            };
            Ok((base.to_string(), source.to_string()))
        }
        1 if source.starts_with('=') => {
            Err(format!("key name for file path {} missing", &source[1..]))
        }
        1 if source.ends_with('=') => Err(format!(
            "file path for key name {} missing",
            &source[..source.len() - 1]
        )),
        1 => {
            let (k, p) = source.split_once('=').unwrap_or_default();
            Ok((k.to_string(), p.to_string()))
        }
        _ => Err("key names or file paths cannot contain '='".into()),
    }
}

/// The pairs of an env file: `KEY=value` lines; blank lines and `#` comments skipped;
/// leading white space dropped; a line without `=` takes the variable from kubectl's
/// environment, which in the playground holds nothing. `what` names the file in the
/// directory error (`env config file`, `env secret file`).
pub(super) fn env_file(fs: &Vfs, path: &str, what: &str) -> Result<Vec<(String, String)>, String> {
    if fs.is_directory(path) {
        return Err(format!("{what} cannot be a directory"));
    }
    let text = fs
        .read(path)
        .map_err(|e| format!("error reading {path}: {}", errno(e)))?;
    let mut pairs = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let errs = env_var_name_errors(key);
        if !errs.is_empty() {
            return Err(format!(
                "{} is not a valid key name: {}",
                go_quote(key),
                errs.join(";")
            ));
        }
        pairs.push((key.to_string(), value.to_string()));
    }
    Ok(pairs)
}

/// The C library's text for an `os.Stat`/`os.ReadFile` error, as Go prints it.
fn errno(e: VfsError) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// `validation.IsConfigMapKey`: what may name a key of a ConfigMap or Secret.
pub(super) fn config_key_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string());
    }
    errs.extend(dot_prefix_errors(key));
    errs
}

/// `validation.IsEnvVarName`: what may name a key read from an env file.
fn env_var_name_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut chars = key.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '_' | '.'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        errs.push("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')".to_string());
    }
    errs.extend(dot_prefix_errors(key));
    errs
}

/// `hasChDirPrefix`: a key must not walk out of the directory it is mounted in.
fn dot_prefix_errors(key: &str) -> Option<String> {
    match key {
        "." => Some("must not be '.'".into()),
        ".." => Some("must not be '..'".into()),
        k if k.starts_with("..") => Some("must not start with '..'".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_sources_split_at_the_first_equals_sign() {
        assert_eq!(literal("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(literal("k=").unwrap(), ("k".into(), String::new()));
        assert_eq!(
            literal("=v").unwrap_err(),
            "invalid literal source =v, expected key=value"
        );
        assert!(literal("k").is_err());
    }

    #[test]
    fn file_sources_name_their_key() {
        assert_eq!(file_source("dir/a.txt").unwrap().0, "a.txt");
        assert_eq!(
            file_source("k=dir/a.txt").unwrap(),
            ("k".into(), "dir/a.txt".into())
        );
        assert_eq!(
            file_source("=f").unwrap_err(),
            "key name for file path f missing"
        );
        assert_eq!(
            file_source("k=").unwrap_err(),
            "file path for key name k missing"
        );
        assert_eq!(
            file_source("a=b=c").unwrap_err(),
            "key names or file paths cannot contain '='"
        );
    }

    #[test]
    fn env_files_skip_comments_and_keep_values_verbatim() {
        let mut fs = Vfs::new();
        fs.write(
            "e.env",
            "# c\nFOO=bar\n  BAZ= qux \n\nEMPTY=\nBARE\n",
            false,
        )
        .unwrap();
        let pairs = env_file(&fs, "e.env", "env config file").unwrap();
        let want: Vec<(String, String)> = [
            ("FOO", "bar"),
            ("BAZ", " qux "),
            ("EMPTY", ""),
            ("BARE", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs, want);
        fs.write("bad.env", "1A=b\n", false).unwrap();
        assert!(env_file(&fs, "bad.env", "env config file")
            .unwrap_err()
            .starts_with("\"1A\" is not a valid key name: a valid environment variable name"));
        assert_eq!(
            env_file(&fs, "nope", "env config file").unwrap_err(),
            "error reading nope: no such file or directory"
        );
    }

    #[test]
    fn config_keys_follow_is_config_map_key() {
        assert!(config_key_errors("key.name-1_X").is_empty());
        assert_eq!(config_key_errors(".."), ["must not be '..'"]);
        assert_eq!(config_key_errors("..a"), ["must not start with '..'"]);
        assert_eq!(config_key_errors("a/b").len(), 1);
    }
}
