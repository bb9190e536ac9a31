//! An object kept as its JSON text and decoded when it is read, as etcd keeps objects
//! encoded and the API server decodes what it serves.
//!
//! A `serde_json` map pays a whole B-tree leaf (11 slots, ~640 bytes) however few keys it
//! holds, so an Event of four small maps costs ~4.4 KB as a `Value` and ~1 KB as text, a
//! Running pod ~23 KB and ~3 KB. Kinds with many objects (see [`super::store`]) are kept
//! this way; the decoded value is cached until the store's next write, so a reader
//! borrows it as it would a kept `Value`. The store and the watch journal share one
//! text.

use serde_json::Value;
use std::cell::OnceCell;
use std::ops::Deref;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct Encoded {
    /// `Value::to_string()`: maps' keys in order, so decoding gives back an equal value.
    text: Rc<str>,
    decoded: OnceCell<Rc<Value>>,
}

impl Encoded {
    /// Keeps `text`, the JSON of `value` (the caller often has it already: the journal
    /// digest hashes the same text), with `value` as the decoded copy until
    /// [`Encoded::forget`].
    pub fn new(text: Rc<str>, value: Rc<Value>) -> Encoded {
        Encoded {
            text,
            decoded: OnceCell::from(value),
        }
    }

    /// Only the text: decoded on first read.
    pub fn cold(text: Rc<str>) -> Encoded {
        Encoded {
            text,
            decoded: OnceCell::new(),
        }
    }

    pub fn text(&self) -> &Rc<str> {
        &self.text
    }

    pub fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }

    /// The decoded copy, if one is held (without decoding).
    pub fn decoded(&self) -> Option<&Rc<Value>> {
        self.decoded.get()
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

    /// A deep copy with nothing decoded: what the kept form weighs.
    pub fn encoded_only(&self) -> Encoded {
        Encoded::cold(Rc::from(&*self.text))
    }
}

/// One stored object or journal entry: decoded, or as text decoded on read. Derefs to
/// the object, so a reader does not care which.
#[derive(Debug, Clone)]
pub enum Kept {
    Value(Rc<Value>),
    Text(Encoded),
}

impl Kept {
    /// The object (decoded now if it was kept as text).
    pub fn value(&self) -> &Rc<Value> {
        match self {
            Kept::Value(v) => v,
            Kept::Text(e) => e.value(),
        }
    }

    /// The JSON text, if kept.
    pub fn text(&self) -> Option<&Rc<str>> {
        match self {
            Kept::Value(_) => None,
            Kept::Text(e) => Some(e.text()),
        }
    }

    /// The decoded object, if held (always, for a kept `Value`), without decoding.
    pub fn decoded(&self) -> Option<&Rc<Value>> {
        match self {
            Kept::Value(v) => Some(v),
            Kept::Text(e) => e.decoded(),
        }
    }
}

impl Deref for Kept {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
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
        let mut e = Encoded::new(v.to_string().into(), Rc::new(v.clone()));
        assert!(e.is_decoded());
        e.forget();
        assert!(!e.is_decoded());
        assert_eq!(**e.value(), v);
        assert_eq!(e.value().to_string(), v.to_string());
        assert!(e.is_decoded());
    }
}
