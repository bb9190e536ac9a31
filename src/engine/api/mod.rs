//! Kinds and versions: the resource table (discovery) and the API schema behind
//! `kubectl explain` and strict decoding.
pub mod decoding;
pub mod discovery;
pub mod schema;
