//! NetworkPolicy's defaulting (`SetDefaults_NetworkPolicy`, `SetDefaults_NetworkPolicyPort`)
//! and validation (`ValidateNetworkPolicySpec`): ports, peers, IP blocks and policy types,
//! in the API server's order and with its messages.

use super::super::errors::FieldError;
use super::super::network_policy::{cidr_contains, ipv4};
use super::validation::quoted;
use serde_json::{json, Map, Value};

/// An empty `podSelector` when absent (the field is not omitted by the server), TCP for
/// ports without a protocol, and `policyTypes` from the rules when unset: Ingress always,
/// Egress when the policy has egress rules.
pub fn default_network_policy(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        if let Some(o) = obj.as_object_mut() {
            o.insert(
                "spec".into(),
                json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
            );
        }
        return;
    };
    if spec.get("podSelector").is_none_or(Value::is_null) {
        spec.insert("podSelector".into(), json!({}));
    }
    for (rules, _) in [("ingress", "from"), ("egress", "to")] {
        for rule in spec
            .get_mut(rules)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            for port in rule
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(p) = port.as_object_mut() {
                    if p.get("protocol").is_none_or(Value::is_null) {
                        p.insert("protocol".into(), json!("TCP"));
                    }
                }
            }
        }
    }
    let unset = spec
        .get("policyTypes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if unset {
        let mut types = vec![json!("Ingress")];
        if has_items(spec, "egress") {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(types));
    }
}

fn has_items(spec: &Map<String, Value>, key: &str) -> bool {
    spec.get(key)
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
}

/// `ValidateNetworkPolicySpec` (selectors are checked when decoded).
pub fn validate(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = &obj["spec"];
    for (rules, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in spec[rules].as_array().into_iter().flatten().enumerate() {
            let path = format!("spec.{rules}[{i}]");
            for (j, port) in rule["ports"].as_array().into_iter().flatten().enumerate() {
                validate_port(port, &format!("{path}.ports[{j}]"), errs);
            }
            for (j, peer) in rule[peers].as_array().into_iter().flatten().enumerate() {
                validate_peer(peer, &format!("{path}.{peers}[{j}]"), errs);
            }
        }
    }
    let Some(types) = spec["policyTypes"].as_array() else {
        return;
    };
    if types.len() > 2 {
        errs.push(FieldError::invalid(
            "spec.policyTypes",
            serde_json::to_string(types).unwrap_or_default(),
            "may not specify more than two policyTypes",
        ));
        return;
    }
    for (i, t) in types.iter().enumerate() {
        let t = t.as_str().unwrap_or("");
        if t != "Ingress" && t != "Egress" {
            errs.push(FieldError::not_supported(
                format!("spec.policyTypes[{i}]"),
                quoted(t),
                &["Ingress", "Egress"],
            ));
        }
    }
}

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// `ValidateNetworkPolicyPort`.
fn validate_port(port: &Value, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(proto) = port["protocol"].as_str() {
        if !matches!(proto, "TCP" | "UDP" | "SCTP") {
            errs.push(FieldError::not_supported(
                format!("{path}.protocol"),
                quoted(proto),
                &["TCP", "UDP", "SCTP"],
            ));
        }
    }
    let end = port["endPort"].as_i64();
    match &port["port"] {
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            if !(1..=65535).contains(&n) {
                errs.push(FieldError::invalid(
                    format!("{path}.port"),
                    n.to_string(),
                    PORT_RANGE,
                ));
            }
            if let Some(end) = end {
                if end < n {
                    errs.push(FieldError::invalid(
                        format!("{path}.endPort"),
                        n.to_string(),
                        "must be greater than or equal to `port`",
                    ));
                }
                if !(1..=65535).contains(&end) {
                    errs.push(FieldError::invalid(
                        format!("{path}.endPort"),
                        end.to_string(),
                        PORT_RANGE,
                    ));
                }
            }
        }
        Value::String(name) => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    format!("{path}.endPort"),
                    end.to_string(),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for msg in port_name_errors(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.port"),
                    quoted(name),
                    msg,
                ));
            }
        }
        _ => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    format!("{path}.endPort"),
                    end.to_string(),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
}

/// `ValidateNetworkPolicyPeer`: at least one selector or block, and an IP block alone.
fn validate_peer(peer: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let set = |k: &str| peer.get(k).is_some_and(|v| !v.is_null());
    let count = ["podSelector", "namespaceSelector", "ipBlock"]
        .iter()
        .filter(|k| set(k))
        .count();
    if set("ipBlock") {
        validate_ip_block(&peer["ipBlock"], &format!("{path}.ipBlock"), errs);
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a peer"));
    } else if count > 1 && set("ipBlock") {
        errs.push(FieldError::forbidden(
            path,
            "may not specify both ipBlock and another peer",
        ));
    }
}

const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// An IPv4 CIDR's address and prefix length.
fn parse_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((ipv4(ip)?, len))
}

/// `ValidateIPBlock`: a valid `cidr`, and every `except` a strict subset of it.
fn validate_ip_block(block: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let cidr = block["cidr"].as_str().unwrap_or("");
    if cidr.is_empty() {
        errs.push(FieldError::required(format!("{path}.cidr"), ""));
        return;
    }
    let Some((_, len)) = parse_cidr(cidr) else {
        errs.push(FieldError::invalid(
            format!("{path}.cidr"),
            quoted(cidr),
            CIDR_MSG,
        ));
        return;
    };
    for (i, e) in block["except"].as_array().into_iter().flatten().enumerate() {
        let e = e.as_str().unwrap_or("");
        let epath = format!("{path}.except[{i}]");
        let Some((eip, elen)) = parse_cidr(e) else {
            errs.push(FieldError::invalid(epath, quoted(e), CIDR_MSG));
            continue;
        };
        let inside = cidr_contains(cidr, &std::net::Ipv4Addr::from(eip).to_string());
        if !inside || len >= elen {
            errs.push(FieldError::invalid(
                epath,
                quoted(e),
                "must be a strict subset of `cidr`",
            ));
        }
    }
}

/// `validation.IsValidPortName` (an IANA service name).
pub fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens (--)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen (-)");
    }
    errs
}
