//! `kubeplay serve`: the simulated cluster behind the Kubernetes REST API on 127.0.0.1,
//! so the real kubectl (or any client library) can drive it. Native only.
//!
//! Threads: one **engine thread** owns the `Cluster` (it is `Rc`-based and single-threaded,
//! as the engine is everywhere); every HTTP request runs on its own thread and hands the
//! engine a closure over a channel (`Engine::call`). A watch is a loop of short calls
//! ("what happened since resourceVersion N?"), so a long-lived stream never holds the
//! engine: other clients are served between its polls.

mod admin;
mod api;
mod apply;
mod authz;
mod clock;
mod discovery;
mod engine;
mod http;
mod log_follow;
mod logs;
mod metrics;
mod openapi;
mod openapi_v2;
mod protobuf;
mod remote;
mod status;
mod table;
mod watch;

pub use clock::ClockMode;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What `kubeplay serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port (tests).
    pub port: u16,
    pub nodes: u32,
    pub seed: u64,
    pub clock: ClockMode,
    /// Virtual seconds per wall second under `--clock wall`.
    pub speed: f64,
    pub kubeconfig: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 6443,
            nodes: 3,
            seed: 1,
            clock: ClockMode::Wall,
            speed: 1.0,
            kubeconfig: None,
        }
    }
}

/// A running server: its address, and the thread accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    accept: Option<JoinHandle<()>>,
}

impl Running {
    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Blocks until the accept loop ends (it runs until the process is stopped).
    pub fn wait(mut self) {
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }

    /// Stops accepting (tests); open streams end when their clients go.
    pub fn stop(mut self) {
        self.server.unblock();
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

/// Binds 127.0.0.1:PORT, starts the engine thread and the accept loop.
pub fn start(options: &Options) -> Result<Running, String> {
    let server = tiny_http::Server::http(("127.0.0.1", options.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| "the server has no IP address".to_string())?;
    let engine = engine::Engine::start(options.nodes, options.seed, options.clock, options.speed);
    let server = Arc::new(server);
    let accepting = Arc::clone(&server);
    let accept = std::thread::Builder::new()
        .name("accept".into())
        .spawn(move || {
            for request in accepting.incoming_requests() {
                let engine = engine.clone();
                // One thread a request: watches are long-lived, calls are short.
                let _ = std::thread::Builder::new()
                    .name("request".into())
                    .spawn(move || http::handle(request, &engine));
            }
        })
        .map_err(|e| format!("cannot start the accept thread: {e}"))?;
    Ok(Running {
        addr,
        server,
        accept: Some(accept),
    })
}

/// The kubeconfig that points kubectl at the server: one cluster, context and user, all
/// named `kubeplay`, plain HTTP on loopback.
pub fn kubeconfig(url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: {url}\n  name: kubeplay\ncontexts:\n- context:\n    cluster: kubeplay\n    namespace: default\n    user: kubeplay\n  name: kubeplay\ncurrent-context: kubeplay\npreferences: {{}}\nusers:\n- name: kubeplay\n  user: {{}}\n"
    )
}

/// Writes the kubeconfig, creating its folder.
pub fn write_kubeconfig(path: &Path, url: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, kubeconfig(url))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
