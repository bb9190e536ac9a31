//! `kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key=value]
//! [--from-env-file=file]` (`create_configmap.go`).

use super::sources::{self, config_key_errors};
use super::{Ctx, Invocation};
use crate::engine::errors::ApiError;
use crate::gofmt::go_quote;
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const FLAGS: &[Flag] = &[
    flag("from-literal", None, Arity::Value),
    flag("from-file", None, Arity::Value),
    flag("from-env-file", None, Arity::Value),
    flag("append-hash", None, Arity::Bool),
];

pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create configmap", args, FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let p = &inv.parsed;
    let (files, literals, env_files) = (
        p.all("from-file"),
        p.all("from-literal"),
        p.all("from-env-file"),
    );
    if !env_files.is_empty() && !(files.is_empty() && literals.is_empty()) {
        return Output::failed("from-env-file cannot be combined with from-file or from-literal");
    }
    if p.bool("append-hash") {
        return Output::failed("kubeplay: --append-hash is not available in the playground");
    }
    let mut data = Data::new(&inv.name);
    // kubectl reads the files first, then the literals, whatever the flags' order.
    let filled = files
        .iter()
        .try_for_each(|f| {
            sources::files(ctx.fs, f)?
                .into_iter()
                .try_for_each(|(k, v)| data.add(k, v))
        })
        .and_then(|()| {
            literals.iter().try_for_each(|l| {
                let (k, v) = sources::literal(l)?;
                data.add(k, v)
            })
        })
        .and_then(|()| {
            env_files.iter().try_for_each(|f| {
                sources::env_file(ctx.fs, f, "env config file")?
                    .into_iter()
                    .try_for_each(|(k, v)| data.add(k, v))
            })
        });
    if let Err(e) = filled {
        return Output::failed(e);
    }
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": inv.metadata()});
    if !data.entries.is_empty() {
        cm["data"] = Value::Object(data.entries);
    }
    inv.finish(ctx, cm, "configmap", &failed)
}

fn failed(e: &ApiError) -> String {
    format!("failed to create configmap: {}", e.status_message(""))
}

/// The keys gathered so far (`validateNewConfigMap`).
struct Data<'a> {
    name: &'a str,
    entries: Map<String, Value>,
}

impl<'a> Data<'a> {
    fn new(name: &'a str) -> Self {
        Data {
            name,
            entries: Map::new(),
        }
    }

    fn add(&mut self, key: String, value: String) -> Result<(), String> {
        let errs = config_key_errors(&key);
        if !errs.is_empty() {
            return Err(format!(
                "{} is not a valid key name for a ConfigMap: {}",
                go_quote(&key),
                errs.join(",")
            ));
        }
        if self.entries.contains_key(&key) {
            return Err(format!(
                "cannot add key {}, another key by that name already exists in Data for ConfigMap {}",
                go_quote(&key),
                go_quote(self.name)
            ));
        }
        self.entries.insert(key, json!(value));
        Ok(())
    }
}
