//! The app's state and every way it can change. All logic, no markup: components only
//! read a `State` and dispatch `Action`s (the shape of yew's `function_todomvc`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use kubeplay::engine::ClusterConfig;
use kubeplay::kubectl::completion::{complete, Completion};
use kubeplay::kubectl::session::{Input, Session, TimedInput};
use kubeplay::share::{SharedState, SHARE_VERSION};
use kubeplay::shell::{OutLine, Stream};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::cards::{node_lanes, pod_card, pod_cards, NodeLane, PodCard};

/// Nodes in the cluster a new page starts with.
pub const DEFAULT_NODES: u32 = 3;
/// Seed of that cluster; fixed so that every visitor sees the same pod names.
pub const DEFAULT_SEED: u64 = 12;
/// How much virtual time the step button advances when no event is due, in milliseconds.
pub const STEP_MS: u64 = 1_000;
/// The speeds the time bar offers, as multiples of real time.
pub const SPEEDS: [u32; 5] = [1, 2, 5, 10, 30];
/// Scroll-back beyond this many lines is dropped from the top, so a long watch cannot
/// make every render slower.
pub const SCROLLBACK_LIMIT: usize = 5_000;
/// A wall-clock gap longer than this (a tab in the background) counts as this long, so
/// returning to the tab does not jump the cluster minutes ahead.
pub const MAX_TICK_MS: u64 = 1_000;
/// Wall-clock milliseconds one tick may spend advancing the cluster. Virtual time that
/// does not fit is carried to the next tick (which the app runs at once), so a busy
/// cluster slows its clock down instead of freezing the page between frames.
pub const TICK_BUDGET_MS: f64 = 8.0;
/// While the cluster is behind (slices run back to back), the pod cards are redrawn at
/// most this often in wall-clock milliseconds; the clock still moves every slice.
pub const BUSY_REDRAW_MS: f64 = 100.0;

pub const DEFAULT_FILE_NAME: &str = "web.yaml";
pub const DEFAULT_FILE_TEXT: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
          name: web
";

/// How a terminal line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The command the learner typed, echoed after its prompt.
    Echo,
    Out,
    Err,
}

/// One line of the terminal's scroll-back. `id` only grows, so it is a stable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    pub id: u64,
    pub kind: LineKind,
    pub text: String,
}

/// One line of the why log, copied out of the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyLine {
    pub at: u64,
    pub controller: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub text: String,
}

/// A PersistentVolumeClaim as the cluster view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimChip {
    pub name: String,
    pub phase: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A line typed into the terminal (or sent by a button).
    Submit(String),
    /// Several lines pasted at once: each runs in order, waiting for the prompt.
    SubmitMany(Vec<String>),
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
    /// A line the learner should see, from outside the session (restore failures).
    Notice(String),
    /// Type a line into the terminal's input without running it (lesson chips).
    Prefill(String),
    /// A new session: the given inputs replayed on a fresh cluster up to `until_ms`
    /// (starting a lesson, opening a share link, `?nodes=`/`?files=`).
    Restart(Rc<Restart>),
}

/// What [`Action::Restart`] rebuilds.
#[derive(Debug, Clone, PartialEq)]
pub struct Restart {
    pub nodes: u32,
    pub seed: u64,
    pub inputs: Vec<TimedInput>,
    pub until_ms: u64,
}

/// The lesson panel's and share links' part of the state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeachState {
    /// The line a chip typed, numbered so that the same chip twice types it again.
    pub prefill: Option<(u64, String)>,
    /// Counts restarts, so that panes know the session was replaced.
    pub epoch: u64,
}

