//! Stage 1: text → [`Document`], one concern per file:
//!
//! - `text`: YAML or JSON into a JSON value (syntax errors with line and column);
//! - `bundle`: relative `$ref`s into other files resolved, as if the document were bundled
//!   (through a [`Source`], so the library does no I/O);
//! - `swagger2`, `v31`, `v32`: Swagger 2.0, OpenAPI 3.1 and 3.2 rewritten into the one 3.0
//!   form `lower` reads;
//! - `lenient`: the real world's deviations, each fixed with a warning;
//! - `narrow`: when the typed form does not deserialize, the deepest object at fault;
//! - `source_map`: pointers of the rewritten document back to the original file and pointer.

mod bundle;
mod lenient;
mod narrow;
mod source_map;
mod swagger2;
mod text;
mod type_lists;
mod v31;
mod v32;
mod walk;

pub(crate) use v31::MUTUAL_TLS;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use crate::error::{Error, Warning};
pub use source_map::SourceMap;
pub use text::parse_text;

/// Where the files of a multi-file document come from. Paths are relative to the root
/// document's directory, with `/` separators, already checked not to leave it.
pub trait Source {
    /// The text of the file at `path`, or why it cannot be read (the load error quotes it).
    fn read(&self, path: &str) -> Result<String, String>;
}

/// A parsed OpenAPI document in the one form `lower` reads, with the raw JSON value beside the
/// typed form and the side tables for what openapiv3's 3.0 types cannot hold.
#[derive(Clone, Debug)]
pub struct Document {
    /// The typed form of [`Document::raw`], as `lower` reads it.
    pub openapi: openapiv3::OpenAPI,
    /// The document after bundling and normalization to the 3.0 form.
    pub raw: Value,
    /// What loading could not carry over exactly. Pointers are in `raw`'s terms; see
    /// [`Document::original`].
    pub warnings: Vec<Warning>,
    /// Pointers of `raw` → places in the original files.
    pub source_map: SourceMap,
    /// Schemas that `$ref`s reach at a pointer other than `/components/schemas/{name}`
    /// (`#/components/schemas/Tag/allOf/0`, a schema under `paths`), by that pointer.
    pub pointer_schemas: IndexMap<String, ReferenceOr<Schema>>,
    /// OpenAPI 3.2 operations that a 3.0 path item has no field for (`query`,
    /// `additionalOperations`), by path, in document order.
    pub extra_operations: IndexMap<String, Vec<ExtraOperation>>,
    /// OpenAPI 3.2 `itemSchema` of a media type object, by the media type object's pointer.
    pub item_schemas: IndexMap<String, ReferenceOr<Schema>>,
    /// OpenAPI 3.1 `prefixItems` (which 3.0's types drop), by the array schema's pointer.
    pub prefix_items: IndexMap<String, Vec<ReferenceOr<Schema>>>,
}

/// An operation under a method a 3.0 path item does not list.
#[derive(Clone, Debug)]
pub struct ExtraOperation {
    /// As written: `QUERY`, or the key of `additionalOperations` (e.g. `LINK`).
    pub method: String,
    /// The operation object, read as a 3.0 one.
    pub operation: openapiv3::Operation,
    /// JSON pointer of the operation object in [`Document::raw`] (under the path item's `query`
    /// or `additionalOperations`).
    pub pointer: String,
}

impl Document {
    /// A document as given, with no warnings and nothing moved.
    pub fn new(openapi: openapiv3::OpenAPI, raw: Value) -> Self {
        Document {
            openapi,
            raw,
            warnings: Vec::new(),
            source_map: SourceMap::default(),
            pointer_schemas: IndexMap::new(),
            extra_operations: IndexMap::new(),
            item_schemas: IndexMap::new(),
            prefix_items: IndexMap::new(),
        }
    }

    /// The place in the original document a pointer of `raw` stands for: the Swagger 2.0 pointer,
    /// and for a multi-file document the file too (`schemas/Customer.yaml#/properties/id`).
    pub fn original(&self, pointer: &str) -> String {
        self.source_map.original(pointer)
    }

    /// `error` with its pointer translated by [`Document::original`].
    pub fn original_error(&self, error: Error) -> Error {
        self.source_map.error(error)
    }
}

/// Parses a single-file OpenAPI (3.0, 3.1, 3.2) or Swagger 2.0 document from YAML or JSON text.
/// A `$ref` to another file is an error: see [`load`]. Never panics.
pub fn parse(text: &str) -> Result<Document, Error> {
    crate::error::guard(|| {
        let raw = parse_text(text)?;
        from_root(raw, "", None)
    })
}

/// Loads a document that may span several files: `root` is the root document's file name
/// (relative to the directory `source` reads), and every relative `$ref` is read through
/// `source`. Never panics.
pub fn load(root: &str, source: &dyn Source) -> Result<Document, Error> {
    load_mapped(root, source, &[])
}

/// [`load`], with remote `$ref`s read from local copies: each `(url_prefix, dir)` makes a ref
/// that starts with `url_prefix` read the rest of its URL under `dir` through `source` (a `dir`
/// the document's own `x-codegen: {ref-map: {url_prefix: dir}}` gives is relative to the root
/// document's directory). The longest prefix wins; those given here before the document's.
pub fn load_mapped(root: &str, source: &dyn Source, ref_map: &[(String, String)]) -> Result<Document, Error> {
    crate::error::guard(|| {
        let text = source.read(root).map_err(|e| Error::invalid("", format!("cannot read {root}: {e}")))?;
        let raw = parse_text(&text)?;
        from_root_mapped(raw, root, Some(source), ref_map)
    })
}

