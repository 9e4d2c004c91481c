//! Parameters as OpenAPI's styles define them (RFC 6570 expansion), for every location and every
//! kind of value: generated code hands each parameter over as it is typed, with its style, and
//! [`Parameters`] (query, headers, cookies) or [`path_segment`] writes it.
//!
//! Values go through their JSON form (`serde_json::Value`), so enums are written as their wire
//! strings, date-times as RFC 3339 in UTC with a `Z`, and `None` (JSON `null`) leaves a parameter
//! out. In the query, in paths and in cookies every value is percent-encoded but for RFC 3986's
//! unreserved characters (so a space is `%20`, never `+`), while the separators the style puts
//! between items (`,`, `|`, `%20`, `.`, `;`, `=`) are written as separators. Empty arrays and
//! empty objects leave a parameter out.
//!
//! What OpenAPI leaves undefined is decided here, once:
//! - `deepObject` nests: `filter[a][b]=v`; arrays are indexed, `items[0][price]=p`, `expand[0]=a`
//!   (the form the billing APIs that use `deepObject` accept, and the one that stays unambiguous
//!   for arrays of objects).
//! - A value nested where a style has no rule for it (an object inside a `form` array, say) is
//!   written as compact JSON text.

use serde::Serialize;
use serde_json::{Map, Value};

