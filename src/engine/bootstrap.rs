//! What a fresh cluster already holds: namespaces (each with its `kube-root-ca.crt`), nodes, the `kubernetes` service, the
//! default StorageClass.

use super::controllers::endpoints::derived_uid;
use super::controllers::root_ca_publisher;
use super::store::EventType;
use super::time::format_rfc3339;
use super::world::World;
use crate::json;
use serde_json::Value;

/// How long before the simulation starts the cluster was created (node and namespace AGE).
pub const CLUSTER_AGE_MS: i64 = 3_600_000;

fn stamp(w: &mut World, mut obj: Value) -> Value {
    obj["metadata"]["uid"] = json!(w.rng.uuid());
    obj["metadata"]["creationTimestamp"] = json!(format_rfc3339(w.now - CLUSTER_AGE_MS));
    obj
}

fn put(w: &mut World, kind: &'static str, obj: Value) {
    let obj = stamp(w, obj);
    w.store.put(kind, obj, EventType::Added);
}

/// Every namespace once held a made-up "playground" ResourceQuota (no real cluster has
/// one). Its uid draw and resourceVersion are still used up, so that each seed keeps the
/// names, timings and resourceVersions its golden transcripts record; removing this
/// call means re-recording them all.
pub(crate) fn keep_seeded_history(w: &mut World) {
    w.rng.uuid();
    w.store.skip_resource_version();
}

pub fn bootstrap(w: &mut World) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        put(
            w,
            "Namespace",
            json!({
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"}
            }),
        );
        keep_seeded_history(w);
        put(
            w,
            "ServiceAccount",
            json!({
                "apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": ns}
            }),
        );
    }
    let nodes = w.config.nodes.clone();
    for (i, n) in nodes.iter().enumerate() {
        let mut labels = json!({
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": n.name,
            "kubernetes.io/os": "linux",
        });
        if n.control_plane {
            labels["node-role.kubernetes.io/control-plane"] = json!("");
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        }
        let taints = if n.tainted {
            json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}])
        } else {
            Value::Null
        };
        let resources = json!({
            "cpu": format!("{}", n.cpu_millis / 1000),
            "ephemeral-storage": "102626232Ki",
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": format!("{}Ki", n.memory_mib * 1024),
            "pods": n.max_pods.to_string(),
        });
        let ready_since = format_rfc3339(w.now - CLUSTER_AGE_MS + 30_000);
        let (boot_id, machine_id, system_uuid) =
            (w.rng.uuid(), w.rng.uuid().replace('-', ""), w.rng.uuid());
        let mut spec = json!({"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]});
        if !taints.is_null() {
            spec["taints"] = taints;
        }
        put(
            w,
            "Node",
            json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": n.name, "labels": labels, "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
                "spec": spec,
                "status": {
                    "addresses": [{"address": format!("172.18.0.{}", i + 2), "type": "InternalIP"}, {"address": n.name, "type": "Hostname"}],
                    "allocatable": resources.clone(),
                    "capacity": resources,
                    "conditions": [
                        {"lastHeartbeatTime": ready_since, "lastTransitionTime": ready_since, "message": "kubelet has sufficient memory available", "reason": "KubeletHasSufficientMemory", "status": "False", "type": "MemoryPressure"},
                        {"lastHeartbeatTime": ready_since, "lastTransitionTime": ready_since, "message": "kubelet has no disk pressure", "reason": "KubeletHasNoDiskPressure", "status": "False", "type": "DiskPressure"},
                        {"lastHeartbeatTime": ready_since, "lastTransitionTime": ready_since, "message": "kubelet has sufficient PID available", "reason": "KubeletHasSufficientPID", "status": "False", "type": "PIDPressure"},
                        {"lastHeartbeatTime": ready_since, "lastTransitionTime": ready_since, "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready"}
                    ],
                    "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                    "nodeInfo": {
                        "architecture": "amd64", "bootID": boot_id, "containerRuntimeVersion": "containerd://2.1.3",
                        "kernelVersion": "6.8.0-85-generic", "kubeProxyVersion": "", "kubeletVersion": "v1.34.0",
                        "machineID": machine_id, "operatingSystem": "linux",
                        "osImage": "Debian GNU/Linux 12 (bookworm)", "systemUUID": system_uuid
                    }
                }
            }),
        );
    }
    put(
        w,
        "Service",
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {
                "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "internalTrafficPolicy": "Cluster",
                "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "sessionAffinity": "None", "type": "ClusterIP"
            },
            "status": {"loadBalancer": {}}
        }),
    );
    put(
        w,
        "StorageClass",
        json!({
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"
        }),
    );
    // What the root CA publisher made in each namespace, stored last so that the objects
    // above keep their resourceVersions.
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let ca = root_ca_publisher::config_map(ns, ns, w.now - CLUSTER_AGE_MS);
        w.store.put("ConfigMap", ca, EventType::Added);
    }
    seed_rbac_policy(w);
    seed_apiserver_endpoints(w);
}

/// The `kubernetes` Service's Endpoints and EndpointSlice, which the API server itself
/// keeps (its own address; the slice without a manager label, so no controller touches
/// it), seeded outside the journal with uids derived from the Service's, so that what
/// comes after keeps its resourceVersions and uids.
fn seed_apiserver_endpoints(w: &mut World) {
    let Some(svc) = w.get("Service", "default", "kubernetes").cloned() else {
        return;
    };
    let Some(node) = w
        .store
        .list("Node", None)
        .find(|n| {
            n.pointer("/metadata/labels/node-role.kubernetes.io~1control-plane")
                .is_some()
        })
        .or_else(|| w.store.list("Node", None).next())
        .cloned()
    else {
        return;
    };
    let ip = node["status"]["addresses"][0]["address"].clone();
    let port = svc["spec"]["ports"][0]["targetPort"].clone();
    let created = svc["metadata"]["creationTimestamp"].clone();
    let uid = |salt: &str| derived_uid(svc["metadata"]["uid"].as_str().unwrap_or(""), salt);
    w.store.seed(
        "Endpoints",
        json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default", "uid": uid("endpoints"),
                "creationTimestamp": created,
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": ip}],
                "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]
        }),
    );
    w.store.seed(
        "EndpointSlice",
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default", "uid": uid("endpointslice"),
                "creationTimestamp": created, "generation": 1,
                "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": port, "protocol": "TCP"}]
        }),
    );
}

/// Mixed into the cluster seed for the RBAC policy's uids.
const RBAC_STREAM: u64 = 0x7262_6163_2d70_6f6c;

/// The API server's bootstrap RBAC policy and the installers' roles and bindings, seeded
/// outside the journal (`Store::seed`) with uids of their own random stream, so that
/// what comes after keeps its resourceVersions and uids.
fn seed_rbac_policy(w: &mut World) {
    let installer = match super::addons::Flavor::of(&w.config.nodes) {
        super::addons::Flavor::Kind => super::rbac::policy::Installer::Kind,
        super::addons::Flavor::Minikube => super::rbac::policy::Installer::Kubeadm,
    };
    let mut rng = super::clock::Rng::new(w.config.seed ^ RBAC_STREAM);
    let created = json!(format_rfc3339(w.now - CLUSTER_AGE_MS));
    for s in super::rbac::policy::objects(installer) {
        let mut obj = s.object;
        obj["metadata"]["uid"] = json!(rng.uuid());
        obj["metadata"]["creationTimestamp"] = created.clone();
        w.store.seed(s.kind, obj);
    }
}
