//! `kubeplay serve`'s streams over real TCP: `kubectl logs -f` (a chunked log that ends
//! when the container does), and `kubectl exec` / `attach` over the WebSocket channel
//! protocol (`v5.channel.k8s.io`) — output, stdin, a tty's echo and prompt, exit codes in
//! the error channel's Status, and the refusals kubectl prints. The client here is
//! tungstenite's, as kubectl's gorilla/websocket would speak it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/serve.rs"]
mod serve_start;
use serde_json::{json, Value};
use serve_start::{connect, start};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Bytes, Message};

/// (status code, body) of a plain request.
fn call(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = connect(addr, method, path, "application/json", body);
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..at]).to_string();
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[at + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (code, body)
}

/// The content of an HTTP/1.1 chunked body.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

fn create_pod(addr: SocketAddr, pod: Value) {
    let (code, body) = call(
        addr,
        "POST",
        "/api/v1/namespaces/default/pods",
        &serde_json::to_vec(&pod).unwrap(),
    );
    assert_eq!(code, 201, "{}", text(&body));
}

/// Moves on-demand time a second at a time until the pod runs.
fn wait_running(addr: SocketAddr, name: &str) {
    for _ in 0..60 {
        let (_, body) = call(
            addr,
            "GET",
            &format!("/api/v1/namespaces/default/pods/{name}"),
            b"",
        );
        let pod: Value = serde_json::from_slice(&body).unwrap();
        if pod["status"]["phase"] == "Running" {
            return;
        }
        call(addr, "POST", "/kubeplay/v1/sleep?seconds=1", b"");
    }
    panic!("{name} never ran");
}

fn busybox(name: &str, script: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": name, "image": "busybox", "command": ["sh", "-c", script]}]}
    })
}

#[test]
fn logs_follow_streams_lines_as_they_are_written_and_ends_with_the_container() {
    let server = start();
    let addr = server.addr;
    create_pod(
        addr,
        busybox(
            "counter",
            "sleep 10; for i in 1 2 3; do echo line $i; sleep 2; done",
        ),
    );
    wait_running(addr, "counter");
    // The container is still in its first sleep: every line comes while the client waits,
    // and the stream ends (read_to_end returns) when the container exits.
    let (code, body) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log?container=counter&follow=true",
        b"",
    );
    assert_eq!(code, 200);
    assert_eq!(text(&body), "line 1\nline 2\nline 3\n");
    // The pod has completed: the whole log, its tail, a byte limit.
    let (_, all) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log",
        b"",
    );
    assert_eq!(text(&all), "line 1\nline 2\nline 3\n");
    let (_, tail) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log?tailLines=1&follow=true",
        b"",
    );
    assert_eq!(text(&tail), "line 3\n");
    let (_, limited) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log?limitBytes=9",
        b"",
    );
    assert_eq!(text(&limited), "line 1\nli");
    let (_, stamped) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log?timestamps=true&tailLines=1",
        b"",
    );
    let stamped = text(&stamped);
    let (stamp, line) = stamped.split_once(' ').unwrap();
    assert!(stamp.ends_with('Z') && stamp.contains('T'), "{stamped}");
    assert_eq!(line, "line 3\n");
    // Bad options: the API server's PodLogOptions validation.
    let (code, body) = call(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/counter/log?tailLines=-1&sinceSeconds=0",
        b"",
    );
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code, 422);
    assert_eq!(
        status["message"],
        "PodLogOptions \"counter\" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, sinceSeconds: Invalid value: 0: must be greater than 0]"
    );
    server.stop();
}

/// What one exec or attach session sent back.
#[derive(Debug, Default)]
struct Session {
    stdout: String,
    stderr: String,
    status: Value,
}

