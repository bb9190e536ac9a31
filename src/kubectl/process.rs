//! Commands that take (virtual) time: `sleep`, `get -w`, `rollout status`, `delete`'s
//! wait. Each is polled after the clock moves and prints what happened meanwhile.

use crate::engine::json::At;
use crate::engine::store::{EventType, WatchEvent};
use crate::engine::{Cluster, Millis};
use crate::kubectl::cli::get::RowPrinter;
use crate::kubectl::cli::rollout::status_line;
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::Value;

/// A watch on one resource type (`kubectl get TYPE -w`).
#[derive(Debug, Clone)]
pub struct Watch {
    pub kind: &'static str,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// `-l` and `--field-selector`, judged before and after each change.
    pub selection: crate::kubectl::watch_selection::Selection,
    pub cursor: u64,
    pub printer: RowPrinter,
}

impl Watch {
    /// The event type and object this watch receives for `e`, if any.
    fn receive(&mut self, e: &WatchEvent) -> Option<(EventType, std::rc::Rc<Value>)> {
        let ours = e.kind == self.kind
            && self.namespace.as_ref().is_none_or(|ns| *ns == e.namespace)
            && self.name.as_ref().is_none_or(|n| *n == e.name);
        if !ours {
            return None;
        }
        self.selection
            .see(e.object.value(), e.event_type, e.resource_version)
    }
}

