//! kubectl's printers: pure functions from API objects and data to text.
pub mod columns;
pub mod custom_columns;
pub mod duration;
pub(crate) mod fields;
pub mod gotemplate;
pub mod jsonpath;
pub mod list;
pub mod tabwriter;
pub mod yaml;
