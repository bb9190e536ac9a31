//! The environment a container's processes see: PATH, HOSTNAME, the container's `env`,
//! the Service link variables (`WEB_SERVICE_HOST`, `WEB_PORT_80_TCP`, …) of the Services
//! that existed when the pod was created, and what its image sets.

use super::Target;
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::registry::ImageRef;
use crate::engine::world::World;
use serde_json::Value;

pub(super) fn pod<'a>(c: &'a World, t: &Target) -> Option<&'a Value> {
    c.get("Pod", &t.namespace, &t.pod).map(|p| &**p)
}

pub(super) fn image_of(pod: &Value, container: &str) -> String {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["image"].as_str())
        .unwrap_or("")
        .to_string()
}

pub(super) fn repo_of(image: &str) -> String {
    ImageRef::parse(image)
        .map(|r| r.repository)
        .unwrap_or_default()
}

/// A `resourceFieldRef` (downward API) as the kubelet resolves it: the container's
/// request or limit (a limit not set is the node's allocatable), divided by `divisor` and
/// rounded up — cpu in millicores, memory and ephemeral storage in bytes.
pub fn resource_field(c: &World, pod: &Value, container: &str, r: &Value) -> Option<String> {
    use crate::engine::quantity;
    let name = r["containerName"].as_str().unwrap_or(container);
    let spec = pod
        .at("/spec/containers")
        .and_then(Value::as_array)?
        .iter()
        .find(|x| x["name"] == name)?;
    let resource = r["resource"].as_str()?;
    let (kind, what) = resource.split_once('.')?;
    let cpu = what == "cpu";
    let amount = |q: &Value| {
        if cpu {
            quantity::cpu_millis(q)
        } else {
            quantity::bytes(q)
        }
    };
    let set = spec["resources"][kind].get(what).and_then(amount);
    let value = match (set, kind) {
        (Some(v), _) => v,
        (None, "limits") => {
            let node = pod
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .unwrap_or("");
            c.get("Node", "", node)
                .and_then(|n| {
                    n.at(&format!("/status/allocatable/{what}"))
                        .and_then(amount)
                })
                .unwrap_or(0)
        }
        _ => 0,
    };
    let divisor = r
        .get("divisor")
        .and_then(amount)
        .filter(|d| *d > 0)
        .unwrap_or(if cpu { 1000 } else { 1 });
    Some(((value + divisor - 1) / divisor).to_string())
}

