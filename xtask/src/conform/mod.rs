//! `cargo xtask conform DOC… [--out DIR] [--max-size BYTES] [--report FILE] [--no-fail]`: the
//! generated clients against an independent server, Prism (pinned in `tools/prism/`).
//!
//! For every document (a file, or a folder holding `openapi.yaml`; directories are searched like
//! `cargo xtask corpus` does):
//! 1. the standalone crate, as `cargo xtask generate` writes it, under `OUT/<crate>/`;
//! 2. every example of the document (`examples.rs`) and candidate arguments for every parameter
//!    and request body (`values.rs`) are validated against their schemas by ajv
//!    (`tools/prism/validate-examples.js`), on the document converted to JSON Schema
//!    (`schema.rs`); rejected examples are the document's mistakes, counted, never failed;
//! 3. a harness, `OUT/<crate>/examples/conform-<crate>/` (`harness.rs`, with `support.rs`
//!    beside it), that calls every operation through the typed client and decodes every valid
//!    example into its generated type and back;
//! 4. the harnesses of all documents built at once, as members of one workspace (one target
//!    directory, `OUT/target`), like `corpus` checks its crates;
//! 5. per document, a static and a dynamic (fixed seed) Prism on 127.0.0.1, the harness run
//!    against each, and both stopped (`xtask::prism`). Prism serves the document itself, or a
//!    copy without the data it would misread (`prism_copy`).
//!
//! An operation conforms when, in both modes, Prism reports no violation of the request and the
//! response decodes into the typed success or documented error and serializes back to the JSON
//! Prism sent (`support.rs` states the comparison rule). Where Prism cannot serve an operation
//! (its own response violates the document, no response defined, …) the operation is listed
//! with Prism's words and counted apart.

pub mod examples;
pub mod floor;
pub mod harness;
pub mod report;
pub mod schema;
pub mod support;
pub mod values;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

use crate::prism::{self, Server};
use report::{DocumentReport, ExampleReport, OperationReport};

/// Dynamic mode's seed: the same bodies on every run.
const SEED: &str = "conform";

/// What `cargo xtask conform` was asked (`cli::Conform`).
#[derive(Debug)]
pub struct Config {
    /// Documents as given: files, folders holding `openapi.yaml`, or directories searched for
    /// documents as `corpus` does.
    pub inputs: Vec<PathBuf>,
    /// Where the crates, the shared workspace and its target directory go.
    pub out: PathBuf,
    /// Documents larger than this many bytes (all files of a multi-file one) are left out, and
    /// reported so; `None` takes all.
    pub max_size: Option<u64>,
    /// Where to write the full report as JSON; `None` writes none.
    pub report: Option<PathBuf>,
    /// Exit zero whatever the verdicts (for documents known not to conform yet).
    pub no_fail: bool,
    /// Fail only where a document falls below the floor recorded in this file (`floor.rs`).
    pub floor: Option<PathBuf>,
    /// Write the counts of this run as a floor.
    pub record_floor: Option<PathBuf>,
}

