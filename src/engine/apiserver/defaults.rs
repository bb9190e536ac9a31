//! Defaulting as the API server and its admission plugins do it, so `-o yaml` shows what
//! a real cluster stores (reference §7).

use crate::engine::json::At;
use crate::json;
use serde_json::{Map, Value};

/// Inserts `key: value` when `key` is absent.
fn default(obj: &mut Map<String, Value>, key: &str, value: Value) {
    obj.entry(key.to_string()).or_insert(value);
}

fn object<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let map = v.as_object_mut()?;
    let entry = map.entry(key.to_string()).or_insert_with(|| json!({}));
    if entry.is_null() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

/// `IfNotPresent` unless the image is `:latest` or has neither tag nor digest.
pub fn image_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.rsplit_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn default_container(c: &mut Value) {
    let Some(m) = c.as_object_mut() else { return };
    let image = m
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    default(m, "imagePullPolicy", json!(image_pull_policy(&image)));
    default(m, "terminationMessagePath", json!("/dev/termination-log"));
    default(m, "terminationMessagePolicy", json!("File"));
    default(m, "resources", json!({}));
    if let Some(res) = m.get_mut("resources") {
        for key in ["requests", "limits"] {
            if let Some(list) = res.get_mut(key) {
                canonical_quantities(list);
            }
        }
    }
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            default(p, "protocol", json!("TCP"));
        }
    }
    // `SetDefaults_ObjectFieldSelector`: a fieldRef reads the v1 object.
    if let Some(env) = m.get_mut("env").and_then(Value::as_array_mut) {
        for e in env.iter_mut() {
            if let Some(f) = e
                .pointer_mut("/valueFrom/fieldRef")
                .and_then(Value::as_object_mut)
            {
                default(f, "apiVersion", json!("v1"));
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = m.get_mut(probe).and_then(Value::as_object_mut) {
            default(p, "timeoutSeconds", json!(1));
            default(p, "periodSeconds", json!(10));
            default(p, "successThreshold", json!(1));
            default(p, "failureThreshold", json!(3));
            if let Some(h) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                default(h, "path", json!("/"));
                default(h, "scheme", json!("HTTP"));
            }
            if let Some(g) = p.get_mut("grpc").and_then(Value::as_object_mut) {
                default(g, "service", json!(""));
            }
        }
    }
}

/// The server stores a ResourceList's quantity as `Quantity.String()` prints it after
/// `RoundUp(Milli)`: `0.5` cpu is `500m`, `1000m` is `1`, `2048Mi` is `2Gi`, `1500n` is
/// `1m`; a text already canonical (`1e3`, `1500m`) is kept. A value that is not a
/// quantity is left for validation to refuse.
fn canonical_quantity(q: &mut Value) {
    let text = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Ok(stored) = crate::engine::quantity::resource_list_form(&text) {
        *q = json!(stored);
    }
}

/// `SetDefaults_Pod`: when only limits are set, requests are copied from them — on Pods
/// only, never on the pod templates of workloads (core/v1 `defaults.go`, reference §7).
fn default_pod_requests(spec: &mut Value) {
    for key in ["containers", "initContainers"] {
        let Some(cs) = spec.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs.iter_mut() {
            if let Some(res) = c.get_mut("resources").and_then(Value::as_object_mut) {
                // Per resource: a stated request is kept beside a limit of another one.
                if let Some(limits) = res.get("limits").and_then(Value::as_object).cloned() {
                    let requests = res.entry("requests").or_insert_with(|| json!({}));
                    if requests.is_null() {
                        *requests = json!({});
                    }
                    if let Some(requests) = requests.as_object_mut() {
                        for (k, v) in limits {
                            requests.entry(k).or_insert(v);
                        }
                    }
                }
            }
        }
    }
}

/// A `ResourceList`'s quantities as the server stores them: `Quantity.String()`'s
/// canonical form (`0.75` → `750m`, `1` → `"1"`, `1.5Gi` → `1536Mi`).
fn canonical_quantities(list: &mut Value) {
    if let Some(m) = list.as_object_mut() {
        m.values_mut().for_each(canonical_quantity);
    }
}

