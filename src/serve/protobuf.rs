//! kubectl's protobuf request bodies (`application/vnd.kubernetes.protobuf`, which
//! client-go's typed clients send: `kubectl create deployment`, `run`, `expose`, …) read
//! into the JSON the API layer takes. The field table (`proto.txt`) is generated from
//! Kubernetes' generated.proto files by `scripts/gen-proto-table.py`.
//!
//! JSON equivalence: the Go structs behind the messages marshal to JSON with `omitempty`,
//! so zero scalars the protobuf encoder writes anyway (`""`, `0`, `false`) are dropped —
//! except fields whose zero is meaningful (`replicas: 0`); embedded structs Go inlines
//! (`localObjectReference`, `volumeSource`, …) are inlined; Quantity, IntOrString, Time,
//! RawExtension and FieldsV1 have their JSON forms.

use crate::engine::time::{format_rfc3339, format_rfc3339_micro};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

struct Field {
    name: &'static str,
    ty: &'static str,
    repeated: bool,
}

type Messages = HashMap<&'static str, HashMap<u64, Field>>;

fn messages() -> &'static Messages {
    static TABLE: OnceLock<Messages> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut all: Messages = HashMap::new();
        let mut current: Option<&'static str> = None;
        for line in include_str!("proto.txt").lines() {
            let parts: Vec<&'static str> = line.split(' ').collect();
            match parts.as_slice() {
                ["M", name] => {
                    current = Some(name);
                    all.entry(name).or_default();
                }
                ["F", num, name, ty, label] => {
                    if let (Some(m), Ok(n)) = (current, num.parse()) {
                        all.entry(m).or_default().insert(
                            n,
                            Field {
                                name,
                                ty,
                                repeated: *label == "r",
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        all
    })
}

/// Fields Go embeds in their parent (`json:",inline"`).
const INLINE: &[&str] = &[
    "localObjectReference",
    "volumeSource",
    "persistentVolumeSource",
    "probeHandler",
    "ephemeralContainerCommon",
    "ingressRuleValue",
];

/// Pointer fields whose zero value is still sent in JSON.
const KEEP_ZERO: &[&str] = &["replicas", "parallelism", "completions", "backoffLimit"];

/// The protobuf message of an object's `apiVersion` and `kind`.
fn message_of(api_version: &str, kind: &str) -> Option<String> {
    let package = match api_version {
        "v1" => "k8s.io.api.core.v1",
        "apps/v1" => "k8s.io.api.apps.v1",
        "batch/v1" => "k8s.io.api.batch.v1",
        "storage.k8s.io/v1" => "k8s.io.api.storage.v1",
        "autoscaling/v2" => "k8s.io.api.autoscaling.v2",
        "rbac.authorization.k8s.io/v1" => "k8s.io.api.rbac.v1",
        "networking.k8s.io/v1" => "k8s.io.api.networking.v1",
        "discovery.k8s.io/v1" => "k8s.io.api.discovery.v1",
        "policy/v1" => "k8s.io.api.policy.v1",
        "authorization.k8s.io/v1" => "k8s.io.api.authorization.v1",
        "authentication.k8s.io/v1" => "k8s.io.api.authentication.v1",
        _ => return None,
    };
    // DeleteOptions is registered in every group version (a DELETE's body, as kubectl
    // drain --disable-eviction sends one); its message is meta/v1's.
    let name = match kind {
        "DeleteOptions" => format!("k8s.io.apimachinery.pkg.apis.meta.v1.{kind}"),
        _ => format!("{package}.{kind}"),
    };
    messages().contains_key(name.as_str()).then_some(name)
}

/// A protobuf reader over one message's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at).ok_or("truncated varint")?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or("truncated field")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    /// (field number, wire value) until the end.
    fn next(&mut self) -> Result<Option<(u64, Wire<'a>)>, String> {
        if self.at >= self.bytes.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed(u64::from_le_bytes(
                self.take(8)?.try_into().map_err(|_| "fixed64")?,
            )),
            2 => {
                let n = self.varint()? as usize;
                Wire::Bytes(self.take(n)?)
            }
            5 => Wire::Fixed(u64::from(u32::from_le_bytes(
                self.take(4)?.try_into().map_err(|_| "fixed32")?,
            ))),
            w => return Err(format!("unsupported wire type {w}")),
        };
        Ok(Some((key >> 3, wire)))
    }
}

enum Wire<'a> {
    Varint(u64),
    Fixed(u64),
    Bytes(&'a [u8]),
}

fn base64(bytes: &[u8]) -> String {
    crate::base64::encode(bytes)
}

fn scalar(ty: &str, wire: &Wire) -> Result<Value, String> {
    Ok(match (ty, wire) {
        ("string", Wire::Bytes(b)) => Value::String(String::from_utf8_lossy(b).into_owned()),
        ("bytes", Wire::Bytes(b)) => Value::String(base64(b)),
        ("bool", Wire::Varint(v)) => Value::Bool(*v != 0),
        ("int32", Wire::Varint(v)) => Value::from(*v as i32),
        ("int64", Wire::Varint(v)) => Value::from(*v as i64),
        ("uint32" | "uint64", Wire::Varint(v)) => Value::from(*v),
        ("double", Wire::Fixed(v)) => Value::from(f64::from_bits(*v)),
        ("float", Wire::Fixed(v)) => Value::from(f32::from_bits(*v as u32) as f64),
        (t, _) => return Err(format!("field of type {t} has the wrong wire type")),
    })
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Null => true,
        _ => false,
    }
}

