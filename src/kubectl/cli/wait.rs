//! `kubectl wait --for=…`: blocks until each named or selected object meets a condition
//! (a status condition, a JSONPath value, its deletion), as virtual time passes.
//!
//! As kubectl's `wait.go` does, the objects are visited in order and waited for one after
//! another under one deadline (`--timeout`, 30 s): each success prints `pod/x condition
//! met` (or the object as `-o` prints it) when its turn comes, and the errors (not found, timed out) are printed together at
//! the end — one as `error: …`, several as bare lines, kubectl's aggregate.

use super::apply::{output_format, print_object, refused_printer};
use super::flags::{self, flag, Arity, Flag};
use super::resource::{parse_targets, Target};
use super::{flag_error, Ctx, Outcome};
use crate::engine::json::At;
use crate::engine::{ApiError, Cluster, Millis};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::jsonpath;
use crate::kubectl::printers::yaml::to_json;
use crate::kubectl::process::{Poll, Process, Running};
use crate::shell::Output;
use serde_json::Value;
use std::collections::VecDeque;

pub(crate) const FLAGS: &[Flag] = &[
    flag("for", None, Arity::Value),
    flag("timeout", None, Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("all", None, Arity::Bool),
    flag("all-namespaces", Some('A'), Arity::Bool),
    // kubectl's, refused with a clear message below.
    flag("filename", Some('f'), Arity::Value),
    flag("field-selector", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("local", None, Arity::Bool),
    flag("recursive", Some('R'), Arity::Bool),
    flag("template", None, Arity::Value),
];

/// Flags of `kubectl wait` the playground does not run.
const NOT_SIMULATED: &[&str] = &["filename", "field-selector", "local", "recursive"];

/// kubectl's default `--timeout`.
const DEFAULT_TIMEOUT_MS: Millis = 30_000;

/// A negative `--timeout` means "a week".
const WEEK_MS: Millis = 168 * 3_600_000;

/// What `--for` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `delete`: the object is gone (or replaced by another of the same name).
    Delete,
    /// `condition=NAME[=VALUE]`: `status.conditions[type=NAME].status` is VALUE (default
    /// `true`), both compared case-insensitively, and not older than the spec.
    Status { name: String, value: String },
    /// `jsonpath='{…}'[=VALUE]`: the path has one scalar value, equal to VALUE if given.
    JsonPath {
        template: String,
        value: Option<String>,
    },
}

impl Condition {
    /// `--for`'s value, or kubectl's error.
    pub fn parse(text: &str) -> Result<Condition, String> {
        if text.eq_ignore_ascii_case("delete") {
            return Ok(Condition::Delete);
        }
        if text.eq_ignore_ascii_case("create") {
            return Err(
                "kubeplay: `kubectl wait --for=create` is not available in the playground".into(),
            );
        }
        if let Some(rest) = text.strip_prefix("condition=") {
            let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
            return Ok(Condition::Status {
                name: name.to_string(),
                value: value.to_string(),
            });
        }
        if let Some(rest) = text.strip_prefix("jsonpath=") {
            return json_path(rest);
        }
        Err(format!(
            "unrecognized condition: {}",
            crate::gofmt::go_quote(text)
        ))
    }

    /// Whether `obj` meets a status or JSONPath condition; `Err` is kubectl's message.
    pub fn holds(&self, obj: &Value) -> Result<bool, String> {
        match self {
            Condition::Delete => Ok(false),
            Condition::Status { name, value } => Ok(status_condition(obj, name, value)),
            Condition::JsonPath { template, value } => {
                let results = jsonpath::find_results(template, obj)?;
                let Some(first) = results.first().filter(|r| !r.is_empty()) else {
                    return Ok(false);
                };
                if results.len() > 1 {
                    return Err("given jsonpath expression matches more than one list".into());
                }
                if first.len() > 1 {
                    return Err("given jsonpath expression matches more than one value".into());
                }
                let Some(want) = value else {
                    return Ok(true);
                };
                let got = match &first[0] {
                    Value::Object(_) | Value::Array(_) => {
                        return Err(
                            "jsonpath leads to a nested object or list which is not supported"
                                .into(),
                        )
                    }
                    Value::String(s) => s.clone(),
                    Value::Null => "<nil>".into(),
                    other => other.to_string(),
                };
                Ok(got.trim() == want.trim())
            }
        }
    }
}

/// `processJSONPathInput`: split on single `=` (`==` stays), relax the path.
fn json_path(input: &str) -> Result<Condition, String> {
    let mut parts = vec![String::new()];
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' && chars.peek() != Some(&'=') {
            parts.push(String::new());
            continue;
        }
        let Some(part) = parts.last_mut() else {
            continue;
        };
        part.push(c);
        if c == '=' {
            chars.next();
            part.push('=');
        }
    }
    if parts.len() > 2 {
        return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
    }
    let template = relaxed(&parts[0])?;
    let value = match parts.get(1) {
        None => None,
        Some(v) => {
            let v = v.trim_matches(['\'', '"']);
            if v.is_empty() {
                return Err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
            }
            Some(v.to_string())
        }
    };
    Ok(Condition::JsonPath { template, value })
}

