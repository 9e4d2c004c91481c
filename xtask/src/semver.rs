//! `cargo xtask semver-record [NAME…]`: the truth `cargo xtask diff` is checked against.
//!
//! For each pair of document versions below, both crates are generated with `cargo xtask
//! generate`'s code path (one crate name, so items compare), their rustdoc JSON is built in one
//! shared target directory, and cargo-semver-checks compares the two. The major items it reports
//! are written to `codegen/tests/diff/semver/<name>.json`, where `codegen/tests/semver.rs` checks
//! that the diff's breaking changes name every one of them. CI never runs cargo-semver-checks: it
//! reads what was recorded. Refreshing needs `cargo install cargo-semver-checks --locked`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::files::write_atomically;

/// Where the recorded results live, relative to the workspace root.
pub const RECORDS: &str = "codegen/tests/diff/semver";

/// The crate name both sides are generated under.
const CRATE: &str = "generated";

/// One recorded pair: two versions of a document, relative to the workspace root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The record's name: its file is `<name>.json` under [`RECORDS`], and `semver-record NAME`
    /// picks it.
    pub name: String,
    /// The earlier version of the document.
    pub old: String,
    /// The later version, compared against `old`.
    pub new: String,
}

/// Every pair that is recorded: the ThousandEyes 2023 → 7.0.85 change, releases made from
/// `spec/thousandeyes.yaml`, the vendor's two unified releases (when `../shared/corpus/` is
/// beside the checkout) and one pair per diff rule.
pub fn pairs(root: &Path) -> Result<Vec<Pair>, String> {
    let pair =
        |name: &str, old: &str, new: &str| Pair { name: name.to_owned(), old: old.to_owned(), new: new.to_owned() };
    let mut pairs = vec![
        pair(
            "thousandeyes-2023-7.0.85",
            "codegen/tests/diff/2023/thousandeyes.yaml",
            "codegen/tests/diff/7.0.85/thousandeyes.yaml",
        ),
        pair(
            "thousandeyes-additive",
            "codegen/tests/diff/releases/thousandeyes.yaml",
            "codegen/tests/diff/releases/thousandeyes-additive.yaml",
        ),
        pair(
            "thousandeyes-field-removed",
            "codegen/tests/diff/releases/thousandeyes.yaml",
            "codegen/tests/diff/releases/thousandeyes-field-removed.yaml",
        ),
    ];
    let unified = |version: &str| format!("../shared/corpus/thousandeyes-{version}/unified.yaml");
    if root.join(unified("7.0.85")).is_file() && root.join(unified("7.0.100")).is_file() {
        pairs.push(pair("thousandeyes-unified-7.0.85-7.0.100", &unified("7.0.85"), &unified("7.0.100")));
    }
    let rules = root.join("codegen/tests/diff/rules");
    let mut names: Vec<String> = fs::read_dir(&rules)
        .map_err(|e| format!("{}: {e}", rules.display()))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".old.yaml").map(str::to_owned))
        .collect();
    names.sort();
    for rule in names {
        let file = |side: &str| format!("codegen/tests/diff/rules/{rule}.{side}.yaml");
        pairs.push(pair(&format!("rule-{rule}"), &file("old"), &file("new")));
    }
    Ok(pairs)
}

