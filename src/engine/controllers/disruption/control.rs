//! The disruption controller's arithmetic (`getExpectedPodCount`, `countHealthyPods`,
//! `buildDisruptedPodMap`, `updatePdbStatus` in `pkg/controller/disruption`): how many
//! pods a budget expects, how many must stay healthy, how many are, and so how many may
//! be evicted now. Pure: the pods and their controllers' scales come in as plain data.

use crate::engine::clock::Millis;
use std::collections::BTreeMap;

/// How long an eviction the API approved may take to show up as a deleting pod
/// (`DeletionTimeout`): until then the pod no longer counts as healthy.
pub const DELETION_TIMEOUT: Millis = 2 * 60 * 1000;

/// An int-or-percent bound of the spec (`minAvailable`, `maxUnavailable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Count(i64),
    Percent(i64),
}

impl Bound {
    /// The spec's value: a number, or a string of digits and `%` (validation let no
    /// other string in).
    pub fn parse(v: &serde_json::Value) -> Option<Bound> {
        match v {
            serde_json::Value::Number(n) => n.as_i64().map(Bound::Count),
            serde_json::Value::String(s) => crate::engine::apiserver::policy::percent(s)
                .map(|p| Bound::Percent(p.min(i64::MAX as u64) as i64)),
            _ => None,
        }
    }

    /// `GetScaledValueFromIntOrPercent(bound, total, roundUp=true)`.
    fn scaled(self, total: i64) -> i64 {
        match self {
            Bound::Count(n) => n,
            Bound::Percent(p) => (p * total + 99) / 100,
        }
    }
}

/// The budget's spec: at most one of the two is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub min_available: Option<Bound>,
    pub max_unavailable: Option<Bound>,
}

/// A selected pod's controller, as the pod's controller reference names it, resolved to
/// the workload whose scale counts (a Deployment for its ReplicaSets' pods).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scale {
    /// The scalable workload's uid and `spec.replicas`.
    Of { uid: String, replicas: i64 },
    /// The controller's resource has no scale subresource (`jobs.batch`, …).
    NotScalable(String),
    /// The controller named by the reference does not exist (any more).
    Missing,
}

/// One pod the budget selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedPod {
    pub name: String,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// `IsPodReady`.
    pub ready: bool,
    /// `None`: no controller reference.
    pub scale: Option<Scale>,
}

/// What the budget expects: `expectedPods`, `desiredHealthy`, and the pods without a
/// controller when a percentage needed their controllers' scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub count: i64,
    pub desired_healthy: i64,
    pub unmanaged: Vec<String>,
}

/// `getExpectedPodCount`: an integer `minAvailable` counts the selected pods; a
/// percentage or `maxUnavailable` counts the scale of their controllers (each once).
/// `Err` is the sync's failure (`found no controllers for pod "x"`).
pub fn expected(budget: Budget, pods: &[SelectedPod]) -> Result<Expected, String> {
    if let Some(max) = budget.max_unavailable {
        let (count, unmanaged) = expected_scale(pods)?;
        let desired_healthy = (count - max.scaled(count)).max(0);
        return Ok(Expected {
            count,
            desired_healthy,
            unmanaged,
        });
    }
    match budget.min_available {
        Some(Bound::Count(n)) => Ok(Expected {
            count: pods.len() as i64,
            desired_healthy: n,
            unmanaged: Vec::new(),
        }),
        Some(pct) => {
            let (count, unmanaged) = expected_scale(pods)?;
            Ok(Expected {
                count,
                desired_healthy: pct.scaled(count),
                unmanaged,
            })
        }
        None => Ok(Expected {
            count: 0,
            desired_healthy: 0,
            unmanaged: Vec::new(),
        }),
    }
}

/// `getExpectedScale`: the sum of the distinct controllers' scales, and the pods that
/// have no controller (left out, reported).
fn expected_scale(pods: &[SelectedPod]) -> Result<(i64, Vec<String>), String> {
    let mut scales: BTreeMap<&str, i64> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for pod in pods {
        match &pod.scale {
            None => unmanaged.push(pod.name.clone()),
            Some(Scale::Of { uid, replicas }) => {
                scales.entry(uid).or_insert(*replicas);
            }
            Some(Scale::NotScalable(resource)) => {
                return Err(format!(
                    "{resource} does not implement the scale subresource"
                ))
            }
            Some(Scale::Missing) => {
                return Err(format!("found no controllers for pod {:?}", pod.name))
            }
        }
    }
    Ok((scales.values().sum(), unmanaged))
}

/// `buildDisruptedPodMap`: the approved evictions still expected to happen (by pod
/// name), the ones overdue (their pods get a `NotDeleted` Event), and when to look again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disrupted {
    pub pending: BTreeMap<String, Millis>,
    pub overdue: Vec<String>,
    pub recheck_at: Option<Millis>,
}

