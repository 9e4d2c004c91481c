//! [`DecodeError`]: a body that does not decode, with the JSON path of the value that failed
//! (`breakdowns[1042].cloudUnitsUsed`) and where in the body it is.
//!
//! Decoding itself is never slowed down for this: a body is decoded once, straight into its type.
//! Only when that fails is the path found, by reading the JSON text up to the place where
//! `serde_json` stopped (its line and column) and noting the keys and indices on the way. That
//! reading knows nothing of the target type, so it is compiled once, not once per type as
//! decoding again through a path-tracking deserializer would be.

use std::fmt;

/// Why a body did not decode into the documented type.
#[derive(Debug)]
pub struct DecodeError {
    source: serde_json::Error,
    path: String,
    offset: usize,
}

impl DecodeError {
    /// `source` is what decoding `body` reported.
    pub(crate) fn new(source: serde_json::Error, body: &[u8]) -> Self {
        let offset = offset_of(body, source.line(), source.column());
        DecodeError { path: path_at(body, offset), offset, source }
    }

    /// The JSON path of the value that failed, e.g. `breakdowns[1042].cloudUnitsUsed`; empty when
    /// it is the whole body. A field the type requires but the object lacks is reported at the
    /// object (`organizations[0]`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Where in the body decoding stopped, in bytes from its start.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What `serde_json` reported (with its line and column).
    pub fn json_error(&self) -> &serde_json::Error {
        &self.source
    }

    /// The reason without its position: `invalid type: string "12", expected i64`.
    fn reason(&self) -> String {
        let text = self.source.to_string();
        let position = format!(" at line {} column {}", self.source.line(), self.source.column());
        match text.strip_suffix(&position) {
            Some(reason) => reason.to_owned(),
            None => text,
        }
    }
}

/// `breakdowns[1042].cloudUnitsUsed: invalid type: string "12", expected i64`.
impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.reason())
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The byte offset of `serde_json`'s position: `line` from 1, `column` the bytes read on that line
/// (0 when the error has no position).
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let start = if line == 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(body.len(), |(i, _)| i + 1)
    };
    start.saturating_add(column).min(body.len())
}

/// A container being read, with where in it the reader is.
enum Frame {
    /// `key`: the member whose value is being read (or was read last).
    Object { key: Option<String>, reading_key: bool },
    /// `index`: the element being read (or read last).
    Array { index: usize },
}

/// The path of the value that holds `offset`, or that ended just before it. Reads the JSON text
/// up to `offset`, however broken it is, without recursion.
fn path_at(body: &[u8], offset: usize) -> String {
    let text = &body[..offset.min(body.len())];
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let byte = text[i];
        match byte {
            b'{' => stack.push(Frame::Object { key: None, reading_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, reading_key }) => {
                    *key = None;
                    *reading_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { reading_key, .. }) = stack.last_mut() {
                    *reading_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(text.len());
                if let Some(Frame::Object { key, reading_key: true }) = stack.last_mut() {
                    *key = Some(String::from_utf8_lossy(&text[start..end]).into_owned());
                }
            }
            // Numbers, `true`, `false`, `null`, white space, or something that is not JSON.
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => push_key(&mut path, key),
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// `.key`, or `["odd key"]` for a key that is not a plain word.
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@'));
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("[\"{}\"]", key.replace('\\', "\\\\").replace('"', "\\\"")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        breakdowns: Vec<Row>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Row {
        test_id: String,
        cloud_units_used: Option<i64>,
    }

    fn failure<T: serde::de::DeserializeOwned + fmt::Debug>(body: &str) -> DecodeError {
        let source = serde_json::from_slice::<T>(body.as_bytes()).expect_err("does not decode");
        DecodeError::new(source, body.as_bytes())
    }

    #[test]
    fn the_path_names_the_value_that_failed() {
        let mut rows: Vec<String> = (0..1042).map(|i| format!(r#"{{"testId":"{i}","cloudUnitsUsed":{i}}}"#)).collect();
        rows.push(r#"{"testId":"1042","cloudUnitsUsed":"12"}"#.to_owned());
        rows.push(r#"{"testId":"1043"}"#.to_owned());
        let body = format!(r#"{{"breakdowns":[{}],"_links":{{}}}}"#, rows.join(","));
        let error = failure::<Page>(&body);
        assert_eq!(error.path(), "breakdowns[1042].cloudUnitsUsed");
        assert_eq!(error.to_string(), r#"breakdowns[1042].cloudUnitsUsed: invalid type: string "12", expected i64"#);
        assert_eq!(&body[error.offset() - 4..error.offset()], r#""12""#);
    }

    #[test]
    fn missing_fields_are_reported_at_their_object_and_broken_text_where_it_breaks() {
        let error =
            failure::<Page>("{\n  \"breakdowns\": [\n    {\"testId\": \"1\"},\n    {\"cloudUnitsUsed\": 3}\n  ]\n}");
        assert_eq!(error.path(), "breakdowns[1]");
        assert!(error.to_string().starts_with("breakdowns[1]: missing field `testId`"), "{error}");
        let error = failure::<Page>(r#"{"breakdowns": [{"testId": "1"}, {"testId": "#);
        assert_eq!(error.path(), "breakdowns[1].testId");
        assert!(error.json_error().is_eof());
        let error = failure::<Page>(r#""a page""#);
        assert_eq!(error.path(), "", "the whole body");
        assert!(error.to_string().starts_with(r#"invalid type: string "a page""#), "{error}");
        let error = failure::<std::collections::BTreeMap<String, Vec<i64>>>(r#"{"a.b": [1, "x"]}"#);
        assert_eq!(error.path(), r#"["a.b"][1]"#);
    }

    #[test]
    fn any_text_and_any_position_give_a_path_without_panicking() {
        for text in ["", "\"", "{\"a\\", "]]]}}}", "{\"a\":[[[", "\u{1F600}{", "{\"k\":\"\\\"\"", "nul"] {
            for offset in 0..=text.len() + 2 {
                let _ = path_at(text.as_bytes(), offset);
            }
        }
        assert_eq!(offset_of(b"a\nbc\nd", 3, 1), 6);
        assert_eq!(offset_of(b"a\nbc", 9, 9), 4);
        assert_eq!(offset_of(b"abc", 0, 0), 0);
    }
}
