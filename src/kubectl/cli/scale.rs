//! `kubectl scale`: writes `spec.replicas` of StatefulSets, Deployments and ReplicaSets.

use super::dry_run::DryRun;
use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets};
use super::{flag_error, Ctx};
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;

pub(crate) const FLAGS: &[Flag] = &[
    flag("replicas", None, Arity::Value),
    flag("current-replicas", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("all", None, Arity::Bool),
    flag("timeout", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("dry-run", None, Arity::Value),
];

/// Scaling beyond this is refused here (a browser tab holds the whole cluster).
const MAX_REPLICAS: i64 = 10_000;

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("scale", e),
    };
    let dry_run = match DryRun::of(&p) {
        Ok(d) => d,
        Err(e) => return Output::failed(e),
    };
    let replicas = match p.value("replicas").map(|r| r.parse::<i64>()) {
        Some(Ok(r)) if r >= 0 => r,
        Some(Err(_)) => {
            let v = p.value("replicas").unwrap_or("");
            return Output::failed(format!("invalid argument \"{v}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"));
        }
        Some(Ok(_)) => return Output::failed(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ),
        // cobra's check of a flag marked required, before kubectl looks at anything else.
        None => return Output::failed("required flag(s) \"replicas\" not set"),
    };
    if replicas > MAX_REPLICAS {
        return Output::failed(format!("kubeplay: --replicas={replicas} is more than this playground can run (at most {MAX_REPLICAS}; the namespace quota allows fewer pods)"));
    }
    let targets = match parse_targets(&p.positionals) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    if targets.iter().all(|t| t.names.is_empty()) {
        return Output::failed("no objects passed to scale");
    }
    let ns = ctx.namespace(&p);
    // kubectl gets every object first and scales only once something was found; the
    // objects it could not get are reported after the rest are scaled.
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for t in &targets {
        for name in &t.names {
            if let Err(e) = ctx.may("get", t.resource, &ns, name) {
                missing.push(e);
                continue;
            }
            match ctx.cluster.get(t.resource.kind, &ns, name) {
                Some(live) => found.push((t.resource, name.clone(), (**live).clone())),
                None => missing.push(ApiError::not_found(t.resource.group_resource(), name)),
            }
        }
    }
    if found.is_empty() {
        let messages: Vec<String> = missing.iter().map(|e| e.status_message("")).collect();
        return Output::failed(match messages.len() {
            1 => format!("no objects passed to scale {}", messages[0]),
            _ => format!("no objects passed to scale [{}]", messages.join(", ")),
        });
    }
    let mut out = Output::ok();
    for (resource, name, live) in found {
        if !matches!(resource.kind, "StatefulSet" | "Deployment" | "ReplicaSet") {
            // The scale subresource of a kind that has none: a 404 with no details.
            out.fail(
                "Error from server (NotFound): the server could not find the requested resource",
            );
            continue;
        }
        if let Some(cur) = p
            .value("current-replicas")
            .and_then(|c| c.parse::<i64>().ok())
        {
            if live["spec"]["replicas"].as_i64() != Some(cur) {
                out.fail(format!(
                    "Expected replicas to be {cur}, was {}",
                    live["spec"]["replicas"]
                ));
                continue;
            }
        }
        // The new count is a PATCH of the scale subresource.
        let scale = super::impersonation::attributes("patch", resource, &ns, &name, "scale");
        if let Err(e) = ctx.authorize(&scale) {
            out.fail(e.to_string());
            continue;
        }
        let mut obj = live;
        obj["spec"]["replicas"] = json!(replicas);
        match dry_run.update(ctx.cluster, obj, "kubectl", "scale") {
            Ok(o) => {
                let kg = kind_group(resource);
                let line = format!("{kg}/{name} scaled{}", dry_run.suffix());
                super::apply::print_written(&mut out, &p, &o, &kg, line);
            }
            Err(e) => out.fail(e.to_string()),
        }
    }
    for e in missing {
        out.fail(e.to_string());
    }
    out
}
