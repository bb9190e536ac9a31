//! URL parameters of a page or an embedded iframe, parsed and validated. Pure Rust, so it
//! is compiled on every target and tested natively.
//!
//! Every value is untrusted: a bad one is reported as a [`Problem`] (the page shows a
//! one-line message) and its default is used.

use std::collections::BTreeMap;

use crate::engine::config::MAX_NODES;

/// The speeds the time bar offers (multiples of real time); `speed` must be one of them,
/// and so must a saved session's.
pub const SPEEDS: [u32; 5] = [1, 2, 5, 10, 30];
/// A query string longer than this is ignored as a whole.
pub const MAX_QUERY_CHARS: usize = 96 * 1024;
/// `files` may carry at most this much text in all.
pub const MAX_FILES_BYTES: usize = 64 * 1024;
pub const MAX_FILES: usize = 20;
/// `autoplay` and `commands` carry at most this many commands of this length.
pub const MAX_COMMANDS: usize = 50;
pub const MAX_COMMAND_CHARS: usize = 500;

/// The UI's languages. kubectl's output is never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhTw,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// The BCP 47 tag, also the key of lesson texts.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// A tag we speak (`en`, `en-GB`, `zh-TW`, `zh-Hant`, `zh`), case-insensitively.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::ZhTw),
            _ => None,
        }
    }

    /// The first of the browser's preferred languages that we speak, else English.
    pub fn from_browser<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    Light,
    Dark,
    /// Follows the reader's system setting.
    #[default]
    Auto,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// Which panes a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Lesson, terminal, editor and cluster view.
    #[default]
    Full,
    /// Lesson and terminal above a small cluster view; no editor (for narrow embeds).
    Compact,
    TerminalOnly,
    /// The cluster view alone (with `autoplay`, a demo to watch).
    ViewOnly,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Full => "full",
            Layout::Compact => "compact",
            Layout::TerminalOnly => "terminal-only",
            Layout::ViewOnly => "view-only",
        }
    }

    fn parse(s: &str) -> Option<Layout> {
        [
            Layout::Full,
            Layout::Compact,
            Layout::TerminalOnly,
            Layout::ViewOnly,
        ]
        .into_iter()
        .find(|l| l.name() == s)
    }
}

/// A parameter that was refused; the default is used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub param: String,
    /// The refused value, shortened for display (always rendered as text).
    pub value: String,
}

/// What the page was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    pub lesson: Option<String>,
    /// `None`: the browser's language.
    pub lang: Option<Lang>,
    pub theme: Theme,
    pub layout: Layout,
    /// `None`: the default cluster (or the lesson's).
    pub nodes: Option<u32>,
    pub speed: Option<u32>,
    /// Commands replayed one by one, with pauses, once the page is up.
    pub autoplay: Vec<String>,
    /// Files the editor and the virtual filesystem start with, by path.
    pub files: BTreeMap<String, String>,
    /// Commands offered as click-to-type chips.
    pub commands: Vec<String>,
    /// Inside an iframe (`embed=1`): no header links out, posts its height.
    pub embed: bool,
}

/// Parses a query string (with or without its `?`).
pub fn parse(query: &str) -> (Params, Vec<Problem>) {
    let mut p = Params::default();
    let mut problems = Vec::new();
    let query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY_CHARS {
        problems.push(problem("query", &format!("{} characters", query.len())));
        return (p, problems);
    }
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key).unwrap_or_default();
        let Some(value) = percent_decode(raw) else {
            problems.push(problem(&key, raw));
            continue;
        };
        if !apply(&mut p, &key, &value) {
            problems.push(problem(&key, &value));
        }
    }
    (p, problems)
}

