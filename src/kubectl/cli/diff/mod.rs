//! `kubectl diff -f FILE`: for each object, the live version and the one the server would
//! store if it were applied (a dry-run patch as `apply` sends it, a dry-run create for a
//! new object, or a dry-run server-side apply with `--server-side`), written as YAML to
//! two temporary directories that `diff -u -N` (or `KUBECTL_EXTERNAL_DIFF`) compares.
//! Exit status 0 without differences, 1 with, 2 on any error.

pub mod gnu;
mod mask;
pub mod program;
#[cfg(test)]
mod tests;

use super::apply::{applied_configuration, place, three_way};
use super::apply_server_side::DEFAULT_MANAGER;
use super::flags::{self, flag, Arity, Flag};
use super::manifest::{self, meta, Doc};
use super::Ctx;
use crate::engine::apiserver::patch::strategic_merge;
use crate::engine::errors::ApiError;
use crate::engine::json::At;
use crate::engine::selector::{labels_of, Selector};
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::yaml;
use crate::shell::Output;
use program::{Dir, Refused};
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("recursive", Some('R'), Arity::Bool),
    flag("kustomize", Some('k'), Arity::Value),
    flag("server-side", None, Arity::Bool),
    flag("force-conflicts", None, Arity::Bool),
    flag("field-manager", None, Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("prune", None, Arity::Bool),
    flag("prune-allowlist", None, Arity::Value),
    flag("show-managed-fields", None, Arity::Bool),
    flag("concurrency", None, Arity::Value),
];

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// kubectl diff's failures all exit 2 (`CheckDiffErr`): 1 means "differences found".
fn failed(message: impl AsRef<str>) -> Output {
    let mut o = Output::failed(message);
    o.status = 2;
    o
}

fn usage_error(message: impl AsRef<str>) -> Output {
    failed(format!(
        "error: {}\nSee 'kubectl diff -h' for help and examples",
        message.as_ref()
    ))
}

fn not_simulated(what: &str) -> Output {
    let mut o = Output::failed_plain(format!(
        "kubeplay: `kubectl diff {what}` is not available in the playground"
    ));
    o.status = 2;
    o
}

/// One object's two versions, named as kubectl names its files
/// (`apps.v1.Deployment.default.web`).
struct Versions {
    name: String,
    live: Option<Value>,
    merged: Value,
}

pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return usage_error(e.to_string()),
    };
    if !p.positionals.is_empty() {
        return usage_error(format!("Unexpected args: [{}]", p.positionals.join(" ")));
    }
    if p.has("kustomize") {
        return not_simulated("-k");
    }
    let files = p.all("filename");
    if files.is_empty() {
        return failed("must specify one of -f and -k");
    }
    let server_side = p.bool("server-side");
    if p.bool("force-conflicts") && !server_side {
        return failed("--force-conflicts only works with --server-side");
    }
    if p.bool("prune") {
        return not_simulated("--prune");
    }
    let manager = p.value("field-manager").unwrap_or(if server_side {
        DEFAULT_MANAGER
    } else {
        "kubectl-client-side-apply"
    });
    let selector = match p.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return failed(e.to_string()),
    };
    let paths = match manifest::expand_paths(ctx, &files, p.bool("recursive")) {
        Ok(paths) => paths,
        Err(e) => return failed(e),
    };
    let ns = ctx.namespace(&p);
    let explicit_ns = p.has("namespace");
    let mut out = Output::ok();
    let mut objects = Vec::new();
    for path in &paths {
        let docs = match manifest::read(ctx, path) {
            Ok(d) => d,
            Err(e) => return with_errors(out, failed(e)),
        };
        for mut doc in docs {
            if let Err(e) = manifest::check(&doc) {
                return with_errors(out, failed(e));
            }
            if let Err(e) = place(&mut doc, &ns, explicit_ns) {
                return with_errors(out, failed(e));
            }
            if selector
                .as_ref()
                .is_some_and(|s| !s.matches(&labels_of(&doc.object)))
            {
                continue;
            }
            let force = p.bool("force-conflicts");
            let versions = match versions(ctx, &doc, server_side, force, manager, &mut out) {
                Ok(v) => v,
                Err(e) => return with_errors(out, failed(e)),
            };
            if versions
                .live
                .as_ref()
                .is_some_and(|l| l.at("/metadata/deletionTimestamp").is_some())
            {
                out.err(format!(
                    "Warning: Detected changes to resource {} which is currently being deleted.",
                    meta(&doc.object, "name")
                ));
            }
            objects.push(versions);
        }
    }
    let show_managed = p.bool("show-managed-fields");
    let (from, to) = directories(ctx, &objects, show_managed);
    let env = ctx
        .env
        .and_then(|e| e.get("KUBECTL_EXTERNAL_DIFF"))
        .filter(|v| !v.is_empty());
    out.append(run_program(env.map(String::as_str), &from, &to));
    out
}

