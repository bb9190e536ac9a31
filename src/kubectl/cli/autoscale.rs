//! `kubectl autoscale` (kubectl `pkg/cmd/autoscale/autoscale.go`): a
//! HorizontalPodAutoscaler for each named Deployment, ReplicaSet or StatefulSet, created
//! through autoscaling/v2 and, when that is refused, through autoscaling/v1 as kubectl
//! falls back (whose object names no target, so the server's 80 % CPU default applies).

use super::apply::print_written;
use super::flags::{self, flag, Arity, Flag, FlagError};
use super::resource::parse_targets;
use super::{flag_error, manifest, Ctx};
use crate::engine::api::discovery::Resource;
use crate::engine::quantity;
use crate::engine::ApiError;
use crate::json;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("min", None, Arity::Value),
    flag("max", None, Arity::Value),
    flag("cpu-percent", None, Arity::Value),
    flag("cpu", None, Arity::Value),
    flag("memory", None, Arity::Value),
    flag("name", None, Arity::Value),
    flag("dry-run", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("kustomize", Some('k'), Arity::Value),
    flag("recursive", Some('R'), Arity::Bool),
    flag("output", Some('o'), Arity::Value),
    flag("template", None, Arity::Value),
    flag("allow-missing-template-keys", None, Arity::Bool),
    flag("show-managed-fields", None, Arity::Bool),
    flag("field-manager", None, Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("record", None, Arity::Bool),
];

const KIND_GROUP: &str = "horizontalpodautoscaler.autoscaling";

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// A metric target as `parseResourceInput` reads `--cpu` / `--memory`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// `70%`: average utilization.
    Utilization(i64),
    /// `500m`, `200Mi`, or a bare number in the resource's default unit.
    AverageValue(String),
}

/// `parseResourceInput`.
fn parse_resource_input(input: &str, resource: &str) -> Result<Target, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("empty input".into());
    }
    if let Some(n) = input.strip_suffix('%') {
        return match n.parse::<i32>() {
            Ok(v) if v >= 0 => Ok(Target::Utilization(i64::from(v))),
            _ => Err(format!("invalid percentage value: {n}")),
        };
    }
    if let Ok(f) = input.parse::<f64>() {
        let unit = if resource == "cpu" { "m" } else { "Mi" };
        let q = format!("{}{unit}", crate::gofmt::format_g(f));
        return canonical(&q, resource)
            .map(Target::AverageValue)
            .ok_or_else(|| "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string());
    }
    canonical(input, resource)
        .map(Target::AverageValue)
        .ok_or_else(|| format!("invalid resource {resource} value: {input}"))
}

/// A quantity as the server stores it: CPU in millicores (`0.5` → `500m`), memory as
/// given when it parses.
fn canonical(q: &str, resource: &str) -> Option<String> {
    if resource == "cpu" {
        let m = quantity::parse(q, 1000.0)?;
        Some(if m % 1000 == 0 {
            (m / 1000).to_string()
        } else {
            format!("{m}m")
        })
    } else {
        quantity::parse(q, 1.0).map(|_| q.to_string())
    }
}

/// The parsed options (`AutoscaleOptions` after `Validate`).
struct Options {
    min: i64,
    max: i64,
    cpu_percent: i64,
    cpu: String,
    memory: String,
    name: String,
}

fn int_flag(p: &flags::Parsed, name: &str) -> Result<i64, FlagError> {
    match p.value(name) {
        None => Ok(-1),
        Some(v) => v
            .parse::<i32>()
            .map(i64::from)
            .map_err(|_| FlagError::BadInt(v.to_string(), format!("--{name}"))),
    }
}

fn metric(resource: &str, target: &Target) -> Value {
    let target = match target {
        Target::Utilization(u) => json!({"type": "Utilization", "averageUtilization": u}),
        Target::AverageValue(q) => json!({"type": "AverageValue", "averageValue": q}),
    };
    json!({"type": "Resource", "resource": {"name": resource, "target": target}})
}

