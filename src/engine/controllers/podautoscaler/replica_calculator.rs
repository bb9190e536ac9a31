//! `replica_calculator.go`, pure: from the pods a target selects and the metrics
//! metrics-server reports for them, the replica count a resource metric asks for. Pods
//! are grouped as the real calculator groups them (ready, unready, missing a metric,
//! ignored), and the missing and unready ones are counted in the direction that scales
//! least.

use crate::engine::clock::Millis;
use std::collections::BTreeMap;

/// The controller's default `--horizontal-pod-autoscaler-tolerance`: no scaling while
/// the usage ratio is within 10 % of 1.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
pub const CPU_INITIALIZATION_PERIOD: Millis = 5 * 60_000;
/// `--horizontal-pod-autoscaler-initial-readiness-delay`.
pub const INITIAL_READINESS_DELAY: Millis = 30_000;

/// What metrics-server reports of one pod: the sum of its containers' usage (millicores,
/// or milli-bytes for memory), scraped at `timestamp` over `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodMetric {
    pub value: i64,
    pub timestamp: Millis,
    pub window: Millis,
}

/// What the calculator reads of one pod the target's selector matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFacts {
    pub name: String,
    /// Being deleted, or Failed: left out entirely.
    pub gone: bool,
    pub pending: bool,
    pub start_time: Option<Millis>,
    /// The Ready condition: (status, lastTransitionTime).
    pub ready: Option<(bool, Millis)>,
    /// The pod's request of the resource (milli-units), or the first container that
    /// requests none.
    pub request: Result<i64, String>,
}

/// A metric's proposal: the replica count, and what `currentMetrics` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub replicas: i64,
    /// Average utilization, percent of request (utilization targets only).
    pub utilization: Option<i64>,
    /// The average raw value per pod (milli-units).
    pub average: i64,
}

/// `Tolerances.isWithin`.
fn within_tolerance(ratio: f64) -> bool {
    ((1.0 - TOLERANCE)..=(1.0 + TOLERANCE)).contains(&ratio)
}

struct Groups {
    ready: i64,
    unready: Vec<String>,
    missing: Vec<String>,
    ignored: Vec<String>,
}

impl Groups {
    /// A scale-up while some pods are not ready yet: they count as using nothing.
    fn scales_up_with_unready(&self, ratio: f64) -> bool {
        !self.unready.is_empty() && ratio > 1.0
    }

    /// The count when no pod needs filling in: the current one within the tolerance,
    /// else the ratio times the ready pods, rounded up.
    fn plain_count(&self, current: i64, ratio: f64) -> Option<i64> {
        if self.scales_up_with_unready(ratio) || !self.missing.is_empty() {
            return None;
        }
        Some(if within_tolerance(ratio) {
            current
        } else {
            (ratio * self.ready as f64).ceil() as i64
        })
    }
}

/// `groupPods`. `cpu`: readiness matters for CPU only (a pod's first minutes of CPU are
/// start-up work, not load).
fn group_pods(
    pods: &[PodFacts],
    metrics: &BTreeMap<String, PodMetric>,
    cpu: bool,
    now: Millis,
) -> Groups {
    let mut g = Groups {
        ready: 0,
        unready: Vec::new(),
        missing: Vec::new(),
        ignored: Vec::new(),
    };
    for p in pods {
        if p.gone {
            g.ignored.push(p.name.clone());
            continue;
        }
        if p.pending {
            g.unready.push(p.name.clone());
            continue;
        }
        let Some(metric) = metrics.get(&p.name) else {
            g.missing.push(p.name.clone());
            continue;
        };
        if cpu {
            let unready = match (p.ready, p.start_time) {
                (Some((status, changed)), Some(start)) => {
                    if start + CPU_INITIALIZATION_PERIOD > now {
                        // Still starting: a sample counts once a whole window of it
                        // was measured after the pod became ready.
                        !status || metric.timestamp < changed + metric.window
                    } else {
                        // Long started: ignored only if it never became ready.
                        !status && start + INITIAL_READINESS_DELAY > changed
                    }
                }
                _ => true,
            };
            if unready {
                g.unready.push(p.name.clone());
                continue;
            }
        }
        g.ready += 1;
    }
    g
}

/// The pods grouped, and the values of the metrics that count (ignored and unready
/// pods' left out), or why there are none.
fn counted(
    pods: &[PodFacts],
    mut metrics: BTreeMap<String, PodMetric>,
    cpu: bool,
    now: Millis,
) -> Result<(Groups, BTreeMap<String, i64>), String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let g = group_pods(pods, &metrics, cpu, now);
    for name in g.ignored.iter().chain(&g.unready) {
        metrics.remove(name);
    }
    if metrics.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let values = metrics.into_iter().map(|(n, m)| (n, m.value)).collect();
    Ok((g, values))
}

