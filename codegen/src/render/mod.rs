//! Stage 4: [`Api`] + [`Names`] → Rust source. Builds token streams with `quote`, parses them
//! with `syn` and prints them with `prettyplease`; the header line is prepended as text.

pub(crate) mod builder;
pub(crate) mod client;
mod complexity;
mod docs;
mod html;
pub(crate) mod mock;
mod multipart;
mod paginate;
pub(crate) mod security;
mod size;
mod streams;
mod tuple;
pub(crate) mod types;
mod union;
mod wire;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::error::Error;
use crate::model::*;
use crate::names::Names;
use crate::{GeneratedFile, Options};

pub(crate) use docs::{code, doc, inner_doc, labelled, spec_line, spec_text, url_text};

/// Renders the files of one API module: `mod.rs` (or `lib.rs`), `types.rs`, `client.rs`,
/// `builder.rs` and `mock.rs` (declared behind the `mock` feature); the same text as [`tokens`]
/// followed by [`format_files`].
///
/// The work is cut into pieces (`types.rs` in runs of `CHUNK` types, the client files, the root
/// file) that every core takes from one queue; each piece is built and formatted on the thread
/// that takes it (token streams cannot cross threads), and the pieces are joined in order, so the
/// output does not depend on the threads. prettyplease formats each item on its own, which is why
/// a file formatted in pieces is the file formatted whole. A panic in a thread reaches the caller
/// as a panic (which [`crate::generate`] turns into an error).
pub fn render(api: &Api, names: &Names, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let pieces = pieces(api);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(pieces.len());
    let mut done: Vec<(usize, Vec<(&'static str, String)>)> = std::thread::scope(|scope| {
        let running: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let cx = Cx::new(api, names, options)?;
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(piece) = pieces.get(i) else { break };
                        let formatted = piece_tokens(&cx, piece)?
                            .into_iter()
                            .map(|file| Ok((file.path, formatted(file.tokens, file.path)?)))
                            .collect::<Result<Vec<_>, Error>>()?;
                        mine.push((i, formatted));
                    }
                    Ok::<_, Error>(mine)
                })
            })
            .collect();
        let mut done = Vec::new();
        for thread in running {
            match thread.join() {
                Ok(mine) => done.extend(mine?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok::<_, Error>(done)
    })?;
    done.sort_by_key(|(i, _)| *i);
    // Pieces of one file, joined in order: each ends with an item and the next starts with one,
    // which a blank line separates, as in a file formatted whole.
    let mut files: Vec<(&'static str, String)> = Vec::new();
    for (path, code) in done.into_iter().flat_map(|(_, piece)| piece) {
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, text)) if !code.is_empty() => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&code);
            }
            Some(_) => {}
            None => files.push((path, code)),
        }
    }
    // In the order of `tokens`: the root file (`mod.rs` or `lib.rs`), then the others.
    let rank = |path: &str| {
        ["types.rs", "client.rs", "builder.rs", "mock.rs"].iter().position(|p| *p == path).map_or(0, |i| i + 1)
    };
    files.sort_by_key(|(path, _)| rank(path));
    Ok(files.into_iter().map(|(path, code)| with_header(options, path, &code)).collect())
}

/// Types (or operations' error and success enums) per piece of `types.rs`.
const CHUNK: usize = 48;

/// A part of the output that one thread builds and formats.
enum Piece {
    /// `mod.rs` or `lib.rs`.
    Root,
    /// `client.rs`, `builder.rs`, `mock.rs`.
    Clients,
    /// The start of `types.rs`: its doc and imports.
    TypesHeader,
    /// The declarations of these types.
    Types(std::ops::Range<usize>),
    /// The error and success enums of these operations.
    OperationEnums(std::ops::Range<usize>),
}

/// The pieces in output order, the client files (the largest piece) first.
fn pieces(api: &Api) -> Vec<Piece> {
    let runs = |n: usize| (0..n).step_by(CHUNK).map(move |start| start..(start + CHUNK).min(n));
    let mut pieces = vec![Piece::Clients, Piece::Root, Piece::TypesHeader];
    pieces.extend(runs(api.types.len()).map(Piece::Types));
    pieces.extend(runs(api.operations.len()).map(Piece::OperationEnums));
    pieces
}

