//! The API server's authorization filter and its self-reviews, for `kubeplay serve`:
//! a request that carries kubectl's `Impersonate-User` / `Impersonate-Group` headers
//! (`--as`, `--as-group`) is decided by the playground's RBAC authorizer as that user's
//! (a request without them is the admin's, who may do everything), and a refusal is
//! the 403 Status the real kubectl prints as `Error from server (Forbidden): …`.
//! `SelfSubjectAccessReview`, `SelfSubjectRulesReview` and `SelfSubjectReview` answer
//! `kubectl auth can-i` (with `--list`) and `kubectl auth whoami`.

use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use crate::engine::errors::ApiError;
use crate::engine::rbac::authorizer::{
    allows, forbidden, rules_for, Attributes, StorePolicy, UserInfo,
};
use crate::kubectl::cli::auth::{admin_user, ADMIN_CREDENTIAL};
use serde_json::{json, Value};

/// The request's attributes as the API server's `RequestInfoFactory` reads its path,
/// method and query.
pub fn request_attributes(req: &Req) -> Attributes {
    let parts: Vec<&str> = req
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let non_resource = || Attributes {
        verb: req.method.to_ascii_lowercase(),
        path: req.path.clone(),
        ..Attributes::default()
    };
    let (group, rest) = match parts.as_slice() {
        ["api", _version, rest @ ..] if !rest.is_empty() => ("", rest),
        ["apis", group, _version, rest @ ..] if !rest.is_empty() => (*group, rest),
        _ => return non_resource(),
    };
    let mut verb = match req.method.as_str() {
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "get",
    }
    .to_string();
    let mut namespace = String::new();
    let mut rest: &[&str] = rest;
    if rest[0] == "namespaces" && rest.len() > 1 {
        namespace = rest[1].to_string();
        if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
            rest = &rest[2..];
        }
    }
    let mut a = Attributes {
        namespace,
        api_group: group.to_string(),
        resource: rest[0].to_string(),
        name: rest.get(1).map(|s| s.to_string()).unwrap_or_default(),
        subresource: rest.get(2).map(|s| s.to_string()).unwrap_or_default(),
        ..Attributes::default()
    };
    if a.name.is_empty() && verb == "get" {
        verb = if req.flag("watch") { "watch" } else { "list" }.into();
        // A list or watch of one object by `metadata.name=` names it.
        if let Some(selector) = req.param("fieldSelector") {
            let exact = selector.split(',').find_map(|t| {
                t.strip_prefix("metadata.name=")
                    .or(t.strip_prefix("metadata.name=="))
            });
            if let Some(name) = exact.filter(|n| !n.is_empty() && !n.contains('/')) {
                a.name = name.to_string();
            }
        }
    }
    // A stream into a pod (exec, attach, port-forward) needs create, whichever method
    // opened it (the WebSocket upgrade is a GET).
    if matches!(a.subresource.as_str(), "exec" | "attach" | "portforward") {
        verb = "create".into();
    }
    if a.name.is_empty() && verb == "delete" {
        verb = "deletecollection".into();
    }
    a.verb = verb;
    a
}

/// Who sent the request: the impersonated user, or the admin.
fn requester(req: &Req) -> UserInfo {
    req.impersonate.clone().unwrap_or_else(admin_user)
}

/// The 403 of a refused request, as `responsewriters.Forbidden` words it.
fn refusal(user: &UserInfo, a: &Attributes) -> Status {
    let mut s = status::from_api_error(&forbidden(&user.name, a), &a.api_group);
    if a.path.is_empty() {
        let mut details = json!({"kind": a.resource});
        if !a.name.is_empty() {
            details["name"] = json!(a.name);
        }
        if !a.api_group.is_empty() {
            details["group"] = json!(a.api_group);
        }
        s.details = Some(details);
    }
    s
}

/// The authorization filter: `Some(403)` when an impersonated user may not make the
/// request.
pub fn filter(api: &Api, req: &Req) -> Option<Reply> {
    let user = req.impersonate.as_ref()?;
    let a = request_attributes(req);
    let policy = StorePolicy(&api.cluster.store);
    (!allows(&policy, user, &a)).then(|| status::reply(&refusal(user, &a)))
}

