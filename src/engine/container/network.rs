//! The cluster's network as a container sees it: names resolved from the cluster's DNS
//! (Services, StatefulSet pods behind a headless Service), `curl` / `wget` to the web
//! server of the pod that answers, and busybox's `nslookup`.

use super::environment::{image_of, pod, repo_of};
use super::files::{mounted_over_root, read, serves_nginx, NGINX_403, NGINX_ROOT};
use super::{policy, Ran, Target};
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::controllers::endpoints::{is_pod_ready, resolve_target_port, service_selects};
use crate::engine::json::At;
use crate::engine::registry::ImageRef;
use crate::engine::world::World;
use serde_json::Value;

pub(super) const CLUSTER_DOMAIN: &str = "svc.cluster.local";
pub(super) const DNS_IP: &str = "10.96.0.10";

/// What a host name or IP resolves to: the pods behind it (ready first) and, for a
/// Service, its ports.
enum Resolved {
    Pod(Value),
    Service(Value),
}

/// Whether the cluster DNS answers: pods ask the `kube-dns` Service's address, and only
/// a ready CoreDNS pod behind it replies (none: the query times out).
fn cluster_dns_answers(c: &World) -> bool {
    c.get("Service", "kube-system", "kube-dns")
        .is_some_and(|svc| {
            svc.at("/spec/clusterIP").and_then(Value::as_str) == Some(DNS_IP)
                && !backends(c, svc).is_empty()
        })
}

fn resolve_host(c: &World, ns: &str, host: &str) -> Option<Resolved> {
    if host.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
        if let Some(p) = c
            .store
            .list("Pod", None)
            .find(|p| p.at("/status/podIP").and_then(Value::as_str) == Some(host))
        {
            return Some(Resolved::Pod((**p).clone()));
        }
        return c
            .store
            .list("Service", None)
            .find(|s| s.at("/spec/clusterIP").and_then(Value::as_str) == Some(host))
            .map(|s| Resolved::Service((**s).clone()));
    }
    if !cluster_dns_answers(c) {
        return None;
    }
    let host = host.trim_end_matches('.');
    let short = host
        .strip_suffix(&format!(".{CLUSTER_DOMAIN}"))
        .or_else(|| host.strip_suffix(".svc"))
        .unwrap_or(host);
    let parts: Vec<&str> = short.split('.').collect();
    let (pod_host, svc, svc_ns) = match parts.as_slice() {
        [s] => (None, *s, ns),
        [a, b] => {
            // `svc.ns` or `pod.svc` (a StatefulSet pod behind a headless Service)
            if c.get("Service", b, a).is_some() {
                (None, *a, *b)
            } else {
                (Some(*a), *b, ns)
            }
        }
        [p, s, n] => (Some(*p), *s, *n),
        _ => return None,
    };
    let service = c.get("Service", svc_ns, svc)?;
    match pod_host {
        None => Some(Resolved::Service((**service).clone())),
        Some(h) => c
            .store
            .list("Pod", Some(svc_ns))
            .find(|p| {
                p.at("/spec/hostname").and_then(Value::as_str) == Some(h)
                    && p.at("/spec/subdomain").and_then(Value::as_str) == Some(svc)
            })
            .map(|p| Resolved::Pod((**p).clone())),
    }
}

fn backends(c: &World, svc: &Value) -> Vec<Value> {
    let ns = meta_str(svc, "namespace");
    let mut pods: Vec<Value> = c
        .store
        .list("Pod", Some(ns))
        .filter(|p| service_selects(svc, p) && is_pod_ready(p))
        .map(|p| (**p).clone())
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| {
        meta_str(a, "name").cmp(meta_str(b, "name"))
    });
    pods
}

