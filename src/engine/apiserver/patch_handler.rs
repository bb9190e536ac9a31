//! The PATCH handler's reading of a JSON, merge or strategic merge patch
//! (apiserver `endpoints/handlers/patch.go`, with kubectl's `fieldValidation=Strict`): the
//! body decoded as that handler decodes it, applied to the live object, and the result
//! refused when the typed object could not hold it. The playground's `kubectl patch` and
//! `kubeplay serve` both patch through here, so both refuse in the server's words.

use super::json_syntax::syntax_error;
use super::patch::{merge_patch, strategic_merge};
use crate::engine::api::decoding;
use crate::engine::errors::{ApiError, FieldError};
use crate::engine::json::unmarshal_kind;
use crate::gofmt;
use serde_json::Value;

/// The patch types of `kubectl patch --type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
}

impl PatchType {
    /// By the request's Content-Type.
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        match ct {
            "application/json-patch+json" => Some(PatchType::Json),
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            _ => None,
        }
    }
}

/// What the generic 422 of a JSON patch that cannot be applied says
/// (`NewGenericServerResponse(http.StatusUnprocessableEntity, …)`).
const CANNOT_APPLY: &str = "the server rejected our request due to an error in our request";

/// `live` (an object of `kind`) with `body` applied, or the server's refusal.
pub fn patched(kind: &str, ty: PatchType, live: &Value, body: &str) -> Result<Value, ApiError> {
    // The strategic merge handler returns the decoder's error bare; the other two say
    // what they were decoding.
    let decoding = |message: String| match ty {
        PatchType::Strategic => ApiError::bad_request(message),
        _ => ApiError::bad_request(format!("error decoding patch: {message}")),
    };
    if let Some(e) = syntax_error(body) {
        return Err(decoding(e));
    }
    let patch: Value = serde_json::from_str(body).map_err(|e| decoding(e.to_string()))?;
    let mut obj = live.clone();
    match ty {
        PatchType::Json => {
            json_patch_ops(&patch).map_err(decoding)?;
            let ops: json_patch::Patch =
                serde_json::from_value(patch.clone()).map_err(|_| cannot_apply())?;
            json_patch::patch(&mut obj, &ops).map_err(|_| cannot_apply())?;
        }
        PatchType::Merge | PatchType::Strategic => {
            if !(patch.is_object() || patch.is_null()) {
                return Err(decoding(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    unmarshal_kind(&patch)
                )));
            }
            if ty == PatchType::Merge {
                merge_patch(&mut obj, &patch);
            } else {
                strategic_merge(&mut obj, &patch);
            }
        }
    }
    if let Some(refused) = undecodable(kind, ty, &obj, &patch) {
        return Err(refused);
    }
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    Ok(obj)
}

fn cannot_apply() -> ApiError {
    ApiError::UnprocessableEntity {
        message: CANNOT_APPLY.into(),
    }
}

/// The strict decoding of a JSON patch into `[]handlers.jsonPatchOp` (op, path and from
/// strings, any value) before it is applied.
fn json_patch_ops(patch: &Value) -> Result<(), String> {
    let cannot = |v: &Value, into: &str| {
        format!(
            "json: cannot unmarshal {} into Go {into}",
            unmarshal_kind(v)
        )
    };
    let ops = match patch {
        Value::Array(ops) => ops,
        Value::Null => return Ok(()),
        other => return Err(cannot(other, "value of type []handlers.jsonPatchOp")),
    };
    for op in ops {
        let fields = match op {
            Value::Object(fields) => fields,
            Value::Null => continue,
            other => return Err(cannot(other, "value of type handlers.jsonPatchOp")),
        };
        for field in ["op", "path", "from"] {
            if let Some(v) = fields.get(field).filter(|v| !v.is_string() && !v.is_null()) {
                return Err(cannot(
                    v,
                    &format!("struct field jsonPatchOp.{field} of type string"),
                ));
            }
        }
    }
    Ok(())
}

/// The server's refusal of a patch whose result has a value of the wrong type. JSON and
/// merge patches are decoded as JSON, and the error shows the whole patched object (in our
/// field order, which is not the server's); a strategic merge patch goes through the
/// unstructured converter, and the error shows the patch.
fn undecodable(kind: &str, ty: PatchType, patched: &Value, patch: &Value) -> Option<ApiError> {
    let (shown, mismatch) = match ty {
        PatchType::Json | PatchType::Merge => (
            gofmt::json_compact(patched),
            decoding::type_error(kind, patched)?,
        ),
        PatchType::Strategic => (
            gofmt::go_sprint(patch),
            decoding::conversion_error(kind, patched)?,
        ),
    };
    Some(refused(shown, mismatch.message))
}

/// The Invalid error, with no kind or name, of a patch (`shown` as the server prints it)
/// the server could not store.
pub fn refused(shown: String, problem: String) -> ApiError {
    ApiError::Invalid {
        kind: String::new(),
        name: String::new(),
        causes: vec![FieldError::invalid(
            "patch",
            gofmt::go_quote(&shown),
            problem,
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "resourceVersion": "5"},
            "spec": {"replicas": 2}})
    }

    fn refusal(ty: PatchType, body: &str) -> String {
        patched("Deployment", ty, &deployment(), body)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_body_that_is_no_json_is_refused_in_the_decoders_words() {
        assert_eq!(
            refusal(PatchType::Strategic, "{bad"),
            "Error from server (BadRequest): invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(
            refusal(PatchType::Merge, "{bad"),
            "Error from server (BadRequest): error decoding patch: invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(
            refusal(PatchType::Merge, "[1]"),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
    }

    #[test]
    fn a_json_patch_is_decoded_strictly_then_refused_generically() {
        assert_eq!(
            refusal(PatchType::Json, r#"{"op":"add"}"#),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"
        );
        assert_eq!(
            refusal(PatchType::Json, r#"[{"op":1}]"#),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"
        );
        for ops in [
            r#"[{"op":"bogus"}]"#,
            r#"[{"op":"remove","path":"/spec/nope"}]"#,
        ] {
            assert_eq!(
                refusal(PatchType::Json, ops),
                "The request is invalid: the server rejected our request due to an error in our request"
            );
        }
    }

    #[test]
    fn a_strategic_patch_that_sets_an_int32_to_a_string_is_invalid() {
        assert_eq!(
            refusal(PatchType::Strategic, r#"{"spec":{"replicas":"x"}}"#),
            r#"The request is invalid: patch: Invalid value: "map[spec:map[replicas:x]]": unrecognized type: int32"#
        );
    }

    #[test]
    fn an_applied_patch_drops_the_resource_version() {
        let obj = patched(
            "Deployment",
            PatchType::Merge,
            &deployment(),
            r#"{"spec":{"replicas":3}}"#,
        )
        .unwrap();
        assert_eq!(obj["spec"]["replicas"], 3);
        assert!(obj["metadata"].get("resourceVersion").is_none());
    }
}
