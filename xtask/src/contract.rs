//! `cargo xtask contract`: the generated clients against Prism, an independent mock server that
//! reads `spec/` and rejects requests that violate it.
//!
//! 1. Installs Prism, pinned in `tools/prism/package.json` and `package-lock.json`, with `npm ci`
//!    into `tools/prism/node_modules/` (git-ignored; no global install). A stamp of the two files
//!    makes a second run skip the install. (Prism 5.16.0 declares Node.js >= 24.18 in `engines`;
//!    it runs as far as these tests go on the Node.js 20 of our machines, and npm only warns.)
//! 2. Starts, for every `spec/<name>.yaml`, `prism mock --errors` twice on free 127.0.0.1 ports:
//!    static (the document's examples) and dynamic (`--dynamic --seed`, random bodies from the
//!    schemas), and waits until each says it listens (bounded).
//! 3. Runs `cargo test -p usage-client --test contract -- --ignored` with the servers in
//!    `PRISM_<NAME>_URL` and `PRISM_<NAME>_DYNAMIC_URL`.
//! 4. Stops every Prism it started, whatever happened: each child is owned by a guard that kills
//!    it on drop (also on an error or a panic), and each Prism exits by itself when this process
//!    is gone (`tools/prism/exit-with-parent.js`, for a kill that runs no destructors). Prism's
//!    output is in `target/contract/*.log`.

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use xtask::codegen;

/// Where Prism is pinned and installed, relative to the workspace root.
const TOOL_DIR: &str = "tools/prism";
/// The seed of Prism's dynamic mode; the tests vary it per request with `Prefer: seed=…`.
const SEED: &str = "usage-client-contract";
/// How long Prism may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts to start one Prism, each on a new free port (another process may take the port
/// between our probe and Prism's bind).
const START_ATTEMPTS: u32 = 3;

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let prism = install(root)?;
    let installed = started.elapsed();

    let specs = codegen::specs(root)?;
    if specs.is_empty() {
        return Err("no specs under spec/".into());
    }
    let logs = target_dir(root).join("contract");
    fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;

    // Start everything first (Prism takes a moment to load a document), then wait for each.
    let mut servers = Vec::new();
    for spec in &specs {
        for dynamic in [false, true] {
            servers.push(Server::start(root, &prism, spec, dynamic, &logs)?);
        }
    }
    let mut env = Vec::new();
    for server in &mut servers {
        server.wait_until_listening(root, &prism)?;
        println!("prism: {} ({}) on {}", server.spec.path, server.mode(), server.url());
        env.push((server.env_var(), server.url()));
    }
    let listening = started.elapsed();

    let status = xtask::cargo()
        .current_dir(root)
        .args(["test", "-p", "usage-client", "--test", "contract", "--", "--ignored"])
        .envs(env)
        .env("CONTRACT_SPECS", specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(","))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    drop(servers);
    println!(
        "contract: Prism install {:.1}s, start {:.1}s, total {:.1}s; Prism logs in {}",
        installed.as_secs_f64(),
        (listening - installed).as_secs_f64(),
        started.elapsed().as_secs_f64(),
        logs.display()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("the contract tests failed ({status}); Prism's logs are in {}", logs.display()))
    }
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

// ---------------------------------------------------------------------------------------------
// Installing Prism
// ---------------------------------------------------------------------------------------------

/// Installs Prism unless the installed copy matches the pinned files; returns the `prism` binary.
fn install(root: &Path) -> Result<PathBuf, String> {
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
        .map_err(|e| format!("cannot run npm ({e}); Node.js and npm are needed for `cargo xtask contract`"))?;
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
fn pinned_version(manifest: &str) -> Option<&str> {
    let rest = manifest.split_once("\"@stoplight/prism-cli\"")?.1;
    let version = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?.split('"').next()?;
    version.chars().all(|c| c.is_ascii_digit() || c == '.').then_some(version)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

// ---------------------------------------------------------------------------------------------
// Running Prism
// ---------------------------------------------------------------------------------------------

/// One `prism mock` child, killed when this is dropped.
struct Server {
    spec: codegen::Spec,
    dynamic: bool,
    port: u16,
    log: PathBuf,
    child: Option<Child>,
    attempts: u32,
}

impl Server {
    fn start(root: &Path, prism: &Path, spec: &codegen::Spec, dynamic: bool, logs: &Path) -> Result<Server, String> {
        let log = logs.join(format!("{}-{}.log", spec.name, if dynamic { "dynamic" } else { "static" }));
        let mut server = Server { spec: spec.clone(), dynamic, port: 0, log, child: None, attempts: 0 };
        server.spawn(root, prism)?;
        Ok(server)
    }

    fn mode(&self) -> &'static str {
        if self.dynamic {
            "dynamic"
        } else {
            "static"
        }
    }

    fn url(&self) -> String {
        // Prism serves every path at its root: it ignores the server URL's path (`/v7`, `/api/2`).
        format!("http://127.0.0.1:{}", self.port)
    }

    fn env_var(&self) -> String {
        let name = self.spec.name.to_uppercase();
        if self.dynamic {
            format!("PRISM_{name}_DYNAMIC_URL")
        } else {
            format!("PRISM_{name}_URL")
        }
    }

    fn spawn(&mut self, root: &Path, prism: &Path) -> Result<(), String> {
        self.attempts += 1;
        self.port = free_port()?;
        let log = File::create(&self.log).map_err(|e| format!("cannot create {}: {e}", self.log.display()))?;
        let log_err = log.try_clone().map_err(|e| format!("cannot open {}: {e}", self.log.display()))?;
        let port = self.port.to_string();
        let mut command = Command::new(prism);
        // Request validation is always on in `prism mock`; `--errors` also turns a violation in
        // Prism's own response (an example that does not fit its schema) into an error.
        command.current_dir(root).args(["mock", &self.spec.path, "-h", "127.0.0.1", "-p", &port, "--errors"]);
        if self.dynamic {
            command.args(["--dynamic", "--seed", SEED]);
        }
        // Prism also stops by itself when this process is gone (see exit-with-parent.js).
        let preload = root.join(TOOL_DIR).join("exit-with-parent.js");
        let child = command
            .env("NODE_OPTIONS", format!("--require=\"{}\"", preload.display()))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
        self.child = Some(child);
        Ok(())
    }

    /// Waits until Prism says it listens on its port, at most [`START_TIMEOUT`]; starts it again
    /// on another port when the port was taken.
    fn wait_until_listening(&mut self, root: &Path, prism: &Path) -> Result<(), String> {
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
                    self.spawn(root, prism)?;
                    continue;
                }
                return Err(format!(
                    "Prism for {} ({}) exited ({status}):\n{}",
                    self.spec.path,
                    self.mode(),
                    tail(&log)
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism for {} ({}) did not listen within {}s:\n{}",
                    self.spec.path,
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
fn tail(log: &str) -> String {
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
    fn the_committed_manifest_pins_prism() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let manifest = read(&root.join(TOOL_DIR).join("package.json")).expect("tools/prism/package.json");
        assert_eq!(pinned_version(&manifest), Some("5.16.0"));
        let lock = read(&root.join(TOOL_DIR).join("package-lock.json")).expect("tools/prism/package-lock.json");
        assert!(
            lock.contains("\"node_modules/@stoplight/prism-cli\": {\n      \"version\": \"5.16.0\""),
            "the lock file pins 5.16.0"
        );
    }
}
