//! The app's state and every way it can change. All logic, no markup: components only
//! read a `State` and dispatch `Action`s (the shape of yew's `function_todomvc`).

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay::engine::config::ClusterConfig;
use kubeplay::kubectl::session::{Input, NodeLane, OutLine, PodCard, Session, Stream, TimedInput};
use yew::prelude::*;

/// Nodes in the cluster a new page starts with.
pub const DEFAULT_NODES: u32 = 3;
/// Seed of that cluster; fixed so that every visitor sees the same pod names.
pub const DEFAULT_SEED: u64 = 12;
/// How much virtual time the step button advances, in milliseconds.
pub const STEP_MS: u64 = 1_000;
/// The speeds the time bar offers, as multiples of real time.
pub const SPEEDS: [u32; 5] = [1, 2, 5, 10, 30];
/// Scroll-back beyond this many lines is dropped from the top, so a long watch cannot
/// make every render slower.
pub const SCROLLBACK_LIMIT: usize = 5_000;
/// A wall-clock gap longer than this (a tab in the background) counts as this long, so
/// returning to the tab does not jump the cluster minutes ahead.
pub const MAX_TICK_MS: u64 = 1_000;

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
    /// The command the learner typed, echoed after the prompt.
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

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A line typed into the terminal (or sent by a button).
    Submit(String),
    /// Ctrl-C in the terminal.
    Interrupt,
    /// Real time passed while playing; the reducer scales it by the speed.
    Tick {
        real_ms: u64,
    },
    /// Advance virtual time by one step while paused.
    Step,
    TogglePlay,
    SetSpeed(u32),
    EditFile(String),
    /// The editor's Apply button.
    Apply,
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
    /// The shape the current session started from (for share links).
    pub nodes: u32,
    pub seed: u64,
    /// Counts restarts, so that panes know the session was replaced.
    pub epoch: u64,
}

/// Everything the UI shows. The session sits behind `Rc<RefCell<_>>` because it is not
/// `Clone`; the reducer is its only writer, and each action copies the view data out of it
/// so that components compare plain values.
pub struct State {
    session: Rc<RefCell<Session>>,
    next_line_id: u64,
    pub lines: Rc<Vec<TermLine>>,
    pub history: Rc<Vec<String>>,
    pub pods: Rc<Vec<PodCard>>,
    pub nodes: Rc<Vec<NodeLane>>,
    pub now_ms: u64,
    pub busy: bool,
    pub playing: bool,
    pub speed: u32,
    pub file_name: String,
    pub file_text: Rc<String>,
    pub teach: TeachState,
}

/// Equal when everything shown is equal; the session itself is shared, not compared.
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.lines == other.lines
            && self.history == other.history
            && self.pods == other.pods
            && self.nodes == other.nodes
            && self.now_ms == other.now_ms
            && self.busy == other.busy
            && self.playing == other.playing
            && self.speed == other.speed
            && self.file_name == other.file_name
            && self.file_text == other.file_text
            && self.teach == other.teach
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new(Session::new(DEFAULT_NODES, DEFAULT_SEED))
    }
}

impl State {
    pub fn new(session: Session) -> Self {
        let mut state = State {
            session: Rc::new(RefCell::new(session)),
            next_line_id: 0,
            lines: Rc::default(),
            history: Rc::default(),
            pods: Rc::default(),
            nodes: Rc::default(),
            now_ms: 0,
            busy: false,
            playing: true,
            speed: 1,
            file_name: DEFAULT_FILE_NAME.to_string(),
            file_text: Rc::new(DEFAULT_FILE_TEXT.to_string()),
            teach: TeachState {
                nodes: DEFAULT_NODES,
                seed: DEFAULT_SEED,
                ..TeachState::default()
            },
        };
        state.refresh_cluster();
        state
    }

