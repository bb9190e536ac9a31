//! The REST API on the engine thread: paths to resources, verbs to `Cluster` calls, and the
//! answers in the shapes kube-apiserver 1.34 sends (objects, lists, Tables, Status).

use super::clock::shift_times;
use super::engine::Api;
use super::http::{Reply, Req};
use super::status::{self, Status};
use super::table::{self, Include};
use crate::engine::api::decoding::{self, DecodeError};
use crate::engine::api::discovery::{Resource, RESOURCES};
use crate::engine::apiserver::patch_handler::{self, PatchType};
use crate::engine::apiserver::{derived_fields, DeleteOptions, Propagation};
use crate::engine::selector::Selector;
use crate::engine::{ApiError, Millis};
use crate::kubectl::watch_selection::Selectors;
use serde_json::{json, Value};

/// A path under `/api/v1` or `/apis/GROUP/VERSION`, taken apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub resource: &'static Resource,
    /// `None`: all namespaces (or a cluster-scoped resource).
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

fn resource(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// `(group, version, rest)` of an API path, or `None` if it is no resource path.
fn group_version(path: &str) -> Option<(&str, &str, Vec<&str>)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", version, rest @ ..] if !rest.is_empty() => Some(("", version, rest.to_vec())),
        ["apis", group, version, rest @ ..] if !rest.is_empty() => {
            Some((group, version, rest.to_vec()))
        }
        _ => None,
    }
}

/// The resource a path names; `Err` is the Status for a path nothing is served at.
pub fn target(path: &str) -> Result<Target, Status> {
    let (group, version, rest) = group_version(path).ok_or_else(status::no_such_path)?;
    let (namespace, rest) = match rest.as_slice() {
        // `/api/v1/namespaces/NS/RESOURCE…`; `/api/v1/namespaces/NAME[/status]` is a namespace.
        ["namespaces", ns, plural, tail @ ..]
            if !(group.is_empty()
                && matches!(*plural, "status" | "finalize")
                && tail.is_empty()) =>
        {
            (Some(ns.to_string()), {
                let mut v = vec![*plural];
                v.extend_from_slice(tail);
                v
            })
        }
        _ => (None, rest),
    };
    let (plural, name, sub) = match rest.as_slice() {
        [plural] => (*plural, None, None),
        [plural, name] => (*plural, Some(name.to_string()), None),
        [plural, name, sub] => (*plural, Some(name.to_string()), Some(sub.to_string())),
        _ => return Err(status::no_such_path()),
    };
    let resource = resource(group, version, plural).ok_or_else(status::no_such_path)?;
    if namespace.is_some() && !resource.namespaced {
        return Err(status::no_such_path());
    }
    if name.as_deref() == Some("") {
        return Err(status::no_such_path());
    }
    Ok(Target {
        resource,
        namespace,
        name,
        subresource: sub,
    })
}

/// Answers one request (everything but watches).
pub fn handle(api: &mut Api, req: &Req) -> Reply {
    if let Some(reply) = super::authz::filter(api, req) {
        return reply;
    }
    if let Some(reply) = super::authz::reviews(api, req) {
        return reply;
    }
    if let Some(reply) = super::discovery::handle(req) {
        return reply;
    }
    if req.path == "/kubeplay/v1/sleep" {
        return sleep(api, req);
    }
    if let Some(reply) = super::admin::handle(api, req) {
        return reply;
    }
    if let Some(path) = req.path.strip_prefix("/kubeplay/v1/examples/") {
        return example(path);
    }
    if let Some(reply) = node_lease(api, req) {
        return reply;
    }
    if let Some(reply) = super::metrics::handle(api, req) {
        return reply;
    }
    let t = match target(&req.path) {
        Ok(t) => t,
        Err(s) => return status::reply(&s),
    };
    match serve(api, req, &t) {
        Ok(reply) => reply,
        Err(s) => status::reply(&s),
    }
}