/// A `valueFrom` source: a field of the pod, or a key of a ConfigMap or Secret (a
/// missing one leaves the variable out, as an `optional` reference does).
fn value_from(c: &World, pod: &Value, ns: &str, container: &str, from: &Value) -> Option<String> {
    if let Some(r) = from.get("resourceFieldRef") {
        return resource_field(c, pod, container, r);
    }
    if let Some(path) = from.at("/fieldRef/fieldPath").and_then(Value::as_str) {
        let pointer = match path {
            "metadata.name" => "/metadata/name",
            "metadata.namespace" => "/metadata/namespace",
            "metadata.uid" => "/metadata/uid",
            "spec.nodeName" => "/spec/nodeName",
            "spec.serviceAccountName" => "/spec/serviceAccountName",
            "status.podIP" => "/status/podIP",
            "status.hostIP" => "/status/hostIP",
            _ => {
                let key = path
                    .strip_prefix("metadata.labels['")
                    .map(|k| ("labels", k))
                    .or_else(|| {
                        path.strip_prefix("metadata.annotations['")
                            .map(|k| ("annotations", k))
                    })?;
                let name = key.1.strip_suffix("']")?;
                return pod["metadata"][key.0][name].as_str().map(String::from);
            }
        };
        return pod.at(pointer).and_then(Value::as_str).map(String::from);
    }
    for (kind, field) in [("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")] {
        let Some(r) = from.get(field) else {
            continue;
        };
        let obj = c.get(kind, ns, r["name"].as_str().unwrap_or(""))?;
        let key = r["key"].as_str().unwrap_or("");
        if kind == "ConfigMap" {
            return obj["data"][key].as_str().map(String::from);
        }
        if let Some(v) = obj["stringData"][key].as_str() {
            return Some(v.to_string());
        }
        let bytes = crate::base64::decode(obj["data"][key].as_str()?).ok()?;
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    None
}

/// The kubelet's `$(VAR)` expansion of env values, `command` and `args`: a defined
/// variable is replaced, an undefined reference stays as written, `$$` is one `$`.
pub fn expand_references(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match lookup(name) {
                        Some(v) => out.push_str(&v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// (name, cluster IP, [(port, protocol)]) of a Service a pod gets variables for.
type ServiceLink = (String, String, Vec<(i64, String)>);

/// Sets `k` (a later `env` entry replaces an `envFrom` key of the same name).
fn set(env: &mut Vec<(String, String)>, k: &str, v: String) {
    match env.iter_mut().find(|(ek, _)| ek == k) {
        Some(e) => e.1 = v,
        None => env.push((k.to_string(), v)),
    }
}

/// `envFrom`: every key of each ConfigMap or Secret (decoded), behind its `prefix`.
fn env_from(c: &World, ns: &str, container: &Value, env: &mut Vec<(String, String)>) {
    for e in container["envFrom"].as_array().into_iter().flatten() {
        let prefix = e["prefix"].as_str().unwrap_or("");
        for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            let Some(obj) = e
                .get(field)
                .and_then(|r| c.get(kind, ns, r["name"].as_str()?))
            else {
                continue;
            };
            for (k, v) in obj["data"].as_object().into_iter().flatten() {
                let text = v.as_str().unwrap_or("");
                let value = if kind == "Secret" {
                    let bytes = crate::base64::decode(text).unwrap_or_default();
                    String::from_utf8_lossy(&bytes).into_owned()
                } else {
                    text.to_string()
                };
                set(env, &format!("{prefix}{k}"), value);
            }
        }
    }
}

/// The environment a container sees: fixed when it started (a ConfigMap changed later
/// does not reach it), or, before that, what it would get now.
pub fn environment(c: &World, t: &Target) -> Vec<(String, String)> {
    let started = pod(c, t).and_then(|p| {
        c.kubelet
            .mounted
            .get(meta_str(p, "uid"))?
            .env
            .get(&t.container)
    });
    match started {
        Some(env) => env.clone(),
        None => current_environment(c, t),
    }
}

/// PATH, HOSTNAME, its `envFrom` and `env`, Service links, HOME, as a container
/// starting now gets them.
pub fn current_environment(c: &World, t: &Target) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".to_string(), t.pod.clone()),
    ];
    let Some(p) = pod(c, t) else {
        return env;
    };
    let container = p
        .at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|x| x["name"] == t.container.as_str()));
    if let Some(x) = container {
        env_from(c, &t.namespace, x, &mut env);
    }
    if let Some(list) = container.and_then(|x| x["env"].as_array()) {
        for e in list {
            let Some(k) = e["name"].as_str() else {
                continue;
            };
            let value = match e["value"].as_str() {
                // `$(VAR)` names a variable declared before this one.
                Some(v) => Some(expand_references(v, &|name| {
                    env.iter()
                        .rev()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                })),
                None => value_from(c, p, &t.namespace, &t.container, &e["valueFrom"]),
            };
            if let Some(v) = value {
                set(&mut env, k, v);
            }
        }
    }
    let created = meta_str(p, "creationTimestamp").to_string();
    let links = p.at("/spec/enableServiceLinks") != Some(&Value::Bool(false));
    let mut services: Vec<ServiceLink> = Vec::new();
    for s in c.store.list("Service", Some(&t.namespace)) {
        let name = meta_str(s, "name").to_string();
        if name != "kubernetes" && (!links || meta_str(s, "creationTimestamp") > created.as_str()) {
            continue;
        }
        let ip = s
            .at("/spec/clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let ports = s["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["port"].as_i64().unwrap_or(0),
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                )
            })
            .collect();
        services.push((name, ip.to_string(), ports));
    }
    if t.namespace != "default" || !services.iter().any(|s| s.0 == "kubernetes") {
        services.insert(
            0,
            (
                "kubernetes".into(),
                "10.96.0.1".into(),
                vec![(443, "TCP".into())],
            ),
        );
    }
    for (name, ip, ports) in services {
        let prefix = name.to_ascii_uppercase().replace('-', "_");
        let Some((first, proto)) = ports.first().cloned() else {
            continue;
        };
        env.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
        env.push((format!("{prefix}_SERVICE_PORT"), first.to_string()));
        if name == "kubernetes" {
            env.push((format!("{prefix}_SERVICE_PORT_HTTPS"), "443".into()));
        }
        let lp = proto.to_ascii_lowercase();
        env.push((format!("{prefix}_PORT"), format!("{lp}://{ip}:{first}")));
        for (port, proto) in &ports {
            let lp = proto.to_ascii_lowercase();
            let base = format!("{prefix}_PORT_{port}_{proto}");
            env.push((base.clone(), format!("{lp}://{ip}:{port}")));
            env.push((format!("{base}_PROTO"), lp.clone()));
            env.push((format!("{base}_PORT"), port.to_string()));
            env.push((format!("{base}_ADDR"), ip.clone()));
        }
    }
    let image = image_of(p, &t.container);
    if repo_of(&image).ends_with("/nginx") {
        env.push(("NGINX_VERSION".into(), nginx_version(&image)));
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

/// The `NGINX_VERSION` an official nginx image sets: a full `x.y.z` tag is that
/// version; a minor tag is its last patch release (as of the playground's 2025 clock);
/// anything else (`latest`, `mainline`, no tag) is the current mainline.
fn nginx_version(image: &str) -> String {
    let tag = ImageRef::parse(image).map(|r| r.tag).unwrap_or_default();
    let version = tag.split('-').next().unwrap_or("");
    if version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()) {
        return version.to_string();
    }
    match version {
        "1.24" => "1.24.0",
        "1.25" => "1.25.5",
        "1.26" => "1.26.3",
        "1.27" => "1.27.5",
        "1.28" | "stable" => "1.28.0",
        _ => "1.29.1",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::{expand_references, nginx_version};

    #[test]
    fn nginx_images_name_the_version_of_their_tag() {
        assert_eq!(nginx_version("nginx:1.27"), "1.27.5");
        assert_eq!(nginx_version("nginx:1.27.3-alpine"), "1.27.3");
        assert_eq!(nginx_version("nginx:1.28"), "1.28.0");
        assert_eq!(nginx_version("nginx"), "1.29.1");
        assert_eq!(nginx_version("nginx:latest"), "1.29.1");
    }

    #[test]
    fn references_expand_like_the_kubelet() {
        let lookup = |k: &str| (k == "MESSAGE").then(|| "hello world".to_string());
        assert_eq!(expand_references("$(MESSAGE)", &lookup), "hello world");
        assert_eq!(
            expand_references("$(NOPE) $$(MESSAGE) $x", &lookup),
            "$(NOPE) $(MESSAGE) $x"
        );
        assert_eq!(expand_references("a$(MESSAGE", &lookup), "a$(MESSAGE");
    }
}
