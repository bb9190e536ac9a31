//! `kubeplay serve` as the serve tests start it: a free port, one node, seed 1, time that
//! moves only when a client waits.
use kubeplay::serve::{self, ClockMode, Options};

pub fn start() -> serve::Running {
    serve::start(&Options {
        port: 0,
        nodes: 1,
        seed: 1,
        clock: ClockMode::OnDemand,
        speed: 1.0,
        kubeconfig: None,
    })
    .expect("serve starts")
}
