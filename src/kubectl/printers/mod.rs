//! kubectl's printers: pure functions from API objects and data to text.
pub mod columns;
pub mod custom_columns;
pub mod duration;
pub(crate) mod fields;
pub mod go_sort;
pub mod gotemplate;
pub mod jsonpath;
pub mod list;
pub mod tabwriter;
pub mod yaml;

use serde_json::Value;
use std::borrow::Cow;

/// The object as kubectl's `-o yaml` / `-o json` print it without
/// `--show-managed-fields` (cli-runtime's `OmitManagedFieldsPrinter`; a List's items too).
pub fn omit_managed_fields(obj: &Value) -> Cow<'_, Value> {
    let has = |o: &Value| o.pointer("/metadata/managedFields").is_some();
    let items = obj.get("items").and_then(Value::as_array);
    if !has(obj) && !items.is_some_and(|l| l.iter().any(has)) {
        return Cow::Borrowed(obj);
    }
    let mut v = obj.clone();
    let strip = |o: &mut Value| {
        if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
    };
    strip(&mut v);
    if let Some(list) = v.get_mut("items").and_then(Value::as_array_mut) {
        list.iter_mut().for_each(strip);
    }
    Cow::Owned(v)
}
