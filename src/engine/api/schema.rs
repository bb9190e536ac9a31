//! The Kubernetes 1.34 API schema, reduced to what `kubectl explain` and strict decoding need.
//!
//! The table in `schema/data.rs` is generated: field names, their types, `-required-` flags
//! and enum values follow the 1.34 OpenAPI schema (types from the `k8s-openapi` v1_34
//! definitions, required flags and enums from `k8s.io/api` v0.34 `types.go`); descriptions
//! are our own one-line summaries in English and Traditional Chinese, loaded apart from
//! the table when first printed ([`descriptions`]). Rarely-met types
//! (in-tree cloud volume plugins, node system details, Job failure-policy rules, …) are not
//! in the table: a field of such a type still shows its type name, but has no fields below it.
use serde_json::Value;

mod data;
pub mod descriptions;

pub use descriptions::{Description, Unavailable};

/// One schema type (an OpenAPI component), by its short name (`StatefulSetSpec`).
#[derive(Debug)]
pub struct Type {
    pub name: &'static str,
    /// In alphabetical order, as `kubectl explain` lists them.
    pub fields: &'static [Field],
}

/// One property of a schema type.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// The schema's `enum` values, sorted; empty when the field is not an enum.
    pub enum_values: &'static [&'static str],
}

/// A field's type as the schema describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    /// A free-form object (`<Object>`).
    Object,
    /// A reference to a named schema type (`ObjectMeta`, `IntOrString`, `Quantity`).
    Named(&'static str),
    Array(&'static Ty),
    /// An object with arbitrary keys (`map[string]string`); any key is accepted.
    Map(&'static Ty),
}

impl Ty {
    /// The type as `kubectl explain` prints it between `<` and `>`.
    pub fn explain_name(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Object => "Object".into(),
            Ty::Named(n) => short_name(n).into(),
            Ty::Array(t) => format!("[]{}", t.explain_name()),
            Ty::Map(t) => format!("map[string]{}", t.explain_name()),
        }
    }

    /// The schema type found below any arrays and maps, if it is in the table.
    pub fn element_type(&self) -> Option<&'static Type> {
        match self {
            Ty::Named(n) => type_named(n),
            Ty::Array(t) | Ty::Map(t) => t.element_type(),
            _ => None,
        }
    }
}

impl Type {
    /// The field with this JSON name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        let fields: &'static [Field] = self.fields;
        fields.iter().find(|f| f.name == name)
    }

    /// What `kubectl explain` says about this type.
    pub fn description(&self) -> Result<Description, Unavailable> {
        descriptions::of(self.name, None)
    }

    /// What `kubectl explain` says about `field`, one of this type's fields.
    pub fn field_description(&self, field: &Field) -> Result<Description, Unavailable> {
        descriptions::of(self.name, Some(field.name))
    }
}

/// Every schema type in the table, sorted by name.
pub fn types() -> &'static [Type] {
    static TYPES: std::sync::OnceLock<Vec<Type>> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| parse_table(data::TABLE))
}

/// Reads the text form of the table (its format is described in `schema/data.rs`). The
/// types live as long as the program, like the `static` table they stand for.
fn parse_table(table: &'static str) -> Vec<Type> {
    fn leak<T>(v: Vec<T>) -> &'static [T] {
        Vec::leak(v)
    }
    fn ty(s: &'static str) -> Ty {
        if let Some(inner) = s.strip_prefix("[]") {
            Ty::Array(Box::leak(Box::new(ty(inner))))
        } else if let Some(inner) = s.strip_prefix("map[string]") {
            Ty::Map(Box::leak(Box::new(ty(inner))))
        } else {
            match s {
                "string" => Ty::String,
                "integer" => Ty::Integer,
                "number" => Ty::Number,
                "boolean" => Ty::Boolean,
                "Object" => Ty::Object,
                named => Ty::Named(named),
            }
        }
    }
    let mut types: Vec<(&'static str, Vec<Field>)> = Vec::new();
    for line in table.lines().filter(|l| !l.is_empty()) {
        if let Some(field) = line.strip_prefix("  ") {
            let mut parts = field.split('|');
            let mut next = || parts.next().unwrap_or_default();
            let (name, t, required, enums) = (next(), next(), next(), next());
            // `,A` is the two values "" and A; an empty column is no values.
            let enum_values = match enums {
                "" => &[],
                _ => leak(enums.split(',').collect()),
            };
            let field = Field {
                name,
                ty: ty(t),
                required: required == "required",
                enum_values,
            };
            if let Some(last) = types.last_mut() {
                last.1.push(field);
            }
        } else {
            types.push((line, Vec::new()));
        }
    }
    types
        .into_iter()
        .map(|(name, fields)| Type {
            name,
            fields: leak(fields),
        })
        .collect()
}

/// A type's name as kubectl prints it: a name the table qualifies by its group and
/// version (`discovery.v1.EndpointPort`, beside core/v1's `EndpointPort`, which has a
/// required `port`) without its qualifier, as OpenAPI's `io.k8s.api.discovery.v1.…`
/// loses it in `kubectl explain`.
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The schema type with this short name (`PodSpec`), if the table has it.
pub fn type_named(name: &str) -> Option<&'static Type> {
    let all = types();
    all.binary_search_by(|t| t.name.cmp(name))
        .ok()
        .map(|i| &all[i])
}

/// The dotted paths of fields the schema of `kind` does not know, as the API server's
/// strict decoding reports them (`spec.replica`, `spec.template.spec.containers[0].imagee`),
/// in the order the object's maps iterate. Maps (`labels`, `resources.limits`) accept any
/// key; types outside the table accept anything below them. An unknown kind yields nothing.
pub fn unknown_fields(kind: &str, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = type_named(kind) {
        check_object(t, obj, "", &mut out);
    }
    out
}

