//! `--dry-run=none|client|server` of the verbs that write one object they changed
//! (`label`, `annotate`, `scale`, `set`): client sends nothing, server asks the API server
//! to check the write and keep nothing; the name printer adds ` (dry run)` /
//! ` (server dry run)` (`PrintFlagsWithDryRunStrategy`).

use super::flags::Parsed;
use crate::engine::{ApiError, Cluster};
use serde_json::Value;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// `GetDryRunStrategy`: the flag's value, or its refusal.
    pub fn of(p: &Parsed) -> Result<DryRun, String> {
        match p.value("dry-run") {
            None | Some("none") => Ok(DryRun::None),
            Some("client") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            )),
        }
    }

    /// What the name printer adds to the verb's line.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }

    /// Sends the changed object as `manager` (through `subresource`, if any), or not.
    pub fn update(
        self,
        cluster: &mut Cluster,
        obj: Value,
        manager: &str,
        subresource: &str,
    ) -> Result<Rc<Value>, ApiError> {
        match self {
            DryRun::None => cluster.update_as(obj, manager, subresource),
            DryRun::Client => Ok(Rc::new(obj)),
            DryRun::Server => cluster.update_dry_run(obj, manager),
        }
    }
}