/// Everything the UI shows. The session sits behind `Rc<RefCell<_>>` because it is not
/// `Clone`; the reducer is its only writer, and each action copies the view data out of it
/// so that components compare plain values.
pub struct State {
    session: Rc<RefCell<Session>>,
    pub nodes_count: u32,
    pub seed: u64,
    next_line_id: u64,
    pub lines: Rc<Vec<TermLine>>,
    pub prompt: &'static str,
    queued: Rc<VecDeque<String>>,
    pub history: Rc<Vec<String>>,
    pub pods: Rc<Vec<PodCard>>,
    pub nodes: Rc<Vec<NodeLane>>,
    pub claims: Rc<Vec<ClaimChip>>,
    pub why: Rc<Vec<WhyLine>>,
    /// Revisions per owner in the order they appeared; the last is the newest template.
    revisions: Rc<HashMap<String, Vec<String>>>,
    pub now_ms: u64,
    /// Counts sessions replaced by rewinds and restarts (views drop what they animate).
    pub generation: u64,
    /// Virtual time owed to the cluster by ticks that ran out of budget.
    backlog_ms: u64,
    /// The session and store version the cluster lists were copied at.
    cluster_version: (usize, u64),
    /// When (wall clock) they were copied.
    cluster_copied_at: f64,
    /// While scrubbing the timeline: the inputs and the time it can return to.
    horizon: Option<Rc<(Vec<TimedInput>, u64)>>,
    pub busy: bool,
    /// Whether the lazy half of the wasm is in; until then ticks pass without the clock.
    pub engine_arrived: bool,
    pub playing: bool,
    pub speed: u32,
    /// Absolute paths of the files in the session's filesystem.
    pub files: Rc<Vec<String>>,
    pub file_name: String,
    pub file_text: Rc<String>,
    /// Unsaved editor text per file.
    drafts: Rc<BTreeMap<String, String>>,
    /// Grows each time a command asks for the editor, so the editor takes focus.
    pub editor_focus: u64,
    pub selected: Option<(String, String)>,
    pub describe: Option<Rc<String>>,
    pub highlight: Option<String>,
    pub teach: TeachState,
}

/// Equal when everything shown is equal; the session itself is shared, not compared.
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && Rc::ptr_eq(&self.lines, &other.lines)
            && self.prompt == other.prompt
            && Rc::ptr_eq(&self.pods, &other.pods)
            && Rc::ptr_eq(&self.why, &other.why)
            && self.now_ms == other.now_ms
            && self.backlog_ms == other.backlog_ms
            && self.generation == other.generation
            && self.busy == other.busy
            && self.playing == other.playing
            && self.speed == other.speed
            && self.file_name == other.file_name
            && Rc::ptr_eq(&self.file_text, &other.file_text)
            && Rc::ptr_eq(&self.files, &other.files)
            && self.editor_focus == other.editor_focus
            && self.selected == other.selected
            && self.describe == other.describe
            && self.highlight == other.highlight
            && self.horizon.is_some() == other.horizon.is_some()
            && self.teach == other.teach
    }
}

impl Default for State {
    fn default() -> Self {
        let mut session = Session::new(DEFAULT_NODES, DEFAULT_SEED);
        let _ = session.write_file(DEFAULT_FILE_NAME, DEFAULT_FILE_TEXT);
        Self::new(session, DEFAULT_NODES, DEFAULT_SEED)
    }
}

impl State {
    pub fn new(session: Session, nodes_count: u32, seed: u64) -> Self {
        let mut state = State {
            session: Rc::new(RefCell::new(session)),
            nodes_count,
            seed,
            next_line_id: 0,
            lines: Rc::default(),
            prompt: "$ ",
            queued: Rc::default(),
            history: Rc::default(),
            pods: Rc::default(),
            nodes: Rc::default(),
            claims: Rc::default(),
            why: Rc::default(),
            revisions: Rc::default(),
            now_ms: 0,
            generation: 0,
            backlog_ms: 0,
            cluster_version: (0, u64::MAX),
            cluster_copied_at: 0.0,
            horizon: None,
            busy: false,
            engine_arrived: super::lazy::arrived(),
            playing: true,
            speed: 1,
            files: Rc::default(),
            file_name: String::new(),
            file_text: Rc::default(),
            drafts: Rc::default(),
            editor_focus: 0,
            selected: None,
            describe: None,
            highlight: None,
            teach: TeachState::default(),
        };
        state.load_transcript();
        state.refresh_cluster();
        state.refresh_files();
        let first = state
            .files
            .iter()
            .find(|f| f.ends_with(DEFAULT_FILE_NAME))
            .or(state.files.first())
            .cloned();
        if let Some(f) = first {
            state.open_file(&f);
        }
        state
    }

    /// Restores a saved session (see [`SavedSession`]); the error says why it could not.
    pub fn restore(json: &str) -> Result<Self, String> {
        let saved: SavedSession = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if saved.version != SAVE_VERSION {
            return Err(format!(
                "format version {} is not {SAVE_VERSION}",
                saved.version
            ));
        }
        if saved.nodes == 0 || saved.nodes > 20 {
            return Err(format!("{} nodes is out of range", saved.nodes));
        }
        let config = ClusterConfig::with_nodes(saved.nodes, saved.seed);
        let session = Session::replay(config, &saved.inputs, saved.now);
        let mut state = State::new(session, saved.nodes, saved.seed);
        state.speed = if SPEEDS.contains(&saved.speed) {
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
            speed: self.speed,
        };
        serde_json::to_string(&saved).unwrap_or_default()
    }

