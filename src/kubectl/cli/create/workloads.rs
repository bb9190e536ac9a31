//! `kubectl create deployment` and `create namespace` (`create_deployment.go`,
//! `create_namespace.go`), and the dispatch to `create job` / `create cronjob`: the
//! generators that take kubectl create's own flag set.

use super::super::flags;
use super::super::Ctx;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::yaml;
use crate::shell::Output;

/// `kubectl create deployment|namespace|service clusterip` (generators).
pub fn run(ctx: &mut Ctx<'_>, first: &flags::Parsed) -> Output {
    let args = &first.positionals;
    let p = first;
    let ns = ctx.namespace(p);
    let what = args.first().map(String::as_str).unwrap_or("");
    if matches!(what, "job" | "cronjob" | "cj") {
        return if what == "job" {
            super::batch::create_job(ctx, p)
        } else {
            super::batch::create_cronjob(ctx, p)
        };
    }
    if !super::is_subcommand(what) {
        // No such subcommand: cobra leaves the words to `create`, which takes none.
        return Output::failed(format!(
            "Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples",
            args.join(" ")
        ));
    }
    if matches!(what, "deployment" | "deploy") && p.all("image").is_empty() {
        // cobra checks required flags before the command runs (and asks for NAME).
        return Output::failed("required flag(s) \"image\" not set");
    }
    let Some(name) = args.get(1).cloned() else {
        return Output::failed(format!("NAME is required for {what}"));
    };
    let (obj, kg, wrap) = match what {
        "deployment" | "deploy" => {
            let images = p.all("image");
            if images.is_empty() {
                return Output::failed("required flag(s) \"image\" not set");
            }
            let replicas: i64 = p.value("replicas").and_then(|r| r.parse().ok()).unwrap_or(1);
            let containers: Vec<serde_json::Value> = images
                .iter()
                .map(|i| {
                    let base = i.rsplit('/').next().unwrap_or(i).split([':', '@']).next().unwrap_or(i);
                    // sanitizeAndUniquify: `_` and `.` become `-`, and a random suffix
                    // keeps two such images apart (`serve_hostname` → `serve-hostname-x2k4q`).
                    let cname = if base.contains(['_', '.']) {
                        format!("{}-{}", base.replace(['_', '.'], "-"), ctx.cluster.random_suffix())
                    } else {
                        base.to_string()
                    };
                    let mut c = json!({"image": i, "name": cname, "resources": {}});
                    if let Some(port) = p.value("port").and_then(|p| p.parse::<i64>().ok()) {
                        c["ports"] = json!([{"containerPort": port}]);
                    }
                    c
                })
                .collect();
            (
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
                    "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "strategy": {},
                        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}, "status": {}}),
                "deployment.apps",
                "failed to create deployment",
            )
        }
        "namespace" | "ns" => (json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}), "namespace", ""),
        other => return Output::failed(format!("kubeplay: `kubectl create {other}` is not available yet; write a manifest and use `kubectl apply -f`")),
    };
    let mut obj = obj;
    // `create_deployment.go` sets the namespace only when `-n` was given
    // (`EnforceNamespace`); the server fills in the default one.
    if kg != "namespace" && p.value("namespace").is_some_and(|n| !n.is_empty()) {
        obj["metadata"]["namespace"] = json!(ns);
    }
    let mut out = Output::ok();
    if p.value("dry-run").is_some_and(|d| d != "none") {
        match p.value("output") {
            Some("yaml") => out.out(yaml::to_yaml(&obj)),
            Some("json") => out.out(yaml::to_json(&obj)),
            _ => super::super::apply::print_written(
                &mut out,
                p,
                &obj,
                kg,
                format!("{kg}/{name} created (dry run)"),
            ),
        }
        return out;
    }
    // The request goes to the namespace from `-n` or the context either way.
    if kg != "namespace" {
        obj["metadata"]["namespace"] = json!(ns);
    }
    match ctx.create_as(obj, "kubectl-create") {
        Ok(_) => out.out(format!("{kg}/{name} created")),
        // `create namespace` returns the server's error as it is (no wrapping message).
        Err(e) if wrap.is_empty() => out.fail(e.to_string()),
        Err(e) => {
            let group = if kg.contains('.') { "apps" } else { "" };
            out.fail(format!("{wrap}: {}", e.status_message(group)));
        }
    }
    out
}
