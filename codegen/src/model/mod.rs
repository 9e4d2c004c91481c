//! Stage 2's output: the project's own model of an API, with every `$ref` resolved.
//!
//! It says what the API *is* (operations, parameters, bodies, responses, named types) in the
//! document's own terms — wire names, media types, status codes — and nothing about Rust. Rust names
//! are decided in [`crate::names`], Rust code in [`crate::render`]. `cargo xtask diff` compares two
//! of these.

mod pagination;
mod types;

pub use pagination::*;
pub use types::*;

/// A whole API after lowering.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title`, as written; the generated crate's docs name the API by it.
    pub title: String,
    /// `info.version`: the version of the API itself (not of OpenAPI), as written.
    pub version: String,
    /// `info.description`, Markdown as written; the generated module's docs carry it.
    pub description: Option<String>,
    /// `servers`, in document order. Only the first is used for the client's base URL, and only
    /// when it is an absolute `http://` or `https://` URL.
    pub servers: Vec<Server>,
    /// Every operation under `paths` (3.2's `additionalOperations` included), grouped by path in
    /// document order.
    pub operations: Vec<Operation>,
    /// Every type that needs a name, indexed by [`TypeId`]: component schemas first, in document
    /// order, then inline schemas in the order lowering met them.
    pub types: Vec<TypeDef>,
    /// `components/securitySchemes`, in document order.
    pub security_schemes: Vec<SecurityScheme>,
}

impl Api {
    /// The declaration `id` stands for. Panics on an id that does not index [`Api::types`].
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// What a stream of `content`'s items hands out, for a sequential media type: each line or
    /// record's type (any JSON value when the document gives none); for server-sent events, the
    /// type of an event's `data`: the item's `data` property when the item describes the event
    /// (an object of `data` and only the other event fields, `event`, `id`, `retry`), else the
    /// item, else text. `Primitive::String` data is handed out as the text that arrived.
    pub fn stream_item(&self, content: &Content) -> Option<TypeRef> {
        let sequence = content.sequence()?;
        let Some(item) = &content.item else {
            return Some(match sequence {
                Sequence::Events => TypeRef::Primitive(Primitive::String),
                Sequence::JsonLines | Sequence::JsonSeq => TypeRef::Any,
            });
        };
        if sequence != Sequence::Events {
            return Some(item.clone());
        }
        if let TypeRef::Named(id) = self.resolved(item) {
            if let TypeKind::Struct(s) = &self.type_def(*id).kind {
                let data = s.fields.iter().find(|f| f.name == "data");
                let only_event_fields =
                    s.fields.iter().all(|f| ["data", "event", "id", "retry"].contains(&f.name.as_str()));
                if let (Some(data), true) = (data, only_event_fields) {
                    return Some(match &data.ty {
                        TypeRef::Nullable(inner) => (**inner).clone(),
                        ty => ty.clone(),
                    });
                }
            }
        }
        Some(item.clone())
    }

    /// The struct whose properties are the parts of `op`'s multipart body: when the body sent is
    /// multipart and its schema an object with properties (else the builder takes a raw form).
    pub fn multipart_parts(&self, op: &Operation) -> Option<TypeId> {
        self.parts_of(op.body.as_ref()?.sent()?)
    }

    /// [`Api::multipart_parts`] of the content a body sends.
    pub fn parts_of(&self, content: &Content) -> Option<TypeId> {
        if content.kind() != MediaKind::Multipart {
            return None;
        }
        match self.resolved(content.ty.as_ref()?) {
            TypeRef::Named(id) => match &self.type_def(*id).kind {
                TypeKind::Struct(s) if !s.fields.is_empty() => Some(*id),
                _ => None,
            },
            _ => None,
        }
    }

