//! Namespace, ConfigMap, Secret, ResourceQuota and LimitRange: kinds without a workload,
//! described by kubectl's `describeNamespace`, `ConfigMapDescriber`, `describeSecret`,
//! `describeQuota` and `describeLimitRange`.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, rfc1123z, Related, Writer};
use crate::kubectl::printers::fields::{arr, s, string_map};

/// `describeNamespace`: status, then its quotas and its limit ranges.
pub(super) fn describe_namespace(
    w: &mut Writer,
    ns: &Value,
    quotas: &[&Value],
    limit_ranges: &[&Value],
) {
    w.w(0, &format!("Name:\t{}\n", s(ns, "metadata.name")));
    print_labels(w, "", "Labels", &string_map(ns, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(ns, "metadata.annotations"));
    w.w(0, &format!("Status:\t{}\n", s(ns, "status.phase")));
    let conditions = arr(ns, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    rfc1123z(c, "lastTransitionTime"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    w.w(0, "\n");
    describe_resource_quotas(w, quotas);
    w.w(0, "\n");
    describe_limit_ranges(w, limit_ranges);
}

/// The column heads of a limit range table (`describeLimitRange`, `DescribeLimitRanges`).
const LIMIT_HEAD: &str =
    "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n";
const LIMIT_RULE: &str =
    "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n";

/// `DescribeLimitRanges`: every item of every range in one table, each line after a space.
fn describe_limit_ranges(w: &mut Writer, limit_ranges: &[&Value]) {
    if limit_ranges.is_empty() {
        w.w(0, "No LimitRange resource.\n");
        return;
    }
    w.w(0, &format!("Resource Limits\n {LIMIT_HEAD}"));
    w.w(0, &format!(" {LIMIT_RULE}"));
    for lr in limit_ranges {
        limit_range_rows(w, lr, " ");
    }
}

/// `describeLimitRange`.
pub(super) fn describe_limit_range(w: &mut Writer, lr: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(lr, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(lr, "metadata.namespace")));
    w.w(0, LIMIT_HEAD);
    w.w(0, LIMIT_RULE);
    limit_range_rows(w, lr, "");
}

/// `describeLimitRangeSpec`: one row per item and resource, `-` where the item sets no
/// value (resources by name; Go walks them in map order).
fn limit_range_rows(w: &mut Writer, lr: &Value, prefix: &str) {
    for item in arr(lr, "spec.limits") {
        let columns = [
            "min",
            "max",
            "defaultRequest",
            "default",
            "maxLimitRequestRatio",
        ];
        let mut resources: Vec<String> = columns
            .iter()
            .flat_map(|c| string_map(item, c).into_keys())
            .collect();
        crate::sort::sort(&mut resources);
        resources.dedup();
        for r in resources {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| {
                    item.get(*c)
                        .and_then(|m| m.get(&r))
                        .map_or_else(|| "-".to_string(), quantity_string)
                })
                .collect();
            w.w(
                0,
                &format!("{prefix}{}\t{r}\t{}\n", s(item, "type"), cells.join("\t")),
            );
        }
    }
}

/// `Quantity.String()` of a stored quantity.
fn quantity_string(q: &Value) -> String {
    let text = q.as_str().map_or_else(|| q.to_string(), str::to_string);
    crate::engine::quantity::Quantity::parse(&text).map_or(text, |q| q.to_string())
}

/// `DescribeResourceQuotas`: each quota by name, its scopes and their meaning, then
/// what is used of each resource of `status.hard`.
fn describe_resource_quotas(w: &mut Writer, quotas: &[&Value]) {
    if quotas.is_empty() {
        w.w(0, "No resource quota.\n");
        return;
    }
    let mut quotas = quotas.to_vec();
    crate::sort::sort_by_key(&mut quotas, |q| s(q, "metadata.name").to_string());
    w.w(0, "Resource Quotas\n");
    for q in quotas {
        w.w(1, &format!("Name:\t{}\n", s(q, "metadata.name")));
        quota_usage(w, 1, q, "* ", "---");
    }
}

/// ConfigMap describe: data keys sorted, each value under a `----` rule.
pub(super) fn describe_configmap(w: &mut Writer, cm: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(cm, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(cm, "metadata.namespace")));
    print_labels(w, "", "Labels", &string_map(cm, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(cm, "metadata.annotations"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(cm, "data") {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in string_map(cm, "binaryData") {
        // binaryData holds base64; kubectl prints the decoded length.
        w.w(0, &format!("{k}: {} bytes\n", decoded_len(&v)));
    }
    w.w(0, "\n");
    describe_events(w, &related.events);
}

/// `describeSecret`: sizes, never values (but a service account token's own token).
pub(super) fn describe_secret(w: &mut Writer, secret: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(secret, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(secret, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(secret, "metadata.labels"));
    print_annotations(
        w,
        "Annotations",
        &string_map(secret, "metadata.annotations"),
    );
    let kind = s(secret, "type");
    w.w(0, &format!("\nType:\t{kind}\n"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(secret, "data") {
        if k == "token" && kind == "kubernetes.io/service-account-token" {
            let token = crate::base64::decode(&v).unwrap_or_default();
            w.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&token)));
        } else {
            w.w(0, &format!("{k}:\t{} bytes\n", decoded_len(&v)));
        }
    }
}

/// Length in bytes of the data a base64 string encodes.
fn decoded_len(text: &str) -> usize {
    crate::base64::decode(text).map_or_else(|partial| partial.len(), |b| b.len())
}

/// What `describeQuota` says under a scope's name.
fn quota_scope_help(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

/// `describeQuota`: the scopes with their meaning, then each resource of `status.hard`
/// (sorted) with what is used of it.
pub(super) fn describe_quota(w: &mut Writer, q: &Value) {
    w.w(0, &format!("Name:\t{}\n", s(q, "metadata.name")));
    w.w(0, &format!("Namespace:\t{}\n", s(q, "metadata.namespace")));
    quota_usage(w, 0, q, " * ", "----");
}

/// A quota's scopes with their meaning (each after `bullet`), then each resource of
/// `status.hard` (sorted) with what is used of it, under a `rule` of dashes.
fn quota_usage(w: &mut Writer, level: usize, q: &Value, bullet: &str, rule: &str) {
    let mut scopes: Vec<&str> = arr(q, "spec.scopes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !scopes.is_empty() {
        crate::sort::sort(&mut scopes);
        w.w(level, &format!("Scopes:\t{}\n", scopes.join(", ")));
        for help in scopes
            .iter()
            .map(|s| quota_scope_help(s))
            .filter(|h| !h.is_empty())
        {
            w.w(level, &format!("{bullet}{help}\n"));
        }
    }
    w.w(level, "Resource\tUsed\tHard\n");
    w.w(level, &format!("--------\t{rule}\t{rule}\n"));
    let used = string_map(q, "status.used");
    for (name, hard) in string_map(q, "status.hard") {
        let u = used.get(&name).map_or("0", String::as_str);
        w.w(level, &format!("{name}\t{u}\t{hard}\n"));
    }
}
