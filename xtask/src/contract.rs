//! `cargo xtask contract`: the generated clients against Prism, an independent mock server that
//! reads `spec/` and rejects requests that violate it.
//!
//! 1. Installs Prism, pinned in `tools/prism/` ([`xtask::prism::install`]).
//! 2. Starts, for every `spec/<name>.yaml`, `prism mock --errors` twice on free 127.0.0.1 ports:
//!    static (the document's examples) and dynamic (`--dynamic --seed`, random bodies from the
//!    schemas), and waits until each says it listens (bounded; [`xtask::prism::Server`]).
//! 3. Runs `cargo test -p usage-client --test contract -- --ignored` with the servers in
//!    `PRISM_<NAME>_URL` and `PRISM_<NAME>_DYNAMIC_URL`.
//! 4. Stops every Prism it started, whatever happened (the guard of `xtask::prism`). Prism's
//!    output is in `target/contract/*.log`.

use std::fs;
use std::path::Path;
use std::time::Instant;

use xtask::prism::{self, Server};
use xtask::regen;

/// The seed of Prism's dynamic mode; the tests vary it per request with `Prefer: seed=…`.
const SEED: &str = "usage-client-contract";

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let prism = prism::install(root)?;
    let installed = started.elapsed();

    let specs = regen::specs(root)?;
    if specs.is_empty() {
        return Err("no specs under spec/".into());
    }
    let logs = prism::target_dir(root).join("contract");
    fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;

    // Start everything first (Prism takes a moment to load a document), then wait for each.
    let mut servers = Vec::new();
    for spec in &specs {
        for dynamic in [false, true] {
            let log = logs.join(format!("{}-{}.log", spec.name, if dynamic { "dynamic" } else { "static" }));
            let server = Server::start(root, &prism, Path::new(&spec.path), dynamic.then_some(SEED), log)?;
            servers.push((spec, server));
        }
    }
    let mut env = Vec::new();
    for (spec, server) in &mut servers {
        server.wait_until_listening()?;
        println!("prism: {} ({}) on {}", spec.path, server.mode(), server.url());
        env.push((env_var(spec, server.seed.is_some()), server.url()));
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

/// The variable the tests read a server's URL from: `PRISM_<NAME>_URL`, `PRISM_<NAME>_DYNAMIC_URL`.
fn env_var(spec: &regen::Spec, dynamic: bool) -> String {
    let name = spec.name.to_uppercase();
    if dynamic {
        format!("PRISM_{name}_DYNAMIC_URL")
    } else {
        format!("PRISM_{name}_URL")
    }
}
