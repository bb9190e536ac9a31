//! The kubectl commands the playground runs: one table that dispatch, `kubectl --help`,
//! cobra's "Did you mean" and Tab completion all read, so a verb added here is runnable,
//! listed and completed at once.

use super::flags::Flag;
use super::{apply, config, delete, describe, diff, edit, events, expose, get, info, label, logs};
use super::{auth, autoscale, nodes, replace, rollout, run, scale, set, top, wait, Ctx, Outcome};
use crate::shell::Output;

/// One kubectl command.
pub struct Verb {
    pub name: &'static str,
    /// Runs `kubectl NAME ARGS…` with the arguments after the verb.
    pub run: fn(&mut Ctx<'_>, &[String]) -> Outcome,
    /// The command's own flags (completion adds the global ones).
    pub flags: &'static [Flag],
    /// Where `kubectl --help` lists it, with its one-line summary.
    pub help: Option<(HelpGroup, &'static str)>,
}

/// The groups of `kubectl --help`, in the order it prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpGroup {
    Beginner,
    Intermediate,
    Deploy,
    ClusterManagement,
    Troubleshooting,
    Advanced,
    Settings,
    Other,
}

impl HelpGroup {
    const ALL: [HelpGroup; 8] = [
        HelpGroup::Beginner,
        HelpGroup::Intermediate,
        HelpGroup::Deploy,
        HelpGroup::ClusterManagement,
        HelpGroup::Troubleshooting,
        HelpGroup::Advanced,
        HelpGroup::Settings,
        HelpGroup::Other,
    ];

    fn title(self) -> &'static str {
        match self {
            HelpGroup::Beginner => "Basic Commands (Beginner)",
            HelpGroup::Intermediate => "Basic Commands (Intermediate)",
            HelpGroup::Deploy => "Deploy Commands",
            HelpGroup::ClusterManagement => "Cluster Management Commands",
            HelpGroup::Troubleshooting => "Troubleshooting and Debugging Commands",
            HelpGroup::Advanced => "Advanced Commands",
            HelpGroup::Settings => "Settings Commands",
            HelpGroup::Other => "Other Commands",
        }
    }
}

