//! Server-side apply (`PATCH` with `application/apply-patch+yaml`): the configuration is
//! merged onto the live object by field ownership (`managed_fields::apply`), then stored
//! through the ordinary create or update path, so defaulting, validation and admission
//! are the same as for any write.

use super::managed_fields::{self, FieldManager};
use super::{has_status_subresource, meta_str, World};
use crate::engine::errors::ApiError;
use crate::engine::time::format_rfc3339;
use serde_json::Value;
use std::rc::Rc;

/// What an apply did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub object: Rc<Value>,
    /// The object did not exist and was created from the configuration.
    pub created: bool,
}

impl World {
    /// Applies `config` as `manager`; `force` takes fields other managers own.
    pub fn apply(
        &mut self,
        config: Value,
        manager: &FieldManager,
        force: bool,
    ) -> Result<Applied, ApiError> {
        let info = Self::kind_or_bad_request(&config)?;
        let name = meta_str(&config, "name").to_string();
        if name.is_empty() {
            return Err(ApiError::bad_request("name is required"));
        }
        let namespace = match (info.namespaced, meta_str(&config, "namespace")) {
            (false, _) => "",
            (true, "") => "default",
            (true, ns) => ns,
        }
        .to_string();
        let mut live = self
            .get(info.kind, &namespace, &name)
            .map(|l| (**l).clone());
        if let Some(l) = live.as_mut() {
            super::derived_fields::materialize(l);
        }
        let now = format_rfc3339(self.now);
        let drop_status = has_status_subresource(info.kind);
        let obj = managed_fields::apply(live.as_ref(), &config, manager, force, drop_status, &now)
            .map_err(|c| ApiError::ApplyConflict {
                message: c.message(),
            })?;
        let created = live.is_none();
        let object = if created {
            self.create_as(obj, None)?
        } else {
            self.update_as(obj, None)?
        };
        Ok(Applied { object, created })
    }
}