/// `GetResourceReplicas`: the count for a target average utilization (percent of
/// request). `metrics` are the pods metrics-server reported; `Err` is the reason as the
/// controller words it.
pub fn resource_replicas(
    current: i64,
    target_utilization: i64,
    pods: &[PodFacts],
    metrics: BTreeMap<String, PodMetric>,
    cpu: bool,
    now: Millis,
) -> Result<Proposal, String> {
    let (g, values) = counted(pods, metrics, cpu, now)?;
    let mut requests = BTreeMap::new();
    for p in pods {
        requests.insert(p.name.clone(), p.request.clone()?);
    }
    let (ratio, utilization, average) = utilization_ratio(&values, &requests, target_utilization)?;
    let proposal = |replicas| Proposal {
        replicas,
        utilization: Some(utilization),
        average,
    };
    if let Some(replicas) = g.plain_count(current, ratio) {
        return Ok(proposal(replicas));
    }
    let scale_up_with_unready = g.scales_up_with_unready(ratio);
    let mut values = values;
    if ratio < 1.0 {
        // Scaling down: a pod without a metric counts as using all it requests (or the
        // target, when the target is above 100 %).
        let fallback = target_utilization.max(100);
        for name in &g.missing {
            values.insert(name.clone(), requests[name] * fallback / 100);
        }
    } else if ratio > 1.0 {
        // Scaling up: as using nothing.
        for name in &g.missing {
            values.insert(name.clone(), 0);
        }
    }
    if scale_up_with_unready {
        for name in &g.unready {
            values.insert(name.clone(), 0);
        }
    }
    let (new_ratio, _, _) = utilization_ratio(&values, &requests, target_utilization)?;
    Ok(proposal(settle(current, ratio, new_ratio, values.len())))
}

/// The count after filling in missing and unready pods: the current one when the change
/// is small or the filled-in numbers would turn the direction around.
fn settle(current: i64, ratio: f64, new_ratio: f64, counted: usize) -> i64 {
    if within_tolerance(new_ratio)
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return current;
    }
    let replicas = (new_ratio * counted as f64).ceil() as i64;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return current;
    }
    replicas
}

/// `GetResourceUtilizationRatio`: (usage ratio, utilization percent, average value).
fn utilization_ratio(
    metrics: &BTreeMap<String, i64>,
    requests: &BTreeMap<String, i64>,
    target: i64,
) -> Result<(f64, i64, i64), String> {
    let (mut total, mut requested, mut n) = (0i64, 0i64, 0i64);
    for (name, v) in metrics {
        if let Some(r) = requests.get(name) {
            total += v;
            requested += r;
            n += 1;
        }
    }
    if requested == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let utilization = total * 100 / requested;
    Ok((utilization as f64 / target as f64, utilization, total / n))
}

/// `GetRawResourceReplicas` (`calcPlainMetricReplicas`): the count for a target average
/// value per pod (milli-units).
pub fn raw_resource_replicas(
    current: i64,
    target_average: i64,
    pods: &[PodFacts],
    metrics: BTreeMap<String, PodMetric>,
    cpu: bool,
    now: Millis,
) -> Result<Proposal, String> {
    let (g, mut values) = counted(pods, metrics, cpu, now)?;
    let (ratio, average) = usage_ratio(&values, target_average);
    let proposal = |replicas| Proposal {
        replicas,
        utilization: None,
        average,
    };
    if let Some(replicas) = g.plain_count(current, ratio) {
        return Ok(proposal(replicas));
    }
    let scale_up_with_unready = g.scales_up_with_unready(ratio);
    for name in &g.missing {
        if ratio < 1.0 {
            values.insert(name.clone(), target_average);
        } else if ratio > 1.0 {
            values.insert(name.clone(), 0);
        }
    }
    if scale_up_with_unready {
        for name in &g.unready {
            values.insert(name.clone(), 0);
        }
    }
    let (new_ratio, _) = usage_ratio(&values, target_average);
    Ok(proposal(settle(current, ratio, new_ratio, values.len())))
}

