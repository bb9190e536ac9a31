//! Where the cursor is in a block-style YAML manifest: the chain of keys above it, and
//! whether it sits on a key or on a value. Read from indentation alone, as a person reads
//! it, so that it works on the half-typed, invalid text an editor holds most of the time.
//! Flow style (`{a: b}`, `[a, b]`) is `flow`'s: the cursor inside it is placed from the
//! outermost open bracket's place in the blocks.

use super::flow::{flow_spot, open_frames, Frame};

/// One step from the document's root down to the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key (`spec`).
    Key(String),
    /// An item of a sequence (`- `).
    Item,
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spot {
    /// Typing a key: `prefix` is the part of it before the cursor.
    Key { prefix: String },
    /// Typing the value of `key`: `prefix` is the part of the value before the cursor.
    Value { key: String, prefix: String },
}

/// The cursor's place in its YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorPath {
    /// The mappings and sequences that hold the cursor's line, outermost first.
    pub parents: Vec<Segment>,
    pub spot: Spot,
    /// Byte range of the word a completion replaces: the key or value around the cursor.
    pub word: (usize, usize),
    /// Column of the key on the cursor's line (where a sibling key starts).
    pub key_column: usize,
    /// The document's top-level `kind:` and `apiVersion:`, when it has them.
    pub kind: Option<String>,
    pub api_version: Option<String>,
    /// Inside a flow mapping (`{name: web, `): the keys already written in it.
    pub flow_keys: Option<Vec<String>>,
}

/// One non-blank line, taken apart: `    - - name: web  # c` has dashes at 4 and 6, the
/// key `name` at column 8 and the value `web`.
#[derive(Debug, PartialEq, Eq)]
struct Line<'a> {
    dashes: Vec<usize>,
    /// Column where the content after the dashes starts.
    column: usize,
    key: Option<&'a str>,
    /// The value after `key:`, without a comment; the whole content when there is no key.
    value: &'a str,
}

impl<'a> Line<'a> {
    fn parse(line: &'a str) -> Option<Line<'a>> {
        let code = strip_comment(line);
        let mut column = code.len() - code.trim_start_matches(' ').len();
        let mut dashes = Vec::new();
        let mut rest = &code[column..];
        while rest == "-" || rest.starts_with("- ") {
            dashes.push(column);
            let after = rest[1..].trim_start_matches(' ');
            column += rest.len() - after.len();
            rest = after;
        }
        if rest.trim().is_empty() && dashes.is_empty() {
            return None;
        }
        let (key, value) = match split_key(rest) {
            Some((k, v)) => (Some(k), v.trim()),
            None => (None, rest.trim()),
        };
        Some(Line {
            dashes,
            column,
            key,
            value,
        })
    }

    /// A key whose value is on the lines below it (a mapping or a sequence).
    fn opens_block(&self) -> bool {
        self.key.is_some() && (self.value.is_empty() || self.value.starts_with('&'))
    }
}

/// `key: value` or `key:` split at the colon; `None` when the text is not a key.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(": ")
        .or_else(|| text.ends_with(':').then(|| text.len() - 1))?;
    let key = &text[..end];
    let quoted_or_flow = key.starts_with(['"', '\'', '{', '[']) || key.contains(['{', '[']);
    (!key.is_empty() && !quoted_or_flow).then(|| (key, &text[end + 1..]))
}

