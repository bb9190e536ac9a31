//! `kubectl edit` and [`Session::finish_edit`], read against kubectl v0.34.10's
//! `pkg/cmd/util/editor/editoptions.go` (`Run`, `visitToPatch`, `editHeader.writeTo`,
//! `editResults.addError`, `preservedFile`).

use kubeplay::kubectl::Session;

const STS: &str = "cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
EOF";

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

fn text(lines: Vec<kubeplay::shell::OutLine>) -> String {
    lines.iter().map(|l| format!("{}\n", l.text)).collect()
}

/// A session with the StatefulSet `web` and `kubectl edit sts web` waiting for the editor.
fn editing() -> (Session, String) {
    let mut s = Session::new(3, 1);
    s.submit(STS);
    s.run_blocking();
    s.tick(30_000);
    let printed = s.submit("kubectl edit sts web");
    assert!(printed.is_empty(), "{printed:?}");
    let path = s.take_editor_request().expect("edit asks for the editor");
    (s, path)
}

fn file(s: &Session, path: &str) -> String {
    s.files().read(path).map(String::from).unwrap_or_default()
}

/// Saves `text` into the temp file and finishes the edit.
fn save(s: &mut Session, path: &str, body: &str) -> String {
    s.files_mut().write(path, body, false).expect("write");
    text(s.finish_edit(path, true))
}

#[test]
fn edit_writes_the_object_as_get_yaml_prints_it_below_kubectls_header() {
    let (mut s, path) = editing();
    assert_eq!(path, "/tmp/kubectl-edit-1.yaml");
    assert!(s.is_editing(&path));
    let yaml = s.query("get sts web -o yaml").expect("get");
    assert_eq!(file(&s, &path), format!("{HEADER}{yaml}"));
}

#[test]
fn saving_a_changed_replica_count_prints_edited_and_updates_the_object() {
    let (mut s, path) = editing();
    let edited = file(&s, &path).replace("replicas: 2", "replicas: 3");
    assert_eq!(
        save(&mut s, &path, &edited),
        "statefulset.apps/web edited\n"
    );
    assert!(!s.is_editing(&path));
    assert!(!s.files().exists(&path));
    assert_eq!(
        s.query("get sts web -o jsonpath={.spec.replicas}")
            .expect("get"),
        "3"
    );
}

#[test]
fn saving_unchanged_or_with_only_comment_changes_cancels_without_changes() {
    let (mut s, path) = editing();
    let edited = format!("# my note\n{}", file(&s, &path));
    assert_eq!(
        save(&mut s, &path, &edited),
        "Edit cancelled, no changes made.\n"
    );
    let (mut s, path) = editing();
    assert_eq!(
        text(s.finish_edit(&path, false)),
        "Edit cancelled, no changes made.\n"
    );
}

#[test]
fn saving_an_empty_file_cancels_the_edit() {
    let (mut s, path) = editing();
    assert_eq!(
        save(&mut s, &path, "# only a comment\n\n"),
        "Edit cancelled, saved file was empty.\n"
    );
}

#[test]
fn changing_the_name_is_refused_and_the_file_kept() {
    let (mut s, path) = editing();
    let edited = file(&s, &path).replace("name: web", "name: web2");
    assert_eq!(
        save(&mut s, &path, &edited),
        "A copy of your changes has been stored to \"/tmp/kubectl-edit-1.yaml\"\nerror: At least one of apiVersion, kind and name was changed\n"
    );
    assert_eq!(s.last_status(), 1);
}

#[test]
fn an_invalid_change_reopens_the_file_with_the_servers_causes_on_top() {
    let (mut s, path) = editing();
    let body = s.query("get sts web -o yaml").expect("get");
    let edited = file(&s, &path).replace("replicas: 2", "replicas: -1");
    assert_eq!(
        save(&mut s, &path, &edited),
        "error: statefulsets.apps \"web\" is invalid\n"
    );
    assert_eq!(s.take_editor_request().as_deref(), Some(path.as_str()));
    assert!(s.is_editing(&path));
    let reopened = file(&s, &path);
    assert_eq!(
        reopened,
        format!(
            "{HEADER}# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n{}",
            body.replace("replicas: 2", "replicas: -1")
        )
    );
    // Closing it again without a change gives up, keeping the file.
    assert_eq!(
        text(s.finish_edit(&path, false)),
        "A copy of your changes has been stored to \"/tmp/kubectl-edit-1.yaml\"\nerror: Edit cancelled, no valid changes were saved.\n"
    );
}

#[test]
fn fixing_the_reopened_file_applies_the_edit() {
    let (mut s, path) = editing();
    let edited = file(&s, &path).replace("replicas: 2", "replicas: -1");
    save(&mut s, &path, &edited);
    let fixed = file(&s, &path).replace("replicas: -1", "replicas: 1");
    assert_eq!(save(&mut s, &path, &fixed), "statefulset.apps/web edited\n");
}

#[test]
fn a_yaml_syntax_error_reopens_the_file_with_the_parse_error() {
    let (mut s, path) = editing();
    let edited = file(&s, &path).replace("replicas: 2", "replicas: [2");
    assert_eq!(save(&mut s, &path, &edited), "");
    let reopened = file(&s, &path);
    assert!(
        reopened.starts_with(&format!(
            "{HEADER}# The edited file had a syntax error: error converting YAML to JSON: yaml: "
        )),
        "{reopened}"
    );
    assert_eq!(s.take_editor_request().as_deref(), Some(path.as_str()));
}

#[test]
fn edit_of_a_missing_object_prints_not_found() {
    let mut s = Session::new(3, 1);
    assert_eq!(
        text(s.submit("kubectl edit deploy/nope")),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    assert_eq!(s.take_editor_request(), None);
}

#[test]
fn a_second_edit_gets_the_next_temp_file() {
    let (mut s, first) = editing();
    s.submit("kubectl edit statefulset/web");
    let second = s.take_editor_request().expect("editor");
    assert_eq!(first, "/tmp/kubectl-edit-1.yaml");
    assert_eq!(second, "/tmp/kubectl-edit-2.yaml");
}
