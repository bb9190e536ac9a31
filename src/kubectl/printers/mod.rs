//! kubectl's low-level printers: pure functions from data to text.
pub mod duration;
pub mod tabwriter;
