//! kubectl's printers: the per-kind table columns of `kubectl get`.
pub mod columns;
pub(crate) mod fields;

// Temporary copies of helpers owned by another branch; replaced at merge.
#[doc(hidden)]
pub mod _stubs;