    /// Follows aliases to the type that is declared (or to a use that is not a named type).
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut ty = ty;
        // An alias chain longer than the number of types is a cycle; it stops where it is.
        for _ in 0..=self.types.len() {
            match ty {
                TypeRef::Named(id) => match &self.type_def(*id).kind {
                    TypeKind::Alias(target) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The first OAuth 2.0 client-credentials flow among the schemes operations use: the client
    /// can then be built with a client id and secret.
    pub fn client_credentials(&self) -> Option<&OAuthFlow> {
        self.used_security_schemes().find_map(|s| match &s.kind {
            SecurityKind::OAuth2 { client_credentials } => client_credentials.as_ref(),
            _ => None,
        })
    }

    /// The security schemes some operation's requirement names, in document order: those a
    /// client can be given credentials for.
    pub fn used_security_schemes(&self) -> impl Iterator<Item = &SecurityScheme> {
        self.security_schemes.iter().filter(|scheme| {
            self.operations.iter().flat_map(|op| op.security.iter().flatten()).any(|u| u.scheme == scheme.name)
        })
    }

    /// The scopes the operations' requirements ask of `scheme`, each once, in document order.
    pub fn scopes_of(&self, scheme: &str) -> Vec<&str> {
        let mut scopes: Vec<&str> = Vec::new();
        let uses = self.operations.iter().flat_map(|op| op.security.iter().flatten()).filter(|u| u.scheme == scheme);
        for scope in uses.flat_map(|u| &u.scopes) {
            if !scopes.contains(&scope.as_str()) {
                scopes.push(scope);
            }
        }
        scopes
    }

    /// Whether values of `ty` are written from their JSON form when sent as a parameter: objects,
    /// unions, maps and free-form values (not scalars, enums or arrays).
    pub fn is_object_like(&self, ty: &TypeRef) -> bool {
        match self.resolved(ty) {
            TypeRef::Named(id) => matches!(self.type_def(*id).kind, TypeKind::Struct(_) | TypeKind::Union(_)),
            TypeRef::Map(_) | TypeRef::Any => true,
            TypeRef::Nullable(inner) => self.is_object_like(inner),
            TypeRef::Primitive(_) | TypeRef::Array(_) => false,
        }
    }
}

/// One entry of `components/securitySchemes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The key under `components/securitySchemes`.
    pub name: String,
    /// `description`, when given; the docs of the scheme's `Client` method show it on one line.
    pub description: Option<String>,
    /// What credential the scheme takes and how it is sent.
    pub kind: SecurityKind,
}

/// A security scheme's `type`, with what a client needs to send its credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    /// `type: http`, with its `scheme` as written (`bearer`, `basic`, `Token`, …; compare without
    /// case).
    Http {
        /// The scheme name as written: `basic` takes a username and password, any other a token
        /// sent after the name in `Authorization`.
        scheme: String,
    },
    /// `type: apiKey`: a key sent as it is, in a header, a query parameter or a cookie.
    ApiKey {
        /// The header, query parameter or cookie name that carries the key.
        name: String,
        /// Where the key goes: `in`, which lowering never sets to [`ParamLocation::Path`].
        location: ParamLocation,
    },
    /// `type: oauth2`: a bearer token. The client-credentials flow is the one a client can run
    /// itself; tokens of the other flows come from the caller.
    OAuth2 {
        /// The `clientCredentials` flow; `None` when the document gives only other flows.
        client_credentials: Option<OAuthFlow>,
    },
    /// `type: openIdConnect`: a bearer token the caller obtains from the provider.
    OpenIdConnect {
        /// `openIdConnectUrl`, as written: the provider's discovery document.
        url: String,
    },
    /// 3.1's `mutualTLS`: a client certificate.
    MutualTls,
}

/// One scheme of a security requirement, with the scopes it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityUse {
    /// The key under `components/securitySchemes`.
    pub scheme: String,
    /// The scopes this requirement asks of the scheme, as written; empty when it asks none.
    pub scopes: Vec<String>,
}

/// An OAuth 2.0 flow that issues tokens at a token URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthFlow {
    /// As written: an absolute URL, or one relative to the server URL.
    pub token_url: String,
    /// The scope names, in document order.
    pub scopes: Vec<String>,
}

/// One entry of the document's `servers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// The URL, with `{name}` placeholders for its variables.
    pub url: String,
    /// `description`, when given.
    pub description: Option<String>,
    /// In document order.
    pub variables: Vec<ServerVariable>,
}

impl Server {
    /// Whether the URL has `{name}` placeholders to fill (a `{` never closed is text): the client
    /// then builds it with `Client::server_url`, else it is `Client::DEFAULT_BASE_URL`.
    pub fn has_variables(&self) -> bool {
        placeholders(&self.url).next().is_some()
    }
}

