//! The cluster as kubectl talks to it: the world, and the requests from outside it (the
//! learner, via kubectl), each followed by the controllers settling. There is no rewind
//! here: the same seed and the same requests give the same cluster, so the page rewinds
//! by replaying the terminal's inputs on a fresh cluster (`Session::replay`).

use super::apiserver::DeleteOptions;
use super::clock::Millis;
use super::config::ClusterConfig;
use super::container;
use super::errors::ApiError;
use super::kubelet::power;
use super::world::World;
use serde_json::Value;
use std::ops::Deref;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct Cluster {
    world: World,
    /// Virtual time when the cluster came up (after bootstrapping).
    started_at: Millis,
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
            started_at: world.now,
            world,
        }
    }

    /// Installs the add-ons a deferred start left out (see `ClusterConfig::defer_addons`).
    pub fn install_addons(&mut self) {
        self.world.install_addons();
    }

    /// When the simulation started (virtual time of the first moment).
    pub fn started_at(&self) -> Millis {
        self.started_at
    }

    /// Runs the controllers until they are done with what the request changed.
    fn settled(&mut self, result: Result<Rc<Value>, ApiError>) -> Result<Rc<Value>, ApiError> {
        self.world.settle();
        result
    }

    pub fn create(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let result = self.world.create(obj);
        self.settled(result)
    }

    /// A create with `dryRun=All`: admitted, defaulted and validated as a create is, and
    /// answered with the object the server would store, but nothing is stored, no
    /// controller sees it and no name or uid is used up. Never written to etcd, the
    /// answer has no resourceVersion.
    pub fn create_dry_run(&self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let mut answer = (*self.world.clone().create(obj)?).clone();
        if let Some(meta) = answer.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
        }
        Ok(Rc::new(answer))
    }

    pub fn update(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let result = self.world.update(obj);
        self.settled(result)
    }

    pub fn delete(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<Rc<Value>, ApiError> {
        let result = self.world.delete(kind, namespace, name, options);
        self.settled(result)
    }

    /// Writes a file in a pod's container (`kubectl exec … -- sh -c 'echo … > FILE'`).
    pub fn write_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        path: &str,
        text: &str,
        append: bool,
    ) {
        self.world
            .write_file(namespace, pod, container, path, text, append);
    }

    /// Runs a command in a container as `kubectl exec POD -- ARGV…` does.
    pub fn exec(&mut self, target: &container::Target, argv: &[String]) -> container::Ran {
        container::run(&mut self.world, target, argv)
    }

    /// Runs one line typed into a container's shell (`kubectl run -it … -- sh`).
    pub fn exec_line(&mut self, target: &container::Target, line: &str) -> container::Ran {
        container::run_line(&mut self.world, target, line)
    }

    /// `kubeplay node stop NAME`: the node's kubelet stops (see `kubelet::power`).
    pub fn stop_kubelet(&mut self, node: &str) -> Result<power::Switched, power::PowerError> {
        let result = power::stop(&mut self.world, node);
        self.world.settle();
        result
    }

    /// `kubeplay node start NAME`: the node's kubelet runs again.
    pub fn start_kubelet(&mut self, node: &str) -> Result<power::Switched, power::PowerError> {
        let result = power::start(&mut self.world, node);
        self.world.settle();
        result
    }

    pub fn advance(&mut self, dt: Millis) {
        let until = self.world.now + dt.max(0);
        self.world.advance_to(until);
    }

    pub fn advance_to(&mut self, until: Millis) {
        self.world.advance_to(until);
    }

    /// Jumps to the next timer and fires everything due then; false when none is left.
    pub fn advance_to_next_event(&mut self) -> bool {
        self.world.advance_to_next_event()
    }

    pub fn run_until_idle(&mut self, limit: Millis) {
        self.world.run_until_idle(limit);
    }
}
