//! `kubeplay serve` as the serve tests start it: a free port, one node, seed 1, time that
//! moves only when a client waits; and the plain HTTP/1.1 requests the tests send it.
#![allow(dead_code)] // each test crate uses its own share of these

use kubeplay::serve::{self, ClockMode, Options};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub fn start() -> serve::Running {
    serve::start(&Options {
        port: 0,
        nodes: 1,
        seed: 1,
        clock: ClockMode::OnDemand,
        speed: 1.0,
        kubeconfig: None,
    })
    .expect("serve starts")
}

/// A request sent on a new connection (`Connection: close`), its response left to read.
pub fn connect(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A peer that refuses a large body may close before reading it all.
    let _ = s.write_all(body);
    s
}

/// (status code, JSON body or null) of a request with a JSON body.
pub fn call(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    call_typed(addr, method, path, "application/json", body)
}

/// (status code, JSON body or null) of a request with a body of `content_type`.
pub fn call_typed(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    let mut s = connect(addr, method, path, content_type, body);
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let code: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    (code, serde_json::from_str(body).unwrap_or(Value::Null))
}
