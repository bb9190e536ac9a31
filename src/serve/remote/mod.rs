//! `pods/exec` and `pods/attach` (`kubectl exec`, `kubectl attach`) over kubectl's
//! WebSocket stream protocol, into the simulated container's shell (`engine::container`).
//!
//! As 1.34's API server does it: the request is checked first (the pod, the container,
//! a node to run on — refused with a plain metav1.Status, so kubectl's fallback from
//! WebSocket to SPDY gets the same refusal and prints it); then the connection is
//! upgraded, and what the kubelet would refuse (a container that is not running, a
//! stopped kubelet) arrives as an InternalError Status on the error channel — the API
//! server's stream translator reports the kubelet's refusal that way. SPDY/3.1, which
//! kubectl before 1.30 and some clients speak, is refused with a Status that says so.

mod channel;
mod session;
mod tty;

use super::engine::{Api, Engine};
use super::http::Req;
use super::status::{self, Status};
use crate::engine::container::Target;
use crate::engine::kubelet::streaming::{self, StreamRequest};
use serde_json::Value;

/// Whether a request is for `pods/NAME/exec` or `pods/NAME/attach`.
pub fn wants(req: &Req) -> bool {
    matches!(super::api::target(&req.path), Ok(t)
        if t.resource.kind == "Pod"
            && t.name.is_some()
            && matches!(t.subresource.as_deref(), Some("exec" | "attach")))
}

/// What the client asked for, from the query (`command` repeats, one word each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ask {
    pub attach: bool,
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub command: Vec<String>,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

fn ask(url: &str, req: &Req) -> Result<Ask, Status> {
    let t = super::api::target(&req.path)?;
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let command = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == "command")
        .map(|(_, v)| crate::form::percent_decode(v).unwrap_or_else(|| v.to_string()))
        .collect();
    Ok(Ask {
        attach: t.subresource.as_deref() == Some("attach"),
        namespace: t.namespace.clone().unwrap_or_default(),
        pod: t.name.clone().unwrap_or_default(),
        container: req
            .param("container")
            .filter(|c| !c.is_empty())
            .map(String::from),
        command,
        stdin: req.flag("stdin"),
        stdout: req.flag("stdout"),
        stderr: req.flag("stderr"),
        tty: req.flag("tty"),
    })
}

/// A request that passed the API server's checks: where it runs, and what the kubelet
/// will say about it (`Err`: its refusal, sent after the upgrade).
pub struct Checked {
    pub target: Target,
    pub kubelet: Result<Container, String>,
}

/// What the session needs to know of the container.
#[derive(Debug, Clone)]
pub struct Container {
    /// `spec.containers[].stdin`: whether its process reads what an attach sends.
    pub stdin: bool,
    pub uid: String,
    pub container_id: String,
}

/// The API server's checks (`ExecLocation`/`AttachLocation`), then the kubelet's.
fn check(api: &Api, a: &Ask) -> Result<Checked, Status> {
    let pod = api
        .cluster
        .get("Pod", &a.namespace, &a.pod)
        .ok_or_else(|| {
            status::from_api_error(&crate::engine::ApiError::not_found("pods", &a.pod), "")
        })?;
    let specs: Vec<&Value> = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|k| pod["spec"][*k].as_array())
        .flatten()
        .collect();
    let names: Vec<&str> = specs.iter().filter_map(|c| c["name"].as_str()).collect();
    let container = match &a.container {
        Some(c) if names.contains(&c.as_str()) => c.clone(),
        Some(c) => {
            return Err(status::bad_request(format!(
                "container {c} is not valid for pod {}",
                a.pod
            )))
        }
        None if names.len() == 1 => names[0].to_string(),
        None => {
            return Err(status::bad_request(format!(
                "a container name must be specified for pod {}, choose one of: [{}]",
                a.pod,
                names.join(" ")
            )))
        }
    };
    if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
        return Err(status::bad_request(format!(
            "pod {} does not have a host assigned",
            a.pod
        )));
    }
    if !(a.stdin || a.stdout || a.stderr) {
        return Err(status::bad_request(
            "you must specify at least 1 of stdin, stdout, stderr",
        ));
    }
    if !a.attach && a.command.is_empty() {
        return Err(status::bad_request("you must specify at least one command"));
    }
    let target = Target {
        namespace: a.namespace.clone(),
        pod: a.pod.clone(),
        container: container.clone(),
    };
    let status = ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|k| pod["status"][*k].as_array())
        .flatten()
        .find(|s| s["name"] == container.as_str());
    let running_id = status
        .filter(|s| s["state"]["running"].is_object())
        .and_then(|s| s["containerID"].as_str())
        .map(String::from);
    let stream = StreamRequest {
        subresource: if a.attach { "attach" } else { "exec" },
        container: &container,
        command: &a.command,
        stdin: a.stdin,
        stdout: a.stdout,
        stderr: a.stderr,
        tty: a.tty,
    };
    let kubelet = if let Some(refusal) = streaming::refused_stream(&api.cluster, pod, &stream) {
        Err(refusal)
    } else if let Some(container_id) = running_id {
        Ok(Container {
            stdin: specs
                .iter()
                .find(|c| c["name"] == container.as_str())
                .is_some_and(|c| c["stdin"] == true),
            uid: pod["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            container_id,
        })
    } else {
        Err(stream.container_not_found(&a.namespace, &a.pod))
    };
    Ok(Checked { target, kubelet })
}