    /// How many inputs the session holds (the app saves when this changes).
    pub fn input_count(&self) -> usize {
        self.session.borrow().inputs().len()
    }

    /// Tab completion at `cursor` (a byte offset) of `line`.
    pub fn complete(&self, line: &str, cursor: usize) -> Completion {
        complete(&self.session.borrow(), line, cursor)
    }

    /// The largest time the timeline reaches.
    pub fn timeline_end(&self) -> u64 {
        self.horizon
            .as_ref()
            .map_or(self.now_ms, |h| h.1.max(self.now_ms))
    }

    /// Whether `name`'s pod runs an older template than its owner's newest one.
    pub fn is_old_revision(&self, pod: &PodCard) -> bool {
        match (&pod.owner, &pod.revision) {
            (Some(owner), Some(rev)) => self
                .revisions
                .get(owner)
                .and_then(|r| r.last())
                .is_some_and(|newest| newest != rev),
            _ => false,
        }
    }

    /// A copy that shares the session and every unchanged list with `self`.
    fn fork(&self) -> Self {
        State {
            session: Rc::clone(&self.session),
            nodes_count: self.nodes_count,
            seed: self.seed,
            next_line_id: self.next_line_id,
            lines: Rc::clone(&self.lines),
            prompt: self.prompt,
            queued: Rc::clone(&self.queued),
            history: Rc::clone(&self.history),
            pods: Rc::clone(&self.pods),
            nodes: Rc::clone(&self.nodes),
            claims: Rc::clone(&self.claims),
            why: Rc::clone(&self.why),
            revisions: Rc::clone(&self.revisions),
            now_ms: self.now_ms,
            generation: self.generation,
            backlog_ms: self.backlog_ms,
            cluster_version: self.cluster_version,
            cluster_copied_at: self.cluster_copied_at,
            horizon: self.horizon.clone(),
            busy: self.busy,
            engine_arrived: self.engine_arrived,
            playing: self.playing,
            speed: self.speed,
            files: Rc::clone(&self.files),
            file_name: self.file_name.clone(),
            file_text: Rc::clone(&self.file_text),
            drafts: Rc::clone(&self.drafts),
            editor_focus: self.editor_focus,
            selected: self.selected.clone(),
            describe: self.describe.clone(),
            highlight: self.highlight.clone(),
            teach: self.teach.clone(),
        }
    }

    /// The scroll-back from the session's transcript (after a rebuild).
    fn load_transcript(&mut self) {
        let lines: Vec<(LineKind, String)> = self
            .session
            .borrow()
            .transcript()
            .map(|l| (stream_kind(l.stream), l.text.clone()))
            .collect();
        self.lines = Rc::default();
        self.push_lines(lines);
    }

    fn push_lines(&mut self, new: impl IntoIterator<Item = (LineKind, String)>) {
        let mut new = new.into_iter().peekable();
        if new.peek().is_none() {
            return;
        }
        let lines = Rc::make_mut(&mut self.lines);
        for (kind, text) in new {
            lines.push(TermLine {
                id: self.next_line_id,
                kind,
                text,
            });
            self.next_line_id += 1;
        }
        if lines.len() > SCROLLBACK_LIMIT {
            let excess = lines.len() - SCROLLBACK_LIMIT;
            lines.drain(..excess);
        }
    }

    fn push_output(&mut self, out: Vec<OutLine>) {
        self.push_lines(
            out.into_iter()
                .map(|line| (stream_kind(line.stream), line.text)),
        );
    }

    /// Runs a line the way the terminal does: echo it after the prompt, print its output,
    /// and follow what it asked of the page (clear, open the editor).
    fn run_line(&mut self, line: &str) {
        if self.session.borrow().is_busy() {
            Rc::make_mut(&mut self.queued).push_back(line.to_string());
            return;
        }
        self.horizon = None;
        let prompt = self.session.borrow().current_prompt();
        self.push_lines([(LineKind::Echo, format!("{prompt}{line}"))]);
        let out = self.session.borrow_mut().submit(line);
        self.push_output(out);
        self.after_command();
    }

    fn after_command(&mut self) {
        let (clear, request) = {
            let mut s = self.session.borrow_mut();
            (s.take_clear(), s.take_editor_request())
        };
        if clear {
            self.lines = Rc::default();
        }
        self.refresh_files();
        if let Some(path) = request {
            let abs = self.session.borrow().files().resolve(&path);
            Rc::make_mut(&mut self.drafts).remove(&abs);
            self.open_file(&abs);
            self.editor_focus += 1;
        }
    }

