//! Reading text: YAML or JSON into a JSON value, syntax errors with line and column.

use crate::error::{push_pointer, Error};

/// Parses YAML or JSON, decided by the first significant character.
pub fn parse_text(text: &str) -> Result<serde_json::Value, Error> {
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_yaml(text)
    }
}

fn parse_json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

fn parse_yaml(text: &str) -> Result<serde_json::Value, Error> {
    let mut text = std::borrow::Cow::Borrowed(text);
    // Integers beyond 64 bits (an i64 bound printed as a float by the tool that wrote the
    // document: `-9223372036854776000`) have no YAML value here: read each as a float, which
    // the leniency stage then clamps with a warning.
    let mut value: serde_yaml::Value = loop {
        match serde_yaml::from_str(&text) {
            Ok(value) => break value,
            Err(e) => {
                let location = e.location();
                let message = e.to_string();
                let wide = message.contains(" as i128") || message.contains(" as u128");
                match location.as_ref().and_then(|l| wide.then(|| as_float(&text, l.index()))).flatten() {
                    Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                    None => {
                        let (line, column) = location.map_or((0, 0), |l| (l.line(), l.column()));
                        return Err(Error::Syntax { line, column, message: strip_position(&message) });
                    }
                }
            }
        }
    };
    value.apply_merge().map_err(|e| Error::invalid("", format!("YAML merge key: {e}")))?;
    yaml_to_json(value, "")
}

/// `text` with the integer that starts at byte `at` written as a float (`.0` appended).
fn as_float(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+')).unwrap_or(rest.len());
    if len == 0 || !rest[..len].bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{}{}.0{}", &text[..at], &rest[..len], &rest[len..]))
}

/// Converts YAML to JSON. Scalar mapping keys (such as an unquoted `200:`) become strings, as every
/// OpenAPI tool reads them; keys that are sequences or mappings have no JSON form and are an error.
fn yaml_to_json(value: serde_yaml::Value, pointer: &str) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(J::Number)
                    .ok_or_else(|| Error::invalid(pointer, format!("number {f} has no JSON form")))?
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &push_pointer(pointer, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => return Err(Error::invalid(pointer, "a mapping key that is not a scalar")),
                };
                let child = push_pointer(pointer, &key);
                out.insert(key, yaml_to_json(v, &child)?);
            }
            J::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// serde's messages end in "at line L column C"; we report those as fields instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
