//! EndpointSlice's defaulting (`SetDefaults_EndpointPort`) and validation
//! (`ValidateEndpointSlice` in `pkg/apis/discovery/validation`): address type, ports and
//! endpoints, in the API server's order and with its messages.

use super::super::errors::{FieldError, FieldErrorKind};
use super::validation::{dns1123_label_message, is_dns1123_label, is_dns1123_subdomain, quoted};
use serde_json::{json, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

const ADDRESS_TYPES: &[&str] = &["FQDN", "IPv4", "IPv6"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const INVALID_IP: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const NODE_NAME_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// Ports get an empty name and TCP when they have none; every endpoint has its
/// `conditions` (a struct in Go, always encoded).
pub fn default_endpoint_slice(obj: &mut Value) {
    for port in obj
        .get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(p) = port.as_object_mut() {
            if p.get("name").is_none_or(Value::is_null) {
                p.insert("name".into(), json!(""));
            }
            if p.get("protocol").is_none_or(Value::is_null) {
                p.insert("protocol".into(), json!("TCP"));
            }
        }
    }
    for endpoint in obj
        .get_mut("endpoints")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(e) = endpoint.as_object_mut() {
            if e.get("conditions").is_none_or(Value::is_null) {
                e.insert("conditions".into(), json!({}));
            }
        }
    }
}

/// `ValidateEndpointSlice` (the name is checked with every kind's).
pub fn validate(obj: &Value, errs: &mut Vec<FieldError>) {
    let address_type = obj.get("addressType").and_then(Value::as_str).unwrap_or("");
    if address_type.is_empty() {
        errs.push(FieldError::required("addressType", ""));
    } else if !ADDRESS_TYPES.contains(&address_type) {
        errs.push(FieldError::not_supported(
            "addressType",
            quoted(address_type),
            ADDRESS_TYPES,
        ));
    }
    validate_ports(obj, errs);
    validate_endpoints(obj, address_type, errs);
}

/// An update may not change the address type; endpoints it leaves as they were are
/// not refused again (a slice stored by an older server's rules stays writable).
pub fn validate_update(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    if old.get("endpoints") == new.get("endpoints") {
        errs.retain(|e| !e.field.starts_with("endpoints"));
    }
    let (a, b) = (old.get("addressType"), new.get("addressType"));
    if a != b {
        let shown = b.and_then(Value::as_str).unwrap_or("");
        errs.push(FieldError::invalid(
            "addressType",
            quoted(shown),
            "field is immutable",
        ));
    }
}

fn validate_ports(obj: &Value, errs: &mut Vec<FieldError>) {
    let mut names: Vec<&str> = Vec::new();
    let ports = obj.get("ports").and_then(Value::as_array);
    for (i, p) in ports.into_iter().flatten().enumerate() {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        if !name.is_empty() && !is_dns1123_label(name) {
            errs.push(FieldError::invalid(
                format!("ports[{i}].name"),
                quoted(name),
                dns1123_label_message(name),
            ));
        }
        if names.contains(&name) {
            errs.push(FieldError {
                field: format!("ports[{i}].name"),
                kind: FieldErrorKind::Duplicate,
                value: Some(quoted(name)),
                detail: String::new(),
            });
        } else {
            names.push(name);
        }
        match p.get("protocol").and_then(Value::as_str) {
            None => errs.push(FieldError::required(format!("ports[{i}].protocol"), "")),
            Some(proto) if !PROTOCOLS.contains(&proto) => errs.push(FieldError::not_supported(
                format!("ports[{i}].protocol"),
                quoted(proto),
                PROTOCOLS,
            )),
            Some(_) => {}
        }
    }
}

fn validate_endpoints(obj: &Value, address_type: &str, errs: &mut Vec<FieldError>) {
    let endpoints = obj
        .get("endpoints")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if endpoints.len() > MAX_ENDPOINTS {
        errs.push(too_many("endpoints", endpoints.len(), MAX_ENDPOINTS));
        return;
    }
    for (i, e) in endpoints.iter().enumerate() {
        let path = format!("endpoints[{i}].addresses");
        let addresses = e
            .get("addresses")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if addresses.is_empty() {
            errs.push(FieldError::required(
                path.clone(),
                "must contain at least 1 address",
            ));
        } else if addresses.len() > MAX_ADDRESSES {
            errs.push(too_many(&path, addresses.len(), MAX_ADDRESSES));
        }
        for (j, a) in addresses.iter().enumerate() {
            let a = a.as_str().unwrap_or("");
            let at = format!("{path}[{j}]");
            match address_type {
                "IPv4" | "IPv6" => validate_ip(a, address_type, &path, &at, errs),
                "FQDN" => validate_fqdn(a, &at, errs),
                _ => {}
            }
        }
        if let Some(node) = e.get("nodeName").and_then(Value::as_str) {
            if !is_dns1123_subdomain(node) {
                errs.push(FieldError::invalid(
                    format!("endpoints[{i}].nodeName"),
                    quoted(node),
                    NODE_NAME_MSG,
                ));
            }
        }
        if let Some(host) = e.get("hostname").and_then(Value::as_str) {
            if !is_dns1123_label(host) {
                errs.push(FieldError::invalid(
                    format!("endpoints[{i}].hostname"),
                    quoted(host),
                    dns1123_label_message(host),
                ));
            }
        }
    }
}

