pub mod engine;
pub mod kubectl;
