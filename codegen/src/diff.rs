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

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::error::{push_pointer, Error};
use crate::load::Document;
use crate::model::*;
use crate::names::Names;

// ----- the report -----

/// How a change affects users of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Code written against the old client may stop compiling or working.
    Breaking,
    /// Something was added; existing code keeps working.
    NonBreaking,
    /// Only documentation changed: descriptions, summaries, examples.
    Docs,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Docs => "docs",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub severity: Severity,
    /// A stable identifier of the rule that found it, e.g. `parameter-removed`.
    pub rule: &'static str,
    /// The Rust item it affects, e.g. `thousandeyes::types::UsageQuota::device_agents_included`.
    pub rust_item: String,
    /// One line for a person, in Markdown.
    pub message: String,
    /// JSON pointer of the place in the old document, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    /// JSON pointer of the place in the new document, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
}

/// What a [`Group`] of changes is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// The server and the client as a whole.
    Api,
    Operation,
    /// An enum of documented error bodies, shared by the operations it names.
    ErrorBodies,
    /// One type present in both versions (possibly renamed).
    Schema,
    AddedTypes,
    RemovedTypes,
}

/// Changes about one operation, error enum or type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub kind: GroupKind,
    /// A heading, in Markdown.
    pub title: String,
    /// Breaking changes first, then non-breaking ones.
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiVersion {
    pub title: String,
    pub version: String,
}

/// How many changes of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub non_breaking: usize,
    pub docs: usize,
}

/// Everything that changed between two versions of one API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The module name used in Rust item paths.
    pub module: String,
    pub old: ApiVersion,
    pub new: ApiVersion,
    pub summary: Summary,
    /// Breaking and non-breaking changes: the API, then operations, error enums and types.
    pub groups: Vec<Group>,
    /// Documentation-only changes.
    pub docs: Vec<Change>,
}

impl Report {
    /// Every change, documentation included.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.groups.iter().flat_map(|g| &g.changes).chain(&self.docs)
    }

    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Breaking => self.summary.breaking,
            Severity::NonBreaking => self.summary.non_breaking,
            Severity::Docs => self.summary.docs,
        }
    }

    /// Whether nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.docs.is_empty()
    }

    /// The report as JSON, for tools.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The report as Markdown a reviewer can paste into a pull request: a summary table, then the
    /// changes grouped per operation and per type, then the documentation changes, collapsed.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## API changes in `{}`\n", self.module);
        let _ = writeln!(
            out,
            "{} {} → {} {}\n",
            text(&self.old.title),
            text(&self.old.version),
            text(&self.new.title),
            text(&self.new.version)
        );
        let s = &self.summary;
        let _ = writeln!(out, "| breaking | non-breaking | docs only |\n| ---: | ---: | ---: |");
        let _ = writeln!(out, "| {} | {} | {} |\n", s.breaking, s.non_breaking, s.docs);
        if self.is_empty() {
            out.push_str("No changes for users of the generated client.\n");
            return out;
        }
        let sections: [(&str, &[GroupKind]); 4] = [
            ("Client", &[GroupKind::Api]),
            ("Operations", &[GroupKind::Operation]),
            ("Error bodies", &[GroupKind::ErrorBodies]),
            ("Types", &[GroupKind::Schema, GroupKind::AddedTypes, GroupKind::RemovedTypes]),
        ];
        for (heading, kinds) in sections {
            let groups: Vec<&Group> = self.groups.iter().filter(|g| kinds.contains(&g.kind)).collect();
            if groups.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {heading}\n");
            for group in groups {
                let _ = writeln!(out, "#### {}\n", group.title);
                for change in &group.changes {
                    let label = match change.severity {
                        Severity::Breaking => "**breaking**",
                        Severity::NonBreaking => "non-breaking",
                        Severity::Docs => "docs",
                    };
                    let _ = writeln!(out, "- {label} {}: {}", code(&change.rust_item), change.message);
                }
                out.push('\n');
            }
        }
        if !self.docs.is_empty() {
            let _ = writeln!(out, "### Documentation\n");
            let _ = writeln!(
                out,
                "<details>\n<summary>{} documentation change{} (descriptions, summaries, examples)</summary>\n",
                self.docs.len(),
                if self.docs.len() == 1 { "" } else { "s" }
            );
            for change in &self.docs {
                let _ = writeln!(out, "- {}: {}", code(&change.rust_item), change.message);
            }
            out.push_str("\n</details>\n");
        }
        out
    }
}

/// Which of the two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Old,
    New,
}

/// A document that could not be lowered, and which one it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffError {
    pub which: Which,
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
    Document { openapi, raw, warnings: Vec::new() }
}

/// Compares two versions of an API. `module` is the Rust module of the generated client
/// (e.g. `thousandeyes`), used in the paths of the Rust items the changes name.
pub fn diff(old: &Document, new: &Document, module: &str) -> Result<Report, DiffError> {
    let old = Side::new(old, module).map_err(|error| DiffError { which: Which::Old, error })?;
    let new = Side::new(new, module).map_err(|error| DiffError { which: Which::New, error })?;
    let operations = pair_up(
        &old.api.operations,
        &new.api.operations,
        &[
            &|a: &Operation, b: &Operation| a.method == b.method && old.key(a) == new.key(b),
            &|a: &Operation, b: &Operation| a.operation_id.is_some() && a.operation_id == b.operation_id,
        ],
    );
    let mut cx = Cx::new(&old, &new);
    cx.match_types(&operations);
    cx.api();
    for &(o, n) in &operations {
        cx.operation(o, n);
    }
    cx.types();
    Ok(cx.finish(module))
}

// ----- one side of the comparison -----

const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;
const ERROR: u8 = 4;

struct Side<'a> {
    doc: &'a Document,
    api: Api,
    names: Names,
    module: &'a str,
    /// By type: how operations use it (`REQUEST`, `RESPONSE`, `ERROR` bits); 0 when none does.
    uses: Vec<u8>,
    /// The path of the first server URL (variables at their defaults), without a trailing `/`.
    base: String,
}

