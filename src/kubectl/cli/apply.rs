//! `kubectl create -f`, `kubectl apply -f` and `kubectl patch`.

use super::apply_server_side;
use super::apply_writes::{Item, Refusal, Writes};
use super::flags::{self, flag, Arity, Flag};
use super::manifest::{self, Doc};
use super::resource::{kind_group, parse_targets_for, Access};
use super::{flag_error, Ctx, Outcome};
use crate::engine::api::decoding;
use crate::engine::api::discovery::Resource;
use crate::engine::apiserver::patch::strategic_merge;
use crate::engine::apiserver::patch_handler::{patched, refused, PatchType};
use crate::engine::errors::ApiError;
use crate::engine::json::At;
use crate::engine::rbac::authorizer::UserInfo;
use crate::gofmt;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::{gotemplate, jsonpath, omit_managed_fields, yaml};
use crate::shell::Output;
use serde_json::Value;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub(crate) const CREATE_FLAGS: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("validate", None, Arity::Value),
    flag("recursive", Some('R'), Arity::Bool),
    flag("server-side", None, Arity::Bool),
    flag("force", None, Arity::Bool),
    flag("prune", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("force-conflicts", None, Arity::Bool),
    flag("field-manager", None, Arity::Value),
    // `create deployment` and friends
    flag("image", None, Arity::Value),
    flag("replicas", Some('r'), Arity::Value),
    flag("port", None, Arity::Value),
    // `create job` / `create cronjob`
    flag("from", None, Arity::Value),
    flag("schedule", None, Arity::Value),
    flag("restart", None, Arity::Value),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verb {
    Create,
    Apply,
}

/// Sets the namespace of a namespaced object from `-n`, refusing a mismatch.
pub(super) fn place(doc: &mut Doc, ns: &str, explicit_ns: bool) -> Result<(), String> {
    let Some(r) = doc.resource else { return Ok(()) };
    if !r.namespaced {
        return Ok(());
    }
    let meta = &mut doc.object["metadata"];
    if !meta.is_object() {
        *meta = json!({});
    }
    match meta.get("namespace").and_then(Value::as_str) {
        Some(have) if !have.is_empty() && have != ns && explicit_ns => Err(format!(
            "the namespace from the provided object \"{have}\" does not match the namespace \"{ns}\". You must pass '--namespace={have}' to perform this operation."
        )),
        Some(have) if !have.is_empty() => Ok(()),
        _ => {
            meta["namespace"] = json!(ns);
            Ok(())
        }
    }
}

/// `kubectl apply` looks the object up by its name before it sends anything (`info.Get`):
/// a manifest with only `generateName` is refused first, and one without a name fails the
/// look-up, whatever else is wrong with it.
fn require_name(doc: &Doc, r: &Resource) -> Result<(), String> {
    let meta = doc.object.get("metadata");
    let field = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    if !field("name").is_empty() {
        return Ok(());
    }
    let generate_name = field("generateName");
    if !generate_name.is_empty() {
        return Err(format!(
            "from {generate_name}: cannot use generate name with apply"
        ));
    }
    let (group, version) = (r.group, r.version);
    Err(format!(
        "error when retrieving current configuration of:\nResource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"\", Namespace: \"{}\"\nfrom server for: \"{}\": resource name may not be empty",
        r.plural,
        r.kind,
        field("namespace"),
        doc.source
    ))
}

/// The server's decoding of a create: a value of the wrong type, then strict field
/// validation (`--validate=strict`, the default).
pub(super) fn strict_decode(doc: &Doc, r: &Resource, verb: &str) -> Result<(), String> {
    let Some(problem) = decoding::decode_error(r.kind, &doc.object) else {
        return Ok(());
    };
    Err(ApiError::bad_request(format!(
        "{kind} in version \"{}\" cannot be handled as a {kind}: {}",
        r.version,
        problem.message(),
        kind = r.kind,
    ))
    .with_source(verb, &doc.source))
}

/// `deployment.apps/web created`, named as the server answered (a `generateName` is only
/// a name once the server has made one).
fn operation_line(doc: &Doc, obj: &Value, op: &str, dry_run: bool, server: bool) -> String {
    let kg = doc.resource.map(kind_group).unwrap_or_default();
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if server {
        format!("{kg}/{name} {op} (server dry run)")
    } else if dry_run {
        format!("{kg}/{name} {op} (dry run)")
    } else {
        format!("{kg}/{name} {op}")
    }
}

fn dry_run_mode(p: &flags::Parsed) -> Result<bool, String> {
    match p.value("dry-run") {
        None | Some("none") => Ok(false),
        Some("client") | Some("server") => Ok(true),
        Some(other) => Err(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

fn run(ctx: &mut Ctx<'_>, args: &[String], verb: Verb) -> Outcome {
    if verb == Verb::Create {
        if let Some(out) = super::create::generator(ctx, args) {
            return out.into();
        }
    }
    // cobra names the subcommand whose flags were bad: `kubectl create job --help`.
    let name = match args.iter().find(|a| !a.starts_with('-')) {
        Some(sub) if verb == Verb::Create && super::create::is_subcommand(sub) => {
            format!("create {sub}")
        }
        _ if verb == Verb::Create => "create".to_string(),
        _ => "apply".to_string(),
    };
    let p = match flags::parse(args, CREATE_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error(&name, e).into(),
    };
    if verb == Verb::Create && !p.positionals.is_empty() {
        return super::create::workloads::run(ctx, &p).into();
    }
    let files = p.all("filename");
    if files.is_empty() {
        return Output::failed("must specify one of -f and -k").into();
    }
    let dry_run = match dry_run_mode(&p) {
        Ok(d) => d,
        Err(e) => return Output::failed(e).into(),
    };
    let server_side = verb == Verb::Apply && p.bool("server-side");
    if server_side && ctx.user.is_some() {
        return Output::failed_plain(
            "kubeplay: `kubectl apply --server-side --as` is not simulated in the playground",
        )
        .into();
    }
    if server_side && p.value("dry-run") == Some("client") {
        return Output::failed(
            "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
        )
        .into();
    }
    if verb == Verb::Apply && !server_side && p.bool("force-conflicts") {
        return Output::failed("--force-conflicts only works with --server-side").into();
    }
    // `--dry-run=server` asks the API server (defaults, admission, validation, nothing
    // stored); server-side apply has its own dry run.
    let server_dry_run = !server_side && p.value("dry-run") == Some("server");
    let ns = ctx.namespace(&p);
    let explicit_ns = p.has("namespace");
    // kubectl's builder checks that every local path exists before it reads any file.
    let missing: Vec<String> = files
        .iter()
        .filter(|f| *f != "-" && !f.contains("://") && !ctx.fs.exists(f))
        .map(|f| format!("the path \"{f}\" does not exist"))
        .collect();
    if !missing.is_empty() {
        let mut out = Output::ok();
        print_errors(&mut out, &missing);
        return out.into();
    }
    let paths = match manifest::expand_paths(ctx, &files, p.bool("recursive")) {
        Ok(paths) => paths,
        Err(e) => return Output::failed(e).into(),
    };
    // Every file is read now (kubectl's apply too collects every object before it sends
    // the first); the documents are then written one at a time (see `apply_writes`).
    let items = paths
        .iter()
        .flat_map(|f| manifest::read_each(ctx, f))
        .map(|read| read.map_or_else(Item::ReadError, Item::Doc))
        .collect();
    let options = Options {
        verb,
        ns,
        explicit_ns,
        dry_run,
        server_side,
        server_dry_run,
        p,
        user: ctx.user.clone(),
    };
    Writes::start(options, items)
}

/// What `apply -f` / `create -f` does with each document, from its flags.
#[derive(Debug, Clone)]
pub(super) struct Options {
    pub(super) verb: Verb,
    pub(super) p: flags::Parsed,
    /// `-n` or the context's namespace, and whether `-n` was given.
    pub(super) ns: String,
    pub(super) explicit_ns: bool,
    pub(super) dry_run: bool,
    pub(super) server_side: bool,
    pub(super) server_dry_run: bool,
    /// Whom `--as` impersonates: the documents are written later, by the session.
    pub(super) user: Option<UserInfo>,
}

impl Options {
    /// Writes one document: the object the server answered and the verb's word for it.
    pub(super) fn write(
        &self,
        ctx: &mut Ctx<'_>,
        doc: Doc,
        out: &mut Output,
    ) -> Result<(Doc, &'static str, Value), Refusal> {
        let own = std::mem::replace(&mut ctx.user, self.user.clone());
        let written = self.write_as(ctx, doc, out);
        ctx.user = own;
        written
    }

    /// [`Options::write`] as the command's user.
    fn write_as(
        &self,
        ctx: &mut Ctx<'_>,
        mut doc: Doc,
        out: &mut Output,
    ) -> Result<(Doc, &'static str, Value), Refusal> {
        let r = manifest::check(&doc)?;
        place(&mut doc, &self.ns, self.explicit_ns)?;
        if self.verb == Verb::Apply {
            require_name(&doc, r)?;
        }
        let p = &self.p;
        let (dry_run, server_dry_run) = (self.dry_run, self.server_dry_run);
        let manager = p.value("field-manager").unwrap_or(if self.server_side {
            apply_server_side::DEFAULT_MANAGER
        } else {
            "kubectl-client-side-apply"
        });
        let result = match self.verb {
            Verb::Apply if self.server_side => {
                let ssa = apply_server_side::ServerSide {
                    manager,
                    force: p.bool("force-conflicts"),
                    dry_run,
                };
                apply_server_side::apply_one(ctx, &doc, &ssa, out)
                    .map(|o| ("serverside-applied", o))
                    .map_err(Refusal::from)
            }
            Verb::Create if server_dry_run => {
                create_server_dry_run(ctx, &doc, p.bool("save-config"))
            }
            Verb::Create => create_one(ctx, &doc, dry_run, p.bool("save-config"), manager_of(p)),
            Verb::Apply => apply_one(ctx, &doc, (dry_run, server_dry_run), out, manager),
        };
        result.map(|(op, obj)| (doc, op, obj))
    }

    /// The line of a written object, `configmap/x created`, unless `-o` prints it at
    /// the end.
    pub(super) fn line(&self, doc: &Doc, obj: &Value, op: &str) -> Option<String> {
        if self.p.value("output").is_some() {
            return None;
        }
        let server = self.server_dry_run || (self.server_side && self.dry_run);
        Some(operation_line(doc, obj, op, self.dry_run, server))
    }

    /// What `-o FORMAT` prints of the written objects, after all of them.
    pub(super) fn print_objects(&self, out: &mut Output, objects: Vec<Value>) {
        let Some(format) = self.p.value("output") else {
            return;
        };
        for obj in objects {
            let kg =
                super::manifest::parse_docs(&serde_json::to_string(&obj).unwrap_or_default(), "")
                    .ok()
                    .and_then(|d| d.first().and_then(|d| d.resource).map(kind_group))
                    .unwrap_or_default();
            print_object(out, format, &obj, &kg, yaml::to_json);
        }
    }
}

/// kubectl returns one error as it is (checkErr adds `error: `) and several as an
/// aggregate, whose messages it prints one per line with no prefix of its own.
pub(super) fn print_errors(out: &mut Output, errors: &[String]) {
    match errors {
        [] => {}
        [one] => out.fail(one),
        several => {
            for e in several {
                out.err(e);
            }
            out.status = 1;
        }
    }
}

/// What a verb that wrote one object prints (label, annotate, patch, scale, set, a dry
/// run): with `-o FORMAT` the object as that format prints it (`-o name`:
/// `deployment.apps/web`), as kubectl's PrintFlags do; otherwise its line
/// (`deployment.apps/web labeled`).
pub(super) fn print_written(
    out: &mut Output,
    p: &super::flags::Parsed,
    obj: &Value,
    kind_group: &str,
    line: String,
) {
    match output_format(p) {
        None => out.out(line),
        Some(format) => {
            print_object(
                out,
                &format,
                obj,
                kind_group,
                crate::kubectl::printers::yaml::to_json,
            );
        }
    }
}

/// `-o FORMAT` as print_object takes it (`jsonpath={.x}`), if `-o` was given.
pub(super) fn output_format(p: &super::flags::Parsed) -> Option<String> {
    let format = p.value("output").filter(|f| !f.is_empty())?;
    Some(match (format, p.value("template")) {
        ("go-template" | "template" | "jsonpath", Some(t)) => format!("{format}={t}"),
        _ => format.to_string(),
    })
}

/// The refusal of `-o FORMAT` by a verb with only PrintFlags' generic printers (no table:
/// `wait`, `events`), checked before it does anything; `None` when print_object runs it.
pub(super) fn refused_printer(verb: &str, format: &str) -> Option<Output> {
    match format.split_once('=').map_or(format, |(n, _)| n) {
        "json" | "yaml" | "name" | "jsonpath" | "go-template" | "template" => None,
        // kubectl's, reading a file or printing jsonpath as JSON: not simulated.
        "jsonpath-as-json" | "jsonpath-file" | "go-template-file" | "templatefile" => {
            Some(Output::failed_plain(format!(
                "kubeplay: `kubectl {verb} -o {format}` is not available in the playground"
            )))
        }
        _ => Some(Output::failed(no_printer(format))),
    }
}

/// PrintFlags' refusal of an unknown `-o`.
fn no_printer(format: &str) -> String {
    format!("unable to match a printer suitable for the output format \"{format}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml")
}

/// `-o FORMAT` of one object (`kind_group` for `-o name`; `json` writes `-o json`).
pub(super) fn print_object(
    out: &mut Output,
    format: &str,
    obj: &Value,
    kind_group: &str,
    json: fn(&Value) -> String,
) {
    let (name, template) = match format.split_once('=') {
        Some((n, t)) => (n, Some(t)),
        None => (format, None),
    };
    match name {
        "yaml" => out.out(yaml::to_yaml(&omit_managed_fields(obj))),
        "json" => out.out(json(&omit_managed_fields(obj))),
        "go-template" | "template" | "jsonpath" => {
            let Some(t) = template else {
                out.fail("template format specified but no template given");
                return;
            };
            let text = if name == "jsonpath" {
                jsonpath::render(t, obj).map_err(|e| e.to_string())
            } else {
                gotemplate::render(t, obj).map_err(|e| e.to_string())
            };
            match text {
                // No newline of its own: what comes next continues its line.
                Ok(text) => out.out_exact(text),
                Err(e) => out.fail(e),
            }
        }
        "name" => out.out(format!(
            "{kind_group}/{}",
            obj.at("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
        )),
        _ => out.fail(no_printer(format)),
    }
}

/// The object kubectl would send, with defaults as a dry run shows them.
fn preview(doc: &Doc) -> Value {
    let mut o = doc.object.clone();
    if let Some(r) = doc.resource {
        crate::engine::apiserver::defaults::apply(r.kind, &mut o);
    }
    o
}

/// `kubectl create -f`'s field manager.
fn manager_of(p: &flags::Parsed) -> &str {
    p.value("field-manager").unwrap_or("kubectl-create")
}

fn create_one(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    dry_run: bool,
    save_config: bool,
    manager: &str,
) -> Result<(&'static str, Value), Refusal> {
    if let Some(r) = doc.resource {
        strict_decode(doc, r, "creating")?;
    }
    if dry_run {
        return Ok(("created", preview(doc)));
    }
    may_create(ctx, doc)?;
    let mut obj = doc.object.clone();
    if save_config {
        annotate_last_applied(&mut obj, &doc.object);
    }
    ctx.cluster
        .create_as(obj, manager)
        .map(|o| ("created", (*o).clone()))
        .map_err(|e| refused_create(&e, doc))
}

/// Whether the command's user may create the document's object (a POST to its
/// collection, so the refusal names no object).
fn may_create(ctx: &Ctx<'_>, doc: &Doc) -> Result<(), Refusal> {
    let Some(r) = doc.resource else {
        return Ok(());
    };
    let ns = doc
        .object
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    ctx.may("create", r, ns, "")
        .map_err(|e| refused_create(&e, doc))
}

/// A refused create as kubectl prints it alone and among other errors.
fn refused_create(e: &ApiError, doc: &Doc) -> Refusal {
    let group = doc.resource.map_or("", |r| r.group);
    Refusal {
        alone: e.with_source("creating", &doc.source),
        listed: e.listed_with_source("creating", &doc.source, group),
    }
}

/// `create -f --dry-run=server`: the server's answer to a dry-run create, its defaults
/// and admission included; its refusals are printed as a create's.
fn create_server_dry_run(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    save_config: bool,
) -> Result<(&'static str, Value), Refusal> {
    if let Some(r) = doc.resource {
        strict_decode(doc, r, "creating")?;
    }
    may_create(ctx, doc)?;
    let mut obj = doc.object.clone();
    if save_config {
        annotate_last_applied(&mut obj, &doc.object);
    }
    ctx.cluster
        .create_dry_run(obj)
        .map(|o| ("created", (*o).clone()))
        .map_err(|e| refused_create(&e, doc))
}

/// The manifest as kubectl serializes it into the annotation (`util.GetModifiedConfiguration`):
/// its annotations are set back without the last-applied one, even when none are left, so
/// a manifest without annotations gets `"annotations":{}`.
pub(super) fn applied_configuration(manifest: &Value) -> Value {
    let mut applied = manifest.clone();
    if let Some(meta) = applied.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
        if let Some(a) = annotations.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    applied
}

pub(super) fn annotate_last_applied(obj: &mut Value, manifest: &Value) {
    let applied = applied_configuration(manifest);
    let text = serde_json::to_string(&applied).unwrap_or_default() + "\n";
    // A `metadata` that is not a mapping gets no annotation (as unstructured's
    // SetAnnotations); the API server then rejects the object.
    let Some(o) = obj.as_object_mut() else {
        return;
    };
    let meta = o.entry("metadata").or_insert(Value::Null);
    if meta.is_null() {
        *meta = json!({});
    }
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
    if !annotations.is_object() {
        *annotations = json!({});
    }
    if let Some(a) = annotations.as_object_mut() {
        a.insert(LAST_APPLIED.to_string(), json!(text));
    }
}

/// Fields set in `last` but missing from `new` become `null` (deleted); the rest of `new`
/// merges over the live object.
pub(super) fn three_way(last: &Value, new: &Value) -> Value {
    match (last, new) {
        (Value::Object(l), Value::Object(n)) => {
            let mut patch = serde_json::Map::new();
            for (k, v) in n {
                let sub = match l.get(k) {
                    Some(lv) => three_way(lv, v),
                    None => v.clone(),
                };
                patch.insert(k.clone(), sub);
            }
            for k in l.keys() {
                if !n.contains_key(k) {
                    patch.insert(k.clone(), Value::Null);
                }
            }
            Value::Object(patch)
        }
        _ => new.clone(),
    }
}

/// The patch kubectl sends (`strategicpatch.CreateThreeWayMergePatch`): what `modified`
/// adds or changes against the live object, plus what it drops from the last applied
/// configuration. A list that changed is sent whole, where kubectl diffs a list with merge
/// keys element by element and adds `$setElementOrder` directives.
fn sent_patch(last: &Value, modified: &Value, live: &Value) -> Value {
    let mut patch = changes(live, modified).unwrap_or_else(|| json!({}));
    add_deletions(&mut patch, last, modified);
    patch
}

/// What `modified` adds or changes against `current`, deletions ignored.
fn changes(current: &Value, modified: &Value) -> Option<Value> {
    match (current, modified) {
        (Value::Object(c), Value::Object(m)) => {
            let mut out = serde_json::Map::new();
            for (k, mv) in m {
                let change = match c.get(k) {
                    Some(cv) => changes(cv, mv),
                    None => Some(mv.clone()),
                };
                if let Some(change) = change {
                    out.insert(k.clone(), change);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        // A list of objects the server only filled in (defaults on each container, say).
        (Value::Array(c), Value::Array(m))
            if c.len() == m.len()
                && m.iter().all(Value::is_object)
                && c.iter().zip(m).all(|(cv, mv)| changes(cv, mv).is_none()) =>
        {
            None
        }
        _ => (current != modified).then(|| modified.clone()),
    }
}

/// Fields of `original` that `modified` no longer has, as `null`s in `patch`.
fn add_deletions(patch: &mut Value, original: &Value, modified: &Value) {
    let (Value::Object(o), Value::Object(m)) = (original, modified) else {
        return;
    };
    for (k, ov) in o {
        match m.get(k) {
            None => patch[k.as_str()] = Value::Null,
            Some(mv) if ov.is_object() && mv.is_object() => {
                let mut sub = patch.get(k.as_str()).cloned().unwrap_or_else(|| json!({}));
                add_deletions(&mut sub, ov, mv);
                if sub.as_object().is_some_and(|s| !s.is_empty()) {
                    patch[k.as_str()] = sub;
                }
            }
            Some(_) => {}
        }
    }
}

/// `dry_run`: (any dry run, the server's).
fn apply_one(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    (dry_run, server_dry_run): (bool, bool),
    out: &mut Output,
    manager: &str,
) -> Result<(&'static str, Value), Refusal> {
    let Some(r) = doc.resource else {
        return Err(String::new().into());
    };
    let ns = if r.namespaced {
        doc.object
            .at("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
    } else {
        ""
    };
    let name = doc
        .object
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Err(e) = ctx.may("get", r, ns, &name) {
        return Err(format!(
            "Error from server (Forbidden): error when retrieving current configuration of:\n{}\nfrom server for: \"{}\": {}",
            object_line(r, ns, &name),
            doc.source,
            e.status_message("")
        )
        .into());
    }
    let Some(live) = ctx.cluster.get(r.kind, ns, &name).cloned() else {
        // A create; an existing object gets a patch, checked below once it is merged.
        if server_dry_run {
            return create_server_dry_run(ctx, doc, true);
        }
        return create_one(ctx, doc, dry_run, true, manager);
    };
    let last: Value = match live
        .at(&format!(
            "/metadata/annotations/{}",
            LAST_APPLIED.replace('/', "~1")
        ))
        .and_then(Value::as_str)
    {
        Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        None => {
            out.err(format!(
                "Warning: resource {}/{name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
                r.plural
            ));
            Value::Null
        }
    };
    if live.at("/metadata/deletionTimestamp").is_some() {
        out.err(format!(
            "Warning: Detected changes to resource {name} which is currently being deleted."
        ));
    }
    // Against the manifest as it was stored, so that its `"annotations":{}` deletes nothing.
    let patch = three_way(&last, &applied_configuration(&doc.object));
    let mut merged = (*live).clone();
    strategic_merge(&mut merged, &patch);
    annotate_last_applied(&mut merged, &doc.object);
    if let Some(m) = merged["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    let mut live_cmp = (*live).clone();
    if let Some(m) = live_cmp["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    if merged == live_cmp {
        return Ok(("unchanged", (*live).clone()));
    }
    if let Some(problem) = decoding::patch_error(r.kind, &merged) {
        // kubectl's modified object carries the new last-applied annotation.
        let mut modified = doc.object.clone();
        annotate_last_applied(&mut modified, &doc.object);
        let sent = sent_patch(&last, &modified, &live);
        return Err(refused(gofmt::go_sprint(&sent), problem.message())
            .to_string()
            .into());
    }
    if !dry_run || server_dry_run {
        if let Err(e) = ctx.may("patch", r, ns, &name) {
            let mut modified = doc.object.clone();
            annotate_last_applied(&mut modified, &doc.object);
            let sent = sent_patch(&last, &modified, &live);
            return Err(format!(
                "Error from server (Forbidden): error when applying patch:\n{}\nto:\n{}\nfor: \"{src}\": error when patching \"{src}\": {}",
                serde_json::to_string(&sent).unwrap_or_default(),
                object_line(r, ns, &name),
                e.status_message(""),
                src = doc.source,
            )
            .into());
        }
    }
    if server_dry_run {
        return ctx
            .cluster
            .update_dry_run(merged, manager)
            .map(|o| ("configured", (*o).clone()))
            .map_err(|e| e.to_string().into());
    }
    if dry_run {
        return Ok(("configured", merged));
    }
    // A Secret's `stringData` is never stored, so the patch always carries it and kubectl
    // reports the object configured even when the server had nothing to change.
    let write_only = merged.get("stringData").is_some();
    match ctx.cluster.update_as(merged, manager, "") {
        Ok(o) if meta_rv(&o) == meta_rv(&live) && !write_only => Ok(("unchanged", (*o).clone())),
        Ok(o) => Ok(("configured", (*o).clone())),
        Err(e @ ApiError::Invalid { .. }) => Err(e.to_string().into()),
        Err(e) => Err(format!("error when applying patch:\n{}\nto:\nResource: \"{}/{}, Resource={}\"\nName: \"{name}\", Namespace: \"{ns}\"\nfor: \"{}\": {}", serde_json::to_string(&patch).unwrap_or_default(), r.group, r.version, r.plural, doc.source, e).into()),
    }
}

/// How kubectl names the object of a refused apply: its resource and kind, its name
/// and namespace.
fn object_line(r: &Resource, ns: &str, name: &str) -> String {
    let (group, version) = (r.group, r.version);
    format!(
        "Resource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"{name}\", Namespace: \"{ns}\"",
        r.plural, r.kind
    )
}

fn meta_rv(o: &Value) -> &str {
    o.at("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn create(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    run(ctx, args, Verb::Create)
}

pub fn apply(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    run(ctx, args, Verb::Apply)
}

pub(crate) const PATCH_FLAGS: &[Flag] = &[
    flag("patch", Some('p'), Arity::Value),
    flag("patch-file", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("subresource", None, Arity::Value),
];

/// `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`
pub fn patch(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, PATCH_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("patch", e),
    };
    let ty = p.value("type").unwrap_or("strategic");
    if !matches!(ty, "json" | "merge" | "strategic") {
        return Output::failed(format!(
            "--type must be one of [json merge strategic], not \"{ty}\""
        ));
    }
    let text = match (p.value("patch"), p.value("patch-file")) {
        (Some(t), _) => t.to_string(),
        (None, Some(f)) => match ctx.fs.read(f) {
            Ok(t) => t.to_string(),
            Err(_) => return Output::failed(format!("open {f}: no such file or directory")),
        },
        _ => {
            return Output::failed(
                "must specify --patch or --patch-file containing the contents of the patch",
            )
        }
    };
    // kubectl sends a patch that starts with `{` as it is (yaml.ToJSON's IsJSONBuffer);
    // anything else is read as YAML and sent as JSON.
    let body = if text.trim_start().starts_with('{') {
        text.clone()
    } else {
        match crate::kubectl::yaml_json::value(&text)
            .ok()
            .and_then(|v| serde_json::to_string(&v).ok())
        {
            Some(json) => json,
            None => {
                return Output::failed(format!(
                    "unable to parse \"{text}\": yaml: did not find expected node content"
                ))
            }
        }
    };
    let patch_type = match ty {
        "json" => PatchType::Json,
        "merge" => PatchType::Merge,
        _ => PatchType::Strategic,
    };
    let targets = match parse_targets_for(&p.positionals, Access::Write("PATCH")) {
        Ok(t) => t,
        Err(e) => return Output::failed(e.to_string()),
    };
    let ns = ctx.namespace(&p);
    let mut out = Output::ok();
    for t in targets {
        for name in &t.names {
            let obj_ns = if t.resource.namespaced {
                ns.as_str()
            } else {
                ""
            };
            // The PATCH goes straight to the server (a client dry run reads the object
            // and patches it locally).
            let (verb, sub) = match p.value("dry-run") {
                Some("client") => ("get", ""),
                _ => ("patch", p.value("subresource").unwrap_or("")),
            };
            let asked = super::impersonation::attributes(verb, t.resource, obj_ns, name, sub);
            if let Err(e) = ctx.authorize(&asked) {
                out.fail(e.to_string());
                continue;
            }
            let Some(live) = ctx.cluster.get(t.resource.kind, obj_ns, name).cloned() else {
                out.fail(ApiError::not_found(t.resource.group_resource(), name).to_string());
                continue;
            };
            let obj = match patched(t.resource.kind, patch_type, &live, &body) {
                Ok(obj) => obj,
                Err(e) => {
                    out.fail(e.to_string());
                    continue;
                }
            };
            let kg = kind_group(t.resource);
            match ctx.cluster.update_as(obj, "kubectl-patch", "") {
                Ok(o) => {
                    let unchanged =
                        o.at("/metadata/resourceVersion") == live.at("/metadata/resourceVersion");
                    let op = if unchanged {
                        "patched (no change)"
                    } else {
                        "patched"
                    };
                    print_written(&mut out, &p, &o, &kg, format!("{kg}/{name} {op}"));
                }
                Err(e) => out.fail(e.to_string()),
            }
        }
    }
    out
}
