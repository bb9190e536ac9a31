//! What may be typed at the cursor, from the same 1.34 schema table `kubectl explain`
//! prints: field names of the mapping the cursor is in, enum values of the field whose
//! value it is typing, kinds and the apiVersions that serve them. And the explain text of
//! the field under the cursor, as `kubectl explain KIND.PATH` prints it.

use crate::engine::api::discovery::RESOURCES;
use crate::engine::api::schema::{self, Field, Ty};
use crate::kubectl::explain::{explain, Lang};

use super::path::{cursor_path, strip_comment, CursorPath, Segment, Spot};

/// One entry of the completion list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the list shows and what is matched against the typed prefix.
    pub label: String,
    /// What replaces the word at the cursor (a key brings its colon and the next line).
    pub insert: String,
    /// The type as explain prints it (`<string>`, `-required-`), or the enum's field.
    pub detail: String,
    /// The `kubectl explain` argument that documents this entry, when one does.
    pub explain_path: Option<String>,
}

/// The candidates for the word at the cursor and the byte range they replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub from: usize,
    pub to: usize,
    pub items: Vec<Candidate>,
}

/// The completion list at byte `offset`; `None` when the schema has nothing to offer.
pub fn complete(text: &str, offset: usize) -> Option<Completion> {
    let at = cursor_path(text, offset)?;
    let (prefix, mut items) = match &at.spot {
        Spot::Key { prefix } => (prefix.as_str(), key_candidates(text, &at)),
        Spot::Value { key, prefix } => (prefix.as_str(), value_candidates(&at, key)),
    };
    let wanted = prefix.to_ascii_lowercase();
    items.retain(|c| c.label.to_ascii_lowercase().starts_with(&wanted) && c.label != prefix);
    (!items.is_empty()).then_some(Completion {
        from: at.word.0,
        to: at.word.1,
        items,
    })
}

/// The schema type holding the cursor's line: the kind's type followed down `parents`.
fn type_at(kind: Option<&str>, parents: &[Segment]) -> Option<Ty> {
    let root = schema::type_named(kind?)?;
    let mut ty = Ty::Named(root.name);
    for segment in parents {
        ty = match (segment, ty) {
            (Segment::Key(_), Ty::Map(inner)) => *inner,
            (Segment::Key(name), _) => ty.element_type()?.field(name)?.ty,
            (Segment::Item, Ty::Array(inner)) => *inner,
            (Segment::Item, _) => return None,
        };
    }
    Some(ty)
}

/// The field of the mapping at `parents` named `name`.
fn field_at(at: &CursorPath, name: &str) -> Option<&'static Field> {
    match type_at(at.kind.as_deref(), &at.parents)? {
        ty @ Ty::Named(_) => ty.element_type()?.field(name),
        _ => None,
    }
}

/// `kubectl explain` arguments for the keys `parents` + `last`, or `None` when the path
/// runs through a map's arbitrary keys or a list's items only.
fn explain_path(at: &CursorPath, last: &str) -> Option<String> {
    let kind = at.kind.as_deref()?;
    let resource = RESOURCES.iter().find(|r| r.kind == kind)?;
    let mut path = resource.singular.to_string();
    let mut ty = Ty::Named(schema::type_named(kind)?.name);
    for segment in &at.parents {
        match (segment, ty) {
            (Segment::Key(_), Ty::Map(_)) => return None,
            (Segment::Key(name), _) => {
                ty = ty.element_type()?.field(name)?.ty;
                path.push('.');
                path.push_str(name);
            }
            (Segment::Item, Ty::Array(inner)) => ty = *inner,
            (Segment::Item, _) => return None,
        }
    }
    if matches!(ty, Ty::Map(_)) {
        return None;
    }
    path.push('.');
    path.push_str(last);
    Some(path)
}

/// A field's type as explain's field list shows it: `<string> -required-`.
fn detail(field: &Field) -> String {
    let required = if field.required { " -required-" } else { "" };
    format!("<{}>{required}", field.ty.explain_name())
}

