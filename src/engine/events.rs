//! Kubernetes Events (core/v1) as components record them, aggregated like client-go's
//! event correlator: a repeat bumps `count` and `lastTimestamp`.

use super::store::EventType;
use super::time::format_rfc3339;
use super::world::World;
use crate::json;
use serde_json::Value;

/// Who reports an event (`From` in describe) and on which host.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub component: &'a str,
    pub host: &'a str,
}

impl World {
    /// Records a Normal or Warning event about `involved`.
    pub fn record_event(
        &mut self,
        involved: &Value,
        warning: bool,
        reason: &str,
        message: &str,
        source: Source<'_>,
        field_path: Option<&str>,
    ) {
        let meta = &involved["metadata"];
        let uid = meta["uid"].as_str().unwrap_or("").to_string();
        let name = meta["name"].as_str().unwrap_or("").to_string();
        let namespace = meta["namespace"]
            .as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string();
        let now = format_rfc3339(self.now);
        let key = (uid.clone(), reason.to_string(), message.to_string());
        if let Some((ns, ev_name)) = self.event_index.get(&key).cloned() {
            if let Some(old) = self.get("Event", &ns, &ev_name).cloned() {
                let mut ev = (*old).clone();
                let count = ev["count"].as_i64().unwrap_or(1) + 1;
                ev["count"] = json!(count);
                ev["lastTimestamp"] = json!(now);
                self.store.put("Event", ev, EventType::Modified);
                return;
            }
        }
        let seq = self.next_sequence();
        let event_name = format!(
            "{name}.{:x}",
            (self.now as u64).wrapping_mul(1_000_000).wrapping_add(seq)
        );
        let mut involved_ref = json!({
            "apiVersion": involved["apiVersion"],
            "kind": involved["kind"],
            "name": name,
            "namespace": meta["namespace"],
            "resourceVersion": meta["resourceVersion"],
            "uid": uid,
        });
        if let Some(fp) = field_path {
            involved_ref["fieldPath"] = json!(fp);
        }
        let mut source_obj = json!({"component": source.component});
        if !source.host.is_empty() {
            source_obj["host"] = json!(source.host);
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
                "uid": self.rng.uuid(),
            },
            "reason": reason,
            "reportingComponent": source.component,
            "reportingInstance": source.host,
            "source": source_obj,
            "type": if warning { "Warning" } else { "Normal" },
        });
        self.store.put("Event", ev, EventType::Added);
        self.event_index.insert(key, (namespace, event_name));
    }
}
