//! The cluster view's part of the state — pod cards, node lanes, claims, the why log, the
//! selected pod — and copying them out of the session when the store changes.

use std::collections::HashMap;
use std::rc::Rc;

use crate::kubectl::session::Session;
use crate::ui::cards::{node_lanes, pod_card, pod_cards, NodeLane, PodCard};

use super::State;

/// While the cluster is behind (slices run back to back), the pod cards are redrawn at
/// most this often in wall-clock milliseconds; the clock still moves every slice.
pub const BUSY_REDRAW_MS: f64 = 100.0;

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

/// What the cluster view and the why log show. The lists are copied out of the session
/// only when the store changed, and keep their `Rc`s otherwise so that their components
/// skip rendering.
#[derive(Clone, PartialEq)]
pub struct ClusterState {
    pub pods: Rc<Vec<PodCard>>,
    pub nodes: Rc<Vec<NodeLane>>,
    pub claims: Rc<Vec<ClaimChip>>,
    pub why: Rc<Vec<WhyLine>>,
    /// Revisions per owner in the order they appeared; the last is the newest template.
    revisions: Rc<HashMap<String, Vec<String>>>,
    /// Counts sessions replaced by rewinds and restarts (views drop what they animate).
    pub generation: u64,
    /// The session and store version the lists were copied at.
    version: (usize, u64),
    /// The session and its count of why lines ever written when `why` was copied (the
    /// log keeps the newest lines only, so its length stops moving).
    why_version: (usize, u64),
    /// When (wall clock) they were copied.
    copied_at: f64,
    /// The pod whose card was clicked (namespace, name), described in a panel.
    pub selected: Option<(String, String)>,
    /// `kubectl describe` of the selected pod.
    pub describe: Option<Rc<String>>,
    /// The object a why-log line marks in the view.
    pub highlight: Option<String>,
    /// The view leaves out the cards of pods that have finished (Succeeded or Failed).
    pub hide_finished: bool,
    /// The view shows the pods of the system namespaces (folded away by default).
    pub show_system: bool,
}

impl Default for ClusterState {
    fn default() -> Self {
        ClusterState {
            pods: Rc::default(),
            nodes: Rc::default(),
            claims: Rc::default(),
            why: Rc::default(),
            revisions: Rc::default(),
            generation: 0,
            version: (0, u64::MAX),
            why_version: (0, u64::MAX),
            copied_at: 0.0,
            selected: None,
            describe: None,
            highlight: None,
            hide_finished: false,
            show_system: false,
        }
    }
}

impl ClusterState {
    /// Whether `pod` runs an older template than its owner's newest one.
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

    /// The session was replaced (a rewind): everything is copied again, and the views
    /// drop the cards they were animating.
    pub(super) fn reset(&mut self) {
        self.version = (0, u64::MAX);
        self.generation += 1;
        self.revisions = Rc::default();
    }

    /// A click on a why-log line marks its object; a second click unmarks it.
    pub(super) fn toggle_highlight(&mut self, name: Option<String>) {
        self.highlight = if self.highlight == name { None } else { name };
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
                            (Ok(i), Some(obj)) => pods[i] = pod_card(session.cluster(), obj),
                            (Err(i), Some(obj)) => pods.insert(i, pod_card(session.cluster(), obj)),
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
}

impl State {
    /// Copies what the cluster view, the terminal's prompt and the time bar show out of
    /// the session, keeping the old `Rc`s when nothing changed so that their components
    /// skip rendering.
    pub(super) fn refresh_cluster(&mut self) {
        let shared = self.session.clone();
        let session = shared.borrow();
        let view = &mut self.cluster;
        // Every change to the cluster bumps the store's resourceVersion: while it stands
        // still (clock ticks, keystrokes, commands that only read) the lists are current.
        let version = (shared.id(), session.cluster().store.resource_version());
        let now = js_sys::Date::now();
        let catching_up = self.clock.backlog_ms > 0 && now - view.copied_at < BUSY_REDRAW_MS;
        if version != view.version && !catching_up {
            let since = view.version;
            view.version = version;
            view.copied_at = now;
            view.refresh_lists(&session, (since.0 == version.0).then_some(since.1));
            // A run moves only when its CronJob changes (spec, status.lastScheduleTime).
            self.clock.next_run = session.next_cronjob_run();
        }
        let why = session.why_log();
        let why_version = (shared.id(), session.cluster().why_written());
        if why_version != view.why_version && !catching_up {
            view.why_version = why_version;
            let start = session.cluster().started_at();
            view.why = Rc::new(
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
        if self.terminal.history.len() != session.history().len() {
            self.terminal.history = Rc::new(session.history().to_vec());
        }
        self.clock.now_ms = session.now_ms();
        self.terminal.busy = session.is_busy();
        self.terminal.writing = session.is_writing();
        self.terminal.prompt = session.current_prompt();
    }

    /// The describe panel follows the selected pod while its card changes.
    pub(super) fn refresh_describe(&mut self, before: &State) {
        let view = &self.cluster;
        let changed = !Rc::ptr_eq(&before.cluster.pods, &view.pods)
            || view.selected != before.cluster.selected;
        let describe = match &view.selected {
            None => None,
            Some((ns, name)) if changed => {
                let text = self.session.borrow_mut().describe("Pod", ns, name);
                Some(Rc::new(
                    text.unwrap_or_else(|| format!("pod {name} is gone")),
                ))
            }
            Some(_) => return,
        };
        self.cluster.describe = describe;
    }
}
