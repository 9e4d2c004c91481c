//! `components/securitySchemes` lowered into [`SecurityScheme`]s, and an operation's security
//! requirement into alternatives of [`SecurityUse`]s. A scheme given as a `$ref` to another
//! entry of `components/securitySchemes` is that entry.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement};

use super::Lowerer;
use crate::error::push_pointer;
use crate::load::MUTUAL_TLS;
use crate::model::*;

const SCHEMES: &str = "/components/securitySchemes";

impl Lowerer<'_> {
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.components else { return Vec::new() };
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = push_pointer(SCHEMES, name);
            let Some(scheme) = self.follow_scheme(scheme, &pointer) else { continue };
            let (kind, description) = match scheme {
                openapiv3::SecurityScheme::HTTP { scheme, description, extensions, .. } => {
                    let kind = match extensions.get(MUTUAL_TLS) {
                        Some(_) => SecurityKind::MutualTls,
                        None => SecurityKind::Http { scheme: scheme.clone() },
                    };
                    (kind, description)
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

    /// The scheme itself, or the one its `$ref` names (followed through further refs); `None`,
    /// with a warning, for a ref that leads nowhere.
    fn follow_scheme<'s>(
        &mut self,
        mut scheme: &'s ReferenceOr<openapiv3::SecurityScheme>,
        pointer: &str,
    ) -> Option<&'s openapiv3::SecurityScheme>
    where
        Self: 's,
    {
        let all = &self.doc.components.as_ref()?.security_schemes;
        for _ in 0..=all.len() {
            match scheme {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let tokens = reference.strip_prefix('#').and_then(crate::pointer::tokens).unwrap_or_default();
                    let target = match tokens.as_slice() {
                        [components, schemes, name] if components == "components" && schemes == "securitySchemes" => {
                            all.get(name)
                        }
                        _ => None,
                    };
                    match target {
                        Some(next) => scheme = next,
                        None => break,
                    }
                }
            }
        }
        self.warn(pointer, "a security scheme whose $ref names no other scheme (or a cycle of them): left out");
        None
    }

    /// An operation's effective requirement, its alternatives checked against `schemes`.
    pub(super) fn requirement(
        &mut self,
        security: Option<&Vec<SecurityRequirement>>,
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<Vec<SecurityUse>> {
        let mut alternatives = Vec::new();
        for (i, requirement) in security.into_iter().flatten().enumerate() {
            let undefined: Vec<&String> =
                requirement.keys().filter(|n| !schemes.iter().any(|s| s.name == **n)).collect();
            if !undefined.is_empty() {
                let names: Vec<String> = undefined.iter().map(|n| format!("`{n}`")).collect();
                self.warn(
                    &push_pointer(&push_pointer(pointer, "security"), &i.to_string()),
                    format!(
                        "names no security scheme of the document ({}): this alternative is left out",
                        names.join(", ")
                    ),
                );
                continue;
            }
            alternatives.push(
                requirement
                    .iter()
                    .map(|(scheme, scopes)| SecurityUse { scheme: scheme.clone(), scopes: scopes.clone() })
                    .collect(),
            );
        }
        alternatives
    }
}
