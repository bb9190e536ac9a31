//! The clock's part of the state — virtual time, play/pause, speed, the time owed to a
//! busy cluster, the rewind horizon — and advancing or rewinding the session.

use std::rc::Rc;

use crate::engine::ClusterConfig;
use crate::kubectl::session::{Session, TimedInput};
use crate::shell::OutLine;
use crate::ui::params::SPEEDS;
use crate::ui::step::step_ms;

use super::handle::SessionHandle;
use super::State;

/// A wall-clock gap longer than this (a tab in the background) counts as this long, so
/// returning to the tab does not jump the cluster minutes ahead.
pub const MAX_TICK_MS: u64 = 1_000;
/// Wall-clock milliseconds one tick may spend advancing the cluster. Virtual time that
/// does not fit is carried to the next tick (which the app runs at once), so a busy
/// cluster slows its clock down instead of freezing the page between frames.
pub const TICK_BUDGET_MS: f64 = 8.0;

/// What the time bar shows, and what decides whether and how fast ticks move the cluster.
#[derive(Clone, PartialEq)]
pub struct ClockState {
    /// Virtual time since the cluster started, in milliseconds.
    pub now_ms: u64,
    /// Virtual time owed to the cluster by ticks that ran out of budget.
    pub(super) backlog_ms: u64,
    /// While scrubbing the timeline: the inputs and the time it can return to.
    pub(super) horizon: Option<Rc<(Vec<TimedInput>, u64)>>,
    /// The soonest CronJob run (`namespace/name`, virtual ms since the start), shown on
    /// the bar with a countdown.
    pub next_run: Option<(String, u64)>,
    pub playing: bool,
    pub speed: u32,
    /// Whether the lazy half of the wasm is in; until then ticks pass without the clock.
    pub engine_arrived: bool,
}

impl Default for ClockState {
    fn default() -> Self {
        ClockState {
            now_ms: 0,
            backlog_ms: 0,
            horizon: None,
            next_run: None,
            playing: true,
            speed: 1,
            engine_arrived: crate::ui::lazy::arrived(),
        }
    }
}

impl ClockState {
    /// The largest time the timeline reaches.
    pub fn timeline_end(&self) -> u64 {
        self.horizon
            .as_ref()
            .map_or(self.now_ms, |h| h.1.max(self.now_ms))
    }

    /// Whether the cluster owes virtual time: the app then ticks again at once.
    pub fn behind(&self) -> bool {
        self.backlog_ms > 0
    }

    pub(super) fn toggle_play(&mut self) {
        self.playing = !self.playing;
        self.backlog_ms = 0;
        if self.playing {
            self.horizon = None;
        }
    }

    pub(super) fn set_speed(&mut self, speed: u32) {
        if SPEEDS.contains(&speed) {
            self.speed = speed;
        }
    }
}

impl State {
    /// Real time passed while playing, scaled by the speed (only once the engine is in).
    /// `false` when the tick changes nothing.
    pub(super) fn tick(&mut self, real_ms: u64) -> bool {
        // While an apply writes its documents, its moment is the present (see
        // `Session::write_some`): the clock waits for it.
        if !self.clock.playing || !self.clock.engine_arrived || self.terminal.writing {
            return false;
        }
        self.advance_within(
            real_ms.min(MAX_TICK_MS) * u64::from(self.clock.speed),
            TICK_BUDGET_MS,
        );
        true
    }

    /// The step button: to the next event (see [`step_ms`] for how far).
    pub(super) fn step(&mut self) {
        if self.terminal.writing {
            return;
        }
        let gap = {
            let session = self.session.borrow();
            let run_in = session
                .next_cronjob_run()
                .map(|(_, at)| at.saturating_sub(session.now_ms()));
            step_ms(session.next_event_in_ms(), run_in)
        };
        self.advance(gap);
    }

    fn advance(&mut self, virtual_ms: u64) {
        self.clock.horizon = None;
        let out = self.session.borrow_mut().tick(virtual_ms);
        self.after_tick(out);
    }

    /// Like [`advance`](Self::advance) plus what earlier ticks still owe, but event by
    /// event and only while `budget_ms` of wall-clock time lasts; the rest is owed.
    /// Slicing does not change what happens (`Session::tick` is exact however time is
    /// cut), only when the page gets to draw it.
    fn advance_within(&mut self, virtual_ms: u64, budget_ms: f64) {
        self.clock.horizon = None;
        let started = js_sys::Date::now();
        let mut owed = self.clock.backlog_ms + virtual_ms;
        let mut out = Vec::new();
        while owed > 0 {
            let next = self.session.borrow().next_event_in_ms();
            // Up to and including the next event (at least 1 ms, so a slice always moves).
            let step = next.map_or(owed, |gap| gap.max(1)).min(owed);
            out.extend(self.session.borrow_mut().tick(step));
            owed -= step;
            if js_sys::Date::now() - started >= budget_ms {
                break;
            }
        }
        // A machine that cannot keep up runs the cluster slower, not ever further behind.
        self.clock.backlog_ms = owed.min(MAX_TICK_MS * u64::from(self.clock.speed));
        self.after_tick(out);
    }

    fn after_tick(&mut self, out: Vec<OutLine>) {
        let had_output = !out.is_empty();
        self.terminal.push_output(out);
        if had_output {
            self.after_command();
        }
        self.drain_queue();
    }

    /// Rebuilds the session as it was at `to_ms` (the timeline), keeping every input
    /// up to the horizon so that scrubbing forward again finds them.
    pub(super) fn rewind(&mut self, to_ms: u64) {
        let horizon = self.clock.horizon.clone().unwrap_or_else(|| {
            let s = self.session.borrow();
            Rc::new((s.inputs().to_vec(), s.now_ms()))
        });
        let to_ms = to_ms.min(horizon.1.max(self.clock.now_ms));
        let config = ClusterConfig::with_nodes(self.nodes_count, self.seed);
        self.session = SessionHandle::new(Session::replay(config, &horizon.0, to_ms));
        self.clock.horizon = Some(horizon);
        self.clock.playing = false;
        self.clock.backlog_ms = 0;
        self.cluster.reset();
        self.terminal.queued = Rc::default();
        self.load_transcript();
        self.refresh_files();
    }
}

/// `mm:ss`, or `h:mm:ss` after the first hour, of virtual time since the cluster started.
pub fn format_clock(ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}
