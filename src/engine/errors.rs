//! API errors as types; `Display` gives exactly what kubectl prints for them.

use std::fmt;

/// A validation failure on one field (`field.Error` in apimachinery).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
    /// Rendered bad value (JSON, as 1.34 servers print it), when the kind shows one.
    pub value: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    Forbidden,
    Invalid,
    NotSupported,
    Duplicate,
}

impl FieldError {
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required,
            value: None,
            detail: detail.into(),
        }
    }
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            value: None,
            detail: detail.into(),
        }
    }
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid,
            value: Some(value.into()),
            detail: detail.into(),
        }
    }
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<String>,
        supported: &[&str],
    ) -> Self {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported,
            value: Some(value.into()),
            detail: format!("supported values: {}", list.join(", ")),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Duplicate => "Duplicate value",
        };
        write!(f, "{}: {kind}", self.field)?;
        if let Some(v) = &self.value {
            write!(f, ": {v}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// What the API server answers when it refuses a request: one variant per Status reason
/// the playground's server gives, each naming the object it concerns. kubectl prints all but
/// `Invalid` the one way `Display` does, `Error from server (Reason): message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The named object does not exist (`resource` is the GroupResource, `statefulsets.apps`).
    NotFound { resource: String, name: String },
    /// Create of a name that is taken.
    AlreadyExists { resource: String, name: String },
    /// Validation failed; `kind` is the bare Kind, as in the Status details.
    Invalid {
        kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    /// The request could not be served as sent: a body the server cannot decode (unknown
    /// fields, wrong types), or a subresource the pod cannot give yet (logs, exec).
    BadRequest { message: String },
    /// Admission refused it (quota).
    Forbidden { message: String },
    /// The object changed since the caller read it.
    Conflict { resource: String, name: String },
    /// The namespace the object would live in is being deleted or missing.
    NamespaceNotFound { namespace: String },
    /// A JSON patch whose operations cannot be applied to the object: HTTP 422 with
    /// reason Invalid and empty details, which kubectl prints as `The request is invalid:
    /// MESSAGE`.
    UnprocessableEntity { message: String },
    /// A server-side apply would change fields other managers own (HTTP 409).
    ApplyConflict { message: String },
    /// HTTP 429: an eviction a PodDisruptionBudget does not allow now.
    TooManyRequests { message: String },
    /// HTTP 500 (an eviction of a pod that several budgets select).
    InternalError { message: String },
}

/// How kubectl's `checkErr` starts every server error but an `Invalid` one.
const FROM_SERVER: &str = "Error from server";

/// Whether `text` is already a server error as kubectl prints it, so it is not prefixed
/// with `error: ` again.
pub fn is_from_server(text: &str) -> bool {
    text.starts_with(FROM_SERVER)
}

fn render_invalid(kind: &str, name: &str, causes: &[FieldError]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in causes {
        let s = c.to_string();
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    // A patch the server cannot decode is refused without a kind or a name.
    let head = if kind.is_empty() && name.is_empty() {
        "The request is invalid".to_string()
    } else {
        format!("The {kind} \"{name}\" is invalid")
    };
    match seen.len() {
        0 => head,
        1 => format!("{head}: {}", seen[0]),
        _ => {
            let mut out = format!("{head}: ");
            for s in seen {
                out.push_str("\n* ");
                out.push_str(&s);
            }
            out
        }
    }
}

impl ApiError {
    /// A missing object of `resource` (its GroupResource, `statefulsets.apps`).
    pub fn not_found(resource: impl Into<String>, name: impl Into<String>) -> Self {
        ApiError::NotFound {
            resource: resource.into(),
            name: name.into(),
        }
    }

    /// A request the server refuses as malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
        }
    }

    /// The Status `reason` kubectl shows in parentheses.
    fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } | ApiError::NamespaceNotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Invalid { .. } | ApiError::UnprocessableEntity { .. } => "Invalid",
            ApiError::BadRequest { .. } => "BadRequest",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::Conflict { .. } | ApiError::ApplyConflict { .. } => "Conflict",
            ApiError::TooManyRequests { .. } => "TooManyRequests",
            ApiError::InternalError { .. } => "InternalError",
        }
    }

    /// The Status message of the error, as wrapped by `kubectl create deployment`
    /// (`Deployment.apps "x" is invalid: ...`).
    pub fn status_message(&self, group: &str) -> String {
        match self {
            ApiError::Invalid { kind, name, causes } => {
                let q = if group.is_empty() {
                    kind.clone()
                } else {
                    format!("{kind}.{group}")
                };
                let list: Vec<String> = causes.iter().map(|c| c.to_string()).collect();
                if list.len() == 1 {
                    format!("{q} \"{name}\" is invalid: {}", list[0])
                } else {
                    format!("{q} \"{name}\" is invalid: [{}]", list.join(", "))
                }
            }
            ApiError::NotFound { resource, name } => format!("{resource} \"{name}\" not found"),
            ApiError::AlreadyExists { resource, name } => {
                format!("{resource} \"{name}\" already exists")
            }
            // The Status message alone: kubectl's `FROM_SERVER (…): ` prefix is no part of
            // what controllers put in their events.
            ApiError::BadRequest { message }
            | ApiError::Forbidden { message }
            | ApiError::UnprocessableEntity { message }
            | ApiError::ApplyConflict { message }
            | ApiError::TooManyRequests { message }
            | ApiError::InternalError { message } => message.clone(),
            ApiError::Conflict { resource, name } => format!("Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"),
            ApiError::NamespaceNotFound { namespace } => {
                format!("namespaces \"{namespace}\" not found")
            }
        }
    }

    /// The message with kubectl's `error when creating "FILE": ` source prefix, for the
    /// kinds of errors that carry it (Invalid errors are printed from their details).
    pub fn with_source(&self, verb: &str, file: &str) -> String {
        match self {
            ApiError::NotFound { .. }
            | ApiError::NamespaceNotFound { .. }
            | ApiError::AlreadyExists { .. }
            | ApiError::BadRequest { .. }
            | ApiError::Conflict { .. }
            | ApiError::Forbidden { .. } => from_server(
                self.reason(),
                &format!("error when {verb} \"{file}\": {}", self.status_message("")),
            ),
            other => other.to_string(),
        }
    }

    /// How kubectl prints this refusal as one of several errors (an aggregate's lines go
    /// through `StandardErrorMessage`, which prints an Invalid one from its Status message,
    /// not from its details): `group` qualifies the kind as the server does.
    pub fn listed_with_source(&self, verb: &str, file: &str, group: &str) -> String {
        match self {
            ApiError::Invalid { .. } => from_server(
                self.reason(),
                &format!(
                    "error when {verb} \"{file}\": {}",
                    self.status_message(group)
                ),
            ),
            other => other.with_source(verb, file),
        }
    }
}

