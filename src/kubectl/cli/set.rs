//! `kubectl set image|env|resources`: edit the pod template (or a pod) in place.

use super::dry_run::DryRun;
use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets};
use super::{flag_error, Ctx};
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("all", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("containers", Some('c'), Arity::Value),
    flag("limits", None, Arity::Value),
    flag("requests", None, Arity::Value),
    flag("env", Some('e'), Arity::Value),
    flag("list", None, Arity::Bool),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("record", None, Arity::Bool),
    flag("local", None, Arity::Bool),
];

/// The containers list of a pod, of a workload's template, or of a CronJob's job
/// template (`polymorphichelpers.updatePodSpecForObject`).
fn containers_mut(obj: &mut Value) -> Option<&mut Vec<Value>> {
    let path = match obj["kind"].as_str() {
        Some("Pod") => "/spec/containers",
        Some("CronJob") => "/spec/jobTemplate/spec/template/spec/containers",
        _ => "/spec/template/spec/containers",
    };
    obj.pointer_mut(path)?.as_array_mut()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Image,
    Env,
    Resources,
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let Some(sub) = args.first() else {
        return super::no_subcommand("set", args, false);
    };
    let what = match sub.as_str() {
        "image" => What::Image,
        "env" => What::Env,
        "resources" => What::Resources,
        "selector" | "serviceaccount" | "sa" | "subject" => {
            return super::subcommand_not_simulated(&format!("set {sub}"))
        }
        _ => return super::no_subcommand("set", args, false),
    };
    let p = match flags::parse(&args[1..], FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error(&format!("set {sub}"), e),
    };
    let (pairs, resources): (Vec<String>, Vec<String>) =
        p.positionals.iter().cloned().partition(|a| a.contains('='));
    let (env_pairs, env_removals): (Vec<String>, Vec<String>) = if what == What::Env {
        let mut pairs = pairs.clone();
        pairs.extend(p.all("env"));
        let removals = resources
            .iter()
            .filter(|r| r.ends_with('-') && !r.contains('/'))
            .cloned()
            .collect();
        (pairs, removals)
    } else {
        (Vec::new(), Vec::new())
    };
    let resources: Vec<String> = resources
        .into_iter()
        .filter(|r| !env_removals.contains(r))
        .collect();
    if resources.is_empty() {
        return Output::failed(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if what == What::Image && pairs.is_empty() {
        return Output::failed("at least one image update is required");
    }
    let dry_run = match DryRun::of(&p) {
        Ok(d) => d,
        Err(e) => return Output::failed(e),
    };
    let targets = match parse_targets(&resources) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    let ns = ctx.namespace(&p);
    let mut out = Output::ok();
    let only = p.value("containers").map(String::from);
    for t in targets {
        for name in &t.names {
            let Some(live) = ctx.cluster.get(t.resource.kind, &ns, name).cloned() else {
                out.fail(ApiError::not_found(t.resource.group_resource(), name).to_string());
                continue;
            };
            let mut obj = (*live).clone();
            let Some(containers) = containers_mut(&mut obj) else {
                // polymorphichelpers.updatePodSpecForObject's refusal.
                out.fail(format!(
                    "{}/{name} the object is not a pod or does not have a pod template: *{}.{}",
                    t.resource.plural, t.resource.version, t.resource.kind
                ));
                continue;
            };
            let selected = |c: &Value| only.as_deref().is_none_or(|o| o == "*" || c["name"] == o);
            match what {
                What::Image => {
                    let mut failed = false;
                    for pair in &pairs {
                        let (cname, image) = pair.split_once('=').unwrap_or((pair, ""));
                        let mut found = false;
                        for c in containers.iter_mut() {
                            if cname == "*" || c["name"] == cname {
                                c["image"] = json!(image);
                                found = true;
                            }
                        }
                        if !found {
                            out.fail(format!("unable to find container named \"{cname}\""));
                            failed = true;
                        }
                    }
                    if failed {
                        continue;
                    }
                }
                What::Env => {
                    for c in containers.iter_mut().filter(|c| selected(c)) {
                        let mut env: Vec<Value> = c["env"].as_array().cloned().unwrap_or_default();
                        for pair in &env_pairs {
                            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                            match env.iter_mut().find(|e| e["name"] == k) {
                                Some(e) => *e = json!({"name": k, "value": v}),
                                None => env.push(json!({"name": k, "value": v})),
                            }
                        }
                        for r in &env_removals {
                            let k = r.trim_end_matches('-');
                            env.retain(|e| e["name"] != k);
                        }
                        if env.is_empty() {
                            if let Some(m) = c.as_object_mut() {
                                m.remove("env");
                            }
                        } else {
                            c["env"] = json!(env);
                        }
                    }
                }
                What::Resources => {
                    for c in containers.iter_mut().filter(|c| selected(c)) {
                        for (flag_name, key) in [("limits", "limits"), ("requests", "requests")] {
                            if let Some(spec) = p.value(flag_name) {
                                for kv in spec.split(',').filter(|s| !s.is_empty()) {
                                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                                    if !c["resources"].is_object() {
                                        c["resources"] = json!({});
                                    }
                                    if !c["resources"][key].is_object() {
                                        c["resources"][key] = json!({});
                                    }
                                    c["resources"][key][k] = json!(v);
                                }
                            }
                        }
                    }
                }
            }
            if obj == *live {
                // kubectl prints nothing when the patch is empty.
                continue;
            }
            let verb = match what {
                What::Image => "image updated",
                What::Env => "env updated",
                What::Resources => "resource requirements updated",
            };
            let suffix = dry_run.suffix();
            match dry_run.update(ctx.cluster, obj, "kubectl-set", "") {
                Ok(o) => {
                    let kg = kind_group(t.resource);
                    super::apply::print_written(
                        &mut out,
                        &p,
                        &o,
                        &kg,
                        format!("{kg}/{name} {verb}{suffix}"),
                    );
                }
                Err(e) => out.fail(e.to_string()),
            }
        }
    }
    out
}
