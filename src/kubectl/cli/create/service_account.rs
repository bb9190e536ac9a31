//! `kubectl create serviceaccount NAME` (`create_serviceaccount.go`): a ServiceAccount
//! with nothing but its name.

use super::{Ctx, Invocation};
use crate::engine::errors::ApiError;
use crate::shell::Output;
use serde_json::json;

pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create serviceaccount", args, &[], None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let account = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": inv.metadata()});
    inv.finish(ctx, account, "serviceaccount", &failed)
}

fn failed(e: &ApiError) -> String {
    format!("failed to create serviceaccount: {}", e.status_message(""))
}
