//! Keeps `spec/thousandeyes.yaml` structurally identical to the vendor's
//! published ThousandEyes v7 Usage and Quotas API
//! (`../shared/reference/thousandeyes-usage-quotas-7.0.85.yaml`, relative to
//! the workspace root).
//!
//! Both documents are normalized before comparison:
//! - prose and samples are dropped: every `description`, `summary`, `example`
//!   and `examples` (including `servers[*].description`), plus the top-level
//!   `info` and `openapi` keys;
//! - the vendor's `Usage_API_` prefix is stripped from component names, from
//!   `$ref` targets and from security requirement keys;
//! - `components.securitySchemes` keeps only schemes that some `security`
//!   requirement uses (the vendor file lists many unused ones).
//!
//! Everything else (paths, methods, parameters, request bodies, responses,
//! schemas, tags, security, server URLs, `x-` extensions) must match, and the
//! key order of `paths` and of every `properties` map must match too, because
//! it drives the order of generated code.
//!
//! One listed exception: facts from the vendor's developer guide that the
//! reference document does not carry ([`DEVELOPER_GUIDE_ADDITIONS`]). Each
//! entry is checked to be absent from the reference, present in ours with
//! exactly the listed content, and only then set aside.
//!
//! When the reference file is absent the tests pass with a note on stderr,
//! unless the `CI` environment variable is set, in which case they fail.
//! `SPEC_REFERENCE_ROOT` overrides the workspace root (the directory holding
//! `spec/`); the reference is then looked up at
//! `$SPEC_REFERENCE_ROOT/../shared/reference/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

const VENDOR_PREFIX: &str = "Usage_API_";
const OUR_SPEC: &str = "spec/thousandeyes.yaml";
const REFERENCE_FILE: &str = "thousandeyes-usage-quotas-7.0.85.yaml";

/// Keys that carry prose or sample data; dropped before the structural diff.
const ANNOTATION_KEYS: &[&str] = &["description", "summary", "example", "examples"];
/// Keys whose value is data, not OpenAPI structure: converted verbatim.
const DATA_KEYS: &[&str] = &["enum", "default", "scopes", "mapping"];
/// Keys whose value is a map keyed by user-chosen names (paths, property
/// names, status codes, media types, ...) rather than by OpenAPI keywords.
const NAME_MAP_KEYS: &[&str] =
    &["paths", "properties", "responses", "content", "headers", "encoding", "links", "callbacks", "variables"];
/// Name maps whose key order is asserted.
const ORDERED_NAME_MAPS: &[&str] = &["paths", "properties"];
/// Facts from the developer guide, not in the reference document: every
/// response carries the organization's rate-limit state in
/// `X-Organization-Rate-Limit-{Limit,Remaining,Reset}` (the client paces itself
/// by them). Declared once under `components/headers` and referenced from each
/// response; by normalized JSON pointer.
const DEVELOPER_GUIDE_ADDITIONS: &[&str] = &[
    "/components/headers",
    "/paths/~1usage/get/responses/200/headers",
    "/paths/~1usage~1units~1enterprise-agents/get/responses/200/headers",
    "/paths/~1usage~1units~1tests/get/responses/200/headers",
    "/paths/~1quotas/get/responses/200/headers",
    "/paths/~1quotas~1assign/post/responses/200/headers",
    "/paths/~1quotas~1account-groups~1assign/post/responses/200/headers",
    "/components/responses/204/headers",
    "/components/responses/400/headers",
    "/components/responses/401/headers",
    "/components/responses/403/headers",
    "/components/responses/404/headers",
    "/components/responses/429/headers",
    "/components/responses/500/headers",
];
/// The rate-limit headers: their component names and wire names.
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    ("OrganizationRateLimitLimit", "X-Organization-Rate-Limit-Limit"),
    ("OrganizationRateLimitRemaining", "X-Organization-Rate-Limit-Remaining"),
    ("OrganizationRateLimitReset", "X-Organization-Rate-Limit-Reset"),
];
/// Longest rendering of a value in a difference line.
const MAX_SHOWN: usize = 200;

// ---------------------------------------------------------------------------
// Locating and loading the documents
// ---------------------------------------------------------------------------

struct SpecPaths {
    ours: PathBuf,
    reference: PathBuf,
}