/// What a chosen key brings: `name: ` for a scalar; the colon, a new line and the indent
/// of its first child for a mapping; `- ` at the key's column for a list, as kubectl
/// writes lists.
fn key_insert(field: &Field, column: usize) -> String {
    let object = |t: &Ty| match t {
        Ty::Object | Ty::Map(_) => true,
        Ty::Named(_) => t.element_type().is_some_and(|t| !t.fields.is_empty()),
        _ => false,
    };
    match field.ty {
        Ty::Array(_) => format!("{}:\n{}- ", field.name, " ".repeat(column)),
        t if object(&t) => format!("{}:\n{}", field.name, " ".repeat(column + 2)),
        _ => format!("{}: ", field.name),
    }
}

fn key_candidates(text: &str, at: &CursorPath) -> Vec<Candidate> {
    let present = match &at.flow_keys {
        Some(keys) => keys.clone(),
        None => sibling_keys(text, at),
    };
    let fields: &'static [Field] = match type_at(at.kind.as_deref(), &at.parents) {
        Some(ty @ Ty::Named(_)) => ty.element_type().map_or(&[], |t| t.fields),
        // Before `kind:` is written, the keys every object starts with.
        None if at.parents.is_empty() => return root_keys(&present),
        _ => &[],
    };
    fields
        .iter()
        .filter(|f| !present.iter().any(|p| p == f.name))
        .map(|f| Candidate {
            label: f.name.to_string(),
            // Inside `{…}` a key's value goes on the same line, whatever its type.
            insert: match at.flow_keys {
                Some(_) => format!("{}: ", f.name),
                None => key_insert(f, at.key_column),
            },
            detail: detail(f),
            explain_path: explain_path(at, f.name),
        })
        .collect()
}

fn root_keys(present: &[String]) -> Vec<Candidate> {
    [
        ("apiVersion", "<string>"),
        ("kind", "<string>"),
        ("metadata", "<ObjectMeta>"),
    ]
    .into_iter()
    .filter(|(k, _)| !present.iter().any(|p| p == k))
    .map(|(k, t)| Candidate {
        label: k.to_string(),
        insert: if k == "metadata" {
            "metadata:\n  ".into()
        } else {
            format!("{k}: ")
        },
        detail: t.to_string(),
        explain_path: None,
    })
    .collect()
}

fn value_candidates(at: &CursorPath, key: &str) -> Vec<Candidate> {
    let value = |label: String, detail: String| Candidate {
        insert: label.clone(),
        label,
        detail,
        explain_path: explain_path(at, key),
    };
    if at.parents.is_empty() && key == "kind" {
        let mut kinds: Vec<(&str, String)> = RESOURCES
            .iter()
            .map(|r| (r.kind, r.api_version()))
            .collect();
        crate::sort::sort(&mut kinds);
        kinds.dedup_by(|a, b| a.0 == b.0);
        return kinds
            .into_iter()
            .map(|(k, v)| value(k.to_string(), v))
            .collect();
    }
    if at.parents.is_empty() && key == "apiVersion" {
        let mut versions: Vec<(String, &str)> = RESOURCES
            .iter()
            .filter(|r| at.kind.as_deref().is_none_or(|k| k == r.kind))
            .map(|r| (r.api_version(), r.kind))
            .collect();
        crate::sort::sort(&mut versions);
        versions.dedup_by(|a, b| a.0 == b.0);
        let kind = at.kind.is_some();
        return versions
            .into_iter()
            .map(|(v, k)| value(v, if kind { k.to_string() } else { String::new() }))
            .collect();
    }
    let Some(field) = field_at(at, key) else {
        return Vec::new();
    };
    let detail = format!("{key} <{}>", field.ty.explain_name());
    match field.ty {
        Ty::Boolean => ["false", "true"]
            .map(|v| value(v.to_string(), detail.clone()))
            .to_vec(),
        _ => field
            .enum_values
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| value(v.to_string(), detail.clone()))
            .collect(),
    }
}

