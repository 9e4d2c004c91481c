//! Argument values for the harness, as JSON: the document's own examples first, then values made
//! from the schema (type, format, enum, bounds, lengths, patterns where a small generator can
//! follow them). The validator (`tools/prism/validate-examples.js`) then picks the first
//! candidate its schema accepts; when none is accepted the last is sent anyway, and Prism's
//! verdict says what is wrong with it.
//!
//! Schemas are read from `Document::raw` (3.0 form), `$ref`s followed within it.

use serde_json::{Map, Value};

/// How deep schemas are followed; past [`SHALLOW`] only required properties are filled.
const DEEPEST: usize = 24;
const SHALLOW: usize = 4;

/// `$ref`s followed from `value` (`#/…` pointers of `doc`), at most 32 in a row.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(&decode(p))) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

/// A URI fragment's percent-encoding undone (the JSON pointer's `~` escapes stay).
fn decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The examples a parameter or media type object gives (`example`, then each of `examples`'
/// values, `$ref`s to `components/examples` followed), in document order.
pub fn examples_of(doc: &Value, object: &Value) -> Vec<Value> {
    let object = resolve(doc, object);
    let mut found: Vec<Value> = object.get("example").cloned().into_iter().collect();
    if let Some(Value::Object(examples)) = object.get("examples") {
        found.extend(examples.values().filter_map(|e| resolve(doc, e).get("value").cloned()));
    }
    found
}

/// Candidate values for a schema, best first: `given` (the parameter's or media type's own
/// examples), the schema made with its nested examples and defaults, then made from types and
/// constraints alone. Repeats are dropped.
pub fn candidates(doc: &Value, schema: &Value, given: Vec<Value>) -> Vec<Value> {
    let mut all = given;
    all.push(make(doc, schema, true));
    all.push(make(doc, schema, false));
    let mut unique: Vec<Value> = Vec::new();
    for value in all {
        if !unique.contains(&value) {
            unique.push(value);
        }
    }
    unique
}

/// Candidates for a parameter, whose value goes on the wire as text: [`candidates`], and one made
/// from each member of a top-level `oneOf`/`anyOf` (the makes before follow the first), then
/// `text_unambiguous_first`.
pub fn parameter_candidates(doc: &Value, schema: &Value, given: Vec<Value>) -> Vec<Value> {
    let mut all = candidates(doc, schema, given);
    let resolved = resolve(doc, schema);
    for key in ["oneOf", "anyOf"] {
        for member in resolved.get(key).and_then(Value::as_array).into_iter().flatten() {
            let value = make(doc, member, true);
            if !all.contains(&value) {
                all.push(value);
            }
        }
    }
    text_unambiguous_first(all)
}

/// Candidates reordered for the wire, where every value is text: when some are strings and some
/// are not, the strings that read as no number or boolean go first. A server reads `42` in a path
/// as the integer and the string alike, which a `oneOf` of both refuses.
fn text_unambiguous_first(mut candidates: Vec<Value>) -> Vec<Value> {
    let mixed = candidates.iter().any(Value::is_string) && !candidates.iter().all(Value::is_string);
    if mixed {
        let plain = |v: &Value| v.as_str().is_some_and(|s| s.parse::<f64>().is_err() && s != "true" && s != "false");
        candidates.sort_by_key(|v| !plain(v));
    }
    candidates
}

/// A value for `schema`, to send: with `examples`, the schema's own `example` or `default` where
/// it has one; read-only properties are left out.
pub fn make(doc: &Value, schema: &Value, examples: bool) -> Value {
    Maker { doc, examples }.value(schema, 0)
}

struct Maker<'a> {
    doc: &'a Value,
    examples: bool,
}