/// The self-reviews: `POST` of a SelfSubjectAccessReview, SelfSubjectRulesReview or
/// SelfSubjectReview, answered for the requester.
pub fn reviews(api: &Api, req: &Req) -> Option<Reply> {
    let kind = match req.path.trim_end_matches('/') {
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" => "SelfSubjectAccessReview",
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews" => "SelfSubjectRulesReview",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews" => "SelfSubjectReview",
        _ => return None,
    };
    if req.method != "POST" {
        return Some(status::reply(&status::method_not_allowed(&req.method)));
    }
    let mut review = match super::api::body_json(req) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            let e = ApiError::BadRequest {
                message: format!("the body of the {kind} is not an object"),
            };
            return Some(status::reply(&status::from_api_error(&e, "")));
        }
        Err(s) => return Some(status::reply(&s)),
    };
    let user = requester(req);
    let policy = StorePolicy(&api.cluster.store);
    review["status"] = match kind {
        "SelfSubjectAccessReview" => {
            let a = access_attributes(&review["spec"]);
            json!({"allowed": allows(&policy, &user, &a)})
        }
        "SelfSubjectRulesReview" => {
            let ns = review["spec"]["namespace"].as_str().unwrap_or("");
            rules_status(&rules_for(&policy, &user, ns))
        }
        _ => {
            let mut info = json!({"username": user.name, "groups": user.groups});
            if req.impersonate.is_none() {
                info["extra"] =
                    json!({"authentication.kubernetes.io/credential-id": [ADMIN_CREDENTIAL]});
            }
            json!({"userInfo": info})
        }
    };
    review["metadata"]["creationTimestamp"] = Value::Null;
    Some(Reply::json(201, &review))
}

/// A SelfSubjectAccessReview's `spec` as request attributes.
fn access_attributes(spec: &Value) -> Attributes {
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    if let Some(n) = spec.get("nonResourceAttributes").filter(|n| n.is_object()) {
        return Attributes {
            verb: text(n, "verb"),
            path: text(n, "path"),
            ..Attributes::default()
        };
    }
    let r = &spec["resourceAttributes"];
    Attributes {
        verb: text(r, "verb"),
        namespace: text(r, "namespace"),
        api_group: text(r, "group"),
        resource: text(r, "resource"),
        subresource: text(r, "subresource"),
        name: text(r, "name"),
        path: String::new(),
    }
}

/// A SelfSubjectRulesReview's `status`: each rule as a resource or a non-resource rule.
fn rules_status(rules: &[Value]) -> Value {
    let list = |r: &Value, k: &str| r.get(k).cloned().unwrap_or_else(|| json!([]));
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    for r in rules {
        let urls = r["nonResourceURLs"]
            .as_array()
            .is_some_and(|u| !u.is_empty());
        if urls {
            non_resource_rules.push(
                json!({"verbs": list(r, "verbs"), "nonResourceURLs": list(r, "nonResourceURLs")}),
            );
        } else {
            let mut rule = json!({"verbs": list(r, "verbs"), "apiGroups": list(r, "apiGroups"), "resources": list(r, "resources")});
            if let Some(names) = r
                .get("resourceNames")
                .filter(|n| n.as_array().is_some_and(|a| !a.is_empty()))
            {
                rule["resourceNames"] = names.clone();
            }
            resource_rules.push(rule);
        }
    }
    json!({"resourceRules": resource_rules, "nonResourceRules": non_resource_rules, "incomplete": false})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, url: &str) -> Req {
        let (path, query) = super::super::http::split_url(url);
        Req {
            method: method.into(),
            path,
            query,
            ..Req::default()
        }
    }

    #[test]
    fn request_info_reads_scope_verb_name_and_subresource() {
        let a = request_attributes(&req("GET", "/api/v1/namespaces/dev/pods"));
        assert_eq!(
            (a.verb.as_str(), a.namespace.as_str(), a.resource.as_str()),
            ("list", "dev", "pods")
        );
        let a = request_attributes(&req("GET", "/api/v1/namespaces/dev/pods/web/log"));
        assert_eq!(
            (a.verb.as_str(), a.name.as_str(), a.subresource.as_str()),
            ("get", "web", "log")
        );
        let a = request_attributes(&req(
            "GET",
            "/api/v1/namespaces/dev/pods?watch=1&fieldSelector=metadata.name%3Dweb",
        ));
        assert_eq!((a.verb.as_str(), a.name.as_str()), ("watch", "web"));
        let a = request_attributes(&req("DELETE", "/apis/apps/v1/namespaces/dev/deployments"));
        assert_eq!(
            (a.verb.as_str(), a.api_group.as_str()),
            ("deletecollection", "apps")
        );
        let a = request_attributes(&req("DELETE", "/api/v1/namespaces/dev"));
        assert_eq!(
            (a.resource.as_str(), a.name.as_str(), a.namespace.as_str()),
            ("namespaces", "dev", "dev")
        );
        let a = request_attributes(&req("GET", "/api/v1/nodes"));
        assert_eq!((a.verb.as_str(), a.namespace.as_str()), ("list", ""));
        let a = request_attributes(&req("GET", "/healthz"));
        assert_eq!((a.verb.as_str(), a.path.as_str()), ("get", "/healthz"));
    }
}