/// `RelaxedJSONPathExpression`: `{.a.b}`, `{a.b}`, `.a.b`, `a.b` → `{.a.b}`.
fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    let inner = expr
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(expr);
    if inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{}}}", inner.strip_prefix('.').unwrap_or(inner)))
}

/// `ConditionalWait.checkCondition`: the first condition of that type decides, unless it
/// (or the status) observed an older generation than the object's.
fn status_condition(obj: &Value, name: &str, value: &str) -> bool {
    let Some(conditions) = obj.at("/status/conditions").and_then(Value::as_array) else {
        return false;
    };
    let generation = obj.at("/metadata/generation").and_then(Value::as_i64);
    for c in conditions {
        let (Some(ty), Some(status)) = (
            c.get("type").and_then(Value::as_str),
            c.get("status").and_then(Value::as_str),
        ) else {
            continue;
        };
        if !ty.eq_ignore_ascii_case(name) {
            continue;
        }
        let observed = c
            .get("observedGeneration")
            .or_else(|| obj.at("/status/observedGeneration"))
            .and_then(Value::as_i64);
        if let (Some(g), Some(o)) = (generation, observed) {
            if o < g {
                return false;
            }
        }
        return status.eq_ignore_ascii_case(value);
    }
    false
}

/// One object being waited for, as kubectl's resource builder found it.
#[derive(Debug, Clone)]
pub struct Waited {
    kind: &'static str,
    namespace: String,
    name: String,
    uid: String,
    /// `pod`, `job.batch`: how the success line names it.
    kind_group: String,
    /// `pods`, `jobs`: how the timeout names it (`info.ObjectName()`).
    plural: &'static str,
    /// `jobs.batch`: the NotFound error's resource.
    group_resource: String,
    /// The object as first read: what a wait for its deletion prints with `-o`.
    found: Value,
}

/// The running `kubectl wait`: the objects whose turn has not come, and the errors so far.
#[derive(Debug, Clone)]
pub struct WaitFor {
    condition: Condition,
    pending: VecDeque<Waited>,
    errors: Vec<String>,
    /// `-o FORMAT`; without it, `KIND/NAME condition met`.
    format: Option<String>,
}

impl WaitFor {
    /// Works through the objects in order while their conditions hold; `Some(status)`
    /// once every object had its turn.
    pub fn poll(&mut self, cluster: &Cluster, output: &mut Output) -> Option<i32> {
        while let Some(w) = self.pending.front() {
            match self.check(w, cluster) {
                Ok(None) => return None,
                Ok(Some(obj)) => self.met(w, &obj, output),
                Err(e) => self.errors.push(e),
            }
            self.pending.pop_front();
        }
        Some(self.finish(output))
    }

    /// The object that meets the condition now (for a deletion, as it was first read), or
    /// `None` while it does not; `Err` when it cannot any more.
    fn check(&self, w: &Waited, cluster: &Cluster) -> Result<Option<Value>, String> {
        let live = cluster
            .get(w.kind, &w.namespace, &w.name)
            .filter(|o| o.at("/metadata/uid").and_then(Value::as_str) == Some(w.uid.as_str()));
        match (&self.condition, live) {
            (Condition::Delete, live) => Ok(live.is_none().then(|| w.found.clone())),
            (_, None) => Err(ApiError::not_found(w.group_resource.clone(), &w.name).to_string()),
            (c, Some(obj)) => Ok(c.holds(obj)?.then(|| (**obj).clone())),
        }
    }

    /// What kubectl's printer prints for an object that met the condition.
    fn met(&self, w: &Waited, obj: &Value, output: &mut Output) {
        match &self.format {
            None => output.out(format!("{}/{} condition met", w.kind_group, w.name)),
            Some(format) => print_object(output, format, obj, &w.kind_group, to_json),
        }
    }