fn spec_paths() -> SpecPaths {
    match std::env::var_os("SPEC_REFERENCE_ROOT") {
        Some(root) => {
            let root = PathBuf::from(root);
            SpecPaths { ours: root.join(OUR_SPEC), reference: root.join("../shared/reference").join(REFERENCE_FILE) }
        }
        None => SpecPaths {
            ours: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/thousandeyes.yaml")),
            reference: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/reference/thousandeyes-usage-quotas-7.0.85.yaml"
            )),
        },
    }
}

/// Both normalized documents, or `None` when the reference is unavailable
/// outside CI (the caller then passes without checking anything).
fn load_pair() -> Option<(Normalized, Normalized)> {
    let paths = spec_paths();
    if !paths.reference.exists() {
        let message = format!("vendor reference {} not found", paths.reference.display());
        if std::env::var_os("CI").is_some() {
            panic!(
                "{message}; it is required when CI is set (set SPEC_REFERENCE_ROOT to the \
                 workspace root if the checkout lives elsewhere)"
            );
        }
        eprintln!("note: {message}; skipping the comparison with the vendor reference");
        return None;
    }
    let reference = normalize_file(&paths.reference).unwrap_or_else(|e| panic!("{e}"));
    let ours = normalize_file(&paths.ours).unwrap_or_else(|e| panic!("{e}"));
    Some((reference, ours))
}