    /// Runs queued (pasted) lines while the prompt is free.
    fn drain_queue(&mut self) {
        while !self.queued.is_empty() && !self.session.borrow().is_busy() {
            let Some(line) = Rc::make_mut(&mut self.queued).pop_front() else {
                break;
            };
            self.run_line(&line);
        }
    }

    fn advance(&mut self, virtual_ms: u64) {
        self.horizon = None;
        let out = self.session.borrow_mut().tick(virtual_ms);
        self.after_tick(out);
    }

    /// Like [`advance`](Self::advance) plus what earlier ticks still owe, but event by
    /// event and only while `budget_ms` of wall-clock time lasts; the rest is owed.
    /// Slicing does not change what happens (`Session::tick` is exact however time is
    /// cut), only when the page gets to draw it.
    fn advance_within(&mut self, virtual_ms: u64, budget_ms: f64) {
        self.horizon = None;
        let started = js_sys::Date::now();
        let mut owed = self.backlog_ms + virtual_ms;
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
        self.backlog_ms = owed.min(MAX_TICK_MS * u64::from(self.speed));
        self.after_tick(out);
    }

    fn after_tick(&mut self, out: Vec<OutLine>) {
        let had_output = !out.is_empty();
        self.push_output(out);
        if had_output {
            self.after_command();
        }
        self.drain_queue();
    }

    /// Whether the cluster owes virtual time: the app then ticks again at once.
    pub fn behind(&self) -> bool {
        self.backlog_ms > 0
    }

    fn refresh_files(&mut self) {
        let files: Vec<String> = self
            .session
            .borrow()
            .files()
            .files()
            .map(|(p, _)| p.to_string())
            .collect();
        if *self.files != files {
            self.files = Rc::new(files);
        }
        // A file changed by a command shows its new text unless the learner is editing it.
        if !self.drafts.contains_key(&self.file_name) {
            let text = self.saved_text(&self.file_name);
            if let Some(text) = text {
                if *self.file_text != text {
                    self.file_text = Rc::new(text);
                }
            }
        }
    }

    fn saved_text(&self, path: &str) -> Option<String> {
        self.session
            .borrow()
            .files()
            .read(path)
            .ok()
            .map(str::to_string)
    }

    fn open_file(&mut self, path: &str) {
        let text = self
            .drafts
            .get(path)
            .cloned()
            .or_else(|| self.saved_text(path))
            .unwrap_or_default();
        self.file_name = path.to_string();
        self.file_text = Rc::new(text);
    }

    /// Writes the editor's text to the session; `kubectl edit` files are then applied.
    fn save_file(&mut self) {
        let path = self.file_name.clone();
        let text = (*self.file_text).clone();
        let result = self.session.borrow_mut().write_file(&path, &text);
        Rc::make_mut(&mut self.drafts).remove(&path);
        if let Err(e) = result {
            self.push_lines([(LineKind::Err, format!("{path}: {e}"))]);
            return;
        }
        let editing = self.session.borrow().is_editing(&path);
        if editing {
            let out = self.session.borrow_mut().finish_edit(&path, true);
            self.push_output(out);
            self.after_command();
        }
        self.refresh_files();
    }

    fn rewind(&mut self, to_ms: u64) {
        let horizon = self.horizon.clone().unwrap_or_else(|| {
            let s = self.session.borrow();
            Rc::new((s.inputs().to_vec(), s.now_ms()))
        });
        let to_ms = to_ms.min(horizon.1.max(self.now_ms));
        let config = ClusterConfig::with_nodes(self.nodes_count, self.seed);
        let session = Session::replay(config, &horizon.0, to_ms);
        self.session = Rc::new(RefCell::new(session));
        self.horizon = Some(horizon);
        self.playing = false;
        self.backlog_ms = 0;
        self.cluster_version = (0, u64::MAX);
        self.generation += 1;
        self.queued = Rc::default();
        self.revisions = Rc::default();
        self.load_transcript();
        self.refresh_files();
    }

