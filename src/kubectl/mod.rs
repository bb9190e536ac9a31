//! The terminal language: a small shell in front of kubectl, and kubectl's printers.
pub mod bundled;
pub mod cli;
pub mod completion;
pub mod describe;
pub mod diagnostics;
pub mod explain;
pub mod printers;
pub mod process;
pub mod session;
pub use session::Session;
