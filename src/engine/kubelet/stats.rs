//! What each container uses, as the kubelet's cAdvisor measures it and metrics-server
//! serves it to `kubectl top`: an idle footprint per program, the memory a program holds
//! (`stress --vm-bytes`), and the CPU a program keeps busy (`stress --cpu`, a shell loop
//! that never sleeps, `yes > /dev/null`) — capped by `limits.cpu`, which the kernel's CFS
//! quota enforces by throttling, never by killing.

use super::containers::argv_of;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::container::{cpu_demand, memory_use};
use crate::engine::json::At;
use crate::engine::quantity;
use crate::engine::registry::{self, ImageRef};
use crate::engine::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

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

/// The requests each pod's web server answered (`curl` / `wget` from other containers),
/// counted per second of virtual time for the last [`SERVED_KEPT_MS`], and where each
/// Service sends its next request. A server's CPU follows the requests it serves: what
/// the HPA walkthrough's load generator drives up.
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// Pod uid → (second, requests answered in it).
    by_pod: BTreeMap<String, BTreeMap<Millis, u32>>,
    /// Service `namespace/name` → requests it has forwarded.
    forwarded: BTreeMap<String, u64>,
}

/// How long the counts are kept: longer than any scrape window.
const SERVED_KEPT_MS: Millis = 120_000;

impl Served {
    /// Pod `uid` answered a request at `now`.
    pub fn record(&mut self, uid: &str, now: Millis) {
        let counts = self.by_pod.entry(uid.to_string()).or_default();
        *counts.entry(now - now.rem_euclid(1000)).or_insert(0) += 1;
        while counts
            .first_key_value()
            .is_some_and(|(s, _)| *s < now - SERVED_KEPT_MS)
        {
            counts.pop_first();
        }
    }

    /// Which of `n` ready endpoints Service `key` sends its next request to. kube-proxy
    /// picks at random; turning through them in order spreads the load as evenly without
    /// drawing on the seeded randomness that names pods.
    pub fn next_endpoint(&mut self, key: &str, n: usize) -> usize {
        let count = self.forwarded.entry(key.to_string()).or_insert(0);
        let i = (*count % n.max(1) as u64) as usize;
        *count += 1;
        i
    }

    /// Requests per second pod `uid` answered over the window `(end - window, end]`, in
    /// thousandths.
    fn rate_milli(&self, uid: &str, end: Millis, window: Millis) -> i64 {
        let Some(counts) = self.by_pod.get(uid) else {
            return 0;
        };
        let answered: i64 = counts
            .range(end - window + 1..=end)
            .map(|(_, n)| i64::from(*n))
            .sum();
        answered * 1_000_000 / window.max(1)
    }

    /// Forgets a pod that is gone.
    pub fn forget(&mut self, uid: &str) {
        self.by_pod.remove(uid);
    }
}

/// The CPU one request costs a server, in microcore-seconds (µs of CPU). Only the HPA
/// walkthrough's `hpa-example` does real work per request (its `index.php` runs a
/// million square roots); the figure is a calibration, not a measurement: one load
/// generator's 100 requests a second ask for about 700m, so the walkthrough's HPA at a
/// 50 % target of a 200m request settles near seven replicas, as the page shows. A
/// static page costs next to nothing and counts as nothing.
fn request_cost_us(image: &str) -> i64 {
    let repo = ImageRef::parse(image)
        .map(|r| r.repository)
        .unwrap_or_default();
    if repo.rsplit('/').next() == Some("hpa-example") {
        7_000
    } else {
        0
    }
}

/// metrics-server's `--metric-resolution`: how often it scrapes the kubelets.
pub const RESOLUTION_MS: Millis = 15_000;

/// When metrics-server last scraped object `name` before `now`, and over which window:
/// each object is scraped at its own phase of the resolution, its rate over a window a
/// little longer than it. (The HPA controller reads the same timestamps to tell a fresh
/// pod's start-up samples apart.)
pub fn scrape(now: Millis, name: &str) -> (Millis, Millis) {
    let h = spread(name);
    let scraped = now - (now + (h % RESOLUTION_MS as u64) as Millis).rem_euclid(RESOLUTION_MS);
    (scraped, RESOLUTION_MS + ((h >> 16) % 90) as Millis)
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
            // Serving: the requests of the scrape window, at the image's cost each (the
            // first container that serves answers, as the network model has it).
            let serving = if i == 0 {
                let (end, window) = scrape(w.now, meta_str(pod, "name"));
                w.kubelet.served.rate_milli(uid, end, window)
                    * request_cost_us(c["image"].as_str().unwrap_or(""))
                    / 1_000_000
            } else {
                0
            };
            let demand = cpu_demand(&argv).unwrap_or(0) + if spinning { 1000 } else { 0 } + serving;
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
