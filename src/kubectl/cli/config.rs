//! `kubectl config`: the subcommands that read and change the terminal's kubeconfig
//! ([`Kubeconfig`]): contexts, the current one, and the namespace they default to.
//! Clusters and users are fixed (the playground has one cluster and one user), so the
//! subcommands that edit those say so.

use super::flags::{self, flag, Arity, Flag};
use super::{flag_error, Ctx};
use crate::json;
use crate::kubectl::help;
use crate::kubectl::kubeconfig::{self, Context, Kubeconfig, CLUSTER, PATH, SERVER, USER};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::tabwriter::format_table;
use crate::kubectl::printers::{jsonpath, yaml};
use crate::shell::Output;
use serde_json::Value;

/// Flags the `config` verb accepts anywhere (each subcommand checks its own again).
pub(crate) const FLAGS: &[Flag] = &[
    flag("current", None, Arity::Bool),
    flag("minify", None, Arity::Bool),
    flag("raw", None, Arity::Bool),
    flag("flatten", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
    flag("output", Some('o'), Arity::Value),
];

const GET_CONTEXTS_FLAGS: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("no-headers", None, Arity::Bool),
];
/// `set-context`'s own `--namespace` hides the global `-n`.
const SET_CONTEXT_FLAGS: &[Flag] = &[
    flag("current", None, Arity::Bool),
    flag("cluster", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("namespace", None, Arity::Value),
];
const VIEW_FLAGS: &[Flag] = &[
    flag("minify", None, Arity::Bool),
    flag("raw", None, Arity::Bool),
    flag("flatten", None, Arity::Bool),
    flag("merge", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
];

/// `kubectl config SUBCOMMAND ARGS…`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let Some((at, sub)) = super::command_word(args).map(|i| (i, args[i].as_str())) else {
        return super::no_subcommand("config", &[], false);
    };
    let mut rest = args.to_vec();
    rest.remove(at);
    let verb = format!("config {sub}");
    let specs: &[Flag] = match sub {
        "current-context" | "use-context" | "use" | "rename-context" | "delete-context"
        | "get-clusters" | "get-users" => &[],
        "get-contexts" => GET_CONTEXTS_FLAGS,
        "set-context" => SET_CONTEXT_FLAGS,
        "view" => VIEW_FLAGS,
        "delete-cluster" | "delete-user" | "set" | "set-cluster" | "set-credentials"
        | "unset" => {
            return Output::failed(format!(
                "kubeplay: `kubectl {verb}` is not available in the playground: it has one cluster ({CLUSTER}) and one user ({USER}); contexts can be added with `kubectl config set-context`"
            ))
        }
        _ => return super::no_subcommand("config", &args[at..], false),
    };
    let p = match flags::parse(&rest, specs) {
        Ok(p) => p,
        Err(e) => return flag_error(&verb, e),
    };
    if let Some(file) = p
        .value("kubeconfig")
        .filter(|f| *f != PATH && !f.is_empty())
    {
        return Output::failed(kubeconfig::ConfigError::OtherFile(file.to_string()).to_string());
    }
    let k = &mut *ctx.kubeconfig;
    match sub {
        "current-context" => current_context(k),
        "get-contexts" => get_contexts(k, &p),
        "set-context" => set_context(k, &p),
        "use-context" | "use" => use_context(k, &p),
        "rename-context" => rename_context(k, &p),
        "delete-context" => delete_context(k, &p),
        "get-clusters" => names(CLUSTER),
        "get-users" => names(USER),
        _ => view(k, &p),
    }
}

fn current_context(k: &Kubeconfig) -> Output {
    if k.current.is_empty() {
        return Output::failed("current-context is not set");
    }
    let mut o = Output::ok();
    o.out(&k.current);
    o
}

fn names(name: &str) -> Output {
    let mut o = Output::ok();
    o.out("NAME");
    o.out(name);
    o
}

/// The help of `config SUB` on stdout, then `error: Unexpected args: [ARGS]`.
fn unexpected_args(sub: &str, args: &[String]) -> Output {
    let mut o = super::help_text(help::text("config", &[sub.to_string()]));
    o.fail(format!("Unexpected args: [{}]", args.join(" ")));
    o
}

