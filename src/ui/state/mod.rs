//! The app's state and every way it can change. All logic, no markup: components only
//! read a `State` and dispatch `Action`s (the shape of yew's `function_todomvc`).
//!
//! The state is grouped by the pane that shows it — [`terminal`], [`editor`], [`clock`],
//! [`cluster`] (the cluster view and why log), [`teach`] (the lesson panel) — each part
//! plain `Clone + PartialEq` data, and the session behind a [`SessionHandle`] compared
//! by identity. So `State` derives its equality, and a new field cannot be forgotten in
//! it: equality is what tells the panes to draw again.

pub mod clock;
pub mod cluster;
pub mod editor;
mod handle;
pub mod saved;
pub mod teach;
pub mod terminal;

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterConfig;
use crate::kubectl::session::{Input, Session, TimedInput};

use clock::ClockState;
use cluster::ClusterState;
use editor::{EditorState, DEFAULT_FILE_NAME, DEFAULT_FILE_TEXT};
use handle::SessionHandle;
use teach::{LessonAction, TeachState};
use terminal::{LineKind, TerminalState};

/// Nodes in the cluster a new page starts with.
pub const DEFAULT_NODES: u32 = 3;
/// Seed of that cluster; fixed so that every visitor sees the same pod names.
pub const DEFAULT_SEED: u64 = 12;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A line typed into the terminal (or sent by a button).
    Submit(String),
    /// Several lines pasted at once: each runs in order, waiting for the prompt.
    SubmitMany(Vec<String>),
    /// Run more of the pasted lines (the app sends it while [`State::draining`]).
    DrainQueue,
    /// Ctrl-C in the terminal.
    Interrupt,
    /// Ctrl-L.
    Clear,
    /// Real time passed while playing; the reducer scales it by the speed.
    Tick {
        real_ms: u64,
    },
    /// The lazy half of the wasm is in (see `lazy`): ticks may run the cluster.
    EngineArrived,
    /// Advance virtual time to the next event (or one second) while paused.
    Step,
    TogglePlay,
    SetSpeed(u32),
    /// Rebuild the session as it was at this virtual time (the timeline).
    Rewind(u64),
    /// The editor's text changed.
    EditFile(String),
    /// Show another file in the editor.
    OpenFile(String),
    /// A new file from a template.
    NewFile {
        name: String,
        text: String,
    },
    /// The editor's Apply button: save, then `kubectl apply -f FILE`.
    Apply,
    /// Save the open file (`kubectl edit` files are then applied).
    Save,
    /// Click on a pod card (`None` closes the panel).
    SelectPod(Option<(String, String)>),
    /// Click on a why-log line: mark that object in the view.
    Highlight(Option<String>),
    /// The cluster view's "Hide finished pods" switch.
    HideFinished(bool),
    /// Unfold (or fold) the system namespaces' pods in the cluster view.
    ShowSystem(bool),
    /// A line the learner should see, from outside the session (restore failures).
    Notice(String),
    /// Type a line into the terminal's input without running it (lesson chips).
    Prefill(String),
    /// A new session: the given inputs replayed on a fresh cluster up to `until_ms`
    /// (starting a lesson, opening a share link, `?nodes=`/`?files=`).
    Restart(Rc<Restart>),
    /// The lesson panel: start a lesson, move between steps, reveal hints.
    Lesson(LessonAction),
}

/// What [`Action::Restart`] rebuilds.
#[derive(Debug, Clone, PartialEq)]
pub struct Restart {
    pub nodes: u32,
    pub seed: u64,
    pub inputs: Vec<TimedInput>,
    pub until_ms: u64,
}

/// Everything the UI shows. The reducer is the session's only writer, and each action
/// copies the view data out of it so that components compare plain values.
#[derive(Clone, PartialEq)]
pub struct State {
    session: SessionHandle,
    /// The cluster's shape and seed (rewinds and saves rebuild it from them).
    pub nodes_count: u32,
    pub seed: u64,
    pub terminal: TerminalState,
    pub editor: EditorState,
    pub clock: ClockState,
    pub cluster: ClusterState,
    pub teach: TeachState,
}

