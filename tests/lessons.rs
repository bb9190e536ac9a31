//! Every lesson in `static/lessons/` parses, and replaying its solutions in a fresh
//! cluster makes every check of every step hold.

use kubeplay::lessons::{self, verify};
use std::path::Path;

fn lesson_files() -> Vec<std::path::PathBuf> {
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("static/lessons/index.json").unwrap())
            .unwrap();
    index["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| Path::new("static/lessons").join(format!("{}.yaml", id.as_str().unwrap())))
        .collect()
}

#[test]
fn every_listed_lesson_parses_and_has_english_and_traditional_chinese_text() {
    let files = lesson_files();
    assert!(!files.is_empty());
    for f in files {
        let lesson = lessons::parse(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for step in &lesson.steps {
            for lang in ["en", "zh-TW"] {
                assert!(
                    step.title.contains_key(lang) && step.text.contains_key(lang),
                    "{}: step {} lacks {lang}",
                    f.display(),
                    step.id
                );
            }
        }
    }
}

#[test]
fn every_lesson_solution_satisfies_its_checks() {
    for f in lesson_files() {
        let lesson = lessons::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for report in verify(&lesson) {
            assert!(
                report.failed_checks.is_empty(),
                "{}: step {} failed: {:?}",
                f.display(),
                report.step,
                report.failed_checks
            );
        }
    }
}

#[test]
fn a_lesson_whose_check_would_change_the_cluster_is_refused() {
    let text = "id: x\ntitle: {en: X}\nsteps:\n- id: s\n  title: {en: S}\n  text: {en: T}\n  checks:\n  - kubectl: delete po --all\n    equals: ''\n";
    let err = lessons::parse(text).unwrap_err().to_string();
    assert!(err.contains("may only query with `get`"), "{err}");
}

#[test]
fn a_check_that_the_solution_does_not_satisfy_is_reported() {
    let text = "id: x\ntitle: {en: X}\ncluster: {nodes: 1}\nsteps:\n- id: s\n  title: {en: S}\n  text: {en: T}\n  solution: ['kubectl create deployment web --image=nginx:1.27 --replicas=2', 'sleep 60']\n  checks:\n  - kubectl: get deploy web -o jsonpath={.status.readyReplicas}\n    equals: '3'\n  - kubectl: get deploy nosuch\n    equals: ''\n";
    let lesson = lessons::parse(text).unwrap();
    let reports = verify(&lesson);
    assert_eq!(reports.len(), 1);
    let failed = &reports[0].failed_checks;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].contains("saw \"2\""), "{failed:?}");
    assert!(failed[1].contains("NotFound"), "{failed:?}");
}

/// A step whose checks all hold before its solution is replayed would be marked done
/// without the learner doing anything: at least one check of every step must fail first.
#[test]
fn every_step_has_a_check_that_fails_before_its_solution() {
    use kubeplay::kubectl::Session;
    for f in lesson_files() {
        let lesson = lessons::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut session = Session::new(lesson.cluster.nodes, lesson.cluster.seed);
        for file in &lesson.files {
            let _ = session.files_mut().write(&file.path, &file.content, false);
        }
        let mut typed: Vec<String> = Vec::new();
        for step in &lesson.steps {
            let already = step
                .checks
                .iter()
                .all(|c| lessons::evaluate(&mut session, &typed, c).passed);
            assert!(
                !already,
                "{}: step {} is done before its solution runs",
                f.display(),
                step.id
            );
            for line in &step.solution {
                for l in line.lines() {
                    session.submit(l);
                    session.run_blocking();
                }
                typed.push(line.clone());
            }
        }
    }
}

