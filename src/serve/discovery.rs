//! Discovery as kube-apiserver 1.34 serves it: `/version`, legacy `/api`, `/apis`,
//! `/api/v1`, `/apis/G/V`, and the aggregated `APIGroupDiscoveryList` (v2) kubectl asks
//! for first — all from the playground's resource table, so `kubectl api-resources`
//! lists what the playground serves.

use super::http::{Reply, Req};
use crate::engine::api::discovery::{Resource, RESOURCES};
use serde_json::{json, Value};

const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Groups in table order (core first), each once.
fn groups() -> Vec<&'static str> {
    let mut g: Vec<&'static str> = Vec::new();
    for r in RESOURCES {
        if !g.contains(&r.group) {
            g.push(r.group);
        }
    }
    g
}

/// The version a group's resources are served in (`v1`; `v2` for autoscaling).
fn version_of(group: &str) -> &'static str {
    in_group(group).next().map_or("v1", |r| r.version)
}

fn in_group(group: &str) -> impl Iterator<Item = &'static Resource> + '_ {
    RESOURCES.iter().filter(move |r| r.group == group)
}

/// Subresources served per kind: `(name, response kind group, version, kind, verbs)`.
fn subresources(
    r: &Resource,
) -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
)> {
    const GPU: &[&str] = &["get", "patch", "update"];
    let mut v = Vec::new();
    if matches!(r.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        v.push(("scale", "autoscaling", "v1", "Scale", GPU));
    }
    // `kubectl drain` looks for it before it evicts rather than deletes.
    if r.kind == "Pod" {
        v.push(("eviction", "policy", "v1", "Eviction", &["create"]));
    }
    if !matches!(
        r.kind,
        "ConfigMap"
            | "Secret"
            | "Event"
            | "ServiceAccount"
            | "Endpoints"
            | "StorageClass"
            | "ControllerRevision"
            | "NetworkPolicy"
            | "IngressClass"
            | "EndpointSlice"
    ) {
        v.push(("status", "", "", r.kind, GPU));
    }
    v
}

fn scope(r: &Resource) -> &'static str {
    if r.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    }
}

fn aggregated_resource(r: &Resource) -> Value {
    let mut v = json!({
        "resource": r.plural,
        "responseKind": {"group": "", "version": "", "kind": r.kind},
        "scope": scope(r),
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        v["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        v["categories"] = json!(r.categories);
    }
    let subs: Vec<Value> = subresources(r)
        .into_iter()
        .map(|(name, g, ver, kind, verbs)| {
            json!({"subresource": name, "responseKind": {"group": g, "version": ver, "kind": kind}, "verbs": verbs})
        })
        .collect();
    if !subs.is_empty() {
        v["subresources"] = Value::Array(subs);
    }
    v
}

fn aggregated_group(group: &str) -> Value {
    let resources: Vec<Value> = in_group(group).map(aggregated_resource).collect();
    let mut meta = json!({});
    if !group.is_empty() {
        meta["name"] = json!(group);
    }
    json!({
        "metadata": meta,
        "versions": [{"version": version_of(group), "resources": resources, "freshness": "Current"}],
    })
}

fn aggregated(core: bool) -> Value {
    let mut items: Vec<Value> = groups()
        .into_iter()
        .filter(|g| g.is_empty() == core)
        .map(aggregated_group)
        .collect();
    if !core {
        // metrics-server's APIService, merged in by kube-aggregator after the built-ins
        items.push(super::metrics::aggregated_group());
    }
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

fn resource_list(group: &str) -> Value {
    let mut resources = Vec::new();
    for r in in_group(group) {
        let mut v = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": r.verbs,
        });
        if !r.short_names.is_empty() {
            v["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            v["categories"] = json!(r.categories);
        }
        resources.push(v);
        for (name, g, ver, kind, verbs) in subresources(r) {
            let mut s = json!({"name": format!("{}/{name}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": kind, "verbs": verbs});
            if !g.is_empty() {
                s["group"] = json!(g);
                s["version"] = json!(ver);
            }
            resources.push(s);
        }
    }
    let gv = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/{}", version_of(group))
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}

fn group_list() -> Value {
    let mut groups: Vec<Value> = groups()
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let v = version_of(g);
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    groups.push(super::metrics::api_group());
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// The answer to a discovery, version or OpenAPI path; `None` for any other path.
pub fn handle(req: &Req) -> Option<Reply> {
    if req.method != "GET" {
        return None;
    }
    let wants_aggregated = req.accept.contains("as=APIGroupDiscoveryList");
    let path = req.path.trim_end_matches('/');
    Some(match path {
        "/version" => Reply::json(200, &crate::kubectl::cli::info::server_version()),
        "/api" if wants_aggregated => Reply::typed(200, AGGREGATED, &aggregated(true)),
        "/apis" if wants_aggregated => Reply::typed(200, AGGREGATED, &aggregated(false)),
        "/api" => Reply::json(
            200,
            &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        "/apis" => Reply::json(200, &group_list()),
        "/api/v1" => Reply::json(200, &resource_list("")),
        "/healthz" | "/livez" | "/readyz" => Reply::text(200, "ok".into()),
        // kubectl looks for a CustomResourceDefinition when a manifest's kind is not in
        // discovery (`apps/v1beta1`); the playground has none, and says so as a real
        // server with none does, so kubectl goes on to "no matches for kind".
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions" => Reply::json(
            200,
            &json!({"kind": "CustomResourceDefinitionList", "apiVersion": "apiextensions.k8s.io/v1", "metadata": {"resourceVersion": "1"}, "items": []}),
        ),
        _ => {
            if let Some(reply) = super::openapi::handle(path, &req.accept) {
                return Some(reply);
            }
            let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            match segs.as_slice() {
                ["apis", g] if groups().contains(g) && !g.is_empty() => {
                    let v = version_of(g);
                    let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
                    Reply::json(
                        200,
                        &json!({"kind": "APIGroup", "apiVersion": "v1", "name": g, "versions": [gv.clone()], "preferredVersion": gv}),
                    )
                }
                ["apis", g, v] if groups().contains(g) && !g.is_empty() && *v == version_of(g) => {
                    Reply::json(200, &resource_list(g))
                }
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregated_discovery_has_core_alone_and_the_groups_by_name() {
        let core = aggregated(true);
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert_eq!(core["items"][0]["metadata"], json!({}));
        let apis = aggregated(false);
        let apps = apis["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == "apps")
            .unwrap();
        let sts = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "statefulsets")
            .unwrap();
        assert_eq!(sts["shortNames"], json!(["sts"]));
        assert_eq!(sts["subresources"][0]["subresource"], "scale");
        assert_eq!(sts["subresources"][0]["responseKind"]["kind"], "Scale");
    }
}
