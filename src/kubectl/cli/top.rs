//! `kubectl top pods|nodes` (kubectl `pkg/cmd/top/*`, `pkg/metricsutil/metrics_printer.go`)
//! over what the kubelet measures (`engine::kubelet::stats`, metrics-server's source).
//!
//! Columns as the metrics printer writes them: every cell is followed by a tab, so the
//! last column is padded too (trailing spaces, as real `kubectl top` prints).

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::kubelet::stats::{self, Usage};
use crate::engine::quantity;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::ApiError;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::duration::go_duration;
use crate::kubectl::printers::tabwriter::format_table;
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("containers", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
    flag("sort-by", None, Arity::Value),
    flag("sum", None, Arity::Bool),
    flag("use-protocol-buffers", None, Arity::Bool),
    flag("show-capacity", None, Arity::Bool),
];

/// metrics-server's `metricsCreationDelay` in kubectl: a pod younger than this may
/// simply not have been scraped yet.
const METRICS_CREATION_DELAY_MS: i64 = 2 * 60 * 1000;

/// `kubectl top pod|pods|po [NAME] | node|nodes|no [NAME]`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("top", e),
    };
    let what = p.positionals.first().map(String::as_str).unwrap_or("");
    let name = p.positionals.get(1).cloned();
    if matches!(what, "pod" | "pods" | "po" | "node" | "nodes" | "no") {
        if let Some(s) = p.value("sort-by").filter(|s| !s.is_empty()) {
            if s != "cpu" && s != "memory" {
                return Output::failed("--sort-by accepts only cpu or memory");
            }
        }
        if name.is_some() && p.value("selector").is_some_and(|s| !s.is_empty()) {
            return Output::failed(if what.starts_with('p') {
                "only one of NAME or selector can be provided"
            } else {
                "only one of NAME or --selector can be provided"
            });
        }
    }
    match what {
        "pod" | "pods" | "po" => pods(ctx, &p, name),
        "node" | "nodes" | "no" => nodes(ctx, &p, name),
        _ => super::no_subcommand("top", &p.positionals, false),
    }
}

/// `-l`: the label selector, if one was given.
fn label_selector(p: &flags::Parsed) -> Result<Option<Selector>, String> {
    p.value("selector")
        .filter(|s| !s.is_empty())
        .map(Selector::parse)
        .transpose()
        .map_err(|e| e.to_string())
}

/// Whether `obj`'s labels match the selector (everything matches none).
fn selected(selector: &Option<Selector>, obj: &Value) -> bool {
    selector.as_ref().is_none_or(|s| s.matches(&labels_of(obj)))
}

/// Rows of cells, each followed by a tab as `printValue` writes them.
fn finish(rows: Vec<Vec<String>>) -> Output {
    let mut out = Output::ok();
    for l in format_table(&rows) {
        out.out(l);
    }
    out
}

fn cpu(u: &Usage) -> String {
    format!("{}m", u.cpu_millis())
}

fn memory(u: &Usage) -> String {
    format!("{}Mi", u.memory_bytes / (1024 * 1024))
}

/// The sort `--sort-by` asks for: the biggest first (sort.Sort of kubectl's sorters).
fn sort_usage<T>(items: &mut [T], by: Option<&str>, usage: impl Fn(&T) -> Usage) {
    match by {
        Some("cpu") => {
            crate::sort::sort_by_key(items, |t| std::cmp::Reverse(usage(t).cpu_millis()))
        }
        Some("memory") => {
            crate::sort::sort_by_key(items, |t| std::cmp::Reverse(usage(t).memory_bytes))
        }
        _ => {}
    }
}

/// What metrics-server lists for a pod: its containers' usage, by container name.
struct PodMetrics {
    namespace: String,
    name: String,
    containers: Vec<(String, Usage)>,
}

impl PodMetrics {
    fn total(&self) -> Usage {
        let mut t = Usage::default();
        for (_, u) in &self.containers {
            t += *u;
        }
        t
    }
}