/// `POST /kubeplay/v1/sleep?seconds=N`: under `--clock on-demand`, N virtual seconds pass
/// (what `sleep N` does in a `kubeplay run` script). Under `--clock wall` time is the wall
/// clock's, and the request is refused.
fn sleep(api: &mut Api, req: &Req) -> Reply {
    if req.method != "POST" {
        return status::reply(&status::method_not_allowed(&req.method));
    }
    if !api.on_demand() {
        return status::reply(&status::bad_request(
            "sleep moves virtual time only under --clock on-demand",
        ));
    }
    let seconds = req.param("seconds").and_then(|s| s.parse::<f64>().ok());
    let Some(seconds) = seconds.filter(|s| s.is_finite() && (0.0..=31_536_000.0).contains(s))
    else {
        return status::reply(&status::bad_request(
            "seconds must be a number from 0 to 31536000",
        ));
    };
    api.sleep((seconds * 1000.0) as Millis);
    let now = api.cluster.now - api.cluster.started_at();
    Reply::json(200, &json!({"virtualMillisSinceStart": now}))
}

/// `GET /kubeplay/v1/examples/PATH`: the kubernetes.io example manifest
/// `https://k8s.io/examples/PATH` as the playground bundles it (the playground's kubectl
/// applies these URLs offline; a real kubectl can be given the same file).
/// `GET /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/NODE`, which
/// `kubectl describe node` asks for its `Lease:` section. The playground derives a node's
/// Lease from its kubelet instead of storing it (`power::node_lease`), so this one read is
/// all that is served of Leases; they are not listed in discovery.
fn node_lease(api: &Api, req: &Req) -> Option<Reply> {
    let name = req
        .path
        .strip_prefix("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/")
        .filter(|n| !n.is_empty() && !n.contains('/'))?;
    if req.method != "GET" {
        return Some(status::reply(&status::method_not_allowed(&req.method)));
    }
    let lease = api
        .cluster
        .get("Node", "", name)
        .and_then(|node| crate::engine::kubelet::power::node_lease(&api.cluster, node));
    Some(match lease {
        Some(lease) => Reply::json(200, &shown(api, &lease)),
        None => status::reply(&status::from_api_error(
            &ApiError::NotFound {
                resource: "leases.coordination.k8s.io".into(),
                name: name.into(),
            },
            "coordination.k8s.io",
        )),
    })
}

fn example(path: &str) -> Reply {
    match crate::kubectl::bundled::manifest(path) {
        Some(text) => Reply {
            code: 200,
            content_type: "application/yaml".into(),
            body: text.as_bytes().to_vec(),
        },
        None => status::reply(&status::no_such_path()),
    }
}

pub(super) fn api_error(t: &Target, e: &ApiError) -> Status {
    status::from_api_error(e, t.resource.group)
}

/// The object as sent: times moved onto the wall clock.
/// The object inside a Table row: its ages are the row's cells, so no need to wait for
/// the start of a wall second (see `clock`).
fn shown_in_table(api: &Api, obj: &Value) -> Value {
    let mut v = derived_fields::shown(obj).into_owned();
    shift_times(&mut v, super::clock::shift_now(api.cluster.now));
    v
}

fn shown(api: &Api, obj: &Value) -> Value {
    let mut v = derived_fields::shown(obj).into_owned();
    shift_times(&mut v, super::clock::shift_for(api.cluster.now));
    v
}

pub(super) fn object_reply(api: &Api, req: &Req, t: &Target, code: u16, obj: &Value) -> Reply {
    if table::wanted(&req.accept) {
        let include = Include::parse(req.param("includeObject"));
        let row = table::row(
            t.resource.kind,
            obj,
            &shown_in_table(api, obj),
            api.cluster.now,
            include,
        );
        let rv = api.cluster.store.resource_version().to_string();
        return Reply::typed(
            code,
            table::CONTENT_TYPE,
            &table::table(t.resource.kind, &rv, vec![row]),
        );
    }
    Reply::json(code, &shown(api, obj))
}

pub(super) fn body_json(req: &Req) -> Result<Value, Status> {
    if req.content_type.contains("protobuf") {
        return super::protobuf::decode(&req.body)
            .map_err(|e| status::bad_request(format!("the protobuf body could not be read: {e}")));
    }
    if req.content_type.contains("cbor") {
        return Err(status::unsupported_body(&req.content_type));
    }
    let text = std::str::from_utf8(&req.body)
        .map_err(|_| status::bad_request("the request body is not UTF-8"))?;
    if req.content_type.contains("yaml") {
        return crate::kubectl::yaml_json::value(text)
            .map_err(|e| status::bad_request(format!("error decoding YAML: {e}")));
    }
    serde_json::from_str(text).map_err(|e| {
        status::bad_request(format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: {e}",
            "Object"
        ))
    })
}

/// Namespace of the request for a namespaced resource ("" for cluster-scoped ones).
pub(super) fn ns_of(t: &Target) -> &str {
    t.namespace.as_deref().unwrap_or("")
}

