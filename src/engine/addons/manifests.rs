//! The add-ons a new cluster runs, as their installers write them: kubeadm's CoreDNS and
//! kube-proxy (`cmd/kubeadm/app/phases/addons/{dns,proxy}/manifests.go`), kind's kindnet
//! and local-path-provisioner, minikube's storage-provisioner. Data, not code.

use crate::json;
use serde_json::Value;

/// kubeadm 1.34's `CoreDNSVersion`.
pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.12.1";
/// The node images tag kube-proxy with the cluster's version.
pub const KUBE_PROXY_IMAGE: &str = "registry.k8s.io/kube-proxy:v1.34.0";
pub const KINDNET_IMAGE: &str = "docker.io/kindest/kindnetd:v20250512-df8de77b";
pub const LOCAL_PATH_IMAGE: &str = "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a";
pub const MINIKUBE_STORAGE_IMAGE: &str = "gcr.io/k8s-minikube/storage-provisioner:v5";

pub fn service_account(namespace: &str, name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}})
}

pub fn coredns_config_map() -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "coredns", "namespace": "kube-system"},
        "data": {"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n"}
    })
}

/// kubeadm's `kube-dns` Service, at the cluster DNS address every pod's resolv.conf names.
pub fn kube_dns_service() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {
            "name": "kube-dns", "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}
        },
        "spec": {
            "clusterIP": "10.96.0.10",
            "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}
            ],
            "selector": {"k8s-app": "kube-dns"}
        }
    })
}

/// kubeadm's CoreDNS Deployment (kind runs 2 replicas, minikube 1), with its probes on
/// the health (`/health` :8080) and ready (`/ready` :8181) plugins' ports.
pub fn coredns_deployment(replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": replicas,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                        "weight": 100,
                        "podAffinityTerm": {
                            "labelSelector": {"matchExpressions": [{"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                            "topologyKey": "kubernetes.io/hostname"
                        }
                    }]}},
                    "tolerations": [
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
                    ],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{
                        "name": "coredns",
                        "image": COREDNS_IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "livenessProbe": {
                            "httpGet": {"path": "/health", "port": "liveness-probe", "scheme": "HTTP"},
                            "initialDelaySeconds": 60, "timeoutSeconds": 5, "successThreshold": 1, "failureThreshold": 5
                        },
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": "readiness-probe", "scheme": "HTTP"}},
                        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": true}],
                        "ports": [
                            {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                            {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                            {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                            {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                            {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"}
                        ],
                        "securityContext": {
                            "allowPrivilegeEscalation": false,
                            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                            "readOnlyRootFilesystem": true
                        }
                    }],
                    "dnsPolicy": "Default",
                    "volumes": [{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]
                }
            }
        }
    })
}

pub fn kube_proxy_config_map() -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"app": "kube-proxy"}},
        "data": {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: iptables\n"}
    })
}

fn host_path(name: &str, path: &str, kind: Option<&str>) -> Value {
    let mut hp = json!({"path": path});
    if let Some(k) = kind {
        hp["type"] = json!(k);
    }
    json!({"name": name, "hostPath": hp})
}

/// kubeadm's kube-proxy DaemonSet: host network, on every node whatever its taints.
pub fn kube_proxy_daemon_set() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "updateStrategy": {"type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {
                    "priorityClassName": "system-node-critical",
                    "containers": [{
                        "name": "kube-proxy",
                        "image": KUBE_PROXY_IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                        "securityContext": {"privileged": true},
                        "volumeMounts": [
                            {"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                            {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                            {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": true}
                        ],
                        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
                    }],
                    "hostNetwork": true,
                    "serviceAccountName": "kube-proxy",
                    "volumes": [
                        {"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                        host_path("xtables-lock", "/run/xtables.lock", Some("FileOrCreate")),
                        host_path("lib-modules", "/lib/modules", None)
                    ],
                    "tolerations": [{"operator": "Exists"}],
                    "nodeSelector": {"kubernetes.io/os": "linux"}
                }
            }
        }
    })
}

