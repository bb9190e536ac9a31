//! metrics-server 0.7's `metrics.k8s.io/v1beta1`, aggregated into the API as kube-aggregator
//! does: discovery for the group, and `PodMetrics` (`pods`) and `NodeMetrics` (`nodes`),
//! get and list with label selectors. Usage comes from the kubelets' model
//! (`engine::kubelet::stats`), the same numbers the playground's `kubectl top` prints, so
//! the real kubectl's `top` through `serve` prints what `kubeplay run` prints.
//!
//! The shapes are metrics-server's: `timestamp` (the last scrape), `window` (the rate's
//! interval), CPU in nanocores (`"981999517n"`), memory as a binary quantity of whole pages
//! (`"5124Ki"`). Nothing is stored: every request reads the kubelets afresh.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::engine::api::discovery::{Resource, METRICS_GROUP, METRICS_RESOURCES, METRICS_VERSION};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::kubelet::stats::{self, Usage};
use crate::engine::selector::{labels_of, Selector};
use crate::engine::time::format_rfc3339;
use crate::engine::{ApiError, Millis};
use serde_json::{json, Value};

/// metrics-server's `--metric-resolution`: how often it scrapes the kubelets.
const RESOLUTION_MS: Millis = 15_000;

fn group_version() -> String {
    format!("{METRICS_GROUP}/{METRICS_VERSION}")
}

/// The group's entry in the legacy `/apis` list (after the built-in groups: an
/// APIService's `groupPriorityMinimum` of 100 puts it last).
pub fn api_group() -> Value {
    let gv = json!({"groupVersion": group_version(), "version": METRICS_VERSION});
    json!({"name": METRICS_GROUP, "versions": [gv.clone()], "preferredVersion": gv})
}

fn scope(r: &Resource) -> &'static str {
    if r.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    }
}

/// The group in the aggregated `APIGroupDiscoveryList` of `/apis`.
pub fn aggregated_group() -> Value {
    let resources: Vec<Value> = METRICS_RESOURCES
        .iter()
        .map(|r| {
            json!({
                "resource": r.plural,
                "responseKind": {"group": "", "version": "", "kind": r.kind},
                "scope": scope(r),
                "singularResource": r.singular,
                "verbs": r.verbs,
            })
        })
        .collect();
    json!({
        "metadata": {"name": METRICS_GROUP},
        "versions": [{"version": METRICS_VERSION, "resources": resources, "freshness": "Current"}],
    })
}

fn resource_list() -> Value {
    let resources: Vec<Value> = METRICS_RESOURCES
        .iter()
        .map(|r| {
            json!({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind, "verbs": r.verbs})
        })
        .collect();
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version(), "resources": resources})
}

/// A path of the group: `(namespace, resource, name)`.
struct Path<'a> {
    namespace: Option<&'a str>,
    resource: &'static Resource,
    name: Option<&'a str>,
}

fn parse(rest: &str) -> Option<Path<'_>> {
    let segs: Vec<&str> = rest.split('/').collect();
    let (namespace, rest) = match segs.as_slice() {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(*ns), rest),
        _ => (None, segs.as_slice()),
    };
    let (plural, name) = match rest {
        [plural] => (*plural, None),
        [plural, name] if !name.is_empty() => (*plural, Some(*name)),
        _ => return None,
    };
    let resource = METRICS_RESOURCES.iter().find(|r| r.plural == plural)?;
    if namespace.is_some() && !resource.namespaced {
        return None;
    }
    Some(Path {
        namespace,
        resource,
        name,
    })
}

/// The answer to a path under `/apis/metrics.k8s.io`; `None` for any other path.
pub fn handle(api: &Api, req: &Req) -> Option<Reply> {
    let path = req.path.trim_end_matches('/');
    let rest = path.strip_prefix("/apis/metrics.k8s.io")?;
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let rest = rest.trim_start_matches('/');
    let answer = match rest {
        "" => {
            let mut group = json!({"kind": "APIGroup", "apiVersion": "v1"});
            if let (Value::Object(g), Value::Object(entry)) = (&mut group, api_group()) {
                g.extend(entry);
            }
            Ok(Reply::json(200, &group))
        }
        "v1beta1" => Ok(Reply::json(200, &resource_list())),
        _ => match rest.strip_prefix("v1beta1/").and_then(parse) {
            None => Err(status::no_such_path()),
            Some(_) if req.method != "GET" => Err(status::method_not_allowed(&req.method)),
            Some(_) if req.flag("watch") => Err(status::method_not_allowed("WATCH")),
            Some(p) => serve(api, req, &p),
        },
    };
    Some(answer.unwrap_or_else(|s| status::reply(&s)))
}

