//! `kubectl edit TYPE NAME`: the live object goes into a temp file under kubectl's edit
//! header and the editor pane opens it; when the editor is saved or closed,
//! [`finish`] applies kubectl's edit semantics (`pkg/cmd/util/editor/editoptions.go`,
//! v0.34.10): comments ignored, unchanged or empty files cancel, a changed identity is
//! refused, an invalid object reopens the file with the server's causes on top, and a
//! valid change is sent as a patch (`statefulset.apps/web edited`).

use super::flags::{self, flag, Arity, Flag};
use super::manifest::parse_docs;
use super::resource::{kind_group, parse_targets};
use super::{flag_error, Ctx};
use crate::engine::apiserver::patch::merge_patch;
use crate::engine::json::At;
use crate::engine::{ApiError, Cluster};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::yaml;
use crate::shell::Output;
use crate::shell::Vfs;
use serde_json::{Map, Value};

/// What kubectl writes above the object (`editHeader.writeTo`, normal edit mode).
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

pub(crate) const FLAGS: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("output-patch", None, Arity::Bool),
    flag("save-config", None, Arity::Bool),
    flag("validate", None, Arity::Value),
    flag("windows-line-endings", None, Arity::Bool),
    flag("subresource", None, Arity::Value),
    flag("field-manager", None, Arity::Value),
    flag("show-managed-fields", None, Arity::Bool),
];

const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// An edit waiting for the editor: which object, and what the file held when opened.
#[derive(Debug, Clone)]
pub struct PendingEdit {
    /// The temp file in the virtual filesystem (`/tmp/kubectl-edit-1.yaml`).
    pub path: String,
    kind: &'static str,
    /// `statefulsets.apps`: how edit's errors name the resource.
    group_resource: String,
    /// `statefulset.apps`: how its success line names it.
    kind_group: String,
    namespace: String,
    name: String,
    /// The object as printed into the file, without the header.
    original_text: String,
    original: Value,
    /// The file as last written (what closing the editor without saving leaves).
    written: String,
    /// The edited text the server refused, while the file is reopened with its errors
    /// (kubectl's `editedDiff`).
    refused: Option<String>,
}

/// What saving or closing the editor led to.
pub struct Finished {
    pub output: Output,
    /// The file was rewritten with errors on top and should be opened again.
    pub reopen: bool,
}

