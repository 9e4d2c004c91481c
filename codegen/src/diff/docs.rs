//! Documentation changes: descriptions, summaries, titles and examples.

use serde_json::Value;

use super::report::{change, Severity};
use super::side::Side;
use super::Cx;

impl Cx<'_> {
    /// A description, summary, title or version (`what`) of `item`, old and new, with the
    /// pointers of the places that hold them.
    pub(super) fn doc_text(
        &mut self,
        item: &str,
        what: &str,
        (old, new): (Option<&str>, Option<&str>),
        (old_at, new_at): (&str, &str),
    ) {
        fn clean(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let (old, new) = (clean(old), clean(new));
        if old == new {
            return;
        }
        let verb = match (old, new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        let rule = if what.ends_with("summary") {
            "summary-changed"
        } else if what == "title" || what == "version" {
            "info-changed"
        } else {
            "description-changed"
        };
        self.docs.push(change(Severity::Docs, rule, item, format!("{what} {verb}")).at(Some(old_at), Some(new_at)));
    }

    /// The examples at the places `old_at` and `new_at` of `item` (`what` names them).
    pub(super) fn doc_examples(&mut self, item: &str, what: &str, old_at: Option<String>, new_at: Option<String>) {
        let (old, new) = (self.old, self.new);
        let x = old_at.as_deref().map(|p| old.examples(p)).unwrap_or_default();
        let y = new_at.as_deref().map(|p| new.examples(p)).unwrap_or_default();
        let differs = (0..3).any(|k| x.get(k).copied().flatten() != y.get(k).copied().flatten());
        if differs {
            self.docs.push(
                change(Severity::Docs, "example-changed", item, format!("{what} example changed"))
                    .at(old_at.as_deref(), new_at.as_deref()),
            );
        }
    }
}

impl Side<'_> {
    /// The value at a JSON pointer of the raw document, following `$ref`s to local components.
    fn raw(&self, pointer: &str) -> Option<&Value> {
        let mut value = self.doc.raw.pointer(pointer)?;
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(target) => value = self.doc.raw.pointer(target)?,
                None => break,
            }
        }
        Some(value)
    }

    /// The `example` and `examples` at a place, and those of its `schema` when it has one.
    fn examples(&self, pointer: &str) -> Vec<Option<&Value>> {
        let Some(value) = self.raw(pointer) else { return Vec::new() };
        let schema = value.get("schema").and_then(|s| match s.get("$ref") {
            Some(_) => None,
            None => Some(s),
        });
        vec![value.get("example"), value.get("examples"), schema.and_then(|s| s.get("example"))]
    }
}