    /// A copy that shares the session and every unchanged list with `self`.
    fn fork(&self) -> Self {
        State {
            session: Rc::clone(&self.session),
            next_line_id: self.next_line_id,
            lines: Rc::clone(&self.lines),
            history: Rc::clone(&self.history),
            pods: Rc::clone(&self.pods),
            nodes: Rc::clone(&self.nodes),
            now_ms: self.now_ms,
            busy: self.busy,
            playing: self.playing,
            speed: self.speed,
            file_name: self.file_name.clone(),
            file_text: Rc::clone(&self.file_text),
            teach: self.teach.clone(),
        }
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
        self.push_lines(out.into_iter().map(|line| {
            let kind = match line.stream {
                Stream::Out => LineKind::Out,
                Stream::Err => LineKind::Err,
            };
            (kind, line.text)
        }));
    }

    /// Runs a line the way the terminal does: echo it, remember it, print its output.
    fn run_line(&mut self, line: &str) {
        self.push_lines([(LineKind::Echo, line.to_string())]);
        if !line.trim().is_empty() && self.history.last().map(String::as_str) != Some(line) {
            Rc::make_mut(&mut self.history).push(line.to_string());
        }
        let out = self.session.borrow_mut().submit(line);
        self.push_output(out);
    }

    fn advance(&mut self, virtual_ms: u64) {
        let out = self.session.borrow_mut().tick(virtual_ms);
        self.push_output(out);
    }

    /// Copies what the cluster view and the time bar show out of the session, keeping the
    /// old `Rc`s when nothing changed so that their components skip rendering.
    fn refresh_cluster(&mut self) {
        let session = self.session.borrow();
        let pods = session.pods();
        if *self.pods != pods {
            self.pods = Rc::new(pods);
        }
        let nodes = session.nodes();
        if *self.nodes != nodes {
            self.nodes = Rc::new(nodes);
        }
        self.now_ms = session.now_ms();
        self.busy = session.is_busy();
    }
}

impl State {
    /// The live session (lesson checks query it; share links read its inputs).
    pub fn session(&self) -> Rc<RefCell<Session>> {
        Rc::clone(&self.session)
    }

    /// A fresh state around the replayed session, keeping the clock controls.
    fn restarted(&self, r: &Restart) -> State {
        let config = ClusterConfig::with_nodes(r.nodes, r.seed);
        let session = Session::replay(config, &r.inputs, r.until_ms);
        let mut next = State::new(session);
        next.playing = self.playing;
        next.speed = self.speed;
        next.next_line_id = self.next_line_id;
        next.teach = TeachState {
            prefill: None,
            nodes: r.nodes,
            seed: r.seed,
            epoch: self.teach.epoch + 1,
        };
        let transcript: Vec<OutLine> = next.session.borrow().transcript().cloned().collect();
        next.push_output(transcript);
        let history = next.session.borrow().history().to_vec();
        next.history = Rc::new(history);
        // The editor shows the first file the inputs wrote, if any.
        if let Some((path, content)) = r.inputs.iter().find_map(|i| match &i.input {
            Input::WriteFile { path, content } => Some((path, content)),
            _ => None,
        }) {
            next.file_name = path.clone();
            next.file_text = Rc::new(content.clone());
        }
        next
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.fork();
        match action {
            Action::Submit(line) => next.run_line(&line),
            Action::Interrupt => {
                next.push_lines([(LineKind::Echo, "^C".to_string())]);
                let out = next.session.borrow_mut().interrupt();
                next.push_output(out);
            }
            Action::Tick { real_ms } => {
                if !next.playing {
                    return self;
                }
                next.advance(real_ms.min(MAX_TICK_MS) * u64::from(next.speed));
            }
            Action::Step => next.advance(STEP_MS),
            Action::TogglePlay => next.playing = !next.playing,
            Action::SetSpeed(speed) => {
                if SPEEDS.contains(&speed) {
                    next.speed = speed;
                }
            }
            Action::EditFile(text) => next.file_text = Rc::new(text),
            Action::Apply => {
                let line = format!("kubectl apply -f {}", next.file_name);
                next.run_line(&line);
            }
            Action::Prefill(line) => {
                let n = next.teach.prefill.as_ref().map_or(0, |p| p.0 + 1);
                next.teach.prefill = Some((n, line));
            }
            Action::Restart(r) => next = self.restarted(&r),
        }
        next.refresh_cluster();
        Rc::new(next)
    }
}

/// The handle every component reads the state from and dispatches to.
pub type AppContext = UseReducerHandle<State>;

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