impl Maker<'_> {
    fn value(&self, schema: &Value, depth: usize) -> Value {
        let s = resolve(self.doc, schema);
        if depth > DEEPEST {
            return Value::Null;
        }
        if self.examples {
            if let Some(example) = s.get("example").or_else(|| s.get("default")).filter(|v| !v.is_null()) {
                return example.clone();
            }
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            if let Some(first) = values.iter().find(|v| !v.is_null()) {
                return first.clone();
            }
        }
        if let Some(Value::Array(members)) = s.get("allOf") {
            // Members that only annotate (`{readOnly: true}`, `{description: …}`) add nothing.
            let mut merged: Option<Map<String, Value>> = None;
            let mut scalar = None;
            for member in members.iter().filter(|m| constrains(resolve(self.doc, m))) {
                match self.value(member, depth + 1) {
                    Value::Object(fields) => merged.get_or_insert_with(Map::new).extend(fields),
                    Value::Null => {}
                    other => scalar = scalar.or(Some(other)),
                }
            }
            if s.get("properties").is_some() {
                let own = self.object(s, depth);
                let merged = merged.get_or_insert_with(Map::new);
                for (name, value) in own {
                    merged.entry(name).or_insert(value);
                }
            }
            // A member's `required` may name a property another member declares.
            if let Some(fields) = merged.as_mut() {
                let all: Vec<&Value> = members.iter().map(|m| resolve(self.doc, m)).chain([s]).collect();
                let required =
                    all.iter().filter_map(|m| m.get("required")?.as_array()).flatten().filter_map(Value::as_str);
                for name in required {
                    let declared = all.iter().find_map(|m| m.get("properties")?.get(name));
                    if let (false, Some(property)) = (fields.contains_key(name), declared) {
                        fields.insert(name.to_owned(), self.value(property, depth + 1));
                    }
                }
            }
            if let Some(value) = merged.map(Value::Object).or(scalar) {
                return value;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = s.get(key) {
                // Properties beside the alternatives hold for every one of them.
                let mut value = self.alternative(s, members, depth);
                if let (Value::Object(fields), Some(_)) = (&mut value, s.get("properties")) {
                    for (name, own) in self.object(s, depth) {
                        fields.entry(name).or_insert(own);
                    }
                } else if s.get("properties").is_some() && !value.is_object() {
                    // Alternatives that only constrain the object beside them (`required: [a]`):
                    // that object, with what the first alternative requires.
                    let mut fields = self.object(s, depth);
                    let first = resolve(self.doc, &members[0]);
                    let required = first.get("required").and_then(Value::as_array).into_iter().flatten();
                    for name in required.filter_map(Value::as_str) {
                        if let (false, Some(property)) = (fields.contains_key(name), s["properties"].get(name)) {
                            fields.insert(name.to_owned(), self.value(property, depth + 1));
                        }
                    }
                    value = Value::Object(fields);
                }
                return value;
            }
        }
        match type_of(s) {
            "string" => string(s),
            "integer" => number(s, true),
            "number" => number(s, false),
            "boolean" => Value::Bool(true),
            "array" => {
                let items = s.get("items").map_or(Value::from("conform"), |i| self.value(i, depth + 1));
                let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
                let max = s.get("maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
                let count = min.min(max).min(8) as usize;
                Value::Array(vec![items; count])
            }
            "object" => Value::Object(self.object(s, depth)),
            _ => Value::from("conform"),
        }
    }

    /// The first member that is not `null`; with a discriminator, the member its first tag
    /// names, with the tag set.
    fn alternative(&self, s: &Value, members: &[Value], depth: usize) -> Value {
        let discriminator = s.get("discriminator");
        let property = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        let mapped = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .and_then(|m| m.iter().next())
            .and_then(|(tag, target)| Some((tag.clone(), serde_json::json!({ "$ref": target.as_str()? }))));
        let (tag, member) = match mapped {
            Some((tag, member)) => (Some(tag), member),
            None => {
                let member = members.iter().find(|m| type_of(resolve(self.doc, m)) != "null").unwrap_or(&members[0]);
                let tag =
                    member.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map(str::to_owned);
                (tag, member.clone())
            }
        };
        let mut value = self.value(&member, depth + 1);
        if let (Some(property), Some(tag), Value::Object(fields)) = (property, tag, &mut value) {
            fields.insert(property.to_owned(), Value::String(tag));
        }
        value
    }

    fn object(&self, s: &Value, depth: usize) -> Map<String, Value> {
        let required: Vec<&str> =
            s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut fields = Map::new();
        if let Some(Value::Object(properties)) = s.get("properties") {
            for (name, property) in properties {
                let required = required.contains(&name.as_str());
                // A required read-only property stays: the generated type needs it to decode.
                if !(required || depth < SHALLOW && !read_only(self.doc, property)) {
                    continue;
                }
                let value = self.value(property, depth + 1);
                if !value.is_null() {
                    fields.insert(name.clone(), value);
                }
            }
        }
        let at_least = s.get("minProperties").and_then(Value::as_u64).unwrap_or(0);
        if let Some(additional @ Value::Object(_)) = s.get("additionalProperties") {
            for i in fields.len() as u64..at_least {
                fields.insert(format!("key{i}"), self.value(additional, depth + 1));
            }
        }
        fields
    }
}

/// Whether a schema says anything about values (not only `description`, `readOnly`…).
fn constrains(s: &Value) -> bool {
    const KEYWORDS: &[&str] =
        &["type", "properties", "items", "enum", "allOf", "oneOf", "anyOf", "additionalProperties", "format", "$ref"];
    KEYWORDS.iter().any(|k| s.get(k).is_some())
}

/// `readOnly: true` on the schema or one of its `allOf` members.
fn read_only(doc: &Value, schema: &Value) -> bool {
    let s = resolve(doc, schema);
    let flag = |s: &Value| s.get("readOnly") == Some(&Value::Bool(true));
    flag(s) || s.get("allOf").and_then(Value::as_array).is_some_and(|m| m.iter().any(|m| flag(resolve(doc, m))))
}

/// The schema's type: `type` (the first that is not `null` of a list), else what its keywords
/// imply.
fn type_of(s: &Value) -> &str {
    match s.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        _ if s.get("properties").is_some() || s.get("additionalProperties").is_some() => "object",
        _ if s.get("items").is_some() => "array",
        _ => "",
    }
}

