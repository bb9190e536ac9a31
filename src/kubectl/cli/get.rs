//! `kubectl get`: tables, `-o wide|name|yaml|json|jsonpath|custom-columns`, selectors,
//! several types at once, and `-w` watches.

use super::flags::{self, flag, Arity, Flag};
use super::resource::{kind_group, parse_targets_for, Access, Target};
use super::{flag_error, Ctx, Outcome};
use crate::engine::api::discovery::Resource;
use crate::engine::apiserver::derived_fields;
use crate::engine::json::At;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::store::EventType;
use crate::engine::ApiError;
use crate::engine::{Cluster, Millis};
use crate::kubectl::metrics_server;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::columns::{self, TableOptions};
use crate::kubectl::printers::list;
use crate::kubectl::printers::tabwriter::{format_table, WatchTable};
use crate::kubectl::printers::{custom_columns, gotemplate, jsonpath, omit_managed_fields, yaml};
use crate::kubectl::process::{Process, Running, Watch};
use crate::kubectl::watch_selection::{Selection, Selectors};
use crate::shell::Output;
use serde_json::Value;
use std::borrow::Cow;
use std::rc::Rc;

pub(crate) const FLAGS: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("watch", Some('w'), Arity::Bool),
    flag("watch-only", None, Arity::Bool),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("show-labels", None, Arity::Bool),
    flag("label-columns", Some('L'), Arity::Value),
    flag("sort-by", None, Arity::Value),
    flag("field-selector", None, Arity::Value),
    flag("ignore-not-found", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
    flag("template", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("output-watch-events", None, Arity::Bool),
    flag("chunk-size", None, Arity::Value),
    flag("show-kind", None, Arity::Bool),
    flag("show-managed-fields", None, Arity::Bool),
    flag("allow-missing-template-keys", None, Arity::Bool),
];

/// How objects are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Table { wide: bool },
    Name,
    Yaml,
    Json,
    JsonPath(String),
    GoTemplate(String),
    CustomColumns(String),
}

pub fn parse_format(output: Option<&str>, template: Option<&str>) -> Result<Format, String> {
    let Some(o) = output else {
        return Ok(match template {
            // printers.PrintFlags: a --template without -o means go-template.
            Some(t) => Format::GoTemplate(t.to_string()),
            None => Format::Table { wide: false },
        });
    };
    let (name, arg) = match o.split_once('=') {
        Some((n, a)) => (n, Some(a.to_string())),
        None => (o, None),
    };
    let arg = arg.or_else(|| template.map(String::from));
    Ok(match name {
        "" => Format::Table { wide: false },
        "wide" => Format::Table { wide: true },
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "jsonpath" | "jsonpath-as-json" => Format::JsonPath(arg.ok_or("template format specified but no template given")?),
        "custom-columns" => Format::CustomColumns(arg.ok_or("custom-columns format specified but no custom columns given")?),
        "go-template" | "template" => Format::GoTemplate(arg.ok_or("template format specified but no template given")?),
        "go-template-file" | "templatefile" | "jsonpath-file" | "custom-columns-file" => {
            return Err(format!("kubeplay: -o {name} is not supported in the playground; use -o jsonpath or -o custom-columns"));
        }
        other => {
            return Err(format!(
                "unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
            ))
        }
    })
}

/// Prints rows of one kind, remembering column widths across calls (watch output).
#[derive(Debug, Clone)]
pub struct RowPrinter {
    pub kind: &'static str,
    pub format: Format,
    pub options: TableOptions,
    pub no_headers: bool,
    pub table: WatchTable,
    pub header_done: bool,
    pub kind_group: String,
    /// `--show-managed-fields`: `-o yaml|json` keep `metadata.managedFields`.
    pub show_managed_fields: bool,
    /// `--output-watch-events`: a table's rows start with the event's type.
    pub watch_events: bool,
}

