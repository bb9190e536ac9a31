//! The informational verbs: `explain`, `version`, `api-resources`, `api-versions`,
//! `cluster-info`; and `create deployment|service|namespace`.

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::engine::api::discovery;
use crate::json;
use crate::kubectl::explain::{self, Lang};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::tabwriter::format_table;
use crate::kubectl::printers::yaml;
use crate::shell::Output;

/// The kubectl and server versions kubeplay reproduces.
pub const KUBECTL_VERSION: &str = "v1.34.1";
pub const SERVER_VERSION: &str = "v1.34.0";
const KUSTOMIZE_VERSION: &str = "v5.7.1";

pub(crate) const EXPLAIN_FLAGS: &[Flag] = &[
    flag("recursive", None, Arity::Bool),
    flag("api-version", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
];

pub fn explain(args: &[String]) -> Output {
    let p = match flags::parse(args, EXPLAIN_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("explain", e),
    };
    let Some(path) = p.positionals.first() else {
        let mut o = Output::ok();
        o.err("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
        o.fail("Required resource not specified.\nSee 'kubectl explain -h' for help and examples");
        return o;
    };
    if let Some(f) = p
        .value("output")
        .filter(|f| !matches!(*f, "plaintext" | "plaintext-openapiv2"))
    {
        return Output::failed(format!("unrecognized format: {f}"));
    }
    if let (Some(v), Some(r)) = (
        p.value("api-version"),
        discovery::resolve(path.split('.').next().unwrap_or("")),
    ) {
        if v != r.api_version() {
            // The group-version asked for has no such resource (RESTMapper's refusal).
            let (g, ver) = v.split_once('/').unwrap_or(("", v));
            return Output::failed(format!(
                "couldn't find resource for \"{g}/{ver}, Resource={}\"",
                r.plural
            ));
        }
    }
    match explain::explain(path, p.bool("recursive"), p.value("api-version"), Lang::En) {
        Ok(text) => {
            let mut o = Output::ok();
            o.out(text);
            o
        }
        Err(e) => {
            let mut o = Output::ok();
            if let explain::ExplainError::UnknownField { header, .. } = &e {
                o.out(header);
            }
            // Each error's text is the whole line kubectl prints (the no-match one has no
            // `error: `).
            o.err(e.to_string());
            o.status = 1;
            o
        }
    }
}

pub(crate) const VERSION_FLAGS: &[Flag] = &[
    flag("client", None, Arity::Bool),
    flag("output", Some('o'), Arity::Value),
];

/// The server's version object (`/version`): what `kubectl version` shows and what
/// `kubeplay serve` answers.
pub fn server_version() -> serde_json::Value {
    json!({
        "buildDate": "2025-08-27T15:18:22Z", "compiler": "gc", "emulationMajor": "1", "emulationMinor": "34", "gitCommit": "f28b4c9efbca5c5c0af716d9f2d5702667ee8a45",
        "gitTreeState": "clean", "gitVersion": SERVER_VERSION, "goVersion": "go1.24.6", "major": "1", "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
        "minor": "34", "platform": "linux/amd64"
    })
}

pub fn version(args: &[String]) -> Output {
    let p = match flags::parse(args, VERSION_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("version", e),
    };
    let client = json!({
        "buildDate": "2025-09-09T19:44:50Z", "compiler": "gc", "gitCommit": "93248f9ae092f571eb870b7664c534bfc7d00f03",
        "gitTreeState": "clean", "gitVersion": KUBECTL_VERSION, "goVersion": "go1.24.6", "major": "1", "minor": "34", "platform": "linux/amd64"
    });
    let server = server_version();
    let mut o = Output::ok();
    match p.value("output") {
        Some("json") => {
            let mut v = json!({"clientVersion": client, "kustomizeVersion": KUSTOMIZE_VERSION});
            if !p.bool("client") {
                v["serverVersion"] = server;
            }
            o.out(serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Some("yaml") => {
            let mut v = json!({"clientVersion": client, "kustomizeVersion": KUSTOMIZE_VERSION});
            if !p.bool("client") {
                v["serverVersion"] = server;
            }
            o.out(yaml::to_yaml(&v));
        }
        Some(other) => {
            return Output::failed(
                format!("--output must be 'yaml' or 'json'; got {other:?}").replace('"', ""),
            )
        }
        None => {
            o.out(format!("Client Version: {KUBECTL_VERSION}"));
            o.out(format!("Kustomize Version: {KUSTOMIZE_VERSION}"));
            if !p.bool("client") {
                o.out(format!("Server Version: {SERVER_VERSION}"));
            }
        }
    }
    o
}

pub(crate) const API_RESOURCES_FLAGS: &[Flag] = &[
    flag("namespaced", None, Arity::Value),
    flag("api-group", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
    flag("no-headers", None, Arity::Bool),
    flag("verbs", None, Arity::Value),
    flag("sort-by", None, Arity::Value),
];

pub fn api_resources(args: &[String]) -> Output {
    let p = match flags::parse(args, API_RESOURCES_FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("api-resources", e),
    };
    if let Some(ns) = p.value("namespaced") {
        // A bool flag: strconv.ParseBool's spellings only.
        if !matches!(
            ns,
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        ) {
            return flag_error(
                "api-resources",
                flags::FlagError::BadBool(ns.to_string(), "--namespaced".to_string()),
            );
        }
    }
    let wide = match p.value("output") {
        None | Some("" | "name") => false,
        Some("wide") => true,
        Some(other) => {
            return Output::failed(format!("unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml"));
        }
    };
    let mut table = discovery::api_resources_table();
    let listed = discovery::listed();
    if wide {
        // -o wide adds the verbs (sorted, as a string set lists them) and categories.
        for (i, row) in table.iter_mut().enumerate() {
            match i.checked_sub(1).and_then(|k| listed.get(k)) {
                None => row.extend(["VERBS".to_string(), "CATEGORIES".to_string()]),
                Some(r) => {
                    let mut verbs = r.verbs.to_vec();
                    crate::sort::sort(&mut verbs);
                    row.extend([verbs.join(","), r.categories.join(",")]);
                }
            }
        }
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, row) in table.into_iter().enumerate() {
        if i > 0 {
            if let Some(ns) = p.value("namespaced") {
                if row[3] != ns {
                    continue;
                }
            }
            if let Some(g) = p.value("api-group") {
                let group = row[2].rsplit_once('/').map(|(g, _)| g).unwrap_or("");
                if group != g {
                    continue;
                }
            }
        } else if p.bool("no-headers") {
            continue;
        }
        rows.push(row);
    }
    let mut o = Output::ok();
    if p.value("output") == Some("name") {
        for r in rows.iter().skip(usize::from(!p.bool("no-headers"))) {
            let group = r[2]
                .rsplit_once('/')
                .map(|(g, _)| format!(".{g}"))
                .unwrap_or_default();
            o.out(format!("{}{group}", r[0]));
        }
        return o;
    }
    for line in format_table(&rows) {
        o.out(line);
    }
    o
}

pub fn api_versions() -> Output {
    let mut o = Output::ok();
    for v in discovery::api_versions() {
        o.out(v);
    }
    o
}

pub fn cluster_info(_ctx: &mut Ctx<'_>) -> Output {
    let mut o = Output::ok();
    o.out("\u{1b}[0;32mKubernetes control plane\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443\u{1b}[0m");
    o.out("\u{1b}[0;32mCoreDNS\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\u{1b}[0m");
    o.blank();
    o.out("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    o
}
