//! What the controller reads for one resource metric: the pods the target's selector
//! matches (the pod lister) and their usage as metrics-server serves it (the resource
//! metrics client over `metrics.k8s.io`), both from the same kubelet usage model that
//! `kubectl top` prints.

use super::replica_calculator::{PodFacts, PodMetric};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::kubelet::stats;
use crate::engine::labels::{labels, selector_matches};
use crate::engine::quantity;
use crate::engine::time::parse_rfc3339;
use crate::engine::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// The pods `selector` matches in `ns`, by name.
pub fn selected_pods(w: &World, ns: &str, selector: &Value) -> Vec<Value> {
    let mut pods: Vec<Value> = w
        .store
        .list("Pod", Some(ns))
        .filter(|p| selector_matches(selector, labels(p)))
        .map(|p| (**p).clone())
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| {
        meta_str(a, "name").cmp(meta_str(b, "name"))
    });
    pods
}

/// A resource's amount in milli-units, as `Quantity.MilliValue()` gives it.
fn milli(resource: &str, q: &Value) -> Option<i64> {
    if resource == "cpu" {
        quantity::cpu_millis(q)
    } else {
        quantity::bytes(q).map(|b| b.saturating_mul(1000))
    }
}

/// The containers a pod's request is the sum of: its containers and its restartable
/// (sidecar) init containers; only `container` when the metric names one.
pub(crate) fn counted_containers<'a>(
    pod: &'a Value,
    container: &'a str,
) -> impl Iterator<Item = &'a Value> {
    let main = pod.at("/spec/containers").and_then(Value::as_array);
    let sidecars = pod
        .at("/spec/initContainers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c["restartPolicy"] == "Always");
    main.into_iter()
        .flatten()
        .chain(sidecars)
        .filter(move |c| container.is_empty() || c["name"] == container)
}

/// `calculatePodRequestsFromContainers`.
fn request(pod: &Value, resource: &str, container: &str) -> Result<i64, String> {
    let mut total = 0;
    for c in counted_containers(pod, container) {
        match c
            .at(&format!("/resources/requests/{resource}"))
            .and_then(|q| milli(resource, q))
        {
            Some(r) => total += r,
            None => {
                return Err(format!(
                    "missing request for {resource} in container {} of Pod {}",
                    c["name"].as_str().unwrap_or(""),
                    meta_str(pod, "name")
                ))
            }
        }
    }
    Ok(total)
}

/// What the calculator reads of each pod.
pub fn facts(pods: &[Value], resource: &str, container: &str) -> Vec<PodFacts> {
    pods.iter()
        .map(|p| {
            let phase = p.at("/status/phase").and_then(Value::as_str).unwrap_or("");
            let ready = p
                .at("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "Ready")
                .map(|c| {
                    let changed = c["lastTransitionTime"]
                        .as_str()
                        .and_then(parse_rfc3339)
                        .unwrap_or(0);
                    (c["status"] == "True", changed)
                });
            PodFacts {
                name: meta_str(p, "name").to_string(),
                gone: p.at("/metadata/deletionTimestamp").is_some() || phase == "Failed",
                pending: phase == "Pending",
                start_time: p
                    .at("/status/startTime")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339),
                ready,
                request: request(p, resource, container),
            }
        })
        .collect()
}

/// `resourceMetricsClient.GetResourceMetric`: each measured pod's usage of `resource`
/// (its containers' `MilliValue`s summed, or one container's), or the client's error
/// when metrics-server lists none.
pub fn pod_metrics(
    w: &World,
    pods: &[Value],
    resource: &str,
    container: &str,
) -> Result<BTreeMap<String, PodMetric>, String> {
    let measured: Vec<&Value> = pods.iter().filter(|p| stats::measured(p)).collect();
    if measured.is_empty() {
        return Err("no metrics returned from resource metrics API".into());
    }
    let mut out = BTreeMap::new();
    for p in measured {
        let name = meta_str(p, "name");
        let (timestamp, window) = stats::scrape(w.now, name);
        let usage = stats::pod_usage(w, p);
        let mut value = 0;
        let mut found = false;
        for (c, u) in &usage {
            if container.is_empty() || c == container {
                found = true;
                value += if resource == "cpu" {
                    u.cpu_millis()
                } else {
                    u.memory_bytes.saturating_mul(1000)
                };
            }
        }
        if found && matches!(resource, "cpu" | "memory") {
            out.insert(
                name.to_string(),
                PodMetric {
                    value,
                    timestamp,
                    window,
                },
            );
        }
    }
    Ok(out)
}
