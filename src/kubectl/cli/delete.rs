//! `kubectl delete`: by name, `-f`, `-l`, `--all`; cascades; grace periods; and the wait
//! until the objects are really gone.

use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets_for, Access, ResourceError, Target};
use super::{flag_error, Ctx, Outcome};
use crate::engine::api::discovery::Resource;
use crate::engine::json::At;
use crate::engine::ApiError;
use crate::engine::{DeleteOptions, Propagation};
use crate::kubectl::output::CheckErr;
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("all", None, Arity::Bool),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("cascade", None, Arity::Value),
    flag("grace-period", None, Arity::Value),
    flag("force", None, Arity::Bool),
    flag("now", None, Arity::Bool),
    flag("wait", None, Arity::Bool),
    flag("ignore-not-found", None, Arity::Bool),
    flag("output", Some('o'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("timeout", None, Arity::Value),
    flag("field-selector", None, Arity::Value),
    flag("recursive", Some('R'), Arity::Bool),
];

/// Go duration text (`30s`, `5m`, `1h30m`, `0`) in milliseconds.
pub fn parse_go_duration(s: &str) -> Option<i64> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push('s');
            chars.next();
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1000.0,
            "ms" => 1.0,
            _ => return None,
        };
        any = true;
    }
    (any && num.is_empty()).then_some(total as i64)
}

