//! The text utilities and file commands, against GNU grep, coreutils and bash.

use super::*;

#[test]
fn grep_selects_lines_case_insensitively_like_the_seed_transcript() {
    let explain = "KIND:       Deployment\nVERSION:    apps/v1\n\nFIELD: spec\n";
    assert_eq!(
        out("grep", &["-i", "version"], explain),
        "VERSION:    apps/v1\n"
    );
}

#[test]
fn grep_exits_1_when_nothing_matched_and_2_on_bad_input() {
    let mut fs = Vfs::new();
    let r = run("grep", &["nope"], "a\nb\n", &mut fs);
    assert_eq!((r.stdout.as_str(), r.status), ("", 1));
    let r = run("grep", &["-Q", "x"], "", &mut fs);
    assert_eq!(r.status, 2);
    let r = run("grep", &["-Q", "x"], "", &mut fs);
    assert_eq!(
        r.stderr,
        "grep: invalid option -- 'Q'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
    );
    let r = run("grep", &["--foo", "x"], "", &mut fs);
    assert_eq!(
        r.stderr.lines().next(),
        Some("grep: unrecognized option '--foo'")
    );
    let r = run("grep", &["x", "missing.yaml"], "", &mut fs);
    assert_eq!(
        (r.stderr.as_str(), r.status),
        ("grep: missing.yaml: No such file or directory\n", 2)
    );
}

#[test]
fn grep_flags_combine() {
    let text = "web-0 Running\nweb-1 Pending\ndb-0 Running\n";
    assert_eq!(out("grep", &["-iv", "running"], text), "web-1 Pending\n");
    assert_eq!(out("grep", &["-c", "Running"], text), "2\n");
    assert_eq!(out("grep", &["-n", "db"], text), "3:db-0 Running\n");
    assert_eq!(
        out("grep", &["-E", "Pend|db"], text),
        "web-1 Pending\ndb-0 Running\n"
    );
    assert_eq!(
        out("grep", &["Pend\\|db"], text),
        "web-1 Pending\ndb-0 Running\n"
    );
    assert_eq!(
        out("grep", &["-e", "web-1", "-e", "db"], text),
        "web-1 Pending\ndb-0 Running\n"
    );
    assert_eq!(out("grep", &["-F", "b-."], text), "");
    assert_eq!(out("grep", &["b-."], text), text);
    assert_eq!(out("grep", &["Running", "-c"], text), "2\n");
}

#[test]
fn grep_word_only_and_context_match_gnu() {
    assert_eq!(
        out("grep", &["-w", "foo"], "foo\nfoobar\nx foo-y\n"),
        "foo\nx foo-y\n"
    );
    assert_eq!(out("grep", &["-o", "o."], "hello world\n"), "o \nor\n");
    assert_eq!(out("grep", &["-oE", "a|ab|abc"], "abcd\n"), "abc\n");
    assert_eq!(
        out(
            "grep",
            &["-n", "-A1", "-B1", "match"],
            "a\nb\nmatch1\nc\nd\ne\nf\nmatch2\ng\n"
        ),
        "2-b\n3:match1\n4-c\n--\n7-f\n8:match2\n9-g\n"
    );
    assert_eq!(out("grep", &["-x", "ab"], "ab\nabc\n"), "ab\n");
}

#[test]
fn grep_regex_errors_are_gnus() {
    let e = |p: &str| run("grep", &[p], "abc\n", &mut Vfs::new()).stderr;
    assert_eq!(e("[a"), "grep: Unmatched [, [^, [:, [., or [=\n");
    assert_eq!(e("a\\"), "grep: Trailing backslash\n");
    assert_eq!(e("[z-a]"), "grep: Invalid range end\n");
    assert_eq!(
        e("[:space:]"),
        "grep: character class syntax is [[:space:]], not [:space:]\n"
    );
    assert_eq!(e("[[:foo:]]"), "grep: Invalid character class name\n");
    assert_eq!(e("a\\)"), "grep: Unmatched ) or \\)\n");
    assert_eq!(e("\\(a"), "grep: Unmatched ( or \\(\n");
    assert_eq!(e("a\\{1"), "grep: Unmatched \\{\n");
}

