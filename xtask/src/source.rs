//! Where the files of a document come from: the file system, or a git revision (`cargo xtask diff
//! REV:path`). The generator reads every file a document's `$ref`s reach through these.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Files under one directory on disk.
pub struct FsSource {
    pub dir: PathBuf,
}

impl codegen::Source for FsSource {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.dir.join(path)).map_err(|e| e.to_string())
    }
}

/// Files under one directory of the repository at `root`, as they were at `rev`.
pub struct GitSource {
    pub root: PathBuf,
    pub rev: String,
    /// The directory in the repository, `/`-separated, empty for the top.
    pub dir: String,
}

impl codegen::Source for GitSource {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = if self.dir.is_empty() { path.to_owned() } else { format!("{}/{path}", self.dir) };
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .arg("show")
            .arg(format!("{}:{full}", self.rev))
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        String::from_utf8(output.stdout).map_err(|_| format!("{full} at {} is not UTF-8", self.rev))
    }
}

/// Loads the document rooted at `path`, with every file it reaches, from disk.
pub fn load(path: &Path) -> Result<codegen::Document, String> {
    let shown = path.display().to_string();
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let root =
        path.file_name().map(|f| f.to_string_lossy().into_owned()).ok_or_else(|| format!("{shown}: not a file"))?;
    codegen::load(&root, &FsSource { dir }).map_err(|e| format!("{shown}: {e}"))
}
