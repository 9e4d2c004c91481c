//! Typed async clients for usage, billing and quota APIs, generated from the OpenAPI documents in
//! the repository's `spec/` directory: `spec/<name>.yaml` becomes the module `usage_client::<name>`.
//!
//! - `thousandeyes`: the ThousandEyes v7 Usage and Quotas API.
//! - `acronis`: usage reports of the Acronis Cyber Protect Cloud platform API.
//!
//! Each API is behind a cargo feature of its name (both on by default): with
//! `default-features = false, features = ["thousandeyes", "rustls"]` only that API is compiled.
//!
//! Every operation is a method on the module's `Client` that returns a request builder; `send`
//! returns a [`ResponseValue`] with the typed body, status and headers, or an [`Error`] that keeps
//! whatever the server said. Clients pace themselves by the rate-limit headers their API
//! documents and record each request as a `tracing` span. With the feature `mock`, each module
//! also has `mock`: a fake server of its API for the tests of code that uses the client.
//!
//! ```no_run
//! # #[cfg(feature = "thousandeyes")]
//! # async fn run() -> Result<(), usage_client::Error<usage_client::thousandeyes::types::GetUsageError>> {
//! use usage_client::thousandeyes::{types::ExpandUsageOptions, Client};
//!
//! let client = Client::new(Client::DEFAULT_BASE_URL).with_bearer_token("my-token");
//! let usage = client.get_usage().expand(vec![ExpandUsageOptions::Test]).send().await?;
//! if let Some(details) = &usage.usage {
//!     println!("cloud units used: {:?}", details.cloud_units_used);
//! }
//! # Ok(())
//! # }
//! ```

// Generated modules are formatted by the generator (prettyplease), not by rustfmt.
#[cfg(feature = "acronis")]
#[rustfmt::skip]
pub mod acronis;
pub mod runtime;
#[cfg(feature = "thousandeyes")]
#[rustfmt::skip]
pub mod thousandeyes;

pub use runtime::{Error, ResponseValue};

// The crates whose types appear in the clients' signatures, so a user's crate need not list them
// (and cannot get a different version of them).
pub use {bytes, chrono, reqwest, serde_json, uuid};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(all(doctest, feature = "thousandeyes", feature = "acronis"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
