//! The RoleBinding and ClusterRoleBinding printer (`printRoleBinding`: ROLE as
//! `Kind/name`, and with -o wide the subjects as `rbac.SubjectsStrings` splits them).

use serde_json::Value;

use super::age;
use crate::kubectl::printers::fields::{arr, s};

/// NAME, ROLE, AGE, then USERS, GROUPS, SERVICEACCOUNTS (`namespace/name`), each
/// comma-separated; subjects of other kinds are not shown.
pub(crate) fn role_binding_cells(o: &Value, now: i64) -> Vec<String> {
    let role = format!("{}/{}", s(o, "roleRef.kind"), s(o, "roleRef.name"));
    let mut cells = vec![s(o, "metadata.name").to_string(), role, age(o, now)];
    let mut by_kind: [Vec<String>; 3] = Default::default();
    for subject in arr(o, "subjects") {
        let name = s(subject, "name");
        match s(subject, "kind") {
            "User" => by_kind[0].push(name.to_string()),
            "Group" => by_kind[1].push(name.to_string()),
            "ServiceAccount" => by_kind[2].push(format!("{}/{name}", s(subject, "namespace"))),
            _ => {}
        }
    }
    cells.extend(by_kind.iter().map(|v| v.join(", ")));
    cells
}
