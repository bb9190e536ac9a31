//! Static pods: the control plane kubeadm writes to `/etc/kubernetes/manifests` on the
//! control-plane node (`cmd/kubeadm/app/phases/{controlplane,etcd}`). The kubelet runs
//! them itself and shows each to the API server as a *mirror pod* owned by its Node;
//! deleting a mirror pod does not stop the static pod, and the kubelet posts a new
//! mirror (`pkg/kubelet/pod/mirror_client.go`).

use super::{recorder, PodRuntime};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

/// `kubernetes.io/config.mirror`: marks a pod as a static pod's mirror.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";
/// kubeadm 1.34's `DefaultEtcdVersion`.
pub const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.6.5-0";

/// One control-plane component: its name, image, requested CPU (kubeadm's
/// `ComponentResources`) and command line.
struct Component {
    name: &'static str,
    image: &'static str,
    cpu: &'static str,
    memory: Option<&'static str>,
    command: fn(node: &str, ip: &str) -> Vec<String>,
    /// The health endpoint kubeadm probes it on: the `probe-port` it declares, the
    /// host (`None` = the node's InternalIP, the API server's advertise address) and
    /// scheme, and the paths of its liveness, readiness (if any) and startup probes.
    probe: ProbeEndpoint,
}

struct ProbeEndpoint {
    port: i64,
    host: Option<&'static str>,
    scheme: &'static str,
    liveness: &'static str,
    readiness: Option<&'static str>,
    startup: &'static str,
}

/// kubeadm's `staticpodutil.createHTTPProbe` on the named port `probe-port`, with the
/// (initialDelaySeconds, failureThreshold, periodSeconds) of its Liveness (10, 8, 10),
/// Readiness (0, 3, 1) and Startup (10, ⌈4m / 10s⌉ = 24, 10) probes; every timeout 15 s.
fn kubeadm_probe(host: &str, scheme: &str, path: &str, timing: (i64, i64, i64)) -> Value {
    let (delay, failures, period) = timing;
    json!({
        "httpGet": {"host": host, "path": path, "port": "probe-port", "scheme": scheme},
        "initialDelaySeconds": delay,
        "timeoutSeconds": 15,
        "failureThreshold": failures,
        "periodSeconds": period
    })
}

fn etcd_command(node: &str, ip: &str) -> Vec<String> {
    let pki = "/etc/kubernetes/pki/etcd";
    vec![
        "etcd".into(),
        format!("--advertise-client-urls=https://{ip}:2379"),
        format!("--cert-file={pki}/server.crt"),
        "--client-cert-auth=true".into(),
        "--data-dir=/var/lib/etcd".into(),
        "--feature-gates=InitialCorruptCheck=true".into(),
        format!("--initial-advertise-peer-urls=https://{ip}:2380"),
        format!("--initial-cluster={node}=https://{ip}:2380"),
        format!("--key-file={pki}/server.key"),
        format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
        "--listen-metrics-urls=http://127.0.0.1:2381".into(),
        format!("--listen-peer-urls=https://{ip}:2380"),
        format!("--name={node}"),
        format!("--peer-cert-file={pki}/peer.crt"),
        "--peer-client-cert-auth=true".into(),
        format!("--peer-key-file={pki}/peer.key"),
        format!("--peer-trusted-ca-file={pki}/ca.crt"),
        "--snapshot-count=10000".into(),
        format!("--trusted-ca-file={pki}/ca.crt"),
        "--watch-progress-notify-interval=5s".into(),
    ]
}

fn apiserver_command(_node: &str, ip: &str) -> Vec<String> {
    vec![
        "kube-apiserver".into(),
        format!("--advertise-address={ip}"),
        "--allow-privileged=true".into(),
        "--authorization-mode=Node,RBAC".into(),
        "--client-ca-file=/etc/kubernetes/pki/ca.crt".into(),
        "--enable-admission-plugins=NodeRestriction".into(),
        "--enable-bootstrap-token-auth=true".into(),
        "--etcd-servers=https://127.0.0.1:2379".into(),
        "--runtime-config=".into(),
        "--secure-port=6443".into(),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
        "--service-cluster-ip-range=10.96.0.0/16".into(),
        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt".into(),
        "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key".into(),
    ]
}

fn controller_manager_command(_node: &str, _ip: &str) -> Vec<String> {
    vec![
        "kube-controller-manager".into(),
        "--allocate-node-cidrs=true".into(),
        "--bind-address=127.0.0.1".into(),
        "--cluster-cidr=10.244.0.0/16".into(),
        "--cluster-name=kind".into(),
        "--controllers=*,bootstrapsigner,tokencleaner".into(),
        "--enable-hostpath-provisioner=true".into(),
        "--kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
        "--leader-elect=true".into(),
        "--service-cluster-ip-range=10.96.0.0/16".into(),
        "--use-service-account-credentials=true".into(),
    ]
}

fn scheduler_command(_node: &str, _ip: &str) -> Vec<String> {
    vec![
        "kube-scheduler".into(),
        "--bind-address=127.0.0.1".into(),
        "--kubeconfig=/etc/kubernetes/scheduler.conf".into(),
        "--leader-elect=true".into(),
    ]
}

