//! The StatefulSet ordering policy (`stateful_set_control.go`): given the pods by
//! ordinal, decide what to create, delete or wait for. Pure: no store access, so tests can
//! feed it any situation and check the plan.

use crate::engine::clock::Millis;

/// What the policy needs to know about one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView<'a> {
    /// Borrowed from the owner index: a sync views every pod of the set, and only the
    /// pods it acts on need their name copied.
    pub name: &'a str,
    pub ordinal: i64,
    /// Its `controller-revision-hash` label names the set's update revision.
    pub updated: bool,
    pub terminating: bool,
    /// Succeeded or Failed: the controller replaces it.
    pub finished: bool,
    pub running_and_ready: bool,
    /// When the Ready condition last became true (for minReadySeconds).
    pub ready_since: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetView {
    pub name: String,
    pub replicas: i64,
    pub start_ordinal: i64,
    /// OrderedReady (true) or Parallel (false).
    pub monotonic: bool,
    pub rolling_update: bool,
    pub partition: i64,
    pub min_ready_seconds: i64,
    pub current_revision: String,
    pub update_revision: String,
}

/// One step of a plan: what the controller does next for one pod, or why it waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create the pod for `ordinal` from `revision`.
    Create {
        ordinal: i64,
        revision: String,
        why: String,
    },
    /// Delete pod `name` (replace it, scale it down, or update it).
    Delete {
        name: String,
        condemned: bool,
        why: String,
    },
    /// Nothing more this sync; `retry_after` asks for a requeue (minReadySeconds).
    Wait {
        why: String,
        retry_after: Option<Millis>,
    },
}

/// The set's pods by position (`ordinal - start`), as one sync found them.
#[derive(Debug, Default)]
pub struct Slots<'a> {
    views: Vec<PodView<'a>>,
    /// Position → 1 + index in `views` (0: no pod there); `get` reads past the end as
    /// missing.
    at: Vec<u32>,
}

impl<'a> Slots<'a> {
    /// Room for `positions` pods, laid out at once (zeroed memory, no per-slot work);
    /// `put` makes more if a pod sits further out.
    pub fn with_positions(positions: usize) -> Slots<'a> {
        Slots {
            views: Vec::with_capacity(positions),
            at: vec![0; positions],
        }
    }

    /// Puts `view` at `position`, in place of any pod put there before.
    pub fn put(&mut self, position: usize, view: PodView<'a>) {
        if self.at.len() <= position {
            self.at.resize(position + 1, 0);
        }
        self.views.push(view);
        self.at[position] = self.views.len() as u32;
    }

    pub fn get(&self, position: usize) -> Option<&PodView<'a>> {
        match self.at.get(position) {
            None | Some(0) => None,
            Some(n) => self.views.get(*n as usize - 1),
        }
    }
}

impl<'a> FromIterator<Option<PodView<'a>>> for Slots<'a> {
    fn from_iter<I: IntoIterator<Item = Option<PodView<'a>>>>(iter: I) -> Slots<'a> {
        let mut slots = Slots::default();
        for (i, view) in iter.into_iter().enumerate() {
            if let Some(v) = view {
                slots.put(i, v);
            }
        }
        slots
    }
}

/// `isRunningAndReady` + `minReadySeconds`: may its successor proceed?
fn is_available(p: &PodView, set: &SetView, now: Millis) -> Result<(), Millis> {
    if set.min_ready_seconds <= 0 {
        return Ok(());
    }
    let since = p.ready_since.unwrap_or(now);
    let until = since + set.min_ready_seconds * 1000;
    if now >= until {
        Ok(())
    } else {
        Err(until - now)
    }
}

