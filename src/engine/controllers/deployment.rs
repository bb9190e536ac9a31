//! Deployment controller (written next).
use crate::engine::world::World;
pub fn sync(_w: &mut World, _namespace: &str, _name: &str) {}
