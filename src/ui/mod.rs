//! The browser app: Yew function components, one per file, sharing one reducer through a
//! context (see `state`). The components are compiled for wasm32 only; `params` (what the
//! page's URL asks for) is pure and compiled everywhere, so it is tested natively.

pub mod params;
/// The step button's reach and the next CronJob run's countdown (pure).
pub mod step;

#[cfg(target_arch = "wasm32")]
pub mod app;
/// What the cluster view draws, copied out of the cluster (pure, so compiled everywhere).
pub mod cards;
#[cfg(target_arch = "wasm32")]
pub mod cluster_view;
#[cfg(target_arch = "wasm32")]
pub mod editor;
#[cfg(target_arch = "wasm32")]
pub mod editor_assist;
#[cfg(target_arch = "wasm32")]
pub mod editor_view;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod find_bar;
#[cfg(target_arch = "wasm32")]
pub mod i18n;
#[cfg(target_arch = "wasm32")]
pub mod lazy;
#[cfg(target_arch = "wasm32")]
pub mod lesson;
#[cfg(target_arch = "wasm32")]
pub mod markdown;
#[cfg(target_arch = "wasm32")]
pub mod settings;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod terminal;
#[cfg(target_arch = "wasm32")]
pub mod time_bar;
#[cfg(target_arch = "wasm32")]
pub mod why_log;