/// `rollout status`: prints the status line on every change of the object until done.
#[derive(Debug, Clone)]
pub struct RolloutWatch {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub cursor: u64,
    pub last_line: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Process {
    /// Nothing to print; ends at the deadline.
    Sleep,
    Watch(Watch),
    Rollout(RolloutWatch),
    /// `kubectl delete` waits until these objects (kind, namespace, name, uid) are gone.
    WaitDeleted(Vec<(&'static str, String, String, String)>),
    /// `kubectl drain` retries evictions a budget refused and waits for evicted pods,
    /// printing `pod/x evicted` as each goes, node after node (the terminal steps it:
    /// it writes to the cluster).
    Drain(crate::kubectl::cli::evictions::Drain),
    /// `kubectl replace --force`: waits until the deleted objects are gone, then creates
    /// them (the terminal steps it: it writes to the cluster).
    ForceReplace(crate::kubectl::cli::replace::ForceReplace),
    /// `kubectl events -w`: a row per added or changed event.
    Events(crate::kubectl::cli::events::EventsWatch),
    /// `kubectl logs -f`: a container's new log lines until it stops running.
    Logs(crate::kubectl::cli::logs::Follow),
    /// `kubectl wait --for=…`: objects waited for in turn until a shared deadline.
    Wait(crate::kubectl::cli::wait::WaitFor),
    /// `kubectl apply -f` / `create -f`: documents written one at a time, at one virtual
    /// instant (the session runs them; they never wait for the clock).
    Writes(crate::kubectl::cli::apply_writes::Writes),
    /// The shell's `watch [-n N] CMD`: the session re-runs CMD every interval (it needs
    /// the whole shell, so [`Running::poll`] leaves it to the session).
    Every(Every),
}

/// `watch -n N CMD…`: what to run, how often, and when next.
#[derive(Debug, Clone)]
pub struct Every {
    pub argv: Vec<String>,
    pub interval: Millis,
    /// Virtual time of the next run.
    pub next_at: Millis,
    /// `Every 2.0s: kubectl get pods`
    pub title: String,
}

/// A process plus when it must stop and what it exits with then.
#[derive(Debug, Clone)]
pub struct Running {
    pub process: Process,
    pub deadline: Option<Millis>,
    /// Exit status when the deadline ends it: `timeout` gives 124, `sleep` 0.
    pub deadline_status: i32,
    /// What to print when the deadline ends it (kubectl's own `--timeout` errors).
    pub deadline_message: Option<String>,
}

/// What a poll found: output, and the exit status once the process is over.
pub struct Poll {
    pub output: Output,
    pub finished: Option<i32>,
}

impl Running {
    pub fn new(process: Process) -> Running {
        Running {
            process,
            deadline: None,
            deadline_status: 0,
            deadline_message: None,
        }
    }

    /// kubectl's own `--timeout=DURATION` (0 or absent: wait forever): ends the command
    /// with `error: timed out waiting for the condition`.
    pub fn with_kubectl_timeout(mut self, now: Millis, timeout: Option<&str>) -> Running {
        let ms = timeout
            .and_then(crate::kubectl::cli::delete::parse_go_duration)
            .filter(|t| *t > 0);
        if let Some(t) = ms {
            self.deadline = Some(now + t);
            self.deadline_status = 1;
            self.deadline_message = Some("timed out waiting for the condition".into());
        }
        self
    }

    /// Reads what changed since the last poll. `idle` says the cluster has nothing left
    /// to do (no timer pending), which ends a bare watch in the native runner.
    pub fn poll(&mut self, cluster: &Cluster) -> Poll {
        let mut output = Output::ok();
        let finished = match &mut self.process {
            // `apply -f` is written by the session, not polled (see `Session::write_some`);
            // a drain and `replace --force` are stepped by the terminal (`Terminal::poll`).
            Process::Sleep | Process::Every(_) | Process::Writes(_) => None,
            Process::Drain(_) | Process::ForceReplace(_) => None,
            Process::Logs(f) => f.poll(cluster, &mut output),
            Process::Events(w) => {
                let events = cluster.store.events_since(w.cursor).unwrap_or_default();
                // Each row as of its event's time, like `get -w` (see below).
                let rows: Vec<(&Value, i64)> = events
                    .iter()
                    .filter(|e| e.kind == "Event" && !is_deleted(e) && w.filter.wants(&e.object))
                    .map(|e| (&*e.object, e.at))
                    .collect();
                for (obj, at) in rows {
                    w.write(&[obj], at, &mut output);
                }
                w.cursor = cluster.store.resource_version();
                None
            }
            Process::Watch(w) => {
                let events = cluster.store.events_since(w.cursor).unwrap_or_default();
                let mut rows = Vec::new();
                for e in events {
                    if let Some((ty, obj)) = w.receive(e) {
                        rows.push((ty, obj, e.at));
                    }
                }
                w.cursor = cluster.store.resource_version();
                // Each row is printed as its event arrives, so its AGE is as of the event:
                // the same output however coarsely the clock was advanced meanwhile.
                for (ty, obj, at) in rows {
                    for line in w.printer.print_event(ty, &obj, at) {
                        output.out(line);
                    }
                }
                None
            }
            Process::Rollout(r) => {
                // kubectl prints the status line on every event of the object.
                let events: Vec<WatchEvent> = cluster
                    .store
                    .events_since(r.cursor)
                    .unwrap_or_default()
                    .iter()
                    .filter(|e| e.kind == r.kind && e.namespace == r.namespace && e.name == r.name)
                    .cloned()
                    .collect();
                r.cursor = cluster.store.resource_version();
                let mut finished = None;
                for e in events {
                    if is_deleted(&e) {
                        output.fail("object has been deleted");
                        finished = Some(1);
                        break;
                    }
                    match status_line(r.kind, &e.object) {
                        Ok((line, done)) => {
                            output.out(&line);
                            r.last_line = Some(line);
                            if done {
                                finished = Some(0);
                                break;
                            }
                        }
                        Err(e) => {
                            output.fail(e);
                            finished = Some(1);
                            break;
                        }
                    }
                }
                finished
            }
            Process::Wait(w) => w.poll(cluster, &mut output),
            Process::WaitDeleted(targets) => {
                targets.retain(|(kind, ns, name, uid)| {
                    cluster
                        .get(kind, ns, name)
                        .is_some_and(|o| o.at("/metadata/uid").and_then(Value::as_str) == Some(uid))
                });
                targets.is_empty().then_some(0)
            }
        };
        Poll { output, finished }
    }

    /// When the process must be polled next regardless of the cluster (a `watch` re-run).
    pub fn wake_at(&self) -> Option<Millis> {
        match &self.process {
            Process::Every(e) => Some(e.next_at),
            Process::Drain(d) => d.wake_at(),
            Process::ForceReplace(r) => r.wake_at(),
            _ => None,
        }
    }

    /// Ends the process because its deadline passed.
    pub fn expire(&mut self) -> Poll {
        if let Process::Wait(w) = &mut self.process {
            return w.expire();
        }
        let mut output = Output::ok();
        if let Some(m) = &self.deadline_message {
            output.fail(m);
        }
        Poll {
            output,
            finished: Some(self.deadline_status),
        }
    }
}

/// Whether a watch event is a deletion (printed with the object's final state).
pub fn is_deleted(e: &WatchEvent) -> bool {
    e.event_type == EventType::Deleted
}