/// `field.TooMany`.
fn too_many(field: &str, actual: usize, max: usize) -> FieldError {
    FieldError {
        field: field.to_string(),
        kind: FieldErrorKind::Invalid,
        value: None,
        detail: format!("Too many: {actual}: must have at most {max} items"),
    }
}

/// An IPv4 address as Go's `ParseIPSloppy` reads it: leading zeros allowed.
fn sloppy_ipv4(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

/// An IPv4 or IPv6 address: its family's checks, then `ValidateEndpointIP`'s ranges.
fn validate_ip(a: &str, family: &str, all: &str, at: &str, errs: &mut Vec<FieldError>) {
    let v4 = if family == "IPv4" {
        sloppy_ipv4(a)
    } else {
        a.parse::<Ipv4Addr>().ok()
    };
    let v6 = a.parse::<Ipv6Addr>().ok();
    if v4.is_none() && v6.is_none() {
        errs.push(FieldError::invalid(at, quoted(a), INVALID_IP));
        return;
    }
    let wrong_family = match family {
        "IPv4" => v4.is_none(),
        _ => v6.is_none(),
    };
    if wrong_family {
        let detail = format!("must be an {family} address");
        errs.push(FieldError::invalid(all, quoted(a), detail));
    }
    let (unspecified, loopback, link_local, link_local_multicast) = match (v4, v6) {
        (Some(ip), _) => (
            ip.is_unspecified(),
            ip.is_loopback(),
            ip.is_link_local(),
            ip.octets()[..3] == [224, 0, 0],
        ),
        (None, Some(ip)) => (
            ip.is_unspecified(),
            ip.is_loopback(),
            ip.segments()[0] & 0xffc0 == 0xfe80,
            ip.segments()[0] & 0xff0f == 0xff02,
        ),
        (None, None) => return,
    };
    let mut bad = |detail: String| errs.push(FieldError::invalid(at, quoted(a), detail));
    if unspecified {
        bad(format!("may not be unspecified ({a})"));
    }
    if loopback {
        bad("may not be in the loopback range (127.0.0.0/8, ::1/128)".into());
    }
    if link_local {
        bad("may not be in the link-local range (169.254.0.0/16, fe80::/10)".into());
    }
    if link_local_multicast {
        bad("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".into());
    }
}

/// `IsFullyQualifiedDomainName`: a subdomain of at least two labels.
fn validate_fqdn(a: &str, at: &str, errs: &mut Vec<FieldError>) {
    let name = a.strip_suffix('.').unwrap_or(a);
    if name.is_empty() {
        errs.push(FieldError::required(at, ""));
    } else if !name.contains('.') {
        errs.push(FieldError::invalid(
            at,
            quoted(a),
            "should be a domain with at least two segments separated by dots",
        ));
    } else if !is_dns1123_subdomain(name) {
        errs.push(FieldError::invalid(at, quoted(a), NODE_NAME_MSG));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(obj: Value) -> Vec<String> {
        let mut errs = Vec::new();
        validate(&obj, &mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_slice_needs_an_address_type_and_every_endpoint_an_address() {
        assert_eq!(
            errors_of(json!({"endpoints": [{"addresses": []}]})),
            [
                "addressType: Required value",
                "endpoints[0].addresses: Required value: must contain at least 1 address"
            ]
        );
    }

    #[test]
    fn ipv4_slices_refuse_other_families_and_the_ranges_no_pod_can_have() {
        let errs = errors_of(json!({"addressType": "IPv4", "endpoints": [{"addresses":
            ["abc", "fd00::1", "127.0.0.1", "10.0.0.01", "169.254.169.254", "224.0.0.1", "0.0.0.0"]}]}));
        assert_eq!(
            errs,
            [
                "endpoints[0].addresses[0]: Invalid value: \"abc\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                "endpoints[0].addresses: Invalid value: \"fd00::1\": must be an IPv4 address",
                "endpoints[0].addresses[2]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                "endpoints[0].addresses[4]: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                "endpoints[0].addresses[5]: Invalid value: \"224.0.0.1\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
                "endpoints[0].addresses[6]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
            ]
        );
    }

    #[test]
    fn port_names_are_unique_labels_and_protocols_known() {
        let mut slice = json!({"addressType": "IPv4", "ports": [{"name": "http", "port": 80},
            {"name": "http", "port": 81, "protocol": "XYZ"}]});
        default_endpoint_slice(&mut slice);
        assert_eq!(
            errors_of(slice),
            [
                "ports[1].name: Duplicate value: \"http\"",
                "ports[1].protocol: Unsupported value: \"XYZ\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            ]
        );
    }
}
