//! OpenAPI v3 from the playground's schema table (`engine::api::schema`): the root
//! (`/openapi/v3`) and one document per group-version. Enough for the real
//! `kubectl explain` (types, fields, required flags, enums, our own descriptions) and for
//! kubectl's check that the server validates fields itself (each PATCH operation takes
//! `fieldValidation`), so `kubectl create/apply` send `fieldValidation=Strict` and the
//! playground's strict decoding answers. OpenAPI v2 (`/openapi/v2`) is built from the same
//! table in `openapi_v2.rs`.

use super::http::Reply;
use crate::engine::api::discovery::{Resource, RESOURCES};
use crate::engine::api::schema::{self, Ty};
use serde_json::{json, Map, Value};

/// Changes whenever the schema table could: clients cache documents by it.
const HASH: &str = concat!("kubeplay-", env!("CARGO_PKG_VERSION"));

fn gv_path(group: &str) -> String {
    if group.is_empty() {
        "api/v1".into()
    } else {
        format!("apis/{group}/v1")
    }
}

fn root() -> Value {
    let mut paths = Map::new();
    for r in RESOURCES {
        let p = gv_path(r.group);
        paths.insert(
            p.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={HASH}")}),
        );
    }
    json!({"paths": paths})
}

pub(super) const PREFIX: &str = "io.k8s.kubeplay.";

/// Where a document keeps its named schemas: v3's `components/schemas`, v2's `definitions`.
#[derive(Clone, Copy)]
pub(super) enum Version {
    V2,
    V3,
}

fn schema_of(ty: &Ty, version: Version) -> Value {
    match ty {
        Ty::String => json!({"type": "string"}),
        Ty::Integer => json!({"type": "integer", "format": "int32"}),
        Ty::Number => json!({"type": "number", "format": "double"}),
        Ty::Boolean => json!({"type": "boolean"}),
        Ty::Object => json!({"type": "object"}),
        // v3 wraps a reference in allOf so that it can carry a description beside it, as
        // kube-apiserver's v3 does; v2 puts the description next to `$ref`.
        Ty::Named(n) => match version {
            Version::V3 => {
                json!({"allOf": [{"$ref": format!("#/components/schemas/{PREFIX}{n}")}]})
            }
            Version::V2 => json!({"$ref": format!("#/definitions/{PREFIX}{n}")}),
        },
        Ty::Array(inner) => json!({"type": "array", "items": schema_of(inner, version)}),
        Ty::Map(inner) => {
            json!({"type": "object", "additionalProperties": schema_of(inner, version)})
        }
    }
}

/// Every named type a field refers to, so a `$ref` never dangles.
fn named_in(ty: &Ty, out: &mut Vec<&'static str>) {
    match ty {
        Ty::Named(n) => out.push(n),
        Ty::Array(inner) | Ty::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// Every named schema of the table, keyed `io.k8s.kubeplay.NAME`.
pub(super) fn schemas(version: Version) -> Map<String, Value> {
    let mut schemas = Map::new();
    let mut referenced = Vec::new();
    for t in schema::types() {
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in t.fields {
            let mut s = schema_of(&f.ty, version);
            s["description"] = json!(t.field_description(f).unwrap_or_default().en);
            if !f.enum_values.is_empty() {
                s["enum"] = json!(f.enum_values);
            }
            if f.required {
                required.push(f.name);
            }
            named_in(&f.ty, &mut referenced);
            props.insert(f.name.to_string(), s);
        }
        let mut s = json!({"description": t.description().unwrap_or_default().en, "type": "object", "properties": props});
        if !required.is_empty() {
            s["required"] = json!(required);
        }
        if let Some(r) = RESOURCES.iter().find(|r| r.kind == t.name) {
            s["x-kubernetes-group-version-kind"] =
                json!([{"group": r.group, "version": r.version, "kind": r.kind}]);
        }
        schemas.insert(format!("{PREFIX}{}", t.name), s);
    }
    for n in referenced {
        schemas
            .entry(format!("{PREFIX}{n}"))
            .or_insert_with(|| json!({"type": "object"}));
    }
    schemas
}

/// A resource's collection path in a document's `paths`
/// (`/apis/apps/v1/namespaces/{namespace}/statefulsets`); `/{name}` names one object.
pub(super) fn collection_path(r: &Resource) -> String {
    let base = if r.group.is_empty() {
        "/api/v1".to_string()
    } else {
        format!("/apis/{}/v1", r.group)
    };
    if r.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", r.plural)
    } else {
        format!("{base}/{}", r.plural)
    }
}

fn group_doc(group: &str) -> Value {
    let mut paths = Map::new();
    for r in RESOURCES.iter().filter(|r| r.group == group) {
        let scoped = collection_path(r);
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let param = json!([{"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}}]);
        let op = json!({"x-kubernetes-group-version-kind": gvk, "parameters": param});
        paths.insert(
            format!("{scoped}/{{name}}"),
            json!({"get": op, "put": op, "patch": op, "delete": op}),
        );
        paths.insert(scoped, json!({"get": op, "post": op}));
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.34.0"},
        "paths": paths,
        "components": {"schemas": schemas(Version::V3)},
    })
}

/// `/openapi/v2`, `/openapi/v3` and `/openapi/v3/api/v1`, `/openapi/v3/apis/G/v1`.
pub fn handle(path: &str, accept: &str) -> Option<Reply> {
    if path == "/openapi/v2" {
        return Some(super::openapi_v2::reply(accept));
    }
    let rest = path.strip_prefix("/openapi/v3")?;
    if rest.is_empty() {
        return Some(Reply::json(200, &root()));
    }
    let group = match rest
        .trim_start_matches('/')
        .split('/')
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["api", "v1"] => "",
        ["apis", g, "v1"] => RESOURCES.iter().find(|r| r.group == *g)?.group,
        _ => return None,
    };
    Some(Reply::json(200, &group_doc(group)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statefulset_schema_names_its_kind_and_every_ref_resolves() {
        let doc = group_doc("apps");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let sts = &schemas["io.k8s.kubeplay.StatefulSet"];
        assert_eq!(
            sts["x-kubernetes-group-version-kind"][0]["kind"],
            "StatefulSet"
        );
        let text = serde_json::to_string(&doc).unwrap();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "{name}");
        }
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert_eq!(patch["parameters"][0]["name"], "fieldValidation");
    }
}
