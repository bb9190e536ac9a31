//! `kubectl create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2]`
//! (`create_quota.go`).

use super::{Ctx, Invocation};
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const FLAGS: &[Flag] = &[
    flag("hard", None, Arity::Value),
    flag("scopes", None, Arity::Value),
];

pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create quota", args, FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let built = hard(inv.parsed.value("hard").unwrap_or(""))
        .and_then(|h| Ok((h, scopes(inv.parsed.value("scopes").unwrap_or(""))?)));
    let (hard, scopes) = match built {
        Ok(b) => b,
        Err(e) => return Output::failed(e),
    };
    let mut spec = json!({});
    if let Some(h) = hard {
        spec["hard"] = Value::Object(h);
    }
    if let Some(s) = scopes {
        spec["scopes"] = json!(s);
    }
    let quota = json!({
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": inv.metadata(),
        "spec": spec, "status": {}
    });
    inv.finish(ctx, quota, "resourcequota", &failed)
}

fn failed(e: &ApiError) -> String {
    format!("failed to create quota: {}", e.status_message(""))
}

/// `populateResourceListV1`: `name=quantity` pairs split on `,`; each quantity printed
/// in its canonical form. An empty flag sets no `hard` at all.
fn hard(spec: &str) -> Result<Option<Map<String, Value>>, String> {
    if spec.is_empty() {
        return Ok(None);
    }
    let mut list = Map::new();
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, value] = parts.as_slice() else {
            return Err(format!(
                "Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        };
        // `resource.ParseQuantity`, its refusal as it words it; stored as the server stores
        // a ResourceList's quantity.
        let stored =
            crate::engine::quantity::resource_list_form(value).map_err(|e| e.to_string())?;
        list.insert(name.to_string(), json!(stored));
    }
    Ok(Some(list))
}

/// `parseScopes`: not checked against the known scopes here (the API server does).
fn scopes(spec: &str) -> Result<Option<Vec<String>>, String> {
    if spec.is_empty() {
        return Ok(None);
    }
    spec.split(',')
        .map(|s| {
            if s.is_empty() {
                Err("invalid resource quota scope \"\"".to_string())
            } else {
                Ok(s.to_string())
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
