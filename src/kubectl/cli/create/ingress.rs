//! `kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]]`
//! (`create_ingress.go`): rules grouped by host, a trailing `*` making a Prefix path,
//! TLS entries per secret, a default backend, annotations, an IngressClass.

use super::{Ctx, Invocation};
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const FLAGS: &[Flag] = &[
    flag("rule", None, Arity::Value),
    flag("class", None, Arity::Value),
    flag("default-backend", None, Arity::Value),
    flag("annotation", None, Arity::Value),
];

pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create ingress", args, FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let rules = inv.parsed.all("rule");
    let annotations = inv.parsed.all("annotation");
    let default_backend = inv.parsed.value("default-backend").unwrap_or("");
    if let Err(e) = validate(&rules, &annotations, default_backend) {
        return Output::failed(e);
    }
    let mut meta = inv.metadata();
    let mut notes = Map::new();
    for a in &annotations {
        if let Some((k, v)) = a.split_once('=') {
            notes.insert(k.to_string(), json!(v));
        }
    }
    if !notes.is_empty() {
        meta["annotations"] = Value::Object(notes);
    }
    let mut spec = json!({});
    if let Some(class) = inv.parsed.value("class").filter(|c| !c.is_empty()) {
        spec["ingressClassName"] = json!(class);
    }
    if !default_backend.is_empty() {
        spec["defaultBackend"] = backend(default_backend);
    }
    let tls = tls_entries(&rules);
    if !tls.is_empty() {
        spec["tls"] = Value::Array(tls);
    }
    let rules = ingress_rules(&rules);
    if !rules.is_empty() {
        spec["rules"] = Value::Array(rules);
    }
    let ingress = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta,
        "spec": spec, "status": {"loadBalancer": {}}
    });
    inv.finish(ctx, ingress, "ingress.networking.k8s.io", &failed)
}

fn failed(e: &ApiError) -> String {
    format!(
        "failed to create ingress: {}",
        e.status_message("networking.k8s.io")
    )
}

/// `Validate`: rules or a default backend, each rule in the documented format, each
/// annotation a `key=value`, the default backend a `service:port`.
fn validate(rules: &[String], annotations: &[String], default_backend: &str) -> Result<(), String> {
    if default_backend.is_empty() && rules.is_empty() {
        return Err("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    if let Some(bad) = rules.iter().find(|r| !rule_matches(r)) {
        return Err(format!(
            "rule {bad} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
        ));
    }
    if let Some(bad) = annotations.iter().find(|a| !a.contains('=')) {
        return Err(format!(
            "annotation {bad} is invalid and should be in format key=[value]"
        ));
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err("default-backend should be in format servicename:serviceport".into());
    }
    Ok(())
}

/// Go's `\w`, and the `-` the rule's service and port may also hold.
fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The rule regex `^[\w*\-.]*(/.*)=[\w\-]+:[\w\-]+` (the optional TLS part after it, and
/// anything else, is not anchored): a host of word characters, `*`, `-` and `.` up to the
/// first `/`, then somewhere a `=service:port`.
fn rule_matches(rule: &str) -> bool {
    let Some((host, rest)) = rule.split_once('/') else {
        return false;
    };
    if !host.chars().all(|c| word(c) || c == '*' || c == '.') {
        return false;
    }
    rest.match_indices('=').any(|(i, _)| {
        let after = &rest[i + 1..];
        let name_len = after.chars().take_while(|c| word(*c)).count();
        let Some(port) = after[name_len..].strip_prefix(':') else {
            return false;
        };
        name_len > 0 && port.chars().next().is_some_and(word)
    })
}

/// `buildIngressBackendSvc`: `service:port`, the port by number or by name.
fn backend(service: &str) -> Value {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or("");
    let port = parts.next().unwrap_or("");
    let port = match port.parse::<i64>() {
        Ok(n) => json!({"number": n}),
        Err(_) => json!({"name": port}),
    };
    json!({"service": {"name": name, "port": port}})
}

/// `buildTLSRules`: a rule with `,tls[=secret]` puts its host under the secret's entry
/// (one entry per secret; each host once).
fn tls_entries(rules: &[String]) -> Vec<Value> {
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("").to_string();
        let secret = parts[1].split('=').nth(1).unwrap_or("").to_string();
        if seen.contains(&host) {
            continue;
        }
        seen.push(host.clone());
        if let Some(entry) = entries.iter_mut().find(|(s, _)| *s == secret) {
            entry.1.push(host);
            continue;
        }
        let hosts: Vec<String> = if host.is_empty() { vec![] } else { vec![host] };
        if !secret.is_empty() || !hosts.is_empty() {
            entries.push((secret, hosts));
        }
    }
    entries
        .into_iter()
        .map(|(secret, hosts)| {
            let mut e = json!({});
            if !hosts.is_empty() {
                e["hosts"] = json!(hosts);
            }
            if !secret.is_empty() {
                e["secretName"] = json!(secret);
            }
            e
        })
        .collect()
}

/// `buildIngressRules`: one rule per host, its paths in the order given; `path*` is a
/// Prefix path, anything else Exact.
fn ingress_rules(rules: &[String]) -> Vec<Value> {
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for rule in rules {
        let no_tls = rule.split(',').next().unwrap_or("");
        let (host, path_svc) = no_tls.split_once('/').unwrap_or((no_tls, ""));
        let mut parts = path_svc.split('=');
        let mut path = format!("/{}", parts.next().unwrap_or(""));
        let service = parts.next().unwrap_or("");
        let mut path_type = "Exact";
        if path.ends_with('*') {
            path_type = "Prefix";
            path.pop();
        }
        let p = json!({"backend": backend(service), "path": path, "pathType": path_type});
        match out.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(p),
            None => out.push((host.to_string(), vec![p])),
        }
    }
    out.into_iter()
        .map(|(host, paths)| {
            let mut r = json!({"http": {"paths": paths}});
            if !host.is_empty() {
                r["host"] = json!(host);
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_the_documented_format_only() {
        for ok in [
            "foo.com/bar=svc:80",
            "/path=svc:port",
            "*.foo.com/=web:http,tls=cert",
            "foo.com/a=b=web:80",
        ] {
            assert!(rule_matches(ok), "{ok}");
        }
        for bad in [
            "foo.com/bar",
            "foo.com=web:80",
            "foo.com/bar=web",
            "a b/=web:80",
        ] {
            assert!(!rule_matches(bad), "{bad}");
        }
    }

    #[test]
    fn paths_of_one_host_share_a_rule_and_a_star_makes_a_prefix() {
        let rules = ingress_rules(&["a.com/x*=web:80".into(), "a.com/y=api:http".into()]);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0]["http"]["paths"][0]["pathType"], "Prefix");
        assert_eq!(rules[0]["http"]["paths"][0]["path"], "/x");
        assert_eq!(
            rules[0]["http"]["paths"][1]["backend"]["service"]["port"]["name"],
            "http"
        );
    }
}
