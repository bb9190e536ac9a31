//! Flow-style collections around the cursor (`metadata: {name: web, la`,
//! `ports: [{containerPort: 80, pro`): which are still open, and the key or value the cursor
//! is typing in the innermost one. Read from brackets, commas and quotes, on half-typed text.

use super::path::{Segment, Spot};

/// A `{` or `[` opened before the cursor and not yet closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Byte offset of the bracket.
    pub open: usize,
    /// `{` (a mapping) rather than `[` (a sequence).
    pub mapping: bool,
    /// The key whose value it is, when it opened inside a flow mapping.
    pub key: Option<String>,
    /// The keys written in it so far (a mapping's).
    pub keys: Vec<String>,
    /// Where its current entry (after the bracket or the last comma) starts.
    pub entry: usize,
}

/// The key part of a flow mapping entry (`name: web` → `name`), when it has one.
fn entry_key(entry: &str) -> Option<&str> {
    let entry = entry.trim_start();
    let end = entry
        .find(": ")
        .or_else(|| entry.ends_with(':').then(|| entry.len() - 1))?;
    let key = entry[..end].trim();
    (!key.is_empty()).then_some(key)
}

/// Whether a bracket at `i` starts a flow collection: at the start of a value, an item or
/// an entry, not inside a plain word (`echo a[1]`).
fn starts_collection(text: &str, start: usize, i: usize) -> bool {
    let before = text[start..i].trim_end_matches(' ');
    let line = before.rsplit('\n').next().unwrap_or(before);
    line.is_empty() || line.ends_with([':', '-', ',', '[', '{'])
}

/// The flow collections still open at `offset`, outermost first, reading `text` from
/// `start` (the document's first byte). Empty in block style.
pub fn open_frames(text: &str, start: usize, offset: usize) -> Vec<Frame> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut quote = None;
    let mut chars = text[start..offset].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let i = start + i;
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if i == start || text[..i].ends_with([' ', '\t', '\n']) => {
                while chars.next_if(|(_, c)| *c != '\n').is_some() {}
            }
            (None, '{' | '[') if !frames.is_empty() || starts_collection(text, start, i) => {
                let key = frames
                    .last()
                    .filter(|f| f.mapping)
                    .and_then(|f| entry_key(&text[f.entry..i]))
                    .map(str::to_string);
                frames.push(Frame {
                    open: i,
                    mapping: c == '{',
                    key,
                    keys: Vec::new(),
                    entry: i + 1,
                });
            }
            (None, '}' | ']') => {
                frames.pop();
            }
            (None, ',') => {
                if let Some(f) = frames.last_mut() {
                    let entry = text[f.entry..i].trim();
                    if f.mapping && !entry.is_empty() {
                        let key = entry_key(entry).unwrap_or(entry);
                        f.keys.push(key.to_string());
                    }
                    f.entry = i + 1;
                }
            }
            _ => {}
        }
    }
    frames
}

/// The cursor inside the innermost of `frames` (a flow mapping): the segments below the
/// outermost collection's own place, what is typed, and the byte range it replaces.
/// `None` directly inside a sequence (`args: [a, b`): its scalars have nothing to offer.
pub fn flow_spot(text: &str, offset: usize, frames: &[Frame]) -> Option<FlowSpot> {
    let inner = frames.last()?;
    if !inner.mapping {
        return None;
    }
    let mut segments = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        if i > 0 && frames[i - 1].mapping {
            segments.push(Segment::Key(frame.key.clone()?));
        }
        if !frame.mapping {
            segments.push(Segment::Item);
        }
    }
    let entry = text[inner.entry..offset].trim_start();
    let rest = &text[offset..];
    let (spot, word) = match entry_key(entry) {
        Some(key) if entry.len() > key.len() + 1 || entry.ends_with(' ') => {
            let prefix = entry[entry.find(':').map_or(0, |c| c + 1)..].trim_start();
            let end = rest.find([',', '}', ']', '\n', '#']).unwrap_or(rest.len());
            let to = offset + rest[..end].trim_end().len();
            let spot = Spot::Value {
                key: key.to_string(),
                prefix: prefix.to_string(),
            };
            (spot, (offset - prefix.len(), to))
        }
        _ => {
            let end = rest
                .find(|c: char| matches!(c, ':' | ',' | '}' | ']') || c.is_whitespace())
                .unwrap_or(rest.len());
            let spot = Spot::Key {
                prefix: entry.to_string(),
            };
            (spot, (offset - entry.len(), offset + end))
        }
    };
    Some(FlowSpot {
        segments,
        spot,
        word,
        keys: inner.keys.clone(),
    })
}

/// Where the cursor is inside flow collections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSpot {
    /// The keys and items from the outermost collection's place down to the cursor's
    /// mapping.
    pub segments: Vec<Segment>,
    pub spot: Spot,
    pub word: (usize, usize),
    /// The keys already written in the cursor's mapping.
    pub keys: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<Frame> {
        open_frames(text, 0, text.len())
    }

    #[test]
    fn closed_collections_and_brackets_inside_words_or_quotes_leave_nothing_open() {
        assert!(frames("metadata: {name: a}\nspec:\n  x").is_empty());
        assert!(frames("command: echo a[1\n").is_empty());
        assert!(frames("args: ['{', \"[\"]\n").is_empty());
        assert!(frames("# {\nkind: Pod").is_empty());
    }

    #[test]
    fn a_mapping_inside_a_sequence_knows_its_keys_and_place() {
        let text = "ports: [{containerPort: 80, pro";
        let f = frames(text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].keys, vec!["containerPort".to_string()]);
        let at = flow_spot(text, text.len(), &f).unwrap();
        assert_eq!(at.segments, vec![Segment::Item]);
        assert_eq!(
            at.spot,
            Spot::Key {
                prefix: "pro".into()
            }
        );
        assert_eq!(at.word, (text.len() - 3, text.len()));
    }

    #[test]
    fn a_value_in_a_nested_mapping_names_its_key() {
        let text = "spec: {template: {spec: {restartPolicy: On}}}";
        let offset = text.find("On").unwrap() + 2;
        let f = open_frames(text, 0, offset);
        let at = flow_spot(text, offset, &f).unwrap();
        assert_eq!(
            at.segments,
            vec![Segment::Key("template".into()), Segment::Key("spec".into())]
        );
        assert_eq!(
            at.spot,
            Spot::Value {
                key: "restartPolicy".into(),
                prefix: "On".into()
            }
        );
        assert_eq!(at.word, (offset - 2, offset));
    }

    #[test]
    fn a_mapping_spread_over_lines_is_still_open_on_the_next_line() {
        let text = "metadata: {\n  name: a,\n  la";
        let f = frames(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].keys, vec!["name".to_string()]);
    }

    #[test]
    fn the_scalars_of_a_sequence_offer_nothing() {
        let text = "args: [a, b";
        assert_eq!(flow_spot(text, text.len(), &frames(text)), None);
    }
}
