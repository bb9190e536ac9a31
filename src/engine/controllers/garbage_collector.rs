//! Garbage collector: dependents of a deleted owner are deleted (background), deleted
//! before it (foreground, `foregroundDeletion` finalizer) or released (`orphan`).

use super::Controller;
use crate::engine::apiserver::{meta_str, DeleteOptions, Propagation};
use crate::engine::events::Recorder;
use crate::engine::json::At;
use crate::engine::kinds;
use crate::engine::owners::ObjectKey;
use crate::engine::world::World;
use serde_json::Value;

/// `uid|Kind|namespace|name`: identifies an owner even after it is gone.
pub fn key_for(kind: &str, obj: &Value) -> String {
    format!(
        "{}|{kind}|{}|{}",
        meta_str(obj, "uid"),
        meta_str(obj, "namespace"),
        meta_str(obj, "name")
    )
}

fn has_finalizer(obj: &Value, f: &str) -> bool {
    obj.at("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|x| x == f))
}

#[inline(never)]
pub fn sync(w: &mut World, key: &str) {
    let mut parts = key.splitn(4, '|');
    let (Some(uid), Some(kind), Some(namespace), Some(name)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let Some(info) = kinds::by_kind(kind) else {
        return;
    };
    let owner = w
        .get(info.kind, namespace, name)
        .filter(|o| meta_str(o, "uid") == uid)
        .cloned();
    let dependents: Vec<ObjectKey> = w
        .store
        .owners
        .dependents
        .get(uid)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    match owner {
        None => {
            // Owner gone: background deletion of everything that pointed at it.
            for (k, ns, n) in dependents {
                let Some(dep) = w.get(k, &ns, &n).cloned() else {
                    continue;
                };
                if dep.at("/metadata/deletionTimestamp").is_some() {
                    continue;
                }
                let others_alive = dep
                    .at("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|r| {
                        r["uid"] != uid
                            && kinds::by_kind(r["kind"].as_str().unwrap_or("")).is_some_and(|i| {
                                w.get(
                                    i.kind,
                                    if i.namespaced { &ns } else { "" },
                                    r["name"].as_str().unwrap_or(""),
                                )
                                .is_some()
                            })
                    });
                if others_alive {
                    strip_owner(w, k, &dep, uid);
                    continue;
                }
                Recorder::new(Controller::GarbageCollector.name(), k, &dep).why(w, format!("{n} is deleted because its owner {kind} {name} was deleted (background cascade)"));
                let _ = w.delete(k, &ns, &n, DeleteOptions::default());
            }
        }
        Some(owner) if has_finalizer(&owner, "orphan") => {
            for (k, ns, n) in dependents {
                if let Some(dep) = w.get(k, &ns, &n).cloned() {
                    strip_owner(w, k, &dep, uid);
                    Recorder::new(Controller::GarbageCollector.name(), k, &dep).why(w, format!("{n} is orphaned: its owner {kind} {name} was deleted with --cascade=orphan"));
                }
            }
            w.remove_finalizer(info.kind, namespace, name, "orphan");
        }
        Some(owner) if has_finalizer(&owner, "foregroundDeletion") => {
            let mut blocking = 0;
            for (k, ns, n) in dependents {
                let Some(dep) = w.get(k, &ns, &n).cloned() else {
                    continue;
                };
                blocking += 1;
                if dep.at("/metadata/deletionTimestamp").is_none() {
                    Recorder::new(Controller::GarbageCollector.name(), k, &dep).why(
                        w,
                        format!(
                            "{n} is deleted before its owner {kind} {name} (foreground cascade)"
                        ),
                    );
                    let _ = w.delete(
                        k,
                        &ns,
                        &n,
                        DeleteOptions {
                            grace_period_seconds: None,
                            propagation: Propagation::Foreground,
                        },
                    );
                }
            }
            if blocking == 0 {
                w.remove_finalizer(info.kind, namespace, name, "foregroundDeletion");
            }
        }
        Some(_) => {}
    }
}

fn strip_owner(w: &mut World, kind: &'static str, dep: &Value, uid: &str) {
    let mut d = dep.clone();
    if let Some(refs) = d
        .pointer_mut("/metadata/ownerReferences")
        .and_then(Value::as_array_mut)
    {
        refs.retain(|r| r["uid"] != uid);
        if refs.is_empty() {
            if let Some(m) = d["metadata"].as_object_mut() {
                m.remove("ownerReferences");
            }
        }
    }
    w.write(kind, d);
}
