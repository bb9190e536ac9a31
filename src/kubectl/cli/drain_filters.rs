//! Which of a node's pods `kubectl drain` deletes (kubectl `pkg/drain/filters.go` and
//! `GetPodsForDeletion` in `pkg/drain/drain.go`). Asked again for each node when its
//! turn comes, since the nodes are drained one after another.

use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::selector::{labels_of, Selector};
use crate::engine::{Cluster, Millis};
use serde_json::Value;

/// The flags the filters read.
#[derive(Debug, Clone, Default)]
pub struct DrainFilters {
    pub force: bool,
    pub ignore_daemonsets: bool,
    /// `--delete-emptydir-data` (or its old name `--delete-local-data`).
    pub delete_emptydir_data: bool,
    /// `--pod-selector`: only the node's pods it matches are listed.
    pub pod_selector: Option<Selector>,
    /// `--skip-wait-for-delete-timeout` in seconds (0: never skip).
    pub skip_wait_for_delete_timeout: i64,
}

/// Why `drain` may or may not delete one pod.
enum Verdict {
    Delete,
    /// Deleted, with a warning line naming the pod.
    DeleteWarn(&'static str),
    /// Left alone without a word (`skipDeletedFilter`).
    Skip,
    /// Left alone, with a warning.
    SkipWarn(&'static str),
    Refuse(&'static str),
}

/// `PodDeleteList`: the pods to delete, and what `Warnings()` and `errors()` print.
#[derive(Debug, Default)]
pub struct PodDeleteList {
    pub pods: Vec<Value>,
    /// The warning line's text (after `Warning: `), when there is one.
    pub warnings: Option<String>,
    /// One error per message: `cannot delete MSG: ns/a, ns/b`.
    pub errors: Vec<String>,
}

fn finished(pod: &Value) -> bool {
    matches!(
        pod.at("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    )
}

/// `shouldSkipPod`: deleted longer ago than `--skip-wait-for-delete-timeout` seconds.
pub fn should_skip(pod: &Value, timeout_seconds: i64, now: Millis) -> bool {
    timeout_seconds > 0
        && pod
            .at("/metadata/deletionTimestamp")
            .and_then(Value::as_str)
            .and_then(crate::engine::time::parse_rfc3339)
            .is_some_and(|at| (now - at) / 1000 > timeout_seconds)
}

impl DrainFilters {
    /// `GetPodsForDeletion(node)`: the node's pods (namespace, then name, as the API
    /// lists them) through the filters.
    pub fn pods_for_deletion(&self, cluster: &Cluster, node: &str) -> PodDeleteList {
        let mut list = PodDeleteList::default();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let pods = cluster.store.pods_on_node(node).filter(|pod| {
            self.pod_selector
                .as_ref()
                .is_none_or(|s| s.matches(&labels_of(pod)))
        });
        for pod in pods {
            let id = format!("{}/{}", meta_str(pod, "namespace"), meta_str(pod, "name"));
            match self.judge(cluster, pod) {
                Verdict::Delete => list.pods.push((**pod).clone()),
                Verdict::DeleteWarn(m) => {
                    warnings.push((m, id));
                    list.pods.push((**pod).clone());
                }
                Verdict::Skip => {}
                Verdict::SkipWarn(m) => warnings.push((m, id)),
                Verdict::Refuse(m) => errors.push((m, id)),
            }
        }
        // Each message after `cannot delete ` (the unreplicated filter's own message
        // starts with those words too).
        list.errors = grouped(&errors)
            .into_iter()
            .map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", ")))
            .collect();
        if !warnings.is_empty() {
            let w: Vec<String> = grouped(&warnings)
                .into_iter()
                .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
                .collect();
            list.warnings = Some(w.join("; "));
        }
        list
    }

    /// When a wait for this pod, just deleted, gives up on it: the first whole second
    /// past `--skip-wait-for-delete-timeout` after its deletionTimestamp.
    pub fn skip_at(&self, cluster: &Cluster, ns: &str, name: &str) -> Option<Millis> {
        if self.skip_wait_for_delete_timeout <= 0 {
            return None;
        }
        let at = cluster
            .get("Pod", ns, name)?
            .at("/metadata/deletionTimestamp")
            .and_then(Value::as_str)
            .and_then(crate::engine::time::parse_rfc3339)?;
        Some(at + (self.skip_wait_for_delete_timeout + 1) * 1000)
    }

    /// The filters in kubectl's order, stopping at the first that keeps the pod.
    fn judge(&self, cluster: &Cluster, pod: &Value) -> Verdict {
        // skipDeletedFilter
        if should_skip(pod, self.skip_wait_for_delete_timeout, cluster.now) {
            return Verdict::Skip;
        }
        let ns = meta_str(pod, "namespace");
        let owner = crate::engine::controllers::controller_ref(pod);
        let mut verdict = Verdict::Delete;
        // daemonSetFilter
        if let Some(r) = owner.filter(|r| r["kind"] == "DaemonSet") {
            if !finished(pod) {
                let exists = cluster
                    .get("DaemonSet", ns, r["name"].as_str().unwrap_or(""))
                    .is_some();
                if !exists {
                    if !self.force {
                        return Verdict::Refuse("daemonsets.apps not found");
                    }
                } else if !self.ignore_daemonsets {
                    return Verdict::Refuse(
                        "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                    );
                } else {
                    return Verdict::SkipWarn("ignoring DaemonSet-managed Pods");
                }
            }
        }
        // localStorageFilter
        let local = pod
            .at("/spec/volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|v| v.get("emptyDir").is_some());
        if local && !finished(pod) {
            if !self.delete_emptydir_data {
                return Verdict::Refuse(
                    "Pods with local storage (use --delete-emptydir-data to override)",
                );
            }
            // kubectl's own TODO: this warning is dropped by the filters after it.
            verdict = Verdict::Delete;
        }
        // unreplicatedFilter
        if !finished(pod) && owner.is_none() {
            if !self.force {
                return Verdict::Refuse(
                    "cannot delete Pods that declare no controller (use --force to override)",
                );
            }
            verdict = Verdict::DeleteWarn("deleting Pods that declare no controller");
        }
        verdict
    }
}

/// Groups `ns/name` by message, in order of first appearance, as `msg: a, b; msg2: c`.
fn grouped(items: &[(&'static str, String)]) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (msg, pod) in items {
        match groups.iter_mut().find(|(m, _)| m == msg) {
            Some((_, v)) => v.push(pod.clone()),
            None => groups.push((msg, vec![pod.clone()])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn deleted_at(ts: &str) -> Value {
        json!({"metadata": {"name": "p", "deletionTimestamp": ts}})
    }

    #[test]
    fn a_pod_deleted_longer_ago_than_the_skip_timeout_is_skipped() {
        let now = crate::engine::time::parse_rfc3339("2026-01-01T00:01:00Z").unwrap();
        let pod = deleted_at("2026-01-01T00:00:00Z");
        assert!(should_skip(&pod, 59, now));
        assert!(!should_skip(&pod, 60, now), "60 s is not older than 60 s");
        assert!(!should_skip(&pod, 0, now), "0 never skips");
        assert!(
            !should_skip(&json!({"metadata": {}}), 1, now),
            "not deleted"
        );
    }

    #[test]
    fn messages_group_their_pods_in_order_of_first_appearance() {
        let g = grouped(&[
            ("a", "ns/x".to_string()),
            ("b", "ns/y".to_string()),
            ("a", "ns/z".to_string()),
        ]);
        assert_eq!(
            g,
            vec![
                ("a", vec!["ns/x".to_string(), "ns/z".to_string()]),
                ("b", vec!["ns/y".to_string()])
            ]
        );
    }
}
