//! The long-running programs images start by default (web servers, databases, the pause
//! container): what each prints when it starts. They serve until they are killed; what
//! they answer on the network is in [`super::network`].

use crate::engine::clock::Millis;
use crate::engine::registry::UNKNOWN_IMAGE_PROGRAM;
use crate::engine::time::format_rfc3339;

/// The startup lines of server program `name` started at `now`, or `None` when `name`
/// is not a server.
pub(super) fn startup(name: &str, args: &[String], now: Millis) -> Option<Vec<String>> {
    let ts = format_rfc3339(now).replace('T', " ").replace('Z', "");
    let date = ts.replace('-', "/");
    Some(match name {
        "nginx" | "docker-entrypoint.sh" => {
            let mut v = vec![
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".to_string(),
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".to_string(),
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".to_string(),
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".to_string(),
                "/docker-entrypoint.sh: Configuration complete; ready for start up".to_string(),
            ];
            for msg in [
                "using the \"epoll\" event method",
                "nginx/1.27.2",
                "OS: Linux 6.8.0-85-generic",
                "start worker processes",
                "start worker process 29",
            ] {
                v.push(format!("{date} [notice] 1#1: {msg}"));
            }
            v
        }
        "node" => vec!["Example app listening at http://:::3000".to_string()],
        "httpd-foreground" | "httpd" => vec![format!(
            "[{ts}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations"
        )],
        "redis-server" => vec!["1:M * Ready to accept connections tcp".to_string()],
        "fluentd" => vec![format!(
            "{ts} +0000 [info]: starting fluentd-1.16.2 pid=7 ruby=\"3.1.4\""
        )],
        "postgres" => vec![format!(
            "{ts} UTC [1] LOG:  database system is ready to accept connections"
        )],
        "mysqld" => vec![format!(
            "{ts} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL."
        )],
        "pause" | "hello-app" | "echoserver" | "goproxy" => Vec::new(),
        // kube-system's daemons (their logs are not simulated).
        "coredns" | "kube-proxy" | "kindnetd" | "local-path-provisioner"
        | "storage-provisioner" | "kube-apiserver" | "kube-controller-manager"
        | "kube-scheduler" => Vec::new(),
        "etcd" => vec![format!(
            "{{\"level\":\"info\",\"ts\":\"{}\",\"caller\":\"embed/serve.go:187\",\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"traffic\":\"grpc+http\",\"address\":\"[::]:2379\"}}",
            format_rfc3339(now)
        )],
        // agnhost's subcommands (netexec, serve-hostname, liveness, …) serve.
        "agnhost" if !args.is_empty() => Vec::new(),
        // vish/stress (Go flags, one dash: `-cpus 2`) logs through glog, not simulated.
        "stress" if is_vish_stress(args) => Vec::new(),
        "stress" => vec![stress_hogs(args)],
        _ if name == UNKNOWN_IMAGE_PROGRAM.rsplit('/').next().unwrap_or("") => Vec::new(),
        _ => return None,
    })
}

/// The memory program `argv` holds once started, in bytes, when it is known to need much:
/// `stress --vm N --vm-bytes B` has N workers each touching B (256M by default).
pub fn memory_use(argv: &[String]) -> Option<i64> {
    let name = argv.first().map(|a| a.rsplit('/').next().unwrap_or(a))?;
    if name != "stress" {
        return None;
    }
    let value = |flag: &str, short: &str| {
        argv.iter()
            .position(|a| a == flag || a == short)
            .and_then(|i| argv.get(i + 1))
    };
    let workers: i64 = value("--vm", "-m")?.parse().ok()?;
    let per_worker = match value("--vm-bytes", "--vm-bytes") {
        Some(b) => stress_bytes(b)?,
        None => 256 << 20,
    };
    Some(workers * per_worker)
}

/// The CPU program `argv` keeps busy once started, in millicores, when it spins on its
/// own: `stress --cpu N` (polinux/stress) and `/stress -cpus N` (vish/stress, the
/// "Assign CPU Resources" tutorial's image) run N workers that never sleep.
pub fn cpu_demand(argv: &[String]) -> Option<i64> {
    let name = argv.first().map(|a| a.rsplit('/').next().unwrap_or(a))?;
    if name != "stress" {
        return None;
    }
    let workers = argv
        .iter()
        .position(|a| matches!(a.as_str(), "--cpu" | "-c" | "-cpus" | "--cpus"))
        .and_then(|i| argv.get(i + 1))
        .and_then(|n| n.parse::<i64>().ok())?;
    (workers > 0).then_some(workers * 1000)
}

/// vish/stress takes Go's one-dash flags (`-cpus`, `-mem-total`, `-logtostderr`).
fn is_vish_stress(args: &[String]) -> bool {
    args.iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.len() > 2)
}

/// stress's size suffixes: b, k, m, g (powers of 1024, either case).
fn stress_bytes(s: &str) -> Option<i64> {
    let (digits, unit) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&s[..i], c.to_ascii_lowercase()),
        _ => (s, 'b'),
    };
    let n: i64 = digits.parse().ok()?;
    let scale = match unit {
        'b' => 1,
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        _ => return None,
    };
    Some(n * scale)
}

/// `stress --cpu N --vm N …` announces its workers, then runs until stopped.
fn stress_hogs(args: &[String]) -> String {
    let count = |flag: &str, short: &str| {
        args.iter()
            .position(|a| a == flag || a == short)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    format!(
        "stress: info: [1] dispatching hogs: {} cpu, {} io, {} vm, {} hdd",
        count("--cpu", "-c"),
        count("--io", "-i"),
        count("--vm", "-m"),
        count("--hdd", "-d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(ws: &[&str]) -> Vec<String> {
        ws.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn stress_holds_its_workers_times_vm_bytes() {
        let mi = |n: i64| n << 20;
        let tutorial = argv(&[
            "stress",
            "--vm",
            "1",
            "--vm-bytes",
            "250M",
            "--vm-hang",
            "1",
        ]);
        assert_eq!(memory_use(&tutorial), Some(mi(250)));
        assert_eq!(memory_use(&argv(&["stress", "--vm", "2"])), Some(mi(512)));
        assert_eq!(memory_use(&argv(&["stress", "--cpu", "1"])), None);
        assert_eq!(memory_use(&argv(&["nginx"])), None);
    }

    #[test]
    fn stress_cpu_workers_each_keep_one_cpu_busy() {
        assert_eq!(cpu_demand(&argv(&["stress", "--cpu", "2"])), Some(2000));
        let vish = argv(&["/stress", "-logtostderr", "-cpus", "2"]);
        assert_eq!(cpu_demand(&vish), Some(2000));
        assert_eq!(cpu_demand(&argv(&["stress", "--vm", "1"])), None);
        assert_eq!(cpu_demand(&argv(&["nginx"])), None);
    }
}