#[test]
fn regex_classes_anchors_and_repeats() {
    let m = |p: &str, s: &str| !out("grep", &["-E", p], &format!("{s}\n")).is_empty();
    assert!(m("^web-[0-9]+$", "web-12"));
    assert!(!m("^web-[0-9]+$", "web-1a"));
    assert!(m("[[:upper:]]{3}", "xABCx"));
    assert!(!m("[^a-z]", "abc"));
    assert!(m("colou?r", "color"));
    assert!(m("(ab)*c$", "ababc"));
    assert!(m("a.c", "abc"));
    assert!(m("\\<pod\\>", "a pod here"));
    assert!(!m("\\<pod\\>", "pods"));
    assert!(out("grep", &["-i", "ERROR"], "an error\n") == "an error\n");
    assert!(m("a{2,3}", "caab"));
    assert!(!m("^a{2,3}$", "aaaa"));
    assert!(m("x*", "anything"));
}

// ----- other text utilities -------------------------------------------------------------

#[test]
fn head_and_tail_take_lines_from_either_end() {
    let t = "1\n2\n3\n4\n5\n";
    assert_eq!(out("head", &["-n", "2"], t), "1\n2\n");
    assert_eq!(out("head", &["-2"], t), "1\n2\n");
    assert_eq!(out("head", &["-n", "-2"], t), "1\n2\n3\n");
    assert_eq!(out("tail", &["-n", "2"], t), "4\n5\n");
    assert_eq!(out("tail", &["-1"], t), "5\n");
    assert_eq!(out("tail", &["-n", "+4"], t), "4\n5\n");
    assert_eq!(out("tail", &["-f", "-n", "1"], t), "5\n");
    let r = run("head", &["-n", "x"], t, &mut Vfs::new());
    assert_eq!(r.stderr, "head: invalid number of lines: ‘x’\n");
    let r = run("tail", &["nope"], t, &mut Vfs::new());
    assert_eq!(
        r.stderr,
        "tail: cannot open 'nope' for reading: No such file or directory\n"
    );
}

#[test]
fn wc_pads_like_gnu() {
    assert_eq!(out("wc", &["-l"], "a\nb\n"), "2\n");
    assert_eq!(out("wc", &[], "x y\n"), "      1       2       4\n");
    let mut fs = Vfs::new();
    fs.write("wf", "a b\nb\n", false).expect("write");
    assert_eq!(run("wc", &["wf"], "", &mut fs).stdout, "2 3 6 wf\n");
    assert_eq!(run("wc", &["-l", "wf"], "", &mut fs).stdout, "2 wf\n");
    assert_eq!(
        run("wc", &["wf", "wf"], "", &mut fs).stdout,
        " 2  3  6 wf\n 2  3  6 wf\n 4  6 12 total\n"
    );
}

#[test]
fn sort_and_uniq_count() {
    assert_eq!(out("sort", &[], "b\na\nb\nb\n"), "a\nb\nb\nb\n");
    assert_eq!(
        out("uniq", &["-c"], "a\nb\nb\nb\n"),
        "      1 a\n      3 b\n"
    );
    assert_eq!(out("sort", &["-n"], "10\n9\n100\n"), "9\n10\n100\n");
    assert_eq!(out("sort", &["-rn"], "10\n9\n100\n"), "100\n10\n9\n");
    assert_eq!(out("sort", &["-u"], "b\na\nb\n"), "a\nb\n");
    assert_eq!(
        out("sort", &["-k", "2"], "x 3\ny 1\nz 2\n"),
        "y 1\nz 2\nx 3\n"
    );
    assert_eq!(
        out("sort", &["-t", ",", "-k2", "-n"], "a,10\nb,9\n"),
        "b,9\na,10\n"
    );
}

#[test]
fn cut_tr_and_awk_pick_fields() {
    assert_eq!(out("cut", &["-d", " ", "-f2-"], "a b c\n"), "b c\n");
    assert_eq!(
        out("cut", &["-d:", "-f1,3"], "a:b:c\nnone\n"),
        "a:c\nnone\n"
    );
    assert_eq!(out("cut", &["-c", "1-3"], "abcdef\n"), "abc\n");
    assert_eq!(
        run("cut", &[], "", &mut Vfs::new()).stderr,
        "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n"
    );
    assert_eq!(out("tr", &["a-z", "A-Z"], "hello\n"), "HELLO\n");
    assert_eq!(out("tr", &["-d", "l"], "hello\n"), "heo\n");
    assert_eq!(out("tr", &["-s", " "], "a   b\n"), "a b\n");
    assert_eq!(
        run("tr", &["a"], "", &mut Vfs::new()).stderr,
        "tr: missing operand after ‘a’\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n"
    );
    let table = "NAME READY\nweb-0 1/1\nweb-1 0/1\n";
    assert_eq!(
        out("awk", &["NR>1 {print $1, $2}"], table),
        "web-0 1/1\nweb-1 0/1\n"
    );
    assert_eq!(out("awk", &["{print $1}"], table), "NAME\nweb-0\nweb-1\n");
    assert_eq!(out("awk", &["/0\\/1/ {print $NF}"], table), "0/1\n");
    assert_eq!(out("awk", &["-F", "-", "{print $2}"], "web-0\n"), "0\n");
    let r = run(
        "awk",
        &["{sum += $2} END {print sum}"],
        table,
        &mut Vfs::new(),
    );
    assert_eq!(r.status, 2);
    assert!(r
        .stderr
        .starts_with("awk: kubeplay's awk runs only programs like"));
}

