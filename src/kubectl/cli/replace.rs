//! `kubectl replace -f FILE`: each object is sent whole (PUT), at the resourceVersion it
//! carries or, without one, at the live object's; `--force` deletes the objects, waits
//! until each is gone (a pod's grace period, in virtual time) and creates them again
//! (`forceReplace` in kubectl's replace.go).

use super::apply::strict_decode;
use super::apply::{annotate_last_applied, output_format, place, print_errors, print_object};
use super::flags::{self, flag, Arity, Flag};
use super::manifest::{self, meta, Doc};
use super::resource::kind_group;
use super::{flag_error, Ctx, Outcome};
use crate::engine::errors::ApiError;
use crate::engine::json::At;
use crate::engine::{Cluster, DeleteOptions, Millis, Propagation};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::yaml;
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("kustomize", Some('k'), Arity::Value),
    flag("recursive", Some('R'), Arity::Bool),
    flag("force", None, Arity::Bool),
    flag("grace-period", None, Arity::Value),
    flag("cascade", None, Arity::Value),
    flag("wait", None, Arity::Bool),
    flag("timeout", None, Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("template", None, Arity::Value),
    flag("validate", None, Arity::Value),
    flag("field-manager", None, Arity::Value),
    flag("subresource", None, Arity::Value),
    flag("raw", None, Arity::Value),
    flag("show-managed-fields", None, Arity::Bool),
    flag("allow-missing-template-keys", None, Arity::Bool),
];

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `--dry-run`: none, client or server.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let mut wait = None;
    let out = replace(ctx, args, &mut wait);
    match wait {
        Some(running) => Outcome::Running(out, running),
        None => out.into(),
    }
}