/// The keys already written in the mapping the cursor is in (above and below it).
fn sibling_keys(text: &str, at: &CursorPath) -> Vec<String> {
    let column = at.key_column;
    let line_start = text[..at.word.0].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at.word.1..]
        .find('\n')
        .map_or(text.len(), |i| at.word.1 + i);
    let mut keys = Vec::new();
    // Returns whether the line still belongs to the mapping.
    let mut visit = |line: &str, going_up: bool| -> bool {
        let code = strip_comment(line);
        let trimmed = code.trim_start_matches([' ', '-']);
        if trimmed.trim().is_empty() {
            return true;
        }
        let indent = code.len() - code.trim_start().len();
        let key_col = code.len() - trimmed.len();
        if key_col == column {
            if let Some(end) = trimmed.find(':') {
                keys.push(trimmed[..end].to_string());
            }
        }
        let starts_item = code.trim_start().starts_with('-');
        match (going_up, starts_item) {
            // Going up, an item's first line is the mapping's first line.
            (true, true) if key_col == column => false,
            _ => indent >= column,
        }
    };
    for line in text[..line_start].lines().rev() {
        if !visit(line, true) || line.trim() == "---" {
            break;
        }
    }
    for line in text[line_end..].lines().skip(1) {
        if !visit(line, false) || line.trim() == "---" {
            break;
        }
    }
    keys
}

/// The `kubectl explain` argument for the field under the cursor: the key the cursor is
/// on, or whose value it is in (`deployment.spec.replicas`).
pub fn explain_path_at(text: &str, offset: usize) -> Option<String> {
    let at = cursor_path(text, offset)?;
    let name = match &at.spot {
        Spot::Key { .. } => text[at.word.0..at.word.1].trim_end_matches(':').to_string(),
        Spot::Value { key, .. } => key.clone(),
    };
    explain_path(&at, &name)
}

/// `kubectl explain`'s text for the field under the cursor, with its explain argument.
pub fn docs_at(text: &str, offset: usize, lang: Lang) -> Option<(String, String)> {
    let path = explain_path_at(text, offset)?;
    let docs = docs_for(&path, lang)?;
    Some((path, docs))
}

