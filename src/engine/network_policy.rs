//! NetworkPolicy (networking.k8s.io/v1) as a policy-enforcing CNI applies it (kind's
//! kindnet does since kind 0.24): a pure verdict over one connection, from the policies
//! and the two pods' labels, namespaces' labels, IPs and ports.
//!
//! The API's rules (the NetworkPolicy reference and kubernetes.io's network-policies page):
//! a pod is *isolated* for a direction when some policy in its namespace selects it and
//! lists that direction in `policyTypes`; an isolated pod accepts (sends) only what at
//! least one rule of those policies allows. Policies are additive: no rule denies. A
//! connection needs both the sender's egress and the receiver's ingress to allow it.

use crate::engine::selector::Selector;
use serde_json::Value;
use std::collections::BTreeMap;

/// One end of a connection: a pod, what a policy can select it by.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    pub pod: &'a Value,
    /// `metadata.labels` of the pod's namespace.
    pub namespace_labels: &'a BTreeMap<String, String>,
}

impl Peer<'_> {
    fn namespace(&self) -> &str {
        self.pod["metadata"]["namespace"].as_str().unwrap_or("")
    }

    fn ip(&self) -> &str {
        self.pod["status"]["podIP"].as_str().unwrap_or("")
    }

    fn labels(&self) -> BTreeMap<String, String> {
        crate::engine::selector::labels_of(self.pod)
    }
}

/// A connection from one pod to a port of another (after the Service's DNAT: the
/// destination is a pod and its target port).
#[derive(Debug, Clone, Copy)]
pub struct Connection<'a> {
    pub from: Peer<'a>,
    pub to: Peer<'a>,
    pub port: i64,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: &'a str,
}

/// Which side of a connection a policy isolates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    /// The `policyTypes` value and the word a sentence uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

/// Why a connection was dropped: the direction no rule allowed, and the policies that
/// isolate that side (by name, in the isolated pod's namespace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub direction: Direction,
    pub namespace: String,
    pub policies: Vec<String>,
}

/// The verdict on `conn` under `policies` (every NetworkPolicy of the cluster): the
/// sender's egress is checked first, as the packet meets it first.
pub fn evaluate(policies: &[&Value], conn: &Connection<'_>) -> Result<(), Dropped> {
    side(policies, conn, Direction::Egress)?;
    side(policies, conn, Direction::Ingress)
}

/// One side's verdict: allowed when no policy isolates the pod for `dir`, or when a rule
/// of one of the isolating policies admits the other end on the port.
fn side(policies: &[&Value], conn: &Connection<'_>, dir: Direction) -> Result<(), Dropped> {
    let (subject, other) = match dir {
        Direction::Egress => (conn.from, conn.to),
        Direction::Ingress => (conn.to, conn.from),
    };
    let labels = subject.labels();
    let isolating: Vec<&Value> = policies
        .iter()
        .copied()
        .filter(|p| p["metadata"]["namespace"].as_str() == Some(subject.namespace()))
        .filter(|p| affects(p, dir) && selects(&p["spec"]["podSelector"], &labels))
        .collect();
    if isolating.is_empty() {
        return Ok(());
    }
    let (rules, peers) = match dir {
        Direction::Egress => ("egress", "to"),
        Direction::Ingress => ("ingress", "from"),
    };
    let allowed = isolating.iter().any(|p| {
        let ns = p["metadata"]["namespace"].as_str().unwrap_or("");
        p["spec"][rules]
            .as_array()
            .into_iter()
            .flatten()
            .any(|rule| {
                ports_allow(&rule["ports"], conn.to.pod, conn.port, conn.protocol)
                    && peers_allow(&rule[peers], ns, &other)
            })
    });
    if allowed {
        return Ok(());
    }
    Err(Dropped {
        direction: dir,
        namespace: subject.namespace().to_string(),
        policies: isolating
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
            .collect(),
    })
}