/// What was printed before an error (warnings), then the error.
fn with_errors(mut out: Output, err: Output) -> Output {
    out.append(err);
    out
}

/// The live object and what the server answers to the dry run of applying `doc`.
fn versions(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    server_side: bool,
    force: bool,
    manager: &str,
    out: &mut Output,
) -> Result<Versions, String> {
    let Some(r) = doc.resource else {
        return Err(String::new());
    };
    let ns = if r.namespaced {
        meta(&doc.object, "namespace")
    } else {
        ""
    };
    let name = meta(&doc.object, "name").to_string();
    let group = if r.group.is_empty() {
        String::new()
    } else {
        format!("{}.", r.group)
    };
    let file = format!("{group}{}.{}.{ns}.{name}", r.version, r.kind);
    let live = ctx.cluster.get(r.kind, ns, &name).map(|o| (**o).clone());
    let merged = if server_side {
        ctx.cluster
            .apply(doc.object.clone(), manager, force, true)
            .map(|a| (*a.object).clone())
            .map_err(|e| match e {
                ApiError::ApplyConflict { message } => {
                    // kubectl tries a conflict four times, the last "without lock", and
                    // logs that it does (klog: date, time, pid, source line).
                    let now = ctx.cluster.now;
                    let pid = 1000 + ClientRandom::new(ctx).below(60_000);
                    out.err(format!(
                        "{} {pid:>7} diff.go:723] Object ({}/{}, Kind={}: {name}) keeps changing, diffing without lock",
                        klog_time(now),
                        r.group,
                        r.version,
                        r.kind
                    ));
                    format!("Error from server (Conflict): {message}")
                }
                e => e.to_string(),
            })?
    } else {
        match &live {
            None => ctx
                .cluster
                .create_dry_run(doc.object.clone())
                .map(|o| (*o).clone())
                .map_err(|e| e.to_string())?,
            Some(live) => client_side_merged(ctx, doc, live, manager)?,
        }
    };
    Ok(Versions {
        name: file,
        live,
        merged,
    })
}

/// klog's `W1207 10:19:28.604009` for a warning at virtual time `now` (UTC).
fn klog_time(now: i64) -> String {
    let t = crate::engine::time::format_rfc3339(now);
    // 2026-12-07T10:19:28Z
    format!(
        "W{}{} {}.{:06}",
        &t[5..7],
        &t[8..10],
        &t[11..19],
        now.rem_euclid(1000) * 1000
    )
}