/// Runs everything; the documents' reports, in order.
pub fn run(root: &Path, config: &Config) -> Result<Vec<DocumentReport>, String> {
    let started = Instant::now();
    let prism = prism::install(root)?;
    let mut specs = Vec::new();
    for input in &config.inputs {
        if input.is_dir() {
            let found = crate::corpus::spec_files(input)?;
            if found.is_empty() {
                return Err(format!("{}: no OpenAPI or Swagger documents", input.display()));
            }
            specs.extend(found);
        } else {
            specs.push(input.clone());
        }
    }
    let out = &config.out;
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let out = out.canonicalize().map_err(|e| format!("{}: {e}", out.display()))?;
    let names = crate::corpus::unique_crate_names(&specs);
    let mut documents = Vec::new();
    for (spec, crate_name) in specs.iter().zip(names) {
        let mut report = DocumentReport { path: spec.display().to_string(), crate_name, ..Default::default() };
        report.skipped = config.max_size.is_some_and(|max| crate::corpus::document_size(spec) > max);
        if !report.skipped {
            let mut validator = |document: &Value, checks: &[(String, Value)]| validate(root, &out, document, checks);
            if let Err(problem) = prepare(root, spec, &out, &mut report, &mut validator) {
                report.problem = Some(problem);
            }
        }
        documents.push(report);
    }
    let prepared = started.elapsed();
    let members: Vec<String> =
        documents.iter().filter(|d| !d.skipped && d.problem.is_none()).map(|d| d.crate_name.clone()).collect();
    let failed = build(root, &out, &members)?;
    let built = started.elapsed();
    for document in &mut documents {
        if document.skipped || document.problem.is_some() {
            continue;
        }
        if let Some(why) = failed.iter().find(|(name, _)| *name == document.crate_name).map(|(_, why)| why) {
            document.problem = Some(format!("the harness does not build: {why}"));
            continue;
        }
        check(root, &prism, &out, &specs, document);
        eprintln!("{}", document.line());
    }
    eprintln!(
        "conform: generated and validated in {:.0}s, built in {:.0}s, ran in {:.0}s",
        prepared.as_secs_f64(),
        (built - prepared).as_secs_f64(),
        (started.elapsed() - built).as_secs_f64()
    );
    if let Some(path) = &config.report {
        let json = json!({ "documents": documents.iter().map(DocumentReport::to_json).collect::<Vec<_>>() });
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        crate::files::write_atomically(path, &text)?;
    }
    Ok(documents)
}

/// ajv's verdict on each `(schema pointer, value)` of a document converted to JSON Schema: valid,
/// rejected with why, or `None` when it cannot compile the schema.
pub type Verdicts = Vec<Option<Result<(), String>>>;

/// Judges `(schema pointer, value)` checks against a document converted to JSON Schema.
pub type Validator<'a> = dyn FnMut(&Value, &[(String, Value)]) -> Result<Verdicts, String> + 'a;