fn cascade(p: &flags::Parsed, out: &mut Output) -> Result<Propagation, String> {
    match p.value("cascade") {
        None | Some("background") => Ok(Propagation::Background),
        Some("true") => {
            out.err("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.");
            Ok(Propagation::Background)
        }
        Some("false") => {
            out.err("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.");
            Ok(Propagation::Orphan)
        }
        Some("foreground") => Ok(Propagation::Foreground),
        Some("orphan") => Ok(Propagation::Orphan),
        Some(other) => Err(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")),
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("delete", e).into(),
    };
    let mut out = Output::ok();
    let propagation = match cascade(&p, &mut out) {
        Ok(c) => c,
        Err(e) => return Output::failed(e).into(),
    };
    let grace: Option<i64> = match p.value("grace-period") {
        Some(g) => match g.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => return Output::failed(format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax")).into(),
        },
        None => None,
    };
    let force = p.bool("force");
    if p.bool("now") && grace.is_some() {
        return Output::failed("--now and --grace-period cannot be specified together").into();
    }
    if force && grace.is_some_and(|g| g > 0) {
        return Output::failed(
            "--force and --grace-period greater than 0 cannot be specified together",
        )
        .into();
    }
    if p.bool("all") && p.has("selector") {
        return Output::failed("cannot set --all and --selector at the same time").into();
    }
    if let Some(o) = p.value("output") {
        if o != "name" {
            return Output::failed(format!(
                "unexpected -o output mode: {o}. We only support '-o name'"
            ))
            .into();
        }
    }
    let grace = match (grace, force, p.bool("now")) {
        (_, _, true) => Some(1),
        (Some(0), true, _) | (None, true, _) => Some(0),
        (Some(0), false, _) => Some(1),
        (g, _, _) => g,
    };
    let immediate = grace == Some(0);
    if immediate {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let ns = ctx.namespace(&p);
    let all_ns = p.bool("all-namespaces");
    let by_selection = p.bool("all") || p.has("selector") || p.has("field-selector");
    let ignore_not_found = p.bool("ignore-not-found") || by_selection;
    let selector = match super::get::selector_flag(&p) {
        Ok(s) => s,
        Err(e) => return Output::failed(e).into(),
    };
    // (resource, namespace, name, source file)
    let mut work: Vec<(&'static Resource, String, String, Option<String>)> = Vec::new();
    let files = p.all("filename");
    if !files.is_empty() {
        for file in &files {
            match super::manifest::read(ctx, file) {
                Ok(docs) => {
                    for d in docs {
                        let r = match super::manifest::check(&d) {
                            Ok(r) => r,
                            Err(e) => {
                                out.fail(e);
                                continue;
                            }
                        };
                        let obj_ns = d
                            .object
                            .at("/metadata/namespace")
                            .and_then(Value::as_str)
                            .map(String::from)
                            .unwrap_or_else(|| ns.clone());
                        let name = d
                            .object
                            .at("/metadata/name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        work.push((
                            r,
                            if r.namespaced { obj_ns } else { String::new() },
                            name,
                            Some(d.source.clone()),
                        ));
                    }
                }
                Err(e) => return Output::failed(e).into(),
            }
        }
    } else {
        let targets: Vec<Target> = match parse_targets_for(&p.positionals, Access::Read) {
            Ok(t) => t,
            Err(e) => return Output::failed(e.to_string()).into(),
        };
        if targets.is_empty() {
            out.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            out.status = 1;
            return out.into();
        }
        for t in targets {
            if t.names.is_empty() {
                if !by_selection {
                    return Output::failed("resource(s) were provided, but no name was specified")
                        .into();
                }
                // The selection is listed first: a refused list ends it.
                let scope = if all_ns { "" } else { ns.as_str() };
                if let Err(e) = ctx.may("list", t.resource, scope, "") {
                    out.fail(e.to_string());
                    continue;
                }
                let listed = super::get::list(
                    ctx.cluster,
                    t.resource,
                    if all_ns { None } else { Some(&ns) },
                    selector.as_ref(),
                );
                for o in listed {
                    let obj_ns = o
                        .at("/metadata/namespace")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let name = o
                        .at("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    work.push((t.resource, obj_ns, name, None));
                }
            } else {
                for name in t.names {
                    work.push((
                        t.resource,
                        if t.resource.namespaced {
                            ns.clone()
                        } else {
                            String::new()
                        },
                        name,
                        None,
                    ));
                }
            }
        }
    }
    if work.is_empty() && by_selection && out.status == 0 {
        out.out("No resources found");
        return out.into();
    }
    let dry_run = p.value("dry-run").is_some_and(|d| d != "none");
    let mut waiting = Vec::new();
    for (r, obj_ns, name, source) in work {
        if crate::kubectl::metrics_server::serves(r) {
            if p.value("dry-run") == Some("client") {
                // a client dry run sends nothing: kubectl only says what it would delete
                out.out(deleted_line(&p, r, &obj_ns, &name, "deleted", true));
            } else {
                // metrics-server serves get and list only: each DELETE is refused.
                out.err(ResourceError::MethodNotAllowed("DELETE").to_string());
                out.status = 1;
            }
            continue;
        }
        // The server authorizes the DELETE before it looks the object up; a client dry
        // run sends none.
        let refused = match p.value("dry-run") {
            Some("client") => None,
            _ => ctx.may("delete", r, &obj_ns, &name).err(),
        };
        if let Some(e) = refused {
            out.fail(match &source {
                Some(f) => e.with_source("deleting", f),
                None => e.to_string(),
            });
            continue;
        }
        let Some(live) = ctx.cluster.get(r.kind, &obj_ns, &name).cloned() else {
            if !ignore_not_found {
                let missing = ApiError::not_found(r.group_resource(), name);
                let msg = match &source {
                    Some(f) => missing.with_source("deleting", f),
                    None => missing.to_string(),
                };
                out.err(msg);
                out.status = 1;
            }
            continue;
        };
        let uid = live
            .at("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !dry_run {
            if let Err(e) = ctx.cluster.delete(
                r.kind,
                &obj_ns,
                &name,
                DeleteOptions {
                    grace_period_seconds: grace,
                    propagation,
                },
            ) {
                out.fail(e.to_string());
                continue;
            }
        }
        let op = if immediate {
            "force deleted"
        } else {
            "deleted"
        };
        out.out(deleted_line(&p, r, &obj_ns, &name, op, dry_run));
        waiting.push((r.kind, obj_ns, name, uid));
    }
    // kubectl's wait for deletion first GETs each object: those already gone (no
    // finalizers, no grace period) end it at once, before virtual time moves on.
    waiting.retain(|(kind, ns, name, uid)| {
        ctx.cluster
            .get(kind, ns, name)
            .is_some_and(|o| o.at("/metadata/uid").and_then(Value::as_str) == Some(uid))
    });
    let wait = p.value("wait").is_none_or(|w| w != "false") && !dry_run && !immediate;
    if !wait || waiting.is_empty() {
        return out.into();
    }
    let running = Running::new(Process::WaitDeleted(waiting))
        .with_kubectl_timeout(ctx.cluster.now, p.value("timeout"));
    Outcome::Running(out, Box::new(running))
}

/// `pod "web" deleted from default namespace`, `-o name`'s `pod/web`, `(dry run)` after.
fn deleted_line(
    p: &flags::Parsed,
    r: &Resource,
    obj_ns: &str,
    name: &str,
    op: &str,
    dry_run: bool,
) -> String {
    let line = if p.value("output") == Some("name") {
        format!("{}/{name}", kind_group(r))
    } else if r.namespaced {
        format!("{} \"{name}\" {op} from {obj_ns} namespace", kind_group(r))
    } else {
        format!("{} \"{name}\" {op}", kind_group(r))
    };
    if dry_run && p.value("output") != Some("name") {
        format!("{line} (dry run)")
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::parse_go_duration;

    #[test]
    fn go_durations_parse_to_milliseconds() {
        assert_eq!(parse_go_duration("30s"), Some(30_000));
        assert_eq!(parse_go_duration("1m30s"), Some(90_000));
        assert_eq!(parse_go_duration("250ms"), Some(250));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("soon"), None);
    }
}
