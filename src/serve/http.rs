//! HTTP on tiny_http: a request becomes a plain `Req` (so it can cross to the engine
//! thread), the engine's `Reply` becomes the response. Watches stream from here.

use super::engine::Engine;
use super::status;
use crate::engine::rbac::authorizer::UserInfo;
use std::collections::BTreeMap;
use std::io::Read;

/// The API server's request body limit (apiserver's `MaxRequestBodyBytes`, 3 MiB).
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// One request, as the API layer needs it.
#[derive(Debug, Clone, Default)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub accept: String,
    pub content_type: String,
    pub body: Vec<u8>,
    /// The client's `User-Agent`: a write without `fieldManager` is recorded under its
    /// first word (`kubectl/v1.34.5 (…)` → `kubectl`).
    pub user_agent: String,
    /// Whom the `Impersonate-User` (and `Impersonate-Group`) headers name, if any.
    pub impersonate: Option<UserInfo>,
}

impl Req {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.param(key), Some("true" | "1"))
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub code: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(code: u16, v: &serde_json::Value) -> Reply {
        Reply::typed(code, "application/json", v)
    }

    pub fn typed(code: u16, content_type: &str, v: &serde_json::Value) -> Reply {
        Reply {
            code,
            content_type: content_type.to_string(),
            body: serde_json::to_vec(v).unwrap_or_default(),
        }
    }

    pub fn text(code: u16, text: String) -> Reply {
        Reply {
            code,
            content_type: "text/plain".to_string(),
            body: text.into_bytes(),
        }
    }
}

/// `%XX` and `+` in a query component; a broken escape stays as it was sent (Go's
/// `url.ParseQuery` drops the pair, and the path then reads as a 404 or the server's error).
fn unescape(s: &str) -> String {
    crate::form::percent_decode(s).unwrap_or_else(|| s.to_string())
}

pub fn split_url(url: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut q = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        q.insert(unescape(k), unescape(v));
    }
    (unescape(path), q)
}

pub(super) fn header(request: &tiny_http::Request, name: &'static str) -> String {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default()
}

/// The user of kubectl's `--as` (`Impersonate-User`) with its `--as-group`s.
fn impersonated(request: &tiny_http::Request) -> Option<UserInfo> {
    let name = header(request, "Impersonate-User");
    if name.is_empty() {
        return None;
    }
    let groups: Vec<String> = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Impersonate-Group"))
        .map(|h| h.value.as_str().to_string())
        .collect();
    Some(UserInfo::impersonated(&name, &groups))
}

pub fn handle(mut request: tiny_http::Request, engine: &Engine) {
    let (path, query) = split_url(request.url());
    let mut req = Req {
        method: request.method().as_str().to_ascii_uppercase(),
        path,
        query,
        accept: header(&request, "Accept"),
        content_type: header(&request, "Content-Type"),
        body: Vec::new(),
        user_agent: header(&request, "User-Agent"),
        impersonate: impersonated(&request),
    };
    // Streams (watches, followed logs, exec) are authorized here; the rest as they are
    // answered.
    if req.impersonate.is_some() {
        let asked = req.clone();
        if let Some(Some(reply)) = engine.call(move |api| super::authz::filter(api, &asked)) {
            return respond(request, reply);
        }
    }
    // exec and attach: a stream into the container (`remote/`), upgraded or refused there.
    if super::remote::wants(&req) {
        return super::remote::serve(request, req, engine);
    }
    // An upgrade (port-forward over WebSocket or SPDY) has no body to read:
    // tiny_http hands the rest of the connection over as one. It is refused unread.
    if !header(&request, "Upgrade").is_empty() {
        let what = req.path.rsplit('/').next().unwrap_or("").to_string();
        let reply = status::reply(&status::bad_request(format!(
            "kubeplay serve does not serve {what} streams (WebSocket/SPDY upgrades) yet; kubectl port-forward is not simulated"
        )));
        return respond(request, reply);
    }
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body);
    let reply = if read.is_err() {
        status::reply(&status::bad_request("the request body could not be read"))
    } else if body.len() > MAX_BODY {
        status::reply(&status::too_large())
    } else {
        req.body = body;
        if req.method == "GET" && req.flag("watch") {
            return super::watch::serve(request, req, engine);
        }
        if super::log_follow::wants(&req) {
            return super::log_follow::serve(request, req, engine);
        }
        let deprecated = deprecation(&req.path);
        let (reply, mut warnings) = engine
            .call(move |api| {
                api.cluster.take_warnings();
                let reply = super::api::handle(api, &req);
                (reply, api.cluster.take_warnings())
            })
            .unwrap_or_else(|| {
                let reply = status::reply(&status::internal("the request could not be served"));
                (reply, Vec::new())
            });
        // Writes of Endpoints carry it from the engine already.
        if let Some(d) = deprecated.filter(|d| !warnings.iter().any(|w| w == d)) {
            warnings.insert(0, d.to_string());
        }
        return respond_warnings(request, reply, &warnings);
    };
    respond(request, reply);
}

/// The warning kube-apiserver 1.34 sends with every request for a deprecated API
/// (kubectl prints it as `Warning: …` on stderr).
fn deprecation(path: &str) -> Option<&'static str> {
    let t = super::api::target(path).ok()?;
    (t.resource.kind == "Endpoints" && t.resource.group.is_empty())
        .then_some(crate::engine::apiserver::ENDPOINTS_DEPRECATED)
}

pub(super) fn respond(request: tiny_http::Request, reply: Reply) {
    respond_warnings(request, reply, &[]);
}

/// The reply with one `Warning: 299 - "…"` header per warning, in order.
fn respond_warnings(request: tiny_http::Request, reply: Reply, warnings: &[String]) {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.code);
    if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", reply.content_type.as_bytes()) {
        response.add_header(h);
    }
    for w in warnings {
        // A quoted-string: the text's backslashes and quotes escaped.
        let text = w.replace('\\', "\\\\").replace('"', "\\\"");
        let value = format!("299 - \"{text}\"");
        if let Ok(h) = tiny_http::Header::from_bytes("Warning", value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_are_unescaped() {
        let (path, q) = split_url("/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+(a)&watch=1");
        assert_eq!(path, "/api/v1/pods");
        assert_eq!(q["labelSelector"], "app=web,tier in (a)");
        assert_eq!(q["watch"], "1");
        let (_, q) = split_url("/x?bad=%zz&end=%4");
        assert_eq!(q["bad"], "%zz");
        assert_eq!(q["end"], "%4");
    }
}