fn piece_tokens(cx: &Cx, piece: &Piece) -> Result<Vec<Unformatted>, Error> {
    let types = |tokens| Ok(vec![Unformatted { path: "types.rs", tokens }]);
    match piece {
        Piece::Root => Ok(vec![root_file(cx)]),
        Piece::Clients => client_files(cx),
        Piece::TypesHeader => types(types::header(cx)),
        Piece::Types(range) => types(types::type_items(cx, range.clone())),
        Piece::OperationEnums(range) => types(types::operation_items(cx, range.clone())),
    }
}

/// One file of an API module before formatting.
#[derive(Clone, Debug)]
pub struct Unformatted {
    pub path: &'static str,
    pub tokens: TokenStream,
}

/// The token streams of the module's files, on this thread (stage 4a; [`format_files`] is 4b).
/// Split from formatting so the benchmark can time the two apart.
pub fn tokens(api: &Api, names: &Names, options: &Options) -> Result<Vec<Unformatted>, Error> {
    let cx = Cx::new(api, names, options)?;
    Ok([vec![root_file(&cx), types_file(&cx)?], client_files(&cx)?].concat())
}

fn root_file(cx: &Cx) -> Unformatted {
    Unformatted { path: if cx.options.standalone { "lib.rs" } else { "mod.rs" }, tokens: module_root(cx) }
}

fn types_file(cx: &Cx) -> Result<Unformatted, Error> {
    Ok(Unformatted { path: "types.rs", tokens: types::render(cx)? })
}

fn client_files(cx: &Cx) -> Result<Vec<Unformatted>, Error> {
    let requests: Vec<builder::Request> = cx
        .api
        .operations
        .iter()
        .zip(&cx.names.operations)
        .map(|(op, names)| builder::Request::new(cx, op, names))
        .collect::<Result<_, _>>()?;
    Ok(vec![
        Unformatted { path: "client.rs", tokens: client::render(cx, &requests) },
        Unformatted { path: "builder.rs", tokens: builder::render(cx, &requests)? },
        Unformatted { path: "mock.rs", tokens: mock::render(cx, &requests) },
    ])
}

/// Parses each file's tokens with `syn`, prints them with `prettyplease`, spaces the items and
/// prepends the "generated, do not edit" header.
pub fn format_files(files: Vec<Unformatted>, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    files.into_iter().map(|file| Ok(with_header(options, file.path, &formatted(file.tokens, file.path)?))).collect()
}

/// The tokens of (part of) a file, formatted and spaced.
fn formatted(tokens: TokenStream, path: &str) -> Result<String, Error> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    Ok(space_items(&format(tokens, path)?))
}

/// A file with the "generated, do not edit" header in front of its code.
fn with_header(options: &Options, path: &str, code: &str) -> GeneratedFile {
    let header = format!(
        "// @generated by `{}` from {}. Do not edit: change the spec and regenerate.\n",
        options.command, options.source
    );
    GeneratedFile { path: path.to_owned(), contents: format!("{header}\n{code}") }
}

/// What every rendering function reads.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    pub names: &'a Names,
    pub options: &'a Options,
    /// [`Options::runtime_path`], parsed.
    pub runtime: syn::Path,
    /// By [`TypeId`]: the strongly connected component of the type in the graph of direct
    /// containment (fields and variants, not through `Vec` or maps); see [`Cx::needs_box`].
    pub cycles: Vec<usize>,
    /// Estimated sizes of the named types, as `render::size` computes them.
    sizes: size::Sizes,
    /// How operations use each type: a struct only responses carry takes its nullable required
    /// fields through setters ([`crate::model::Field::in_constructor`]).
    pub uses: crate::model::Uses,
}

impl<'a> Cx<'a> {
    fn new(api: &'a Api, names: &'a Names, options: &'a Options) -> Result<Self, Error> {
        let runtime = syn::parse_str(&options.runtime_path)
            .map_err(|e| Error::Internal { message: format!("runtime path `{}`: {e}", options.runtime_path) })?;
        let uses = crate::model::Uses::of(api);
        Ok(Cx { api, names, options, runtime, cycles: cycle_groups(api), sizes: size::Sizes::default(), uses })
    }

    /// Whether `owner` holding `ty` directly would make a type of infinite size: `ty` leads back
    /// to `owner`. Such fields and variants are boxed.
    pub fn needs_box(&self, owner: TypeId, ty: &TypeRef) -> bool {
        match direct_target(ty) {
            Some(target) => self.cycles[target.0] == self.cycles[owner.0],
            None => false,
        }
    }

