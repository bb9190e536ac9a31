pub mod engine;
pub mod kubectl;
pub mod lessons;
