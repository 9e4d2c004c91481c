//! Reference resolution across files: a multi-file document becomes one, as if it were bundled,
//! so a bundled copy and a split copy of one API give the same client byte for byte.
//!
//! The rule:
//! - a schema that lives in another file becomes a component schema: under the key where the
//!   document mounts it (`components: {schemas: {Foo: {$ref: ./Foo.yaml}}}`, or a whole section
//!   `components: {schemas: {$ref: ./schemas/_index.yaml}}` whose entries are such refs), else
//!   under its file stem (or the fragment's last token, `common.yaml#/definitions/Error` → `Error`),
//!   with the smallest free suffix from 2 on a collision, in the order the walk meets them; every
//!   other `$ref` to the same file and fragment points at that component, and a `$ref` to a schema
//!   inside it (`schemas.yaml#/Main/properties/link`) points into it (see [`inside_schema`]);
//! - every other object (path items, operations, parameters, responses, examples, descriptions) is
//!   inlined where it is referenced; a file that is not YAML or JSON is a string (a description);
//! - refs are resolved against the file that holds them; `http(s)` refs are an error unless they
//!   fall under the document's 3.2 `$self` or a ref map names a local copy for them
//!   ([`load_mapped`](super::load_mapped), `x-codegen: {ref-map: …}`), and so is a ref that leaves
//!   the root's directory;
//! - cycles close through component refs; a cycle of inlined objects is an error naming the pointer.
//!
//! Every moved object is recorded in the [`SourceMap`], so errors name the file and pointer.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::source_map::{Mapping, SourceMap};
use super::walk::{is_name_map, DATA, OTHER_DATA, SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONES};
use super::Source;
use crate::error::{push_pointer, Error, Warning};
use crate::pointer;

pub(super) fn bundle(
    raw: &mut Value,
    root: &str,
    source: Option<&dyn Source>,
    section: &str,
    ref_map: &[(String, String)],
    map: &mut SourceMap,
    warnings: &mut Vec<Warning>,
) -> Result<(), Error> {
    if !has_external_ref(raw) {
        return Ok(());
    }
    // The caller's map first, then the document's own (its directories relative to the root's).
    let mut remote: Vec<(String, String)> = ref_map.to_vec();
    let own = raw.get(crate::extension::EXTENSION).and_then(|x| x.get("ref-map")).and_then(Value::as_object);
    for (prefix, dir) in own.into_iter().flatten() {
        if let Some(dir) = dir.as_str() {
            let base = root.rsplit_once('/').map_or("", |(d, _)| d);
            let dir = if base.is_empty() || dir.starts_with('/') { dir.to_owned() } else { format!("{base}/{dir}") };
            remote.push((prefix.clone(), dir));
        }
    }
    let self_base =
        raw.get("$self").and_then(Value::as_str).and_then(|s| s.rsplit_once('/')).map(|(d, _)| format!("{d}/"));
    let mut b = Bundler {
        source,
        root: root.to_owned(),
        self_base,
        files: HashMap::new(),
        names: HashMap::new(),
        taken: HashSet::new(),
        hoisted: Vec::new(),
        mappings: Vec::new(),
        inlining: Vec::new(),
        section: section.to_owned(),
        warnings,
        remote,
    };
    b.files.insert(root.to_owned(), std::mem::take(raw));
    let entries = b.mounts()?;
    let root_value = b.files[root].clone();
    let mut out = b.walk(&root_value, root, "", "", Kind::Other)?;
    let mut schemas = Map::new();
    for (name, entry) in entries {
        let at = push_pointer(section, &name);
        let value = match entry {
            Entry::Mounted(file, ptr) if b.names.get(&(file.clone(), ptr.clone())) == Some(&name) => {
                b.mapping(&at, &file, &ptr);
                let value = b.value(&file, &ptr, &at)?;
                b.walk(&value, &file, &ptr, &at, Kind::Schema)?
            }
            Entry::Mounted(file, ptr) | Entry::Local(file, ptr) => {
                let value = b.value(&file, &ptr, &at)?;
                b.walk(&value, &file, &ptr, &at, Kind::Schema)?
            }
        };
        schemas.insert(name, value);
    }
    // Walking the section may hoist more.
    for (name, value) in std::mem::take(&mut b.hoisted) {
        schemas.insert(name, value);
    }
    if !schemas.is_empty() {
        let (parent, key) = section.rsplit_once('/').unwrap_or(("", section));
        let mut target = &mut out;
        for token in parent.split('/').filter(|t| !t.is_empty()) {
            let Value::Object(object) = target else { break };
            target = object.entry(token.to_owned()).or_insert_with(|| Value::Object(Map::new()));
        }
        if let Value::Object(object) = target {
            object.insert(key.to_owned(), Value::Object(schemas));
        }
    }
    *raw = out;
    map.push_layer(b.mappings);
    Ok(())
}