/// Every verb, grouped and ordered as kubectl 1.34's root help orders them.
pub const VERBS: &[Verb] = &[
    Verb {
        name: "create",
        run: apply::create,
        flags: apply::CREATE_FLAGS,
        help: Some((
            HelpGroup::Beginner,
            "Create a resource from a file or from stdin",
        )),
    },
    Verb {
        name: "expose",
        run: |ctx, rest| expose::expose(ctx, rest).into(),
        flags: expose::FLAGS,
        help: Some((HelpGroup::Beginner, "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service")),
    },
    Verb {
        name: "run",
        run: run::run,
        flags: run::RUN_FLAGS,
        help: Some((HelpGroup::Beginner, "Run a particular image on the cluster")),
    },
    Verb {
        name: "set",
        run: |ctx, rest| set::run(ctx, rest).into(),
        flags: set::FLAGS,
        help: Some((HelpGroup::Beginner, "Set specific features on objects")),
    },
    Verb {
        name: "explain",
        run: |_, rest| info::explain(rest).into(),
        flags: info::EXPLAIN_FLAGS,
        help: Some((HelpGroup::Intermediate, "Get documentation for a resource")),
    },
    Verb {
        name: "get",
        run: get::run,
        flags: get::FLAGS,
        help: Some((HelpGroup::Intermediate, "Display one or many resources")),
    },
    Verb {
        name: "edit",
        run: |ctx, rest| match edit::open(ctx, rest) {
            Ok((o, pending)) => Outcome::Edit(o, Box::new(pending)),
            Err(o) => o.into(),
        },
        flags: edit::FLAGS,
        help: Some((HelpGroup::Intermediate, "Edit a resource on the server")),
    },
    Verb {
        name: "delete",
        run: delete::run,
        flags: delete::FLAGS,
        help: Some((HelpGroup::Intermediate, "Delete resources by file names, stdin, resources and names, or by resources and label selector")),
    },
    Verb {
        name: "rollout",
        run: rollout::run,
        flags: rollout::FLAGS,
        help: Some((HelpGroup::Deploy, "Manage the rollout of a resource")),
    },
    Verb {
        name: "scale",
        run: |ctx, rest| scale::run(ctx, rest).into(),
        flags: scale::FLAGS,
        help: Some((
            HelpGroup::Deploy,
            "Set a new size for a deployment, replica set, or replication controller",
        )),
    },
    Verb {
        name: "autoscale",
        run: |ctx, rest| autoscale::run(ctx, rest).into(),
        flags: autoscale::FLAGS,
        help: Some((
            HelpGroup::Deploy,
            "Auto-scale a deployment, replica set, stateful set, or replication controller",
        )),
    },
    // Cluster Management Commands.
    Verb {
        name: "cluster-info",
        run: |ctx, _| info::cluster_info(ctx).into(),
        flags: &[],
        help: Some((HelpGroup::ClusterManagement, "Display cluster information")),
    },
    Verb {
        name: "top",
        run: |ctx, rest| top::run(ctx, rest).into(),
        flags: top::FLAGS,
        help: Some((HelpGroup::ClusterManagement, "Display resource (CPU/memory) usage")),
    },
    Verb {
        name: "cordon",
        run: |ctx, rest| nodes::cordon(ctx, rest, true).into(),
        flags: nodes::CORDON_FLAGS,
        help: Some((HelpGroup::ClusterManagement, "Mark node as unschedulable")),
    },
    Verb {
        name: "uncordon",
        run: |ctx, rest| nodes::cordon(ctx, rest, false).into(),
        flags: nodes::CORDON_FLAGS,
        help: Some((HelpGroup::ClusterManagement, "Mark node as schedulable")),
    },
    Verb {
        name: "drain",
        run: nodes::drain,
        flags: nodes::DRAIN_FLAGS,
        help: Some((HelpGroup::ClusterManagement, "Drain node in preparation for maintenance")),
    },
    Verb {
        name: "taint",
        run: |ctx, rest| nodes::taint(ctx, rest).into(),
        flags: nodes::TAINT_FLAGS,
        help: Some((HelpGroup::ClusterManagement, "Update the taints on one or more nodes")),
    },
    Verb {
        name: "describe",
        run: |ctx, rest| describe::run(ctx, rest).into(),
        flags: describe::FLAGS,
        help: Some((
            HelpGroup::Troubleshooting,
            "Show details of a specific resource or group of resources",
        )),
    },
    Verb {
        name: "logs",
        run: logs::run,
        flags: logs::FLAGS,
        help: Some((
            HelpGroup::Troubleshooting,
            "Print the logs for a container in a pod",
        )),
    },
    Verb {
        name: "exec",
        run: run::exec,
        flags: run::EXEC_FLAGS,
        help: Some((HelpGroup::Troubleshooting, "Execute a command in a container")),
    },
    Verb {
        name: "events",
        run: events::run,
        flags: events::FLAGS,
        help: Some((HelpGroup::Troubleshooting, "List events")),
    },
    Verb {
        name: "diff",
        run: |ctx, rest| diff::run(ctx, rest).into(),
        flags: diff::FLAGS,
        help: Some((
            HelpGroup::Advanced,
            "Diff the live version against a would-be applied version",
        )),
    },
    Verb {
        name: "apply",
        run: apply::apply,
        flags: apply::CREATE_FLAGS,
        help: Some((
            HelpGroup::Advanced,
            "Apply a configuration to a resource by file name or stdin",
        )),
    },
    Verb {
        name: "patch",
        run: |ctx, rest| apply::patch(ctx, rest).into(),
        flags: apply::PATCH_FLAGS,
        help: Some((HelpGroup::Advanced, "Update fields of a resource")),
    },
    Verb {
        name: "replace",
        run: replace::run,
        flags: replace::FLAGS,
        help: Some((HelpGroup::Advanced, "Replace a resource by file name or stdin")),
    },
    Verb {
        name: "wait",
        run: wait::run,
        flags: wait::FLAGS,
        help: Some((
            HelpGroup::Advanced,
            "Experimental: Wait for a specific condition on one or many resources",
        )),
    },
    Verb {
        name: "label",
        run: |ctx, rest| label::run(ctx, rest, label::Mode::Label).into(),
        flags: label::FLAGS,
        help: Some((HelpGroup::Settings, "Update the labels on a resource")),
    },
    Verb {
        name: "annotate",
        run: |ctx, rest| label::run(ctx, rest, label::Mode::Annotate).into(),
        flags: label::FLAGS,
        help: Some((HelpGroup::Settings, "Update the annotations on a resource")),
    },
    Verb {
        name: "completion",
        run: |_, _| Output::ok().into(),
        flags: &[],
        help: Some((HelpGroup::Settings, "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)")),
    },
    Verb {
        name: "api-resources",
        run: |_, rest| info::api_resources(rest).into(),
        flags: info::API_RESOURCES_FLAGS,
        help: Some((
            HelpGroup::Other,
            "Print the supported API resources on the server",
        )),
    },
    Verb {
        name: "api-versions",
        run: |_, _| info::api_versions().into(),
        flags: &[],
        help: Some((HelpGroup::Other, "Print the supported API versions on the server, in the form of \"group/version\"")),
    },
    Verb {
        name: "config",
        run: |ctx, rest| config::run(ctx, rest).into(),
        flags: config::FLAGS,
        help: Some((HelpGroup::Other, "Modify kubeconfig files")),
    },
    Verb {
        name: "auth",
        run: |ctx, rest| auth::run(ctx, rest).into(),
        flags: auth::FLAGS,
        help: Some((HelpGroup::Troubleshooting, "Inspect authorization")),
    },
    Verb {
        name: "version",
        run: |_, rest| info::version(rest).into(),
        flags: info::VERSION_FLAGS,
        help: Some((
            HelpGroup::Other,
            "Print the client and server version information",
        )),
    },
];

