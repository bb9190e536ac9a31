//! The simulated cluster: pure Rust, deterministic, no web or UI types.
//!
//! [`Cluster`] is the entry point: the [`World`] (store, clock, controllers) as requests
//! from outside reach it.

pub mod addons;
pub mod api;
pub mod apiserver;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod container;
pub mod controllers;
pub mod encoded;
pub mod errors;
pub mod event_series;
pub mod events;
pub mod files;
pub mod json;
pub mod kinds;
pub mod kubelet;
pub mod labels;
pub mod leases;
pub mod limit_range;
pub mod network_policy;
pub mod node_table;
pub mod owners;
pub mod pod_facts;
pub mod quantity;
pub mod quota;
pub mod rbac;
pub mod registry;
pub mod scheduler;
pub mod scheduling_queue;
pub mod selector;
pub mod store;
pub mod time;
pub mod volumes;
pub mod world;

mod cluster;

pub use apiserver::{DeleteOptions, Propagation};
pub use clock::Millis;
pub use cluster::Cluster;
pub use config::ClusterConfig;
pub use errors::ApiError;
pub use world::{Why, World, WHY_KEPT};
