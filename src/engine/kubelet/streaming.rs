//! `pods/exec` and `pods/attach` as far as the kubelet is concerned. The API server
//! streams to the kubelet's endpoint (`https://IP:10250/exec/NS/POD/CONTAINER?command=…`,
//! built by the pod registry's `ExecLocation`); in 1.34 a WebSocket client (kubectl) is
//! served by the API server's stream translator, which reaches the kubelet over SPDY and
//! reports any failure of that as an InternalError on the client's error channel —
//! kubectl prints `error: Internal error occurred: …`.

use super::power::refused_kubelet;
use crate::engine::world::World;
use serde_json::Value;

/// Which stream, and the options the client asked for (`PodExecOptions` /
/// `PodAttachOptions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRequest<'a> {
    /// `exec` or `attach`.
    pub subresource: &'a str,
    pub container: &'a str,
    /// Empty for attach.
    pub command: &'a [String],
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

impl StreamRequest<'_> {
    /// The kubelet URL's path and query: `url.Values.Encode` of `streamParams`, keys
    /// sorted (`command`, `error`, `input`, `output`, `tty`).
    pub fn kubelet_path(&self, namespace: &str, pod: &str) -> String {
        let mut params: Vec<(&str, &str)> = self
            .command
            .iter()
            .map(|c| ("command", c.as_str()))
            .collect();
        for (on, key) in [
            (self.stderr, "error"),
            (self.stdin, "input"),
            (self.stdout, "output"),
            (self.tty, "tty"),
        ] {
            if on {
                params.push((key, "1"));
            }
        }
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::form::query_escape(v)))
            .collect();
        format!(
            "/{}/{namespace}/{pod}/{}?{}",
            self.subresource,
            self.container,
            query.join("&")
        )
    }

    /// What the kubelet answers for a container it does not run (`GetExec`,
    /// `GetAttach` find only running containers), as the translator's SPDY client
    /// reports the refused upgrade.
    pub fn container_not_found(&self, namespace: &str, pod: &str) -> String {
        let why = if self.subresource == "attach" {
            // kubecontainer.BuildPodFullName: NAME_NAMESPACE
            format!(
                "container {} not found in pod {pod}_{namespace}",
                self.container
            )
        } else {
            format!(
                "container not found ({})",
                crate::gofmt::go_quote(self.container)
            )
        };
        format!("unable to upgrade connection: {why}")
    }
}

/// What the translator's SPDY client reports when `pod`'s kubelet is stopped: its
/// request to the kubelet could not connect.
pub fn refused_stream(w: &World, pod: &Value, req: &StreamRequest) -> Option<String> {
    let kubelet = refused_kubelet(w, pod)?;
    let meta = |f: &str| pod["metadata"][f].as_str().unwrap_or("").to_string();
    let path = req.kubelet_path(&meta("namespace"), &meta("name"));
    Some(format!(
        "error sending request: Post \"https://{kubelet}{path}\": dial tcp {kubelet}: connect: connection refused"
    ))
}

/// `apierrors.NewInternalError(err)`'s message: how the translator reports `why` to the
/// client, and what kubectl prints after `error: `.
pub fn internal_error(why: &str) -> String {
    format!("Internal error occurred: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec<'a>(command: &'a [String], stdin: bool, tty: bool) -> StreamRequest<'a> {
        StreamRequest {
            subresource: "exec",
            container: "web",
            command,
            stdin,
            stdout: true,
            stderr: !tty,
            tty,
        }
    }

    #[test]
    fn the_kubelet_url_lists_each_command_word_then_the_streams_in_key_order() {
        let cmd: Vec<String> = ["sh", "-c", "echo a=b /tmp"].map(String::from).to_vec();
        assert_eq!(
            exec(&cmd, false, false).kubelet_path("default", "mode"),
            "/exec/default/mode/web?command=sh&command=-c&command=echo+a%3Db+%2Ftmp&error=1&output=1"
        );
        let sh = vec!["sh".to_string()];
        assert_eq!(
            exec(&sh, true, true).kubelet_path("default", "mode"),
            "/exec/default/mode/web?command=sh&input=1&output=1&tty=1"
        );
    }

    #[test]
    fn a_container_the_kubelet_does_not_run_is_an_internal_error() {
        let ls = vec!["ls".to_string()];
        assert_eq!(
            internal_error(&exec(&ls, false, false).container_not_found("default", "web-0")),
            "Internal error occurred: unable to upgrade connection: container not found (\"web\")"
        );
        let attach = StreamRequest {
            subresource: "attach",
            command: &[],
            ..exec(&ls, true, true)
        };
        assert_eq!(
            attach.container_not_found("default", "web-0"),
            "unable to upgrade connection: container web not found in pod web-0_default"
        );
    }
}
