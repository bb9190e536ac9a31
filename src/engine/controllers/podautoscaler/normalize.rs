//! `normalizeDesiredReplicas` and `normalizeDesiredReplicasWithBehaviors`, pure: a
//! metric's proposal becomes the size the controller writes — held up for the
//! stabilization window on a scale-down (the highest recommendation of the last five
//! minutes wins), limited in rate on a scale-up, and kept within min and max. The
//! controller keeps its recommendations and scale events in memory, as the real one does
//! (lost on a restart); here they live in [`Memory`].

use crate::engine::clock::Millis;
use serde_json::Value;

/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: Millis = 5 * 60_000;

/// One recommendation, when it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recommendation {
    replicas: i64,
    at: Millis,
}

/// One rescale, for the behavior's per-period limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ScaleEvent {
    change: i64,
    at: Millis,
    outdated: bool,
}

/// What the controller remembers of one HPA between syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    recommendations: Vec<Recommendation>,
    scale_up: Vec<ScaleEvent>,
    scale_down: Vec<ScaleEvent>,
}

/// A condition the normalization sets: (type, status, reason, message).
pub type Condition = (&'static str, bool, &'static str, &'static str);

/// One `spec.behavior` direction, with the API server's defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub window: Millis,
    /// `Max`, `Min` or `Disabled`.
    pub select: String,
    /// (`Pods` or `Percent`, value, period in ms).
    pub policies: Vec<(String, i64, Millis)>,
}

impl Rules {
    /// Reads `spec.behavior.scaleUp` or `scaleDown` (`None` when `behavior` is unset).
    pub fn from(rules: &Value, default_window: Millis) -> Rules {
        Rules {
            window: rules["stabilizationWindowSeconds"]
                .as_i64()
                .map_or(default_window, |s| s * 1000),
            select: rules["selectPolicy"].as_str().unwrap_or("Max").to_string(),
            policies: rules["policies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["type"].as_str().unwrap_or("").to_string(),
                        p["value"].as_i64().unwrap_or(0),
                        p["periodSeconds"].as_i64().unwrap_or(0) * 1000,
                    )
                })
                .collect(),
        }
    }
}

/// The bounds a sync normalizes within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub current: i64,
    pub min: i64,
    pub max: i64,
}

impl Memory {
    /// `recordInitialRecommendation`: the first sync remembers the current size.
    pub fn record_initial(&mut self, current: i64, now: Millis) {
        if self.recommendations.is_empty() {
            self.recommendations.push(Recommendation {
                replicas: current,
                at: now,
            });
        }
    }

    /// `normalizeDesiredReplicas` (no `behavior`): the highest recommendation of the
    /// stabilization window, then at most double (at least 4) and within min..max.
    pub fn normalize(&mut self, b: Bounds, proposed: i64, now: Millis) -> (i64, [Condition; 2]) {
        let stabilized = self.stabilize(proposed, now);
        let able = if stabilized != proposed {
            SCALE_DOWN_STABILIZED
        } else {
            READY_FOR_NEW_SCALE
        };
        let scale_up_limit = (2 * b.current).max(4);
        let (max_allowed, limit_reason, limit_message) = if b.max > scale_up_limit {
            (scale_up_limit, "ScaleUpLimit", SCALE_UP_LIMIT_MESSAGE)
        } else {
            (b.max, "TooManyReplicas", TOO_MANY_MESSAGE)
        };
        let (desired, reason, message) = if stabilized < b.min {
            (b.min, "TooFewReplicas", TOO_FEW_MESSAGE)
        } else if stabilized > max_allowed {
            (max_allowed, limit_reason, limit_message)
        } else {
            (stabilized, "DesiredWithinRange", WITHIN_RANGE_MESSAGE)
        };
        let limited = ("ScalingLimited", desired != stabilized, reason, message);
        (desired, [able, limited])
    }

    /// `stabilizeRecommendation`: remember this one (in place of one older than the
    /// window) and answer the highest of the window.
    fn stabilize(&mut self, proposed: i64, now: Millis) -> i64 {
        let cutoff = now - DOWNSCALE_STABILIZATION;
        let mut highest = proposed;
        let mut old = None;
        for (i, r) in self.recommendations.iter().enumerate() {
            if r.at < cutoff {
                old = Some(i);
            } else {
                highest = highest.max(r.replicas);
            }
        }
        self.remember(old, proposed, now);
        highest
    }