/// The policy's `policyTypes` (defaulted by the API server: Ingress always, Egress when
/// it has egress rules) name `dir`.
pub fn affects(policy: &Value, dir: Direction) -> bool {
    match policy["spec"]["policyTypes"].as_array() {
        Some(types) if !types.is_empty() => types.iter().any(|t| t == dir.as_str()),
        _ => match dir {
            Direction::Ingress => true,
            Direction::Egress => policy["spec"]["egress"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
        },
    }
}

/// A LabelSelector over `labels`; an absent or empty one selects everything.
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    if selector.is_null() {
        return true;
    }
    Selector::from_label_selector(selector).is_ok_and(|s| s.matches(labels))
}

/// A rule's `from`/`to`: empty or absent admits every peer; otherwise any entry.
fn peers_allow(peers: &Value, policy_namespace: &str, other: &Peer<'_>) -> bool {
    match peers.as_array() {
        None => true,
        Some(list) if list.is_empty() => true,
        Some(list) => list
            .iter()
            .any(|peer| peer_matches(peer, policy_namespace, other)),
    }
}

/// One NetworkPolicyPeer: pods by label in the policy's namespace, all pods of namespaces
/// by label, both at once, or an IP block (the pod's IP in `cidr`, outside `except`).
pub fn peer_matches(peer: &Value, policy_namespace: &str, other: &Peer<'_>) -> bool {
    if let Some(block) = peer.get("ipBlock").filter(|b| !b.is_null()) {
        let ip = other.ip();
        let cidr = block["cidr"].as_str().unwrap_or("");
        let excepted = block["except"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|e| cidr_contains(e, ip));
        return cidr_contains(cidr, ip) && !excepted;
    }
    let pods = peer.get("podSelector").filter(|s| !s.is_null());
    let namespaces = peer.get("namespaceSelector").filter(|s| !s.is_null());
    let namespace_ok = match namespaces {
        Some(sel) => selects(sel, other.namespace_labels),
        None => other.namespace() == policy_namespace,
    };
    let pod_ok = match pods {
        Some(sel) => selects(sel, &other.labels()),
        None => namespaces.is_some(),
    };
    namespace_ok && pod_ok
}

/// A rule's `ports`: empty or absent admits every port; otherwise any entry, whose
/// protocol defaults to TCP, whose missing `port` means every port of that protocol,
/// whose `endPort` makes a range, and whose named port is the destination pod's.
fn ports_allow(ports: &Value, dest: &Value, port: i64, protocol: &str) -> bool {
    match ports.as_array() {
        None => true,
        Some(list) if list.is_empty() => true,
        Some(list) => list.iter().any(|p| port_matches(p, dest, port, protocol)),
    }
}

/// One NetworkPolicyPort against a destination pod's `port`/`protocol`.
pub fn port_matches(p: &Value, dest: &Value, port: i64, protocol: &str) -> bool {
    let proto = p["protocol"].as_str().unwrap_or("TCP");
    if proto != protocol {
        return false;
    }
    match &p["port"] {
        Value::Null => true,
        Value::Number(n) => {
            let first = n.as_i64().unwrap_or(0);
            let last = p["endPort"].as_i64().unwrap_or(first);
            (first..=last).contains(&port)
        }
        Value::String(name) => named_port(dest, name, protocol) == Some(port),
        _ => false,
    }
}

/// The number of the destination pod's container port called `name` for `protocol`.
fn named_port(pod: &Value, name: &str, protocol: &str) -> Option<i64> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .find(|p| p["name"] == name && p["protocol"].as_str().unwrap_or("TCP") == protocol)
        .and_then(|p| p["containerPort"].as_i64())
}