/// Collects unknown keys of `obj` (an instance of `t`) under `prefix`.
fn check_object(t: &'static Type, obj: &Value, prefix: &str, out: &mut Vec<String>) {
    let Some(map) = obj.as_object() else { return };
    for (key, value) in map {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match t.field(key) {
            None => out.push(path),
            Some(f) => check_value(&f.ty, value, &path, out),
        }
    }
}

/// Descends into `value` as an instance of `ty`.
fn check_value(ty: &Ty, value: &Value, path: &str, out: &mut Vec<String>) {
    match ty {
        Ty::Named(_) => {
            if let Some(t) = ty.element_type() {
                check_object(t, value, path, out);
            }
        }
        Ty::Array(inner) => {
            if let Some(items) = value.as_array() {
                for (i, item) in items.iter().enumerate() {
                    check_value(inner, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        Ty::Map(inner) => {
            if let Some(map) = value.as_object() {
                for (k, v) in map {
                    check_value(inner, v, &format!("{path}.{k}"), out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_reported_as_dotted_paths() {
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "labels": {"any-key": "ok"}},
            "spec": {
                "replica": 3,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                    {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "1", "example.com/gpu": "1"}}},
                    {"name": "d", "imagee": "nginx"}
                ]}}
            },
            "status": {"replicas": 0, "bogus": 1}
        });
        assert_eq!(
            unknown_fields("StatefulSet", &sts),
            vec![
                "spec.replica",
                "spec.template.spec.containers[1].imagee",
                "status.bogus"
            ]
        );
    }

    #[test]
    fn known_objects_have_no_unknown_fields() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}],
            "livenessProbe": {"httpGet": {"path": "/", "port": 80}}}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}]}}}}});
        assert!(unknown_fields("Pod", &pod).is_empty());
    }

    #[test]
    fn the_table_is_sorted_and_fields_are_alphabetical() {
        assert!(types().windows(2).all(|w| w[0].name < w[1].name));
        for t in types() {
            assert!(
                t.fields.windows(2).all(|w| w[0].name < w[1].name),
                "{}",
                t.name
            );
        }
    }

    #[test]
    fn every_named_type_is_in_the_table_or_an_abbreviated_leaf() {
        const LEAVES: &[&str] = &[
            "IntOrString",
            "Quantity",
            "RawExtension",
            "FieldsV1",
            "AWSElasticBlockStoreVolumeSource",
            "AzureDiskVolumeSource",
            "AzureFilePersistentVolumeSource",
            "AzureFileVolumeSource",
            "CephFSPersistentVolumeSource",
            "CephFSVolumeSource",
            "CinderPersistentVolumeSource",
            "CinderVolumeSource",
            "CSIPersistentVolumeSource",
            "CSIVolumeSource",
            "FCVolumeSource",
            "FlexPersistentVolumeSource",
            "FlexVolumeSource",
            "FlockerVolumeSource",
            "GCEPersistentDiskVolumeSource",
            "GlusterfsPersistentVolumeSource",
            "GlusterfsVolumeSource",
            "ISCSIPersistentVolumeSource",
            "ISCSIVolumeSource",
            "PhotonPersistentDiskVolumeSource",
            "PortworxVolumeSource",
            "QuobyteVolumeSource",
            "RBDPersistentVolumeSource",
            "RBDVolumeSource",
            "ScaleIOPersistentVolumeSource",
            "ScaleIOVolumeSource",
            "StorageOSPersistentVolumeSource",
            "StorageOSVolumeSource",
            "VsphereVirtualDiskVolumeSource",
            "GitRepoVolumeSource",
            "EphemeralVolumeSource",
            "NodeSystemInfo",
            "NodeConfigSource",
            "NodeConfigStatus",
            "NodeDaemonEndpoints",
            "NodeFeatures",
            "NodeRuntimeHandler",
            "NodeSwapStatus",
            "ContainerImage",
            "AttachedVolume",
            "ScopeSelector",
            "PodFailurePolicyRule",
            "SuccessPolicyRule",
            "UncountedTerminatedPods",
            "ClusterTrustBundleProjection",
            "PodCertificateProjection",
            "ResourceHealth",
            "ResourceStatus",
            "ContainerExtendedResourceRequest",
            "PodExtendedResourceClaimStatus",
            "PodResourceClaimStatus",
            "WindowsSecurityContextOptions",
            "ContainerUser",
            "VolumeMountStatus",
            "ModifyVolumeStatus",
            "PortStatus",
            "ContainerRestartRuleOnExitCodes",
            "FileKeySelector",
        ];
        for t in types() {
            for f in t.fields {
                let mut ty = f.ty;
                while let Ty::Array(i) | Ty::Map(i) = ty {
                    ty = *i;
                }
                if let Ty::Named(n) = ty {
                    assert!(
                        type_named(n).is_some() || LEAVES.contains(&n),
                        "{}.{}: {n}",
                        t.name,
                        f.name
                    );
                }
            }
        }
    }

    #[test]
    fn required_flags_follow_the_1_34_schema() {
        let spec = type_named("StatefulSetSpec").unwrap();
        let req: Vec<_> = spec
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(req, ["selector", "template"]);
        assert!(
            type_named("Container")
                .unwrap()
                .field("name")
                .unwrap()
                .required
        );
        assert!(
            !type_named("LocalObjectReference")
                .unwrap()
                .field("name")
                .unwrap()
                .required
        );
        assert!(type_named("Time").is_none());
        assert_eq!(
            type_named("ObjectMeta")
                .unwrap()
                .field("creationTimestamp")
                .unwrap()
                .ty,
            Ty::String
        );
    }
}
