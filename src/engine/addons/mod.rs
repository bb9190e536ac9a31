//! What runs in kube-system before anyone types: the add-ons kind (or minikube) installs
//! when it creates the cluster — CoreDNS behind the `kube-dns` Service, kube-proxy and
//! kindnet on every node, the control plane's static pods, the local-path provisioner.
//!
//! They are installed the way the cluster installed them, an hour before the session
//! starts: created through the API server and brought up by the same controllers,
//! scheduler and kubelets as everything else, so they behave like everything else
//! afterwards. That prehistory draws on its own random stream, so the names and uids of
//! what the user creates are the ones a cluster without add-ons would give.

pub mod manifests;

use super::bootstrap::CLUSTER_AGE_MS;
use super::clock::{Millis, Rng};
use super::config::NodeSpec;
use super::kubelet::static_pods;
use super::store::EventType;
use super::world::World;
use crate::json;
use serde_json::Value;

/// How long the installers' work takes after the cluster is created: every add-on is
/// running within two minutes; the controllers' own follow-ups (a Deployment checks its
/// 600 s progress deadline) are over within fifteen, well before the hour is up.
const INSTALL_WINDOW_MS: Millis = 120_000;
const FOLLOW_UPS_MS: Millis = 900_000;

/// Mixed into the cluster seed for the prehistory's random stream.
const PREHISTORY_STREAM: u64 = 0x6b69_6e64_2d61_6464;

/// Which installer's cluster this is: minikube for one node, kind for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Kind,
    Minikube,
}

impl Flavor {
    pub fn of(nodes: &[NodeSpec]) -> Flavor {
        match nodes {
            [only] if only.name == "minikube" => Flavor::Minikube,
            _ => Flavor::Kind,
        }
    }
}

/// Images the node images carry preloaded (kind's `kindest/node`, minikube's preload).
fn preloaded(flavor: Flavor) -> Vec<&'static str> {
    let mut v = vec![manifests::COREDNS_IMAGE, manifests::KUBE_PROXY_IMAGE];
    v.extend(static_pods::images());
    match flavor {
        Flavor::Kind => v.extend([manifests::KINDNET_IMAGE, manifests::LOCAL_PATH_IMAGE]),
        Flavor::Minikube => v.push(manifests::MINIKUBE_STORAGE_IMAGE),
    }
    v
}

/// Installs the add-ons at the cluster's creation and lets them settle, then returns the
/// world to the session's start with its own random stream untouched.
/// Where the objects list held local-path-storage's playground quota (see
/// `bootstrap::keep_seeded_history`): after the namespace, before its service account.
const LOCAL_PATH_QUOTA_AT: usize = 7;

