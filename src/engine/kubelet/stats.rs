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

/// One container's (or pod's, or node's) usage, in the units metrics-server serves:
/// CPU in nanocores (cAdvisor's rate of `usage_usec`), memory as the working set in bytes
/// (whole 4 KiB pages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_nanos: i64,
    pub memory_bytes: i64,
}

impl Usage {
    /// What `kubectl top` prints of the CPU: `Quantity.MilliValue()`, which rounds up
    /// (a pod's sum is rounded once, after adding its containers' nanocores).
    pub fn cpu_millis(&self) -> i64 {
        (self.cpu_nanos + NANOS_PER_MILLI - 1).div_euclid(NANOS_PER_MILLI)
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, o: Usage) {
        self.cpu_nanos += o.cpu_nanos;
        self.memory_bytes += o.memory_bytes;
    }
}

const NANOS_PER_MILLI: i64 = 1_000_000;
const PAGE: i64 = 4096;

/// A measured reading near `millis` millicores: a rate over a scrape window is never a
/// whole number of millicores, so it falls short of it by less than a microcore (little
/// enough that a node's sum of hundreds of containers still rounds up to the sum of
/// their millicores). Zero stays zero: an idle `sleep` really reads `0`.
fn nanocores(millis: i64, h: u64) -> i64 {
    if millis <= 0 {
        return 0;
    }
    millis * NANOS_PER_MILLI - (h % 1000) as i64
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
            // A working set is whole pages: a few pages over the program's MiB (at most
            // 28 KiB, so a node's sum of a few dozen containers stays in its MiB).
            let pages = ((h >> (i * 8 + 2)) % 8) as i64;
            let usage = Usage {
                cpu_nanos: nanocores(cpu, h >> (i * 8 + 1)),
                memory_bytes: (idle_mib + jitter) * MI + held / PAGE * PAGE + pages * PAGE,
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
        cpu_nanos: nanocores(cpu + (h % 7) as i64, h >> 3),
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
    use super::{nanocores, throttled, Usage};

    #[test]
    fn millicores_round_up_as_quantity_milli_value_does() {
        let u = |n| Usage {
            cpu_nanos: n,
            memory_bytes: 0,
        };
        assert_eq!(u(0).cpu_millis(), 0);
        assert_eq!(u(1).cpu_millis(), 1);
        assert_eq!(u(981_999_517).cpu_millis(), 982);
        assert_eq!(u(982_000_000).cpu_millis(), 982);
    }

    #[test]
    fn a_reading_falls_just_short_of_its_millicores() {
        assert_eq!(nanocores(0, 12345), 0);
        for h in [0, 1, 999, 123_456_789] {
            let n = nanocores(982, h);
            assert!(n > 981_000_000 && n <= 982_000_000, "{n}");
        }
    }

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