/// Whether IPv4 `ip` lies in `cidr` (`10.244.0.0/16`); anything unparsable contains
/// nothing (the API server has validated the policy's CIDRs).
pub fn cidr_contains(cidr: &str, ip: &str) -> bool {
    let Some((net, len)) = cidr.split_once('/') else {
        return false;
    };
    let (Some(net), Some(ip), Ok(len)) = (ipv4(net), ipv4(ip), len.parse::<u32>()) else {
        return false;
    };
    if len > 32 {
        return false;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    net & mask == ip & mask
}

/// A dotted IPv4 address as a number.
pub fn ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut n = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = (n << 8) | p.parse::<u8>().ok()? as u32;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(ns: &str, labels: Value, ip: &str) -> Value {
        json!({
            "metadata": {"namespace": ns, "name": "p", "labels": labels},
            "spec": {"containers": [{"name": "c", "ports": [
                {"name": "http", "containerPort": 8080, "protocol": "TCP"},
                {"name": "dns", "containerPort": 53, "protocol": "UDP"}
            ]}]},
            "status": {"podIP": ip}
        })
    }

    fn policy(ns: &str, name: &str, spec: Value) -> Value {
        json!({"metadata": {"namespace": ns, "name": name}, "spec": spec})
    }

    fn verdict(policies: &[Value], from: &Value, to: &Value, port: i64) -> Result<(), Dropped> {
        let labels: BTreeMap<String, String> = [("team".to_string(), "a".to_string())]
            .into_iter()
            .collect();
        let none = BTreeMap::new();
        let ns_labels = |p: &Value| {
            if p["metadata"]["namespace"] == "team-a" {
                &labels
            } else {
                &none
            }
        };
        let conn = Connection {
            from: Peer {
                pod: from,
                namespace_labels: ns_labels(from),
            },
            to: Peer {
                pod: to,
                namespace_labels: ns_labels(to),
            },
            port,
            protocol: "TCP",
        };
        let refs: Vec<&Value> = policies.iter().collect();
        evaluate(&refs, &conn)
    }

    #[test]
    fn without_policies_everything_connects() {
        let a = pod("default", json!({"app": "client"}), "10.244.1.2");
        let b = pod("default", json!({"app": "web"}), "10.244.2.2");
        assert_eq!(verdict(&[], &a, &b, 80), Ok(()));
    }

    #[test]
    fn a_default_deny_drops_ingress_and_names_itself() {
        let a = pod("default", json!({"app": "client"}), "10.244.1.2");
        let b = pod("default", json!({"app": "web"}), "10.244.2.2");
        let deny = policy("default", "default-deny", json!({"podSelector": {}}));
        let d = verdict(&[deny], &a, &b, 80).unwrap_err();
        assert_eq!(d.direction, Direction::Ingress);
        assert_eq!(d.policies, ["default-deny"]);
    }

    #[test]
    fn an_allow_rule_by_label_admits_only_matching_sources() {
        let client = pod("default", json!({"app": "client"}), "10.244.1.2");
        let other = pod("default", json!({"app": "other"}), "10.244.1.3");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let allow = policy(
            "default",
            "allow-client",
            json!({"podSelector": {"matchLabels": {"app": "web"}},
                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "client"}}}]}]}),
        );
        let deny = policy("default", "default-deny", json!({"podSelector": {}}));
        let both = [deny, allow];
        assert_eq!(verdict(&both, &client, &web, 80), Ok(()));
        assert!(verdict(&both, &other, &web, 80).is_err());
    }

    #[test]
    fn a_pod_selector_alone_means_the_policys_own_namespace() {
        let elsewhere = pod("team-a", json!({"app": "client"}), "10.244.1.2");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let allow = policy(
            "default",
            "allow-client",
            json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "client"}}}]}]}),
        );
        assert!(verdict(&[allow], &elsewhere, &web, 80).is_err());
    }

    #[test]
    fn a_namespace_selector_admits_every_pod_of_matching_namespaces() {
        let team_a = pod("team-a", json!({"app": "x"}), "10.244.1.2");
        let local = pod("default", json!({"app": "x"}), "10.244.1.3");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let allow = policy(
            "default",
            "from-team-a",
            json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "a"}}}]}]}),
        );
        assert_eq!(
            verdict(std::slice::from_ref(&allow), &team_a, &web, 80),
            Ok(())
        );
        assert!(verdict(&[allow], &local, &web, 80).is_err());
    }

    #[test]
    fn namespace_and_pod_selectors_in_one_peer_must_both_match() {
        let right = pod("team-a", json!({"role": "fe"}), "10.244.1.2");
        let wrong_pod = pod("team-a", json!({"role": "be"}), "10.244.1.3");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let allow = policy(
            "default",
            "and",
            json!({"podSelector": {}, "ingress": [{"from": [{
                "namespaceSelector": {"matchLabels": {"team": "a"}},
                "podSelector": {"matchLabels": {"role": "fe"}}}]}]}),
        );
        assert_eq!(
            verdict(std::slice::from_ref(&allow), &right, &web, 80),
            Ok(())
        );
        assert!(verdict(&[allow], &wrong_pod, &web, 80).is_err());
    }

    #[test]
    fn ip_blocks_admit_their_cidr_less_the_exceptions() {
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let allow = policy(
            "default",
            "cidr",
            json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {
                "cidr": "10.244.0.0/16", "except": ["10.244.1.0/24"]}}]}]}),
        );
        let inside = pod("default", json!({}), "10.244.3.9");
        let excepted = pod("default", json!({}), "10.244.1.9");
        let outside = pod("default", json!({}), "10.245.0.1");
        assert_eq!(
            verdict(std::slice::from_ref(&allow), &inside, &web, 80),
            Ok(())
        );
        assert!(verdict(std::slice::from_ref(&allow), &excepted, &web, 80).is_err());
        assert!(verdict(&[allow], &outside, &web, 80).is_err());
    }

    #[test]
    fn ports_match_by_number_range_name_and_protocol() {
        let web = pod("default", json!({}), "10.244.2.2");
        assert!(port_matches(&json!({"port": 80}), &web, 80, "TCP"));
        assert!(!port_matches(&json!({"port": 80}), &web, 81, "TCP"));
        assert!(!port_matches(
            &json!({"port": 80, "protocol": "UDP"}),
            &web,
            80,
            "TCP"
        ));
        assert!(port_matches(
            &json!({"port": 8000, "endPort": 9000}),
            &web,
            8500,
            "TCP"
        ));
        assert!(port_matches(&json!({"port": "http"}), &web, 8080, "TCP"));
        assert!(!port_matches(&json!({"port": "http"}), &web, 80, "TCP"));
        assert!(port_matches(
            &json!({"port": "dns", "protocol": "UDP"}),
            &web,
            53,
            "UDP"
        ));
        assert!(port_matches(&json!({"protocol": "UDP"}), &web, 5353, "UDP"));
    }

    #[test]
    fn egress_is_isolated_only_when_policy_types_say_so() {
        let client = pod("default", json!({"app": "client"}), "10.244.1.2");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        // Selects the client for ingress only: its outgoing connections are untouched.
        let ingress_only = policy(
            "default",
            "i",
            json!({"podSelector": {"matchLabels": {"app": "client"}}}),
        );
        assert_eq!(verdict(&[ingress_only], &client, &web, 80), Ok(()));
        let egress_deny = policy(
            "default",
            "deny-egress",
            json!({"podSelector": {"matchLabels": {"app": "client"}}, "policyTypes": ["Egress"]}),
        );
        let d = verdict(&[egress_deny], &client, &web, 80).unwrap_err();
        assert_eq!(d.direction, Direction::Egress);
        assert_eq!(d.policies, ["deny-egress"]);
    }

    #[test]
    fn policies_are_additive_across_objects() {
        let client = pod("default", json!({"app": "client"}), "10.244.1.2");
        let web = pod("default", json!({"app": "web"}), "10.244.2.2");
        let deny = policy("default", "deny", json!({"podSelector": {}}));
        let allow_all = policy(
            "default",
            "all",
            json!({"podSelector": {}, "ingress": [{}]}),
        );
        assert_eq!(verdict(&[deny, allow_all], &client, &web, 80), Ok(()));
    }

    #[test]
    fn cidrs_contain_what_their_prefix_covers() {
        assert!(cidr_contains("0.0.0.0/0", "1.2.3.4"));
        assert!(cidr_contains("10.96.0.10/32", "10.96.0.10"));
        assert!(!cidr_contains("10.96.0.10/32", "10.96.0.11"));
        assert!(!cidr_contains("bad", "10.0.0.1"));
        assert_eq!(ipv4("256.0.0.1"), None);
    }
}
