//! `podFailurePolicy` (`pod_failure_policy.go` `matchPodFailurePolicy`), pure: the first
//! rule a failed pod matches — by a container's non-zero exit code or by a pod condition
//! — decides whether its failure fails the Job, is ignored, or counts against
//! `backoffLimit`.

use serde_json::Value;

/// What the policy makes of one failed pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `FailJob`: the message of the Job's FailureTarget and Failed conditions.
    pub fail_job: Option<String>,
    /// Whether the failure counts toward `backoffLimit` (not with `Ignore`).
    pub counts: bool,
}

const COUNTED: Verdict = Verdict {
    fail_job: None,
    counts: true,
};

fn exit_code_matches(code: i64, req: &Value) -> bool {
    let values: Vec<i64> = req["values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    match req["operator"].as_str() {
        Some("In") => values.contains(&code),
        Some("NotIn") => !values.contains(&code),
        _ => false,
    }
}

/// `getMatchingContainerFromList` over containers, then init containers: the first
/// terminated one with a non-zero exit code the requirement matches.
fn matching_container<'a>(pod: &'a Value, req: &Value) -> Option<(&'a str, i64)> {
    for list in ["containerStatuses", "initContainerStatuses"] {
        for s in pod["status"][list].as_array().into_iter().flatten() {
            let Some(code) = s
                .pointer("/state/terminated/exitCode")
                .and_then(Value::as_i64)
            else {
                continue;
            };
            let name = s["name"].as_str().unwrap_or("");
            let container_ok = req["containerName"].as_str().is_none_or(|c| c == name);
            if container_ok && code != 0 && exit_code_matches(code, req) {
                return Some((name, code));
            }
        }
    }
    None
}

fn matching_condition<'a>(pod: &'a Value, patterns: &[Value]) -> Option<&'a str> {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            patterns
                .iter()
                .any(|p| p["type"] == c["type"] && p["status"] == c["status"])
        })
        .and_then(|c| c["type"].as_str())
}

/// `matchPodFailurePolicy` for a failed pod.
pub fn verdict(policy: Option<&Value>, pod: &Value) -> Verdict {
    let Some(rules) = policy.and_then(|p| p["rules"].as_array()) else {
        return COUNTED;
    };
    let (ns, name) = (
        pod["metadata"]["namespace"].as_str().unwrap_or(""),
        pod["metadata"]["name"].as_str().unwrap_or(""),
    );
    for (index, rule) in rules.iter().enumerate() {
        let action = rule["action"].as_str().unwrap_or("");
        let matched = if rule.get("onExitCodes").is_some_and(|r| !r.is_null()) {
            matching_container(pod, &rule["onExitCodes"]).map(|(c, code)| {
                format!("Container {c} for pod {ns}/{name} failed with exit code {code} matching {action} rule at index {index}")
            })
        } else if let Some(patterns) = rule["onPodConditions"].as_array() {
            matching_condition(pod, patterns).map(|t| {
                format!("Pod {ns}/{name} has condition {t} matching {action} rule at index {index}")
            })
        } else {
            None
        };
        let Some(message) = matched else {
            continue;
        };
        match action {
            "Ignore" => {
                return Verdict {
                    fail_job: None,
                    counts: false,
                }
            }
            "Count" | "FailIndex" => return COUNTED,
            "FailJob" => {
                return Verdict {
                    fail_job: Some(message),
                    counts: true,
                }
            }
            _ => {}
        }
    }
    COUNTED
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed_pod(code: i64) -> Value {
        json!({"metadata": {"namespace": "default", "name": "pi-abcde"},
            "status": {"phase": "Failed", "containerStatuses": [
                {"name": "main", "state": {"terminated": {"exitCode": code}}}]}})
    }

    #[test]
    fn the_first_matching_rule_decides_and_exit_code_zero_never_matches() {
        let policy = json!({"rules": [
            {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}},
            {"action": "Ignore", "onExitCodes": {"operator": "NotIn", "values": [1]}},
        ]});
        let v = verdict(Some(&policy), &failed_pod(42));
        assert_eq!(
            v.fail_job.as_deref(),
            Some("Container main for pod default/pi-abcde failed with exit code 42 matching FailJob rule at index 0")
        );
        assert!(
            !verdict(Some(&policy), &failed_pod(3)).counts,
            "3 is not in [1]: ignored"
        );
        assert_eq!(verdict(Some(&policy), &failed_pod(1)), COUNTED);
        assert_eq!(verdict(None, &failed_pod(42)), COUNTED);
    }

    #[test]
    fn a_disruption_condition_can_be_ignored() {
        let policy = json!({"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]});
        let mut pod = failed_pod(137);
        pod["status"]["conditions"] = json!([{"type": "DisruptionTarget", "status": "True"}]);
        assert!(!verdict(Some(&policy), &pod).counts);
    }
}
