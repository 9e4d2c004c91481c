//! Stage 2: [`Document`] → [`Api`]. Resolves every `$ref`, merges `allOf`, applies OpenAPI's
//! defaults (parameter styles, security inheritance) and gives each inline schema that needs a type
//! a place in [`Api::types`]. Nothing here knows about Rust.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{push_pointer, Error, Warning};
use crate::load::Document;
use crate::model::*;

/// Lowers a parsed document into the intermediate model.
pub fn lower(doc: &Document) -> Result<(Api, Vec<Warning>), Error> {
    let mut lowerer = Lowerer::new(&doc.openapi);
    let api = lowerer.api()?;
    Ok((api, lowerer.warnings))
}

struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// `None` while a component is being lowered (its id is known, its body not yet).
    types: Vec<Option<TypeDef>>,
    components: IndexMap<&'a str, TypeId>,
    warnings: Vec<Warning>,
}

const SCHEMAS: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI) -> Self {
        let components: IndexMap<&str, TypeId> = doc
            .components
            .iter()
            .flat_map(|c| c.schemas.keys())
            .enumerate()
            .map(|(i, name)| (name.as_str(), TypeId(i)))
            .collect();
        let types = vec![None; components.len()];
        Lowerer { doc, types, components, warnings: Vec::new() }
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
        }
        let info = &self.doc.info;
        let types: Vec<TypeDef> = std::mem::take(&mut self.types)
            .into_iter()
            .enumerate()
            .map(|(i, t)| t.ok_or_else(|| Error::Internal { message: format!("type {i} was never lowered") }))
            .collect::<Result<_, _>>()?;
        for op in &mut operations {
            op.pagination = pagination(op, &types, &mut self.warnings);
        }
        Ok(Api {
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
        })
    }

    // ----- schemas -----

    fn component(&mut self, name: &str, schema: &'a ReferenceOr<Schema>, pointer: &str) -> Result<TypeDef, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.schema_ref(reference, pointer)?;
                return Ok(TypeDef {
                    name: TypeName::Component(name.to_owned()),
                    description: None,
                    deprecated: false,
                    pointer: pointer.to_owned(),
                    kind: TypeKind::Alias(TypeRef::Named(target)),
                });
            }
            ReferenceOr::Item(schema) => schema,
        };
        let words = vec![name.to_owned()];
        let kind = match self.declaration(schema, pointer, &words)? {
            Some(kind) => kind,
            None => TypeKind::Alias(self.schema_use(schema, pointer, &words)?),
        };
        Ok(TypeDef {
            name: TypeName::Component(name.to_owned()),
            description: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            pointer: pointer.to_owned(),
            kind,
        })
    }

    /// The declaration a schema needs, if it needs one of its own (an object or a string enum).
    fn declaration(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<Option<TypeKind>, Error> {
        let view = View::of(schema);
        if view.is_struct() {
            return Ok(Some(TypeKind::Struct(self.structure(&view, pointer, words)?)));
        }
        // An `enum` without a `type` (as 3.1's `const` often is) takes the type of its values.
        let listed: Vec<&serde_json::Value> = view.enumeration.iter().filter(|v| !v.is_null()).collect();
        let untyped_strings = view.typ.is_none() && !listed.is_empty() && listed.iter().all(|v| v.is_string());
        let untyped_integers = view.typ.is_none() && !listed.is_empty() && listed.iter().all(|v| v.is_i64());
        if (view.typ == Some("string") || untyped_strings) && !view.enumeration.is_empty() {
            let mut values = Vec::new();
            for (i, value) in view.enumeration.iter().enumerate() {
                match value {
                    serde_json::Value::String(s) => values.push(s.clone()),
                    // `nullable` enums list null; the nullability is carried by the use site.
                    serde_json::Value::Null => {}
                    other => {
                        let at = push_pointer(&push_pointer(pointer, "enum"), &i.to_string());
                        return Err(Error::invalid(&at, format!("string enum value {other}")));
                    }
                }
            }
            return Ok(Some(TypeKind::Enum(values)));
        }
        if (view.typ == Some("integer") || untyped_integers) && !view.enumeration.is_empty() {
            let values: Vec<i64> = view.enumeration.iter().filter_map(serde_json::Value::as_i64).collect();
            if values.len() == view.enumeration.iter().filter(|v| !v.is_null()).count() {
                return Ok(Some(TypeKind::IntEnum(values)));
            }
        }
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            return self.union(schema, &view, pointer, words).map(Some);
        }
        Ok(None)
    }

    /// `oneOf`/`anyOf` (the first, when a schema has both), with its discriminator.
    fn union(
        &mut self,
        schema: &'a Schema,
        view: &View<'a>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeKind, Error> {
        let (keyword, members) = if view.one_of.is_empty() { ("anyOf", view.any_of) } else { ("oneOf", view.one_of) };
        if !view.all_of.is_empty() || view.properties.is_some_and(|p| !p.is_empty()) {
            self.warn(
                pointer,
                format!("`{keyword}` beside `allOf` or `properties`: only the `{keyword}` alternatives are generated"),
            );
        }
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = push_pointer(&push_pointer(pointer, keyword), &i.to_string());
            let mut member_words = words.to_vec();
            member_words.push(format!("Variant{}", i + 1));
            variants.push(self.use_of(member, &at, &member_words)?);
        }
        let discriminator = match &schema.schema_data.discriminator {
            None => None,
            Some(d) => {
                let at = push_pointer(pointer, "discriminator");
                let mut tags = Vec::new();
                for (value, reference) in &d.mapping {
                    // A mapping value is a `$ref` or a bare component name.
                    let reference =
                        if reference.starts_with('#') { reference.clone() } else { format!("{SCHEMAS}{reference}") };
                    let target = self.schema_ref(&reference, &push_pointer(&push_pointer(&at, "mapping"), value))?;
                    let index = variants.iter().position(|v| *v == TypeRef::Named(target));
                    match index {
                        Some(index) => tags.push((value.clone(), index)),
                        None => self
                            .warn(&at, format!("mapping `{value}` names a schema that is not one of the alternatives")),
                    }
                }
                for (index, member) in members.iter().enumerate() {
                    if let ReferenceOr::Reference { reference } = member {
                        let name = component_name(reference, SCHEMAS).unwrap_or_default();
                        if !tags.iter().any(|(_, i)| *i == index) && !tags.iter().any(|(v, _)| *v == name) {
                            tags.push((name, index));
                        }
                    }
                }
                Some(Discriminator { property: d.property_name.clone(), tags })
            }
        };
        Ok(TypeKind::Union(Union { variants, discriminator }))
    }

    /// The type of a use of a schema (a property, an array item, a parameter, a body).
    fn schema_use(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<TypeRef, Error> {
        let ty = self.schema_use_inner(schema, pointer, words)?;
        Ok(if schema.schema_data.nullable { TypeRef::Nullable(Box::new(ty)) } else { ty })
    }

    fn schema_use_inner(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<TypeRef, Error> {
        let view = View::of(schema);
        // `allOf: [$ref]`, maybe beside members that only annotate (`{example: …}`), is a common
        // way to attach a description or example to a reference.
        let members: Vec<(usize, &ReferenceOr<Schema>)> =
            view.all_of.iter().enumerate().filter(|(_, m)| !is_annotation_only(m)).collect();
        if let [(i, ReferenceOr::Reference { reference })] = members.as_slice() {
            if view.properties.is_none_or(|p| p.is_empty()) && view.typ.is_none_or(|t| t == "object") {
                let at = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
                return Ok(TypeRef::Named(self.schema_ref(reference, &at)?));
            }
        }
        // `oneOf: [$ref]` alone, like `allOf: [$ref]`, is the reference itself.
        if let ([ReferenceOr::Reference { reference }], []) | ([], [ReferenceOr::Reference { reference }]) =
            (view.one_of, view.any_of)
        {
            if view.typ.is_none() && view.properties.is_none_or(|p| p.is_empty()) {
                let keyword = if view.one_of.is_empty() { "anyOf/0" } else { "oneOf/0" };
                return Ok(TypeRef::Named(self.schema_ref(reference, &push_pointer(pointer, keyword))?));
            }
        }
        if let Some(kind) = self.declaration(schema, pointer, words)? {
            return Ok(self.inline(words, schema, pointer, kind));
        }
        Ok(match view.typ {
            Some("string") => TypeRef::Primitive(match view.format {
                Some("date-time") => Primitive::DateTime,
                Some("date") => Primitive::Date,
                Some("uuid") => Primitive::Uuid,
                Some("binary") => Primitive::Binary,
                _ => Primitive::String,
            }),
            Some("integer") => TypeRef::Primitive(match view.format {
                Some("int32") => Primitive::I32,
                _ => Primitive::I64,
            }),
            Some("number") => TypeRef::Primitive(match view.format {
                Some("float") => Primitive::F32,
                _ => Primitive::F64,
            }),
            Some("boolean") => TypeRef::Primitive(Primitive::Boolean),
            Some("array") => match view.items {
                Some(items) => {
                    let mut item_words = words.to_vec();
                    item_words.push("Item".to_owned());
                    TypeRef::Array(Box::new(self.boxed_use(items, &push_pointer(pointer, "items"), &item_words)?))
                }
                None => {
                    self.warn(pointer, "array without `items`: generated as Vec<serde_json::Value>");
                    TypeRef::Array(Box::new(TypeRef::Any))
                }
            },
            Some("object") | None if view.additional.is_some() => self.map(view.additional, pointer, words)?,
            Some("object") => TypeRef::Map(Box::new(TypeRef::Any)),
            Some(other) if !matches!(other, "null") => {
                return Err(Error::invalid(&push_pointer(pointer, "type"), format!("unknown type `{other}`")))
            }
            _ => TypeRef::Any,
        })
    }

    fn map(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeRef, Error> {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let mut value_words = words.to_vec();
                value_words.push("Value".to_owned());
                self.use_of(schema, &push_pointer(pointer, "additionalProperties"), &value_words)?
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    fn inline(&mut self, words: &[String], schema: &Schema, pointer: &str, kind: TypeKind) -> TypeRef {
        let id = TypeId(self.types.len());
        self.types.push(Some(TypeDef {
            name: TypeName::Inline(words.to_vec()),
            description: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            pointer: pointer.to_owned(),
            kind,
        }));
        TypeRef::Named(id)
    }

    fn use_of(&mut self, schema: &'a ReferenceOr<Schema>, pointer: &str, words: &[String]) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => Ok(TypeRef::Named(self.schema_ref(reference, pointer)?)),
            ReferenceOr::Item(schema) => self.schema_use(schema, pointer, words),
        }
    }

    fn boxed_use(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => Ok(TypeRef::Named(self.schema_ref(reference, pointer)?)),
            ReferenceOr::Item(schema) => self.schema_use(schema, pointer, words),
        }
    }

    fn schema_ref(&self, reference: &str, pointer: &str) -> Result<TypeId, Error> {
        component_name(reference, SCHEMAS)
            .and_then(|name| self.components.get(name.as_str()).copied())
            .ok_or_else(|| unresolved(reference, pointer))
    }

    /// The component schema a `$ref` names, for merging (`allOf`).
    fn schema_target(&self, reference: &str, pointer: &str) -> Result<(&'a Schema, String), Error> {
        let name = component_name(reference, SCHEMAS).ok_or_else(|| unresolved(reference, pointer))?;
        let mut seen = HashSet::new();
        let mut current = name;
        loop {
            if !seen.insert(current.clone()) {
                return Err(Error::invalid(pointer, format!("$ref cycle through '{reference}'")));
            }
            let schema = self
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&current))
                .ok_or_else(|| unresolved(reference, pointer))?;
            match schema {
                ReferenceOr::Item(schema) => return Ok((schema, push_pointer("/components/schemas", &current))),
                ReferenceOr::Reference { reference } => {
                    current = component_name(reference, SCHEMAS).ok_or_else(|| unresolved(reference, pointer))?;
                }
            }
        }
    }

    fn structure(&mut self, view: &View<'a>, pointer: &str, words: &[String]) -> Result<Struct, Error> {
        let mut fields: Vec<Field> = Vec::new();
        let mut required: HashSet<&str> = HashSet::new();
        let mut additional = None;
        let mut visiting = HashSet::new();
        self.collect_fields(view, pointer, words, &mut fields, &mut required, &mut additional, &mut visiting)?;
        for field in &mut fields {
            field.required = required.contains(field.name.as_str());
        }
        Ok(Struct { fields, additional })
    }

    /// Gathers the properties of a schema and of its `allOf` members, members first, in order.
    #[allow(clippy::too_many_arguments)]
    fn collect_fields(
        &mut self,
        view: &View<'a>,
        pointer: &str,
        words: &[String],
        fields: &mut Vec<Field>,
        required: &mut HashSet<&'a str>,
        additional: &mut Option<TypeRef>,
        visiting: &mut HashSet<String>,
    ) -> Result<(), Error> {
        for (i, member) in view.all_of.iter().enumerate() {
            let member_pointer = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    let (schema, target) = self.schema_target(reference, &member_pointer)?;
                    if !visiting.insert(target.clone()) {
                        return Err(Error::invalid(
                            &member_pointer,
                            format!("`allOf` includes itself through '{reference}'"),
                        ));
                    }
                    let name = component_name(reference, SCHEMAS).unwrap_or_default();
                    self.collect_fields(&View::of(schema), &target, &[name], fields, required, additional, visiting)?;
                    visiting.remove(&target);
                }
                ReferenceOr::Item(schema) => {
                    self.collect_fields(
                        &View::of(schema),
                        &member_pointer,
                        words,
                        fields,
                        required,
                        additional,
                        visiting,
                    )?;
                }
            }
        }
        required.extend(view.required.iter().map(String::as_str));
        if let Some(properties) = view.properties {
            for (name, schema) in properties {
                let field_pointer = push_pointer(&push_pointer(pointer, "properties"), name);
                let mut field_words = words.to_vec();
                field_words.push(name.clone());
                let ty = self.boxed_use(schema, &field_pointer, &field_words)?;
                let data = match schema {
                    ReferenceOr::Item(schema) => Some(&schema.schema_data),
                    ReferenceOr::Reference { .. } => None,
                };
                let field = Field {
                    name: name.clone(),
                    ty,
                    required: false,
                    description: data.and_then(|d| d.description.clone()),
                    deprecated: data.is_some_and(|d| d.deprecated),
                    read_only: data.is_some_and(|d| d.read_only),
                    write_only: data.is_some_and(|d| d.write_only),
                    paginated_items: data
                        .and_then(|d| d.extensions.get("x-paginated-items"))
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                    default: data.and_then(|d| d.default.clone()),
                    pointer: field_pointer,
                };
                match fields.iter_mut().find(|f| f.name == *name) {
                    // A member that only re-describes a property refines it; it does not retype it.
                    Some(existing) if matches!(schema, ReferenceOr::Item(s) if schema_is_annotation_only(s)) => {
                        if field.description.is_some() {
                            existing.description = field.description;
                        }
                        existing.deprecated |= field.deprecated;
                    }
                    Some(existing) => *existing = field,
                    None => fields.push(field),
                }
            }
        }
        match view.additional {
            Some(AdditionalProperties::Any(false)) | None => {}
            Some(extra) => *additional = Some(self.map(Some(extra), pointer, words)?.element()),
        }
        Ok(())
    }

    // ----- operations -----

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        shared: &'a [ReferenceOr<openapiv3::Parameter>],
        op: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, Error> {
        let method = match method {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            other => return Err(Error::unsupported(pointer, format!("HTTP method `{other}`"))),
        };
        let op_word = op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.as_str().to_lowercase()));

        let mut parameters: Vec<Parameter> = Vec::new();
        let path_pointer = pointer.rsplit_once('/').map_or("", |(p, _)| p).to_owned();
        let shared = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, push_pointer(&push_pointer(&path_pointer, "parameters"), &i.to_string())));
        let own = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, push_pointer(&push_pointer(pointer, "parameters"), &i.to_string())));
        for (param, at) in shared.chain(own) {
            let param = self.parameter(param, &at, &op_word)?;
            match parameters.iter_mut().find(|p| p.name == param.name && p.location == param.location) {
                Some(existing) => *existing = param,
                None => parameters.push(param),
            }
        }
        for name in path_params(path) {
            if !parameters.iter().any(|p| p.location == ParamLocation::Path && p.name == name) {
                return Err(Error::invalid(
                    pointer,
                    format!("path template names `{{{name}}}` but no path parameter `{name}` is declared"),
                ));
            }
        }

        let body = match &op.request_body {
            None => None,
            Some(body) => {
                let at = push_pointer(pointer, "requestBody");
                let (body, at) = self.request_body(body, &at)?;
                let content = self.content(&body.content, &at, &[op_word.clone(), "Body".to_owned()])?;
                let sent = Content::preferred(&content);
                if sent.is_some_and(|c| c.kind() == MediaKind::Multipart) {
                    self.warn(&at, "multipart body: the builder takes a `reqwest::multipart::Form` the caller fills");
                }
                Some(RequestBody { required: body.required, description: body.description.clone(), content })
            }
        };

        let mut responses = Vec::new();
        let codes = op.responses.responses.iter().map(|(code, r)| {
            let status = match code {
                openapiv3::StatusCode::Code(c) => Status::Code(*c),
                openapiv3::StatusCode::Range(r) => Status::Range(*r),
            };
            (status, r, code.to_string())
        });
        let default = op.responses.default.iter().map(|r| (Status::Default, r, "default".to_owned()));
        for (status, response, key) in codes.chain(default) {
            let at = push_pointer(&push_pointer(pointer, "responses"), &key);
            let (response, at) = self.response(response, &at)?;
            let suffix = if status.is_success() { "Response".to_owned() } else { format!("{key} Response") };
            let content = self.content(&response.content, &at, &[op_word.clone(), suffix])?;
            let mut headers = Vec::new();
            for (name, header) in &response.headers {
                let header_at = push_pointer(&push_pointer(&at, "headers"), name);
                let (header, header_at) = self.header(header, &header_at)?;
                let ty = match &header.format {
                    ParameterSchemaOrContent::Schema(schema) => {
                        self.use_of(schema, &push_pointer(&header_at, "schema"), &[op_word.clone(), name.clone()])?
                    }
                    ParameterSchemaOrContent::Content(_) => TypeRef::Primitive(Primitive::String),
                };
                headers.push(Header {
                    name: name.clone(),
                    description: header.description.clone(),
                    required: header.required,
                    ty,
                });
            }
            responses.push(Response { status, description: response.description.clone(), content, headers });
        }

        let security = op.security.as_ref().or(self.doc.security.as_ref());
        let authenticated = security.is_some_and(|reqs| reqs.iter().any(|r| !r.is_empty()));

        Ok(Operation {
            operation_id: op.operation_id.clone(),
            method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            parameters,
            body,
            responses,
            authenticated,
            pagination: None,
            pointer: pointer.to_owned(),
        })
    }

    fn content(
        &mut self,
        content: &'a IndexMap<String, openapiv3::MediaType>,
        pointer: &str,
        words: &[String],
    ) -> Result<Vec<Content>, Error> {
        let mut out = Vec::new();
        for (media_type, media) in content {
            let at = push_pointer(&push_pointer(&push_pointer(pointer, "content"), media_type), "schema");
            let ty = match &media.schema {
                Some(schema) => Some(self.use_of(schema, &at, words)?),
                None => None,
            };
            out.push(Content { media_type: media_type.clone(), ty });
        }
        Ok(out)
    }

    fn parameter(
        &mut self,
        param: &'a ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
        op_word: &str,
    ) -> Result<Parameter, Error> {
        let (param, pointer) =
            resolve(param, pointer, "#/components/parameters/", |c, n| c.parameters.get(n), self.doc)?;
        use openapiv3::Parameter as P;
        let (data, location, style) = match param {
            P::Query { parameter_data, style, .. } => (
                parameter_data,
                ParamLocation::Query,
                match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            P::Path { parameter_data, style } => (
                parameter_data,
                ParamLocation::Path,
                match style {
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                },
            ),
            P::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, ParamStyle::Simple),
            P::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, ParamStyle::Form),
        };
        let words = [op_word.to_owned(), data.name.clone()];
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.use_of(schema, &push_pointer(&pointer, "schema"), &words)?
            }
            ParameterSchemaOrContent::Content(_) => {
                return Err(Error::unsupported(
                    &push_pointer(&pointer, "content"),
                    "a parameter described by `content`",
                ))
            }
        };
        if location == ParamLocation::Path && !data.required {
            return Err(Error::invalid(&push_pointer(&pointer, "required"), "path parameters must be required"));
        }
        Ok(Parameter {
            name: data.name.clone(),
            location,
            required: data.required,
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.clone(),
            ty,
            style,
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            pointer,
        })
    }

    fn request_body(
        &self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::RequestBody, String), Error> {
        resolve(body, pointer, "#/components/requestBodies/", |c, n| c.request_bodies.get(n), self.doc)
    }

    fn response(
        &self,
        response: &'a ReferenceOr<openapiv3::Response>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Response, String), Error> {
        resolve(response, pointer, "#/components/responses/", |c, n| c.responses.get(n), self.doc)
    }

    fn header(
        &self,
        header: &'a ReferenceOr<openapiv3::Header>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Header, String), Error> {
        resolve(header, pointer, "#/components/headers/", |c, n| c.headers.get(n), self.doc)
    }
}

