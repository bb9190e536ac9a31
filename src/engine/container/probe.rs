//! What a container answers to the kubelet's probes (`pkg/probe`): an `exec` probe runs
//! its command in the container like `kubectl exec`; `httpGet`, `tcpSocket` and `grpc`
//! dial the pod's IP and reach whatever the container's program listens on. Which ports a
//! program listens on, and what it answers there, is the table in [`listeners`]; a
//! program that is still starting (or listens nowhere) refuses the connection, in Go's
//! words, as the kubelet's prober reports them.

use super::files::{mounted_over_root, read, serves_nginx, NGINX_ROOT};
use super::{environment::pod, Target};
use crate::engine::clock::Millis;
use crate::engine::registry::UNKNOWN_IMAGE_PROGRAM;
use crate::engine::world::World;

/// One probe's handler, its port already resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    Exec(Vec<String>),
    HttpGet {
        scheme: String,
        host: String,
        port: i64,
        path: String,
    },
    TcpSocket {
        host: String,
        port: i64,
    },
    Grpc {
        host: String,
        port: i64,
    },
}

/// The container's program as the probe finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program<'a> {
    /// Its argv (the container's command and args, or the image's defaults).
    pub argv: &'a [String],
    /// The ports the container declares (`ports[].containerPort`).
    pub declared: &'a [i64],
    /// How long it has been running; `None` while it is not listening yet.
    pub listening_for: Option<Millis>,
}

/// A probe's result and the output the kubelet puts in its event (`probe.Result`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub success: bool,
    pub output: String,
    /// The program gives this same answer for as long as it runs: a server that is up and
    /// answers from a fixed table (not from files, a clock or a command's output). The
    /// kubelet's prober need not ask again to know what it would hear.
    pub lasting: bool,
}

impl Probed {
    fn ok() -> Probed {
        Probed {
            success: true,
            output: String::new(),
            lasting: false,
        }
    }

    fn fail(output: String) -> Probed {
        Probed {
            success: false,
            output,
            lasting: false,
        }
    }

    /// The same answer, given again on every later probe of the running program.
    fn lasting(self) -> Probed {
        Probed {
            lasting: true,
            ..self
        }
    }
}

impl Listener {
    /// Whether its answer to a path depends only on the path: not on files that a volume
    /// update can change, nor on how long it has run.
    fn answers_from_a_table(self) -> bool {
        !matches!(self, Listener::Nginx | Listener::AgnhostLiveness)
    }
}

/// What listens on a port, and so what it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listener {
    /// nginx: the files under its document root.
    Nginx,
    /// `agnhost liveness`: `/healthz` is 200 for its first 10 seconds, then 500.
    AgnhostLiveness,
    /// Any other HTTP server: 200 on every path.
    Http,
    /// A health server: 200 on these paths, 404 elsewhere (CoreDNS's health and ready
    /// plugins, the control plane's `/livez`, `/readyz`, `/healthz`).
    Health(&'static [&'static str]),
    /// A server speaking its own protocol over TCP (Redis, MySQL, …).
    Tcp,
    /// A gRPC server implementing `grpc.health.v1.Health` (etcd).
    Grpc,
}

