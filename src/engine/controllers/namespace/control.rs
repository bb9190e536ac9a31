//! The namespace controller's policy (`deletion/status_condition_utils.go` and the
//! estimate of `namespaced_resources_deleter.go`), pure: what a terminating namespace's
//! conditions say about the content still in it, and how long to wait before looking again.

use serde_json::{json, Value};

/// What is still in a terminating namespace after one round of deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remaining {
    /// `resource.group` (`pods.`, `deployments.apps`) and how many are left, sorted.
    pub resources: Vec<(String, usize)>,
    /// A finalizer and how many remaining objects carry it, sorted.
    pub finalizers: Vec<(String, usize)>,
}

impl Remaining {
    pub fn is_empty(&self) -> bool {
        self.resources.iter().all(|(_, n)| *n == 0)
    }
}

/// One condition as `(type, status, reason, message)`.
pub type Condition = (&'static str, &'static str, &'static str, String);

/// The five deletion conditions in the order the controller writes them. Discovery and
/// parsing cannot fail here; `failures` are the kinds whose content stayed unexpectedly
/// (no grace period or finalizer left to explain it). `remaining` is `None` while pods
/// are still terminating (`OrderedNamespaceDeletion`: pods go first, and that pass does
/// not count content, so its conditions read as if all were removed).
pub fn conditions(remaining: Option<&Remaining>, failures: &[String]) -> Vec<Condition> {
    let empty = Remaining::default();
    let remaining = remaining.unwrap_or(&empty);
    let mut out: Vec<Condition> = vec![
        (
            "NamespaceDeletionDiscoveryFailure",
            "False",
            "ResourcesDiscovered",
            "All resources successfully discovered".into(),
        ),
        (
            "NamespaceDeletionGroupVersionParsingFailure",
            "False",
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed".into(),
        ),
    ];
    out.push(if failures.is_empty() {
        (
            "NamespaceDeletionContentFailure",
            "False",
            "ContentDeleted",
            "All content successfully deleted, may be waiting on finalization".into(),
        )
    } else {
        let mut msgs = failures.to_vec();
        crate::sort::sort(&mut msgs);
        (
            "NamespaceDeletionContentFailure",
            "True",
            "ContentDeletionFailed",
            format!(
                "Failed to delete all resource types, {} remaining: {}",
                msgs.len(),
                msgs.join(", ")
            ),
        )
    });
    let left: Vec<String> = remaining
        .resources
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{r} has {n} resource instances"))
        .collect();
    out.push(if left.is_empty() {
        (
            "NamespaceContentRemaining",
            "False",
            "ContentRemoved",
            "All content successfully removed".into(),
        )
    } else {
        (
            "NamespaceContentRemaining",
            "True",
            "SomeResourcesRemain",
            format!("Some resources are remaining: {}", left.join(", ")),
        )
    });
    let held: Vec<String> = remaining
        .finalizers
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(f, n)| format!("{f} in {n} resource instances"))
        .collect();
    out.push(if held.is_empty() {
        (
            "NamespaceFinalizersRemaining",
            "False",
            "ContentHasNoFinalizers",
            "All content-preserving finalizers finished".into(),
        )
    } else {
        (
            "NamespaceFinalizersRemaining",
            "True",
            "SomeFinalizersRemain",
            format!(
                "Some content in the namespace has finalizers remaining: {}",
                held.join(", ")
            ),
        )
    });
    out
}

/// `updateConditions`: the new conditions as status entries, keeping a condition's
/// `lastTransitionTime` while its status does not change.
pub fn merge(old: &[Value], new: &[Condition], now: &str) -> Vec<Value> {
    new.iter()
        .map(|(ty, status, reason, message)| {
            let since = old
                .iter()
                .find(|c| c["type"] == *ty && c["status"] == *status)
                .and_then(|c| c["lastTransitionTime"].as_str())
                .unwrap_or(now);
            json!({"lastTransitionTime": since, "message": message, "reason": reason,
                "status": status, "type": ty})
        })
        .collect()
}

