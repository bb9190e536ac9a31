//! `kubectl create job` and `kubectl create cronjob` (`create_job.go`,
//! `create_cronjob.go`): a Job or CronJob with one container named after it, the command
//! after `--`, or a Job from a CronJob's template (`--from=cronjob/NAME`).

use super::super::flags::Parsed;
use super::super::Ctx;
use super::Invocation;
use crate::engine::api::discovery;
use crate::engine::errors::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

/// The arguments after `--`: the container's command.
fn command(p: &Parsed) -> Vec<String> {
    p.after_dash
        .map(|i| p.positionals[i.min(p.positionals.len())..].to_vec())
        .unwrap_or_default()
}

/// The one container of the generated pod template.
fn container(name: &str, image: &str, command: &[String]) -> Value {
    let mut c = json!({"image": image, "name": name, "resources": {}});
    if !command.is_empty() {
        c["command"] = json!(command);
    }
    c
}

/// Prints, checks on the server or creates the object through the generators' one
/// [`Invocation::finish`]; a refusal reads `failed to create job: …`.
fn finish(ctx: &mut Ctx<'_>, p: &Parsed, name: &str, mut obj: Value, what: &str) -> Output {
    let inv = match Invocation::named(p.clone(), name.to_string()) {
        Ok(inv) => inv,
        Err(out) => return out,
    };
    // The namespace goes into the object only when -n names it (`EnforceNamespace`).
    if let Some(ns) = inv.metadata().get("namespace") {
        obj["metadata"]["namespace"] = ns.clone();
    }
    let failed = |e: &ApiError| format!("failed to create {what}: {}", e.status_message("batch"));
    inv.finish(ctx, obj, &format!("{what}.batch"), &failed)
}

/// `exactly one NAME is required`: the generators take one name and nothing else
/// before `--`.
fn one_name(p: &Parsed, what: &str) -> Result<String, Output> {
    let before = p.after_dash.unwrap_or(p.positionals.len());
    let names = &p.positionals[1.min(before)..before];
    match names {
        [name] => Ok(name.clone()),
        _ => Err(Output::failed(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create {what} -h' for help and examples",
            names.len()
        ))),
    }
}

/// `kubectl create job NAME --image=IMAGE [-- COMMAND…]` or `--from=cronjob/NAME`.
pub fn create_job(ctx: &mut Ctx<'_>, p: &Parsed) -> Output {
    let name = match one_name(p, "job") {
        Ok(n) => n,
        Err(out) => return out,
    };
    let name = name.as_str();
    let image = p.value("image").unwrap_or("");
    let from = p.value("from").unwrap_or("");
    let cmd = command(p);
    if image.is_empty() == from.is_empty() {
        return Output::failed("error: either --image or --from must be specified");
    }
    if !cmd.is_empty() && !from.is_empty() {
        return Output::failed("error: cannot specify --from and command");
    }
    let job = if from.is_empty() {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"metadata": {}, "spec": {
                "containers": [container(name, image, &cmd)], "restartPolicy": "Never"}}},
            "status": {}})
    } else {
        match job_from(ctx, p, from, name) {
            Ok(job) => job,
            Err(out) => return out,
        }
    };
    finish(ctx, p, name, job, "job")
}

/// `createJobFromCronJob`: the CronJob's job template, marked as started by hand and
/// owned by the CronJob.
fn job_from(ctx: &Ctx<'_>, p: &Parsed, from: &str, name: &str) -> Result<Value, Output> {
    let Some((kind_text, source)) = from.split_once('/') else {
        return Err(Output::failed(
            "error: arguments in resource/name form must have a single resource and name",
        ));
    };
    let Some(r) = discovery::resolve(kind_text) else {
        return Err(Output::failed(format!(
            "error: the server doesn't have a resource type \"{kind_text}\""
        )));
    };
    let ns = ctx.namespace(p);
    let lookup_ns = if r.namespaced { ns.as_str() } else { "" };
    if let Err(e) = ctx.may("get", r, lookup_ns, source) {
        return Err(Output::failed(e.to_string()));
    }
    let Some(obj) = ctx.cluster.get(r.kind, lookup_ns, source) else {
        return Err(Output::failed(
            ApiError::not_found(r.group_resource(), source).to_string(),
        ));
    };
    if r.kind != "CronJob" {
        return Err(Output::failed(format!(
            "error: unknown object type *v1.{}",
            r.kind
        )));
    }
    let template = &obj["spec"]["jobTemplate"];
    let mut annotations = json!({"cronjob.kubernetes.io/instantiate": "manual"});
    if let Some(a) = template["metadata"]["annotations"].as_object() {
        for (k, v) in a {
            annotations[k] = v.clone();
        }
    }
    let mut meta = json!({"name": name, "annotations": annotations, "ownerReferences": [{
        "apiVersion": "batch/v1", "controller": true, "kind": "CronJob",
        "name": source, "uid": obj["metadata"]["uid"]}]});
    if let Some(l) = template["metadata"].get("labels").filter(|l| !l.is_null()) {
        meta["labels"] = l.clone();
    }
    Ok(
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
        "spec": template["spec"].clone(), "status": {}}),
    )
}

/// `kubectl create cronjob NAME --image=IMAGE --schedule=SPEC [--restart=…] [-- COMMAND…]`.
pub fn create_cronjob(ctx: &mut Ctx<'_>, p: &Parsed) -> Output {
    let missing: Vec<String> = ["image", "schedule"]
        .iter()
        .filter(|f| !p.has(f))
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        return Output::failed(format!(
            "error: required flag(s) {} not set",
            missing.join(", ")
        ));
    }
    let name = match one_name(p, "cronjob") {
        Ok(n) => n,
        Err(out) => return out,
    };
    let name = name.as_str();
    let (image, schedule) = (
        p.value("image").unwrap_or(""),
        p.value("schedule").unwrap_or(""),
    );
    let restart = p.value("restart").unwrap_or("OnFailure");
    let cmd = command(p);
    let cronjob = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
        "spec": {"jobTemplate": {"metadata": {"name": name}, "spec": {"template": {
            "metadata": {}, "spec": {"containers": [container(name, image, &cmd)],
            "restartPolicy": restart}}}}, "schedule": schedule},
        "status": {}});
    finish(ctx, p, name, cronjob, "cronjob")
}
