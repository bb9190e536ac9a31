//! Container logs as the kubelet keeps them: one file per container instance, each line
//! stamped with when it was written, the current instance and the one before it (what
//! `kubectl logs --previous` reads). A file that outgrows `containerLogMaxSize` (10Mi by
//! default) is rotated: `kubectl logs` then shows only what came after.

use crate::engine::clock::Millis;
use crate::engine::world::World;
use crate::shell::{OutLine, Stream};
use std::collections::VecDeque;

/// The kubelet's default `containerLogMaxSize`.
pub const LOG_MAX_BYTES: usize = 10 * 1024 * 1024;

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: Millis,
    pub stream: Stream,
    pub text: String,
}

/// One container instance's log file.
#[derive(Debug, Clone, Default)]
pub struct LogFile {
    /// The container's ID (`containerd://…`), as its status reports it.
    pub container_id: String,
    pub lines: VecDeque<LogLine>,
    /// Lines ever written (a follower's cursor survives rotation).
    pub written: u64,
    bytes: usize,
}

impl LogFile {
    /// The lines after the first `seen` ever written.
    pub fn since(&self, seen: u64) -> impl Iterator<Item = &LogLine> {
        let first = self.written - self.lines.len() as u64;
        self.lines.iter().skip(seen.saturating_sub(first) as usize)
    }

    fn write(&mut self, at: Millis, line: OutLine) {
        self.written += 1;
        self.bytes += line.text.len() + 1;
        self.lines.push_back(LogLine {
            at,
            stream: line.stream,
            text: line.text,
        });
        if self.bytes > LOG_MAX_BYTES {
            // Rotation: the full file moves aside, a new one starts.
            self.lines.clear();
            self.bytes = 0;
        }
    }
}

/// A container's logs: the newest instance's file and the one before it (the kubelet
/// keeps one dead container per container name).
#[derive(Debug, Clone, Default)]
pub struct ContainerLogs {
    files: VecDeque<LogFile>,
}

impl ContainerLogs {
    /// A new instance of the container started.
    pub fn start(&mut self, container_id: &str) {
        self.files.push_back(LogFile {
            container_id: container_id.to_string(),
            ..LogFile::default()
        });
        while self.files.len() > 2 {
            self.files.pop_front();
        }
    }

    /// What the newest instance printed at `at`.
    pub fn write(&mut self, at: Millis, lines: Vec<OutLine>) {
        if let Some(f) = self.files.back_mut() {
            for l in lines {
                f.write(at, l);
            }
        }
    }

    /// The file of the instance with this container ID.
    pub fn file(&self, container_id: &str) -> Option<&LogFile> {
        self.files.iter().find(|f| f.container_id == container_id)
    }
}

/// A reader following one container instance's log (`kubectl logs -f`, an attached
/// terminal, a log stream of `kubeplay serve`): the instance, and how far it has read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
    /// The instance followed (`containerd://…`).
    pub container_id: String,
    /// Lines of the file ever written that have been read (survives rotation).
    pub seen: u64,
}

impl Follower {
    /// The followed instance's file.
    pub fn file<'a>(&self, w: &'a World) -> Option<&'a LogFile> {
        w.kubelet
            .logs
            .get(&(self.uid.clone(), self.container.clone()))
            .and_then(|l| l.file(&self.container_id))
    }

    /// The lines written since the last read.
    pub fn read(&mut self, w: &World) -> Vec<LogLine> {
        let Some(file) = self.file(w) else {
            return Vec::new();
        };
        let lines = file.since(self.seen).cloned().collect();
        self.seen = file.written;
        lines
    }

    /// Whether the followed instance is still its container's running one (a follower
    /// ends when it exits, restarts, or its pod goes).
    pub fn running(&self, w: &World) -> bool {
        let Some(pod) = w.get("Pod", &self.namespace, &self.pod) else {
            return false;
        };
        pod["metadata"]["uid"].as_str() == Some(&self.uid)
            && ["containerStatuses", "initContainerStatuses"]
                .iter()
                .filter_map(|k| pod["status"][*k].as_array())
                .flatten()
                .find(|s| s["name"] == self.container.as_str())
                .is_some_and(|s| {
                    s["state"]["running"].is_object()
                        && s["containerID"].as_str() == Some(&self.container_id)
                })
    }
}

/// Go's `time.RFC3339Nano` (trailing zeros of the fraction dropped), as the kubelet
/// prints log timestamps.
pub fn format_rfc3339_nano(ms: Millis) -> String {
    let base = crate::engine::time::format_rfc3339(ms);
    let frac = ms.rem_euclid(1000);
    if frac == 0 {
        return base;
    }
    let digits = format!("{frac:03}");
    let digits = digits.trim_end_matches('0');
    format!("{}.{digits}Z", base.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_drop_trailing_zeros_like_go() {
        let t = 1_760_433_123_000; // 2025-10-14T09:12:03Z
        assert_eq!(format_rfc3339_nano(t), "2025-10-14T09:12:03Z");
        assert_eq!(format_rfc3339_nano(t + 120), "2025-10-14T09:12:03.12Z");
        assert_eq!(format_rfc3339_nano(t + 7), "2025-10-14T09:12:03.007Z");
    }

    #[test]
    fn a_file_over_the_size_limit_rotates() {
        let mut l = ContainerLogs::default();
        l.start("a");
        let big = "x".repeat(1024 * 1024);
        for _ in 0..11 {
            l.write(
                0,
                vec![OutLine {
                    text: big.clone(),
                    stream: Stream::Out,
                    open: false,
                }],
            );
        }
        let a = l.file("a").map(|f| (f.lines.len(), f.written));
        assert_eq!(a, Some((1, 11)));
        l.start("b");
        l.start("c");
        assert!(l.file("a").is_none() && l.file("b").is_some());
    }
}