fn flag_port(args: &[String], flag: &str) -> Option<i64> {
    args.iter().find_map(|a| {
        a.strip_prefix(flag)
            .and_then(|v| v.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    })
}

/// The ports `program` listens on once started.
fn listeners(program: &Program) -> Vec<(i64, Listener)> {
    let Some(first) = program.argv.first() else {
        return Vec::new();
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    let args = &program.argv[1..];
    match name {
        "nginx" | "docker-entrypoint.sh" => vec![(80, Listener::Nginx)],
        "agnhost" => match args.first().map(String::as_str) {
            Some("liveness") => vec![(8080, Listener::AgnhostLiveness)],
            Some("netexec") => vec![(
                flag_port(args, "--http-port").unwrap_or(8080),
                Listener::Http,
            )],
            Some("serve-hostname") => vec![(9376, Listener::Http)],
            _ => Vec::new(),
        },
        "httpd-foreground" | "httpd" => vec![(80, Listener::Http)],
        "node" => vec![(3000, Listener::Http)],
        "hello-app" | "echoserver" => vec![(8080, Listener::Http)],
        "goproxy" => vec![(8080, Listener::Tcp)],
        "redis-server" => vec![(6379, Listener::Tcp)],
        "postgres" => vec![(5432, Listener::Tcp)],
        "mysqld" => vec![(3306, Listener::Tcp)],
        "etcd" => {
            // `--listen-client-urls http://0.0.0.0:2379`
            let port = args
                .iter()
                .skip_while(|a| !a.starts_with("--listen-client-urls"))
                .find_map(|a| a.rsplit(':').next().and_then(|p| p.parse().ok()))
                .unwrap_or(2379);
            let mut v = vec![(port, Listener::Grpc)];
            // `--listen-metrics-urls=http://127.0.0.1:2381`: kubeadm's probes ask here.
            if let Some(m) = args
                .iter()
                .find_map(|a| a.strip_prefix("--listen-metrics-urls="))
                .and_then(|u| u.rsplit(':').next())
                .and_then(|p| p.parse().ok())
            {
                v.push((
                    m,
                    Listener::Health(&["/livez", "/readyz", "/health", "/metrics"]),
                ));
            }
            v
        }
        "coredns" => vec![
            (53, Listener::Tcp),
            (9153, Listener::Health(&["/metrics"])),
            (8080, Listener::Health(&["/health"])),
            (8181, Listener::Health(&["/ready"])),
        ],
        "kube-apiserver" => vec![(
            flag_port(args, "--secure-port").unwrap_or(6443),
            Listener::Health(&["/livez", "/readyz", "/healthz"]),
        )],
        "kube-controller-manager" => vec![(10257, Listener::Health(&["/healthz"]))],
        "kube-scheduler" => vec![(10259, Listener::Health(&["/livez", "/readyz", "/healthz"]))],
        _ if first == UNKNOWN_IMAGE_PROGRAM => program
            .declared
            .iter()
            .map(|p| (*p, Listener::Http))
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs `handler` against the container `t` running `program`.
pub fn probe(
    w: &mut World,
    t: &Target,
    program: &Program,
    handler: &Handler,
    timeout_s: i64,
) -> Probed {
    let listener = |port: i64| {
        program.listening_for?;
        listeners(program)
            .into_iter()
            .find(|(p, _)| *p == port)
            .map(|(_, l)| l)
    };
    match handler {
        Handler::Exec(argv) => {
            let ran = super::run(w, t, argv);
            let output = format!("{}{}", ran.stdout, ran.stderr);
            if ran.status == 0 {
                Probed {
                    output,
                    ..Probed::ok()
                }
            } else {
                Probed::fail(output)
            }
        }
        Handler::HttpGet {
            scheme,
            host,
            port,
            path,
        } => {
            let url = format!("{scheme}://{host}:{port}{path}");
            let Some(l) = listener(*port) else {
                return Probed::fail(format!(
                    "Get \"{url}\": dial tcp {host}:{port}: connect: connection refused"
                ));
            };
            let status = match l {
                Listener::Nginx => nginx_status(w, t, path),
                Listener::AgnhostLiveness if path == "/healthz" => {
                    if program.listening_for.unwrap_or(0) > 10_000 {
                        500
                    } else {
                        200
                    }
                }
                Listener::AgnhostLiveness => 404,
                Listener::Http => 200,
                Listener::Health(paths) if paths.contains(&path.as_str()) => 200,
                Listener::Health(_) => 404,
                // Not HTTP: the connection opens, the answer is garbage.
                Listener::Tcp | Listener::Grpc => {
                    return Probed::fail(format!(
                        "Get \"{url}\": net/http: HTTP/1.x transport connection broken: malformed HTTP response"
                    ))
                    .lasting()
                }
            };
            let answer = if (200..400).contains(&status) {
                Probed::ok()
            } else {
                Probed::fail(format!("HTTP probe failed with statuscode: {status}"))
            };
            if l.answers_from_a_table() {
                answer.lasting()
            } else {
                answer
            }
        }
        Handler::TcpSocket { host, port } => match listener(*port) {
            Some(_) => Probed::ok().lasting(),
            None => Probed::fail(format!(
                "dial tcp {host}:{port}: connect: connection refused"
            )),
        },
        Handler::Grpc { host, port } => match listener(*port) {
            Some(Listener::Grpc) => Probed::ok().lasting(),
            // gRPC's blocking dial keeps retrying a refused (or non-gRPC) port until
            // the probe's timeout.
            _ => Probed::fail(format!(
                "timeout: failed to connect service \"{host}:{port}\" within {timeout_s}s: context deadline exceeded"
            )),
        },
    }
}

/// nginx's status for `path`: its document root, or 403/404.
fn nginx_status(w: &World, t: &Target, path: &str) -> u16 {
    let Some(p) = pod(w, t) else {
        return 404;
    };
    if !serves_nginx(p, &t.container) {
        return 200;
    }
    let dir = path.is_empty() || path.ends_with('/');
    let file = if dir {
        format!("{NGINX_ROOT}{path}index.html")
    } else {
        format!("{NGINX_ROOT}{path}")
    };
    match read(w, t, &file) {
        Some(_) => 200,
        None if dir && mounted_over_root(p, &t.container) => 403,
        None => 404,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<String> {
        ws.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn programs_listen_where_their_images_do() {
        let argv = words(&["/agnhost", "liveness"]);
        let p = Program {
            argv: &argv,
            declared: &[],
            listening_for: Some(0),
        };
        assert_eq!(listeners(&p), [(8080, Listener::AgnhostLiveness)]);
        let argv = words(&[
            "etcd",
            "--listen-client-urls",
            "http://0.0.0.0:2379",
            "--log-level",
            "debug",
        ]);
        let p = Program { argv: &argv, ..p };
        assert_eq!(listeners(&p), [(2379, Listener::Grpc)]);
        let argv = words(&["/coredns", "-conf", "/etc/coredns/Corefile"]);
        let p = Program { argv: &argv, ..p };
        assert!(listeners(&p).contains(&(8181, Listener::Health(&["/ready"]))));
        let argv = words(&["etcd", "--listen-metrics-urls=http://127.0.0.1:2381"]);
        let p = Program { argv: &argv, ..p };
        assert!(listeners(&p)
            .iter()
            .any(|(port, l)| *port == 2381 && matches!(l, Listener::Health(_))));
        let argv = words(&["sh", "-c", "sleep 600"]);
        let p = Program { argv: &argv, ..p };
        assert!(listeners(&p).is_empty(), "a shell listens nowhere");
    }
}
