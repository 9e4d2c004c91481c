//! Query strings as OpenAPI's styles define them (RFC 6570 form expansion): every value
//! percent-encoded but for RFC 3986's unreserved characters (so a space is `%20`, not `+`), and
//! the separators between array items (`,`, `|`, `%20`) written as separators.

use super::ObjectStyle;

/// A query string under construction, already encoded. Generated code fills it and appends it
/// to the URL with [`Query::finish`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    pub fn new() -> Self {
        Query(String::new())
    }

    /// `name=value`.
    pub fn push(&mut self, name: &str, value: &str) {
        self.start(name);
        encode_into(&mut self.0, value);
    }

    /// `name=value` once per value (`form` with `explode: true`).
    pub fn push_each(&mut self, name: &str, values: impl IntoIterator<Item = String>) {
        for value in values {
            self.push(name, &value);
        }
    }

    /// `name=a,b,c`: each value encoded, joined by `separator` as written (`","` for `form`,
    /// `"|"` for `pipeDelimited`, `"%20"` for `spaceDelimited`). Nothing at all for no values.
    pub fn push_joined(&mut self, name: &str, values: impl IntoIterator<Item = String>, separator: &str) {
        let mut values = values.into_iter().peekable();
        if values.peek().is_none() {
            return;
        }
        self.start(name);
        for (i, value) in values.enumerate() {
            if i > 0 {
                self.0.push_str(separator);
            }
            encode_into(&mut self.0, &value);
        }
    }

    /// An object, union or free-form value, written in `style`; nothing for `None` or `null`.
    pub fn push_object<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>, style: ObjectStyle) {
        let Some(value) = value.and_then(|v| serde_json::to_value(v).ok()) else { return };
        let scalar = super::scalar;
        match (value, style) {
            (serde_json::Value::Null, _) => {}
            (serde_json::Value::Object(map), ObjectStyle::Exploded) => {
                for (key, item) in map.iter().filter(|(_, v)| !v.is_null()) {
                    self.push(key, &scalar(item));
                }
            }
            (serde_json::Value::Object(map), ObjectStyle::DeepObject) => {
                for (key, item) in map.iter().filter(|(_, v)| !v.is_null()) {
                    self.push(&format!("{name}[{key}]"), &scalar(item));
                }
            }
            (serde_json::Value::Object(map), ObjectStyle::Form) => {
                let parts = map.iter().filter(|(_, v)| !v.is_null()).flat_map(|(k, v)| [k.clone(), scalar(v)]);
                self.push_joined(name, parts, ",");
            }
            (serde_json::Value::Array(items), ObjectStyle::Exploded) => self.push_each(name, items.iter().map(scalar)),
            (serde_json::Value::Array(items), _) => self.push_joined(name, items.iter().map(scalar), ","),
            (other, _) => self.push(name, &scalar(&other)),
        }
    }

    /// `url` with the query appended (after `&` when `url` already has one).
    pub fn finish(self, mut url: String) -> String {
        if !self.0.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&self.0);
        }
        url
    }

    fn start(&mut self, name: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        // `deepObject` names keep their brackets, as OpenAPI writes them.
        for part in name.split_inclusive(['[', ']']) {
            let (text, bracket) = match part.char_indices().last() {
                Some((i, c @ ('[' | ']'))) => (&part[..i], Some(c)),
                _ => (part, None),
            };
            encode_into(&mut self.0, text);
            if let Some(bracket) = bracket {
                self.0.push(bracket);
            }
        }
        self.0.push('=');
    }
}

fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_separators_kept() {
        let mut query = Query::new();
        query.push("aid", "a b/c");
        query.push_joined("expand", ["test".to_owned(), "enterprise-agent".to_owned()], ",");
        query.push_joined("tags", ["c,d".to_owned(), "é".to_owned()], "|");
        query.push_joined("none", Vec::new(), ",");
        query.push_each("id", ["1".to_owned(), "2".to_owned()]);
        assert_eq!(query.0, "aid=a%20b%2Fc&expand=test,enterprise-agent&tags=c%2Cd|%C3%A9&id=1&id=2");
        assert_eq!(
            query.finish("http://h/x".into()),
            "http://h/x?aid=a%20b%2Fc&expand=test,enterprise-agent&tags=c%2Cd|%C3%A9&id=1&id=2"
        );
        assert_eq!(Query::new().finish("http://h/x".into()), "http://h/x");
    }

    #[test]
    fn objects_in_every_style() {
        let one = serde_json::json!({"R": 100, "B": null});
        let written = |style| {
            let mut query = Query::new();
            query.push_object("color", Some(&one), style);
            query.0
        };
        assert_eq!(written(ObjectStyle::Exploded), "R=100");
        assert_eq!(written(ObjectStyle::Form), "color=R,100");
        assert_eq!(written(ObjectStyle::DeepObject), "color[R]=100");
        let mut query = Query::new();
        query.push_object::<serde_json::Value>("x", None, ObjectStyle::Form);
        query.push_object("list", Some(&serde_json::json!(["a b", "c"])), ObjectStyle::Form);
        assert_eq!(query.0, "list=a%20b,c");
    }
}
