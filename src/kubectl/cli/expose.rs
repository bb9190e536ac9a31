//! `kubectl expose` and `kubectl create service clusterip|nodeport|loadbalancer`
//! (kubectl `pkg/cmd/expose/expose.go`, `pkg/cmd/create/create_service.go`,
//! `pkg/polymorphichelpers/{canbeexposed,mapbasedselectorforobject,portsforobject}.go`).

use super::flags::{self, flag, Arity, Flag};
use super::resource::parse_targets;
use super::{flag_error, Ctx};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::omit_managed_fields;
use crate::kubectl::printers::yaml;
use crate::shell::Output;
use serde_json::{Map, Value};

pub(crate) const FLAGS: &[Flag] = &[
    flag("port", None, Arity::Value),
    flag("target-port", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("name", None, Arity::Value),
    flag("selector", None, Arity::Value),
    flag("labels", Some('l'), Arity::Value),
    flag("protocol", None, Arity::Value),
    flag("external-ip", None, Arity::Value),
    flag("cluster-ip", None, Arity::Value),
    flag("session-affinity", None, Arity::Value),
    flag("load-balancer-ip", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("overrides", None, Arity::Value),
];

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `key=value,…` from a map, in key order (kubectl's map order is random; any is right).
fn make_labels(m: &Map<String, Value>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(",")
}

/// `parseLabels`: `a=b,c=d` only.
fn parse_labels(spec: &str) -> Result<Map<String, Value>, String> {
    if spec.is_empty() {
        return Err("no label spec passed".into());
    }
    let mut m = Map::new();
    for part in spec.split(',') {
        let kv: Vec<&str> = part.split('=').collect();
        if kv.len() != 2 {
            return Err(format!("unexpected label spec: {part}"));
        }
        if kv[0].is_empty() {
            return Err("unexpected empty label key".into());
        }
        m.insert(kv[0].to_string(), json!(kv[1]));
    }
    Ok(m)
}

/// `MapBasedSelectorForObject`.
fn selector_of(kind: &str, obj: &Value) -> Result<String, String> {
    let map = |p: &str| obj.at(p).and_then(Value::as_object);
    match kind {
        "Pod" => match map("/metadata/labels").filter(|m| !m.is_empty()) {
            Some(m) => Ok(make_labels(m)),
            None => Err("the pod has no labels and cannot be exposed".into()),
        },
        "Service" => match map("/spec/selector") {
            Some(m) => Ok(make_labels(m)),
            None => Err("the service has no pod selector set".into()),
        },
        "Deployment" | "ReplicaSet" => {
            let what = if kind == "Deployment" {
                "deployment"
            } else {
                "replicaset"
            };
            if obj
                .at("/spec/selector/matchExpressions")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                return Err("couldn't convert expressions to map-based selector format".into());
            }
            match map("/spec/selector/matchLabels").filter(|m| !m.is_empty()) {
                Some(m) => Ok(make_labels(m)),
                None => Err(format!(
                    "invalid {what}: no selectors, therefore cannot be exposed"
                )),
            }
        }
        _ => Err(format!("cannot extract pod selector from {kind}")),
    }
}

/// `PortsForObject` and `ProtocolsForObject`: container ports (or a Service's ports).
fn ports_of(kind: &str, obj: &Value) -> Vec<(String, String)> {
    let spec = match kind {
        "Pod" => obj.get("spec"),
        "Service" => {
            return obj
                .at("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["port"].to_string(),
                        p["protocol"].as_str().unwrap_or("TCP").to_string(),
                    )
                })
                .collect()
        }
        _ => obj.at("/spec/template/spec"),
    };
    spec.and_then(|s| s["containers"].as_array())
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .filter_map(|p| {
            Some((
                p["containerPort"].as_i64()?.to_string(),
                p["protocol"].as_str().unwrap_or("TCP").to_string(),
            ))
        })
        .collect()
}

/// A target port as the API stores it: a number, or a port name.
fn int_or_string(s: &str) -> Value {
    match s.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(s),
    }
}

