/// Standard base64, for Secrets, describe and the shell alike.
pub mod base64;
pub mod engine;
pub mod gofmt;
pub mod kubectl;
pub mod lessons;
pub mod share;
pub mod shell;
/// One compiled copy of the stable sort, for the engine, the shell and kubectl alike.
pub mod sort;
pub mod ui;