fn normalize_file(path: &Path) -> Result<Normalized, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("cannot parse {} as YAML: {e}", path.display()))?;
    normalize(&yaml).map_err(|e| format!("cannot normalize {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------

/// A document converted to JSON and normalized.
///
/// Conversion and normalization happen in one pass over the
/// `serde_yaml::Value`, whose mappings keep document order; the key order is
/// recorded on the way because `serde_json::Map` only keeps insertion order
/// when `serde_json`'s `preserve_order` feature happens to be enabled.
struct Normalized {
    doc: Value,
    /// Key order of `paths` and of every `properties` map, by JSON pointer.
    key_orders: BTreeMap<String, Vec<String>>,
    /// Dropped `description`/`summary`/`example`/`examples` values, by JSON
    /// pointer (in the normalized, prefix-free naming).
    annotations: BTreeMap<String, Value>,
}

#[derive(Clone, Copy)]
enum Context {
    /// An OpenAPI object: keys are keywords.
    Object,
    /// A map keyed by names (paths, properties, status codes, media types).
    NameMap { ordered: bool },
    /// `components`: keys are component kinds.
    Components,
    /// `components.<kind>`: keys are component names (prefix stripped).
    ComponentNames,
    /// A `security` list: each item maps scheme names to scopes.
    Security,
}

#[derive(Default)]
struct Walker {
    key_orders: BTreeMap<String, Vec<String>>,
    annotations: BTreeMap<String, Value>,
    used_schemes: BTreeSet<String>,
}

fn normalize(yaml: &serde_yaml::Value) -> Result<Normalized, String> {
    let mut walker = Walker::default();
    let mut doc = walker.walk(yaml, "", Context::Object)?;
    let used = walker.used_schemes;
    if let Some(schemes) =
        doc.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut)
    {
        schemes.retain(|name, _| used.contains(name));
    }
    Ok(Normalized { doc, key_orders: walker.key_orders, annotations: walker.annotations })
}

impl Walker {
    fn walk(&mut self, v: &serde_yaml::Value, ptr: &str, ctx: Context) -> Result<Value, String> {
        match v {
            serde_yaml::Value::Tagged(tagged) => self.walk(&tagged.value, ptr, ctx),
            serde_yaml::Value::Sequence(items) => match ctx {
                Context::Security => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.security_requirement(item, &format!("{ptr}/{i}")))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array),
                _ => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.walk(item, &format!("{ptr}/{i}"), ctx))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array),
            },
            serde_yaml::Value::Mapping(map) => {
                let mut out = Map::new();
                let mut order = Vec::new();
                for (k, value) in map {
                    let key = key_string(k, ptr)?;
                    let (key, converted) = match ctx {
                        Context::Object => match self.object_entry(&key, value, ptr)? {
                            Some(converted) => (key, converted),
                            None => continue,
                        },
                        Context::NameMap { .. } => {
                            let converted = self.walk(value, &child(ptr, &key), Context::Object)?;
                            (key, converted)
                        }
                        Context::Components => {
                            let converted = self.walk(value, &child(ptr, &key), Context::ComponentNames)?;
                            (key, converted)
                        }
                        Context::ComponentNames => {
                            let name = strip_prefix(&key).to_owned();
                            let converted = self.walk(value, &child(ptr, &name), Context::Object)?;
                            (name, converted)
                        }
                        Context::Security => {
                            return Err(format!("{ptr}: `security` must be a list"));
                        }
                    };
                    order.push(key.clone());
                    if out.insert(key.clone(), converted).is_some() {
                        return Err(format!(
                            "{}: duplicate key after stripping the `{VENDOR_PREFIX}` prefix",
                            child(ptr, &key)
                        ));
                    }
                }
                if let Context::NameMap { ordered: true } = ctx {
                    self.key_orders.insert(ptr.to_owned(), order);
                }
                Ok(Value::Object(out))
            }
            scalar => to_json(scalar, ptr),
        }
    }

    /// One entry of an OpenAPI object; `None` when the entry is dropped.
    fn object_entry(&mut self, key: &str, value: &serde_yaml::Value, ptr: &str) -> Result<Option<Value>, String> {
        let p = child(ptr, key);
        if ANNOTATION_KEYS.contains(&key) {
            self.annotations.insert(p.clone(), to_json(value, &p)?);
            return Ok(None);
        }
        if ptr.is_empty() && (key == "info" || key == "openapi") {
            return Ok(None);
        }
        let converted = if key == "$ref" {
            match value.as_str() {
                Some(target) => Value::String(strip_ref(target)),
                None => to_json(value, &p)?,
            }
        } else if key.starts_with("x-") || DATA_KEYS.contains(&key) {
            to_json(value, &p)?
        } else if key == "components" && ptr.is_empty() {
            self.walk(value, &p, Context::Components)?
        } else if key == "security" {
            self.walk(value, &p, Context::Security)?
        } else if NAME_MAP_KEYS.contains(&key) && value.is_mapping() {
            let ordered = ORDERED_NAME_MAPS.contains(&key);
            self.walk(value, &p, Context::NameMap { ordered })?
        } else {
            self.walk(value, &p, Context::Object)?
        };
        Ok(Some(converted))
    }

    fn security_requirement(&mut self, v: &serde_yaml::Value, ptr: &str) -> Result<Value, String> {
        let map = v.as_mapping().ok_or_else(|| format!("{ptr}: a security requirement must be a map"))?;
        let mut out = Map::new();
        for (k, scopes) in map {
            let name = strip_prefix(&key_string(k, ptr)?).to_owned();
            let p = child(ptr, &name);
            self.used_schemes.insert(name.clone());
            out.insert(name, to_json(scopes, &p)?);
        }
        Ok(Value::Object(out))
    }
}

/// Verbatim YAML → JSON conversion; scalar keys are stringified.
fn to_json(v: &serde_yaml::Value, ptr: &str) -> Result<Value, String> {
    Ok(match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().ok_or_else(|| format!("{ptr}: unsupported number {n}"))?;
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("{ptr}: number {n} has no JSON representation"))?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items.iter().enumerate().map(|(i, item)| to_json(item, &format!("{ptr}/{i}"))).collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(map) => {
            let mut out = Map::new();
            for (k, item) in map {
                let key = key_string(k, ptr)?;
                let converted = to_json(item, &child(ptr, &key))?;
                out.insert(key, converted);
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(tagged) => to_json(&tagged.value, ptr)?,
    })
}

fn key_string(k: &serde_yaml::Value, ptr: &str) -> Result<String, String> {
    match k {
        serde_yaml::Value::String(s) => Ok(s.clone()),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        serde_yaml::Value::Bool(b) => Ok(b.to_string()),
        serde_yaml::Value::Null => Ok("null".to_owned()),
        serde_yaml::Value::Tagged(tagged) => key_string(&tagged.value, ptr),
        other => Err(format!("{ptr}: unsupported non-scalar map key {other:?}")),
    }
}

fn strip_prefix(name: &str) -> &str {
    name.strip_prefix(VENDOR_PREFIX).unwrap_or(name)
}

