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

/// What the API server answers when it refuses a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The named object does not exist (`resource` is the GroupResource, `statefulsets.apps`).
    #[error("Error from server (NotFound): {resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    /// Create of a name that is taken.
    #[error("Error from server (AlreadyExists): {resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    /// Validation failed; `kind` is the bare Kind, as in the Status details.
    #[error("{}", render_invalid(kind, name, causes))]
    Invalid {
        kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    /// The request body could not be decoded (unknown fields, wrong types).
    #[error("Error from server (BadRequest): {message}")]
    BadRequest { message: String },
    /// Admission refused it (quota).
    #[error("Error from server (Forbidden): {message}")]
    Forbidden { message: String },
    /// The object changed since the caller read it.
    #[error("Error from server (Conflict): Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")]
    Conflict { resource: String, name: String },
    /// The namespace the object would live in is being deleted or missing.
    #[error("Error from server (NotFound): namespaces \"{namespace}\" not found")]
    NamespaceNotFound { namespace: String },
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
            // The Status message alone: "Error from server (…): " is kubectl's prefix, not
            // part of what controllers put in their events.
            ApiError::BadRequest { message } | ApiError::Forbidden { message } => message.clone(),
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
            ApiError::Invalid { .. } => self.to_string(),
            ApiError::NotFound { resource, name } => {
                format!("Error from server (NotFound): error when {verb} \"{file}\": {resource} \"{name}\" not found")
            }
            ApiError::AlreadyExists { resource, name } => {
                format!("Error from server (AlreadyExists): error when {verb} \"{file}\": {resource} \"{name}\" already exists")
            }
            ApiError::BadRequest { message } => {
                format!("Error from server (BadRequest): error when {verb} \"{file}\": {message}")
            }
            ApiError::Forbidden { message } => {
                format!("Error from server (Forbidden): error when {verb} \"{file}\": {message}")
            }
            other => other.to_string(),
        }
    }
}

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