fn dry_run(p: &flags::Parsed) -> Result<bool, String> {
    match p.value("dry-run") {
        None | Some("none") | Some("false") => Ok(false),
        Some("client") | Some("server") | Some("true") => Ok(true),
        Some(other) => Err(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Prints the service the way `-o` asks, or `service/NAME OP`.
fn print_service(out: &mut Output, p: &flags::Parsed, svc: &Value, op: &str) {
    let name = meta_str(svc, "name");
    match p.value("output") {
        Some("yaml") => out.out(yaml::to_yaml(&omit_managed_fields(svc))),
        Some("json") => out.out(yaml::to_json(&omit_managed_fields(svc))),
        Some("name") => out.out(format!("service/{name}")),
        _ => out.out(format!("service/{name} {op}")),
    }
}

/// `kubectl expose TYPE NAME [--port] [--target-port] [--type] [--name] [--selector]`
pub fn expose(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("expose", e),
    };
    // kubectl merges --overrides (JSON) into the generated Service; the playground does
    // not, so it refuses rather than create the Service without them.
    if p.value("overrides").is_some() {
        return flag_error("expose", flags::FlagError::NotSimulated("overrides".into()));
    }
    let dry = match dry_run(&p) {
        Ok(d) => d,
        Err(e) => return Output::failed(e),
    };
    if p.has("filename") {
        return Output::failed("kubeplay: `kubectl expose -f` is not supported here; name the object, e.g. `kubectl expose deployment web --port=80`");
    }
    let targets = match parse_targets(&p.positionals) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    let Some(target) = targets.first() else {
        return Output::failed(NO_RESOURCES);
    };
    let ns = ctx.namespace(&p);
    let r = target.resource;
    let Some(name) = target.names.first() else {
        return Output::failed("resource(s) were provided, but no name was specified");
    };
    if !matches!(
        r.kind,
        "Pod" | "Service" | "Deployment" | "ReplicaSet" | "ReplicationController"
    ) {
        let gk = if r.group.is_empty() {
            r.kind.to_string()
        } else {
            format!("{}.{}", r.kind, r.group)
        };
        return Output::failed(format!("cannot expose a {gk}"));
    }
    if let Err(e) = ctx.may("get", r, &ns, name) {
        return Output::failed(e.to_string());
    }
    let Some(obj) = ctx.cluster.get(r.kind, &ns, name).cloned() else {
        return Output::failed(ApiError::not_found(r.group_resource(), name).to_string());
    };
    let selector = match p.value("selector").filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => match selector_of(r.kind, &obj) {
            Ok(s) => s,
            Err(e) => {
                return Output::failed(format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {e}"
                ))
            }
        },
    };
    let headless = p.value("cluster-ip") == Some("None");
    let found = ports_of(r.kind, &obj);
    let ports: Vec<String> = match p.value("port").filter(|s| !s.is_empty()) {
        Some(port) => vec![port.to_string()],
        None => {
            let mut v: Vec<String> = Vec::new();
            for (port, _) in &found {
                if !v.contains(port) {
                    v.push(port.clone());
                }
            }
            if v.is_empty() && !headless {
                return Output::failed("couldn't find port via --port flag or introspection");
            }
            v
        }
    };
    let selector = match parse_labels(&selector) {
        Ok(s) => s,
        Err(e) => return Output::failed(e),
    };
    let labels = match p.value("labels") {
        Some(l) => match parse_labels(l) {
            Ok(l) => l,
            Err(e) => return Output::failed(e),
        },
        None => obj
            .at("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    let svc_name = p
        .value("name")
        .filter(|n| !n.is_empty())
        .map(String::from)
        .unwrap_or_else(|| name.chars().take(63).collect());
    let mut svc_ports = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let Ok(n) = port.parse::<i64>() else {
            return Output::failed(format!("strconv.Atoi: parsing \"{port}\": invalid syntax"));
        };
        let protocol = p.value("protocol").map(String::from).unwrap_or_else(|| {
            found
                .iter()
                .find(|(fp, _)| fp == port)
                .map_or("TCP".to_string(), |(_, pr)| pr.clone())
        });
        let mut sp = Map::new();
        if ports.len() > 1 {
            sp.insert("name".into(), json!(format!("port-{}", i + 1)));
        }
        sp.insert("port".into(), json!(n));
        sp.insert("protocol".into(), json!(protocol));
        let target = p
            .value("target-port")
            .filter(|t| !t.is_empty())
            .map_or(json!(n), int_or_string);
        sp.insert("targetPort".into(), target);
        svc_ports.push(Value::Object(sp));
    }
    let mut meta = Map::new();
    if !labels.is_empty() {
        meta.insert("labels".into(), Value::Object(labels));
    }
    meta.insert("name".into(), json!(svc_name));
    let mut spec = Map::new();
    if headless {
        spec.insert("clusterIP".into(), json!("None"));
    } else if let Some(ip) = p.value("cluster-ip").filter(|s| !s.is_empty()) {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(ip) = p.value("external-ip").filter(|s| !s.is_empty()) {
        spec.insert("externalIPs".into(), json!([ip]));
    }
    spec.insert("ports".into(), json!(svc_ports));
    spec.insert("selector".into(), Value::Object(selector));
    if let Some(a) = p.value("session-affinity").filter(|s| !s.is_empty()) {
        if a != "None" && a != "ClientIP" {
            return Output::failed(format!("unknown session affinity: {a}"));
        }
        spec.insert("sessionAffinity".into(), json!(a));
    }
    if let Some(t) = p.value("type").filter(|s| !s.is_empty()) {
        spec.insert("type".into(), json!(t));
    }
    let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}});
    let mut out = Output::ok();
    if dry {
        if p.has("namespace") {
            svc["metadata"]["namespace"] = json!(ns);
        }
        if p.value("output").is_none() {
            out.out(format!("service/{svc_name} exposed (dry run)"));
        } else {
            print_service(&mut out, &p, &svc, "exposed");
        }
        return out;
    }
    svc["metadata"]["namespace"] = json!(ns);
    match ctx.create_as(svc, "kubectl-expose") {
        Ok(created) => print_service(&mut out, &p, &created, "exposed"),
        Err(e) => out.fail(e.to_string()),
    }
    out
}