fn get_contexts(k: &Kubeconfig, p: &flags::Parsed) -> Output {
    let name_only = match p.value("output") {
        None | Some("") => false,
        Some("name") => true,
        Some(other) => {
            return Output::failed(format!("--output {other} is not available in kubectl config get-contexts; resetting to default output format"))
        }
    };
    let mut o = Output::ok();
    let mut errors = Vec::new();
    let mut shown: Vec<&str> = Vec::new();
    if p.positionals.is_empty() {
        shown.extend(k.contexts.keys().map(String::as_str));
    }
    for name in &p.positionals {
        match k.contexts.get_key_value(name) {
            Some((n, _)) => shown.push(n),
            None => errors.push(format!("context {name} not found")),
        }
    }
    crate::sort::sort(&mut shown);
    if name_only {
        for name in shown {
            o.out(name);
        }
    } else {
        let mut rows = Vec::new();
        if !p.bool("no-headers") {
            rows.push(
                ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
                    .map(String::from)
                    .to_vec(),
            );
        }
        for name in shown {
            let c = &k.contexts[name];
            let mark = if k.current == name { "*" } else { " " };
            rows.push(vec![
                mark.to_string(),
                name.to_string(),
                c.cluster.clone(),
                c.user.clone(),
                c.namespace.clone(),
            ]);
        }
        for line in format_table(&rows) {
            o.out(line);
        }
    }
    match errors.len() {
        0 => {}
        1 => o.fail(&errors[0]),
        _ => o.fail(format!("[{}]", errors.join(", "))),
    }
    o
}

fn set_context(k: &mut Kubeconfig, p: &flags::Parsed) -> Output {
    if p.positionals.len() > 1 {
        return unexpected_args("set-context", &p.positionals);
    }
    let current = p.bool("current");
    let name = match (p.positionals.first(), current) {
        (Some(_), true) => {
            return Output::failed("you cannot specify both a context name and --current")
        }
        (None, true) if k.current.is_empty() => return Output::failed("no current context is set"),
        (None, true) => k.current.clone(),
        (Some(n), false) if !n.is_empty() => n.clone(),
        _ => return Output::failed("you must specify a non-empty context name or --current"),
    };
    let existed = k.contexts.contains_key(&name);
    let c = k.contexts.entry(name.clone()).or_default();
    // A flag given, even empty, sets its field; one not given leaves it.
    if let Some(v) = p.value("cluster") {
        c.cluster = v.to_string();
    }
    if let Some(v) = p.value("user") {
        c.user = v.to_string();
    }
    if let Some(v) = p.value("namespace") {
        c.namespace = v.to_string();
    }
    let mut o = Output::ok();
    let verb = if existed { "modified" } else { "created" };
    o.out(format!("Context \"{name}\" {verb}."));
    o
}

fn use_context(k: &mut Kubeconfig, p: &flags::Parsed) -> Output {
    let [name] = p.positionals.as_slice() else {
        return unexpected_args("use-context", &p.positionals);
    };
    if !k.contexts.contains_key(name) {
        return Output::failed(format!("no context exists with the name: \"{name}\""));
    }
    k.current = name.clone();
    let mut o = Output::ok();
    o.out(format!("Switched to context \"{name}\"."));
    o
}

fn rename_context(k: &mut Kubeconfig, p: &flags::Parsed) -> Output {
    let [old, new] = p.positionals.as_slice() else {
        return unexpected_args("rename-context", &p.positionals);
    };
    if !k.contexts.contains_key(old) {
        return Output::failed(format!(
            "cannot rename the context \"{old}\", it's not in {PATH}"
        ));
    }
    if k.contexts.contains_key(new) {
        return Output::failed(format!(
            "cannot rename the context \"{old}\", the context \"{new}\" already exists in {PATH}"
        ));
    }
    if let Some(c) = k.contexts.remove(old) {
        k.contexts.insert(new.clone(), c);
    }
    if k.current == *old {
        k.current = new.clone();
    }
    let mut o = Output::ok();
    o.out(format!("Context \"{old}\" renamed to \"{new}\"."));
    o
}

fn delete_context(k: &mut Kubeconfig, p: &flags::Parsed) -> Output {
    let Some(name) = p.positionals.first() else {
        return super::help_text(help::text("config", &["delete-context".to_string()]));
    };
    if k.contexts.remove(name).is_none() {
        return Output::failed(format!("cannot delete context {name}, not in {PATH}"));
    }
    let mut o = Output::ok();
    if k.current == *name {
        o.err("warning: this removed your active context, use \"kubectl config use-context\" to select a different one");
    }
    o.out(format!("deleted context {name} from {PATH}"));
    o
}

