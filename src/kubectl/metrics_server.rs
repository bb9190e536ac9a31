//! metrics-server 0.7's answers over `metrics.k8s.io/v1beta1`, built from the kubelets'
//! usage model (`engine::kubelet::stats`): the `PodMetrics` and `NodeMetrics` objects, the
//! NotFound of its getters, and the cells of its `ConvertToTable`. The playground's
//! `kubectl get podmetrics` prints them, and `kubeplay serve` answers the real kubectl with
//! them, so both print the same thing.
//!
//! The shapes are metrics-server's: `timestamp` (the last scrape), `window` (the rate's
//! interval), CPU in nanocores (`"981999517n"`), memory as a binary quantity of whole pages
//! (`"5124Ki"`). Nothing is stored: every request reads the kubelets afresh.

use crate::engine::api::discovery::{Resource, METRICS_GROUP, METRICS_VERSION};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::kubelet::stats::{self, Usage};
use crate::engine::quantity::{Format, Quantity};
use crate::engine::time::format_rfc3339;
use crate::engine::{ApiError, Millis, World};
use crate::kubectl::printers::duration::go_duration;
use serde_json::{json, Value};

pub fn group_version() -> String {
    format!("{METRICS_GROUP}/{METRICS_VERSION}")
}

/// Whether `r` is one of metrics-server's resources.
pub fn serves(r: &Resource) -> bool {
    r.group == METRICS_GROUP
}

/// The object of `r` (PodMetrics or NodeMetrics) named `name`, as its getter answers: the
/// pod's or node's own NotFound first (metrics-server's listers), then the PodMetrics
/// NotFound of a pod the kubelet does not measure (not running). `shift` moves its times
/// (serve puts the virtual clock onto the wall clock).
pub fn get(
    w: &World,
    r: &Resource,
    ns: &str,
    name: &str,
    shift: Millis,
) -> Result<Value, ApiError> {
    let pods = r.namespaced;
    let (kind, resource) = if pods {
        ("Pod", "pods")
    } else {
        ("Node", "nodes")
    };
    let ns = if pods { ns } else { "" };
    let Some(obj) = w.get(kind, ns, name) else {
        return Err(ApiError::not_found(resource, name));
    };
    if pods && !stats::measured(obj) {
        return Err(ApiError::not_found(
            "podmetrics.metrics.k8s.io",
            format!("{ns}/{name}"),
        ));
    }
    Ok(item(w, r, obj, shift))
}

/// The objects of `r` in `ns` (all namespaces for `None`) that `keep` selects, in
/// metrics-server's order (by namespace and name); pods only while they run.
pub fn list<E>(
    w: &World,
    r: &Resource,
    ns: Option<&str>,
    shift: Millis,
    mut keep: impl FnMut(&Value) -> Result<bool, E>,
) -> Result<Vec<Value>, E> {
    let pods = r.namespaced;
    let (kind, ns) = if pods { ("Pod", ns) } else { ("Node", None) };
    let mut items = Vec::new();
    for obj in w.store.list(kind, ns) {
        if (!pods || stats::measured(obj)) && keep(obj)? {
            items.push(item(w, r, obj, shift));
        }
    }
    Ok(items)
}

/// One item with its `kind` and `apiVersion` first, as Go's encoder writes a typed object.
fn item(w: &World, r: &Resource, obj: &Value, shift: Millis) -> Value {
    let mut v = json!({"kind": r.kind, "apiVersion": group_version()});
    let head = item_head(w, obj, shift);
    let body = if r.namespaced {
        let containers: Vec<Value> = stats::pod_usage(w, obj)
            .iter()
            .map(|(name, u)| json!({"name": name, "usage": usage_json(u)}))
            .collect();
        json!({"containers": containers})
    } else {
        json!({"usage": usage_json(&stats::node_usage(w, obj))})
    };
    for part in [head, body] {
        if let (Value::Object(out), Value::Object(more)) = (&mut v, part) {
            out.extend(more);
        }
    }
    v
}

