//! Reading manifests for `-f`: files from the virtual filesystem, `-` for stdin, and the
//! kubernetes.io tutorial URLs (bundled, so they work offline); YAML or JSON, several
//! documents, `kind: List`.

use super::Ctx;
use crate::engine::api::discovery::{self, Resource};
use crate::engine::json::{unmarshal_kind, At};
use crate::kubectl::yaml_json::{self, ToJsonError};
use serde_json::Value;

/// One object from a manifest, with the resource its apiVersion/kind maps to.
#[derive(Debug, Clone)]
pub struct Doc {
    pub object: Value,
    pub resource: Option<&'static Resource>,
    /// Where it came from, as kubectl names it in errors (`web.yaml`, `STDIN`).
    pub source: String,
}

/// Bundled copies of manifests the official tutorials apply by URL.
fn bundled(url: &str) -> Option<&'static str> {
    let path = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("k8s.io/examples/")
        .trim_start_matches("kubernetes.io/examples/")
        .trim_start_matches(
            "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
        );
    super::super::bundled::manifest(path)
}

/// The text behind `-f NAME`.
pub fn read_source(ctx: &Ctx<'_>, name: &str) -> Result<String, String> {
    if name == "-" {
        return Ok(ctx.stdin.unwrap_or("").to_string());
    }
    if name.starts_with("http://") || name.starts_with("https://") {
        return bundled(name).map(String::from).ok_or_else(|| {
            format!("unable to read URL \"{name}\", server reported 404 Not Found, status code=404")
        });
    }
    ctx.fs
        .read(name)
        .map(String::from)
        .map_err(|_| format!("the path \"{name}\" does not exist"))
}

/// A manifest that could not be parsed: kubectl's message, and the line of the whole text
/// the problem is on (the editor marks it).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    /// The document is YAML but not a mapping (a string, a list).
    pub not_an_object: bool,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The problems libyaml's parser (not its scanner) reports: go-yaml names the line before
/// the problem's for these (its marks count from 0 and only scanner errors add one).
const PARSER_PROBLEMS: &[&str] = &[
    "did not find expected <document start>",
    "did not find expected node content",
    "did not find expected key",
    "did not find expected '-' indicator",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "found duplicate %YAML directive",
    "found incompatible YAML document",
    "found duplicate %TAG directive",
    "found undefined tag handle",
];

/// serde_yaml's error as go-yaml words it for one document (`yaml: line 4: did not find
/// expected key`): the line counted from the document's first line, 0-based for a parser
/// problem, 1-based for a scanner one, the context's line when that is 0, none if still 0.
fn yaml_error(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let msg = text.split(" at line ").next().unwrap_or(&text).to_string();
    let Some(loc) = e.location() else {
        return format!("yaml: {msg}");
    };
    let line = match loc.line().saturating_sub(1) {
        0 => context_line(&text).unwrap_or(0),
        n if PARSER_PROBLEMS.contains(&msg.as_str()) => n,
        n => n + 1,
    };
    match line {
        0 => format!("yaml: {msg}"),
        n => format!("yaml: line {n}: {msg}"),
    }
}

/// The 0-based line of serde_yaml's `, while parsing … at line N column M`.
fn context_line(text: &str) -> Option<usize> {
    let (_, context) = text.split_once(", while ")?;
    let n: usize = context
        .split(" at line ")
        .nth(1)?
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    Some(n - 1)
}

/// The documents of a stream as kubectl's YAML reader cuts them, each with the 0-based
/// line it starts on: at every line that starts with `---` followed by nothing but
/// spaces or a comment. A JSON stream is one document. A line starting with `---` and
/// anything else (`---x`, `----`) ends the stream with the reader's error, losing the
/// document it was reading (`YAMLReader.Read`).
fn documents<'t>(text: &'t str, source: &str) -> (Vec<(usize, &'t str)>, Option<ParseError>) {
    if text.trim_start().starts_with('{') {
        return (vec![(0, text)], None);
    }
    let mut out = Vec::new();
    let (mut start, mut start_line, mut at) = (0, 0, 0);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---").map(str::trim) {
            if !rest.is_empty() && !rest.starts_with('#') {
                let error = ParseError {
                    message: format!(
                        "error parsing {source}: invalid Yaml document separator: {rest}"
                    ),
                    line: i + 1,
                    not_an_object: false,
                };
                return (out, Some(error));
            }
            out.push((start_line, &text[start..at]));
            start = at + line.len();
            start_line = i + 1;
        }
        at += line.len();
    }
    out.push((start_line, &text[start..]));
    (out, None)
}