/// A LimitRange's quantities as the server stores them (`4` → `"4"`, `1.5Gi` → `1536Mi`),
/// then `SetDefaults_LimitRangeItem` on each item.
fn default_limit_range(obj: &mut Value) {
    let Some(items) = obj
        .pointer_mut("/spec/limits")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        for key in [
            "min",
            "max",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ] {
            if let Some(list) = item.get_mut(key) {
                canonical_quantities(list);
            }
        }
        crate::engine::limit_range::default_item(item);
    }
}

/// `SetDefaults_Pod`: with host networking every container port is also a host port
/// (on Pods only, not on the pod templates of workloads).
fn default_host_network_ports(spec: &mut Value) {
    if spec.get("hostNetwork").and_then(Value::as_bool) != Some(true) {
        return;
    }
    for key in ["containers", "initContainers"] {
        let Some(cs) = spec.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs.iter_mut() {
            let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                if p.get("hostPort").and_then(Value::as_i64).unwrap_or(0) == 0 {
                    if let Some(cp) = p.get("containerPort").cloned() {
                        p.insert("hostPort".into(), cp);
                    }
                }
            }
        }
    }
}

/// Defaults every PodSpec gets, in pods and in templates alike.
pub fn default_pod_spec(spec: &mut Value) {
    let Some(m) = spec.as_object_mut() else {
        return;
    };
    default(m, "dnsPolicy", json!("ClusterFirst"));
    default(m, "restartPolicy", json!("Always"));
    default(m, "schedulerName", json!("default-scheduler"));
    default(m, "securityContext", json!({}));
    default(m, "terminationGracePeriodSeconds", json!(30));
    for list in ["containers", "initContainers"] {
        if let Some(cs) = m.get_mut(list).and_then(Value::as_array_mut) {
            cs.iter_mut().for_each(default_container);
        }
    }
    if let Some(vols) = m.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vols.iter_mut().filter_map(Value::as_object_mut) {
            if v.len() == 1 {
                v.insert("emptyDir".into(), json!({}));
            }
            if let Some(cm) = v.get_mut("configMap").and_then(Value::as_object_mut) {
                default(cm, "defaultMode", json!(420));
            }
            if let Some(s) = v.get_mut("secret").and_then(Value::as_object_mut) {
                default(s, "defaultMode", json!(420));
            }
            if let Some(h) = v.get_mut("hostPath").and_then(Value::as_object_mut) {
                default(h, "type", json!(""));
            }
        }
    }
}

/// Removes `key` when it is an explicit null (a zero time the server omits).
fn drop_null(meta: &mut Map<String, Value>, key: &str) {
    if meta.get(key).is_some_and(Value::is_null) {
        meta.remove(key);
    }
}

fn default_template(obj: &mut Value) {
    if let Some(t) = obj.pointer_mut("/spec/template") {
        if let Some(meta) = object(t, "metadata") {
            // apimachinery v0.34 ("Omit null metadata.creationTimestamp", `omitzero`):
            // a 1.34 server never writes `creationTimestamp: null` into templates.
            drop_null(meta, "creationTimestamp");
        }
        if let Some(spec) = t.get_mut("spec") {
            default_pod_spec(spec);
        }
    }
}

