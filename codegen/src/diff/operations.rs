//! Rules about operations: added, removed, renamed, moved, deprecated, secured, paginated.

use crate::model::{pagination_signature, Operation, SecurityUse};

use super::markdown::code;
use super::report::{change, Change, GroupKind};
use super::side::Side;
use super::Cx;
use super::Severity::{Breaking, NonBreaking};

/// An operation present in both versions: on each side, its index in the API's operations (which
/// its names are indexed by) and the operation.
#[derive(Clone, Copy)]
pub(super) struct OperationPair<'o> {
    pub(super) old: (usize, &'o Operation),
    pub(super) new: (usize, &'o Operation),
}

impl Cx<'_> {
    pub(super) fn operation(&mut self, o: Option<usize>, n: Option<usize>) {
        let (old, new) = (self.old, self.new);
        match (
            o.and_then(|i| old.api.operations.get(i).map(|op| (i, op))),
            n.and_then(|j| new.api.operations.get(j).map(|op| (j, op))),
        ) {
            (Some((i, a)), None) => {
                let title = operation_title(old, a, None);
                let c = change(
                    Breaking,
                    "operation-removed",
                    old.method_path(i),
                    format!("operation removed (`{}`)", old.endpoint(a)),
                )
                .was([format!("{}::builder::{}", old.module, old.builder(i))])
                .at(Some(&a.pointer), None);
                self.push_group(GroupKind::Operation, title, vec![c]);
            }
            (None, Some((j, b))) => {
                let title = operation_title(new, b, None);
                let c = change(
                    NonBreaking,
                    "operation-added",
                    new.method_path(j),
                    format!("new operation (`{}`)", new.endpoint(b)),
                )
                .at(None, Some(&b.pointer));
                self.push_group(GroupKind::Operation, title, vec![c]);
            }
            (Some((i, a)), Some((j, b))) => {
                let changes = self.operation_pair(OperationPair { old: (i, a), new: (j, b) });
                let moved = old.key(a) != new.key(b) || a.method != b.method;
                let title = operation_title(new, b, moved.then(|| old.endpoint(a)));
                self.push_group(GroupKind::Operation, title, changes);
            }
            (None, None) => {}
        }
    }

    fn operation_pair(&mut self, pair: OperationPair<'_>) -> Vec<Change> {
        let OperationPair { old: (i, a), new: (j, b) } = pair;
        let (old, new) = (self.old, self.new);
        let mut changes = Vec::new();
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        let method = new.method_path(j);
        let id = |op: &Operation| op.operation_id.clone().map_or_else(|| "(none)".to_owned(), |id| code(&id));
        if old.method(i) != new.method(j) || old.builder(i) != new.builder(j) {
            changes.push(at(change(
                Breaking,
                "operation-renamed",
                method.clone(),
                format!(
                    "operationId {} → {}: `Client::{}` is now `Client::{}`, builder `{}` is now `{}`",
                    id(a),
                    id(b),
                    old.method(i),
                    new.method(j),
                    old.builder(i),
                    new.builder(j)
                ),
            )
            .was([old.method_path(i), format!("{}::builder::{}", old.module, old.builder(i))])));
        } else if a.operation_id != b.operation_id {
            changes.push(at(change(
                NonBreaking,
                "operation-id-changed",
                method.clone(),
                format!("operationId {} → {}; the Rust names stay", id(a), id(b)),
            )));
        }
        if old.key(a) != new.key(b) || a.method != b.method {
            changes.push(at(change(
                NonBreaking,
                "operation-moved",
                method.clone(),
                format!("now sends `{}` (was `{}`)", new.endpoint(b), old.endpoint(a)),
            )));
        }
        if a.deprecated != b.deprecated {
            let message = if b.deprecated { "deprecated (`#[deprecated]`)" } else { "no longer deprecated" };
            changes.push(at(change(NonBreaking, "operation-deprecated", method.clone(), message)));
        }
        let (was, now) = (schemes(&a.security), schemes(&b.security));
        if was != now {
            // Whoever met an old alternative still meets a new one when each old one holds a new one.
            let kept = was.iter().all(|old| now.iter().any(|new| new.iter().all(|scheme| old.contains(scheme))));
            let message = format!("needs credentials for {} (was {})", requirement_text(&now), requirement_text(&was));
            let severity = if kept { NonBreaking } else { Breaking };
            changes.push(at(change(severity, "operation-security-changed", method.clone(), message)));
        }
        self.parameters(pair, &mut changes);
        self.request_body(pair, &mut changes);
        self.successes(pair, &mut changes);
        match (a.pagination.is_some(), b.pagination.is_some()) {
            (true, false) => changes.push(at(change(
                Breaking,
                "pagination-removed",
                old.builder_path(i, "stream"),
                "no longer paginated: `pages()` and `stream()` removed",
            ))),
            (false, true) => changes.push(at(change(
                NonBreaking,
                "pagination-added",
                new.builder_path(j, "stream"),
                "now paginated: `pages()` and `stream()` added",
            ))),
            // The methods stay, but a client that pages the old way sends the wrong position (or
            // reads it from a field that is gone) and stops early, loops into the repeat guard or
            // fails.
            (true, true) => {
                let (was, now) = (pagination_signature(&old.api.types, a), pagination_signature(&new.api.types, b));
                if was != now {
                    changes.push(at(change(
                        Breaking,
                        "pagination-changed",
                        new.builder_path(j, "stream"),
                        format!("pages differently: {} (was {})", now.unwrap_or_default(), was.unwrap_or_default()),
                    )));
                }
            }
            (false, false) => {}
        }
        self.failures(pair, &mut changes);
        self.doc_text(&method, "summary", (a.summary.as_deref(), b.summary.as_deref()), (&a.pointer, &b.pointer));
        self.doc_text(
            &method,
            "description",
            (a.description.as_deref(), b.description.as_deref()),
            (&a.pointer, &b.pointer),
        );
        changes
    }
}

fn operation_title(side: &Side, op: &Operation, was: Option<String>) -> String {
    let mut title = format!("`{}`", side.endpoint(op));
    if let Some(id) = &op.operation_id {
        title.push_str(&format!(" ({})", code(id)));
    }
    if let Some(was) = was {
        title.push_str(&format!(", was `{was}`"));
    }
    title
}

/// A requirement's alternatives as sets of scheme names; none needed is one empty alternative.
fn schemes(security: &[Vec<SecurityUse>]) -> Vec<Vec<&str>> {
    if security.is_empty() {
        return vec![Vec::new()];
    }
    let mut alternatives: Vec<Vec<&str>> = security
        .iter()
        .map(|alternative| {
            let mut names: Vec<&str> = alternative.iter().map(|u| u.scheme.as_str()).collect();
            names.sort_unstable();
            names
        })
        .collect();
    alternatives.sort();
    alternatives.dedup();
    alternatives
}

/// `` `a` and `b`, or `c` ``; `nothing` for an empty alternative.
fn requirement_text(alternatives: &[Vec<&str>]) -> String {
    let texts: Vec<String> = alternatives
        .iter()
        .map(|names| match names.is_empty() {
            true => "nothing".to_owned(),
            false => names.iter().map(|n| code(n)).collect::<Vec<_>>().join(" and "),
        })
        .collect();
    texts.join(", or ")
}
