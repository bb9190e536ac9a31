//! How the API server decodes a manifest into Go structs, before validation: a value of
//! the wrong JSON type (`replicas: "3"`, an env `value: 8080`) stops it with Go's
//! `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
//! int32`; otherwise strict field validation reports every unknown field.
//!
//! Only what the schema table says for sure is checked. Values with decoders of their own
//! (IntOrString, Quantity, Time), free-form objects, numbers and string enums (whose Go
//! type names the table does not carry) are let through.

use super::schema::{type_named, unknown_fields, Field, Ty, Type};
use crate::engine::json::unmarshal_kind;
use serde_json::Value;

/// Integer fields declared `int64` in Go (the rest are `int32`).
const INT64_FIELDS: &[&str] = &[
    "activeDeadlineSeconds",
    "deletionGracePeriodSeconds",
    "expirationSeconds",
    "fsGroup",
    "generation",
    "observedGeneration",
    "revision",
    "runAsGroup",
    "runAsUser",
    "seconds",
    "startingDeadlineSeconds",
    "terminationGracePeriodSeconds",
    "tolerationSeconds",
];

/// A value Go's decoder cannot store in its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch {
    /// The field's dotted path, without list indexes (`spec.template.spec.containers.env.value`).
    pub path: String,
    /// Go's words for it (`json: cannot unmarshal …`).
    pub message: String,
}

impl std::fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why the server cannot decode an object, as it finds out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The first value of the wrong type: decoding stops there.
    WrongType(TypeMismatch),
    /// The dotted paths of fields the schema does not know (`--validate=strict`).
    UnknownFields(Vec<String>),
}

/// What stops the server decoding `obj` (a `kind`), if anything.
pub fn decode_error(kind: &str, obj: &Value) -> Option<DecodeError> {
    first_error(Decoder::Json, kind, obj)
}

/// What stops the server storing `obj` (a `kind`) after a strategic merge patch: the
/// converter's words for a wrong type, then strict field validation.
pub fn patch_error(kind: &str, obj: &Value) -> Option<DecodeError> {
    first_error(Decoder::Unstructured, kind, obj)
}

fn first_error(decoder: Decoder, kind: &str, obj: &Value) -> Option<DecodeError> {
    if let Some(mismatch) = first_mismatch(decoder, kind, obj) {
        return Some(DecodeError::WrongType(mismatch));
    }
    let unknown = unknown_fields(kind, obj);
    (!unknown.is_empty()).then_some(DecodeError::UnknownFields(unknown))
}

impl DecodeError {
    /// The words the server puts in its error.
    pub fn message(&self) -> String {
        match self {
            DecodeError::WrongType(mismatch) => mismatch.message.clone(),
            DecodeError::UnknownFields(unknown) => {
                let list: Vec<String> = unknown
                    .iter()
                    .map(|f| format!("unknown field \"{f}\""))
                    .collect();
                format!("strict decoding error: {}", list.join(", "))
            }
        }
    }
}

/// The two ways the server turns a JSON object into a Go struct, which word a value of
/// the wrong type differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoder {
    /// `encoding/json`-style decoding of a request body (create, JSON and merge patches).
    Json,
    /// apimachinery's unstructured converter, which reads the result of a strategic merge
    /// patch: `unrecognized type: int32`, `cannot restore slice from string`.
    Unstructured,
}

/// The first value of `obj` (a `kind`) that Go's decoder cannot store, or `None` when
/// every value fits. Struct fields are visited in key order.
pub fn type_error(kind: &str, obj: &Value) -> Option<TypeMismatch> {
    first_mismatch(Decoder::Json, kind, obj)
}

/// The first value of `obj` (a `kind`, after a strategic merge patch) that the
/// unstructured converter cannot store, in its words.
pub fn conversion_error(kind: &str, obj: &Value) -> Option<TypeMismatch> {
    first_mismatch(Decoder::Unstructured, kind, obj)
}

fn first_mismatch(decoder: Decoder, kind: &str, obj: &Value) -> Option<TypeMismatch> {
    in_object(decoder, type_named(kind)?, obj, &mut Vec::new())
}

