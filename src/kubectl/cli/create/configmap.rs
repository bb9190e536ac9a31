//! `kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key=value]
//! [--from-env-file=file]` (`create_configmap.go`).

use super::sources::{config_key_errors, Sources};
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
    let mut data = Data::new(&inv.name);
    let filled = Sources::new(&inv.parsed).and_then(|sources| {
        sources.each(ctx.fs, false, "env config file", &mut |k, v| data.add(k, v))
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