/// kubectl 1.34 commands the playground does not simulate: they get an honest message
/// instead of cobra's "unknown command".
pub const NOT_SIMULATED: &[&str] = &[
    "alpha",
    "attach",
    "certificate",
    "cp",
    "debug",
    "kustomize",
    "plugin",
    "port-forward",
    "proxy",
];

/// The verb named `name`, if kubectl has it here.
pub fn find(name: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.name == name)
}

/// Verb names in the order cobra keeps its commands (sorted by name).
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = VERBS.iter().map(|v| v.name).collect();
    crate::sort::sort(&mut names);
    names
}

/// The commands of kubectl 1.34 the playground does not run, where `kubectl --help` lists
/// them (run, they say they are not available).
const NOT_SIMULATED_HELP: &[(HelpGroup, &str, &str)] = &[
    (
        HelpGroup::ClusterManagement,
        "certificate",
        "Modify certificate resources",
    ),
    (
        HelpGroup::Troubleshooting,
        "attach",
        "Attach to a running container",
    ),
    (
        HelpGroup::Troubleshooting,
        "port-forward",
        "Forward one or more local ports to a pod",
    ),
    (
        HelpGroup::Troubleshooting,
        "proxy",
        "Run a proxy to the Kubernetes API server",
    ),
    (
        HelpGroup::Troubleshooting,
        "cp",
        "Copy files and directories to and from containers",
    ),
    (
        HelpGroup::Troubleshooting,
        "debug",
        "Create debugging sessions for troubleshooting workloads and nodes",
    ),
    (
        HelpGroup::Advanced,
        "kustomize",
        "Build a kustomization target from a directory or URL",
    ),
    (
        HelpGroup::Other,
        "plugin",
        "Provides utilities for interacting with plugins",
    ),
];

/// The order of kubectl 1.34's root help, across simulated and not simulated commands.
const HELP_ORDER: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
];

/// `kubectl --help`: every command of kubectl 1.34 under its group, as it prints them.
pub fn help() -> Output {
    let mut text = String::from("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
    let mut entries: Vec<(HelpGroup, &str, &str)> = VERBS
        .iter()
        .filter_map(|v| v.help.map(|(g, summary)| (g, v.name, summary)))
        .chain(NOT_SIMULATED_HELP.iter().copied())
        .collect();
    crate::sort::sort_by_key(&mut entries, |(_, name, _)| {
        HELP_ORDER.iter().position(|n| n == name)
    });
    for group in HelpGroup::ALL {
        if group == HelpGroup::Other {
            // kubectl lists plugins found on the PATH here; the playground has none.
            text.push_str("\nSubcommands provided by plugins:\n");
        }
        text.push_str(&format!("\n{}:\n", group.title()));
        for (_, name, summary) in entries.iter().filter(|(g, _, _)| *g == group) {
            text.push_str(&format!("  {name:<16}{summary}\n"));
        }
    }
    text.push_str("\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).");
    let mut o = Output::ok();
    o.out(text);
    o
}