fn respond(request: tiny_http::Request, s: &Status) {
    super::http::respond(request, status::reply(s));
}

/// The subprotocol to speak: the first the client offers that is served.
fn negotiate(offered: &str) -> Option<&'static str> {
    offered
        .split(',')
        .map(str::trim)
        .find_map(|p| channel::PROTOCOLS.iter().find(|s| **s == p).copied())
}

/// Serves one exec or attach request on its own thread, for as long as the session lasts.
pub fn serve(request: tiny_http::Request, req: Req, engine: &Engine) {
    let a = match ask(request.url(), &req) {
        Ok(a) => a,
        Err(s) => return respond(request, &s),
    };
    let upgrade = super::http::header(&request, "Upgrade").to_ascii_lowercase();
    if upgrade.is_empty() {
        return respond(request, &status::bad_request("Upgrade request required"));
    }
    let asked = a.clone();
    let checked = match engine.call(move |api| check(api, &asked)) {
        Some(Ok(c)) => c,
        Some(Err(s)) => return respond(request, &s),
        None => {
            return respond(
                request,
                &status::internal("the request could not be served"),
            )
        }
    };
    if upgrade != "websocket" {
        return respond(
            request,
            &status::bad_request(format!(
                "kubeplay serve streams exec and attach over WebSocket ({}), not {upgrade}: use kubectl 1.30 or newer, or a client that speaks WebSocket",
                channel::PROTOCOLS.join(", ")
            )),
        );
    }
    let offered = super::http::header(&request, "Sec-WebSocket-Protocol");
    let Some(protocol) = negotiate(&offered) else {
        return respond(
            request,
            &status::bad_request(format!(
                "kubeplay serve speaks the WebSocket subprotocols {}; the client offered {offered:?}",
                channel::PROTOCOLS.join(", ")
            )),
        );
    };
    let key = super::http::header(&request, "Sec-WebSocket-Key");
    if key.is_empty() {
        return respond(
            request,
            &status::bad_request("a WebSocket upgrade needs a Sec-WebSocket-Key"),
        );
    }
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let mut response = tiny_http::Response::empty(101);
    for (name, value) in [
        ("Sec-WebSocket-Accept", accept.as_str()),
        ("Sec-WebSocket-Protocol", protocol),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(h);
        }
    }
    let stream = request.upgrade("websocket", response);
    let v5 = protocol == channel::PROTOCOLS[0];
    session::run(engine, &a, checked, channel::Channels::new(stream), v5);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_served_subprotocol_the_client_offers_is_spoken() {
        assert_eq!(negotiate("v5.channel.k8s.io"), Some("v5.channel.k8s.io"));
        assert_eq!(
            negotiate("channel.k8s.io, v4.channel.k8s.io"),
            Some("v4.channel.k8s.io")
        );
        assert_eq!(negotiate("base64.channel.k8s.io"), None);
    }

    #[test]
    fn repeated_command_words_are_kept_in_order() {
        let url = "/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo%20hi&container=web&stdout=true";
        let (path, query) = super::super::http::split_url(url);
        let req = Req {
            method: "GET".into(),
            path,
            query,
            ..Req::default()
        };
        let a = ask(url, &req).unwrap();
        assert_eq!(a.command, vec!["sh", "-c", "echo hi"]);
        assert_eq!(a.container.as_deref(), Some("web"));
        assert!(a.stdout && !a.stdin && !a.attach);
    }
}