/// What the web server in `pod` answers for `path` on `port`.
fn serve(c: &World, pod: &Value, port: i64, path: &str) -> Result<String, ()> {
    if !is_pod_ready(pod) && pod.at("/status/phase").and_then(Value::as_str) != Some("Running") {
        return Err(());
    }
    let containers = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for ctr in &containers {
        let name = ctr["name"].as_str().unwrap_or("");
        let listens = ctr["ports"]
            .as_array()
            .is_none_or(|ps| ps.iter().any(|p| p["containerPort"].as_i64() == Some(port)));
        if serves_nginx(pod, name) && (port == 80 || listens) {
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{NGINX_ROOT}{path}index.html")
            } else {
                format!("{NGINX_ROOT}{path}")
            };
            let t = Target {
                namespace: meta_str(pod, "namespace").to_string(),
                pod: meta_str(pod, "name").to_string(),
                container: name.to_string(),
            };
            return Ok(read(c, &t, &file).unwrap_or_else(|| {
                if mounted_over_root(pod, name) && path.ends_with('/') {
                    NGINX_403.to_string()
                } else {
                    "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n".to_string()
                }
            }));
        }
        // The HPA walkthrough's php-apache: its index.php does its sums and says so.
        if listens && repo_of(&image_of(pod, name)).ends_with("/hpa-example") {
            return Ok("OK!".to_string());
        }
        if listens && !containers.is_empty() && ctr["ports"].is_array() {
            return Ok(format!("Hello from {}\n", meta_str(pod, "name")));
        }
    }
    Err(())
}

/// Options of `wget` and `curl` that take a value (the URL is the word that is neither).
const VALUE_OPTIONS: &[&str] = &[
    "-O",
    "-T",
    "-o",
    "-m",
    "-U",
    "-H",
    "--timeout",
    "--connect-timeout",
    "--max-time",
    "--output",
    "--output-document",
];

/// The URL argument: the first word that is not an option or an option's value.
fn url_argument(args: &[String]) -> Option<&String> {
    let mut skip = false;
    args.iter().find(|a| {
        if skip {
            skip = false;
            return false;
        }
        if VALUE_OPTIONS.contains(&a.as_str()) {
            skip = true;
            return false;
        }
        !a.starts_with('-')
    })
}

/// The client's own timeout in milliseconds: busybox wget's `-T`/`--timeout` (it covers
/// the connection, not the lookup), curl's `--connect-timeout` and `-m`/`--max-time`.
fn client_timeout(tool: &str, args: &[String]) -> Option<Millis> {
    let names: &[&str] = if tool == "curl" {
        &["--connect-timeout", "-m", "--max-time"]
    } else {
        &["-T", "--timeout"]
    };
    let mut found: Option<Millis> = None;
    for (i, a) in args.iter().enumerate() {
        let value = names.iter().find_map(|n| {
            if a == n {
                args.get(i + 1).map(String::as_str)
            } else if n.starts_with("--") {
                a.strip_prefix(&format!("{n}="))
            } else {
                a.strip_prefix(n).filter(|v| !v.is_empty())
            }
        });
        if let Some(secs) = value.and_then(|v| v.parse::<f64>().ok()) {
            let ms = (secs * 1000.0).round() as Millis;
            if ms > 0 {
                found = Some(found.map_or(ms, |f| f.min(ms)));
            }
        }
    }
    found
}