pub fn install(w: &mut World) {
    let start = w.now;
    let stream = Rng::new(w.config.seed ^ PREHISTORY_STREAM);
    let session_rng = std::mem::replace(&mut w.rng, stream);
    let created = start - CLUSTER_AGE_MS;
    w.now = created;
    w.store.clock = created;

    let flavor = Flavor::of(&w.config.nodes);
    let nodes: Vec<Value> = w.store.list("Node", None).map(|n| (**n).clone()).collect();
    for n in &nodes {
        let name = n["metadata"]["name"].as_str().unwrap_or("").to_string();
        let images = w.kubelet.images.entry(name).or_default();
        for image in preloaded(flavor) {
            if let Ok(r) = super::registry::ImageRef::parse(image) {
                images.insert(r.full());
            }
        }
    }
    // kind's workers join after the control plane has applied its add-ons, so CoreDNS
    // and the provisioner land on the control-plane node: the workers are held out of
    // scheduling meanwhile (their daemons still start there).
    let joining: Vec<String> = w
        .config
        .nodes
        .iter()
        .filter(|n| !n.control_plane)
        .map(|n| n.name.clone())
        .collect();
    set_unschedulable(w, &joining, true);

    let mut objects = vec![
        manifests::service_account("kube-system", "coredns"),
        manifests::service_account("kube-system", "kube-proxy"),
        manifests::coredns_config_map(),
        manifests::kube_proxy_config_map(),
        manifests::kube_dns_service(),
    ];
    match flavor {
        Flavor::Kind => {
            objects.extend([
                manifests::service_account("kube-system", "kindnet"),
                manifests::local_path_namespace(),
                manifests::service_account("local-path-storage", "default"),
                manifests::service_account(
                    "local-path-storage",
                    "local-path-provisioner-service-account",
                ),
                manifests::local_path_config_map(),
                manifests::coredns_deployment(2),
                manifests::kube_proxy_daemon_set(),
                manifests::kindnet_daemon_set(),
                manifests::local_path_deployment(),
            ]);
        }
        Flavor::Minikube => {
            objects.extend([
                manifests::service_account("kube-system", "storage-provisioner"),
                manifests::coredns_deployment(1),
                manifests::kube_proxy_daemon_set(),
                manifests::minikube_storage_provisioner(&w.config.nodes[0].name),
            ]);
        }
    }
    for n in nodes.iter().filter(|n| is_control_plane(n)) {
        objects.extend(static_pods::control_plane(w, n));
    }
    // A refusal (a quota someone set) is what the cluster would answer the installer
    // too: the add-on is simply missing.
    for (i, obj) in objects.into_iter().enumerate() {
        if i == LOCAL_PATH_QUOTA_AT && flavor == Flavor::Kind {
            super::bootstrap::keep_seeded_history(w);
            w.settle();
        }
        let _ = w.create(obj);
        w.settle();
    }
    w.run_until_idle(created + INSTALL_WINDOW_MS / 2);
    set_unschedulable(w, &joining, false);
    w.run_until_idle(created + FOLLOW_UPS_MS);

    // What the installers did is an hour old: its why-log lines are not this session's,
    // and its Events have reached the API server's one-hour TTL.
    w.clear_why();
    let events: Vec<(String, String)> = w
        .store
        .list("Event", None)
        .map(|e| {
            let m = &e["metadata"];
            (
                m["namespace"].as_str().unwrap_or("").to_string(),
                m["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (ns, name) in events {
        w.store.remove("Event", &ns, &name);
    }
    w.event_index.clear();
    w.event_series.clear();
    w.now = start;
    w.store.clock = start;
    w.rng = session_rng;
}

fn is_control_plane(node: &Value) -> bool {
    node["metadata"]["labels"]
        .get("node-role.kubernetes.io/control-plane")
        .is_some()
}

fn set_unschedulable(w: &mut World, names: &[String], on: bool) {
    for name in names {
        let Some(node) = w.get("Node", "", name) else {
            continue;
        };
        let mut node = (**node).clone();
        if on {
            node["spec"]["unschedulable"] = json!(true);
        } else if let Some(spec) = node["spec"].as_object_mut() {
            spec.remove("unschedulable");
        }
        w.store.put("Node", node, EventType::Modified);
    }
    // One settle for all of them: each node write wakes every DaemonSet.
    w.settle();
}

/// An Ingress is only rules until an ingress controller reads them, and neither kind nor
/// minikube installs one by default: say so when one is created, since its empty ADDRESS
/// and unanswered hosts are otherwise a puzzle.
pub fn ingress_unserved(w: &mut World, ingress: &Value) {
    let ns = super::apiserver::meta_str(ingress, "namespace").to_string();
    let name = super::apiserver::meta_str(ingress, "name").to_string();
    w.why(
        "kind",
        "Ingress",
        &ns,
        &name,
        format!("{name} is stored, but no ingress controller runs in this cluster (kind installs none): nothing routes its hosts and paths, and its ADDRESS stays empty, as on a fresh kind cluster until one is installed (ingress-nginx, for instance)"),
    );
}
