//! The verdicts of a conformance harness, copied by `cargo xtask conform` into every harness
//! it writes (`examples/conform-<crate>/support.rs`, needing only serde_json) and compiled into
//! the xtask for its tests.
//!
//! **The JSON comparison rule** (`compare`): the value the typed client decoded, serialized
//! again, against the raw JSON Prism sent, for every field the schema declares:
//! - a declared field absent and a declared field `null` are the same (the client never writes
//!   an unset field as `null`); fields the schema does not declare are ignored (unless the
//!   schema keeps them, `additionalProperties`: then they must come back too);
//! - numbers are equal when they are the same number (`1.0` and `1`; integers exactly) or within
//!   a relative 1e-6 (an `f32` field keeps about seven digits: `0.1` comes back as
//!   `0.10000000149011612`);
//! - `date-time` strings are equal when they name the same instant (`+00:00` and `Z`, trailing
//!   zeros of the fraction), `uuid`s regardless of case; every other string exactly;
//! - a union (`oneOf`/`anyOf`) agrees when the raw JSON agrees with any one member's shape;
//!   free-form values (`{}`) must come back exactly (numbers by the rule above).

use serde_json::Value;

/// What a call gave the harness: the typed success or documented error, serialized again with
/// `serde_json` (`None` when there is nothing to compare: no body, or bytes), or the error text.
#[derive(Debug)]
pub enum Call {
    /// The operation succeeded: its typed success body.
    Success(Option<Value>),
    /// The server answered with a documented error: its typed error body.
    Documented(Option<Value>),
    /// The client returned any other error: its message.
    Failed(String),
}

/// A response as the client read it (through the runtime's `on_response`).
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// The status Prism answered with.
    pub status: u16,
    /// The `Content-Type` header; empty when there was none.
    pub content_type: String,
    /// Prism's `sl-violations` header.
    pub violations: Option<String>,
    /// The body as the client read it, which the typed value is compared against; empty for a
    /// body handed out as a stream.
    pub body: Vec<u8>,
}

/// One operation's verdict in one Prism mode.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing wrong: Prism saw a valid request and the body came back as it was sent.
    Conform,
    /// Ours to fix, and why: a request Prism refused, a call that failed, or a body that did
    /// not come back as it was sent.
    Fail(String),
    /// Prism could not serve or validate the operation: counted apart, with the reason.
    Prism(String),
}

/// Prism's problem types that mean the request was wrong (ours to fix); any other type of its
/// own means Prism could not serve the operation.
const REQUEST_PROBLEMS: &[&str] = &[
    "NO_PATH_MATCHED_ERROR",
    "NO_METHOD_MATCHED_ERROR",
    "NO_SERVER_MATCHED_ERROR",
    "UNPROCESSABLE_ENTITY",
    "UNAUTHORIZED",
    "INVALID_CONTENT_TYPE",
    "NOT_ACCEPTABLE",
    "NOT_FOUND",
];