fn in_object<'v>(
    decoder: Decoder,
    t: &'static Type,
    obj: &'v Value,
    path: &mut Vec<&'v str>,
) -> Option<TypeMismatch> {
    let fields = obj.as_object()?;
    for (key, value) in fields {
        let Some(field) = t.field(key) else { continue };
        path.push(key);
        let found = in_value(decoder, t, field, &field.ty, value, path);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `value` as field `field` of struct `owner` (or an element of it) of type `ty`.
fn in_value<'v>(
    decoder: Decoder,
    owner: &'static Type,
    field: &Field,
    ty: &Ty,
    value: &'v Value,
    path: &mut Vec<&'v str>,
) -> Option<TypeMismatch> {
    if value.is_null() {
        return None; // Go leaves the field as it is
    }
    let wrong = |go_type: String| {
        let path = path.join(".");
        let message = match decoder {
            Decoder::Json => format!(
                "json: cannot unmarshal {} into Go struct field {}.{path} of type {go_type}",
                what(value, ty),
                owner.name,
            ),
            Decoder::Unstructured => converter_words(value, ty, &go_type),
        };
        Some(TypeMismatch { message, path })
    };
    let int_type = || {
        if INT64_FIELDS.contains(&field.name) {
            "int64"
        } else {
            "int32"
        }
    };
    match (decoder, ty) {
        // A string enum is a named Go string type: JSON's message would need its name,
        // which the table does not carry; the converter only names its kind.
        (Decoder::Json, Ty::String) if field.enum_values.is_empty() && !value.is_string() => {
            wrong("string".into())
        }
        (Decoder::Unstructured, Ty::String) if !value.is_string() => wrong("string".into()),
        (_, Ty::Boolean) if !value.is_boolean() => wrong("bool".into()),
        (Decoder::Json, Ty::Integer) => {
            let go = int_type();
            let fits = match value.as_i64() {
                Some(n) if go == "int32" => i32::try_from(n).is_ok(),
                Some(_) => true,
                None => false,
            };
            (!fits).then(|| wrong(go.into())).flatten()
        }
        // The converter casts any whole number, however large.
        (Decoder::Unstructured, Ty::Integer) => {
            let whole =
                value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f == f.trunc());
            (!whole).then(|| wrong(int_type().into())).flatten()
        }
        (_, Ty::Array(inner)) => match value.as_array() {
            None => wrong(go_type(ty)?),
            Some(items) => items
                .iter()
                .find_map(|item| in_value(decoder, owner, field, inner, item, path)),
        },
        (_, Ty::Map(inner)) => match value.as_object() {
            None => wrong(go_type(ty)?),
            Some(entries) => entries
                .values()
                .find_map(|v| in_value(decoder, owner, field, inner, v, path)),
        },
        (_, Ty::Named(_)) => {
            let t = ty.element_type()?;
            if value.is_object() {
                in_object(decoder, t, value, path)
            } else {
                wrong(go_type(ty)?)
            }
        }
        _ => None,
    }
}

/// What apimachinery's `fromUnstructured` says when `value` does not fit `ty`: JSON
/// integers reach it as int64 and other numbers as float64, and of those only an int64
/// may become a string (Go's reflect calls that convertible, and the converter refuses).
fn converter_words(value: &Value, ty: &Ty, go_type: &str) -> String {
    let kind = match value {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Array(_) => "slice",
        _ => "map",
    };
    match ty {
        Ty::Array(_) => format!("cannot restore slice from {kind}"),
        Ty::Map(_) => format!("cannot restore map from {kind}"),
        Ty::Named(_) => format!("cannot restore struct from: {kind}"),
        Ty::String if kind == "int64" => "cannot convert int64 to string".into(),
        Ty::Integer if kind == "float64" => format!("cannot convert float64 to {go_type}"),
        _ => format!("unrecognized type: {go_type}"),
    }
}

/// The value's kind as Go's decoder names it; a number that an integer field cannot hold
/// (a fraction, or too big) is named with its digits.
fn what(value: &Value, ty: &Ty) -> String {
    match value {
        Value::Number(n) if *ty == Ty::Integer => format!("number {n}"),
        other => unmarshal_kind(other).to_string(),
    }
}

/// The Go type of a list or map field, when the table says enough to name it.
fn go_type(ty: &Ty) -> Option<String> {
    match ty {
        Ty::String => Some("string".into()),
        Ty::Integer => Some("int32".into()),
        Ty::Boolean => Some("bool".into()),
        Ty::Named("Quantity") => Some("resource.Quantity".into()),
        Ty::Named(n) => type_named(n).map(|t| format!("v1.{}", super::schema::short_name(t.name))),
        Ty::Array(inner) => go_type(inner).map(|t| format!("[]{t}")),
        // Requests and limits are a named map type of their own.
        Ty::Map(inner) if **inner == Ty::Named("Quantity") => Some("v1.ResourceList".into()),
        Ty::Map(inner) => go_type(inner).map(|t| format!("map[string]{t}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::type_error;
    use crate::json;

    fn deployment(spec: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
    }

    #[test]
    fn a_quoted_replica_count_is_a_string_where_go_wants_an_int32() {
        let d = deployment(json!({"replicas": "3"}));
        assert_eq!(
            type_error("Deployment", &d).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
    }

    #[test]
    fn an_unquoted_env_value_is_named_by_its_path_without_list_indexes() {
        let d = deployment(json!({"template": {"spec": {"containers": [
            {"name": "web", "image": "nginx", "env": [{"name": "PORT", "value": 8080}]}]}}}));
        assert_eq!(
            type_error("Deployment", &d).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string")
        );
    }

    #[test]
    fn lists_maps_and_structs_name_their_go_types() {
        let pod = |spec| json!({"apiVersion": "v1", "kind": "Pod", "spec": spec});
        assert_eq!(
            type_error("Pod", &pod(json!({"containers": 3}))).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal number into Go struct field PodSpec.spec.containers of type []v1.Container")
        );
        assert_eq!(
            type_error("Pod", &json!({"metadata": {"labels": ["a"]}})).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string")
        );
        assert_eq!(
            type_error("Pod", &pod(json!({"securityContext": "x"}))).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext")
        );
        assert_eq!(
            type_error("Pod", &pod(json!({"terminationGracePeriodSeconds": 1.5}))).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64")
        );
        assert_eq!(
            type_error("Pod", &pod(json!({"hostname": 1.5}))).map(|e| e.to_string()).as_deref(),
            Some("json: cannot unmarshal number into Go struct field PodSpec.spec.hostname of type string")
        );
    }

    #[test]
    fn values_with_decoders_of_their_own_and_nulls_pass() {
        let d = deployment(
            json!({"replicas": null, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {"spec": {"containers": [{"name": "c", "image": "i",
                "resources": {"limits": {"cpu": 1, "memory": "1Gi"}}}]}}}),
        );
        assert_eq!(type_error("Deployment", &d), None);
    }
}
