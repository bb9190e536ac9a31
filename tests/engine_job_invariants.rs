//! Invariants of the Job and CronJob controllers under randomized operation sequences,
//! checked whenever the cluster has settled after an event (a Job's own update and the
//! sync that answers it are one step for a user): never more active pods than
//! parallelism or than the completions left; succeeded never above completions; a
//! finished Job creates nothing; a Forbid CronJob never has two Jobs running.
//!
//! `KUBEPLAY_PROPTEST_CASES=N` / `KUBEPLAY_PROPTEST_FIRST=N` as in engine_invariants.

mod common;

use common::*;
use kubeplay::engine::clock::Rng;
use kubeplay::engine::{Cluster, ClusterConfig, DeleteOptions};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Images by behaviour: exits 0 after 200 ms, exits 1 after 1.5 s, keeps running.
const IMAGES: &[&str] = &["busybox", "crashloop", "nginx"];
const JOBS: &[&str] = &["a", "b", "c"];
const CRONJOBS: &[(&str, &str)] = &[("tick", "Forbid"), ("tock", "Allow"), ("tack", "Replace")];

fn controller(o: &Value) -> Option<&Value> {
    o["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

fn finished(job: &Value) -> bool {
    job["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True")
    })
}

fn active(p: &Value) -> bool {
    p.pointer("/metadata/deletionTimestamp").is_none()
        && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

struct Case {
    rng: Rng,
    c: Cluster,
    case: u64,
    log: Vec<String>,
    /// Pods (uids) of each Job (uid) when it was first seen finished.
    finished_pods: BTreeMap<String, BTreeSet<String>>,
}

impl Case {
    fn fail(&self, msg: String) -> ! {
        let tail = self.log[self.log.len().saturating_sub(20)..].join("\n");
        panic!(
            "case {} (KUBEPLAY_PROPTEST_FIRST={} KUBEPLAY_PROPTEST_CASES=1): {msg}\nlast steps:\n{tail}",
            self.case, self.case
        );
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.below(from.len() as u64) as usize]
    }

    fn job(&mut self, name: &str) -> Value {
        let image = self.pick(IMAGES);
        let mut spec = json!({
            "parallelism": 1 + self.rng.below(3),
            "backoffLimit": self.rng.below(4),
            "template": {"spec": {"containers": [{"name": "c", "image": image}],
                "restartPolicy": "Never"}},
        });
        match self.rng.below(4) {
            0 => {}
            1 => {
                spec["completions"] = json!(1 + self.rng.below(4));
                spec["completionMode"] = json!("Indexed");
            }
            _ => spec["completions"] = json!(1 + self.rng.below(4)),
        }
        if self.rng.below(4) == 0 {
            spec["activeDeadlineSeconds"] = json!(5 + self.rng.below(60));
        }
        if self.rng.below(5) == 0 {
            spec["suspend"] = json!(true);
        }
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": spec})
    }

    fn step(&mut self) {
        let now = (self.c.now - self.c.started_at()) / 1000;
        match self.rng.below(10) {
            0..=1 => {
                let name = self.pick(JOBS);
                let job = self.job(name);
                self.log
                    .push(format!("+{now}s create job {name} {}", job["spec"]));
                let _ = self.c.create(job);
            }
            2 => {
                let (name, policy) = CRONJOBS[self.rng.below(3) as usize];
                let image = self.pick(IMAGES);
                let schedule = ["* * * * *", "*/2 * * * *"][self.rng.below(2) as usize];
                self.log.push(format!(
                    "+{now}s create cronjob {name} {policy} {image} {schedule}"
                ));
                let _ = self
                    .c
                    .create(json!({"apiVersion": "batch/v1", "kind": "CronJob",
                    "metadata": {"name": name}, "spec": {"schedule": schedule,
                    "concurrencyPolicy": policy, "jobTemplate": {"spec": {"template": {"spec": {
                        "containers": [{"name": "c", "image": image}],
                        "restartPolicy": "Never"}}}}}}));
            }
            3 => {
                let name = self.pick(JOBS);
                if self.c.get("Job", "default", name).is_some() {
                    let p = self.rng.below(4) as i64;
                    let suspend = self.rng.below(3) == 0;
                    self.log.push(format!(
                        "+{now}s job {name} parallelism {p} suspend {suspend}"
                    ));
                    modify(&mut self.c, "Job", name, |j| {
                        j["spec"]["parallelism"] = json!(p);
                        j["spec"]["suspend"] = json!(suspend);
                    });
                }
            }
            4 => {
                let pods: Vec<String> = self
                    .c
                    .store
                    .list("Pod", Some("default"))
                    .filter(|p| active(p))
                    .map(|p| name_of(p))
                    .collect();
                if !pods.is_empty() {
                    let p = pods[self.rng.below(pods.len() as u64) as usize].clone();
                    self.log.push(format!("+{now}s delete pod {p}"));
                    let _ = self
                        .c
                        .delete("Pod", "default", &p, DeleteOptions::default());
                }
            }
            5 => {
                let name = self.pick(JOBS);
                self.log.push(format!("+{now}s delete job {name}"));
                let _ = self
                    .c
                    .delete("Job", "default", name, DeleteOptions::default());
            }
            _ => {
                let dt = 1_000 + self.rng.below(90_000) as i64;
                self.log.push(format!("+{now}s advance {}s", dt / 1000));
                self.advance(dt);
            }
        }
        self.check();
    }

    fn advance(&mut self, dt: i64) {
        let until = self.c.now + dt;
        while self.c.timers.next_at().is_some_and(|t| t <= until) {
            self.c.advance_to_next_event();
            self.check();
        }
        self.c.advance_to(until);
    }

    fn check(&mut self) {
        let jobs: Vec<Value> = self
            .c
            .store
            .list("Job", Some("default"))
            .map(|j| (**j).clone())
            .collect();
        let pods: Vec<Value> = self
            .c
            .store
            .list("Pod", Some("default"))
            .map(|p| (**p).clone())
            .collect();
        for job in &jobs {
            let (name, uid) = (name_of(job), job["metadata"]["uid"].as_str().unwrap_or(""));
            let mine: Vec<&Value> = pods
                .iter()
                .filter(|p| controller(p).is_some_and(|r| r["uid"] == uid))
                .collect();
            let running = mine.iter().filter(|p| active(p)).count() as i64;
            let spec = &job["spec"];
            let parallelism = spec["parallelism"].as_i64().unwrap_or(1);
            let succeeded = job["status"]["succeeded"].as_i64().unwrap_or(0);
            let suspended = spec["suspend"] == true;
            let deleting = job.pointer("/metadata/deletionTimestamp").is_some();
            if !deleting && running > if suspended { 0 } else { parallelism } {
                self.fail(format!("Job {name} has {running} active pods, parallelism {parallelism}, suspend {suspended}"));
            }
            if let Some(c) = spec["completions"].as_i64() {
                if succeeded > c {
                    self.fail(format!(
                        "Job {name} succeeded {succeeded} of {c} completions"
                    ));
                }
                if !deleting && running > (c - succeeded).max(0) {
                    self.fail(format!(
                        "Job {name} runs {running} pods with {} completions left",
                        c - succeeded
                    ));
                }
            }
            let uids: BTreeSet<String> = mine
                .iter()
                .map(|p| p["metadata"]["uid"].as_str().unwrap_or("").to_string())
                .collect();
            if finished(job) {
                match self.finished_pods.get(uid) {
                    None => {
                        self.finished_pods.insert(uid.to_string(), uids);
                    }
                    Some(before) => {
                        if let Some(new) = uids.difference(before).next() {
                            self.fail(format!("finished Job {name} created pod {new}"));
                        }
                    }
                }
            }
        }
        for cj in self.c.store.list("CronJob", Some("default")) {
            if cj["spec"]["concurrencyPolicy"] != "Forbid" {
                continue;
            }
            let uid = cj["metadata"]["uid"].as_str().unwrap_or("");
            let running: Vec<String> = jobs
                .iter()
                .filter(|j| controller(j).is_some_and(|r| r["uid"] == uid))
                .filter(|j| !finished(j) && j.pointer("/metadata/deletionTimestamp").is_none())
                .map(name_of)
                .collect();
            if running.len() > 1 {
                self.fail(format!(
                    "Forbid CronJob {} runs {running:?} at once",
                    name_of(cj)
                ));
            }
        }
    }
}

fn run_case(case: u64) {
    let mut k = Case {
        rng: Rng::new(case.wrapping_mul(0x9E37_79B9) ^ 0xB47C),
        c: Cluster::new(ClusterConfig::with_nodes(2, case)),
        case,
        log: Vec::new(),
        finished_pods: BTreeMap::new(),
    };
    for _ in 0..20 + k.rng.below(30) {
        k.step();
    }
    k.advance(300_000);
}

#[test]
fn randomized_job_and_cronjob_sequences_keep_their_invariants() {
    let cases = env("KUBEPLAY_PROPTEST_CASES", 30);
    let first = env("KUBEPLAY_PROPTEST_FIRST", 0);
    for case in first..first + cases {
        run_case(case);
    }
}