/// Whether `op` pages through `_links.next` (see [`Pagination`]): its JSON success body is a struct
/// with `_links.next.href` (a string) and an items array, and it takes a `cursor` query parameter.
fn pagination(op: &Operation, types: &[TypeDef], warnings: &mut Vec<Warning>) -> Option<Pagination> {
    let cursor = op.parameters.iter().position(|p| p.location == ParamLocation::Query && p.name == "cursor")?;
    if op.success_bodies_differ() {
        return None;
    }
    let body = op.successes().flat_map(|r| &r.content).find(|c| c.kind() == MediaKind::Json)?;
    let structure = |ty: &TypeRef| -> Option<(TypeId, &Struct)> {
        let mut ty = ty;
        for _ in 0..=types.len() {
            match ty {
                TypeRef::Nullable(inner) => ty = inner,
                TypeRef::Named(id) => match &types[id.0].kind {
                    TypeKind::Alias(target) => ty = target,
                    TypeKind::Struct(s) => return Some((*id, s)),
                    TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::Union(_) => return None,
                },
                _ => return None,
            }
        }
        None
    };
    let (page, page_struct) = structure(body.ty.as_ref()?)?;
    let mut next_href = Vec::new();
    let (mut holder, mut fields) = (page, page_struct);
    for name in ["_links", "next"] {
        let index = fields.fields.iter().position(|f| f.name == name)?;
        next_href.push((holder, index));
        (holder, fields) = structure(&fields.fields[index].ty)?;
    }
    let href = fields.fields.iter().position(|f| f.name == "href")?;
    if !matches!(&fields.fields[href].ty, TypeRef::Primitive(Primitive::String)) {
        return None;
    }
    next_href.push((holder, href));
    let is_array = |f: &Field| {
        matches!(f.ty, TypeRef::Array(_)) || matches!(&f.ty, TypeRef::Nullable(t) if matches!(**t, TypeRef::Array(_)))
    };
    let marked = page_struct.fields.iter().position(|f| f.paginated_items && is_array(f));
    let items = marked.or_else(|| {
        let arrays: Vec<usize> = (0..page_struct.fields.len()).filter(|&i| is_array(&page_struct.fields[i])).collect();
        match arrays.as_slice() {
            [only] => Some(*only),
            _ => {
                warnings.push(Warning {
                    pointer: op.pointer.clone(),
                    message: "has `_links.next` and `cursor` but no single items array (mark one with \
                              `x-paginated-items: true`); generated without paging"
                        .to_owned(),
                });
                None
            }
        }
    })?;
    Some(Pagination { page, next_href, items, cursor })
}

