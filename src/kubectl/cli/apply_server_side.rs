//! `kubectl apply --server-side`: the manifest is sent as an apply patch; the API server
//! merges it by field ownership (`World::apply`). As kubectl 1.34 does for its default
//! manager `kubectl`, an object managed by client-side apply is moved over: its
//! last-applied annotation is kept by the `kubectl-last-applied` manager and the fields
//! `kubectl-client-side-apply` owned become `kubectl`'s (client-go's `csaupgrade`).

use super::manifest::Doc;
use super::Ctx;
use crate::engine::apiserver::managed_fields::{
    last_applied_owners, upgrade_client_side, LAST_APPLIED,
};
use crate::engine::errors::ApiError;
use crate::engine::json::At;
use crate::json;
use crate::shell::Output;
use serde_json::Value;

/// The manager kubectl names for a server-side apply without `--field-manager`.
pub const DEFAULT_MANAGER: &str = "kubectl";

/// What kubectl adds after the server's conflict message.
const CONFLICT_HELP: &str =
    "Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

/// The options of one `apply --server-side`.
pub struct ServerSide<'a> {
    pub manager: &'a str,
    pub force: bool,
    pub dry_run: bool,
}

/// Applies one document; the answer is the object the server returned. A failed step of
/// the move from client-side apply is a warning, as in kubectl: the apply itself worked.
pub fn apply_one(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    opts: &ServerSide,
    out: &mut Output,
) -> Result<Value, String> {
    let config = doc.object.clone();
    let applied = ctx
        .cluster
        .apply(config.clone(), opts.manager, opts.force, opts.dry_run)
        .map_err(|e| match e {
            ApiError::ApplyConflict { message } => format!("error: {message}\n{CONFLICT_HELP}"),
            e @ ApiError::Invalid { .. } => e.to_string(),
            e => e.with_source("serverside-apply", &doc.source),
        })?;
    let mut obj = (*applied.object).clone();
    if opts.dry_run || opts.manager != DEFAULT_MANAGER {
        return Ok(obj);
    }
    let group = doc.resource.map(|r| r.group).unwrap_or("");
    let warn = |out: &mut Output, what: &str, e: ApiError| {
        out.err(format!(
            "Warning: {what}. This is non-fatal and will be retried next time you apply. Error: {}",
            e.status_message(group)
        ));
    };
    match save_last_applied(ctx, &obj) {
        Err(e) => {
            warn(out, "failed to migrate kubectl.kubernetes.io/last-applied-configuration for Server-Side Apply", e);
            return Ok(obj);
        }
        Ok(Some(kept)) => obj = kept,
        Ok(None) => {}
    }
    let csa = last_applied_owners(&obj, false);
    let Some(upgraded) = upgrade_client_side(&obj, &csa, opts.manager) else {
        return Ok(obj);
    };
    if let Err(e) = ctx.cluster.update(upgraded) {
        warn(
            out,
            "server rejected managed fields migration to Server-Side Apply",
            e,
        );
        return Ok(obj);
    }
    match ctx.cluster.apply(config, opts.manager, opts.force, false) {
        Ok(again) => Ok((*again.object).clone()),
        Err(e) => {
            warn(
                out,
                "failed to re-apply configuration after performing Server-Side Apply migration",
                e,
            );
            Ok(obj)
        }
    }
}

/// `saveLastApplyAnnotationIfNecessary`: an annotation no Apply manager owns yet is
/// applied on its own by `kubectl-last-applied`, so later applies do not drop it.
fn save_last_applied(ctx: &mut Ctx<'_>, obj: &Value) -> Result<Option<Value>, ApiError> {
    let Some(ann) = obj
        .at("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    if !last_applied_owners(obj, true).is_empty() {
        return Ok(None);
    }
    let mut just = json!({
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "metadata": {"name": obj["metadata"]["name"], "annotations": {LAST_APPLIED: ann}},
    });
    if let Some(ns) = obj.at("/metadata/namespace") {
        just["metadata"]["namespace"] = ns.clone();
    }
    // kubectl sends it without `force`.
    let kept = ctx
        .cluster
        .apply(just, "kubectl-last-applied", false, false)?;
    Ok(Some((*kept.object).clone()))
}
