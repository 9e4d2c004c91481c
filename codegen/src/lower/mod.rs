//! Stage 2: [`Document`] → [`Api`]. Resolves every `$ref`, merges `allOf`, applies OpenAPI's
//! defaults (parameter styles, security inheritance) and gives each inline schema that needs a type
//! a place in [`Api::types`]. Nothing here knows about Rust.

mod aliases;
mod check;
mod operation;
mod pagination;
mod refs;
mod schema;
mod security;
mod shape;

pub use pagination::{list_operations, ListOperation};

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{push_pointer, Error, Warning};
use crate::load::Document;
use crate::model::*;

/// Lowers a parsed document into the intermediate model, inferring pagination where the document
/// states none.
pub fn lower(doc: &Document) -> Result<(Api, Vec<Warning>), Error> {
    lower_with(doc, true)
}

/// [`lower`], with pagination inferred from shapes only when `infer_pagination` (and the
/// document's `x-codegen: {infer-pagination: false}` does not turn it off).
pub fn lower_with(doc: &Document, infer_pagination: bool) -> Result<(Api, Vec<Warning>), Error> {
    let mut lowerer = Lowerer::new(doc);
    let stated = doc.raw.get(crate::extension::EXTENSION).and_then(|x| x.get("infer-pagination"));
    lowerer.infer_pagination = infer_pagination && stated.and_then(serde_json::Value::as_bool).unwrap_or(true);
    let api = lowerer.api()?;
    Ok((api, lowerer.warnings))
}

/// The state of one lowering: the document, and the types found so far.
struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// The whole document: raw JSON and the side tables (pointer schemas, 3.2 operations).
    source: &'a Document,
    /// Every schema lowered so far, by the pointer where it is defined: a schema reached twice
    /// (through `allOf` merging, a shared parameter, a `$ref` to its pointer) is one type.
    lowered: HashMap<String, TypeRef>,
    /// Pointer-reached schemas being lowered: meeting one again is a cycle.
    lowering: HashSet<String>,
    /// Inline schemas being lowered, by pointer, with the type reserved for one met again inside
    /// itself (a property that merges its owner back in through `allOf`): see
    /// [`Lowerer::schema_use`].
    in_progress: HashMap<String, Option<TypeId>>,
    /// `None` while a component is being lowered (its id is known, its body not yet).
    types: Vec<Option<TypeDef>>,
    components: IndexMap<&'a str, TypeId>,
    /// `components/securitySchemes`, lowered before the operations whose requirements name them.
    schemes: Vec<SecurityScheme>,
    warnings: Vec<Warning>,
    /// Whether pagination is inferred where the document states none.
    infer_pagination: bool,
}

const SCHEMAS: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    fn new(source: &'a Document) -> Self {
        let doc = &source.openapi;
        let components: IndexMap<&str, TypeId> = doc
            .components
            .iter()
            .flat_map(|c| c.schemas.keys())
            .enumerate()
            .map(|(i, name)| (name.as_str(), TypeId(i)))
            .collect();
        let types = vec![None; components.len()];
        Lowerer {
            doc,
            source,
            lowered: HashMap::new(),
            lowering: HashSet::new(),
            in_progress: HashMap::new(),
            types,
            components,
            schemes: Vec::new(),
            warnings: Vec::new(),
            infer_pagination: true,
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_owned(), message: message.into() });
    }

    fn api(&mut self) -> Result<Api, Error> {
        if let Some(components) = &self.doc.components {
            for (name, schema) in &components.schemas {
                let pointer = push_pointer("/components/schemas", name);
                let def = self.component(name, schema, &pointer)?;
                let id = self.components[name.as_str()];
                self.types[id.0] = Some(def);
            }
        }
        self.schemes = self.security_schemes();
        let mut operations = Vec::new();
        for (path, item) in &self.doc.paths.paths {
            let item_pointer = push_pointer("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::unsupported(&item_pointer, "a path item given as a $ref"))
                }
            };
            for (method, op) in item.iter() {
                let pointer = push_pointer(&item_pointer, method);
                operations.push(self.operation(path, method, &item.parameters, op, &pointer)?);
            }
            for extra in self.source.extra_operations.get(path).into_iter().flatten() {
                operations.push(self.operation(
                    path,
                    &extra.method,
                    &item.parameters,
                    &extra.operation,
                    &extra.pointer,
                )?);
            }
        }
        let info = &self.doc.info;
        let mut types: Vec<TypeDef> = std::mem::take(&mut self.types)
            .into_iter()
            .enumerate()
            .map(|(i, t)| t.ok_or_else(|| Error::Internal { message: format!("type {i} was never lowered") }))
            .collect::<Result<_, _>>()?;
        aliases::break_cycles(&mut types, &mut self.warnings);
        for op in &mut operations {
            let found = pagination::pagination(pagination::Cx {
                op,
                types: &types,
                raw: &self.source.raw,
                infer: self.infer_pagination,
                warnings: &mut self.warnings,
            });
            op.pagination = found;
        }
        let mut api = Api {
            title: info.title.clone(),
            version: info.version.clone(),
            description: info.description.clone(),
            servers: self
                .doc
                .servers
                .iter()
                .map(|s| Server {
                    url: s.url.clone(),
                    description: s.description.clone(),
                    variables: s
                        .variables
                        .iter()
                        .flatten()
                        .map(|(name, v)| ServerVariable {
                            name: name.clone(),
                            default: v.default.clone(),
                            values: v.enumeration.clone(),
                            description: v.description.clone(),
                        })
                        .collect(),
                })
                .collect(),
            operations,
            types,
            security_schemes: std::mem::take(&mut self.schemes),
        };
        check::binary_parameters_as_text(&mut api, &mut self.warnings);
        check::expressible(&api, &mut self.warnings)?;
        Ok(api)
    }
}