impl TypeRef {
    /// The value type of a map; itself otherwise.
    fn element(self) -> TypeRef {
        match self {
            TypeRef::Map(value) => *value,
            other => other,
        }
    }
}

/// Follows a chain of `$ref`s into one section of `components`, returning the object and its pointer.
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    pointer: &str,
    prefix: &str,
    lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    doc: &'a OpenAPI,
) -> Result<(&'a T, String), Error> {
    let mut current = item;
    let mut at = pointer.to_owned();
    let mut seen = HashSet::new();
    loop {
        match current {
            ReferenceOr::Item(item) => return Ok((item, at)),
            ReferenceOr::Reference { reference } => {
                let name = component_name(reference, prefix).ok_or_else(|| unresolved(reference, &at))?;
                if !seen.insert(name.clone()) {
                    return Err(Error::invalid(&at, format!("$ref cycle through '{reference}'")));
                }
                current =
                    doc.components.as_ref().and_then(|c| lookup(c, &name)).ok_or_else(|| unresolved(reference, &at))?;
                at = push_pointer(&format!("/{}", prefix.trim_start_matches("#/").trim_end_matches('/')), &name);
            }
        }
    }
}

fn unresolved(reference: &str, pointer: &str) -> Error {
    Error::UnresolvedRef { pointer: pointer.to_owned(), reference: reference.to_owned() }
}