/// Keywords under which a schema holds other schemas.
const INNER: &[&str] = &[
    "properties",
    "patternProperties",
    "items",
    "prefixItems",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "$defs",
    "definitions",
    "dependentSchemas",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
];

/// For a pointer to a schema inside another schema, the pointer of that outermost schema and the
/// rest (`/Main/properties/url` → `/Main` and `/properties/url`). Under `definitions`, `$defs` or
/// `components/schemas` at the top, the named entries are the outermost schemas. `None` for a
/// pointer to one of those, and when the owner would be the file itself: a first token may be a
/// keyword of a file that is one schema or a name in a file of named schemas (`/not`), and only
/// the second is sure.
fn inside_schema(ptr: &str) -> Option<(String, String)> {
    let tokens = pointer::tokens(ptr)?;
    let start = match tokens.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["components", "schemas", _, ..] => 3,
        ["definitions" | "$defs", _, ..] => 2,
        _ => 0,
    };
    let inner = start + tokens[start..].iter().position(|t| INNER.contains(&t.as_str()))?;
    if inner == 0 {
        return None;
    }
    let join = |ts: &[String]| ts.iter().fold(String::new(), |p, t| push_pointer(&p, t));
    Some((join(&tokens[..inner]), join(&tokens[inner..])))
}

/// Whether any `$ref` leaves the document (or a 3.2 description names a file).
fn has_external_ref(value: &Value) -> bool {
    external_ref_in(value, "", false)
}

/// [`has_external_ref`] below `pointer`; `names`: the object's keys are names (a header called
/// `x-rate-limit`, a property called `example`), never data keywords.
fn external_ref_in(value: &Value, pointer: &str, names: bool) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| {
            let at = push_pointer(pointer, k);
            match (k.as_str(), v) {
                // A name maps to an object; a string under `$ref` is a reference even there
                // (`properties: {$ref: ./props.yaml}`).
                ("$ref", Value::String(s)) => !s.starts_with('#'),
                _ if names => external_ref_in(v, &at, false),
                (k, _) if OTHER_DATA.contains(&k) || k.starts_with("x-") => false,
                (k, _) => external_ref_in(v, &at, is_name_map(k, pointer) || SCHEMA_MAPS.contains(&k)),
            }
        }),
        Value::Array(items) => items.iter().any(|item| external_ref_in(item, pointer, false)),
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Schema,
    SchemaMap,
    SchemaList,
    /// A map from names to objects ([`is_name_map`]): no key of it is data.
    Names,
    Other,
}

/// A component of the schemas section: mounted from another file, or written in place.
enum Entry {
    Mounted(String, String),
    Local(String, String),
}

struct Bundler<'s> {
    source: Option<&'s dyn Source>,
    root: String,
    self_base: Option<String>,
    files: HashMap<String, Value>,
    /// (file, pointer) of a schema → the component it became.
    names: HashMap<(String, String), String>,
    taken: HashSet<String>,
    hoisted: Vec<(String, Value)>,
    mappings: Vec<Mapping>,
    /// Objects being inlined, innermost last: a repeat is a cycle.
    inlining: Vec<(String, String)>,
    section: String,
    warnings: &'s mut Vec<Warning>,
    /// URL prefixes of remote refs, with the local directory that holds their copies.
    remote: Vec<(String, String)>,
}