/// The kubeconfig as `config view` serializes it (`DATA+OMITTED` for the credentials);
/// `only` keeps one context and what it refers to (`--minify`).
fn view_value(k: &Kubeconfig, only: Option<&str>) -> Value {
    let contexts: Vec<Value> = k
        .contexts
        .iter()
        .filter(|(name, _)| only.is_none_or(|o| o == *name))
        .map(|(name, c)| {
            let mut context = json!({"cluster": c.cluster, "user": c.user});
            if !c.namespace.is_empty() {
                context["namespace"] = json!(c.namespace);
            }
            json!({"name": name, "context": context})
        })
        .collect();
    let keep = |field: fn(&Context) -> &str, value: &str| match only {
        None => true,
        Some(o) => k.contexts.get(o).is_some_and(|c| field(c) == value),
    };
    let clusters = keep(|c| &c.cluster, CLUSTER).then(|| {
        json!([{"name": CLUSTER, "cluster": {"certificate-authority-data": "DATA+OMITTED", "server": SERVER}}])
    });
    let users = keep(|c| &c.user, USER).then(|| {
        json!([{"name": USER, "user": {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}}])
    });
    let null_if_empty = |v: Vec<Value>| {
        if v.is_empty() {
            Value::Null
        } else {
            Value::Array(v)
        }
    };
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters.unwrap_or(Value::Null),
        "contexts": null_if_empty(contexts),
        "current-context": only.unwrap_or(&k.current),
        "users": users.unwrap_or(Value::Null),
    })
}

/// `config view -o json`: Go's field order of `clientcmd/api/v1.Config`, four-space indent.
fn view_json(v: &Value) -> String {
    let s = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let mut out = String::from("{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n");
    let mut list = |key: &str, item: &str, fields: &[&str]| {
        out.push_str(&format!("    \"{key}\": "));
        match v[key].as_array() {
            None => out.push_str("null,\n"),
            Some(entries) => {
                out.push_str("[\n");
                for (i, e) in entries.iter().enumerate() {
                    out.push_str(&format!(
                        "        {{\n            \"name\": {},\n            \"{item}\": {{\n",
                        s(&e["name"])
                    ));
                    let present: Vec<&&str> =
                        fields.iter().filter(|f| !e[item][**f].is_null()).collect();
                    for (j, f) in present.iter().enumerate() {
                        let comma = if j + 1 < present.len() { "," } else { "" };
                        out.push_str(&format!(
                            "                \"{f}\": {}{comma}\n",
                            s(&e[item][**f])
                        ));
                    }
                    let comma = if i + 1 < entries.len() { "," } else { "" };
                    out.push_str(&format!("            }}\n        }}{comma}\n"));
                }
                out.push_str("    ],\n");
            }
        }
    };
    list(
        "clusters",
        "cluster",
        &["server", "certificate-authority-data"],
    );
    list(
        "users",
        "user",
        &["client-certificate-data", "client-key-data"],
    );
    list("contexts", "context", &["cluster", "user", "namespace"]);
    out.push_str(&format!(
        "    \"current-context\": {}\n}}\n",
        s(&v["current-context"])
    ));
    out
}

fn view(k: &Kubeconfig, p: &flags::Parsed) -> Output {
    if p.bool("raw") || p.bool("flatten") {
        return Output::failed("kubeplay: the playground's kubeconfig has no certificates to show; `kubectl config view` prints it without --raw/--flatten");
    }
    let only = if p.bool("minify") {
        let name = k.context_name(p.value("context"));
        if name.is_empty() {
            return Output::failed("current-context must exist in order to minify");
        }
        let Some(c) = k.contexts.get(name) else {
            return Output::failed(format!("cannot locate context {name}"));
        };
        if !c.cluster.is_empty() && c.cluster != CLUSTER {
            return Output::failed(format!("cannot locate cluster {}", c.cluster));
        }
        if !c.user.is_empty() && c.user != USER {
            return Output::failed(format!("cannot locate user {}", c.user));
        }
        Some(name)
    } else {
        None
    };
    let v = view_value(k, only);
    let mut o = Output::ok();
    match p.value("output").unwrap_or("yaml") {
        "yaml" => o.out(yaml::to_yaml(&v)),
        "json" => o.out(view_json(&v)),
        "name" => o.out("config/<unknown>"),
        f if f.starts_with("jsonpath=") => match jsonpath::render(&f["jsonpath=".len()..], &v) {
            Ok(text) => o.out_exact(text),
            Err(e) => return Output::failed(e.to_string()),
        },
        other => return Output::failed(format!("unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml")),
    }
    o
}