#[test]
fn echo_printf_and_base64_match_bash_and_coreutils() {
    assert_eq!(out("echo", &["-n", "a"], ""), "a");
    assert_eq!(out("echo", &["-e", "a\\tb\\c", "x"], ""), "a\tb");
    assert_eq!(out("echo", &["-x", "a"], ""), "-x a\n");
    assert_eq!(out("echo", &[], ""), "\n");
    assert_eq!(
        out("printf", &["%5s|%-3d|%03d\\n", "ab", "7", "5"], ""),
        "   ab|7  |005\n"
    );
    assert_eq!(out("printf", &["%s\\n", "a", "b"], ""), "a\nb\n");
    assert_eq!(out("base64", &[], "hi\n"), "aGkK\n");
    assert_eq!(out("base64", &["-d"], "aGkK\n"), "hi\n");
    assert_eq!(
        out("base64", &["-w", "0"], "xyz"),
        "eHl6",
        "no newline with -w 0"
    );
    assert_eq!(out("base64", &["-w", "2"], "xyz"), "eH\nl6\n");
    assert_eq!(
        out("base64", &["-di"], "aG!kK\n"),
        "hi\n",
        "-i drops garbage"
    );
    assert_eq!(
        run("base64", &["-d"], "YWRtaW4\n", &mut Vfs::new()).stderr,
        "base64: invalid input\n",
        "a group cut short without padding"
    );
    let r = run("base64", &["-d"], "a$b", &mut Vfs::new());
    assert_eq!(
        (r.stderr.as_str(), r.status),
        ("base64: invalid input\n", 1)
    );
    assert_eq!(run("false", &[], "", &mut Vfs::new()).status, 1);
}

// ----- files ----------------------------------------------------------------------------

#[test]
fn files_written_by_redirection_are_read_by_cat() {
    let mut fs = Vfs::new();
    fs.write("pod.yaml", "a\n", false).expect("write");
    fs.write("~/pod.yaml", "b\n", true).expect("append");
    assert_eq!(
        run("cat", &["/root/pod.yaml"], "", &mut fs).stdout,
        "a\nb\n"
    );
    assert_eq!(
        run("cat", &["-", "pod.yaml"], "in\n", &mut fs).stdout,
        "in\na\nb\n"
    );
    let r = run("cat", &["x"], "", &mut fs);
    assert_eq!(
        (r.stderr.as_str(), r.status),
        ("cat: x: No such file or directory\n", 1)
    );
    assert_eq!(fs.write("nodir/x", "", false), Err(VfsError::NotFound));
    assert_eq!(fs.write("/dev/null", "gone", false), Ok(()));
}

#[test]
fn filesystem_limits_report_no_space() {
    let mut fs = Vfs::new();
    for i in 0..vfs::MAX_FILES {
        fs.write(&format!("f{i}"), "x", false).expect("fits");
    }
    assert_eq!(fs.write("one-more", "x", false), Err(VfsError::NoSpace));
    assert_eq!(VfsError::NoSpace.to_string(), "No space left on device");
    let big = "x".repeat(vfs::MAX_FILE_BYTES + 1);
    assert_eq!(Vfs::new().write("big", &big, false), Err(VfsError::NoSpace));
}

