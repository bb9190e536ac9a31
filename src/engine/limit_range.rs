//! LimitRange policy (k/k `plugin/pkg/admission/limitranger`): the defaults a namespace's
//! LimitRange gives containers that state no requests or limits, and the min / max /
//! max-limit-to-request-ratio bounds a container, a pod or a claim must keep. Pure: the
//! admission plugin (`apiserver::limit_ranger`) reads the LimitRanges and writes the pod.
//!
//! Go iterates a `ResourceList` in random order; here resources go by name (`cpu` before
//! `memory`), which is one of the orders the real server prints.

use super::json::At;
use super::quota::Amount;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Quantities by resource name.
pub type Resources = BTreeMap<String, Amount>;

/// The annotation a pod gets when the plugin set any of its containers' resources.
pub const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// One entry of `spec.limits`, its quantities parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// `Container`, `Pod` or `PersistentVolumeClaim` (or a qualified custom type).
    pub kind: String,
    pub min: Resources,
    pub max: Resources,
    pub default: Resources,
    pub default_request: Resources,
    pub max_limit_request_ratio: Resources,
}

/// A quantity map of an object (`resources.requests`), the entries that parse.
pub fn resources(v: Option<&Value>) -> Resources {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, q)| Some((k.clone(), Amount::parse(q)?)))
        .collect()
}

impl Item {
    pub fn from_json(v: &Value) -> Item {
        Item {
            kind: v
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            min: resources(v.get("min")),
            max: resources(v.get("max")),
            default: resources(v.get("default")),
            default_request: resources(v.get("defaultRequest")),
            max_limit_request_ratio: resources(v.get("maxLimitRequestRatio")),
        }
    }
}

/// The items of a stored LimitRange.
pub fn items(limit_range: &Value) -> Vec<Item> {
    limit_range
        .at("/spec/limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(Item::from_json)
        .collect()
}

/// `SetDefaults_LimitRangeItem`: a Container item's default limit falls back to its max,
/// its default request to the default limit, then to its min.
pub fn default_item(item: &mut Map<String, Value>) {
    if item.get("type").and_then(Value::as_str) != Some("Container") {
        return;
    }
    let copy_missing = |item: &mut Map<String, Value>, from: &str, to: &str| {
        let source = item.get(from).and_then(Value::as_object).cloned();
        let target = item.entry(to).or_insert_with(|| json!({}));
        if target.is_null() {
            *target = json!({});
        }
        if let (Some(source), Some(target)) = (source, target.as_object_mut()) {
            for (k, v) in source {
                target.entry(k).or_insert(v);
            }
        }
    };
    copy_missing(item, "max", "default");
    copy_missing(item, "default", "defaultRequest");
    copy_missing(item, "min", "defaultRequest");
    // Empty maps are omitted when the server writes the object.
    for key in ["default", "defaultRequest"] {
        if item
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            item.remove(key);
        }
    }
}

/// What a container gets when it omits a request or a limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    pub requests: Resources,
    pub limits: Resources,
}

/// `defaultContainerResourceRequirements`: the Container items' `defaultRequest` and
/// `default` (a later item wins for the same resource).
pub fn container_defaults(items: &[Item]) -> Defaults {
    let mut d = Defaults::default();
    for item in items.iter().filter(|i| i.kind == "Container") {
        d.requests.extend(item.default_request.clone());
        d.limits.extend(item.default.clone());
    }
    d
}

/// `mergeContainerResources`: fills the container's missing requests and limits from
/// `defaults`, and says what it set (`cpu, memory request for container web`).
fn merge_container(container: &mut Value, defaults: &Defaults, what: &str) -> Vec<String> {
    let name = container
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(c) = container.as_object_mut() else {
        return Vec::new();
    };
    let res = c.entry("resources").or_insert_with(|| json!({}));
    if !res.is_object() {
        *res = json!({});
    }
    let mut notes = Vec::new();
    // Requests are reported before limits, each list of names sorted.
    for (key, wanted, word) in [
        ("requests", &defaults.requests, "request"),
        ("limits", &defaults.limits, "limit"),
    ] {
        let Some(res) = res.as_object_mut() else {
            continue;
        };
        let mut set = Vec::new();
        for (resource, amount) in wanted {
            let list = res.entry(key).or_insert_with(|| json!({}));
            if !list.is_object() {
                *list = json!({});
            }
            if let Some(list) = list.as_object_mut() {
                if !list.contains_key(resource) {
                    list.insert(resource.clone(), json!(amount.to_string()));
                    set.push(resource.as_str());
                }
            }
        }
        if res
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            res.remove(key);
        }
        if !set.is_empty() {
            notes.push(format!("{} {word} for {what} {name}", set.join(", ")));
        }
    }
    notes
}

