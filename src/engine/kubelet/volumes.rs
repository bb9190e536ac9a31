//! The kubelet's volume manager for the volumes it writes itself: `configMap`, `secret`
//! (decoded), `downwardAPI` and `projected` are written into the pod's directory when it
//! starts (`MountVolume.SetUp`), and rewritten at the pod's periodic sync after a source
//! changes. A `subPath` mount is a copy taken at container start that never updates, and
//! a container's environment is fixed when it starts, as upstream.
//!
//! The period: the kubelet resyncs each pod every `syncFrequency` (1 m) jittered by half
//! (`workerResyncIntervalJitterFactor`), so an update shows 60–90 s after the change; the
//! watch-based ConfigMap/Secret manager adds no further delay.

use super::super::apiserver::meta_str;
use super::super::clock::Timer;
use super::super::world::World;
use crate::engine::json::At;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Files by path inside a volume.
pub type VolumeFiles = BTreeMap<String, String>;

/// What the kubelet wrote for one pod.
#[derive(Debug, Clone, Default)]
pub struct Mounted {
    /// Each kubelet-written volume's files, by volume name.
    pub volumes: BTreeMap<String, VolumeFiles>,
    /// `subPath` mounts: (container, mount path) → the file as it was at container start.
    pub frozen: BTreeMap<(String, String), String>,
    /// Each container's environment as it was when the container started.
    pub env: BTreeMap<String, Vec<(String, String)>>,
    /// A periodic sync that rewrites the volumes is due.
    pub resync_pending: bool,
}

/// Why a volume could not be set up: `MountVolume.SetUp failed for volume "v" : …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountError {
    pub volume: String,
    pub reason: String,
}

impl std::fmt::Display for MountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MountVolume.SetUp failed for volume \"{}\" : {}",
            self.volume, self.reason
        )
    }
}

/// A ConfigMap's or Secret's keys and their text (a Secret's decoded).
fn source_data(w: &World, kind: &str, ns: &str, name: &str) -> Option<Map<String, Value>> {
    let obj = w.get(kind, ns, name)?;
    let mut data = Map::new();
    if kind == "ConfigMap" {
        for field in ["data", "binaryData"] {
            if let Some(m) = obj[field].as_object() {
                for (k, v) in m {
                    data.insert(k.clone(), v.clone());
                }
            }
        }
    } else if let Some(m) = obj["data"].as_object() {
        for (k, v) in m {
            let bytes = crate::base64::decode(v.as_str().unwrap_or("")).unwrap_or_default();
            data.insert(
                k.clone(),
                Value::String(String::from_utf8_lossy(&bytes).into()),
            );
        }
    }
    Some(data)
}

/// `configmap "x" not found` / `secret "x" not found`, as the kubelet's managers say.
pub fn not_found(kind: &str, name: &str) -> String {
    format!("{} \"{name}\" not found", kind.to_ascii_lowercase())
}

/// Writes a ConfigMap or Secret source (`items` pick keys and name their files; without
/// them every key is a file); an optional source that is missing writes nothing.
fn write_keys(
    w: &World,
    kind: &str,
    ns: &str,
    src: &Value,
    files: &mut VolumeFiles,
) -> Result<(), String> {
    let name_field = if kind == "ConfigMap" {
        "name"
    } else {
        "secretName"
    };
    let name = src[name_field]
        .as_str()
        .or_else(|| src["name"].as_str())
        .unwrap_or("");
    let optional = src["optional"].as_bool() == Some(true);
    let Some(data) = source_data(w, kind, ns, name) else {
        return if optional {
            Ok(())
        } else {
            Err(not_found(kind, name))
        };
    };
    match src["items"].as_array() {
        Some(items) => {
            for item in items {
                let key = item["key"].as_str().unwrap_or("");
                match data.get(key).and_then(Value::as_str) {
                    Some(v) => {
                        files.insert(item["path"].as_str().unwrap_or(key).to_string(), v.into());
                    }
                    None if optional => {}
                    None if kind == "ConfigMap" => {
                        return Err(format!(
                            "configmap references non-existent config key: {key}"
                        ))
                    }
                    None => return Err(format!("references non-existent secret key: {key}")),
                }
            }
        }
        None => {
            for (k, v) in &data {
                files.insert(k.clone(), v.as_str().unwrap_or("").to_string());
            }
        }
    }
    Ok(())
}

/// `fieldpath.FormatMap`: sorted `key="value"` lines without a final newline.
fn format_map(m: Option<&Map<String, Value>>) -> String {
    let mut lines: Vec<String> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", crate::gofmt::go_quote(v.as_str().unwrap_or(""))))
        .collect();
    crate::sort::sort(&mut lines);
    lines.join("\n")
}

