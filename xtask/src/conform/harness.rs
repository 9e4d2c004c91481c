//! The harness: `examples/conform-<crate>/main.rs` of a generated crate, a program that calls
//! every operation through the typed client against a Prism server, and decodes every valid
//! example of the document into its generated type and back.
//!
//! Values are JSON written here (by `values.rs`, checked by the validator) and deserialized into
//! the generated types at run time (`arg::<T>(json)`), the Rust type spelled as the generated
//! client spells it (`codegen::render::rust_type_text`). The program prints one JSON line per
//! verdict (`{"op"…}`, `{"example"…}`), read back by `report.rs`; `support.rs` (copied beside
//! it) holds the rules.

use std::fmt::Write as _;

use codegen::model::{Api, Content, MediaKind, Operation, Primitive, Response, SecurityKind, TypeKind, TypeRef};
use codegen::names::Names;
use codegen::render::rust_type_text;
use serde_json::{json, Value};

use super::examples::Example;

/// The values one operation is called with: by parameter index (`None`: left out), and the body.
#[derive(Clone, Debug, Default)]
pub struct Arguments {
    /// One entry per parameter of the operation, in its order; `None` leaves it unset.
    pub parameters: Vec<Option<Value>>,
    /// The request body's JSON; `None` sends none.
    pub body: Option<Value>,
}

/// How the harness builds its client: a credential for every security scheme of the document, of
/// the kind the scheme takes (Prism checks that the request carries it, not its value), and an
/// `on_response` observer that keeps the last response read whole for the verdict.
fn client_setup(api: &Api) -> String {
    let mut credentials = String::new();
    for scheme in &api.security_schemes {
        let credential = match &scheme.kind {
            SecurityKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => {
                "runtime::Credential::basic(\"conform-user\", \"conform-password\")"
            }
            SecurityKind::Http { .. } | SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect { .. } => {
                "runtime::Credential::token(\"conform-token\")"
            }
            SecurityKind::ApiKey { .. } => "runtime::Credential::api_key(\"conform-key\")",
            // A client certificate needs TLS, which Prism on 127.0.0.1 does not speak.
            SecurityKind::MutualTls => continue,
        };
        let _ = write!(credentials, "\n        .credential({}, {credential})", raw_literal(&scheme.name));
    }
    format!(
        r#"fn client(base: &str) -> Result<Client, String> {{
    Client::builder()
        .base_url(base){credentials}
        .retry_policy(runtime::RetryPolicy::disabled())
        .pacing(runtime::Pacing::disabled())
        .timeout(std::time::Duration::from_secs(60))
        .on_response(|r: &runtime::RawResponse| *SEEN.lock().unwrap_or_else(|e| e.into_inner()) = Some(seen_of(r)))
        .build()
        .map_err(|e| e.to_string())
}}
"#
    )
}

