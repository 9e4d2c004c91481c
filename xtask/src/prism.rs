//! Prism, the independent mock server `cargo xtask contract` and `cargo xtask conform` run the
//! generated clients against: installing the pinned version and running it on 127.0.0.1.
//!
//! 1. [`install`]: Prism, pinned in `tools/prism/package.json` and `package-lock.json` (with ajv
//!    and ajv-formats, which Prism depends on anyway and `conform` validates examples with), with
//!    `npm ci` into `tools/prism/node_modules/` (git-ignored; no global install). A stamp of the
//!    two files makes a second run skip the install. (Prism 5.16.0 declares Node.js >= 24.18 in
//!    `engines`; it runs as far as our checks go on the Node.js 20 of our machines, and npm only
//!    warns.)
//! 2. [`Server`]: one `prism mock --errors` on a free 127.0.0.1 port, static (the document's
//!    examples) or dynamic (`--dynamic --seed`, bodies made from the schemas); `wait_until_listening`
//!    waits (bounded) until it says it listens, starting it again on another port when the port
//!    was taken.
//! 3. Every Prism started is stopped, whatever happened: each child is owned by a [`Server`] that
//!    kills it on drop (also on an error or a panic), and each Prism exits by itself when this
//!    process is gone (`tools/prism/exit-with-parent.js`, for a kill that runs no destructors).

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Prism is pinned and installed, relative to the workspace root.
pub const TOOL_DIR: &str = "tools/prism";
/// How long Prism may take to start listening (a large document takes a while to load).
const START_TIMEOUT: Duration = Duration::from_secs(180);
/// Attempts to start one Prism, each on a new free port (another process may take the port
/// between our probe and Prism's bind).
const START_ATTEMPTS: u32 = 3;

/// The target directory cargo builds in: `CARGO_TARGET_DIR`, else `target/` under `root`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Installs Prism unless the installed copy matches the pinned files; returns the `prism` binary.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(TOOL_DIR);
    let manifest = read(&dir.join("package.json"))?;
    let lock = read(&dir.join("package-lock.json"))?;
    let pinned = pinned_version(&manifest)
        .ok_or_else(|| format!("{TOOL_DIR}/package.json pins no exact version of @stoplight/prism-cli"))?;
    let bin = dir.join("node_modules/.bin/prism");
    let stamp_path = dir.join("node_modules/.usage-client-stamp");
    let stamp = format!("{:016x}", fnv1a(manifest.as_bytes()) ^ fnv1a(lock.as_bytes()).rotate_left(1));
    if bin.exists() && fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp) {
        return Ok(bin);
    }
    println!("prism: installing @stoplight/prism-cli {pinned} into {TOOL_DIR}/node_modules (npm ci)");
    // `npm ci` installs exactly what package-lock.json says, from the configured npm registry.
    // `--ignore-scripts`: no install scripts (one dependency's would report the install to a
    // third-party analytics service); Prism needs none.
    let status = Command::new("npm")
        .current_dir(&dir)
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .env("SCARF_ANALYTICS", "false")
        .status()
        .map_err(|e| format!("cannot run npm ({e}); Node.js and npm are needed to run Prism"))?;
    if !status.success() {
        return Err(format!("`npm ci` in {TOOL_DIR} failed ({status})"));
    }
    if !bin.exists() {
        return Err(format!("`npm ci` did not install {}", bin.display()));
    }
    let installed = read(&dir.join("node_modules/@stoplight/prism-cli/package.json"))?;
    if !installed.contains(&format!("\"version\": \"{pinned}\"")) {
        return Err(format!("{TOOL_DIR}: package-lock.json does not install @stoplight/prism-cli {pinned}"));
    }
    fs::write(&stamp_path, stamp).map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok(bin)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The exact version `package.json` pins: `"@stoplight/prism-cli": "5.16.0"`.
