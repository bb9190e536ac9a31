//! Virtual time, the ordered timer queue and the seeded randomness: the only sources of
//! "when" and "which" in the engine, so the same seed and inputs give the same cluster.

use super::controllers::Controller;
use std::collections::BTreeMap;

/// Virtual time: Unix epoch milliseconds.
pub type Millis = i64;

/// The moment every cluster starts at (a fixed date, so golden outputs stay stable).
pub const EPOCH_MS: Millis = 1_760_432_400_000; // 2025-10-14T09:00:00Z

/// What a timer wakes up, with the object it concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// The kubelet of `node` moves pod `ns/name` (uid) to its next lifecycle stage.
    /// `epoch` tells a stale timer (the pod moved on meanwhile) from a live one.
    Kubelet {
        namespace: String,
        name: String,
        uid: String,
        epoch: u64,
    },
    /// The kubelet's next step for one container of pod `ns/name`: resume its process
    /// after a `sleep`, or restart it when its crash back-off ends.
    Container {
        namespace: String,
        name: String,
        uid: String,
        container: String,
        epoch: u64,
    },
    /// The kubelet's periodic sync of pod `ns/name` rewrites its ConfigMap, Secret and
    /// downward API volumes (a source changed).
    Volumes {
        namespace: String,
        name: String,
        uid: String,
    },
    /// The kubelet's prober runs probe `kind` of one container of pod `ns/name` (a
    /// worker's ticker, every `periodSeconds`).
    Probe {
        namespace: String,
        name: String,
        uid: String,
        container: String,
        kind: crate::engine::kubelet::prober::ProbeKind,
        epoch: u64,
    },
    /// A controller asked to look at `key` again later (minReadySeconds, back-off, deadline).
    Requeue { controller: Controller, key: String },
    /// The kubelet of `node`, started again, posts its node status.
    NodeStatus { node: String },
    /// The scheduling queue's 30-second ticker moves pods left unschedulable for over
    /// five minutes back to be tried again (set only while such a pod waits).
    FlushUnschedulable,
    /// events.k8s.io's broadcaster finishes and refreshes Event series (`event_series`).
    EventSeries,
}

/// Timers ordered by (time, sequence): equal times fire in the order they were set.
#[derive(Debug, Clone, Default)]
pub struct TimerQueue {
    timers: BTreeMap<(Millis, u64), Timer>,
    sequence: u64,
    /// Each waiting requeue by (controller, key): like client-go's delaying queue
    /// (`AddAfter`), a key waits once, at its earliest time. A controller reconciles the
    /// whole object when it wakes and asks again for anything later, so one wake-up is
    /// enough; keeping every request made idle clusters wake thousands of times.
    waiting: BTreeMap<(Controller, String), (Millis, u64)>,
}

impl TimerQueue {
    pub fn schedule(&mut self, at: Millis, timer: Timer) {
        if let Timer::Requeue { controller, key } = &timer {
            let id = (*controller, key.clone());
            match self.waiting.get(&id) {
                Some(&(earlier, _)) if earlier <= at => return,
                Some(&later) => {
                    self.timers.remove(&later);
                }
                None => {}
            }
            self.waiting.insert(id, (at, self.sequence + 1));
        }
        self.sequence += 1;
        self.timers.insert((at, self.sequence), timer);
    }

    /// Like [`TimerQueue::schedule`] (for any timer but a requeue), returning the timer's
    /// place in the queue for [`TimerQueue::revoke`].
    pub fn schedule_revocable(&mut self, at: Millis, timer: Timer) -> (Millis, u64) {
        debug_assert!(!matches!(timer, Timer::Requeue { .. }));
        self.schedule(at, timer);
        (at, self.sequence)
    }

    /// Takes back a timer that has not fired. Those set after it keep their order, and
    /// it never wakes the clock.
    pub fn revoke(&mut self, place: (Millis, u64)) {
        self.timers.remove(&place);
    }

    pub fn next_at(&self) -> Option<Millis> {
        self.timers.keys().next().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at or before `now`.
    pub fn pop_due(&mut self, now: Millis) -> Option<(Millis, Timer)> {
        let (&(at, seq), _) = self.timers.iter().next()?;
        if at > now {
            return None;
        }
        let timer = self.timers.remove(&(at, seq))?;
        if let Timer::Requeue { controller, key } = &timer {
            self.waiting.remove(&(*controller, key.clone()));
        }
        Some((at, timer))
    }

    /// When the pod with this uid next moves on its own: a kubelet stage or a step of one
    /// of its containers' processes (probes and controllers not counted). A log follower
    /// under `serve --clock on-demand` waits for exactly this.
    pub fn next_for_pod(&self, uid: &str) -> Option<Millis> {
        self.timers.iter().find_map(|(&(at, _), t)| match t {
            Timer::Kubelet { uid: u, .. } | Timer::Container { uid: u, .. } if u == uid => Some(at),
            _ => None,
        })
    }

    pub fn len(&self) -> usize {
        self.timers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }
}

/// SplitMix64: tiny, fast, good enough for names and jitter, and trivially seedable.
/// (A crate would add bundle weight for no gain here.)
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi` milliseconds: the jitter of a lifecycle stage.
    pub fn between(&mut self, lo: Millis, hi: Millis) -> Millis {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as Millis
    }

    /// Five characters from the API server's name-suffix alphabet (no vowels, no 0/1/3).
    pub fn name_suffix(&mut self) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..5)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4-shaped UUID for object uids and volume names.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_names() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.name_suffix(), b.name_suffix());
        assert_eq!(a.uuid(), b.uuid());
    }

    #[test]
    fn name_suffix_uses_only_the_api_server_alphabet() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let s = rng.name_suffix();
            assert_eq!(s.len(), 5);
            assert!(
                s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)),
                "{s}"
            );
        }
    }

    #[test]
    fn timers_fire_in_time_then_insertion_order() {
        let mut q = TimerQueue::default();
        let t = |k: &str| Timer::Requeue {
            controller: Controller::StatefulSet,
            key: k.into(),
        };
        q.schedule(20, t("late"));
        q.schedule(10, t("first"));
        q.schedule(10, t("second"));
        assert_eq!(q.pop_due(15), Some((10, t("first"))));
        assert_eq!(q.pop_due(15), Some((10, t("second"))));
        assert_eq!(q.pop_due(15), None);
        assert_eq!(q.next_at(), Some(20));
    }

    #[test]
    fn a_key_waits_once_at_its_earliest_requeue_time() {
        let mut q = TimerQueue::default();
        let t = |k: &str| Timer::Requeue {
            controller: Controller::StatefulSet,
            key: k.into(),
        };
        q.schedule(30, t("a"));
        q.schedule(40, t("a"));
        q.schedule(20, t("a"));
        q.schedule(25, t("b"));
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop_due(100), Some((20, t("a"))));
        assert_eq!(q.pop_due(100), Some((25, t("b"))));
        assert_eq!(q.pop_due(100), None);
        q.schedule(50, t("a"));
        assert_eq!(
            q.pop_due(100),
            Some((50, t("a"))),
            "fired keys may wait again"
        );
    }
}