/// `curl URL` / `wget -qO- URL`. A connection a NetworkPolicy drops gets no answer: the
/// client waits (`waited`, virtual time the caller lets pass) and reports its timeout.
pub(super) fn http_get(
    c: &mut World,
    t: &Target,
    tool: &str,
    args: &[String],
    waited: &mut Millis,
) -> Ran {
    let Some(url) = url_argument(args) else {
        return Ran::fail(format!("{tool}: no URL specified\n"), 2);
    };
    let quiet = args
        .iter()
        .any(|a| a == "-q" || a == "--quiet" || (a.starts_with("-q") && !a.starts_with("--")));
    let timeout = client_timeout(tool, args);
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<i64>().unwrap_or(80)),
        None => (hostport, 80),
    };
    let refused = || {
        if tool == "curl" {
            Ran::fail(format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"), 7)
        } else {
            Ran::fail(
                format!("wget: can't connect to remote host ({host}): Connection refused\n"),
                1,
            )
        }
    };
    let unresolved = || {
        if tool == "curl" {
            Ran::fail(format!("curl: (6) Could not resolve host: {host}\n"), 6)
        } else {
            Ran::fail(format!("wget: bad address '{hostport}'\n"), 1)
        }
    };
    let own = matches!(host, "localhost" | "127.0.0.1") || host == t.pod;
    let client = if own { None } else { policy::own_pod(c, t) };
    let by_name = !host.chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    if let Some(client) = &client {
        if by_name && cluster_dns_answers(c) && !policy::dns_allowed(c, client) {
            return lookup_timed_out(tool, host, timeout, waited).unwrap_or_else(|| {
                *waited += policy::DNS_GIVE_UP_MS;
                unresolved()
            });
        }
    }
    let resolved = if own {
        pod(c, t).cloned().map(Resolved::Pod)
    } else {
        resolve_host(c, &t.namespace, host)
    };
    let Some(resolved) = resolved else {
        return unresolved();
    };
    let (pod, target_port, address) = match resolved {
        Resolved::Pod(p) => {
            let ip = p
                .at("/status/podIP")
                .and_then(Value::as_str)
                .unwrap_or(host)
                .to_string();
            (p, port, ip)
        }
        Resolved::Service(svc) => {
            let headless = svc.at("/spec/clusterIP").and_then(Value::as_str) == Some("None");
            let sp = svc["spec"]["ports"].as_array().and_then(|ps| {
                ps.iter()
                    .find(|p| p["port"].as_i64() == Some(port))
                    .cloned()
            });
            let mut ready = backends(c, &svc);
            if ready.is_empty() {
                return refused();
            }
            let key = format!("{}/{}", meta_str(&svc, "namespace"), meta_str(&svc, "name"));
            let p = ready.swap_remove(c.kubelet.served.next_endpoint(&key, ready.len()));
            let tp = match (&sp, headless) {
                (Some(sp), _) => resolve_target_port(&p, sp).unwrap_or(port),
                (None, true) => port,
                (None, false) => return refused(),
            };
            let ip = match svc.at("/spec/clusterIP").and_then(Value::as_str) {
                Some(ip) if ip != "None" => ip.to_string(),
                _ => p
                    .at("/status/podIP")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            };
            (p, tp, ip)
        }
    };
    if let Some(client) = &client {
        if policy::check(c, client, &pod, target_port, "TCP").is_err() {
            return connect_timed_out(tool, host, &address, port, quiet, timeout, waited);
        }
    }
    match serve(c, &pod, target_port, path) {
        Ok(body) => {
            let now = c.now;
            c.kubelet.served.record(meta_str(&pod, "uid"), now);
            Ran::ok(body)
        }
        Err(()) => refused(),
    }
}

/// A lookup no DNS answer comes back for, when the client's own timeout ends it first
/// (curl's covers the lookup; busybox wget's does not).
fn lookup_timed_out(
    tool: &str,
    host: &str,
    timeout: Option<Millis>,
    waited: &mut Millis,
) -> Option<Ran> {
    let ms = timeout.filter(|ms| tool == "curl" && *ms < policy::DNS_GIVE_UP_MS)?;
    *waited += ms;
    let _ = host;
    Some(Ran::fail(
        format!("curl: (28) Resolving timed out after {ms} milliseconds\n"),
        28,
    ))
}

/// A connection whose SYN nobody answers: the client's timeout, or the kernel giving up.
fn connect_timed_out(
    tool: &str,
    host: &str,
    address: &str,
    port: i64,
    quiet: bool,
    timeout: Option<Millis>,
    waited: &mut Millis,
) -> Ran {
    let own = timeout.filter(|ms| *ms < policy::SYN_GIVE_UP_MS);
    *waited += own.unwrap_or(policy::SYN_GIVE_UP_MS);
    if tool == "curl" {
        return match own {
            Some(ms) => Ran::fail(
                format!("curl: (28) Connection timed out after {} milliseconds\n", ms + 1),
                28,
            ),
            None => Ran::fail(
                format!(
                    "curl: (28) Failed to connect to {host} port {port} after {} ms: Couldn't connect to server\n",
                    policy::SYN_GIVE_UP_MS
                ),
                28,
            ),
        };
    }
    let mut err = String::new();
    if !quiet {
        err.push_str(&format!("Connecting to {host} ({address}:{port})\n"));
    }
    match own {
        Some(_) => err.push_str("wget: download timed out\n"),
        None => err.push_str(&format!(
            "wget: can't connect to remote host ({address}): Connection timed out\n"
        )),
    }
    Ran::fail(err, 1)
}

