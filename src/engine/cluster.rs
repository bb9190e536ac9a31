//! The cluster as kubectl talks to it: the world, and the requests from outside it (the
//! learner, via kubectl), each followed by the controllers settling. There is no rewind
//! here: the same seed and the same requests give the same cluster, so the page rewinds
//! by replaying the terminal's inputs on a fresh cluster (`Session::replay`).

use super::apiserver::{meta_str, Applied, DeleteOptions, FieldManager};
use super::clock::Millis;
use super::config::ClusterConfig;
use super::container;
use super::controllers;
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
    /// Five random characters as a client draws them (`utilrand.String(5)`, the
    /// API server's alphabet), from the world's RNG so a replay draws the same.
    pub fn random_suffix(&mut self) -> String {
        self.world.rng.name_suffix()
    }

    pub fn started_at(&self) -> Millis {
        self.started_at
    }

    /// Runs the controllers until they are done with what the request changed.
    /// The API server's warnings for this client's requests since the last call, in
    /// order (client-go hands each response's `Warning` headers to kubectl's handler).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.world.warnings)
    }

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
    pub fn create_dry_run(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let mut world = self.world.clone();
        let answer = world.create(obj);
        self.world.warnings.append(&mut world.warnings);
        Ok(self.never_written((*answer?).clone()))
    }

    /// A dry run's answer: never written, it keeps the resourceVersion of the live object
    /// it was read from, and has none when there is no live object (a create).
    fn never_written(&self, mut answer: Value) -> Rc<Value> {
        let live_rv = self
            .world
            .get(
                answer["kind"].as_str().unwrap_or(""),
                meta_str(&answer, "namespace"),
                meta_str(&answer, "name"),
            )
            .map(|o| o["metadata"]["resourceVersion"].clone());
        if let Some(meta) = answer.get_mut("metadata").and_then(Value::as_object_mut) {
            match live_rv {
                Some(rv) => meta.insert("resourceVersion".into(), rv),
                None => meta.remove("resourceVersion"),
            };
        }
        Rc::new(answer)
    }

    pub fn update(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let result = self.world.update(obj);
        self.settled(result)
    }

    /// An update with `dryRun=All`: admitted, defaulted and validated on a copy of the
    /// world, nothing stored; the answer keeps the resourceVersion it was read at.
    pub fn update_dry_run(&mut self, obj: Value, manager: &str) -> Result<Rc<Value>, ApiError> {
        let m = FieldManager::new(manager);
        let mut world = self.world.clone();
        let answer = world.update_as(obj, Some(&m));
        self.world.warnings.append(&mut world.warnings);
        let answer = (*answer?).clone();
        Ok(self.never_written(answer))
    }

    /// A create recorded in `managedFields` as `manager`'s Update.
    pub fn create_as(&mut self, obj: Value, manager: &str) -> Result<Rc<Value>, ApiError> {
        let result = self.world.create_as(obj, Some(&FieldManager::new(manager)));
        self.settled(result)
    }

    /// An update recorded in `managedFields` as `manager`'s Update (through
    /// `subresource` when it is one, e.g. `scale`).
    pub fn update_as(
        &mut self,
        obj: Value,
        manager: &str,
        subresource: &str,
    ) -> Result<Rc<Value>, ApiError> {
        let m = FieldManager {
            name: manager,
            subresource,
        };
        let result = self.world.update_as(obj, Some(&m));
        self.settled(result)
    }

    /// Server-side apply; with `dry_run` answered from a copy of the world, as
    /// `dryRun=All` is: nothing stored, no controller runs.
    pub fn apply(
        &mut self,
        config: Value,
        manager: &str,
        force: bool,
        dry_run: bool,
    ) -> Result<Applied, ApiError> {
        let m = FieldManager::new(manager);
        if dry_run {
            let mut applied = self.world.clone().apply(config, &m, force)?;
            applied.object = self.never_written((*applied.object).clone());
            return Ok(applied);
        }
        let result = self.world.apply(config, &m, force);
        self.world.settle();
        result
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

    /// `POST pods/NAME/eviction`: a deletion the pod's disruption budget must allow.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<(), ApiError> {
        let result = self.world.evict(namespace, name, options);
        self.world.settle();
        result
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

    /// Runs a command in a container with its standard input (`kubectl exec -i`).
    pub fn exec_with_stdin(
        &mut self,
        target: &container::Target,
        argv: &[String],
        stdin: String,
    ) -> container::Ran {
        container::run_with_stdin(&mut self.world, target, argv, Some(stdin))
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

    /// When the earliest pending timer fires (virtual time), if any is pending.
    pub fn next_timer_at(&self) -> Option<Millis> {
        self.world.timers.next_at()
    }

    /// Each CronJob's next scheduled run as (`namespace/name`, virtual time), soonest
    /// first (then by name); suspended CronJobs and those without a schedule to follow
    /// are left out.
    pub fn next_cronjob_runs(&self) -> Vec<(String, Millis)> {
        let mut runs: Vec<(String, Millis)> = self
            .world
            .store
            .list("CronJob", None)
            .filter_map(|cj| {
                let at = controllers::cronjob::next_run(&self.world, cj)?;
                let key = format!("{}/{}", meta_str(cj, "namespace"), meta_str(cj, "name"));
                Some((key, at))
            })
            .collect();
        crate::sort::sort_by(&mut runs, |a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        runs
    }

    pub fn run_until_idle(&mut self, limit: Millis) {
        self.world.run_until_idle(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn cronjob(name: &str, schedule: &str) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "busybox"}],
                "restartPolicy": "OnFailure"}}}}}})
    }

    fn since(c: &Cluster, runs: Vec<(String, Millis)>) -> Vec<(String, Millis)> {
        runs.into_iter().map(|(k, at)| (k, at - c.now)).collect()
    }

    #[test]
    fn each_cronjob_s_next_run_is_listed_soonest_first_and_its_timer_is_next() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(2, 1));
        // The cluster starts at 09:00 UTC.
        assert_eq!(
            c.next_timer_at(),
            None,
            "an idle cluster has nothing pending"
        );
        c.create(cronjob("daily", "0 3 * * *")).unwrap();
        c.create(cronjob("hello", "*/1 * * * *")).unwrap();
        let runs = c.next_cronjob_runs();
        assert_eq!(
            since(&c, runs),
            [
                ("default/hello".to_string(), 60_000),
                ("default/daily".to_string(), 18 * 3_600_000)
            ]
        );
        // The controller wakes just after the schedule time and starts the Job then.
        assert_eq!(c.next_timer_at(), Some(c.now + 60_100));
        c.advance_to(c.now + 60_100);
        let jobs: Vec<_> = c
            .store
            .list("Job", Some("default"))
            .map(|j| meta_str(j, "name").to_string())
            .collect();
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        assert!(jobs[0].starts_with("hello-"), "{jobs:?}");
        // The run moved on to the next minute.
        let runs = c.next_cronjob_runs();
        assert_eq!(since(&c, runs)[0], ("default/hello".to_string(), 59_900));
    }

    #[test]
    fn a_suspended_cronjob_has_no_next_run() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(2, 1));
        let mut cj = cronjob("hello", "*/5 * * * *");
        cj["spec"]["suspend"] = json!(true);
        c.create(cj).unwrap();
        assert_eq!(c.next_cronjob_runs(), []);
    }
}
