//! Stage 4: [`Api`] + [`Names`] → Rust source. Builds token streams with `quote`, parses them
//! with `syn` and prints them with `prettyplease`; the header line is prepended as text.
//!
//! This file only orchestrates: it cuts the work into pieces, runs them on threads and formats
//! the files. What the rendering functions share lives in rooms of its own: `cx.rs` (what they
//! read), `request.rs` (one operation as the client files render it), `boxing.rs` (where to `Box`, decided before rendering), `rust_type.rs` (the spelling of
//! Rust types), `lints.rs` (clippy's allowances), `docs.rs` (rustdoc from the document's
//! prose), `html.rs` (its HTML as Markdown) and `markdown.rs` (the Markdown syntax both read).

mod boxing;
mod builder;
mod client;
mod cx;
mod docs;
mod html;
mod lints;
mod markdown;
mod mock;
mod multipart;
mod paginate;
mod request;
mod root;
mod rust_type;
mod security;
mod streams;
mod tuple;
mod types;
mod union;
mod wire;
mod wrap;

use proc_macro2::TokenStream;

use crate::error::Error;
use crate::model::*;
use crate::names::Names;
use crate::options::{GeneratedFile, Options};
use boxing::Boxing;
use cx::Cx;

pub use rust_type::rust_type_text;

