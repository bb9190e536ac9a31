//! `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`
//! (`create_service.go`): a Service selecting `app=NAME`, one TCP port per `--tcp`.

use super::{group_without_subcommand, subcommand, without, Ctx, Invocation};
use crate::engine::apiserver::validation::is_dns1123_subdomain;
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

const TCP: Flag = flag("tcp", None, Arity::Value);
const CLUSTER_IP_FLAGS: &[Flag] = &[TCP, flag("clusterip", None, Arity::Value)];
const NODE_PORT_FLAGS: &[Flag] = &[TCP, flag("node-port", None, Arity::Value)];
const LOAD_BALANCER_FLAGS: &[Flag] = &[TCP];
const EXTERNAL_NAME_FLAGS: &[Flag] = &[TCP, flag("external-name", None, Arity::Value)];

const HELP: &str = "Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use \"kubectl create service <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// `kubectl create service …` (the words after `service`).
pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let Some((at, word)) = subcommand(args) else {
        return group_without_subcommand("create service", HELP, args);
    };
    let (command, ty, flags) = match word {
        "clusterip" => ("create service clusterip", "ClusterIP", CLUSTER_IP_FLAGS),
        "nodeport" => ("create service nodeport", "NodePort", NODE_PORT_FLAGS),
        "loadbalancer" => (
            "create service loadbalancer",
            "LoadBalancer",
            LOAD_BALANCER_FLAGS,
        ),
        "externalname" => (
            "create service externalname",
            "ExternalName",
            EXTERNAL_NAME_FLAGS,
        ),
        _ => return group_without_subcommand("create service", HELP, args),
    };
    let rest = without(args, at);
    let required = (ty == "ExternalName").then_some("external-name");
    let inv = match Invocation::parse(command, &rest, flags, required) {
        Ok(i) => i,
        Err(o) => return o,
    };
    match service(&inv, ty) {
        Ok(svc) => inv.finish(ctx, svc, "service", &|e| failed(ty, e)),
        Err(e) => Output::failed(e),
    }
}

fn failed(ty: &str, e: &ApiError) -> String {
    format!("failed to create {ty} service: {}", e.status_message(""))
}

/// `Validate` then `createService`.
fn service(inv: &Invocation, ty: &str) -> Result<Value, String> {
    let p = &inv.parsed;
    let cluster_ip = p.value("clusterip").unwrap_or("");
    // A string slice: each value is comma-separated.
    let tcp: Vec<String> = p
        .all("tcp")
        .iter()
        .flat_map(|t| t.split(',').map(String::from).collect::<Vec<_>>())
        .collect();
    if cluster_ip == "None" && ty != "ClusterIP" {
        return Err("ClusterIP=None can only be used with ClusterIP service type".into());
    }
    if cluster_ip != "None" && tcp.is_empty() && ty != "ExternalName" {
        return Err("at least one tcp port specifier must be provided".into());
    }
    let external_name = p.value("external-name").unwrap_or("");
    if ty == "ExternalName" && !is_dns1123_subdomain(external_name) {
        return Err(format!("invalid service external name {external_name}"));
    }
    let node_port = match p.value("node-port") {
        None => 0,
        Some(n) => n.parse::<i64>().map_err(|_| {
            format!("invalid argument \"{n}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax")
        })?,
    };
    let mut ports = Vec::new();
    for t in &tcp {
        let (port, target) = parse_ports(t)?;
        let mut sp = json!({"name": t.replace(':', "-"), "port": port, "protocol": "TCP", "targetPort": target});
        if node_port != 0 {
            sp["nodePort"] = json!(node_port);
        }
        ports.push(sp);
    }
    let mut spec = json!({"selector": {"app": inv.name}, "type": ty});
    if !ports.is_empty() {
        spec["ports"] = json!(ports);
    }
    if !cluster_ip.is_empty() {
        spec["clusterIP"] = json!(cluster_ip);
    }
    if !external_name.is_empty() {
        spec["externalName"] = json!(external_name);
    }
    let mut meta = inv.metadata();
    meta["labels"] = json!({"app": inv.name});
    Ok(
        json!({"apiVersion": "v1", "kind": "Service", "metadata": meta,
        "spec": spec, "status": {"loadBalancer": {}}}),
    )
}

/// `parsePorts`: `PORT[:TARGET]`, the target a number or a port name.
fn parse_ports(spec: &str) -> Result<(i64, Value), String> {
    let mut parts = spec.split(':');
    let first = parts.next().unwrap_or("");
    let port = match first.parse::<u64>() {
        Ok(n) if n <= 65535 => n as i64,
        Ok(_) => {
            return Err(format!(
                "strconv.ParseUint: parsing {}: value out of range",
                crate::gofmt::go_quote(first)
            ))
        }
        Err(_) if !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) => {
            return Err(format!(
                "strconv.ParseUint: parsing {}: value out of range",
                crate::gofmt::go_quote(first)
            ))
        }
        Err(_) => {
            return Err(format!(
                "strconv.ParseUint: parsing {}: invalid syntax",
                crate::gofmt::go_quote(first)
            ))
        }
    };
    let Some(target) = parts.next() else {
        return Ok((port, json!(port)));
    };
    match target.parse::<i64>() {
        Ok(n) if (1..=65535).contains(&n) => Ok((port, json!(n))),
        Ok(_) => Err("must be between 1 and 65535, inclusive".into()),
        Err(_) => {
            let errs =
                crate::engine::apiserver::network_policy_validation::port_name_errors(target);
            if errs.is_empty() {
                Ok((port, json!(target)))
            } else {
                Err(errs.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_as_create_service_parses_them() {
        assert_eq!(parse_ports("80").unwrap(), (80, json!(80)));
        assert_eq!(parse_ports("80:8080:9").unwrap(), (80, json!(8080)));
        assert_eq!(parse_ports("80:http").unwrap(), (80, json!("http")));
        assert_eq!(
            parse_ports("abc").unwrap_err(),
            "strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse_ports("70000").unwrap_err(),
            "strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(
            parse_ports("80:0").unwrap_err(),
            "must be between 1 and 65535, inclusive"
        );
    }
}