/// Decides one call: Prism's violations first (of the request: a failure; of its own response:
/// Prism's limit), then Prism's own problem bodies, then the decode and the comparison.
pub fn verdict(seen: Option<&Seen>, call: Call, shape: &Value, table: &Value) -> Verdict {
    if let Some(seen) = seen {
        let (request, response) = violations(seen.violations.as_deref());
        if !request.is_empty() {
            return Verdict::Fail(format!("Prism: the request violates the document: {}", request.join("; ")));
        }
        if !response.is_empty() {
            return Verdict::Prism(format!("Prism's response violates the document: {}", response.join("; ")));
        }
        if let Some((kind, text)) = prism_problem(seen) {
            return if REQUEST_PROBLEMS.contains(&kind.as_str()) {
                Verdict::Fail(format!("Prism {} {kind}: {text}", seen.status))
            } else {
                Verdict::Prism(format!("Prism {} {kind}: {text}", seen.status))
            };
        }
    }
    let typed = match call {
        // A success with no body where the document gives the response a schema (Prism's static
        // mode answers so when it finds no example): the server broke the document, not the client.
        Call::Failed(message)
            if message.contains("does not match the documented schema")
                && seen
                    .is_some_and(|s| (200..300).contains(&s.status) && s.body.iter().all(u8::is_ascii_whitespace)) =>
        {
            return Verdict::Prism(format!("Prism sent no body where the document declares one: {message}"));
        }
        Call::Failed(message) => {
            let excerpt = seen.map(|s| excerpt(&s.body)).unwrap_or_default();
            return Verdict::Fail(if excerpt.is_empty() { message } else { format!("{message}; body: {excerpt}") });
        }
        Call::Success(typed) | Call::Documented(typed) => typed,
    };
    let (Some(typed), Some(seen)) = (typed, seen) else { return Verdict::Conform };
    let raw = if shape == "text" {
        Value::String(String::from_utf8_lossy(&seen.body).into_owned())
    } else if seen.body.iter().all(u8::is_ascii_whitespace) {
        // No body (a 204 whose media type names no schema): nothing, which the client reads as `null`.
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(&seen.body) {
            Ok(raw) => raw,
            Err(e) => return Verdict::Fail(format!("the body is not JSON ({e}): {}", excerpt(&seen.body))),
        }
    };
    match compare(&raw, &typed, shape, table) {
        Ok(()) => Verdict::Conform,
        Err(difference) => Verdict::Fail(format!("decoded with loss: {difference}")),
    }
}

/// The start of a body, for messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text: String = text.chars().take(300).collect();
    text.replace('\n', " ")
}

/// Prism's `sl-violations`: the messages about the request, and about its own response.
pub fn violations(header: Option<&str>) -> (Vec<String>, Vec<String>) {
    let (mut request, mut response) = (Vec::new(), Vec::new());
    let Some(header) = header else { return (request, response) };
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(header) else {
        // Prism cuts a long list short ("Too many violations! …"): about the request when one of
        // those it lists is, else about its own response.
        let text: String = header.chars().take(300).collect();
        if header.contains(r#""location":["request""#) {
            request.push(text);
        } else {
            response.push(text);
        }
        return (request, response);
    };
    for v in &list {
        if v.get("severity").and_then(Value::as_str) != Some("Error") {
            continue;
        }
        let location: Vec<String> = v
            .get("location")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned))
            .collect();
        let message = v.get("message").and_then(Value::as_str).unwrap_or("violation");
        let text = format!("{}: {message}", location.join("."));
        match location.first().map(String::as_str) {
            Some("response") => response.push(text),
            _ => request.push(text),
        }
    }
    (request, response)
}

/// A problem body of Prism's own (`type` `https://stoplight.io/prism/errors#KIND`): the kind and
/// its title and detail.
pub fn prism_problem(seen: &Seen) -> Option<(String, String)> {
    let body: Value = serde_json::from_slice(&seen.body).ok()?;
    let kind = body.get("type")?.as_str()?.strip_prefix("https://stoplight.io/prism/errors#")?;
    let title = body.get("title").and_then(Value::as_str).unwrap_or("");
    let detail = body.get("detail").and_then(Value::as_str).unwrap_or("");
    // UNPROCESSABLE_ENTITY and VIOLATIONS list what Prism found in `validation`.
    let found: Vec<String> = body
        .get("validation")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let location: Vec<&str> = v.get("location")?.as_array()?.iter().filter_map(Value::as_str).collect();
            Some(format!("{}: {}", location.join("."), v.get("message")?.as_str()?))
        })
        .collect();
    let text = if found.is_empty() { format!("{title}: {detail}") } else { format!("{title}: {}", found.join("; ")) };
    Some((kind.to_owned(), text.chars().take(400).collect()))
}