/// The line without a `#` comment that is not inside quotes.
pub fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || line[..i].ends_with([' ', '\t']) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Whether a line separates documents in a stream (`---`).
fn is_separator(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// The byte range of the YAML document (between `---` lines) holding the line at `offset`.
fn document_at(text: &str, offset: usize) -> (usize, usize) {
    let (mut start, mut pos) = (0, 0);
    for line in text.split_inclusive('\n') {
        if is_separator(line.trim_end()) {
            if pos >= offset {
                return (start, pos);
            }
            start = pos + line.len();
        }
        pos += line.len();
    }
    (start, text.len())
}

/// A top-level scalar of the document (`kind`, `apiVersion`).
fn top_level(document: &str, key: &str) -> Option<String> {
    document.lines().find_map(|l| {
        let line = Line::parse(l)?;
        (line.column == 0
            && line.dashes.is_empty()
            && line.key == Some(key)
            && !line.value.is_empty())
        .then(|| line.value.trim_matches(['"', '\'']).to_string())
    })
}

/// Where the cursor at byte `offset` of `text` is. `None` inside a comment.
pub fn cursor_path(text: &str, offset: usize) -> Option<CursorPath> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = &text[line_start..offset];
    if strip_comment(before).len() < before.len() {
        return None;
    }
    let (doc_start, doc_end) = document_at(text, line_start);
    let document = &text[doc_start..doc_end];
    let frames = open_frames(text, doc_start, offset);
    if let Some(outer) = frames.first() {
        return in_flow(text, offset, &frames, outer.open);
    }

    // The cursor's own line, up to the cursor.
    let indent = before.len() - before.trim_start_matches(' ').len();
    let mut column = indent;
    let mut dashes = Vec::new();
    let mut rest = &before[indent..];
    while rest.starts_with("- ") {
        dashes.push(column);
        let after = rest[1..].trim_start_matches(' ');
        column += rest.len() - after.len();
        rest = after;
    }
    let word_start = line_start + column;
    let (spot, word) = match split_key(rest).filter(|(_, v)| !v.is_empty() || rest.ends_with(':')) {
        Some((key, value)) if rest.len() > key.len() => {
            let prefix = value.trim_start();
            let from = offset - prefix.len();
            let to = line_end_of_word(text, offset, line_end);
            let spot = Spot::Value {
                key: key.to_string(),
                prefix: prefix.to_string(),
            };
            (spot, (from, to))
        }
        _ => {
            let to = text[offset..line_end]
                .find(|c: char| c == ':' || c.is_whitespace())
                .map_or(line_end, |i| offset + i);
            let spot = Spot::Key {
                prefix: rest.to_string(),
            };
            (spot, (word_start, to))
        }
    };

    let mut parents = Vec::new();
    // The innermost dash of the cursor's line is the item the key belongs to.
    let mut col = column;
    let mut in_item = false;
    if let Some(&outer) = dashes.first() {
        parents.extend(dashes.iter().map(|_| Segment::Item));
        col = outer;
        in_item = true;
    }
    let above = &text[doc_start.min(line_start)..line_start];
    for raw in above.lines().rev() {
        if col == 0 && !in_item {
            break;
        }
        let Some(line) = Line::parse(raw) else {
            continue;
        };
        let first = line.dashes.first().copied().unwrap_or(line.column);
        if !in_item && !line.dashes.is_empty() && line.column == col {
            // A sibling key on an item's first line: the cursor's mapping is that item.
            parents.extend(line.dashes.iter().map(|_| Segment::Item));
            col = first;
            in_item = true;
            continue;
        }
        let is_parent = match in_item {
            // A sequence's items sit at or right of their key (`containers:` / `- name:`).
            true => line.column <= col,
            false => line.column < col,
        };
        if !is_parent {
            if first < col && !(in_item && first == col) {
                // Less indented but not a key that opens a block: no parent to find.
                break;
            }
            continue;
        }
        if !line.opens_block() {
            break;
        }
        parents.push(Segment::Key(line.key.unwrap_or_default().to_string()));
        parents.extend(line.dashes.iter().map(|_| Segment::Item));
        col = first;
        in_item = !line.dashes.is_empty();
    }
    parents.reverse();
    Some(CursorPath {
        parents,
        spot,
        word,
        key_column: column,
        kind: top_level(document, "kind"),
        api_version: top_level(document, "apiVersion"),
        flow_keys: None,
    })
}

/// The cursor inside flow collections, the outermost opened at byte `open`: the path to
/// that bracket's place (the value of a key, or an item of a block sequence), then down
/// the collections.
fn in_flow(text: &str, offset: usize, frames: &[Frame], open: usize) -> Option<CursorPath> {
    let at = flow_spot(text, offset, frames)?;
    let base = cursor_path(text, open)?;
    let mut parents = base.parents;
    match base.spot {
        Spot::Value { key, prefix } if prefix.is_empty() => parents.push(Segment::Key(key)),
        // `- {name: web}`: the collection is the item itself.
        Spot::Key { prefix } if prefix.is_empty() && parents.last() == Some(&Segment::Item) => {}
        _ => return None,
    }
    parents.extend(at.segments);
    Some(CursorPath {
        parents,
        spot: at.spot,
        word: at.word,
        key_column: base.key_column,
        kind: base.kind,
        api_version: base.api_version,
        flow_keys: Some(at.keys),
    })
}

