//! The executor against a small host of its own: what the shell does by itself (lists,
//! pipes, redirections, builtins, jobs) without kubectl or a cluster behind it.

use super::*;
use std::collections::VecDeque;

/// `say WORDS…` prints its words, `upper` upper-cases its stdin, `fail` exits 1, `slow`
/// keeps running (a process the caller polls; completing it prints `slow done`),
/// `getenv NAME` prints the variable as the command sees it.
#[derive(Default)]
struct Toy {
    files: BTreeMap<String, String>,
}

impl Host for Toy {
    type Process = &'static str;

    fn run(
        &mut self,
        shell: &mut Shell,
        argv: &[String],
        stdin: Option<String>,
        _tty: bool,
    ) -> (Output, Option<&'static str>) {
        let text = match argv[0].as_str() {
            "say" => format!("{}\n", argv[1..].join(" ")),
            "getenv" => format!(
                "{}\n",
                shell.vars.get(&argv[1]).cloned().unwrap_or_default()
            ),
            "upper" => stdin.unwrap_or_default().to_uppercase(),
            "fail" => return (Output::from_text("", "", 1), None),
            "slow" => return (Output::ok(), Some("slow done")),
            other => {
                return (
                    Output::failed_plain(format!("toy: {other}: not found")),
                    None,
                )
            }
        };
        (Output::from_text(&text, "", 0), None)
    }

    fn complete(&mut self, _shell: &mut Shell, process: &'static str) -> Output {
        Output::from_text(&format!("{process}\n"), "", 0)
    }

    fn read_file(&mut self, path: &str) -> Option<String> {
        self.files.get(path).cloned()
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) -> Result<(), String> {
        let file = self.files.entry(path.to_string()).or_default();
        if !append {
            file.clear();
        }
        file.push_str(text);
        Ok(())
    }
}

fn sh() -> Shell {
    Shell::new("sh", BTreeMap::new(), BTreeMap::new())
}

fn run_on(shell: &mut Shell, host: &mut Toy, src: &str) -> (String, String, i32) {
    let o = shell.run_script(host, &parse(src).expect("parses"));
    (o.stdout_text(), o.stderr_text(), o.status)
}

#[test]
fn an_assignment_before_a_command_holds_for_that_command_alone() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, _, _) = run_on(
        &mut shell,
        &mut toy,
        "A=outer; A=inner getenv A; getenv A; B=1 getenv B; getenv B; C=$A say $C",
    );
    assert_eq!(out, "inner\nouter\n1\n\n\n");
}

#[test]
fn and_or_lists_follow_the_last_status() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, _, status) = run_on(
        &mut shell,
        &mut toy,
        "fail || say rescued; fail && say never; say $?; fail",
    );
    assert_eq!((out.as_str(), status), ("rescued\n1\n", 1));
}

#[test]
fn a_pipe_feeds_stdout_to_the_next_stage_and_loops_repeat_the_body() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, _, _) = run_on(
        &mut shell,
        &mut toy,
        "for w in a b; do say $w; done | upper",
    );
    assert_eq!(out, "A\nB\n");
}

#[test]
fn redirections_read_and_write_the_hosts_files() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, err, _) = run_on(
        &mut shell,
        &mut toy,
        "say one > f; say two >> f; upper < f; say gone > /dev/null; upper < nope",
    );
    assert_eq!(toy.files["f"], "one\ntwo\n");
    assert_eq!(out, "ONE\nTWO\n");
    assert_eq!(err, "sh: nope: No such file or directory\n");
}

#[test]
fn builtins_change_the_shell_and_speak_with_its_name() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, err, _) = run_on(
        &mut shell,
        &mut toy,
        "alias s=say; export A=1; s $A; unset A; s \"[$A]\"; unalias nope",
    );
    assert_eq!(out, "1\n[]\n");
    assert_eq!(err, "sh: unalias: nope: not found\n");
}

#[test]
fn a_process_that_keeps_running_becomes_the_job_in_the_foreground_only() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    // Inside `$(…)` nothing can wait: the host completes it at once.
    let (out, _, _) = run_on(&mut shell, &mut toy, "say \"$(slow)\"");
    assert_eq!(out, "slow done\n");
    // At the prompt it holds the rest of its pipeline and of its and-or list.
    let script = parse("slow | upper && say next; say later").expect("parses");
    let mut queue: VecDeque<AndOrList> = script.items.into();
    let (shown, job) = shell.resume(&mut toy, &mut queue, Vec::new());
    let job = job.expect("slow keeps running");
    assert!(shown.lines.is_empty());
    assert_eq!(
        (job.running, job.downstream.len(), job.rest.len()),
        ("slow done", 1, 1)
    );
    assert_eq!(queue.len(), 1);
    let streamed =
        shell.through_downstream(&mut toy, &job.downstream, Output::from_text("x\n", "", 0));
    assert_eq!(streamed.stdout_text(), "X\n");
    let (after, none) = shell.resume(&mut toy, &mut queue, job.rest);
    assert!(none.is_none());
    assert_eq!(after.stdout_text(), "next\nlater\n");
}

#[test]
fn while_and_until_loops_run_at_once_and_stop_at_the_round_limit() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, _, status) = run_on(
        &mut shell,
        &mut toy,
        "until say once; do say never; done; while fail; do say never; done",
    );
    assert_eq!((out.as_str(), status), ("once\n", 0));
    let (out, err, status) = run_on(&mut shell, &mut toy, "while say x; do say y > f; done");
    assert_eq!(out.lines().count(), crate::shell::exec::MAX_LOOP_ROUNDS);
    assert!(err.starts_with("sh: loop stopped after 10000 rounds"));
    assert_eq!(status, 1);
}

#[test]
fn arithmetic_counts_in_loops_and_reports_bash_errors() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, _, _) = run_on(
        &mut shell,
        &mut toy,
        "i=0; for x in a b c; do i=$((i+1)); done; say \"$((i * 10))\" $((i > 2))",
    );
    assert_eq!(out, "30 1\n");
    let (_, err, status) = run_on(&mut shell, &mut toy, "say $((1/0))");
    assert_eq!(err, "bash: 1/0: division by 0 (error token is \"0\")\n");
    assert_eq!(status, 1);
}

#[test]
fn test_and_brackets_compare_strings_and_integers() {
    let (mut shell, mut toy) = (sh(), Toy::default());
    let (out, err, _) = run_on(
        &mut shell,
        &mut toy,
        "i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; say $i; [ a = a ] && test -n x && [ ! -z x ] && say yes; [ x -lt 1 ]; say $?; [ 1 = 1",
    );
    assert_eq!(out, "3\nyes\n2\n");
    assert_eq!(
        err,
        "sh: [: x: integer expression expected\nsh: [: missing `]'\n"
    );
}

#[test]
fn the_terminal_shell_does_not_run_loops_at_once() {
    let mut shell = Shell::new("bash", BTreeMap::new(), BTreeMap::new());
    let (out, err, status) = run_on(&mut shell, &mut Toy::default(), "while say x; do :; done");
    assert_eq!((out.as_str(), status), ("", 2));
    assert!(err.starts_with("kubeplay: `while' loops run inside containers only"));
}
