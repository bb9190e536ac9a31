//! `kubectl top pods|nodes` (kubectl `pkg/cmd/top/*`, `pkg/metricsutil/metrics_printer.go`)
//! with made-up but steady numbers: each image has a typical footprint, nudged by a hash
//! of the pod's name; a node shows its pods plus what its system daemons use.
//!
//! Columns as the metrics printer writes them: every cell is followed by a tab, so the
//! last column is padded too (trailing spaces, as real `kubectl top` prints).

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::apiserver::meta_str;
use crate::engine::container::memory_use;
use crate::engine::json::At;
use crate::engine::kubelet::containers::argv_of;
use crate::engine::quantity;
use crate::engine::registry::{self, ImageRef};
use crate::engine::ApiError;
use crate::kubectl::output::CheckErr;
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

/// (millicores, MiB) a container of this image typically uses when idle.
fn footprint(image: &str) -> (i64, i64) {
    let repo = ImageRef::parse(image)
        .map(|r| r.repository)
        .unwrap_or_default();
    let base = repo.rsplit('/').next().unwrap_or("");
    match base {
        "nginx" | "nginx-slim" => (1, 3),
        "busybox" => (0, 1),
        "httpd" => (1, 8),
        "redis" => (2, 3),
        "postgres" => (5, 25),
        "mysql" => (8, 380),
        "k8s-demo" => (1, 21),
        _ => (1, 5),
    }
}

fn spread(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn running(pod: &Value) -> bool {
    pod.at("/status/phase").and_then(Value::as_str) == Some("Running")
        && pod.at("/metadata/deletionTimestamp").is_none()
}

/// (millicores, MiB) of each container of a running pod.
fn pod_usage(pod: &Value) -> Vec<(String, i64, i64)> {
    let h = spread(meta_str(pod, "name"));
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            let (cpu, mem) = footprint(c["image"].as_str().unwrap_or(""));
            let jitter = ((h >> (i * 8)) % 3) as i64;
            // What the container's program holds (stress's --vm-bytes), under its limit
            // (a container over it is OOMKilled, not running).
            let image = c["image"]
                .as_str()
                .and_then(|i| ImageRef::parse(i).ok())
                .and_then(|r| registry::lookup(&r));
            let held = memory_use(&argv_of(c, image)).map_or(0, |b| b >> 20);
            (
                c["name"].as_str().unwrap_or("").to_string(),
                cpu,
                mem + jitter + held,
            )
        })
        .collect()
}

/// `kubectl top pod|pods|po [NAME] | node|nodes|no [NAME]`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("top", e),
    };
    let what = p.positionals.first().map(String::as_str).unwrap_or("");
    let name = p.positionals.get(1).cloned();
    match what {
        "pod" | "pods" | "po" => pods(ctx, &p, name),
        "node" | "nodes" | "no" => nodes(ctx, &p, name),
        _ => super::no_subcommand("top", &p.positionals, false),
    }
}

fn finish(mut rows: Vec<Vec<String>>, headers: bool) -> Output {
    if !headers {
        rows.remove(0);
    }
    for r in rows.iter_mut() {
        r.push(String::new());
    }
    let mut out = Output::ok();
    for l in format_table(&rows) {
        out.out(l);
    }
    out
}

