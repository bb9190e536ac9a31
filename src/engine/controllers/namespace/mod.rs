//! The namespace controller (`pkg/controller/namespace`): a namespace being deleted has
//! all its content deleted (pods with their grace period), its deletion conditions
//! written, and — once nothing is left — its `kubernetes` finalizer removed, which ends
//! its deletion. The policy (conditions, how long to wait) is `control.rs`.

pub mod control;

use super::{key, Action, Controller};
use crate::engine::apiserver::{meta_str, DeleteOptions};
use crate::engine::clock::Timer;
use crate::engine::json::At;
use crate::engine::kinds::{self, KindInfo};
use crate::engine::store::EventType;
use crate::engine::time::{format_rfc3339, parse_rfc3339};
use crate::engine::world::World;
use control::Remaining;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The spec finalizer this controller owns.
pub const FINALIZER: &str = "kubernetes";

/// `namespaceDeletionGracePeriod`: a deleted namespace is looked at 5 s after each change,
/// so that last-moment creations inside it are seen.
const DELETION_GRACE_MS: i64 = 5_000;

/// `enqueueNamespace`: only namespaces being deleted, after the grace above.
pub fn enqueue(w: &mut World, ns: &Value) {
    if ns.at("/metadata/deletionTimestamp").is_none() {
        return;
    }
    let at = w.now + DELETION_GRACE_MS;
    w.timers.schedule(
        at,
        Timer::Requeue {
            controller: Controller::Namespace,
            key: key("", meta_str(ns, "name")),
        },
    );
}

/// `syncNamespaceFromKey` → `Delete`: delete the content (pods first), report what is
/// left, and finalize once nothing is.
#[inline(never)]
pub fn sync(w: &mut World, name: &str) -> Action {
    let Some(ns) = w.get("Namespace", "", name).cloned() else {
        return Action::skipped();
    };
    let Some(deleted_at) = ns
        .at("/metadata/deletionTimestamp")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
    else {
        return Action::await_change();
    };
    if !has_finalizer(&ns) {
        return Action::await_change();
    }
    let since = (w.now - deleted_at) / 1000;
    let mut pass = Pass::default();
    let pods = kinds::namespaced().find(|k| k.kind == "Pod");
    if let Some(info) = pods {
        pass.delete_all(w, info, name, since);
        if !pass.remaining.is_empty() {
            write_conditions(w, name, None, &pass.failures);
            return pass.action();
        }
    }
    for info in kinds::namespaced().filter(|k| k.kind != "Pod") {
        pass.delete_all(w, info, name, since);
    }
    write_conditions(w, name, Some(&pass.remaining), &pass.failures);
    if !pass.failures.is_empty() || pass.estimate > 0 {
        return pass.action();
    }
    finalize(w, name);
    Action::await_change()
}

fn has_finalizer(ns: &Value) -> bool {
    ns.at("/spec/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x == FINALIZER))
}

/// One `deleteAllContent`: what is left, the longest wait estimated, what went wrong.
#[derive(Default)]
struct Pass {
    remaining: Remaining,
    finalizers: BTreeMap<String, usize>,
    estimate: i64,
    failures: Vec<String>,
}

impl Pass {
    /// `deleteAllContentForGroupVersionResource`: estimate the pods' grace, delete every
    /// object of the kind in `namespace` (background propagation, each pod with its own
    /// grace period), then count what is still there.
    fn delete_all(&mut self, w: &mut World, info: &KindInfo, namespace: &str, since: i64) {
        let graces: Vec<i64> = if info.kind == "Pod" {
            w.store
                .list("Pod", Some(namespace))
                .filter(|p| {
                    !matches!(
                        p.at("/status/phase").and_then(Value::as_str),
                        Some("Succeeded" | "Failed")
                    )
                })
                .filter_map(|p| p.at("/spec/terminationGracePeriodSeconds")?.as_i64())
                .collect()
        } else {
            Vec::new()
        };
        let names: Vec<String> = w
            .store
            .list(info.kind, Some(namespace))
            .map(|o| meta_str(o, "name").to_string())
            .collect();
        for n in names {
            // A refusal shows in the count below, as the real controller finds it.
            let _ = w.delete(info.kind, namespace, &n, DeleteOptions::default());
        }
        let mut left = 0;
        let mut with_finalizers = false;
        for o in w.store.list(info.kind, Some(namespace)) {
            left += 1;
            for f in o
                .at("/metadata/finalizers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                with_finalizers = true;
                *self.finalizers.entry(f.to_string()).or_default() += 1;
            }
        }
        if left == 0 {
            return;
        }
        self.remaining
            .resources
            .push((format!("{}.{}", info.plural, info.group), left));
        crate::sort::sort(&mut self.remaining.resources);
        self.remaining.finalizers = self.finalizers.clone().into_iter().collect();
        match control::estimate(&graces, since, left, with_finalizers) {
            Some(e) => self.estimate = self.estimate.max(e),
            None => self.failures.push(control::unexpected(
                namespace,
                info.group,
                info.version,
                info.plural,
            )),
        }
    }

    /// An error is retried with back-off; content on its way out is looked at again
    /// after half the estimate, plus one second (`ResourcesRemainingError`).
    fn action(&self) -> Action {
        if !self.failures.is_empty() {
            return Action::retry_if(true);
        }
        Action::requeue((self.estimate / 2 + 1) * 1000)
    }
}

fn write_conditions(w: &mut World, name: &str, remaining: Option<&Remaining>, failures: &[String]) {
    let Some(ns) = w.get("Namespace", "", name).cloned() else {
        return;
    };
    let mut status = ns.get("status").cloned().unwrap_or_else(|| json!({}));
    let old: Vec<Value> = status
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let now = format_rfc3339(w.now);
    status["conditions"] = json!(control::merge(
        &old,
        &control::conditions(remaining, failures),
        &now
    ));
    w.update_status("Namespace", "", name, status);
}

/// `finalizeNamespace`: drops the `kubernetes` finalizer; with no finalizer left the
/// namespace is removed.
fn finalize(w: &mut World, name: &str) {
    let Some(ns) = w.get("Namespace", "", name).cloned() else {
        return;
    };
    let mut obj = (*ns).clone();
    if let Some(f) = obj
        .pointer_mut("/spec/finalizers")
        .and_then(Value::as_array_mut)
    {
        f.retain(|x| x != FINALIZER);
    }
    let spec_done = obj
        .at("/spec/finalizers")
        .and_then(Value::as_array)
        .is_none_or(|f| f.is_empty());
    let meta_done = obj
        .at("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_none_or(|f| f.is_empty());
    if spec_done && meta_done {
        w.remove_now("Namespace", "", name);
    } else {
        w.store.put("Namespace", obj, EventType::Modified);
    }
}