/// kind's CNI daemon.
pub fn kindnet_daemon_set() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kindnet", "namespace": "kube-system", "labels": {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}},
        "spec": {
            "selector": {"matchLabels": {"app": "kindnet"}},
            "template": {
                "metadata": {"labels": {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}},
                "spec": {
                    "hostNetwork": true,
                    "tolerations": [{"operator": "Exists"}],
                    "serviceAccountName": "kindnet",
                    "containers": [{
                        "name": "kindnet-cni",
                        "image": KINDNET_IMAGE,
                        "env": [
                            {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
                            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                            {"name": "POD_SUBNET", "value": "10.244.0.0/16"},
                            {"name": "CONTROL_PLANE_ENDPOINT", "value": "kind-control-plane:6443"}
                        ],
                        "volumeMounts": [
                            {"name": "cni-cfg", "mountPath": "/etc/cni/net.d"},
                            {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                            {"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": true}
                        ],
                        "resources": {"requests": {"cpu": "100m", "memory": "50Mi"}, "limits": {"cpu": "100m", "memory": "50Mi"}},
                        "securityContext": {"privileged": false, "capabilities": {"add": ["NET_RAW", "NET_ADMIN"]}}
                    }],
                    "volumes": [
                        host_path("cni-cfg", "/etc/cni/net.d", None),
                        host_path("xtables-lock", "/run/xtables.lock", Some("FileOrCreate")),
                        host_path("lib-modules", "/lib/modules", None)
                    ]
                }
            }
        }
    })
}

pub fn local_path_namespace() -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "local-path-storage"}})
}

pub fn local_path_config_map() -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "local-path-config", "namespace": "local-path-storage"},
        "data": {"config.json": "{\n        \"nodePathMap\":[\n        {\n                \"node\":\"DEFAULT_PATH_FOR_NON_LISTED_NODES\",\n                \"paths\":[\"/var/local-path-provisioner\"]\n        }\n        ]\n}\n"}
    })
}

/// kind's local-path-provisioner, which backs the `standard` StorageClass.
pub fn local_path_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "local-path-provisioner", "namespace": "local-path-storage"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "local-path-provisioner"}},
            "template": {
                "metadata": {"labels": {"app": "local-path-provisioner"}},
                "spec": {
                    "serviceAccountName": "local-path-provisioner-service-account",
                    "tolerations": [
                        {"key": "node-role.kubernetes.io/control-plane", "operator": "Equal", "effect": "NoSchedule"},
                        {"key": "node-role.kubernetes.io/master", "operator": "Equal", "effect": "NoSchedule"}
                    ],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{
                        "name": "local-path-provisioner",
                        "image": LOCAL_PATH_IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "command": ["local-path-provisioner", "--debug", "start", "--helper-image", "docker.io/kindest/local-path-helper:v20241212-8ac705d0", "--config", "/etc/config/config.json"],
                        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config/"}],
                        "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]
                    }],
                    "volumes": [{"name": "config-volume", "configMap": {"name": "local-path-config"}}]
                }
            }
        }
    })
}

/// minikube's storage-provisioner: a bare pod the addon manager keeps.
pub fn minikube_storage_provisioner(node: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": "storage-provisioner", "namespace": "kube-system",
            "labels": {"addonmanager.kubernetes.io/mode": "Reconcile", "integration-test": "storage-provisioner"}
        },
        "spec": {
            "serviceAccountName": "storage-provisioner",
            "hostNetwork": true,
            "nodeName": node,
            "containers": [{
                "name": "storage-provisioner",
                "image": MINIKUBE_STORAGE_IMAGE,
                "command": ["/storage-provisioner"],
                "imagePullPolicy": "IfNotPresent",
                "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}]
            }],
            "volumes": [{"name": "tmp", "hostPath": {"path": "/tmp", "type": "Directory"}}]
        }
    })
}
