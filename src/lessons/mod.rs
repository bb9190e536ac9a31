//! Lessons: the data model, loading with validation, step checks, and replaying a
//! lesson's solution to verify it (CI does this for every built-in lesson).

pub mod check;
pub mod model;

use crate::engine::config::MAX_NODES;
use crate::shell::regex::RegexError;

pub use check::{evaluate, verify, CheckOutcome, StepReport};
pub use model::{Check, ClusterShape, Lesson, Localized, StartFile, Step};

/// Why a lesson file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    #[error("lesson is {0} bytes; at most {max} are accepted", max = model::MAX_LESSON_BYTES)]
    TooLarge(usize),
    #[error("lesson is not valid YAML: {0}")]
    Parse(String),
    #[error("lesson {0}")]
    Invalid(String),
    /// A step's `typed:` check is not a regular expression the checks can compile.
    #[error(
        "lesson {lesson:?}, step {step} ({step_id}): typed: invalid regex {pattern:?}: {source}"
    )]
    TypedRegex {
        lesson: String,
        /// The step's place in the lesson, from 1.
        step: usize,
        step_id: String,
        pattern: String,
        source: RegexError,
    },
}

/// Parses and validates a lesson (untrusted input: sizes, ids, read-only checks).
pub fn parse(text: &str) -> Result<Lesson, LessonError> {
    if text.len() > model::MAX_LESSON_BYTES {
        return Err(LessonError::TooLarge(text.len()));
    }
    let lesson: Lesson =
        serde_yaml::from_str(text).map_err(|e| LessonError::Parse(e.to_string()))?;
    validate(&lesson)?;
    Ok(lesson)
}

fn validate(l: &Lesson) -> Result<(), LessonError> {
    let bad = |m: String| Err(LessonError::Invalid(m));
    if l.id.is_empty()
        || !l
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return bad(format!(
            "id {:?} must be lower-case letters, digits and '-'",
            l.id
        ));
    }
    if l.steps.is_empty() || l.steps.len() > model::MAX_STEPS {
        return bad(format!("must have 1 to {} steps", model::MAX_STEPS));
    }
    if l.files.len() > model::MAX_FILES {
        return bad(format!("may start with at most {} files", model::MAX_FILES));
    }
    if l.cluster.nodes == 0 || l.cluster.nodes > MAX_NODES {
        return bad(format!("cluster.nodes must be 1 to {}", MAX_NODES));
    }
    for (n, s) in l.steps.iter().enumerate() {
        for c in &s.checks {
            match (&c.kubectl, &c.typed) {
                (Some(q), None) => {
                    let verb = q.split_whitespace().next().unwrap_or("");
                    if verb != "get" {
                        return bad(format!(
                            "step {}: checks may only query with `get`, not {q:?}",
                            s.id
                        ));
                    }
                    if c.equals.is_none() && c.contains.is_none() && c.absent.is_none() {
                        return bad(format!(
                            "step {}: check {q:?} needs equals, contains or absent",
                            s.id
                        ));
                    }
                }
                (None, Some(pattern)) => {
                    if let Err(source) = check::typed_regex(pattern) {
                        return Err(LessonError::TypedRegex {
                            lesson: l.id.clone(),
                            step: n + 1,
                            step_id: s.id.clone(),
                            pattern: pattern.clone(),
                            source,
                        });
                    }
                }
                _ => {
                    return bad(format!(
                        "step {}: a check has exactly one of `kubectl` or `typed`",
                        s.id
                    ))
                }
            }
        }
    }
    Ok(())
}
