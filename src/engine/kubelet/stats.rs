//! What each container uses, as the kubelet's cAdvisor measures it and metrics-server
//! serves it to `kubectl top`: an idle footprint per program, the memory a program holds
//! (`stress --vm-bytes`), and the CPU a program keeps busy (`stress --cpu`, a shell loop
//! that never sleeps, `yes > /dev/null`) — capped by `limits.cpu`, which the kernel's CFS
//! quota enforces by throttling, never by killing.

use super::containers::argv_of;
use crate::engine::apiserver::meta_str;
use crate::engine::container::{cpu_demand, memory_use};
use crate::engine::json::At;
use crate::engine::quantity;
use crate::engine::registry::{self, ImageRef};
use crate::engine::world::World;
use serde_json::Value;

/// One container's (or pod's, or node's) usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, o: Usage) {
        self.cpu_millis += o.cpu_millis;
        self.memory_bytes += o.memory_bytes;
    }
}

const MI: i64 = 1 << 20;

/// (millicores, MiB) a container of this image typically uses when idle.
fn footprint(image: &str) -> (i64, i64) {
    let repo = ImageRef::parse(image)
        .map(|r| r.repository)
        .unwrap_or_default();
    let base = repo.rsplit('/').next().unwrap_or("");
    match base {
        "nginx" | "nginx-slim" => (1, 3),
        "busybox" => (0, 1),
        "httpd" => (1, 8),
        "redis" => (2, 3),
        "postgres" => (5, 25),
        "mysql" => (8, 380),
        "k8s-demo" => (1, 21),
        _ => (1, 5),
    }
}

/// FNV-1a of a name: steady per-object variation, whatever the seed.
pub fn spread(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A pod whose containers run (metrics-server reports no other).
pub fn measured(pod: &Value) -> bool {
    pod.at("/status/phase").and_then(Value::as_str) == Some("Running")
        && pod.at("/metadata/deletionTimestamp").is_none()
}

/// What a busy container gets when its demand meets its CFS quota: the quota, less the
/// slack of a 100 ms period cut short (a throttled `-cpus 2` under `cpu: 1` reads
/// about 970m–1000m, as the tutorial's 974m).
fn throttled(demand: i64, quota: Option<i64>, cpus: i64, h: u64) -> i64 {
    match quota {
        Some(q) if demand >= q => q - (h % 30) as i64 * q / 1000,
        _ if demand >= cpus => cpus - (h % 30) as i64 * cpus / 1000,
        _ => demand,
    }
}

/// Each container's usage in a running pod, by container name.
pub fn pod_usage(w: &World, pod: &Value) -> Vec<(String, Usage)> {
    let h = spread(meta_str(pod, "name"));
    let uid = meta_str(pod, "uid");
    let rt = w.kubelet.pods.get(uid);
    let cpus = rt
        .and_then(|rt| w.get("Node", "", &rt.node))
        .and_then(|n| n.at("/status/capacity/cpu"))
        .and_then(quantity::cpu_millis)
        .unwrap_or(8000);
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            let name = c["name"].as_str().unwrap_or("");
            let (idle_cpu, idle_mib) = footprint(c["image"].as_str().unwrap_or(""));
            let jitter = ((h >> (i * 8)) % 3) as i64;
            let image = c["image"]
                .as_str()
                .and_then(|i| ImageRef::parse(i).ok())
                .and_then(|r| registry::lookup(&r));
            let argv = argv_of(c, image);
            // What the program holds (stress's --vm-bytes), under its limit (a
            // container over it is OOMKilled, not running).
            let held = memory_use(&argv).unwrap_or(0);
            let spinning = rt
                .and_then(|rt| rt.containers.get(name))
                .and_then(|c| c.process.as_ref())
                .is_some_and(|p| p.spinning());
            let demand = cpu_demand(&argv).unwrap_or(0) + if spinning { 1000 } else { 0 };
            let quota = c.at("/resources/limits/cpu").and_then(quantity::cpu_millis);
            let cpu = if demand > 0 {
                throttled(demand, quota, cpus, h >> (i * 8 + 4))
            } else {
                idle_cpu
            };
            let usage = Usage {
                cpu_millis: cpu,
                memory_bytes: (idle_mib + jitter) * MI + held,
            };
            (name.to_string(), usage)
        })
        .collect()
}

/// A node's usage: its pods' plus the system daemons' (kubelet, container runtime, and
/// on the control plane its static pods' processes, which cAdvisor counts as the
/// node's).
pub fn node_usage(w: &World, node: &Value) -> Usage {
    let name = meta_str(node, "name");
    let control = node
        .at("/metadata/labels")
        .and_then(Value::as_object)
        .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"));
    let (cpu, mib) = if control { (96, 612) } else { (21, 231) };
    let h = spread(name);
    let mut total = Usage {
        cpu_millis: cpu + (h % 7) as i64,
        memory_bytes: (mib + ((h >> 8) % 40) as i64) * MI,
    };
    for pod in w.store.list("Pod", None) {
        if measured(pod) && pod.at("/spec/nodeName").and_then(Value::as_str) == Some(name) {
            for (_, u) in pod_usage(w, pod) {
                total += u;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::throttled;

    #[test]
    fn a_busy_container_is_throttled_to_its_cpu_limit() {
        let got = throttled(2000, Some(1000), 8000, 26);
        assert_eq!(got, 974);
        assert!(throttled(2000, Some(1000), 8000, 0) == 1000);
    }

    #[test]
    fn a_busy_container_without_a_limit_gets_at_most_the_node() {
        assert_eq!(throttled(16_000, None, 8000, 0), 8000);
        assert_eq!(throttled(1000, None, 8000, 7), 1000);
        assert_eq!(throttled(500, Some(1000), 8000, 7), 500);
    }
}
