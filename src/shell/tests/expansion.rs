//! Expansion: variables, splitting, command substitution, tilde, aliases.

use super::*;

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
