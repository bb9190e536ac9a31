//! The terminal language: a small shell in front of kubectl, and kubectl's printers.
pub mod describe;
pub mod explain;
pub mod printers;
pub mod session;
pub mod shell;
pub use session::{OutLine, Session, Stream};
