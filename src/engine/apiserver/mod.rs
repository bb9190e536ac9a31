//! The API server's verbs: create, update, patch, delete — with defaulting, validation,
//! admission, generation bumps, graceful deletion and finalizers.

pub mod allocator;
mod apply;
pub mod autoscaling;
pub use apply::Applied;
pub mod defaults;
pub mod derived_fields;
pub mod endpoint_slice_validation;
pub mod eviction;
pub mod fieldpath;
pub mod ingress_validation;
pub mod json_syntax;
pub mod limit_range_validation;
pub mod limit_ranger;
pub mod managed_fields;
pub mod network_policy_validation;
pub mod patch;
pub mod patch_handler;
pub mod policy;
pub mod rbac_strategy;
pub mod resource_quota;
pub mod validation;
pub mod warnings;

use super::errors::ApiError;
use super::kinds::{self, KindInfo};
use super::store::EventType;
use super::time::format_rfc3339;
use super::world::World;
use crate::engine::json::At;
use crate::json;
pub use managed_fields::{FieldManager, CONTROLLER_MANAGER, CONTROLLER_MANAGER_STATUS};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::rc::Rc;

/// What happens to dependents when their owner is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeleteOptions {
    /// `None` = the object's own (a pod's `terminationGracePeriodSeconds`).
    pub grace_period_seconds: Option<i64>,
    pub propagation: Propagation,
}

/// What kube-apiserver 1.34 warns of every request for core/v1 Endpoints.
pub const ENDPOINTS_DEPRECATED: &str =
    "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

/// Kinds whose `spec` changes bump `metadata.generation`.
fn has_generation(kind: &str) -> bool {
    matches!(
        kind,
        "StatefulSet"
            | "DaemonSet"
            | "Deployment"
            | "ReplicaSet"
            | "Pod"
            | "Job"
            | "CronJob"
            | "NetworkPolicy"
            | "Ingress"
            | "IngressClass"
            | "PodDisruptionBudget"
            | "EndpointSlice"
    )
}

/// Whether an update changes what bumps the generation: the spec; for an EndpointSlice,
/// which has none, anything but its metadata, and its labels
/// (`endpointSliceStrategy.PrepareForUpdate`).
fn generation_fields_changed(kind: &str, old: &Value, new: &Value) -> bool {
    if kind != "EndpointSlice" {
        return new.get("spec") != old.get("spec");
    }
    let without_meta = |o: &Value| {
        let mut o = o.clone();
        if let Some(m) = o.as_object_mut() {
            m.remove("metadata");
        }
        o
    };
    without_meta(old) != without_meta(new)
        || old.pointer("/metadata/labels") != new.pointer("/metadata/labels")
}

/// ObjectMeta's `labels` and `annotations` are `omitempty`: an empty map (a manifest's
/// `annotations: {}`, an apply patch's) is not stored.
fn drop_empty_meta_maps(obj: &mut Value) {
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in ["labels", "annotations"] {
            if m.get(key)
                .and_then(Value::as_object)
                .is_some_and(|a| a.is_empty())
            {
                m.remove(key);
            }
        }
    }
}

/// A Deployment's annotations are copied to its ReplicaSets, so the registry bumps its
/// generation when they change too (`deploymentStrategy.PrepareForUpdate`; no
/// annotations and an empty map are the same to it).
fn deployment_annotations_changed(kind: &str, old: &Value, new: &Value) -> bool {
    let annotations = |o: &Value| {
        o.pointer("/metadata/annotations")
            .filter(|a| a.as_object().is_some_and(|m| !m.is_empty()))
            .cloned()
    };
    kind == "Deployment" && annotations(old) != annotations(new)
}

/// Kinds whose status is written only through the status subresource.
pub(crate) fn has_status_subresource(kind: &str) -> bool {
    matches!(
        kind,
        "StatefulSet"
            | "DaemonSet"
            | "Deployment"
            | "ReplicaSet"
            | "Pod"
            | "PersistentVolumeClaim"
            | "PersistentVolume"
            | "Node"
            | "Namespace"
            | "Service"
            | "ResourceQuota"
            | "Ingress"
            | "Job"
            | "CronJob"
            | "HorizontalPodAutoscaler"
            | "PodDisruptionBudget"
    )
}