/// metadata, timestamp and window of one item (`stats::scrape`).
fn item_head(w: &World, obj: &Value, shift: Millis) -> Value {
    let now = w.now;
    let (scraped, window) = stats::scrape(now, meta_str(obj, "name"));
    let mut meta = json!({"name": meta_str(obj, "name")});
    if let Some(ns) = obj.at("/metadata/namespace") {
        meta["namespace"] = ns.clone();
    }
    // metrics-server stamps each answer with its own clock
    meta["creationTimestamp"] = json!(format_rfc3339(now + shift));
    if let Some(l) = obj.at("/metadata/labels") {
        meta["labels"] = l.clone();
    }
    json!({
        "metadata": meta,
        "timestamp": format_rfc3339(scraped + shift),
        "window": go_duration(window),
    })
}

fn usage_json(u: &Usage) -> Value {
    json!({"cpu": cpu_quantity(u.cpu_nanos), "memory": memory_quantity(u.memory_bytes)})
}

/// The cells of metrics-server's `ConvertToTable` row: Name, then each measured resource
/// (sorted: cpu, memory) summed over the item's containers, then the Window.
pub fn cells(obj: &Value) -> Vec<String> {
    let usages: Vec<&Value> = match obj.at("/containers").and_then(Value::as_array) {
        Some(cs) => cs.iter().map(|c| &c["usage"]).collect(),
        None => vec![&obj["usage"]],
    };
    let text = |u: &Value, r: &str| u[r].as_str().unwrap_or("").to_string();
    let cpu: i64 = usages.iter().filter_map(|u| nanos(&text(u, "cpu"))).sum();
    let memory: i64 = usages
        .iter()
        .filter_map(|u| crate::engine::quantity::parse(&text(u, "memory"), 1.0))
        .sum();
    vec![
        meta_str(obj, "name").to_string(),
        cpu_quantity(cpu),
        memory_quantity(memory),
        obj["window"].as_str().unwrap_or("").to_string(),
    ]
}

/// Nanocores of a CPU quantity.
fn nanos(q: &str) -> Option<i64> {
    let q = Quantity::parse(q).ok()?;
    i64::try_from(q.nanos()).ok()
}

/// A CPU quantity in nanocores as `resource.Quantity` writes `NewScaledQuantity(n, Nano)`:
/// its canonical form, so a whole number of millicores or cores loses its zeros.
pub fn cpu_quantity(nanos: i64) -> String {
    Quantity::from_nanos(i128::from(nanos), Format::DecimalSI).to_string()
}

/// A memory quantity in bytes as a BinarySI `resource.Quantity` writes it: the largest
/// binary suffix that divides it, plain bytes otherwise (and below 1024).
pub fn memory_quantity(bytes: i64) -> String {
    Quantity::from_nanos(i128::from(bytes) * 1_000_000_000, Format::BinarySI).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_written_as_a_canonical_nanocore_quantity() {
        assert_eq!(cpu_quantity(981_999_517), "981999517n");
        assert_eq!(cpu_quantity(0), "0");
        assert_eq!(cpu_quantity(2_000_000), "2m");
        assert_eq!(cpu_quantity(1_000_000_000), "1");
        assert_eq!(cpu_quantity(1_500_000), "1500u");
        assert_eq!(cpu_quantity(1_000_000_000_000), "1k");
    }

    #[test]
    fn memory_is_written_with_the_largest_binary_suffix() {
        assert_eq!(memory_quantity(5 * 1024 * 1024 + 8192), "5128Ki");
        assert_eq!(memory_quantity(5 * 1024 * 1024), "5Mi");
        // Below 1024 a BinarySI quantity is written as a decimal SI one
        // (`CanonicalizeBytes`): 1000 bytes is `1k`, 1023 stays `1023`.
        assert_eq!(memory_quantity(1000), "1k");
        assert_eq!(memory_quantity(1023), "1023");
        assert_eq!(memory_quantity(150_000_001), "150000001");
    }

    #[test]
    fn a_row_sums_the_containers_usage() {
        let pod = json!({"metadata": {"name": "web"}, "window": "15.01s", "containers": [
            {"name": "a", "usage": {"cpu": "999370n", "memory": "4Mi"}},
            {"name": "b", "usage": {"cpu": "2m", "memory": "1028Ki"}},
        ]});
        assert_eq!(cells(&pod), ["web", "2999370n", "5124Ki", "15.01s"]);
        let node = json!({"metadata": {"name": "n"}, "window": "15s", "usage": {"cpu": "1", "memory": "1000"}});
        assert_eq!(cells(&node), ["n", "1", "1k", "15s"]);
    }
}