/// Opens `path` over WebSocket as kubectl does, sends `input` on stdin (then v5's close
/// of stdin if `close_stdin`), and reads until the server closes. `Err`: the refused
/// upgrade's (code, body).
fn stream(
    addr: SocketAddr,
    path: &str,
    protocol: &str,
    input: &[&[u8]],
    close_stdin: bool,
) -> Result<Session, (u16, String)> {
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let (mut ws, response) = match tungstenite::client(request, tcp) {
        Ok(x) => x,
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(r))) => {
            let body = r.body().clone().unwrap_or_default();
            return Err((r.status().as_u16(), text(&body)));
        }
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        response.headers()["Sec-WebSocket-Protocol"],
        protocol.split(',').next().unwrap().trim()
    );
    for data in input {
        let mut msg = vec![0u8];
        msg.extend_from_slice(data);
        ws.send(Message::Binary(Bytes::from(msg))).unwrap();
    }
    if close_stdin {
        ws.send(Message::Binary(Bytes::from_static(&[255, 0])))
            .unwrap();
    }
    let mut s = Session::default();
    loop {
        match ws.read() {
            Ok(Message::Binary(data)) => match data.first() {
                Some(1) => s.stdout.push_str(&text(&data[1..])),
                Some(2) => s.stderr.push_str(&text(&data[1..])),
                Some(3) => s.status = serde_json::from_slice(&data[1..]).unwrap(),
                _ => {}
            },
            Ok(Message::Close(_)) | Err(_) => return Ok(s),
            Ok(_) => {}
        }
    }
}

const V5: &str = "v5.channel.k8s.io";

fn exec_path(pod: &str, query: &str) -> String {
    format!("/api/v1/namespaces/default/pods/{pod}/exec?{query}")
}

#[test]
fn exec_runs_commands_feeds_stdin_and_reports_exit_codes() {
    let server = start();
    let addr = server.addr;
    create_pod(addr, busybox("box", "sleep 3600"));
    wait_running(addr, "box");
    let s = stream(
        addr,
        &exec_path(
            "box",
            "command=echo&command=hello&container=box&stdout=true&stderr=true",
        ),
        V5,
        &[],
        false,
    )
    .unwrap();
    assert_eq!(s.stdout, "hello\n");
    assert_eq!(s.status, json!({"metadata": {}, "status": "Success"}));

    // A failing command: its stderr, and the exit code client-go turns into kubectl's own.
    let s = stream(
        addr,
        &exec_path(
            "box",
            "command=sh&command=-c&command=echo%20oops%20%3E%262%3B%20exit%203&stdout=true&stderr=true",
        ),
        V5,
        &[],
        false,
    )
    .unwrap();
    assert_eq!((s.stdout.as_str(), s.stderr.as_str()), ("", "oops\n"));
    assert_eq!(s.status["reason"], "NonZeroExitCode");
    assert_eq!(s.status["details"]["causes"][0]["message"], "3");

    // `exec -i … -- sh` without a tty: lines from stdin, no prompt, no echo.
    let s = stream(
        addr,
        &exec_path("box", "command=sh&stdin=true&stdout=true&stderr=true"),
        V5,
        &[b"echo one\nhostn", b"ame\n", b"exit 4\n"],
        false,
    )
    .unwrap();
    assert_eq!(s.stdout, "one\nbox\n");
    assert_eq!(s.status["details"]["causes"][0]["message"], "4");

    // stdin to a program that reads it, ended by v5's close signal.
    let s = stream(
        addr,
        &exec_path(
            "box",
            "command=wc&command=-l&stdin=true&stdout=true&stderr=true",
        ),
        V5,
        &[b"a\nb\n", b"c\n"],
        true,
    )
    .unwrap();
    assert_eq!(s.stdout.trim(), "3");
    assert_eq!(s.status["status"], "Success");

    // `exec -it … -- sh`: the prompt, typed keys echoed (a backspace erases), `\r\n`.
    let s = stream(
        addr,
        &exec_path("box", "command=sh&stdin=true&stdout=true&tty=true"),
        "v4.channel.k8s.io",
        &[b"echo hx\x7fi\r", b"exit\r"],
        false,
    )
    .unwrap();
    assert_eq!(s.stdout, "/ # echo hx\x08 \x08i\r\nhi\r\n/ # exit\r\n");
    assert_eq!(s.status["status"], "Success");
    server.stop();
}

