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

/// serde_yaml's message without its location suffix, and the line it names.
fn yaml_error(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let msg = text.split(" at line ").next().unwrap_or(&text).to_string();
    match e.location() {
        Some(loc) => format!("yaml: line {}: {msg}", loc.line()),
        None => format!("yaml: {msg}"),
    }
}

/// Parses every document of `text` as kubectl's YAML-to-JSON step reads it
/// ([`yaml_json`]: YAML 1.1's `yes`, `no`, `on`, `off`, octal `0644`).
pub fn parse_docs(text: &str, source: &str) -> Result<Vec<Doc>, String> {
    let mut docs = Vec::new();
    for converted in yaml_json::documents(text) {
        let json = match converted {
            Ok(Some(json)) => json,
            Ok(None) => continue,
            Err(e) => {
                let why = match e {
                    ToJsonError::Yaml(e) => yaml_error(&e),
                    ToJsonError::Json(why) => why,
                };
                return Err(format!(
                    "error parsing {source}: error converting YAML to JSON: {why}"
                ));
            }
        };
        if !json.is_object() {
            return Err(format!("error parsing {source}: json: cannot unmarshal {} into Go value of type map[string]interface {{}}", unmarshal_kind(&json)));
        }
        if json["kind"] == "List" {
            for item in json["items"].as_array().cloned().unwrap_or_default() {
                docs.push(doc(item, source));
            }
        } else {
            docs.push(doc(json, source));
        }
    }
    Ok(docs)
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

/// All documents of every `-f` value (files, directories are not supported).
pub fn read(ctx: &Ctx<'_>, name: &str) -> Result<Vec<Doc>, String> {
    let text = read_source(ctx, name)?;
    let source = if name == "-" {
        "STDIN".to_string()
    } else {
        name.to_string()
    };
    let docs = parse_docs(&text, &source)?;
    if docs.is_empty() {
        return Err("no objects passed to apply".to_string());
    }
    if let Some(why) = docs.iter().find_map(|d| metadata_error(&d.object)) {
        return Err(format!("unable to decode \"{source}\": {why}"));
    }
    Ok(docs)
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

/// kubectl's client-side checks before anything is sent: apiVersion/kind present and a
/// known mapping.
pub fn check(doc: &Doc) -> Result<&'static Resource, String> {
    let mut missing = Vec::new();
    if doc.object["apiVersion"].as_str().is_none_or(str::is_empty) {
        missing.push("apiVersion not set");
    }
    if doc.object["kind"].as_str().is_none_or(str::is_empty) {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        let list = if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        };
        return Err(format!(
            "error validating \"{}\": error validating data: {list}; if you choose to ignore these errors, turn validation off with --validate=false",
            doc.source
        ));
    }
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
