//! Tests for the shell language, its utilities and its files. Expected outputs were
//! checked against GNU bash 5.2, GNU grep and GNU coreutils.

use super::*;
use std::collections::BTreeMap;

/// An environment with fixed variables whose `$(...)` prints the script's first word list.
struct TestEnv {
    vars: BTreeMap<String, String>,
    substituted: Vec<String>,
}

impl TestEnv {
    fn new() -> TestEnv {
        let mut vars = BTreeMap::new();
        vars.insert("HOME".to_string(), "/root".to_string());
        vars.insert("NAME".to_string(), "web".to_string());
        vars.insert("SPACED".to_string(), "  a  b ".to_string());
        vars.insert("?".to_string(), "1".to_string());
        TestEnv {
            vars,
            substituted: Vec::new(),
        }
    }
}

impl Env for TestEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn substitute(&mut self, script: &Script) -> String {
        let text = match script.items.first().map(|i| &i.first.commands[0]) {
            Some(Command::Simple(c)) => c.to_source(),
            _ => String::new(),
        };
        self.substituted.push(text.clone());
        format!("<{text}>\n\n")
    }
}

fn simple(script: &Script, item: usize, cmd: usize) -> &SimpleCommand {
    let list = &script.items[item];
    match &list.first.commands[cmd] {
        Command::Simple(s) => s,
        Command::For(_) => panic!("expected a simple command"),
    }
}

fn words(src: &str) -> Vec<String> {
    let script = parse(src).expect("parses");
    let cmd = simple(&script, 0, 0);
    expand_words(&cmd.words, &mut TestEnv::new()).expect("expands")
}

fn err(src: &str) -> String {
    parse(src).expect_err("should not parse").to_string()
}

fn run(name: &str, args: &[&str], stdin: &str, fs: &mut Vfs) -> FilterResult {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run_filter(name, &args, stdin, fs, false).expect("is a filter")
}

fn out(name: &str, args: &[&str], stdin: &str) -> String {
    run(name, args, stdin, &mut Vfs::new()).stdout
}

// ----- parsing --------------------------------------------------------------------------

#[test]
fn quotes_and_escapes_are_removed_from_words() {
    assert_eq!(
        words(r#"echo 'a b' "c \"d\" \$e \\" f\ g h\"i"#),
        vec!["echo", "a b", "c \"d\" $e \\", "f g", "h\"i"]
    );
}

#[test]
fn comments_end_the_line() {
    assert_eq!(words("echo a # b c"), vec!["echo", "a"]);
    assert_eq!(words("echo a#b"), vec!["echo", "a#b"]);
}

#[test]
fn separators_build_and_or_lists_and_pipelines() {
    let s = parse("a && b || c; d | e | f\ng").expect("parses");
    assert_eq!(s.items.len(), 3);
    assert_eq!(s.items[0].rest.len(), 2);
    assert_eq!(s.items[0].rest[0].0, Connector::And);
    assert_eq!(s.items[0].rest[1].0, Connector::Or);
    assert_eq!(s.items[1].first.commands.len(), 3);
    assert_eq!(simple(&s, 2, 0).to_source(), "g");
}

#[test]
fn redirections_keep_descriptor_and_operator() {
    let s = parse("cmd > out.txt 2>&1 >> log 2>/dev/null &> all < in").expect("parses");
    let c = simple(&s, 0, 0);
    let shown: Vec<String> = c.redirects.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        shown,
        vec![">out.txt", "2>&1", ">>log", "2>/dev/null", "&>all", "<in"]
    );
    assert_eq!(c.redirects[1].op, RedirOp::DupOut);
    assert_eq!(c.redirects[1].effective_fd(), 2);
    assert_eq!(c.redirects[5].effective_fd(), 0);
    assert_eq!(c.words.len(), 1);
}