const COMPONENTS: &[Component] = &[
    Component {
        name: "etcd",
        image: ETCD_IMAGE,
        cpu: "100m",
        memory: Some("100Mi"),
        command: etcd_command,
        probe: ProbeEndpoint {
            port: 2381,
            host: Some("127.0.0.1"),
            scheme: "HTTP",
            liveness: "/livez",
            readiness: Some("/readyz"),
            startup: "/readyz",
        },
    },
    Component {
        name: "kube-apiserver",
        image: "registry.k8s.io/kube-apiserver:v1.34.0",
        cpu: "250m",
        memory: None,
        command: apiserver_command,
        probe: ProbeEndpoint {
            port: 6443,
            host: None,
            scheme: "HTTPS",
            liveness: "/livez",
            readiness: Some("/readyz"),
            startup: "/livez",
        },
    },
    Component {
        name: "kube-controller-manager",
        image: "registry.k8s.io/kube-controller-manager:v1.34.0",
        cpu: "200m",
        memory: None,
        command: controller_manager_command,
        probe: ProbeEndpoint {
            port: 10257,
            host: Some("127.0.0.1"),
            scheme: "HTTPS",
            liveness: "/healthz",
            readiness: None,
            startup: "/healthz",
        },
    },
    Component {
        name: "kube-scheduler",
        image: "registry.k8s.io/kube-scheduler:v1.34.0",
        cpu: "100m",
        memory: None,
        command: scheduler_command,
        probe: ProbeEndpoint {
            port: 10259,
            host: Some("127.0.0.1"),
            scheme: "HTTPS",
            liveness: "/livez",
            readiness: Some("/readyz"),
            startup: "/livez",
        },
    },
];

/// Every image the control plane's static pods use (kind's node image holds them).
pub fn images() -> impl Iterator<Item = &'static str> {
    COMPONENTS.iter().map(|c| c.image)
}

/// The mirror pods of the control plane on `node` (its Node object and InternalIP).
pub fn control_plane(w: &mut World, node: &Value) -> Vec<Value> {
    let name = meta_str(node, "name").to_string();
    let ip = node
        .at("/status/addresses/0/address")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let seen = crate::engine::time::format_rfc3339(w.now);
    COMPONENTS
        .iter()
        .map(|c| {
            let hash = format!("{:016x}{:016x}", w.rng.next_u64(), w.rng.next_u64());
            let mut annotations = json!({
                "kubernetes.io/config.hash": hash,
                MIRROR_ANNOTATION: hash,
                "kubernetes.io/config.seen": seen.replace('Z', &format!(".{:09}Z", w.rng.below(1_000_000_000))),
                "kubernetes.io/config.source": "file"
            });
            match c.name {
                "etcd" => annotations["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = json!(format!("https://{ip}:2379")),
                "kube-apiserver" => annotations["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] = json!(format!("{ip}:6443")),
                _ => {}
            }
            let pe = &c.probe;
            let host = pe.host.unwrap_or(&ip);
            let mut container = json!({
                "name": c.name,
                "image": c.image,
                "imagePullPolicy": "IfNotPresent",
                "command": (c.command)(&name, &ip),
                "livenessProbe": kubeadm_probe(host, pe.scheme, pe.liveness, (10, 8, 10)),
                "startupProbe": kubeadm_probe(host, pe.scheme, pe.startup, (10, 24, 10)),
                "ports": [{"containerPort": pe.port, "name": "probe-port", "protocol": "TCP"}],
            });
            if let Some(path) = pe.readiness {
                container["readinessProbe"] = kubeadm_probe(host, pe.scheme, path, (0, 3, 1));
            }
            let mut requests = json!({"cpu": c.cpu});
            if let Some(m) = c.memory {
                requests["memory"] = json!(m);
            }
            container["resources"] = json!({"requests": requests});
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {
                    "name": format!("{}-{name}", c.name),
                    "namespace": "kube-system",
                    "labels": {"component": c.name, "tier": "control-plane"},
                    "annotations": annotations,
                    "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": "Node", "name": name, "uid": meta_str(node, "uid")}]
                },
                "spec": {
                    "containers": [container],
                    "hostNetwork": true,
                    "nodeName": name,
                    "priorityClassName": "system-node-critical",
                    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                    "tolerations": [{"effect": "NoExecute", "operator": "Exists"}]
                }
            })
        })
        .collect()
}

/// Whether `pod` is a static pod's mirror.
pub fn is_mirror(pod: &Value) -> bool {
    pod.at("/metadata/annotations")
        .and_then(|a| a.get(MIRROR_ANNOTATION))
        .is_some()
}

/// A mirror pod is being deleted: the static pod keeps running, so the kubelet removes
/// the mirror at once (grace period 0) and posts a new one with the running pod's status.
pub(super) fn repost_mirror(w: &mut World, pod: &Value, rt: PodRuntime) {
    let (ns, name) = (meta_str(pod, "namespace"), meta_str(pod, "name"));
    w.remove_now("Pod", ns, name);
    let mut fresh = pod.clone();
    if let Some(meta) = fresh["metadata"].as_object_mut() {
        for field in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            meta.remove(field);
        }
    }
    let status = fresh["status"].take();
    let Ok(created) = w.create(fresh) else {
        return;
    };
    let uid = meta_str(&created, "uid").to_string();
    w.kubelet.pods.remove(meta_str(pod, "uid"));
    w.kubelet.pods.insert(uid, rt.clone());
    let created = (*created).clone();
    super::write_status(w, &created, status);
    recorder(&created, &rt.node).why(
        w,
        format!("{name} is a static pod: the kubelet keeps running it and posted a new mirror pod"),
    );
}