/// One entry of a server's `variables`: what may fill a `{name}` placeholder of its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVariable {
    /// The placeholder it fills, as written between the braces of [`Server::url`].
    pub name: String,
    /// `default`: the value to use when the caller has no other; the generated docs quote it.
    pub default: String,
    /// The allowed values, when the document restricts them.
    pub values: Vec<String>,
    /// `description`, when given; the docs of `Client::server_url` show it on one line.
    pub description: Option<String>,
}

/// An operation's HTTP method: the key it sits under in its path item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// The path item's `get`.
    Get,
    /// The path item's `put`.
    Put,
    /// The path item's `post`.
    Post,
    /// The path item's `delete`.
    Delete,
    /// The path item's `options`.
    Options,
    /// The path item's `head`.
    Head,
    /// The path item's `patch`.
    Patch,
    /// The path item's `trace`.
    Trace,
    /// OpenAPI 3.2's `query`: a safe, idempotent request with a body.
    Query,
    /// A method of OpenAPI 3.2's `additionalOperations`, as written (an HTTP token, e.g. `LINK`).
    Other(String),
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Query => "QUERY",
            Method::Other(name) => name,
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation of the document: a method on a path template, with what a call sends and what
/// it may receive.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// As written in the document; `None` when the document gives none.
    pub operation_id: Option<String>,
    /// The HTTP method the request is sent with.
    pub method: Method,
    /// The path template, relative to the server URL, e.g. `/reports/{report_id}`.
    pub path: String,
    /// `summary`, when given: the first paragraph of the client method's docs.
    pub summary: Option<String>,
    /// `description`, Markdown as written: the client method's docs, after the summary.
    pub description: Option<String>,
    /// `tags`, in document order; a [`crate::Selection`] by tag picks the operation when one of
    /// them matches.
    pub tags: Vec<String>,
    /// `deprecated: true`: the client method is marked `#[deprecated]` and its docs say so.
    pub deprecated: bool,
    /// Path-level parameters merged with operation-level ones (the latter win), in document order.
    pub parameters: Vec<Parameter>,
    /// The request body, `$ref` followed; `None` when the operation takes none.
    pub body: Option<RequestBody>,
    /// In document order; `default` included.
    pub responses: Vec<Response>,
    /// The effective security requirement (the operation's, else the document's): alternatives in
    /// document order, each the schemes sent together. Empty: no credentials; an empty
    /// alternative: credentials optional. Alternatives naming an undefined scheme are left out.
    pub security: Vec<Vec<SecurityUse>>,
    /// How to page through the results, when the operation is paginated.
    pub pagination: Option<Pagination>,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

impl Operation {
    /// Whether a `3xx` answer is one the operation documents (a login that answers `303`): the
    /// client then hands it back rather than following it.
    pub fn documents_redirects(&self) -> bool {
        self.responses.iter().any(|r| matches!(r.status, Status::Code(300..=399) | Status::Range(3)))
    }

    /// Whether the operation's event streams resume after a break: it declares a `Last-Event-ID`
    /// header parameter (any case), so the API takes the last event ID it sent to continue from.
    pub fn resumes_events(&self) -> bool {
        self.parameters
            .iter()
            .any(|p| p.location == ParamLocation::Header && p.name.eq_ignore_ascii_case("last-event-id"))
    }