    pub fn type_ident(&self, id: TypeId) -> Ident {
        ident(&self.names.types[id.0])
    }

    /// Follows aliases to the type that is declared: [`Api::resolved`].
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        self.api.resolved(ty)
    }

    /// The Rust type of `ty`; named types are prefixed with `prefix` (e.g. `types::`).
    pub fn rust_type(&self, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
        type_tokens(self.names, ty, prefix)
    }
}

/// How a setter or constructor takes a value of `ty`, held as `held`: the argument type and the
/// conversion applied to it. Strings and boxes take `impl Into<…>` (so `&str` and an unboxed value
/// do); everything else its own type, so literals, `parse()` and `collect()` infer.
pub(crate) fn argument(ty: &TypeRef, held: TokenStream, boxed: bool) -> (TokenStream, TokenStream) {
    if boxed || matches!(ty, TypeRef::Primitive(Primitive::String)) {
        (quote!(impl Into<#held>), quote!(.into()))
    } else {
        (held, quote!())
    }
}

/// [`Cx::rust_type`], which needs only the names.
fn type_tokens(names: &Names, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&names.types[id.0]);
            quote!(#prefix #name)
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(item) => {
            let item = type_tokens(names, item, prefix);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(names, value, prefix);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(names, inner, prefix);
            quote!(Option<#inner>)
        }
    }
}

/// The Rust type of `ty` as text, spelled as the generated client and builders write it (outside
/// the `types` module): `Vec<types::Item>`, `Option<chrono::DateTime<chrono::Utc>>`. The same
/// code as the generated files, for tools that name types to people (`cargo xtask diff`).
pub fn rust_type_text(names: &Names, ty: &TypeRef) -> String {
    let text = type_tokens(names, ty, &quote!(types::)).to_string();
    // `Vec < types :: Item >` as people write it: no spaces, but one after each comma.
    text.split_whitespace().collect::<String>().replace(',', ", ")
}

/// The Rust type of a response body: the schema's type for JSON, `String` for text, bytes
/// otherwise.
pub(crate) fn body_type(cx: &Cx, content: &Content, prefix: &TokenStream) -> TokenStream {
    match content.kind() {
        MediaKind::Json => match &content.ty {
            Some(ty) => cx.rust_type(ty, prefix),
            None => quote!(serde_json::Value),
        },
        MediaKind::Text => quote!(String),
        MediaKind::FormUrlEncoded | MediaKind::Multipart | MediaKind::Binary => quote!(bytes::Bytes),
    }
}

/// Whether `ty` names a type of the `types` module (so a file needs `use super::types`).
pub(crate) fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => mentions_named(inner),
        TypeRef::Primitive(_) | TypeRef::Any => false,
    }
}

/// How a generated method named after the document takes `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// `&self`: the `Client` methods.
    Ref,
    /// `self` (of a type that is not `Copy`): the builders' setters.
    Value,
}

