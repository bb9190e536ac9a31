//! The editor's part of the state — the files, the open one, unsaved drafts — and saving,
//! opening and applying files.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::terminal::LineKind;
use super::State;

pub const DEFAULT_FILE_NAME: &str = "web.yaml";
pub const DEFAULT_FILE_TEXT: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
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
        image: nginx:1.27
        ports:
        - containerPort: 80
          name: web
";

/// What the editor pane shows.
#[derive(Clone, PartialEq, Default)]
pub struct EditorState {
    /// Absolute paths of the files in the session's filesystem.
    pub files: Rc<Vec<String>>,
    pub file_name: String,
    pub file_text: Rc<String>,
    /// Unsaved editor text per file.
    pub(super) drafts: Rc<BTreeMap<String, String>>,
    /// Grows each time a command asks for the editor, so the editor takes focus.
    pub focus: u64,
}

impl State {
    pub(super) fn refresh_files(&mut self) {
        let files: Vec<String> = self
            .session
            .borrow()
            .files()
            .files()
            .map(|(p, _)| p.to_string())
            .collect();
        if *self.editor.files != files {
            self.editor.files = Rc::new(files);
        }
        // A file changed by a command shows its new text unless the learner is editing it.
        if !self.editor.drafts.contains_key(&self.editor.file_name) {
            let text = self.saved_text(&self.editor.file_name);
            if let Some(text) = text {
                if *self.editor.file_text != text {
                    self.editor.file_text = Rc::new(text);
                }
            }
        }
    }

    fn saved_text(&self, path: &str) -> Option<String> {
        self.session
            .borrow()
            .files()
            .read(path)
            .ok()
            .map(str::to_string)
    }

    pub(super) fn open_file(&mut self, path: &str) {
        let text = self
            .editor
            .drafts
            .get(path)
            .cloned()
            .or_else(|| self.saved_text(path))
            .unwrap_or_default();
        self.editor.file_name = path.to_string();
        self.editor.file_text = Rc::new(text);
    }

    /// The learner typed in the editor: the text is a draft until saved.
    pub(super) fn edit_file(&mut self, text: String) {
        Rc::make_mut(&mut self.editor.drafts).insert(self.editor.file_name.clone(), text.clone());
        self.editor.file_text = Rc::new(text);
    }

    /// Writes a new file from a template (`name`, else `name-2`, `name-3`, …) and opens it.
    pub(super) fn new_file(&mut self, name: &str, text: &str) {
        let mut path = self.session.borrow().files().resolve(name);
        let mut n = 1;
        while self.editor.files.contains(&path) {
            n += 1;
            let stem = name.trim_end_matches(".yaml");
            path = self
                .session
                .borrow()
                .files()
                .resolve(&format!("{stem}-{n}.yaml"));
        }
        let _ = self.session.borrow_mut().write_file(&path, text);
        self.refresh_files();
        self.open_file(&path);
    }

    /// Writes the editor's text to the session; `kubectl edit` files are then applied.
    pub(super) fn save_file(&mut self) {
        let path = self.editor.file_name.clone();
        let text = (*self.editor.file_text).clone();
        let result = self.session.borrow_mut().write_file(&path, &text);
        Rc::make_mut(&mut self.editor.drafts).remove(&path);
        if let Err(e) = result {
            self.terminal
                .push_lines([(LineKind::Err, format!("{path}: {e}"))]);
            return;
        }
        let editing = self.session.borrow().is_editing(&path);
        if editing {
            let out = self.session.borrow_mut().finish_edit(&path, true);
            self.terminal.push_output(out);
            self.after_command();
        }
        self.refresh_files();
    }

    /// The Apply button: save, then run `kubectl apply -f FILE` in the terminal.
    pub(super) fn apply_file(&mut self) {
        self.save_file();
        // As a learner would type it: relative to the working directory.
        let shown = {
            let session = self.session.borrow();
            let files = session.files();
            let here = format!("{}/", files.cwd());
            match self.editor.file_name.strip_prefix(&here) {
                Some(name) => name.to_string(),
                None => files.display_path(&self.editor.file_name),
            }
        };
        let line = format!("kubectl apply -f {shown}");
        self.run_line(&line);
    }
}
