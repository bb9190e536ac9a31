//! metav1.Status: how the API server refuses a request, with the reason, message and code
//! the playground's kubectl prints for the same refusal (`engine::ApiError`).

use super::http::Reply;
use crate::engine::errors::{FieldError, FieldErrorKind};
use crate::engine::ApiError;
use serde_json::{json, Map, Value};

/// A refusal: code, reason, message and details.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl Status {
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        });
        if let Some(d) = &self.details {
            v["details"] = d.clone();
        }
        v["code"] = json!(self.code);
        v
    }
}

pub fn reply(s: &Status) -> Reply {
    Reply::json(s.code, &s.to_json())
}

fn plain(code: u16, reason: &'static str, message: impl Into<String>) -> Status {
    Status {
        code,
        reason,
        message: message.into(),
        details: None,
    }
}

pub fn bad_request(message: impl Into<String>) -> Status {
    plain(400, "BadRequest", message)
}

pub fn internal(message: impl Into<String>) -> Status {
    plain(500, "InternalError", message)
}

/// A path no resource is served at (the real server's 404 for an unknown group, version,
/// resource or subresource).
pub fn no_such_path() -> Status {
    Status {
        details: Some(json!({})),
        ..plain(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }
}

pub fn method_not_allowed(method: &str) -> Status {
    Status {
        details: Some(json!({})),
        ..plain(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource ({method})"),
        )
    }
}

pub fn too_large() -> Status {
    plain(
        413,
        "RequestEntityTooLarge",
        format!(
            "Request entity too large: limit is {}",
            super::http::MAX_BODY
        ),
    )
}

/// A watch from a resourceVersion the journal no longer holds.
pub fn gone(asked: u64, oldest: u64) -> Status {
    plain(
        410,
        "Expired",
        format!("too old resource version: {asked} ({oldest})"),
    )
}

pub fn unsupported_media(content_type: &str) -> Status {
    plain(
        415,
        "UnsupportedMediaType",
        format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (not {content_type:?})"),
    )
}

/// A body in an encoding this server does not decode (CBOR).
pub fn unsupported_body(content_type: &str) -> Status {
    plain(415, "UnsupportedMediaType", {
        format!("kubeplay serve decodes JSON, YAML and protobuf request bodies, not {content_type}")
    })
}

/// `statefulsets.apps` → (`statefulsets`, `apps`).
fn split_resource(resource: &str) -> (&str, &str) {
    resource.split_once('.').unwrap_or((resource, ""))
}

fn cause_reason(kind: &FieldErrorKind) -> &'static str {
    match kind {
        FieldErrorKind::Required => "FieldValueRequired",
        FieldErrorKind::Forbidden => "FieldValueForbidden",
        FieldErrorKind::Invalid => "FieldValueInvalid",
        FieldErrorKind::NotSupported => "FieldValueNotSupported",
        FieldErrorKind::Duplicate => "FieldValueDuplicate",
    }
}

fn cause(c: &FieldError) -> Value {
    let text = c.to_string();
    let message = text
        .strip_prefix(&format!("{}: ", c.field))
        .unwrap_or(&text)
        .to_string();
    json!({"reason": cause_reason(&c.kind), "message": message, "field": c.field})
}

/// The Status of an engine refusal. `group` qualifies an Invalid kind in its message.
pub fn from_api_error(e: &ApiError, group: &str) -> Status {
    let message = e.status_message(group);
    let mut details = Map::new();
    let (code, reason) = match e {
        ApiError::NotFound { resource, name }
        | ApiError::AlreadyExists { resource, name }
        | ApiError::Conflict { resource, name } => {
            let (kind, g) = split_resource(resource);
            details.insert("name".into(), json!(name));
            if !g.is_empty() {
                details.insert("group".into(), json!(g));
            }
            details.insert("kind".into(), json!(kind));
            match e {
                ApiError::NotFound { .. } => (404, "NotFound"),
                ApiError::AlreadyExists { .. } => (409, "AlreadyExists"),
                _ => (409, "Conflict"),
            }
        }
        ApiError::NamespaceNotFound { namespace } => {
            details.insert("name".into(), json!(namespace));
            details.insert("kind".into(), json!("namespaces"));
            (404, "NotFound")
        }
        ApiError::Invalid { kind, name, causes } => {
            details.insert("name".into(), json!(name));
            if !group.is_empty() {
                details.insert("group".into(), json!(group));
            }
            details.insert("kind".into(), json!(kind));
            details.insert(
                "causes".into(),
                Value::Array(causes.iter().map(cause).collect()),
            );
            (422, "Invalid")
        }
        ApiError::BadRequest { .. } => (400, "BadRequest"),
        ApiError::Forbidden { .. } => (403, "Forbidden"),
        // NewGenericServerResponse(422): reason Invalid, details with nothing set.
        ApiError::UnprocessableEntity { .. } => {
            return Status {
                code: 422,
                reason: "Invalid",
                message,
                details: Some(Value::Object(Map::new())),
            }
        }
        ApiError::ApplyConflict { .. } => (409, "Conflict"),
        ApiError::TooManyRequests { .. } => (429, "TooManyRequests"),
        // The eviction's own failure Status names no reason.
        ApiError::InternalError { .. } => (500, ""),
    };
    Status {
        code,
        reason,
        message,
        details: (!details.is_empty()).then_some(Value::Object(details)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_carries_the_group_resource_in_its_details() {
        let s = from_api_error(&ApiError::not_found("statefulsets.apps", "web"), "apps");
        let v = s.to_json();
        assert_eq!(v["code"], 404);
        assert_eq!(v["reason"], "NotFound");
        assert_eq!(v["message"], "statefulsets.apps \"web\" not found");
        assert_eq!(
            v["details"],
            json!({"name": "web", "group": "apps", "kind": "statefulsets"})
        );
    }

    #[test]
    fn invalid_lists_each_cause_without_its_field_prefix() {
        let e = ApiError::Invalid {
            kind: "StatefulSet".into(),
            name: "web".into(),
            causes: vec![FieldError::required("spec.selector", "")],
        };
        let v = from_api_error(&e, "apps").to_json();
        assert_eq!(v["code"], 422);
        assert_eq!(
            v["details"]["causes"],
            json!([{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.selector"}])
        );
    }
}