/// The end of the value word at the cursor: up to the line's end or a comment.
fn line_end_of_word(text: &str, offset: usize, line_end: usize) -> usize {
    let rest = &text[offset..line_end];
    offset + strip_comment(rest).trim_end().len()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        imagePullPolicy: \n";

    fn at(text: &str, marker: &str) -> CursorPath {
        let offset = text.find(marker).unwrap() + marker.len();
        cursor_path(text, offset).unwrap()
    }

    fn keys(p: &CursorPath) -> String {
        p.parents
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.as_str(),
                Segment::Item => "[]",
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn a_value_inside_a_container_knows_its_whole_path() {
        let p = at(DEPLOY, "imagePullPolicy: ");
        assert_eq!(keys(&p), "spec.template.spec.containers.[]");
        assert_eq!(p.spot, value_spot("imagePullPolicy", ""));
        assert_eq!(p.kind.as_deref(), Some("Deployment"));
        assert_eq!(p.api_version.as_deref(), Some("apps/v1"));
    }

    #[test]
    fn a_key_on_an_items_first_line_is_inside_the_item() {
        let p = at(DEPLOY, "- na");
        assert_eq!(keys(&p), "spec.template.spec.containers.[]");
        assert_eq!(
            p.spot,
            Spot::Key {
                prefix: "na".into()
            }
        );
        let start = DEPLOY.find("- name").unwrap() + 2;
        assert_eq!(p.word, (start, start + 4));
    }

    #[test]
    fn a_top_level_key_has_no_parents() {
        let p = at(DEPLOY, "\nki");
        assert!(p.parents.is_empty());
        assert_eq!(
            p.spot,
            Spot::Key {
                prefix: "ki".into()
            }
        );
    }

    #[test]
    fn a_new_key_under_a_block_belongs_to_that_block() {
        let text = "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: b\n  restart";
        let p = at(text, "restart");
        assert_eq!(keys(&p), "spec");
        let text = "kind: Pod\nspec:\n  containers:\n  - name: a\n    ima";
        assert_eq!(keys(&at(text, "ima")), "spec.containers.[]");
    }

    #[test]
    fn a_second_item_skips_the_first_items_lines() {
        let text = "kind: Pod\nspec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n  - name: b\n    ports:\n    - proto";
        assert_eq!(keys(&at(text, "proto")), "spec.containers.[].ports.[]");
    }

    #[test]
    fn a_list_under_an_items_first_key_nests_inside_that_item() {
        let text = "kind: Pod\nspec:\n  containers:\n  - ports:\n    - proto";
        assert_eq!(keys(&at(text, "proto")), "spec.containers.[].ports.[]");
    }

    #[test]
    fn each_document_of_a_stream_has_its_own_kind() {
        let text = "kind: Service\nspec:\n  type: x\n---\nkind: Pod\nspec:\n  restartPolicy: ";
        let p = at(text, "restartPolicy: ");
        assert_eq!(p.kind.as_deref(), Some("Pod"));
        assert_eq!(keys(&p), "spec");
    }

    fn value_spot(key: &str, prefix: &str) -> Spot {
        Spot::Value {
            key: key.into(),
            prefix: prefix.into(),
        }
    }

    #[test]
    fn a_key_inside_a_flow_mapping_continues_the_blocks_path() {
        let text = "kind: Pod\nspec:\n  containers:\n  - {name: a, imagePullPolicy: Al";
        let p = at(text, ": Al");
        assert_eq!(keys(&p), "spec.containers.[]");
        assert_eq!(p.spot, value_spot("imagePullPolicy", "Al"));
        assert_eq!(p.flow_keys, Some(vec!["name".to_string()]));
        let text = "kind: Pod\nmetadata: {\n  name: a,\n  la";
        let p = at(text, "la");
        assert_eq!(keys(&p), "metadata");
        assert_eq!(
            p.spot,
            Spot::Key {
                prefix: "la".into()
            }
        );
    }

    #[test]
    fn a_comment_is_no_place_to_complete() {
        assert_eq!(cursor_path("kind: Pod # ki", 14), None);
    }

    #[test]
    fn comments_and_blank_lines_between_keys_do_not_break_the_path() {
        let text = "kind: Pod\nspec:\n\n  # the containers\n  containers:\n  - name: a\n\n    imagePullPolicy: Al";
        let p = at(text, ": Al");
        assert_eq!(keys(&p), "spec.containers.[]");
        assert_eq!(p.spot, value_spot("imagePullPolicy", "Al"));
    }
}