/// The harness's source.
pub fn render(api: &Api, names: &Names, krate: &str, arguments: &[Arguments], examples: &[&Example]) -> String {
    let mut out = String::new();
    let table = table(api);
    let _ = write!(
        out,
        r#"//! Written by `cargo xtask conform`: every operation of the document against Prism, every valid
//! example decoded and encoded again. Run `conform operations BASE_URL MODE` or `conform examples`.
#![allow(deprecated, unused_imports, unused_variables, clippy::all)]

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::{{Mutex, OnceLock}};

use serde_json::Value;
use support::{{Call, Seen, Verdict}};
use {krate}::{{runtime, types, Client}};

type Outcome = Result<(Call, &'static str), String>;
type Fut<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// The last response read whole, as `on_response` reported it.
static SEEN: Mutex<Option<Seen>> = Mutex::new(None);

const TABLE: &str = {table};

fn table() -> &'static Value {{
    static TABLE_VALUE: OnceLock<Value> = OnceLock::new();
    TABLE_VALUE.get_or_init(|| serde_json::from_str(TABLE).unwrap_or(Value::Null))
}}

fn arg<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T, String> {{
    serde_json::from_str(json).map_err(|e| format!("the argument {{what}} ({{}}) does not decode into its type: {{e}}", support::excerpt(json.as_bytes())))
}}

fn typed<T: serde::Serialize>(value: &T) -> Option<Value> {{
    serde_json::to_value(value).ok()
}}

fn seen_of(r: &runtime::RawResponse) -> Seen {{
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Seen {{
        status: r.status().as_u16(),
        content_type: header("content-type").unwrap_or_default(),
        violations: header("sl-violations"),
        body: r.body().to_vec(),
    }}
}}

/// The response an error keeps, when `on_response` saw none.
fn remember<E>(error: &runtime::Error<E>) {{
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.is_none() {{
        *seen = error.raw_response().map(seen_of);
    }}
}}

/// A success's status and headers when `on_response` saw no body (a streamed download): its body
/// is not compared then. Whether `on_response` saw it.
fn success_headers(status: u16, headers: &reqwest::header::HeaderMap) -> bool {{
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.is_some() {{
        return true;
    }}
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    *seen = Some(Seen {{ status, content_type: header("content-type").unwrap_or_default(), violations: header("sl-violations"), body: Vec::new() }});
    false
}}

{client}
fn line(value: Value) {{
    println!("{{value}}");
}}

fn example<T: serde::de::DeserializeOwned + serde::Serialize + PartialEq>(label: &str, json: &str, shape: &str) {{
    let check = || -> Result<(), String> {{
        let raw: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let first: T = serde_json::from_str(json).map_err(|e| format!("does not decode: {{e}}"))?;
        let encoded = serde_json::to_value(&first).map_err(|e| format!("does not encode: {{e}}"))?;
        let second: T = serde_json::from_value(encoded.clone()).map_err(|e| format!("its encoding does not decode: {{e}}"))?;
        if first != second {{
            return Err("decode, encode, decode gives another value".into());
        }}
        let shape: Value = serde_json::from_str(shape).unwrap_or(Value::Null);
        support::compare(&raw, &encoded, &shape, table()).map_err(|e| format!("encodes to other JSON: {{e}}"))
    }};
    match check() {{
        Ok(()) => line(serde_json::json!({{ "example": label, "verdict": "round-trip" }})),
        Err(reason) => line(serde_json::json!({{ "example": label, "verdict": "fail", "reason": reason }})),
    }}
}}

fn main() -> std::process::ExitCode {{
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {{
        ["examples"] => examples(),
        ["operations", base, mode] => {{
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {{
                Ok(runtime) => runtime,
                Err(e) => {{
                    eprintln!("conform: no Tokio runtime: {{e}}");
                    return std::process::ExitCode::FAILURE;
                }}
            }};
            if let Err(e) = runtime.block_on(operations(base, mode)) {{
                eprintln!("conform: {{e}}");
                return std::process::ExitCode::FAILURE;
            }}
        }}
        _ => {{
            eprintln!("usage: conform examples | conform operations BASE_URL MODE");
            return std::process::ExitCode::FAILURE;
        }}
    }}
    std::process::ExitCode::SUCCESS
}}

async fn operations(base: &str, mode: &str) -> Result<(), String> {{
    let client = client(base)?;
    let all: &[(&str, fn(&Client) -> Fut<'_>)] = &[
"#,
        table = raw_literal(&table.to_string()),
        client = client_setup(api),
    );
    for (i, op) in api.operations.iter().enumerate() {
        let _ = writeln!(out, "        ({}, op_{i}),", raw_literal(&op.word()));
    }
    out.push_str(
        r#"    ];
    for (word, call) in all {
        *SEEN.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let outcome = call(&client).await;
        let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner()).take();
        let verdict = match outcome {
            Ok((call, shape)) => {
                let shape: Value = serde_json::from_str(shape).unwrap_or(Value::Null);
                support::verdict(seen.as_ref(), call, &shape, table())
            }
            Err(reason) => Verdict::Fail(reason),
        };
        let (verdict, reason) = match verdict {
            Verdict::Conform => ("conform", String::new()),
            Verdict::Fail(reason) => ("fail", reason),
            Verdict::Prism(reason) => ("prism", reason),
        };
        let status = seen.as_ref().map(|s| s.status);
        line(serde_json::json!({ "op": word, "mode": mode, "verdict": verdict, "reason": reason, "status": status }));
    }
    Ok(())
}

"#,
    );
    for (i, op) in api.operations.iter().enumerate() {
        let default = Arguments::default();
        out.push_str(&operation(api, names, i, op, arguments.get(i).unwrap_or(&default)));
    }
    out.push_str("fn examples() {\n");
    for e in examples {
        let ty = rust_type_text(names, &e.ty);
        let value = json_for(api, &e.ty, &e.value);
        let _ = writeln!(
            out,
            "    example::<{ty}>({}, {}, {});",
            raw_literal(&e.label),
            raw_literal(&value.to_string()),
            raw_literal(&shape(&e.ty).to_string())
        );
    }
    out.push_str("}\n");
    out
}

/// One operation's function: the call with every argument, and what came back as JSON.
fn operation(api: &Api, names: &Names, i: usize, op: &Operation, args: &Arguments) -> String {
    let on = &names.operations[i];
    let mut call = Vec::new();
    let mut setters = String::new();
    for (j, p) in op.parameters.iter().enumerate() {
        let Some(value) = args.parameters.get(j).cloned().flatten() else { continue };
        let base = rust_type_text(names, &p.ty);
        let value = json_for(api, &p.ty, &value);
        let what = raw_literal(&p.name);
        if p.required {
            let ty = if p.may_be_absent() { format!("Option<{base}>") } else { base };
            call.push(format!("arg::<{ty}>({}, {what})?", raw_literal(&value.to_string())));
        } else {
            let _ =
                write!(setters, ".{}(arg::<{base}>({}, {what})?)", on.parameters[j], raw_literal(&value.to_string()));
        }
    }
    if let (Some(body), Some(content)) = (&op.body, op.body.as_ref().and_then(|b| b.sent())) {
        let value = args.body.clone().unwrap_or(Value::Null);
        let expression = body_expression(api, names, content, &value);
        if body.required {
            call.push(expression);
        } else {
            let _ = write!(setters, ".{}({expression})", on.body);
        }
    }
    let success = success_arm(op, on);
    let failure = match &on.error_enum {
        None => "(Call::Failed(error.to_string()), \"\\\"any\\\"\")".to_owned(),
        Some(errors) => {
            let mut arms = String::new();
            for r in op.failures() {
                let Some((_, variant)) = errors.variants.iter().find(|(s, _)| *s == r.status) else { continue };
                let path = format!("types::{}::{variant}", errors.name);
                arms.push_str(&variant_arm(&path, r, "Documented"));
            }
            format!(
                "match error.error_body() {{ Some(body) => match body {{ {arms} _ => (Call::Documented(None), \"\\\"any\\\"\"), }}, None => (Call::Failed(error.to_string()), \"\\\"any\\\"\") }}"
            )
        }
    };
    format!(
        r#"fn op_{i}(client: &Client) -> Fut<'_> {{
    Box::pin(async move {{
        let result = client.{method}({call}){setters}.send().await;
        Ok(match result {{
            Ok(value) => {success},
            Err(error) => {{
                remember(&error);
                {failure}
            }}
        }})
    }})
}}

"#,
        method = on.method,
        call = call.join(", "),
    )
}

