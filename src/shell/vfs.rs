//! The terminal's files: a small in-memory tree under `/root` (shown as `~`), shared with
//! the YAML editor and saved in the browser's localStorage.
//!
//! Directories exist only when created (`mkdir`) plus the fixed `/`, `/root`, `/tmp` and
//! `/dev`; `/dev/null` swallows writes and reads as empty. Limits keep stored state small:
//! [`MAX_FILES`] files of at most [`MAX_FILE_BYTES`] each.

use std::collections::{BTreeMap, BTreeSet};

/// The home directory, shown as `~`.
pub const HOME: &str = "/root";
/// Most files (not counting directories) the filesystem holds.
pub const MAX_FILES: usize = 256;
/// Largest file, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Most directories.
pub const MAX_DIRS: usize = 64;

const FIXED_DIRS: [&str; 4] = ["/", "/root", "/tmp", "/dev"];
const DEV_NULL: &str = "/dev/null";

/// Why a file operation failed; `Display` is the C library's text, which callers put
/// after `bash: FILE: ` or `cat: FILE: `.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VfsError {
    /// The file, or a directory on its path, does not exist.
    #[error("No such file or directory")]
    NotFound,
    /// A file operation on a directory.
    #[error("Is a directory")]
    IsADirectory,
    /// A path goes through something that is a file.
    #[error("Not a directory")]
    NotADirectory,
    /// Over [`MAX_FILES`] files or [`MAX_FILE_BYTES`] in one file.
    #[error("No space left on device")]
    NoSpace,
    /// `mkdir` of something that exists.
    #[error("File exists")]
    Exists,
    /// `rmdir`-like removal of a directory with files in it.
    #[error("Directory not empty")]
    NotEmpty,
}

/// One entry of a directory listing: name, whether it is a directory, the file if not.
pub type DirEntry<'a> = (String, bool, Option<&'a FileEntry>);

/// One file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    /// The contents.
    pub text: String,
    /// Last write, in virtual seconds (see [`Vfs::set_now`]).
    #[serde(default)]
    pub mtime: u64,
}

/// The filesystem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vfs {
    files: BTreeMap<String, FileEntry>,
    #[serde(default)]
    dirs: BTreeSet<String>,
    #[serde(default = "home_string")]
    cwd: String,
    #[serde(default)]
    now: u64,
}

fn home_string() -> String {
    HOME.to_string()
}

impl Default for Vfs {
    fn default() -> Self {
        Vfs::new()
    }
}

impl Vfs {
    /// An empty filesystem, working directory `/root`.
    pub fn new() -> Vfs {
        Vfs {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            cwd: HOME.to_string(),
            now: 0,
        }
    }

    /// Reads saved state, repairing what a hand-edited or corrupted save could break:
    /// bad paths are dropped and limits enforced. Invalid JSON is an error.
    pub fn from_json(json: &str) -> Result<Vfs, serde_json::Error> {
        let raw: Vfs = serde_json::from_str(json)?;
        let mut fs = Vfs::new();
        for dir in raw.dirs {
            let dir = fs.resolve(&dir);
            if fs.dirs.len() < MAX_DIRS && !fs.is_dir(&dir) && fs.parent_is_dir(&dir) {
                fs.dirs.insert(dir);
            }
        }
        for (path, entry) in raw.files {
            let path = fs.resolve(&path);
            if fs.files.len() < MAX_FILES
                && entry.text.len() <= MAX_FILE_BYTES
                && fs.parent_is_dir(&path)
                && !fs.is_dir(&path)
                && path != DEV_NULL
            {
                fs.files.insert(path, entry);
            }
        }
        if fs.is_dir(&fs.resolve(&raw.cwd)) {
            fs.cwd = fs.resolve(&raw.cwd);
        }
        fs.now = raw.now;
        Ok(fs)
    }

    /// The state to save.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Sets the virtual time stamped on files written from now on.
    pub fn set_now(&mut self, seconds: u64) {
        self.now = seconds;
    }

    /// The working directory, absolute.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// A path as the prompt shows it: `~` for the home directory and below it.
    pub fn display_path(&self, abs: &str) -> String {
        if abs == HOME {
            "~".to_string()
        } else if let Some(rest) = abs.strip_prefix("/root/") {
            format!("~/{rest}")
        } else {
            abs.to_string()
        }
    }

