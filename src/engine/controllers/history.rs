//! ControllerRevisions: the template history of StatefulSets and DaemonSets, named
//! `<owner>-<hash>`, numbered, renumbered when an old template comes back, and trimmed.

use super::ownership::{controller_ref_to, owned};
use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;
use std::rc::Rc;

/// FNV-32a of the template's JSON, printed in decimal and mapped digit by digit through
/// the API server's safe alphabet (so it contains only `4-9 b c d f`, as real ones do).
pub fn template_hash(template: &Value, collision_count: i64) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes().chain(
        collision_count
            .to_string()
            .bytes()
            .filter(|_| collision_count > 0),
    ) {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|d| ALPHABET[(d as usize) % ALPHABET.len()] as char)
        .collect()
}

/// The revision number of a ControllerRevision.
pub fn number(rev: &Value) -> i64 {
    rev["revision"].as_i64().unwrap_or(0)
}

/// `{"spec":{"template":{…,"$patch":"replace"}}}`, what the revision stores.
pub fn patch_data(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(m) = t.as_object_mut() {
        m.insert("$patch".into(), json!("replace"));
    }
    json!({"spec": {"template": t}})
}

/// Revision `rev` stores `template`: its data is `patch_data(template)`, checked without
/// building it (every sync asks this of the newest revision).
fn holds(rev: &Value, template: &Value) -> bool {
    fn only<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
        v.and_then(Value::as_object)
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get(key))
    }
    let Some(stored) = only(only(rev.get("data"), "spec"), "template") else {
        return false;
    };
    match (stored, template) {
        (Value::Object(stored), Value::Object(template)) => {
            let added = usize::from(!template.contains_key("$patch"));
            stored.len() == template.len() + added
                && stored.get("$patch").and_then(Value::as_str) == Some("replace")
                && template
                    .iter()
                    .all(|(k, v)| k == "$patch" || stored.get(k) == Some(v))
        }
        _ => stored == template,
    }
}

/// The template a revision stores.
pub fn template_of(rev: &Value) -> Value {
    let mut t = rev
        .at("/data/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    t
}

/// Revisions owned by `owner`, oldest first.
pub fn list(w: &World, owner: &Value) -> Vec<Rc<Value>> {
    let mut revs = owned(w, meta_str(owner, "uid"), "ControllerRevision");
    crate::sort::sort_by_key(&mut revs, |r| number(r));
    revs
}

/// Finds or creates the revision for the owner's current template. An identical older
/// revision is renumbered to max+1 (this is what `rollout undo` shows). Returns it and
/// the full list, oldest first.
pub fn ensure_update_revision(
    w: &mut World,
    owner: &Value,
    hash_label: &str,
) -> (Rc<Value>, Vec<Rc<Value>>) {
    let template = owner.at("/spec/template").unwrap_or(&Value::Null);
    let mut revs = list(w, owner);
    let max = revs.iter().map(|r| number(r)).max().unwrap_or(0);
    if let Some(pos) = revs.iter().position(|r| holds(r, template)) {
        if pos + 1 == revs.len() {
            return (revs[pos].clone(), revs);
        }
        let mut r = (*revs[pos]).clone();
        r["revision"] = json!(max + 1);
        let stored = w.write("ControllerRevision", r);
        revs.remove(pos);
        revs.push(stored.clone());
        return (stored, revs);
    }
    let data = patch_data(template);
    let namespace = meta_str(owner, "namespace");
    let owner_name = meta_str(owner, "name");
    let mut collision = 0;
    let mut hash = template_hash(template, collision);
    while w
        .get(
            "ControllerRevision",
            namespace,
            &format!("{owner_name}-{hash}"),
        )
        .is_some()
    {
        collision += 1;
        hash = template_hash(template, collision);
    }
    let mut labels = template
        .at("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels[hash_label] = json!(hash);
    let mut meta = json!({
        "labels": labels,
        "name": format!("{owner_name}-{hash}"),
        "namespace": namespace,
        "ownerReferences": [controller_ref_to(owner)],
    });
    if let Some(a) = owner
        .at("/metadata/annotations")
        .filter(|a| a.as_object().is_some_and(|m| !m.is_empty()))
    {
        let mut a = a.clone();
        if let Some(m) = a.as_object_mut() {
            m.remove("kubectl.kubernetes.io/last-applied-configuration");
            m.remove("deprecated.daemonset.template.generation");
        }
        if a.as_object().is_some_and(|m| !m.is_empty()) {
            meta["annotations"] = a;
        }
    }
    let rev = json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": data,
        "revision": max + 1,
    });
    match w.create(rev) {
        Ok(stored) => {
            revs.push(stored.clone());
            (stored, revs)
        }
        Err(_) => {
            // Cannot happen for a fresh name; fall back to the newest so the caller proceeds.
            let newest = revs.last().cloned().unwrap_or_else(|| Rc::new(Value::Null));
            (newest, revs)
        }
    }
}

/// Deletes the oldest revisions beyond `revisionHistoryLimit` that no pod uses and that
/// are neither the current nor the update revision.
pub fn trim(w: &mut World, owner: &Value, revs: &[Rc<Value>], live: &[&str]) {
    let limit = owner
        .at("/spec/revisionHistoryLimit")
        .and_then(Value::as_i64)
        .unwrap_or(10)
        .max(0) as usize;
    let deletable: Vec<&Rc<Value>> = revs
        .iter()
        .filter(|r| !live.contains(&meta_str(r, "name")))
        .collect();
    if deletable.len() <= limit {
        return;
    }
    let n = deletable.len() - limit;
    let names: Vec<(String, String)> = deletable
        .iter()
        .take(n)
        .map(|r| {
            (
                meta_str(r, "namespace").to_string(),
                meta_str(r, "name").to_string(),
            )
        })
        .collect();
    for (ns, name) in names {
        w.remove_now("ControllerRevision", &ns, &name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_holds_exactly_the_template_its_patch_data_was_made_from() {
        let t = json!({"metadata": {"labels": {"app": "web"}},
                       "spec": {"containers": [{"image": "nginx:1.27", "name": "nginx"}]}});
        let rev = json!({"data": patch_data(&t)});
        assert!(holds(&rev, &t));
        let mut other = t.clone();
        other["spec"]["containers"][0]["image"] = json!("nginx:1.26");
        assert!(!holds(&rev, &other));
        let mut extra = t.clone();
        extra["spec"]["hostname"] = json!("x");
        assert!(!holds(&rev, &extra));
        assert!(!holds(
            &json!({"data": {"spec": {"template": t.clone()}}}),
            &t
        ));
        assert!(holds(
            &json!({"data": patch_data(&Value::Null)}),
            &Value::Null
        ));
    }

    #[test]
    fn template_hashes_use_only_the_safe_digit_alphabet_and_are_stable() {
        let t = json!({"spec": {"containers": [{"image": "nginx", "name": "nginx"}]}});
        let h = template_hash(&t, 0);
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        assert_eq!(h, template_hash(&t, 0));
        assert_ne!(h, template_hash(&t, 1));
    }
}
