//! Validation with the API server's field paths and message texts (reference §3).

use crate::engine::errors::FieldError;
use crate::engine::json::At;
use crate::engine::labels::{labels, selector_is_empty, selector_matches};
use serde_json::Value;

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub(super) const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(super) const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && alnum(&b[0])
        && alnum(&b[b.len() - 1])
        && b.iter().all(|c| alnum(c) || *c == b'-')
}

/// What `IsDNS1123Label` says of a name that is no label: a valid subdomain only
/// "must not contain dots".
pub fn dns1123_label_message(s: &str) -> &'static str {
    if is_dns1123_subdomain(s) {
        "must not contain dots"
    } else {
        LABEL_MSG
    }
}

/// Dot-separated DNS-1123 labels.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(is_dns1123_label)
}

pub(super) fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

pub(super) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Which name rule a kind uses.
#[derive(Clone, Copy)]
enum NameRule {
    Label,
    Subdomain,
    Dns1035,
}

fn name_rule(kind: &str) -> NameRule {
    match kind {
        "StatefulSet" | "Namespace" => NameRule::Label,
        "Service" => NameRule::Dns1035,
        _ => NameRule::Subdomain,
    }
}

pub fn validate_name(kind: &str, name: &str, errs: &mut Vec<FieldError>) {
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
        return;
    }
    let (ok, msg, max) = match name_rule(kind) {
        NameRule::Label => (is_dns1123_label(name), dns1123_label_message(name), 63),
        NameRule::Subdomain => (is_dns1123_subdomain(name), SUBDOMAIN_MSG, 253),
        NameRule::Dns1035 => (is_dns1035_label(name), DNS1035_MSG, 63),
    };
    if name.len() > max {
        errs.push(FieldError::invalid(
            "metadata.name",
            quoted(name),
            format!("must be no more than {max} characters"),
        ));
    }
    if !ok {
        errs.push(FieldError::invalid("metadata.name", quoted(name), msg));
    }
}

fn validate_containers(spec: &Value, path: &str, errs: &mut Vec<FieldError>) {
    match spec.get("containers").and_then(Value::as_array) {
        None => errs.push(FieldError::required(format!("{path}.containers"), "")),
        Some(cs) if cs.is_empty() => {
            errs.push(FieldError::required(format!("{path}.containers"), ""))
        }
        Some(cs) => {
            let mut names: Vec<&str> = Vec::new();
            for (i, c) in cs.iter().enumerate() {
                let p = format!("{path}.containers[{i}]");
                let name = c.get("name").and_then(Value::as_str).unwrap_or("");
                if name.is_empty() {
                    errs.push(FieldError::required(format!("{p}.name"), ""));
                } else if !is_dns1123_label(name) {
                    errs.push(FieldError::invalid(
                        format!("{p}.name"),
                        quoted(name),
                        dns1123_label_message(name),
                    ));
                } else if names.contains(&name) {
                    errs.push(FieldError {
                        field: format!("{p}.name"),
                        kind: crate::engine::errors::FieldErrorKind::Duplicate,
                        value: Some(quoted(name)),
                        detail: String::new(),
                    });
                }
                names.push(name);
                if c.get("image")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    errs.push(FieldError::required(format!("{p}.image"), ""));
                }
            }
        }
    }
}

