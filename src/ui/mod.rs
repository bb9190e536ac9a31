//! The browser app: Yew function components, one per file, sharing one reducer through a
//! context (see `state`). Compiled for wasm32 only; declared from `main.rs`.

pub mod app;
pub mod cards;
pub mod cluster_view;
pub mod editor;
pub mod i18n;
pub mod lazy;
pub mod lesson;
pub mod markdown;
pub mod settings;
pub mod state;
pub mod terminal;
pub mod time_bar;
pub mod why_log;