const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1";

/// A message with a JSON form of its own; `None` when it has none (or is empty).
fn special(ty: &str, bytes: &[u8]) -> Result<Option<Option<Value>>, String> {
    let mut r = Reader { bytes, at: 0 };
    let mut fields: Vec<(u64, Wire)> = Vec::new();
    let kind = match ty {
        "k8s.io.apimachinery.pkg.api.resource.Quantity"
        | "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
        | "k8s.io.apimachinery.pkg.runtime.RawExtension" => ty,
        t if t == format!("{META}.Time")
            || t == format!("{META}.MicroTime")
            || t == format!("{META}.FieldsV1") =>
        {
            ty
        }
        _ => return Ok(None),
    };
    while let Some(f) = r.next()? {
        fields.push(f);
    }
    let get = |n: u64| fields.iter().find(|(k, _)| *k == n).map(|(_, w)| w);
    let text = |n: u64| match get(n) {
        Some(Wire::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    let int = |n: u64| match get(n) {
        Some(Wire::Varint(v)) => *v as i64,
        _ => 0,
    };
    let v = if kind.ends_with(".Quantity") {
        Some(Value::String(text(1)))
    } else if kind.ends_with(".IntOrString") {
        Some(if int(1) == 1 {
            Value::String(text(3))
        } else {
            Value::from(int(2) as i32)
        })
    } else if kind.ends_with(".RawExtension") || kind.ends_with(".FieldsV1") {
        match get(1) {
            Some(Wire::Bytes(b)) => serde_json::from_slice(b).ok(),
            _ => None,
        }
    } else {
        let ms = int(1) * 1000 + int(2) / 1_000_000;
        match ms {
            0 => None,
            _ if kind.ends_with("MicroTime") => Some(Value::String(format_rfc3339_micro(ms))),
            _ => Some(Value::String(format_rfc3339(ms))),
        }
    };
    Ok(Some(v))
}

fn value(ty: &str, wire: &Wire, depth: u32) -> Result<Option<Value>, String> {
    if let Wire::Bytes(b) = wire {
        if let Some(v) = special(ty, b)? {
            return Ok(v);
        }
        if messages().contains_key(ty) {
            return message(ty, b, depth + 1).map(|m| Some(Value::Object(m)));
        }
    }
    scalar(ty, wire).map(Some)
}

fn message(ty: &str, bytes: &[u8], depth: u32) -> Result<Map<String, Value>, String> {
    if depth > 64 {
        return Err("message nested too deep".into());
    }
    let fields = messages()
        .get(ty)
        .ok_or_else(|| format!("unknown message {ty}"))?;
    let mut out = Map::new();
    let mut r = Reader { bytes, at: 0 };
    while let Some((n, wire)) = r.next()? {
        let Some(f) = fields.get(&n) else { continue };
        if let Some(map) = f.ty.strip_prefix("map:") {
            let (kt, vt) = map.split_once(':').unwrap_or(("string", "string"));
            let Wire::Bytes(entry) = wire else { continue };
            let mut er = Reader {
                bytes: entry,
                at: 0,
            };
            let (mut k, mut v) = (String::new(), None);
            while let Some((en, ew)) = er.next()? {
                match en {
                    1 => {
                        k = scalar(kt, &ew)?
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_default()
                    }
                    2 => v = value(vt, &ew, depth)?,
                    _ => {}
                }
            }
            let v = v.unwrap_or_else(|| {
                if vt == "string" || vt == "bytes" {
                    Value::String(String::new())
                } else {
                    Value::Null
                }
            });
            out.entry(f.name)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .map(|m| m.insert(k, v));
            continue;
        }
        // A packed repeated scalar: one length-delimited run of values.
        if f.repeated && !messages().contains_key(f.ty) && f.ty != "string" && f.ty != "bytes" {
            if let Wire::Bytes(run) = wire {
                let mut pr = Reader { bytes: run, at: 0 };
                let list = out
                    .entry(f.name)
                    .or_insert_with(|| Value::Array(Vec::new()));
                while pr.at < run.len() {
                    let w = Wire::Varint(pr.varint()?);
                    if let Some(a) = list.as_array_mut() {
                        a.push(scalar(f.ty, &w)?);
                    }
                }
                continue;
            }
        }
        let Some(v) = value(f.ty, &wire, depth)? else {
            continue;
        };
        if f.repeated {
            if let Some(a) = out
                .entry(f.name)
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
            {
                a.push(v);
            }
        } else if INLINE.contains(&f.name) {
            if let Value::Object(inner) = v {
                out.extend(inner);
            }
        } else if !is_zero(&v) || KEEP_ZERO.contains(&f.name) {
            out.insert(f.name.to_string(), v);
        }
    }
    Ok(out)
}

/// The JSON object of a protobuf body: `k8s\0`, then a runtime.Unknown holding the
/// TypeMeta and the object's bytes.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(b"k8s\0")
        .ok_or("the body does not start with the protobuf magic")?;
    let mut r = Reader { bytes: rest, at: 0 };
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while let Some((n, w)) = r.next()? {
        match (n, w) {
            (1, Wire::Bytes(tm)) => {
                let mut tr = Reader { bytes: tm, at: 0 };
                while let Some((tn, tw)) = tr.next()? {
                    if let Wire::Bytes(b) = tw {
                        let s = String::from_utf8_lossy(b).into_owned();
                        if tn == 1 {
                            api_version = s;
                        } else if tn == 2 {
                            kind = s;
                        }
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let ty = message_of(&api_version, &kind)
        .ok_or_else(|| format!("no kind \"{kind}\" is registered for version \"{api_version}\""))?;
    let mut obj = message(&ty, raw, 0)?;
    let mut head = Map::new();
    head.insert("apiVersion".into(), Value::String(api_version));
    head.insert("kind".into(), Value::String(kind));
    head.extend(std::mem::take(&mut obj));
    Ok(Value::Object(head))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(n: u64, wire: u64, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![((n << 3) | wire) as u8];
        if wire == 2 {
            v.push(payload.len() as u8);
        }
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn a_configmap_reads_as_its_json() {
        // ObjectMeta{name: "game"}; data {"a": "b"}.
        let meta = field(1, 2, b"game");
        let entry = [field(1, 2, b"a"), field(2, 2, b"b")].concat();
        let cm = [field(1, 2, &meta), field(2, 2, &entry)].concat();
        let type_meta = [field(1, 2, b"v1"), field(2, 2, b"ConfigMap")].concat();
        let body = [b"k8s\0".to_vec(), field(1, 2, &type_meta), field(2, 2, &cm)].concat();
        assert_eq!(
            decode(&body).unwrap(),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "game"}, "data": {"a": "b"}})
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(b"{}").is_err());
        assert!(decode(b"k8s\0\x0a\xff\xff").is_err());
        assert!(decode(b"k8s\0\x0a\x02\x0a\x05").is_err());
    }
}
