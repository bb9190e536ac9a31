//! Lessons are data: YAML with Markdown texts in several languages, loaded at run time
//! (`static/lessons/*.yaml`), so a teacher adds one without touching Rust.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in several languages, keyed by BCP 47 tag (`en`, `zh-TW`).
pub type Localized = BTreeMap<String, String>;

/// Limits that keep an untrusted lesson (or a shared link carrying one) from freezing a tab.
pub const MAX_LESSON_BYTES: usize = 256 * 1024;
pub const MAX_STEPS: usize = 60;
pub const MAX_FILES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// URL-safe name (`?lesson=ID`).
    pub id: String,
    pub title: Localized,
    #[serde(default)]
    pub summary: Localized,
    #[serde(default)]
    pub cluster: ClusterShape,
    /// Files the virtual filesystem starts with.
    #[serde(default)]
    pub files: Vec<StartFile>,
    pub steps: Vec<Step>,
    /// Shown when every step is done.
    #[serde(default)]
    pub finish: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterShape {
    /// 1 = a minikube node; more = a kind-like cluster with a tainted control plane.
    #[serde(default = "one")]
    pub nodes: u32,
    #[serde(default = "one_u64")]
    pub seed: u64,
}

fn one() -> u32 {
    1
}

fn one_u64() -> u64 {
    1
}

impl Default for ClusterShape {
    fn default() -> Self {
        ClusterShape { nodes: 1, seed: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartFile {
    pub path: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: Localized,
    /// Markdown (rendered without raw HTML).
    pub text: Localized,
    /// Commands offered as click-to-type chips (never run without a click).
    #[serde(default)]
    pub commands: Vec<String>,
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<String>>,
    /// What "show solution" types, and what CI replays to verify the lesson.
    #[serde(default)]
    pub solution: Vec<String>,
    /// All must hold for the step to be done.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// Terminal output the text quotes (a line or part of one). CI checks that each
    /// appears in what the step's solution prints and in the text of every language, so
    /// the text says what the terminal shows. Runs of spaces count as one.
    #[serde(default)]
    pub quotes: Vec<String>,
}

/// One condition of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// A read-only query: `get …` (run as `kubectl get …`), its stdout trimmed.
    #[serde(default)]
    pub kubectl: Option<String>,
    /// The query's output equals this.
    #[serde(default)]
    pub equals: Option<String>,
    /// The query's output contains this.
    #[serde(default)]
    pub contains: Option<String>,
    /// The query's output does not contain this.
    #[serde(default)]
    pub absent: Option<String>,
    /// The learner typed a command matching this extended regular expression.
    #[serde(default)]
    pub typed: Option<String>,
}

impl Lesson {
    /// Text in `lang`, else English, else any.
    pub fn pick<'a>(text: &'a Localized, lang: &str) -> &'a str {
        text.get(lang)
            .or_else(|| text.get("en"))
            .or_else(|| text.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }
}