/// `kubectl edit …`: writes the temp file and returns the pending edit.
pub fn open(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(Output, PendingEdit), Output> {
    let p = flags::parse(args, FLAGS).map_err(|e| flag_error("edit", e))?;
    if p.has("filename") {
        return Err(Output::failed(
            "kubeplay: `kubectl edit -f` is not supported here; name the object instead, e.g. `kubectl edit sts web`",
        ));
    }
    let targets = parse_targets(&p.positionals).map_err(|e| Output::failed(e.to_string()))?;
    let Some(target) = targets.first() else {
        return Err(Output::failed(NO_RESOURCES));
    };
    if targets.len() != 1 || target.names.len() != 1 {
        return Err(Output::failed(
            "kubeplay: kubectl edit here opens one object at a time; name it, e.g. `kubectl edit sts web`",
        ));
    }
    let r = target.resource;
    let name = target.names[0].clone();
    let ns = if r.namespaced {
        ctx.namespace(&p)
    } else {
        String::new()
    };
    let Some(live) = ctx.cluster.get(r.kind, &ns, &name) else {
        return Err(Output::failed(
            ApiError::not_found(r.group_resource(), name).to_string(),
        ));
    };
    let mut original = (**live).clone();
    if let Some(m) = original["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    let original_text = yaml::to_yaml(&original);
    let path = free_path(ctx.fs);
    let written = format!("{HEADER}{original_text}");
    ctx.fs
        .write(&path, &written, false)
        .map_err(|e| Output::failed(format!("open {path}: {e}")))?;
    let pending = PendingEdit {
        path,
        kind: r.kind,
        group_resource: r.group_resource(),
        kind_group: kind_group(r),
        namespace: ns,
        name,
        original_text,
        original,
        written,
        refused: None,
    };
    Ok((Output::ok(), pending))
}

/// The first `/tmp/kubectl-edit-N.yaml` not in use (kubectl's names carry random digits;
/// ours count up so that replays name the same file).
fn free_path(fs: &Vfs) -> String {
    (1u32..)
        .map(|n| format!("/tmp/kubectl-edit-{n}.yaml"))
        .find(|p| !fs.exists(p))
        .unwrap_or_else(|| "/tmp/kubectl-edit.yaml".to_string())
}

/// Lines that are not comments (`cmdutil.StripComments` / `ManualStrip`).
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('#') && !t.starts_with("#!") {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Whether any line has something other than whitespace or a comment (`hasLines`).
fn has_lines(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// `# ` in front of every line of a header reason (`hashOnLineBreak`).
fn hash_lines(s: &str) -> String {
    s.replace('\n', "\n# ")
}

impl PendingEdit {
    /// Rewrites the file with `reasons` (a head and its bullet points) above what the user
    /// wrote, as kubectl does before reopening the editor.
    fn reopen(&mut self, fs: &mut Vfs, edited: &str, head: &str, causes: &[String]) -> bool {
        let mut text = HEADER.to_string();
        if causes.is_empty() {
            text.push_str(&format!("# {}\n", hash_lines(head)));
        } else {
            text.push_str(&format!("# {}:\n", hash_lines(head)));
        }
        for c in causes {
            text.push_str(&format!("# * {}\n", hash_lines(c)));
        }
        text.push_str("#\n");
        text.push_str(&strip_comments(edited));
        self.refused = Some(edited.to_string());
        self.written = text.clone();
        fs.write(&self.path, &text, false).is_ok()
    }

    /// `A copy of your changes has been stored to …` then the error (`preservedFile`).
    fn preserved(&self, fs: &Vfs, out: &mut Output, error: &str) {
        if fs.exists(&self.path) {
            out.err(format!(
                "A copy of your changes has been stored to \"{}\"",
                self.path
            ));
        }
        out.fail(error);
    }
}

/// The editor was saved (`saved`) or closed: applies the edit. An unsaved close reads as
/// the file left as it was written.
pub fn finish(
    cluster: &mut Cluster,
    fs: &mut Vfs,
    edit: &mut PendingEdit,
    saved: bool,
) -> Finished {
    let mut out = Output::ok();
    let edited = if saved {
        fs.read(&edit.path).map(String::from).unwrap_or_default()
    } else {
        edit.written.clone()
    };
    let done = |output: Output| Finished {
        output,
        reopen: false,
    };
    if let Some(prev) = &edit.refused {
        if strip_comments(prev) == strip_comments(&edited) {
            edit.preserved(fs, &mut out, "Edit cancelled, no valid changes were saved.");
            return done(out);
        }
    }
    if strip_comments(&edit.original_text) == strip_comments(&edited) {
        let _ = fs.remove(&edit.path, false);
        out.err("Edit cancelled, no changes made.");
        return done(out);
    }
    if !has_lines(&edited) {
        let _ = fs.remove(&edit.path, false);
        out.err("Edit cancelled, saved file was empty.");
        return done(out);
    }
    let docs = match parse_docs(&edited, &edit.path) {
        Ok(d) => d,
        Err(e) => {
            let e = e.message;
            let cause = e
                .split_once(": ")
                .map_or(e.as_str(), |(_, rest)| rest)
                .to_string();
            let head = format!("The edited file had a syntax error: {cause}");
            let reopen = edit.reopen(fs, &edited, &head, &[]);
            return Finished {
                output: out,
                reopen,
            };
        }
    };
    let Some(doc) = docs.into_iter().next() else {
        let _ = fs.remove(&edit.path, false);
        out.err("Edit cancelled, saved file was empty.");
        return done(out);
    };
    let updated = doc.object;
    if let Some(ns) = updated
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty() && *ns != edit.namespace && !edit.namespace.is_empty())
    {
        let msg = format!("the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.", edit.namespace);
        edit.preserved(fs, &mut out, &msg);
        return done(out);
    }
    if updated == edit.original {
        let _ = fs.remove(&edit.path, false);
        out.out(format!("{}/{} skipped", edit.kind_group, edit.name));
        return done(out);
    }
    let changed = |ptr: &str| updated.at(ptr) != edit.original.at(ptr);
    if [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/managedFields",
    ]
    .iter()
    .any(|p| changed(p))
    {
        edit.preserved(
            fs,
            &mut out,
            "At least one of apiVersion, kind and name was changed",
        );
        return done(out);
    }
    let patch = two_way_patch(&edit.original, &updated);
    let Some(live) = cluster.get(edit.kind, &edit.namespace, &edit.name).cloned() else {
        out.err(format!(
            "error: {} \"{}\" could not be found on the server",
            edit.group_resource, edit.name
        ));
        out.err(format!(
            "The edits you made on deleted resources have been saved to \"{}\"",
            edit.path
        ));
        out.status = 1;
        return done(out);
    };
    let mut obj = (*live).clone();
    merge_patch(&mut obj, &patch);
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    cluster.take_warnings();
    let updated = cluster.update_as(obj, "kubectl-edit", "");
    if let Some(lines) = super::warning_lines(cluster.take_warnings()) {
        out.err(lines);
    }
    match updated {
        Ok(_) => {
            let _ = fs.remove(&edit.path, false);
            out.out(format!("{}/{} edited", edit.kind_group, edit.name));
            done(out)
        }
        Err(ApiError::Invalid { causes, .. }) => {
            out.err(format!(
                "error: {} \"{}\" is invalid",
                edit.group_resource, edit.name
            ));
            let head = format!("{} \"{}\" was not valid", edit.group_resource, edit.name);
            let causes: Vec<String> = causes.iter().map(ToString::to_string).collect();
            let reopen = edit.reopen(fs, &edited, &head, &causes);
            Finished {
                output: out,
                reopen,
            }
        }
        Err(ApiError::NotFound { .. }) => {
            out.err(format!(
                "error: {} \"{}\" could not be found on the server",
                edit.group_resource, edit.name
            ));
            out.err(format!(
                "The edits you made on deleted resources have been saved to \"{}\"",
                edit.path
            ));
            out.status = 1;
            done(out)
        }
        Err(e) => {
            // The Status message, without kubectl's `Error from server (Reason): ` prefix.
            let cause = e.status_message("");
            out.err(format!(
                "error: {} \"{}\" could not be patched: {cause}",
                edit.group_resource, edit.name
            ));
            out.err(format!(
                "You can run `kubectl replace -f {}` to try this update again.",
                edit.path
            ));
            out.status = 1;
            done(out)
        }
    }
}

/// The change from `original` to `edited` as a merge patch: changed fields, `null` for
/// removed ones, lists whole. (kubectl sends built-in kinds a strategic merge patch that
/// lists changed list items by merge key; applied to an object that has not changed
/// since the file was written, both give the same result.)
pub fn two_way_patch(original: &Value, edited: &Value) -> Value {
    match (original, edited) {
        (Value::Object(o), Value::Object(e)) => {
            let mut patch = Map::new();
            for (k, ov) in o {
                match e.get(k) {
                    None => {
                        patch.insert(k.clone(), Value::Null);
                    }
                    Some(ev) if ev != ov => {
                        patch.insert(k.clone(), two_way_patch(ov, ev));
                    }
                    Some(_) => {}
                }
            }
            for (k, ev) in e {
                if !o.contains_key(k) {
                    patch.insert(k.clone(), ev.clone());
                }
            }
            Value::Object(patch)
        }
        _ => edited.clone(),
    }
}
