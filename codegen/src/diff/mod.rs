//! What changed between two versions of an API, for the users of its generated client
//! (`cargo xtask diff`).
//!
//! Both documents are lowered ([`crate::lower`]) and named ([`crate::names`]) exactly as the
//! generator does, so the comparison sees resolved APIs (every `$ref` followed, `allOf` merged) and
//! every finding names the Rust item that changes, spelled as in the generated code.
//!
//! - Operations are matched by method and full URL path (the server URL's path + the path, with
//!   path parameter names ignored), then by operationId.
//! - Types are matched where they are used: walking matched operations side by side pairs the types
//!   found at the same place (a parameter, a body, a field...). A pair with the same Rust name is the
//!   same type; otherwise the most frequent pair of structurally similar types is a rename. Types
//!   that no operation uses are matched by Rust name.
//! - Severity is for users of the generated client: [`Severity::Breaking`] when code that compiled
//!   against the old client may no longer compile or behave the same (a Rust item disappears or
//!   changes its type, a request the server accepted is refused, a response the client decoded is no
//!   longer documented), [`Severity::NonBreaking`] for additions, [`Severity::Docs`] for
//!   descriptions, summaries and examples.
//!
//! Nothing here reads files or runs git; the xtask does.
//!
//! This file holds [`diff`] and `Cx`, the comparison in progress; `report` the report's types,
//! `markdown` its Markdown; `side` one lowered and named document; `matching` the pairing of
//! operations, parameters, responses, media types and types. The rules, by area: `client` (servers,
//! base URL), `operations`, `parameters`, `bodies` (request bodies and responses), `types`, `docs`.

mod bodies;
mod client;
mod constraints;
mod docs;
mod markdown;
mod matching;
mod operations;
mod parameters;
mod report;
mod side;
mod types;

use std::collections::{HashMap, HashSet};
use std::fmt;

use indexmap::IndexMap;

use crate::error::Error;
use crate::load::Document;
use crate::model::{Api, Operation, TypeId};
use crate::select::Selection;

pub use markdown::MARKDOWN_LIMIT;
use matching::pair_up;
pub use report::{ApiVersion, Bump, Change, Group, GroupKind, Report, Severity, Summary};
use side::Side;

/// Which of the two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The version compared from: the `old` argument of [`diff`].
    Old,
    /// The version compared to: the `new` argument of [`diff`].
    New,
}

/// A document that could not be lowered, and which one it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffError {
    /// The document that failed.
    pub which: Which,
    /// Why it could not be compared: lowering failed, or a selection criterion is malformed or
    /// matches none of its operations.
    pub error: Error,
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.which {
            Which::Old => "old",
            Which::New => "new",
        };
        write!(f, "{which} document: {}", self.error)
    }
}

impl std::error::Error for DiffError {}

/// A document with no operations and no types, standing in for a spec that does not exist on one
/// side (added or removed).
pub fn empty_document(title: &str) -> Document {
    let raw = serde_json::json!({ "openapi": "3.0.3", "info": { "title": title, "version": "" }, "paths": {} });
    let openapi = openapiv3::OpenAPI {
        openapi: "3.0.3".to_owned(),
        info: openapiv3::Info { title: title.to_owned(), ..Default::default() },
        ..Default::default()
    };
    Document::new(openapi, raw)
}

/// Compares two versions of an API. `module` is the Rust module of the generated client
/// (e.g. `thousandeyes`), used in the paths of the Rust items the changes name.
pub fn diff(old: &Document, new: &Document, module: &str) -> Result<Report, DiffError> {
    diff_selected(old, new, module, &Selection::default())
}

/// [`diff`] within a selection of operations: the new document's own ([`Selection::from_document`])
/// and `selection`, applied to both sides, as the generator applies it to the new one.
pub fn diff_selected(old: &Document, new: &Document, module: &str, selection: &Selection) -> Result<Report, DiffError> {
    let in_new = |error| DiffError { which: Which::New, error };
    let selection = Selection::from_document(new).map_err(in_new)?.and(selection);
    // The old version may lack what the new one added: only the new one must match every criterion.
    let old = Side::new(old, module, &selection, false).map_err(|error| DiffError { which: Which::Old, error })?;
    let new = Side::new(new, module, &selection, true).map_err(in_new)?;
    // The method and full URL path, with the server path of the operation's own side.
    let by_path = |op: &Operation| {
        let side = if old.api.operations.as_ptr_range().contains(&std::ptr::from_ref(op)) { &old } else { &new };
        Some(format!("{} {}", op.method.as_str(), side.key(op)))
    };
    let operations =
        pair_up(&old.api.operations, &new.api.operations, &[&by_path, &|op: &Operation| op.operation_id.clone()]);
    let mut cx = Cx::new(&old, &new);
    cx.match_types(&operations);
    cx.api();
    for &(o, n) in &operations {
        cx.operation(o, n);
    }
    cx.types();
    Ok(cx.finish(module))
}

/// The comparison in progress: both sides, the types matched so far, and the changes found.
struct Cx<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    old_to_new: HashMap<TypeId, TypeId>,
    new_to_old: HashMap<TypeId, TypeId>,
    groups: Vec<Group>,
    /// Error enum path → (title, changes); changes shared by several operations appear once.
    errors: IndexMap<String, (String, Vec<Change>)>,
    docs: Vec<Change>,
    /// The documentation changes of error variants already reported (rust item, message).
    error_docs: HashSet<(String, String)>,
}

impl<'a> Cx<'a> {
    fn new(old: &'a Side<'a>, new: &'a Side<'a>) -> Self {
        Cx {
            old,
            new,
            old_to_new: HashMap::new(),
            new_to_old: HashMap::new(),
            groups: Vec::new(),
            errors: IndexMap::new(),
            docs: Vec::new(),
            error_docs: HashSet::new(),
        }
    }

    fn side(&self, which: Which) -> &'a Side<'a> {
        match which {
            Which::Old => self.old,
            Which::New => self.new,
        }
    }

    fn push_group(&mut self, kind: GroupKind, title: String, mut changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        changes.sort_by_key(|c| c.severity);
        self.groups.push(Group { kind, title, changes });
    }

    fn finish(mut self, module: &str) -> Report {
        let errors = std::mem::take(&mut self.errors);
        // Error enums after the operations, before the types.
        let first_type = self
            .groups
            .iter()
            .position(|g| matches!(g.kind, GroupKind::Schema | GroupKind::AddedTypes | GroupKind::RemovedTypes))
            .unwrap_or(self.groups.len());
        let mut error_groups = Vec::new();
        for (_, (title, mut changes)) in errors {
            if !changes.is_empty() {
                changes.sort_by_key(|c| c.severity);
                error_groups.push(Group { kind: GroupKind::ErrorBodies, title, changes });
            }
        }
        self.groups.splice(first_type..first_type, error_groups);
        let mut summary = Summary { docs: self.docs.len(), ..Summary::default() };
        for c in self.groups.iter().flat_map(|g| &g.changes) {
            match c.severity {
                Severity::Breaking => summary.breaking += 1,
                Severity::NonBreaking => summary.non_breaking += 1,
                Severity::Docs => summary.docs += 1,
            }
        }
        let version = |api: &Api| ApiVersion { title: api.title.clone(), version: api.version.clone() };
        Report {
            module: module.to_owned(),
            old: version(&self.old.api),
            new: version(&self.new.api),
            summary,
            groups: self.groups,
            docs: self.docs,
        }
    }
}
