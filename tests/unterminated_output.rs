//! Output that ends without a newline — `-o jsonpath`, `--template`, `printf`, `echo -n` —
//! is continued by whatever is printed next, as on a terminal, and a pipe or a file gets
//! exactly those bytes.

mod common;

use common::run;
use kubeplay::kubectl::Session;

fn with_deployment() -> Session {
    let mut s = Session::new(1, 1);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 --replicas=2",
    );
    run(&mut s, "sleep 30");
    s
}

#[test]
fn a_template_in_a_loop_ended_by_echo_prints_one_line_per_object() {
    let mut s = with_deployment();
    let out = run(
        &mut s,
        "for d in web web; do kubectl get deploy $d -o jsonpath='{.spec.replicas}'; echo; done",
    );
    assert_eq!(out, "2\n2\n");
}

#[test]
fn echo_n_and_printf_leave_the_line_open_for_the_next_command() {
    let mut s = Session::new(1, 1);
    assert_eq!(run(&mut s, "echo x; echo -n y; echo z"), "x\nyz\n");
    assert_eq!(run(&mut s, "printf a; printf 'b\\n'; printf c"), "ab\nc\n");
}

#[test]
fn a_pipe_and_a_file_receive_the_template_without_a_newline() {
    let mut s = with_deployment();
    assert_eq!(
        run(
            &mut s,
            "kubectl get deploy web -o jsonpath='{.spec.replicas}' | wc -c"
        ),
        "1\n"
    );
    run(
        &mut s,
        "kubectl get deploy web -o jsonpath='{.metadata.name}' > name.txt",
    );
    assert_eq!(run(&mut s, "wc -c < name.txt"), "3\n");
    assert_eq!(run(&mut s, "cat name.txt; echo"), "web\n");
}