fn string(s: &Value) -> Value {
    let format = s.get("format").and_then(Value::as_str).unwrap_or("");
    let fixed = match format {
        "date-time" => Some("2024-01-02T03:04:05Z"),
        "date" => Some("2024-01-02"),
        "time" => Some("03:04:05Z"),
        "uuid" => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        "email" => Some("user@example.com"),
        "uri" | "url" | "uri-reference" | "iri" => Some("https://example.com/conform"),
        "hostname" => Some("example.com"),
        "ipv4" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "byte" => Some("Y29uZm9ybQ=="),
        _ => None,
    };
    if let Some(text) = fixed {
        return Value::from(text);
    }
    let mut text =
        s.get("pattern").and_then(Value::as_str).and_then(pattern_example).unwrap_or_else(|| "conform".into());
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    if text.chars().count() > max {
        text = text.chars().take(max).collect();
    }
    Value::from(text)
}

fn number(s: &Value, integer: bool) -> Value {
    let get = |key: &str| s.get(key).and_then(Value::as_f64);
    let flag = |key: &str| s.get(key) == Some(&Value::Bool(true));
    // 3.0 writes exclusive bounds as flags, 3.1 (and the JSON Schema form) as numbers.
    let step = if integer { 1.0 } else { 0.5 };
    let min = get("exclusiveMinimum").map(|m| m + step).or(get("minimum").map(|m| {
        if flag("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    }));
    let max = get("exclusiveMaximum").map(|m| m - step).or(get("maximum").map(|m| {
        if flag("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    }));
    let mut v = match (min, max) {
        (Some(min), _) => min,
        (None, Some(max)) => max.min(if integer { 1.0 } else { 1.5 }),
        (None, None) => {
            if integer {
                1.0
            } else {
                1.5
            }
        }
    };
    if let Some(m) = get("multipleOf").filter(|m| *m > 0.0) {
        v = (v / m).ceil() * m;
    }
    if integer {
        Value::from(v.ceil() as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::from(1), Value::Number)
    }
}

/// A string matching `pattern` (ECMAScript syntax), for the patterns a short generator can follow:
/// literals, escapes, classes, groups with alternatives (the first is taken), quantifiers (their
/// least repetition, at least one for `*`). `None` for lookaround and back-references.
pub fn pattern_example(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let (text, end) = sequence(&chars, 0)?;
    (end == chars.len()).then_some(text)
}

/// The first alternative of the sequence starting at `i`, up to an unmatched `)` or the end.
fn sequence(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut first = true;
    let mut current = String::new();
    while i < chars.len() && chars[i] != ')' {
        if chars[i] == '|' {
            if first {
                out = std::mem::take(&mut current);
            }
            first = false;
            current.clear();
            i += 1;
            continue;
        }
        let (atom, next) = atom(chars, i)?;
        let (times, next) = quantifier(chars, next)?;
        current.push_str(&atom.repeat(times));
        i = next;
    }
    Some((if first { current } else { out }, i))
}

fn atom(chars: &[char], i: usize) -> Option<(String, usize)> {
    match chars[i] {
        '^' | '$' => Some((String::new(), i + 1)),
        '.' => Some(("a".into(), i + 1)),
        '(' => {
            let mut start = i + 1;
            if chars.get(start) == Some(&'?') {
                if chars.get(start + 1) != Some(&':') {
                    return None;
                }
                start += 2;
            }
            let (inner, end) = sequence(chars, start)?;
            (chars.get(end) == Some(&')')).then_some((inner, end + 1))
        }
        '[' => class(chars, i + 1),
        '\\' => {
            let c = *chars.get(i + 1)?;
            let text = match c {
                'd' => "1".to_owned(),
                'w' | 'D' | 'S' => "a".to_owned(),
                'W' => "-".to_owned(),
                's' => " ".to_owned(),
                'b' | 'B' => String::new(),
                '1'..='9' => return None,
                'u' => {
                    let hex: String = chars.get(i + 2..i + 6)?.iter().collect();
                    return Some((char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?.to_string(), i + 6));
                }
                other => other.to_string(),
            };
            Some((text, i + 2))
        }
        c => Some((c.to_string(), i + 1)),
    }
}

/// A character class from just after its `[`: its first member, or for a negated class the first
/// of a few ordinary characters it does not exclude.
fn class(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut members: Vec<(char, char)> = Vec::new();
    let mut first = true;
    while i < chars.len() && (chars[i] != ']' || first) {
        first = false;
        let mut c = chars[i];
        if c == '\\' {
            c = match *chars.get(i + 1)? {
                'd' => '0',
                'w' => 'a',
                's' => ' ',
                other => other,
            };
            i += 1;
        }
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|n| *n != ']') {
            members.push((c, chars[i + 2]));
            i += 3;
        } else {
            members.push((c, c));
            i += 1;
        }
    }
    if i >= chars.len() {
        return None;
    }
    let pick = if negated {
        "aA0x_-".chars().find(|c| !members.iter().any(|(lo, hi)| lo <= c && c <= hi))?
    } else {
        members.first()?.0
    };
    Some((pick.to_string(), i + 1))
}

/// How many times the atom before `i` is written, and where the pattern goes on.
fn quantifier(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let (times, mut next) = match chars.get(i) {
        Some('*') | Some('+') => (1, i + 1),
        Some('?') => (0, i + 1),
        Some('{') => {
            let close = i + chars[i..].iter().position(|c| *c == '}')?;
            let inside: String = chars[i + 1..close].iter().collect();
            let least = inside.split(',').next()?.trim().parse::<usize>().ok()?;
            let most = inside.split(',').nth(1).map(str::trim).filter(|m| !m.is_empty());
            let most = most.map_or(Some(usize::MAX), |m| m.parse::<usize>().ok())?;
            (least.max(1).min(most).min(64), close + 1)
        }
        _ => (1, i),
    };
    if next > i && chars.get(next) == Some(&'?') {
        next += 1;
    }
    Some((times, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_come_first_then_schema_made_values() {
        let doc = json!({ "components": { "examples": { "E": { "value": "from-ref" } } } });
        let parameter = json!({ "example": "own", "examples": { "a": { "$ref": "#/components/examples/E" } } });
        let given = examples_of(&doc, &parameter);
        assert_eq!(given, [json!("own"), json!("from-ref")]);
        let schema = json!({ "type": "string", "example": "schema-example" });
        assert_eq!(
            candidates(&doc, &schema, given),
            [json!("own"), json!("from-ref"), json!("schema-example"), json!("conform")]
        );
    }

    #[test]
    fn a_parameter_gets_a_candidate_per_union_member_plain_text_first() {
        let doc = json!({});
        let schema = json!({ "oneOf": [{ "type": "integer" }, { "type": "string" }] });
        assert_eq!(candidates(&doc, &schema, vec![]), [json!(1)]);
        // `1` in a path is the integer and the string alike; `conform` is only the string.
        assert_eq!(parameter_candidates(&doc, &schema, vec![]), [json!("conform"), json!(1)]);
        // All strings (or none) keep their order: the document's own examples stay first.
        let strings = vec![json!("42"), json!("conform")];
        assert_eq!(text_unambiguous_first(strings.clone()), strings);
    }

    #[test]
    fn alternatives_that_only_require_make_the_object_beside_them() {
        let doc = json!({});
        let schema = json!({
            "type": "object",
            "properties": { "description": { "type": "string" }, "files": { "type": "object" } },
            "anyOf": [{ "required": ["description"] }, { "required": ["files"] }]
        });
        let made = make(&doc, &schema, false);
        assert_eq!(made.get("description"), Some(&json!("conform")), "{made}");
    }

    #[test]
    fn made_values_honour_type_format_and_enum() {
        let doc = json!({});
        let made = |s: Value| make(&doc, &s, false);
        assert_eq!(made(json!({ "type": "string", "format": "date-time" })), json!("2024-01-02T03:04:05Z"));
        assert_eq!(made(json!({ "type": "string", "format": "uuid" })), json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert_eq!(made(json!({ "type": "string", "enum": [null, "b", "c"] })), json!("b"));
        assert_eq!(made(json!({ "type": "boolean" })), json!(true));
        assert_eq!(made(json!({ "type": ["null", "integer"] })), json!(1));
        assert_eq!(made(json!({})), json!("conform"));
    }

    #[test]
    fn made_values_honour_bounds_and_lengths() {
        let doc = json!({});
        let made = |s: Value| make(&doc, &s, false);
        assert_eq!(made(json!({ "type": "integer", "minimum": 10, "exclusiveMinimum": true })), json!(11));
        assert_eq!(made(json!({ "type": "integer", "exclusiveMinimum": 10 })), json!(11));
        assert_eq!(made(json!({ "type": "integer", "maximum": -5 })), json!(-5));
        assert_eq!(made(json!({ "type": "integer", "minimum": 3, "multipleOf": 5 })), json!(5));
        assert_eq!(made(json!({ "type": "number", "minimum": 0.25 })), json!(0.25));
        assert_eq!(made(json!({ "type": "number" })), json!(1.5));
        assert_eq!(made(json!({ "type": "string", "minLength": 10 })), json!("conformxxx"));
        assert_eq!(made(json!({ "type": "string", "maxLength": 3 })), json!("con"));
        assert_eq!(made(json!({ "type": "array", "items": { "type": "integer" }, "minItems": 2 })), json!([1, 1]));
    }

    #[test]
    fn objects_fill_writable_properties_and_follow_refs_and_discriminators() {
        let doc = json!({ "components": { "schemas": {
            "Cat": { "type": "object", "required": ["kind"], "properties": {
                "kind": { "type": "string" }, "id": { "type": "string", "readOnly": true },
                "age": { "type": "integer", "example": 7 } } },
            "Pet": { "oneOf": [{ "$ref": "#/components/schemas/Cat" }],
                     "discriminator": { "propertyName": "kind", "mapping": { "cat": "#/components/schemas/Cat" } } },
        }}});
        let pet = json!({ "$ref": "#/components/schemas/Pet" });
        assert_eq!(make(&doc, &pet, true), json!({ "kind": "cat", "age": 7 }));
        assert_eq!(make(&doc, &pet, false), json!({ "kind": "cat", "age": 1 }));
    }

    #[test]
    fn all_of_members_that_only_annotate_add_nothing() {
        let doc = json!({ "components": { "schemas": {
            "Flag": { "type": "boolean", "example": true },
            "Item": { "properties": { "key": { "type": "string" } } },
        }}});
        let flag = json!({ "allOf": [{ "$ref": "#/components/schemas/Flag" }, { "readOnly": true }] });
        assert_eq!(make(&doc, &flag, false), json!(true));
        let item = json!({ "allOf": [{ "description": "d" }, { "$ref": "#/components/schemas/Item" }] });
        assert_eq!(make(&doc, &item, false), json!({ "key": "conform" }));
        // Deep down, optional properties are left out, and an object stays an object.
        assert_eq!(Maker { doc: &doc, examples: false }.value(&item, SHALLOW + 1), json!({}));
        let object = json!({ "type": "object", "required": ["id"], "properties": {
            "id": { "type": "integer", "readOnly": true },
            "flag": { "allOf": [{ "$ref": "#/components/schemas/Flag" }, { "readOnly": true }] },
        }});
        assert_eq!(make(&doc, &object, false), json!({ "id": 1 }));
        // A member's `required` names a property of another member.
        let split = json!({ "allOf": [{ "$ref": "#/components/schemas/Item" }, { "required": ["key"] }] });
        assert_eq!(Maker { doc: &doc, examples: false }.value(&split, SHALLOW + 1), json!({ "key": "conform" }));
        // Properties beside `oneOf` go with the alternative.
        let beside = json!({ "type": "object", "required": ["at"], "properties": { "at": { "type": "integer" } },
                             "oneOf": [{ "$ref": "#/components/schemas/Item" }] });
        assert_eq!(make(&doc, &beside, false), json!({ "key": "conform", "at": 1 }));
    }

    #[test]
    fn patterns_give_matching_strings_where_feasible() {
        assert_eq!(pattern_example("^[a-z0-9]+$").as_deref(), Some("a"));
        assert_eq!(pattern_example(r"^\d{3}-\d{2}$").as_deref(), Some("111-11"));
        assert_eq!(pattern_example("^(foo|bar)baz?$").as_deref(), Some("fooba"));
        assert_eq!(pattern_example("^[^0-9]{2,}$").as_deref(), Some("aa"));
        assert_eq!(pattern_example(r"^(?:v\d)\.x$").as_deref(), Some("v1.x"));
        assert_eq!(pattern_example("^(?=a)b$"), None);
        let doc = json!({});
        assert_eq!(make(&doc, &json!({ "type": "string", "pattern": "^AC[0-9a-f]{4}$" }), false), json!("AC0000"));
    }
}