#[test]
fn heredoc_body_becomes_stdin_of_cat() {
    let src = "cat <<EOF > pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: $NAME\nEOF";
    let s = parse(src).expect("parses");
    let c = simple(&s, 0, 0);
    let h = c.heredoc.as_ref().expect("heredoc");
    assert_eq!(
        h.body,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: $NAME\n"
    );
    assert_eq!(c.redirects[0].to_string(), ">pod.yaml");
    assert_eq!(
        expand_heredoc(h, &mut TestEnv::new()).expect("expands"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
    );
    assert_eq!(c.to_source(), "cat <<EOF >pod.yaml");
}

#[test]
fn quoted_heredoc_delimiter_keeps_the_body_literal() {
    let s = parse("cat <<'EOF'\necho $HOME \\$x\nEOF\n").expect("parses");
    let h = simple(&s, 0, 0).heredoc.clone().expect("heredoc");
    assert!(!h.expand);
    assert_eq!(
        expand_heredoc(&h, &mut TestEnv::new()).expect("ok"),
        "echo $HOME \\$x\n"
    );
    let s = parse("cat <<\"END\"\n$NAME\nEND").expect("parses");
    let h = simple(&s, 0, 0).heredoc.clone().expect("heredoc");
    assert_eq!(
        expand_heredoc(&h, &mut TestEnv::new()).expect("ok"),
        "$NAME\n"
    );
}

#[test]
fn unquoted_heredoc_expands_escapes_and_command_substitution() {
    let s = parse("cat <<EOF\n\\$NAME $(hostname) ${NAME}s\nEOF").expect("parses");
    let h = simple(&s, 0, 0).heredoc.clone().expect("heredoc");
    assert_eq!(
        expand_heredoc(&h, &mut TestEnv::new()).expect("ok"),
        "$NAME <hostname> webs\n"
    );
}

#[test]
fn dash_heredoc_strips_leading_tabs() {
    let s = parse("cat <<-EOF\n\t\tindented\n\tEOF\necho next").expect("parses");
    assert_eq!(
        simple(&s, 0, 0).heredoc.as_ref().expect("h").body,
        "indented\n"
    );
    assert_eq!(s.items.len(), 2);
}

#[test]
fn heredoc_followed_by_a_pipe_on_the_same_line() {
    let s = parse("cat <<EOF | grep b\na\nb\nEOF\n").expect("parses");
    assert_eq!(s.items[0].first.commands.len(), 2);
    assert_eq!(simple(&s, 0, 0).heredoc.as_ref().expect("h").body, "a\nb\n");
}

#[test]
fn for_loop_on_one_line_and_on_several() {
    for src in [
        "for x in a b c; do echo $x; done",
        "for x in a b c\ndo\n  echo $x\ndone",
    ] {
        let s = parse(src).expect("parses");
        let Command::For(f) = &s.items[0].first.commands[0] else {
            panic!("expected for")
        };
        assert_eq!(f.var, "x");
        assert_eq!(f.words.as_ref().map(Vec::len), Some(3));
        assert_eq!(f.body.items.len(), 1);
    }
}

#[test]
fn process_substitution_is_a_word_kind() {
    let s = parse("source <(kubectl completion bash)").expect("parses");
    let c = simple(&s, 0, 0);
    assert!(matches!(c.words[1].parts[0], WordPart::ProcessSubst(_)));
    assert_eq!(c.words[1].source, "<(kubectl completion bash)");
}

#[test]
fn assignments_before_the_command_name() {
    let s = parse("A=1 B=\"x y\" cmd C=2").expect("parses");
    let c = simple(&s, 0, 0);
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(c.assignments[1].name, "B");
    assert_eq!(
        expand_word(&c.assignments[1].value, &mut TestEnv::new()).expect("ok"),
        "x y"
    );
    assert_eq!(c.words.len(), 2);
}

#[test]
fn syntax_errors_carry_bash_text() {
    assert_eq!(
        err("echo ;;"),
        "bash: syntax error near unexpected token `;;'"
    );
    assert_eq!(
        err("; echo"),
        "bash: syntax error near unexpected token `;'"
    );
    assert_eq!(
        err("echo a | | b"),
        "bash: syntax error near unexpected token `|'"
    );
    assert_eq!(
        err("echo a && ; b"),
        "bash: syntax error near unexpected token `;'"
    );
    assert_eq!(
        err("echo >"),
        "bash: syntax error near unexpected token `newline'"
    );
    assert_eq!(
        err("echo )"),
        "bash: syntax error near unexpected token `)'"
    );
    assert_eq!(
        err("done"),
        "bash: syntax error near unexpected token `done'"
    );
    assert_eq!(err("&& x"), "bash: syntax error near unexpected token `&&'");
    assert_eq!(
        err("for ; do"),
        "bash: syntax error near unexpected token `;'"
    );
    assert_eq!(
        err("for x in a; do echo; done; done"),
        "bash: syntax error near unexpected token `done'"
    );
    assert_eq!(
        err("echo 'abc"),
        "bash: unexpected EOF while looking for matching `''"
    );
    assert_eq!(
        err("echo \"abc"),
        "bash: unexpected EOF while looking for matching `\"'"
    );
    assert_eq!(
        err("echo $(echo"),
        "bash: unexpected EOF while looking for matching `)'"
    );
    assert_eq!(
        err("for x in a b"),
        "bash: syntax error: unexpected end of file"
    );
    assert_eq!(
        err("echo a |"),
        "bash: syntax error: unexpected end of file"
    );
    assert_eq!(
        err("for 1x in a; do :; done"),
        "bash: `1x': not a valid identifier"
    );
}

#[test]
fn unsupported_constructs_get_an_honest_message() {
    assert_eq!(
        err("if true; then echo; fi"),
        "kubeplay: `if' is not supported in this terminal"
    );
    assert_eq!(
        err("sleep 1 &"),
        "kubeplay: running commands in the background with `&' is not supported in this terminal"
    );
    assert_eq!(
        err("(cd /tmp)"),
        "kubeplay: a subshell `( ... )' is not supported in this terminal"
    );
}

#[test]
fn continuation_is_needed_for_open_constructs() {
    for src in [
        "cat <<EOF > f.yaml",
        "cat <<EOF\napiVersion: v1",
        "echo 'abc",
        "echo \"abc",
        "echo abc \\",
        "kubectl get po |",
        "true &&",
        "false ||",
        "for x in a b c; do",
        "for x in a b c\ndo echo $x",
        "echo $(kubectl get po",
    ] {
        assert!(needs_more_input(src), "{src:?} needs more input");
    }
    for src in [
        "cat <<EOF\nx\nEOF",
        "echo 'a\nb'",
        "echo abc",
        "echo ;;",
        "",
        "for x in a; do echo $x; done",
        "echo >",
    ] {
        assert!(!needs_more_input(src), "{src:?} is complete");
    }
}

#[test]
fn backslash_newline_joins_lines() {
    assert_eq!(
        words("kubectl get \\\n  pods"),
        vec!["kubectl", "get", "pods"]
    );
}

// ----- expansion ------------------------------------------------------------------------

#[test]
fn unquoted_expansions_split_on_whitespace_and_quoted_ones_do_not() {
    assert_eq!(words("echo $SPACED"), vec!["echo", "a", "b"]);
    assert_eq!(words("echo \"$SPACED\""), vec!["echo", "  a  b "]);
    assert_eq!(words("echo x$SPACED"), vec!["echo", "x", "a", "b"]);
    assert_eq!(words("echo $UNSET"), vec!["echo"]);
    assert_eq!(words("echo \"$UNSET\" ''"), vec!["echo", "", ""]);
}

#[test]
fn variables_braces_status_and_defaults_expand() {
    assert_eq!(
        words("echo ${NAME}-0 $? ${#NAME} ${X:-dflt} ${NAME:+set} $ a$"),
        vec!["echo", "web-0", "1", "3", "dflt", "set", "$", "a$"]
    );
    let s = parse("echo ${a b}").expect("parses");
    assert_eq!(
        expand_words(&simple(&s, 0, 0).words, &mut TestEnv::new())
            .expect_err("bad")
            .to_string(),
        "bash: ${a b}: bad substitution"
    );
}

#[test]
fn command_substitution_goes_through_the_env_and_loses_trailing_newlines() {
    let mut env = TestEnv::new();
    let s = parse("echo \"$(kubectl get po -o name)\" `date`").expect("parses");
    let got = expand_words(&simple(&s, 0, 0).words, &mut env).expect("ok");
    assert_eq!(got, vec!["echo", "<kubectl get po -o name>", "<date>"]);
    assert_eq!(env.substituted, vec!["kubectl get po -o name", "date"]);
}

#[test]
fn tilde_and_star_expand_as_bash_does_without_globbing() {
    assert_eq!(
        words("ls ~ ~/x '~' a~ *"),
        vec!["ls", "/root", "/root/x", "~", "a~", "*"]
    );
}

#[test]
fn redirect_target_that_splits_is_ambiguous() {
    let s = parse("echo > $SPACED").expect("parses");
    let r = &simple(&s, 0, 0).redirects[0];
    assert_eq!(
        expand_redirect_target(&r.target, &mut TestEnv::new())
            .expect_err("ambiguous")
            .to_string(),
        "bash: $SPACED: ambiguous redirect"
    );
}

#[test]
fn alias_replaces_the_first_word_and_keeps_the_rest() {
    let aliases = |n: &str| match n {
        "k" => Some("kubectl".to_string()),
        "kgp" => Some("k get pods -o wide".to_string()),
        "ls" => Some("ls -l".to_string()),
        "loop" => Some("loop2".to_string()),
        "loop2" => Some("loop".to_string()),
        _ => None,
    };
    let s = parse("kgp -A > out").expect("parses");
    let c = expand_alias(simple(&s, 0, 0), &aliases).expect("ok");
    assert_eq!(c.to_source(), "kubectl get pods -o wide -A >out");
    let s = parse("ls; 'k' x; loop").expect("parses");
    assert_eq!(
        expand_alias(simple(&s, 0, 0), &aliases)
            .expect("ok")
            .to_source(),
        "ls -l"
    );
    assert_eq!(
        expand_alias(simple(&s, 1, 0), &aliases)
            .expect("ok")
            .to_source(),
        "'k' x"
    );
    assert_eq!(
        expand_alias(simple(&s, 2, 0), &aliases)
            .expect("ok")
            .to_source(),
        "loop"
    );
}

// ----- grep -----------------------------------------------------------------------------

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

// ----- robustness -----------------------------------------------------------------------

/// A tiny deterministic generator (xorshift64*), so the fuzz run is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn random_and_mutated_input_never_panics() {
    const PIECES: &[&str] = &[
        "echo", "kubectl", "get", "po", " ", " ", "\t", "\n", "'", "\"", "\\", "$", "${", "}",
        "$(", ")", "(", "`", "<<", "<<-", "<<'EOF'", "EOF", "<", ">", ">>", "2>&1", "&>", "&",
        "&&", "|", "||", ";", ";;", "#", "for", "in", "do", "done", "x", "$x", "~", "*", "<(", "=",
        "A=1", "if", "-n", "{", "$?", "\r", "é", "ß", "\u{0}", "<<<", "|&", "9>", "$((",
    ];
    const SEEDS: &[&str] = &[
        "cat <<EOF > f.yaml\na: $x\nEOF",
        "kubectl explain deployment.spec | grep -i version",
        "for i in 1 2 3; do echo $i; done",
        "source <(kubectl completion bash)",
        "echo \"$(kubectl get po -o name | head -1)\" && echo ok || echo no",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut fs = Vfs::new();
    for round in 0..100_000 {
        let mut line = if round % 2 == 0 {
            let mut s = String::new();
            for _ in 0..rng.below(12) {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
            s
        } else {
            SEEDS[rng.below(SEEDS.len())].to_string()
        };
        for _ in 0..rng.below(4) {
            let chars: Vec<char> = line.chars().collect();
            let at = rng.below(chars.len() + 1);
            let piece = PIECES[rng.below(PIECES.len())];
            let mut mutated: String = chars[..at].iter().collect();
            if rng.below(2) == 0 {
                mutated.push_str(piece);
                mutated.extend(chars[at..].iter());
            } else {
                mutated.extend(chars[(at + 1).min(chars.len())..].iter());
            }
            line = mutated;
        }
        let _ = needs_more_input(&line);
        if let Ok(script) = parse(&line) {
            let mut env = TestEnv::new();
            for item in &script.items {
                for command in &item.first.commands {
                    if let Command::Simple(c) = command {
                        let _ = expand_words(&c.words, &mut env);
                        if let Some(h) = &c.heredoc {
                            let _ = expand_heredoc(h, &mut env);
                        }
                        let _ = expand_alias(c, &|n| (n == "echo").then(|| "echo -n".to_string()));
                    }
                }
            }
        }
        if round % 10 == 0 {
            let args: Vec<String> = line.split(' ').map(str::to_string).collect();
            let name = ["grep", "sort", "cut", "tr", "awk", "printf", "head", "ls"][rng.below(8)];
            let _ = run_filter(name, &args, &line, &mut fs, true);
            let _ = run_filter(
                "grep",
                &["-E".to_string(), line.clone()],
                "some text\nline2\n",
                &mut fs,
                false,
            );
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "$(".repeat(10_000);
    assert!(parse(&format!("echo {deep}")).is_err());
    let groups = "(".repeat(10_000);
    let r = run("grep", &["-E", &groups], "x\n", &mut Vfs::new());
    assert_eq!(r.status, 2);
}

#[test]
fn seed_heredoc_typed_line_by_line_needs_more_input_until_its_delimiter() {
    let lines = [
        "cat <<EOF > pod-daemonSet.yaml",
        "apiVersion: apps/v1",
        "kind: DaemonSet",
        "metadata:",
        "  name: helloworld-daemonset",
        "EOF",
    ];
    let mut buffer = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            buffer.push('\n');
        }
        buffer.push_str(line);
        assert_eq!(
            needs_more_input(&buffer),
            i + 1 < lines.len(),
            "after {line:?}"
        );
    }
    let script = parse(&buffer).expect("parses");
    let c = simple(&script, 0, 0);
    assert_eq!(
        c.heredoc.as_ref().expect("heredoc").body,
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: helloworld-daemonset\n"
    );
    let mut fs = Vfs::new();
    let target = expand_redirect_target(&c.redirects[0].target, &mut TestEnv::new()).expect("ok");
    fs.write(&target, &c.heredoc.as_ref().expect("h").body, false)
        .expect("write");
    assert_eq!(run("grep", &["kind"], "", &mut fs).stdout, "");
    assert_eq!(
        run("grep", &["kind", "pod-daemonSet.yaml"], "", &mut fs).stdout,
        "kind: DaemonSet\n"
    );
}

#[test]
fn one_pass_search_agrees_with_the_leftmost_longest_finder() {
    use regex::{Regex, Syntax};
    let patterns = [
        ("image", Syntax::Basic),
        ("", Syntax::Basic),
        ("a\\.b", Syntax::Basic),
        ("^web", Syntax::Basic),
        ("x$", Syntax::Basic),
        ("we*b", Syntax::Basic),
        ("\\<web\\>", Syntax::Basic),
        ("\\bng", Syntax::Extended),
        ("(web|nginx)-[0-9]+", Syntax::Extended),
        ("[[:digit:]]{2,}", Syntax::Extended),
        ("a|^$", Syntax::Extended),
        ("é.", Syntax::Extended),
        ("a.c", Syntax::Fixed),
    ];
    let lines = [
        "",
        "image: nginx:1.27",
        "    imagePullPolicy: IfNotPresent",
        "web-0   1/1   Running",
        "aXb a.b",
        "nginx-12 x",
        "wb webb",
        "ab a.c é1",
        "NAME",
    ];
    for (p, syntax) in patterns {
        for icase in [false, true] {
            let r = Regex::new(p, syntax, icase).expect("compiles");
            for line in lines {
                let chars: Vec<char> = line.chars().collect();
                let slow = r.find_at(&chars, 0, &|_, _| true).is_some();
                assert_eq!(
                    r.matches_anywhere(line),
                    slow,
                    "pattern {p:?} icase {icase} on {line:?}"
                );
            }
        }
    }
}