pub fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The object's metadata map, created when absent (`Value` indexing turns a non-object
/// root into an object, so this always finds one).
fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = json!({});
    }
    let Value::Object(root) = obj else {
        return meta_mut(obj);
    };
    let meta = root.entry("metadata").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    match meta {
        Value::Object(m) => m,
        // Set to an object just above; recursing on it ends at once.
        other => meta_mut(other),
    }
}

/// The kind of a manifest, if this server serves its apiVersion and kind.
pub fn kind_of(obj: &Value) -> Option<&'static KindInfo> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str)?;
    let kind = obj.get("kind").and_then(Value::as_str)?;
    kinds::by_api_version(api_version, kind)
}

/// An admission plugin's refusal of a new object: `pods "web" is forbidden: <why>`.
fn forbidden(info: &KindInfo, name: &str, why: &str) -> ApiError {
    ApiError::Forbidden {
        message: format!("{} \"{name}\" is forbidden: {why}", info.group_resource()),
    }
}

impl World {
    fn kind_or_bad_request(obj: &Value) -> Result<&'static KindInfo, ApiError> {
        kind_of(obj).ok_or_else(|| ApiError::BadRequest {
            message: format!(
                "no kind \"{}\" is registered for version \"{}\"",
                obj.get("kind").and_then(Value::as_str).unwrap_or(""),
                obj.get("apiVersion").and_then(Value::as_str).unwrap_or("")
            ),
        })
    }

    /// The warning kube-apiserver 1.34 sends with every request for a deprecated API
    /// (core/v1 Endpoints); `kubectl get` adds its own for reads.
    fn warn_if_deprecated(&mut self, info: &KindInfo) {
        if info.kind == "Endpoints" {
            self.warnings.push(ENDPOINTS_DEPRECATED.to_string());
        }
    }

    /// POST: a new object.
    pub fn create(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        self.create_as(obj, None)
    }

    /// POST by a named field manager, recorded in `managedFields` (an Update) after
    /// defaulting and before admission, as the server's field manager does.
    pub fn create_as(
        &mut self,
        mut obj: Value,
        manager: Option<&FieldManager>,
    ) -> Result<Rc<Value>, ApiError> {
        let info = Self::kind_or_bad_request(&obj)?;
        self.warn_if_deprecated(info);
        obj["apiVersion"] = json!(info.api_version());
        let namespace = if info.namespaced {
            let ns = meta_str(&obj, "namespace");
            let ns = if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            };
            let Some(home) = self.get("Namespace", "", &ns) else {
                return Err(ApiError::NamespaceNotFound { namespace: ns });
            };
            // NamespaceLifecycle admission: nothing new in a namespace being deleted.
            if home.at("/metadata/deletionTimestamp").is_some() {
                return Err(forbidden(
                    info,
                    meta_str(&obj, "name"),
                    &format!(
                        "unable to create new content in namespace {ns} because it is being terminated"
                    ),
                ));
            }
            meta_mut(&mut obj).insert("namespace".into(), json!(ns));
            ns
        } else {
            meta_mut(&mut obj).remove("namespace");
            String::new()
        };
        if meta_str(&obj, "name").is_empty() {
            let base = meta_str(&obj, "generateName").to_string();
            if !base.is_empty() {
                let base: String = base.chars().take(58).collect();
                let mut name = format!("{base}{}", self.rng.name_suffix());
                while self.get(info.kind, &namespace, &name).is_some() {
                    name = format!("{base}{}", self.rng.name_suffix());
                }
                meta_mut(&mut obj).insert("name".into(), json!(name));
            }
        }
        defaults::apply(info.kind, &mut obj);
        drop_empty_meta_maps(&mut obj);
        // Mutating admission runs before validation: LimitRanger's defaults are validated
        // with the pod, and ResourceQuota below counts them.
        if info.kind == "Pod" {
            limit_ranger::mutate(self, &namespace, &mut obj);
        }
        if info.kind == "Secret" {
            merge_string_data(&mut obj);
        }
        let zero = managed_fields::zero_value(info.kind);
        self.record_manager(info.kind, &zero, &mut obj, manager);
        if info.kind == "PersistentVolumeClaim" {
            self.admit_default_storage_class(&mut obj);
        }
        // The Job strategy selects pods by the Job's uid, so a Job's uid exists before
        // validation (`PrepareForCreate`); other kinds draw theirs after admission.
        let early_uid = (info.kind == "Job").then(|| self.rng.uuid());
        if let Some(uid) = &early_uid {
            defaults::generate_job_selector(&mut obj, uid);
        }
        let errs = validation::validate(info.kind, &obj);
        let name = meta_str(&obj, "name").to_string();
        if !errs.is_empty() {
            return Err(ApiError::Invalid {
                kind: info.kind.to_string(),
                name,
                causes: errs,
            });
        }
        // The strategy's warnings come with a create that passed validation, even one
        // that storage or admission then refuses.
        self.warnings.extend(warnings::on_create(info.kind, &obj));
        if self.get(info.kind, &namespace, &name).is_some() {
            return Err(ApiError::AlreadyExists {
                resource: info.group_resource(),
                name,
            });
        }
        if info.namespaced {
            limit_ranger::validate(self, info, &namespace, &name, &obj)?;
            resource_quota::admit(self, info, &namespace, &name, &obj)?;
        }
        if info.kind == "Pod" {
            self.admit_pod(&mut obj);
        }
        if info.kind == "Service" {
            allocator::allocate_service(self, &namespace, &name, &mut obj);
        }
        let uid = early_uid.unwrap_or_else(|| self.rng.uuid());
        let now = format_rfc3339(self.now);
        let meta = meta_mut(&mut obj);
        meta.insert("uid".into(), json!(uid));
        meta.insert("creationTimestamp".into(), json!(now));
        meta.remove("deletionTimestamp");
        meta.remove("resourceVersion");
        if has_generation(info.kind) {
            meta.insert("generation".into(), json!(1));
        }
        if has_status_subresource(info.kind)
            && !matches!(
                info.kind,
                "PersistentVolumeClaim" | "PersistentVolume" | "Namespace" | "Node"
            )
        {
            let keep = if info.kind == "Pod" {
                obj.get("status").cloned()
            } else {
                None
            };
            obj["status"] = keep.unwrap_or_else(|| match info.kind {
                // `ServiceStatus.LoadBalancer` is a struct: encoding/json always writes it.
                "Service" | "Ingress" => json!({"loadBalancer": {}}),
                // The strategy's empty status as v2 encodes it (`currentMetrics` and
                // `desiredReplicas` have no omitempty).
                "HorizontalPodAutoscaler" => json!({"currentMetrics": null, "desiredReplicas": 0}),
                "PodDisruptionBudget" => policy::empty_status(),
                _ => json!({}),
            });
            if info.kind == "Pod" && obj["status"].get("phase").is_none() {
                obj["status"] = json!({"phase": "Pending", "qosClass": qos_class(&obj)});
            }
        }
        Ok(self.store.put(info.kind, obj, EventType::Added))
    }

    /// The Update entry of a write by `manager`, if the write names one (`old`: the live
    /// object, or the kind's zero value on a create).
    fn record_manager(
        &self,
        kind: &str,
        old: &Value,
        obj: &mut Value,
        manager: Option<&FieldManager>,
    ) {
        if let Some(m) = manager {
            // A client's write to a pod whose control-plane entries are derived takes
            // over from them: they are stored first.
            let mut old = Cow::Borrowed(old);
            if kind == "Pod" {
                derived_fields::materialize(old.to_mut());
            }
            let now = format_rfc3339(self.now);
            managed_fields::record_update(&old, obj, m, has_status_subresource(kind), &now);
        }
    }

    /// A control-plane write's Update entry. Kept where entries are: an object a client
    /// or a controller created with its manager recorded, and every workload; a pod the
    /// control plane alone wrote keeps none (`derived_fields` shows them).
    fn record_control_plane(&self, kind: &str, old: &Value, obj: &mut Value, m: &FieldManager) {
        let stored = old
            .pointer("/metadata/managedFields")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
        let workload = matches!(
            kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob"
        );
        if stored || workload {
            let now = format_rfc3339(self.now);
            let drop_status = m.subresource.is_empty() && has_status_subresource(kind);
            let zeros = managed_fields::zero_status(kind);
            let zeros = zeros.as_object().filter(|z| {
                let status = old.get("status").and_then(Value::as_object);
                status.is_some_and(|s| z.keys().any(|k| !s.contains_key(k)))
            });
            let mut old = Cow::Borrowed(old);
            let status = zeros.and_then(|_| old.to_mut().get_mut("status"));
            if let (Some(zeros), Some(Value::Object(status))) = (zeros, status) {
                for (k, v) in zeros {
                    status.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            managed_fields::record_update(&old, obj, m, drop_status, &now);
        }
    }

    /// DefaultStorageClass admission: a claim that names no class gets the default one.
    fn admit_default_storage_class(&self, obj: &mut Value) {
        if obj.at("/spec/storageClassName").is_some() {
            return;
        }
        let default = self.store.list("StorageClass", None).find(|sc| {
            sc.at("/metadata/annotations/storageclass.kubernetes.io~1is-default-class")
                .and_then(Value::as_str)
                == Some("true")
        });
        if let (Some(sc), Some(spec)) =
            (default, obj.get_mut("spec").and_then(Value::as_object_mut))
        {
            spec.insert("storageClassName".into(), json!(meta_str(sc, "name")));
        }
    }

    /// Service account token volume, priority and default tolerations.
    fn admit_pod(&mut self, obj: &mut Value) {
        let suffix = self.rng.name_suffix();
        let mirror = obj
            .at("/metadata/annotations")
            .is_some_and(|a| a.get("kubernetes.io/config.mirror").is_some());
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        // The built-in priority classes (the Priority admission plugin).
        let priority = match spec.get("priorityClassName").and_then(Value::as_str) {
            Some("system-node-critical") => Some(2_000_001_000),
            Some("system-cluster-critical") => Some(2_000_000_000),
            _ => None,
        };
        if let Some(p) = priority {
            spec.insert("priority".into(), json!(p));
            spec.insert("preemptionPolicy".into(), json!("PreemptLowerPriority"));
        }
        default_toleration_seconds(spec);
        // A static pod's mirror gets no service account (ServiceAccount admission).
        if mirror {
            return;
        }
        spec.entry("serviceAccountName")
            .or_insert_with(|| json!("default"));
        spec.entry("serviceAccount")
            .or_insert_with(|| json!("default"));
        let volume = format!("kube-api-access-{suffix}");
        let volumes = spec.entry("volumes").or_insert_with(|| json!([]));
        if let Some(v) = volumes.as_array_mut() {
            v.push(json!({
                "name": volume,
                "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                    {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
                ]}
            }));
        }
        if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                let mounts = c.entry("volumeMounts").or_insert_with(|| json!([]));
                if let Some(m) = mounts.as_array_mut() {
                    m.push(json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": volume, "readOnly": true}));
                }
            }
        }
    }

    /// PUT: replaces the object's spec and metadata; status is kept (status subresource).
    pub fn update(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        self.update_as(obj, None)
    }

    /// PUT by a named field manager, recorded in `managedFields` (an Update).
    pub fn update_as(
        &mut self,
        mut obj: Value,
        manager: Option<&FieldManager>,
    ) -> Result<Rc<Value>, ApiError> {
        let info = Self::kind_or_bad_request(&obj)?;
        self.warn_if_deprecated(info);
        obj["apiVersion"] = json!(info.api_version());
        let namespace = if info.namespaced {
            let ns = meta_str(&obj, "namespace");
            if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            }
        } else {
            String::new()
        };
        let name = meta_str(&obj, "name").to_string();
        let old = self
            .get(info.kind, &namespace, &name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                resource: info.group_resource(),
                name: name.clone(),
            })?;
        let rv = meta_str(&obj, "resourceVersion");
        if !rv.is_empty() && rv != meta_str(&old, "resourceVersion") {
            return Err(ApiError::Conflict {
                resource: info.group_resource(),
                name,
            });
        }
        if info.namespaced {
            meta_mut(&mut obj).insert("namespace".into(), json!(namespace));
        }
        defaults::apply(info.kind, &mut obj);
        drop_empty_meta_maps(&mut obj);
        if info.kind == "Secret" {
            merge_string_data(&mut obj);
        }
        if info.kind == "Service" {
            allocator::keep_allocations(&old, &mut obj);
        }
        if info.kind == "Job" {
            defaults::generate_job_selector(&mut obj, meta_str(&old, "uid"));
        }
        if info.kind == "Pod" {
            // Pod specs are immutable but for images and a few fields; keep admission's additions.
            // A `spec` that is not a mapping is left for validation to reject.
            if let (Some(new_spec), Some(old_spec)) = (
                obj.get_mut("spec").and_then(Value::as_object_mut),
                old.get("spec"),
            ) {
                for key in [
                    "volumes",
                    "tolerations",
                    "serviceAccountName",
                    "serviceAccount",
                    "nodeName",
                    "enableServiceLinks",
                    "priority",
                    "preemptionPolicy",
                ] {
                    if let Some(v) = old_spec.get(key) {
                        new_spec.insert(key.to_string(), v.clone());
                    }
                }
                if let (Some(nc), Some(oc)) = (
                    new_spec.get_mut("containers").and_then(Value::as_array_mut),
                    old_spec.get("containers").and_then(Value::as_array),
                ) {
                    for (n, o) in nc.iter_mut().zip(oc) {
                        if let (Some(n), Some(m)) = (n.as_object_mut(), o.get("volumeMounts")) {
                            n.insert("volumeMounts".into(), m.clone());
                        }
                    }
                }
            }
        }
        self.record_manager(info.kind, &old, &mut obj, manager);
        let errs = validation::validate_update(info.kind, &old, &obj);
        if !errs.is_empty() {
            return Err(ApiError::Invalid {
                kind: info.kind.to_string(),
                name,
                causes: errs,
            });
        }
        self.warnings
            .extend(warnings::on_update(info.kind, &old, &obj));
        // LimitRanger holds a claim to its bounds on update too (a pod's resources are
        // immutable here, so pods are not checked again).
        if info.kind == "PersistentVolumeClaim" {
            limit_ranger::validate(self, info, &namespace, &name, &obj)?;
        }
        if has_status_subresource(info.kind) {
            match old.get("status") {
                Some(s) => obj["status"] = s.clone(),
                None => {
                    if let Some(m) = obj.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
        }
        let old_meta = old.get("metadata").cloned().unwrap_or_default();
        let meta = meta_mut(&mut obj);
        for key in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            match old_meta.get(key) {
                Some(v) => meta.insert(key.into(), v.clone()),
                None => meta.remove(key),
            };
        }
        meta.remove("resourceVersion");
        if has_generation(info.kind)
            && (generation_fields_changed(info.kind, &old, &obj)
                || deployment_annotations_changed(info.kind, &old, &obj))
        {
            let generation = old_meta
                .get("generation")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                + 1;
            meta_mut(&mut obj).insert("generation".into(), json!(generation));
        }
        if without_rv(&obj) == without_rv(&old) {
            return Ok(old);
        }
        let stored = self.store.put(info.kind, obj, EventType::Modified);
        self.finish_deletion_if_done(info.kind, &stored);
        Ok(stored)
    }

    /// Writes a new status by the controller manager; no write when nothing changed.
    pub fn update_status(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        status: Value,
    ) -> Option<Rc<Value>> {
        self.update_status_as(kind, namespace, name, status, &CONTROLLER_MANAGER_STATUS)
    }

    /// Writes a new status by `manager` (the kubelet, the scheduler, a controller).
    pub fn update_status_as(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        status: Value,
        manager: &FieldManager,
    ) -> Option<Rc<Value>> {
        let old = self.get(kind, namespace, name)?.clone();
        if old.get("status") == Some(&status) {
            return Some(old);
        }
        let mut obj = with_status(&old, status);
        self.record_control_plane(kind, &old, &mut obj, manager);
        Some(self.store.put(kind, obj, EventType::Modified))
    }

    /// Writes an object a controller changed (metadata or spec), no validation. A pod's
    /// binding and adoption record no entry.
    pub fn write(&mut self, kind: &'static str, obj: Value) -> Rc<Value> {
        self.write_as(kind, obj, &CONTROLLER_MANAGER)
    }

    /// `write` through `manager` (e.g. a Deployment's annotations and status together,
    /// through the status subresource).
    pub fn write_as(
        &mut self,
        kind: &'static str,
        mut obj: Value,
        manager: &FieldManager,
    ) -> Rc<Value> {
        if kind != "Pod" {
            let ns = meta_str(&obj, "namespace").to_string();
            if let Some(old) = self.get(kind, &ns, meta_str(&obj, "name")).cloned() {
                self.record_control_plane(kind, &old, &mut obj, manager);
            }
        }
        self.store.put(kind, obj, EventType::Modified)
    }

    /// DELETE: graceful for scheduled pods, finalizer-aware for everything.
    pub fn delete(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Rc<Value>, ApiError> {
        let info = kinds::by_kind(kind).ok_or_else(|| ApiError::BadRequest {
            message: format!("unknown kind {kind}"),
        })?;
        self.warn_if_deprecated(info);
        let ns = if info.namespaced { namespace } else { "" };
        let old = self
            .get(info.kind, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                resource: info.group_resource(),
                name: name.to_string(),
            })?;
        let mut obj = (*old).clone();
        let already_deleting = old.at("/metadata/deletionTimestamp").is_some();

        if info.kind == "Namespace" {
            if let Some(ns) = self.delete_namespace(info, name, &old)? {
                return Ok(ns);
            }
        }
        if info.kind == "Pod" {
            let spec_grace = old
                .at("/spec/terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(30);
            let grace = opts.grace_period_seconds.unwrap_or(spec_grace).max(0);
            let scheduled = old
                .at("/spec/nodeName")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty());
            let terminal = matches!(
                old.at("/status/phase").and_then(Value::as_str),
                Some("Succeeded" | "Failed")
            );
            if grace == 0 || !scheduled || terminal {
                return Ok(self.remove_now(info.kind, ns, name).unwrap_or(old));
            }
            if already_deleting {
                let current = old
                    .at("/metadata/deletionGracePeriodSeconds")
                    .and_then(Value::as_i64)
                    .unwrap_or(grace);
                if grace >= current {
                    return Ok(old);
                }
            }
            let meta = meta_mut(&mut obj);
            meta.insert(
                "deletionTimestamp".into(),
                json!(format_rfc3339(self.now + grace * 1000)),
            );
            meta.insert("deletionGracePeriodSeconds".into(), json!(grace));
            let stored = self.store.put(info.kind, obj, EventType::Modified);
            return Ok(stored);
        }

        let finalizer = match opts.propagation {
            Propagation::Background => None,
            Propagation::Foreground => Some("foregroundDeletion"),
            Propagation::Orphan => Some("orphan"),
        };
        let has_dependents = self
            .store
            .owners
            .dependents
            .contains_key(meta_str(&old, "uid"));
        let mut finalizers: Vec<Value> = old
            .at("/metadata/finalizers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(f) = finalizer {
            if has_dependents && !finalizers.iter().any(|x| x == f) {
                finalizers.push(json!(f));
            }
        }
        if finalizers.is_empty() {
            return Ok(self.remove_now(info.kind, ns, name).unwrap_or(old));
        }
        let meta = meta_mut(&mut obj);
        meta.insert("finalizers".into(), json!(finalizers));
        if !already_deleting {
            meta.insert("deletionTimestamp".into(), json!(format_rfc3339(self.now)));
            meta.insert("deletionGracePeriodSeconds".into(), json!(0));
        }
        Ok(self.store.put(info.kind, obj, EventType::Modified))
    }

    /// A namespace is never deleted at once while its spec names finalizers: it turns
    /// `Terminating` until the namespace controller has emptied it. The system namespaces
    /// are refused (NamespaceLifecycle). `None`: no spec finalizer, delete as any object.
    fn delete_namespace(
        &mut self,
        info: &KindInfo,
        name: &str,
        old: &Rc<Value>,
    ) -> Result<Option<Rc<Value>>, ApiError> {
        if matches!(name, "default" | "kube-system" | "kube-public") {
            return Err(forbidden(info, name, "this namespace may not be deleted"));
        }
        let finalized = old
            .at("/spec/finalizers")
            .and_then(Value::as_array)
            .is_none_or(|f| f.is_empty());
        if finalized {
            return Ok(None);
        }
        if old.at("/metadata/deletionTimestamp").is_some() {
            return Ok(Some(old.clone()));
        }
        let mut obj = (**old).clone();
        meta_mut(&mut obj).insert("deletionTimestamp".into(), json!(format_rfc3339(self.now)));
        obj["status"]["phase"] = json!("Terminating");
        Ok(Some(self.store.put(info.kind, obj, EventType::Modified)))
    }

    /// Removes an object whose deletion completed (no finalizers left, pod stopped).
    pub fn remove_now(&mut self, kind: &str, namespace: &str, name: &str) -> Option<Rc<Value>> {
        let info = kinds::by_kind(kind)?;
        self.store.remove(info.kind, namespace, name)
    }

    /// An object being deleted whose last finalizer was just removed goes away.
    fn finish_deletion_if_done(&mut self, kind: &'static str, obj: &Value) {
        let deleting = obj.at("/metadata/deletionTimestamp").is_some();
        let no_finalizers = obj
            .at("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_none_or(|f| f.is_empty());
        if deleting && no_finalizers && kind != "Pod" {
            self.remove_now(kind, meta_str(obj, "namespace"), meta_str(obj, "name"));
        }
    }

    /// Removes one finalizer (the garbage collector's last step) and completes deletion.
    pub fn remove_finalizer(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        finalizer: &str,
    ) {
        let Some(old) = self.get(kind, namespace, name).cloned() else {
            return;
        };
        let mut obj = (*old).clone();
        if let Some(f) = obj
            .pointer_mut("/metadata/finalizers")
            .and_then(Value::as_array_mut)
        {
            f.retain(|x| x != finalizer);
            if f.is_empty() {
                if let Some(m) = obj["metadata"].as_object_mut() {
                    m.remove("finalizers");
                }
            }
        }
        let stored = self.store.put(kind, obj, EventType::Modified);
        self.finish_deletion_if_done(kind, &stored);
    }
}