    /// The header parameter that carries an idempotency key (`Idempotency-Key`,
    /// `X-Idempotency-Key`, any case, `_` for `-`): the client sends a fresh key when the caller
    /// gives none, and retries a request that has one.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.parameters.iter().filter(|p| p.location == ParamLocation::Header).map(|p| p.name.as_str()).find(|name| {
            let normal = name.to_ascii_lowercase().replace('_', "-");
            normal == "idempotency-key" || normal.ends_with("-idempotency-key")
        })
    }

    /// The word the operation's Rust names come from, and its id in the client's traces: the
    /// operationId, or method and path when the document gives none.
    pub fn word(&self) -> String {
        operation_word(self.operation_id.as_deref(), &self.method, &self.path)
    }

    /// The responses with a 2xx status (exact or range).
    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    /// Every response that is not a success: 4xx, 5xx, other codes and `default`.
    pub fn failures(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }

    /// The rate-limit buckets the operation counts against, as its responses document them: the
    /// prefix of every family of response headers `{prefix}-Remaining` and `{prefix}-Reset` (any
    /// case; `{prefix}-Limit` may go with them), spelled as first written, each once, in document
    /// order. Prefixes that are not HTTP header name tokens are left out.
    pub fn rate_limits(&self) -> Vec<&str> {
        let mut prefixes: Vec<&str> = Vec::new();
        for response in &self.responses {
            let family = |prefix: &str, part: &str| {
                response.headers.iter().any(|h| {
                    h.name.len() == prefix.len() + part.len()
                        && h.name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                        && h.name.get(prefix.len()..).is_some_and(|p| p.eq_ignore_ascii_case(part))
                })
            };
            for header in &response.headers {
                let name = &header.name;
                let Some(prefix) = name.len().checked_sub("-Remaining".len()).and_then(|at| name.get(..at)) else {
                    continue;
                };
                let token = !prefix.is_empty()
                    && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if token
                    && family(prefix, "-Remaining")
                    && family(prefix, "-Reset")
                    && !prefixes.iter().any(|p| p.eq_ignore_ascii_case(prefix))
                {
                    prefixes.push(prefix);
                }
            }
        }
        prefixes
    }

    /// Whether the 2xx responses carry different bodies (types, media kinds, or a body beside
    /// none), so that a call returns one of several types.
    pub fn success_bodies_differ(&self) -> bool {
        let mut bodies = self.successes().map(|r| r.body().map(|c| (c.kind(), &c.ty)));
        match bodies.next() {
            Some(first) => bodies.any(|other| other != first),
            None => false,
        }
    }
}

impl Response {
    /// The content a client decodes: see [`Content::preferred`].
    pub fn body(&self) -> Option<&Content> {
        Content::preferred(&self.content)
    }

    /// What a client decodes the body into ([`Content::decoded`]); `None` without a body.
    pub fn decoded(&self) -> Option<TypeRef> {
        self.body().map(Content::decoded)
    }
}

/// Where a parameter (or an API key) goes in the request: OpenAPI's `in`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// Fills a `{name}` placeholder of the path template; always required.
    Path,
    /// A key of the URL's query string.
    Query,
    /// A request header.
    Header,
    /// A cookie, sent in the `Cookie` request header.
    Cookie,
}

impl ParamLocation {
    /// The location as OpenAPI's `in` spells it (`path`, `query`, `header`, `cookie`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// How a parameter's value is serialized (OpenAPI `style`), with its default already applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    /// `form`: `name=value` pairs, as an HTML form writes them; the default in the query, for
    /// cookies and for form body properties.
    Form,
    /// `simple`: values joined by commas; the default in the path and for headers.
    Simple,
    /// `spaceDelimited`: array items joined by spaces, in the query.
    SpaceDelimited,
    /// `pipeDelimited`: array items joined by `|`, in the query.
    PipeDelimited,
    /// `deepObject`: an object's properties as `name[property]=value` pairs, in the query.
    DeepObject,
    /// `matrix`: `;name=value` path segments.
    Matrix,
    /// `label`: path values each after a `.`.
    Label,
}

/// A parameter of an operation, `$ref` followed, with OpenAPI's defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name on the wire: the placeholder, query key, header or cookie name.
    pub name: String,
    /// Where the value goes (`in`).
    pub location: ParamLocation,
    /// Whether a call must give a value; always true in the path, whatever the document says
    /// (lowering warns when it says otherwise).
    pub required: bool,
    /// `deprecated: true`: the setter of an optional parameter is marked `#[deprecated]`.
    pub deprecated: bool,
    /// `description`, Markdown as written: the docs of the parameter's setter.
    pub description: Option<String>,
    /// Never [`TypeRef::Nullable`]: a nullable schema sets [`Parameter::nullable`] instead.
    pub ty: TypeRef,
    /// The schema allows `null`. A parameter cannot carry `null`, so a nullable parameter may be
    /// left out even when it is required (a required path parameter still cannot).
    pub nullable: bool,
    /// How the value is written (`style`): the location's default when the document gives none.
    pub style: ParamStyle,
    /// With its default already applied (true for `form`, false otherwise).
    pub explode: bool,
    /// For a parameter described by `content` with a JSON media type: that media type. The value
    /// is then sent as compact JSON text, `style` and `explode` do not apply.
    pub content_type: Option<String>,
    /// JSON pointer of the parameter object: where its `$ref` leads, or the operation's own pointer
    /// for a path parameter that only the template names.
    pub pointer: String,
}