    /// Copies what the cluster view and the time bar show out of the session, keeping the
    /// old `Rc`s when nothing changed so that their components skip rendering.
    fn refresh_cluster(&mut self) {
        let shared = Rc::clone(&self.session);
        let session = shared.borrow();
        // Every change to the cluster bumps the store's resourceVersion: while it stands
        // still (clock ticks, keystrokes, commands that only read) the lists are current.
        let version = (
            Rc::as_ptr(&self.session) as usize,
            session.cluster().store.resource_version(),
        );
        let now = js_sys::Date::now();
        let catching_up = self.backlog_ms > 0 && now - self.cluster_copied_at < BUSY_REDRAW_MS;
        if version != self.cluster_version && !catching_up {
            let since = self.cluster_version;
            self.cluster_version = version;
            self.cluster_copied_at = now;
            self.refresh_lists(&session, (since.0 == version.0).then_some(since.1));
        }
        let why = session.why_log();
        if why.len() != self.why.len() && !catching_up {
            let start = session.cluster().started_at();
            self.why = Rc::new(
                why.iter()
                    .map(|w| WhyLine {
                        at: (w.at - start).max(0) as u64,
                        controller: w.controller,
                        kind: w.kind,
                        name: w.name.clone(),
                        text: w.text.clone(),
                    })
                    .collect(),
            );
        }
        if self.history.len() != session.history().len() {
            self.history = Rc::new(session.history().to_vec());
        }
        self.now_ms = session.now_ms();
        self.busy = session.is_busy();
        self.prompt = session.current_prompt();
    }

    /// The pod cards, claims and revisions; with `since`, only the pods the store changed
    /// after that resourceVersion are read again (hundreds of pods change a few at a time).
    fn refresh_lists(&mut self, session: &Session, since: Option<u64>) {
        let store = &session.cluster().store;
        let changes = since.and_then(|rv| store.events_since(rv));
        let (pods, claims_changed) = match changes {
            Some(events) => {
                // A pod changed several times is read again each time: cheaper in code
                // than sorting the keys, and a slice holds few events.
                let keys: Vec<(&str, &str)> = events
                    .iter()
                    .filter(|e| e.kind == "Pod")
                    .map(|e| (e.namespace.as_str(), e.name.as_str()))
                    .collect();
                let claims_changed = events.iter().any(|e| e.kind == "PersistentVolumeClaim");
                if keys.is_empty() {
                    (None, claims_changed)
                } else {
                    let mut pods = (*self.pods).clone();
                    for (ns, name) in keys {
                        let at = pods.binary_search_by(|p| {
                            (p.namespace.as_str(), p.name.as_str()).cmp(&(ns, name))
                        });
                        match (at, store.get("Pod", ns, name)) {
                            (Ok(i), Some(obj)) => pods[i] = pod_card(obj),
                            (Err(i), Some(obj)) => pods.insert(i, pod_card(obj)),
                            (Ok(i), None) => {
                                pods.remove(i);
                            }
                            (Err(_), None) => {}
                        }
                    }
                    (Some(pods), claims_changed)
                }
            }
            None => (Some(pod_cards(session.cluster())), true),
        };
        if let Some(pods) = pods.filter(|p| *p != *self.pods) {
            let mut revisions = None;
            for p in &pods {
                if let (Some(owner), Some(rev)) = (&p.owner, &p.revision) {
                    let known = self
                        .revisions
                        .get(owner)
                        .is_some_and(|seen| seen.contains(rev));
                    if !known {
                        let all = revisions.get_or_insert_with(|| (*self.revisions).clone());
                        let seen: &mut Vec<String> = all.entry(owner.clone()).or_default();
                        if !seen.contains(rev) {
                            seen.push(rev.clone());
                        }
                    }
                }
            }
            if let Some(revisions) = revisions {
                self.revisions = Rc::new(revisions);
            }
            self.pods = Rc::new(pods);
        }
        if claims_changed {
            let claims: Vec<ClaimChip> = store
                .list("PersistentVolumeClaim", None)
                .map(|c| ClaimChip {
                    name: c["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    phase: c["status"]["phase"]
                        .as_str()
                        .unwrap_or("Pending")
                        .to_string(),
                })
                .collect();
            if *self.claims != claims {
                self.claims = Rc::new(claims);
            }
        }
        let nodes = node_lanes(session.cluster());
        if *self.nodes != nodes {
            self.nodes = Rc::new(nodes);
        }
    }

    fn refresh_describe(&mut self) {
        self.describe = self.selected.as_ref().map(|(ns, name)| {
            let text = self.session.borrow_mut().describe("Pod", ns, name);
            Rc::new(text.unwrap_or_else(|| format!("pod {name} is gone")))
        });
    }
}

fn stream_kind(stream: Stream) -> LineKind {
    match stream {
        Stream::Out => LineKind::Out,
        Stream::Err => LineKind::Err,
    }
}

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
    /// The live session (lesson checks query it; share links read its inputs).
    pub fn session(&self) -> Rc<RefCell<Session>> {
        Rc::clone(&self.session)
    }

