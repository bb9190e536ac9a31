//! Parsing: words, quoting, lists and pipelines, redirections, heredocs, loops, syntax errors and continuation lines.

use super::*;

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