impl<'a> Side<'a> {
    fn new(doc: &'a Document, module: &'a str) -> Result<Side<'a>, Error> {
        let (api, _warnings) = crate::lower::lower(doc)?;
        let names = crate::names::names(&api);
        let mut uses = vec![0; api.types.len()];
        for op in &api.operations {
            for p in &op.parameters {
                mark(&api, &mut uses, &p.ty, REQUEST);
            }
            for c in op.body.iter().flat_map(|b| &b.content) {
                if let Some(ty) = &c.ty {
                    mark(&api, &mut uses, ty, REQUEST);
                }
            }
            for r in &op.responses {
                let bit = if r.status.is_success() { RESPONSE } else { ERROR };
                for ty in r.content.iter().filter_map(|c| c.ty.as_ref()) {
                    mark(&api, &mut uses, ty, bit);
                }
            }
        }
        let base = api.servers.first().map(base_path).unwrap_or_default();
        Ok(Side { doc, api, names, module, uses, base })
    }

    fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.api.types.get(id.0)
    }

    fn used(&self, id: TypeId) -> bool {
        self.uses.get(id.0).is_some_and(|u| *u != 0)
    }

    fn type_name(&self, id: TypeId) -> &str {
        self.names.types.get(id.0).map_or("?", String::as_str)
    }

    fn type_path(&self, id: TypeId) -> String {
        format!("{}::types::{}", self.module, self.type_name(id))
    }

    fn member(&self, id: TypeId, index: usize) -> &str {
        self.names.members.get(id.0).and_then(|m| m.get(index)).map_or("?", String::as_str)
    }

    /// The schema's name in the document: the component key, or the Rust name of an inline schema.
    fn schema_name(&self, id: TypeId) -> String {
        match self.def(id).map(|d| &d.name) {
            Some(TypeName::Component(name)) => name.clone(),
            _ => self.type_name(id).to_owned(),
        }
    }

    fn method(&self, op: usize) -> &str {
        self.names.operations.get(op).map_or("?", |n| n.method.as_str())
    }

    fn builder(&self, op: usize) -> &str {
        self.names.operations.get(op).map_or("?", |n| n.builder.as_str())
    }

    fn method_path(&self, op: usize) -> String {
        format!("{}::Client::{}", self.module, self.method(op))
    }

    fn builder_path(&self, op: usize, member: &str) -> String {
        format!("{}::builder::{}::{member}", self.module, self.builder(op))
    }

    fn param_name(&self, op: usize, param: usize) -> &str {
        self.names.operations.get(op).and_then(|n| n.parameters.get(param)).map_or("?", String::as_str)
    }

    /// Required parameters are arguments of the `Client` method, optional ones builder setters.
    fn param_path(&self, op: usize, param: usize) -> String {
        match self.api.operations.get(op).and_then(|o| o.parameters.get(param)) {
            Some(p) if p.required => self.method_path(op),
            _ => self.builder_path(op, self.param_name(op, param)),
        }
    }

    fn body_path(&self, op: usize) -> String {
        let required = self.api.operations.get(op).and_then(|o| o.body.as_ref()).is_some_and(|b| b.required);
        if required {
            self.method_path(op)
        } else {
            let setter = self.names.operations.get(op).map_or("body", |n| n.body.as_str());
            self.builder_path(op, setter)
        }
    }

    fn error_enum(&self, op: usize) -> Option<&crate::names::ErrorEnum> {
        let index = self.names.operations.get(op)?.error_enum?;
        self.names.error_enums.get(index)
    }

    /// `GET /v7/usage`: the method and the full URL path.
    fn endpoint(&self, op: &Operation) -> String {
        format!("{} {}{}", op.method.as_str(), self.base, op.path)
    }

    /// The full URL path with parameter names dropped (`/v7/reports/{}`), for matching.
    fn key(&self, op: &Operation) -> String {
        let full = format!("{}{}", self.base, op.path);
        let mut key = String::with_capacity(full.len());
        let mut in_param = false;
        for c in full.chars() {
            match c {
                '{' => {
                    in_param = true;
                    key.push_str("{}");
                }
                '}' => in_param = false,
                c if !in_param => key.push(c),
                _ => {}
            }
        }
        while key.len() > 1 && key.ends_with('/') {
            key.pop();
        }
        key
    }

    /// Follows aliases to the type that is declared (bounded, so alias cycles end).
    fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut ty = ty;
        for _ in 0..=self.api.types.len() {
            match ty {
                TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The Rust type of a use, as the generated code spells it (named types without `types::`).
    fn rust(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.type_name(*id).to_owned(),
            TypeRef::Primitive(p) => primitive(*p),
            TypeRef::Array(item) => format!("Vec<{}>", self.rust(item)),
            TypeRef::Map(value) => format!("BTreeMap<String, {}>", self.rust(value)),
            TypeRef::Nullable(inner) => format!("Option<{}>", self.rust(inner)),
            TypeRef::Any => "serde_json::Value".to_owned(),
            // Variants the model may gain later.
            #[allow(unreachable_patterns)]
            other => format!("{other:?}"),
        }
    }

    /// The Rust type of a struct field: `Option<T>` unless required.
    fn field_rust(&self, field: &Field) -> String {
        if field.required {
            self.rust(&field.ty)
        } else {
            format!("Option<{}>", self.rust(strip_nullable(&field.ty)))
        }
    }

    /// The value at a JSON pointer of the raw document, following `$ref`s to local components.
    fn raw(&self, pointer: &str) -> Option<&Value> {
        let mut value = self.doc.raw.pointer(pointer)?;
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(target) => value = self.doc.raw.pointer(target)?,
                None => break,
            }
        }
        Some(value)
    }

    /// The `example` and `examples` at a place, and those of its `schema` when it has one.
    fn examples(&self, pointer: &str) -> Vec<Option<&Value>> {
        let Some(value) = self.raw(pointer) else { return Vec::new() };
        let schema = value.get("schema").and_then(|s| match s.get("$ref") {
            Some(_) => None,
            None => Some(s),
        });
        vec![value.get("example"), value.get("examples"), schema.and_then(|s| s.get("example"))]
    }

    /// The pointer of a response object (its `$ref` not followed).
    fn response_pointer(&self, op: &Operation, status: Status) -> Option<String> {
        let responses = push_pointer(&op.pointer, "responses");
        status_keys(status)
            .into_iter()
            .map(|key| push_pointer(&responses, &key))
            .find(|p| self.doc.raw.pointer(p).is_some())
    }

    /// The pointer of a media type object of a response or request body (following a `$ref`ed
    /// response or request body).
    fn media_pointer(&self, owner: Option<String>, media_type: &str) -> Option<String> {
        let owner = owner?;
        let mut pointer = owner.clone();
        let mut value = self.doc.raw.pointer(&owner)?;
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(target) => {
                    pointer = target.to_owned();
                    value = self.doc.raw.pointer(target)?;
                }
                None => break,
            }
        }
        Some(push_pointer(&push_pointer(&pointer, "content"), media_type))
    }
}

/// Marks `ty` and every type it reaches as used with `bit`.
fn mark(api: &Api, uses: &mut [u8], ty: &TypeRef, bit: u8) {
    match ty {
        TypeRef::Named(id) => {
            let Some(slot) = uses.get_mut(id.0) else { return };
            if *slot & bit != 0 {
                return;
            }
            *slot |= bit;
            match api.types.get(id.0).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    for field in &s.fields {
                        mark(api, uses, &field.ty, bit);
                    }
                    if let Some(additional) = &s.additional {
                        mark(api, uses, additional, bit);
                    }
                }
                Some(TypeKind::Alias(target)) => mark(api, uses, target, bit),
                Some(TypeKind::Union(union)) => {
                    for variant in &union.variants {
                        mark(api, uses, variant, bit);
                    }
                }
                _ => {}
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => mark(api, uses, inner, bit),
        _ => {}
    }
}

/// The path part of a server URL, variables at their defaults: `https://h/v7/` → `/v7`.
fn base_path(server: &Server) -> String {
    let mut url = server.url.clone();
    for variable in &server.variables {
        url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
    }
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//").unwrap_or(""),
    };
    let path = if url.contains("://") || url.starts_with("//") {
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    } else {
        url.as_str()
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

/// Scheme and authority of a server URL, placeholders kept: `https://{datacenter}`.
fn origin(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            &url[..i + 3 + rest.find('/').unwrap_or(rest.len())]
        }
        None => "",
    }
}

fn primitive(p: Primitive) -> String {
    match p {
        Primitive::String => "String",
        Primitive::Boolean => "bool",
        Primitive::I32 => "i32",
        Primitive::I64 => "i64",
        Primitive::F32 => "f32",
        Primitive::F64 => "f64",
        Primitive::DateTime => "DateTime<Utc>",
        Primitive::Date => "NaiveDate",
        Primitive::Uuid => "Uuid",
        Primitive::Binary => "Vec<u8>",
        #[allow(unreachable_patterns)]
        other => return format!("{other:?}"),
    }
    .to_owned()
}

fn strip_nullable(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

fn status_text(status: Status) -> String {
    status.to_string()
}

fn status_keys(status: Status) -> Vec<String> {
    match status {
        Status::Range(r) => vec![format!("{r}XX"), format!("{r}xx")],
        other => vec![status_text(other)],
    }
}

/// The content a body is encoded from or decoded into, as the renderer picks it: the first JSON
/// one, else the first.
fn chosen(content: &[Content]) -> Option<&Content> {
    Content::preferred(content)
}

/// Pairs items of two lists: each pass pairs what is still unpaired, in order. The result lists
/// the new items in order (with their old partner, if any), then the old items left unpaired.
type Pass<'p, T> = &'p dyn Fn(&T, &T) -> bool;

fn pair_up<T>(old: &[T], new: &[T], passes: &[Pass<'_, T>]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_to_new: Vec<Option<usize>> = vec![None; old.len()];
    let mut new_to_old: Vec<Option<usize>> = vec![None; new.len()];
    for pass in passes {
        for (i, a) in old.iter().enumerate() {
            if old_to_new[i].is_some() {
                continue;
            }
            if let Some(j) = (0..new.len()).find(|&j| new_to_old[j].is_none() && pass(a, &new[j])) {
                old_to_new[i] = Some(j);
                new_to_old[j] = Some(i);
            }
        }
    }
    let mut pairs: Vec<(Option<usize>, Option<usize>)> =
        new_to_old.iter().enumerate().map(|(j, i)| (*i, Some(j))).collect();
    pairs.extend(old_to_new.iter().enumerate().filter(|(_, j)| j.is_none()).map(|(i, _)| (Some(i), None)));
    pairs
}

/// Responses paired by status; a single success status that changed is paired with its successor.
fn response_pairs<'r>(old: &'r Operation, new: &'r Operation) -> Vec<(Option<&'r Response>, Option<&'r Response>)> {
    let mut pairs = pair_up(&old.responses, &new.responses, &[&|a: &Response, b: &Response| a.status == b.status]);
    let lone = |pairs: &[(Option<usize>, Option<usize>)], old_side: bool| -> Vec<usize> {
        pairs
            .iter()
            .enumerate()
            .filter(|(_, (o, n))| {
                let (mine, theirs, list) = if old_side { (o, n, &old.responses) } else { (n, o, &new.responses) };
                theirs.is_none() && mine.is_some_and(|i| list[i].status.is_success())
            })
            .map(|(k, _)| k)
            .collect()
    };
    let (old_lone, new_lone) = (lone(&pairs, true), lone(&pairs, false));
    if let ([o], [n]) = (old_lone.as_slice(), new_lone.as_slice()) {
        let old_index = pairs[*o].0;
        pairs[*n].0 = old_index;
        pairs.remove(*o);
    }
    pairs
        .into_iter()
        .map(|(o, n)| (o.and_then(|i| old.responses.get(i)), n.and_then(|j| new.responses.get(j))))
        .collect()
}

/// Media types paired by name; for walking types, leftovers also by kind.
fn content_pairs<'c>(
    old: &'c [Content],
    new: &'c [Content],
    by_kind: bool,
) -> Vec<(Option<&'c Content>, Option<&'c Content>)> {
    let same = |a: &Content, b: &Content| a.media_type == b.media_type;
    let kind = |a: &Content, b: &Content| a.kind() == b.kind();
    let passes: Vec<Pass<'_, Content>> = if by_kind { vec![&same, &kind] } else { vec![&same] };
    pair_up(old, new, &passes)
        .into_iter()
        .map(|(o, n)| (o.and_then(|i| old.get(i)), n.and_then(|j| new.get(j))))
        .collect()
}