    fn remember(&mut self, old: Option<usize>, replicas: i64, at: Millis) {
        let r = Recommendation { replicas, at };
        match old {
            Some(i) => self.recommendations[i] = r,
            None => self.recommendations.push(r),
        }
    }

    /// `normalizeDesiredReplicasWithBehaviors`: the behavior's stabilization windows in
    /// both directions, then its rate limits, then min..max.
    pub fn normalize_with_behavior(
        &mut self,
        b: Bounds,
        up: &Rules,
        down: &Rules,
        proposed: i64,
        now: Millis,
    ) -> (i64, [Condition; 2]) {
        let (up_cut, down_cut) = (now - up.window, now - down.window);
        let (mut up_rec, mut down_rec) = (proposed, proposed);
        let mut old = None;
        for (i, r) in self.recommendations.iter().enumerate() {
            if r.at > up_cut {
                up_rec = up_rec.min(r.replicas);
            }
            if r.at > down_cut {
                down_rec = down_rec.max(r.replicas);
            }
            if r.at < up_cut && r.at < down_cut {
                old = Some(i);
            }
        }
        let stabilized = b.current.max(up_rec).min(down_rec);
        self.remember(old, proposed, now);
        let able = if stabilized == proposed {
            READY_FOR_NEW_SCALE
        } else if proposed >= b.current {
            (
                "AbleToScale",
                true,
                "ScaleUpStabilized",
                "recent recommendations were lower than current one, applying the lowest recent recommendation",
            )
        } else {
            SCALE_DOWN_STABILIZED
        };
        let (desired, reason, message) = self.rate_limited(b, up, down, stabilized, now);
        let limited = ("ScalingLimited", desired != stabilized, reason, message);
        (desired, [able, limited])
    }

    /// `convertDesiredReplicasWithBehaviorRate`.
    fn rate_limited(
        &self,
        b: Bounds,
        up: &Rules,
        down: &Rules,
        desired: i64,
        now: Millis,
    ) -> (i64, &'static str, &'static str) {
        if desired > b.current {
            let limit = self.scale_up_limit(b.current, up, now).max(b.current);
            let (allowed, reason, message) = if b.max > limit {
                (limit, "ScaleUpLimit", SCALE_UP_LIMIT_MESSAGE)
            } else {
                (b.max, "TooManyReplicas", TOO_MANY_MESSAGE)
            };
            if desired > allowed {
                return (allowed, reason, message);
            }
        } else if desired < b.current {
            let limit = self.scale_down_limit(b.current, down, now).min(b.current);
            let (allowed, reason, message) = if b.min < limit {
                (
                    limit,
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                )
            } else {
                (b.min, "TooFewReplicas", TOO_FEW_MESSAGE)
            };
            if desired < allowed {
                return (allowed, reason, message);
            }
        }
        (desired, "DesiredWithinRange", WITHIN_RANGE_MESSAGE)
    }

    /// The size at the start of a policy's period: the current one less what was added
    /// in it, plus what was removed.
    fn period_start(&self, current: i64, period: Millis, now: Millis) -> i64 {
        let sum = |events: &[ScaleEvent]| -> i64 {
            events
                .iter()
                .filter(|e| e.at > now - period)
                .map(|e| e.change)
                .sum()
        };
        current - sum(&self.scale_up) + sum(&self.scale_down)
    }

    /// `calculateScaleUpLimitWithScalingRules`.
    fn scale_up_limit(&self, current: i64, rules: &Rules, now: Millis) -> i64 {
        if rules.select == "Disabled" {
            return current;
        }
        let proposals = rules.policies.iter().map(|(ty, value, period)| {
            let start = self.period_start(current, *period, now);
            if ty == "Pods" {
                start + value
            } else {
                (start as f64 * (1.0 + *value as f64 / 100.0)).ceil() as i64
            }
        });
        if rules.select == "Min" {
            proposals.min().unwrap_or(i64::from(i32::MAX))
        } else {
            proposals.max().unwrap_or(i64::from(i32::MIN))
        }
    }

    /// `calculateScaleDownLimitWithBehaviors`.
    fn scale_down_limit(&self, current: i64, rules: &Rules, now: Millis) -> i64 {
        if rules.select == "Disabled" {
            return current;
        }
        let proposals = rules.policies.iter().map(|(ty, value, period)| {
            let start = self.period_start(current, *period, now);
            if ty == "Pods" {
                start - value
            } else {
                (start as f64 * (1.0 - *value as f64 / 100.0)) as i64
            }
        });
        if rules.select == "Min" {
            proposals.max().unwrap_or(i64::from(i32::MIN))
        } else {
            proposals.min().unwrap_or(i64::from(i32::MAX))
        }
    }