/// The raw JSON against the typed value serialized again, by the rule above; `shape` describes
/// the declared type (`"string"`, `"date-time"`, `{"t": id}`, `{"items": s}`, `{"values": s}`…)
/// and `table` the named types by id (`{"fields": {…}, "additional": s}`, `{"union": […]}`,
/// `{"tuple": […], "rest": s}`, `"scalar"`).
pub fn compare(raw: &Value, typed: &Value, shape: &Value, table: &Value) -> Result<(), String> {
    walk(raw, typed, shape, table, "$", 0)
}

fn walk(raw: &Value, typed: &Value, shape: &Value, table: &Value, path: &str, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Ok(());
    }
    let differ = || Err(format!("{path}: sent {}, came back {}", short(raw), short(typed)));
    match shape {
        Value::String(kind) => {
            if leaf(raw, typed, kind) {
                Ok(())
            } else {
                differ()
            }
        }
        Value::Object(s) => {
            if let Some(id) = s.get("t") {
                let entry = table.get(id.to_string()).unwrap_or(&Value::Null);
                return named(raw, typed, entry, table, path, depth);
            }
            if let Some(item) = s.get("items") {
                let (Some(r), Some(t)) = (raw.as_array(), typed.as_array()) else { return differ() };
                if r.len() != t.len() {
                    return differ();
                }
                for (i, (r, t)) in r.iter().zip(t).enumerate() {
                    walk(r, t, item, table, &format!("{path}[{i}]"), depth + 1)?;
                }
                return Ok(());
            }
            if let Some(value) = s.get("values") {
                let (Some(r), Some(t)) = (raw.as_object(), typed.as_object()) else { return differ() };
                for (key, r) in r.iter().filter(|(_, v)| !v.is_null()) {
                    let Some(t) = t.get(key) else { return Err(format!("{path}.{key}: lost")) };
                    walk(r, t, value, table, &format!("{path}.{key}"), depth + 1)?;
                }
                return Ok(());
            }
            if same(raw, typed) {
                Ok(())
            } else {
                differ()
            }
        }
        _ => Ok(()),
    }
}

fn named(raw: &Value, typed: &Value, entry: &Value, table: &Value, path: &str, depth: usize) -> Result<(), String> {
    if let Some(members) = entry.get("union").and_then(Value::as_array) {
        if same(raw, typed) {
            return Ok(());
        }
        let mut first = None;
        for member in members {
            match walk(raw, typed, member, table, path, depth + 1) {
                Ok(()) => return Ok(()),
                Err(e) => first = first.or(Some(e)),
            }
        }
        return Err(first.unwrap_or_else(|| format!("{path}: no member of the union agrees")));
    }
    if let Some(items) = entry.get("tuple").and_then(Value::as_array) {
        let (Some(r), Some(t)) = (raw.as_array(), typed.as_array()) else {
            return Err(format!("{path}: sent {}, came back {}", short(raw), short(typed)));
        };
        if r.len() != t.len() {
            return Err(format!("{path}: sent {} items, came back {}", r.len(), t.len()));
        }
        let rest = entry.get("rest").filter(|s| !s.is_null()).cloned().unwrap_or_else(|| Value::from("any"));
        for (i, (r, t)) in r.iter().zip(t).enumerate() {
            let shape = items.get(i).unwrap_or(&rest);
            walk(r, t, shape, table, &format!("{path}[{i}]"), depth + 1)?;
        }
        return Ok(());
    }
    let Some(fields) = entry.get("fields").and_then(Value::as_object) else {
        return walk(raw, typed, entry, table, path, depth + 1);
    };
    let (Some(r), Some(t)) = (raw.as_object(), typed.as_object()) else {
        return if same(raw, typed) {
            Ok(())
        } else {
            Err(format!("{path}: sent {}, came back {}", short(raw), short(typed)))
        };
    };
    let present = |map: &serde_json::Map<String, Value>, key: &str| map.get(key).filter(|v| !v.is_null()).cloned();
    for (name, shape) in fields {
        let at = format!("{path}.{name}");
        match (present(r, name), present(t, name)) {
            (None, None) => {}
            (Some(r), None) => return Err(format!("{at}: sent {}, lost by the type", short(&r))),
            (None, Some(t)) => return Err(format!("{at}: not sent, added by the type as {}", short(&t))),
            (Some(r), Some(t)) => walk(&r, &t, shape, table, &at, depth + 1)?,
        }
    }
    if let Some(additional) = entry.get("additional").filter(|a| !a.is_null()) {
        for (key, r) in r.iter().filter(|(k, v)| !fields.contains_key(*k) && !v.is_null()) {
            let at = format!("{path}.{key}");
            let Some(t) = present(t, key) else { return Err(format!("{at}: sent {}, lost by the type", short(r))) };
            walk(r, &t, additional, table, &at, depth + 1)?;
        }
    }
    Ok(())
}

