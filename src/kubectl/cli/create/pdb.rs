//! `kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N`
//! (`create_pdb.go`): its checks in `Validate`'s order, the selector as
//! `ParseToLabelSelector` turns it into `matchLabels` and `matchExpressions`.

use super::{json_order, Ctx, Invocation};
use crate::engine::errors::ApiError;
use crate::engine::selector::{Operator, Selector};
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const FLAGS: &[Flag] = &[
    flag("selector", None, Arity::Value),
    flag("min-available", None, Arity::Value),
    flag("max-unavailable", None, Arity::Value),
];

pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create poddisruptionbudget", args, FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let value = |f: &str| inv.parsed.value(f).unwrap_or("").to_string();
    let (selector, min, max) = (
        value("selector"),
        value("min-available"),
        value("max-unavailable"),
    );
    if let Err(e) = validate(&selector, &min, &max) {
        return Output::failed(e);
    }
    let selector = match parse_to_label_selector(&selector) {
        Ok(s) => s,
        Err(e) => return Output::failed(e),
    };
    let mut spec = json!({"selector": selector});
    if !min.is_empty() {
        spec["minAvailable"] = int_or_string(&min);
    } else {
        spec["maxUnavailable"] = int_or_string(&max);
    }
    let pdb = json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": inv.metadata(),
        "spec": spec, "status": crate::engine::apiserver::policy::empty_status()
    });
    inv.finish_with(
        ctx,
        pdb,
        "poddisruptionbudget.policy",
        &failed,
        (json_order::pdb_indented, json_order::pdb_compact),
    )
}

fn failed(e: &ApiError) -> String {
    format!(
        "failed to create poddisruptionbudgets: {}",
        e.status_message("policy")
    )
}

/// `Validate`: a selector, exactly one bound, each digits with an optional `%`.
fn validate(selector: &str, min: &str, max: &str) -> Result<(), &'static str> {
    if selector.is_empty() {
        return Err("a selector must be specified");
    }
    if min.is_empty() && max.is_empty() {
        return Err("one of min-available or max-unavailable must be specified");
    }
    if !min.is_empty() && !max.is_empty() {
        return Err("min-available and max-unavailable cannot be both specified");
    }
    let well_formed = |v: &str| {
        let digits = v.strip_suffix('%').unwrap_or(v);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if !min.is_empty() && !well_formed(min) {
        return Err("invalid format specified for min-available");
    }
    if !max.is_empty() && !well_formed(max) {
        return Err("invalid format specified for max-unavailable");
    }
    Ok(())
}

/// `intstr.Parse`: a number when it is one, else the string.
fn int_or_string(v: &str) -> Value {
    match v.parse::<i32>() {
        Ok(n) => json!(n),
        Err(_) => json!(v),
    }
}

/// `metav1.ParseToLabelSelector`: equalities become `matchLabels`, the rest
/// `matchExpressions` (sorted by key, values sorted, as `labels.Parse` keeps them).
fn parse_to_label_selector(s: &str) -> Result<Value, String> {
    let parsed = Selector::parse(s)
        .map_err(|e| format!("couldn't parse the selector string \"{s}\": {e}"))?;
    let mut labels = Map::new();
    let mut exprs = Vec::new();
    for r in parsed.requirements() {
        let op = match r.operator {
            Operator::Equals | Operator::DoubleEquals => {
                labels.insert(
                    r.key.clone(),
                    json!(r.values.first().cloned().unwrap_or_default()),
                );
                continue;
            }
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan => return Err("\"gt\" isn't supported in label selectors".into()),
            Operator::LessThan => return Err("\"lt\" isn't supported in label selectors".into()),
            Operator::NotEquals => {
                return Err("\"!=\" is not a valid label selector operator".into())
            }
        };
        let mut e = json!({"key": r.key, "operator": op});
        if !r.values.is_empty() {
            let mut values = r.values.clone();
            crate::sort::sort(&mut values);
            e["values"] = json!(values);
        }
        exprs.push(e);
    }
    let mut sel = json!({});
    if !labels.is_empty() {
        sel["matchLabels"] = Value::Object(labels);
    }
    if !exprs.is_empty() {
        sel["matchExpressions"] = json!(exprs);
    }
    Ok(sel)
}