/// Renders the files of one API module: `mod.rs` (or `lib.rs`), `types.rs`, `serde_impls.rs`
/// (the `Serialize`/`Deserialize` impls written out for the types, in their order; absent when
/// there are none), `client.rs`, `builder.rs` and `mock.rs` (declared behind the `mock` feature);
/// the same text as [`tokens`] followed by [`format_files`].
///
/// The work is cut into pieces (`types.rs` and `serde_impls.rs` together in runs of `CHUNK`
/// types, the client files, the root file) that every core takes from one queue; each piece is built and formatted on the thread
/// that takes it (token streams cannot cross threads), and the pieces are joined in order, so the
/// output does not depend on the threads. prettyplease formats each item on its own, which is why
/// a file formatted in pieces is the file formatted whole. A panic in a thread reaches the caller
/// as a panic (which [`crate::generate`] turns into an error). Where to `Box` is decided once,
/// before the pieces (`boxing.rs`), and read by every thread.
pub fn render(api: &Api, names: &Names, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let pieces = pieces(api);
    let boxing = Boxing::of(api);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(pieces.len());
    let mut done: Vec<(usize, Vec<Formatted>)> = std::thread::scope(|scope| {
        let running: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let cx = Cx::new(api, names, options, &boxing)?;
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(piece) = pieces.get(i) else { break };
                        let formatted = piece_tokens(&cx, piece)?
                            .into_iter()
                            .map(|file| {
                                // Only the heads put on last ask (the client files always name it).
                                let names_runtime = matches!(file.path, "types.rs" | "serde_impls.rs")
                                    && cx::mentions_runtime(&file.tokens);
                                Ok(Formatted {
                                    path: file.path,
                                    code: formatted(file.tokens, file.path)?,
                                    names_runtime,
                                })
                            })
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
    let mut files: Vec<Formatted> = Vec::new();
    for piece in done.into_iter().flat_map(|(_, piece)| piece) {
        match files.iter_mut().find(|file| file.path == piece.path) {
            Some(file) => {
                file.names_runtime |= piece.names_runtime;
                if !piece.code.is_empty() {
                    if !file.code.is_empty() {
                        file.code.push('\n');
                    }
                    file.code.push_str(&piece.code);
                }
            }
            None => files.push(piece),
        }
    }
    // The heads of `types.rs` and `serde_impls.rs` go on last, once their pieces have said
    // whether they name the runtime (whose `use` the head then holds).
    let cx = Cx::new(api, names, options, &boxing)?;
    for path in ["types.rs", "serde_impls.rs"] {
        if !files.iter().any(|file| file.path == path) {
            files.push(Formatted { path, code: String::new(), names_runtime: false });
        }
    }
    for file in files.iter_mut() {
        let head = match file.path {
            "types.rs" => types::header(&cx, file.names_runtime),
            "serde_impls.rs" => types::serde_header(&cx, file.names_runtime),
            _ => continue,
        };
        let head = formatted(head, file.path)?;
        if !head.is_empty() {
            file.code = if file.code.is_empty() { head } else { format!("{head}\n{}", file.code) };
        }
    }
    // A module without written-out impls has no `serde_impls.rs` (its root does not declare one).
    files.retain(|file| file.path != "serde_impls.rs" || !file.code.is_empty());
    // In the order of `tokens`: the root file (`mod.rs` or `lib.rs`), then the others.
    let rank = |path: &str| {
        ["types.rs", "serde_impls.rs", "client.rs", "builder.rs", "mock.rs"]
            .iter()
            .position(|p| *p == path)
            .map_or(0, |i| i + 1)
    };
    files.sort_by_key(|file| rank(file.path));
    Ok(files.into_iter().map(|file| with_header(options, file.path, &file.code)).collect())
}

/// A piece of one file, formatted, and whether its code names the runtime.
struct Formatted {
    path: &'static str,
    code: String,
    names_runtime: bool,
}

/// Types (or operations' error and success enums) per piece of `types.rs`.
const CHUNK: usize = 48;

/// A part of the output that one thread builds and formats.
enum Piece {
    /// `mod.rs` or `lib.rs`.
    Root,
    /// `client.rs`, `builder.rs`, `mock.rs`.
    Clients,
    /// The declarations of these types, and their serde impls.
    Types(std::ops::Range<usize>),
    /// The error and success enums of these operations.
    OperationEnums(std::ops::Range<usize>),
}

/// The pieces in output order, the client files (the largest piece) first. The heads of
/// `types.rs` and `serde_impls.rs` are no pieces: [`render`] puts them on last.
fn pieces(api: &Api) -> Vec<Piece> {
    let runs = |n: usize| (0..n).step_by(CHUNK).map(move |start| start..(start + CHUNK).min(n));
    let mut pieces = vec![Piece::Clients, Piece::Root];
    pieces.extend(runs(api.types.len()).map(Piece::Types));
    pieces.extend(runs(api.operations.len()).map(Piece::OperationEnums));
    pieces
}

fn piece_tokens(cx: &Cx, piece: &Piece) -> Result<Vec<Unformatted>, Error> {
    let types = |tokens| Ok(vec![Unformatted { path: "types.rs", tokens }]);
    // A piece of types gives its part of both files: their impls follow the types in order.
    let both = |(tokens, impls)| {
        Ok(vec![Unformatted { path: "types.rs", tokens }, Unformatted { path: "serde_impls.rs", tokens: impls }])
    };
    match piece {
        Piece::Root => Ok(vec![root_file(cx)]),
        Piece::Clients => client_files(cx),
        Piece::Types(range) => both(types::type_items(cx, range.clone())),
        Piece::OperationEnums(range) => types(types::operation_items(cx, range.clone())),
    }
}

/// One file of an API module before formatting.
#[derive(Clone, Debug)]
pub struct Unformatted {
    /// The file name, as in [`GeneratedFile::path`].
    pub path: &'static str,
    /// The file's items, not yet parsed or printed.
    pub tokens: TokenStream,
}

/// The token streams of the module's files, on this thread (stage 4a; [`format_files`] is 4b).
/// Split from formatting so the benchmark can time the two apart.
pub fn tokens(api: &Api, names: &Names, options: &Options) -> Result<Vec<Unformatted>, Error> {
    let boxing = Boxing::of(api);
    let cx = Cx::new(api, names, options, &boxing)?;
    Ok([vec![root_file(&cx)], types_files(&cx)?, client_files(&cx)?].concat())
}

fn root_file(cx: &Cx) -> Unformatted {
    Unformatted { path: if cx.options.standalone { "lib.rs" } else { "mod.rs" }, tokens: root::module_root(cx) }
}

/// `types.rs`, and `serde_impls.rs` when the module has impls to write out.
fn types_files(cx: &Cx) -> Result<Vec<Unformatted>, Error> {
    let (tokens, impls) = types::render(cx)?;
    let mut files = vec![Unformatted { path: "types.rs", tokens }];
    if types::has_serde_impls(cx.api) {
        files.push(Unformatted { path: "serde_impls.rs", tokens: impls });
    }
    Ok(files)
}

fn client_files(cx: &Cx) -> Result<Vec<Unformatted>, Error> {
    let requests: Vec<request::Request> = cx
        .api
        .operations
        .iter()
        .zip(&cx.names.operations)
        .map(|(op, names)| request::Request::new(cx, op, names))
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

/// The tokens of (part of) a file, formatted and spaced, its docs wrapped (`wrap.rs`).
fn formatted(tokens: TokenStream, path: &str) -> Result<String, Error> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    Ok(wrap::wrap_docs(&space_items(&format(tokens, path)?)))
}

/// A file with the "generated, do not edit" header in front of its code.
fn with_header(options: &Options, path: &str, code: &str) -> GeneratedFile {
    let header = format!(
        "// @generated by `{}` from {}. Do not edit: change the spec and regenerate.\n",
        options.command, options.source
    );
    GeneratedFile { path: path.to_owned(), contents: format!("{header}\n{code}") }
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
/// file (`lints.rs`).
fn format(tokens: TokenStream, path: &str) -> Result<String, Error> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Internal { message: format!("generated {path} does not parse: {e}") })?;
    lints::allow_where_complex(&mut file);
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

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

    fn files(document: &str) -> (crate::model::Api, crate::names::Names, Vec<crate::options::GeneratedFile>) {
        let doc = crate::parse(document).expect("parses");
        let (api, _) = crate::lower::lower(&doc).expect("lowers");
        let names = crate::names::names(&api);
        let files = super::render(&api, &names, &crate::options::Options::module("t.json", "t")).expect("renders");
        (api, names, files)
    }

    fn parsed(files: &[crate::options::GeneratedFile], path: &str) -> syn::File {
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
    /// builders; the lists it uses are in `crate::reserved`, and this checks they are exactly what the
    /// renderer emits.
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
        assert_eq!(client_items, crate::reserved::CLIENT_ITEMS.iter().map(|s| s.to_string()).collect());
        assert_eq!(builder_members, crate::reserved::BUILDER_MEMBERS.iter().map(|s| s.to_string()).collect());
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

    /// `names` keeps schemas and builders off the names `types.rs` (with `serde_impls.rs`) and
    /// `builder.rs` use unqualified; the lists it uses are in `crate::reserved`, and this checks they hold every such name.
    #[test]
    fn the_unqualified_lists_hold_every_name_the_files_use_unqualified() {
        let (mut types, mut builders) = (BTreeSet::new(), BTreeSet::new());
        for document in DOCUMENTS {
            let (_, _, files) = files(document);
            // `serde_impls.rs` sees the types through a glob of `types`: the two are one namespace.
            let mut both = parsed(&files, "types.rs");
            if files.iter().any(|f| f.path == "serde_impls.rs") {
                both.items.extend(parsed(&files, "serde_impls.rs").items);
            }
            types.extend(used_unqualified(&both));
            builders.extend(used_unqualified(&parsed(&files, "builder.rs")));
        }
        let missing = |used: &BTreeSet<String>, list: &[&str]| -> Vec<String> {
            used.iter().filter(|name| !list.contains(&name.as_str())).cloned().collect()
        };
        assert_eq!(missing(&types, crate::reserved::TYPES_MODULE), Vec::<String>::new(), "types.rs");
        assert_eq!(missing(&builders, crate::reserved::BUILDER_MODULE), Vec::<String>::new(), "builder.rs");
    }
}
