//! The world: store, clock, timers, randomness and the controllers' queues. Everything the
//! simulation is lives here, as plain `Clone` data.

use super::clock::{Millis, Rng, Timer, TimerQueue, EPOCH_MS};
use super::config::ClusterConfig;
use super::controllers::{self, Controller};
use super::kubelet::KubeletState;
use super::node_table::NodeTable;
use super::store::{Store, WatchEvent};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

/// A line of the "why" log: what a controller did or waits for, in a learner's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    pub at: Millis,
    pub controller: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub text: String,
}

/// Who gave a why line about which object: (component, kind, namespace, name).
type WhyKey = (&'static str, &'static str, String, String);

/// How many why-log lines the world keeps. The page draws the newest 200 and its filter
/// searches the rest; a session left running would otherwise keep every reason ever
/// given (a Deployment scaled every five minutes for a day: ~29,000 lines). The oldest
/// lines go a quarter of this at a time, so that dropping costs no more than writing.
pub const WHY_KEPT: usize = 4_096;

/// Keys waiting for a controller, each once, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct WorkQueue {
    order: VecDeque<(Controller, String)>,
    queued: BTreeSet<(Controller, String)>,
}

impl WorkQueue {
    pub fn add(&mut self, controller: Controller, key: String) {
        if self.queued.insert((controller, key.clone())) {
            self.order.push_back((controller, key));
        }
    }

