//! One terminal: the cluster it talks to, its files, its history, and the command that is
//! running in the foreground (if any).
//!
//! STUB: the real implementation is being written; this keeps the UI's contract.

/// Which stream a line of output was written to; the terminal colours stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stream {
    Out,
    Err,
}

/// One line the terminal shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutLine {
    pub text: String,
    pub stream: Stream,
}

/// What a pod card in the cluster view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCard {
    pub name: String,
    /// STATUS as `kubectl get` shows it (`Running`, `Terminating`, `ContainerCreating`, ...).
    pub phase: String,
    pub node: Option<String>,
    pub ready: String,
    pub owner: Option<String>,
    pub ordinal: Option<u32>,
    pub revision: Option<String>,
    pub restarts: u32,
}

/// What a node lane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLane {
    pub name: String,
    pub roles: String,
    pub taints: Vec<String>,
}

pub struct Session {
    now_ms: u64,
}

impl Session {
    pub fn new(_nodes: u32, _seed: u64) -> Self {
        Session { now_ms: 0 }
    }

    /// Runs a typed line; returns what it printed so far.
    pub fn submit(&mut self, line: &str) -> Vec<OutLine> {
        let out = |t: &str| OutLine {
            text: t.to_string(),
            stream: Stream::Out,
        };
        match line.trim() {
            "" => vec![],
            "help" => vec![out("kubeplay: try `kubectl version`")],
            "kubectl version" => vec![
                out("Client Version: v1.34.1"),
                out("Kustomize Version: v5.7.1"),
                out("Server Version: v1.34.1"),
            ],
            other => vec![OutLine {
                text: format!(
                    "bash: {}: command not found",
                    other.split_whitespace().next().unwrap_or("")
                ),
                stream: Stream::Err,
            }],
        }
    }

    /// True while a command (a watch, `sleep`, `rollout status`) holds the prompt.
    pub fn is_busy(&self) -> bool {
        false
    }

    /// Advances virtual time; returns output the running command produced meanwhile.
    pub fn tick(&mut self, dt_ms: u64) -> Vec<OutLine> {
        self.now_ms += dt_ms;
        vec![]
    }

    /// Ctrl-C: stops the foreground command.
    pub fn interrupt(&mut self) -> Vec<OutLine> {
        vec![]
    }

    /// Virtual time since the cluster started, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn pods(&self) -> Vec<PodCard> {
        vec![]
    }

    pub fn nodes(&self) -> Vec<NodeLane> {
        vec![NodeLane {
            name: "minikube".into(),
            roles: "control-plane".into(),
            taints: vec![],
        }]
    }
}