/// Generates the crate `report.crate_name` under `out`, validates examples and argument
/// candidates with `validator`, and writes the harness beside the crate's sources; fills the
/// report's examples and operations (not yet run).
pub fn prepare(
    root: &Path,
    spec: &Path,
    out: &Path,
    report: &mut DocumentReport,
    validator: &mut Validator<'_>,
) -> Result<(), String> {
    let dir = out.join(&report.crate_name);
    crate::generate::generate(root, spec, &dir, &report.crate_name).map_err(|e| format!("generate: {e}"))?;
    let doc = crate::source::load(spec)?;
    let shown = spec.display();
    let (api, _) = codegen::lower::lower(&doc).map_err(|e| format!("{shown}: {e}"))?;
    let names = codegen::names::names(&api);
    // The operations the generated crate has: the document's own selection, as `generate` applies it.
    let selection = codegen::Selection::from_document(&doc).map_err(|e| format!("{shown}: {e}"))?;
    let (api, names) = codegen::select::select(&api, &names, &selection);
    let raw = &doc.raw;

    if let Some(url) = remote_ref(raw) {
        match prism_copy(spec, &dir)? {
            Some(copy) => report.prism_document = Some(copy),
            None => {
                report.no_prism = Some(format!(
                    "Prism would download {url} (a `$ref` in a value of the document, such as an example), and conform reaches no network but 127.0.0.1"
                ));
            }
        }
    }
    let found = examples::collect(raw, &api);
    let mut checks: Vec<(String, Value)> = found.iter().map(|e| (e.schema.clone(), e.value.clone())).collect();
    // Per operation, per argument (parameter index, or `None` for the body): the check indices.
    let mut wanted: Vec<Vec<(Option<usize>, Vec<usize>)>> = Vec::new();
    for op in &api.operations {
        let mut per_op = Vec::new();
        for (j, p) in op.parameters.iter().enumerate() {
            let Some((at, node)) = examples::resolve_pointer(raw, &p.pointer) else { continue };
            let (holder, schema) = match node.get("content").and_then(Value::as_object).and_then(|c| c.keys().next()) {
                Some(media) => {
                    let media = examples::push(&examples::push(&at, "content"), media);
                    let schema = examples::push(&media, "schema");
                    (media, schema)
                }
                None => (at.clone(), examples::push(&at, "schema")),
            };
            let mut given = values::examples_of(raw, raw.pointer(&holder).unwrap_or(&Value::Null));
            if holder != at {
                given.extend(values::examples_of(raw, &node));
            }
            let candidates = values::parameter_candidates(raw, raw.pointer(&schema).unwrap_or(&json!({})), given);
            per_op.push((Some(j), push_checks(&mut checks, &schema, candidates)));
        }
        if let Some(content) = op.body.as_ref().and_then(|b| b.sent()) {
            if let Some((at, _)) = examples::resolve_pointer(raw, &examples::push(&op.pointer, "requestBody")) {
                let media = examples::push(&examples::push(&at, "content"), &content.media_type);
                let schema = examples::push(&media, "schema");
                let given = values::examples_of(raw, raw.pointer(&media).unwrap_or(&Value::Null));
                let candidates = values::candidates(raw, raw.pointer(&schema).unwrap_or(&json!({})), given);
                per_op.push((None, push_checks(&mut checks, &schema, candidates)));
            }
        }
        wanted.push(per_op);
    }
    let verdicts = validator(&schema::convert(raw), &checks)?;
    if verdicts.len() != checks.len() {
        return Err(format!("the validator answered {} of {} checks", verdicts.len(), checks.len()));
    }

    let mut valid_examples = Vec::new();
    for (i, e) in found.iter().enumerate() {
        let (verdict, reason) = match &verdicts[i] {
            Some(Ok(())) => {
                valid_examples.push(e);
                ("pending", String::new())
            }
            Some(Err(why)) => ("rejected", why.clone()),
            None => ("unchecked", String::new()),
        };
        report.examples.push(ExampleReport { label: e.label.clone(), verdict: verdict.into(), reason });
    }
    // Per operation, why no request the document allows can be made.
    let unsatisfiable: Vec<Vec<String>> = wanted
        .iter()
        .zip(&api.operations)
        .map(|(per_op, op)| {
            let mut why: Vec<String> = per_op
                .iter()
                .filter_map(|(which, indices)| {
                    let rejected: Vec<&String> =
                        indices.iter().filter_map(|i| verdicts[*i].as_ref().and_then(|v| v.as_ref().err())).collect();
                    if indices.is_empty() || rejected.len() < indices.len() {
                        return None;
                    }
                    let argument = match which {
                        Some(j) => format!("parameter `{}`", op.parameters[*j].name),
                        None => "the request body".to_owned(),
                    };
                    Some(format!(
                        "{argument}: the validator accepts none of the {} candidate values, the document's examples included (first: {})",
                        indices.len(),
                        rejected[0]
                    ))
                })
                .collect();
            why.extend(undefined_schemes(raw, &op.pointer));
            why
        })
        .collect();
    let arguments: Vec<harness::Arguments> = wanted
        .iter()
        .zip(&api.operations)
        .map(|(per_op, op)| {
            let mut args = harness::Arguments { parameters: vec![None; op.parameters.len()], body: None };
            for (which, indices) in per_op {
                let chosen = indices
                    .iter()
                    .find(|i| matches!(verdicts[**i], Some(Ok(()))))
                    .or(indices.last())
                    .map(|i| checks[*i].1.clone());
                match which {
                    Some(j) => args.parameters[*j] = chosen,
                    None => args.body = chosen,
                }
            }
            args
        })
        .collect();
    report.operations = api
        .operations
        .iter()
        .map(|op| {
            // The examples Prism's static mode may answer with: each response's media types'
            // (under the response, wherever a `$ref` put it) and their schemas' own.
            let mut places = Vec::new();
            // Successes first: the example named is the one Prism most likely served.
            let responses = op.successes().chain(op.failures());
            for response in responses {
                let key = examples::push(&examples::push(&op.pointer, "responses"), &response.status.to_string());
                let Some((at, _)) = examples::resolve_pointer(raw, &key) else { continue };
                places.push(format!("{at}/"));
                for c in &response.content {
                    let schema =
                        examples::push(&examples::push(&examples::push(&at, "content"), &c.media_type), "schema");
                    if let Some((target, _)) = examples::resolve_pointer(raw, &schema) {
                        places.push(examples::push(&target, "example"));
                        // Prism's static mode also builds bodies from the examples of the
                        // properties, in every schema the response's schema reaches.
                        places.extend(reachable_schemas(raw, &target).into_iter().map(|p| format!("{p}/")));
                    }
                }
            }
            let rejected = report.examples.iter().filter(|e| e.verdict == "rejected");
            let rejected_examples = places
                .iter()
                .flat_map(|p| rejected.clone().filter(move |e| e.label.starts_with(p.as_str())))
                .map(|e| e.label.clone())
                .collect();
            let prism_cannot_read = prism_cannot_read(&api, op);
            OperationReport { name: op.word(), rejected_examples, prism_cannot_read, ..Default::default() }
        })
        .collect();
    for (op, why) in report.operations.iter_mut().zip(unsatisfiable) {
        op.unsatisfiable = why;
    }
    let krate = report.crate_name.replace('-', "_");
    let source = harness::render(&api, &names, &krate, &arguments, &valid_examples);
    let example = dir.join("examples").join(format!("conform-{}", report.crate_name));
    crate::files::write_atomically(&example.join("main.rs"), &source)?;
    crate::files::write_atomically(&example.join("support.rs"), include_str!("support.rs"))?;
    Ok(())
}