/// What the command printed; `wait` gets `--force`'s wait for the deleted objects when
/// one of them is not gone at once.
fn replace(ctx: &mut Ctx<'_>, args: &[String], wait: &mut Option<Box<Running>>) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("replace", e),
    };
    if p.bool("force") && ctx.user.is_some() {
        return Output::failed_plain(
            "kubeplay: `kubectl replace --force --as` is not simulated in the playground",
        );
    }
    for f in ["kustomize", "raw", "subresource"] {
        if p.has(f) {
            return Output::failed_plain(format!(
                "kubeplay: `kubectl replace --{f}` is not available in the playground"
            ));
        }
    }
    let dry_run = match p.value("dry-run") {
        None | Some("none") => DryRun::None,
        Some("client") => DryRun::Client,
        Some("server") => DryRun::Server,
        Some(other) => {
            return Output::failed(format!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ))
        }
    };
    let propagation = match p.value("cascade") {
        None | Some("background") | Some("true") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some(other) => return Output::failed(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")),
    };
    let grace = match p.value("grace-period").map(str::parse::<i64>) {
        None => -1,
        Some(Ok(g)) => g,
        Some(Err(_)) => {
            let g = p.value("grace-period").unwrap_or("");
            return Output::failed(format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"));
        }
    };
    let files = p.all("filename");
    if files.is_empty() {
        return Output::failed("must specify one of -f and -k");
    }
    let force = p.bool("force");
    if grace >= 0 && !force {
        return Output::failed("--grace-period must have --force specified");
    }
    if p.value("timeout").is_some_and(|t| t != "0s" && t != "0") && !force {
        return Output::failed("--timeout must have --force specified");
    }
    if force && dry_run != DryRun::None {
        return Output::failed("--dry-run can not be used when --force is set");
    }
    let paths = match manifest::expand_paths(ctx, &files, p.bool("recursive")) {
        Ok(paths) => paths,
        Err(e) => return Output::failed(e),
    };
    let ns = ctx.namespace(&p);
    let explicit_ns = p.has("namespace");
    let mut out = Output::ok();
    let mut errors = Vec::new();
    let mut docs = Vec::new();
    for path in &paths {
        match manifest::read(ctx, path) {
            Ok(d) => docs.extend(d),
            Err(e) => errors.push(e),
        }
    }
    let mut ready = Vec::new();
    for mut doc in docs {
        if let Err(e) = manifest::check(&doc) {
            errors.push(e);
            continue;
        }
        if let Err(e) = place(&mut doc, &ns, explicit_ns) {
            errors.push(e);
            continue;
        }
        if p.bool("save-config") || has_last_applied(&doc.object) {
            let manifest = doc.object.clone();
            annotate_last_applied(&mut doc.object, &manifest);
        }
        ready.push(doc);
    }
    let manager = p.value("field-manager").unwrap_or("kubectl-replace");
    if force {
        let timeout = p
            .value("timeout")
            .and_then(crate::kubectl::cli::delete::parse_go_duration)
            .filter(|t| *t > 0)
            .unwrap_or(FORCE_TIMEOUT);
        let mut replace = ForceReplace {
            parsed: p.clone(),
            docs: ready,
            manager: manager.to_string(),
            errors,
            waiting: Default::default(),
            timeout,
            deadline: ctx.cluster.now + timeout,
        };
        replace.delete(ctx.cluster, (grace, propagation), &mut out);
        match replace.step(ctx.cluster, &mut out) {
            Some(status) => out.status = out.status.max(status),
            None => *wait = Some(Box::new(Running::new(Process::ForceReplace(replace)))),
        }
        return out;
    } else {
        for doc in &ready {
            match replace_one(ctx, doc, dry_run, manager) {
                Ok(obj) => print_replaced(&mut out, &p, doc, &obj, dry_run),
                Err(e) => errors.push(e),
            }
        }
    }
    print_errors(&mut out, &errors);
    out
}

/// `UpdateApplyAnnotation`: a manifest that carries a last-applied annotation (one saved
/// with `get -o yaml`) gets it rewritten to itself.
fn has_last_applied(obj: &Value) -> bool {
    obj.at("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
}

fn names(doc: &Doc) -> (&'static str, String, String) {
    let r = doc.resource.expect("checked");
    let ns = if r.namespaced {
        meta(&doc.object, "namespace")
    } else {
        ""
    };
    (
        r.kind,
        ns.to_string(),
        meta(&doc.object, "name").to_string(),
    )
}

/// One PUT: without a resourceVersion, the live object's is used (`Replace` with
/// overwrite), so a missing object is refused before anything is sent.
fn replace_one(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    dry_run: DryRun,
    manager: &str,
) -> Result<Value, String> {
    let r = doc.resource.expect("checked");
    strict_decode(doc, r, "replacing")?;
    if dry_run == DryRun::Client {
        return Ok(doc.object.clone());
    }
    let (kind, ns, name) = names(doc);
    // kubectl's read of the live resourceVersion ignores a refusal; the PUT decides.
    if let Err(e) = ctx.may("update", r, &ns, &name) {
        return Err(e.with_source("replacing", &doc.source));
    }
    let mut obj = doc.object.clone();
    if obj
        .at("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        let Some(live) = ctx.cluster.get(kind, &ns, &name) else {
            return Err(
                ApiError::not_found(r.group_resource(), name).with_source("replacing", &doc.source)
            );
        };
        let rv = live["metadata"]["resourceVersion"].clone();
        obj["metadata"]["resourceVersion"] = rv;
    }
    let result = if dry_run == DryRun::Server {
        ctx.cluster.update_dry_run(obj, manager)
    } else {
        ctx.cluster.update_as(obj, manager, "")
    };
    result
        .map(|o| (*o).clone())
        .map_err(|e| e.with_source("replacing", &doc.source))
}

/// `deployment.apps/web replaced`, or the object in the `-o` format.
fn print_replaced(out: &mut Output, p: &flags::Parsed, doc: &Doc, obj: &Value, dry_run: DryRun) {
    let kg = kind_group(doc.resource.expect("checked"));
    match output_format(p) {
        Some(format) => print_object(out, &format, obj, &kg, yaml::to_json),
        None => {
            let name = obj
                .at("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let suffix = match dry_run {
                DryRun::None => "",
                DryRun::Client => " (dry run)",
                DryRun::Server => " (server dry run)",
            };
            out.out(format!("{kg}/{name} replaced{suffix}"));
        }
    }
}

/// The delete `--force` sends: `--grace-period=0` becomes 1 (as replace converts it);
/// otherwise the object's own grace period.
fn delete_options(grace: i64, propagation: Propagation) -> DeleteOptions {
    DeleteOptions {
        grace_period_seconds: match grace {
            g if g < 0 => None,
            0 => Some(1),
            g => Some(g),
        },
        propagation,
    }
}

/// How long `--force` waits for each deleted object without `--timeout`.
const FORCE_TIMEOUT: Millis = 5 * 60 * 1000;

/// `replace --force`: the objects deleted are waited for in turn (each for up to the
/// timeout, polled until a GET finds nothing of that name), then every document is
/// created.
#[derive(Debug, Clone)]
pub struct ForceReplace {
    parsed: flags::Parsed,
    docs: Vec<Doc>,
    manager: String,
    /// Errors so far (documents refused, deletes refused), printed at the end.
    errors: Vec<String>,
    /// The deleted objects not yet seen gone (kind, namespace, name), in order.
    waiting: std::collections::VecDeque<(&'static str, String, String)>,
    timeout: Millis,
    /// When the wait for the first of `waiting` gives up.
    deadline: Millis,
}

impl ForceReplace {
    /// `DeleteResult`: delete what exists (a missing object is no error).
    fn delete(
        &mut self,
        cluster: &mut Cluster,
        (grace, propagation): (i64, Propagation),
        out: &mut Output,
    ) {
        let by_name = self.parsed.value("output") == Some("name");
        for doc in &self.docs {
            let (kind, ns, name) = names(doc);
            if cluster.get(kind, &ns, &name).is_none() {
                continue;
            }
            if let Err(e) = cluster.delete(kind, &ns, &name, delete_options(grace, propagation)) {
                self.errors.push(e.to_string());
                continue;
            }
            let kg = kind_group(doc.resource.expect("checked"));
            out.out(if by_name {
                format!("{kg}/{name}")
            } else if ns.is_empty() {
                format!("{kg} \"{name}\" deleted")
            } else {
                format!("{kg} \"{name}\" deleted from {ns} namespace")
            });
            self.waiting.push_back((kind, ns, name));
        }
    }

    /// Waits (`None`) while a deleted object is still there; then creates every
    /// document. `Some(status)` once the command is over.
    pub fn step(&mut self, cluster: &mut Cluster, out: &mut Output) -> Option<i32> {
        while let Some((kind, ns, name)) = self.waiting.front() {
            if cluster.get(kind, ns, name).is_some() {
                if cluster.now < self.deadline {
                    return None;
                }
                out.fail("context deadline exceeded");
                return Some(1);
            }
            self.waiting.pop_front();
            self.deadline = cluster.now + self.timeout;
        }
        for doc in &self.docs {
            let mut obj = doc.object.clone();
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("resourceVersion");
            }
            match cluster.create_as(obj, &self.manager) {
                Ok(o) => print_replaced(out, &self.parsed, doc, &o, DryRun::None),
                Err(e) => self.errors.push(e.to_string()),
            }
        }
        if self.docs.is_empty() && self.errors.is_empty() {
            out.fail("no objects passed to replace");
        }
        print_errors(out, &self.errors);
        Some(out.status)
    }

    /// When the wait gives up, so that the clock stops there.
    pub fn wake_at(&self) -> Option<Millis> {
        (!self.waiting.is_empty()).then_some(self.deadline)
    }
}
