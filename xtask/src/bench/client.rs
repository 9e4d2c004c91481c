//! The client benchmarks of usage-client, run in release.

use std::path::Path;

use super::Config;

/// The client benchmarks live in `usage-client/benches/client.rs` (they need the generated
/// types) and `usage-client/benches/streams.rs` (streams of items and uploads); this runs them in
/// release without TLS, which loopback does not need.
pub(super) fn client(root: &Path, config: &Config) -> Result<String, String> {
    let mut report = String::new();
    for bench in ["client", "streams"] {
        eprintln!("bench: {bench} (cargo bench -p usage-client --bench {bench})");
        let mut command = crate::cargo();
        command.args(["bench", "--quiet", "-p", "usage-client", "--no-default-features", "--features", "thousandeyes"]);
        command.args(["--bench", bench, "--"]);
        if config.quick {
            command.arg("--quick");
        }
        let output = command.current_dir(root).output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            return Err(format!("the {bench} benchmark failed:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
        report.push_str(&String::from_utf8_lossy(&output.stdout));
        report.push('\n');
    }
    Ok(report)
}
