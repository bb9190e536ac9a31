//! `describePodDisruptionBudgetV1`: the bound, the selector and the controller's counts.

use serde_json::Value;

use super::{describe_events, Related, Writer};
use crate::kubectl::printers::fields::{format_label_selector, opt_int, s};

pub(super) fn describe_pdb(w: &mut Writer, pdb: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(pdb, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(pdb, "metadata.namespace")),
    );
    let spec = pdb.get("spec").unwrap_or(&Value::Null);
    let bound = |field: &str| match spec.get(field) {
        Some(Value::String(v)) => Some(v.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(min) = bound("minAvailable") {
        w.w(0, &format!("Min available:\t{min}\n"));
    } else if let Some(max) = bound("maxUnavailable") {
        w.w(0, &format!("Max unavailable:\t{max}\n"));
    }
    match spec.get("selector").filter(|v| !v.is_null()) {
        Some(sel) => w.w(
            0,
            &format!("Selector:\t{}\n", format_label_selector(Some(sel))),
        ),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(0, "Status:\n");
    let count = |field: &str| opt_int(pdb, &format!("status.{field}")).unwrap_or(0);
    w.w(
        2,
        &format!("Allowed disruptions:\t{}\n", count("disruptionsAllowed")),
    );
    w.w(2, &format!("Current:\t{}\n", count("currentHealthy")));
    w.w(2, &format!("Desired:\t{}\n", count("desiredHealthy")));
    w.w(2, &format!("Total:\t{}\n", count("expectedPods")));
    describe_events(w, &related.events);
}