#[test]
fn ls_prints_columns_on_the_terminal_and_lines_into_a_pipe() {
    let mut fs = Vfs::new();
    for f in ["b.yaml", "a.yaml", "c"] {
        fs.write(f, "12345", false).expect("write");
    }
    fs.mkdir("dir", false).expect("mkdir");
    let args: Vec<String> = Vec::new();
    let tty = run_filter("ls", &args, "", &mut fs, true).expect("ls");
    assert_eq!(tty.stdout, "a.yaml  b.yaml  c  dir\n");
    assert_eq!(
        run("ls", &[], "", &mut fs).stdout,
        "a.yaml\nb.yaml\nc\ndir\n"
    );
    assert_eq!(
        run("ls", &["-l"], "", &mut fs).stdout,
        "total 16\n\
         -rw-r--r-- 1 root root    5 Jan  1 00:00 a.yaml\n\
         -rw-r--r-- 1 root root    5 Jan  1 00:00 b.yaml\n\
         -rw-r--r-- 1 root root    5 Jan  1 00:00 c\n\
         drwxr-xr-x 2 root root 4096 Jan  1 00:00 dir\n"
    );
    let r = run("ls", &["nope"], "", &mut fs);
    assert_eq!(
        (r.stderr.as_str(), r.status),
        ("ls: cannot access 'nope': No such file or directory\n", 2)
    );
}

#[test]
fn many_names_wrap_into_gnu_style_columns() {
    let names: Vec<String> = (0..12).map(|i| format!("deployment-{i:02}.yaml")).collect();
    let mut fs = Vfs::new();
    for n in &names {
        fs.write(n, "", false).expect("write");
    }
    let got = run_filter("ls", &[], "", &mut fs, true).expect("ls").stdout;
    assert_eq!(
        got,
        "deployment-00.yaml  deployment-03.yaml  deployment-06.yaml  deployment-09.yaml\n\
         deployment-01.yaml  deployment-04.yaml  deployment-07.yaml  deployment-10.yaml\n\
         deployment-02.yaml  deployment-05.yaml  deployment-08.yaml  deployment-11.yaml\n"
    );
}

#[test]
fn rm_cp_mv_touch_mkdir_cd_report_gnu_errors() {
    let mut fs = Vfs::new();
    let r = run("rm", &["x"], "", &mut fs);
    assert_eq!(
        r.stderr,
        "rm: cannot remove 'x': No such file or directory\n"
    );
    assert_eq!(run("rm", &["-f", "x"], "", &mut fs).status, 0);
    assert_eq!(run("touch", &["a"], "", &mut fs).status, 0);
    assert_eq!(run("cp", &["a", "b"], "", &mut fs).status, 0);
    assert_eq!(run("mv", &["b", "c"], "", &mut fs).status, 0);
    assert!(fs.exists("c") && !fs.exists("b"));
    assert_eq!(
        run("cp", &["nope", "x"], "", &mut fs).stderr,
        "cp: cannot stat 'nope': No such file or directory\n"
    );
    assert_eq!(run("mkdir", &["-p", "k8s/app"], "", &mut fs).status, 0);
    assert_eq!(
        run("mkdir", &["k8s"], "", &mut fs).stderr,
        "mkdir: cannot create directory ‘k8s’: File exists\n"
    );
    assert_eq!(run("cd", &["k8s"], "", &mut fs).status, 0);
    assert_eq!(run("pwd", &[], "", &mut fs).stdout, "/root/k8s\n");
    assert_eq!(fs.display_path(fs.cwd()), "~/k8s");
    assert_eq!(
        run("cd", &["nope"], "", &mut fs).stderr,
        "bash: cd: nope: No such file or directory\n"
    );
    assert_eq!(run("cd", &[], "", &mut fs).status, 0);
    assert_eq!(fs.cwd(), "/root");
    assert_eq!(
        run("rm", &["k8s"], "", &mut fs).stderr,
        "rm: cannot remove 'k8s': Is a directory\n"
    );
    assert_eq!(run("tee", &["t.txt"], "hi\n", &mut fs).stdout, "hi\n");
    assert_eq!(fs.read("t.txt"), Ok("hi\n"));
}

#[test]
fn filesystem_survives_a_json_round_trip_and_repairs_bad_saves() {
    let mut fs = Vfs::new();
    fs.mkdir("d", false).expect("mkdir");
    fs.write("d/x", "1", false).expect("write");
    let back = Vfs::from_json(&fs.to_json()).expect("loads");
    assert_eq!(back, fs);
    let bad = r#"{"files":{"/nowhere/x":{"text":"1"},"../../root/ok":{"text":"2"}},"cwd":"/etc"}"#;
    let repaired = Vfs::from_json(bad).expect("loads");
    assert_eq!(
        repaired.files().collect::<Vec<_>>(),
        vec![("/root/ok", "2")]
    );
    assert_eq!(repaired.cwd(), "/root");
    assert!(Vfs::from_json("{not json").is_err());
}

#[test]
fn unknown_names_are_not_filters() {
    assert!(run_filter("kubectl", &[], "", &mut Vfs::new(), false).is_none());
}