    fn pop(&mut self) -> Option<(Controller, String)> {
        let item = self.order.pop_front()?;
        self.queued.remove(&item);
        Some(item)
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct World {
    pub store: Store,
    pub timers: TimerQueue,
    pub rng: Rng,
    pub now: Millis,
    pub config: ClusterConfig,
    pub queue: WorkQueue,
    /// The newest why-log lines (at most [`WHY_KEPT`] and a quarter).
    pub why: Vec<Why>,
    /// Lines dropped from the front of `why` so far.
    why_dropped: u64,
    /// The last line given for each object, by its number (`why_dropped` + index), while
    /// that line is kept.
    why_last: BTreeMap<WhyKey, (u64, String)>,
    pub kubelet: KubeletState,
    /// The API server's warnings for the requests since a client last took them (a
    /// response's `Warning` headers; see `apiserver::warnings`).
    pub warnings: Vec<String>,
    /// What the pods bound to each node request, kept from the journal for the scheduler.
    pub node_usage: super::scheduler::UsageIndex,
    /// Journal position the controllers have seen.
    cursor: u64,
    /// Event aggregation: (involved uid, reason, message) → event name.
    pub event_index: BTreeMap<(String, String, String), (String, String)>,
    /// events.k8s.io's broadcaster cache (the scheduler's Events).
    pub event_series: super::event_series::SeriesCache,
    pub event_sequence: u64,
    /// What containers wrote (`kubectl exec`), by PVC or pod.
    pub files: super::files::Files,
    /// Consecutive failed syncs per controller key (the work queue's rate limiter).
    pub retries: BTreeMap<(Controller, String), u32>,
    /// The nodes by position, rebuilt when a node changes (`node_table`).
    node_table: Rc<NodeTable>,
    /// The taint-eviction controller's scheduled evictions.
    pub evictions: controllers::taint_eviction::Queue,
    /// The HPA controller's recommendations and scale events (kept in memory, as the
    /// real controller keeps them).
    pub autoscalers: controllers::podautoscaler::Autoscalers,
    /// The EndpointSlice controller's trigger-time tracker, per Service.
    pub endpoint_slice_triggers:
        BTreeMap<(String, String), controllers::endpointslice::TriggerState>,
    /// The add-ons are still to be installed (`ClusterConfig::defer_addons`).
    addons_pending: bool,
    /// The nodes as the scheduler's informer last saw them: a node's update is weighed
    /// against its previous version by the scheduling queue's hints.
    pub scheduler_nodes: BTreeMap<String, Rc<Value>>,
    /// The same for the pods waiting to be scheduled, by (namespace, name), with when
    /// each was last turned down.
    pub scheduler_pods: BTreeMap<(String, String), super::scheduling_queue::PendingPod>,
    /// When the scheduling queue's flush ticker next fires, while pods wait for it.
    pub scheduler_flush_at: Option<Millis>,
}

/// How many settle rounds one instant may take before we stop (a controller fighting
/// another would otherwise spin forever).
const SETTLE_ROUNDS: usize = 10_000;

impl World {
    pub fn new(config: ClusterConfig) -> World {
        let mut w = World {
            store: Store::starting_at(EPOCH_MS, config.event_ttl_ms),
            timers: TimerQueue::default(),
            rng: Rng::new(config.seed),
            now: EPOCH_MS,
            config,
            queue: WorkQueue::default(),
            why: Vec::new(),
            why_dropped: 0,
            warnings: Vec::new(),
            why_last: BTreeMap::new(),
            kubelet: KubeletState::default(),
            node_usage: Default::default(),
            cursor: 0,
            event_index: BTreeMap::new(),
            event_series: Default::default(),
            event_sequence: 0,
            files: super::files::Files::default(),
            retries: BTreeMap::new(),
            node_table: Rc::default(),
            evictions: Default::default(),
            autoscalers: Default::default(),
            endpoint_slice_triggers: BTreeMap::new(),
            addons_pending: false,
            scheduler_nodes: BTreeMap::new(),
            scheduler_pods: BTreeMap::new(),
            scheduler_flush_at: None,
        };
        if w.config.journal_digest {
            w.store.keep_digest();
        }
        super::bootstrap::bootstrap(&mut w);
        if w.config.defer_addons {
            w.addons_pending = true;
        } else {
            w.start_controllers();
        }
        w
    }

    /// The controllers' first pass over the bootstrapped cluster, then kube-system's
    /// add-ons.
    fn start_controllers(&mut self) {
        self.settle();
        super::addons::install(self);
    }

    /// Starts the controllers and installs the add-ons if `ClusterConfig::defer_addons`
    /// left them for the cluster's first use.
    pub fn install_addons(&mut self) {
        if std::mem::take(&mut self.addons_pending) {
            self.start_controllers();
        }
    }

    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Rc<Value>> {
        self.store.get(kind, namespace, name)
    }

    /// The nodes as they are now, by position.
    pub fn node_table(&mut self) -> Rc<NodeTable> {
        NodeTable::current(&mut self.node_table, &self.store)
    }

    /// Records a reason for the why log, unless it repeats the last one given for the
    /// same object (controllers re-run often while they wait). Components write it
    /// through an `events::Recorder`.
    pub(super) fn why(
        &mut self,
        controller: &'static str,
        kind: &'static str,
        namespace: &str,
        name: &str,
        text: String,
    ) {
        let key = (controller, kind, namespace.to_string(), name.to_string());
        if self
            .why_last
            .get(&key)
            .is_some_and(|(_, last)| *last == text)
        {
            return;
        }
        self.why_last
            .insert(key, (self.why_written(), text.clone()));
        self.why.push(Why {
            at: self.now,
            controller,
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            text,
        });
        if self.why.len() >= WHY_KEPT + WHY_KEPT / 4 {
            self.drop_oldest_why(WHY_KEPT / 4);
        }
    }

    /// Drops the `n` oldest why lines, and the repeat check of each object whose last
    /// line they were (its next reason is new to the log again).
    fn drop_oldest_why(&mut self, n: usize) {
        for (i, w) in self.why.drain(..n).enumerate() {
            let number = self.why_dropped + i as u64;
            let key = (w.controller, w.kind, w.namespace, w.name);
            if self.why_last.get(&key).is_some_and(|(at, _)| *at == number) {
                self.why_last.remove(&key);
            }
        }
        self.why_dropped += n as u64;
    }

    /// How many why lines were ever written: moves with every new line, also once the
    /// oldest are dropped (the page copies the log when it moves).
    pub fn why_written(&self) -> u64 {
        self.why_dropped + self.why.len() as u64
    }

    /// Forgets the lines the why log holds (the add-ons' hour-old lines at session
    /// start); their repeat checks stay, so a controller does not repeat them at once.
    pub(super) fn clear_why(&mut self) {
        self.why_dropped += self.why.len() as u64;
        self.why.clear();
    }

    /// Moves the clock forward (never back); the store stamps watch events with it. On
    /// the way, etcd revokes the leases that expire (Events an hour after their last
    /// write, `--event-ttl`), each at its own moment, and the controllers and watchers
    /// see the deletions then.
    fn set_now(&mut self, t: Millis) {
        while let Some(at) = self.store.leases.next_expiry().filter(|at| *at <= t) {
            self.now = self.now.max(at);
            self.store.clock = self.now;
            if self.store.revoke_expired_leases() {
                self.forget_expired_events();
                self.settle();
            }
        }
        self.now = self.now.max(t);
        self.store.clock = self.now;
    }

    /// Aggregation keys whose Event has gone: a repeat records a new Event, as client-go's
    /// correlator does once its cache has let the key go.
    fn forget_expired_events(&mut self) {
        let store = &self.store;
        self.event_index
            .retain(|_, (ns, name)| store.contains("Event", ns, name));
    }

    /// Runs controllers until nothing is left to do at this instant. The API server's
    /// warnings to the controllers' own requests are dropped: only a client's are kept.
    pub fn settle(&mut self) {
        let kept = self.warnings.len();
        self.settle_rounds();
        self.warnings.truncate(kept);
    }

    fn settle_rounds(&mut self) {
        for _ in 0..SETTLE_ROUNDS {
            let events: Vec<WatchEvent> = match self.store.events_since(self.cursor) {
                Some(e) => e.to_vec(),
                None => Vec::new(),
            };
            self.cursor = self.store.resource_version();
            // The controllers have seen everything up to the cursor: older versions are
            // only kept for watchers, within the window.
            self.store.compact_to_window();
            for e in &events {
                self.node_usage.observe(e);
                controllers::dispatch(self, e);
            }
            match self.queue.pop() {
                Some((controller, key)) => controllers::reconcile(self, controller, &key),
                None if events.is_empty() => return,
                None => {}
            }
        }
    }

    /// Fires every timer due at `now` (in order), settling after each; the controllers'
    /// warnings are dropped as in [`World::settle`].
    fn fire_due(&mut self) {
        let kept = self.warnings.len();
        self.fire_due_timers();
        self.warnings.truncate(kept);
    }

    fn fire_due_timers(&mut self) {
        while let Some((_, timer)) = self.timers.pop_due(self.now) {
            match timer {
                Timer::Kubelet {
                    namespace,
                    name,
                    uid,
                    epoch,
                } => super::kubelet::sync(self, &namespace, &name, &uid, epoch),
                Timer::Container {
                    namespace,
                    name,
                    uid,
                    container,
                    epoch,
                } => super::kubelet::containers::sync(
                    self, &namespace, &name, &uid, &container, epoch,
                ),
                Timer::Volumes {
                    namespace,
                    name,
                    uid,
                } => super::kubelet::volumes::resync(self, &namespace, &name, &uid),
                Timer::Probe {
                    namespace,
                    name,
                    uid,
                    container,
                    kind,
                    epoch,
                } => super::kubelet::prober::tick(
                    self, &namespace, &name, &uid, &container, kind, epoch,
                ),
                Timer::Requeue { controller, key } => self.queue.add(controller, key),
                Timer::NodeStatus { node } => super::kubelet::power::post_status(self, &node),
                Timer::FlushUnschedulable => super::scheduling_queue::flush_leftover(self),
                Timer::EventSeries => super::event_series::tick(self),
            }
            self.settle();
        }
    }

    /// Moves virtual time forward to `until`, firing timers on the way.
    pub fn advance_to(&mut self, until: Millis) {
        while let Some(at) = self.timers.next_at() {
            if at > until {
                break;
            }
            self.set_now(at);
            self.fire_due();
        }
        self.set_now(until);
    }

    /// Jumps to the next timer and fires everything due then; false when no timer is left.
    pub fn advance_to_next_event(&mut self) -> bool {
        match self.timers.next_at() {
            Some(at) => {
                self.set_now(at);
                self.fire_due();
                true
            }
            None => false,
        }
    }

    /// Advances event by event until nothing is scheduled or `limit` is reached.
    pub fn run_until_idle(&mut self, limit: Millis) {
        while let Some(at) = self.timers.next_at() {
            if at > limit {
                self.set_now(limit);
                return;
            }
            self.advance_to_next_event();
        }
    }

    /// A fresh event-name / uid sequence number.
    pub fn next_sequence(&mut self) -> u64 {
        self.event_sequence += 1;
        self.event_sequence
    }
}
