//! `cargo xtask diff` against cargo-semver-checks: for every recorded pair of document versions in
//! `tests/diff/semver/` (written by `cargo xtask semver-record`), each major item cargo-semver-checks
//! found between the two generated crates must be named by one of the diff's breaking changes.
//! Recall must be complete; precision (breaking changes cargo-semver-checks has no item for) is
//! printed, since cargo-semver-checks does not see every break (a field's type changing, say).
//!
//! An item is named when a breaking change is about the same type or builder (`types::Link`'s
//! `with_templated` disappears because the field `templated` was removed), or, for `Client`, about
//! the same method. Pairs whose documents are not present (`../shared/` absent) are skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::diff::{self, Report, Severity};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// A recorded pair: its name, the two documents, and cargo-semver-checks' `(lint, item)`s.
struct Recorded {
    name: String,
    old: PathBuf,
    new: PathBuf,
    major: Vec<(String, String)>,
}

fn recorded() -> Vec<Recorded> {
    let dir = root().join("codegen/tests/diff/semver");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read record");
            let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let field = |name: &str| value[name].as_str().unwrap_or_else(|| panic!("{}: no {name}", path.display()));
            let major = value["major"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| (m["lint"].as_str().unwrap_or("").to_owned(), m["item"].as_str().unwrap_or("").to_owned()))
                .collect();
            Recorded {
                name: path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_owned(),
                old: root().join(field("old")),
                new: root().join(field("new")),
                major,
            }
        })
        .collect()
}

fn load(path: &Path) -> codegen::Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    codegen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An item as `[owner, member]` (or `[owner]`): the type, builder or `Client`, and what in it.
/// cargo-semver-checks writes items several ways (`struct generated::types::X`, `field f of
/// struct S`, `S::with_f`, `generated::types::S::new takes 0 parameters …`); the diff writes
/// `module::types::S::f`.
fn key(item: &str) -> Vec<String> {
    let item = match item.split_once(" of struct ").or_else(|| item.split_once(" of enum ")) {
        Some((field, owner)) => format!("{owner}::{}", field.rsplit(' ').next().unwrap_or(field)),
        None => item.to_owned(),
    };
    let item = ["enum ", "struct ", "variant ", "trait ", "function ", "type ", "fn "]
        .iter()
        .find_map(|kind| item.strip_prefix(kind))
        .unwrap_or(&item);
    let path = item.split_whitespace().next().unwrap_or("");
    let mut segments: Vec<&str> = path.split("::").collect();
    // The crate or module (lowercase, unlike the types), then `types::`/`builder::` when present.
    if segments.len() > 1 && segments[0].starts_with(|c: char| c.is_ascii_lowercase()) {
        segments.remove(0);
    }
    if segments.first().is_some_and(|s| *s == "types" || *s == "builder") {
        segments.remove(0);
    }
    segments.iter().take(2).map(|s| (*s).to_owned()).collect()
}

/// Whether a breaking change of `report` names `item`.
fn named(report: &Report, item: &[String]) -> bool {
    report.changes().filter(|c| c.severity == Severity::Breaking).any(|c| {
        let change = key(&c.rust_item);
        let same = |k: &Vec<String>| {
            k.first() == item.first() && (item.first().is_none_or(|o| o != "Client") || k.get(1) == item.get(1))
        };
        same(&change) || c.was.iter().map(|w| key(w)).any(|k| same(&k))
    })
}

#[test]
fn every_major_item_is_a_breaking_change_of_the_diff() {
    let mut missed = Vec::new();
    let (mut items, mut found) = (0, 0);
    let (mut breaking, mut confirmed) = (0, 0);
    let mut unconfirmed: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for record in recorded() {
        if !record.old.exists() || !record.new.exists() {
            eprintln!("{}: skipped (documents not present)", record.name);
            continue;
        }
        let report = diff::diff(&load(&record.old), &load(&record.new), "generated")
            .unwrap_or_else(|e| panic!("{}: {e}", record.name));
        let majors: BTreeSet<Vec<String>> = record.major.iter().map(|(_, item)| key(item)).collect();
        for (lint, item) in &record.major {
            items += 1;
            if named(&report, &key(item)) {
                found += 1;
            } else {
                missed.push(format!("{}: {lint} `{item}`", record.name));
            }
        }
        for change in report.changes().filter(|c| c.severity == Severity::Breaking) {
            breaking += 1;
            let owner = |k: Vec<String>| k.first().cloned();
            let ours = std::iter::once(&change.rust_item).chain(&change.was).map(|i| key(i));
            if ours.into_iter().any(|k| majors.iter().any(|m| owner(m.clone()) == owner(k.clone()))) {
                confirmed += 1;
            } else {
                *unconfirmed.entry(change.rule).or_insert(0) += 1;
            }
        }
    }
    eprintln!("recall: {found} of {items} major items named by a breaking change");
    eprintln!("precision: {confirmed} of {breaking} breaking changes about an item cargo-semver-checks reports");
    eprintln!("breaking changes it has no item for, by rule: {unconfirmed:?}");
    assert!(missed.is_empty(), "major items the diff does not call breaking:\n{}", missed.join("\n"));
}

#[test]
fn the_additive_release_is_minor_and_a_removed_optional_field_is_major() {
    let dir = root().join("codegen/tests/diff/releases");
    let report = |new: &str| diff::diff(&load(&dir.join("thousandeyes.yaml")), &load(&dir.join(new)), "thousandeyes");
    let additive = report("thousandeyes-additive.yaml").expect("diff");
    assert_eq!(additive.summary.breaking, 0, "{}", additive.to_markdown());
    assert_eq!(additive.bump(), diff::Bump::Minor);
    let removed = report("thousandeyes-field-removed.yaml").expect("diff");
    assert_eq!(removed.bump(), diff::Bump::Major, "{}", removed.to_markdown());
    // And cargo-semver-checks agrees on both, as recorded.
    let records = recorded();
    let record = |name: &str| records.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no record {name}"));
    assert!(record("thousandeyes-additive").major.is_empty());
    assert!(!record("thousandeyes-field-removed").major.is_empty());
}

#[test]
fn items_are_keyed_by_owner_and_member() {
    let k = |s: &str| key(s);
    assert_eq!(k("enum generated::types::Expand"), ["Expand"]);
    assert_eq!(k("field links of struct SelfLinks"), ["SelfLinks", "links"]);
    assert_eq!(k("SelfLinks::with_links"), ["SelfLinks", "with_links"]);
    assert_eq!(
        k("generated::types::Label::new takes 0 parameters in src/types.rs:7, but now takes 1"),
        ["Label", "new"]
    );
    assert_eq!(k("thousandeyes::types::UsageQuota::device_agents_included"), ["UsageQuota", "device_agents_included"]);
    assert_eq!(k("thousandeyes::builder::GetUsage::aid"), ["GetUsage", "aid"]);
    assert_eq!(k("thousandeyes::Client::get_usage"), ["Client", "get_usage"]);
    assert_eq!(k("thousandeyes::Client"), ["Client"]);
}
