//! kubectl's low-level printers: pure functions from data to text.
pub mod custom_columns;
pub mod duration;
pub mod gofmt;
pub mod jsonpath;
pub mod tabwriter;
pub mod yaml;