/// Sets one parameter; false when its value is refused (or the key is unknown).
fn apply(p: &mut Params, key: &str, value: &str) -> bool {
    match key {
        "lesson" => valid_id(value) && set(&mut p.lesson, value.to_string()),
        "lang" => Lang::from_tag(value).is_some_and(|l| set(&mut p.lang, l)),
        "theme" => match value {
            "light" => set_to(&mut p.theme, Theme::Light),
            "dark" => set_to(&mut p.theme, Theme::Dark),
            "auto" => set_to(&mut p.theme, Theme::Auto),
            _ => false,
        },
        "layout" => Layout::parse(value).is_some_and(|l| set_to(&mut p.layout, l)),
        "nodes" => value
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_NODES).contains(n))
            .is_some_and(|n| set(&mut p.nodes, n)),
        "speed" => value
            .parse::<u32>()
            .ok()
            .filter(|s| SPEEDS.contains(s))
            .is_some_and(|s| set(&mut p.speed, s)),
        "autoplay" => push_commands(&mut p.autoplay, value),
        "commands" => push_commands(&mut p.commands, value),
        "files" => parse_files(value).is_some_and(|f| set_to(&mut p.files, f)),
        "embed" => match value {
            "1" | "true" | "" => set_to(&mut p.embed, true),
            "0" | "false" => set_to(&mut p.embed, false),
            _ => false,
        },
        _ => false,
    }
}

fn set<T>(slot: &mut Option<T>, v: T) -> bool {
    *slot = Some(v);
    true
}

fn set_to<T>(slot: &mut T, v: T) -> bool {
    *slot = v;
    true
}

/// A lesson id as lesson files name themselves: lower-case letters, digits and '-'.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One command per line; empty lines are skipped. Refused as a whole when over the limits.
fn push_commands(list: &mut Vec<String>, value: &str) -> bool {
    let new: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let ok = list.len() + new.len() <= MAX_COMMANDS
        && new
            .iter()
            .all(|c| c.chars().count() <= MAX_COMMAND_CHARS && !c.chars().any(char::is_control));
    if ok {
        list.extend(new.into_iter().map(str::to_string));
    }
    ok
}

/// `files` is a JSON object `{"path": "content"}`, as is or in base64url (what the Embed
/// button writes).
pub fn parse_files(value: &str) -> Option<BTreeMap<String, String>> {
    if value.len() > MAX_FILES_BYTES * 2 {
        return None;
    }
    let json = if value.trim_start().starts_with('{') {
        value.as_bytes().to_vec()
    } else {
        crate::share::base64url_decode(value).ok()?
    };
    if json.len() > MAX_FILES_BYTES {
        return None;
    }
    let files: BTreeMap<String, String> = serde_json::from_slice(&json).ok()?;
    let ok = files.len() <= MAX_FILES && files.keys().all(|p| valid_path(p));
    ok.then_some(files)
}

/// The `files` value for a set of files (base64url JSON).
pub fn encode_files(files: &BTreeMap<String, String>) -> String {
    let json = serde_json::to_vec(files).unwrap_or_default();
    let mut out = String::new();
    crate::share::base64url_encode(&json, &mut out);
    out
}

/// A relative file name in the playground's home: letters, digits, `._-/`, no `..`.
pub fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && !p.starts_with('/')
        && !p.split('/').any(|seg| seg.is_empty() || seg == "..")
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
}

fn problem(param: &str, value: &str) -> Problem {
    const SHOWN: usize = 40;
    let mut shown: String = value.chars().take(SHOWN).collect();
    if value.chars().count() > SHOWN {
        shown.push('…');
    }
    Problem {
        param: param.chars().take(SHOWN).collect(),
        value: shown,
    }
}

pub use crate::form::percent_decode;

