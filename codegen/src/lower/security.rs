//! `components/securitySchemes` lowered into [`SecurityScheme`]s. A scheme given as a `$ref` is
//! left out with a warning naming its pointer (the client then knows no flow of it).

use openapiv3::{APIKeyLocation, ReferenceOr};

use super::Lowerer;
use crate::error::push_pointer;
use crate::model::*;

impl Lowerer<'_> {
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.components else { return Vec::new() };
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = push_pointer("/components/securitySchemes", name);
            let ReferenceOr::Item(scheme) = scheme else {
                self.warn(&pointer, "a security scheme given as a $ref is not followed; the client ignores it");
                continue;
            };
            let (kind, description) = match scheme {
                openapiv3::SecurityScheme::HTTP { scheme, description, .. } => {
                    (SecurityKind::Http { scheme: scheme.to_ascii_lowercase() }, description)
                }
                openapiv3::SecurityScheme::APIKey { location, name, description, .. } => {
                    let location = match location {
                        APIKeyLocation::Query => ParamLocation::Query,
                        APIKeyLocation::Header => ParamLocation::Header,
                        APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (SecurityKind::ApiKey { name: name.clone(), location }, description)
                }
                openapiv3::SecurityScheme::OAuth2 { flows, description, .. } => {
                    let client_credentials = flows.client_credentials.as_ref().map(|flow| OAuthFlow {
                        token_url: flow.token_url.clone(),
                        scopes: flow.scopes.keys().cloned().collect(),
                    });
                    (SecurityKind::OAuth2 { client_credentials }, description)
                }
                openapiv3::SecurityScheme::OpenIDConnect { open_id_connect_url, description, .. } => {
                    (SecurityKind::OpenIdConnect { url: open_id_connect_url.clone() }, description)
                }
            };
            schemes.push(SecurityScheme { name: name.clone(), description: description.clone(), kind });
        }
        schemes
    }
}
