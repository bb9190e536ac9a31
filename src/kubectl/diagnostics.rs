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

/// Whether the editor should check a file as a manifest: YAML or JSON by its name (a
/// `.properties` or `.txt` file kept for `create configmap --from-file` is not one).
pub fn is_manifest_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Everything wrong with `text`, first problem first.
pub fn check_manifest(text: &str) -> Vec<Diagnostic> {
    let docs: Vec<Doc> = match manifest::parse_docs(text, "editor") {
        Ok(d) => d,
        Err(e) => {
            let message = e.message.trim_start_matches("error parsing editor: ");
            return vec![Diagnostic {
                line: e.line,
                message: message.to_string(),
            }];
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
        if r.kind == "Job" {
            // The server generates a Job's selector on create; a manifest without one is
            // what kubernetes.io and `create job` write, not an error.
            defaults::generate_job_selector(&mut obj, "00000000-0000-0000-0000-000000000000");
        }
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
    fn a_yaml_1_1_boolean_where_a_string_belongs_is_marked_at_its_line() {
        // kubectl reads `yes`, `on`, `off`, `n` … as booleans (go-yaml v2); quoted they are strings.
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lamp\n  labels:\n    tier: 'on'\nspec:\n  containers:\n  - name: lamp\n    image: on\n";
        assert_eq!(
            check_manifest(text),
            vec![Diagnostic {
                line: 10,
                message: "json: cannot unmarshal bool into Go struct field Container.spec.containers.image of type string".into()
            }]
        );
    }

    #[test]
    fn only_yaml_and_json_files_are_checked_as_manifests() {
        assert!(
            is_manifest_name("web.yaml") && is_manifest_name("A.YML") && is_manifest_name("x.json")
        );
        assert!(!is_manifest_name("app.properties") && !is_manifest_name("notes.txt"));
    }

    #[test]
    fn a_job_without_a_selector_is_fine_because_the_server_generates_one() {
        let text = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  backoffLimit: 3\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34.0\n";
        assert_eq!(check_manifest(text), []);
        let manual = text.replace("  backoffLimit: 3", "  manualSelector: true");
        let d = check_manifest(&manual);
        assert!(
            d.iter().any(|d| d.message.contains("spec.selector")),
            "{d:?}"
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
