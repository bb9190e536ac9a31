//! A cluster with a memory: every external request is logged with its virtual time, and
//! snapshots are kept, so the cluster can be rewound to any earlier moment (restore the
//! nearest snapshot, replay the inputs after it).

use super::apiserver::DeleteOptions;
use super::clock::Millis;
use super::config::ClusterConfig;
use super::errors::ApiError;
use super::world::World;
use serde_json::Value;
use std::ops::Deref;
use std::rc::Rc;

/// One request from outside the cluster (the learner, via kubectl).
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Create(Value),
    Update(Value),
    Delete {
        kind: String,
        namespace: String,
        name: String,
        options: DeleteOptions,
    },
    /// A container wrote a file (`kubectl exec … -- sh -c 'echo … > FILE'`).
    WriteFile {
        namespace: String,
        pod: String,
        container: String,
        path: String,
        text: String,
        append: bool,
    },
}

/// Keep a snapshot at most this often (virtual time) when inputs arrive.
const SNAPSHOT_EVERY_MS: Millis = 5_000;

#[derive(Debug, Clone)]
struct Snapshot {
    at: Millis,
    /// How many inputs the snapshot already includes.
    inputs: usize,
    world: Box<World>,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    world: World,
    start: Box<World>,
    inputs: Vec<(Millis, Input)>,
    /// Index of the first input the current world has not seen: `inputs.len()` except
    /// after a rewind, when the kept future is replayed as time moves forward again.
    next_input: usize,
    snapshots: Vec<Snapshot>,
}

impl Deref for Cluster {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl Cluster {
    pub fn new(config: ClusterConfig) -> Cluster {
        let world = World::new(config);
        Cluster {
            start: Box::new(world.clone()),
            world,
            inputs: Vec::new(),
            next_input: 0,
            snapshots: Vec::new(),
        }
    }

    /// When the simulation started (virtual time of the first moment).
    pub fn started_at(&self) -> Millis {
        self.start.now
    }

    pub fn inputs(&self) -> &[(Millis, Input)] {
        &self.inputs
    }

    fn record(&mut self, input: Input) {
        let now = self.world.now;
        // A new input after a rewind starts a new timeline: the old future is dropped.
        self.inputs.truncate(self.next_input);
        self.snapshots.retain(|s| s.at <= now);
        if self
            .snapshots
            .last()
            .is_none_or(|s| now - s.at >= SNAPSHOT_EVERY_MS)
        {
            self.snapshots.push(Snapshot {
                at: now,
                inputs: self.inputs.len(),
                world: Box::new(self.world.clone()),
            });
        }
        self.inputs.push((now, input));
        self.next_input = self.inputs.len();
    }

    fn apply(world: &mut World, input: &Input) -> Result<Rc<Value>, ApiError> {
        let result = match input {
            Input::Create(obj) => world.create(obj.clone()),
            Input::Update(obj) => world.update(obj.clone()),
            Input::Delete {
                kind,
                namespace,
                name,
                options,
            } => world.delete(kind, namespace, name, *options),
            Input::WriteFile {
                namespace,
                pod,
                container,
                path,
                text,
                append,
            } => {
                world.write_file(namespace, pod, container, path, text, *append);
                return Ok(std::rc::Rc::new(Value::Null));
            }
        };
        world.settle();
        result
    }

    fn submit(&mut self, input: Input) -> Result<Rc<Value>, ApiError> {
        self.record(input.clone());
        Self::apply(&mut self.world, &input)
    }

    pub fn create(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        self.submit(Input::Create(obj))
    }

    pub fn update(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        self.submit(Input::Update(obj))
    }

    pub fn delete(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<Rc<Value>, ApiError> {
        self.submit(Input::Delete {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            options,
        })
    }

    /// Writes a file in a pod's container (logged, so rewind replays it).
    pub fn write_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        path: &str,
        text: &str,
        append: bool,
    ) {
        let _ = self.submit(Input::WriteFile {
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            container: container.to_string(),
            path: path.to_string(),
            text: text.to_string(),
            append,
        });
    }

    /// The next kept input (after a rewind) due at or before `until`.
    fn pending_input(&self, until: Millis) -> Option<(Millis, Input)> {
        self.inputs
            .get(self.next_input)
            .filter(|(at, _)| *at <= until)
            .cloned()
    }

    /// Replays kept inputs due by `until`, each at its own moment.
    fn replay_until(&mut self, until: Millis) {
        while let Some((at, input)) = self.pending_input(until) {
            self.world.advance_to(at);
            let _ = Self::apply(&mut self.world, &input);
            self.next_input += 1;
        }
    }

    pub fn advance(&mut self, dt: Millis) {
        let until = self.world.now + dt.max(0);
        self.advance_to(until);
    }

    pub fn advance_to(&mut self, until: Millis) {
        self.replay_until(until);
        self.world.advance_to(until);
    }

    /// Jumps to the next timer or kept input, whichever comes first.
    pub fn advance_to_next_event(&mut self) -> bool {
        let next_input = self.inputs.get(self.next_input).map(|(at, _)| *at);
        match (next_input, self.world.timers.next_at()) {
            (Some(i), t) if t.is_none_or(|t| i <= t) => {
                self.replay_until(i);
                true
            }
            _ => self.world.advance_to_next_event(),
        }
    }

    pub fn run_until_idle(&mut self, limit: Millis) {
        self.replay_until(limit);
        self.world.run_until_idle(limit);
    }

    /// The cluster as it was at virtual time `at`, inputs after it kept for replaying
    /// forward again (until a new input starts a different future).
    pub fn rewind_to(&mut self, at: Millis) {
        let snapshot = self.snapshots.iter().rev().find(|s| s.at <= at);
        let (mut world, from) = match snapshot {
            Some(s) => ((*s.world).clone(), s.inputs),
            None => ((*self.start).clone(), 0),
        };
        for (t, input) in self.inputs.iter().skip(from) {
            if *t > at {
                break;
            }
            world.advance_to(*t);
            // Replayed inputs had their answer already; only their effect matters now.
            let _ = Self::apply(&mut world, input);
        }
        world.advance_to(at);
        self.world = world;
        self.next_input = self.inputs.partition_point(|(t, _)| *t <= at);
    }
}
