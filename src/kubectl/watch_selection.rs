//! What a watch with selectors receives. The API server's watch cache judges every change
//! by the watcher's label and field selectors against the object both before and after it
//! (the cacher's `convertToWatchEvent`): an object that starts to match arrives as ADDED,
//! one that keeps matching as MODIFIED, and one that stops matching — or is deleted while
//! matching — as DELETED carrying its *previous* content. So `get pods -w -l app=x` prints
//! a last row for a pod whose label was just removed, and `--field-selector
//! status.phase=Running` prints a pod's last Running row when it finishes.

use crate::engine::selector::{labels_of, Selector};
use crate::engine::store::EventType;
use crate::kubectl::cli::get::field_matches;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A list's or watch's label and field selectors (`-l`, `--field-selector`; a request's
/// `labelSelector`, `fieldSelector`).
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub labels: Option<Selector>,
    pub fields: Option<String>,
}

impl Selectors {
    fn any(&self) -> bool {
        self.labels.is_some() || self.fields.is_some()
    }

    /// Whether `obj` is selected (a field selector that cannot be read selects nothing;
    /// it was refused before anything was listed).
    pub fn matches(&self, obj: &Value) -> bool {
        self.labels
            .as_ref()
            .is_none_or(|s| s.matches(&labels_of(obj)))
            && self
                .fields
                .as_deref()
                .is_none_or(|f| field_matches(obj, f).unwrap_or(false))
    }
}

/// A watcher's selectors, and the objects that matched at their last change
/// (namespace, name → object), which decide what a change turns into.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    selectors: Selectors,
    matching: BTreeMap<(String, String), Rc<Value>>,
}

impl Selection {
    /// The selectors and the objects the list found (they match now).
    pub fn new(selectors: Selectors, listed: &[Rc<Value>]) -> Selection {
        let mut s = Selection {
            selectors,
            matching: BTreeMap::new(),
        };
        if s.selectors.any() {
            for o in listed {
                s.matching.insert(key(o), o.clone());
            }
        }
        s
    }

    /// What the watcher receives for a change of `obj` (of type `event`, at
    /// `resource_version`): the event's type and object, or `None` when the change is
    /// not its business.
    pub fn see(
        &mut self,
        obj: &Rc<Value>,
        event: EventType,
        resource_version: u64,
    ) -> Option<(EventType, Rc<Value>)> {
        if !self.selectors.any() {
            return Some((event, obj.clone()));
        }
        let k = key(obj);
        if event != EventType::Deleted && self.selectors.matches(obj) {
            let before = self.matching.insert(k, obj.clone());
            let ty = if before.is_some() {
                EventType::Modified
            } else {
                EventType::Added
            };
            return Some((ty, obj.clone()));
        }
        // It matched before: DELETED with the content it matched with, at this version.
        let mut before = (*self.matching.remove(&k)?).clone();
        if let Some(m) = before.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert(
                "resourceVersion".into(),
                Value::String(resource_version.to_string()),
            );
        }
        Some((EventType::Deleted, Rc::new(before)))
    }
}

fn key(obj: &Value) -> (String, String) {
    let field = |f: &str| {
        obj.get("metadata")
            .and_then(|m| m.get(f))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (field("namespace"), field("name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, app: &str, phase: &str, rv: u64) -> Rc<Value> {
        Rc::new(json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"app": app},
                         "resourceVersion": rv.to_string()},
            "status": {"phase": phase}
        }))
    }

    fn by_label(app: &str, listed: &[Rc<Value>]) -> Selection {
        let labels = Some(Selector::parse(&format!("app={app}")).unwrap());
        Selection::new(
            Selectors {
                labels,
                fields: None,
            },
            listed,
        )
    }

    #[test]
    fn without_selectors_every_change_is_delivered_as_it_is() {
        let mut s = Selection::new(Selectors::default(), &[]);
        let a = pod("a", "x", "Running", 5);
        assert_eq!(
            s.see(&a, EventType::Added, 5),
            Some((EventType::Added, a.clone()))
        );
        assert_eq!(
            s.see(&a, EventType::Deleted, 6),
            Some((EventType::Deleted, a))
        );
    }

    #[test]
    fn an_object_that_starts_to_match_is_delivered() {
        let mut s = by_label("x", &[]);
        assert_eq!(
            s.see(&pod("b", "y", "Running", 3), EventType::Added, 3),
            None
        );
        let b = pod("b", "x", "Running", 4);
        assert_eq!(
            s.see(&b, EventType::Modified, 4),
            Some((EventType::Added, b.clone()))
        );
        assert_eq!(
            s.see(&b, EventType::Modified, 5),
            Some((EventType::Modified, b))
        );
    }

    #[test]
    fn an_object_that_stops_matching_is_delivered_once_with_its_matching_content() {
        let a = pod("a", "x", "Running", 2);
        let mut s = by_label("x", std::slice::from_ref(&a));
        let (ty, seen) = s
            .see(&pod("a", "y", "Running", 7), EventType::Modified, 7)
            .unwrap();
        assert_eq!(ty, EventType::Deleted);
        assert_eq!(seen["metadata"]["labels"]["app"], "x");
        assert_eq!(seen["metadata"]["resourceVersion"], "7");
        // No longer matching: later changes and its deletion are not delivered.
        assert_eq!(
            s.see(&pod("a", "y", "Running", 8), EventType::Modified, 8),
            None
        );
        assert_eq!(
            s.see(&pod("a", "y", "Running", 9), EventType::Deleted, 9),
            None
        );
    }

    #[test]
    fn a_field_selector_drops_a_pod_when_its_phase_moves_on() {
        let a = pod("a", "x", "Running", 2);
        let fields = Some("status.phase=Running".to_string());
        let mut s = Selection::new(
            Selectors {
                labels: None,
                fields,
            },
            &[a],
        );
        let (_, seen) = s
            .see(&pod("a", "x", "Succeeded", 5), EventType::Modified, 5)
            .unwrap();
        assert_eq!(seen["status"]["phase"], "Running");
        assert_eq!(
            s.see(&pod("a", "x", "Succeeded", 6), EventType::Deleted, 6),
            None
        );
    }

    #[test]
    fn a_matching_object_deleted_is_delivered_as_it_last_matched() {
        let a = pod("a", "x", "Running", 2);
        let mut s = by_label("x", &[a]);
        let (ty, seen) = s
            .see(&pod("a", "x", "Running", 4), EventType::Deleted, 4)
            .unwrap();
        assert_eq!(ty, EventType::Deleted);
        assert_eq!(seen["metadata"]["resourceVersion"], "4");
    }
}