/// Records every pair (or those named in `only`), printing one line per pair.
pub fn record(root: &Path, only: &[&str]) -> Result<(), String> {
    let version = Command::new("cargo-semver-checks")
        .args(["semver-checks", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .ok_or("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`")?;
    let pairs: Vec<Pair> =
        pairs(root)?.into_iter().filter(|p| only.is_empty() || only.contains(&p.name.as_str())).collect();
    if pairs.is_empty() {
        return Err(format!("no pair named {}", only.join(", ")));
    }
    let work = root.join("target/semver");
    for pair in pairs {
        let dir = work.join(&pair.name);
        let old = rustdoc_json(root, &root.join(&pair.old), &dir.join("old"), &work)?;
        let new = rustdoc_json(root, &root.join(&pair.new), &dir.join("new"), &work)?;
        let output = Command::new("cargo-semver-checks")
            .args(["semver-checks", "--release-type", "minor", "--color", "never", "--baseline-rustdoc"])
            .arg(&old)
            .arg("--current-rustdoc")
            .arg(&new)
            .output()
            .map_err(|e| format!("cannot run cargo-semver-checks: {e}"))?;
        let major = major_items(&String::from_utf8_lossy(&output.stdout));
        if !output.status.success() && major.is_empty() {
            let text =
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            return Err(format!("{}: cargo-semver-checks failed:\n{text}", pair.name));
        }
        let record = json!({
            "old": pair.old,
            "new": pair.new,
            "tool": version,
            "major": major.iter().map(|(lint, item)| json!({ "lint": lint, "item": item })).collect::<Vec<Value>>(),
        });
        let path = root.join(RECORDS).join(format!("{}.json", pair.name));
        let pretty = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
        write_atomically(&path, &format!("{pretty}\n"))?;
        println!("{}: {} major item(s)", pair.name, major.len());
    }
    Ok(())
}

/// Generates `spec` as crate [`CRATE`] in `out` and builds its rustdoc JSON in the shared target
/// directory under `work`; returns a copy of the JSON beside the crate.
fn rustdoc_json(root: &Path, spec: &Path, out: &Path, work: &Path) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(out.join("src"));
    crate::generate::generate(root, spec, out, CRATE)?;
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, out.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    let target = work.join("target");
    let status = crate::cargo()
        .args(["rustdoc", "--lib", "--quiet", "--", "-Z", "unstable-options", "--output-format", "json"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", &target)
        // rustdoc's JSON output is unstable; cargo-semver-checks itself builds it this way.
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("{}: cargo rustdoc failed", out.display()));
    }
    let json = out.join("rustdoc.json");
    fs::copy(target.join(format!("doc/{CRATE}.json")), &json).map_err(|e| format!("{}: {e}", json.display()))?;
    Ok(json)
}

/// The `(lint, item)` pairs of cargo-semver-checks' failures: each `--- failure LINT: …` heading
/// and the lines under its `Failed in:`, without the file and line they point at.
pub fn major_items(output: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    let mut lint: Option<String> = None;
    let mut listing = false;
    for line in output.lines() {
        if let Some(heading) = line.strip_prefix("--- ") {
            // Warnings (`--- warning …`) are not major: only failures are recorded.
            lint = heading.strip_prefix("failure ").and_then(|rest| rest.split(':').next()).map(str::to_owned);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = lint.is_some();
        } else if listing && line.starts_with("  ") && !line.starts_with("   ") && !line.trim().is_empty() {
            if let Some(lint) = &lint {
                items.push((lint.clone(), strip_location(line.trim())));
            }
        } else {
            listing = false;
        }
    }
    items.sort();
    items.dedup();
    items
}

/// An item without the places it names, so a record does not change when lines move:
/// `field x of struct Y, previously in file src/types.rs:12` → `field x of struct Y`;
/// `S::new takes 0 parameters in src/types.rs:7, but now takes 1 parameters in src/types.rs:9`
/// → `S::new takes 0 parameters, but now takes 1 parameters`.
fn strip_location(item: &str) -> String {
    let item = [", previously in file ", ", in file ", " in file "]
        .iter()
        .filter_map(|marker| item.find(marker))
        .min()
        .map_or(item, |at| &item[..at]);
    let words: Vec<&str> = item.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let place = words.get(i + 1).is_some_and(|w| {
            let w = w.trim_end_matches(',');
            w.rsplit_once(':')
                .is_some_and(|(file, line)| file.contains('/') && line.chars().all(|c| c.is_ascii_digit()))
        });
        if words[i] == "in" && place {
            if words[i + 1].ends_with(',') {
                if let Some(last) = out.last_mut() {
                    last.push(',');
                }
            }
            i += 2;
        } else {
            out.push(words[i].to_owned());
            i += 1;
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_read_with_their_items() {
        let output = "\
--- failure inherent_method_missing: pub method removed or renamed ---

Description:
A publicly-visible method is no longer available.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  Link::with_templated, previously in file src/types.rs:691
  Link::new, previously in file src/types.rs:680

--- warning partial_ord_enum_variants_reordered: enum variants reordered ---

Failed in:
  E::Unknown moved from position 7 to 8, in /x/src/types.rs:574

--- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---

Failed in:
  field templated of struct Link, previously in file src/types.rs:654

--- failure method_parameter_count_changed: pub method parameter count changed ---

Failed in:
  generated::types::S::new takes 0 parameters in src/types.rs:7, but now takes 1 parameters in src/types.rs:9
     Summary semver requires new major version: 2 major and 0 minor checks failed
";
        assert_eq!(
            major_items(output),
            vec![
                ("inherent_method_missing".to_owned(), "Link::new".to_owned()),
                ("inherent_method_missing".to_owned(), "Link::with_templated".to_owned()),
                (
                    "method_parameter_count_changed".to_owned(),
                    "generated::types::S::new takes 0 parameters, but now takes 1 parameters".to_owned()
                ),
                ("struct_pub_field_missing".to_owned(), "field templated of struct Link".to_owned()),
            ]
        );
    }
}