fn pods(ctx: &Ctx<'_>, p: &flags::Parsed, name: Option<String>) -> Output {
    let all = p.bool("all-namespaces");
    let ns = ctx.namespace(p);
    let selector = match label_selector(p) {
        Ok(s) => s,
        Err(e) => return Output::failed(e),
    };
    let w: &crate::engine::world::World = ctx.cluster;
    let scope = if all && name.is_none() {
        None
    } else {
        Some(ns.as_str())
    };
    let listed: Vec<&Value> = w
        .store
        .list("Pod", scope)
        .map(|p| &**p)
        .filter(|p| name.as_deref().is_none_or(|n| meta_str(p, "name") == n))
        .filter(|p| selected(&selector, p))
        .collect();
    if let Some(n) = &name {
        // metrics-server's Get: the pod's own NotFound, or its metrics' when unmeasured.
        match listed.first() {
            None => return Output::failed(ApiError::not_found("pods", n).to_string()),
            Some(pod) if !stats::measured(pod) => {
                return Output::failed(
                    ApiError::not_found("podmetrics.metrics.k8s.io", format!("{ns}/{n}"))
                        .to_string(),
                )
            }
            Some(_) => {}
        }
    }
    let mut metrics: Vec<PodMetrics> = listed
        .iter()
        .filter(|p| stats::measured(p))
        .map(|pod| PodMetrics {
            namespace: meta_str(pod, "namespace").to_string(),
            name: meta_str(pod, "name").to_string(),
            containers: stats::pod_usage(w, pod),
        })
        .collect();
    if metrics.is_empty() {
        // verifyEmptyMetrics: pods that should have been scraped by now say so.
        let candidates = w
            .store
            .list("Pod", Some(&ns))
            .filter(|p| selected(&selector, p));
        let mut any = false;
        for pod in candidates {
            any = true;
            let created = crate::engine::time::parse_rfc3339(meta_str(pod, "creationTimestamp"))
                .unwrap_or(w.now);
            let age = w.now - created;
            if age > METRICS_CREATION_DELAY_MS {
                return Output::failed(format!(
                    "Metrics not available for pod {}/{}, age: {}",
                    meta_str(pod, "namespace"),
                    meta_str(pod, "name"),
                    go_duration(age)
                ));
            }
        }
        if any {
            return Output::failed("metrics not available yet");
        }
        let mut o = Output::ok();
        if all {
            o.err("No resources found");
        } else {
            o.err(format!("No resources found in {ns} namespace."));
        }
        return o;
    }
    let containers = p.bool("containers");
    let mut rows: Vec<Vec<String>> = Vec::new();
    let headers = !p.bool("no-headers");
    // printPodResourcesSum's column count grows with the header only (kubectl's
    // `--no-headers --sum` draws its bars one column to the left).
    let width = 3 + usize::from(headers && all) + usize::from(headers && containers);
    let mut header: Vec<String> = Vec::new();
    if all {
        header.push("NAMESPACE".into());
    }
    if containers {
        header.push("POD".into());
    }
    for h in ["NAME", "CPU(cores)", "MEMORY(bytes)"] {
        header.push(h.into());
    }
    if headers {
        rows.push(header);
    }
    let by = p.value("sort-by").filter(|s| !s.is_empty());
    // PodMetricsSorter: by namespace (with -A), then name, unless sorted by usage.
    crate::sort::sort_by_key(&mut metrics, |m| {
        if all {
            (m.namespace.clone(), m.name.clone())
        } else {
            (String::new(), m.name.clone())
        }
    });
    sort_usage(&mut metrics, by, PodMetrics::total);
    for m in &metrics {
        let lead = |r: &mut Vec<String>| {
            if all {
                r.push(m.namespace.clone());
            }
        };
        if containers {
            let mut cs = m.containers.clone();
            crate::sort::sort_by_key(&mut cs, |c| c.0.clone());
            sort_usage(&mut cs, by, |c| c.1);
            for (c, u) in cs {
                let mut r = Vec::new();
                lead(&mut r);
                r.extend([m.name.clone(), c, cpu(&u), memory(&u)]);
                rows.push(r);
            }
        } else {
            let mut r = Vec::new();
            lead(&mut r);
            let u = m.total();
            r.extend([m.name.clone(), cpu(&u), memory(&u)]);
            rows.push(r);
        }
    }
    if p.bool("sum") {
        let mut total = Usage::default();
        for m in &metrics {
            total += m.total();
        }
        let mut bar = vec![String::new(); width - 2];
        bar.extend(["________".to_string(), "________".to_string()]);
        rows.push(bar);
        let mut sum = vec![String::new(); width - 3];
        sum.extend([String::new(), cpu(&total), memory(&total)]);
        rows.push(sum);
    }
    for r in rows.iter_mut() {
        r.push(String::new());
    }
    finish(rows)
}

fn nodes(ctx: &Ctx<'_>, p: &flags::Parsed, name: Option<String>) -> Output {
    let w: &crate::engine::world::World = ctx.cluster;
    let selector = match label_selector(p) {
        Ok(s) => s,
        Err(e) => return Output::failed(e),
    };
    let list: Vec<&Value> = w
        .store
        .list("Node", None)
        .map(|n| &**n)
        .filter(|n| name.as_deref().is_none_or(|x| meta_str(n, "name") == x))
        .filter(|n| selected(&selector, n))
        .collect();
    if list.is_empty() {
        return match name {
            Some(n) => Output::failed(ApiError::not_found("nodes", n).to_string()),
            None => Output::failed("metrics not available yet"),
        };
    }
    let field = if p.bool("show-capacity") {
        "capacity"
    } else {
        "allocatable"
    };
    let mut metrics: Vec<(&Value, Usage)> = list
        .into_iter()
        .map(|n| (n, stats::node_usage(w, n)))
        .collect();
    sort_usage(&mut metrics, p.value("sort-by"), |m| m.1);
    let mut rows = Vec::new();
    if !p.bool("no-headers") {
        rows.push(
            [
                "NAME",
                "CPU(cores)",
                "CPU(%)",
                "MEMORY(bytes)",
                "MEMORY(%)",
                "",
            ]
            .map(String::from)
            .to_vec(),
        );
    }
    for (n, u) in metrics {
        let alloc_cpu = n
            .at(&format!("/status/{field}/cpu"))
            .and_then(quantity::cpu_millis)
            .unwrap_or(0);
        let alloc_mem = n
            .at(&format!("/status/{field}/memory"))
            .and_then(quantity::bytes)
            .unwrap_or(0);
        // int64(float64(used) / float64(available) * 100), 0 when nothing is available
        let pct = |used: i64, avail: i64| {
            if avail == 0 {
                0
            } else {
                (used as f64 / avail as f64 * 100.0) as i64
            }
        };
        rows.push(vec![
            meta_str(n, "name").to_string(),
            cpu(&u),
            format!("{}%", pct(u.cpu_millis(), alloc_cpu)),
            memory(&u),
            // both as MilliValue(), as kubectl divides them
            format!("{}%", pct(u.memory_bytes * 1000, alloc_mem * 1000)),
            String::new(),
        ]);
    }
    finish(rows)
}