    /// Makes `path` absolute and normal: relative to the working directory, `~` is the
    /// home directory, `.` and `..` are resolved, repeated and trailing `/` dropped.
    pub fn resolve(&self, path: &str) -> String {
        let full = if path == "~" {
            HOME.to_string()
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("{HOME}/{rest}")
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.cwd)
        };
        let mut parts: Vec<&str> = Vec::new();
        for seg in full.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        format!("/{}", parts.join("/"))
    }

    fn parent_of(abs: &str) -> &str {
        match abs.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &abs[..i],
        }
    }

    fn parent_is_dir(&self, abs: &str) -> bool {
        self.is_dir(Self::parent_of(abs))
    }

    fn is_dir(&self, abs: &str) -> bool {
        FIXED_DIRS.contains(&abs) || self.dirs.contains(abs)
    }

    /// True when `path` names a directory.
    pub fn is_directory(&self, path: &str) -> bool {
        self.is_dir(&self.resolve(path))
    }

    /// True when `path` names a file or directory.
    pub fn exists(&self, path: &str) -> bool {
        let abs = self.resolve(path);
        abs == DEV_NULL || self.is_dir(&abs) || self.files.contains_key(&abs)
    }

    /// Why the parent directory of `abs` cannot hold a file, if it cannot.
    fn check_parent(&self, abs: &str) -> Result<(), VfsError> {
        let parent = Self::parent_of(abs);
        if self.is_dir(parent) {
            Ok(())
        } else if self.files.contains_key(parent) {
            Err(VfsError::NotADirectory)
        } else {
            Err(VfsError::NotFound)
        }
    }

    /// The contents of a file.
    pub fn read(&self, path: &str) -> Result<&str, VfsError> {
        let abs = self.resolve(path);
        if abs == DEV_NULL {
            return Ok("");
        }
        if self.is_dir(&abs) {
            return Err(VfsError::IsADirectory);
        }
        self.check_parent(&abs)?;
        self.files
            .get(&abs)
            .map(|f| f.text.as_str())
            .ok_or(VfsError::NotFound)
    }

    /// Writes (or with `append`, appends to) a file, creating it: what `>` and `>>` do.
    pub fn write(&mut self, path: &str, text: &str, append: bool) -> Result<(), VfsError> {
        let abs = self.resolve(path);
        if abs == DEV_NULL {
            return Ok(());
        }
        if self.is_dir(&abs) {
            return Err(VfsError::IsADirectory);
        }
        self.check_parent(&abs)?;
        let old_len = match self.files.get(&abs) {
            Some(f) if append => f.text.len(),
            Some(_) => 0,
            None if self.files.len() >= MAX_FILES => return Err(VfsError::NoSpace),
            None => 0,
        };
        if old_len + text.len() > MAX_FILE_BYTES {
            return Err(VfsError::NoSpace);
        }
        let now = self.now;
        let entry = self.files.entry(abs).or_insert_with(|| FileEntry {
            text: String::new(),
            mtime: now,
        });
        if !append {
            entry.text.clear();
        }
        entry.text.push_str(text);
        entry.mtime = now;
        Ok(())
    }

    /// Creates an empty file, or updates the time of an existing one (`touch`).
    pub fn touch(&mut self, path: &str) -> Result<(), VfsError> {
        let abs = self.resolve(path);
        if self.is_dir(&abs) || abs == DEV_NULL {
            return Ok(());
        }
        self.write(&abs, "", true)
    }

    /// Removes a file; directories only when `recursive` (with everything under them).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), VfsError> {
        let abs = self.resolve(path);
        if self.is_dir(&abs) {
            if !recursive {
                return Err(VfsError::IsADirectory);
            }
            if FIXED_DIRS.contains(&abs.as_str()) {
                return Err(VfsError::NotEmpty);
            }
            let prefix = format!("{abs}/");
            self.files.retain(|p, _| !p.starts_with(&prefix));
            self.dirs.retain(|d| d != &abs && !d.starts_with(&prefix));
            if self.cwd == abs || self.cwd.starts_with(&prefix) {
                self.cwd = HOME.to_string();
            }
            return Ok(());
        }
        self.check_parent(&abs)?;
        self.files
            .remove(&abs)
            .map(|_| ())
            .ok_or(VfsError::NotFound)
    }

    /// Creates a directory; with `parents`, also missing parents and no error if it exists.
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), VfsError> {
        let abs = self.resolve(path);
        if self.is_dir(&abs) {
            return if parents {
                Ok(())
            } else {
                Err(VfsError::Exists)
            };
        }
        if self.files.contains_key(&abs) || abs == DEV_NULL {
            return Err(VfsError::Exists);
        }
        if parents && !self.parent_is_dir(&abs) {
            self.mkdir(Self::parent_of(&abs).to_string().as_str(), true)?;
        }
        self.check_parent(&abs)?;
        if self.dirs.len() >= MAX_DIRS {
            return Err(VfsError::NoSpace);
        }
        self.dirs.insert(abs);
        Ok(())
    }

    /// Changes the working directory.
    pub fn chdir(&mut self, path: &str) -> Result<(), VfsError> {
        let abs = self.resolve(path);
        if self.is_dir(&abs) {
            self.cwd = abs;
            Ok(())
        } else if self.files.contains_key(&abs) {
            Err(VfsError::NotADirectory)
        } else {
            Err(VfsError::NotFound)
        }
    }

    /// The entries directly in a directory, sorted by name: (name, is_directory, file).
    pub fn list(&self, path: &str) -> Result<Vec<DirEntry<'_>>, VfsError> {
        let abs = self.resolve(path);
        if !self.is_dir(&abs) {
            return Err(if self.files.contains_key(&abs) {
                VfsError::NotADirectory
            } else {
                VfsError::NotFound
            });
        }
        let child = |p: &str| -> Option<String> {
            let rest = if abs == "/" {
                p.strip_prefix('/')?
            } else {
                p.strip_prefix(abs.as_str())?.strip_prefix('/')?
            };
            (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
        };
        let mut out: Vec<DirEntry<'_>> = Vec::new();
        for d in FIXED_DIRS
            .iter()
            .copied()
            .chain(self.dirs.iter().map(String::as_str))
        {
            if let Some(name) = child(d) {
                out.push((name, true, None));
            }
        }
        for (p, f) in &self.files {
            if let Some(name) = child(p) {
                out.push((name, false, Some(f)));
            }
        }
        if abs == "/dev" {
            out.push(("null".to_string(), false, None));
        }
        crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }

    /// The file entry at `path`, if it is a file.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.get(&self.resolve(path))
    }

    /// Every file, by absolute path (what the editor's tabs can open).
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(p, f)| (p.as_str(), f.text.as_str()))
    }
}
