//! Ingress and IngressClass (networking.k8s.io/v1): `ValidateIngressSpec`'s checks of
//! hosts, paths and backends, with its messages. A new Ingress's empty load-balancer
//! status is the API server's (`create`): only an ingress controller fills it, and a kind
//! cluster runs none.

use super::super::errors::FieldError;
use super::network_policy_validation::port_name_errors;
use super::validation::{
    is_dns1035_label, is_dns1123_subdomain, quoted, DNS1035_MSG, SUBDOMAIN_MSG,
};
use serde_json::Value;

const WILDCARD_MSG: &str = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// `ValidateIngressSpec` (TLS secret names are not checked here).
pub fn validate_ingress(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = &obj["spec"];
    let rules = spec["rules"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let default_backend = spec.get("defaultBackend").filter(|b| !b.is_null());
    if rules.is_empty() && default_backend.is_none() {
        errs.push(FieldError::invalid(
            "spec",
            "null",
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(b) = default_backend {
        validate_backend(b, "spec.defaultBackend", errs);
    }
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("spec.rules[{i}]");
        if let Some(host) = rule["host"].as_str().filter(|h| !h.is_empty()) {
            validate_host(host, &format!("{path}.host"), errs);
        }
        if let Some(http) = rule.get("http").filter(|h| !h.is_null()) {
            let paths = http["paths"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            if paths.is_empty() {
                errs.push(FieldError::required(format!("{path}.http.paths"), ""));
            }
            for (j, p) in paths.iter().enumerate() {
                validate_path(p, &format!("{path}.http.paths[{j}]"), errs);
            }
        }
    }
    if let Some(class) = spec["ingressClassName"].as_str() {
        subdomain(class, "spec.ingressClassName", errs);
    }
}

/// `ValidateIngressClass`: a controller name is required.
pub fn validate_ingress_class(obj: &Value, errs: &mut Vec<FieldError>) {
    if obj["spec"]["controller"].as_str().unwrap_or("").is_empty() {
        errs.push(FieldError::required("spec.controller", ""));
    }
}

fn subdomain(value: &str, path: &str, errs: &mut Vec<FieldError>) {
    if value.len() > 253 {
        errs.push(FieldError::invalid(
            path,
            quoted(value),
            "must be no more than 253 characters",
        ));
    }
    if !is_dns1123_subdomain(value) {
        errs.push(FieldError::invalid(path, quoted(value), SUBDOMAIN_MSG));
    }
}

/// A rule's host: a DNS name (never an IP), or `*.` and one.
fn validate_host(host: &str, path: &str, errs: &mut Vec<FieldError>) {
    if crate::engine::network_policy::ipv4(host).is_some() {
        errs.push(FieldError::invalid(
            path,
            quoted(host),
            "must be a DNS name, not an IP address",
        ));
    }
    if host.contains('*') {
        let ok = host.strip_prefix("*.").is_some_and(is_dns1123_subdomain);
        if !ok {
            errs.push(FieldError::invalid(path, quoted(host), WILDCARD_MSG));
        }
    } else {
        subdomain(host, path, errs);
    }
}

/// `validateHTTPIngressPath`: a path type, an absolute path without `//`-like sequences
/// for Exact and Prefix, and a backend.
fn validate_path(p: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let Some(ty) = p["pathType"].as_str() else {
        errs.push(FieldError::required(
            format!("{path}.pathType"),
            "pathType must be specified",
        ));
        return;
    };
    let value = p["path"].as_str().unwrap_or("");
    let field = format!("{path}.path");
    match ty {
        "Exact" | "Prefix" => {
            if !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    &field,
                    quoted(value),
                    "must be an absolute path",
                ));
            }
            for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                if value.contains(seq) {
                    errs.push(FieldError::invalid(
                        &field,
                        quoted(value),
                        format!("must not contain '{seq}'"),
                    ));
                }
            }
            for suffix in ["/..", "/."] {
                if value.ends_with(suffix) {
                    errs.push(FieldError::invalid(
                        &field,
                        quoted(value),
                        format!("cannot end with '{suffix}'"),
                    ));
                }
            }
        }
        "ImplementationSpecific" => {
            if !value.is_empty() && !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    &field,
                    quoted(value),
                    "must be an absolute path",
                ));
            }
        }
        other => {
            errs.push(FieldError::not_supported(
                format!("{path}.pathType"),
                quoted(other),
                &["Exact", "ImplementationSpecific", "Prefix"],
            ));
        }
    }
    validate_backend(&p["backend"], &format!("{path}.backend"), errs);
}

/// `validateIngressBackend`: a Service (a DNS-1035 name and one port, by name or number)
/// or a resource, not both.
fn validate_backend(b: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let resource = b.get("resource").filter(|r| !r.is_null());
    let service = b.get("service").filter(|s| !s.is_null());
    match (resource, service) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            path,
            "\"\"",
            "cannot set both resource and service backends",
        )),
        (Some(r), None) => {
            for key in ["kind", "name"] {
                if r[key].as_str().unwrap_or("").is_empty() {
                    errs.push(FieldError::required(format!("{path}.resource.{key}"), ""));
                }
            }
        }
        (None, Some(svc)) => {
            let name = svc["name"].as_str().unwrap_or("");
            if name.is_empty() {
                errs.push(FieldError::required(format!("{path}.service.name"), ""));
            } else {
                if name.len() > 63 {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.name"),
                        quoted(name),
                        "must be no more than 63 characters",
                    ));
                }
                if !is_dns1035_label(name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.name"),
                        quoted(name),
                        DNS1035_MSG,
                    ));
                }
            }
            let port_name = svc["port"]["name"].as_str().unwrap_or("");
            let number = svc["port"]["number"].as_i64().unwrap_or(0);
            match (port_name.is_empty(), number == 0) {
                (false, false) => errs.push(FieldError::invalid(
                    path,
                    "\"\"",
                    "cannot set both port name & port number",
                )),
                (false, true) => {
                    for msg in port_name_errors(port_name) {
                        errs.push(FieldError::invalid(
                            format!("{path}.service.port.name"),
                            quoted(port_name),
                            msg,
                        ));
                    }
                }
                (true, false) => {
                    if !(1..=65535).contains(&number) {
                        errs.push(FieldError::invalid(
                            format!("{path}.service.port.number"),
                            number.to_string(),
                            "must be between 1 and 65535, inclusive",
                        ));
                    }
                }
                (true, true) => errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                )),
            }
        }
        (None, None) => errs.push(FieldError::invalid(
            path,
            "\"\"",
            "resource or service backend is required",
        )),
    }
}
