//! The names generated code itself uses in each scope the document's names also go to. Stage 3
//! (`names`) takes them before the document's names, so no schema, operation or parameter is
//! named over them; stage 4 (`render`) emits them. Both read them here, and neither reads the
//! other for them. The renderer's unit tests render documents that exercise every fixed item and
//! check these lists against the printed files: [`CLIENT_ITEMS`] and [`BUILDER_MEMBERS`] are
//! exactly what was emitted, and the module lists hold every name used unqualified. Public for
//! tools that aim documents at them (the compile fuzzer).

/// Names `types.rs` and `serde_impls.rs` use unqualified (the prelude's and serde's), which no
/// schema may take; and `New`, whose `new` constructor clippy would flag as self-named.
pub const TYPES_MODULE: &[&str] =
    &["Option", "Result", "Vec", "String", "Box", "Self", "Serialize", "Deserialize", "From", "Into", "New"];

/// The catch-all variant of every enum and union: a value this version of the client does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// `Client`'s associated functions besides its operations' methods (and the methods of the traits
/// it derives), which no operation may take.
pub const CLIENT_ITEMS: &[&str] =
    &["new", "builder", "from_env", "new_with_client", "with_bearer_token", "base_url", "server_url", "clone", "fmt"];

/// Names `builder.rs` uses unqualified, which no builder may take; and `New`, whose `new`
/// constructor clippy would flag as self-named.
pub const BUILDER_MODULE: &[&str] =
    &["Client", "Option", "Result", "Vec", "String", "Box", "Self", "Into", "AsRef", "Send", "Unpin", "New"];

/// Every builder's own members besides its parameters and body (fields, methods, and the
/// methods of the traits it derives), which no parameter may take.
pub const BUILDER_MEMBERS: &[&str] =
    &["client", "options", "new", "with_options", "send", "save_to", "pages", "stream", "fetch_page", "clone", "fmt"];

/// Names `mock.rs` uses unqualified besides those of `builder.rs` ([`BUILDER_MODULE`]), which no
/// operation's marker type (named like its builder) may take.
pub const MOCK_MODULE: &[&str] = &["MockServer"];
