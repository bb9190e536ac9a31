//! Evaluating step checks against a terminal session, and replaying a lesson's solution.

use super::model::{Check, Lesson, Step};
use crate::kubectl::Session;
use crate::shell::regex::{Regex, RegexError, Syntax};

/// Whether one check holds, with what was seen (for the learner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub passed: bool,
    /// The query output or the command that matched.
    pub observed: String,
}

/// A `typed:` pattern compiled: an extended regular expression, as `grep -E` reads it.
/// Lessons are refused at parse time when one does not compile.
pub fn typed_regex(pattern: &str) -> Result<Regex, RegexError> {
    Regex::new(pattern, Syntax::Extended, false)
}

pub fn evaluate(session: &mut Session, typed: &[String], check: &Check) -> CheckOutcome {
    if let Some(pattern) = &check.typed {
        let hit = typed_regex(pattern)
            .ok()
            .and_then(|re| typed.iter().find(|t| re.is_match(t)).cloned());
        return CheckOutcome {
            passed: hit.is_some(),
            observed: hit.unwrap_or_default(),
        };
    }
    let Some(query) = &check.kubectl else {
        return CheckOutcome {
            passed: false,
            observed: String::new(),
        };
    };
    let observed = match session.query(query) {
        Ok(o) => o,
        Err(e) => {
            return CheckOutcome {
                passed: false,
                observed: e,
            }
        }
    };
    let text = observed.trim();
    let passed = check.equals.as_ref().is_none_or(|e| text == e.trim())
        && check
            .contains
            .as_ref()
            .is_none_or(|c| text.contains(c.as_str()))
        && check
            .absent
            .as_ref()
            .is_none_or(|a| !text.contains(a.as_str()));
    CheckOutcome {
        passed,
        observed: text.to_string(),
    }
}

/// Whether every check of `step` holds now.
pub fn step_done(session: &mut Session, typed: &[String], step: &Step) -> bool {
    step.checks
        .iter()
        .all(|c| evaluate(session, typed, c).passed)
}

/// One step of a verification run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub step: String,
    pub failed_checks: Vec<String>,
    /// What the step's solution printed, stdout and stderr, one line each.
    pub printed: String,
}

/// Replays every step's solution in a fresh session (as the native runner would) and
/// reports the checks that did not hold after it.
pub fn verify(lesson: &Lesson) -> Vec<StepReport> {
    let mut session = Session::new(lesson.cluster.nodes, lesson.cluster.seed);
    for f in &lesson.files {
        let _ = session.files_mut().write(&f.path, &f.content, false);
    }
    let mut typed: Vec<String> = Vec::new();
    let mut reports = Vec::new();
    for step in &lesson.steps {
        let mut printed = String::new();
        for line in &step.solution {
            for l in line.lines() {
                let out = session.submit(l);
                for o in out.iter().chain(&session.run_blocking()) {
                    printed.push_str(&o.text);
                    printed.push('\n');
                }
            }
            typed.push(line.clone());
        }
        let failed: Vec<String> = step
            .checks
            .iter()
            .filter_map(|c| {
                let o = evaluate(&mut session, &typed, c);
                (!o.passed).then(|| format!("{c:?} saw {:?}", o.observed))
            })
            .collect();
        reports.push(StepReport {
            step: step.id.clone(),
            failed_checks: failed,
            printed,
        });
    }
    reports
}