impl RowPrinter {
    fn shown<'a>(&self, o: &'a Value) -> std::borrow::Cow<'a, Value> {
        if self.show_managed_fields {
            std::borrow::Cow::Borrowed(o)
        } else {
            omit_managed_fields(o)
        }
    }

    pub fn print_many(&mut self, objs: &[&Value], now: Millis) -> Vec<String> {
        self.print_as(objs, now, "ADDED   ")
    }

    /// One watch event's object (`--output-watch-events` shows its type, padded to eight
    /// characters as cli-runtime's table printer writes it, so the EVENT column is as
    /// wide from the first row on).
    pub fn print_event(&mut self, ty: EventType, obj: &Value, now: Millis) -> Vec<String> {
        let event = match ty {
            EventType::Added => "ADDED   ",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED ",
        };
        self.print_as(&[obj], now, event)
    }

    fn print_as(&mut self, objs: &[&Value], now: Millis, event: &str) -> Vec<String> {
        let derived: Vec<Cow<Value>>;
        let refs: Vec<&Value>;
        let hidden =
            matches!(self.format, Format::Yaml | Format::Json) && !self.show_managed_fields;
        let objs = if hidden || matches!(self.format, Format::Table { .. } | Format::Name) {
            objs
        } else {
            derived = objs.iter().map(|o| derived_fields::shown(o)).collect();
            refs = derived.iter().map(|c| c.as_ref()).collect();
            &refs[..]
        };
        match &self.format {
            Format::Table { .. } => {
                let mut rows = columns::table(self.kind, objs, now, &self.options);
                if rows.is_empty() {
                    return Vec::new();
                }
                if self.watch_events {
                    for (i, row) in rows.iter_mut().enumerate() {
                        row.insert(0, if i == 0 { "EVENT" } else { event }.to_string());
                    }
                }
                if self.header_done || self.no_headers {
                    rows.remove(0);
                }
                self.header_done = true;
                self.table.render(&rows)
            }
            Format::Name => objs
                .iter()
                .map(|o| format!("{}/{}", self.kind_group, name_of(o)))
                .collect(),
            Format::JsonPath(t) => objs
                .iter()
                .filter_map(|o| jsonpath::render(t, o).ok())
                .collect(),
            Format::GoTemplate(t) => objs
                .iter()
                .filter_map(|o| gotemplate::render(t, o).ok())
                .collect(),
            Format::Yaml => objs
                .iter()
                .map(|o| format!("{}---", yaml::to_yaml(&self.shown(o))))
                .collect(),
            Format::Json => objs.iter().map(|o| yaml::to_json(&self.shown(o))).collect(),
            Format::CustomColumns(spec) => {
                let owned: Vec<Value> = objs.iter().map(|o| (*o).clone()).collect();
                let mut lines = custom_columns::render(spec, &owned).unwrap_or_default();
                if self.header_done && !lines.is_empty() {
                    lines.remove(0);
                }
                self.header_done = true;
                lines
            }
        }
    }
}

fn name_of(o: &Value) -> &str {
    o.at("/metadata/name").and_then(Value::as_str).unwrap_or("")
}

/// Objects of `r` in `ns` (or all namespaces) that match the selector (metrics.k8s.io's
/// from metrics-server).
pub fn list(
    cluster: &Cluster,
    r: &Resource,
    ns: Option<&str>,
    selector: Option<&Selector>,
) -> Vec<Rc<Value>> {
    let ns = if r.namespaced { ns } else { None };
    if metrics_server::serves(r) {
        // computed by metrics-server on each request, not stored
        let keep = |o: &Value| Ok::<_, ()>(selector.is_none_or(|s| s.matches(&labels_of(o))));
        let items = metrics_server::list(cluster, r, ns, 0, keep).unwrap_or_default();
        return items.into_iter().map(Rc::new).collect();
    }
    cluster
        .store
        .list(r.kind, ns)
        .filter(|o| selector.is_none_or(|s| s.matches(&labels_of(o))))
        .cloned()
        .collect()
}

/// `-l`, parsed; `Err` is the printed error. The real kubectl sends the selector to the
/// server, whose refusal of the first list comes back as `EnhanceListError` words it.
pub fn selector_flag(p: &flags::Parsed) -> Result<Option<Selector>, String> {
    match p.value("selector") {
        Some(s) => Selector::parse(s)
            .map(Some)
            .map_err(|e| refused_list(p, &e.to_string())),
        None => Ok(None),
    }
}