/// Percent-encodes everything but unreserved characters (for links the app writes).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_link_in_chinese_parses() {
        let (p, problems) = parse("?lesson=statefulset-daemonset&lang=zh-TW&theme=dark");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.lesson.as_deref(), Some("statefulset-daemonset"));
        assert_eq!(p.lang, Some(Lang::ZhTw));
        assert_eq!(p.theme, Theme::Dark);
        assert_eq!(p.layout, Layout::Full);
    }

    #[test]
    fn every_option_parses() {
        let (p, problems) = parse(
            "layout=terminal-only&nodes=20&speed=30&embed=1&autoplay=kubectl+get+nodes%0Akubectl+version&commands=kubectl%20get%20pods",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.layout, Layout::TerminalOnly);
        assert_eq!(p.nodes, Some(20));
        assert_eq!(p.speed, Some(30));
        assert!(p.embed);
        assert_eq!(p.autoplay, ["kubectl get nodes", "kubectl version"]);
        assert_eq!(p.commands, ["kubectl get pods"]);
    }

    #[test]
    fn bad_values_are_reported_and_defaults_kept() {
        let (p, problems) =
            parse("nodes=0&speed=3&theme=pink&layout=huge&lang=fr&lesson=..%2Fetc&color=1");
        assert_eq!(p, Params::default());
        let names: Vec<&str> = problems.iter().map(|x| x.param.as_str()).collect();
        assert_eq!(
            names,
            ["nodes", "speed", "theme", "layout", "lang", "lesson", "color"]
        );
        assert_eq!(problems[5].value, "../etc");
    }

    #[test]
    fn hostile_values_are_refused_and_shortened_for_display() {
        let xss = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E";
        let (p, problems) = parse(&format!("lesson={xss}&nodes={}", "9".repeat(100)));
        assert_eq!(p.lesson, None);
        assert_eq!(p.nodes, None);
        assert_eq!(problems[0].value, "<img src=x onerror=alert(1)>");
        assert!(problems[1].value.chars().count() <= 41);
    }

    #[test]
    fn a_huge_query_is_ignored_as_a_whole() {
        let q = format!("lesson={}", "a".repeat(MAX_QUERY_CHARS));
        let (p, problems) = parse(&q);
        assert_eq!(p.lesson, None);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn broken_percent_escapes_are_problems() {
        let (p, problems) = parse("lesson=%zz&lang=%E4");
        assert_eq!((p.lesson, p.lang), (None, None));
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn files_round_trip_and_bad_paths_are_refused() {
        let mut files = BTreeMap::new();
        files.insert("web.yaml".to_string(), "kind: Pod\n".to_string());
        let (p, problems) = parse(&format!("files={}", encode_files(&files)));
        assert!(problems.is_empty());
        assert_eq!(p.files, files);
        let raw = percent_encode(r#"{"a/b.yaml":"x"}"#);
        assert_eq!(parse(&format!("files={raw}")).0.files.len(), 1);
        for bad in [
            r#"{"../x":"y"}"#,
            r#"{"/etc/passwd":"y"}"#,
            r#"{"a":1}"#,
            "!!",
        ] {
            let (p, problems) = parse(&format!("files={}", percent_encode(bad)));
            assert!(p.files.is_empty() && problems.len() == 1, "{bad}");
        }
    }

    #[test]
    fn too_many_or_too_long_commands_are_refused() {
        let long = "x".repeat(MAX_COMMAND_CHARS + 1);
        assert_eq!(parse(&format!("autoplay={long}")).1.len(), 1);
        let many = vec!["ls"; MAX_COMMANDS + 1].join("%0A");
        assert!(parse(&format!("commands={many}")).0.commands.is_empty());
    }

    #[test]
    fn the_browser_language_picks_the_first_we_speak() {
        assert_eq!(
            Lang::from_browser(["fr-FR", "zh-Hant-TW", "en"]),
            Lang::ZhTw
        );
        assert_eq!(Lang::from_browser(["de", "en-GB"]), Lang::En);
        assert_eq!(Lang::from_browser([]), Lang::En);
    }

    #[test]
    fn percent_encoding_round_trips_unicode() {
        let s = "kubectl get pods -l 'app=網頁' & echo";
        assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
    }
}