impl Parameter {
    /// Whether a call may leave the parameter out: it is not required, or it is nullable and not
    /// in the path.
    pub fn may_be_absent(&self) -> bool {
        !self.required || (self.nullable && self.location != ParamLocation::Path)
    }
}

/// An operation's `requestBody`, `$ref` followed.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// `required: true`: the client method takes the body as an argument; otherwise the request
    /// builder has a setter for it and the request may go without one.
    pub required: bool,
    /// `description`, when given: the docs of the body's setter, for an optional body.
    pub description: Option<String>,
    /// The media types offered, in document order.
    pub content: Vec<Content>,
}

/// One media type of a body's, parameter's or response's `content`, with its schema lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    /// The key under `content`, as written (parameters such as `; charset=utf-8` included).
    pub media_type: String,
    /// `None` when the media type has no schema.
    pub ty: Option<TypeRef>,
    /// A sequential media type's item (OpenAPI 3.2 `itemSchema`, or the `schema` of
    /// `text/event-stream`, `application/jsonl`, `application/x-ndjson`, `application/json-seq`
    /// when no `itemSchema` is given, its `items` when it is an array): the type of each event,
    /// line or record. A success body of one is a stream of these ([`Api::stream_item`]).
    pub item: Option<TypeRef>,
    /// For form and multipart bodies: how properties are written, where the document says
    /// (its `encoding` object), in document order.
    pub encoding: Vec<PropertyEncoding>,
}

/// One entry of a media type's `encoding`: how one property of a form body is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyEncoding {
    /// The property name on the wire.
    pub property: String,
    /// With OpenAPI's defaults applied (`form`; explode true for `form`).
    pub style: ParamStyle,
    /// Whether arrays and objects are written as one pair per item; always true for `form`, because
    /// openapiv3 reads a missing `explode` as false.
    pub explode: bool,
    /// `contentType`, when the document gives one (`application/json` sends the property as JSON text).
    pub content_type: Option<String>,
    /// For multipart bodies: the names of the part headers the document lists (`headers`).
    pub headers: Vec<String>,
}

impl Content {
    /// Media types whose body is a sequence of items, each decoded on its own.
    pub const SEQUENTIAL: &'static [&'static str] =
        &["text/event-stream", "application/jsonl", "application/x-ndjson", "application/json-seq"];

    /// Whether this is one of [`Content::SEQUENTIAL`].
    pub fn is_sequential(&self) -> bool {
        self.sequence().is_some()
    }

    /// How a body of one of [`Content::SEQUENTIAL`] frames its items; `None` for other media types.
    pub fn sequence(&self) -> Option<Sequence> {
        let essence = self.media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/event-stream" => Some(Sequence::Events),
            "application/jsonl" | "application/x-ndjson" => Some(Sequence::JsonLines),
            "application/json-seq" => Some(Sequence::JsonSeq),
            _ => None,
        }
    }

    /// The family of [`Content::media_type`], see [`MediaKind::of`].
    pub fn kind(&self) -> MediaKind {
        MediaKind::of(&self.media_type)
    }

    /// What a client decodes this content into: the schema's type for JSON (any JSON value when
    /// it gives none), a string for text, bytes for anything else.
    pub fn decoded(&self) -> TypeRef {
        match self.kind() {
            MediaKind::Json => self.ty.clone().unwrap_or(TypeRef::Any),
            MediaKind::Text => TypeRef::Primitive(Primitive::String),
            MediaKind::FormUrlEncoded | MediaKind::Multipart | MediaKind::Binary => {
                TypeRef::Primitive(Primitive::Binary)
            }
        }
    }

    /// Of the media types a body offers, the one a client encodes or decodes: the first JSON
    /// one, else the first listed.
    pub fn preferred(content: &[Content]) -> Option<&Content> {
        content.iter().find(|c| c.kind() == MediaKind::Json).or(content.first())
    }
}