    /// `--timeout=0`: each object is checked once.
    fn check_once(&mut self, cluster: &Cluster, output: &mut Output) -> i32 {
        for w in std::mem::take(&mut self.pending) {
            match self.check(&w, cluster) {
                Ok(Some(obj)) => self.met(&w, &obj, output),
                Ok(None) => self
                    .errors
                    .push(format!("condition not met for {}/{}", w.plural, w.name)),
                Err(e) => self.errors.push(e),
            }
        }
        self.finish(output)
    }

    /// The deadline passed: every object still waiting timed out.
    pub fn expire(&mut self) -> Poll {
        for w in self.pending.drain(..) {
            self.errors.push(format!(
                "timed out waiting for the condition on {}/{}",
                w.plural, w.name
            ));
        }
        let mut output = Output::ok();
        let status = self.finish(&mut output);
        Poll {
            output,
            finished: Some(status),
        }
    }

    /// Prints the errors as kubectl's `checkErr` prints one error or an aggregate.
    fn finish(&mut self, output: &mut Output) -> i32 {
        match self.errors.as_slice() {
            [] => return 0,
            [one] => output.fail(one),
            many => {
                for e in many {
                    output.err(e);
                }
                output.status = 1;
            }
        }
        1
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("wait", e).into(),
    };
    if let Some(f) = NOT_SIMULATED.iter().find(|f| p.has(f)) {
        return Output::failed_plain(format!(
            "kubeplay: `kubectl wait --{f}` is not available in the playground"
        ))
        .into();
    }
    let timeout = match p.value("timeout") {
        None => DEFAULT_TIMEOUT_MS,
        Some(t) => match parse_timeout(t) {
            Some(ms) if ms < 0 => WEEK_MS,
            Some(ms) => ms,
            None => {
                // time.ParseDuration: a number alone lacks its unit.
                let digits = t.trim_start_matches('-');
                let why = if !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                {
                    "missing unit in duration"
                } else {
                    "invalid duration"
                };
                return Output::failed(format!(
                    "invalid argument \"{t}\" for \"--timeout\" flag: time: {why} {}\nSee 'kubectl wait --help' for usage.",
                    crate::gofmt::go_quote(t)
                ))
                .into();
            }
        },
    };
    let condition = match Condition::parse(p.value("for").unwrap_or("")) {
        Ok(c) => c,
        Err(e) if e.starts_with("kubeplay:") => return Output::failed_plain(e).into(),
        Err(e) => return Output::failed(e).into(),
    };
    let format = output_format(&p);
    if let Some(refused) = format.as_deref().and_then(|f| refused_printer("wait", f)) {
        return refused.into();
    }
    let mut wait = WaitFor {
        condition,
        pending: VecDeque::new(),
        errors: Vec::new(),
        format,
    };
    if let Err(e) = find(ctx, &p, &mut wait) {
        return Output::failed(e).into();
    }
    let deleting = wait.condition == Condition::Delete;
    if wait.pending.is_empty() && wait.errors.is_empty() && !deleting {
        return Output::failed("no matching resources found").into();
    }
    let mut out = Output::ok();
    let finished = if timeout == 0 {
        // "Zero means check once and don't wait."
        Some(wait.check_once(ctx.cluster, &mut out))
    } else {
        wait.poll(ctx.cluster, &mut out)
    };
    if let Some(status) = finished {
        out.status = status;
        return out.into();
    }
    let mut running = Running::new(Process::Wait(wait));
    running.deadline = Some(ctx.cluster.now + timeout);
    Outcome::Running(out, Box::new(running))
}

/// `--timeout` as Go's `time.ParseDuration` reads it (a bare number is only `0`).
fn parse_timeout(t: &str) -> Option<Millis> {
    let (negative, magnitude) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let ms = super::delete::parse_go_duration(magnitude)?;
    Some(if negative { -ms } else { ms })
}

