//! A client library that is not kubectl: the Python `kubernetes` client (PyPI, installed
//! by `scripts/setup.sh --test`) lists pods, creates one and watches it from the list's
//! resourceVersion until it runs, against `kubeplay serve --clock on-demand`
//! (`tests/client/list_watch.py`). Chosen over the `kube` crate because a kube-rs
//! dev-dependency (with its tokio/hyper/rustls tree) would cost CI minutes of build; the
//! Python client costs a pip install.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/serve.rs"]
mod serve_start;

use kubeplay::serve;
use std::process::Command;

#[test]
fn the_python_kubernetes_client_lists_pods_and_watches_one_being_created() {
    let has_client = Command::new("python3")
        .args(["-c", "import kubernetes"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        has_client,
        "the Python kubernetes client is missing: run scripts/setup.sh --test"
    );
    let server = serve_start::start();
    let kubeconfig = std::env::temp_dir().join(format!(
        "kubeplay-client-test-{}.kubeconfig",
        server.addr.port()
    ));
    serve::write_kubeconfig(&kubeconfig, &server.url()).unwrap();
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/client/list_watch.py"
        ))
        .arg(&kubeconfig)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&kubeconfig);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..2],
        ["listed 0 pods", "created hello Pending"],
        "{stdout}"
    );
    assert_eq!(lines[2], "ADDED hello Pending", "{stdout}");
    assert!(lines.contains(&"MODIFIED hello Running"), "{stdout}");
    assert_eq!(
        lines.last(),
        Some(&"read hello Running minikube"),
        "{stdout}"
    );
    server.stop();
}
