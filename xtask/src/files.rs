//! Small file helpers the commands share.

use std::fs;
use std::path::Path;

/// Writes to a temporary file in the same directory, then renames it over the target, so a
/// reader never sees half a file and an interrupted run leaves the old file intact.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let dir = path.parent().ok_or_else(|| format!("{}: no parent directory", path.display()))?;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    fs::write(&temp, contents).map_err(|e| format!("{}: {e}", temp.display()))?;
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        format!("{}: {e}", path.display())
    })
}