impl Default for State {
    fn default() -> Self {
        // The first module builds this before the lazy module has arrived: the add-ons
        // (which run every controller) are installed at the session's first use instead.
        let config = ClusterConfig {
            defer_addons: true,
            ..ClusterConfig::with_nodes(DEFAULT_NODES, DEFAULT_SEED)
        };
        let mut session = Session::with_config(config);
        let _ = session.write_file(DEFAULT_FILE_NAME, DEFAULT_FILE_TEXT);
        Self::new(session, DEFAULT_NODES, DEFAULT_SEED)
    }
}

impl State {
    pub fn new(session: Session, nodes_count: u32, seed: u64) -> Self {
        let mut state = State {
            session: SessionHandle::new(session),
            nodes_count,
            seed,
            terminal: TerminalState::default(),
            editor: EditorState::default(),
            clock: ClockState::default(),
            cluster: ClusterState::default(),
            teach: TeachState::default(),
        };
        state.load_transcript();
        state.refresh_cluster();
        state.refresh_files();
        let first = state
            .editor
            .files
            .iter()
            .find(|f| f.ends_with(DEFAULT_FILE_NAME))
            .or(state.editor.files.first())
            .cloned();
        if let Some(f) = first {
            state.open_file(&f);
        }
        state
    }

    /// A fresh state around the replayed session, keeping the clock controls and the
    /// lesson being followed.
    fn restarted(&self, r: &Restart) -> State {
        let config = ClusterConfig::with_nodes(r.nodes, r.seed);
        let session = Session::replay(config, &r.inputs, r.until_ms);
        let mut next = State::new(session, r.nodes, r.seed);
        next.clock.playing = self.clock.playing;
        next.clock.speed = self.clock.speed;
        next.teach.epoch = self.teach.epoch + 1;
        next.teach.lesson = self.teach.lesson.clone();
        next.cluster.generation = self.cluster.generation + 1;
        next.terminal.history = Rc::new(next.session.borrow().history().to_vec());
        // The editor shows the first file the inputs wrote, if any.
        let first_written = r.inputs.iter().find_map(|i| match &i.input {
            Input::WriteFile { path, .. } => Some(path.clone()),
            _ => None,
        });
        if let Some(path) = first_written {
            let path = next
                .editor
                .files
                .iter()
                .find(|f| f.ends_with(path.as_str()))
                .cloned()
                .unwrap_or(path);
            next.open_file(&path);
        }
        next
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Submit(line) => next.run_line(&line),
            Action::SubmitMany(lines) => next.submit_many(lines),
            Action::DrainQueue => next.drain_queue(),
            Action::Interrupt => next.interrupt(),
            Action::Clear => next.terminal.lines = Rc::default(),
            Action::Tick { real_ms } => {
                if !next.tick(real_ms) {
                    return self;
                }
            }
            Action::EngineArrived => next.clock.engine_arrived = true,
            Action::Step => next.step(),
            Action::TogglePlay => next.clock.toggle_play(),
            Action::SetSpeed(speed) => next.clock.set_speed(speed),
            Action::Rewind(ms) => next.rewind(ms),
            Action::EditFile(text) => next.edit_file(text),
            Action::OpenFile(path) => next.open_file(&path),
            Action::NewFile { name, text } => next.new_file(&name, &text),
            Action::Save => next.save_file(),
            Action::Apply => next.apply_file(),
            Action::SelectPod(sel) => next.cluster.selected = sel,
            Action::Highlight(name) => next.cluster.toggle_highlight(name),
            Action::HideFinished(hide) => next.cluster.hide_finished = hide,
            Action::ShowSystem(show) => next.cluster.show_system = show,
            Action::Notice(text) => next.terminal.push_lines([(LineKind::Err, text)]),
            Action::Prefill(line) => {
                let n = next.teach.prefill.as_ref().map_or(0, |p| p.0 + 1);
                next.teach.prefill = Some((n, line));
            }
            Action::Restart(r) => next = self.restarted(&r),
            Action::Lesson(action) => next.teach.apply(action),
        }
        next.refresh_cluster();
        next.refresh_describe(&self);
        next.check_lesson_step(&self);
        Rc::new(next)
    }
}

/// The handle every component reads the state from and dispatches to.
pub type AppContext = UseReducerHandle<State>;

/// A click handler that dispatches `action`.
pub fn dispatch_on_click(ctx: &AppContext, action: Action) -> Callback<MouseEvent> {
    let ctx = ctx.clone();
    Callback::from(move |_: MouseEvent| ctx.dispatch(action.clone()))
}