/// The expression for a request body of `content`'s media type.
fn body_expression(api: &Api, names: &Names, content: &Content, value: &Value) -> String {
    match content.kind() {
        MediaKind::Json | MediaKind::FormUrlEncoded => {
            let (ty, value) = match &content.ty {
                Some(ty) => (rust_type_text(names, ty), json_for(api, ty, value)),
                None => ("serde_json::Value".to_owned(), value.clone()),
            };
            format!("arg::<{ty}>({}, \"body\")?", raw_literal(&value.to_string()))
        }
        MediaKind::Text => format!("String::from({})", raw_literal(&text_of(value))),
        MediaKind::Binary => "b\"conform\".to_vec()".to_owned(),
        // Typed parts: from a value of the schema's type, in memory.
        MediaKind::Multipart if api.parts_of(content).is_some() => {
            let ty = content.ty.as_ref().map_or_else(|| "serde_json::Value".to_owned(), |ty| rust_type_text(names, ty));
            let value = content.ty.as_ref().map_or_else(|| value.clone(), |ty| json_for(api, ty, value));
            format!("arg::<{ty}>({}, \"body\")?.into()", raw_literal(&value.to_string()))
        }
        MediaKind::Multipart => {
            let mut form = "reqwest::multipart::Form::new()".to_owned();
            if let Value::Object(fields) = value {
                for (name, value) in fields {
                    let _ = write!(form, ".text({}, {})", raw_literal(name), raw_literal(&text_of(value)));
                }
            }
            form
        }
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "conform".to_owned(),
        other => other.to_string(),
    }
}