/// `SetDefaults_Job` on a Job's spec.
fn default_job_spec(spec: &mut Map<String, Value>) {
    if !spec.contains_key("completions") && !spec.contains_key("parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    default(spec, "parallelism", json!(1));
    let per_index = spec.contains_key("backoffLimitPerIndex");
    default(
        spec,
        "backoffLimit",
        json!(if per_index { i32::MAX as i64 } else { 6 }),
    );
    default(spec, "completionMode", json!("NonIndexed"));
    default(spec, "suspend", json!(false));
    let replacement = if spec.contains_key("podFailurePolicy") {
        "Failed"
    } else {
        "TerminatingOrFailed"
    };
    default(spec, "podReplacementPolicy", json!(replacement));
    default(spec, "manualSelector", json!(false));
}

/// `SetDefaults_Job`: a Job without labels takes its template's.
fn copy_template_labels(obj: &mut Value) {
    let template = obj.at("/spec/template/metadata/labels").cloned();
    let has_labels = obj
        .at("/metadata/labels")
        .and_then(Value::as_object)
        .is_some_and(|l| !l.is_empty());
    if let (Some(l), false, Some(meta)) = (template, has_labels, object(obj, "metadata")) {
        if l.is_object() {
            meta.insert("labels".into(), l);
        }
    }
}

/// The Job strategy's `generateSelector` (unless `manualSelector`): the template gets the
/// job-name and controller-uid labels, the selector matches the uid; then defaulting
/// (which runs again when the object is read back) copies them to a label-less Job.
pub fn generate_job_selector(obj: &mut Value, uid: &str) {
    if obj.at("/spec/manualSelector").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let name = obj
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(template) = obj.pointer_mut("/spec/template") else {
        return;
    };
    if !template["metadata"].is_object() {
        template["metadata"] = json!({});
    }
    if !template["metadata"]["labels"].is_object() {
        template["metadata"]["labels"] = json!({});
    }
    if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
        for (key, value) in [
            ("job-name", name.as_str()),
            ("batch.kubernetes.io/job-name", name.as_str()),
            ("controller-uid", uid),
            ("batch.kubernetes.io/controller-uid", uid),
        ] {
            default(labels, key, json!(value));
        }
    }
    let Some(spec) = object(obj, "spec") else {
        return;
    };
    if !spec.get("selector").is_some_and(Value::is_object) {
        spec.insert("selector".into(), json!({}));
    }
    if let Some(sel) = spec.get_mut("selector").and_then(Value::as_object_mut) {
        if !sel.get("matchLabels").is_some_and(Value::is_object) {
            sel.insert("matchLabels".into(), json!({}));
        }
        if let Some(ml) = sel.get_mut("matchLabels").and_then(Value::as_object_mut) {
            default(ml, "batch.kubernetes.io/controller-uid", json!(uid));
        }
    }
    copy_template_labels(obj);
}