impl Options {
    /// `createHorizontalPodAutoscalerV2`.
    fn v2(&self, r: &Resource, target: &str) -> Value {
        let mut spec = json!({
            "scaleTargetRef": {"apiVersion": r.api_version(), "kind": r.kind, "name": target},
            "maxReplicas": self.max,
        });
        if self.min > 0 {
            spec["minReplicas"] = json!(self.min);
        }
        let mut metrics = Vec::new();
        if self.cpu_percent > 0 {
            metrics.push(metric("cpu", &Target::Utilization(self.cpu_percent)));
        }
        for (resource, input) in [("cpu", &self.cpu), ("memory", &self.memory)] {
            if let Ok(t) = parse_resource_input(input, resource) {
                metrics.push(metric(resource, &t));
            }
        }
        if !metrics.is_empty() {
            spec["metrics"] = json!(metrics);
        }
        self.hpa(target, spec)
    }

    /// `createHorizontalPodAutoscalerV1`, as the server converts it to v2: a CPU target
    /// only when `--cpu-percent` was given.
    fn v1(&self, r: &Resource, target: &str) -> Value {
        let mut spec = json!({
            "scaleTargetRef": {"apiVersion": r.api_version(), "kind": r.kind, "name": target},
            "maxReplicas": self.max,
        });
        if self.min > 0 {
            spec["minReplicas"] = json!(self.min);
        }
        if self.cpu_percent >= 0 {
            spec["metrics"] = json!([metric("cpu", &Target::Utilization(self.cpu_percent))]);
        }
        self.hpa(target, spec)
    }

    fn hpa(&self, target: &str, spec: Value) -> Value {
        let name = if self.name.is_empty() {
            target
        } else {
            &self.name
        };
        json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name},
            "spec": spec,
            "status": {"currentMetrics": null, "desiredReplicas": 0},
        })
    }

    /// `canCreateHPAV1`: the fallback is allowed only for a CPU utilization target.
    fn v1_refusal(&self) -> Option<String> {
        match parse_resource_input(&self.cpu, "cpu") {
            Err(e) => Some(e),
            Ok(t) => {
                let ok = (self.cpu_percent >= 0 && self.memory.is_empty())
                    || (self.memory.is_empty() && matches!(t, Target::Utilization(_)));
                (!ok).then(|| "%!w(<nil>)".to_string())
            }
        }
    }
}

