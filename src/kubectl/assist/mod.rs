//! The YAML editor's knowledge, apart from the browser: where the cursor is in a manifest,
//! what the 1.34 schema lets it type there and what `kubectl explain` says about it,
//! indentation, undo history and find. Pure functions over text and byte offsets, tested
//! natively; `ui/editor.rs` only turns keys into calls and results into the textarea.

pub mod complete;
pub mod find;
pub mod flow;
pub mod history;
pub mod indent;
pub mod path;
pub mod window;
