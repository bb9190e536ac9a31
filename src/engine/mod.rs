//! The simulated cluster: pure Rust, deterministic, no web or UI types.
pub mod selector;
pub mod time;