/// The field manager of a write: `fieldManager`, else the user agent's first word (the
/// server's `managerOrUserAgent`, printable characters only, at most 128).
pub(super) fn manager(req: &Req) -> String {
    if let Some(m) = req.param("fieldManager").filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    let first = req.user_agent.split('/').next().unwrap_or("");
    first
        .chars()
        .filter(|c| !c.is_control())
        .take(128)
        .collect()
}

pub(super) fn dry_run(req: &Req) -> bool {
    req.query.get("dryRun").is_some_and(|v| v == "All")
}

fn serve(api: &mut Api, req: &Req, t: &Target) -> Result<Reply, Status> {
    match (req.method.as_str(), &t.name, t.subresource.as_deref()) {
        ("GET", None, None) => list(api, req, t),
        ("GET", Some(name), None | Some("status")) => {
            let obj = get(api, t, name)?;
            Ok(object_reply(api, req, t, 200, &obj))
        }
        ("GET", Some(name), Some("scale")) => scale_get(api, t, name),
        ("GET", Some(name), Some("log")) if t.resource.kind == "Pod" => {
            super::logs::pod_log(api, req, ns_of(t), name)
        }
        // Said plainly rather than answered wrongly: no port-forward streams yet (exec and
        // attach are served by `remote/` before requests reach here).
        (_, Some(_), Some("portforward")) if t.resource.kind == "Pod" => {
            Err(status::bad_request(format!(
                "kubeplay serve does not serve pods/{} yet; use `kubeplay run` or the browser for it",
                t.subresource.as_deref().unwrap_or("")
            )))
        }
        ("POST", None, None) => create(api, req, t),
        ("POST", Some(name), Some("eviction")) if t.resource.kind == "Pod" => {
            evict(api, req, t, name)
        }
        ("PUT", Some(name), None) => update(api, req, t, name),
        ("PUT", Some(name), Some("scale")) => scale_update(api, req, t, name, false),
        ("PATCH", Some(name), None) => patch(api, req, t, name),
        ("PATCH", Some(name), Some("scale")) => scale_update(api, req, t, name, true),
        ("DELETE", Some(name), None) => delete(api, req, t, name),
        ("DELETE", None, None) => delete_collection(api, req, t),
        (_, _, Some(_)) => Err(status::no_such_path()),
        (m, _, _) => Err(status::method_not_allowed(m)),
    }
}

