//! `codegen::diff`'s report for review: summary first, breaking changes next, the rest folded,
//! within a pull-request comment, cut with a pointer to the full report.

use std::path::{Path, PathBuf};

use codegen::diff::{self, Report, Severity};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn load(path: &Path) -> codegen::Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    codegen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn thousandeyes() -> Report {
    let (old, new) = (load(&dir().join("2023/thousandeyes.yaml")), load(&dir().join("7.0.85/thousandeyes.yaml")));
    diff::diff(&old, &new, "thousandeyes").expect("diff")
}

/// The lines of the breaking section, and the text after it.
fn sections(markdown: &str) -> (&str, &str) {
    let start = markdown.find("### Breaking changes\n").expect("a breaking section");
    let end = markdown.find("### Other changes\n").unwrap_or(markdown.len());
    assert!(start < end, "{markdown}");
    (&markdown[start..end], &markdown[end..])
}

#[test]
fn summary_then_breaking_changes_then_the_rest_folded() {
    let report = thousandeyes();
    let markdown = report.to_markdown();
    let summary = markdown.find("| 34 | 16 | 20 |").expect("summary");
    let (breaking, rest) = sections(&markdown);
    assert!(summary < markdown.find(breaking).expect("breaking"), "{markdown}");
    for change in report.changes() {
        let item = change.rust_item.strip_prefix("thousandeyes::").unwrap_or(&change.rust_item);
        let line = format!("- `{item}`: {}\n", change.message);
        match change.severity {
            Severity::Breaking => assert!(breaking.contains(&line), "{line} not among the breaking:\n{markdown}"),
            _ => assert!(rest.contains(&line), "{line} not among the others:\n{markdown}"),
        }
    }
    // Everything else is folded, one block per area, documentation last.
    assert_eq!(rest.matches("<details>").count(), rest.matches("</details>").count());
    let operations = rest.find("<summary>Operations: ").expect("operations");
    let types = rest.find("<summary>Types: ").expect("types");
    let docs = rest.find("<summary>Documentation: 20 changes").expect("docs");
    assert!(operations < types && types < docs, "{markdown}");
    assert!(!markdown.contains("Cut to fit"), "{markdown}");
}

#[test]
fn a_report_too_long_is_cut_after_its_breaking_changes_with_a_pointer_to_the_whole() {
    let report = thousandeyes();
    let whole = report.to_markdown_within(usize::MAX, None);
    let limit = whole.find("### Other changes").expect("other changes") + 1_500;
    let cut = report.to_markdown_within(limit, Some("`api-diff.json` (JSON)"));
    assert!(cut.len() <= limit, "{} > {limit}", cut.len());
    let (breaking, _) = sections(&cut);
    assert_eq!(breaking, sections(&whole).0, "every breaking change is kept");
    assert_eq!(cut.matches("<details>").count(), cut.matches("</details>").count(), "{cut}");
    // A block cut short says how much it shows; one with nothing shown is left out.
    assert!(cut.contains(" shown)</summary>"), "{cut}");
    assert!(!cut.contains("</summary>\n\n</details>"), "{cut}");
    assert!(!cut.contains("<summary>Documentation"), "{cut}");
    let shown = cut.lines().filter(|l| l.starts_with("- ")).count();
    let note = "changes not shown.** The full report: `api-diff.json` (JSON).";
    assert!(cut.contains(note), "{cut}");
    let missing: usize = cut
        .split("**Cut to fit ")
        .nth(1)
        .and_then(|t| t.split(": ").nth(1))
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert_eq!(shown + missing, report.changes().count(), "{cut}");
    assert!(cut.contains(&format!("_{missing} changes not shown here")), "the top says so too:\n{cut}");
    // Without a file, the note names the command.
    assert!(report.to_markdown_within(limit, None).contains("the same command with `--format json`"));
}

#[test]
fn the_vendors_unified_release_fits_a_comment_with_its_breaking_changes_first() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let (old, new) =
        (corpus.join("thousandeyes-7.0.85/unified.yaml"), corpus.join("thousandeyes-7.0.100/unified.yaml"));
    if !old.exists() || !new.exists() {
        eprintln!("note: {} not found; skipping", corpus.display());
        return;
    }
    let report = diff::diff(&load(&old), &load(&new), "unified").expect("diff");
    let markdown = report.to_markdown();
    assert!(markdown.len() < 60_000, "{} characters", markdown.len());
    assert!(report.summary.breaking >= 16, "{:?}", report.summary);
    // The first screen: the summary and the first breaking changes, before any addition.
    let (breaking, _) = sections(&markdown);
    let first = markdown.find(breaking).expect("breaking");
    assert!(markdown[..first].lines().count() < 20, "{}", &markdown[..first]);
    let listed = breaking.lines().filter(|l| l.starts_with("- ")).count();
    assert_eq!(listed, report.summary.breaking, "{breaking}");
}