fn validate_replicas(obj: &Value, errs: &mut Vec<FieldError>) {
    if let Some(r) = obj.at("/spec/replicas").and_then(Value::as_i64) {
        if r < 0 {
            errs.push(FieldError::invalid(
                "spec.replicas",
                r.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
}

/// Selector present, non-empty, and matching the template's labels.
fn validate_selector(obj: &Value, what: &str, errs: &mut Vec<FieldError>) {
    let template_labels = labels(obj.at("/spec/template").unwrap_or(&Value::Null));
    let rendered = serde_json::to_string(&template_labels).unwrap_or_default();
    match obj.at("/spec/selector") {
        None | Some(Value::Null) => {
            if what != "daemonset" {
                errs.push(FieldError::required("spec.selector", ""));
            }
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                rendered,
                "`selector` does not match template `labels`",
            ));
        }
        Some(sel) if selector_is_empty(sel) => {
            errs.push(FieldError::invalid(
                "spec.selector",
                serde_json::to_string(sel).unwrap_or_default(),
                format!("empty selector is invalid for {what}"),
            ));
        }
        Some(sel) => {
            if !selector_matches(sel, template_labels) {
                errs.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    rendered,
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
}

/// `ValidateNonnegativeField`.
fn nonnegative(path: String, value: Option<&Value>, errs: &mut Vec<FieldError>) {
    if let Some(n) = value.and_then(Value::as_i64).filter(|n| *n < 0) {
        errs.push(FieldError::invalid(
            path,
            n.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// `ValidateJob`: the spec's own checks, then the selector it must have (generated
/// unless `manualSelector`) matching the template.
fn validate_job(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    validate_job_spec(spec, "spec", errs);
    let template_labels = labels(spec.get("template").unwrap_or(&Value::Null));
    match spec.get("selector").filter(|s| !s.is_null()) {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            if !selector_matches(sel, template_labels) {
                errs.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    serde_json::to_string(&template_labels).unwrap_or_default(),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
}

/// `validateJobSpec` (a Job's, or a CronJob's job template's), in its order:
/// non-negative counts, the completion mode, the pod template, and a restart policy a
/// Job can finish under.
fn validate_job_spec(spec: &Value, path: &str, errs: &mut Vec<FieldError>) {
    for field in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        nonnegative(format!("{path}.{field}"), spec.get(field), errs);
    }
    match spec.get("completionMode").and_then(Value::as_str) {
        Some("NonIndexed") | None => {}
        Some("Indexed") => {
            if spec.get("completions").and_then(Value::as_i64).is_none() {
                errs.push(FieldError::required(
                    format!("{path}.completions"),
                    "when completion mode is Indexed",
                ));
            }
        }
        Some(other) => errs.push(FieldError::not_supported(
            format!("{path}.completionMode"),
            quoted(other),
            &["NonIndexed", "Indexed"],
        )),
    }
    if let Some(rules) = spec.at("/podFailurePolicy/rules").and_then(Value::as_array) {
        validate_pod_failure_rules(rules, &format!("{path}.podFailurePolicy.rules"), errs);
    }
    let pod = spec.at("/template/spec").unwrap_or(&Value::Null);
    validate_containers(pod, &format!("{path}.template.spec"), errs);
    let restart = format!("{path}.template.spec.restartPolicy");
    match pod.get("restartPolicy").and_then(Value::as_str) {
        None | Some("Always") | Some("") => errs.push(FieldError::required(
            restart,
            "valid values: \"OnFailure\", \"Never\"",
        )),
        Some(rp @ "OnFailure") if spec.get("podFailurePolicy").is_some_and(|p| !p.is_null()) => {
            errs.push(FieldError::invalid(
                restart,
                quoted(rp),
                "only \"Never\" is supported when podFailurePolicy is specified",
            ))
        }
        Some("OnFailure" | "Never") => {}
        Some(other) => errs.push(FieldError::not_supported(
            restart,
            quoted(other),
            &["OnFailure", "Never"],
        )),
    }
}

/// `ValidateJobSpecUpdate`: what a running Job cannot change. The template's value is
/// shown abridged: the API server prints Go's dump of the whole internal PodTemplateSpec.
fn validate_job_update(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let (a, b) = (
        old.get("spec").unwrap_or(&Value::Null),
        new.get("spec").unwrap_or(&Value::Null),
    );
    let changed = |f: &str| a.get(f) != b.get(f);
    let shown = |f: &str| match b.get(f) {
        None | Some(Value::Null) => "null".to_string(),
        Some(Value::String(s)) => quoted(s),
        Some(v) => v.to_string(),
    };
    let indexed = b.get("completionMode").and_then(Value::as_str) == Some("Indexed");
    if !indexed && changed("completions") {
        errs.push(FieldError::invalid(
            "spec.completions",
            shown("completions"),
            "field is immutable",
        ));
    }
    if changed("selector") {
        errs.push(FieldError::invalid(
            "spec.selector",
            "v1.LabelSelector{…}",
            "field is immutable",
        ));
    }
    if changed("template") {
        errs.push(FieldError::invalid(
            "spec.template",
            "core.PodTemplateSpec{…}",
            "field is immutable",
        ));
    }
    for f in ["completionMode", "podFailurePolicy"] {
        if changed(f) {
            errs.push(FieldError::invalid(
                format!("spec.{f}"),
                shown(f),
                "field is immutable",
            ));
        }
    }
}

/// `validatePodFailurePolicyRule`: the action, and an exit-code rule's operator and values.
fn validate_pod_failure_rules(rules: &[Value], path: &str, errs: &mut Vec<FieldError>) {
    const ACTIONS: [&str; 4] = ["Count", "FailIndex", "FailJob", "Ignore"];
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{path}[{i}]");
        match rule.get("action").and_then(Value::as_str).unwrap_or("") {
            "" => errs.push(FieldError::required(
                format!("{at}.action"),
                "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]",
            )),
            "FailIndex" => errs.push(FieldError::invalid(
                format!("{at}.action"),
                quoted("FailIndex"),
                "requires the backoffLimitPerIndex to be set",
            )),
            a if ACTIONS.contains(&a) => {}
            other => errs.push(FieldError::not_supported(
                format!("{at}.action"),
                quoted(other),
                &ACTIONS,
            )),
        }
        let Some(codes) = rule.get("onExitCodes").filter(|c| !c.is_null()) else {
            continue;
        };
        let codes_at = format!("{at}.onExitCodes");
        let op = codes.get("operator").and_then(Value::as_str).unwrap_or("");
        match op {
            "In" | "NotIn" => {}
            "" => errs.push(FieldError::required(
                format!("{codes_at}.operator"),
                "valid values: [\"In\" \"NotIn\"]",
            )),
            other => errs.push(FieldError::not_supported(
                format!("{codes_at}.operator"),
                quoted(other),
                &["In", "NotIn"],
            )),
        }
        let values: Vec<i64> = codes
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        if values.is_empty() {
            errs.push(FieldError::invalid(
                format!("{codes_at}.values"),
                "[]",
                "at least one value is required",
            ));
        }
        for (j, v) in values.iter().enumerate() {
            if op == "In" && *v == 0 {
                errs.push(FieldError::invalid(
                    format!("{codes_at}.values[{j}]"),
                    "0",
                    "must not be 0 for the In operator",
                ));
            }
        }
    }
}

/// `ValidateCronJobCreate`: the schedule (parsed as the controller will), the time zone,
/// the concurrency policy, the job template, and a name short enough for its Jobs'.
fn validate_cronjob(obj: &Value, errs: &mut Vec<FieldError>) {
    use crate::engine::controllers::cronjob::schedule;
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    match spec.get("schedule").and_then(Value::as_str).unwrap_or("") {
        "" => errs.push(FieldError::required("spec.schedule", "")),
        text => {
            if let Err(e) = schedule::parse(text, 0) {
                errs.push(FieldError::invalid("spec.schedule", quoted(text), e));
            }
            if text.contains("TZ") {
                errs.push(FieldError::invalid(
                    "spec.schedule",
                    quoted(text),
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                ));
            }
        }
    }
    nonnegative(
        "spec.startingDeadlineSeconds".into(),
        spec.get("startingDeadlineSeconds"),
        errs,
    );
    if let Some(zone) = spec.get("timeZone").and_then(Value::as_str) {
        let valid_part = |p: &str| {
            p != "."
                && p != ".."
                && !p.starts_with('-')
                && (1..=14).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
        };
        if zone.is_empty() {
            errs.push(FieldError::invalid(
                "spec.timeZone",
                quoted(zone),
                "timeZone must be nil or non-empty string",
            ));
        } else if !zone.split('/').all(valid_part) {
            errs.push(FieldError::invalid(
                "spec.timeZone",
                quoted(zone),
                format!("unknown time zone {zone}"),
            ));
        } else {
            if zone.eq_ignore_ascii_case("Local") {
                errs.push(FieldError::invalid(
                    "spec.timeZone",
                    quoted(zone),
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                ));
            }
            if !schedule::zone_exists(zone) && zone != "Local" {
                errs.push(FieldError::invalid(
                    "spec.timeZone",
                    quoted(zone),
                    format!("unknown time zone {zone}"),
                ));
            }
        }
    }
    match spec
        .get("concurrencyPolicy")
        .and_then(Value::as_str)
        .unwrap_or("")
    {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(FieldError::required("spec.concurrencyPolicy", "")),
        other => errs.push(FieldError::not_supported(
            "spec.concurrencyPolicy",
            quoted(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let template = spec.at("/jobTemplate/spec").unwrap_or(&Value::Null);
    validate_job_spec(template, "spec.jobTemplate.spec", errs);
    if template.get("selector").is_some_and(|s| !s.is_null()) {
        errs.push(FieldError::invalid(
            "spec.jobTemplate.spec.selector",
            serde_json::to_string(&template["selector"]).unwrap_or_default(),
            "`selector` will be auto-generated",
        ));
    }
    for field in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        nonnegative(format!("spec.{field}"), spec.get(field), errs);
    }
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.len() > 52 {
        errs.push(FieldError::invalid(
            "metadata.name",
            quoted(name),
            "must be no more than 52 characters",
        ));
    }
}

/// Everything checked on create (and again on update) for `kind`.
pub fn validate(kind: &str, obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if super::rbac_strategy::is_rbac(kind) {
        // RBAC names are path segments (`system:controller:…`), not DNS names.
        if name.is_empty() {
            validate_name(kind, name, &mut errs);
        }
        for msg in super::rbac_strategy::path_segment_name_errors(name) {
            errs.push(FieldError::invalid("metadata.name", quoted(name), msg));
        }
        super::rbac_strategy::validate(kind, obj, &mut errs);
        return errs;
    }
    validate_name(kind, name, &mut errs);
    match kind {
        "Pod" => {
            let spec = obj.get("spec").unwrap_or(&Value::Null);
            validate_containers(spec, "spec", &mut errs);
        }
        "StatefulSet" | "Deployment" | "ReplicaSet" | "DaemonSet" => {
            validate_replicas(obj, &mut errs);
            let what = kind.to_ascii_lowercase();
            validate_selector(obj, &what, &mut errs);
            let spec = obj.at("/spec/template/spec").unwrap_or(&Value::Null);
            validate_containers(spec, "spec.template.spec", &mut errs);
            if kind == "StatefulSet"
                || kind == "Deployment"
                || kind == "DaemonSet"
                || kind == "ReplicaSet"
            {
                let rp = spec
                    .get("restartPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("Always");
                if rp != "Always" {
                    errs.push(FieldError::not_supported(
                        "spec.template.spec.restartPolicy",
                        quoted(rp),
                        &["Always"],
                    ));
                }
            }
            if kind == "DaemonSet" {
                validate_daemonset_strategy(obj, &mut errs);
            }
            if kind == "StatefulSet" {
                validate_statefulset_strategy(obj, &mut errs);
            }
        }
        "Job" => validate_job(obj, &mut errs),
        "ResourceQuota" => validate_resource_quota(obj, &mut errs),
        "LimitRange" => super::limit_range_validation::validate(obj, &mut errs),
        "NetworkPolicy" => super::network_policy_validation::validate(obj, &mut errs),
        "EndpointSlice" => super::endpoint_slice_validation::validate(obj, &mut errs),
        "Ingress" => super::ingress_validation::validate_ingress(obj, &mut errs),
        "IngressClass" => super::ingress_validation::validate_ingress_class(obj, &mut errs),
        "CronJob" => validate_cronjob(obj, &mut errs),
        "HorizontalPodAutoscaler" => super::autoscaling::validate(obj, &mut errs),
        "PodDisruptionBudget" => super::policy::validate(obj, &mut errs),
        "Service" => {
            if let Some(ports) = obj.at("/spec/ports").and_then(Value::as_array) {
                for (i, p) in ports.iter().enumerate() {
                    if p.get("port").and_then(Value::as_i64).is_none() {
                        errs.push(FieldError::required(format!("spec.ports[{i}].port"), ""));
                    }
                }
            }
        }
        _ => {}
    }
    errs
}

/// The resources quota tracks by name (`standardQuotaResources`).
const STANDARD_QUOTA_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];

/// `validateResourceQuotaSpec`'s checks of values and scopes: no negative limit, known
/// scopes, each scope only over the resources it can select, no contradicting pair.
fn validate_resource_quota(obj: &Value, errs: &mut Vec<FieldError>) {
    let hard: Vec<(&String, &Value)> = obj
        .at("/spec/hard")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    for (name, value) in &hard {
        if value.as_str().is_some_and(|v| v.starts_with('-')) {
            errs.push(FieldError::invalid(
                format!("spec.hard[{name}]"),
                quoted(value.as_str().unwrap_or("")),
                "must be greater than or equal to 0",
            ));
        }
    }
    let Some(scopes) = obj.at("/spec/scopes").and_then(Value::as_array) else {
        return;
    };
    let shown = serde_json::to_string(scopes).unwrap_or_default();
    let names: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
    let pods_only = ["pods"];
    let pods_and_compute = [
        "pods",
        "cpu",
        "memory",
        "limits.cpu",
        "limits.memory",
        "requests.cpu",
        "requests.memory",
    ];
    let mut sorted: Vec<&str> = hard.iter().map(|(k, _)| k.as_str()).collect();
    crate::sort::sort(&mut sorted);
    for scope in &names {
        // A scope it does not know limits nothing (`IsResourceQuotaScopeValidForResource`).
        let allowed: Option<&[&str]> = match *scope {
            "BestEffort" => Some(&pods_only),
            "Terminating"
            | "NotTerminating"
            | "NotBestEffort"
            | "PriorityClass"
            | "CrossNamespacePodAffinity" => Some(&pods_and_compute),
            _ => {
                errs.push(FieldError::invalid(
                    "spec.scopes",
                    &shown,
                    "unsupported scope",
                ));
                None
            }
        };
        for r in &sorted {
            if STANDARD_QUOTA_RESOURCES.contains(r) && allowed.is_some_and(|a| !a.contains(r)) {
                errs.push(FieldError::invalid(
                    "spec.scopes",
                    &shown,
                    "unsupported scope applied to resource",
                ));
            }
        }
    }
    for pair in [
        ["BestEffort", "NotBestEffort"],
        ["Terminating", "NotTerminating"],
    ] {
        if pair.iter().all(|p| names.contains(p)) {
            errs.push(FieldError::invalid(
                "spec.scopes",
                &shown,
                "conflicting scopes",
            ));
        }
    }
}

fn int_or_percent(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim_end_matches('%').parse().ok(),
        _ => None,
    }
}

/// `rollingUpdate` belongs to the RollingUpdate strategy only.
fn validate_statefulset_strategy(obj: &Value, errs: &mut Vec<FieldError>) {
    let ty = obj
        .at("/spec/updateStrategy/type")
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    match (ty, obj.at("/spec/updateStrategy/rollingUpdate")) {
        ("RollingUpdate", _) | (_, None) | (_, Some(Value::Null)) => {}
        (_, Some(ru)) => errs.push(FieldError::invalid(
            "spec.updateStrategy.rollingUpdate",
            serde_json::to_string(ru).unwrap_or_default(),
            "only allowed for updateStrategy 'RollingUpdate'",
        )),
    }
    if !matches!(ty, "RollingUpdate" | "OnDelete") {
        errs.push(FieldError::not_supported(
            "spec.updateStrategy.type",
            quoted(ty),
            &["OnDelete", "RollingUpdate"],
        ));
    }
}

fn validate_daemonset_strategy(obj: &Value, errs: &mut Vec<FieldError>) {
    let Some(ru) = obj.at("/spec/updateStrategy/rollingUpdate") else {
        return;
    };
    let surge = int_or_percent(ru.get("maxSurge")).unwrap_or(0);
    let unavailable = int_or_percent(ru.get("maxUnavailable")).unwrap_or(0);
    if surge != 0 && unavailable != 0 {
        let v = ru
            .get("maxSurge")
            .map(|v| v.to_string())
            .unwrap_or_default();
        errs.push(FieldError::invalid(
            "spec.updateStrategy.rollingUpdate.maxSurge",
            v,
            "may not be set when maxUnavailable is non-zero",
        ));
    }
    if surge == 0 && unavailable == 0 {
        errs.push(FieldError::required(
            "spec.updateStrategy.rollingUpdate.maxUnavailable",
            "cannot be 0 when maxSurge is 0",
        ));
    }
}

const STS_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/// Extra rules for an update of `old` into `new`.
pub fn validate_update(kind: &str, old: &Value, new: &Value) -> Vec<FieldError> {
    let mut errs = validate(kind, new);
    super::rbac_strategy::validate_update(kind, old, new, &mut errs);
    match kind {
        "StatefulSet" => {
            let strip = |v: &Value| {
                let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
                if let Some(m) = s.as_object_mut() {
                    for k in [
                        "replicas",
                        "ordinals",
                        "template",
                        "updateStrategy",
                        "revisionHistoryLimit",
                        "persistentVolumeClaimRetentionPolicy",
                        "minReadySeconds",
                    ] {
                        m.remove(k);
                    }
                }
                s
            };
            if strip(old) != strip(new) {
                errs.push(FieldError::forbidden("spec", STS_FORBIDDEN));
            }
        }
        "Job" => validate_job_update(old, new, &mut errs),
        "EndpointSlice" => super::endpoint_slice_validation::validate_update(old, new, &mut errs),
        "Deployment" | "ReplicaSet" | "DaemonSet" => {
            let (a, b) = (old.at("/spec/selector"), new.at("/spec/selector"));
            if a != b {
                let v = b
                    .map(|v| serde_json::to_string(v).unwrap_or_default())
                    .unwrap_or_else(|| "null".into());
                errs.push(FieldError::invalid(
                    "spec.selector",
                    v,
                    "field is immutable",
                ));
            }
        }
        _ => {}
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statefulset_names_must_be_dns_labels() {
        let errs = validate(
            "StatefulSet",
            &json!({"metadata": {"name": "Web"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
        );
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            format!("metadata.name: Invalid value: \"Web\": {LABEL_MSG}")
        );
    }

    #[test]
    fn a_selector_that_misses_the_template_labels_is_rejected() {
        let errs = validate(
            "Deployment",
            &json!({"metadata": {"name": "nginx"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
        );
        assert_eq!(
            errs.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            ["spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"]
        );
    }

    #[test]
    fn changing_service_name_of_a_statefulset_is_forbidden() {
        let old = json!({"metadata": {"name": "web"}, "spec": {"serviceName": "a", "replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let mut new = old.clone();
        new["spec"]["serviceName"] = json!("b");
        let errs = validate_update("StatefulSet", &old, &new);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].to_string().starts_with(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'"
        ));
        new["spec"]["serviceName"] = json!("a");
        new["spec"]["replicas"] = json!(5);
        assert!(validate_update("StatefulSet", &old, &new).is_empty());
    }
}