/// A copy of a one-file document for Prism, written in `dir`, without the `$ref` members of its
/// values that name another host (a SCIM resource's `$ref` is its URL). The loader refuses such
/// `$ref`s where they are references, so any left is data, which Prism's resolver would try to
/// download; without them Prism serves the rest of the document, and a response that needed them
/// is Prism's to answer for. `None` for a document of several files (a copy elsewhere would lose
/// them) or one whose remote `$ref`s are not all in its own file.
fn prism_copy(spec: &Path, dir: &Path) -> Result<Option<PathBuf>, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let Ok(mut value) = serde_yaml::from_str::<Value>(&text) else { return Ok(None) };
    if other_files(&value) {
        return Ok(None);
    }
    drop_remote_refs(&mut value);
    if remote_ref(&value).is_some() {
        return Ok(None);
    }
    let copy = dir.join("prism-document.json");
    let text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    crate::files::write_atomically(&copy, &text)?;
    Ok(Some(copy))
}

/// Whether a `$ref` names another file (not `#…`, not another host).
fn other_files(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let here = |target: &str| target.starts_with('#') || remote(target);
            matches!(map.get("$ref"), Some(Value::String(target)) if !here(target)) || map.values().any(other_files)
        }
        Value::Array(items) => items.iter().any(other_files),
        _ => false,
    }
}

/// Whether a `$ref` names another host.
fn remote(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://")
}

/// Removes every `$ref` member that names another host.
fn drop_remote_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if matches!(map.get("$ref"), Some(Value::String(target)) if remote(target)) {
                map.remove("$ref");
            }
            map.values_mut().for_each(drop_remote_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_remote_refs),
        _ => {}
    }
}

/// The first `$ref` to another host anywhere in the document. The loader refuses those where they
/// are references, so any left is inside a value (an example of a SCIM resource, say); Prism's
/// resolver still tries to download it.
fn remote_ref(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                if remote(target) {
                    return Some(target.clone());
                }
            }
            map.values().find_map(remote_ref)
        }
        Value::Array(items) => items.iter().find_map(remote_ref),
        _ => None,
    }
}

