//! One side of the comparison: a document lowered and named as the generator does it, how its
//! operations use its types, and the Rust items and JSON pointers of its parts.

use serde_json::Value;

use crate::error::{push_pointer, Error};
use crate::load::Document;
use crate::model::*;
use crate::names::Names;
use crate::render::rust_type_text;
use crate::select::Selection;

/// One of the two documents, lowered and named.
pub(super) struct Side<'a> {
    pub(super) doc: &'a Document,
    pub(super) api: Api,
    pub(super) names: Names,
    pub(super) module: &'a str,
    /// By type: how operations use it.
    pub(super) uses: Uses,
    /// The path of the first server URL (variables at their defaults), without a trailing `/`.
    base: String,
}

impl<'a> Side<'a> {
    /// `doc` lowered and named, then narrowed to `selection` as the generator would; with `strict`,
    /// a criterion that selects nothing is an error, as it is for the generator.
    pub(super) fn new(
        doc: &'a Document,
        module: &'a str,
        selection: &Selection,
        strict: bool,
    ) -> Result<Side<'a>, Error> {
        let (api, _warnings) = crate::lower::lower(doc)?;
        if strict {
            crate::select::check(&api, selection)?;
        }
        let names = crate::names::names(&api);
        let (api, names) = crate::select::select(&api, &names, selection);
        let uses = Uses::of(&api);
        let base = api.servers.first().map(base_path).unwrap_or_default();
        Ok(Side { doc, api, names, module, uses, base })
    }

    pub(super) fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.api.types.get(id.0)
    }

    pub(super) fn used(&self, id: TypeId) -> bool {
        self.uses.get(id) != 0
    }

    pub(super) fn type_name(&self, id: TypeId) -> &str {
        self.names.types.get(id.0).map_or("?", String::as_str)
    }

    pub(super) fn type_path(&self, id: TypeId) -> String {
        format!("{}::types::{}", self.module, self.type_name(id))
    }

    pub(super) fn member(&self, id: TypeId, index: usize) -> &str {
        self.names.members.get(id.0).and_then(|m| m.get(index)).map_or("?", String::as_str)
    }

    /// The schema's name in the document: the component key, or the Rust name of an inline schema.
    pub(super) fn schema_name(&self, id: TypeId) -> String {
        match self.def(id).map(|d| &d.name) {
            Some(TypeName::Component(name)) => name.clone(),
            Some(TypeName::Inline(_)) | None => self.type_name(id).to_owned(),
        }
    }

    pub(super) fn method(&self, op: usize) -> &str {
        self.names.operations.get(op).map_or("?", |n| n.method.as_str())
    }

    pub(super) fn builder(&self, op: usize) -> &str {
        self.names.operations.get(op).map_or("?", |n| n.builder.as_str())
    }

    pub(super) fn method_path(&self, op: usize) -> String {
        format!("{}::Client::{}", self.module, self.method(op))
    }

    pub(super) fn builder_path(&self, op: usize, member: &str) -> String {
        format!("{}::builder::{}::{member}", self.module, self.builder(op))
    }

    pub(super) fn param_name(&self, op: usize, param: usize) -> &str {
        self.names.operations.get(op).and_then(|n| n.parameters.get(param)).map_or("?", String::as_str)
    }

    /// Required parameters are arguments of the `Client` method, optional ones builder setters.
    pub(super) fn param_path(&self, op: usize, param: usize) -> String {
        match self.api.operations.get(op).and_then(|o| o.parameters.get(param)) {
            Some(p) if p.required => self.method_path(op),
            _ => self.builder_path(op, self.param_name(op, param)),
        }
    }

    pub(super) fn body_path(&self, op: usize) -> String {
        let required = self.api.operations.get(op).and_then(|o| o.body.as_ref()).is_some_and(|b| b.required);
        if required {
            self.method_path(op)
        } else {
            let setter = self.names.operations.get(op).map_or("body", |n| n.body.as_str());
            self.builder_path(op, setter)
        }
    }

    pub(super) fn error_enum(&self, op: usize) -> Option<&crate::names::StatusEnum> {
        self.names.operations.get(op)?.error_enum.as_ref()
    }

    /// `GET /v7/usage`: the method and the full URL path.
    pub(super) fn endpoint(&self, op: &Operation) -> String {
        format!("{} {}{}", op.method.as_str(), self.base, op.path)
    }

    /// The full URL path with parameter names dropped (`/v7/reports/{}`), for matching.
    pub(super) fn key(&self, op: &Operation) -> String {
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

    /// The Rust type of a use, as the generated client spells it: [`rust_type_text`].
    pub(super) fn rust(&self, ty: &TypeRef) -> String {
        rust_type_text(&self.names, ty)
    }

    /// The Rust type of a struct field: `Option<T>` unless required.
    pub(super) fn field_rust(&self, field: &Field) -> String {
        if field.required {
            self.rust(&field.ty)
        } else {
            self.rust(&TypeRef::Nullable(Box::new(strip_nullable(&field.ty).clone())))
        }
    }

    /// The pointer of a response object (its `$ref` not followed).
    pub(super) fn response_pointer(&self, op: &Operation, status: Status) -> Option<String> {
        let responses = push_pointer(&op.pointer, "responses");
        status_keys(status)
            .into_iter()
            .map(|key| push_pointer(&responses, &key))
            .find(|p| self.doc.raw.pointer(p).is_some())
    }

    /// The pointer of a media type object of a response or request body (following a `$ref`ed
    /// response or request body).
    pub(super) fn media_pointer(&self, owner: Option<String>, media_type: &str) -> Option<String> {
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

pub(super) fn strip_nullable(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

fn status_keys(status: Status) -> Vec<String> {
    match status {
        Status::Range(r) => vec![format!("{r}XX"), format!("{r}xx")],
        other => vec![other.to_string()],
    }
}