/// The objects named by arguments or `-f`: (resource, name).
fn targets(ctx: &Ctx<'_>, p: &flags::Parsed) -> Result<Vec<(&'static Resource, String)>, String> {
    if let Some(file) = p.value("filename") {
        let mut out = Vec::new();
        for doc in manifest::read(ctx, file)? {
            let r = manifest::check(&doc)?;
            let name = doc.object["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string();
            out.push((r, name));
        }
        return Ok(out);
    }
    let targets = parse_targets(&p.positionals).map_err(|e| e.to_string())?;
    if targets.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    let mut out = Vec::new();
    for t in targets {
        if t.names.is_empty() {
            return Err("resource(s) were provided, but no name was specified".into());
        }
        for n in t.names {
            out.push((t.resource, n));
        }
    }
    Ok(out)
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("autoscale", e),
    };
    for unsupported in ["kustomize", "save-config", "record"] {
        if p.has(unsupported) {
            return flag_error("autoscale", FlagError::NotSimulated(unsupported.into()));
        }
    }
    let parsed = (|| {
        Ok::<_, FlagError>((
            int_flag(&p, "min")?,
            int_flag(&p, "max")?,
            int_flag(&p, "cpu-percent")?,
        ))
    })();
    let (min, max, cpu_percent) = match parsed {
        Ok(v) => v,
        Err(e) => return flag_error("autoscale", e),
    };
    let mut out = Output::ok();
    if p.has("cpu-percent") {
        out.err("Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).");
    }
    if !p.has("max") {
        out.fail("required flag(s) \"max\" not set");
        return out;
    }
    let dry = match p.value("dry-run") {
        None | Some("none") | Some("false") => None,
        Some("client") | Some("true") => Some("client"),
        Some("server") => Some("server"),
        Some(other) => {
            out.fail(format!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ));
            return out;
        }
    };
    let o = Options {
        min,
        max,
        cpu_percent,
        cpu: p.value("cpu").unwrap_or("").to_string(),
        memory: p.value("memory").unwrap_or("").to_string(),
        name: p.value("name").unwrap_or("").to_string(),
    };
    // `Validate`, in its order.
    let invalid = if o.max < 1 {
        Some(format!(
            "--max=MAXPODS is required and must be at least 1, max: {}",
            o.max
        ))
    } else if o.max < o.min {
        Some(format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {}, min: {}",
            o.max, o.min
        ))
    } else if o.cpu_percent > 0 && !o.cpu.is_empty() {
        Some("--cpu-percent and --cpu are mutually exclusive".into())
    } else {
        [("cpu", &o.cpu), ("memory", &o.memory)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .find_map(|(r, v)| parse_resource_input(v, r).err())
    };
    if let Some(e) = invalid {
        out.fail(e);
        return out;
    }
    let ns = ctx.namespace(&p);
    let named = match targets(ctx, &p) {
        Ok(t) => t,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    let mut count = 0;
    for (r, target) in named {
        match autoscale_one(ctx, &p, &o, dry, &ns, r, &target) {
            Ok(line) => {
                count += 1;
                out.append(line);
            }
            Err(e) => {
                out.fail(e);
            }
        }
    }
    if count == 0 && out.status == 0 {
        out.fail("no objects passed to autoscale");
    }
    out
}

/// One target: its scale subresource checked, then the HPA created (v2, else v1).
fn autoscale_one(
    ctx: &mut Ctx<'_>,
    p: &flags::Parsed,
    o: &Options,
    dry: Option<&str>,
    ns: &str,
    r: &'static Resource,
    target: &str,
) -> Result<Output, String> {
    if ctx.cluster.get(r.kind, ns, target).is_none() {
        return Err(ApiError::not_found(r.group_resource(), target).to_string());
    }
    if !matches!(r.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        return Err(format!(
            "cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
            r.kind, r.group, r.version, r.plural
        ));
    }
    let mut out = Output::ok();
    let v2 = o.v2(r, target);
    if dry == Some("client") {
        let name = v2["metadata"]["name"].as_str().unwrap_or("").to_string();
        print_written(
            &mut out,
            p,
            &v2,
            KIND_GROUP,
            format!("{KIND_GROUP}/{name} created (dry run)"),
        );
        return Ok(out);
    }
    let manager = p
        .value("field-manager")
        .unwrap_or("kubectl-autoscale")
        .to_string();
    let mut create = |obj: Value| -> Result<std::rc::Rc<Value>, ApiError> {
        let mut obj = obj;
        obj["metadata"]["namespace"] = json!(ns);
        if dry == Some("server") {
            ctx.cluster.create_dry_run(obj)
        } else {
            ctx.cluster.create_as(obj, &manager)
        }
    };
    let created = match create(v2) {
        Ok(c) => c,
        Err(_) => {
            if let Some(why) = o.v1_refusal() {
                return Err(format!("failed to create autoscaling/v2 HPA and the configuration is incompatible with autoscaling/v1: {why}"));
            }
            create(o.v1(r, target)).map_err(|e| e.to_string())?
        }
    };
    let name = created["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let suffix = if dry == Some("server") {
        " (server dry run)"
    } else {
        ""
    };
    print_written(
        &mut out,
        p,
        &created,
        KIND_GROUP,
        format!("{KIND_GROUP}/{name} autoscaled{suffix}"),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_targets_read_as_kubectl_reads_them() {
        assert_eq!(
            parse_resource_input("50%", "cpu"),
            Ok(Target::Utilization(50))
        );
        assert_eq!(
            parse_resource_input("500", "cpu"),
            Ok(Target::AverageValue("500m".into()))
        );
        assert_eq!(
            parse_resource_input("1500m", "cpu"),
            Ok(Target::AverageValue("1500m".into()))
        );
        assert_eq!(
            parse_resource_input("300", "memory"),
            Ok(Target::AverageValue("300Mi".into()))
        );
        assert_eq!(
            parse_resource_input("-5%", "cpu"),
            Err("invalid percentage value: -5".into())
        );
        assert_eq!(
            parse_resource_input("abc", "cpu"),
            Err("invalid resource cpu value: abc".into())
        );
        assert_eq!(parse_resource_input("", "cpu"), Err("empty input".into()));
    }
}
