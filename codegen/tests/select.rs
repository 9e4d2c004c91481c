//! Selections: only the chosen operations and the types they reach, every item exactly as a full
//! generation writes it (names included), on a fixture of ours and on the vendor's unified v7
//! document when `../shared/corpus/` is beside the checkout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::{Options, Selection};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn load(path: &Path) -> codegen::Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    codegen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn generate(doc: &codegen::Document, selection: Selection) -> Result<BTreeMap<String, String>, codegen::Error> {
    let options = Options::module("doc.yaml", "doc").select(selection);
    Ok(codegen::generate(doc, &options)?.files.into_iter().map(|f| (f.path, f.contents)).collect())
}

fn tags(tags: &[&str]) -> Selection {
    Selection { tags: tags.iter().map(|t| t.to_string()).collect(), ..Selection::default() }
}

/// The top-level items of a file (each `pub struct`, `impl`, … with its doc comment), as text;
/// the header (the generated line, the module's doc) is not one.
fn items(file: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    for line in file.lines() {
        if line.starts_with("// @generated") || line.starts_with("//!") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line == "}" || (line.ends_with(';') && !line.starts_with(' ')) {
            items.push(std::mem::take(&mut current).trim().to_owned());
        } else if line.is_empty() && !current.trim().starts_with(['#', '/', 'p', 'i']) {
            current.clear();
        }
    }
    items
}

/// Every item of the selected `types.rs` and `serde_impls.rs` is an item of the full one, word for
/// word (the imports aside: a selection may not need `Serialize` by name).
fn assert_subset(selected: &BTreeMap<String, String>, full: &BTreeMap<String, String>) {
    for file in ["types.rs", "serde_impls.rs"] {
        let full_items = items(&full[file]);
        for item in items(&selected[file]).into_iter().filter(|item| !item.starts_with("use ")) {
            assert!(full_items.contains(&item), "{file}: not in the full generation, or not as written there:\n{item}");
        }
    }
}

fn declared(types: &str) -> Vec<&str> {
    types
        .lines()
        .filter_map(|l| l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum ")))
        .filter_map(|l| l.split([' ', '<']).next())
        .collect()
}

#[test]
fn a_selection_keeps_its_operations_and_what_they_reach_named_as_in_full() {
    let doc = load(&root().join("codegen/tests/select/shop.yaml"));
    let full = generate(&doc, Selection::default()).expect("full");
    let catalog = generate(&doc, tags(&["Catalog"])).expect("Catalog");
    assert_subset(&catalog, &full);
    let types = declared(&catalog["types.rs"]);
    // `Item.stock` is `ItemStock2` in the full crate (the component `ItemStock` keeps the plain
    // name), and stays so though the component is not selected.
    assert_eq!(types, ["Money", "Item", "ItemStock2"], "{}", catalog["types.rs"]);
    assert!(catalog["client.rs"].contains("pub fn list_items("));
    assert!(!catalog["client.rs"].contains("list_orders"));

    let orders = generate(&doc, tags(&["Orders"])).expect("Orders");
    assert_subset(&orders, &full);
    assert_eq!(
        declared(&orders["types.rs"]),
        [
            "Order",
            "Line",
            "Money",
            "Problem",
            "ListOrderItemsResponseItemStatus",
            "ListOrderItemsResponseItem",
            "ListOrdersError"
        ]
    );
    // Criteria add up: a tag or an operationId or a path prefix.
    let mixed =
        Selection { operations: vec!["listItems".into()], paths: vec!["/orders/".into()], ..Selection::default() };
    let mixed = generate(&doc, mixed).expect("mixed");
    assert!(
        mixed["client.rs"].contains("pub fn list_items(") && mixed["client.rs"].contains("pub fn list_order_items(")
    );
    assert!(!mixed["client.rs"].contains("pub fn list_orders("));
}

#[test]
fn a_criterion_that_selects_nothing_is_an_error() {
    let doc = load(&root().join("codegen/tests/select/shop.yaml"));
    let error = generate(&doc, tags(&["Orders", "Billing"])).expect_err("no such tag");
    assert!(error.to_string().contains("tag `Billing` selects no operation"), "{error}");
    let error =
        generate(&doc, Selection { paths: vec!["/carts".into()], ..Selection::default() }).expect_err("no path");
    assert!(error.to_string().contains("path prefix `/carts`"), "{error}");
}

#[test]
fn a_document_carries_its_own_selection() {
    let text = std::fs::read_to_string(root().join("codegen/tests/select/shop.yaml")).expect("fixture");
    let with = |extension: &str| codegen::parse(&format!("{text}{extension}")).expect("parses");
    let doc = with("x-codegen:\n  select:\n    operations: [listItems]\n");
    assert_eq!(Selection::from_document(&doc).expect("read").operations, ["listItems"]);
    let files = generate(&doc, Selection::default()).expect("generates");
    assert!(!files["client.rs"].contains("list_orders"));
    // The caller's criteria add to the document's.
    let files = generate(&doc, tags(&["Orders"])).expect("generates");
    assert!(files["client.rs"].contains("list_orders") && files["client.rs"].contains("list_items"));
    let bad = with("x-codegen:\n  select:\n    tag: [Orders]\n");
    let error = generate(&bad, Selection::default()).expect_err("unknown key");
    assert_eq!(error.pointer(), Some("/x-codegen/select/tag"), "{error}");
    let bad = with("x-codegen:\n  select:\n    tags: [Orders, 3]\n");
    let error = generate(&bad, Selection::default()).expect_err("not a string");
    assert_eq!(error.pointer(), Some("/x-codegen/select/tags/1"), "{error}");
}

#[test]
fn the_unified_documents_usage_and_quotas_match_the_full_generation() {
    let path = root().join("../shared/corpus/thousandeyes-7.0.85/unified.yaml");
    if !path.exists() {
        eprintln!("{} is not beside the checkout: skipped", path.display());
        return;
    }
    let doc = load(&path);
    let full = generate(&doc, Selection::default()).expect("full");
    let selected = generate(&doc, tags(&["Usage", "Quotas"])).expect("selection");
    assert_subset(&selected, &full);
    let methods = selected["client.rs"].matches("    pub fn ").count();
    assert!(methods < full["client.rs"].matches("    pub fn ").count() / 10, "{methods} methods");
    assert!(
        selected["client.rs"].contains("pub fn get_usage(") && selected["client.rs"].contains("pub fn get_quotas(")
    );
}

#[test]
fn items_are_whole_declarations() {
    let file = "//! Doc.\n\nuse serde::Serialize;\n\n/// A.\n#[derive(Clone)]\npub struct A {\n    x: i64,\n\n    y: i64,\n}\n\nimpl A {\n    fn f() {}\n\n    fn g() {}\n}\n\npub type B = String;\n";
    assert_eq!(
        items(file),
        [
            "use serde::Serialize;",
            "/// A.\n#[derive(Clone)]\npub struct A {\n    x: i64,\n\n    y: i64,\n}",
            "impl A {\n    fn f() {}\n\n    fn g() {}\n}",
            "pub type B = String;"
        ]
    );
}