/// A downward API item's text from the pod's fields.
fn downward_field(pod: &Value, path: &str) -> String {
    match path {
        "metadata.labels" => format_map(pod.at("/metadata/labels").and_then(Value::as_object)),
        "metadata.annotations" => {
            format_map(pod.at("/metadata/annotations").and_then(Value::as_object))
        }
        "metadata.name" | "metadata.namespace" | "metadata.uid" => {
            meta_str(pod, path.trim_start_matches("metadata.")).to_string()
        }
        "spec.nodeName" | "spec.serviceAccountName" | "status.podIP" | "status.hostIP" => {
            let (a, b) = path.split_once('.').unwrap_or(("", ""));
            pod[a][b].as_str().unwrap_or("").to_string()
        }
        _ => {
            let key = |prefix: &str| path.strip_prefix(prefix).and_then(|r| r.strip_suffix("']"));
            if let Some(k) = key("metadata.labels['") {
                pod["metadata"]["labels"][k].as_str().unwrap_or("").into()
            } else if let Some(k) = key("metadata.annotations['") {
                pod["metadata"]["annotations"][k]
                    .as_str()
                    .unwrap_or("")
                    .into()
            } else {
                String::new()
            }
        }
    }
}

fn write_downward(w: &World, pod: &Value, src: &Value, files: &mut VolumeFiles) {
    for item in src["items"].as_array().into_iter().flatten() {
        let path = item["path"].as_str().unwrap_or("").to_string();
        if let Some(field) = item.at("/fieldRef/fieldPath").and_then(Value::as_str) {
            files.insert(path, downward_field(pod, field));
        } else if let Some(r) = item.get("resourceFieldRef") {
            let value = crate::engine::container::resource_field(w, pod, "", r);
            files.insert(path, value.unwrap_or_default());
        }
    }
}

