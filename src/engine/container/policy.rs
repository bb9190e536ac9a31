//! NetworkPolicy on a container's connections, enforced as kind's kindnet does: a packet
//! a policy does not allow is dropped, so the client sees no answer and times out in
//! virtual time (busybox `wget`, `curl`), and the why log names the policy.

use super::Target;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::network_policy::{evaluate, Connection, Direction, Dropped, Peer};
use crate::engine::selector::labels_of;
use crate::engine::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// How long Linux keeps retrying a SYN nobody answers (`tcp_syn_retries` 6: 1+2+…+64 s)
/// before `connect` fails with ETIMEDOUT.
pub(super) const SYN_GIVE_UP_MS: Millis = 127_000;
/// A lookup nobody answers: resolv.conf's defaults (`timeout:5 attempts:2`).
pub(super) const DNS_GIVE_UP_MS: Millis = 10_000;

/// The verdict on `from` (the container's pod) connecting to `to` on `port`/`protocol`;
/// a drop writes a why-log line saying which policy isolates which side.
pub(super) fn check(
    c: &mut World,
    from: &Value,
    to: &Value,
    port: i64,
    protocol: &str,
) -> Result<(), Dropped> {
    let verdict = {
        let policies: Vec<&Value> = c.store.list("NetworkPolicy", None).map(|p| &**p).collect();
        if policies.is_empty() {
            return Ok(());
        }
        let from_ns = namespace_labels(c, meta_str(from, "namespace"));
        let to_ns = namespace_labels(c, meta_str(to, "namespace"));
        let conn = Connection {
            from: Peer {
                pod: from,
                namespace_labels: &from_ns,
            },
            to: Peer {
                pod: to,
                namespace_labels: &to_ns,
            },
            port,
            protocol,
        };
        evaluate(&policies, &conn)
    };
    if let Err(d) = &verdict {
        let (side, other) = match d.direction {
            Direction::Ingress => (to, from),
            Direction::Egress => (from, to),
        };
        let names: Vec<String> = d
            .policies
            .iter()
            .map(|p| format!("{}/{p}", d.namespace))
            .collect();
        let (dir, verb, peer) = match d.direction {
            Direction::Ingress => ("ingress", "accept", "from"),
            Direction::Egress => ("egress", "send", "to"),
        };
        let text = format!(
            "dropped {} → {} port {port}/{protocol}: NetworkPolicy {} isolates {} for {dir}, and no rule of {} lets {} {verb} {protocol} port {port} {peer} {}; nothing answers, so the client waits until it times out",
            pod_ip_and_name(from),
            pod_ip_and_name(to),
            names.join(", "),
            meta_str(side, "name"),
            if names.len() > 1 { "them" } else { "it" },
            meta_str(side, "name"),
            meta_str(other, "name"),
        );
        c.why(
            "kindnet",
            "Pod",
            meta_str(side, "namespace"),
            meta_str(side, "name"),
            text,
        );
    }
    verdict
}

/// Whether the pod's DNS queries get through: an isolated pod needs a rule letting it
/// send UDP 53 to a CoreDNS pod (and CoreDNS's own ingress must allow it).
pub(super) fn dns_allowed(c: &mut World, from: &Value) -> bool {
    let coredns: Vec<Value> = c
        .store
        .list("Pod", Some("kube-system"))
        .filter(|p| labels_of(p).get("k8s-app").map(String::as_str) == Some("kube-dns"))
        .map(|p| (**p).clone())
        .collect();
    coredns
        .iter()
        .any(|dns| check(c, from, dns, 53, "UDP").is_ok())
}

fn namespace_labels(c: &World, ns: &str) -> BTreeMap<String, String> {
    c.get("Namespace", "", ns)
        .map(|n| labels_of(n))
        .unwrap_or_default()
}

fn pod_ip(p: &Value) -> &str {
    p["status"]["podIP"].as_str().unwrap_or("")
}

fn pod_ip_and_name(p: &Value) -> String {
    format!("{} ({})", meta_str(p, "name"), pod_ip(p))
}

/// The target's own pod (the sender), if it still exists.
pub(super) fn own_pod(c: &World, t: &Target) -> Option<Value> {
    super::environment::pod(c, t).cloned()
}
