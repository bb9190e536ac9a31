//! `describeHorizontalPodAutoscalerV2`: the metrics as `current / target`, the replica
//! bounds, the behavior when set, the target's pod counts, the conditions and Events.

use serde_json::Value;

use super::{describe_events, print_annotations, print_labels, rfc1123z, Related, Writer};
use crate::kubectl::printers::fields::{arr, opt_int, s, string_map};

/// A quantity of the spec or status as stored (the server's canonical form).
fn q(v: &Value) -> String {
    v.as_str().map_or_else(|| "0".to_string(), String::from)
}

/// `currentMetrics[i].<field>`, when that entry has it.
fn current<'a>(statuses: &'a [Value], i: usize, field: &str) -> Option<&'a Value> {
    statuses
        .get(i)
        .and_then(|st| st.get(field))
        .filter(|v| !v.is_null())
        .map(|v| &v["current"])
}

fn write_metric(w: &mut Writer, m: &Value, i: usize, statuses: &[Value]) {
    let unknown = || "<unknown>".to_string();
    match m["type"].as_str().unwrap_or("") {
        "External" => {
            let name =
                crate::gofmt::go_quote(m["external"]["metric"]["name"].as_str().unwrap_or(""));
            let t = &m["external"]["target"];
            let cur = current(statuses, i, "external");
            if t.get("averageValue").is_some_and(|v| !v.is_null()) {
                let c = cur
                    .and_then(|c| c.get("averageValue"))
                    .filter(|v| !v.is_null())
                    .map_or_else(unknown, q);
                w.w(
                    1,
                    &format!(
                        "{name} (target average value):\t{c} / {}\n",
                        q(&t["averageValue"])
                    ),
                );
            } else {
                let c = cur.map_or_else(unknown, |c| q(&c["value"]));
                w.w(
                    1,
                    &format!("{name} (target value):\t{c} / {}\n", q(&t["value"])),
                );
            }
        }
        "Pods" => {
            let name = crate::gofmt::go_quote(m["pods"]["metric"]["name"].as_str().unwrap_or(""));
            let c = current(statuses, i, "pods").map_or_else(unknown, |c| q(&c["averageValue"]));
            w.w(
                1,
                &format!(
                    "{name} on pods:\t{c} / {}\n",
                    q(&m["pods"]["target"]["averageValue"])
                ),
            );
        }
        "Object" => {
            let o = &m["object"];
            w.w(
                1,
                &format!(
                    "\"{}\" on {}/{} ",
                    o["metric"]["name"].as_str().unwrap_or(""),
                    o["describedObject"]["kind"].as_str().unwrap_or(""),
                    o["describedObject"]["name"].as_str().unwrap_or("")
                ),
            );
            let cur = current(statuses, i, "object");
            if o["target"]["type"] == "AverageValue" {
                let c = cur.map_or_else(unknown, |c| q(&c["averageValue"]));
                w.w(
                    0,
                    &format!(
                        "(target average value):\t{c} / {}\n",
                        q(&o["target"]["averageValue"])
                    ),
                );
            } else {
                let c = cur.map_or_else(unknown, |c| q(&c["value"]));
                w.w(
                    0,
                    &format!("(target value):\t{c} / {}\n", q(&o["target"]["value"])),
                );
            }
        }
        ty @ ("Resource" | "ContainerResource") => {
            let field = if ty == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let src = &m[field];
            let name = src["name"].as_str().unwrap_or("");
            if ty == "Resource" {
                w.w(1, &format!("resource {name} on pods"));
            } else {
                let container = src["container"].as_str().unwrap_or("");
                w.w(
                    1,
                    &format!("resource {name} of container \"{container}\" on pods"),
                );
            }
            let t = &src["target"];
            let cur = current(statuses, i, field);
            if t.get("averageValue").is_some_and(|v| !v.is_null()) {
                let c = cur.map_or_else(unknown, |c| q(&c["averageValue"]));
                w.w(0, &format!(":\t{c} / {}\n", q(&t["averageValue"])));
            } else {
                let c = cur
                    .and_then(|c| {
                        c["averageUtilization"]
                            .as_i64()
                            .map(|u| (u, q(&c["averageValue"])))
                    })
                    .map_or_else(unknown, |(u, v)| format!("{u}% ({v})"));
                let goal = t["averageUtilization"]
                    .as_i64()
                    .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                w.w(1, &format!("(as a percentage of request):\t{c} / {goal}\n"));
            }
        }
        other => w.w(
            1,
            &format!("<unknown metric type {}>\n", crate::gofmt::go_quote(other)),
        ),
    }
}

/// `printDirectionBehavior`.
fn write_rules(w: &mut Writer, direction: &str, rules: &Value) {
    if rules.is_null() {
        return;
    }
    w.w(1, &format!("{direction}:\n"));
    if let Some(s) = rules["stabilizationWindowSeconds"].as_i64() {
        w.w(2, &format!("Stabilization Window: {s} seconds\n"));
    }
    let policies = rules["policies"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if !policies.is_empty() {
        let select = rules["selectPolicy"].as_str().unwrap_or("Max");
        w.w(2, &format!("Select Policy: {select}\n"));
        w.w(2, "Policies:\n");
        for p in policies {
            w.w(
                3,
                &format!(
                    "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                    p["type"].as_str().unwrap_or(""),
                    p["value"].as_i64().unwrap_or(0),
                    p["periodSeconds"].as_i64().unwrap_or(0)
                ),
            );
        }
    }
}

pub(super) fn describe_hpa(w: &mut Writer, hpa: &Value, related: &Related) {
    w.w(0, &format!("Name:\t{}\n", s(hpa, "metadata.name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", s(hpa, "metadata.namespace")),
    );
    print_labels(w, "", "Labels", &string_map(hpa, "metadata.labels"));
    print_annotations(w, "Annotations", &string_map(hpa, "metadata.annotations"));
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(hpa, "metadata.creationTimestamp")
        ),
    );
    let kind = s(hpa, "spec.scaleTargetRef.kind");
    w.w(
        0,
        &format!(
            "Reference:\t{kind}/{}\n",
            s(hpa, "spec.scaleTargetRef.name")
        ),
    );
    w.w(0, "Metrics:\t( current / target )\n");
    let statuses = arr(hpa, "status.currentMetrics");
    for (i, m) in arr(hpa, "spec.metrics").iter().enumerate() {
        write_metric(w, m, i, statuses);
    }
    let min =
        opt_int(hpa, "spec.minReplicas").map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    w.w(0, &format!("Min replicas:\t{min}\n"));
    w.w(
        0,
        &format!(
            "Max replicas:\t{}\n",
            opt_int(hpa, "spec.maxReplicas").unwrap_or(0)
        ),
    );
    if let Some(b) = hpa.pointer("/spec/behavior").filter(|b| !b.is_null()) {
        w.w(0, "Behavior:\n");
        write_rules(w, "Scale Up", &b["scaleUp"]);
        write_rules(w, "Scale Down", &b["scaleDown"]);
    }
    w.w(0, &format!("{kind} pods:\t"));
    w.w(
        0,
        &format!(
            "{} current / {} desired\n",
            opt_int(hpa, "status.currentReplicas").unwrap_or(0),
            opt_int(hpa, "status.desiredReplicas").unwrap_or(0)
        ),
    );
    let conditions = arr(hpa, "status.conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tReason\tMessage\n");
        w.w(1, "----\t------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    s(c, "type"),
                    s(c, "status"),
                    s(c, "reason"),
                    s(c, "message")
                ),
            );
        }
    }
    describe_events(w, &related.events);
}