/// Keeps an approved eviction while its pod exists, is not yet deleting and the
/// deletion timeout has not passed.
pub fn disrupted(
    recorded: &BTreeMap<String, Millis>,
    pods: &[SelectedPod],
    now: Millis,
) -> Disrupted {
    let mut out = Disrupted::default();
    for pod in pods.iter().filter(|p| !p.deleting) {
        let Some(&at) = recorded.get(&pod.name) else {
            continue;
        };
        let expected_deletion = at + DELETION_TIMEOUT;
        if expected_deletion < now {
            out.overdue.push(pod.name.clone());
        } else {
            out.recheck_at = Some(
                out.recheck_at
                    .map_or(expected_deletion, |r| r.min(expected_deletion)),
            );
            out.pending.insert(pod.name.clone(), at);
        }
    }
    out
}

/// `countHealthyPods`: ready pods that are neither deleting nor about to be.
pub fn current_healthy(
    pods: &[SelectedPod],
    disrupted: &BTreeMap<String, Millis>,
    now: Millis,
) -> i64 {
    pods.iter()
        .filter(|p| !p.deleting)
        // An approved eviction still expected to happen: the pod is as good as gone.
        .filter(|p| {
            disrupted
                .get(&p.name)
                .is_none_or(|at| at + DELETION_TIMEOUT <= now)
        })
        .filter(|p| p.ready)
        .count() as i64
}

/// `updatePdbStatus`'s rule: the healthy pods above the desired count, and none while
/// the budget expects no pods (so a budget whose pods just appeared is safe).
pub fn disruptions_allowed(current_healthy: i64, desired_healthy: i64, expected: i64) -> i64 {
    let allowed = current_healthy - desired_healthy;
    if expected <= 0 || allowed <= 0 {
        0
    } else {
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ready: bool, scale: Option<Scale>) -> SelectedPod {
        SelectedPod {
            name: name.into(),
            deleting: false,
            ready,
            scale,
        }
    }

    fn of(uid: &str, replicas: i64) -> Option<Scale> {
        Some(Scale::Of {
            uid: uid.into(),
            replicas,
        })
    }

    #[test]
    fn an_integer_min_available_expects_the_selected_pods_however_many_the_controller_wants() {
        let pods = [pod("a", true, of("d", 5)), pod("b", true, of("d", 5))];
        let budget = Budget {
            min_available: Some(Bound::Count(2)),
            max_unavailable: None,
        };
        let e = expected(budget, &pods).unwrap();
        assert_eq!((e.count, e.desired_healthy), (2, 2));
    }

    #[test]
    fn a_percentage_is_of_the_controllers_scale_rounded_up_and_each_controller_counts_once() {
        let pods = [pod("a", true, of("d", 3)), pod("b", true, of("d", 3))];
        let half = Budget {
            min_available: Some(Bound::Percent(50)),
            max_unavailable: None,
        };
        let e = expected(half, &pods).unwrap();
        assert_eq!((e.count, e.desired_healthy), (3, 2));
        let max_one_third = Budget {
            min_available: None,
            max_unavailable: Some(Bound::Percent(34)),
        };
        // 34% of 3 rounds up to 2 unavailable, so 1 must stay healthy.
        assert_eq!(expected(max_one_third, &pods).unwrap().desired_healthy, 1);
    }

    #[test]
    fn pods_without_a_controller_are_left_out_of_a_scale_and_reported() {
        let pods = [pod("bare", true, None), pod("a", true, of("rs", 2))];
        let budget = Budget {
            min_available: None,
            max_unavailable: Some(Bound::Count(1)),
        };
        let e = expected(budget, &pods).unwrap();
        assert_eq!((e.count, e.desired_healthy), (2, 1));
        assert_eq!(e.unmanaged, ["bare"]);
    }

    #[test]
    fn a_controller_without_a_scale_fails_the_sync() {
        let pods = [pod(
            "pi-x",
            true,
            Some(Scale::NotScalable("jobs.batch".into())),
        )];
        let budget = Budget {
            min_available: Some(Bound::Percent(50)),
            max_unavailable: None,
        };
        assert_eq!(
            expected(budget, &pods),
            Err("jobs.batch does not implement the scale subresource".into())
        );
        let gone = [pod("web-1", true, Some(Scale::Missing))];
        assert_eq!(
            expected(budget, &gone),
            Err("found no controllers for pod \"web-1\"".into())
        );
    }

    #[test]
    fn a_pod_whose_eviction_was_approved_stops_counting_until_the_timeout() {
        let pods = [pod("a", true, None), pod("b", true, None)];
        let recorded = BTreeMap::from([("a".to_string(), 1_000)]);
        let d = disrupted(&recorded, &pods, 2_000);
        assert_eq!(d.recheck_at, Some(1_000 + DELETION_TIMEOUT));
        assert_eq!(current_healthy(&pods, &d.pending, 2_000), 1);
        let late = disrupted(&recorded, &pods, 1_001 + DELETION_TIMEOUT);
        assert_eq!(late.overdue, ["a"]);
        assert_eq!(
            current_healthy(&pods, &late.pending, 1_001 + DELETION_TIMEOUT),
            2
        );
    }

    #[test]
    fn no_disruption_is_allowed_while_the_budget_expects_no_pods_or_has_none_to_spare() {
        assert_eq!(disruptions_allowed(3, 2, 3), 1);
        assert_eq!(disruptions_allowed(2, 2, 3), 0);
        assert_eq!(disruptions_allowed(1, 0, 0), 0);
    }
}
