//! Where the files of a document come from: the file system, or a git revision (`cargo xtask diff
//! REV:path`). The generator reads every file a document's `$ref`s reach through these.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Files under one directory on disk.
pub struct FsSource {
    /// The directory the paths a document names are read from: usually the document's own.
    pub dir: PathBuf,
}

impl codegen::Source for FsSource {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.dir.join(path)).map_err(|e| e.to_string())
    }
}

/// Files under one directory of the repository at `root`, as they were at `rev`.
pub struct GitSource {
    /// The repository's working directory, where `git show` runs.
    pub root: PathBuf,
    /// The revision to read from: anything `git show REV:path` takes (`HEAD`, `origin/main`).
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
    load_mapped(path, &[])
}

/// [`load`], with remote `$ref`s under each URL prefix of `ref_map` read from its directory
/// (`--ref-map URL=DIR`; a relative `DIR` is taken from the current directory).
pub fn load_mapped(path: &Path, ref_map: &[(String, PathBuf)]) -> Result<codegen::Document, String> {
    let shown = path.display().to_string();
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let root =
        path.file_name().map(|f| f.to_string_lossy().into_owned()).ok_or_else(|| format!("{shown}: not a file"))?;
    let mut mapped = Vec::new();
    for (prefix, local) in ref_map {
        let absolute =
            std::path::absolute(local).map_err(|e| format!("--ref-map {prefix}={}: {e}", local.display()))?;
        mapped.push((prefix.clone(), absolute.to_string_lossy().into_owned()));
    }
    codegen::load_mapped(&root, &FsSource { dir }, &mapped).map_err(|e| format!("{shown}: {e}"))
}

/// `URL=DIR` of `--ref-map`.
pub fn ref_map_flag(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((url, dir)) if (url.starts_with("http://") || url.starts_with("https://")) && !dir.is_empty() => {
            Ok((url.to_owned(), PathBuf::from(dir)))
        }
        _ => Err(format!("--ref-map takes URL=DIR (an http(s) URL prefix and a directory), not `{value}`")),
    }
}