/// What of the request the operation describes Prism cannot read: a `text/json` body (Prism
/// takes it as text, and finds no object where the schema wants one), or a query parameter in
/// `form` style whose items are objects (OpenAPI defines no serialization for it; the client
/// sends each item as JSON text, as such documents ask, and Prism expects objects).
fn prism_cannot_read(api: &codegen::model::Api, op: &codegen::model::Operation) -> Option<String> {
    use codegen::model::{ParamLocation, ParamStyle, TypeKind, TypeRef};
    if op.body.as_ref().and_then(|b| b.sent()).is_some_and(|c| c.media_type.eq_ignore_ascii_case("text/json")) {
        return Some("Prism does not read a `text/json` request body as JSON".to_owned());
    }
    let object = |ty: &TypeRef| match ty {
        TypeRef::Map(_) => true,
        TypeRef::Named(id) => matches!(api.type_def(*id).kind, TypeKind::Struct(_)),
        _ => false,
    };
    op.parameters
        .iter()
        .find(|p| {
            p.location == ParamLocation::Query
                && p.style == ParamStyle::Form
                && matches!(&p.ty, TypeRef::Array(item) if object(item))
        })
        .map(|p| {
            format!(
                "query parameter `{}` is a list of objects in `form` style, which OpenAPI gives no serialization (the client sends each as JSON text; Prism expects objects)",
                p.name
            )
        })
}

/// When every alternative of the operation's security requirement (its own, else the document's)
/// names a scheme the document does not define, the names: no request can meet it.
fn undefined_schemes(raw: &Value, op_pointer: &str) -> Option<String> {
    let requirement = raw.pointer(&format!("{op_pointer}/security")).or_else(|| raw.get("security"))?.as_array()?;
    let defined = raw.pointer("/components/securitySchemes").and_then(Value::as_object);
    let mut undefined = Vec::new();
    for alternative in requirement {
        let names: Vec<&String> = alternative.as_object()?.keys().collect();
        let missing: Vec<&String> =
            names.iter().copied().filter(|n| defined.is_none_or(|d| !d.contains_key(*n))).collect();
        if missing.is_empty() {
            return None;
        }
        undefined.extend(missing);
    }
    if undefined.is_empty() {
        return None;
    }
    undefined.sort();
    undefined.dedup();
    let names: Vec<String> = undefined.iter().map(|n| format!("`{n}`")).collect();
    Some(format!("the security requirement names {}, which the document does not define", names.join(", ")))
}

/// The schemas `pointer` (a schema of `raw`) reaches through `$ref`s, itself first, each once.
/// Values (`example`, `examples`, `default`, `enum`, `const`) are not searched.
fn reachable_schemas(raw: &Value, pointer: &str) -> Vec<String> {
    fn refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.extend(target.strip_prefix('#'));
                }
                for (key, value) in map {
                    if !matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "const") {
                        refs(value, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
            _ => {}
        }
    }
    let mut found = vec![pointer.to_owned()];
    let mut seen: std::collections::HashSet<String> = found.iter().cloned().collect();
    let mut next = 0;
    while next < found.len() {
        let mut targets = Vec::new();
        if let Some(node) = raw.pointer(&found[next]) {
            refs(node, &mut targets);
        }
        for target in targets {
            if seen.insert(target.to_owned()) {
                found.push(target.to_owned());
            }
        }
        next += 1;
    }
    found
}

fn push_checks(checks: &mut Vec<(String, Value)>, schema: &str, candidates: Vec<Value>) -> Vec<usize> {
    candidates
        .into_iter()
        .map(|value| {
            checks.push((schema.to_owned(), value));
            checks.len() - 1
        })
        .collect()
}