    /// `storeScaleEvent` (kept only for an HPA with a behavior, whose limits read them).
    pub fn store_scale_event(&mut self, rules: &Rules, from: i64, to: i64, now: Millis) {
        let longest = rules.policies.iter().map(|p| p.2).max().unwrap_or(0);
        let events = if to > from {
            &mut self.scale_up
        } else {
            &mut self.scale_down
        };
        for e in events.iter_mut() {
            if e.at < now - longest {
                e.outdated = true;
            }
        }
        let new = ScaleEvent {
            change: (to - from).abs(),
            at: now,
            outdated: false,
        };
        match events.iter().rposition(|e| e.outdated) {
            Some(i) => events[i] = new,
            None => events.push(new),
        }
    }
}

const READY_FOR_NEW_SCALE: Condition = (
    "AbleToScale",
    true,
    "ReadyForNewScale",
    "recommended size matches current size",
);
const SCALE_DOWN_STABILIZED: Condition = (
    "AbleToScale",
    true,
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
);
const SCALE_UP_LIMIT_MESSAGE: &str =
    "the desired replica count is increasing faster than the maximum scale rate";
const TOO_MANY_MESSAGE: &str = "the desired replica count is more than the maximum replica count";
const TOO_FEW_MESSAGE: &str = "the desired replica count is less than the minimum replica count";
const WITHIN_RANGE_MESSAGE: &str = "the desired count is within the acceptable range";

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Millis = 60_000;

    fn bounds(current: i64) -> Bounds {
        Bounds {
            current,
            min: 1,
            max: 10,
        }
    }

    #[test]
    fn a_scale_up_is_limited_to_double_or_four() {
        let mut m = Memory::default();
        m.record_initial(1, 0);
        let (d, c) = m.normalize(bounds(1), 7, 15_000);
        assert_eq!(d, 4);
        assert_eq!(c[1].2, "ScaleUpLimit");
        assert!(c[1].1, "ScalingLimited is true");
        let (d, _) = m.normalize(bounds(4), 7, 30_000);
        assert_eq!(d, 7);
    }

    #[test]
    fn a_scale_down_waits_five_minutes_after_the_last_higher_recommendation() {
        let mut m = Memory::default();
        m.record_initial(7, 0);
        let mut t = 0;
        let mut sizes = Vec::new();
        while t <= 6 * MIN {
            t += 15_000;
            let (d, c) = m.normalize(bounds(7), 1, t);
            sizes.push((t, d, c[0].2));
        }
        let first_down = sizes.iter().find(|(_, d, _)| *d == 1).map(|(t, _, _)| *t);
        assert_eq!(first_down, Some(5 * MIN + 15_000), "{sizes:?}");
        assert_eq!(sizes[0].2, "ScaleDownStabilized");
    }

    #[test]
    fn a_proposal_under_min_is_raised_to_it() {
        let mut m = Memory::default();
        let (d, c) = m.normalize(
            Bounds {
                current: 3,
                min: 3,
                max: 10,
            },
            1,
            10 * MIN,
        );
        assert_eq!((d, c[1].2, c[1].1), (3, "TooFewReplicas", true));
    }

    #[test]
    fn a_behavior_limits_scale_up_per_period_by_its_pods_and_percent_policies() {
        let up = Rules {
            window: 0,
            select: "Max".into(),
            policies: vec![("Pods".into(), 4, 15_000), ("Percent".into(), 100, 15_000)],
        };
        let down = Rules {
            window: DOWNSCALE_STABILIZATION,
            select: "Max".into(),
            policies: vec![("Percent".into(), 100, 15_000)],
        };
        let mut m = Memory::default();
        m.record_initial(2, 0);
        let (d, c) = m.normalize_with_behavior(bounds(2), &up, &down, 10, 15_000);
        assert_eq!((d, c[1].2), (6, "ScaleUpLimit"), "2 + max(4 pods, 100 %)");
        m.store_scale_event(&up, 2, 6, 15_000);
        // Within the same 15 s period nothing more may be added.
        let (d, _) = m.normalize_with_behavior(bounds(6), &up, &down, 10, 20_000);
        assert_eq!(d, 6);
        let (d, _) = m.normalize_with_behavior(bounds(6), &up, &down, 10, 31_000);
        assert_eq!(d, 10);
    }
}