/// base64url without padding, as JWTs are written.
fn base64url(data: &[u8]) -> String {
    crate::base64::encode(data)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// A bound service account token as the kubelet gets it from the TokenRequest API: a JWT
/// with the claims a real one carries. Nothing in the playground checks its signature,
/// which is made from the pod's uid rather than a key.
fn token(w: &World, pod: &Value, src: &Value) -> String {
    let iat = w.now.div_euclid(1000);
    let exp = iat + src["expirationSeconds"].as_i64().unwrap_or(3607);
    let ns = meta_str(pod, "namespace");
    let sa = pod
        .at("/spec/serviceAccountName")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let uid = meta_str(pod, "uid");
    let issuer = "https://kubernetes.default.svc.cluster.local";
    let header = format!(r#"{{"alg":"RS256","kid":"{}"}}"#, base64url(uid.as_bytes()));
    let claims = crate::json!({
        "aud": [issuer], "exp": exp, "iat": iat, "iss": issuer, "jti": uid,
        "kubernetes.io": {"namespace": ns,
            "node": {"name": pod.at("/spec/nodeName").and_then(Value::as_str).unwrap_or("")},
            "pod": {"name": meta_str(pod, "name"), "uid": uid},
            "serviceaccount": {"name": sa}},
        "nbf": iat, "sub": format!("system:serviceaccount:{ns}:{sa}")});
    let signature: Vec<u8> = uid.bytes().cycle().take(256).collect();
    format!(
        "{}.{}.{}",
        base64url(header.as_bytes()),
        base64url(claims.to_string().as_bytes()),
        base64url(&signature)
    )
}

/// Writes one source (a volume, or one of a projected volume's sources); `None` for
/// sources the kubelet does not write (emptyDir, claims, host paths).
fn write_source(
    w: &World,
    pod: &Value,
    src: &Value,
    files: &mut VolumeFiles,
) -> Option<Result<(), String>> {
    let ns = meta_str(pod, "namespace");
    Some(if let Some(cm) = src.get("configMap") {
        write_keys(w, "ConfigMap", ns, cm, files)
    } else if let Some(secret) = src.get("secret") {
        write_keys(w, "Secret", ns, secret, files)
    } else if let Some(d) = src.get("downwardAPI") {
        write_downward(w, pod, d, files);
        Ok(())
    } else if let Some(t) = src.get("serviceAccountToken") {
        let path = t["path"].as_str().unwrap_or("token").to_string();
        files.insert(path, token(w, pod, t));
        Ok(())
    } else {
        return None;
    })
}

/// One volume's files, or `None` for volumes the kubelet does not write.
fn project(w: &World, pod: &Value, v: &Value) -> Option<Result<VolumeFiles, String>> {
    let mut files = VolumeFiles::new();
    let result = match v.get("projected") {
        Some(p) => p["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .try_for_each(|s| write_source(w, pod, s, &mut files).unwrap_or(Ok(()))),
        None => write_source(w, pod, v, &mut files)?,
    };
    Some(result.map(|()| files))
}

/// `MountVolume.SetUp` for every volume the kubelet writes, in the pod's order; each
/// volume that cannot be set up is one error (the kubelet reports each).
pub fn set_up(w: &World, pod: &Value) -> Result<BTreeMap<String, VolumeFiles>, Vec<MountError>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for v in listed(pod, "/spec/volumes") {
        let name = v["name"].as_str().unwrap_or("").to_string();
        match project(w, pod, v) {
            Some(Ok(files)) => {
                out.insert(name, files);
            }
            Some(Err(reason)) => errors.push(MountError {
                volume: name,
                reason,
            }),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The items of a list field of the pod (`/spec/volumes`, `/spec/containers`).
fn listed<'a>(pod: &'a Value, pointer: &str) -> impl Iterator<Item = &'a Value> {
    pod.at(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Mounts the volumes of a pod whose containers start now, with each container's
/// environment and `subPath` copies as they are at this moment.
pub fn mount(w: &mut World, pod: &Value, volumes: BTreeMap<String, VolumeFiles>) {
    let mut m = Mounted {
        volumes,
        ..Mounted::default()
    };
    for c in listed(pod, "/spec/containers") {
        let cname = c["name"].as_str().unwrap_or("");
        for vm in c["volumeMounts"].as_array().into_iter().flatten() {
            let (Some(sub), Some(vol)) = (vm["subPath"].as_str(), vm["name"].as_str()) else {
                continue;
            };
            if let Some(text) = m.volumes.get(vol).and_then(|f| f.get(sub)) {
                let at = vm["mountPath"].as_str().unwrap_or("").to_string();
                m.frozen.insert((cname.to_string(), at), text.clone());
            }
        }
    }
    w.kubelet
        .mounted
        .insert(meta_str(pod, "uid").to_string(), m);
    for c in listed(pod, "/spec/containers") {
        make_env(w, pod, c["name"].as_str().unwrap_or(""));
    }
}

/// The environment of a container starting now (first start or restart: a ConfigMap
/// changed meanwhile reaches it), as the kubelet makes it for every container it starts.
pub fn make_env(w: &mut World, pod: &Value, container: &str) {
    let t = crate::engine::container::Target {
        namespace: meta_str(pod, "namespace").to_string(),
        pod: meta_str(pod, "name").to_string(),
        container: container.to_string(),
    };
    let env = crate::engine::container::current_environment(w, &t);
    if let Some(m) = w.kubelet.mounted.get_mut(meta_str(pod, "uid")) {
        m.env.insert(container.to_string(), env);
    }
}

/// Whether a pod's volume reads the ConfigMap or Secret `name`.
fn reads(v: &Value, kind: &str, name: &str) -> bool {
    let (field, name_field) = if kind == "ConfigMap" {
        ("configMap", "name")
    } else {
        ("secret", "secretName")
    };
    if v.get(field).is_some_and(|s| s[name_field] == name) {
        return true;
    }
    v.at("/projected/sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|s| s.get(field).is_some_and(|s| s["name"] == name))
}

/// The pod's next periodic sync rewrites its volumes (once, however many changes).
fn schedule_resync(w: &mut World, pod: &Value) {
    let pending = w
        .kubelet
        .mounted
        .get_mut(meta_str(pod, "uid"))
        .map(|m| std::mem::replace(&mut m.resync_pending, true));
    if pending == Some(false) {
        let timer = Timer::Volumes {
            namespace: meta_str(pod, "namespace").to_string(),
            name: meta_str(pod, "name").to_string(),
            uid: meta_str(pod, "uid").to_string(),
        };
        let delay = w.rng.between(60_000, 90_000);
        w.timers.schedule(w.now + delay, timer);
    }
}

/// A ConfigMap or Secret changed: every started pod that mounts it rewrites its files at
/// its next periodic sync.
pub fn source_changed(w: &mut World, kind: &str, namespace: &str, name: &str) {
    let pods: Vec<Value> = w
        .store
        .list("Pod", Some(namespace))
        .filter(|p| w.kubelet.mounted.contains_key(meta_str(p, "uid")))
        .filter(|p| listed(p, "/spec/volumes").any(|v| reads(v, kind, name)))
        .map(|p| (**p).clone())
        .collect();
    for pod in pods {
        schedule_resync(w, &pod);
    }
}

/// Whether a downward API item writes the pod's labels or annotations (the fields
/// that can change while it runs).
fn writes_metadata(v: &Value) -> bool {
    let sources = v.at("/projected/sources").and_then(Value::as_array);
    let downward = std::iter::once(v).chain(sources.into_iter().flatten());
    downward
        .filter_map(|s| s.at("/downwardAPI/items").and_then(Value::as_array))
        .flatten()
        .filter_map(|i| i.at("/fieldRef/fieldPath").and_then(Value::as_str))
        .any(|f| f.starts_with("metadata.labels") || f.starts_with("metadata.annotations"))
}

/// A started pod changed: when its labels or annotations no longer read as its downward
/// API files do, its next periodic sync rewrites them.
pub fn pod_changed(w: &mut World, pod: &Value) {
    let Some(m) = w.kubelet.mounted.get(meta_str(pod, "uid")) else {
        return;
    };
    if m.resync_pending {
        return;
    }
    let stale = listed(pod, "/spec/volumes")
        .filter(|v| writes_metadata(v))
        .any(|v| {
            let fresh = project(w, pod, v).and_then(Result::ok);
            fresh.as_ref() != m.volumes.get(v["name"].as_str().unwrap_or(""))
        });
    if stale {
        schedule_resync(w, pod);
    }
}

/// The periodic sync after a source changed: rewrite the volumes that can be set up
/// (a source deleted meanwhile leaves the files as they were, as the kubelet does).
pub fn resync(w: &mut World, namespace: &str, name: &str, uid: &str) {
    let Some(pod) = w.get("Pod", namespace, name).cloned() else {
        return;
    };
    if meta_str(&pod, "uid") != uid {
        return;
    }
    // A stopped kubelet syncs nothing; the rewrite happens when it starts again.
    let node = super::containers::node_of(w, uid);
    let timer = Timer::Volumes {
        namespace: namespace.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
    };
    if super::power::park(w, &node, timer) {
        return;
    }
    let fresh: Vec<(String, VolumeFiles)> = listed(&pod, "/spec/volumes")
        .filter_map(|v| match project(w, &pod, v)? {
            Ok(files) => Some((v["name"].as_str().unwrap_or("").to_string(), files)),
            Err(_) => None,
        })
        .collect();
    if let Some(m) = w.kubelet.mounted.get_mut(uid) {
        m.resync_pending = false;
        for (vol, files) in fresh {
            m.volumes.insert(vol, files);
        }
    }
}

/// The first reason a container's environment cannot be made (`CreateContainerConfigError`):
/// a ConfigMap or Secret that `env` or `envFrom` needs and that is missing, or a key it lacks.
pub fn env_error(w: &World, pod: &Value, container: &Value) -> Option<String> {
    let ns = meta_str(pod, "namespace");
    for e in container["envFrom"].as_array().into_iter().flatten() {
        for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            let Some(r) = e.get(field) else { continue };
            let name = r["name"].as_str().unwrap_or("");
            if r["optional"].as_bool() != Some(true) && w.get(kind, ns, name).is_none() {
                return Some(not_found(kind, name));
            }
        }
    }
    for e in container["env"].as_array().into_iter().flatten() {
        for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
            let Some(r) = e.get("valueFrom").and_then(|f| f.get(field)) else {
                continue;
            };
            if r["optional"].as_bool() == Some(true) {
                continue;
            }
            let (name, key) = (
                r["name"].as_str().unwrap_or(""),
                r["key"].as_str().unwrap_or(""),
            );
            let Some(data) = source_data(w, kind, ns, name) else {
                return Some(not_found(kind, name));
            };
            if !data.contains_key(key) {
                return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{format_map, not_found, MountError};
    use crate::json;

    #[test]
    fn a_missing_source_reads_as_the_kubelets_failed_mount_event() {
        let e = MountError {
            volume: "config-volume".into(),
            reason: not_found("ConfigMap", "x"),
        };
        assert_eq!(
            e.to_string(),
            "MountVolume.SetUp failed for volume \"config-volume\" : configmap \"x\" not found"
        );
        assert_eq!(not_found("Secret", "s"), "secret \"s\" not found");
    }

    #[test]
    fn labels_file_is_sorted_quoted_lines_without_a_final_newline() {
        let m = json!({"zone": "us-est-coast", "cluster": "test-cluster1", "rack": "rack-22"});
        assert_eq!(
            format_map(m.as_object()),
            "cluster=\"test-cluster1\"\nrack=\"rack-22\"\nzone=\"us-est-coast\""
        );
    }
}
