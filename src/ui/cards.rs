//! What the cluster view draws of the store: a card per pod (phase, readiness, ordinal,
//! revision, claims) and a lane per node. Only the browser draws these, so they live with
//! the UI; they read the store the way `kubectl get` does (its STATUS and READY columns).

use crate::engine::json::At;
use crate::engine::Cluster;
use crate::kubectl::printers::columns::pods::{pod_ready, pod_restarts, pod_status};
use serde_json::Value;

/// What a pod card in the cluster view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCard {
    pub name: String,
    pub namespace: String,
    /// STATUS as `kubectl get` shows it (`Running`, `Terminating`, `ContainerCreating`, ...).
    pub phase: String,
    pub node: Option<String>,
    pub ready: String,
    /// `Kind/name` of the controller.
    pub owner: Option<String>,
    /// `CronJob/name` when the controller is a Job a CronJob made.
    pub schedule_owner: Option<String>,
    /// The pod's phase is `Succeeded` or `Failed`: its containers will not run again.
    pub finished: bool,
    pub ordinal: Option<u32>,
    pub revision: Option<String>,
    pub restarts: u32,
    /// Claims mounted by the pod.
    pub claims: Vec<String>,
}

/// What a node lane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLane {
    pub name: String,
    pub roles: String,
    pub taints: Vec<String>,
    pub ready: bool,
    pub max_pods: u32,
    /// Its kubelet is stopped (`kubeplay node stop`).
    pub kubelet_stopped: bool,
}

/// The namespaces the cluster runs itself in (kube-system's add-ons and control plane,
/// kind's storage provisioner): the view folds their pods away until asked.
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-node-lease",
    "kube-public",
    "kube-system",
    "local-path-storage",
];

/// Whether pods in `namespace` are the cluster's own rather than the learner's.
pub fn is_system_namespace(namespace: &str) -> bool {
    SYSTEM_NAMESPACES.contains(&namespace)
}

/// Whether the view draws the card of `pod`: system pods only when unfolded, and
/// finished pods unless hidden (a leaving card, `gone`, still plays its animation).
pub fn drawn(pod: &PodCard, gone: bool, show_system: bool, hide_finished: bool) -> bool {
    (show_system || !is_system_namespace(&pod.namespace))
        && !(hide_finished && pod.finished && !gone)
}

/// The pods the cluster view draws, in namespace/name order.
pub fn pod_cards(cluster: &Cluster) -> Vec<PodCard> {
    cluster
        .store
        .list("Pod", None)
        .map(|p| pod_card(cluster, p))
        .collect()
}

/// The node lanes of the cluster view, in name order.
pub fn node_lanes(cluster: &Cluster) -> Vec<NodeLane> {
    cluster
        .store
        .list("Node", None)
        .map(|n| {
            let labels = n["metadata"]["labels"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let roles: Vec<String> = labels
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
                .collect();
            NodeLane {
                kubelet_stopped: cluster
                    .kubelet
                    .stopped
                    .contains_key(n["metadata"]["name"].as_str().unwrap_or("")),
                name: n["metadata"]["name"].as_str().unwrap_or("").to_string(),
                roles: if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                taints: n["spec"]["taints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|t| {
                        format!(
                            "{}:{}",
                            t["key"].as_str().unwrap_or(""),
                            t["effect"].as_str().unwrap_or("")
                        )
                    })
                    .collect(),
                ready: n["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True"),
                max_pods: n
                    .at("/status/allocatable/pods")
                    .and_then(Value::as_str)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(110),
            }
        })
        .collect()
}

/// `Kind/name` of an object's controller.
fn controller_of(obj: &Value) -> Option<(String, String)> {
    crate::engine::controllers::controller_ref(obj).map(|r| {
        (
            r["kind"].as_str().unwrap_or("").to_string(),
            r["name"].as_str().unwrap_or("").to_string(),
        )
    })
}

