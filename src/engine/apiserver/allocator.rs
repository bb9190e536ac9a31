//! Service IP and NodePort allocation (the API server's `ipallocator` / `portallocator`).
//!
//! Real clusters pick a random free address in the service CIDR (`10.96.0.0/12` on kind
//! and kubeadm). We pick from `10.96.0.0/16` by hashing the cluster seed with the
//! Service's namespace and name, probing forward past addresses in use: deterministic for
//! a seed, independent of creation order, and it never draws from the world's RNG (so
//! creating a Service does not change the pod names that follow). `10.96.0.1` is the
//! `kubernetes` Service's and `10.96.0.10` is kube-dns's, as on kubeadm clusters.

use super::super::world::World;
use crate::engine::json::At;
use crate::json;
use serde_json::Value;
use std::collections::BTreeSet;

/// The NodePort range (`--service-node-port-range` default).
const NODE_PORT_MIN: u64 = 30000;
const NODE_PORT_MAX: u64 = 32767;

/// FNV-1a over the seed and the words: a stable spread for a name.
fn spread(seed: u64, words: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for w in words {
        for b in w.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Cluster IPs and node ports already taken.
fn in_use(w: &World) -> (BTreeSet<String>, BTreeSet<i64>) {
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for s in w.store.list("Service", None) {
        if let Some(ip) = s.at("/spec/clusterIP").and_then(Value::as_str) {
            ips.insert(ip.to_string());
        }
        for p in s
            .at("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = p["nodePort"].as_i64() {
                ports.insert(n);
            }
        }
    }
    (ips, ports)
}

/// `10.96.x.y` for offset `n` of the /16 (skipping network, broadcast and the reserved two).
fn ip_at(n: u64) -> String {
    format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
}

fn usable(n: u64) -> bool {
    let last = n & 0xff;
    n > 10 && last != 0 && last != 255
}

/// Fills `spec.clusterIP(s)` (unless `None`: headless) and each NodePort/LoadBalancer port's
/// `nodePort` for a new Service. Values the user set are kept.
pub fn allocate_service(w: &World, namespace: &str, name: &str, svc: &mut Value) {
    let seed = w.config.seed;
    let (ips, mut ports) = in_use(w);
    let Some(spec) = svc.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if ty == "ExternalName" {
        return;
    }
    let given = spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(String::from);
    let ip = match given {
        Some(ip) => ip,
        None => {
            let start = spread(seed, &[namespace, name]) % 65536;
            (0..65536u64)
                .map(|i| (start + i) % 65536)
                .filter(|n| usable(*n))
                .map(ip_at)
                .find(|ip| !ips.contains(ip))
                .unwrap_or_else(|| "10.96.255.254".to_string())
        }
    };
    spec.insert("clusterIP".into(), json!(ip));
    spec.insert("clusterIPs".into(), json!([ip]));
    if ty != "NodePort" && ty != "LoadBalancer" {
        return;
    }
    let span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    if let Some(list) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for (i, p) in list.iter_mut().enumerate() {
            if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) != 0 {
                continue;
            }
            let start = spread(seed, &[namespace, name, &i.to_string()]) % span;
            let port = (0..span)
                .map(|k| (NODE_PORT_MIN + (start + k) % span) as i64)
                .find(|n| !ports.contains(n))
                .unwrap_or(NODE_PORT_MAX as i64);
            ports.insert(port);
            p["nodePort"] = json!(port);
        }
    }
}

/// An update that leaves `clusterIP` or a `nodePort` out keeps the allocated value
/// (the registry's `patchAllocatedValues`).
pub fn keep_allocations(old: &Value, new: &mut Value) {
    let Some(spec) = new.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    for key in ["clusterIP", "clusterIPs"] {
        let missing = spec.get(key).is_none_or(|v| v.is_null() || v == "");
        if missing {
            if let Some(v) = old.at(&format!("/spec/{key}")) {
                spec.insert(key.into(), v.clone());
            }
        }
    }
    let old_ports = old
        .at("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(list) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in list.iter_mut() {
            if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) != 0 {
                continue;
            }
            let same = old_ports
                .iter()
                .find(|o| o["port"] == p["port"] && o["protocol"] == p["protocol"]);
            if let Some(n) = same.and_then(|o| o.get("nodePort")) {
                p["nodePort"] = n.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_offsets_map_into_ten_ninety_six() {
        assert_eq!(ip_at(0x0203), "10.96.2.3");
        assert!(!usable(1) && !usable(10) && !usable(0x0100) && !usable(0x01ff));
        assert!(usable(0x0101));
    }

    #[test]
    fn the_same_seed_and_name_spread_the_same_way() {
        assert_eq!(
            spread(7, &["default", "web"]),
            spread(7, &["default", "web"])
        );
        assert_ne!(
            spread(7, &["default", "web"]),
            spread(8, &["default", "web"])
        );
    }
}