/// Builds a [`Document`] from an already parsed single-file document. Never panics.
pub fn from_value(raw: Value) -> Result<Document, Error> {
    crate::error::guard(|| from_root(raw, "", None))
}

/// The versions the loader tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    Swagger2,
    V30,
    V31,
    /// 3.2, and any later version (read as 3.2, with a warning).
    V32,
}

fn version(raw: &Value, warnings: &mut Vec<Warning>) -> Result<Version, Error> {
    let warn = |warnings: &mut Vec<Warning>, pointer: &str, message: String| {
        warnings.push(Warning { pointer: pointer.to_owned(), message })
    };
    if let Some(v) = raw.get("openapi") {
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return Ok(if v.starts_with("3.0") {
            Version::V30
        } else if v.starts_with("3.1") {
            Version::V31
        } else {
            if !v.starts_with("3.2") {
                warn(warnings, "/openapi", format!("OpenAPI version {v}: read as 3.2"));
            }
            Version::V32
        });
    }
    if let Some(v) = raw.get("swagger") {
        if v.as_str() != Some("2.0") {
            warn(warnings, "/swagger", format!("Swagger version {v}: read as 2.0"));
        }
        return Ok(Version::Swagger2);
    }
    if raw.is_object() {
        Err(Error::invalid("", "missing the `openapi` (or `swagger`) version field"))
    } else {
        Err(Error::invalid("", "a document is an object"))
    }
}

fn from_root(raw: Value, root: &str, source: Option<&dyn Source>) -> Result<Document, Error> {
    from_root_mapped(raw, root, source, &[])
}

fn from_root_mapped(
    mut raw: Value,
    root: &str,
    source: Option<&dyn Source>,
    ref_map: &[(String, String)],
) -> Result<Document, Error> {
    let mut warnings = Vec::new();
    let version = version(&raw, &mut warnings)?;
    let mut source_map = SourceMap::default();
    let section = if version == Version::Swagger2 { "/definitions" } else { "/components/schemas" };
    // Bundling errors already name original places.
    bundle::bundle(&mut raw, root, source, section, ref_map, &mut source_map, &mut warnings)?;
    if version != Version::Swagger2 {
        lenient::tuples(&mut raw, &mut warnings);
    }
    match version {
        Version::Swagger2 => {
            swagger2::convert(&mut raw, &mut source_map, &mut warnings);
            lenient::tuples(&mut raw, &mut warnings);
            v31::null_alternatives_30(&mut raw, &mut source_map, &mut warnings);
        }
        Version::V30 => v31::null_alternatives_30(&mut raw, &mut source_map, &mut warnings),
        Version::V31 | Version::V32 => v31::normalize(&mut raw, &mut source_map, &mut warnings),
    }
    lenient::fix(&mut raw, matches!(version, Version::V30 | Version::Swagger2), &mut warnings);
    let extra = if version == Version::V32 { v32::normalize(&mut raw, &mut warnings) } else { v32::Extra::default() };
    let result = typed(raw, extra, source_map.clone(), warnings);
    result.map_err(|e| source_map.error(e))
}

fn typed(mut raw: Value, extra: v32::Extra, source_map: SourceMap, warnings: Vec<Warning>) -> Result<Document, Error> {
    let openapi = match serde_path_to_error::deserialize(&raw) {
        Ok(openapi) => openapi,
        Err(e) => {
            let (pointer, message) = narrow::narrow(&raw, String::new(), narrow::Node::Root)
                .unwrap_or_else(|| (narrow::path_to_pointer(e.path()), narrow::plain(&e.into_inner().to_string())));
            return Err(Error::Invalid { pointer, message });
        }
    };
    let extra_operations = extra.operations()?;
    let item_schemas = extra.item_schemas()?;
    let pointer_schemas = walk::pointer_schemas(&raw, extra.values());
    let prefix_items = prefix_items(&mut raw)?;
    Ok(Document { openapi, raw, warnings, source_map, pointer_schemas, extra_operations, item_schemas, prefix_items })
}

/// Every `prefixItems` list, typed, by the pointer of the schema that holds it.
fn prefix_items(raw: &mut Value) -> Result<IndexMap<String, Vec<ReferenceOr<Schema>>>, Error> {
    let mut found = IndexMap::new();
    let mut error = None;
    walk::for_each_schema(raw, &mut |schema, pointer| {
        let Some(Value::Array(items)) = schema.get("prefixItems") else { return };
        let mut typed = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match serde_json::from_value::<ReferenceOr<Schema>>(item.clone()) {
                Ok(item) => typed.push(item),
                Err(e) => {
                    let at =
                        crate::error::push_pointer(&crate::error::push_pointer(pointer, "prefixItems"), &i.to_string());
                    error.get_or_insert(Error::invalid(&at, narrow::plain(&e.to_string())));
                }
            }
        }
        found.insert(pointer.to_owned(), typed);
    });
    match error {
        Some(error) => Err(error),
        None => Ok(found),
    }
}