/// Orders the work of one sync. `slots.get(i)` is the pod for ordinal `start + i`, if
/// there is one; `condemned` holds pods whose ordinal is out of range.
pub fn plan(set: &SetView, slots: &Slots, condemned: &[PodView], now: Millis) -> Vec<Step> {
    let mut steps = Vec::new();
    let name = &set.name;
    // Replicas, lowest ordinal first.
    let replicas = set.replicas.max(0) as usize;
    let slot_of = |i: usize| slots.get(i);
    for i in 0..replicas {
        let slot = slot_of(i);
        let ordinal = set.start_ordinal + i as i64;
        match slot {
            None => {
                let revision = if set.rolling_update && ordinal < set.partition {
                    set.current_revision.clone()
                } else {
                    set.update_revision.clone()
                };
                let why = if !set.monotonic {
                    format!("{name}-{ordinal} is missing; Parallel management creates all missing pods at once")
                } else if i == 0 {
                    format!("{name}-{ordinal} is missing; StatefulSet pods are created in ordinal order, starting from the lowest")
                } else {
                    format!("{name}-{ordinal} is missing and {name}-{} is Running and Ready, so the next ordinal can start (OrderedReady)", ordinal - 1)
                };
                steps.push(Step::Create {
                    ordinal,
                    revision,
                    why,
                });
                if set.monotonic {
                    return steps;
                }
            }
            Some(p) if p.finished && !p.terminating => {
                steps.push(Step::Delete {
                    name: p.name.to_string(),
                    condemned: false,
                    why: format!("{} has finished (Succeeded or Failed); deleting it so it is recreated with the same name", p.name),
                });
                if set.monotonic {
                    return steps;
                }
            }
            Some(p) if p.terminating => {
                if set.monotonic {
                    steps.push(Step::Wait {
                        why: format!(
                            "waiting for {} to finish terminating before it is recreated",
                            p.name
                        ),
                        retry_after: None,
                    });
                    return steps;
                }
            }
            Some(p) if !p.running_and_ready => {
                if set.monotonic {
                    let next = if i + 1 < replicas {
                        format!(" before touching {name}-{}", ordinal + 1)
                    } else {
                        String::new()
                    };
                    steps.push(Step::Wait { why: format!("waiting for {} to be Running and Ready{next} (OrderedReady goes one pod at a time)", p.name), retry_after: None });
                    return steps;
                }
            }
            Some(p) => {
                if let Err(left) = is_available(p, set, now) {
                    if set.monotonic {
                        steps.push(Step::Wait {
                            why: format!(
                                "{} is Ready but minReadySeconds ({}s) has not passed yet",
                                p.name, set.min_ready_seconds
                            ),
                            retry_after: Some(left),
                        });
                        return steps;
                    }
                }
            }
        }
    }
    // Scale down, highest ordinal first, one at a time when ordered.
    let mut first_unhealthy_seen = false;
    for p in condemned {
        if p.terminating {
            if set.monotonic {
                steps.push(Step::Wait { why: format!("waiting for {} to be gone before scaling down further (highest ordinal first, one at a time)", p.name), retry_after: None });
                return steps;
            }
            continue;
        }
        if set.monotonic && !p.running_and_ready && first_unhealthy_seen {
            steps.push(Step::Wait {
                why: format!(
                    "waiting for {} to be healthy before scaling it down",
                    p.name
                ),
                retry_after: None,
            });
            return steps;
        }
        first_unhealthy_seen |= !p.running_and_ready;
        steps.push(Step::Delete {
            name: p.name.to_string(),
            condemned: true,
            why: format!(
                "{} is beyond replicas={}; scale-down removes the highest ordinal first",
                p.name, set.replicas
            ),
        });
        if set.monotonic {
            return steps;
        }
    }
    if !set.rolling_update {
        return steps;
    }
    // Rolling update: from the highest ordinal down to the partition, one pod at a time.
    for i in (0..replicas).rev() {
        let ordinal = set.start_ordinal + i as i64;
        if ordinal < set.partition {
            break;
        }
        let Some(p) = slot_of(i) else { continue };
        if !p.updated && !p.terminating {
            steps.push(Step::Delete {
                name: p.name.to_string(),
                condemned: false,
                why: format!("{} is not at the update revision {}; deleting it first because updates go from the highest ordinal down", p.name, set.update_revision),
            });
            return steps;
        }
        // `isHealthy`: any pod that is not Running and Ready, or is terminating, holds the
        // update back — with Parallel too, which does not skip the ordering loop above.
        if !p.running_and_ready || p.terminating {
            let what = if p.updated { "updated " } else { "" };
            steps.push(Step::Wait { why: format!("waiting for {what}{} to be Running and Ready before updating the next lower ordinal", p.name), retry_after: None });
            return steps;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(replicas: i64) -> SetView {
        SetView {
            name: "web".into(),
            replicas,
            start_ordinal: 0,
            monotonic: true,
            rolling_update: true,
            partition: 0,
            min_ready_seconds: 0,
            current_revision: "web-1".into(),
            update_revision: "web-1".into(),
        }
    }

    fn plan_of(
        set: &SetView,
        slots: &[Option<PodView>],
        condemned: &[PodView],
        now: Millis,
    ) -> Vec<Step> {
        plan(set, &slots.iter().cloned().collect(), condemned, now)
    }

    const NAMES: [&str; 4] = ["web-0", "web-1", "web-2", "web-3"];

    fn pod(ordinal: i64, updated: bool, ready: bool) -> PodView<'static> {
        PodView {
            name: NAMES[ordinal as usize],
            ordinal,
            updated,
            terminating: false,
            finished: false,
            running_and_ready: ready,
            ready_since: Some(0),
        }
    }

    #[test]
    fn ordered_ready_creates_only_the_lowest_missing_ordinal() {
        let plan = plan_of(&set(3), &[None, None, None], &[], 0);
        assert!(matches!(plan.as_slice(), [Step::Create { ordinal: 0, .. }]));
    }

    #[test]
    fn ordered_ready_waits_for_a_pod_that_is_not_ready() {
        let plan = plan_of(&set(3), &[Some(pod(0, true, false)), None, None], &[], 0);
        assert!(matches!(plan.as_slice(), [Step::Wait { .. }]), "{plan:?}");
    }

    #[test]
    fn parallel_creates_every_missing_pod_at_once() {
        let mut s = set(3);
        s.monotonic = false;
        let plan = plan_of(&s, &[None, None, None], &[], 0);
        assert_eq!(
            plan.iter()
                .filter(|a| matches!(a, Step::Create { .. }))
                .count(),
            3
        );
    }

    #[test]
    fn scale_down_removes_highest_ordinal_first() {
        let slots = [Some(pod(0, true, true))];
        let condemned = [pod(2, true, true), pod(1, true, true)];
        let plan = plan_of(&set(1), &slots, &condemned, 0);
        assert!(
            matches!(plan.as_slice(), [Step::Delete { name, condemned: true, .. }] if name == "web-2"),
            "{plan:?}"
        );
    }

    #[test]
    fn rolling_update_deletes_the_highest_ordinal_at_the_old_revision() {
        let mut s = set(3);
        s.update_revision = "web-2".into();
        let slots = [
            Some(pod(0, false, true)),
            Some(pod(1, false, true)),
            Some(pod(2, false, true)),
        ];
        let plan = plan_of(&s, &slots, &[], 0);
        assert!(
            matches!(plan.as_slice(), [Step::Delete { name, condemned: false, .. }] if name == "web-2"),
            "{plan:?}"
        );
    }

    #[test]
    fn rolling_update_never_touches_ordinals_below_the_partition() {
        let mut s = set(3);
        s.update_revision = "web-2".into();
        s.partition = 2;
        let slots = [
            Some(pod(0, false, true)),
            Some(pod(1, false, true)),
            Some(pod(2, true, true)),
        ];
        assert!(plan_of(&s, &slots, &[], 0).is_empty());
    }

    #[test]
    fn parallel_rolling_update_still_replaces_one_pod_at_a_time() {
        let mut s = set(3);
        s.monotonic = false;
        s.update_revision = "web-2".into();
        let mut p2 = pod(2, false, true);
        p2.terminating = true;
        let slots = [
            Some(pod(0, false, true)),
            Some(pod(1, false, true)),
            Some(p2),
        ];
        let plan = plan_of(&s, &slots, &[], 0);
        assert!(matches!(plan.as_slice(), [Step::Wait { .. }]), "{plan:?}");
    }

    #[test]
    fn min_ready_seconds_holds_back_the_successor() {
        let mut s = set(2);
        s.min_ready_seconds = 10;
        let mut p0 = pod(0, true, true);
        p0.ready_since = Some(5_000);
        let plan = plan_of(&s, &[Some(p0), None], &[], 8_000);
        assert!(
            matches!(
                plan.as_slice(),
                [Step::Wait {
                    retry_after: Some(7_000),
                    ..
                }]
            ),
            "{plan:?}"
        );
    }
}
