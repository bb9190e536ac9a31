//! kubectl diff's `Masker`: a Secret's values never reach the diff. Each value becomes
//! `***`; a key whose value changes shows `*** (before)` and `*** (after)`, so that the
//! change is still visible.

use serde_json::{Map, Value};

const MASK: &str = "***";
const BEFORE: &str = "*** (before)";
const AFTER: &str = "*** (after)";

/// Masks `data` of the live (`from`, if any) and merged (`to`) Secret.
pub fn secret_data(from: Option<&mut Value>, to: &mut Value) {
    let before: Option<Map<String, Value>> = from
        .as_ref()
        .and_then(|f| f.get("data"))
        .and_then(Value::as_object)
        .cloned();
    let after: Option<Map<String, Value>> = to.get("data").and_then(Value::as_object).cloned();
    let masked = |m: &Map<String, Value>, other: Option<&Map<String, Value>>, mine: &str| {
        m.iter()
            .map(|(k, v)| {
                let text = match other.and_then(|o| o.get(k)) {
                    Some(ov) if ov != v => mine,
                    _ => MASK,
                };
                (k.clone(), Value::String(text.to_string()))
            })
            .collect::<Map<String, Value>>()
    };
    if let (Some(from), Some(b)) = (from, &before) {
        from["data"] = Value::Object(masked(b, after.as_ref(), BEFORE));
    }
    if let Some(a) = &after {
        to["data"] = Value::Object(masked(a, before.as_ref(), AFTER));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn changed_values_are_told_apart_and_the_rest_hidden() {
        let mut live = json!({"data": {"pw": "b2xk", "user": "YWRtaW4="}});
        let mut merged = json!({"data": {"pw": "bmV3", "user": "YWRtaW4=", "extra": "eA=="}});
        secret_data(Some(&mut live), &mut merged);
        assert_eq!(live, json!({"data": {"pw": "*** (before)", "user": "***"}}));
        assert_eq!(
            merged,
            json!({"data": {"pw": "*** (after)", "user": "***", "extra": "***"}})
        );
    }

    #[test]
    fn a_new_secret_shows_only_masks() {
        let mut merged = json!({"data": {"pw": "bmV3"}});
        secret_data(None, &mut merged);
        assert_eq!(merged, json!({"data": {"pw": "***"}}));
    }
}
