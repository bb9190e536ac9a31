//! `PATCH` with `application/apply-patch+yaml`: server-side apply. The configuration is
//! merged by field ownership in the engine (`World::apply`); this layer checks what the
//! server checks of the request (a field manager, the kind and name of the URL).

use super::api::{api_error, body_json, decodable, dry_run, object_reply, place, unshift, Target};
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::json;
use serde_json::Value;

pub fn apply_patch(
    api: &mut super::engine::Api,
    req: &Req,
    t: &Target,
    name: &str,
) -> Result<Reply, Status> {
    let Some(manager) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
        return Err(Status {
            code: 422,
            reason: "Invalid",
            message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch".into(),
            details: Some(json!({"group": "meta.k8s.io", "kind": "PatchOptions",
                "causes": [{"reason": "FieldValueRequired", "message": "Required value: is required for apply patch", "field": "fieldManager"}]})),
        });
    };
    let manager = manager.to_string();
    let mut config = body_json(req)?;
    place(t, &mut config)?;
    let kind = config.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = config
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind != t.resource.kind || api_version != t.resource.api_version() {
        return Err(status::bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({})",
            t.resource.api_version()
        )));
    }
    match config["metadata"].get("name").and_then(Value::as_str) {
        Some(n) if n == name => {}
        None | Some("") => config["metadata"]["name"] = json!(name),
        Some(_) => {
            return Err(status::bad_request(
                "the name of the object does not match the name on the URL",
            ))
        }
    }
    decodable(req, t, &config)?;
    unshift(api, &mut config);
    let applied = api
        .cluster
        .apply(config, &manager, req.flag("force"), dry_run(req))
        .map_err(|e| api_error(t, &e))?;
    let code = if applied.created { 201 } else { 200 };
    Ok(object_reply(api, req, t, code, &applied.object))
}