fn serve(api: &Api, req: &Req, p: &Path) -> Result<Reply, Status> {
    let labels = match req.param("labelSelector").filter(|s| !s.is_empty()) {
        Some(s) => Some(Selector::parse(s).map_err(|e| status::bad_request(e.to_string()))?),
        None => None,
    };
    let fields = req.param("fieldSelector").filter(|s| !s.is_empty());
    let selected = |obj: &Value| -> Result<bool, Status> {
        let by_labels = labels.as_ref().is_none_or(|s| s.matches(&labels_of(obj)));
        let by_fields = match fields {
            Some(f) => super::api::field_matches(obj, f)?,
            None => true,
        };
        Ok(by_labels && by_fields)
    };
    let pods = p.resource.kind == "PodMetrics";
    let kind = if pods { "Pod" } else { "Node" };
    let shift = super::clock::shift_for(api.cluster.now);
    if let Some(name) = p.name {
        let ns = p.namespace.unwrap_or("");
        let Some(obj) = api.cluster.get(kind, ns, name) else {
            // metrics-server's listers answer first: the object's own NotFound.
            let resource = if pods { "pods" } else { "nodes" };
            return Err(not_found(resource, name));
        };
        if pods && !stats::measured(obj) {
            return Err(not_found(
                "podmetrics.metrics.k8s.io",
                &format!("{ns}/{name}"),
            ));
        }
        let (mut item, total) = if pods {
            pod_metrics(api, obj, shift)
        } else {
            node_metrics(api, obj, shift)
        };
        if super::table::wanted(&req.accept) {
            let include = super::table::Include::parse(req.param("includeObject"));
            return Ok(Reply::typed(
                200,
                super::table::CONTENT_TYPE,
                &table(p.resource.kind, &[(item, total)], include),
            ));
        }
        item["kind"] = json!(p.resource.kind);
        item["apiVersion"] = json!(group_version());
        return Ok(Reply::json(200, &reorder_kind_first(item)));
    }
    let mut items = Vec::new();
    // The store lists by namespace and name: metrics-server's order.
    for obj in api.cluster.store.list(kind, p.namespace) {
        if !selected(obj)? {
            continue;
        }
        if pods {
            if stats::measured(obj) {
                items.push(pod_metrics(api, obj, shift));
            }
        } else {
            items.push(node_metrics(api, obj, shift));
        }
    }
    if super::table::wanted(&req.accept) {
        let include = super::table::Include::parse(req.param("includeObject"));
        return Ok(Reply::typed(
            200,
            super::table::CONTENT_TYPE,
            &table(p.resource.kind, &items, include),
        ));
    }
    let items: Vec<Value> = items.into_iter().map(|(item, _)| item).collect();
    Ok(Reply::json(
        200,
        &json!({
            "kind": format!("{}List", p.resource.kind),
            "apiVersion": group_version(),
            "metadata": {},
            "items": items,
        }),
    ))
}

/// metrics-server's `ConvertToTable`: Name, then each measured resource (sorted) as the
/// sum over the item's containers, then the Window; no columns at all for no items.
fn table(kind: &str, items: &[(Value, Usage)], include: super::table::Include) -> Value {
    let mut columns = Vec::new();
    if !items.is_empty() {
        columns.push(json!({"name": "Name", "type": "string", "format": "name", "description": "Name of the resource", "priority": 0}));
        for r in ["cpu", "memory"] {
            columns.push(json!({"name": r, "type": "string", "format": "quantity", "description": "", "priority": 0}));
        }
        columns.push(json!({"name": "Window", "type": "string", "format": "duration", "description": "", "priority": 0}));
    }
    let rows: Vec<Value> = items
        .iter()
        .map(|(item, u)| {
            let cells = json!([
                item.at("/metadata/name").cloned().unwrap_or(Value::Null),
                cpu_quantity(u.cpu_nanos),
                memory_quantity(u.memory_bytes),
                item["window"].clone(),
            ]);
            let mut row = json!({"cells": cells});
            let mut object = item.clone();
            object["kind"] = json!(kind);
            object["apiVersion"] = json!(group_version());
            match include {
                super::table::Include::None => {}
                super::table::Include::Object => row["object"] = reorder_kind_first(object),
                super::table::Include::Metadata => {
                    row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": item["metadata"]})
                }
            }
            row
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns, "rows": rows})
}

fn not_found(resource: &str, name: &str) -> Status {
    status::from_api_error(&ApiError::not_found(resource, name), METRICS_GROUP)
}