/// `GetMetricUsageRatio`: (usage ratio, average value).
fn usage_ratio(metrics: &BTreeMap<String, i64>, target: i64) -> (f64, i64) {
    let total: i64 = metrics.values().sum();
    let average = total / metrics.len().max(1) as i64;
    (average as f64 / target as f64, average)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 10 * 60_000;

    fn pod(name: &str, request: i64) -> PodFacts {
        PodFacts {
            name: name.into(),
            gone: false,
            pending: false,
            start_time: Some(0),
            ready: Some((true, 1_000)),
            request: Ok(request),
        }
    }

    fn metrics(values: &[(&str, i64)]) -> BTreeMap<String, PodMetric> {
        values
            .iter()
            .map(|(n, v)| {
                let m = PodMetric {
                    value: *v,
                    timestamp: NOW - 5_000,
                    window: 15_000,
                };
                (n.to_string(), m)
            })
            .collect()
    }

    #[test]
    fn one_pod_at_five_times_its_target_asks_for_five() {
        let p = resource_replicas(1, 50, &[pod("a", 200)], metrics(&[("a", 500)]), true, NOW);
        assert_eq!(
            p,
            Ok(Proposal {
                replicas: 5,
                utilization: Some(250),
                average: 500
            })
        );
    }

    #[test]
    fn a_ratio_within_ten_percent_keeps_the_current_count() {
        let pods = [pod("a", 200), pod("b", 200)];
        let p = resource_replicas(2, 50, &pods, metrics(&[("a", 105), ("b", 104)]), true, NOW);
        assert_eq!(p.map(|p| (p.replicas, p.utilization)), Ok((2, Some(52))));
    }

    #[test]
    fn idle_pods_ask_for_fewer_replicas_rounded_up() {
        let pods: Vec<PodFacts> = (0..7).map(|i| pod(&format!("p{i}"), 200)).collect();
        // 20m of 200m each: 10 % against 50 % → 0.2 × 7 pods = 1.4 → 2.
        let m: Vec<(String, i64)> = (0..7).map(|i| (format!("p{i}"), 20)).collect();
        let m: Vec<(&str, i64)> = m.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        let p = resource_replicas(7, 50, &pods, metrics(&m), true, NOW);
        assert_eq!(p.map(|p| (p.replicas, p.utilization)), Ok((2, Some(10))));
    }

    #[test]
    fn a_pod_without_a_metric_counts_as_using_its_whole_request_on_a_scale_down() {
        let pods = [pod("a", 200), pod("b", 200)];
        // a alone: 10 % of 50 % → 1 replica; b filled in at 100 %: ratio 1.1 → stays.
        let p = resource_replicas(2, 50, &pods, metrics(&[("a", 20)]), true, NOW);
        assert_eq!(p.map(|p| p.replicas), Ok(2));
    }

    #[test]
    fn a_pod_without_a_metric_counts_as_idle_on_a_scale_up() {
        let pods = [pod("a", 200), pod("b", 200)];
        // a at 200 % of request (ratio 4); b at 0: ratio 2 over two pods → 4.
        let p = resource_replicas(2, 50, &pods, metrics(&[("a", 400)]), true, NOW);
        assert_eq!(p.map(|p| p.replicas), Ok(4));
    }

    #[test]
    fn a_pod_that_just_became_ready_is_left_out_until_a_whole_window_is_measured() {
        let mut fresh = pod("b", 200);
        fresh.start_time = Some(NOW - 20_000);
        fresh.ready = Some((true, NOW - 10_000));
        let pods = [pod("a", 200), fresh];
        // b is unready: on a scale-up it counts as 0 → (500 + 0) / 400 = 125 % → 5
        // (counted at its 500m it would have asked for 10).
        let p = resource_replicas(2, 50, &pods, metrics(&[("a", 500), ("b", 500)]), true, NOW);
        assert_eq!(p.map(|p| (p.replicas, p.utilization)), Ok((5, Some(250))));
    }

    #[test]
    fn pending_and_deleted_pods_alone_give_no_metrics() {
        let mut pending = pod("a", 200);
        pending.pending = true;
        let mut gone = pod("b", 200);
        gone.gone = true;
        let p = resource_replicas(2, 50, &[pending, gone], metrics(&[("b", 9)]), true, NOW);
        assert_eq!(
            p,
            Err("did not receive metrics for targeted pods (pods might be unready)".into())
        );
    }

    #[test]
    fn a_container_without_a_request_makes_utilization_unknowable() {
        let mut a = pod("a", 0);
        a.request = Err("missing request for cpu in container php-apache of Pod a".into());
        let p = resource_replicas(1, 50, &[a], metrics(&[("a", 9)]), true, NOW);
        assert_eq!(
            p,
            Err("missing request for cpu in container php-apache of Pod a".into())
        );
    }

    #[test]
    fn an_average_value_target_divides_the_average_by_the_target() {
        let pods = [pod("a", 0), pod("b", 0)];
        let p = raw_resource_replicas(2, 100, &pods, metrics(&[("a", 300), ("b", 100)]), true, NOW);
        assert_eq!(
            p,
            Ok(Proposal {
                replicas: 4,
                utilization: None,
                average: 200
            })
        );
    }
}