/// `#/components/<kind>/Usage_API_Name` → `#/components/<kind>/Name`.
fn strip_ref(target: &str) -> String {
    match target.strip_prefix("#/components/") {
        Some(rest) => match rest.split_once('/') {
            Some((kind, name)) => format!("#/components/{kind}/{}", strip_prefix(name)),
            None => target.to_owned(),
        },
        None => target.to_owned(),
    }
}

/// Appends `key` to a JSON pointer, escaping `~` and `/` (RFC 6901).
fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"))
}

// ---------------------------------------------------------------------------
// The listed additions
// ---------------------------------------------------------------------------

/// What each entry of [`DEVELOPER_GUIDE_ADDITIONS`] must hold in our document.
fn expected_addition(pointer: &str) -> Value {
    if pointer == "/components/headers" {
        let integer = |minimum: u64| serde_json::json!({"schema": {"type": "integer", "minimum": minimum}});
        let minimums = [0, 0, 1_000_000_000];
        let headers = RATE_LIMIT_HEADERS
            .iter()
            .zip(minimums)
            .map(|((component, _), minimum)| ((*component).to_owned(), integer(minimum)));
        return Value::Object(headers.collect());
    }
    let refs = RATE_LIMIT_HEADERS.iter().map(|(component, wire)| {
        ((*wire).to_owned(), serde_json::json!({"$ref": format!("#/components/headers/{component}")}))
    });
    Value::Object(refs.collect())
}

/// Sets the listed additions aside from our document, after checking that the
/// reference lacks each one and ours holds exactly what the list says; every
/// problem is a finding.
fn set_aside_additions(reference: &Value, ours: &mut Value) -> Vec<String> {
    let mut findings = Vec::new();
    for pointer in DEVELOPER_GUIDE_ADDITIONS {
        if reference.pointer(pointer).is_some() {
            findings.push(format!("{pointer}: the reference has it now; drop it from DEVELOPER_GUIDE_ADDITIONS"));
        }
        let (parent, key) = pointer.rsplit_once('/').expect("pointers start with /");
        let key = key.replace("~1", "/").replace("~0", "~");
        let taken = ours.pointer_mut(parent).and_then(Value::as_object_mut).and_then(|o| o.remove(&key));
        match taken {
            None => findings.push(format!("{pointer}: listed as an addition but missing from {OUR_SPEC}")),
            Some(value) if value != expected_addition(pointer) => findings.push(format!(
                "{pointer}: reference=<missing> ours={} (an addition holds only the rate-limit headers)",
                show(Some(&value))
            )),
            Some(_) => {}
        }
    }
    findings
}

// ---------------------------------------------------------------------------
// Comparison helpers
// ---------------------------------------------------------------------------

fn show(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "<missing>".to_owned();
    };
    let text = v.to_string();
    if text.chars().count() <= MAX_SHOWN {
        text
    } else {
        let cut: String = text.chars().take(MAX_SHOWN).collect();
        format!("{cut}...")
    }
}

fn display_ptr(ptr: &str) -> &str {
    if ptr.is_empty() {
        "(document root)"
    } else {
        ptr
    }
}

/// Collects every difference between `reference` and `ours` below `ptr`.
fn diff(reference: Option<&Value>, ours: Option<&Value>, ptr: &str, out: &mut Vec<String>) {
    match (reference, ours) {
        (Some(Value::Object(r)), Some(Value::Object(o))) => {
            let keys = r.keys().chain(o.keys().filter(|k| !r.contains_key(*k)));
            for key in keys {
                diff(r.get(key), o.get(key), &child(ptr, key), out);
            }
        }
        (Some(Value::Array(r)), Some(Value::Array(o))) => {
            for i in 0..r.len().max(o.len()) {
                diff(r.get(i), o.get(i), &format!("{ptr}/{i}"), out);
            }
        }
        (r, o) if r == o => {}
        (r, o) => out.push(format!("{}: reference={} ours={}", display_ptr(ptr), show(r), show(o))),
    }
}