/// `nslookup HOST` in busybox's format.
pub(super) fn nslookup(c: &World, t: &Target, host: &str) -> Ran {
    let old_format = pod(c, t)
        .map(|p| image_of(p, &t.container))
        .and_then(|i| ImageRef::parse(&i).ok())
        .is_some_and(|r| r.repository.ends_with("/busybox") && r.tag == "1.28");
    let is_ip = host.chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    if !is_ip && !cluster_dns_answers(c) {
        // busybox 1.28 goes through libc's resolver; later ones ask the server directly.
        return if old_format {
            Ran {
                stdout: format!("Server:    {DNS_IP}\nAddress 1: {DNS_IP}\n\n"),
                stderr: format!("nslookup: can't resolve '{host}'\n"),
                status: 1,
            }
        } else {
            Ran {
                stdout: ";; connection timed out; no servers could be reached\n\n".to_string(),
                stderr: String::new(),
                status: 1,
            }
        };
    }
    let resolved = resolve_host(c, &t.namespace, host);
    let fqdn = |name: &str| -> String {
        if name.ends_with(CLUSTER_DOMAIN) {
            name.to_string()
        } else if name.split('.').count() == 1 {
            format!("{name}.{}.{CLUSTER_DOMAIN}", t.namespace)
        } else if name.ends_with(".svc") {
            format!("{name}.cluster.local")
        } else {
            let parts: Vec<&str> = name.split('.').collect();
            // `pod.svc` → `pod.svc.ns.svc.cluster.local`; `svc.ns` → `svc.ns.svc.cluster.local`
            if parts.len() == 2 && c.get("Service", parts[1], parts[0]).is_none() {
                format!("{name}.{}.{CLUSTER_DOMAIN}", t.namespace)
            } else {
                format!("{name}.{CLUSTER_DOMAIN}")
            }
        }
    };
    let ips: Vec<String> = match &resolved {
        Some(Resolved::Pod(p)) => p
            .at("/status/podIP")
            .and_then(Value::as_str)
            .map(String::from)
            .into_iter()
            .collect(),
        Some(Resolved::Service(s)) => {
            if s.at("/spec/clusterIP").and_then(Value::as_str) == Some("None") {
                let mut v: Vec<String> = backends(c, s)
                    .iter()
                    .filter_map(|p| {
                        p.at("/status/podIP")
                            .and_then(Value::as_str)
                            .map(String::from)
                    })
                    .collect();
                crate::sort::sort(&mut v);
                v
            } else {
                s.at("/spec/clusterIP")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .into_iter()
                    .collect()
            }
        }
        None => Vec::new(),
    };
    if ips.is_empty() {
        return if old_format {
            Ran {
                stdout: format!("Server:    {DNS_IP}\nAddress 1: {DNS_IP} kube-dns.kube-system.svc.cluster.local\n\n"),
                stderr: format!("nslookup: can't resolve '{host}'\n"),
                status: 1,
            }
        } else {
            Ran {
                stdout: format!("Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n\n** server can't find {}: NXDOMAIN\n\n", fqdn(host)),
                stderr: String::new(),
                status: 1,
            }
        };
    }
    let mut out = String::new();
    if old_format {
        out.push_str(&format!("Server:    {DNS_IP}\nAddress 1: {DNS_IP} kube-dns.kube-system.svc.cluster.local\n\nName:      {host}\n"));
        for (i, ip) in ips.iter().enumerate() {
            out.push_str(&format!("Address {}: {ip}\n", i + 1));
        }
    } else {
        out.push_str(&format!("Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n\n"));
        for ip in &ips {
            out.push_str(&format!("Name:\t{}\nAddress: {ip}\n", fqdn(host)));
        }
        out.push('\n');
    }
    Ran::ok(out)
}
