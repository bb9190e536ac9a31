//! The generated objects as `encoding/json` writes the typed Go structs kubectl builds:
//! fields in declaration order (TypeMeta, ObjectMeta, then the kind's own), Go maps sorted.
//! What `-o json` prints and what `--save-config` stores.

use crate::gofmt::{write_json_struct_order, StructOrder};
use serde_json::Value;

/// Fields of TypeMeta, ObjectMeta, ConfigMap, Secret, Service, ResourceQuota and the structs inside them, in an
/// order that agrees with each struct's declaration (`k8s.io/api/core/v1/types.go`).
const FIELDS: &[&str] = &[
    // TypeMeta, ObjectMeta
    "kind",
    "apiVersion",
    "metadata",
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    // ConfigMap and Secret: Immutable, Data, (StringData,) BinaryData / Type
    "immutable",
    "spec",
    // ResourceQuotaSpec
    "hard",
    "scopes",
    "scopeSelector",
    // ServiceSpec and ServicePort
    "ports",
    "protocol",
    "appProtocol",
    "port",
    "targetPort",
    "nodePort",
    "selector",
    "clusterIP",
    "clusterIPs",
    "data",
    "stringData",
    "binaryData",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
    "status",
    "used",
];

/// `JobSpec` (`k8s.io/api/batch/v1/types.go`).
const JOB_SPEC: &[&str] = &[
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "selector",
    "manualSelector",
    "template",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
];

/// `CronJobSpec`.
const CRON_JOB_SPEC: &[&str] = &[
    "schedule",
    "timeZone",
    "startingDeadlineSeconds",
    "concurrencyPolicy",
    "suspend",
    "jobTemplate",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
];

/// `PodSpec`.
const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
];

/// `Container`.
const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];

/// `OwnerReference` and `LabelSelector`.
const OWNER_REFERENCE: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "uid",
    "controller",
    "blockOwnerDeletion",
];
const LABEL_SELECTOR: &[&str] = &["matchLabels", "matchExpressions"];
/// `IngressSpec` and the structs inside it (`k8s.io/api/networking/v1/types.go`).
const INGRESS: &[&str] = &[
    "ingressClassName",
    "defaultBackend",
    "tls",
    "rules",
    "hosts",
    "secretName",
    "host",
    "http",
    "paths",
    "path",
    "pathType",
    "backend",
    "service",
    "resource",
    "name",
    "port",
    "number",
];

const ORDER: StructOrder = StructOrder {
    structs: &[
        FIELDS,
        JOB_SPEC,
        CRON_JOB_SPEC,
        POD_SPEC,
        CONTAINER,
        OWNER_REFERENCE,
        LABEL_SELECTOR,
        INGRESS,
    ],
    maps: &[
        "matchLabels",
        "nodeSelector",
        "data",
        "stringData",
        "binaryData",
        "labels",
        "annotations",
        "selector",
        "hard",
        "used",
    ],
};

/// PodDisruptionBudget's structs (`k8s.io/api/policy/v1/types.go`): its selector is a
/// LabelSelector, where the default order has Service's `selector` map.
const PDB_ORDER: StructOrder = StructOrder {
    structs: &[
        FIELDS,
        &[
            "minAvailable",
            "selector",
            "maxUnavailable",
            "unhealthyPodEvictionPolicy",
        ],
        &[
            "observedGeneration",
            "disruptedPods",
            "disruptionsAllowed",
            "currentHealthy",
            "desiredHealthy",
            "expectedPods",
            "conditions",
        ],
        LABEL_SELECTOR,
        &["key", "operator", "values"],
    ],
    maps: &["matchLabels", "labels", "annotations"],
};

/// A generated PodDisruptionBudget as `-o json` prints it.
pub(super) fn pdb_indented(obj: &Value) -> String {
    let mut out = String::new();
    write_json_struct_order(&mut out, obj, Some("    "), &PDB_ORDER);
    out.push('\n');
    out
}

/// A generated PodDisruptionBudget as `--save-config` stores it.
pub(super) fn pdb_compact(obj: &Value) -> String {
    let mut out = String::new();
    write_json_struct_order(&mut out, obj, None, &PDB_ORDER);
    out
}

/// `json.MarshalIndent(obj, "", "    ")` with a final newline, as `-o json` prints.
pub(super) fn indented(obj: &Value) -> String {
    let mut out = String::new();
    write_json_struct_order(&mut out, obj, Some("    "), &ORDER);
    out.push('\n');
    out
}

/// `json.Marshal(obj)`.
pub(super) fn compact(obj: &Value) -> String {
    let mut out = String::new();
    write_json_struct_order(&mut out, obj, None, &ORDER);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn typed_order_outside_maps_sorted_inside() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x", "namespace": "n"}, "data": {"type": "1", "name": "2"}});
        assert_eq!(
            compact(&cm),
            r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"n"},"data":{"name":"2","type":"1"}}"#
        );
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "type": "Opaque", "data": {"a": "Yg=="}});
        assert!(compact(&secret).ends_with(r#""data":{"a":"Yg=="},"type":"Opaque"}"#));
    }
}