fn pods(ctx: &Ctx<'_>, p: &flags::Parsed, name: Option<String>) -> Output {
    let all = p.bool("all-namespaces");
    let ns = ctx.namespace(p);
    let selector = match p
        .value("selector")
        .map(crate::engine::selector::Selector::parse)
    {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Output::failed(e.to_string()),
        None => None,
    };
    let mut list: Vec<&Value> = ctx
        .cluster
        .store
        .list("Pod", if all { None } else { Some(&ns) })
        .map(|p| &**p)
        .filter(|p| name.as_deref().is_none_or(|n| meta_str(p, "name") == n))
        .filter(|p| {
            selector
                .as_ref()
                .is_none_or(|s| s.matches(&crate::engine::selector::labels_of(p)))
        })
        .collect();
    if let Some(n) = &name {
        match list.first() {
            None => return Output::failed(ApiError::not_found("pods", n).to_string()),
            Some(pod) if !running(pod) => {
                return Output::failed(format!(
                    "Metrics not available for pod {ns}/{n}, age: {}",
                    crate::kubectl::printers::duration::human_duration(
                        ctx.cluster.now
                            - crate::engine::time::parse_rfc3339(meta_str(
                                pod,
                                "creationTimestamp"
                            ))
                            .unwrap_or(ctx.cluster.now)
                    )
                ))
            }
            Some(_) => {}
        }
    }
    list.retain(|p| running(p));
    if list.is_empty() {
        let mut o = Output::ok();
        if all {
            o.err("No resources found");
        } else {
            o.err(format!("No resources found in {ns} namespace."));
        }
        return o;
    }
    let containers = p.bool("containers");
    let mut header: Vec<String> = Vec::new();
    if all {
        header.push("NAMESPACE".into());
    }
    header.push("NAME".into());
    if containers {
        header.push("NAME".into());
    }
    header.push("CPU(cores)".into());
    header.push("MEMORY(bytes)".into());
    let mut rows = vec![header];
    let mut data: Vec<(Vec<String>, i64, i64)> = Vec::new();
    for pod in list {
        let usage = pod_usage(pod);
        let mut lead = Vec::new();
        if all {
            lead.push(meta_str(pod, "namespace").to_string());
        }
        lead.push(meta_str(pod, "name").to_string());
        if containers {
            for (c, cpu, mem) in usage {
                let mut r = lead.clone();
                r.push(c);
                data.push((r, cpu, mem));
            }
        } else {
            let cpu = usage.iter().map(|u| u.1).sum();
            let mem = usage.iter().map(|u| u.2).sum();
            data.push((lead, cpu, mem));
        }
    }
    match p.value("sort-by") {
        Some("cpu") => crate::sort::sort_by_key(&mut data, |d| std::cmp::Reverse(d.1)),
        Some("memory") => crate::sort::sort_by_key(&mut data, |d| std::cmp::Reverse(d.2)),
        _ => {}
    }
    for (mut r, cpu, mem) in data {
        r.push(format!("{cpu}m"));
        r.push(format!("{mem}Mi"));
        rows.push(r);
    }
    finish(rows, !p.bool("no-headers"))
}

fn nodes(ctx: &Ctx<'_>, p: &flags::Parsed, name: Option<String>) -> Output {
    let list: Vec<&Value> = ctx
        .cluster
        .store
        .list("Node", None)
        .map(|n| &**n)
        .filter(|n| name.as_deref().is_none_or(|x| meta_str(n, "name") == x))
        .collect();
    if list.is_empty() {
        return match name {
            Some(n) => Output::failed(ApiError::not_found("nodes", n).to_string()),
            None => Output::failed("metrics not available yet"),
        };
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "CPU(cores)".into(),
        "CPU(%)".into(),
        "MEMORY(bytes)".into(),
        "MEMORY(%)".into(),
    ]];
    for n in list {
        let node = meta_str(n, "name");
        let control = n
            .at("/metadata/labels")
            .and_then(Value::as_object)
            .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"));
        // kubelet, container runtime, kube-proxy, CNI (and the control plane's components)
        let (mut cpu, mut mem) = if control { (96, 612) } else { (21, 231) };
        let h = spread(node);
        cpu += (h % 7) as i64;
        mem += ((h >> 8) % 40) as i64;
        for pod in ctx.cluster.store.list("Pod", None) {
            if running(pod) && pod.at("/spec/nodeName").and_then(Value::as_str) == Some(node) {
                for (_, c, m) in pod_usage(pod) {
                    cpu += c;
                    mem += m;
                }
            }
        }
        let alloc_cpu = n
            .at("/status/allocatable/cpu")
            .and_then(quantity::cpu_millis)
            .unwrap_or(8000)
            .max(1);
        let alloc_mem = n
            .at("/status/allocatable/memory")
            .and_then(quantity::bytes)
            .map_or(16_384, |b| b / (1024 * 1024))
            .max(1);
        rows.push(vec![
            node.to_string(),
            format!("{cpu}m"),
            format!("{}%", cpu * 100 / alloc_cpu),
            format!("{mem}Mi"),
            format!("{}%", mem * 100 / alloc_mem),
        ]);
    }
    finish(rows, !p.bool("no-headers"))
}
