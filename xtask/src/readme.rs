//! `cargo xtask readme`: the README's Rust examples compiled in a new crate that depends on
//! exactly what the README's `toml` block lists, as a reader who copies them would. Doctests
//! (`cargo test`) cannot show this: they see every dependency of `usage-client`.
//!
//! Each ```` ```rust ```` block (not `ignore`) becomes `examples/readme_N.rs`, its hidden `# `
//! lines shown, wrapped in `fn main` unless it has one, as rustdoc does. The crate is written to
//! `target/readme/` and checked there with `cargo check --examples`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Writes the scratch crate for `root`'s README and checks it.
pub fn check(root: &Path) -> Result<(), String> {
    let readme = fs::read_to_string(root.join("README.md")).map_err(|e| format!("cannot read README.md: {e}"))?;
    let blocks = blocks(&readme);
    let manifest = blocks
        .iter()
        .find(|(info, text)| *info == "toml" && text.contains("[dependencies]"))
        .map(|(_, text)| text.clone())
        .ok_or("README.md has no ```toml block with [dependencies]")?;
    let examples: Vec<String> =
        blocks.iter().filter(|(info, _)| is_rust(info)).map(|(_, text)| example(text)).collect();
    if examples.is_empty() {
        return Err("README.md has no ```rust blocks".into());
    }
    let dir = root.join("target/readme");
    let _ = fs::remove_dir_all(dir.join("examples"));
    fs::create_dir_all(dir.join("examples")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let crate_dir = root.join("usage-client");
    let manifest =
        manifest.replace("path = \"usage-client\"", &format!("path = {:?}", crate_dir.display().to_string()));
    let cargo_toml = format!(
        "[package]\nname = \"readme-examples\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n{manifest}\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n\
         [profile.dev.package.\"*\"]\ndebug = false\n"
    );
    crate::files::write_atomically(&dir.join("Cargo.toml"), &cargo_toml)?;
    crate::files::write_atomically(&dir.join("src/lib.rs"), "//! The README's examples, as a reader's crate.\n")?;
    // The workspace's lock file, so the examples build against the versions the project uses.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    for (i, text) in examples.iter().enumerate() {
        crate::files::write_atomically(&dir.join(format!("examples/readme_{}.rs", i + 1)), text)?;
    }
    let status = crate::cargo()
        .current_dir(&dir)
        .args(["check", "--examples", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the README's examples do not compile in a crate with only its listed dependencies (see {})",
            dir.display()
        ));
    }
    println!("readme: {} example(s) compile with only the README's dependencies", examples.len());
    Ok(())
}

/// The fenced blocks of a Markdown text: info string and contents.
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => found.extend(open.take()),
            (Some((_, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    found
}

/// Whether a block is Rust that rustdoc compiles: `rust`, `rust,no_run`, not `ignore`.
fn is_rust(info: &str) -> bool {
    let mut words = info.split(',').map(str::trim);
    words.next() == Some("rust") && !words.any(|w| w == "ignore" || w == "compile_fail")
}

/// A block as a program: hidden lines shown, wrapped in `fn main` unless it has one.
fn example(block: &str) -> String {
    let mut code = String::new();
    for line in block.lines() {
        let shown = match line.trim_start() {
            "#" => "",
            trimmed if trimmed.starts_with("# ") => &trimmed[2..],
            _ => line,
        };
        let _ = writeln!(code, "{shown}");
    }
    // An example may define what it does not call (`async fn run`), as doctests do.
    let code = if code.contains("fn main(") { code } else { format!("fn main() {{\n{code}}}\n") };
    format!("#![allow(dead_code)]\n{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_out_as_rustdoc_compiles_them() {
        let markdown =
            "text\n```toml\n[dependencies]\nx = 1\n```\n```rust,no_run\n# async fn f() {}\nlet a = 1;\n```\n\
                        ```rust,ignore\nnot rust\n```\n```sh\nls\n```\n";
        let found = blocks(markdown);
        assert_eq!(found.len(), 4);
        assert_eq!(found[0], ("toml".to_owned(), "[dependencies]\nx = 1\n".to_owned()));
        let rust: Vec<_> = found.iter().filter(|(info, _)| is_rust(info)).collect();
        assert_eq!(rust.len(), 1);
        assert_eq!(example(&rust[0].1), "#![allow(dead_code)]\nfn main() {\nasync fn f() {}\nlet a = 1;\n}\n");
        let with_main = "#[tokio::main]\nasync fn main() {}\n";
        assert_eq!(example(with_main), format!("#![allow(dead_code)]\n{with_main}"));
    }
}
