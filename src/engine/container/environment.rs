//! The environment a container's processes see: PATH, HOSTNAME, the container's `env`,
//! the Service link variables (`WEB_SERVICE_HOST`, `WEB_PORT_80_TCP`, …) of the Services
//! that existed when the pod was created, and what its image sets.

use super::Target;
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::registry::ImageRef;
use crate::engine::Cluster;
use serde_json::Value;

pub(super) fn pod<'a>(c: &'a Cluster, t: &Target) -> Option<&'a Value> {
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

/// (name, cluster IP, [(port, protocol)]) of a Service a pod gets variables for.
type ServiceLink = (String, String, Vec<(i64, String)>);

/// The environment a container sees: PATH, HOSTNAME, its `env`, Service links, HOME.
pub fn environment(c: &Cluster, t: &Target) -> Vec<(String, String)> {
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
            if let (Some(k), Some(v)) = (e["name"].as_str(), e["value"].as_str()) {
                env.push((k.to_string(), v.to_string()));
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
    if repo_of(&image_of(p, &t.container)).ends_with("/nginx") {
        env.push(("NGINX_VERSION".into(), "1.29.1".into()));
    }
    env.push(("HOME".into(), "/root".into()));
    env
}
