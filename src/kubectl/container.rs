//! A fake shell inside a container, for `kubectl exec` and `kubectl run -it`: enough of
//! `sh` for what tutorials type — `hostname`, `echo` (with `> file` / `>> file`), `cat`,
//! `ls`, `env`, `pwd`, `sh -c '…'`, `$(…)`, `$VAR`, `;` and `&&`, `curl` / `wget` against
//! pods and Services, and `nslookup` answering from the cluster's DNS.
//!
//! Files written land in the engine (`Cluster::write_file`): on a PVC they survive the
//! pod, elsewhere they die with it. Web servers serve what their document root holds.

use crate::engine::apiserver::meta_str;
use crate::engine::controllers::endpoints::{is_pod_ready, resolve_target_port, service_selects};
use crate::engine::json::At;
use crate::engine::registry::ImageRef;
use crate::engine::Cluster;
use serde_json::Value;

/// The container a shell runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

/// What one command printed and its exit status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Ran {
    fn ok(out: impl Into<String>) -> Ran {
        Ran {
            stdout: out.into(),
            ..Ran::default()
        }
    }
    fn fail(err: impl Into<String>, status: i32) -> Ran {
        Ran {
            stderr: err.into(),
            status,
            ..Ran::default()
        }
    }
}

const NGINX_ROOT: &str = "/usr/share/nginx/html";
const CLUSTER_DOMAIN: &str = "svc.cluster.local";
const DNS_IP: &str = "10.96.0.10";

/// The default nginx welcome page (what `curl` shows before anything was written).
const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// nginx's answer when a volume mounted over the document root has no `index.html`.
const NGINX_403: &str = "<html>\n<head><title>403 Forbidden</title></head>\n<body>\n<center><h1>403 Forbidden</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";

fn pod<'a>(c: &'a Cluster, t: &Target) -> Option<&'a Value> {
    c.get("Pod", &t.namespace, &t.pod).map(|p| &**p)
}

fn image_of(pod: &Value, container: &str) -> String {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["image"].as_str())
        .unwrap_or("")
        .to_string()
}

fn repo_of(image: &str) -> String {
    ImageRef::parse(image)
        .map(|r| r.repository)
        .unwrap_or_default()
}

/// (name, cluster IP, [(port, protocol)]) of a Service a pod gets variables for.
type ServiceLink = (String, String, Vec<(i64, String)>);

/// The environment a container sees: PATH, HOSTNAME, its `env`, Service links, HOME.
pub fn environment(c: &Cluster, t: &Target) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".to_string(), t.pod.clone()),
    ];
    let Some(p) = pod(c, t) else {
        return env;
    };
    if let Some(list) = p
        .at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|x| x["name"] == t.container.as_str()))
        .and_then(|x| x["env"].as_array())
    {
        for e in list {
            if let (Some(k), Some(v)) = (e["name"].as_str(), e["value"].as_str()) {
                env.push((k.to_string(), v.to_string()));
            }
        }
    }
    let created = meta_str(p, "creationTimestamp").to_string();
    let links = p.at("/spec/enableServiceLinks") != Some(&Value::Bool(false));
    let mut services: Vec<ServiceLink> = Vec::new();
    for s in c.store.list("Service", Some(&t.namespace)) {
        let name = meta_str(s, "name").to_string();
        if name != "kubernetes" && (!links || meta_str(s, "creationTimestamp") > created.as_str()) {
            continue;
        }
        let ip = s
            .at("/spec/clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let ports = s["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["port"].as_i64().unwrap_or(0),
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                )
            })
            .collect();
        services.push((name, ip.to_string(), ports));
    }
    if t.namespace != "default" || !services.iter().any(|s| s.0 == "kubernetes") {
        services.insert(
            0,
            (
                "kubernetes".into(),
                "10.96.0.1".into(),
                vec![(443, "TCP".into())],
            ),
        );
    }
    for (name, ip, ports) in services {
        let prefix = name.to_ascii_uppercase().replace('-', "_");
        let Some((first, proto)) = ports.first().cloned() else {
            continue;
        };
        env.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
        env.push((format!("{prefix}_SERVICE_PORT"), first.to_string()));
        if name == "kubernetes" {
            env.push((format!("{prefix}_SERVICE_PORT_HTTPS"), "443".into()));
        }
        let lp = proto.to_ascii_lowercase();
        env.push((format!("{prefix}_PORT"), format!("{lp}://{ip}:{first}")));
        for (port, proto) in &ports {
            let lp = proto.to_ascii_lowercase();
            let base = format!("{prefix}_PORT_{port}_{proto}");
            env.push((base.clone(), format!("{lp}://{ip}:{port}")));
            env.push((format!("{base}_PROTO"), lp.clone()));
            env.push((format!("{base}_PORT"), port.to_string()));
            env.push((format!("{base}_ADDR"), ip.clone()));
        }
    }
    if repo_of(&image_of(p, &t.container)).ends_with("/nginx") {
        env.push(("NGINX_VERSION".into(), "1.29.1".into()));
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

/// Splits a command line into words: quotes, `\`, `$VAR`, `$(…)`; `;`, `&&`, `||`, `>`,
/// `>>` as their own words.
fn words(
    c: &mut Cluster,
    t: &Target,
    line: &str,
    depth: usize,
) -> Result<Vec<(String, bool)>, String> {
    let env = environment(c, t);
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut i = 0;
    let var = |name: &str| -> String {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    while i < chars.len() {
        let ch = chars[i];
        match ch {
            ' ' | '\t' => {
                if has {
                    out.push((std::mem::take(&mut cur), false));
                    has = false;
                }
            }
            ';' | '&' | '|' | '>' => {
                if has {
                    out.push((std::mem::take(&mut cur), false));
                    has = false;
                }
                let two = chars.get(i + 1) == Some(&ch);
                let op: String = if two {
                    [ch, ch].iter().collect()
                } else {
                    ch.to_string()
                };
                if two {
                    i += 1;
                }
                out.push((op, true));
            }
            '\'' => {
                has = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    cur.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                has = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                        cur.push(chars[i]);
                    } else if chars[i] == '$' {
                        let (text, next) = dollar(c, t, &chars, i, depth, &var)?;
                        cur.push_str(&text);
                        i = next;
                        continue;
                    } else {
                        cur.push(chars[i]);
                    }
                    i += 1;
                }
            }
            '\\' if i + 1 < chars.len() => {
                has = true;
                i += 1;
                cur.push(chars[i]);
            }
            '$' => {
                has = true;
                let (text, next) = dollar(c, t, &chars, i, depth, &var)?;
                cur.push_str(&text);
                i = next;
                continue;
            }
            other => {
                has = true;
                cur.push(other);
            }
        }
        i += 1;
    }
    if has {
        out.push((cur, false));
    }
    Ok(out)
}