/// `POST pods/NAME/eviction`: the Eviction's delete options, then the engine's eviction;
/// success is the bare Status the real subresource answers.
fn evict(api: &mut Api, req: &Req, t: &Target, name: &str) -> Result<Reply, Status> {
    let eviction = body_json(req)?;
    let options = crate::engine::apiserver::DeleteOptions {
        grace_period_seconds: eviction["deleteOptions"]["gracePeriodSeconds"].as_i64(),
        ..Default::default()
    };
    if dry_run(req) {
        api.cluster.clone().evict(ns_of(t), name, options)
    } else {
        api.cluster.evict(ns_of(t), name, options)
    }
    .map_err(|e| api_error(t, &e))?;
    Ok(Reply::json(
        201,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}

fn get(api: &Api, t: &Target, name: &str) -> Result<Value, Status> {
    api.cluster
        .get(t.resource.kind, ns_of(t), name)
        .map(|o| (**o).clone())
        .ok_or_else(|| api_error(t, &ApiError::not_found(t.resource.group_resource(), name)))
}

/// `fieldSelector` terms (`metadata.name`, `status.phase`, … with `=`, `==`, `!=`), as the
/// playground's `kubectl get --field-selector` reads them.
pub fn field_matches(obj: &Value, selector: &str) -> Result<bool, Status> {
    crate::kubectl::cli::get::field_matches(obj, selector).map_err(status::bad_request)
}

/// The label and field selectors of a list or watch.
pub struct Filter(Selectors);

impl Filter {
    pub fn from(req: &Req) -> Result<Filter, Status> {
        let labels = match req.param("labelSelector").filter(|s| !s.is_empty()) {
            // The parser's error already reads "unable to parse requirement: …".
            Some(s) => Some(Selector::parse(s).map_err(|e| status::bad_request(e.to_string()))?),
            None => None,
        };
        let fields = req
            .param("fieldSelector")
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let Some(f) = &fields {
            field_matches(&json!({}), f)?;
        }
        Ok(Filter(Selectors { labels, fields }))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.matches(obj)
    }
}

pub fn matching(api: &Api, t: &Target, filter: &Filter) -> Vec<Value> {
    api.cluster
        .store
        .list(t.resource.kind, t.namespace.as_deref())
        .filter(|o| filter.matches(o))
        .map(|o| (**o).clone())
        .collect()
}

fn list(api: &mut Api, req: &Req, t: &Target) -> Result<Reply, Status> {
    let filter = Filter::from(req)?;
    let items = matching(api, t, &filter);
    let rv = api.cluster.store.resource_version().to_string();
    if table::wanted(&req.accept) {
        let include = Include::parse(req.param("includeObject"));
        let rows = items
            .iter()
            .map(|o| {
                table::row(
                    t.resource.kind,
                    o,
                    &shown_in_table(api, o),
                    api.cluster.now,
                    include,
                )
            })
            .collect();
        return Ok(Reply::typed(
            200,
            table::CONTENT_TYPE,
            &table::table(t.resource.kind, &rv, rows),
        ));
    }
    let items: Vec<Value> = items.iter().map(|o| shown(api, o)).collect();
    Ok(Reply::json(
        200,
        &json!({
            "kind": format!("{}List", t.resource.kind),
            "apiVersion": t.resource.api_version(),
            "metadata": {"resourceVersion": rv},
            "items": items,
        }),
    ))
}

/// Checks a body's namespace against the path's, and fills it in when missing.
pub(super) fn place(t: &Target, obj: &mut Value) -> Result<(), Status> {
    if !obj.is_object() {
        return Err(status::bad_request(
            "the body of the request is not an object",
        ));
    }
    if let Some(ns) = &t.namespace {
        let meta = &mut obj["metadata"];
        if !meta.is_object() {
            *meta = json!({});
        }
        match meta.get("namespace").and_then(Value::as_str) {
            Some(have) if !have.is_empty() && have != ns => {
                return Err(status::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ))
            }
            _ => meta["namespace"] = json!(ns),
        }
    }
    Ok(())
}

pub(super) fn unshift(api: &Api, obj: &mut Value) {
    shift_times(obj, -super::clock::shift_for(api.cluster.now));
}

/// The server's decoding of a body: a value of the wrong type is always refused; fields
/// the schema does not know only under `fieldValidation=Strict` (what kubectl sends by
/// default); `Warn` and `Ignore` let them pass (no warning header is sent).
pub(super) fn decodable(req: &Req, t: &Target, obj: &Value) -> Result<(), Status> {
    let problem = match decoding::decode_error(t.resource.kind, obj) {
        None => return Ok(()),
        Some(DecodeError::UnknownFields(_)) if req.param("fieldValidation") != Some("Strict") => {
            return Ok(())
        }
        Some(p) => p,
    };
    Err(status::bad_request(format!(
        "{kind} in version \"{}\" cannot be handled as a {kind}: {}",
        t.resource.version,
        problem.message(),
        kind = t.resource.kind,
    )))
}

/// A body without `apiVersion` or `kind` takes them from the URL, as the server's decoder
/// does (`gvkWithDefaults`): client libraries (Python's `kubernetes`) send a typed object
/// without them.
fn default_type(t: &Target, obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        for (key, value) in [
            ("apiVersion", t.resource.api_version()),
            ("kind", t.resource.kind.to_string()),
        ] {
            if map
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                map.insert(key.to_string(), json!(value));
            }
        }
    }
}

fn create(api: &mut Api, req: &Req, t: &Target) -> Result<Reply, Status> {
    let mut obj = body_json(req)?;
    default_type(t, &mut obj);
    place(t, &mut obj)?;
    if obj.get("kind").and_then(Value::as_str) != Some(t.resource.kind) {
        return Err(status::bad_request(format!(
            "the API version in the data ({}) does not match the expected API version ({})",
            obj.get("apiVersion").and_then(Value::as_str).unwrap_or(""),
            t.resource.api_version()
        )));
    }
    decodable(req, t, &obj)?;
    unshift(api, &mut obj);
    let result = if dry_run(req) {
        api.cluster.create_dry_run(obj)
    } else {
        api.cluster.create_as(obj, &manager(req))
    };
    let stored = result.map_err(|e| api_error(t, &e))?;
    Ok(object_reply(api, req, t, 201, &stored))
}

