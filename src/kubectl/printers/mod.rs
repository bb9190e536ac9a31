//! kubectl's low-level printers: pure functions from data to text.
pub mod duration;
pub mod gofmt;
pub mod tabwriter;
pub mod yaml;