/// A member of `allOf` that constrains nothing: only annotations such as `description` or
/// `example`.
fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if schema_is_annotation_only(schema))
}

fn schema_is_annotation_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.enumeration.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.format.is_none()
                && !schema.schema_data.nullable
        }
        _ => false,
    }
}

/// `#/components/schemas/A~1B` → `A/B` when the reference points into `prefix`.
fn component_name(reference: &str, prefix: &str) -> Option<String> {
    let token = reference.strip_prefix(prefix)?;
    if token.contains('/') {
        return None;
    }
    let token = percent_decode(token);
    Some(token.replace("~1", "/").replace("~0", "~"))
}

/// `$ref` values are URI fragments; decode `%XX` escapes (e.g. `%7B` for `{`).
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The names in a path template: `/a/{x}/b/{y}` → `x`, `y`.
pub fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// One shape for every schema, whether openapiv3 parsed it as a typed schema or as `AnySchema`.
struct View<'a> {
    typ: Option<&'a str>,
    format: Option<&'a str>,
    enumeration: Vec<serde_json::Value>,
    properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    items: Option<&'a ReferenceOr<Box<Schema>>>,
    all_of: &'a [ReferenceOr<Schema>],
    one_of: &'a [ReferenceOr<Schema>],
    any_of: &'a [ReferenceOr<Schema>],
}