fn without_rv(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    o
}

/// DefaultTolerationSeconds admission: a pod that does not already tolerate a node being
/// not-ready or unreachable (no toleration of that key, or of every key, for NoExecute)
/// tolerates each for 300 s.
fn default_toleration_seconds(spec: &mut serde_json::Map<String, Value>) {
    let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
    let Some(t) = tolerations.as_array_mut() else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = t.iter().any(|x| {
            let k = x["key"].as_str().unwrap_or("");
            let effect = x["effect"].as_str().unwrap_or("");
            (k == key || k.is_empty()) && (effect == "NoExecute" || effect.is_empty())
        });
        if !tolerated {
            t.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
}

/// BestEffort / Burstable / Guaranteed from the containers' requests and limits.
pub fn qos_class(pod: &Value) -> &'static str {
    let containers = pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut any = false;
    let mut guaranteed = !containers.is_empty();
    for c in containers {
        let req = c.at("/resources/requests").and_then(Value::as_object);
        let lim = c.at("/resources/limits").and_then(Value::as_object);
        if req.is_some_and(|m| !m.is_empty()) || lim.is_some_and(|m| !m.is_empty()) {
            any = true;
        }
        let full = |m: Option<&Map<String, Value>>| {
            m.is_some_and(|m| m.contains_key("cpu") && m.contains_key("memory"))
        };
        if !(full(lim) && (req.is_none() || req == lim)) {
            guaranteed = false;
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// A Secret's `stringData` is write-only: the conversion to the internal version
/// (`Convert_v1_Secret_To_core_Secret`) moves each value into `data`, base64-encoded,
/// over a `data` key of the same name.
fn merge_string_data(secret: &mut Value) {
    let Some(m) = secret.as_object_mut() else {
        return;
    };
    let Some(Value::Object(string_data)) = m.remove("stringData") else {
        return;
    };
    if !m.get("data").is_some_and(Value::is_object) {
        m.insert("data".into(), json!({}));
    }
    if let Some(data) = m.get_mut("data").and_then(Value::as_object_mut) {
        for (k, v) in string_data {
            let text = v.as_str().unwrap_or_default();
            data.insert(k, json!(crate::base64::encode(text.as_bytes())));
        }
    }
}

/// `obj` with its status replaced, copying everything but the old status (a pod's status
/// is much of the pod, and kubelets rewrite it at every step).
fn with_status(obj: &Value, status: Value) -> Value {
    let Value::Object(fields) = obj else {
        let mut obj = obj.clone();
        obj["status"] = status;
        return obj;
    };
    let mut copy = serde_json::Map::new();
    for (k, v) in fields.iter().filter(|(k, _)| *k != "status") {
        copy.insert(k.clone(), v.clone());
    }
    copy.insert("status".into(), status);
    Value::Object(copy)
}