/// The arm for a success: the typed value as JSON, and its shape.
fn success_arm(op: &Operation, on: &codegen::names::OperationNames) -> String {
    let headers = "success_headers(value.status().as_u16(), value.headers())";
    if let Some(successes) = &on.success_enum {
        let mut arms = String::new();
        for r in op.successes() {
            let Some((_, variant)) = successes.variants.iter().find(|(s, _)| *s == r.status) else { continue };
            let path = format!("types::{}::{variant}", successes.name);
            arms.push_str(&variant_arm(&path, r, "Success"));
        }
        return format!(
            "if {headers} {{ match &*value {{ {arms} _ => (Call::Success(None), \"\\\"any\\\"\"), }} }} else {{ (Call::Success(None), \"\\\"any\\\"\") }}"
        );
    }
    let content = success_content(op);
    // Binary bodies and streams of items are handed out as they arrive, not read whole.
    let streamed = content.is_some_and(|c| !matches!(c.kind(), MediaKind::Json | MediaKind::Text) || c.is_sequential())
        && op.pagination.is_none();
    match content {
        Some(c) if c.kind() == MediaKind::Json => {
            let shape = raw_literal(&shape(&c.decoded()).to_string());
            format!("if {headers} {{ (Call::Success(typed(&*value)), {shape}) }} else {{ (Call::Success(None), \"\\\"any\\\"\") }}")
        }
        Some(c) if c.kind() == MediaKind::Text && !streamed => format!(
            "if {headers} {{ (Call::Success(Some(Value::String((*value).clone()))), \"\\\"text\\\"\") }} else {{ (Call::Success(None), \"\\\"any\\\"\") }}"
        ),
        // A streamed body is not read whole, so `on_response` never sees it.
        _ if streamed => "{ let _ = success_headers(value.status().as_u16(), value.headers()); (Call::Success(None), \"\\\"any\\\"\") }".to_owned(),
        _ => format!("{{ let _ = {headers}; (Call::Success(None), \"\\\"any\\\"\") }}"),
    }
}

/// As the generated builder decides: the body every 2xx response carries, else `default`'s.
fn success_content(op: &Operation) -> Option<&Content> {
    if op.successes().next().is_none() {
        return op.responses.iter().find(|r| r.status == codegen::model::Status::Default).and_then(Response::body);
    }
    op.successes().find_map(Response::body)
}