/// One document's objects (none for an empty one; a `kind: List`'s items).
fn parse_document(text: &str, first_line: usize, source: &str) -> Result<Vec<Doc>, ParseError> {
    let json = match yaml_json::documents(text).into_iter().next() {
        None | Some(Ok(None)) => return Ok(Vec::new()),
        Some(Ok(Some(json))) => json,
        Some(Err(e)) => {
            let (why, line) = match e {
                ToJsonError::Yaml(e) => {
                    let line = e.location().map_or(1, |l| l.line());
                    (yaml_error(&e), first_line + line)
                }
                ToJsonError::Json(why) => (why, first_line + 1),
            };
            return Err(ParseError {
                message: format!("error parsing {source}: error converting YAML to JSON: {why}"),
                line,
                not_an_object: false,
            });
        }
    };
    if !json.is_object() {
        return Err(ParseError {
            message: format!(
                "error parsing {source}: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                unmarshal_kind(&json)
            ),
            line: first_line + 1,
            not_an_object: true,
        });
    }
    if json["kind"] == "List" {
        let items = json["items"].as_array().cloned().unwrap_or_default();
        return Ok(items.into_iter().map(|item| doc(item, source)).collect());
    }
    Ok(vec![doc(json, source)])
}

/// Parses every document of `text` as kubectl's YAML-to-JSON step reads it
/// ([`yaml_json`]: YAML 1.1's `yes`, `no`, `on`, `off`, octal `0644`).
pub fn parse_docs(text: &str, source: &str) -> Result<Vec<Doc>, ParseError> {
    let mut docs = Vec::new();
    let (texts, stream_error) = documents(text, source);
    for (line, text) in texts {
        docs.extend(parse_document(text, line, source)?);
    }
    match stream_error {
        Some(e) => Err(e),
        None => Ok(docs),
    }
}

fn doc(object: Value, source: &str) -> Doc {
    let api_version = object["apiVersion"].as_str().unwrap_or("");
    let kind = object["kind"].as_str().unwrap_or("");
    let resource = discovery::RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version);
    Doc {
        object,
        resource,
        source: source.to_string(),
    }
}

/// The name kubectl gives `-f NAME`'s objects in errors.
fn source_name(name: &str) -> String {
    if name == "-" {
        "STDIN".to_string()
    } else {
        name.to_string()
    }
}

/// All documents of one `-f` value (a file, `-` or a URL).
pub fn read(ctx: &Ctx<'_>, name: &str) -> Result<Vec<Doc>, String> {
    let text = read_source(ctx, name)?;
    let source = source_name(name);
    let docs = parse_docs(&text, &source).map_err(|e| e.message)?;
    if docs.is_empty() {
        return Err("no objects passed to apply".to_string());
    }
    if let Some(why) = docs.iter().find_map(|d| metadata_error(&d.object)) {
        return Err(format!("unable to decode \"{source}\": {why}"));
    }
    Ok(docs)
}

/// One `-f` value as `create -f` and `apply -f` read it (cli-runtime's stream visitor):
/// each object, or the error kubectl reports for its document. A document that does not
/// parse, is no object, or has no apiVersion or kind ends the file there (what came
/// before it is still written); one whose metadata does not decode or whose kind the
/// server does not serve is reported and the file is read on.
pub fn read_each(ctx: &Ctx<'_>, name: &str) -> Vec<Result<Doc, String>> {
    let text = match read_source(ctx, name) {
        Ok(t) => t,
        Err(e) => return vec![Err(e)],
    };
    let source = source_name(name);
    let mut out = Vec::new();
    let (texts, stream_error) = documents(&text, &source);
    for (line, text) in texts {
        let docs = match parse_document(text, line, &source) {
            Ok(docs) => docs,
            Err(e) if e.not_an_object => {
                out.push(Err(format!(
                    "error validating \"{source}\": error validating data: invalid object to validate; {STOP_VALIDATE}"
                )));
                return out;
            }
            Err(e) => {
                out.push(Err(e.message));
                return out;
            }
        };
        for doc in docs {
            if let Err(e) = check_type(&doc) {
                out.push(Err(e));
                return out;
            }
            if let Some(why) = metadata_error(&doc.object) {
                out.push(Err(format!("unable to decode \"{source}\": {why}")));
                continue;
            }
            out.push(check(&doc).map(|_| doc));
        }
    }
    out.extend(stream_error.map(|e| Err(e.message)));
    out
}

/// kubectl reads each object's metadata into Go's ObjectMeta before it sends anything
/// (cli-runtime's metadataValidatingDecoder), so `name: yes` (a boolean in YAML 1.1)
/// stops it there: `json: cannot unmarshal bool into Go struct field
/// ObjectMeta.metadata.name of type string`.
fn metadata_error(obj: &Value) -> Option<String> {
    let meta = obj.get("metadata").filter(|m| !m.is_null())?;
    if !meta.is_object() {
        return Some(format!(
            "json: cannot unmarshal {} into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta",
            unmarshal_kind(meta)
        ));
    }
    // Every kind's metadata is the same ObjectMeta.
    let only = serde_json::json!({ "metadata": meta });
    crate::engine::api::decoding::type_error("ConfigMap", &only).map(|m| m.message)
}

