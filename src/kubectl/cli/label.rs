//! `kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes.

use super::dry_run::DryRun;
use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets_for, Access};
use super::{flag_error, Ctx};
use crate::engine::json::At;
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Label,
    Annotate,
}

pub(crate) const FLAGS: &[Flag] = &[
    flag("overwrite", None, Arity::Bool),
    flag("all", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("list", None, Arity::Bool),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("resource-version", None, Arity::Value),
];

fn valid_label_value(v: &str) -> bool {
    v.len() <= 63
        && (v.is_empty()
            || (v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())))
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String], mode: Mode) -> Output {
    let verb = if mode == Mode::Label {
        "label"
    } else {
        "annotate"
    };
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error(verb, e),
    };
    let dry_run = match DryRun::of(&p) {
        Ok(d) => d,
        Err(e) => return Output::failed(e),
    };
    let mut sets: Vec<(String, String)> = Vec::new();
    let mut removes: Vec<String> = Vec::new();
    let mut resources: Vec<String> = Vec::new();
    for a in &p.positionals {
        // GetResourcesAndPairs: a word starting with `=` is no pair (it names a resource).
        if let Some((k, v)) = a.split_once('=').filter(|_| !a.starts_with('=')) {
            if mode == Mode::Label && !valid_label_value(v) {
                return Output::failed(format!(
                    "invalid label value: \"{a}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                ));
            }
            sets.push((k.to_string(), v.to_string()));
        } else if a.ends_with('-') && !resources.is_empty() {
            removes.push(a.trim_end_matches('-').to_string());
        } else {
            resources.push(a.clone());
        }
    }
    if sets.is_empty() && removes.is_empty() && !p.bool("list") {
        return Output::failed(format!(
            "at least one {} update is required",
            if mode == Mode::Label {
                "label"
            } else {
                "annotation"
            }
        ));
    }
    let targets = match parse_targets_for(&resources, Access::Write("PATCH")) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    let ns = ctx.namespace(&p);
    let field = if mode == Mode::Label {
        "labels"
    } else {
        "annotations"
    };
    let mut out = Output::ok();
    for t in targets {
        let selecting = t.names.is_empty() && (p.bool("all") || p.has("selector"));
        if let Some(e) = selecting
            .then(|| ctx.may("list", t.resource, &ns, "").err())
            .flatten()
        {
            out.fail(e.to_string());
            continue;
        }
        let names: Vec<String> = if selecting {
            let sel = super::get::selector_flag(&p).ok().flatten();
            super::get::list(ctx.cluster, t.resource, Some(&ns), sel.as_ref())
                .iter()
                .map(|o| {
                    o.at("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        } else {
            t.names.clone()
        };
        for name in names {
            let obj_ns = if t.resource.namespaced {
                ns.as_str()
            } else {
                ""
            };
            // The objects are read, then patched.
            if let Err(e) = ctx.may("get", t.resource, obj_ns, &name) {
                out.fail(e.to_string());
                continue;
            }
            let Some(live) = ctx.cluster.get(t.resource.kind, obj_ns, &name).cloned() else {
                out.fail(ApiError::not_found(t.resource.group_resource(), name).to_string());
                continue;
            };
            let mut obj = (*live).clone();
            let current = obj["metadata"][field]
                .as_object()
                .cloned()
                .unwrap_or_default();
            if p.bool("list") {
                for (k, v) in &current {
                    out.out(format!("{k}={}", v.as_str().unwrap_or("")));
                }
                continue;
            }
            if !p.bool("overwrite") {
                let conflicts: Vec<String> = sets
                    .iter()
                    .filter(|(k, v)| {
                        current
                            .get(k)
                            .and_then(Value::as_str)
                            .is_some_and(|have| have != v)
                            && k != "kubernetes.io/change-cause"
                    })
                    .map(|(k, _)| {
                        format!(
                            "'{k}' already has a value ({})",
                            current.get(k).and_then(Value::as_str).unwrap_or("")
                        )
                    })
                    .collect();
                if !conflicts.is_empty() {
                    out.fail(if mode == Mode::Label {
                        format!("{}, and --overwrite is false", conflicts[0])
                    } else {
                        format!("--overwrite is false but found the following declared annotation(s): {}", conflicts.join("; "))
                    });
                    continue;
                }
            }
            if mode == Mode::Label {
                for k in removes.iter().filter(|k| !current.contains_key(k.as_str())) {
                    out.out(format!("label {} not found.", crate::gofmt::go_quote(k)));
                }
            }
            let mut map = current.clone();
            for (k, v) in &sets {
                map.insert(k.clone(), json!(v));
            }
            for k in &removes {
                map.remove(k);
            }
            if map.is_empty() {
                if let Some(m) = obj["metadata"].as_object_mut() {
                    m.remove(field);
                }
            } else {
                obj["metadata"][field] = json!(map);
            }
            let changed = obj != *live;
            let op = match (mode, changed) {
                (Mode::Annotate, _) => "annotated",
                (Mode::Label, false) => "not labeled",
                (Mode::Label, true)
                    if !removes.is_empty() && sets.is_empty() && !p.bool("overwrite") =>
                {
                    "unlabeled"
                }
                (Mode::Label, true) => "labeled",
            };
            let written = if changed {
                let manager = match mode {
                    Mode::Label => "kubectl-label",
                    Mode::Annotate => "kubectl-annotate",
                };
                let patched = ctx
                    .may("patch", t.resource, obj_ns, &name)
                    .and_then(|()| dry_run.update(ctx.cluster, obj, manager, ""));
                match patched {
                    Ok(o) => (*o).clone(),
                    Err(e) => {
                        out.fail(e.to_string());
                        continue;
                    }
                }
            } else {
                obj
            };
            let kg = kind_group(t.resource);
            let line = format!("{kg}/{name} {op}{}", dry_run.suffix());
            super::apply::print_written(&mut out, &p, &written, &kg, line);
        }
    }
    out
}
