//! Problems in a manifest as the editor shows them, at their line, while typing: YAML
//! syntax, missing apiVersion/kind, kinds the server does not serve, values of the wrong
//! type, unknown fields (strict decoding) and the API server's validation — the texts
//! `kubectl apply` would print for them.

use super::cli::manifest::{self, Doc};
use crate::engine::api::decoding::{self, DecodeError};
use crate::engine::apiserver::{defaults, validation};

/// One problem, at a 1-based line of the editor's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub message: String,
}

/// Where each `---`-separated document starts (1-based line numbers).
fn document_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![1];
    for (i, l) in text.lines().enumerate() {
        if l.trim_end() == "---" && i > 0 {
            starts.push(i + 2);
        }
    }
    starts
}

/// The line of a dotted field path (`spec.template.spec.containers[0].imagee`) within the
/// document starting at `start`: each key is looked for after the previous one.
fn line_of(text: &str, start: usize, path: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = start.saturating_sub(1);
    for segment in path.split('.') {
        let key = segment.split('[').next().unwrap_or(segment);
        if key.is_empty() {
            continue;
        }
        let found = lines.iter().enumerate().skip(at).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&format!("{key}:")) || t.starts_with(&format!("\"{key}\":"))
        });
        match found {
            Some((i, _)) => at = i,
            None => break,
        }
    }
    at + 1
}

/// Everything wrong with `text`, first problem first.
pub fn check_manifest(text: &str) -> Vec<Diagnostic> {
    let docs: Vec<Doc> = match manifest::parse_docs(text, "editor") {
        Ok(d) => d,
        Err(e) => {
            let line = e
                .split("yaml: line ")
                .nth(1)
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let message = e.trim_start_matches("error parsing editor: ").to_string();
            return vec![Diagnostic { line, message }];
        }
    };
    let starts = document_starts(text);
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let start = starts.get(i).copied().unwrap_or(1);
        let r = match manifest::check(doc) {
            Ok(r) => r,
            Err(e) => {
                out.push(Diagnostic {
                    line: start,
                    message: e
                        .replace("from \"editor\"", "")
                        .replace("\"editor\"", "this file"),
                });
                continue;
            }
        };
        match decoding::decode_error(r.kind, &doc.object) {
            // The server stops at a value of the wrong type: nothing after it is checked.
            Some(DecodeError::WrongType(mismatch)) => {
                out.push(Diagnostic {
                    line: line_of(text, start, &mismatch.path),
                    message: mismatch.message,
                });
                continue;
            }
            Some(DecodeError::UnknownFields(unknown)) => {
                for path in unknown {
                    out.push(Diagnostic {
                        line: line_of(text, start, &path),
                        message: format!("strict decoding error: unknown field \"{path}\""),
                    });
                }
            }
            None => {}
        }
        let mut obj = doc.object.clone();
        defaults::apply(r.kind, &mut obj);
        for e in validation::validate(r.kind, &obj) {
            out.push(Diagnostic {
                line: line_of(text, start, &e.field),
                message: e.to_string(),
            });
        }
    }
    crate::sort::sort_by_key(&mut out, |d| d.line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_syntax_error_is_reported_at_its_line() {
        let d = check_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: : :\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("yaml: line"), "{d:?}");
        assert!(d[0].line >= 4, "{d:?}");
    }

    #[test]
    fn an_unknown_field_points_at_the_misspelled_key() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replica: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let d = check_manifest(text);
        assert_eq!(
            d,
            vec![Diagnostic {
                line: 6,
                message: "strict decoding error: unknown field \"spec.replica\"".into()
            }]
        );
    }

    #[test]
    fn an_unquoted_env_value_is_marked_at_its_line_with_the_decoding_error() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        env:\n        - name: PORT\n          value: 8080\n";
        assert_eq!(
            check_manifest(text),
            vec![Diagnostic {
                line: 17,
                message: "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string".into()
            }]
        );
    }

    #[test]
    fn a_selector_that_misses_the_labels_is_reported_on_the_labels_line() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let d = check_manifest(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 10);
        assert!(
            d[0].message
                .starts_with("spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}"),
            "{d:?}"
        );
    }

    #[test]
    fn a_valid_statefulset_has_no_problems() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        assert_eq!(check_manifest(text), vec![]);
    }
}
