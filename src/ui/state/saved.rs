//! What outlives the page: the session saved in localStorage across reloads, and the
//! state a share link carries.

use serde::{Deserialize, Serialize};

use crate::engine::config::MAX_NODES;
use crate::engine::ClusterConfig;
use crate::kubectl::session::{Session, TimedInput};
use crate::share::{SharedState, SHARE_VERSION};
use crate::ui::params::SPEEDS;

use super::State;

/// The localStorage format. Bump [`SAVE_VERSION`] when it changes: older data is then
/// reported and dropped rather than misread.
#[derive(Serialize, Deserialize)]
pub struct SavedSession {
    pub version: u32,
    pub nodes: u32,
    pub seed: u64,
    pub inputs: Vec<TimedInput>,
    pub now: u64,
    #[serde(default)]
    pub speed: u32,
}

pub const SAVE_VERSION: u32 = 1;
/// scripts/split-wasm.mjs looks for this key too: a page with a saved session waits for
/// the lazy half of the wasm before it starts, since restoring replays commands.
pub const STORAGE_KEY: &str = "kubeplay.session";

impl State {
    /// Restores a saved session (see [`SavedSession`]); the error says why it could not.
    pub fn restore(json: &str) -> Result<Self, String> {
        let saved: SavedSession = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if saved.version != SAVE_VERSION {
            return Err(format!(
                "format version {} is not {SAVE_VERSION}",
                saved.version
            ));
        }
        if saved.nodes == 0 || saved.nodes > MAX_NODES {
            return Err(format!("{} nodes is out of range", saved.nodes));
        }
        let config = ClusterConfig::with_nodes(saved.nodes, saved.seed);
        let session = Session::replay(config, &saved.inputs, saved.now);
        let mut state = State::new(session, saved.nodes, saved.seed);
        state.clock.speed = if SPEEDS.contains(&saved.speed) {
            saved.speed
        } else {
            1
        };
        Ok(state)
    }

    /// The cluster as a share link carries it: seed, shape and everything typed, with when.
    pub fn shared(&self) -> SharedState {
        let session = self.session.borrow();
        SharedState {
            version: SHARE_VERSION,
            nodes: self.nodes_count,
            seed: self.seed,
            inputs: session.inputs().to_vec(),
            now: session.now_ms(),
        }
    }

    /// What survives a reload: the cluster's seed and shape and everything typed, with when.
    pub fn save(&self) -> String {
        let session = self.session.borrow();
        let saved = SavedSession {
            version: SAVE_VERSION,
            nodes: self.nodes_count,
            seed: self.seed,
            inputs: session.inputs().to_vec(),
            now: session.now_ms(),
            speed: self.clock.speed,
        };
        serde_json::to_string(&saved).unwrap_or_default()
    }

    /// How many inputs the session holds (the app saves when this changes).
    pub fn input_count(&self) -> usize {
        self.session.borrow().inputs().len()
    }
}