/// What the cluster view shows of one pod (the store's object); the cluster is read for
/// the CronJob behind a Job's pod.
pub fn pod_card(cluster: &Cluster, p: &Value) -> PodCard {
    let (ready, total) = pod_ready(p);
    let namespace = p["metadata"]["namespace"].as_str().unwrap_or("");
    let controller = controller_of(p);
    let schedule_owner = controller
        .as_ref()
        .filter(|(kind, _)| kind == "Job")
        .and_then(|(_, job)| cluster.store.get("Job", namespace, job))
        .and_then(|job| controller_of(job))
        .filter(|(kind, _)| kind == "CronJob")
        .map(|(kind, name)| format!("{kind}/{name}"));
    let owner = controller.map(|(kind, name)| format!("{kind}/{name}"));
    let finished = matches!(
        p.at("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    );
    let ordinal = p
        .at("/metadata/labels/apps.kubernetes.io~1pod-index")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok());
    let revision = p
        .at("/metadata/labels/controller-revision-hash")
        .or_else(|| p.at("/metadata/labels/pod-template-hash"))
        .and_then(Value::as_str)
        .map(String::from);
    let claims = crate::engine::volumes::claim_names(p)
        .map(String::from)
        .collect();
    PodCard {
        name: p["metadata"]["name"].as_str().unwrap_or("").to_string(),
        namespace: namespace.to_string(),
        phase: pod_status(p),
        node: p
            .at("/spec/nodeName")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(String::from),
        ready: format!("{ready}/{total}"),
        owner,
        schedule_owner,
        finished,
        ordinal,
        revision,
        restarts: pod_restarts(p) as u32,
        claims,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::Session;

    #[test]
    fn system_pods_are_folded_away_until_the_view_is_unfolded() {
        let mut s = Session::new(3, 1);
        let cards = pod_cards(s.cluster());
        let proxy = cards
            .iter()
            .find(|c| c.name.starts_with("kube-proxy-"))
            .expect("kube-proxy runs from the start");
        assert!(!drawn(proxy, false, false, false));
        assert!(drawn(proxy, false, true, false));
        s.submit("kubectl create deployment web --image=nginx");
        let web = pod_cards(s.cluster())
            .into_iter()
            .find(|c| c.name.starts_with("web-"))
            .expect("web's pod");
        assert!(drawn(&web, false, false, false));
        assert!(is_system_namespace("local-path-storage"));
        assert!(!is_system_namespace("default"));
    }

    #[test]
    fn a_finished_pod_is_hidden_only_when_asked_and_plays_out_its_leaving() {
        let mut c = PodCard {
            name: "job-x".into(),
            namespace: "default".into(),
            phase: "Completed".into(),
            node: None,
            ready: "0/1".into(),
            owner: None,
            schedule_owner: None,
            finished: true,
            ordinal: None,
            revision: None,
            restarts: 0,
            claims: vec![],
        };
        assert!(drawn(&c, false, false, false));
        assert!(!drawn(&c, false, false, true));
        assert!(drawn(&c, true, false, true));
        c.finished = false;
        assert!(drawn(&c, false, false, true));
    }

    /// The card of the first pod whose name starts with `prefix`, once `done` holds for it
    /// (time moves a second at a time, for at most `limit_s` seconds).
    fn card_when(
        s: &mut Session,
        prefix: &str,
        limit_s: u32,
        done: impl Fn(&PodCard) -> bool,
    ) -> PodCard {
        for _ in 0..limit_s {
            let found = pod_cards(s.cluster())
                .into_iter()
                .find(|c| c.name.starts_with(prefix) && done(c));
            if let Some(card) = found {
                return card;
            }
            s.tick(1_000);
        }
        panic!("no {prefix}* pod as expected: {:?}", pod_cards(s.cluster()));
    }

    #[test]
    fn a_jobs_pod_is_grouped_under_the_job_and_ends_finished() {
        let mut s = Session::new(1, 1);
        s.submit("kubectl create job hello --image=busybox -- echo hi");
        let running = card_when(&mut s, "hello-", 5, |_| true);
        assert_eq!(running.owner.as_deref(), Some("Job/hello"));
        assert_eq!(running.schedule_owner, None);
        assert!(!running.finished, "{running:?}");
        let done = card_when(&mut s, "hello-", 120, |c| c.finished);
        assert_eq!(done.phase, "Completed");
    }

    #[test]
    fn a_cronjobs_pod_names_the_cronjob_behind_its_job() {
        let mut s = Session::new(1, 1);
        s.submit(
            "kubectl create cronjob nightly --image=busybox --schedule=\"* * * * *\" -- echo hi",
        );
        let card = card_when(&mut s, "nightly-", 180, |_| true);
        assert!(
            card.owner
                .as_deref()
                .is_some_and(|o| o.starts_with("Job/nightly-")),
            "{card:?}"
        );
        assert_eq!(card.schedule_owner.as_deref(), Some("CronJob/nightly"));
    }
}
