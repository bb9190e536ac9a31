/// Standard base64, for Secrets, describe and the shell alike.
pub mod base64;
pub mod engine;
pub mod form;
pub mod gofmt;
pub mod kubectl;
pub mod lessons;
/// MD5, for the EndpointSlice controller's port order.
pub mod md5;
/// `kubeplay serve` (native only: the browser build does not carry an HTTP server).
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;
pub mod share;
pub mod shell;
/// One compiled copy of the stable sort, for the engine, the shell and kubectl alike.
pub mod sort;
pub mod ui;
