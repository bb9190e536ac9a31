//! kubectl's stream protocol over WebSocket (`v5.channel.k8s.io`, and `v4` which lacks
//! the close signal): every binary message starts with its channel — 0 stdin, 1 stdout,
//! 2 stderr, 3 the error channel (one metav1.Status when the command ends), 4 resize
//! events — and in v5 a client's `[255, 0]` says stdin has ended. The framing is
//! tungstenite's; this file only knows the channels.

use serde_json::{json, Value};
use std::io::{Read, Write};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role};
use tungstenite::{Bytes, Message, WebSocket};

pub const STDIN: u8 = 0;
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
const CLOSE: u8 = 255;

/// The subprotocols served, best first.
pub const PROTOCOLS: &[&str] = &["v5.channel.k8s.io", "v4.channel.k8s.io"];

/// What the client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Stdin(Vec<u8>),
    /// v5's close signal for stdin: no more input.
    StdinClosed,
    /// A terminal size (`{"Width":…,"Height":…}`); the simulated shell lays nothing out.
    Resize,
    /// The connection ended (a close frame, or it broke).
    Closed,
}

/// An upgraded connection speaking the channel protocol.
pub struct Channels<S: Read + Write> {
    ws: WebSocket<S>,
}

impl<S: Read + Write> Channels<S> {
    /// Wraps a stream whose 101 answer has been sent.
    pub fn new(stream: S) -> Self {
        Channels {
            ws: WebSocket::from_raw_socket(stream, Role::Server, None),
        }
    }

    /// Sends `data` on `channel`; false when the client is gone.
    pub fn send(&mut self, channel: u8, data: &[u8]) -> bool {
        let mut msg = Vec::with_capacity(data.len() + 1);
        msg.push(channel);
        msg.extend_from_slice(data);
        self.ws.send(Message::Binary(Bytes::from(msg))).is_ok()
    }

    /// Blocks for the client's next message (pings are answered on the way).
    pub fn next(&mut self) -> Incoming {
        loop {
            match self.ws.read() {
                Ok(Message::Binary(data)) => match data.first() {
                    Some(&STDIN) => return Incoming::Stdin(data[1..].to_vec()),
                    Some(&RESIZE) => return Incoming::Resize,
                    Some(&CLOSE) if data.get(1) == Some(&STDIN) => return Incoming::StdinClosed,
                    // Other channels are the server's to write; an empty message is nothing.
                    _ => {}
                },
                Ok(Message::Close(_)) | Err(_) => return Incoming::Closed,
                Ok(_) => {}
            }
        }
    }

    /// A heartbeat while only the server talks (streaming a process's output): an
    /// unsolicited pong, which client-go takes as proof the server lives (it resets its
    /// read deadline on every pong). False when the client is gone.
    pub fn heartbeat(&mut self) -> bool {
        self.ws.send(Message::Pong(Bytes::new())).is_ok()
    }

    /// Ends the stream as the API server does: the Status on the error channel, then a
    /// normal close, waiting for the client's close (so that nothing sent is lost to a
    /// reset connection).
    pub fn finish(mut self, status: &Value) {
        let body = serde_json::to_vec(status).unwrap_or_default();
        if !self.send(ERROR, &body) {
            return;
        }
        let _ = self.ws.close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        }));
        while self.ws.read().is_ok() {}
    }
}

/// The Status that ends a command: Success, or the exit code in `NonZeroExitCode`'s cause.
pub fn exit_status(code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: command terminated with exit code {code}"),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]}
    })
}

/// The Status of a failure after the upgrade (`apierrors.NewInternalError`): what the API
/// server sends when the kubelet refuses the stream.
pub fn internal_error(message: &str) -> Value {
    json!({
        "metadata": {},
        "status": "Failure",
        "message": crate::engine::kubelet::streaming::internal_error(message),
        "reason": "InternalError",
        "details": {"causes": [{"message": message}]},
        "code": 500
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_ride_in_the_status_cause_client_go_reads() {
        assert_eq!(exit_status(0)["status"], "Success");
        let s = exit_status(3);
        assert_eq!(s["reason"], "NonZeroExitCode");
        assert_eq!(
            s["details"]["causes"][0],
            json!({"reason": "ExitCode", "message": "3"})
        );
    }
}