fn update(api: &mut Api, req: &Req, t: &Target, name: &str) -> Result<Reply, Status> {
    let mut obj = body_json(req)?;
    default_type(t, &mut obj);
    place(t, &mut obj)?;
    if obj["metadata"]["name"].as_str() != Some(name) {
        return Err(status::bad_request(
            "the name of the object does not match the name on the URL",
        ));
    }
    decodable(req, t, &obj)?;
    unshift(api, &mut obj);
    write(api, req, t, obj, 200)
}

/// Stores a changed object (PUT, PATCH), or with `dryRun=All` answers what would be stored.
fn write(api: &mut Api, req: &Req, t: &Target, obj: Value, code: u16) -> Result<Reply, Status> {
    let manager = manager(req);
    let stored = if dry_run(req) {
        let live_rv = get(api, t, crate::engine::apiserver::meta_str(&obj, "name"))
            .map(|o| o["metadata"]["resourceVersion"].clone())
            .ok();
        let mut world = api.cluster.clone();
        let mut answer = (*world
            .update_as(obj, &manager, "")
            .map_err(|e| api_error(t, &e))?)
        .clone();
        // Never written: the answer keeps the version it was read at, as the server's.
        if let Some(rv) = live_rv {
            answer["metadata"]["resourceVersion"] = rv;
        }
        std::rc::Rc::new(answer)
    } else {
        api.cluster
            .update_as(obj, &manager, "")
            .map_err(|e| api_error(t, &e))?
    };
    Ok(object_reply(api, req, t, code, &stored))
}

/// A patch applied to `live` (a `kind`), by the body's Content-Type.
fn patched(req: &Req, t: &Target, kind: &str, live: &Value) -> Result<Value, Status> {
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    let ty = PatchType::from_content_type(ct).ok_or_else(|| status::unsupported_media(ct))?;
    let body = std::str::from_utf8(&req.body)
        .map_err(|_| status::bad_request("the request body is not UTF-8"))?;
    patch_handler::patched(kind, ty, live, body).map_err(|e| api_error(t, &e))
}

fn patch(api: &mut Api, req: &Req, t: &Target, name: &str) -> Result<Reply, Status> {
    if req.content_type.starts_with("application/apply-patch") {
        return super::apply::apply_patch(api, req, t, name);
    }
    let live = get(api, t, name)?;
    let obj = patched(req, t, t.resource.kind, &live)?;
    write(api, req, t, obj, 200)
}

/// The Scale of a workload: `spec.replicas` and the status's replicas and selector.
fn scale_of(obj: &Value) -> Value {
    let selector = crate::kubectl::printers::fields::at(obj, "spec.selector")
        .map(crate::kubectl::printers::fields::selector_string)
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": obj["metadata"]["name"],
            "namespace": obj["metadata"]["namespace"],
            "uid": obj["metadata"]["uid"],
            "resourceVersion": obj["metadata"]["resourceVersion"],
            "creationTimestamp": obj["metadata"]["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

fn scalable(t: &Target) -> Result<(), Status> {
    match t.resource.kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" => Ok(()),
        _ => Err(status::no_such_path()),
    }
}

fn scale_get(api: &Api, t: &Target, name: &str) -> Result<Reply, Status> {
    scalable(t)?;
    let obj = get(api, t, name)?;
    Ok(Reply::json(200, &shown(api, &scale_of(&obj))))
}

fn scale_update(
    api: &mut Api,
    req: &Req,
    t: &Target,
    name: &str,
    is_patch: bool,
) -> Result<Reply, Status> {
    scalable(t)?;
    let live = get(api, t, name)?;
    let scale = if is_patch {
        patched(req, t, "Scale", &scale_of(&live))?
    } else {
        body_json(req)?
    };
    let Some(replicas) = scale["spec"]["replicas"].as_i64() else {
        return Err(status::bad_request(
            "spec.replicas of the Scale must be a whole number",
        ));
    };
    if replicas < 0 {
        return Err(Status {
            code: 422,
            reason: "Invalid",
            message: format!("Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"),
            details: Some(json!({"name": name, "group": "autoscaling", "kind": "Scale", "causes": [{"reason": "FieldValueInvalid", "message": format!("Invalid value: {replicas}: must be greater than or equal to 0"), "field": "spec.replicas"}]})),
        });
    }
    let mut obj = live;
    obj["spec"]["replicas"] = json!(replicas);
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    let manager = manager(req);
    let stored = if dry_run(req) {
        api.cluster.clone().update_as(obj, &manager, "scale")
    } else {
        api.cluster.update_as(obj, &manager, "scale")
    }
    .map_err(|e| api_error(t, &e))?;
    Ok(Reply::json(200, &shown(api, &scale_of(&stored))))
}

fn delete_options(req: &Req) -> Result<DeleteOptions, Status> {
    let body = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        body_json(req)?
    };
    let policy = req
        .param("propagationPolicy")
        .map(str::to_string)
        .or_else(|| body["propagationPolicy"].as_str().map(str::to_string));
    let propagation = match policy.as_deref() {
        None | Some("Background") => Propagation::Background,
        Some("Foreground") => Propagation::Foreground,
        Some("Orphan") => Propagation::Orphan,
        Some(other) => {
            return Err(status::bad_request(format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
            )))
        }
    };
    let grace = match req.param("gracePeriodSeconds") {
        Some(g) => Some(g.parse::<i64>().map_err(|_| {
            status::bad_request(format!(
                "gracePeriodSeconds must be a whole number, not {g:?}"
            ))
        })?),
        None => body["gracePeriodSeconds"].as_i64(),
    };
    Ok(DeleteOptions {
        grace_period_seconds: grace,
        propagation,
    })
}

