//! The root file of an API module (`mod.rs`, or `lib.rs` of a standalone crate): the API's
//! description and the declarations of the other files (`serde_impls`, the types' written-out
//! serde impls, private beside `types`).

use proc_macro2::TokenStream;
use quote::quote;

use super::cx::Cx;
use super::docs::{inner_doc, spec_line, spec_text};

pub(crate) fn module_root(cx: &Cx) -> TokenStream {
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
    // The written-out `Serialize`/`Deserialize` impls of the types: private, as impls are seen
    // wherever their types are.
    let serde_impls = super::types::has_serde_impls(api).then(|| {
        quote!(
            mod serde_impls;
        )
    });
    quote! {
        #docs
        pub mod builder;
        mod client;
        #[cfg(feature = "mock")]
        pub mod mock;
        #runtime
        #serde_impls
        pub mod types;

        pub use client::Client;
    }
}