/// The explain text for a candidate's `explain_path`.
pub fn docs_for(path: &str, lang: Lang) -> Option<String> {
    explain(path, false, None, lang).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        imagePullPolicy: \n";

    fn labels_at(text: &str, marker: &str) -> Vec<String> {
        let offset = text.find(marker).unwrap() + marker.len();
        complete(text, offset)
            .map(|c| c.items.into_iter().map(|i| i.label).collect())
            .unwrap_or_default()
    }

    #[test]
    fn image_pull_policy_offers_its_three_enum_values() {
        assert_eq!(
            labels_at(DEPLOY, "imagePullPolicy: "),
            ["Always", "IfNotPresent", "Never"]
        );
    }

    #[test]
    fn typed_letters_narrow_the_list_and_the_word_is_replaced() {
        let text = DEPLOY.replace("imagePullPolicy: ", "imagePullPolicy: if");
        let offset = text.find(": if").unwrap() + 4;
        let c = complete(&text, offset).unwrap();
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].insert, "IfNotPresent");
        assert_eq!(&text[c.from..c.to], "if");
    }

    #[test]
    fn container_keys_come_from_the_schema_without_the_ones_written() {
        let text = DEPLOY.replace("imagePullPolicy: \n", "re\n");
        let labels = labels_at(&text, "\n        re");
        assert!(labels.iter().all(|l| l.starts_with("re")), "{labels:?}");
        assert!(labels.contains(&"resources".to_string()), "{labels:?}");
        assert!(labels.contains(&"readinessProbe".to_string()), "{labels:?}");
        let all = labels_at(
            &text.replace("\n        re", "\n        "),
            "image: nginx\n        ",
        );
        assert!(all.contains(&"ports".to_string()));
        assert!(
            !all.contains(&"name".to_string()),
            "name is written already: {all:?}"
        );
        assert!(!all.contains(&"image".to_string()));
    }

    #[test]
    fn flow_mappings_complete_their_keys_on_one_line_and_their_enum_values() {
        let text = "kind: Pod\nspec:\n  containers:\n  - {name: a, re";
        let c = complete(text, text.len()).unwrap();
        let labels: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
        assert!(labels.contains(&"resources"), "{labels:?}");
        let resources = c.items.iter().find(|i| i.label == "resources").unwrap();
        assert_eq!(resources.insert, "resources: ");
        let all = labels_at("kind: Pod\nspec:\n  containers:\n  - {name: a, ", ", ");
        assert!(!all.contains(&"name".to_string()), "{all:?}");
        assert!(all.contains(&"image".to_string()), "{all:?}");
        assert_eq!(
            labels_at("kind: Pod\nspec: {restartPolicy: }", "restartPolicy: "),
            ["Always", "Never", "OnFailure"]
        );
    }

    #[test]
    fn inside_a_flow_mapping_the_keys_of_the_enclosing_block_are_not_offered() {
        let labels = labels_at("kind: Pod\nmetadata: {\n  name: a,\n  \n}", "a,\n  ");
        assert!(labels.contains(&"labels".to_string()), "{labels:?}");
        assert!(!labels.contains(&"spec".to_string()), "{labels:?}");
        assert!(labels_at("kind: Pod\nspec:\n  containers:\n  - args: [a, ", ", ").is_empty());
    }

    #[test]
    fn a_list_field_brings_its_first_dash_and_a_mapping_its_indent() {
        let text = "kind: Pod\nspec:\n  contai";
        let c = complete(text, text.len()).unwrap();
        let containers = c.items.iter().find(|i| i.label == "containers").unwrap();
        assert_eq!(containers.insert, "containers:\n  - ");
        assert_eq!(containers.detail, "<[]Container> -required-");
        let text = "kind: Pod\nspec:\n  securityCon";
        let c = complete(text, text.len()).unwrap();
        assert_eq!(c.items[0].insert, "securityContext:\n    ");
        let text = "kind: Pod\nspec:\n  hostNet";
        assert_eq!(
            complete(text, text.len()).unwrap().items[0].insert,
            "hostNetwork: "
        );
    }

    #[test]
    fn kind_and_api_version_come_in_served_pairs() {
        let kinds = labels_at("apiVersion: v1\nkind: Daemon", "kind: Daemon");
        assert_eq!(kinds, ["DaemonSet"]);
        let versions = labels_at("apiVersion: \nkind: Deployment\n", "apiVersion: ");
        assert_eq!(versions, ["apps/v1"]);
        let versions = labels_at("apiVersion: \nkind: Pod\n", "apiVersion: ");
        assert_eq!(versions, ["v1"]);
    }

    #[test]
    fn an_empty_document_offers_the_keys_every_object_starts_with() {
        assert_eq!(labels_at("", ""), ["apiVersion", "kind", "metadata"]);
        assert_eq!(
            labels_at("kind: Pod\n", "\n"),
            ["apiVersion", "metadata", "spec", "status"]
        );
    }

    #[test]
    fn booleans_offer_true_and_false() {
        assert_eq!(
            labels_at("kind: Pod\nspec:\n  hostNetwork: ", "hostNetwork: "),
            ["false", "true"]
        );
    }

    #[test]
    fn map_keys_and_free_values_offer_nothing() {
        assert!(labels_at("kind: Pod\nmetadata:\n  labels:\n    ap", "ap").is_empty());
        assert!(labels_at("kind: Pod\nmetadata:\n  name: ", "name: ").is_empty());
    }

    #[test]
    fn docs_show_explain_for_the_field_under_the_cursor() {
        let offset = DEPLOY.find("image: ").unwrap() + 2;
        let (path, docs) = docs_at(DEPLOY, offset, Lang::En).unwrap();
        assert_eq!(path, "deployment.spec.template.spec.containers.image");
        assert_eq!(docs, explain(&path, false, None, Lang::En).unwrap());
        assert!(docs.contains("FIELD: image <string>"), "{docs}");
        let offset = DEPLOY.find("imagePullPolicy").unwrap() + 3;
        let (_, docs) = docs_at(DEPLOY, offset, Lang::En).unwrap();
        assert!(
            docs.contains("ENUM:\n    Always\n    IfNotPresent\n    Never"),
            "{docs}"
        );
    }

    #[test]
    fn docs_follow_the_language() {
        let offset = DEPLOY.find("image: ").unwrap() + 2;
        let (path, docs) = docs_at(DEPLOY, offset, Lang::ZhTw).unwrap();
        assert_eq!(docs, explain(&path, false, None, Lang::ZhTw).unwrap());
    }

    #[test]
    fn a_candidate_documents_itself() {
        let text = "kind: Pod\nspec:\n  restartPol";
        let c = complete(text, text.len()).unwrap();
        let path = c.items[0].explain_path.clone().unwrap();
        assert_eq!(path, "pod.spec.restartPolicy");
        assert!(docs_for(&path, Lang::En)
            .unwrap()
            .contains("FIELD: restartPolicy <string>"));
    }
}