/// Defaults for a new or updated object of `kind` (no admission side effects).
pub fn apply(kind: &str, obj: &mut Value) {
    match kind {
        "Pod" => {
            if let Some(spec) = obj.get_mut("spec") {
                default_pod_spec(spec);
                default_pod_requests(spec);
                default_host_network_ports(spec);
                if let Some(m) = spec.as_object_mut() {
                    default(m, "enableServiceLinks", json!(true));
                    default(m, "preemptionPolicy", json!("PreemptLowerPriority"));
                    default(m, "priority", json!(0));
                }
            }
        }
        "LimitRange" => default_limit_range(obj),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            super::rbac_strategy::default(kind, obj)
        }
        "NetworkPolicy" => super::network_policy_validation::default_network_policy(obj),
        "EndpointSlice" => super::endpoint_slice_validation::default_endpoint_slice(obj),
        "StatefulSet" => {
            default_template(obj);
            if let Some(spec) = object(obj, "spec") {
                default(spec, "replicas", json!(1));
                default(spec, "podManagementPolicy", json!("OrderedReady"));
                default(spec, "revisionHistoryLimit", json!(10));
                default(
                    spec,
                    "persistentVolumeClaimRetentionPolicy",
                    json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
                let strategy = spec.entry("updateStrategy").or_insert_with(|| json!({}));
                if let Some(s) = strategy.as_object_mut() {
                    if !s.contains_key("type") {
                        s.insert("type".into(), json!("RollingUpdate"));
                        s.entry("rollingUpdate").or_insert_with(|| json!({}));
                    }
                    if let Some(ru) = s.get_mut("rollingUpdate").and_then(Value::as_object_mut) {
                        default(ru, "partition", json!(0));
                    }
                }
                if let Some(vcts) = spec
                    .get_mut("volumeClaimTemplates")
                    .and_then(Value::as_array_mut)
                {
                    for t in vcts.iter_mut() {
                        if let Some(m) = t.as_object_mut() {
                            default(m, "apiVersion", json!("v1"));
                            default(m, "kind", json!("PersistentVolumeClaim"));
                        }
                        if let Some(meta) = object(t, "metadata") {
                            drop_null(meta, "creationTimestamp");
                        }
                        if let Some(s) = object(t, "spec") {
                            default(s, "volumeMode", json!("Filesystem"));
                        }
                        if let Some(st) = object(t, "status") {
                            default(st, "phase", json!("Pending"));
                        }
                    }
                }
            }
        }
        "DaemonSet" => {
            default_template(obj);
            if let Some(spec) = object(obj, "spec") {
                default(spec, "revisionHistoryLimit", json!(10));
                let strategy = spec.entry("updateStrategy").or_insert_with(|| json!({}));
                if let Some(s) = strategy.as_object_mut() {
                    default(s, "type", json!("RollingUpdate"));
                    if s.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
                        let ru = s.entry("rollingUpdate").or_insert_with(|| json!({}));
                        if let Some(ru) = ru.as_object_mut() {
                            default(ru, "maxUnavailable", json!(1));
                            default(ru, "maxSurge", json!(0));
                        }
                    }
                }
            }
        }
        "Deployment" => {
            default_template(obj);
            if let Some(spec) = object(obj, "spec") {
                default(spec, "replicas", json!(1));
                default(spec, "revisionHistoryLimit", json!(10));
                default(spec, "progressDeadlineSeconds", json!(600));
                let strategy = spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(s) = strategy.as_object_mut() {
                    default(s, "type", json!("RollingUpdate"));
                    if s.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
                        let ru = s.entry("rollingUpdate").or_insert_with(|| json!({}));
                        if let Some(ru) = ru.as_object_mut() {
                            default(ru, "maxSurge", json!("25%"));
                            default(ru, "maxUnavailable", json!("25%"));
                        }
                    }
                }
            }
        }
        "ReplicaSet" => {
            default_template(obj);
            if let Some(spec) = object(obj, "spec") {
                default(spec, "replicas", json!(1));
            }
        }
        "Job" => {
            default_template(obj);
            if let Some(spec) = object(obj, "spec") {
                default_job_spec(spec);
            }
            copy_template_labels(obj);
        }
        "HorizontalPodAutoscaler" => super::autoscaling::default_hpa(obj),
        "CronJob" => {
            if let Some(spec) = object(obj, "spec") {
                default(spec, "concurrencyPolicy", json!("Allow"));
                default(spec, "suspend", json!(false));
                default(spec, "successfulJobsHistoryLimit", json!(3));
                default(spec, "failedJobsHistoryLimit", json!(1));
                if let Some(job) = spec.get_mut("jobTemplate") {
                    if let Some(meta) = object(job, "metadata") {
                        drop_null(meta, "creationTimestamp");
                    }
                    // Only the pod template: `SetDefaults_Job` is for Jobs, not for the
                    // JobSpec a CronJob carries (the Job made from it gets them).
                    default_template(job);
                }
            }
        }
        "Service" => {
            if let Some(spec) = object(obj, "spec") {
                default(spec, "type", json!("ClusterIP"));
                default(spec, "sessionAffinity", json!("None"));
                let ty = spec
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("ClusterIP")
                    .to_string();
                if ty != "ExternalName" {
                    default(spec, "internalTrafficPolicy", json!("Cluster"));
                    default(spec, "ipFamilies", json!(["IPv4"]));
                    default(spec, "ipFamilyPolicy", json!("SingleStack"));
                }
                if ty == "NodePort" || ty == "LoadBalancer" {
                    default(spec, "externalTrafficPolicy", json!("Cluster"));
                }
                if ty == "LoadBalancer" {
                    default(spec, "allocateLoadBalancerNodePorts", json!(true));
                }
                if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                        default(p, "protocol", json!("TCP"));
                        if let Some(port) = p.get("port").cloned() {
                            default(p, "targetPort", port);
                        }
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            if let Some(spec) = object(obj, "spec") {
                default(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(st) = object(obj, "status") {
                default(st, "phase", json!("Pending"));
            }
        }
        "PersistentVolume" => {
            if let Some(spec) = object(obj, "spec") {
                default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                default(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(st) = object(obj, "status") {
                default(st, "phase", json!("Pending"));
            }
        }
        "Namespace" => {
            let name = obj
                .at("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(meta) = object(obj, "metadata") {
                if let Some(labels) = object_in(meta, "labels") {
                    default(labels, "kubernetes.io/metadata.name", json!(name));
                }
            }
            if let Some(spec) = object(obj, "spec") {
                default(spec, "finalizers", json!(["kubernetes"]));
            }
            if let Some(st) = object(obj, "status") {
                default(st, "phase", json!("Active"));
            }
        }
        "Secret" => {
            if let Some(m) = obj.as_object_mut() {
                default(m, "type", json!("Opaque"));
            }
        }
        _ => {}
    }
}

fn object_in<'a>(m: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    let entry = m.entry(key.to_string()).or_insert_with(|| json!({}));
    if entry.is_null() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_network_pods_get_their_container_ports_as_host_ports() {
        let mut pod = json!({"spec": {"hostNetwork": true, "containers": [{"name": "etcd", "image": "etcd:3.6", "ports": [{"name": "probe-port", "containerPort": 2381}]}]}});
        apply("Pod", &mut pod);
        assert_eq!(pod["spec"]["containers"][0]["ports"][0]["hostPort"], 2381);
        let mut ds = json!({"spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "x:1", "ports": [{"containerPort": 80}]}]}}}});
        apply("DaemonSet", &mut ds);
        assert!(ds["spec"]["template"]["spec"]["containers"][0]["ports"][0]
            .get("hostPort")
            .is_none());
    }

    #[test]
    fn quantities_are_stored_in_canonical_form() {
        let mut pod = json!({"spec": {"containers": [{"name": "c", "image": "x:1", "resources": {"requests": {"cpu": "0.5", "memory": "2048Mi"}, "limits": {"cpu": 1, "memory": "1e3"}}}]}});
        apply("Pod", &mut pod);
        let r = &pod["spec"]["containers"][0]["resources"];
        assert_eq!(r["requests"], json!({"cpu": "500m", "memory": "2Gi"}));
        assert_eq!(r["limits"], json!({"cpu": "1", "memory": "1e3"}));
        let mut pod = json!({"spec": {"containers": [{"name": "c", "image": "x:1", "resources": {"requests": {"cpu": "100n", "memory": "1e4"}, "limits": {"cpu": "250u", "memory": 1000}}}]}});
        apply("Pod", &mut pod);
        let r = &pod["spec"]["containers"][0]["resources"];
        assert_eq!(r["requests"], json!({"cpu": "1m", "memory": "10e3"}));
        assert_eq!(r["limits"], json!({"cpu": "1m", "memory": "1k"}));
    }

    #[test]
    fn latest_or_untagged_images_are_always_pulled() {
        assert_eq!(image_pull_policy("nginx"), "Always");
        assert_eq!(image_pull_policy("nginx:latest"), "Always");
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(image_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn statefulsets_get_a_zero_partition_and_retain_policies() {
        let mut sts = json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}});
        apply("StatefulSet", &mut sts);
        assert_eq!(
            sts["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        );
        assert_eq!(sts["spec"]["podManagementPolicy"], "OrderedReady");
        assert_eq!(
            sts["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
            30
        );
        assert_eq!(
            sts["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert!(sts["spec"]["template"]["metadata"]
            .get("creationTimestamp")
            .is_none());
    }

    #[test]
    fn on_delete_statefulsets_get_no_rolling_update_block() {
        let mut sts = json!({"spec": {"updateStrategy": {"type": "OnDelete"}}});
        apply("StatefulSet", &mut sts);
        assert_eq!(sts["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    }
}
