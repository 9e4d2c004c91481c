//! What the `Deserialize` impls generated for objects and unions share: the key of a property as
//! the deserializer hands it over, and the guard of unions that hold themselves.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A property name: borrowed from the input when the deserializer can lend it (JSON text without
/// escapes), owned otherwise.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The property name, without copying it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The property name as a `String`, copied only when it was borrowed: for a key kept in a
    /// map of additional properties.
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

thread_local! {
    /// The unions being decoded on this thread by [`decode_once`], each with its value.
    static DECODING: RefCell<Vec<(&'static str, serde_json::Value)>> = const { RefCell::new(Vec::new()) };
}

/// Decodes `value` as the union `union` (its type name) with `decode`, unless this thread is already decoding
/// that same value as that union: a union whose alternatives lead back to itself (`A: oneOf [B,
/// …]`, `B: oneOf [A, …]`) would otherwise try itself on the value without end. The repeat is
/// an error, so the alternative that led there does not match. A value nested inside another is
/// never equal to it, so recursion through properties and items is untouched. Generated only for
/// unions that hold themselves.
pub fn decode_once<T, E: de::Error>(
    union: &'static str,
    value: serde_json::Value,
    decode: impl FnOnce(serde_json::Value) -> Result<T, E>,
) -> Result<T, E> {
    let repeated = DECODING.with(|stack| stack.borrow().iter().any(|(name, seen)| *name == union && *seen == value));
    if repeated {
        return Err(E::custom(format!(
            "the value leads back to `{union}` through its alternatives, and matches none of them"
        )));
    }
    /// Pops the entry when decoding ends, however it ends.
    struct Entry;
    impl Drop for Entry {
        fn drop(&mut self) {
            DECODING.with(|stack| stack.borrow_mut().pop());
        }
    }
    DECODING.with(|stack| stack.borrow_mut().push((union, value.clone())));
    let _entry = Entry;
    decode(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_decoding_its_own_value_again_fails_instead_of_looping() {
        fn a(value: serde_json::Value) -> Result<&'static str, serde_json::Error> {
            decode_once("A", value, |value| {
                if value.is_string() {
                    return Ok("a string");
                }
                b(value)
            })
        }
        fn b(value: serde_json::Value) -> Result<&'static str, serde_json::Error> {
            decode_once("B", value, |value| {
                if let Ok(found) = a(value.clone()) {
                    return Ok(found);
                }
                if value.is_i64() {
                    return Ok("an integer");
                }
                Err(de::Error::custom("no alternative"))
            })
        }
        assert_eq!(a(serde_json::json!("x")).expect("A's own member"), "a string");
        assert_eq!(a(serde_json::json!(7)).expect("B's member, through B"), "an integer");
        assert!(a(serde_json::json!(true)).is_err(), "neither: an error, not a stack overflow");
        DECODING.with(|stack| assert!(stack.borrow().is_empty(), "every entry popped"));
    }

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