/// ajv (`tools/prism/validate-examples.js`) on the checks of one document.
fn validate(root: &Path, out: &Path, document: &Value, checks: &[(String, Value)]) -> Result<Verdicts, String> {
    let input = out.join("validate-input.json");
    let checks_json: Vec<Value> = checks.iter().map(|(p, v)| json!({ "pointer": p, "value": v })).collect();
    let text =
        serde_json::to_string(&json!({ "document": document, "checks": checks_json })).map_err(|e| e.to_string())?;
    crate::files::write_atomically(&input, &text)?;
    let script = root.join(prism::TOOL_DIR).join("validate-examples.js");
    let output = Command::new("node")
        .arg(&script)
        .arg(&input)
        .output()
        .map_err(|e| format!("cannot run node ({e}); Node.js is needed for `cargo xtask conform`"))?;
    if !output.status.success() {
        return Err(format!(
            "the validator failed ({}): {}",
            output.status,
            prism::tail(&String::from_utf8_lossy(&output.stderr))
        ));
    }
    let results: Vec<Value> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("the validator's output: {e}"))?;
    if results.len() != checks.len() {
        return Err(format!("the validator answered {} of {} checks", results.len(), checks.len()));
    }
    Ok(results
        .iter()
        .map(|r| match r.get("valid") {
            Some(Value::Bool(true)) => Some(Ok(())),
            Some(Value::Bool(false)) => {
                Some(Err(r.get("error").and_then(Value::as_str).unwrap_or("invalid").to_owned()))
            }
            _ => None,
        })
        .collect())
}