/// kubectl's one way of printing a refused request: `Error from server (Reason): message`.
fn from_server(reason: &str, message: &str) -> String {
    format!("{FROM_SERVER} ({reason}): {message}")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // kubectl prints an Invalid Status from its details, without the server prefix.
            ApiError::Invalid { kind, name, causes } => {
                f.write_str(&render_invalid(kind, name, causes))
            }
            ApiError::UnprocessableEntity { message } => {
                write!(f, "The request is invalid: {message}")
            }
            other => f.write_str(&from_server(other.reason(), &other.status_message(""))),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_with_two_causes_prints_a_bullet_list_after_a_trailing_space() {
        let e = ApiError::Invalid {
            kind: "StatefulSet".into(),
            name: "web".into(),
            causes: vec![
                FieldError::required("spec.selector", ""),
                FieldError::invalid(
                    "spec.template.metadata.labels",
                    r#"{"app":"nginx"}"#,
                    "`selector` does not match template `labels`",
                ),
            ],
        };
        assert_eq!(
            e.to_string(),
            "The StatefulSet \"web\" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn not_found_names_the_group_resource() {
        let e = ApiError::NotFound {
            resource: "statefulsets.apps".into(),
            name: "web".into(),
        };
        assert_eq!(
            e.to_string(),
            "Error from server (NotFound): statefulsets.apps \"web\" not found"
        );
    }
}