/// The resource builder: named objects in argument order, or those a selector (or
/// `--all`) lists; named ones that do not exist are errors, except when waiting for
/// deletion (then there is nothing to wait for).
fn find(ctx: &Ctx<'_>, p: &flags::Parsed, wait: &mut WaitFor) -> Result<(), String> {
    if p.positionals.is_empty() {
        return Err("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let targets = parse_targets(&p.positionals).map_err(|e| e.to_string())?;
    let selector = super::get::selector_flag(p)?;
    let ns = ctx.namespace(p);
    let everywhere = p.bool("all-namespaces");
    for Target { resource, names } in targets {
        let ns = if resource.namespaced { ns.as_str() } else { "" };
        let list_in = if everywhere { None } else { Some(ns) };
        let objects: Vec<(String, String, Option<Value>)> = if names.is_empty() {
            if selector.is_none() && !p.bool("all") {
                return Err("resource(s) were provided, but no name was specified".into());
            }
            super::get::list(ctx.cluster, resource, list_in, selector.as_ref())
                .iter()
                .map(|o| (meta(o, "namespace"), meta(o, "name"), Some((**o).clone())))
                .collect()
        } else {
            names
                .iter()
                .map(|n| {
                    let found = ctx.cluster.get(resource.kind, ns, n).map(|o| (**o).clone());
                    (ns.to_string(), n.clone(), found)
                })
                .collect()
        };
        for (namespace, name, found) in objects {
            let Some(found) = found else {
                if wait.condition != Condition::Delete {
                    wait.errors
                        .push(ApiError::not_found(resource.group_resource(), &name).to_string());
                }
                continue;
            };
            wait.pending.push_back(Waited {
                kind: resource.kind,
                namespace,
                name,
                uid: meta(&found, "uid"),
                found,
                kind_group: resource.kind_group(),
                plural: resource.plural,
                group_resource: resource.group_resource(),
            });
        }
    }
    Ok(())
}

fn meta(obj: &Value, field: &str) -> String {
    obj.at(&format!("/metadata/{field}"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(conditions: Value) -> Value {
        json!({"metadata": {"generation": 1}, "status": {"conditions": conditions}})
    }

    #[test]
    fn a_condition_defaults_to_true_and_ignores_case() {
        let c = Condition::parse("condition=complete").unwrap();
        assert_eq!(
            c.holds(&job(json!([{"type": "Complete", "status": "True"}]))),
            Ok(true)
        );
        assert_eq!(
            c.holds(&job(json!([{"type": "Complete", "status": "False"}]))),
            Ok(false)
        );
        assert_eq!(c.holds(&job(json!([]))), Ok(false));
    }

    #[test]
    fn a_condition_can_wait_for_false() {
        let c = Condition::parse("condition=Ready=false").unwrap();
        assert_eq!(
            c.holds(&job(json!([{"type": "Ready", "status": "False"}]))),
            Ok(true)
        );
        assert_eq!(
            c.holds(&job(json!([{"type": "Ready", "status": "True"}]))),
            Ok(false)
        );
    }

    #[test]
    fn a_condition_from_an_older_generation_does_not_count() {
        let c = Condition::parse("condition=Available").unwrap();
        let mut d = job(json!([{"type": "Available", "status": "True"}]));
        d["metadata"]["generation"] = json!(2);
        d["status"]["observedGeneration"] = json!(1);
        assert_eq!(c.holds(&d), Ok(false));
        d["status"]["observedGeneration"] = json!(2);
        assert_eq!(c.holds(&d), Ok(true));
    }

    #[test]
    fn a_jsonpath_compares_its_one_scalar_and_relaxes_the_path() {
        let pod = json!({"status": {"phase": "Running", "ready": 2, "c": {"a": 1}}});
        let c = Condition::parse("jsonpath={.status.phase}=Running").unwrap();
        assert_eq!(c.holds(&pod), Ok(true));
        let c = Condition::parse("jsonpath=.status.ready=2").unwrap();
        assert_eq!(c.holds(&pod), Ok(true));
        let c = Condition::parse("jsonpath={.status.missing}").unwrap();
        assert_eq!(c.holds(&pod), Ok(false));
        let c = Condition::parse("jsonpath={.status.c}=x").unwrap();
        assert!(c.holds(&pod).unwrap_err().contains("nested object"));
    }

    #[test]
    fn bad_conditions_get_kubectls_errors() {
        assert_eq!(
            Condition::parse("bogus"),
            Err("unrecognized condition: \"bogus\"".into())
        );
        assert_eq!(
            Condition::parse(""),
            Err("unrecognized condition: \"\"".into())
        );
        assert!(Condition::parse("jsonpath={.status.phase}=")
            .unwrap_err()
            .starts_with("jsonpath wait has to have a value after equal sign"));
        assert_eq!(Condition::parse("DELETE"), Ok(Condition::Delete));
        assert!(Condition::parse("create")
            .unwrap_err()
            .contains("is not available in the playground"));
    }
}
