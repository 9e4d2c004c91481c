//! Operations: parameters, request bodies and responses, with path-level parameters merged and
//! OpenAPI's defaults (styles, inherited security) applied.

use indexmap::IndexMap;
use openapiv3::{ParameterSchemaOrContent, ReferenceOr};

use super::refs::resolve;
use super::Lowerer;
use crate::error::{push_pointer, Error};
use crate::model::*;

impl<'a> Lowerer<'a> {
    pub(super) fn operation(
        &mut self,
        path: &str,
        method: &str,
        shared: &'a [ReferenceOr<openapiv3::Parameter>],
        op: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, Error> {
        let method = match method.to_ascii_lowercase().as_str() {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            "query" => Method::Query,
            _ if !method.is_empty() && method.bytes().all(is_token_byte) => Method::Other(method.to_owned()),
            _ => return Err(Error::invalid(pointer, format!("`{method}` is not an HTTP method name"))),
        };
        let op_word = operation_word(op.operation_id.as_deref(), &method, path);

        let mut parameters: Vec<Parameter> = Vec::new();
        let path_pointer = push_pointer("/paths", path);
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
        if let Some(problem) = template_problem(path) {
            return Err(Error::invalid(pointer, format!("path `{path}`: {problem}")));
        }
        // The template decides the path: a name it has that nobody declares is a string
        // parameter, and a declared path parameter it does not name is left out, each with a
        // warning, as other generators read such documents.
        for name in placeholders(path) {
            if !parameters.iter().any(|p| p.location == ParamLocation::Path && p.name == name) {
                self.warn(
                    pointer,
                    format!("path template names `{{{name}}}`, which no path parameter declares: read as a string"),
                );
                parameters.push(undeclared_path_parameter(name, pointer));
            }
        }
        let named: Vec<&str> = placeholders(path).collect();
        let mut kept = Vec::with_capacity(parameters.len());
        for parameter in parameters {
            if parameter.location == ParamLocation::Path && !named.contains(&parameter.name.as_str()) {
                self.warn(
                    &parameter.pointer,
                    format!("path parameter `{}` is not in the path `{path}`: left out", parameter.name),
                );
            } else {
                kept.push(parameter);
            }
        }
        let parameters = kept;

        let body = match &op.request_body {
            None => None,
            Some(body) => {
                let at = push_pointer(pointer, "requestBody");
                let (body, at) = self.request_body(body, &at)?;
                let content = self.content(&body.content, &at, &[op_word.clone(), "Body".to_owned()])?;
                if Content::preferred(&content).is_none() {
                    return Err(Error::invalid(&push_pointer(&at, "content"), "a request body without content"));
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

        let (security, at) = match &op.security {
            Some(own) => (Some(own), pointer.to_owned()),
            None => (self.doc.security.as_ref(), String::new()),
        };
        let schemes = std::mem::take(&mut self.schemes);
        let security = self.requirement(security, &schemes, &at);
        self.schemes = schemes;

        Ok(Operation {
            operation_id: op.operation_id.clone(),
            method: method.clone(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            parameters,
            body,
            responses,
            security,
            pagination: None,
            pointer: pointer.to_owned(),
        })
    }

    pub(super) fn content(
        &mut self,
        content: &'a IndexMap<String, openapiv3::MediaType>,
        pointer: &str,
        words: &[String],
    ) -> Result<Vec<Content>, Error> {
        let mut out = Vec::new();
        for (media_type, media) in content {
            let media_at = push_pointer(&push_pointer(pointer, "content"), media_type);
            let at = push_pointer(&media_at, "schema");
            let ty = match &media.schema {
                Some(schema) => Some(self.use_of(schema, &at, words)?),
                None => None,
            };
            let encoding = media
                .encoding
                .iter()
                .map(|(property, e)| {
                    // openapiv3 reads a missing `explode` as false, so whether the document says
                    // false is read from its text; unsaid, `form` explodes and the others do not.
                    let at = push_pointer(&push_pointer(&push_pointer(&media_at, "encoding"), property), "explode");
                    let stated = self.source.raw.pointer(&at).and_then(serde_json::Value::as_bool);
                    let style = match e.style {
                        Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                        Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                        Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                        Some(openapiv3::QueryStyle::Form) | None => ParamStyle::Form,
                    };
                    PropertyEncoding {
                        property: property.clone(),
                        style,
                        explode: stated.unwrap_or(style == ParamStyle::Form),
                        content_type: e.content_type.clone(),
                        headers: e.headers.keys().cloned().collect(),
                    }
                })
                .collect();
            let mut content = Content { media_type: media_type.clone(), ty, encoding, item: None };
            if content.is_sequential() {
                let source: &'a crate::load::Document = self.source;
                let mut item_words = words.to_vec();
                item_words.push("Item".to_owned());
                content.item = match source.item_schemas.get(&media_at) {
                    Some(item) => Some(self.use_of(item, &push_pointer(&media_at, "itemSchema"), &item_words)?),
                    None => match &content.ty {
                        Some(TypeRef::Array(item)) => Some((**item).clone()),
                        ty => ty.clone(),
                    },
                };
            } else if self.source.item_schemas.contains_key(&media_at) {
                self.warn(
                    &push_pointer(&media_at, "itemSchema"),
                    "`itemSchema` of a media type that is not sequential: ignored",
                );
            }
            out.push(content);
        }
        Ok(out)
    }

    pub(super) fn parameter(
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
        let (ty, content_type) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                (self.use_of(schema, &push_pointer(&pointer, "schema"), &words)?, None)
            }
            ParameterSchemaOrContent::Content(content) => {
                let at = push_pointer(&pointer, "content");
                let content = self.content(content, &pointer, &words)?;
                let Some(chosen) = Content::preferred(&content) else {
                    return Err(Error::invalid(&at, "a parameter whose `content` names no media type"));
                };
                if content.len() > 1 {
                    self.warn(&at, format!("several media types: the parameter is sent as `{}`", chosen.media_type));
                }
                if chosen.kind() != MediaKind::Json {
                    self.warn(
                        &at,
                        format!(
                            "`{}` content: the value is written in the location's default style",
                            chosen.media_type
                        ),
                    );
                }
                let ty = chosen.ty.clone().unwrap_or(TypeRef::Any);
                (ty, (chosen.kind() == MediaKind::Json).then(|| chosen.media_type.clone()))
            }
        };
        // `null` cannot be written in a path, query, header or cookie: a nullable parameter is one
        // that may be left out, which `Parameter::nullable` records.
        let (ty, nullable) = match ty {
            TypeRef::Nullable(inner) => (*inner, true),
            other => (other, false),
        };
        // A path cannot leave a segment out: what the document calls optional is required.
        if location == ParamLocation::Path && !data.required {
            self.warn(&push_pointer(&pointer, "required"), "a path parameter that is not required: read as required");
        }
        Ok(Parameter {
            name: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.clone(),
            ty,
            nullable,
            style,
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            content_type,
            pointer,
        })
    }

    pub(super) fn request_body(
        &self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::RequestBody, String), Error> {
        resolve(body, pointer, "#/components/requestBodies/", |c, n| c.request_bodies.get(n), self.doc)
    }

    pub(super) fn response(
        &self,
        response: &'a ReferenceOr<openapiv3::Response>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Response, String), Error> {
        resolve(response, pointer, "#/components/responses/", |c, n| c.responses.get(n), self.doc)
    }

    pub(super) fn header(
        &self,
        header: &'a ReferenceOr<openapiv3::Header>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Header, String), Error> {
        resolve(header, pointer, "#/components/headers/", |c, n| c.headers.get(n), self.doc)
    }
}

/// A path parameter the template names and the document does not declare: a required string.
fn undeclared_path_parameter(name: &str, pointer: &str) -> Parameter {
    Parameter {
        name: name.to_owned(),
        location: ParamLocation::Path,
        required: true,
        deprecated: false,
        description: None,
        ty: TypeRef::Primitive(Primitive::String),
        nullable: false,
        style: ParamStyle::Simple,
        explode: false,
        content_type: None,
        pointer: pointer.to_owned(),
    }
}

/// What is wrong with a path template, if anything: every `{` must be closed by a `}` before the
/// next `{`, and a placeholder needs a name.
fn template_problem(path: &str) -> Option<&'static str> {
    let mut open = false;
    let mut name = 0;
    for c in path.chars() {
        match (c, open) {
            ('{', true) => return Some("`{` inside a placeholder"),
            ('{', false) => (open, name) = (true, 0),
            ('}', true) if name == 0 => return Some("a placeholder without a name"),
            ('}', true) => open = false,
            ('}', false) => return Some("`}` outside a placeholder"),
            (_, true) => name += 1,
            (_, false) => {}
        }
    }
    open.then_some("unclosed `{`")
}

/// RFC 9110's `tchar`: what a method name may hold.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
