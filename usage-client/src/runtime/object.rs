//! What the `Deserialize` impls generated for objects share: the key of a property as the
//! deserializer hands it over.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A property name: borrowed from the input when the deserializer can lend it (JSON text without
/// escapes), owned otherwise.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_borrowed_from_json_text_without_escapes() {
        let mut de = serde_json::Deserializer::from_str(r#""plain""#);
        let key = Key::deserialize(&mut de).expect("a string");
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        let mut de = serde_json::Deserializer::from_str(r#""with \"escape\"""#);
        let key = Key::deserialize(&mut de).expect("a string");
        assert_eq!(key.as_str(), "with \"escape\"");
        assert_eq!(key.into_owned(), "with \"escape\"");
    }
}