impl Bundler<'_> {
    fn place(&self, file: &str, ptr: &str) -> String {
        if file == self.root {
            ptr.to_owned()
        } else {
            format!("{file}#{ptr}")
        }
    }

    fn mapping(&mut self, to: &str, file: &str, from: &str) {
        let file = (file != self.root).then(|| file.to_owned());
        if file.is_none() && to == from {
            return;
        }
        self.mappings.push(Mapping { to: to.to_owned(), file, from: from.to_owned() });
    }

    /// The file and canonical pointer a `$ref` names, resolved against `file`.
    fn target(&self, reference: &str, file: &str, ptr: &str) -> Result<(String, String), Error> {
        let at = push_pointer(ptr, "$ref");
        let place = self.place(file, &at);
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let mut path = path.to_owned();
        if path.starts_with("http://") || path.starts_with("https://") {
            match self.self_base.as_deref().and_then(|base| path.strip_prefix(base)) {
                Some(rest) => path = rest.to_owned(),
                None => {
                    let mapped = self
                        .remote
                        .iter()
                        .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
                        .max_by_key(|(prefix, _)| prefix.len());
                    let Some((prefix, dir)) = mapped else {
                        let prefix = path.rsplit_once('/').map_or(path.as_str(), |(p, _)| p);
                        return Err(Error::unsupported(
                            &place,
                            format!(
                                "remote $ref '{reference}': nothing is fetched; map it to a local copy with \
                                 `--ref-map {prefix}/=DIR` (or `x-codegen: {{ref-map: {{\"{prefix}/\": DIR}}}}` \
                                 in the document), or bundle the document first"
                            ),
                        ));
                    };
                    let canonical = pointer::canonical(fragment).ok_or_else(|| Error::UnresolvedRef {
                        pointer: place.clone(),
                        reference: reference.to_owned(),
                    })?;
                    let rest = pointer::percent_decode(&path[prefix.len()..]);
                    return Ok((format!("{}/{}", dir.trim_end_matches('/'), rest.trim_start_matches('/')), canonical));
                }
            }
        }
        let canonical = pointer::canonical(fragment)
            .ok_or_else(|| Error::UnresolvedRef { pointer: place.clone(), reference: reference.to_owned() })?;
        if path.is_empty() {
            return Ok((file.to_owned(), canonical));
        }
        if self.source.is_none() {
            return Err(Error::unsupported(
                &place,
                format!("$ref '{reference}' to another file: load the document with its files (codegen::load::load)"),
            ));
        }
        let path = pointer::percent_decode(&path);
        let leaves = || Error::unsupported(&place, format!("$ref '{reference}' leaves the root document's directory"));
        if path.starts_with('/') || path.contains(':') || path.contains('\\') {
            return Err(leaves());
        }
        let mut parts: Vec<&str> = file.split('/').collect();
        parts.pop();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or_else(leaves)?;
                }
                part => parts.push(part),
            }
        }
        Ok((parts.join("/"), canonical))
    }

    fn file(&mut self, file: &str, place: &str) -> Result<&Value, Error> {
        if !self.files.contains_key(file) {
            let source = self.source.ok_or_else(|| Error::unsupported(place, "a $ref to another file"))?;
            let text = source.read(file).map_err(|e| Error::invalid(place, format!("cannot read {file}: {e}")))?;
            let is_data = [".yaml", ".yml", ".json"].iter().any(|ext| file.to_ascii_lowercase().ends_with(ext));
            let value = if is_data {
                super::text::parse_text(&text).map_err(|e| match e {
                    Error::Syntax { line, column, message } => Error::invalid(
                        place,
                        format!("{file}: syntax error at line {line}, column {column}: {message}"),
                    ),
                    Error::Invalid { pointer, message } => Error::invalid(&format!("{file}#{pointer}"), message),
                    other => other,
                })?
            } else {
                Value::String(text)
            };
            self.files.insert(file.to_owned(), value);
        }
        Ok(&self.files[file])
    }

    fn value(&mut self, file: &str, ptr: &str, place: &str) -> Result<Value, Error> {
        let found = self.file(file, place)?.pointer(ptr).cloned();
        found.ok_or_else(|| Error::UnresolvedRef { pointer: place.to_owned(), reference: self.place(file, ptr) })
    }

    /// Phase one: the components the document mounts from other files, so that every `$ref` the
    /// walk meets to one of them points at its name.
    fn mounts(&mut self) -> Result<Vec<(String, Entry)>, Error> {
        let root = self.root.clone();
        let section = self.section.clone();
        let Some(mut value) = self.files[&root].pointer(&section).cloned() else { return Ok(Vec::new()) };
        let (mut file, mut ptr) = (root.clone(), section.clone());
        if let Some(reference) = value.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            (file, ptr) = self.target(&reference, &root, &section)?;
            value = self.value(&file, &ptr, &section)?;
            self.mapping(&section, &file, &ptr);
        }
        let Value::Object(entries) = value else { return Ok(Vec::new()) };
        self.taken.extend(entries.keys().cloned());
        let mut out = Vec::new();
        for (name, entry) in entries {
            let entry_ptr = push_pointer(&ptr, &name);
            let (mut f, mut p) = (file.clone(), entry_ptr.clone());
            let mut current = entry;
            let mut seen = HashSet::new();
            // Follow the chain of pure references to the schema itself.
            while let Some(reference) = current.get("$ref").and_then(Value::as_str).map(str::to_owned) {
                if current.as_object().is_some_and(|o| o.len() > 1) || !seen.insert((f.clone(), p.clone())) {
                    break;
                }
                let (nf, np) = self.target(&reference, &f, &p)?;
                if nf == root {
                    break;
                }
                self.names.entry((f.clone(), p.clone())).or_insert_with(|| name.clone());
                current = self.value(&nf, &np, &self.place(&f, &p))?;
                (f, p) = (nf, np);
            }
            if f == root && p == entry_ptr {
                out.push((name, Entry::Local(f, p)));
            } else {
                self.names.entry((f.clone(), p.clone())).or_insert_with(|| name.clone());
                out.push((name, Entry::Mounted(f, p)));
            }
        }
        Ok(out)
    }

    /// The component a schema of another file becomes, hoisting it the first time.
    fn component(&mut self, file: &str, ptr: &str, place: &str) -> Result<String, Error> {
        if let Some(name) = self.names.get(&(file.to_owned(), ptr.to_owned())) {
            return Ok(name.clone());
        }
        let tokens = pointer::tokens(ptr).unwrap_or_default();
        let stem = file.rsplit('/').next().unwrap_or(file);
        let stem = stem.split('.').next().unwrap_or(stem).to_owned();
        let base = match tokens.as_slice() {
            [] => stem,
            [one] => one.clone(),
            [.., parent, last] if matches!(parent.as_str(), "definitions" | "schemas" | "$defs") => last.clone(),
            more => format!("{stem}_{}", more.join("_")),
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.names.insert((file.to_owned(), ptr.to_owned()), name.clone());
        let at = push_pointer(&self.section.clone(), &name);
        self.mapping(&at, file, ptr);
        let value = self.value(file, ptr, place)?;
        let converted = self.walk(&value, file, ptr, &at, Kind::Schema)?;
        self.hoisted.push((name.clone(), converted));
        Ok(name)
    }

    fn walk(&mut self, value: &Value, file: &str, ptr: &str, out: &str, kind: Kind) -> Result<Value, Error> {
        match value {
            Value::Object(map) => {
                if matches!(kind, Kind::Schema | Kind::Names | Kind::Other) {
                    if let Some(Value::String(reference)) = map.get("$ref") {
                        return self.reference(map, reference, file, ptr, out, kind);
                    }
                }
                // `properties: {$ref: …}`: the whole map is elsewhere (no property schema is a
                // string). Read as the map it names, inlined.
                if let (Kind::SchemaMap, 1, Some(Value::String(reference))) = (kind, map.len(), map.get("$ref")) {
                    // Named at the schema that holds the map: the map's own place becomes the
                    // file it names once the source map is applied.
                    let (owner, keyword) = out.rsplit_once('/').unwrap_or(("", out));
                    self.warnings.push(Warning {
                        pointer: owner.to_owned(),
                        message: format!("`{keyword}` given as a $ref ('{reference}'): read as the map it names"),
                    });
                    return self.schema_map_at(reference, file, ptr, out);
                }
                let mut result = Map::new();
                for (key, child) in map {
                    let (p, o) = (push_pointer(ptr, key), push_pointer(out, key));
                    let child_kind = match kind {
                        Kind::SchemaMap => Some(Kind::Schema),
                        Kind::Names => Some(Kind::Other),
                        Kind::Schema if SCHEMA_MAPS.contains(&key.as_str()) => Some(Kind::SchemaMap),
                        Kind::Schema if SCHEMA_LISTS.contains(&key.as_str()) => Some(Kind::SchemaList),
                        Kind::Schema if SCHEMA_ONES.contains(&key.as_str()) => Some(Kind::Schema),
                        Kind::Schema if key == "discriminator" => {
                            result.insert(key.clone(), self.discriminator(child, file, &p)?);
                            continue;
                        }
                        Kind::Schema => None,
                        // Extensions and example values are data, whatever keys they hold.
                        _ if OTHER_DATA.contains(&key.as_str()) || key.starts_with("x-") => None,
                        _ if key == "schema" || key == "itemSchema" => Some(Kind::Schema),
                        // The root's schemas section is assembled by `bundle`.
                        _ if file == self.root && p == self.section => continue,
                        _ if key == "schemas" && out == "/components" => Some(Kind::SchemaMap),
                        _ if key == "definitions" && o == "/definitions" => Some(Kind::SchemaMap),
                        _ if is_name_map(key, out) => Some(Kind::Names),
                        _ => Some(Kind::Other),
                    };
                    let converted = match child_kind {
                        Some(k) => self.walk(child, file, &p, &o, k)?,
                        None => child.clone(),
                    };
                    result.insert(key.clone(), converted);
                }
                Ok(Value::Object(result))
            }
            Value::Array(items) => {
                // A list where one schema goes is draft 4's tuple `items`: schemas too.
                let child_kind =
                    if matches!(kind, Kind::SchemaList | Kind::Schema) { Kind::Schema } else { Kind::Other };
                let mut result = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let index = i.to_string();
                    result.push(self.walk(
                        item,
                        file,
                        &push_pointer(ptr, &index),
                        &push_pointer(out, &index),
                        child_kind,
                    )?);
                }
                Ok(Value::Array(result))
            }
            other => Ok(other.clone()),
        }
    }

    fn reference(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: &str,
        ptr: &str,
        out: &str,
        kind: Kind,
    ) -> Result<Value, Error> {
        let (tfile, tptr) = self.target(reference, file, ptr)?;
        let place = self.place(file, &push_pointer(ptr, "$ref"));
        let mut siblings = Map::new();
        for (key, child) in map.iter().filter(|(k, _)| *k != "$ref") {
            let converted = if kind == Kind::Schema && !DATA.contains(&key.as_str()) {
                let mut one = Map::new();
                one.insert(key.clone(), child.clone());
                match self.walk(&Value::Object(one), file, ptr, out, Kind::Schema)? {
                    Value::Object(mut o) => o.remove(key).unwrap_or(Value::Null),
                    v => v,
                }
            } else {
                child.clone()
            };
            siblings.insert(key.clone(), converted);
        }
        let local = |p: &str| Value::String(format!("#{p}"));
        if kind == Kind::Schema {
            let target = if tfile == self.root {
                local(&tptr)
            } else if let Some((owner, rest)) = inside_schema(&tptr) {
                // A schema inside another (a property, an item, a member): its owner becomes
                // the component, and the ref points into it, as in the bundled document.
                let name = self.component(&tfile, &owner, &place)?;
                local(&format!("{}{rest}", push_pointer(&self.section.clone(), &name)))
            } else {
                let name = self.component(&tfile, &tptr, &place)?;
                local(&push_pointer(&self.section.clone(), &name))
            };
            let mut result = Map::new();
            result.insert("$ref".into(), target);
            result.extend(siblings);
            return Ok(Value::Object(result));
        }
        let component_like = tptr.starts_with("/components/")
            || tptr.starts_with("/parameters/")
            || tptr.starts_with("/responses/")
            || tptr.starts_with("/definitions/");
        if tfile == self.root && component_like && tptr.matches('/').count() <= 3 {
            let mut result = Map::new();
            result.insert("$ref".into(), local(&tptr));
            result.extend(siblings);
            return Ok(Value::Object(result));
        }
        let key = (tfile.clone(), tptr.clone());
        if self.inlining.contains(&key) {
            return Err(Error::invalid(
                &place,
                format!("$ref cycle through '{reference}' among objects that are inlined (only schemas may recur)"),
            ));
        }
        self.inlining.push(key);
        self.mapping(out, &tfile, &tptr);
        let target = self.value(&tfile, &tptr, &place)?;
        let result = self.walk(&target, &tfile, &tptr, out, kind);
        self.inlining.pop();
        let mut result = result?;
        if let Value::Object(object) = &mut result {
            object.extend(siblings);
        }
        Ok(result)
    }

    /// The map of schemas a `$ref` names, walked where it is (its refs resolved against its file)
    /// and inlined at `out`.
    fn schema_map_at(&mut self, reference: &str, file: &str, ptr: &str, out: &str) -> Result<Value, Error> {
        let (tfile, tptr) = self.target(reference, file, ptr)?;
        let place = self.place(file, &push_pointer(ptr, "$ref"));
        let key = (tfile.clone(), tptr.clone());
        if self.inlining.contains(&key) {
            return Err(Error::invalid(&place, format!("$ref cycle through '{reference}' among maps of schemas")));
        }
        self.inlining.push(key);
        self.mapping(out, &tfile, &tptr);
        let target = self.value(&tfile, &tptr, &place);
        let result = target.and_then(|target| self.walk(&target, &tfile, &tptr, out, Kind::SchemaMap));
        self.inlining.pop();
        result
    }

    /// `mapping` values that name other files become component refs.
    fn discriminator(&mut self, value: &Value, file: &str, ptr: &str) -> Result<Value, Error> {
        let mut value = value.clone();
        if let Some(Value::Object(mapping)) = value.get_mut("mapping") {
            for (tag, target) in mapping.iter_mut() {
                let Some(reference) = target.as_str().map(str::to_owned) else { continue };
                let names_file = !reference.starts_with('#') && (reference.contains('/') || reference.contains('.'));
                if !names_file && file == self.root {
                    continue;
                }
                let at = push_pointer(&push_pointer(ptr, "mapping"), tag);
                let (tfile, tptr) = if names_file || reference.starts_with('#') {
                    self.target(&reference, file, &at)?
                } else {
                    // A bare name in another file means that file's component.
                    continue;
                };
                *target = if tfile == self.root {
                    Value::String(format!("#{tptr}"))
                } else {
                    let name = self.component(&tfile, &tptr, &self.place(file, &at))?;
                    Value::String(format!("#{}", push_pointer(&self.section.clone(), &name)))
                };
            }
        }
        Ok(value)
    }
}