/// A list the server refused for its selectors (400), as `kubectl get/describe/delete`
/// print it: `Unable to find "apps/v1, Resource=deployments" that match label selector
/// …, field selector …: WHY`.
pub fn refused_list(p: &flags::Parsed, why: &str) -> String {
    let first = p.positionals.first().map(String::as_str).unwrap_or("");
    let word = first.split([',', '/']).next().unwrap_or("");
    let gvr = match crate::engine::api::discovery::resolve(word) {
        Some(r) => format!("{}/{}, Resource={}", r.group, r.version, r.plural),
        None => word.to_string(),
    };
    format!(
        "Error from server (BadRequest): Unable to find \"{gvr}\" that match label selector \"{}\", field selector \"{}\": {why}",
        p.value("selector").unwrap_or(""),
        p.value("field-selector").unwrap_or("")
    )
}

/// `--field-selector` supports `metadata.name`, `metadata.namespace`, `status.phase`,
/// `spec.nodeName` with `=`, `==`, `!=`.
pub(crate) fn field_matches(obj: &Value, selector: &str) -> Result<bool, String> {
    for term in selector.split(',').filter(|t| !t.is_empty()) {
        let (key, want, negate) = if let Some((k, v)) = term.split_once("!=") {
            (k, v, true)
        } else if let Some((k, v)) = term.split_once("==") {
            (k, v, false)
        } else if let Some((k, v)) = term.split_once('=') {
            (k, v, false)
        } else {
            return Err(format!(
                "invalid selector: '{selector}'; can't understand '{term}'"
            ));
        };
        let pointer = format!("/{}", key.replace('.', "/"));
        let have = obj.at(&pointer).and_then(Value::as_str).unwrap_or("");
        if (have == want) == negate {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("get", e).into(),
    };
    let format = match parse_format(p.value("output"), p.value("template")) {
        Ok(f) => f,
        Err(e) => return Output::failed(e).into(),
    };
    let all_ns = p.bool("all-namespaces");
    let ns = ctx.namespace(&p);
    let selector = match selector_flag(&p) {
        Ok(s) => s,
        Err(e) => return Output::failed(e).into(),
    };
    let watching = p.bool("watch") || p.bool("watch-only");
    // kubectl prints each event as a metav1.WatchEvent for the other printers; the
    // playground prints its type for tables only, and says so.
    if watching
        && p.bool("output-watch-events")
        && !matches!(format, Format::Table { .. } | Format::Name)
    {
        return Output::failed(format!(
            "--output-watch-events with -o {} is not simulated in the playground",
            p.value("output").unwrap_or("")
        ))
        .into();
    }
    let targets = if let Some(file) = p.value("filename") {
        match super::manifest::read(ctx, file) {
            Ok(docs) => {
                let mut t: Vec<Target> = Vec::new();
                for d in docs {
                    let Some(r) = d.resource else { continue };
                    t.push(Target {
                        resource: r,
                        names: vec![name_of(&d.object).to_string()],
                    });
                }
                t
            }
            Err(e) => return Output::failed(e).into(),
        }
    } else {
        if watching && more_than_one_type(&p.positionals) {
            return Output::failed("you may only specify a single resource type").into();
        }
        match parse_targets_for(&p.positionals, Access::Read) {
            // `pod/a deploy/b`: two mapped types (targets are grouped by type).
            Ok(t) if watching && t.len() > 1 => {
                return Output::failed("you may only specify a single resource type").into()
            }
            Ok(t) => t,
            Err(e) => return Output::failed(e.to_string()).into(),
        }
    };
    if targets.is_empty() {
        let mut o = Output::ok();
        o.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
        o.fail("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return o.into();
    }
    // Only objects read from files get this far with more than one type.
    if watching && targets.len() > 1 {
        return Output::failed("watch is only supported on individual resources and resource collections - more than 1 resource was found").into();
    }
    let (targets, mut refused) = authorized_targets(ctx, targets, &ns, all_ns);
    if targets.is_empty() {
        return refusals(Output::ok(), refused).into();
    }
    // The watch is one more request, made once the list is printed.
    let watch = watching && {
        let t = &targets[0];
        let scope = if all_ns { "" } else { ns.as_str() };
        let name = t.names.first().map(String::as_str).unwrap_or("");
        match ctx.may("watch", t.resource, scope, name) {
            Ok(()) => true,
            Err(e) => {
                refused.push(e);
                false
            }
        }
    };
    let now = ctx.cluster.now;
    let mut out = Output::ok();
    // kubectl's multipleGVKsRequested over the builder's infos: one per listed type (even
    // an empty list) and one per object found by name; names get their `kind.group/`
    // prefix when those are of more than one kind (`pod/web` alone prints `web`,
    // `cm,secrets` prints `configmap/…` with no Secret found).
    let multi = std::cell::Cell::new(false);
    let options = |r: &Resource, wide: bool| TableOptions {
        wide,
        show_labels: p.bool("show-labels"),
        label_columns: p
            .all("label-columns")
            .iter()
            .flat_map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect(),
        all_namespaces: all_ns && r.namespaced,
        with_kind_prefix: multi.get().then(|| kind_group(r)),
    };
    let mut collected: Vec<(&'static Resource, Vec<Rc<Value>>)> = Vec::new();
    let mut any_named = false;
    // The server's deprecation warning for v1 Endpoints (1.33+); kubectl prints a
    // warning once per command.
    if targets.iter().any(|t| t.resource.kind == "Endpoints") {
        out.err(format!(
            "Warning: {}",
            crate::engine::apiserver::ENDPOINTS_DEPRECATED
        ));
    }
    for t in &targets {
        let mut objs = Vec::new();
        if metrics_server::serves(t.resource) {
            objs = metrics(ctx.cluster, t, &ns, all_ns, selector.as_ref(), &p, &mut out);
            any_named |= !t.names.is_empty();
        } else if t.names.is_empty() {
            objs = list(
                ctx.cluster,
                t.resource,
                if all_ns { None } else { Some(&ns) },
                selector.as_ref(),
            );
        } else {
            any_named = true;
            for name in &t.names {
                let obj_ns = if t.resource.namespaced {
                    ns.as_str()
                } else {
                    ""
                };
                match ctx.cluster.get(t.resource.kind, obj_ns, name) {
                    Some(o) => objs.push(o.clone()),
                    None if p.bool("ignore-not-found") => {}
                    // Printed with the refusals, after the objects found.
                    None => refused.push(ApiError::not_found(t.resource.group_resource(), name)),
                }
            }
        }
        if let Some(fs) = p.value("field-selector") {
            // The server refuses a selector it cannot read even when nothing is listed.
            if let Err(e) = field_matches(&serde_json::json!({}), fs) {
                return Output::failed(refused_list(&p, &e)).into();
            }
            let mut kept = Vec::new();
            for o in objs {
                match field_matches(&o, fs) {
                    Ok(true) => kept.push(o),
                    Ok(false) => {}
                    Err(e) => return Output::failed(refused_list(&p, &e)).into(),
                }
            }
            objs = kept;
        }
        if let Some(key) = p.value("sort-by") {
            let template = if key.starts_with('{') {
                key.to_string()
            } else {
                format!("{{{key}}}")
            };
            crate::sort::sort_by_cached_key(&mut objs, |o| sort_key(&template, o));
        }
        collected.push((t.resource, objs));
    }
    multi.set(
        targets
            .iter()
            .zip(&collected)
            .filter(|(t, (_, objs))| t.names.is_empty() || !objs.is_empty())
            .count()
            > 1,
    );
    // metrics-server serves no watch: the real kubectl prints the list, then the
    // aggregator's NotFound for the watch.
    let watch_refused = watch && metrics_server::serves(targets[0].resource);
    if watch && !watch_refused {
        let (r, objs) = collected.swap_remove(0);
        let mut printer = RowPrinter {
            kind: r.kind,
            format: format.clone(),
            options: options(r, matches!(format, Format::Table { wide: true })),
            no_headers: p.bool("no-headers"),
            table: WatchTable::new(),
            header_done: false,
            kind_group: kind_group(r),
            show_managed_fields: p.bool("show-managed-fields"),
            watch_events: p.bool("output-watch-events"),
        };
        if !p.bool("watch-only") {
            let refs: Vec<&Value> = objs.iter().map(|o| o.as_ref()).collect();
            for line in printer.print_many(&refs, now) {
                out.out(line);
            }
        }
        let single = targets[0].names.first().cloned();
        let w = Watch {
            kind: r.kind,
            namespace: if all_ns || !r.namespaced {
                None
            } else {
                Some(ns.clone())
            },
            name: single,
            selection: Selection::new(
                Selectors {
                    labels: selector.clone(),
                    fields: p.value("field-selector").map(String::from),
                },
                &objs,
            ),
            cursor: ctx.cluster.store.resource_version(),
            printer,
        };
        return Outcome::Running(out, Box::new(Running::new(Process::Watch(w))));
    }
    print(&mut out, &format, &collected, now, any_named, &p, &options);
    if !refused.is_empty() {
        return refusals(out, refused).into();
    }
    if watch_refused {
        out.err("Error from server (NotFound): the server could not find the requested resource");
        out.status = 1;
        return out.into();
    }
    // Only the human-readable printers say so; the others print their empty list
    // (printGeneric).
    let human = matches!(format, Format::Table { .. });
    if human && collected.iter().all(|(_, o)| o.is_empty()) && !any_named && out.status == 0 {
        let cluster_scoped = collected.iter().all(|(r, _)| !r.namespaced);
        if all_ns || cluster_scoped {
            out.err("No resources found");
        } else {
            out.err(format!("No resources found in {ns} namespace."));
        }
    }
    out.into()
}

/// The targets whose requests the command's user may make (a type's list, each named
/// object's get), and the server's refusals of the others.
fn authorized_targets(
    ctx: &Ctx<'_>,
    targets: Vec<Target>,
    ns: &str,
    all_ns: bool,
) -> (Vec<Target>, Vec<ApiError>) {
    let mut refused = Vec::new();
    let mut kept = Vec::new();
    for mut t in targets {
        if t.names.is_empty() {
            match ctx.may("list", t.resource, if all_ns { "" } else { ns }, "") {
                Ok(()) => kept.push(t),
                Err(e) => refused.push(e),
            }
            continue;
        }
        t.names
            .retain(|name| match ctx.may("get", t.resource, ns, name) {
                Ok(()) => true,
                Err(e) => {
                    refused.push(e);
                    false
                }
            });
        if !t.names.is_empty() {
            kept.push(t);
        }
    }
    (kept, refused)
}

/// `out` followed by the server's refusals, each on its own line, and a failed status
/// (kubectl prints a get's errors after what it could print).
pub(super) fn refusals(mut out: Output, refused: Vec<ApiError>) -> Output {
    for e in refused {
        out.err(e.to_string());
    }
    out.status = 1;
    out
}

/// metrics-server's objects of `t` (`kubectl::metrics_server`): the named ones, or the
/// list in `ns` (or all namespaces) that the selector keeps; NotFound errors go to
/// `out` as the server words them.
fn metrics(
    cluster: &Cluster,
    t: &Target,
    ns: &str,
    all_ns: bool,
    selector: Option<&Selector>,
    p: &flags::Parsed,
    out: &mut Output,
) -> Vec<Rc<Value>> {
    if t.names.is_empty() {
        return list(cluster, t.resource, (!all_ns).then_some(ns), selector);
    }
    let mut objs = Vec::new();
    for name in &t.names {
        match metrics_server::get(cluster, t.resource, ns, name, 0) {
            Ok(o) => objs.push(Rc::new(o)),
            Err(ApiError::NotFound { .. }) if p.bool("ignore-not-found") => {}
            Err(e) => {
                out.err(e.to_string());
                out.status = 1;
            }
        }
    }
    objs
}

/// The objects as the server sends them: a pod the control plane alone wrote shows its
/// derived managedFields entries (`derived_fields`).
fn with_derived_fields(
    collected: &[(&'static Resource, Vec<Rc<Value>>)],
) -> Vec<(&'static Resource, Vec<Rc<Value>>)> {
    collected
        .iter()
        .map(|(r, objs)| {
            let objs = objs
                .iter()
                .map(|o| match derived_fields::shown(o) {
                    Cow::Borrowed(_) => o.clone(),
                    Cow::Owned(v) => Rc::new(v),
                })
                .collect();
            (*r, objs)
        })
        .collect()
}

fn sort_key(template: &str, o: &Value) -> (i64, String) {
    let text = jsonpath::render(template, o).unwrap_or_default();
    match text.parse::<f64>() {
        Ok(n) => ((n * 1000.0) as i64, String::new()),
        Err(_) => (i64::MIN, text),
    }
}

fn print(
    out: &mut Output,
    format: &Format,
    collected: &[(&'static Resource, Vec<Rc<Value>>)],
    now: Millis,
    any_named: bool,
    p: &flags::Parsed,
    options: &dyn Fn(&Resource, bool) -> TableOptions,
) {
    let derived;
    let hidden = matches!(format, Format::Yaml | Format::Json) && !p.bool("show-managed-fields");
    let collected = if hidden || matches!(format, Format::Table { .. } | Format::Name) {
        collected
    } else {
        derived = with_derived_fields(collected);
        &derived[..]
    };
    match format {
        Format::Table { wide } => {
            let mut first = true;
            for (r, objs) in collected {
                if objs.is_empty() {
                    continue;
                }
                let refs: Vec<&Value> = objs.iter().map(|o| o.as_ref()).collect();
                let mut rows = columns::table(r.kind, &refs, now, &options(r, *wide));
                if p.bool("no-headers") && !rows.is_empty() {
                    rows.remove(0);
                }
                if !first {
                    out.blank();
                }
                first = false;
                for line in format_table(&rows) {
                    out.out(line);
                }
            }
        }
        Format::Name => {
            for (r, objs) in collected {
                for o in objs {
                    out.out(format!("{}/{}", kind_group(r), name_of(o)));
                }
            }
        }
        Format::Yaml | Format::Json | Format::JsonPath(_) | Format::GoTemplate(_)
            if !(any_named && collected.iter().all(|(_, objs)| objs.is_empty())) =>
        {
            // (Objects asked for by name that were all not found: only their errors.)
            let all: Vec<&Value> = collected
                .iter()
                .flat_map(|(_, objs)| objs.iter().map(|o| o.as_ref()))
                .collect();
            // One object asked for by name prints bare; anything else as a List.
            let single = match all.as_slice() {
                [one] if any_named => Some(*one),
                _ => None,
            };
            match format {
                Format::Yaml | Format::Json if !p.bool("show-managed-fields") => {
                    let shown: Vec<Value> = all
                        .iter()
                        .map(|o| omit_managed_fields(o).into_owned())
                        .collect();
                    let all: Vec<&Value> = shown.iter().collect();
                    let single = single.map(|_| all[0]);
                    out.out(match format {
                        Format::Yaml => single.map_or_else(|| list::to_yaml(&all), yaml::to_yaml),
                        _ => single.map_or_else(|| list::to_json(&all), yaml::to_json),
                    })
                }
                Format::Yaml => out.out(single.map_or_else(|| list::to_yaml(&all), yaml::to_yaml)),
                Format::Json => out.out(single.map_or_else(|| list::to_json(&all), yaml::to_json)),
                Format::JsonPath(_) | Format::GoTemplate(_) => {
                    let built;
                    let data = match single {
                        Some(one) => one,
                        None => {
                            built = list::value(&all);
                            &built
                        }
                    };
                    let rendered = match format {
                        Format::JsonPath(t) => jsonpath::render(t, data).map_err(|e| e.to_string()),
                        Format::GoTemplate(t) => {
                            gotemplate::render(t, data).map_err(|e| e.to_string())
                        }
                        _ => Ok(String::new()),
                    };
                    match rendered {
                        // A template prints no newline of its own: what comes next
                        // continues its line (`…; echo` ends it).
                        Ok(text) => out.out_exact(text),
                        Err(e) => out.fail(e),
                    }
                }
                _ => {}
            }
        }
        Format::Yaml | Format::Json | Format::JsonPath(_) | Format::GoTemplate(_) => {}
        Format::CustomColumns(spec) => {
            let all: Vec<Value> = collected
                .iter()
                .flat_map(|(_, objs)| objs.iter().map(|o| (**o).clone()))
                .collect();
            // An empty list still gets its header; named objects that were all missing
            // print only their errors.
            if all.is_empty() && any_named {
                return;
            }
            match custom_columns::render(spec, &all) {
                Ok(lines) => {
                    let skip = usize::from(p.bool("no-headers"));
                    for l in lines.into_iter().skip(skip) {
                        out.out(l);
                    }
                }
                Err(e) => out.fail(e.to_string()),
            }
        }
    }
}

/// kubectl's builder refuses a watch over more than one resource type before it maps any
/// of them: `pods,deploy` (distinct words, even `pods,po`; `all` is many types).
fn more_than_one_type(args: &[String]) -> bool {
    let Some(first) = args.first() else {
        return false;
    };
    if first.contains('/') {
        // `pod/a deploy/b` is refused once both are mapped: see `run`.
        return false;
    }
    let mut words: Vec<&str> = first.split(',').filter(|t| !t.is_empty()).collect();
    crate::sort::sort(&mut words);
    words.dedup();
    words.len() > 1 || words == ["all"]
}
