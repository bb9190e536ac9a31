//! The engine thread: the one owner of the cluster. Other threads send it closures.

use super::clock::{ClockMode, ServeClock};
use crate::engine::{Cluster, ClusterConfig, Millis};
use std::sync::mpsc;

/// What the engine thread owns.
pub struct Api {
    pub cluster: Cluster,
    pub clock: ServeClock,
    /// Under on-demand time, the virtual time waiting clients may not move past
    /// (`POST /kubeplay/v1/hold`); `None`: no limit.
    pub hold: Option<Millis>,
}

impl Api {
    /// Under `--clock wall`, fires every timer due by now.
    pub fn catch_up(&mut self) {
        if let Some(target) = self.clock.wall_target() {
            if target > self.cluster.now {
                self.cluster.advance_to(target);
            }
        }
    }

    /// Under on-demand time, fires the timers due at the current virtual time (a deleted
    /// pod whose containers stop at once, …) after every request, as `kubeplay run`
    /// does after every command, so the next request sees what the runner's next command
    /// sees. Wall time fires them in `catch_up`.
    pub fn fire_due(&mut self) {
        if self.on_demand() {
            let now = self.cluster.now;
            self.cluster.advance_to(now);
        }
    }

    pub fn on_demand(&self) -> bool {
        self.clock.mode == ClockMode::OnDemand
    }

    /// `POST /kubeplay/v1/sleep?seconds=N` under on-demand time: N virtual seconds pass.
    pub fn sleep(&mut self, ms: Millis) {
        self.cluster.advance(ms);
    }
}

type Job = Box<dyn FnOnce(&mut Api) + Send>;

/// A handle on the engine thread.
#[derive(Clone)]
pub struct Engine {
    jobs: mpsc::Sender<Job>,
}

impl Engine {
    pub fn start(nodes: u32, seed: u64, mode: ClockMode, speed: f64) -> Engine {
        let (jobs, queue) = mpsc::channel::<Job>();
        let _ = std::thread::Builder::new()
            .name("engine".into())
            .spawn(move || {
                let cluster = Cluster::new(ClusterConfig::with_nodes(nodes, seed));
                let clock = ServeClock::new(mode, speed, cluster.now);
                let mut api = Api {
                    cluster,
                    clock,
                    hold: None,
                };
                for job in queue {
                    // A bug in one request must not take the server down: its caller gets
                    // a 500 (its reply channel is dropped) and the next request is served.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        api.catch_up();
                        job(&mut api);
                        api.fire_due();
                    }));
                }
            });
        Engine { jobs }
    }

    /// Runs `f` on the engine thread and returns its answer (`None` if the engine is gone).
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Api) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |api| {
            let _ = tx.send(f(api));
        });
        self.jobs.send(job).ok()?;
        rx.recv().ok()
    }
}
