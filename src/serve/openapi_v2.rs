//! OpenAPI v2 (`/openapi/v2`) from the same schema table as v3 (`openapi::schemas`), as
//! JSON (`Accept: application/json`: client libraries, `kubectl get --raw`) or as the
//! protobuf kube-apiserver sends kubectl (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
//! gnostic's `openapi_v2.Document`), which kubectl 1.34 reads for `kubectl explain
//! --output=plaintext-openapiv2` and where a manifest's group-version has no v3 document.
//!
//! The protobuf carries what kubectl's readers (kube-openapi's `proto` models) use: the
//! definitions with their types, descriptions, required fields, enums and
//! `x-kubernetes-group-version-kind`, and the paths' operations with their kinds.

use super::http::Reply;
use super::openapi::{collection_path, schemas, Version, PREFIX};
use crate::engine::api::discovery::RESOURCES;
use serde_json::{json, Map, Value};

const PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The v2 document as JSON.
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in RESOURCES {
        let scoped = collection_path(r);
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let param = json!([{"uniqueItems": true, "type": "string", "name": "fieldValidation", "in": "query"}]);
        let op = json!({"x-kubernetes-group-version-kind": gvk, "parameters": param,
            "responses": {"200": {"description": "OK", "schema": {"$ref": format!("#/definitions/{PREFIX}{}", r.kind)}}}});
        paths.insert(
            format!("{scoped}/{{name}}"),
            json!({"get": op, "put": op, "patch": op, "delete": op}),
        );
        paths.insert(scoped, json!({"get": op, "post": op}));
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.34.0"},
        "paths": paths,
        "definitions": schemas(Version::V2),
    })
}

/// `GET /openapi/v2`: protobuf when the client asks for it first, JSON otherwise.
pub fn reply(accept: &str) -> Reply {
    let doc = document();
    let first = accept.split(',').next().unwrap_or("");
    if first.contains("protobuf") {
        return Reply {
            code: 200,
            content_type: PROTOBUF.into(),
            body: encode_document(&doc),
        };
    }
    Reply::json(200, &doc)
}

// --- protobuf wire format: only length-delimited fields and one bool are needed ----------

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn bytes_field(field: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(field << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn string_field(field: u64, s: &str, out: &mut Vec<u8>) {
    bytes_field(field, s.as_bytes(), out);
}

/// gnostic's `Any` holds a value as YAML text; JSON is YAML.
fn any(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(2, &v.to_string(), &mut out);
    out
}

/// `NamedAny{name, value}`, the shape of every vendor extension.
fn named_any(name: &str, v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(1, name, &mut out);
    bytes_field(2, &any(v), &mut out);
    out
}

/// `Schema` (gnostic openapi_v2.Schema field numbers).
fn encode_schema(s: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(map) = s.as_object() else {
        return out;
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        string_field(1, r, &mut out);
    }
    if let Some(f) = map.get("format").and_then(Value::as_str) {
        string_field(2, f, &mut out);
    }
    if let Some(d) = map.get("description").and_then(Value::as_str) {
        string_field(4, d, &mut out);
    }
    for r in map
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        string_field(19, r.as_str().unwrap_or_default(), &mut out);
    }
    for e in map
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        bytes_field(20, &any(e), &mut out);
    }
    if let Some(a) = map.get("additionalProperties") {
        let mut item = Vec::new();
        bytes_field(1, &encode_schema(a), &mut item);
        bytes_field(21, &item, &mut out);
    }
    if let Some(t) = map.get("type").and_then(Value::as_str) {
        let mut item = Vec::new();
        string_field(1, t, &mut item);
        bytes_field(22, &item, &mut out);
    }
    if let Some(items) = map.get("items") {
        let mut item = Vec::new();
        bytes_field(1, &encode_schema(items), &mut item);
        bytes_field(23, &item, &mut out);
    }
    for a in map
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        bytes_field(24, &encode_schema(a), &mut out);
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        bytes_field(25, &named_schemas(props), &mut out);
    }
    for (k, v) in map.iter().filter(|(k, _)| k.starts_with("x-")) {
        bytes_field(31, &named_any(k, v), &mut out);
    }
    out
}

/// `Properties` and `Definitions` alike: `repeated NamedSchema additional_properties = 1`.
fn named_schemas(map: &Map<String, Value>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, s) in map {
        let mut named = Vec::new();
        string_field(1, name, &mut named);
        bytes_field(2, &encode_schema(s), &mut named);
        bytes_field(1, &named, &mut out);
    }
    out
}

/// `Operation`: the kind it serves (vendor extension, field 13).
fn encode_operation(op: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in op.as_object().into_iter().flatten() {
        if k.starts_with("x-") {
            bytes_field(13, &named_any(k, v), &mut out);
        }
    }
    out
}

/// `Paths{path = 2: NamedPathItem{name, PathItem{get = 2, put, post, delete, …, patch = 8}}}`.
fn encode_paths(paths: &Map<String, Value>) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, item) in paths {
        let mut path_item = Vec::new();
        for (field, method) in [
            (2, "get"),
            (3, "put"),
            (4, "post"),
            (5, "delete"),
            (8, "patch"),
        ] {
            if let Some(op) = item.get(method) {
                bytes_field(field, &encode_operation(op), &mut path_item);
            }
        }
        let mut named = Vec::new();
        string_field(1, path, &mut named);
        bytes_field(2, &path_item, &mut named);
        bytes_field(2, &named, &mut out);
    }
    out
}

/// `Document{swagger = 1, info = 2, paths = 8, definitions = 9}`.
fn encode_document(doc: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(1, doc["swagger"].as_str().unwrap_or("2.0"), &mut out);
    let mut info = Vec::new();
    string_field(
        1,
        doc["info"]["title"].as_str().unwrap_or_default(),
        &mut info,
    );
    string_field(
        2,
        doc["info"]["version"].as_str().unwrap_or_default(),
        &mut info,
    );
    bytes_field(2, &info, &mut out);
    if let Some(paths) = doc["paths"].as_object() {
        bytes_field(8, &encode_paths(paths), &mut out);
    }
    if let Some(defs) = doc["definitions"].as_object() {
        bytes_field(9, &named_schemas(defs), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v2_pod_definition_names_its_kind_and_every_ref_resolves() {
        let doc = document();
        let defs = doc["definitions"].as_object().unwrap();
        let pod = &defs["io.k8s.kubeplay.Pod"];
        assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod");
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains("#/components/"));
        for part in text.split("#/definitions/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(defs.contains_key(name), "{name}");
        }
    }

    #[test]
    fn kubectl_gets_protobuf_and_other_clients_json() {
        let proto = reply("application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        assert_eq!(proto.content_type, PROTOBUF);
        // Document.swagger (field 1, length-delimited) comes first: "2.0".
        assert_eq!(&proto.body[..5], &[0x0a, 3, b'2', b'.', b'0']);
        let json = reply("application/json");
        let doc: Value = serde_json::from_slice(&json.body).unwrap();
        assert_eq!(doc["swagger"], "2.0");
    }
}