    /// A fresh state around the replayed session, keeping the clock controls.
    fn restarted(&self, r: &Restart) -> State {
        let config = ClusterConfig::with_nodes(r.nodes, r.seed);
        let session = Session::replay(config, &r.inputs, r.until_ms);
        let mut next = State::new(session, r.nodes, r.seed);
        next.playing = self.playing;
        next.speed = self.speed;
        next.teach.epoch = self.teach.epoch + 1;
        next.generation = self.generation + 1;
        next.history = Rc::new(next.session.borrow().history().to_vec());
        // The editor shows the first file the inputs wrote, if any.
        let first_written = r.inputs.iter().find_map(|i| match &i.input {
            Input::WriteFile { path, .. } => Some(path.clone()),
            _ => None,
        });
        if let Some(path) = first_written {
            let path = next
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
        let mut next = self.fork();
        let pods_before = Rc::clone(&next.pods);
        match action {
            Action::Submit(line) => next.run_line(&line),
            Action::SubmitMany(lines) => {
                Rc::make_mut(&mut next.queued).extend(lines);
                next.drain_queue();
            }
            Action::Interrupt => {
                next.horizon = None;
                next.queued = Rc::default();
                next.push_lines([(LineKind::Echo, "^C".to_string())]);
                let out = next.session.borrow_mut().interrupt();
                next.push_output(out);
            }
            Action::Clear => next.lines = Rc::default(),
            Action::Tick { real_ms } => {
                if !next.playing || !next.engine_arrived {
                    return self;
                }
                next.advance_within(
                    real_ms.min(MAX_TICK_MS) * u64::from(next.speed),
                    TICK_BUDGET_MS,
                );
            }
            Action::EngineArrived => next.engine_arrived = true,
            Action::Step => {
                let gap = next.session.borrow().next_event_in_ms();
                next.advance(gap.filter(|g| *g > 0).unwrap_or(STEP_MS).min(STEP_MS * 60));
            }
            Action::TogglePlay => {
                next.playing = !next.playing;
                next.backlog_ms = 0;
                if next.playing {
                    next.horizon = None;
                }
            }
            Action::SetSpeed(speed) => {
                if SPEEDS.contains(&speed) {
                    next.speed = speed;
                }
            }
            Action::Rewind(ms) => next.rewind(ms),
            Action::EditFile(text) => {
                Rc::make_mut(&mut next.drafts).insert(next.file_name.clone(), text.clone());
                next.file_text = Rc::new(text);
            }
            Action::OpenFile(path) => next.open_file(&path),
            Action::NewFile { name, text } => {
                let mut path = next.session.borrow().files().resolve(&name);
                let mut n = 1;
                while next.files.contains(&path) {
                    n += 1;
                    let stem = name.trim_end_matches(".yaml");
                    path = next
                        .session
                        .borrow()
                        .files()
                        .resolve(&format!("{stem}-{n}.yaml"));
                }
                let _ = next.session.borrow_mut().write_file(&path, &text);
                next.refresh_files();
                next.open_file(&path);
            }
            Action::Save => next.save_file(),
            Action::Apply => {
                next.save_file();
                // As a learner would type it: relative to the working directory.
                let shown = {
                    let session = next.session.borrow();
                    let files = session.files();
                    let here = format!("{}/", files.cwd());
                    match next.file_name.strip_prefix(&here) {
                        Some(name) => name.to_string(),
                        None => files.display_path(&next.file_name),
                    }
                };
                let line = format!("kubectl apply -f {shown}");
                next.run_line(&line);
            }
            Action::SelectPod(sel) => next.selected = sel,
            Action::Highlight(name) => {
                next.highlight = if next.highlight == name { None } else { name }
            }
            Action::Notice(text) => next.push_lines([(LineKind::Err, text)]),
            Action::Prefill(line) => {
                let n = next.teach.prefill.as_ref().map_or(0, |p| p.0 + 1);
                next.teach.prefill = Some((n, line));
            }
            Action::Restart(r) => next = self.restarted(&r),
        }
        next.refresh_cluster();
        if next.selected.is_some()
            && (!Rc::ptr_eq(&pods_before, &next.pods) || next.selected != self.selected)
        {
            next.refresh_describe();
        } else if next.selected.is_none() {
            next.describe = None;
        }
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