#[test]
fn attach_joins_the_containers_shell_or_its_output() {
    let server = start();
    let addr = server.addr;
    create_pod(
        addr,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "shell"},
            "spec": {"containers": [{"name": "shell", "image": "busybox", "command": ["sh"],
                                     "stdin": true, "tty": true}]}
        }),
    );
    wait_running(addr, "shell");
    let attach = "/api/v1/namespaces/default/pods/shell/attach?container=shell&stdin=true&stdout=true&tty=true";
    let s = stream(
        addr,
        attach,
        V5,
        &[b"\r", b"echo $HOSTNAME\r", b"\x04"],
        false,
    )
    .unwrap();
    assert_eq!(s.stdout, "\r\n/ # echo $HOSTNAME\r\nshell\r\n/ # ");
    assert_eq!(s.status["status"], "Success");

    // Without stdin: what the process writes from now on, until it ends.
    create_pod(
        addr,
        busybox(
            "talker",
            "sleep 5; echo first; sleep 5; echo second; echo bad >&2",
        ),
    );
    wait_running(addr, "talker");
    let s = stream(
        addr,
        "/api/v1/namespaces/default/pods/talker/attach?container=talker&stdout=true&stderr=true",
        V5,
        &[],
        false,
    )
    .unwrap();
    assert_eq!(
        (s.stdout.as_str(), s.stderr.as_str()),
        ("first\nsecond\n", "bad\n")
    );
    assert_eq!(s.status["status"], "Success");
    server.stop();
}

#[test]
fn streams_are_refused_as_the_real_server_refuses_them() {
    let server = start();
    let addr = server.addr;
    // Checked before the upgrade: a plain Status (kubectl falls back to SPDY, gets it again
    // and prints `Error from server (NotFound): pods "nope" not found`).
    let (code, body) = stream(
        addr,
        &exec_path("nope", "command=ls&stdout=true"),
        V5,
        &[],
        false,
    )
    .unwrap_err();
    assert_eq!(code, 404);
    assert!(
        body.contains(r#""message":"pods \"nope\" not found""#),
        "{body}"
    );

    create_pod(addr, busybox("done", "echo bye"));
    for _ in 0..30 {
        call(addr, "POST", "/kubeplay/v1/sleep?seconds=1", b"");
    }
    let (code, body) = stream(
        addr,
        &exec_path("done", "command=ls&container=other&stdout=true"),
        V5,
        &[],
        false,
    )
    .unwrap_err();
    assert_eq!(code, 400);
    assert!(
        body.contains("container other is not valid for pod done"),
        "{body}"
    );

    // The kubelet's refusal comes after the upgrade, on the error channel.
    let s = stream(
        addr,
        &exec_path("done", "command=ls&stdout=true"),
        V5,
        &[],
        false,
    )
    .unwrap();
    assert_eq!(s.status["reason"], "InternalError");
    assert_eq!(
        s.status["message"],
        "Internal error occurred: unable to upgrade connection: container not found (\"done\")"
    );

    // SPDY: the same checks, then a Status that says which protocol is spoken.
    create_pod(addr, busybox("up", "sleep 3600"));
    wait_running(addr, "up");
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(format!("POST {} HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n", exec_path("up", "command=ls&stdout=true")).as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = text(&raw);
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    assert!(
        raw.contains("over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io), not spdy/3.1"),
        "{raw}"
    );

    // A plain request, no upgrade.
    let (code, body) = call(
        addr,
        "POST",
        &exec_path("up", "command=ls&stdout=true"),
        b"",
    );
    assert_eq!(code, 400);
    assert!(text(&body).contains("Upgrade request required"));
    server.stop();
}