fn leaf(raw: &Value, typed: &Value, kind: &str) -> bool {
    match (kind, raw, typed) {
        ("date-time", Value::String(r), Value::String(t)) => {
            r == t || instant(r).is_some_and(|i| instant(t) == Some(i))
        }
        ("uuid", Value::String(r), Value::String(t)) => r.eq_ignore_ascii_case(t),
        _ => same(raw, typed),
    }
}

/// JSON equality with the rule for numbers.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// `1` and `1.0` are one number; integers compare exactly; floats within a relative 1e-6.
pub fn same_number(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return a == b;
    }
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs()),
        _ => false,
    }
}

/// An RFC 3339 date-time as seconds since 1970 (UTC) and nanoseconds.
pub fn instant(text: &str) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> { text.get(from..to)?.parse().ok() };
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = &text[start..i];
        let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().ok()?;
    }
    let offset = match text.get(i..)? {
        "Z" | "z" => 0,
        zone if zone.len() == 6 => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (num(i + 1, i + 3)? * 3600 + num(i + 4, i + 6)? * 60)
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some((days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos))
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tuples_compare_item_by_item_with_the_rest_after_the_prefix() {
        let table = json!({ "0": { "tuple": ["number", "date-time"], "rest": "string" } });
        let shape = json!({ "t": 0 });
        let sent = json!([1, "2024-01-02T03:04:05+00:00", "x"]);
        assert!(compare(&sent, &json!([1.0, "2024-01-02T03:04:05Z", "x"]), &shape, &table).is_ok());
        assert!(compare(&sent, &json!([1.0, "2024-01-02T03:04:05Z"]), &shape, &table).is_err(), "an item lost");
        assert!(compare(&sent, &json!([2, "2024-01-02T03:04:05Z", "x"]), &shape, &table).is_err());
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(same(&json!(1), &json!(1.0)));
        assert!(same(&json!(0.1), &json!(0.10000000149011612)), "an f32 field keeps about seven digits");
        assert!(!same(&json!(1), &json!(2)));
        assert!(!same(&json!(9007199254740993_i64), &json!(9007199254740992_i64)), "integers compare exactly");
    }

    #[test]
    fn date_times_compare_by_instant_and_uuids_by_value() {
        assert!(leaf(&json!("2024-01-02T03:04:05+00:00"), &json!("2024-01-02T03:04:05Z"), "date-time"));
        assert!(leaf(&json!("2024-01-02T04:04:05.500+01:00"), &json!("2024-01-02T03:04:05.5Z"), "date-time"));
        assert!(!leaf(&json!("2024-01-02T03:04:05Z"), &json!("2024-01-02T03:04:06Z"), "date-time"));
        assert!(!leaf(&json!("2024-01-02T03:04:05Z"), &json!("2024-01-02T03:04:05.000Z"), "string"));
        assert!(leaf(
            &json!("3FA85F64-5717-4562-B3FC-2C963F66AFA6"),
            &json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            "uuid"
        ));
    }

    #[test]
    fn declared_fields_must_come_back_and_undeclared_ones_are_ignored() {
        let table = json!({ "0": { "fields": { "a": "number", "b": { "items": "string" }, "c": "string" }, "additional": null } });
        let shape = json!({ "t": 0 });
        let ok = compare(
            &json!({ "a": 1.0, "b": ["x"], "c": null, "extra": 1 }),
            &json!({ "a": 1, "b": ["x"] }),
            &shape,
            &table,
        );
        assert_eq!(ok, Ok(()));
        let lost = compare(&json!({ "a": 1, "c": "y" }), &json!({ "a": 1 }), &shape, &table);
        assert_eq!(lost, Err("$.c: sent \"y\", lost by the type".to_owned()));
        let changed = compare(&json!({ "b": ["x", "y"] }), &json!({ "b": ["x"] }), &shape, &table);
        assert!(changed.unwrap_err().starts_with("$.b: sent"));
    }

    #[test]
    fn kept_additional_properties_and_unions() {
        let table = json!({
            "0": { "fields": { "a": "string" }, "additional": "number" },
            "1": { "union": [{ "t": 0 }, "string"] },
        });
        assert_eq!(
            compare(&json!({ "a": "x", "n": 2.0 }), &json!({ "a": "x", "n": 2 }), &json!({ "t": 1 }), &table),
            Ok(())
        );
        assert!(compare(&json!({ "a": "x", "n": 2 }), &json!({ "a": "x" }), &json!({ "t": 0 }), &table).is_err());
        assert_eq!(compare(&json!("plain"), &json!("plain"), &json!({ "t": 1 }), &table), Ok(()));
    }

    #[test]
    fn verdicts_read_prism_first() {
        let table = json!({});
        let seen = |violations: Option<&str>, body: &str| Seen {
            status: 200,
            content_type: "application/json".into(),
            violations: violations.map(str::to_owned),
            body: body.as_bytes().to_vec(),
        };
        let request = r#"[{"location":["request","query","a"],"severity":"Error","message":"must be integer"}]"#;
        let verdict_of = |s: &Seen| verdict(Some(s), Call::Success(Some(json!({}))), &json!("any"), &table);
        assert_eq!(
            verdict_of(&seen(Some(request), "{}")),
            Verdict::Fail("Prism: the request violates the document: request.query.a: must be integer".into())
        );
        let response = r#"[{"location":["response","body"],"severity":"Error","message":"bad"}]"#;
        let cut =
            r#"Too many violations! [{"location":["response","body","a"],"severity":"Error","message":"x"},{"loc"#;
        assert!(matches!(verdict_of(&seen(Some(cut), "{}")), Verdict::Prism(_)), "a cut list of the response's");
        assert!(matches!(verdict_of(&seen(Some(response), "{}")), Verdict::Prism(_)));
        let problem = r#"{"type":"https://stoplight.io/prism/errors#NO_RESPONSE_RESPONSE_DEFINED","title":"No response","detail":""}"#;
        assert!(matches!(verdict_of(&seen(None, problem)), Verdict::Prism(_)));
        let wrong =
            r#"{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"no path","detail":""}"#;
        assert!(matches!(verdict_of(&seen(None, wrong)), Verdict::Fail(_)));
        assert_eq!(verdict_of(&seen(None, "{}")), Verdict::Conform);
        let empty = verdict(Some(&seen(None, "")), Call::Success(Some(Value::Null)), &json!("any"), &table);
        assert_eq!(empty, Verdict::Conform, "no body and `null`");
        assert!(matches!(verdict_of(&seen(None, "[1]")), Verdict::Fail(_)));
        let undecodable = |body: &str| {
            let call = Call::Failed("201 Created: the response body does not match the documented schema: …".into());
            verdict(Some(&seen(None, body)), call, &json!("any"), &table)
        };
        assert!(matches!(undecodable(""), Verdict::Prism(_)), "no body at all is the server's fault");
        assert!(matches!(undecodable("{\"a\": 1}"), Verdict::Fail(_)), "a body that does not decode is ours");
    }
}