/// A match arm for one variant of a success or error enum (`kind`: `Success`, `Documented`).
fn variant_arm(path: &str, r: &Response, kind: &str) -> String {
    match r.body() {
        None => format!("{path} => (Call::{kind}(None), \"\\\"any\\\"\"),"),
        Some(c) if c.kind() == MediaKind::Json => {
            let shape = raw_literal(&shape(&c.decoded()).to_string());
            format!("{path}(x) => (Call::{kind}(typed(x)), {shape}),")
        }
        Some(c) if c.kind() == MediaKind::Text => {
            format!("{path}(x) => (Call::{kind}(Some(Value::String(x.clone()))), \"\\\"text\\\"\"),")
        }
        Some(_) => format!("{path}(_) => (Call::{kind}(None), \"\\\"any\\\"\"),"),
    }
}

/// A JSON value as the generated type reads it: bytes (`format: binary`) as an array of numbers.
fn json_for(api: &Api, ty: &TypeRef, value: &Value) -> Value {
    match (api.resolved(ty), value) {
        (TypeRef::Primitive(Primitive::Binary), Value::String(s)) => Value::from(s.as_bytes().to_vec()),
        (TypeRef::Nullable(inner), value) => json_for(api, inner, value),
        (TypeRef::Array(item), Value::Array(items)) => items.iter().map(|v| json_for(api, item, v)).collect(),
        // Binary properties (a multipart body's files, say) are bytes in the struct too.
        (TypeRef::Named(id), Value::Object(fields)) => match &api.type_def(*id).kind {
            codegen::model::TypeKind::Struct(s) => fields
                .iter()
                .map(|(name, v)| match s.fields.iter().find(|f| &f.name == name) {
                    Some(field) => (name.clone(), json_for(api, &field.ty, v)),
                    None => (name.clone(), v.clone()),
                })
                .collect(),
            _ => value.clone(),
        },
        _ => value.clone(),
    }
}

/// The shape of a type for `support::compare`.
pub fn shape(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Named(id) => json!({ "t": id.0 }),
        TypeRef::Primitive(p) => Value::from(match p {
            Primitive::String | Primitive::Date => "string",
            Primitive::Boolean => "boolean",
            Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64 => "number",
            Primitive::DateTime => "date-time",
            Primitive::Uuid => "uuid",
            Primitive::Binary => "any",
        }),
        TypeRef::Array(item) => json!({ "items": shape(item) }),
        TypeRef::Map(value) => json!({ "values": shape(value) }),
        TypeRef::Any => Value::from("any"),
        TypeRef::Nullable(inner) => shape(inner),
    }
}

/// The named types' shapes, by id.
pub fn table(api: &Api) -> Value {
    let mut table = serde_json::Map::new();
    for (id, def) in api.types.iter().enumerate() {
        let entry = match &def.kind {
            TypeKind::Struct(s) => {
                let fields: serde_json::Map<String, Value> =
                    s.fields.iter().map(|f| (f.name.clone(), shape(&f.ty))).collect();
                json!({ "fields": fields, "additional": s.additional.as_ref().map(shape) })
            }
            TypeKind::Enum(_) | TypeKind::IntEnum(_) => Value::from("scalar"),
            TypeKind::Union(u) => json!({ "union": u.variants.iter().map(shape).collect::<Vec<_>>() }),
            TypeKind::Tuple(t) => json!({
                "tuple": t.items.iter().map(shape).collect::<Vec<_>>(),
                "rest": t.rest.as_ref().map(shape),
            }),
            TypeKind::Alias(target) => shape(target),
        };
        table.insert(id.to_string(), entry);
    }
    Value::Object(table)
}

/// `text` as a Rust raw string literal, with as many `#` as it needs.
pub fn raw_literal(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_literals_fence_any_text() {
        assert_eq!(raw_literal("a"), "r#\"a\"#");
        assert_eq!(raw_literal("say \"#hi\""), "r##\"say \"#hi\"\"##");
    }
}