/// `kind` and `apiVersion` first, as Go's encoder writes a typed object.
fn reorder_kind_first(item: Value) -> Value {
    let Value::Object(map) = item else {
        return item;
    };
    let mut out = serde_json::Map::new();
    for k in ["kind", "apiVersion"] {
        if let Some(v) = map.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    for (k, v) in map {
        if k != "kind" && k != "apiVersion" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// A CPU quantity in nanocores as `resource.Quantity` writes `NewScaledQuantity(n, Nano)`:
/// its canonical form, so a whole number of millicores or cores loses its zeros.
pub fn cpu_quantity(nanos: i64) -> String {
    match nanos {
        0 => "0".into(),
        n if n % 1_000_000_000 == 0 => format!("{}", n / 1_000_000_000),
        n if n % 1_000_000 == 0 => format!("{}m", n / 1_000_000),
        n if n % 1000 == 0 => format!("{}u", n / 1000),
        n => format!("{n}n"),
    }
}

/// A memory quantity in bytes as a BinarySI `resource.Quantity` writes it: the largest
/// binary suffix that divides it, plain bytes otherwise (and below 1024).
pub fn memory_quantity(bytes: i64) -> String {
    if bytes.abs() < 1024 {
        return bytes.to_string();
    }
    let mut n = bytes;
    let mut suffix = 0;
    while n % 1024 == 0 && suffix < 6 {
        n /= 1024;
        suffix += 1;
    }
    let s = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][suffix];
    format!("{n}{s}")
}

fn world(api: &Api) -> &crate::engine::world::World {
    &api.cluster
}

fn usage_json(u: &Usage) -> Value {
    json!({"cpu": cpu_quantity(u.cpu_nanos), "memory": memory_quantity(u.memory_bytes)})
}

/// metadata, timestamp and window of one item: the last scrape before now (each object
/// scraped at its own phase of the resolution), over a window a little longer than it.
fn item_head(api: &Api, obj: &Value, shift: Millis) -> Value {
    let h = stats::spread(meta_str(obj, "name"));
    let now = api.cluster.now;
    let scraped = now - (now + (h % RESOLUTION_MS as u64) as Millis).rem_euclid(RESOLUTION_MS);
    let window = RESOLUTION_MS + ((h >> 16) % 90) as Millis;
    let mut meta = json!({"name": meta_str(obj, "name")});
    if let Some(ns) = obj.at("/metadata/namespace") {
        meta["namespace"] = ns.clone();
    }
    // metrics-server stamps each answer with its own clock
    meta["creationTimestamp"] = json!(format_rfc3339(now + shift));
    if let Some(l) = obj.at("/metadata/labels") {
        meta["labels"] = l.clone();
    }
    json!({
        "metadata": meta,
        "timestamp": format_rfc3339(scraped + shift),
        "window": crate::kubectl::printers::duration::go_duration(window),
    })
}

/// A pod's PodMetrics, and the sum of its containers' usage (its Table row's cells).
fn pod_metrics(api: &Api, pod: &Value, shift: Millis) -> (Value, Usage) {
    let mut v = item_head(api, pod, shift);
    let mut total = Usage::default();
    let containers: Vec<Value> = stats::pod_usage(world(api), pod)
        .iter()
        .map(|(name, u)| {
            total += *u;
            json!({"name": name, "usage": usage_json(u)})
        })
        .collect();
    v["containers"] = Value::Array(containers);
    (v, total)
}

fn node_metrics(api: &Api, node: &Value, shift: Millis) -> (Value, Usage) {
    let mut v = item_head(api, node, shift);
    let usage = stats::node_usage(world(api), node);
    v["usage"] = usage_json(&usage);
    (v, usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_written_as_a_canonical_nanocore_quantity() {
        assert_eq!(cpu_quantity(981_999_517), "981999517n");
        assert_eq!(cpu_quantity(0), "0");
        assert_eq!(cpu_quantity(2_000_000), "2m");
        assert_eq!(cpu_quantity(1_000_000_000), "1");
    }

    #[test]
    fn memory_is_written_with_the_largest_binary_suffix() {
        assert_eq!(memory_quantity(5 * 1024 * 1024 + 8192), "5128Ki");
        assert_eq!(memory_quantity(5 * 1024 * 1024), "5Mi");
        assert_eq!(memory_quantity(1000), "1000");
        assert_eq!(memory_quantity(150_000_001), "150000001");
    }

    #[test]
    fn paths_name_a_resource_and_maybe_a_namespace_and_name() {
        let p = parse("namespaces/default/pods/web").unwrap();
        assert_eq!(
            (p.namespace, p.resource.kind, p.name),
            (Some("default"), "PodMetrics", Some("web"))
        );
        assert_eq!(parse("nodes").unwrap().resource.kind, "NodeMetrics");
        assert!(parse("namespaces/default/nodes").is_none());
        assert!(parse("deployments").is_none());
    }
}