pub fn pinned_version(manifest: &str) -> Option<&str> {
    let rest = manifest.split_once("\"@stoplight/prism-cli\"")?.1;
    let version = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?.split('"').next()?;
    version.chars().all(|c| c.is_ascii_digit() || c == '.').then_some(version)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// One `prism mock` child, killed when this is dropped.
pub struct Server {
    /// The document, as given to Prism (relative to `root` or absolute).
    pub document: PathBuf,
    /// `None`: static mode (examples); `Some(seed)`: dynamic mode with that seed.
    pub seed: Option<String>,
    /// The port on 127.0.0.1 it listens on: a free one, chosen again when a restart is needed.
    pub port: u16,
    /// The file Prism's stdout and stderr go to, read for its readiness and for its errors.
    pub log: PathBuf,
    root: PathBuf,
    prism: PathBuf,
    child: Option<Child>,
    attempts: u32,
}

impl Server {
    /// Starts Prism on `document` (relative to `root` or absolute), logging to `log`; call
    /// [`Server::wait_until_listening`] before using it.
    pub fn start(
        root: &Path,
        prism: &Path,
        document: &Path,
        seed: Option<&str>,
        log: PathBuf,
    ) -> Result<Server, String> {
        let mut server = Server {
            document: document.to_path_buf(),
            seed: seed.map(str::to_owned),
            port: 0,
            log,
            root: root.to_path_buf(),
            prism: prism.to_path_buf(),
            child: None,
            attempts: 0,
        };
        server.spawn()?;
        Ok(server)
    }

    /// `static` or `dynamic`, as verdicts name the mode.
    pub fn mode(&self) -> &'static str {
        if self.seed.is_some() {
            "dynamic"
        } else {
            "static"
        }
    }

    /// The base URL to give the client: the server's root, whatever path the document's servers
    /// have.
    pub fn url(&self) -> String {
        // Prism serves every path at its root: it ignores the server URL's path (`/v7`, `/api/2`).
        format!("http://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) -> Result<(), String> {
        self.attempts += 1;
        self.port = free_port()?;
        let log = File::create(&self.log).map_err(|e| format!("cannot create {}: {e}", self.log.display()))?;
        let log_err = log.try_clone().map_err(|e| format!("cannot open {}: {e}", self.log.display()))?;
        let port = self.port.to_string();
        let mut command = Command::new(&self.prism);
        // Request validation is always on in `prism mock`; `--errors` also turns a violation in
        // Prism's own response (an example that does not fit its schema) into an error.
        command.current_dir(&self.root).arg("mock").arg(&self.document).args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--errors",
        ]);
        if let Some(seed) = &self.seed {
            command.args(["--dynamic", "--seed", seed]);
        }
        // Prism also stops by itself when this process is gone (see exit-with-parent.js).
        let preload = self.root.join(TOOL_DIR).join("exit-with-parent.js");
        let child = command
            .env("NODE_OPTIONS", format!("--require=\"{}\"", preload.display()))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.prism.display()))?;
        self.child = Some(child);
        Ok(())
    }

    /// Waits until Prism says it listens on its port, at most `START_TIMEOUT`; starts it again
    /// on another port when the port was taken.
    pub fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let ready = format!("Prism is listening on {}", self.url());
            let log = fs::read_to_string(&self.log).unwrap_or_default();
            if log.contains(&ready) && TcpStream::connect_timeout(&self.address(), Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            let exited = match self.child.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Err(e)) => Some(e.to_string()),
                Some(Ok(None)) | None => None,
            };
            if let Some(status) = exited {
                self.child = None;
                if log.contains("EADDRINUSE") && self.attempts < START_ATTEMPTS {
                    self.spawn()?;
                    continue;
                }
                return Err(format!(
                    "Prism for {} ({}) exited ({status}):\n{}",
                    self.document.display(),
                    self.mode(),
                    tail(&log)
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism for {} ({}) did not listen within {}s:\n{}",
                    self.document.display(),
                    self.mode(),
                    START_TIMEOUT.as_secs(),
                    tail(&log)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn address(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `prism` is one Node.js process (no `--multiprocess`): killing it leaves nothing.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port nobody listens on now: the one the system hands out for 127.0.0.1:0.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("cannot find a free port: {e}"))
}

/// The last lines of a log, for an error message.
pub fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_is_read_exactly() {
        let manifest = r#"{ "dependencies": { "@stoplight/prism-cli": "5.16.0" } }"#;
        assert_eq!(pinned_version(manifest), Some("5.16.0"));
        assert_eq!(pinned_version(r#"{ "dependencies": { "@stoplight/prism-cli": "^5.16.0" } }"#), None);
        assert_eq!(pinned_version("{}"), None);
    }

    #[test]
    fn the_committed_manifest_pins_prism_and_ajv() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let manifest = read(&root.join(TOOL_DIR).join("package.json")).expect("tools/prism/package.json");
        assert_eq!(pinned_version(&manifest), Some("5.16.0"));
        let lock = read(&root.join(TOOL_DIR).join("package-lock.json")).expect("tools/prism/package-lock.json");
        assert!(
            lock.contains("\"node_modules/@stoplight/prism-cli\": {\n      \"version\": \"5.16.0\""),
            "the lock file pins 5.16.0"
        );
        // The validator `conform` uses is the one Prism already depends on, pinned as such.
        for (name, version) in [("ajv", "8.20.0"), ("ajv-formats", "2.1.1")] {
            assert!(manifest.contains(&format!("\"{name}\": \"{version}\"")), "package.json pins {name} {version}");
            assert!(
                lock.contains(&format!("\"node_modules/{name}\": {{\n      \"version\": \"{version}\"")),
                "the lock file installs {name} {version}"
            );
        }
    }
}
