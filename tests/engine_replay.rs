//! Determinism: the same seed and inputs give the same cluster, byte for byte (which is
//! what lets the page rewind by replaying its inputs on a fresh cluster).

mod common;

use common::*;
use kubeplay::engine::{Cluster, ClusterConfig, DeleteOptions, Millis, Propagation};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// One input of a scripted scenario, applied at `at` ms after the start.
type Step = (Millis, fn(&mut Cluster));

/// StatefulSet + DaemonSet + Deployment; scale, set image, deletes, a bad image.
fn mixed_scenario() -> Vec<Step> {
    vec![
        (0, |c| {
            c.create(statefulset("web", 3, "nginx:1.27")).unwrap();
        }),
        (500, |c| {
            c.create(daemonset(
                "fluentd",
                "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
            ))
            .unwrap();
        }),
        (1_000, |c| {
            c.create(deployment("api", 4, "nginx:1.26")).unwrap();
        }),
        (40_000, |c| {
            modify(c, "StatefulSet", "web", |s| {
                s["spec"]["replicas"] = 5.into()
            })
        }),
        (45_000, |c| set_image(c, "Deployment", "api", "nginx:1.27")),
        (60_000, |c| {
            c.delete("Pod", "default", "web-1", DeleteOptions::default())
                .unwrap();
        }),
        (75_000, |c| {
            set_image(c, "StatefulSet", "web", "nginx:doesnotexist")
        }),
        (90_000, |c| {
            set_image(
                c,
                "DaemonSet",
                "fluentd",
                "quay.io/fluentd_elasticsearch/fluentd:v3",
            )
        }),
        (150_000, |c| {
            modify(c, "Deployment", "api", |d| d["spec"]["replicas"] = 2.into())
        }),
        (170_000, |c| {
            set_image(c, "StatefulSet", "web", "nginx:1.27")
        }),
        (175_000, |c| {
            c.delete("Pod", "default", "web-4", DeleteOptions::default())
                .unwrap();
        }),
        (240_000, |c| {
            c.delete(
                "Deployment",
                "default",
                "api",
                DeleteOptions {
                    grace_period_seconds: None,
                    propagation: Propagation::Foreground,
                },
            )
            .unwrap();
        }),
    ]
}

/// Runs `steps` on a fresh cluster and stops at `until` ms after the start.
fn run(seed: u64, steps: &[Step], until: Millis) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, seed));
    let t0 = c.now;
    for (at, step) in steps {
        if *at > until {
            break;
        }
        c.advance_to(t0 + at);
        step(&mut c);
    }
    c.advance_to(t0 + until);
    c
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn pod_names(c: &Cluster) -> Vec<String> {
    c.store
        .list("Pod", Some("default"))
        .map(|p| name_of(p))
        .collect()
}

#[test]
fn the_same_seed_and_inputs_give_a_byte_identical_journal() {
    let steps = mixed_scenario();
    let a = run(7, &steps, 400_000);
    let b = run(7, &steps, 400_000);
    let (ja, jb) = (journal_dump(&a), journal_dump(&b));
    assert!(
        ja.lines().count() > 300,
        "the scenario is long: {} entries",
        ja.lines().count()
    );
    assert_eq!(hash(&ja), hash(&jb));
    // Printed so that engine optimisations can be checked to change nothing.
    eprintln!(
        "journal hash {:016x} ({} entries)",
        hash(&ja),
        ja.lines().count()
    );
    assert!(ja == jb, "journals differ");
    assert_eq!(store_dump(&a), store_dump(&b));
    assert_eq!(a.why, b.why);
}

#[test]
fn a_different_seed_gives_different_pod_names_and_timings() {
    let steps = mixed_scenario();
    let a = run(7, &steps, 30_000);
    let b = run(8, &steps, 30_000);
    let (na, nb) = (pod_names(&a), pod_names(&b));
    // StatefulSet pods keep their names; DaemonSet and ReplicaSet pods get random suffixes.
    assert!(na.contains(&"web-0".to_string()) && nb.contains(&"web-0".to_string()));
    let random = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| !n.starts_with("web-"))
            .cloned()
            .collect()
    };
    assert_ne!(random(&na), random(&nb), "suffixes come from the seed");
    let ready_times = |c: &Cluster| -> Vec<String> {
        c.store
            .list("Pod", Some("default"))
            .filter(|p| {
                p["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("web-"))
            })
            .map(|p| p["status"]["containerStatuses"][0]["state"].to_string())
            .collect()
    };
    assert_ne!(
        ready_times(&a),
        ready_times(&b),
        "stage jitter comes from the seed"
    );
    assert_ne!(hash(&journal_dump(&a)), hash(&journal_dump(&b)));
}

/// The page builds its first session with the add-ons deferred (so its first module does
/// not need the controllers); the cluster a learner then uses is byte for byte the one
/// installed at once, whatever the first thing they do is.
#[test]
fn a_session_whose_add_ons_wait_for_first_use_is_the_same_cluster() {
    use kubeplay::kubectl::Session;
    let script = [
        "kubectl get po -A -o wide",
        "kubectl create deployment web --image=nginx:1.27 --replicas=3",
        "sleep 20",
        "kubectl get po -A -o wide --show-labels",
        "kubectl get ds,deploy -A",
    ];
    for first_tick in [false, true] {
        let mut now = Session::new(3, 7);
        let mut later = Session::with_config(ClusterConfig {
            defer_addons: true,
            ..ClusterConfig::with_nodes(3, 7)
        });
        assert!(
            later.cluster().store.resource_version() < now.cluster().store.resource_version(),
            "deferred: nothing in kube-system yet"
        );
        if first_tick {
            now.tick(500);
            later.tick(500);
        }
        for line in script {
            assert_eq!(now.submit(line), later.submit(line), "{line}");
        }
        assert_eq!(
            now.cluster().store.resource_version(),
            later.cluster().store.resource_version()
        );
    }
}
