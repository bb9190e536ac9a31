//! Random and mutated input, deep nesting, pasted heredocs, and the regex search agreeing with a slower finder.

use super::*;

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

/// Feeds `script` to a [`LineReader`] line by line and checks that after every line it
/// agrees with a full [`needs_more_input`] of everything typed since the last complete
/// script, and hands back exactly that text.
fn reader_agrees_with_full_parses(script: &str) {
    let mut reader = LineReader::new();
    let mut buffer = String::new();
    for line in script.split('\n') {
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(line);
        let got = reader.push_line(line);
        if needs_more_input(&buffer) {
            assert_eq!(got, None, "{buffer:?} needs more input");
            assert!(!reader.is_empty());
        } else {
            assert_eq!(got.as_deref(), Some(buffer.as_str()), "after {line:?}");
            assert!(reader.is_empty());
            buffer.clear();
        }
    }
}

#[test]
fn the_line_reader_agrees_with_parsing_everything_again() {
    for script in [
        "cat <<EOF > a.yaml\nkind: Pod\n  EOF\nEOF\necho done",
        "cat <<A <<B\na body\nB\nA\nb body\nB\necho after",
        "cat <<-EOF\n\t\tindented\n\t\tEOF\necho after",
        "cat <<EOF\nno tab strip\n\tEOF\nEOF",
        "for i in 1 2; do cat <<EOF\n$i\nEOF\ndone",
        "echo $(cat <<EOF\ninside\nEOF\n)",
        "cat <<EOF # a comment\nbody\nEOF",
        "cat <<'EOF' | grep -c x\nx $HOME\nEOF",
        "cat <<EOF; echo 'open\nquote'\nbody\nEOF",
        "cat <<EOF\n",
        "echo 'a\nb' && cat <<END\nc\nEND\n\necho e",
        "cat <<EOF |\nbody\nEOF\nwc -l",
        "cat <<EOF ;;\nbody\nEOF",
        "cat <<X\nX\n",
        "cat <<EOF\r\nbody\r\nEOF\r\nEOF",
    ] {
        reader_agrees_with_full_parses(script);
    }
}

#[test]
fn the_line_reader_reads_a_random_script_as_a_full_parse_does() {
    const LINES: &[&str] = &[
        "cat <<EOF",
        "cat <<-EOF",
        "cat <<A <<B",
        "EOF",
        "\tEOF",
        "A",
        "B",
        "echo 'x",
        "y'",
        "for i in 1; do",
        "done",
        "echo $(",
        ")",
        "kind: Pod",
        "",
        "echo a |",
        "x \\",
        "cat <<'EOF' > f",
        "`",
        "# EOF",
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..3_000 {
        let n = 1 + rng.below(12);
        let script: Vec<&str> = (0..n).map(|_| LINES[rng.below(LINES.len())]).collect();
        reader_agrees_with_full_parses(&script.join("\n"));
    }
}