impl RequestBody {
    /// The content the client sends: see [`Content::preferred`].
    pub fn sent(&self) -> Option<&Content> {
        Content::preferred(&self.content)
    }
}

/// How a sequential body separates its items (a success body of one is a stream of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sequence {
    /// `text/event-stream`: server-sent events, each item an event's `data`.
    Events,
    /// `application/jsonl`, `application/x-ndjson`: one JSON text a line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): JSON texts each after an RS byte.
    JsonSeq,
}

/// The families of media types that decide how a body is encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// `application/json` and every `+json` suffix (`application/hal+json`, `application/problem+json`).
    Json,
    /// `application/x-www-form-urlencoded`: properties as `name=value` pairs.
    FormUrlEncoded,
    /// Any `multipart/*` type: each property a part of its own.
    Multipart,
    /// Any other `text/*` type: the body is a string.
    Text,
    /// Every other media type: the body is raw bytes.
    Binary,
}

impl MediaKind {
    /// The family of a media type, judged by its essence (parameters dropped, in any case);
    /// `text/json` counts as JSON.
    pub fn of(media_type: &str) -> MediaKind {
        let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        // `text/json` is JSON under an old name (ASP.NET documents and datadog's metrics intake
        // use it); sent as text, a body would reach the server as a JSON string.
        if essence == "application/json" || essence == "text/json" || essence.ends_with("+json") {
            MediaKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::FormUrlEncoded
        } else if essence.starts_with("multipart/") {
            MediaKind::Multipart
        } else if essence.starts_with("text/") {
            MediaKind::Text
        } else {
            MediaKind::Binary
        }
    }
}

/// What a response answers: the key it sits under in `responses`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// One status code, e.g. `404`.
    Code(u16),
    /// `1XX`..`5XX`: the first digit.
    Range(u16),
    /// `default`: every status the other responses do not list.
    Default,
}

/// As OpenAPI writes it: `200`, `2XX`, `default`.
impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Status {
    /// Whether the status is a 2xx one (a code, or the `2XX` range); `default` never is.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }
}

/// One entry of an operation's `responses`, `$ref` followed.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The status code, range or `default` the response is for.
    pub status: Status,
    /// `description` (OpenAPI requires one; it may be empty): the generated docs label the response
    /// with it.
    pub description: String,
    /// The media types the body may come in, in document order; empty when there is no body.
    pub content: Vec<Content>,
    /// The headers the document lists for the response, in document order.
    pub headers: Vec<Header>,
}

/// A header the document lists for a response.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The header name as written (its key under `headers`); header names compare without case.
    pub name: String,
    /// `description`, when given.
    pub description: Option<String>,
    /// `required: true`: the header comes with every such response.
    pub required: bool,
    /// The type of the header's value: its schema's; a header given by `content` is a string.
    pub ty: TypeRef,
}

/// See [`Operation::word`].
pub fn operation_word(operation_id: Option<&str>, method: &Method, path: &str) -> String {
    operation_id.map_or_else(|| format!("{} {path}", method.as_str().to_lowercase()), str::to_owned)
}

/// A piece of a `{name}` template: a path such as `/reports/{report_id}` or a server URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplatePart<'t> {
    /// Text between placeholders, as written.
    Literal(&'t str),
    /// A `{name}` placeholder, by name.
    Placeholder(&'t str),
}

/// Splits a template into literal text and `{name}` placeholders, in order. A `{` that is never
/// closed is literal text (lowering rejects such paths; server URLs are kept as written).
pub fn template_parts(template: &str) -> Vec<TemplatePart<'_>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else { break };
        if start > 0 {
            parts.push(TemplatePart::Literal(&rest[..start]));
        }
        parts.push(TemplatePart::Placeholder(&rest[start + 1..start + length]));
        rest = &rest[start + length + 1..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest));
    }
    parts
}

/// The placeholder names of a template, in order (repeats included).
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template_parts(template).into_iter().filter_map(|part| match part {
        TemplatePart::Placeholder(name) => Some(name),
        TemplatePart::Literal(_) => None,
    })
}
