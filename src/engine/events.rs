//! Kubernetes Events (core/v1) as components record them, aggregated like client-go's
//! event correlator: a repeat bumps `count` and `lastTimestamp`. A component records
//! through a [`Recorder`] bound to the object it acts on, which also writes the why log.

use super::apiserver::meta_str;
use super::store::EventType;
use super::time::format_rfc3339;
use super::world::World;
use crate::engine::json::At;
use crate::json;
use serde_json::Value;

/// An Event's `type`: Normal, or Warning for what a user should look into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Severity {
    Normal,
    Warning,
}

/// Records what one component does about one object, so that a call site says only what
/// happened: Kubernetes Events (`normal`, `warning`: what `kubectl describe` and `kubectl
/// get events` show) and why-log lines (`why`: the reason, in a learner's words).
#[derive(Debug, Clone, Copy)]
pub struct Recorder<'a> {
    /// `source.component` of the Events (`From` in describe).
    component: &'static str,
    /// `source.host`: the node, for a kubelet.
    host: &'a str,
    /// The name the why log shows; the component's, unless it signs differently.
    why_as: &'static str,
    /// The kind the why log files the object under.
    kind: &'static str,
    /// The involved object, as the component last read or wrote it (its resourceVersion
    /// goes into the Event).
    object: &'a Value,
    /// `involvedObject.fieldPath`: the container an Event concerns.
    field_path: Option<&'a str>,
    /// Recorded through events.k8s.io's broadcaster (`event_series`), not core/v1's
    /// correlator.
    series: bool,
}

impl<'a> Recorder<'a> {
    /// `component` acting on `object`, a `kind`.
    pub fn new(component: &'static str, kind: &'static str, object: &'a Value) -> Recorder<'a> {
        Recorder {
            component,
            host: "",
            why_as: component,
            kind,
            object,
            field_path: None,
            series: false,
        }
    }

    /// A component on events.k8s.io's recorder (the scheduler): repeats become series
    /// per object version (`event_series`).
    pub fn in_series(self) -> Recorder<'a> {
        Recorder {
            series: true,
            ..self
        }
    }

    /// A per-node component (the kubelet) reporting from `host`.
    pub fn on_host(self, host: &'a str) -> Recorder<'a> {
        Recorder { host, ..self }
    }

    /// The why log shows the component as `name` (the scheduler's Events come from
    /// `default-scheduler`, its reasons from `scheduler`).
    pub fn why_as(self, name: &'static str) -> Recorder<'a> {
        Recorder {
            why_as: name,
            ..self
        }
    }

    /// Events about one field of the object: `spec.containers{NAME}`.
    pub fn at_field(self, path: &'a str) -> Recorder<'a> {
        Recorder {
            field_path: Some(path),
            ..self
        }
    }

    /// A Normal Event: something happened as it should.
    pub fn normal(&self, w: &mut World, reason: &str, message: &str) {
        self.event(w, Severity::Normal, reason, message);
    }

    /// A Warning Event: something failed or is stuck.
    pub fn warning(&self, w: &mut World, reason: &str, message: &str) {
        self.event(w, Severity::Warning, reason, message);
    }

    /// A line of the why log about the object (a repeat of its last line is dropped).
    pub fn why(&self, w: &mut World, text: String) {
        w.why(
            self.why_as,
            self.kind,
            meta_str(self.object, "namespace"),
            meta_str(self.object, "name"),
            text,
        );
    }

    fn event(&self, w: &mut World, severity: Severity, reason: &str, message: &str) {
        let involved = self.object;
        let meta = &involved["metadata"];
        let uid = meta["uid"].as_str().unwrap_or("").to_string();
        let name = meta["name"].as_str().unwrap_or("").to_string();
        let namespace = meta["namespace"]
            .as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string();
        let now = format_rfc3339(w.now);
        let series_key = self.series.then(|| {
            let rv = meta["resourceVersion"].as_str().unwrap_or("").to_string();
            (uid.clone(), rv, reason.to_string(), message.to_string())
        });
        if let Some(k) = &series_key {
            if super::event_series::repeat(w, k) {
                return;
            }
        }
        let key = (uid.clone(), reason.to_string(), message.to_string());
        if let Some((ns, ev_name)) = w.event_index.get(&key).filter(|_| !self.series).cloned() {
            if let Some(old) = w.get("Event", &ns, &ev_name).cloned() {
                let mut ev = (*old).clone();
                let count = ev["count"].as_i64().unwrap_or(1) + 1;
                ev["count"] = json!(count);
                ev["lastTimestamp"] = json!(now);
                w.store.put("Event", ev, EventType::Modified);
                return;
            }
        }
        // NamespaceLifecycle refuses new Events in a namespace being deleted (or gone);
        // the broadcaster only logs that, so the Event is dropped.
        let open = w
            .get("Namespace", "", &namespace)
            .is_some_and(|ns| ns.at("/metadata/deletionTimestamp").is_none());
        if !open {
            return;
        }
        let seq = w.next_sequence();
        let event_name = format!(
            "{name}.{:x}",
            (w.now as u64).wrapping_mul(1_000_000).wrapping_add(seq)
        );
        let mut involved_ref = json!({
            "apiVersion": involved["apiVersion"],
            "kind": involved["kind"],
            "name": name,
            "namespace": meta["namespace"],
            "resourceVersion": meta["resourceVersion"],
            "uid": uid,
        });
        if let Some(fp) = self.field_path {
            involved_ref["fieldPath"] = json!(fp);
        }
        let mut source = json!({"component": self.component});
        if !self.host.is_empty() {
            source["host"] = json!(self.host);
        }
        let ev = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "count": 1,
            "eventTime": Value::Null,
            "firstTimestamp": now,
            "involvedObject": involved_ref,
            "lastTimestamp": now,
            "message": message,
            "metadata": {
                "creationTimestamp": now,
                "name": event_name,
                "namespace": namespace,
                "uid": w.rng.uuid(),
            },
            "reason": reason,
            "reportingComponent": self.component,
            "reportingInstance": self.host,
            "source": source,
            "type": match severity {
                Severity::Normal => "Normal",
                Severity::Warning => "Warning",
            },
        });
        w.store.put("Event", ev, EventType::Added);
        match series_key {
            Some(k) => super::event_series::remember(w, k, namespace, event_name),
            None => {
                w.event_index.insert(key, (namespace, event_name));
            }
        }
    }
}