/// Order differences of `paths` and `properties` maps, comparing only the
/// keys both sides have (missing or extra keys are reported by `diff`).
fn order_differences(reference: &Normalized, ours: &Normalized) -> Vec<String> {
    let mut out = Vec::new();
    for (ptr, ref_keys) in &reference.key_orders {
        let Some(our_keys) = ours.key_orders.get(ptr) else {
            continue;
        };
        let r: Vec<&String> = ref_keys.iter().filter(|k| our_keys.contains(k)).collect();
        let o: Vec<&String> = our_keys.iter().filter(|k| ref_keys.contains(k)).collect();
        if r != o {
            out.push(format!("{} (key order): reference={r:?} ours={o:?}", display_ptr(ptr)));
        }
    }
    out
}

fn is_prose_pointer(ptr: &str) -> bool {
    ptr.ends_with("/description") || ptr.ends_with("/summary")
}

fn is_example_pointer(ptr: &str) -> bool {
    ptr.ends_with("/example") || ptr.ends_with("/examples")
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn report(title: &str, lines: &[String]) -> String {
    let mut message = format!("{title} ({} finding(s)):\n", lines.len());
    for line in lines {
        message.push_str("  ");
        message.push_str(line);
        message.push('\n');
    }
    message
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn spec_matches_reference_structurally() {
    let Some((reference, mut ours)) = load_pair() else {
        return;
    };
    let mut lines = set_aside_additions(&reference.doc, &mut ours.doc);
    diff(Some(&reference.doc), Some(&ours.doc), "", &mut lines);
    lines.extend(order_differences(&reference, &ours));
    assert!(
        lines.is_empty(),
        "{}",
        report(&format!("{OUR_SPEC} differs structurally from the vendor reference {REFERENCE_FILE}"), &lines)
    );
}

#[test]
fn additions_are_checked_not_ignored() {
    let mut reference = serde_json::json!({"components": {"responses": {"204": {}}}});
    let mut ours = reference.clone();
    ours["components"]["headers"] = expected_addition("/components/headers");
    ours["components"]["responses"]["204"]["headers"] = expected_addition("/components/responses/204/headers");
    let findings = set_aside_additions(&reference, &mut ours);
    assert_eq!(ours, reference, "what the list names is set aside");
    assert!(findings.iter().all(|f| f.contains("missing from")), "{findings:#?}");
    assert_eq!(findings.len(), DEVELOPER_GUIDE_ADDITIONS.len() - 2, "the other entries are reported missing");

    let mut changed = reference.clone();
    changed["components"]["responses"]["204"]["headers"] = serde_json::json!({"X-Other": {"schema": {}}});
    let findings = set_aside_additions(&reference, &mut changed);
    assert!(findings.iter().any(|f| f.starts_with("/components/responses/204/headers: reference=<missing>")));

    reference["components"]["headers"] = serde_json::json!({});
    let findings = set_aside_additions(&reference, &mut ours.clone());
    assert!(findings.iter().any(|f| f.contains("the reference has it now")), "{findings:#?}");
}

#[test]
fn descriptions_are_our_own() {
    let Some((reference, ours)) = load_pair() else {
        return;
    };
    let mut lines = Vec::new();
    for (ptr, text) in &ours.annotations {
        if !is_prose_pointer(ptr) {
            continue;
        }
        let (Some(text), Some(vendor)) = (text.as_str(), reference.annotations.get(ptr).and_then(Value::as_str)) else {
            continue;
        };
        if collapse_whitespace(text) == collapse_whitespace(vendor) {
            lines.push(format!("{ptr}: {}", show(Some(&Value::String(text.to_owned())))));
        }
    }
    assert!(
        lines.is_empty(),
        "{}",
        report(&format!("{OUR_SPEC} copies vendor prose verbatim; rephrase these"), &lines)
    );
}

#[test]
fn reference_examples_are_kept() {
    let Some((reference, ours)) = load_pair() else {
        return;
    };
    let mut lines = Vec::new();
    for (ptr, vendor) in &reference.annotations {
        if !is_example_pointer(ptr) {
            continue;
        }
        let our = ours.annotations.get(ptr);
        if our != Some(vendor) {
            lines.push(format!("{ptr}: reference={} ours={}", show(Some(vendor)), show(our)));
        }
    }
    assert!(
        lines.is_empty(),
        "{}",
        report(&format!("{OUR_SPEC} does not carry the vendor's examples unchanged"), &lines)
    );
}