/// `$NAME`, `${NAME}` or `$(cmd)` starting at `chars[i]`; returns the text and the index after.
fn dollar(
    c: &mut Cluster,
    t: &Target,
    chars: &[char],
    i: usize,
    depth: usize,
    var: &dyn Fn(&str) -> String,
) -> Result<(String, usize), String> {
    match chars.get(i + 1) {
        Some('(') => {
            let mut level = 1;
            let mut j = i + 2;
            while j < chars.len() {
                match chars[j] {
                    '(' => level += 1,
                    ')' => {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let inner: String = chars[i + 2..j.min(chars.len())].iter().collect();
            let r = run_line_depth(c, t, &inner, depth + 1);
            Ok((r.stdout.trim_end_matches('\n').to_string(), j + 1))
        }
        Some('{') => {
            let end = chars[i..]
                .iter()
                .position(|x| *x == '}')
                .map_or(chars.len(), |p| i + p);
            let name: String = chars[i + 2..end].iter().collect();
            Ok((var(&name), end + 1))
        }
        Some(ch) if ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '?' => {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            if j == i + 1 {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            Ok((if name == "?" { "0".into() } else { var(&name) }, j))
        }
        _ => Ok(("$".into(), i + 1)),
    }
}

/// Runs one line of `sh` in the container.
pub fn run_line(c: &mut Cluster, t: &Target, line: &str) -> Ran {
    run_line_depth(c, t, line, 0)
}

fn run_line_depth(c: &mut Cluster, t: &Target, line: &str, depth: usize) -> Ran {
    if depth > 8 {
        return Ran::fail("sh: too many levels of nesting\n", 2);
    }
    let ws = match words(c, t, line, depth) {
        Ok(w) => w,
        Err(e) => return Ran::fail(e, 2),
    };
    let mut total = Ran::default();
    let mut cmd: Vec<String> = Vec::new();
    let mut redirect: Option<(String, bool)> = None;
    let mut skip = false;
    let mut pending_redirect: Option<bool> = None;
    let flush = |c: &mut Cluster,
                 cmd: &mut Vec<String>,
                 redirect: &mut Option<(String, bool)>,
                 total: &mut Ran,
                 skip: bool| {
        if cmd.is_empty() {
            return;
        }
        let args = std::mem::take(cmd);
        let red = redirect.take();
        if skip {
            return;
        }
        let mut r = run_words(c, t, &args, depth);
        if let Some((path, append)) = red {
            let path = absolute(&path);
            c.write_file(&t.namespace, &t.pod, &t.container, &path, &r.stdout, append);
            r.stdout.clear();
        }
        total.stdout.push_str(&r.stdout);
        total.stderr.push_str(&r.stderr);
        total.status = r.status;
    };
    for (w, op) in ws {
        if let Some(append) = pending_redirect.take() {
            redirect = Some((w, append));
            continue;
        }
        if !op {
            cmd.push(w);
            continue;
        }
        match w.as_str() {
            ">" | ">>" => pending_redirect = Some(w == ">>"),
            ";" => {
                flush(c, &mut cmd, &mut redirect, &mut total, skip);
                skip = false;
            }
            "&&" => {
                flush(c, &mut cmd, &mut redirect, &mut total, skip);
                skip = skip || total.status != 0;
            }
            "||" => {
                flush(c, &mut cmd, &mut redirect, &mut total, skip);
                skip = !skip && total.status == 0;
            }
            "|" => {
                // Pipes: the last command's output is what shows; good enough for `| head`.
                flush(c, &mut cmd, &mut redirect, &mut total, skip);
            }
            _ => {}
        }
    }
    flush(c, &mut cmd, &mut redirect, &mut total, skip);
    total
}

fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// Runs one simple command (already split into words).
pub fn run_words(c: &mut Cluster, t: &Target, args: &[String], depth: usize) -> Ran {
    let Some(name) = args.first() else {
        return Ran::default();
    };
    let name = name.rsplit('/').next().unwrap_or(name).to_string();
    let rest = &args[1..];
    match name.as_str() {
        "sh" | "bash" | "ash" | "dash" => match rest.iter().position(|a| a == "-c") {
            Some(i) => match rest.get(i + 1) {
                Some(script) => run_line_depth(c, t, script, depth + 1),
                None => Ran::fail(format!("{name}: -c requires an argument\n"), 2),
            },
            None => Ran::default(),
        },
        "hostname" => Ran::ok(format!("{}\n", t.pod)),
        "echo" => {
            let (newline, words) = match rest.first().map(String::as_str) {
                Some("-n") => (false, &rest[1..]),
                _ => (true, rest),
            };
            let mut s = words.join(" ");
            if newline {
                s.push('\n');
            }
            Ran::ok(s)
        }
        "pwd" => Ran::ok("/\n"),
        "whoami" => Ran::ok("root\n"),
        "true" | "sleep" | ":" | "exit" | "cd" | "export" => Ran::default(),
        "false" => Ran::fail("", 1),
        "env" | "printenv" => {
            let env = environment(c, t);
            if name == "printenv" && !rest.is_empty() {
                let mut out = String::new();
                for k in rest {
                    if let Some((_, v)) = env.iter().find(|(ek, _)| ek == k) {
                        out.push_str(v);
                        out.push('\n');
                    }
                }
                return Ran::ok(out);
            }
            Ran::ok(
                env.iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect::<String>(),
            )
        }
        "cat" => {
            let mut r = Ran::default();
            for f in rest.iter().filter(|a| !a.starts_with('-')) {
                match read(c, t, &absolute(f)) {
                    Some(text) => r.stdout.push_str(&text),
                    None => {
                        r.stderr
                            .push_str(&format!("cat: {f}: No such file or directory\n"));
                        r.status = 1;
                    }
                }
            }
            r
        }
        "ls" => {
            let dirs: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
            let dir = dirs.first().map_or("/".to_string(), |d| absolute(d));
            let Some(p) = pod(c, t).cloned() else {
                return Ran::default();
            };
            let mut names = c.list_files(&p, &t.container, &dir);
            if dir == "/" {
                names.extend(
                    [
                        "bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var",
                    ]
                    .iter()
                    .map(|s| s.to_string()),
                );
            }
            if dir.trim_end_matches('/') == NGINX_ROOT
                && serves_nginx(&p, &t.container)
                && !mounted_over_root(&p, &t.container)
            {
                names.extend(["50x.html".to_string(), "index.html".to_string()]);
            }
            crate::engine::sort::sort(&mut names);
            names.dedup();
            if names.is_empty() && read(c, t, &dir).is_some() {
                return Ran::ok(format!(
                    "{}\n",
                    dirs.first().map_or(dir.as_str(), |d| d.as_str())
                ));
            }
            Ran::ok(names.iter().map(|n| format!("{n}\n")).collect::<String>())
        }
        "curl" | "wget" => http_get(c, t, &name, rest),
        "nslookup" => match rest.iter().find(|a| !a.starts_with('-')) {
            Some(host) => nslookup(c, t, host),
            None => Ran::fail(
                "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]\n",
                1,
            ),
        },
        _ => Ran::fail(format!("sh: {name}: not found\n"), 127),
    }
}

fn serves_nginx(pod: &Value, container: &str) -> bool {
    let repo = repo_of(&image_of(pod, container));
    repo.ends_with("/nginx") || repo.ends_with("/nginx-slim")
}

/// Whether a volume is mounted at nginx's document root (hiding the welcome page).
fn mounted_over_root(pod: &Value, container: &str) -> bool {
    pod.at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["volumeMounts"].as_array())
        .is_some_and(|ms| {
            ms.iter().any(|m| {
                m["mountPath"].as_str().map(|p| p.trim_end_matches('/')) == Some(NGINX_ROOT)
            })
        })
}

/// A file as the container sees it: written files, then a few the image ships.
fn read(c: &Cluster, t: &Target, path: &str) -> Option<String> {
    let p = pod(c, t)?;
    if let Some(s) = c.read_file(p, &t.container, path) {
        return Some(s.clone());
    }
    match path {
        "/etc/hostname" => Some(format!("{}\n", t.pod)),
        "/etc/resolv.conf" => Some(format!(
            "search {}.svc.cluster.local svc.cluster.local cluster.local\nnameserver {DNS_IP}\noptions ndots:5\n",
            t.namespace
        )),
        "/etc/hosts" => {
            let ip = p.at("/status/podIP").and_then(Value::as_str).unwrap_or("");
            let fqdn = match (p.at("/spec/hostname"), p.at("/spec/subdomain")) {
                (Some(h), Some(s)) => format!(
                    "{}.{}.{}.{CLUSTER_DOMAIN}\t",
                    h.as_str().unwrap_or(""),
                    s.as_str().unwrap_or(""),
                    t.namespace
                ),
                _ => String::new(),
            };
            Some(format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\t{fqdn}{}\n", t.pod))
        }
        p2 if p2 == format!("{NGINX_ROOT}/index.html") && serves_nginx(p, &t.container) && !mounted_over_root(p, &t.container) => {
            Some(NGINX_WELCOME.to_string())
        }
        _ => None,
    }
}

/// What a host name or IP resolves to: the pods behind it (ready first) and, for a
/// Service, its ports.
enum Resolved {
    Pod(Value),
    Service(Value),
}

fn resolve_host(c: &Cluster, ns: &str, host: &str) -> Option<Resolved> {
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

fn backends(c: &Cluster, svc: &Value) -> Vec<Value> {
    let ns = meta_str(svc, "namespace");
    let mut pods: Vec<Value> = c
        .store
        .list("Pod", Some(ns))
        .filter(|p| service_selects(svc, p) && is_pod_ready(p))
        .map(|p| (**p).clone())
        .collect();
    crate::engine::sort::sort_by(&mut pods, |a, b| {
        meta_str(a, "name").cmp(meta_str(b, "name"))
    });
    pods
}

/// What the web server in `pod` answers for `path` on `port`.
fn serve(c: &Cluster, pod: &Value, port: i64, path: &str) -> Result<String, ()> {
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
        if listens && !containers.is_empty() && ctr["ports"].is_array() {
            return Ok(format!("Hello from {}\n", meta_str(pod, "name")));
        }
    }
    Err(())
}

/// `curl URL` / `wget -qO- URL`.
fn http_get(c: &mut Cluster, t: &Target, tool: &str, args: &[String]) -> Ran {
    let Some(url) = args.iter().rev().find(|a| !a.starts_with('-') && *a != "-") else {
        return Ran::fail(format!("{tool}: no URL specified\n"), 2);
    };
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
    let resolved = if own {
        pod(c, t).cloned().map(Resolved::Pod)
    } else {
        resolve_host(c, &t.namespace, host)
    };
    let Some(resolved) = resolved else {
        return unresolved();
    };
    let (pod, target_port) = match resolved {
        Resolved::Pod(p) => (p, port),
        Resolved::Service(svc) => {
            let headless = svc.at("/spec/clusterIP").and_then(Value::as_str) == Some("None");
            let sp = svc["spec"]["ports"].as_array().and_then(|ps| {
                ps.iter()
                    .find(|p| p["port"].as_i64() == Some(port))
                    .cloned()
            });
            let Some(p) = backends(c, &svc).into_iter().next() else {
                return refused();
            };
            let tp = match (&sp, headless) {
                (Some(sp), _) => resolve_target_port(&p, sp).unwrap_or(port),
                (None, true) => port,
                (None, false) => return refused(),
            };
            (p, tp)
        }
    };
    match serve(c, &pod, target_port, path) {
        Ok(body) => Ran::ok(body),
        Err(()) => refused(),
    }
}

/// `nslookup HOST` in busybox's format.
fn nslookup(c: &Cluster, t: &Target, host: &str) -> Ran {
    let old_format = pod(c, t)
        .map(|p| image_of(p, &t.container))
        .and_then(|i| ImageRef::parse(&i).ok())
        .is_some_and(|r| r.repository.ends_with("/busybox") && r.tag == "1.28");
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
                crate::engine::sort::sort(&mut v);
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