/// What kubectl adds to a client-side validation error.
const STOP_VALIDATE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

/// kubectl's schema check before it decodes an object: apiVersion and kind present.
fn check_type(doc: &Doc) -> Result<(), String> {
    let mut missing = Vec::new();
    if doc.object["apiVersion"].as_str().is_none_or(str::is_empty) {
        missing.push("apiVersion not set");
    }
    if doc.object["kind"].as_str().is_none_or(str::is_empty) {
        missing.push("kind not set");
    }
    let list = match missing[..] {
        [] => return Ok(()),
        [one] => one.to_string(),
        _ => format!("[{}]", missing.join(", ")),
    };
    Err(format!(
        "error validating \"{}\": error validating data: {list}; {STOP_VALIDATE}",
        doc.source
    ))
}

/// kubectl's client-side checks before anything is sent: apiVersion/kind present and a
/// known mapping.
pub fn check(doc: &Doc) -> Result<&'static Resource, String> {
    check_type(doc)?;
    doc.resource.ok_or_else(|| {
        format!(
            "resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{}\" in version \"{}\"\nensure CRDs are installed first",
            doc.object.at("/metadata/name").and_then(Value::as_str).unwrap_or(""),
            doc.object.at("/metadata/namespace").and_then(Value::as_str).unwrap_or(""),
            doc.source,
            doc.object["kind"].as_str().unwrap_or(""),
            doc.object["apiVersion"].as_str().unwrap_or("")
        )
    })
}

/// A `metadata` string of a manifest's object (`""` when missing).
pub fn meta<'v>(obj: &'v Value, key: &str) -> &'v str {
    obj.get("metadata")
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The files `-f NAME…` stands for, as kubectl's builder expands them: a directory gives
/// its `.json`, `.yaml` and `.yml` files in name order (its subdirectories too with
/// `-R`); `-` and URLs stay as they are. Every path must exist first.
pub fn expand_paths(
    ctx: &Ctx<'_>,
    names: &[String],
    recursive: bool,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in names {
        if name == "-" || name.contains("://") {
            out.push(name.clone());
        } else if ctx.fs.is_directory(name) {
            walk(ctx, name.trim_end_matches('/'), recursive, &mut out);
        } else if ctx.fs.exists(name) {
            out.push(name.clone());
        } else {
            return Err(format!("the path \"{name}\" does not exist"));
        }
    }
    Ok(out)
}

fn walk(ctx: &Ctx<'_>, dir: &str, recursive: bool, out: &mut Vec<String>) {
    let Ok(entries) = ctx.fs.list(dir) else {
        return;
    };
    for (name, is_dir, _) in entries {
        let path = format!("{dir}/{name}");
        if is_dir {
            if recursive {
                walk(ctx, &path, recursive, out);
            }
        } else if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> String {
        parse_docs(text, "f.yaml").unwrap_err().message
    }

    #[test]
    fn a_parser_error_names_the_line_before_the_problem_counted_in_its_document() {
        let text = "kind: A\n---\na: 1\nb:\n  c: 1\n d: 2\n";
        assert_eq!(
            parse_error(text),
            "error parsing f.yaml: error converting YAML to JSON: yaml: line 3: did not find expected key"
        );
    }

    #[test]
    fn a_scanner_error_names_its_own_line_and_none_on_the_first() {
        let text = "a: 1\n---\na:\n  x: : y\n";
        assert!(parse_error(text)
            .ends_with("yaml: line 2: mapping values are not allowed in this context"));
        let first = "a: 1\n---\n x: : y\n";
        assert!(
            parse_error(first).ends_with("yaml: mapping values are not allowed in this context")
        );
    }

    #[test]
    fn the_editor_is_given_the_line_of_the_whole_text() {
        let err = parse_docs("kind: A\n---\na: 1\nb:\n  c: 1\n d: 2\n", "f").unwrap_err();
        assert_eq!(err.line, 6);
    }

    #[test]
    fn documents_are_cut_at_separator_lines_only() {
        let (docs, error) = documents("a: 1\n--- # two\nb: '---'\n", "f");
        assert_eq!(docs, vec![(0, "a: 1\n"), (2, "b: '---'\n")]);
        assert!(error.is_none());
    }

    #[test]
    fn a_separator_followed_by_more_than_a_comment_ends_the_stream() {
        let (docs, error) = documents("a: 1\n---\nb: 2\n---x\nc: 3\n", "f.yaml");
        assert_eq!(docs, vec![(0, "a: 1\n")], "the document being read is lost");
        let error = error.expect("an error");
        assert_eq!(
            error.message,
            "error parsing f.yaml: invalid Yaml document separator: x"
        );
        assert_eq!(error.line, 4);
        let (_, four_dashes) = documents("----\n", "f");
        assert!(four_dashes.unwrap().message.ends_with("separator: -"));
    }
}
