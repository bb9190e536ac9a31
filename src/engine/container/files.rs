//! A container's files as its processes see them: what was written into it (kept by the
//! engine, on a PVC or with the pod), then a few files every image ships (`/etc/hosts`,
//! `/etc/resolv.conf`, nginx's welcome page).

use super::environment::{image_of, pod, repo_of};
use super::network::{CLUSTER_DOMAIN, DNS_IP};
use super::{Ran, Target};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::shell::{run_filter, Vfs};
use serde_json::Value;

pub(super) const NGINX_ROOT: &str = "/usr/share/nginx/html";

/// The default nginx welcome page (what `curl` shows before anything was written).
const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// nginx's answer when a volume mounted over the document root has no `index.html`.
pub(super) const NGINX_403: &str = "<html>\n<head><title>403 Forbidden</title></head>\n<body>\n<center><h1>403 Forbidden</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";

pub(super) fn serves_nginx(pod: &Value, container: &str) -> bool {
    let repo = repo_of(&image_of(pod, container));
    repo.ends_with("/nginx") || repo.ends_with("/nginx-slim")
}

/// Whether a volume is mounted at nginx's document root (hiding the welcome page).
pub(super) fn mounted_over_root(pod: &Value, container: &str) -> bool {
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

/// What the kubelet wrote at a path of a container: a file, or a directory's entries.
enum Written {
    File(String),
    Dir(Vec<String>),
}

/// The kubelet-written volume (ConfigMap, Secret, downward API, projected) or `subPath`
/// copy mounted at `path`, if the longest mount holding `path` is one. `Some(None)`: such
/// a mount holds the path, but nothing is written there.
fn kubelet_written(c: &World, p: &Value, container: &str, path: &str) -> Option<Option<Written>> {
    let mounts = p
        .at("/spec/containers")
        .and_then(Value::as_array)?
        .iter()
        .find(|x| x["name"] == container)?["volumeMounts"]
        .as_array()?;
    let (mount_path, m) = mounts
        .iter()
        .filter_map(|m| {
            let mp = m["mountPath"].as_str()?.trim_end_matches('/');
            (path == mp || path.starts_with(&format!("{mp}/"))).then_some((mp, m))
        })
        .max_by_key(|(mp, _)| mp.len())?;
    let mounted = c.kubelet.mounted.get(meta_str(p, "uid"));
    if m.get("subPath").is_some() {
        let key = (container.to_string(), m["mountPath"].as_str()?.to_string());
        let frozen = mounted.and_then(|x| x.frozen.get(&key))?;
        return Some((path == mount_path).then(|| Written::File(frozen.clone())));
    }
    let vol = m["name"].as_str()?;
    let files = mounted?.volumes.get(vol)?;
    let rel = path[mount_path.len()..].trim_start_matches('/');
    if let Some(text) = files.get(rel) {
        return Some(Some(Written::File(text.clone())));
    }
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    let mut names: Vec<String> = files
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next().map(String::from))
        .collect();
    names.dedup();
    Some((!names.is_empty() || rel.is_empty()).then_some(Written::Dir(names)))
}

/// Whether `path` lies in a volume the kubelet writes: those are mounted read-only.
pub(super) fn read_only(c: &World, t: &Target, path: &str) -> bool {
    pod(c, t).is_some_and(|p| kubelet_written(c, p, &t.container, path).is_some())
}

/// A file as the container sees it: what the kubelet and the container wrote, then a few
/// files the image ships.
pub(super) fn read(c: &World, t: &Target, path: &str) -> Option<String> {
    let p = pod(c, t)?;
    if let Some(written) = kubelet_written(c, p, &t.container, path) {
        return match written {
            Some(Written::File(text)) => Some(text),
            _ => None,
        };
    }
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

/// `path` from `/` (a container's shell starts there).
pub(super) fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// `ls [DIR]`: what was written under DIR, and the directories and files an image has.
pub(super) fn ls(c: &World, t: &Target, rest: &[String]) -> Ran {
    let dirs: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    let dir = dirs.first().map_or("/".to_string(), |d| absolute(d));
    let Some(p) = pod(c, t).cloned() else {
        return Ran::default();
    };
    match kubelet_written(c, &p, &t.container, dir.trim_end_matches('/')) {
        Some(Some(Written::Dir(names))) => {
            return Ran::ok(names.iter().map(|n| format!("{n}\n")).collect::<String>())
        }
        Some(Some(Written::File(_))) => {
            return Ran::ok(format!(
                "{}\n",
                dirs.first().map_or(dir.as_str(), |d| d.as_str())
            ))
        }
        Some(None) => {
            let shown = dirs.first().map_or(dir.as_str(), |d| d.as_str());
            return Ran::fail(format!("ls: {shown}: No such file or directory\n"), 1);
        }
        None => {}
    }
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
    crate::sort::sort(&mut names);
    names.dedup();
    if names.is_empty() && read(c, t, &dir).is_some() {
        return Ran::ok(format!(
            "{}\n",
            dirs.first().map_or(dir.as_str(), |d| d.as_str())
        ));
    }
    Ran::ok(names.iter().map(|n| format!("{n}\n")).collect::<String>())
}

/// `cat FILE…`, or its stdin without files.
pub(super) fn cat(c: &World, t: &Target, rest: &[String], stdin: Option<String>) -> Ran {
    let files: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    if files.is_empty() {
        return Ran::ok(stdin.unwrap_or_default());
    }
    let busybox = pod(c, t).is_some_and(|p| busybox_based(&repo_of(&image_of(p, &t.container))));
    let mut r = Ran::default();
    for f in files {
        match read(c, t, &absolute(f)) {
            Some(text) => r.stdout.push_str(&text),
            None if busybox => {
                r.stderr.push_str(&format!(
                    "cat: can't open '{f}': No such file or directory\n"
                ));
                r.status = 1;
            }
            None => {
                r.stderr
                    .push_str(&format!("cat: {f}: No such file or directory\n"));
                r.status = 1;
            }
        }
    }
    r
}

/// Images whose `cat`, `ls`, … are busybox's applets (their messages differ from GNU's).
fn busybox_based(repo: &str) -> bool {
    repo.ends_with("/busybox") || repo.ends_with("/alpine")
}

/// The text utilities an image has (busybox and Debian both do), run by the shell's
/// own implementation; `None` for other names.
const TEXT_UTILITIES: &[&str] = &[
    "grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "awk", "base64",
    "printf",
];

/// Runs a text utility on its stdin and on the container's files its arguments name:
/// those files are lent to it in a scratch filesystem rooted where the container's
/// shell stands (`/`). Nothing it could write goes back (these utilities only read).
pub(super) fn text_utility(
    c: &World,
    t: &Target,
    name: &str,
    args: &[String],
    stdin: Option<String>,
) -> Option<Ran> {
    if !TEXT_UTILITIES.contains(&name) {
        return None;
    }
    let mut scratch = Vfs::new();
    scratch.chdir("/").ok()?;
    for a in args {
        let path = absolute(a);
        if let Some(text) = read(c, t, &path) {
            let parent = path.rsplit_once('/').map_or("/", |(p, _)| p);
            if !parent.is_empty() {
                let _ = scratch.mkdir(parent, true);
            }
            let _ = scratch.write(&path, &text, false);
        }
    }
    let r = run_filter(name, args, &stdin.unwrap_or_default(), &mut scratch, false)?;
    Some(Ran {
        stdout: r.stdout,
        stderr: r.stderr,
        status: r.status,
    })
}
