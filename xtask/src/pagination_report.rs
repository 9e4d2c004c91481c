//! `cargo xtask pagination-report DOC...`: per document, the list operations found (an array, or
//! an object holding one, with a page marker taken or returned; see `codegen::lower::list_operations`),
//! those that page (`pages()` and `stream()`), and every one left out with its reason.

use std::path::{Path, PathBuf};

/// One document's counts.
#[derive(Debug)]
pub struct Counts {
    /// The document's path, as shown in the table.
    pub document: String,
    /// List operations found: those returning an array, or an object holding one.
    pub lists: usize,
    /// Those of them that page, so get `pages()` and `stream()`.
    pub paged: usize,
    /// `METHOD /path: reason` of every list operation left out.
    pub left_out: Vec<String>,
    /// How many page by each style (its name, as warnings say it).
    pub styles: std::collections::BTreeMap<String, usize>,
}

/// The counts of every document under `paths` (found as `cargo xtask corpus` finds them).
pub fn run(paths: &[PathBuf]) -> Result<Vec<Counts>, String> {
    let mut documents = Vec::new();
    for path in paths {
        match path.is_dir() && !path.join("openapi.yaml").exists() && !path.join("openapi.json").exists() {
            true => documents.extend(crate::corpus::spec_files(path)?),
            false => documents.push(path.clone()),
        }
    }
    documents.iter().map(|doc| count(doc)).collect()
}

fn count(path: &Path) -> Result<Counts, String> {
    let shown = path.display().to_string();
    let doc = crate::source::load(path)?;
    let (api, warnings) = codegen::lower::lower(&doc).map_err(|e| format!("{shown}: {e}"))?;
    let found = codegen::lower::list_operations(&api, &warnings, &doc.raw);
    let left_out = found
        .iter()
        .filter(|op| op.paged.is_none())
        .map(|op| format!("{}: {}", op.endpoint, op.reason.as_deref().unwrap_or("")))
        .collect();
    let mut styles = std::collections::BTreeMap::new();
    for style in found.iter().filter_map(|op| op.paged.as_deref()) {
        let kind = style.split(", ").next().unwrap_or(style);
        *styles.entry(kind.to_owned()).or_insert(0) += 1;
    }
    let paged = found.iter().filter(|op| op.paged.is_some()).count();
    Ok(Counts { document: shown, lists: found.len(), paged, left_out, styles })
}

/// The table, one line per document and a total, then every operation left out.
pub fn report(counts: &[Counts]) -> String {
    let mut out =
        String::from("| document | list operations | with `stream()` | styles |\n| --- | --- | --- | --- |\n");
    for c in counts {
        let styles: Vec<String> = c.styles.iter().map(|(kind, n)| format!("{kind}: {n}")).collect();
        out.push_str(&format!("| {} | {} | {} | {} |\n", c.document, c.lists, c.paged, styles.join("; ")));
    }
    let (lists, paged) = counts.iter().fold((0, 0), |(l, p), c| (l + c.lists, p + c.paged));
    out.push_str(&format!("| total | {lists} | {paged} | |\n"));
    for c in counts.iter().filter(|c| !c.left_out.is_empty()) {
        out.push_str(&format!("\n{} left out:\n", c.document));
        for line in &c.left_out {
            out.push_str(&format!("- {line}\n"));
        }
    }
    out
}
