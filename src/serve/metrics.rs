//! metrics-server 0.7's `metrics.k8s.io/v1beta1`, aggregated into the API as kube-aggregator
//! does: discovery for the group, and `PodMetrics` (`pods`) and `NodeMetrics` (`nodes`),
//! get and list with label selectors. Usage comes from the kubelets' model
//! (`engine::kubelet::stats`), the same numbers the playground's `kubectl top` prints, so
//! the real kubectl's `top` through `serve` prints what `kubeplay run` prints. The objects
//! and table cells are `kubectl::metrics_server`'s, which the playground's `get` prints too.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::engine::api::discovery::{Resource, METRICS_GROUP, METRICS_RESOURCES, METRICS_VERSION};
use crate::engine::selector::{labels_of, Selector};
use crate::kubectl::metrics_server::{self, group_version};
use serde_json::{json, Value};

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
    let shift = super::clock::shift_for(api.cluster.now);
    let table = super::table::wanted(&req.accept);
    if let Some(name) = p.name {
        let ns = p.namespace.unwrap_or("");
        let item = metrics_server::get(&api.cluster, p.resource, ns, name, shift)
            .map_err(|e| status::from_api_error(&e, METRICS_GROUP))?;
        if table {
            let include = super::table::Include::parse(req.param("includeObject"));
            return Ok(Reply::typed(
                200,
                super::table::CONTENT_TYPE,
                &to_table(&[item], include),
            ));
        }
        return Ok(Reply::json(200, &item));
    }
    let items = metrics_server::list(&api.cluster, p.resource, p.namespace, shift, selected)?;
    if table {
        let include = super::table::Include::parse(req.param("includeObject"));
        return Ok(Reply::typed(
            200,
            super::table::CONTENT_TYPE,
            &to_table(&items, include),
        ));
    }
    // A list's items are untyped: the list says what they are.
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut item| {
            if let Value::Object(m) = &mut item {
                m.remove("kind");
                m.remove("apiVersion");
            }
            item
        })
        .collect();
    Ok(Reply::json(
        200,
        &json!({
            "kind": format!("{}List", p.resource.kind),
            "apiVersion": metrics_server::group_version(),
            "metadata": {},
            "items": items,
        }),
    ))
}

/// metrics-server's `ConvertToTable`: Name, then each measured resource (sorted) as the
/// sum over the item's containers, then the Window; no columns at all for no items.
fn to_table(items: &[Value], include: super::table::Include) -> Value {
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
        .map(|item| {
            let mut row = json!({"cells": metrics_server::cells(item)});
            match include {
                super::table::Include::None => {}
                super::table::Include::Object => row["object"] = item.clone(),
                super::table::Include::Metadata => {
                    row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": item["metadata"]})
                }
            }
            row
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

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
