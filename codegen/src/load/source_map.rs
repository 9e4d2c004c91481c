//! Where each part of the rewritten document came from: bundling moves other files' objects into
//! the root document, and Swagger 2.0 conversion moves objects to their 3.0 places. Errors and
//! warnings are translated back once, when they leave the generator.

use crate::error::Error;

/// Layers of prefix mappings, applied from the last (the latest rewrite) to the first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    layers: Vec<Vec<Mapping>>,
}

/// `to` (a pointer prefix in the rewritten document) came from `from` in `file` (`None`: the
/// document the layer rewrote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mapping {
    pub to: String,
    pub file: Option<String>,
    pub from: String,
}

/// The place `pointer` (of the document one rewrite is making) had before it, by that rewrite's
/// moves alone (a layer not pushed yet).
pub(super) fn original(moved: &[Mapping], pointer: &str) -> String {
    let within = |prefix: &str, at: &str| {
        at.starts_with(prefix) && (at.len() == prefix.len() || at.as_bytes()[prefix.len()] == b'/')
    };
    match moved.iter().filter(|m| within(&m.to, pointer)).max_by_key(|m| m.to.len()) {
        Some(m) => format!("{}{}", m.from, &pointer[m.to.len()..]),
        None => pointer.to_owned(),
    }
}

impl SourceMap {
    pub(crate) fn push_layer(&mut self, mut mappings: Vec<Mapping>) {
        if !mappings.is_empty() {
            // Longest first, so the first match is the most specific.
            mappings.sort_by_key(|m| std::cmp::Reverse(m.to.len()));
            self.layers.push(mappings);
        }
    }

    /// The original place of a pointer: `/definitions/Foo` for a Swagger 2.0 document,
    /// `schemas/Foo.yaml#/properties/id` for a part of another file.
    pub fn original(&self, pointer: &str) -> String {
        let mut file: Option<&str> = None;
        let mut at = pointer.to_owned();
        for layer in self.layers.iter().rev() {
            let found = layer
                .iter()
                .find(|m| at.starts_with(&m.to) && (at.len() == m.to.len() || at.as_bytes()[m.to.len()] == b'/'));
            if let Some(m) = found {
                at = format!("{}{}", m.from, &at[m.to.len()..]);
                if m.file.is_some() {
                    file = m.file.as_deref();
                }
            }
        }
        match file {
            Some(file) => format!("{file}#{at}"),
            None => at,
        }
    }

    /// `error` with its pointer translated.
    pub fn error(&self, error: Error) -> Error {
        if self.layers.is_empty() {
            return error;
        }
        match error {
            Error::Invalid { pointer, message } => Error::Invalid { pointer: self.original(&pointer), message },
            Error::UnresolvedRef { pointer, reference } => {
                Error::UnresolvedRef { pointer: self.original(&pointer), reference }
            }
            Error::Unsupported { pointer, message } => Error::Unsupported { pointer: self.original(&pointer), message },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_mapping_wins_and_layers_compose() {
        let mut map = SourceMap::default();
        map.push_layer(vec![
            Mapping { to: "/definitions/Foo".into(), file: Some("Foo.yaml".into()), from: String::new() },
            Mapping { to: "/paths/~1a".into(), file: Some("a.yaml".into()), from: String::new() },
            Mapping { to: "/paths/~1a/get/responses/400".into(), file: Some("bad.yaml".into()), from: "/x".into() },
        ]);
        map.push_layer(vec![Mapping { to: "/components/schemas".into(), file: None, from: "/definitions".into() }]);
        assert_eq!(map.original("/components/schemas/Foo/properties/id"), "Foo.yaml#/properties/id");
        assert_eq!(map.original("/components/schemas/Foobar"), "/definitions/Foobar");
        assert_eq!(map.original("/paths/~1a/get/responses/400/description"), "bad.yaml#/x/description");
        assert_eq!(map.original("/paths/~1a/get"), "a.yaml#/get");
        assert_eq!(map.original("/info"), "/info");
    }
}
