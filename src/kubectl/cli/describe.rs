//! `kubectl describe`: finds the objects (by name, name prefix, selector or type) and what
//! each description needs (events, pods, replica sets, claims).

use super::flags::{self, flag, Arity, Flag};
use super::resource::{parse_targets_for, Access};
use super::{flag_error, Ctx};
use crate::engine::api::discovery::Resource;
use crate::engine::controllers::ownership::owned;
use crate::engine::json::At;
use crate::engine::rbac::authorizer::Attributes;
use crate::engine::ApiError;
use crate::kubectl::describe::{describe, Related};
use crate::kubectl::metrics_server;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;
use std::rc::Rc;

pub(crate) const FLAGS: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("filename", Some('f'), Arity::Value),
    flag("show-events", None, Arity::Bool),
];

fn uid(o: &Value) -> &str {
    o.at("/metadata/uid").and_then(Value::as_str).unwrap_or("")
}

/// The text for one object, with its related objects looked up in the store.
pub fn describe_object(ctx: &Ctx<'_>, obj: &Value, show_events: bool) -> String {
    let c = &ctx.cluster;
    let ns = obj
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    // In the order the server lists them (by name): the Events section sorts them itself.
    let events: Vec<Rc<Value>> = if show_events {
        c.store
            .list("Event", if ns.is_empty() { None } else { Some(ns) })
            .filter(|e| e.at("/involvedObject/uid").and_then(Value::as_str) == Some(uid(obj)))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let kind = obj["kind"].as_str().unwrap_or("");
    let pods: Vec<Rc<Value>> = match kind {
        "StatefulSet" | "DaemonSet" | "ReplicaSet" => owned(c, uid(obj), "Pod"),
        "Node" => {
            let name = obj
                .at("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            c.store.pods_on_node(name).cloned().collect()
        }
        _ => Vec::new(),
    };
    let replica_sets: Vec<Rc<Value>> = if kind == "Deployment" {
        owned(c, uid(obj), "ReplicaSet")
    } else {
        Vec::new()
    };
    let pvcs: Vec<Rc<Value>> = if kind == "PersistentVolumeClaim" {
        let name = obj
            .at("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        c.store
            .list("Pod", Some(ns))
            .filter(|p| crate::engine::volumes::claim_names(p).any(|c| c == name))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let endpoints: Vec<Rc<Value>> = if kind == "Service" {
        let name = obj
            .at("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        // `kubernetes.io/service-name=NAME`, as kubectl lists them.
        c.store
            .list("EndpointSlice", Some(ns))
            .filter(|s| {
                s.at("/metadata/labels/kubernetes.io~1service-name")
                    .and_then(Value::as_str)
                    == Some(name)
            })
            .cloned()
            .collect()
    } else if kind == "Ingress" {
        c.store.list("EndpointSlice", Some(ns)).cloned().collect()
    } else {
        Vec::new()
    };
    let services: Vec<Rc<Value>> = if kind == "Ingress" {
        c.store.list("Service", Some(ns)).cloned().collect()
    } else {
        Vec::new()
    };
    // A namespace's quotas and limit ranges.
    let in_namespace = |of: &str| -> Vec<Rc<Value>> {
        if kind != "Namespace" {
            return Vec::new();
        }
        let name = obj
            .at("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        c.store.list(of, Some(name)).cloned().collect()
    };
    let quotas = in_namespace("ResourceQuota");
    let limit_ranges = in_namespace("LimitRange");
    let lease = if kind == "Node" {
        crate::engine::kubelet::power::node_lease(c, obj)
    } else {
        None
    };
    let related = Related {
        events: events.iter().map(|e| e.as_ref()).collect(),
        pods: pods.iter().map(|e| e.as_ref()).collect(),
        replica_sets: replica_sets.iter().map(|e| e.as_ref()).collect(),
        endpoints: endpoints.iter().map(|e| e.as_ref()).collect(),
        pvcs: pvcs.iter().map(|e| e.as_ref()).collect(),
        lease: lease.as_ref(),
        quotas: quotas.iter().map(|e| e.as_ref()).collect(),
        limit_ranges: limit_ranges.iter().map(|e| e.as_ref()).collect(),
        services: services.iter().map(|e| e.as_ref()).collect(),
    };
    describe(obj, &related, c.now)
}

/// The object `name` of `r`, from the store or, for metrics.k8s.io, from metrics-server
/// (whose NotFound names the pod or node it looked up).
fn lookup(ctx: &Ctx<'_>, r: &Resource, ns: &str, name: &str) -> Result<Rc<Value>, ApiError> {
    if metrics_server::serves(r) {
        return metrics_server::get(ctx.cluster, r, ns, name, 0).map(Rc::new);
    }
    match ctx.cluster.get(r.kind, ns, name) {
        Some(o) => Ok(o.clone()),
        None => Err(ApiError::not_found(r.group_resource(), name)),
    }
}

/// Whether the description lists the object's events: asked for, and a list of events
/// in its namespace the user may make (a refused one leaves `Events: <none>`, as
/// describe ignores the error).
fn may_see_events(ctx: &Ctx<'_>, obj: &Value, show_events: bool) -> bool {
    let ns = obj
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    let events = Attributes {
        verb: "list".into(),
        namespace: ns.into(),
        resource: "events".into(),
        ..Attributes::default()
    };
    show_events && ctx.authorize(&events).is_ok()
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("describe", e),
    };
    let targets = match parse_targets_for(&p.positionals, Access::Read) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    if targets.is_empty() {
        let mut o = Output::ok();
        o.err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
        o.fail("Required resource not specified.\nSee 'kubectl describe -h' for help and examples");
        return o;
    }
    let ns = ctx.namespace(&p);
    let all_ns = p.bool("all-namespaces");
    let selector = match super::get::selector_flag(&p) {
        Ok(s) => s,
        Err(e) => return Output::failed(e),
    };
    let show_events = p.value("show-events").is_none_or(|v| v != "false");
    let mut out = Output::ok();
    let mut texts: Vec<String> = Vec::new();
    let mut prefix_matched = false;
    for t in targets {
        let scope = if all_ns || !t.resource.namespaced {
            None
        } else {
            Some(ns.as_str())
        };
        if t.names.is_empty() {
            if let Err(e) = ctx.may("list", t.resource, scope.unwrap_or(""), "") {
                out.err(e.to_string());
                out.status = 1;
                continue;
            }
            for o in super::get::list(ctx.cluster, t.resource, scope, selector.as_ref()) {
                texts.push(describe_object(
                    ctx,
                    &o,
                    may_see_events(ctx, &o, show_events),
                ));
            }
            continue;
        }
        for name in &t.names {
            let obj_ns = if t.resource.namespaced {
                ns.as_str()
            } else {
                ""
            };
            if let Err(e) = ctx.may("get", t.resource, obj_ns, name) {
                out.err(e.to_string());
                out.status = 1;
                continue;
            }
            let missing = match lookup(ctx, t.resource, obj_ns, name) {
                Ok(o) => {
                    texts.push(describe_object(
                        ctx,
                        &o,
                        may_see_events(ctx, &o, show_events),
                    ));
                    continue;
                }
                Err(e) => e,
            };
            // Not found by name: describe every object whose name starts with it.
            let matches: Vec<Rc<Value>> = super::get::list(ctx.cluster, t.resource, scope, None)
                .into_iter()
                .filter(|o| {
                    o.at("/metadata/name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.starts_with(name.as_str()))
                })
                .collect();
            if matches.is_empty() {
                out.err(missing.to_string());
                out.status = 1;
            }
            // DescribeMatchingResources prints each match as "%s\n", not joined by a
            // blank line as the objects found by name are.
            for o in matches {
                prefix_matched = true;
                let events = may_see_events(ctx, &o, show_events);
                texts.push(format!("{}\n", describe_object(ctx, &o, events)));
            }
        }
    }
    if texts.is_empty() && out.status == 0 {
        out.err(if all_ns {
            "No resources found".to_string()
        } else {
            format!("No resources found in {ns} namespace.")
        });
    }
    let joined = texts.join(if prefix_matched { "" } else { "\n\n" });
    // A description ends with a newline; the terminal shows each line.
    out.lines.splice(0..0, {
        let mut o = Output::ok();
        o.out(joined);
        o.lines
    });
    out
}
