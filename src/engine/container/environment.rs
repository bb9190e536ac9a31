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

/// A `valueFrom` source: a field of the pod, or a key of a ConfigMap or Secret (a
/// missing one leaves the variable out, as an `optional` reference does).
fn value_from(c: &World, pod: &Value, ns: &str, from: &Value) -> Option<String> {
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

/// The environment a container sees: PATH, HOSTNAME, its `env`, Service links, HOME.
pub fn environment(c: &World, t: &Target) -> Vec<(String, String)> {
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
    if let Some(list) = p
        .at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|x| x["name"] == t.container.as_str()))
        .and_then(|x| x["env"].as_array())
    {
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
                None => value_from(c, p, &t.namespace, &e["valueFrom"]),
            };
            if let Some(v) = value {
                env.push((k.to_string(), v));
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