/// `mergePodResourceRequirements`: defaults every container and init container and
/// returns the `kubernetes.io/limit-ranger` annotation, if anything was set.
pub fn merge_pod(pod: &mut Value, defaults: &Defaults) -> Option<String> {
    let mut notes = Vec::new();
    for (key, what) in [
        ("containers", "container"),
        ("initContainers", "init container"),
    ] {
        let Some(cs) = pod
            .get_mut("spec")
            .and_then(|s| s.get_mut(key))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for c in cs {
            notes.extend(merge_container(c, defaults, what));
        }
    }
    (!notes.is_empty()).then(|| format!("LimitRanger plugin set: {}", notes.join("; ")))
}

/// The first stated quantity `past` the bound (the `required` one must be stated), as
/// `{head}, but request is 100Mi` or `{head}.  No request is specified`.
fn beyond(
    head: String,
    required: (&str, Option<&Amount>),
    also: (&str, Option<&Amount>),
    past: impl Fn(&Amount) -> bool,
) -> Option<String> {
    let Some(first) = required.1 else {
        return Some(format!("{head}.  No {} is specified", required.0));
    };
    [(required.0, Some(first)), also]
        .into_iter()
        .find_map(|(word, a)| a.filter(|a| past(a)).map(|a| (word, a)))
        .map(|(word, a)| format!("{head}, but {word} is {a}"))
}

/// `minConstraint`: the request (and the limit, if any) is at least `enforced`.
pub fn min_constraint(
    kind: &str,
    resource: &str,
    enforced: Amount,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    beyond(
        format!("minimum {resource} usage per {kind} is {enforced}"),
        ("request", requests.get(resource)),
        ("limit", limits.get(resource)),
        |a| a.milli < enforced.milli,
    )
}

/// `maxConstraint`: a limit is stated and is at most `enforced` (and so is the request).
pub fn max_constraint(
    kind: &str,
    resource: &str,
    enforced: Amount,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    beyond(
        format!("maximum {resource} usage per {kind} is {enforced}"),
        ("limit", limits.get(resource)),
        ("request", requests.get(resource)),
        |a| a.milli > enforced.milli,
    )
}

/// `maxRequestConstraint` (claims have requests only): a request at most `enforced`.
pub fn max_request_constraint(
    kind: &str,
    resource: &str,
    enforced: Amount,
    requests: &Resources,
) -> Option<String> {
    beyond(
        format!("maximum {resource} usage per {kind} is {enforced}"),
        ("request", requests.get(resource)),
        ("", None),
        |a| a.milli > enforced.milli,
    )
}

/// `limitRequestRatioConstraint`: both are stated and non-zero, and limit / request is
/// at most `enforced` (the ratio printed with Go's `%f`).
pub fn ratio_constraint(
    kind: &str,
    resource: &str,
    enforced: Amount,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let head = format!("{resource} max limit to request ratio per {kind} is {enforced}");
    let req = requests.get(resource).map_or(0, |a| a.milli);
    if req == 0 {
        return Some(format!(
            "{head}, but no request is specified or request is 0"
        ));
    }
    let lim = limits.get(resource).map_or(0, |a| a.milli);
    if lim == 0 {
        return Some(format!("{head}, but no limit is specified or limit is 0"));
    }
    let ratio = lim as f64 / req as f64;
    (ratio * 1000.0 > enforced.milli as f64)
        .then(|| format!("{head}, but provided ratio is {ratio:.6}"))
}

