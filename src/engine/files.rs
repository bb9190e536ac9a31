//! What containers wrote to their filesystems (`kubectl exec … -- sh -c 'echo hi > f'`):
//! files on a PersistentVolumeClaim live with the claim, so they survive the pod being
//! recreated; files anywhere else (the container's own layer, an emptyDir) live with the
//! pod's uid and are gone with it. Plain data in the world, so a replay rebuilds it like
//! the rest.

use super::world::World;
use crate::engine::json::At;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a path of a pod's container is stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Volume {
    /// (namespace, claim name)
    Claim(String, String),
    /// The pod's uid (each container's own layer).
    Pod(String),
    /// (pod uid, volume name): an emptyDir, shared by the pod's containers that mount it.
    EmptyDir(String, String),
}

#[derive(Debug, Clone, Default)]
pub struct Files {
    /// volume → path inside the volume (or absolute path for `Pod`) → contents
    pub data: BTreeMap<Volume, BTreeMap<String, String>>,
}

/// The volume holding `path` in `container` of `pod`, and the path inside that volume.
pub fn locate(pod: &Value, container: &str, path: &str) -> (Volume, String) {
    let ns = pod
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let uid = pod
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let c = pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container));
    let mounts = c
        .and_then(|c| c["volumeMounts"].as_array())
        .cloned()
        .unwrap_or_default();
    // The longest mount path containing `path` wins.
    let best = mounts
        .iter()
        .filter_map(|m| {
            let mp = m["mountPath"].as_str()?.trim_end_matches('/');
            let inside = path == mp || path.starts_with(&format!("{mp}/"));
            inside.then_some((mp.len(), m))
        })
        .max_by_key(|(len, _)| *len);
    if let Some((len, m)) = best {
        let vol_name = m["name"].as_str().unwrap_or("");
        let volume = pod
            .at("/spec/volumes")
            .and_then(Value::as_array)
            .and_then(|vs| vs.iter().find(|v| v["name"] == vol_name));
        let rel = path[len..].trim_start_matches('/').to_string();
        let claim = volume
            .and_then(|v| v.at("/persistentVolumeClaim/claimName"))
            .and_then(Value::as_str);
        if let Some(claim) = claim {
            return (Volume::Claim(ns.to_string(), claim.to_string()), rel);
        }
        if volume.is_some_and(|v| v.get("emptyDir").is_some()) {
            return (Volume::EmptyDir(uid, vol_name.to_string()), rel);
        }
    }
    (Volume::Pod(uid), path.to_string())
}

impl World {
    /// Writes (or appends to) a file in a pod's container.
    pub fn write_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        path: &str,
        text: &str,
        append: bool,
    ) {
        let Some(p) = self.get("Pod", namespace, pod).cloned() else {
            return;
        };
        let (vol, rel) = locate(&p, container, path);
        let entry = self
            .files
            .data
            .entry(vol)
            .or_default()
            .entry(rel)
            .or_default();
        if !append {
            entry.clear();
        }
        entry.push_str(text);
    }

    /// Removes a file a container wrote; false when there was none.
    pub fn remove_file(&mut self, namespace: &str, pod: &str, container: &str, path: &str) -> bool {
        let Some(p) = self.get("Pod", namespace, pod).cloned() else {
            return false;
        };
        let (vol, rel) = locate(&p, container, path);
        self.files
            .data
            .get_mut(&vol)
            .is_some_and(|files| files.remove(&rel).is_some())
    }

    /// A file a container sees, if something wrote it.
    pub fn read_file(&self, pod: &Value, container: &str, path: &str) -> Option<&String> {
        let (vol, rel) = locate(pod, container, path);
        self.files.data.get(&vol)?.get(&rel)
    }

    /// Paths written under directory `dir` (absolute, as the container sees them).
    pub fn list_files(&self, pod: &Value, container: &str, dir: &str) -> Vec<String> {
        let dir = dir.trim_end_matches('/');
        let (vol, rel) = locate(pod, container, dir);
        let Some(files) = self.files.data.get(&vol) else {
            return Vec::new();
        };
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{}/", rel.trim_end_matches('/'))
        };
        let mut names: Vec<String> = files
            .keys()
            .filter_map(|k| {
                k.strip_prefix(&prefix).or(if prefix.is_empty() {
                    Some(k.as_str())
                } else {
                    None
                })
            })
            .map(|rest| {
                rest.trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
        names
    }

    /// Forgets a deleted pod's own files (its claims keep theirs).
    pub fn forget_pod_files(&mut self, uid: &str) {
        self.files.data.remove(&Volume::Pod(uid.to_string()));
        self.files
            .data
            .retain(|v, _| !matches!(v, Volume::EmptyDir(u, _) if u == uid));
    }
}