#[test]
fn a_typed_check_that_is_not_a_regex_is_refused_naming_the_lesson_and_the_step() {
    let lesson = r#"
id: broken-typed
title: { en: "Broken" }
steps:
  - id: first
    title: { en: "First" }
    text: { en: "Fine." }
    checks: [{ typed: "kubectl get" }]
  - id: second
    title: { en: "Second" }
    text: { en: "Not fine." }
    checks: [{ typed: "kubectl (get" }]
"#;
    let error = lessons::parse(lesson).expect_err("an unbalanced ( is refused");
    assert_eq!(
        error.to_string(),
        r#"lesson "broken-typed", step 2 (second): typed: invalid regex "kubectl (get": Unmatched ( or \("#
    );
}

/// The seed lesson's first step teaches reading `GROUP/VERSION` from `kubectl explain`:
/// the lines its text quotes are the ones its suggested command prints (kubectl 1.34
/// prints the group and the version on separate lines), and the apiVersion they make is
/// the one the lesson's manifests use.
#[test]
fn the_api_version_step_quotes_the_lines_its_command_prints() {
    use kubeplay::kubectl::Session;
    let text = std::fs::read_to_string("static/lessons/statefulset-daemonset.yaml").unwrap();
    let lesson = lessons::parse(&text).unwrap();
    let step = &lesson.steps[0];
    assert_eq!(step.id, "api-version");
    let mut session = Session::new(1, 1);
    let mut printed = String::new();
    for line in step.commands.iter().chain(&step.solution) {
        for l in session.submit(line).iter().chain(&session.run_blocking()) {
            printed.push_str(&l.text);
            printed.push('\n');
        }
    }
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let printed: Vec<String> = printed.lines().map(squeeze).collect();
    assert_eq!(printed, ["GROUP: apps", "VERSION: v1"].repeat(2));
    for lang in ["en", "zh-TW"] {
        let text = squeeze(&step.text[lang]);
        for quoted in [
            "`GROUP: apps`",
            "`VERSION: v1`",
            "`apps/v1`",
            "`GROUP/VERSION`",
        ] {
            assert!(text.contains(quoted), "{lang} text lacks {quoted}");
        }
    }
    assert!(lesson
        .files
        .iter()
        .all(|f| f.content.starts_with("apiVersion: apps/v1\n")));
}

/// Runs of whitespace as one space, so a quote need not copy a table's padding.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A step's `quotes:` are what its text says the terminal shows: each must be printed by
/// the step's solution when the lesson is replayed, and appear in the text of every
/// language the step is written in.
#[test]
fn every_quoted_line_is_printed_by_its_step_and_quoted_in_every_language() {
    let mut quoted = 0;
    for f in lesson_files() {
        let lesson = lessons::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let reports = verify(&lesson);
        for (step, report) in lesson.steps.iter().zip(&reports) {
            let printed = squeeze(&report.printed);
            for quote in &step.quotes {
                quoted += 1;
                let q = squeeze(quote);
                assert!(
                    printed.contains(&q),
                    "{}: step {} quotes {q:?}, but its solution printed:\n{}",
                    f.display(),
                    step.id,
                    report.printed
                );
                for (lang, text) in &step.text {
                    assert!(
                        squeeze(text).contains(&q),
                        "{}: step {}: the {lang} text does not quote {q:?}",
                        f.display(),
                        step.id
                    );
                }
            }
        }
    }
    assert!(quoted > 0, "no lesson quotes its terminal");
}

#[test]
fn a_quote_the_solution_does_not_print_is_caught() {
    let text = "id: x\ntitle: {en: X}\nsteps:\n- id: s\n  title: {en: S}\n  text: {en: 'prints `deployment.apps/web created`'}\n  solution: ['kubectl create deployment web --image=nginx:1.27']\n  quotes: ['deployment.apps/web created', 'deployment.apps/web configured']\n  checks: [{typed: create}]\n";
    let lesson = lessons::parse(text).unwrap();
    let printed = squeeze(&verify(&lesson)[0].printed);
    assert_eq!(printed, "deployment.apps/web created");
    let missing: Vec<&String> = lesson.steps[0]
        .quotes
        .iter()
        .filter(|q| !printed.contains(&squeeze(q)))
        .collect();
    assert_eq!(missing, ["deployment.apps/web configured"]);
}