// ----- the comparison -----

struct Cx<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    old_to_new: HashMap<TypeId, TypeId>,
    new_to_old: HashMap<TypeId, TypeId>,
    groups: Vec<Group>,
    /// Error enum path → (title, changes); changes shared by several operations appear once.
    errors: IndexMap<String, (String, Vec<Change>)>,
    docs: Vec<Change>,
}

fn change(severity: Severity, rule: &'static str, rust_item: impl Into<String>, message: impl Into<String>) -> Change {
    Change {
        severity,
        rule,
        rust_item: rust_item.into(),
        message: message.into(),
        old_pointer: None,
        new_pointer: None,
    }
}

impl Change {
    fn at(mut self, old: Option<&str>, new: Option<&str>) -> Change {
        self.old_pointer = old.map(str::to_owned);
        self.new_pointer = new.map(str::to_owned);
        self
    }
}

use Severity::{Breaking, NonBreaking};

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
        }
    }

    fn side(&self, which: Which) -> &'a Side<'a> {
        match which {
            Which::Old => self.old,
            Which::New => self.new,
        }
    }

    // ----- matching types -----

    fn match_types(&mut self, operations: &[(Option<usize>, Option<usize>)]) {
        let (old, new) = (self.old, self.new);
        let mut walker = Walker { old, new, seen: IndexMap::new(), visited: HashSet::new() };
        for &(o, n) in operations {
            let (Some(o), Some(n)) = (o, n) else { continue };
            let (Some(a), Some(b)) = (old.api.operations.get(o), new.api.operations.get(n)) else { continue };
            for (i, j) in param_pairs(a, b) {
                if let (Some(i), Some(j)) = (i, j) {
                    walker.walk(&a.parameters[i].ty, &b.parameters[j].ty);
                }
            }
            if let (Some(x), Some(y)) = (&a.body, &b.body) {
                walker.contents(&x.content, &y.content);
            }
            for (x, y) in response_pairs(a, b) {
                if let (Some(x), Some(y)) = (x, y) {
                    walker.contents(&x.content, &y.content);
                }
            }
        }
        let seen = walker.seen;
        let pair = |cx: &mut Cx, o: TypeId, n: TypeId| {
            if !cx.old_to_new.contains_key(&o) && !cx.new_to_old.contains_key(&n) {
                cx.old_to_new.insert(o, n);
                cx.new_to_old.insert(n, o);
            }
        };
        // 1. Types that operations use on both sides and that keep their Rust name.
        let new_by_name: HashMap<&str, TypeId> =
            (0..new.api.types.len()).map(TypeId).map(|id| (new.type_name(id), id)).collect();
        for o in (0..old.api.types.len()).map(TypeId) {
            if let Some(&n) = new_by_name.get(old.type_name(o)) {
                if old.used(o) && new.used(n) {
                    pair(self, o, n);
                }
            }
        }
        // 2. Types found at the same places: the most frequent, most similar pair first.
        let mut candidates: Vec<((TypeId, TypeId), usize, f64, usize)> = seen
            .iter()
            .enumerate()
            .map(|(order, (&(o, n), &count))| ((o, n), count, self.similarity(o, n), order))
            .collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.3.cmp(&b.3)));
        for ((o, n), _, similarity, _) in candidates {
            if similarity >= 0.5 {
                pair(self, o, n);
            }
        }
        // 3. What is left, by Rust name (types no operation uses on one side or both).
        for o in (0..old.api.types.len()).map(TypeId) {
            if let Some(&n) = new_by_name.get(old.type_name(o)) {
                pair(self, o, n);
            }
        }
    }

    /// How alike two type declarations are, from 0 to 1: shared field names or enum values.
    fn similarity(&self, o: TypeId, n: TypeId) -> f64 {
        let (Some(a), Some(b)) = (self.old.def(o), self.new.def(n)) else { return 0.0 };
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                jaccard(x.fields.iter().map(|f| f.name.as_str()), y.fields.iter().map(|f| f.name.as_str()))
            }
            (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::IntEnum(x), TypeKind::IntEnum(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.iter().map(i64::to_string).collect(), y.iter().map(i64::to_string).collect());
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.variants.iter().map(skeleton).collect(), y.variants.iter().map(skeleton).collect());
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) if skeleton(x) == skeleton(y) => 1.0,
            (TypeKind::Alias(_), TypeKind::Alias(_)) => 0.0,
            (x, y) if std::mem::discriminant(x) == std::mem::discriminant(y) => 0.5,
            _ => 0.0,
        }
    }

    /// A use of a type as a comparable string: aliases followed; declared types of the old side
    /// named by their counterpart on the new side.
    fn canon(&self, which: Which, ty: &TypeRef) -> String {
        let side = self.side(which);
        match side.resolve(ty) {
            TypeRef::Named(id) => match which {
                Which::New => format!("#{}", id.0),
                Which::Old => match self.old_to_new.get(id) {
                    Some(n) => format!("#{}", n.0),
                    None => format!("old#{}", id.0),
                },
            },
            TypeRef::Array(item) => format!("[{}]", self.canon(which, item)),
            TypeRef::Map(value) => format!("{{{}}}", self.canon(which, value)),
            TypeRef::Nullable(inner) => format!("?{}", self.canon(which, inner)),
            other => format!("{other:?}"),
        }
    }

    /// A struct field's Rust type, comparable: `?T` when it is an `Option`.
    fn field_canon(&self, which: Which, field: &Field) -> String {
        if field.required {
            self.canon(which, &field.ty)
        } else {
            format!("?{}", self.canon(which, strip_nullable(&field.ty)))
        }
    }

    // ----- the API as a whole -----

    fn api(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        let module = self.new.module;
        let mut changes = Vec::new();
        let absolute = |s: &&Server| s.url.starts_with("http://") || s.url.starts_with("https://");
        let (old_server, new_server) = (old.servers.first().filter(absolute), new.servers.first().filter(absolute));
        let client = format!("{module}::Client");
        let default_url =
            |s: Option<&Server>| s.filter(|s| !s.url.contains('{')).map(|s| s.url.trim_end_matches('/').to_owned());
        match (default_url(old_server), default_url(new_server)) {
            (Some(url), None) => changes.push(change(
                Breaking,
                "default-base-url-removed",
                format!("{client}::DEFAULT_BASE_URL"),
                format!("removed (was {}); `Client::from_env` now needs the base URL variable", code(&url)),
            )),
            (None, Some(url)) => changes.push(change(
                NonBreaking,
                "default-base-url-added",
                format!("{client}::DEFAULT_BASE_URL"),
                format!("added: {}", code(&url)),
            )),
            _ => {}
        }
        if let (Some(a), Some(b)) = (old_server, new_server) {
            if origin(&a.url) != origin(&b.url) {
                let item = if b.url.contains('{') {
                    format!("{client}::server_url")
                } else {
                    format!("{client}::DEFAULT_BASE_URL")
                };
                changes.push(change(
                    NonBreaking,
                    "server-changed",
                    item,
                    format!("server {} (was {})", code(origin(&b.url)), code(origin(&a.url))),
                ));
            }
        }
        let variables =
            |side: &Side| -> Vec<String> { side.names.server_variables.iter().map(|(_, n)| n.clone()).collect() };
        let (old_vars, new_vars) = (variables(self.old), variables(self.new));
        let has_fn = |s: Option<&Server>| s.is_some_and(|s| s.url.contains('{'));
        match (has_fn(old_server), has_fn(new_server)) {
            (true, false) => {
                changes.push(change(Breaking, "server-url-removed", format!("{client}::server_url"), "removed"))
            }
            (false, true) => changes.push(change(
                NonBreaking,
                "server-url-added",
                format!("{client}::server_url"),
                format!("added, with arguments {}", code(&new_vars.join(", "))),
            )),
            (true, true) if old_vars != new_vars => changes.push(change(
                Breaking,
                "server-variables-changed",
                format!("{client}::server_url"),
                format!("arguments are now {} (were {})", code(&new_vars.join(", ")), code(&old_vars.join(", "))),
            )),
            _ => {}
        }
        if !changes.is_empty() {
            self.push_group(GroupKind::Api, format!("`{module}::Client`"), changes);
        }
        self.doc_text(&client, "title", Some(&old.title), Some(&new.title), "/info/title", "/info/title");
        self.doc_text(&client, "version", Some(&old.version), Some(&new.version), "/info/version", "/info/version");
        self.doc_text(
            module,
            "description",
            old.description.as_deref(),
            new.description.as_deref(),
            "/info/description",
            "/info/description",
        );
    }

    // ----- operations -----

    fn operation(&mut self, o: Option<usize>, n: Option<usize>) {
        let (old, new) = (self.old, self.new);
        match (
            o.and_then(|i| old.api.operations.get(i).map(|op| (i, op))),
            n.and_then(|j| new.api.operations.get(j).map(|op| (j, op))),
        ) {
            (Some((i, a)), None) => {
                let title = operation_title(old, a, None);
                let c = change(
                    Breaking,
                    "operation-removed",
                    old.method_path(i),
                    format!("operation removed (`{}`)", old.endpoint(a)),
                )
                .at(Some(&a.pointer), None);
                self.push_group(GroupKind::Operation, title, vec![c]);
            }
            (None, Some((j, b))) => {
                let title = operation_title(new, b, None);
                let c = change(
                    NonBreaking,
                    "operation-added",
                    new.method_path(j),
                    format!("new operation (`{}`)", new.endpoint(b)),
                )
                .at(None, Some(&b.pointer));
                self.push_group(GroupKind::Operation, title, vec![c]);
            }
            (Some((i, a)), Some((j, b))) => {
                let changes = self.operation_pair(i, a, j, b);
                let moved = old.key(a) != new.key(b) || a.method != b.method;
                let title = operation_title(new, b, moved.then(|| old.endpoint(a)));
                self.push_group(GroupKind::Operation, title, changes);
            }
            (None, None) => {}
        }
    }

    fn operation_pair(&mut self, i: usize, a: &Operation, j: usize, b: &Operation) -> Vec<Change> {
        let (old, new) = (self.old, self.new);
        let mut changes = Vec::new();
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        let method = new.method_path(j);
        let id = |op: &Operation| op.operation_id.clone().map_or_else(|| "(none)".to_owned(), |id| code(&id));
        if old.method(i) != new.method(j) || old.builder(i) != new.builder(j) {
            changes.push(at(change(
                Breaking,
                "operation-renamed",
                method.clone(),
                format!(
                    "operationId {} → {}: `Client::{}` is now `Client::{}`, builder `{}` is now `{}`",
                    id(a),
                    id(b),
                    old.method(i),
                    new.method(j),
                    old.builder(i),
                    new.builder(j)
                ),
            )));
        } else if a.operation_id != b.operation_id {
            changes.push(at(change(
                NonBreaking,
                "operation-id-changed",
                method.clone(),
                format!("operationId {} → {}; the Rust names stay", id(a), id(b)),
            )));
        }
        if old.key(a) != new.key(b) || a.method != b.method {
            changes.push(at(change(
                NonBreaking,
                "operation-moved",
                method.clone(),
                format!("now sends `{}` (was `{}`)", new.endpoint(b), old.endpoint(a)),
            )));
        }
        if a.deprecated != b.deprecated {
            let message = if b.deprecated { "deprecated (`#[deprecated]`)" } else { "no longer deprecated" };
            changes.push(at(change(NonBreaking, "operation-deprecated", method.clone(), message)));
        }
        if a.authenticated != b.authenticated {
            let message =
                if b.authenticated { "now sends the bearer token" } else { "no longer sends the bearer token" };
            changes.push(at(change(NonBreaking, "operation-security-changed", method.clone(), message)));
        }
        self.parameters(i, a, j, b, &mut changes);
        self.request_body(i, a, j, b, &mut changes);
        self.successes(a, j, b, &mut changes);
        match (a.pagination.is_some(), b.pagination.is_some()) {
            (true, false) => changes.push(at(change(
                Breaking,
                "pagination-removed",
                old.builder_path(i, "stream"),
                "no longer paginated: `pages()` and `stream()` removed",
            ))),
            (false, true) => changes.push(at(change(
                NonBreaking,
                "pagination-added",
                new.builder_path(j, "stream"),
                "now paginated: `pages()` and `stream()` added",
            ))),
            _ => {}
        }
        self.failures(i, a, j, b, &mut changes);
        self.doc_text(&method, "summary", a.summary.as_deref(), b.summary.as_deref(), &a.pointer, &b.pointer);
        self.doc_text(
            &method,
            "description",
            a.description.as_deref(),
            b.description.as_deref(),
            &a.pointer,
            &b.pointer,
        );
        changes
    }

    fn parameters(&mut self, i: usize, a: &Operation, j: usize, b: &Operation, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        for (x, y) in param_pairs(a, b) {
            match (x.map(|x| (x, &a.parameters[x])), y.map(|y| (y, &b.parameters[y]))) {
                (Some((x, p)), None) => {
                    let message = if p.required {
                        format!(
                            "required {} parameter {} removed: `Client::{}` loses its argument `{}`",
                            p.location.as_str(),
                            code(&p.name),
                            old.method(i),
                            old.param_name(i, x)
                        )
                    } else {
                        format!("{} parameter {} removed", p.location.as_str(), code(&p.name))
                    };
                    changes.push(
                        change(Breaking, "parameter-removed", old.param_path(i, x), message).at(Some(&p.pointer), None),
                    );
                }
                (None, Some((y, p))) => {
                    let item = new.param_path(j, y);
                    let c = if p.required {
                        change(
                            Breaking,
                            "parameter-added-required",
                            item,
                            format!(
                                "new required {} parameter {}: a new argument `{}: {}`",
                                p.location.as_str(),
                                code(&p.name),
                                new.param_name(j, y),
                                new.rust(&p.ty)
                            ),
                        )
                    } else {
                        change(
                            NonBreaking,
                            "parameter-added",
                            item,
                            format!(
                                "new optional {} parameter {} (`{}`)",
                                p.location.as_str(),
                                code(&p.name),
                                new.rust(&p.ty)
                            ),
                        )
                    };
                    changes.push(c.at(None, Some(&p.pointer)));
                }
                (Some((x, p)), Some((y, q))) => self.parameter(i, x, p, j, y, q, changes),
                (None, None) => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn parameter(
        &mut self,
        i: usize,
        x: usize,
        p: &Parameter,
        j: usize,
        y: usize,
        q: &Parameter,
        changes: &mut Vec<Change>,
    ) {
        let (old, new) = (self.old, self.new);
        let item = new.param_path(j, y);
        let at = |c: Change| c.at(Some(&p.pointer), Some(&q.pointer));
        let name = code(&q.name);
        if p.location != q.location {
            changes.push(at(change(
                NonBreaking,
                "parameter-location-changed",
                item.clone(),
                format!(
                    "parameter {name} is now sent in the {} (was the {})",
                    q.location.as_str(),
                    p.location.as_str()
                ),
            )));
        }
        match (p.required, q.required) {
            (false, true) => changes.push(at(change(
                Breaking,
                "parameter-made-required",
                item.clone(),
                format!(
                    "parameter {name} is now required: an argument of `Client::{}` instead of the setter `{}`",
                    new.method(j),
                    old.param_name(i, x)
                ),
            ))),
            (true, false) => changes.push(at(change(
                Breaking,
                "parameter-made-optional",
                item.clone(),
                format!(
                    "parameter {name} is now optional: the setter `{}` instead of an argument of `Client::{}`",
                    new.param_name(j, y),
                    old.method(i)
                ),
            ))),
            _ => {
                if old.param_name(i, x) != new.param_name(j, y) {
                    changes.push(at(change(
                        Breaking,
                        "parameter-renamed",
                        item.clone(),
                        format!("parameter {name}: Rust name `{}` → `{}`", old.param_name(i, x), new.param_name(j, y)),
                    )));
                }
            }
        }
        if self.canon(Which::Old, &p.ty) != self.canon(Which::New, &q.ty) {
            changes.push(at(change(
                Breaking,
                "parameter-type-changed",
                item.clone(),
                format!("parameter {name}: type `{}` → `{}`", old.rust(&p.ty), new.rust(&q.ty)),
            )));
        }
        if p.style != q.style || p.explode != q.explode {
            changes.push(at(change(
                NonBreaking,
                "parameter-serialization-changed",
                item.clone(),
                format!(
                    "parameter {name} is now serialized with style `{:?}`, explode `{}` (was `{:?}`, `{}`)",
                    q.style, q.explode, p.style, p.explode
                ),
            )));
        }
        if p.deprecated != q.deprecated {
            let message = if q.deprecated {
                format!("parameter {name} deprecated")
            } else {
                format!("parameter {name} no longer deprecated")
            };
            changes.push(at(change(NonBreaking, "parameter-deprecated", item.clone(), message)));
        }
        self.doc_text(
            &item,
            &format!("parameter {name} description"),
            p.description.as_deref(),
            q.description.as_deref(),
            &p.pointer,
            &q.pointer,
        );
        self.doc_examples(&item, &format!("parameter {name}"), Some(p.pointer.clone()), Some(q.pointer.clone()));
    }

    fn request_body(&mut self, i: usize, a: &Operation, j: usize, b: &Operation, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        let body_at = |op: &Operation| push_pointer(&op.pointer, "requestBody");
        let (old_at, new_at) = (body_at(a), body_at(b));
        match (&a.body, &b.body) {
            (Some(x), None) => changes.push(
                change(
                    Breaking,
                    "request-body-removed",
                    old.body_path(i),
                    format!("request body removed ({})", code(&self.body_rust(Which::Old, x))),
                )
                .at(Some(&old_at), None),
            ),
            (None, Some(y)) => {
                let (severity, rule, what) = if y.required {
                    (Breaking, "request-body-added-required", "new required request body: a new argument")
                } else {
                    (NonBreaking, "request-body-added", "new optional request body: a new setter")
                };
                changes.push(
                    change(
                        severity,
                        rule,
                        new.body_path(j),
                        format!("{what} ({})", code(&self.body_rust(Which::New, y))),
                    )
                    .at(None, Some(&new_at)),
                );
            }
            (Some(x), Some(y)) => {
                let item = new.body_path(j);
                let at = |c: Change| c.at(Some(&old_at), Some(&new_at));
                if x.required != y.required {
                    let message = if y.required {
                        format!(
                            "request body is now required: an argument of `Client::{}` instead of a setter",
                            new.method(j)
                        )
                    } else {
                        format!(
                            "request body is now optional: a setter instead of an argument of `Client::{}`",
                            old.method(i)
                        )
                    };
                    let rule = if y.required { "request-body-made-required" } else { "request-body-made-optional" };
                    changes.push(at(change(Breaking, rule, item.clone(), message)));
                }
                let (old_rust, new_rust) = (self.body_rust(Which::Old, x), self.body_rust(Which::New, y));
                if self.body_canon(Which::Old, x) != self.body_canon(Which::New, y) {
                    changes.push(at(change(
                        Breaking,
                        "request-body-type-changed",
                        item.clone(),
                        format!("request body type `{new_rust}` (was `{old_rust}`)"),
                    )));
                }
                let media = |body: &RequestBody| chosen(&body.content).map(|c| c.media_type.clone());
                if let (Some(m), Some(n)) = (media(x), media(y)) {
                    if m != n {
                        changes.push(at(change(
                            NonBreaking,
                            "request-media-type-changed",
                            item.clone(),
                            format!("request body now sent as {} (was {})", code(&n), code(&m)),
                        )));
                    }
                }
                self.doc_text(
                    &item,
                    "request body description",
                    x.description.as_deref(),
                    y.description.as_deref(),
                    &old_at,
                    &new_at,
                );
                for (m, n) in content_pairs(&x.content, &y.content, false) {
                    if let (Some(m), Some(n)) = (m, n) {
                        let what = format!("request body {}", code(&n.media_type));
                        self.doc_examples(
                            &item,
                            &what,
                            old.media_pointer(Some(old_at.clone()), &m.media_type),
                            new.media_pointer(Some(new_at.clone()), &n.media_type),
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }

    fn body_rust(&self, which: Which, body: &RequestBody) -> String {
        let side = self.side(which);
        match chosen(&body.content) {
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => side.rust(ty),
                (MediaKind::Json | MediaKind::FormUrlEncoded, None) => "serde_json::Value".to_owned(),
                (MediaKind::Text, _) => "String".to_owned(),
                _ => "Vec<u8>".to_owned(),
            },
            None => "()".to_owned(),
        }
    }

    fn body_canon(&self, which: Which, body: &RequestBody) -> String {
        match chosen(&body.content) {
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => self.canon(which, ty),
                _ => self.body_rust(which, body),
            },
            None => "()".to_owned(),
        }
    }

    /// What `send` returns on success: display and comparable forms, as the renderer decides it.
    fn ok_type(&self, which: Which, op: &Operation) -> (String, String) {
        let side = self.side(which);
        let content = op.successes().find_map(|r| chosen(&r.content));
        match content {
            None => ("()".to_owned(), "()".to_owned()),
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json, Some(ty)) => (side.rust(ty), self.canon(which, ty)),
                (MediaKind::Json, None) => ("serde_json::Value".to_owned(), "Any".to_owned()),
                (MediaKind::Text, _) => ("String".to_owned(), "String".to_owned()),
                _ => ("bytes::Bytes".to_owned(), "bytes::Bytes".to_owned()),
            },
        }
    }

    fn successes(&mut self, a: &Operation, j: usize, b: &Operation, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        let send = new.builder_path(j, "send");
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        let statuses = |op: &Operation| -> Vec<Status> { op.successes().map(|r| r.status).collect() };
        let (old_statuses, new_statuses) = (statuses(a), statuses(b));
        let removed: Vec<Status> = old_statuses.iter().copied().filter(|s| !new_statuses.contains(s)).collect();
        let added: Vec<Status> = new_statuses.iter().copied().filter(|s| !old_statuses.contains(s)).collect();
        if let ([r], [n]) = (removed.as_slice(), added.as_slice()) {
            changes.push(at(change(
                Breaking,
                "success-status-changed",
                send.clone(),
                format!("success status `{}` → `{}`", status_text(*r), status_text(*n)),
            )));
        } else {
            for s in &removed {
                changes.push(at(change(
                    Breaking,
                    "success-status-removed",
                    send.clone(),
                    format!("success status `{}` no longer documented", status_text(*s)),
                )));
            }
            for s in &added {
                changes.push(at(change(
                    NonBreaking,
                    "success-status-added",
                    send.clone(),
                    format!("success status `{}` now documented", status_text(*s)),
                )));
            }
        }
        let mut dropped_media = None;
        for (x, y) in response_pairs(a, b) {
            let (Some(x), Some(y)) = (x, y) else { continue };
            if !x.status.is_success() || !y.status.is_success() {
                continue;
            }
            let status = status_text(y.status);
            for (m, n) in content_pairs(&x.content, &y.content, false) {
                match (m, n) {
                    (Some(m), None) => {
                        dropped_media.get_or_insert(changes.len());
                        changes.push(at(change(
                            Breaking,
                            "success-media-type-removed",
                            send.clone(),
                            format!("the `{status}` response no longer declares {}", code(&m.media_type)),
                        )));
                    }
                    (None, Some(n)) => changes.push(at(change(
                        NonBreaking,
                        "success-media-type-added",
                        send.clone(),
                        format!("the `{status}` response now also declares {}", code(&n.media_type)),
                    ))),
                    (Some(m), Some(n)) => {
                        let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
                        let what = format!("`{status}` response {}", code(&n.media_type));
                        self.doc_examples(
                            &send,
                            &what,
                            old.media_pointer(old_at, &m.media_type),
                            new.media_pointer(new_at, &n.media_type),
                        );
                    }
                    (None, None) => {}
                }
            }
            let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
            self.doc_text(
                &send,
                &format!("`{status}` response description"),
                Some(&x.description),
                Some(&y.description),
                old_at.as_deref().unwrap_or(&a.pointer),
                new_at.as_deref().unwrap_or(&b.pointer),
            );
        }
        let ((old_rust, old_canon), (new_rust, new_canon)) = (self.ok_type(Which::Old, a), self.ok_type(Which::New, b));
        if old_canon != new_canon {
            let returns = format!("`send` now returns `ResponseValue<{new_rust}>` (was `ResponseValue<{old_rust}>`)");
            match dropped_media.and_then(|k| changes.get_mut(k)) {
                Some(dropped) => dropped.message = format!("{}: {returns}", dropped.message),
                None => changes.push(at(change(Breaking, "response-type-changed", send.clone(), returns))),
            }
        }
    }

    fn failures(&mut self, i: usize, a: &Operation, j: usize, b: &Operation, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        let module = new.module;
        let (old_enum, new_enum) = (old.error_enum(i), new.error_enum(j));
        match (old_enum, new_enum) {
            (Some(x), Some(y)) if x.name != y.name => changes.push(
                change(
                    Breaking,
                    "error-type-renamed",
                    new.builder_path(j, "send"),
                    format!("errors now decode into `types::{}` (was `types::{}`)", y.name, x.name),
                )
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            (Some(x), None) => changes.push(
                change(
                    Breaking,
                    "error-type-changed",
                    new.builder_path(j, "send"),
                    format!("no documented error bodies any more: `Error<types::{}>` is now `Error<()>`", x.name),
                )
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            (None, Some(y)) => changes.push(
                change(
                    Breaking,
                    "error-type-changed",
                    new.builder_path(j, "send"),
                    format!("documented error bodies: `Error<()>` is now `Error<types::{}>`", y.name),
                )
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            _ => {}
        }
        let variant = |side: &Side, e: Option<&crate::names::ErrorEnum>, status: Status| -> String {
            match e {
                Some(e) => {
                    let name = e.variants.iter().find(|(s, _)| *s == status).map_or("?", |(_, v)| v.as_str());
                    format!("{}::types::{}::{name}", side.module, e.name)
                }
                None => format!("{}::types", side.module),
            }
        };
        let Some(group_enum) = new_enum.or(old_enum) else { return };
        let group_side = if new_enum.is_some() { new } else { old };
        let key = format!("{module}::types::{}", group_enum.name);
        let users = if group_enum.operations.len() == group_side.api.operations.len() && group_enum.operations.len() > 1
        {
            "every operation".to_owned()
        } else {
            let methods: Vec<String> =
                group_enum.operations.iter().map(|&k| format!("`{}`", group_side.method(k))).collect();
            methods.join(", ")
        };
        let title = format!("`{key}` (errors of {users})");
        let mut found = Vec::new();
        for (x, y) in response_pairs(a, b) {
            let (x, y) = (x.filter(|r| !r.status.is_success()), y.filter(|r| !r.status.is_success()));
            match (x, y) {
                (Some(x), None) => found.push(change(
                    Breaking,
                    "error-status-removed",
                    variant(old, old_enum, x.status),
                    format!("status `{}` is no longer documented", status_text(x.status)),
                )),
                (None, Some(y)) => found.push(change(
                    NonBreaking,
                    "error-status-added",
                    variant(new, new_enum, y.status),
                    format!("status `{}` is now documented", status_text(y.status)),
                )),
                (Some(x), Some(y)) => {
                    let item = variant(new, new_enum, y.status);
                    let (tx, ty) = (x.decoded(), y.decoded());
                    let canon = |which, t: &Option<TypeRef>| t.as_ref().map(|t| self.canon(which, t));
                    if canon(Which::Old, &tx) != canon(Which::New, &ty) {
                        let show = |side: &Side, t: &Option<TypeRef>| {
                            t.as_ref().map_or_else(|| "no body".to_owned(), |t| format!("`{}`", side.rust(t)))
                        };
                        found.push(change(
                            Breaking,
                            "error-body-changed",
                            item.clone(),
                            format!(
                                "status `{}` body is now {} (was {})",
                                status_text(y.status),
                                show(new, &ty),
                                show(old, &tx)
                            ),
                        ));
                    }
                    let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
                    let before = self.docs.len();
                    self.doc_text(
                        &item,
                        &format!("status `{}` description", status_text(y.status)),
                        Some(&x.description),
                        Some(&y.description),
                        old_at.as_deref().unwrap_or(&a.pointer),
                        new_at.as_deref().unwrap_or(&b.pointer),
                    );
                    // One description per variant, however many operations share the enum.
                    if self.docs.len() > before {
                        let last = &self.docs[self.docs.len() - 1];
                        if self.docs[..before]
                            .iter()
                            .any(|d| d.rust_item == last.rust_item && d.message == last.message)
                        {
                            self.docs.pop();
                        }
                    }
                }
                (None, None) => {}
            }
        }
        let entry = self.errors.entry(key).or_insert_with(|| (title, Vec::new()));
        for c in found {
            if !entry.1.iter().any(|e| e.rule == c.rule && e.rust_item == c.rust_item && e.message == c.message) {
                entry.1.push(c);
            }
        }
    }

    // ----- types -----

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut pairs: Vec<(TypeId, TypeId)> = self.old_to_new.iter().map(|(&o, &n)| (o, n)).collect();
        pairs.sort_by_key(|&(_, n)| n);
        for (o, n) in pairs {
            let changes = self.type_pair(o, n);
            let (old_name, new_name) = (old.schema_name(o), new.schema_name(n));
            let title = if old_name == new_name {
                code(&new_name)
            } else {
                format!("{} (was {})", code(&new_name), code(&old_name))
            };
            self.push_group(GroupKind::Schema, title, changes);
        }
        let old_names: HashSet<&str> = (0..old.api.types.len()).map(|k| old.type_name(TypeId(k))).collect();
        let new_names: HashSet<&str> = (0..new.api.types.len()).map(|k| new.type_name(TypeId(k))).collect();
        let mut added = Vec::new();
        for n in (0..new.api.types.len()).map(TypeId) {
            if self.new_to_old.contains_key(&n) {
                continue;
            }
            let used = new.used(n);
            if !used && old_names.contains(new.type_name(n)) {
                continue;
            }
            let note = if used { "" } else { "; no operation uses it" };
            added.push(
                change(
                    NonBreaking,
                    "type-added",
                    new.type_path(n),
                    format!("new {} for schema {}{note}", kind_word(new.def(n)), code(&new.schema_name(n))),
                )
                .at(None, new.def(n).map(|d| d.pointer.as_str())),
            );
        }
        let mut removed = Vec::new();
        for o in (0..old.api.types.len()).map(TypeId) {
            if self.old_to_new.contains_key(&o) {
                continue;
            }
            let used = old.used(o);
            if !used && new_names.contains(old.type_name(o)) {
                continue;
            }
            let note = if used { "" } else { " (no operation used it)" };
            removed.push(
                change(
                    Breaking,
                    "type-removed",
                    old.type_path(o),
                    format!("{} for schema {} removed{note}", kind_word(old.def(o)), code(&old.schema_name(o))),
                )
                .at(old.def(o).map(|d| d.pointer.as_str()), None),
            );
        }
        self.push_group(GroupKind::AddedTypes, "New types".to_owned(), added);
        self.push_group(GroupKind::RemovedTypes, "Removed types".to_owned(), removed);
    }

    fn type_pair(&mut self, o: TypeId, n: TypeId) -> Vec<Change> {
        let (old, new) = (self.old, self.new);
        let (Some(a), Some(b)) = (old.def(o), new.def(n)) else { return Vec::new() };
        let mut changes = Vec::new();
        let path = new.type_path(n);
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        if old.type_name(o) != new.type_name(n) {
            changes.push(at(change(
                Breaking,
                "type-renamed",
                path.clone(),
                format!("renamed: `{}` is now `{}`", old.type_path(o), path),
            )));
        }
        let in_requests =
            (old.uses.get(o.0).copied().unwrap_or(0) | new.uses.get(n.0).copied().unwrap_or(0)) & REQUEST != 0;
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => self.fields(o, x, n, y, in_requests, &mut changes),
            (TypeKind::Enum(x), TypeKind::Enum(y)) => self.enum_values(o, x, n, y, in_requests, &mut changes),
            (TypeKind::IntEnum(x), TypeKind::IntEnum(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.iter().map(i64::to_string).collect(), y.iter().map(i64::to_string).collect());
                self.enum_values(o, &x, n, &y, in_requests, &mut changes);
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => self.union(o, x, n, y, in_requests, &mut changes),
            (TypeKind::Alias(x), TypeKind::Alias(y)) => {
                if self.canon(Which::Old, x) != self.canon(Which::New, y) {
                    changes.push(at(change(
                        Breaking,
                        "type-changed",
                        path.clone(),
                        format!("now `{}` (was `{}`)", new.rust(y), old.rust(x)),
                    )));
                }
            }
            (x, y) if std::mem::discriminant(x) == std::mem::discriminant(y) => {
                if format!("{x:?}") != format!("{y:?}") {
                    changes.push(at(change(Breaking, "type-changed", path.clone(), "declaration changed")));
                }
            }
            _ => changes.push(at(change(
                Breaking,
                "type-kind-changed",
                path.clone(),
                format!("now {} (was {})", kind_word(Some(b)), kind_word(Some(a))),
            ))),
        }
        if a.deprecated != b.deprecated {
            let message = if b.deprecated { "deprecated" } else { "no longer deprecated" };
            changes.push(at(change(NonBreaking, "type-deprecated", path.clone(), message)));
        }
        self.doc_text(&path, "description", a.description.as_deref(), b.description.as_deref(), &a.pointer, &b.pointer);
        self.doc_examples(&path, "schema", Some(a.pointer.clone()), Some(b.pointer.clone()));
        changes
    }

    /// The values of a string or integer enum: added ones are new variants, removed ones disappear.
    fn enum_values(
        &mut self,
        o: TypeId,
        x: &[String],
        n: TypeId,
        y: &[String],
        in_requests: bool,
        changes: &mut Vec<Change>,
    ) {
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        let pointers = (old.def(o).map(|d| d.pointer.clone()), new.def(n).map(|d| d.pointer.clone()));
        let at = |c: Change| c.at(pointers.0.as_deref(), pointers.1.as_deref());
        for (k, value) in y.iter().enumerate() {
            let variant = format!("{path}::{}", new.member(n, k));
            match x.iter().position(|v| v == value) {
                None => changes.push(at(change(
                    NonBreaking,
                    "enum-value-added",
                    variant,
                    format!("value {} added (it decoded as `Unknown` before)", code(value)),
                ))),
                Some(m) if old.member(o, m) != new.member(n, k) => changes.push(at(change(
                    Breaking,
                    "enum-variant-renamed",
                    variant,
                    format!("value {}: variant `{}` is now `{}`", code(value), old.member(o, m), new.member(n, k)),
                ))),
                Some(_) => {}
            }
        }
        for (m, value) in x.iter().enumerate() {
            if !y.contains(value) {
                let note = if in_requests { "; requests can no longer send it" } else { "" };
                changes.push(at(change(
                    Breaking,
                    "enum-value-removed",
                    format!("{}::{}", old.type_path(o), old.member(o, m)),
                    format!("value {} removed: the variant disappears{note}", code(value)),
                )));
            }
        }
    }

    /// The member types of a `oneOf`/`anyOf`, matched by type.
    fn union(&mut self, o: TypeId, x: &Union, n: TypeId, y: &Union, in_requests: bool, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        let pointers = (old.def(o).map(|d| d.pointer.clone()), new.def(n).map(|d| d.pointer.clone()));
        let at = |c: Change| c.at(pointers.0.as_deref(), pointers.1.as_deref());
        let old_canon: Vec<String> = x.variants.iter().map(|t| self.canon(Which::Old, t)).collect();
        let new_canon: Vec<String> = y.variants.iter().map(|t| self.canon(Which::New, t)).collect();
        for (k, ty) in y.variants.iter().enumerate() {
            let variant = format!("{path}::{}", new.member(n, k));
            match old_canon.iter().position(|c| *c == new_canon[k]) {
                None => changes.push(at(change(
                    NonBreaking,
                    "union-variant-added",
                    variant,
                    format!("new member `{}` (it decoded as `Unknown` before)", new.rust(ty)),
                ))),
                Some(m) if old.member(o, m) != new.member(n, k) => changes.push(at(change(
                    Breaking,
                    "union-variant-renamed",
                    variant,
                    format!("member `{}`: variant `{}` is now `{}`", new.rust(ty), old.member(o, m), new.member(n, k)),
                ))),
                Some(_) => {}
            }
        }
        for (m, ty) in x.variants.iter().enumerate() {
            if !new_canon.contains(&old_canon[m]) {
                let note = if in_requests { "; requests can no longer send it" } else { "" };
                changes.push(at(change(
                    Breaking,
                    "union-variant-removed",
                    format!("{}::{}", old.type_path(o), old.member(o, m)),
                    format!("member `{}` removed: the variant disappears{note}", old.rust(ty)),
                )));
            }
        }
        let property = |u: &Union| u.discriminator.as_ref().map(|d| d.property.clone());
        if property(x) != property(y) {
            let show = |p: Option<String>| p.map_or_else(|| "none".to_owned(), |p| code(&p));
            changes.push(at(change(
                Breaking,
                "union-discriminator-changed",
                path.clone(),
                format!("discriminator {} (was {})", show(property(y)), show(property(x))),
            )));
        }
    }

    fn fields(&mut self, o: TypeId, x: &Struct, n: TypeId, y: &Struct, in_requests: bool, changes: &mut Vec<Change>) {
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        for (k, field) in y.fields.iter().enumerate() {
            let item = format!("{path}::{}", new.member(n, k));
            let name = code(&field.name);
            let Some(m) = x.fields.iter().position(|f| f.name == field.name) else {
                let ty = new.field_rust(field);
                let c = if field.required && in_requests {
                    change(
                        Breaking,
                        "field-added-required",
                        item,
                        format!("new required field {name} (`{ty}`) in a type sent in requests"),
                    )
                } else if field.required {
                    change(
                        NonBreaking,
                        "field-added",
                        item,
                        format!("new required field {name} (`{ty}`), in responses only"),
                    )
                } else {
                    change(NonBreaking, "field-added", item, format!("new optional field {name} (`{ty}`)"))
                };
                changes.push(c.at(None, Some(&field.pointer)));
                continue;
            };
            let before = &x.fields[m];
            let at = |c: Change| c.at(Some(&before.pointer), Some(&field.pointer));
            if old.member(o, m) != new.member(n, k) {
                changes.push(at(change(
                    Breaking,
                    "field-renamed",
                    item.clone(),
                    format!("field {name}: Rust name `{}` → `{}`", old.member(o, m), new.member(n, k)),
                )));
            }
            if self.field_canon(Which::Old, before) != self.field_canon(Which::New, field) {
                let (was, now) = (old.field_rust(before), new.field_rust(field));
                let same_inner = self.canon(Which::Old, strip_nullable(&before.ty))
                    == self.canon(Which::New, strip_nullable(&field.ty));
                let c = if same_inner && before.required != field.required {
                    let what = if field.required { "now required" } else { "now optional" };
                    let note = if field.required && in_requests { "; requests must set it" } else { "" };
                    change(
                        Breaking,
                        "field-required-changed",
                        item.clone(),
                        format!("field {name} is {what}: `{now}` (was `{was}`){note}"),
                    )
                } else {
                    change(
                        Breaking,
                        "field-type-changed",
                        item.clone(),
                        format!("field {name}: type `{now}` (was `{was}`)"),
                    )
                };
                changes.push(at(c));
            }
            if before.deprecated != field.deprecated {
                let message = if field.deprecated {
                    format!("field {name} deprecated")
                } else {
                    format!("field {name} no longer deprecated")
                };
                changes.push(at(change(NonBreaking, "field-deprecated", item.clone(), message)));
            }
            self.doc_text(
                &item,
                "description",
                before.description.as_deref(),
                field.description.as_deref(),
                &before.pointer,
                &field.pointer,
            );
            if before.read_only != field.read_only || before.write_only != field.write_only {
                self.docs.push(at(change(
                    Severity::Docs,
                    "access-changed",
                    item.clone(),
                    format!(
                        "readOnly/writeOnly now `{}`/`{}` (was `{}`/`{}`)",
                        field.read_only, field.write_only, before.read_only, before.write_only
                    ),
                )));
            }
            self.doc_examples(
                &item,
                &format!("field {name}"),
                Some(before.pointer.clone()),
                Some(field.pointer.clone()),
            );
        }
        for (m, field) in x.fields.iter().enumerate() {
            if !y.fields.iter().any(|f| f.name == field.name) {
                changes.push(
                    change(
                        Breaking,
                        "field-removed",
                        format!("{}::{}", old.type_path(o), old.member(o, m)),
                        format!("field {} removed", code(&field.name)),
                    )
                    .at(Some(&field.pointer), None),
                );
            }
        }
        let extra = |side: &Side, id: TypeId, s: &Struct| side.member(id, s.fields.len()).to_owned();
        match (&x.additional, &y.additional) {
            (None, Some(t)) => changes.push(change(
                NonBreaking,
                "additional-properties-added",
                format!("{path}::{}", extra(new, n, y)),
                format!("now keeps properties it does not list (`BTreeMap<String, {}>`)", new.rust(t)),
            )),
            (Some(_), None) => changes.push(change(
                Breaking,
                "additional-properties-removed",
                format!("{}::{}", old.type_path(o), extra(old, o, x)),
                "no longer keeps properties it does not list",
            )),
            (Some(s), Some(t)) if self.canon(Which::Old, s) != self.canon(Which::New, t) => changes.push(change(
                Breaking,
                "additional-properties-changed",
                format!("{path}::{}", extra(new, n, y)),
                format!("unlisted properties are now `{}` (were `{}`)", new.rust(t), old.rust(s)),
            )),
            _ => {}
        }
        let defaults = |s: &Struct| s.fields.iter().all(|f| !f.required);
        match (defaults(x), defaults(y)) {
            (true, false) => changes.push(change(
                Breaking,
                "default-removed",
                path.clone(),
                "no longer implements `Default` (a field became required)",
            )),
            (false, true) => changes.push(change(
                NonBreaking,
                "default-added",
                path.clone(),
                "now implements `Default` (every field is optional)",
            )),
            _ => {}
        }
    }

    // ----- documentation -----

    fn doc_text(&mut self, item: &str, what: &str, old: Option<&str>, new: Option<&str>, old_at: &str, new_at: &str) {
        fn clean(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let (old, new) = (clean(old), clean(new));
        if old == new {
            return;
        }
        let verb = match (old, new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        let rule = if what.ends_with("summary") {
            "summary-changed"
        } else if what == "title" || what == "version" {
            "info-changed"
        } else {
            "description-changed"
        };
        self.docs.push(change(Severity::Docs, rule, item, format!("{what} {verb}")).at(Some(old_at), Some(new_at)));
    }

    fn doc_examples(&mut self, item: &str, what: &str, old_at: Option<String>, new_at: Option<String>) {
        let (old, new) = (self.old, self.new);
        let x = old_at.as_deref().map(|p| old.examples(p)).unwrap_or_default();
        let y = new_at.as_deref().map(|p| new.examples(p)).unwrap_or_default();
        let differs = (0..3).any(|k| x.get(k).copied().flatten() != y.get(k).copied().flatten());
        if differs {
            self.docs.push(
                change(Severity::Docs, "example-changed", item, format!("{what} example changed"))
                    .at(old_at.as_deref(), new_at.as_deref()),
            );
        }
    }

    // ----- output -----

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

/// Parameters paired by location and name, then by name.
fn param_pairs(a: &Operation, b: &Operation) -> Vec<(Option<usize>, Option<usize>)> {
    pair_up(
        &a.parameters,
        &b.parameters,
        &[
            &|x: &Parameter, y: &Parameter| x.location == y.location && x.name == y.name,
            &|x: &Parameter, y: &Parameter| x.name == y.name,
        ],
    )
}

fn operation_title(side: &Side, op: &Operation, was: Option<String>) -> String {
    let mut title = format!("`{}`", side.endpoint(op));
    if let Some(id) = &op.operation_id {
        title.push_str(&format!(" ({})", code(id)));
    }
    if let Some(was) = was {
        title.push_str(&format!(", was `{was}`"));
    }
    title
}

fn kind_word(def: Option<&TypeDef>) -> &'static str {
    match def.map(|d| &d.kind) {
        Some(TypeKind::Struct(_)) => "struct",
        Some(TypeKind::Enum(_) | TypeKind::IntEnum(_)) => "enum",
        Some(TypeKind::Union(_)) => "enum of alternatives",
        Some(TypeKind::Alias(_)) => "type alias",
        _ => "type",
    }
}

fn jaccard<'s>(a: impl Iterator<Item = &'s str>, b: impl Iterator<Item = &'s str>) -> f64 {
    let (a, b): (HashSet<&str>, HashSet<&str>) = (a.collect(), b.collect());
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The shape of a type use with named types left anonymous, for comparing two aliases.
fn skeleton(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(_) => "N".to_owned(),
        TypeRef::Array(item) => format!("[{}]", skeleton(item)),
        TypeRef::Map(value) => format!("{{{}}}", skeleton(value)),
        TypeRef::Nullable(inner) => format!("?{}", skeleton(inner)),
        other => format!("{other:?}"),
    }
}

/// Walks matched places of the two APIs side by side and counts the pairs of named types found at
/// the same place.
struct Walker<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    seen: IndexMap<(TypeId, TypeId), usize>,
    visited: HashSet<(TypeId, TypeId)>,
}

impl Walker<'_> {
    fn contents(&mut self, old: &[Content], new: &[Content]) {
        for (x, y) in content_pairs(old, new, true) {
            if let (Some(Content { ty: Some(a), .. }), Some(Content { ty: Some(b), .. })) = (x, y) {
                self.walk(a, b);
            }
        }
    }

    fn walk(&mut self, old: &TypeRef, new: &TypeRef) {
        match (old, new) {
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                *self.seen.entry((*a, *b)).or_insert(0) += 1;
                if !self.visited.insert((*a, *b)) {
                    return;
                }
                let (Some(x), Some(y)) = (self.old.def(*a), self.new.def(*b)) else { return };
                match (&x.kind, &y.kind) {
                    (TypeKind::Struct(s), TypeKind::Struct(t)) => {
                        for field in &s.fields {
                            if let Some(other) = t.fields.iter().find(|f| f.name == field.name) {
                                self.walk(&field.ty, &other.ty);
                            }
                        }
                        if let (Some(p), Some(q)) = (&s.additional, &t.additional) {
                            self.walk(p, q);
                        }
                    }
                    (TypeKind::Union(s), TypeKind::Union(t)) => {
                        for (p, q) in s.variants.iter().zip(&t.variants) {
                            self.walk(p, q);
                        }
                    }
                    (TypeKind::Alias(p), TypeKind::Alias(q)) => self.walk(p, q),
                    (TypeKind::Alias(p), _) => self.walk(p, new),
                    (_, TypeKind::Alias(q)) => self.walk(old, q),
                    _ => {}
                }
            }
            (TypeRef::Named(a), _) => {
                if let Some(TypeKind::Alias(p)) = self.old.def(*a).map(|d| &d.kind) {
                    if self.visited.insert((*a, TypeId(usize::MAX))) {
                        self.walk(p, new);
                        self.visited.remove(&(*a, TypeId(usize::MAX)));
                    }
                }
            }
            (_, TypeRef::Named(b)) => {
                if let Some(TypeKind::Alias(q)) = self.new.def(*b).map(|d| &d.kind) {
                    if self.visited.insert((TypeId(usize::MAX), *b)) {
                        self.walk(old, q);
                        self.visited.remove(&(TypeId(usize::MAX), *b));
                    }
                }
            }
            (TypeRef::Array(p), TypeRef::Array(q))
            | (TypeRef::Map(p), TypeRef::Map(q))
            | (TypeRef::Nullable(p), TypeRef::Nullable(q)) => self.walk(p, q),
            (TypeRef::Nullable(p), _) => self.walk(p, new),
            (_, TypeRef::Nullable(q)) => self.walk(old, q),
            _ => {}
        }
    }
}

// ----- Markdown helpers -----

/// An inline code span that survives any content (backticks, newlines).
fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Free text (a title, a version) with Markdown and HTML characters escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