/// How a parameter is written (OpenAPI `style` and `explode`), or `Json` for a parameter described
/// by `content: application/json` (its value as compact JSON text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Query and cookie default: `name=a,b` (`explode`: `name=a&name=b`; objects `k=v&k2=v2`).
    Form {
        /// Each array item a `name=item` pair of its own, and an object's members pairs named
        /// by their keys.
        explode: bool,
    },
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[k]=v`, nested as `name[k][k2]=v` and `name[k][0]=v`.
    DeepObject,
    /// Path and header default: `a,b` (objects `k,v,k2,v2`; `explode`: `k=v,k2=v2`).
    Simple {
        /// An object's members written `k=v`; arrays read the same either way.
        explode: bool,
    },
    /// Paths: `.a,b` (`explode`: `.a.b`).
    Label {
        /// Each item (an object's members as `k=v`) after a `.` of its own.
        explode: bool,
    },
    /// Paths: `;name=a,b` (`explode`: `;name=a;name=b`; objects `;k=v;k2=v2`).
    Matrix {
        /// Each array item a `;name=item` of its own, and an object's members `;k=v`.
        explode: bool,
    },
    /// The value as compact JSON text.
    Json,
}

/// Short forms for generated code: `Style::form(true)` is `Style::Form { explode: true }`.
impl Style {
    /// `Style::Form { explode }`.
    pub const fn form(explode: bool) -> Style {
        Style::Form { explode }
    }

    /// `Style::Simple { explode }`.
    pub const fn simple(explode: bool) -> Style {
        Style::Simple { explode }
    }

    /// `Style::Label { explode }`.
    pub const fn label(explode: bool) -> Style {
        Style::Label { explode }
    }

    /// `Style::Matrix { explode }`.
    pub const fn matrix(explode: bool) -> Style {
        Style::Matrix { explode }
    }
}

/// The query, headers and cookies of one request, written as generated code adds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parameters {
    query: String,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<String>,
}

impl Parameters {
    /// No parameters yet: an empty query, no headers, no cookies.
    pub fn new() -> Self {
        Parameters::default()
    }

    /// A query parameter; nothing when `value` is `None` (or JSON `null`).
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) {
        let Some(value) = json(value) else { return };
        match (style, value) {
            (Style::Json, value) => self.pair(name, &value.to_string()),
            (Style::DeepObject, value) => self.deep(name, &value),
            (Style::Form { explode: true }, Value::Array(items)) => {
                for item in &items {
                    self.pair(name, &text(item));
                }
            }
            (Style::Form { explode: true }, Value::Object(map)) => {
                for (key, item) in present(&map) {
                    self.pair(key, &text(item));
                }
            }
            (Style::SpaceDelimited, value) => self.joined(name, &value, "%20"),
            (Style::PipeDelimited, value) => self.joined(name, &value, "|"),
            (_, value) => self.joined(name, &value, ","),
        }
    }

    /// A header parameter (`simple` style, not percent-encoded); nothing for `None`.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style) {
        let Some(value) = json(value) else { return };
        let written = match style {
            Style::Json => value.to_string(),
            Style::Simple { explode } | Style::Form { explode } => simple(&value, explode, &|s: &str| s.to_owned()),
            _ => simple(&value, false, &|s: &str| s.to_owned()),
        };
        if !written.is_empty() {
            self.headers.push((name, written));
        }
    }

    /// A cookie parameter (`form` style, values percent-encoded); nothing for `None`.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) {
        let Some(value) = json(value) else { return };
        let written = match style {
            Style::Json => encode(&value.to_string()),
            _ => simple(&value, false, &encode),
        };
        if !written.is_empty() {
            self.cookies.push(format!("{}={written}", encode(name)));
        }
    }

    /// `url` with the query appended (after `&` when `url` already has one).
    pub fn url(&self, mut url: String) -> String {
        if !self.query.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&self.query);
        }
        url
    }

    /// `request` with the header parameters and one `Cookie` header for the cookies.
    pub fn apply(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if !self.cookies.is_empty() {
            request = request.header(reqwest::header::COOKIE, self.cookies.join("; "));
        }
        request
    }

    /// The query string written so far, without the `?`.
    pub fn query_string(&self) -> &str {
        &self.query
    }

    fn pair(&mut self, name: &str, value: &str) {
        self.start(name);
        encode_into(&mut self.query, value);
    }

    /// `name=a,b,c`: a scalar as it is; array items, or an object's keys and values, each encoded
    /// and joined by `separator` as written. Nothing for an empty array or object.
    fn joined(&mut self, name: &str, value: &Value, separator: &str) {
        let parts: Vec<String> = match value {
            Value::Array(items) => items.iter().map(text).collect(),
            Value::Object(map) => present(map).flat_map(|(k, v)| [k.clone(), text(v)]).collect(),
            scalar => vec![text(scalar)],
        };
        if parts.is_empty() {
            return;
        }
        self.start(name);
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.query.push_str(separator);
            }
            encode_into(&mut self.query, part);
        }
    }

    /// `deepObject`: `name[key]=value`, recursively; array items by index.
    fn deep(&mut self, name: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (key, item) in present(map) {
                    self.deep(&format!("{name}[{key}]"), item);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.deep(&format!("{name}[{i}]"), item);
                }
            }
            scalar => self.pair(name, &text(scalar)),
        }
    }

    /// `&` and the encoded name with its `=`; `deepObject` brackets are kept as written.
    fn start(&mut self, name: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        for part in name.split_inclusive(['[', ']']) {
            let (text, bracket) = match part.char_indices().last() {
                Some((i, c @ ('[' | ']'))) => (&part[..i], Some(c)),
                _ => (part, None),
            };
            encode_into(&mut self.query, text);
            if let Some(bracket) = bracket {
                self.query.push(bracket);
            }
        }
        self.query.push('=');
    }
}

/// An `application/x-www-form-urlencoded` body: each member of `value` (an object) written as a
/// query parameter would be, in the style `encoding` gives it (the document's `encoding` object),
/// else `form` exploded for scalars and arrays of scalars, and `deepObject` for objects and arrays
/// of objects or arrays. OpenAPI leaves nested values in forms undefined; that is the form the
/// billing APIs that send them document (`metadata[key]=v`, `items[0][price]=p`).
pub fn form_body<T: Serialize + ?Sized>(value: &T, encoding: &[(&str, Style)]) -> String {
    let mut parameters = Parameters::new();
    if let Some(Value::Object(map)) = json(value) {
        for (name, member) in present(&map) {
            let nested = |v: &Value| v.is_object() || v.is_array();
            let default = match member {
                Value::Object(_) => Style::DeepObject,
                Value::Array(items) if items.iter().any(nested) => Style::DeepObject,
                _ => Style::Form { explode: true },
            };
            let style = encoding.iter().find(|(n, _)| n == name).map_or(default, |(_, style)| *style);
            parameters.query(name, member, style);
        }
    }
    parameters.query
}

/// A path parameter in the default style (`simple`, not exploded), percent-encoded; see
/// [`path_segment`] for what is refused.
pub fn path_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, PathError> {
    path_segment(name, value, Style::simple(false))
}

/// A path parameter, percent-encoded and written in `style` (`Simple`, `Label` or `Matrix`; `Json`
/// for a `content` parameter). `name` is the parameter's, which `matrix` writes.
///
/// A value that could take the request to another path is refused: none at all, or a text that
/// is empty, `.` or `..`, also when percent-encoded (`%2E%2E`): URL parsers and servers resolve
/// such segments, and `/accounts/../usage` is another endpoint, reached with the client's
/// credentials.
pub fn path_segment<T: Serialize + ?Sized>(name: &str, value: &T, style: Style) -> Result<String, PathError> {
    let refuse = |value: &str| Err(PathError { parameter: name.to_owned(), value: value.to_owned() });
    let Some(value) = json(value) else { return refuse("") };
    if let Some(text) = dot_segment(&value) {
        return refuse(text);
    }
    Ok(write_segment(name, value, style))
}

/// A text inside `value` that is, once percent-decoded, empty, `.` or `..`; an array or object
/// without anything in it counts as empty.
fn dot_segment(value: &Value) -> Option<&str> {
    match value {
        Value::String(text) => {
            let decoded = percent_decoded(text);
            matches!(decoded.as_str(), "" | "." | "..").then_some(text.as_str())
        }
        Value::Array(items) if items.is_empty() => Some(""),
        Value::Array(items) => items.iter().find_map(dot_segment),
        Value::Object(map) if present(map).next().is_none() => Some(""),
        Value::Object(map) => present(map).find_map(|(_, v)| dot_segment(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// `text` with its `%XX` escapes decoded (others kept as written).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path parameter whose value would change the request's path; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    parameter: String,
    value: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.value.as_str() {
            "" => write!(f, "the path parameter `{}` is empty; a path segment needs a value", self.parameter),
            value => write!(
                f,
                "the path parameter `{}` is `{value}`, a dot segment that would lead to another path; refused",
                self.parameter
            ),
        }
    }
}

impl std::error::Error for PathError {}

impl<E> From<PathError> for super::Error<E> {
    fn from(error: PathError) -> Self {
        super::Error::InvalidRequest(error.to_string())
    }
}

fn write_segment(name: &str, value: Value, style: Style) -> String {
    match style {
        Style::Json => encode(&value.to_string()),
        Style::Label { explode } => {
            let separator = if explode { "." } else { "," };
            let parts = parts(&value, explode, &encode);
            if parts.is_empty() {
                String::new()
            } else {
                format!(".{}", parts.join(separator))
            }
        }
        Style::Matrix { explode } => {
            let name = encode(name);
            match (&value, explode) {
                (Value::Array(items), true) => {
                    items.iter().map(|item| format!(";{name}={}", encode(&text(item)))).collect()
                }
                (Value::Object(map), true) => {
                    present(map).map(|(k, v)| format!(";{}={}", encode(k), encode(&text(v)))).collect()
                }
                _ => {
                    let joined = simple(&value, false, &encode);
                    if joined.is_empty() {
                        format!(";{name}")
                    } else {
                        format!(";{name}={joined}")
                    }
                }
            }
        }
        Style::Simple { explode } | Style::Form { explode } => simple(&value, explode, &encode),
        Style::SpaceDelimited | Style::PipeDelimited | Style::DeepObject => simple(&value, false, &encode),
    }
}

/// `simple` style: scalars as they are, array items joined by `,`, objects `k,v,k2,v2` (or
/// `k=v,k2=v2` exploded); each part passed through `encode`.
fn simple(value: &Value, explode: bool, encode: &dyn Fn(&str) -> String) -> String {
    parts(value, explode, encode).join(",")
}

fn parts(value: &Value, explode: bool, encode: &dyn Fn(&str) -> String) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(|item| encode(&text(item))).collect(),
        Value::Object(map) if explode => {
            present(map).map(|(k, v)| format!("{}={}", encode(k), encode(&text(v)))).collect()
        }
        Value::Object(map) => present(map).flat_map(|(k, v)| [encode(k), encode(&text(v))]).collect(),
        scalar => vec![encode(&text(scalar))],
    }
}

/// The JSON form of a parameter value; `None` for `null` (an unset optional parameter).
fn json<T: Serialize + ?Sized>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok().filter(|v| !v.is_null())
}

/// An object's members that have a value.
fn present(map: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    map.iter().filter(|(_, v)| !v.is_null())
}

/// One value as text: strings as they are, numbers and booleans as JSON writes them, anything
/// nested as compact JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text);
    out
}

fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn segment<T: Serialize + ?Sized>(name: &str, value: &T, style: Style) -> String {
        path_segment(name, value, style).expect("a value that stays in its segment")
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused_before_they_reach_a_path() {
        for value in
            [json!(""), json!("."), json!(".."), json!("%2e%2E"), json!(".%2E"), json!("%2e"), json!(["a", ".."])]
        {
            let refused = path_value("id", &value).expect_err("a dot segment");
            assert!(refused.to_string().contains("`id`"), "{refused}");
        }
        assert!(path_value("id", &json!([])).is_err());
        assert!(path_value("id", &None::<String>).is_err());
        assert_eq!(path_value("id", &json!("...")).expect("not a dot segment"), "...");
        assert_eq!(path_value("id", &json!("a..b")).expect("not a dot segment"), "a..b");
        assert_eq!(path_value("id", &json!("%2e%2e%2e")).expect("not a dot segment"), "%252e%252e%252e");
        assert_eq!(path_value("id", &json!(0)).expect("a number"), "0");
    }

    fn query(name: &str, value: Value, style: Style) -> String {
        let mut parameters = Parameters::new();
        parameters.query(name, &value, style);
        parameters.query_string().to_owned()
    }

    #[test]
    fn query_values_are_encoded_and_separators_kept() {
        assert_eq!(query("aid", json!("a b/c"), Style::Form { explode: true }), "aid=a%20b%2Fc");
        let expand = json!(["test", "enterprise-agent"]);
        assert_eq!(query("expand", expand.clone(), Style::Form { explode: false }), "expand=test,enterprise-agent");
        assert_eq!(query("expand", expand, Style::Form { explode: true }), "expand=test&expand=enterprise-agent");
        assert_eq!(query("tags", json!(["c,d", "é"]), Style::PipeDelimited), "tags=c%2Cd|%C3%A9");
        assert_eq!(query("tags", json!(["a", "b"]), Style::SpaceDelimited), "tags=a%20b");
        assert_eq!(query("none", json!([]), Style::Form { explode: false }), "");
        assert_eq!(query("unset", Value::Null, Style::Form { explode: true }), "");
        assert_eq!(query("n", json!(2.5), Style::Form { explode: true }), "n=2.5");
        let mut parameters = Parameters::new();
        parameters.query("a", &Some("1"), Style::Form { explode: true });
        parameters.query("b", &None::<String>, Style::Form { explode: true });
        assert_eq!(parameters.url("http://h/x".into()), "http://h/x?a=1");
        assert_eq!(parameters.url("http://h/x?y=2".into()), "http://h/x?y=2&a=1");
        assert_eq!(Parameters::new().url("http://h/x".into()), "http://h/x");
    }

    #[test]
    fn objects_in_every_query_style() {
        let color = json!({"R": 100, "G": 200, "B": null});
        assert_eq!(query("color", color.clone(), Style::Form { explode: true }), "R=100&G=200");
        assert_eq!(query("color", color.clone(), Style::Form { explode: false }), "color=R,100,G,200");
        assert_eq!(query("color", color.clone(), Style::SpaceDelimited), "color=R%20100%20G%20200");
        assert_eq!(query("color", color, Style::DeepObject), "color[R]=100&color[G]=200");
    }

    #[test]
    fn deep_objects_nest_and_index_arrays() {
        let filter = json!({"metadata": {"plan": "pro", "tier": null}, "items": [{"price": "p1", "qty": 2}], "n": 1});
        assert_eq!(
            query("filter", filter, Style::DeepObject),
            "filter[metadata][plan]=pro&filter[items][0][price]=p1&filter[items][0][qty]=2&filter[n]=1"
        );
        assert_eq!(
            query("expand", json!(["customer", "a b"]), Style::DeepObject),
            "expand[0]=customer&expand[1]=a%20b"
        );
        assert_eq!(query("k", json!("v"), Style::DeepObject), "k=v");
    }

    #[test]
    fn json_content_parameters_are_compact_json_then_encoded() {
        assert_eq!(query("f", json!({"a": [1, 2]}), Style::Json), "f=%7B%22a%22%3A%5B1%2C2%5D%7D");
        assert_eq!(segment("f", &json!({"a": 1}), Style::Json), "%7B%22a%22%3A1%7D");
    }

    #[test]
    fn path_styles() {
        let list = json!(["a b", "c"]);
        let object = json!({"x": 1, "y": "z"});
        assert_eq!(segment("id", &json!("a/b c"), Style::Simple { explode: false }), "a%2Fb%20c");
        assert_eq!(segment("id", &list, Style::Simple { explode: false }), "a%20b,c");
        assert_eq!(segment("id", &object, Style::Simple { explode: false }), "x,1,y,z");
        assert_eq!(segment("id", &object, Style::Simple { explode: true }), "x=1,y=z");
        assert_eq!(segment("id", &list, Style::Label { explode: false }), ".a%20b,c");
        assert_eq!(segment("id", &list, Style::Label { explode: true }), ".a%20b.c");
        assert_eq!(segment("id", &json!(5), Style::Matrix { explode: false }), ";id=5");
        assert_eq!(segment("id", &list, Style::Matrix { explode: false }), ";id=a%20b,c");
        assert_eq!(segment("id", &list, Style::Matrix { explode: true }), ";id=a%20b;id=c");
        assert_eq!(segment("id", &object, Style::Matrix { explode: true }), ";x=1;y=z");
    }

    #[test]
    fn headers_and_cookies() {
        let mut parameters = Parameters::new();
        parameters.header("X-Ids", &json!([1, 2]), Style::Simple { explode: false });
        parameters.header("X-None", &None::<i64>, Style::Simple { explode: false });
        parameters.header("X-Object", &json!({"a": 1}), Style::Simple { explode: true });
        parameters.cookie("session", &json!("a b"), Style::Form { explode: true });
        parameters.cookie("unset", &None::<String>, Style::Form { explode: true });
        parameters.cookie("ids", &json!([1, 2]), Style::Form { explode: false });
        let request = parameters.apply(reqwest::Client::new().get("http://127.0.0.1/")).build().expect("request");
        assert_eq!(request.headers()["x-ids"], "1,2");
        assert_eq!(request.headers()["x-object"], "a=1");
        assert!(request.headers().get("x-none").is_none());
        assert_eq!(request.headers()["cookie"], "session=a%20b; ids=1,2");
    }

    #[test]
    fn form_bodies_nest_like_deep_objects_unless_encoded() {
        let body = json!({
            "email": "a@b.c", "tags": ["x", "y"], "metadata": {"plan": "pro"},
            "items": [{"price": "p1", "quantity": 2}], "note": null, "filter": {"a": 1}
        });
        assert_eq!(
            form_body(&body, &[("filter", Style::Json)]),
            "email=a%40b.c&tags=x&tags=y&metadata[plan]=pro&items[0][price]=p1&items[0][quantity]=2\
             &filter=%7B%22a%22%3A1%7D"
        );
        assert_eq!(form_body(&body, &[("tags", Style::Form { explode: false })]).split('&').nth(1), Some("tags=x,y"));
        assert_eq!(form_body(&json!("not an object"), &[]), "");
    }

    #[test]
    fn date_times_are_rfc3339_utc_with_z() {
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-18T00:00:54.250+02:00").expect("valid").to_utc();
        assert_eq!(query("at", json!(t), Style::Form { explode: true }), "at=2022-07-17T22%3A00%3A54.250Z");
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-17T22:00:54+00:00").expect("valid").to_utc();
        assert_eq!(segment("at", &t, Style::Simple { explode: false }), "2022-07-17T22%3A00%3A54Z");
    }
}