/// Seconds until the remaining content of one kind should be gone: for pods the longest
/// grace period of one not finished (`estimateGracefulTerminationForPods`), unless that
/// much time has passed since the namespace's deletion; else the finalizers' default of
/// 15 s. `None`: something stayed unexpectedly (a failure to report).
pub fn estimate(
    pod_graces: &[i64],
    seconds_since_deletion: i64,
    left: usize,
    with_finalizers: bool,
) -> Option<i64> {
    let pods = pod_graces.iter().copied().max().unwrap_or(0);
    let pods = if seconds_since_deletion >= pods {
        0
    } else {
        pods
    };
    match (left, pods, with_finalizers) {
        (0, _, _) => Some(0),
        (_, p, _) if p > 0 => Some(p),
        (_, _, true) => Some(15),
        _ => None,
    }
}

/// The failure reported for content that stayed: `unexpected items still remain …`.
pub fn unexpected(namespace: &str, group: &str, version: &str, plural: &str) -> String {
    format!(
        "unexpected items still remain in namespace: {namespace} for gvr: {group}/{version}, Resource={plural}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(resources: &[(&str, usize)], finalizers: &[(&str, usize)]) -> Remaining {
        Remaining {
            resources: resources.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
            finalizers: finalizers
                .iter()
                .map(|(f, n)| (f.to_string(), *n))
                .collect(),
        }
    }

    #[test]
    fn an_emptied_namespace_reports_all_five_conditions_false() {
        let c = conditions(Some(&Remaining::default()), &[]);
        let types: Vec<_> = c.iter().map(|c| (c.0, c.1)).collect();
        assert_eq!(
            types,
            vec![
                ("NamespaceDeletionDiscoveryFailure", "False"),
                ("NamespaceDeletionGroupVersionParsingFailure", "False"),
                ("NamespaceDeletionContentFailure", "False"),
                ("NamespaceContentRemaining", "False"),
                ("NamespaceFinalizersRemaining", "False"),
            ]
        );
        assert_eq!(c[3].3, "All content successfully removed");
    }

    #[test]
    fn terminating_pods_are_named_with_their_empty_group_and_count() {
        let c = conditions(Some(&left(&[("pods.", 2), ("services.", 0)], &[])), &[]);
        assert_eq!(c[3].1, "True");
        assert_eq!(c[3].2, "SomeResourcesRemain");
        assert_eq!(
            c[3].3,
            "Some resources are remaining: pods. has 2 resource instances"
        );
    }

    #[test]
    fn objects_held_by_finalizers_are_listed_by_finalizer() {
        let c = conditions(
            Some(&left(&[("pods.", 1)], &[("example.com/hold", 1)])),
            &[],
        );
        assert_eq!(
            c[4].3,
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
        );
    }

    #[test]
    fn a_condition_keeps_its_transition_time_until_its_status_changes() {
        let old = merge(
            &[],
            &conditions(Some(&left(&[("pods.", 1)], &[])), &[]),
            "T1",
        );
        let new = merge(&old, &conditions(Some(&Remaining::default()), &[]), "T2");
        assert_eq!(new[0]["lastTransitionTime"], "T1");
        assert_eq!(new[3]["lastTransitionTime"], "T2");
    }

    #[test]
    fn while_pods_terminate_the_content_is_not_counted_and_reads_as_removed() {
        let c = conditions(None, &[]);
        assert_eq!(c[3].2, "ContentRemoved");
        assert_eq!(c[4].2, "ContentHasNoFinalizers");
    }

    #[test]
    fn content_that_stays_unexplained_is_a_deletion_failure() {
        let why = unexpected("dev", "", "v1", "pods");
        assert_eq!(
            why,
            "unexpected items still remain in namespace: dev for gvr: /v1, Resource=pods"
        );
        let c = conditions(None, &[why]);
        assert_eq!(c[2].1, "True");
        assert_eq!(
            c[2].3,
            "Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: dev for gvr: /v1, Resource=pods"
        );
    }

    #[test]
    fn the_wait_is_the_longest_pod_grace_not_yet_spent_else_fifteen_seconds_for_finalizers() {
        assert_eq!(estimate(&[30, 5], 5, 2, false), Some(30));
        assert_eq!(estimate(&[30], 30, 1, false), None, "the grace is spent");
        assert_eq!(estimate(&[], 0, 1, true), Some(15));
        assert_eq!(estimate(&[], 0, 0, false), Some(0));
    }
}