impl<'a> View<'a> {
    fn of(schema: &'a Schema) -> View<'a> {
        let mut view = View {
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            all_of: &[],
            one_of: &[],
            any_of: &[],
        };
        fn format<T>(f: &VariantOrUnknownOrEmpty<T>, known: impl Fn(&T) -> &'static str) -> Option<&str> {
            match f {
                VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
                VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
                VariantOrUnknownOrEmpty::Empty => None,
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string");
                view.format = format(&s.format, |f| match f {
                    openapiv3::StringFormat::Date => "date",
                    openapiv3::StringFormat::DateTime => "date-time",
                    openapiv3::StringFormat::Password => "password",
                    openapiv3::StringFormat::Byte => "byte",
                    openapiv3::StringFormat::Binary => "binary",
                });
                view.enumeration = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(serde_json::Value::Null, serde_json::Value::String))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer");
                view.format = format(&i.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                view.enumeration =
                    i.enumeration.iter().map(|v| v.map_or(serde_json::Value::Null, serde_json::Value::from)).collect();
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number");
                view.format = format(&n.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
            }
            SchemaKind::Type(Type::Boolean(_)) => view.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object");
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array");
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.as_deref();
                view.enumeration = any.enumeration.clone();
                view.properties = Some(&any.properties).filter(|p| !p.is_empty());
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// Objects with properties, and `allOf` compositions, become structs.
    fn is_struct(&self) -> bool {
        let has_properties = self.properties.is_some_and(|p| !p.is_empty());
        let merges = !self.all_of.is_empty() && self.one_of.is_empty() && self.any_of.is_empty();
        matches!(self.typ, None | Some("object")) && (has_properties || merges)
    }
}
