//! An object kept as its JSON text and decoded when it is read.
//!
//! A `serde_json` map pays a whole B-tree leaf (11 slots, ~640 bytes) however few keys it
//! holds, so an Event of four small maps costs ~4.4 KB as a `Value` and ~1 KB as text.
//! Kinds written often and read rarely (see [`super::store`]) are kept this way; the
//! decoded value is cached until the store's next write, so a reader borrows it as it
//! would a kept `Value`.

use serde_json::Value;
use std::cell::OnceCell;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct Encoded {
    /// `Value::to_string()`: maps' keys in order, so decoding gives back an equal value.
    text: Box<str>,
    decoded: OnceCell<Rc<Value>>,
}

impl Encoded {
    /// Keeps `text`, the JSON of `value` (the caller often has it already: the journal
    /// digest hashes the same text), with `value` as the decoded copy until
    /// [`Encoded::forget`].
    pub fn new(text: String, value: Rc<Value>) -> Encoded {
        Encoded {
            text: text.into_boxed_str(),
            decoded: OnceCell::from(value),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }

    /// The object, decoded on first read. The text was written by `serde_json` from a
    /// `Value`, so it always parses; `Null` would only mean a corrupted store.
    pub fn value(&self) -> &Rc<Value> {
        self.decoded
            .get_or_init(|| Rc::new(serde_json::from_str(&self.text).unwrap_or(Value::Null)))
    }

    /// Drops the decoded copy (readers that cloned its `Rc` keep theirs).
    pub fn forget(&mut self) {
        self.decoded.take();
    }

    /// A copy with nothing decoded: what the kept form weighs.
    pub fn encoded_only(&self) -> Encoded {
        Encoded {
            text: self.text.clone(),
            decoded: OnceCell::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({
            "apiVersion": "v1", "kind": "Event", "count": 3, "type": "Normal",
            "metadata": {"name": "web-0.1", "namespace": "default", "resourceVersion": "42"},
            "involvedObject": {"kind": "Pod", "name": "web-0", "uid": "u-1", "fieldPath": "spec.containers{web}"},
            "message": "Pulled \"nginx:1.27\" in 1.2s (quoted: \\ ü)",
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": null,
            "source": {"component": "kubelet", "host": "node-1"}, "empty": {}, "list": [1, -2, true]
        })
    }

    #[test]
    fn a_forgotten_value_decodes_equal_to_what_was_kept() {
        let v = event();
        let mut e = Encoded::new(v.to_string(), Rc::new(v.clone()));
        assert!(e.is_decoded());
        e.forget();
        assert!(!e.is_decoded());
        assert_eq!(**e.value(), v);
        assert_eq!(e.value().to_string(), v.to_string());
        assert!(e.is_decoded());
    }
}
