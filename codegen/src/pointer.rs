//! JSON pointers (RFC 6901) as `$ref` fragments write them: percent-encoded, `~0`/`~1` escaped.

use serde_json::Value;

use crate::error::push_pointer;

/// `$ref` values are URI fragments; decode `%XX` escapes (e.g. `%7B` for `{`).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The tokens of a fragment (`/a~1b/c%20d` → `a/b`, `c d`); `None` when it is not a pointer.
pub fn tokens(fragment: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// A fragment in the canonical form pointers take everywhere else in the generator
/// (unescaped, then re-escaped by [`push_pointer`]): `#/a%7Bb%7D` → `/a{b}`.
pub fn canonical(fragment: &str) -> Option<String> {
    Some(tokens(fragment)?.iter().fold(String::new(), |p, t| push_pointer(&p, t)))
}

/// The value a canonical pointer names.
pub fn get<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    value.pointer(pointer)
}