/// `apply`'s patch of the live object, sent with `dryRun=All` — without the new
/// last-applied annotation, which kubectl diff leaves out of its patch. A patch with
/// nothing in it is never sent: the live object is the answer.
fn client_side_merged(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    live: &Value,
    manager: &str,
) -> Result<Value, String> {
    let last: Value = live
        .at("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let patch = three_way(&last, &applied_configuration(&doc.object));
    let mut merged = live.clone();
    strategic_merge(&mut merged, &patch);
    if merged == *live {
        return Ok(live.clone());
    }
    ctx.cluster
        .update_dry_run(merged, manager)
        .map(|o| (*o).clone())
        .map_err(|e| e.to_string())
}

/// What a client draws at random (`os.MkdirTemp`'s names, a file's nanoseconds, a pid):
/// derived from the cluster's clock and resourceVersion, so it is the same in a replay,
/// and drawn without touching the world's RNG, whose sequence the objects' uids and
/// names come from — a real kubectl's randomness does not change those either.
struct ClientRandom(u64);

impl ClientRandom {
    fn new(ctx: &Ctx<'_>) -> ClientRandom {
        let rv = ctx.cluster.store.resource_version();
        ClientRandom((ctx.cluster.now as u64) ^ rv.rotate_left(32))
    }

    /// splitmix64.
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

/// The LIVE and MERGED directories: random names as `os.MkdirTemp` draws them, files
/// written at the cluster's clock.
fn directories(ctx: &mut Ctx<'_>, objects: &[Versions], show_managed: bool) -> (Dir, Dir) {
    let mut random = ClientRandom::new(ctx);
    let live_path = format!("/tmp/LIVE-{}", random.below(1 << 32));
    let merged_path = format!("/tmp/MERGED-{}", random.below(1 << 32));
    let now = ctx.cluster.now;
    let nanos = (now.rem_euclid(1000) as u64) * 1_000_000 + random.below(1_000_000);
    let mtime = format!(
        "{}.{nanos:09} +0000",
        crate::engine::time::format_rfc3339(now)
            .trim_end_matches('Z')
            .replace('T', " ")
    );
    let mut from = Dir {
        path: live_path,
        mtime: mtime.clone(),
        files: Vec::new(),
    };
    let mut to = Dir {
        path: merged_path,
        mtime,
        files: Vec::new(),
    };
    for o in objects {
        let strip = |v: &Value| {
            if show_managed {
                v.clone()
            } else {
                crate::kubectl::printers::omit_managed_fields(v).into_owned()
            }
        };
        let mut live = o.live.as_ref().map(strip);
        let mut merged = strip(&o.merged);
        if merged["apiVersion"] == "v1" && merged["kind"] == "Secret" {
            mask::secret_data(live.as_mut(), &mut merged);
        }
        from.files
            .push((o.name.clone(), live.map(|l| print(&l)).unwrap_or_default()));
        to.files.push((o.name.clone(), print(&merged)));
    }
    (from, to)
}

/// The object as kubectl's diff printer writes it (`yaml.Marshal`).
fn print(obj: &Value) -> String {
    let mut text = yaml::to_yaml(obj);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Runs `diff -u -N FROM TO`, or what `KUBECTL_EXTERNAL_DIFF` names: its first word is
/// the program, and of the others only words of letters, digits, `-` and `=` are passed,
/// after the directories.
fn run_program(external: Option<&str>, from: &Dir, to: &Dir) -> Output {
    let mut args = vec![from.path.clone(), to.path.clone()];
    let program = match external {
        Some(cmd) => {
            let mut words = cmd.split(' ');
            let program = words.next().unwrap_or("").to_string();
            args.extend(
                words
                    .filter(|w| {
                        !w.is_empty()
                            && w.chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '=')
                    })
                    .map(String::from),
            );
            program
        }
        None => {
            args.splice(0..0, ["-u".to_string(), "-N".to_string()]);
            "diff".to_string()
        }
    };
    if !matches!(program.as_str(), "diff" | "/usr/bin/diff" | "/bin/diff") {
        return failed(if program.contains('/') {
            format!("failed to run \"{program}\": fork/exec {program}: no such file or directory")
        } else {
            format!("failed to run \"{program}\": executable file not found in $PATH")
        });
    }
    let opts = match program::parse(&args) {
        Ok(o) => o,
        Err(Refused::Usage(message)) => {
            let mut o = Output::ok();
            o.err(message);
            o.append(failed(format!(
                "failed to run \"{program}\": exit status 2"
            )));
            return o;
        }
        Err(Refused::NotSimulated(option)) => {
            let mut o = Output::failed_plain(format!(
                "kubeplay: the playground's diff does not run {option}; it runs -u, -U N, -N and -q"
            ));
            o.status = 2;
            return o;
        }
    };
    program::run(&opts, from, to)
}
