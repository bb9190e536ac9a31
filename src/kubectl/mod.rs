//! kubectl: its verbs ([`cli`]), printers and describers, and the learner's terminal
//! ([`session`]): the host the shell ([`crate::shell`]) runs typed lines on.
pub mod assist;
pub mod bundled;
pub mod cli;
pub mod completion;
pub mod describe;
pub mod diagnostics;
pub mod explain;
pub mod help;
pub mod kubeconfig;
pub mod metrics_server;
pub mod output;
pub mod printers;
pub mod process;
pub mod session;
pub mod watch_selection;
pub mod yaml_json;
pub use session::Session;
