pub mod engine;
pub mod kubectl;
pub mod lessons;
pub mod share;
pub mod ui;
