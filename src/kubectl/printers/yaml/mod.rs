//! `kubectl get -o yaml` / `-o json` output.
//!
//! YAML is what sigs.k8s.io/yaml prints: the object goes through JSON, then go-yaml v2
//! (`go.yaml.in/yaml/v2`) emits it. This module reproduces the parts of go-yaml v2's
//! emitter (`emitterc.go`) and scalar resolution (`resolve.go`, `encode.go` `stringv`)
//! that JSON-shaped data can reach: block mappings with sorted keys, indentless sequences
//! under mapping keys, `{}`/`[]` for empty containers, plain/single/double-quoted and
//! literal (`|`, `|-`, `|+`) scalars, and line wrapping of long flow scalars at column 80
//! (kubectl does not call `yaml.FutureLineWrap()`).
//!
//! `emitter` writes the events of the document; `scalar` decides each scalar's style the way
//! libyaml's `yaml_emitter_analyze_scalar` does; `resolve` answers which plain words YAML
//! would read back as something other than a string.

pub(super) mod emitter;
mod resolve;
mod scalar;
#[cfg(test)]
mod tests;

use super::gofmt;
use emitter::{Ctx, Emitter};
use serde_json::Value;

/// `kubectl get -o yaml` of one object (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, Ctx::default());
    e.finish()
}

/// `kubectl get -o json`: `json.MarshalIndent(v, "", "    ")` plus a newline.
pub fn to_json(v: &Value) -> String {
    let mut s = gofmt::json_indent(v, "    ");
    s.push('\n');
    s
}