/// The three checks of a Container or Pod item against one set of requests and limits.
fn check_bounds(item: &Item, requests: &Resources, limits: &Resources, errs: &mut Vec<String>) {
    let kind = item.kind.as_str();
    for (r, q) in &item.min {
        errs.extend(min_constraint(kind, r, *q, requests, limits));
    }
    for (r, q) in &item.max {
        errs.extend(max_constraint(kind, r, *q, requests, limits));
    }
    for (r, q) in &item.max_limit_request_ratio {
        errs.extend(ratio_constraint(kind, r, *q, requests, limits));
    }
}

/// A container's `resources.requests` and `resources.limits`.
fn requirements(c: &Value) -> (Resources, Resources) {
    (
        resources(c.at("/resources/requests")),
        resources(c.at("/resources/limits")),
    )
}

fn containers<'a>(pod: &'a Value, key: &str) -> &'a [Value] {
    pod.at(&format!("/spec/{key}"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn add_all(to: &mut Resources, from: &Resources) {
    for (k, a) in from {
        let sum = to.get(k).map_or(*a, |have| have.plus(*a));
        to.insert(k.clone(), sum);
    }
}

fn max_all(to: &mut Resources, from: &Resources) {
    for (k, a) in from {
        if to.get(k).is_none_or(|have| a.milli > have.milli) {
            to.insert(k.clone(), *a);
        }
    }
}

/// `podRequests` / `podLimits` (`side` picks which): the containers summed, at least the
/// largest init container (a sidecar, `restartPolicy: Always`, keeps running, so it adds
/// to the containers and to every init container after it); pod-level cpu and memory win.
pub fn pod_total(pod: &Value, side: usize) -> Resources {
    let pick = |c: &Value| {
        let (req, lim) = requirements(c);
        if side == 0 {
            req
        } else {
            lim
        }
    };
    let mut total = Resources::new();
    for c in containers(pod, "containers") {
        add_all(&mut total, &pick(c));
    }
    let mut sidecars = Resources::new();
    let mut init = Resources::new();
    for c in containers(pod, "initContainers") {
        let own = pick(c);
        let needs = if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
            add_all(&mut total, &own);
            add_all(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut tmp = own;
            add_all(&mut tmp, &sidecars);
            tmp
        };
        max_all(&mut init, &needs);
    }
    max_all(&mut total, &init);
    let key = if side == 0 { "requests" } else { "limits" };
    for (k, a) in resources(pod.at(&format!("/spec/resources/{key}"))) {
        if k == "cpu" || k == "memory" {
            total.insert(k, a);
        }
    }
    total
}

/// `PodValidateLimitFunc`: every violation of the Container items by each container and
/// init container, then of the Pod items by the pod's totals.
pub fn pod_violations(items: &[Item], pod: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    for item in items {
        if item.kind == "Container" {
            for c in containers(pod, "containers")
                .iter()
                .chain(containers(pod, "initContainers"))
            {
                let (req, lim) = requirements(c);
                check_bounds(item, &req, &lim, &mut errs);
            }
        }
        if item.kind == "Pod" {
            check_bounds(item, &pod_total(pod, 0), &pod_total(pod, 1), &mut errs);
        }
    }
    errs
}

/// `PersistentVolumeClaimValidateLimitFunc`: a claim's storage request within its items'
/// min and max.
pub fn claim_violations(items: &[Item], claim: &Value) -> Vec<String> {
    let requests = resources(claim.at("/spec/resources/requests"));
    let mut errs = Vec::new();
    for item in items.iter().filter(|i| i.kind == "PersistentVolumeClaim") {
        for (r, q) in &item.min {
            errs.extend(min_constraint(
                &item.kind,
                r,
                *q,
                &requests,
                &Resources::new(),
            ));
        }
        for (r, q) in &item.max {
            errs.extend(max_request_constraint(&item.kind, r, *q, &requests));
        }
    }
    errs
}

/// `utilerrors.NewAggregate(errs).Error()`: repeated messages once, one message alone,
/// several in brackets.
pub fn aggregate(errs: &[String]) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for e in errs {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many => Some(format!("[{}]", many.join(", "))),
    }
}

#[cfg(test)]
mod tests;