/// Allowances for a method whose name, taken from the document, clippy reads as a promise the
/// method does not keep; nothing otherwise. The name is the API's, so it stays, and each
/// allowance covers that one method:
/// - `wrong_self_convention`: `from_*` takes no `self`, `into_*` takes `self`, `as_*`, `is_*` and
///   `to_*` a reference, `*_mut` a `&mut self`;
/// - `should_implement_trait`: the name and shape of a std trait's method, which clippy would
///   have implemented instead (a setter `sub(self, value) -> Self` is `Sub::sub`'s shape, a
///   `Client` method `cmp(&self, x)` is `Ord::cmp`'s). `arguments` counts those besides `self`.
pub(crate) fn self_convention(name: &str, receiver: Receiver, arguments: usize) -> TokenStream {
    const OPERATORS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];
    let name = name.trim_start_matches("r#");
    let breaks = name.starts_with("from_")
        || name.ends_with("_mut")
        || match receiver {
            Receiver::Ref => name.starts_with("into_"),
            Receiver::Value => ["as_", "is_", "to_"].iter().any(|prefix| name.starts_with(prefix)),
        };
    let trait_like = arguments == 1
        && match receiver {
            Receiver::Ref => name == "cmp",
            Receiver::Value => OPERATORS.contains(&name),
        };
    let convention = breaks.then(|| quote!(#[allow(clippy::wrong_self_convention)]));
    let trait_like = trait_like.then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote!(#convention #trait_like)
}

/// Clippy's default `too-many-arguments-threshold`: a function with more arguments (`self`
/// included) is flagged.
const MAX_ARGUMENTS: usize = 7;

/// `#[allow(clippy::too_many_arguments)]` on a generated function with more than clippy's limit of
/// `count` arguments (`self` included): its limit is a style rule for hand-written calls, and a
/// schema or operation with that many required values gets them all, named.
pub(crate) fn many_arguments(count: usize) -> Option<TokenStream> {
    (count > MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The pattern of the arm for a status range (`4XX`) when arms for the exact codes in `exact`
/// come before it: the range without those codes (`400..=403 | 405..=499` beside `404`), since
/// clippy reads a code inside a later range as an overlap. `None` when nothing is left.
pub(crate) fn range_pattern(first_digit: u16, exact: &[u16]) -> Option<TokenStream> {
    let (low, high) = (first_digit * 100, first_digit * 100 + 99);
    let mut taken: Vec<u16> = exact.iter().copied().filter(|c| (low..=high).contains(c)).collect();
    taken.sort_unstable();
    taken.dedup();
    let mut parts = Vec::new();
    let mut start = low;
    for code in taken.into_iter().chain([high + 1]) {
        if code > start {
            let (first, last) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(code - 1));
            parts.push(if start == code - 1 { quote!(#first) } else { quote!(#first..=#last) });
        }
        start = code + 1;
    }
    (!parts.is_empty()).then(|| quote!(#(#parts)|*))
}

/// A generator bug: what the renderer met that lowering should have ruled out or shaped.
pub(crate) fn internal(message: impl Into<String>) -> Error {
    Error::Internal { message: message.into() }
}

/// A `{name}` template (a path or a server URL) as a `format!` string with `{}` for each
/// placeholder, and the placeholder names in order.
pub(crate) fn format_template(template: &str) -> (String, Vec<&str>) {
    let mut format = String::new();
    let mut names = Vec::new();
    for part in template_parts(template) {
        match part {
            TemplatePart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePart::Placeholder(name) => {
                format.push_str("{}");
                names.push(name);
            }
        }
    }
    (format, names)
}

/// The named type a field or variant of type `ty` holds inline (not behind a `Vec` or a map).
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Strongly connected components (Tarjan) of the direct-containment graph, by type. Two types in
/// one component hold each other; a field whose target is its owner is a self-edge.
fn cycle_groups(api: &Api) -> Vec<usize> {
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let held: Vec<&TypeRef> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().collect(),
                TypeKind::Tuple(t) => t.items.iter().collect(),
                TypeKind::Alias(target) => vec![target],
                TypeKind::Enum(_) | TypeKind::IntEnum(_) => Vec::new(),
            };
            held.into_iter().filter_map(direct_target).map(|id| id.0).collect()
        })
        .collect();
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut components = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // Iterative depth-first search: (node, next edge to follow).
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(String),
        Primitive::Boolean => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Primitive::Date => quote!(chrono::NaiveDate),
        Primitive::Uuid => quote!(uuid::Uuid),
        Primitive::Binary => quote!(Vec<u8>),
    }
}

fn module_root(cx: &Cx) -> TokenStream {
    let api = cx.api;
    let mut text = format!("{}, version {}.", spec_line(api.title.trim_end_matches('.')), spec_line(&api.version));
    if let Some(description) = &api.description {
        text.push_str("\n\n");
        text.push_str(&spec_text(description));
    }
    text.push_str(&format!(
        "\n\nGenerated from `{}`: [`Client`] sends the requests, [`builder`] holds one request builder \
         per operation and [`types`] the data types. With the `mock` feature, `mock` has a fake \
         server of the API for tests.",
        cx.options.source
    ));
    let docs = inner_doc(&text);
    // A standalone crate re-exports the crates whose types its signatures use, as usage-client
    // does, so its users need not list them.
    let runtime = cx.options.standalone.then(|| {
        quote!(
            pub mod runtime;

            pub use {bytes, chrono, reqwest, serde_json, uuid};
        )
    });
    quote! {
        #docs
        pub mod builder;
        mod client;
        #[cfg(feature = "mock")]
        pub mod mock;
        #runtime
        pub mod types;

        pub use client::Client;
    }
}

/// An identifier; raw identifiers (`r#type`) included.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// prettyplease prints items back to back; a blank line between items (top level and inside
/// `impl` blocks), as people write them, makes the output readable. Consecutive `use` lines and
/// struct fields stay together.
fn space_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] =
        &["///", "#[", "#!", "pub ", "impl", "fn ", "async fn", "const ", "use ", "mod ", "enum ", "struct ", "type "];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if let Some(prev) = previous {
            let prev_indent = prev.len() - prev.trim_start().len();
            let prev = prev.trim_start();
            // A doc line ending in `;` or `{}` (`/// let x = 1;`) ends nothing.
            let code = !prev.starts_with("//");
            let item_ended =
                prev == "}" || (code && (prev.ends_with(" {}") || prev.ends_with(';'))) || prev.starts_with("//!");
            let both_use = prev.starts_with("use ") && trimmed.starts_with("use ");
            let starts_item = ITEM_STARTS.iter().any(|s| trimmed.starts_with(s)) && !trimmed.starts_with("//!");
            if (indent == 0 || indent == 4) && prev_indent == indent && item_ended && starts_item && !both_use {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// Formats one file; tokens that do not parse are a generator bug, reported with the file name.
/// Items whose types clippy would call too complex get their allowance here, from the parsed
/// file (`complexity.rs`).
fn format(tokens: TokenStream, path: &str) -> Result<String, Error> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Internal { message: format!("generated {path} does not parse: {e}") })?;
    complexity::allow_where_complex(&mut file);
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{range_pattern, rust_type_text};
    use crate::model::{Primitive, TypeId, TypeRef};
    use crate::names::Names;

    #[test]
    fn rust_type_text_is_spelled_as_in_the_client() {
        let names = Names {
            types: vec!["Item".to_owned()],
            members: Vec::new(),
            operations: Vec::new(),
            server_variables: Vec::new(),
            security_schemes: Vec::new(),
        };
        let text = |ty: TypeRef| rust_type_text(&names, &ty);
        let boxed = Box::new;
        assert_eq!(text(TypeRef::Array(boxed(TypeRef::Named(TypeId(0))))), "Vec<types::Item>");
        assert_eq!(
            text(TypeRef::Nullable(boxed(TypeRef::Primitive(Primitive::DateTime)))),
            "Option<chrono::DateTime<chrono::Utc>>"
        );
        assert_eq!(
            text(TypeRef::Map(boxed(TypeRef::Array(boxed(TypeRef::Any))))),
            "std::collections::BTreeMap<String, Vec<serde_json::Value>>"
        );
        assert_eq!(text(TypeRef::Primitive(Primitive::Binary)), "Vec<u8>");
    }

    /// Two small documents between them make the renderer emit every fixed item: a server URL with
    /// variables (`server_url`) and one without (`DEFAULT_BASE_URL`), a paginated operation
    /// (`pages`, `stream`, `fetch_page`) and one with a body.
    const DOCUMENTS: [&str; 5] = [
        r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/up": {"post": {"operationId": "up", "requestBody": {"required": true, "content":
              {"multipart/form-data": {"schema": {"type": "object", "required": ["f"], "properties": {
                "f": {"type": "string", "format": "binary"}, "n": {"type": "integer"},
                "fs": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
              "responses": {"200": {"description": "ok", "content": {"application/x-ndjson": {"schema":
                {"type": "object", "properties": {"a": {"type": "string"}}}}}}}}},
              "/bin": {"put": {"operationId": "bin", "requestBody": {"content":
                {"application/octet-stream": {}}},
              "responses": {"200": {"description": "ok", "content": {"text/event-stream": {"schema":
                {"type": "object", "properties": {"a": {"type": "string"}}}}}}}}}}}"#,
        r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "servers": [{"url": "https://{host}/v1", "variables": {"host": {"default": "h"}}}],
            "paths": {"/items": {"get": {"operationId": "list",
              "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
              "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}},
                "_links": {"type": "object", "properties": {"next": {"type": "object",
                  "properties": {"href": {"type": "string"}}}}}}}}}}}}}}}"#,
        r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "servers": [{"url": "https://api.example.test"}],
            "paths": {"/items": {"post": {"operationId": "create", "requestBody": {"content":
              {"application/json": {"schema": {"type": "string"}}}},
              "responses": {"204": {"description": "done"}}}}}}"#,
        r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "servers": [{"url": "https://api.example.test"}],
            "paths": {"/file": {"get": {"operationId": "download",
              "responses": {"200": {"description": "bytes", "content":
                {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}}}}"#,
        // Every kind of type, error and success enums, with every name they could clash with.
        r##"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/things": {"post": {"operationId": "make",
              "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded":
                {"schema": {"$ref": "#/components/schemas/Thing"}}}},
              "responses": {
                "200": {"description": "a", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                "201": {"description": "b", "content": {"text/plain": {"schema": {"type": "string"}}}},
                "202": {"description": "c", "content": {"application/octet-stream": {}}},
                "204": {"description": "d"},
                "404": {"description": "e"},
                "4XX": {"description": "f", "content": {"text/plain": {"schema": {"type": "string"}}}},
                "5XX": {"description": "g", "content": {"application/octet-stream": {}}},
                "default": {"description": "h", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Level"}}}}}}}},
            "components": {"schemas": {
              "Thing": {"type": "object", "required": ["a", "b", "c", "d", "e", "f", "g", "h"], "additionalProperties": true,
                "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"$ref": "#/components/schemas/Thing"},
                  "d": {"type": "string", "format": "date-time", "nullable": true}, "e": {"type": "array", "items": {"type": "number"}},
                  "f": {"type": "string", "format": "uuid"}, "g": {"type": "string", "format": "date"}, "h": {}, "i": {"type": "boolean"}}},
              "Kind": {"type": "string", "enum": ["a"]},
              "Level": {"type": "integer", "enum": [1]},
              "Pet": {"oneOf": [{"$ref": "#/components/schemas/Thing"}, {"$ref": "#/components/schemas/Kind"}],
                "discriminator": {"propertyName": "k"}},
              "Loose": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Level"}]},
              "Alias": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}}}}}"##,
    ];

    fn files(document: &str) -> (crate::model::Api, crate::names::Names, Vec<crate::GeneratedFile>) {
        let doc = crate::parse(document).expect("parses");
        let (api, _) = crate::lower::lower(&doc).expect("lowers");
        let names = crate::names::names(&api);
        let files = super::render(&api, &names, &crate::Options::module("t.json", "t")).expect("renders");
        (api, names, files)
    }

    fn parsed(files: &[crate::GeneratedFile], path: &str) -> syn::File {
        let file = files.iter().find(|f| f.path == path).expect("rendered");
        syn::parse_file(&file.contents).expect("valid Rust")
    }

    fn fn_names(items: &[syn::ImplItem]) -> impl Iterator<Item = String> + '_ {
        items.iter().filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
    }

    /// `names` keeps the document's names off the items generated code gives `Client` and the
    /// builders; the lists it uses are the renderer's, and this checks they are complete.
    #[test]
    fn the_reserved_lists_are_what_the_renderer_emits() {
        let derived = ["clone", "fmt"];
        let (mut client_items, mut builder_members) = (BTreeSet::new(), BTreeSet::new());
        for document in DOCUMENTS {
            let (api, names, files) = files(document);
            let schemes = names.security_schemes.iter().map(|(_, method)| method.clone());
            let operations: BTreeSet<String> =
                names.operations.iter().map(|o| o.method.clone()).chain(schemes).collect();
            for item in parsed(&files, "client.rs").items {
                if let syn::Item::Impl(block) = item {
                    client_items.extend(fn_names(&block.items).filter(|name| !operations.contains(name)));
                }
            }
            let own: BTreeSet<String> = names
                .operations
                .iter()
                .zip(&api.operations)
                .flat_map(|(o, op)| {
                    let maybe = o.maybe.iter().flatten().cloned();
                    o.parameters.iter().cloned().chain(op.body.as_ref().map(|_| o.body.clone())).chain(maybe)
                })
                .collect();
            for item in parsed(&files, "builder.rs").items {
                match item {
                    syn::Item::Struct(s) => {
                        builder_members.extend(s.fields.iter().filter_map(|f| f.ident.as_ref()).map(|i| i.to_string()))
                    }
                    syn::Item::Impl(block) => builder_members.extend(fn_names(&block.items)),
                    _ => {}
                }
            }
            builder_members.retain(|name| !own.contains(name));
        }
        client_items.extend(derived.map(str::to_owned));
        builder_members.extend(derived.map(str::to_owned));
        assert_eq!(client_items, super::client::ITEMS.iter().map(|s| s.to_string()).collect());
        assert_eq!(builder_members, super::builder::MEMBERS.iter().map(|s| s.to_string()).collect());
    }

    #[test]
    fn status_ranges_leave_out_the_exact_codes_matched_before_them() {
        let text = |exact: &[u16]| range_pattern(4, exact).map(|p| p.to_string());
        assert_eq!(text(&[]).as_deref(), Some("400 ..= 499"));
        assert_eq!(text(&[404, 400, 200, 404]).as_deref(), Some("401 ..= 403 | 405 ..= 499"));
        assert_eq!(text(&[498, 499]).as_deref(), Some("400 ..= 497"));
        assert_eq!(text(&[401, 403]).as_deref(), Some("400 | 402 | 404 ..= 499"));
        assert_eq!(text(&(400..500).collect::<Vec<u16>>()), None);
    }

    /// The names a file uses unqualified where a type or trait is meant (`Send` in `impl Stream +
    /// Send`, `String` in `String::deserialize`), less those it declares itself (its types and
    /// generic parameters): an item of the same name in its module would stand for them instead.
    fn used_unqualified(file: &syn::File) -> BTreeSet<String> {
        use syn::visit::Visit;
        #[derive(Default)]
        struct Uses {
            used: BTreeSet<String>,
            declared: BTreeSet<String>,
        }
        impl Uses {
            fn single(&mut self, path: &syn::Path) {
                if path.leading_colon.is_none() && path.segments.len() == 1 {
                    self.used.insert(path.segments[0].ident.to_string());
                }
            }
        }
        impl<'ast> Visit<'ast> for Uses {
            // The first segment of a longer path names a type or module (`Self::A`, `String::new`);
            // a single segment in an expression is a value (`Some`, `Ok`, a local) and stays out.
            fn visit_path(&mut self, path: &'ast syn::Path) {
                if path.leading_colon.is_none() && path.segments.len() > 1 {
                    self.used.insert(path.segments[0].ident.to_string());
                }
                syn::visit::visit_path(self, path);
            }
            fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
                self.single(&ty.path);
                syn::visit::visit_type_path(self, ty);
            }
            fn visit_trait_bound(&mut self, bound: &'ast syn::TraitBound) {
                self.single(&bound.path);
                syn::visit::visit_trait_bound(self, bound);
            }
            fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
                if let Some((path, _)) = &item.trait_ {
                    self.single(path);
                }
                syn::visit::visit_item_impl(self, item);
            }
            fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
                self.declared.insert(item.ident.to_string());
                syn::visit::visit_item_struct(self, item);
            }
            fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
                self.declared.insert(item.ident.to_string());
                syn::visit::visit_item_enum(self, item);
            }
            fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
                self.declared.insert(item.ident.to_string());
                syn::visit::visit_item_type(self, item);
            }
            fn visit_type_param(&mut self, param: &'ast syn::TypeParam) {
                self.declared.insert(param.ident.to_string());
                syn::visit::visit_type_param(self, param);
            }
        }
        let mut uses = Uses::default();
        uses.visit_file(file);
        // Lowercase names are modules, primitives and locals: schemas and builders are UpperCamelCase.
        let upper = |name: &String| name.starts_with(|c: char| c.is_ascii_uppercase());
        uses.used.into_iter().filter(|name| upper(name) && !uses.declared.contains(name)).collect()
    }

    /// `names` keeps schemas and builders off the names `types.rs` and `builder.rs` use
    /// unqualified; the lists it uses are the renderer's, and this checks they hold every such name.
    #[test]
    fn the_unqualified_lists_hold_every_name_the_files_use_unqualified() {
        let (mut types, mut builders) = (BTreeSet::new(), BTreeSet::new());
        for document in DOCUMENTS {
            let (_, _, files) = files(document);
            types.extend(used_unqualified(&parsed(&files, "types.rs")));
            builders.extend(used_unqualified(&parsed(&files, "builder.rs")));
        }
        let missing = |used: &BTreeSet<String>, list: &[&str]| -> Vec<String> {
            used.iter().filter(|name| !list.contains(&name.as_str())).cloned().collect()
        };
        assert_eq!(missing(&types, super::types::UNQUALIFIED), Vec::<String>::new(), "types.rs");
        assert_eq!(missing(&builders, super::builder::UNQUALIFIED), Vec::<String>::new(), "builder.rs");
    }
}
