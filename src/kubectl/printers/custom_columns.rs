//! `kubectl get -o custom-columns=NAME:.metadata.name,…`.

use super::{jsonpath, tabwriter};
use crate::gofmt;
use serde_json::Value;

/// A bad `-o custom-columns` spec; `Display` is kubectl's message after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomColumnsError {
    /// `-o custom-columns=` with nothing after it.
    #[error("custom-columns format specified but no custom columns given")]
    Empty,
    /// A column without `:`.
    #[error("unexpected custom-columns spec: {0}, expected <header>:<json-path-expr>")]
    BadSpec(String),
    /// The path is not a relaxed JSONPath expression.
    #[error("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{{name1.name2}}' or '{{.name1.name2}}'")]
    BadPath(String),
    /// The JSONPath does not parse.
    #[error("{0}")]
    Parse(String),
}

/// One column: its header and its JSONPath template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub template: String,
}

/// `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}`, `{.a.b}` → `{.a.b}`.
fn relaxed(expr: &str) -> Result<String, CustomColumnsError> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let no_braces = |s: &str| !s.is_empty() && !s.contains(['{', '}']);
    let inner = expr
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .map(|s| s.strip_prefix('.').unwrap_or(s))
        .filter(|s| no_braces(s))
        .or_else(|| Some(expr.strip_prefix('.').unwrap_or(expr)).filter(|s| no_braces(s)));
    inner
        .map(|s| format!("{{.{s}}}"))
        .ok_or_else(|| CustomColumnsError::BadPath(expr.to_string()))
}

/// Parse the value of `-o custom-columns=`.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, CustomColumnsError> {
    if spec.is_empty() {
        return Err(CustomColumnsError::Empty);
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part
                .split_once(':')
                .ok_or_else(|| CustomColumnsError::BadSpec(part.to_string()))?;
            let template = relaxed(path)?;
            jsonpath::parse(&template).map_err(|e| CustomColumnsError::Parse(e.to_string()))?;
            Ok(Column {
                header: header.to_string(),
                template,
            })
        })
        .collect()
}

/// One cell: all results joined by `,`, `<none>` when there are none.
fn cell(column: &Column, obj: &Value) -> String {
    let results = jsonpath::find_results(&column.template, obj).unwrap_or_default();
    if results.first().is_none_or(Vec::is_empty) {
        let mut values = vec!["<none>".to_string()];
        values.extend(results.iter().flatten().map(gofmt::go_sprint));
        return values.join(",");
    }
    let values: Vec<String> = results.iter().flatten().map(gofmt::go_sprint).collect();
    values.join(",")
}

/// Header row plus one row per object, laid out like `kubectl get`.
pub fn render(spec: &str, objects: &[Value]) -> Result<Vec<String>, CustomColumnsError> {
    let columns = parse_spec(spec)?;
    let mut rows = vec![columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>()];
    for obj in objects {
        rows.push(columns.iter().map(|c| cell(c, obj)).collect());
    }
    Ok(tabwriter::format_table(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Vec<Value> {
        vec![
            json!({"metadata": {"name": "web-0"}, "spec": {"containers": [{"image": "nginx"}, {"image": "busybox"}]}}),
            json!({"metadata": {"name": "web-1"}, "spec": {"containers": []}}),
        ]
    }

    #[test]
    fn columns_join_multiple_results_with_commas_and_show_none_when_missing() {
        let out = render(
            "NAME:.metadata.name,IMAGE:.spec.containers[*].image,NODE:.spec.nodeName",
            &pods(),
        );
        assert_eq!(
            out,
            Ok(vec![
                "NAME    IMAGE           NODE".to_string(),
                "web-0   nginx,busybox   <none>".to_string(),
                "web-1   <none>          <none>".to_string(),
            ])
        );
    }

    #[test]
    fn relaxed_paths_accept_braces_and_missing_dots() {
        let cols =
            parse_spec("A:metadata.name,B:{.metadata.name},C:{metadata.name}").unwrap_or_default();
        assert!(cols.iter().all(|c| c.template == "{.metadata.name}"));
    }

    #[test]
    fn spec_errors_use_kubectl_messages() {
        assert_eq!(
            render("", &[]).map_err(|e| e.to_string()),
            Err("custom-columns format specified but no custom columns given".to_string())
        );
        assert_eq!(
            render("NAME", &[]).map_err(|e| e.to_string()),
            Err(
                "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
                    .to_string()
            )
        );
        assert_eq!(
            render("N:{a}{b}", &[]).map_err(|e| e.to_string()),
            Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".to_string())
        );
    }

    #[test]
    fn map_values_print_like_go_fmt() {
        let out = render(
            "L:.metadata.labels",
            &[json!({"metadata": {"labels": {"app": "web", "tier": "fe"}}})],
        );
        assert_eq!(
            out,
            Ok(vec!["L".to_string(), "map[app:web tier:fe]".to_string()])
        );
    }
}