/// Makes the crates one workspace and builds their harnesses; the crates whose build failed,
/// with the first error.
fn build(root: &Path, out: &Path, members: &[String]) -> Result<Vec<(String, String)>, String> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    for member in members {
        let manifest = out.join(member).join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        let text = text.replace("\n[workspace]\n", "\n");
        // The harness's own runtime (the crate needs none: its callers bring theirs).
        let text = format!(
            "{text}\n[dev-dependencies]\ntokio = {{ version = \"1\", default-features = false, features = [\"rt\"] }}\n"
        );
        crate::files::write_atomically(&manifest, &text)?;
        let _ = fs::remove_file(out.join(member).join("Cargo.lock"));
    }
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let manifest = format!(
        "# Written by `cargo xtask conform`: every generated crate and its harness, built together.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        list.join(", ")
    );
    crate::files::write_atomically(&out.join("Cargo.toml"), &manifest)?;
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, out.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    eprintln!("conform: building {} harness(es)", members.len());
    let output = crate::cargo()
        .args(["build", "--workspace", "--examples", "--keep-going", "--message-format", "short"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        // No debug information: the harnesses are run once, and linking is most of their cost.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = Vec::new();
    for member in members {
        if stderr.contains(&format!("could not compile `{member}`")) {
            let first = stderr
                .lines()
                .find(|l| l.contains(&format!("{member}/")) && l.contains("error"))
                .unwrap_or("see the build output")
                .to_owned();
            failed.push((member.clone(), first));
        }
    }
    if !output.status.success() && failed.is_empty() {
        return Err(format!("cargo build failed before reaching the harnesses:\n{}", prism::tail(&stderr)));
    }
    if !failed.is_empty() {
        eprint!("{stderr}");
    }
    Ok(failed)
}

/// Runs one document's harness: its examples, then its operations against both Prism modes.
fn check(root: &Path, prism: &Path, out: &Path, specs: &[PathBuf], document: &mut DocumentReport) {
    let binary = out.join("target/debug/examples").join(format!("conform-{}", document.crate_name));
    match Command::new(&binary).arg("examples").output() {
        Ok(output) => report::read_lines(document, &String::from_utf8_lossy(&output.stdout)),
        Err(e) => document.problem = Some(format!("cannot run {}: {e}", binary.display())),
    }
    for e in document.examples.iter_mut().filter(|e| e.verdict == "pending") {
        e.verdict = "fail".into();
        e.reason = "the harness gave no verdict (it stopped early)".into();
    }
    let Some(spec) = specs.iter().find(|s| s.display().to_string() == document.path) else { return };
    run_operations(root, prism, out, spec, &binary, document);
    for op in &mut document.operations {
        op.excuse_rejected_examples();
        op.excuse_refused_requests();
    }
}

/// The harness's operations against a static and a dynamic Prism of the document.
fn run_operations(root: &Path, prism: &Path, out: &Path, spec: &Path, binary: &Path, document: &mut DocumentReport) {
    if let Some(reason) = document.no_prism.clone() {
        for op in &mut document.operations {
            op.modes.push(report::ModeVerdict {
                mode: "both".into(),
                verdict: "prism".into(),
                reason: reason.clone(),
                status: None,
            });
        }
        return;
    }
    let spec = document.prism_document.as_deref().unwrap_or(spec);
    let spec = spec.canonicalize().unwrap_or_else(|_| spec.to_path_buf());
    let logs = out.join("logs");
    let _ = fs::create_dir_all(&logs);
    let mut servers = Vec::new();
    for seed in [None, Some(SEED)] {
        let mode = if seed.is_some() { "dynamic" } else { "static" };
        let log = logs.join(format!("{}-{mode}.log", document.crate_name));
        servers.push((mode, Server::start(root, prism, &spec, seed, log)));
    }
    for (mode, server) in &mut servers {
        let started = match server {
            Ok(server) => server.wait_until_listening().map(|()| server.url()),
            Err(e) => Err(e.clone()),
        };
        match started {
            Ok(url) => match Command::new(binary).args(["operations", &url, mode]).output() {
                Ok(output) => {
                    report::read_lines(document, &String::from_utf8_lossy(&output.stdout));
                    if !output.status.success() {
                        let stderr = String::from_utf8_lossy(&output.stderr);
                        document.problem = Some(format!("the harness failed ({mode}): {}", prism::tail(&stderr)));
                    }
                }
                Err(e) => document.problem = Some(format!("cannot run {}: {e}", binary.display())),
            },
            Err(why) => {
                // The line of Prism's log that says what went wrong, else its last.
                let said = why
                    .lines()
                    .find(|l| l.contains("message:") || l.contains("Error:") || l.contains("[CLI] ✖"))
                    .or_else(|| why.lines().last())
                    .unwrap_or("")
                    .trim();
                let reason = format!("Prism cannot load the document: {said}");
                for op in &mut document.operations {
                    op.modes.push(report::ModeVerdict {
                        mode: (*mode).to_owned(),
                        verdict: "prism".into(),
                        reason: reason.clone(),
                        status: None,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prism_gets_a_copy_without_remote_refs_in_values_of_one_file_documents() {
        let dir = std::env::temp_dir().join(format!("conform-prism-copy-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temporary directory");
        let spec = dir.join("doc.json");
        let document = json!({
            "openapi": "3.0.3",
            "components": { "examples": { "group": { "value": { "members": [
                { "value": "u1", "$ref": "https://api.example.test/Users/u1" }
            ] } } }, "schemas": { "A": { "$ref": "#/components/schemas/B" }, "B": {} } }
        });
        fs::write(&spec, document.to_string()).expect("write");
        let copy = prism_copy(&spec, &dir).expect("reads").expect("a one-file document is copied");
        let copied: Value = serde_json::from_str(&fs::read_to_string(copy).expect("copy")).expect("JSON");
        assert_eq!(copied.pointer("/components/examples/group/value/members/0"), Some(&json!({ "value": "u1" })));
        assert_eq!(copied.pointer("/components/schemas/A/$ref"), Some(&json!("#/components/schemas/B")));
        // A document that names another file cannot be copied elsewhere.
        let split = json!({ "components": { "schemas": { "A": { "$ref": "schemas.yaml#/A" } } } });
        fs::write(&spec, split.to_string()).expect("write");
        assert_eq!(prism_copy(&spec, &dir).expect("reads"), None);
        let _ = fs::remove_dir_all(&dir);
    }
}
