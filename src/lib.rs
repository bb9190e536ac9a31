pub mod engine;
pub mod gofmt;
pub mod kubectl;
pub mod lessons;
/// The browser app's URL parameters: pure, so they live here and are tested natively.
#[path = "ui/params.rs"]
pub mod params;
pub mod share;
pub mod shell;
/// One compiled copy of the stable sort, for the engine, the shell and kubectl alike.
pub mod sort;