fn delete(api: &mut Api, req: &Req, t: &Target, name: &str) -> Result<Reply, Status> {
    let opts = delete_options(req)?;
    if dry_run(req) {
        let obj = get(api, t, name)?;
        return Ok(object_reply(api, req, t, 200, &obj));
    }
    let obj = api
        .cluster
        .delete(t.resource.kind, ns_of(t), name, opts)
        .map_err(|e| api_error(t, &e))?;
    Ok(object_reply(api, req, t, 200, &obj))
}

fn delete_collection(api: &mut Api, req: &Req, t: &Target) -> Result<Reply, Status> {
    let opts = delete_options(req)?;
    let filter = Filter::from(req)?;
    let victims = matching(api, t, &filter);
    let mut deleted = Vec::new();
    for v in victims {
        let ns = v["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let name = v["metadata"]["name"].as_str().unwrap_or("").to_string();
        if dry_run(req) {
            deleted.push(shown(api, &v));
            continue;
        }
        if let Ok(o) = api.cluster.delete(t.resource.kind, &ns, &name, opts) {
            deleted.push(shown(api, &o));
        }
    }
    Ok(Reply::json(
        200,
        &json!({
            "kind": format!("{}List", t.resource.kind),
            "apiVersion": t.resource.api_version(),
            "metadata": {"resourceVersion": api.cluster.store.resource_version().to_string()},
            "items": deleted,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_resources_namespaces_and_subresources() {
        let t = target("/apis/apps/v1/namespaces/default/statefulsets/web/scale").unwrap();
        assert_eq!(t.resource.kind, "StatefulSet");
        assert_eq!(t.namespace.as_deref(), Some("default"));
        assert_eq!(t.name.as_deref(), Some("web"));
        assert_eq!(t.subresource.as_deref(), Some("scale"));
        let t = target("/api/v1/pods").unwrap();
        assert_eq!((t.resource.kind, t.namespace), ("Pod", None));
        let t = target("/api/v1/namespaces/kube-system").unwrap();
        assert_eq!(t.resource.kind, "Namespace");
        assert_eq!(t.name.as_deref(), Some("kube-system"));
        let t = target("/api/v1/namespaces/dev/status").unwrap();
        assert_eq!(
            (t.resource.kind, t.subresource.as_deref()),
            ("Namespace", Some("status"))
        );
        for bad in [
            "/api/v1/widgets",
            "/apis/apps/v2/deployments",
            "/api/v1/namespaces/x/nodes",
            "/apis",
            "/api/v1/pods/a/b/c",
        ] {
            assert_eq!(target(bad).map(|_| ()).unwrap_err().code, 404, "{bad}");
        }
    }

    #[test]
    fn field_selectors_compare_dotted_paths() {
        let pod = json!({"metadata": {"name": "a"}, "status": {"phase": "Running"}});
        assert!(field_matches(&pod, "metadata.name=a").unwrap());
        assert!(field_matches(&pod, "metadata.name==a,status.phase!=Pending").unwrap());
        assert!(!field_matches(&pod, "status.phase=Pending").unwrap());
        assert_eq!(field_matches(&pod, "nonsense").unwrap_err().code, 400);
    }
}
