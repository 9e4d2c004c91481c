//! Rules about request bodies and responses: body types and media types, success statuses and the
//! type `send` returns, error statuses and the error enum's bodies.

use crate::error::push_pointer;
use crate::model::*;

use super::markdown::code;
use super::matching::{content_pairs, response_pairs};
use super::operations::OperationPair;
use super::report::{change, Change};
use super::side::Side;
use super::Severity::{Breaking, NonBreaking};
use super::{Cx, Which};

impl Cx<'_> {
    pub(super) fn request_body(&mut self, pair: OperationPair<'_>, changes: &mut Vec<Change>) {
        let OperationPair { old: (i, a), new: (j, b) } = pair;
        let (old, new) = (self.old, self.new);
        let body_at = |op: &Operation| push_pointer(&op.pointer, "requestBody");
        let (old_at, new_at) = (body_at(a), body_at(b));
        match (&a.body, &b.body) {
            (Some(x), None) => changes.push(
                change(
                    Breaking,
                    "request-body-removed",
                    old.body_path(i),
                    format!("request body removed ({})", code(&self.body_rust(Which::Old, x))),
                )
                .at(Some(&old_at), None),
            ),
            (None, Some(y)) => {
                let (severity, rule, what) = if y.required {
                    (Breaking, "request-body-added-required", "new required request body: a new argument")
                } else {
                    (NonBreaking, "request-body-added", "new optional request body: a new setter")
                };
                changes.push(
                    change(
                        severity,
                        rule,
                        new.body_path(j),
                        format!("{what} ({})", code(&self.body_rust(Which::New, y))),
                    )
                    .at(None, Some(&new_at)),
                );
            }
            (Some(x), Some(y)) => {
                let item = new.body_path(j);
                let at = |c: Change| c.at(Some(&old_at), Some(&new_at));
                if x.required != y.required {
                    let message = if y.required {
                        format!(
                            "request body is now required: an argument of `Client::{}` instead of a setter",
                            new.method(j)
                        )
                    } else {
                        format!(
                            "request body is now optional: a setter instead of an argument of `Client::{}`",
                            old.method(i)
                        )
                    };
                    let rule = if y.required { "request-body-made-required" } else { "request-body-made-optional" };
                    changes.push(at(change(Breaking, rule, item.clone(), message).was([old.body_path(i)])));
                }
                let (old_rust, new_rust) = (self.body_rust(Which::Old, x), self.body_rust(Which::New, y));
                if self.body_canon(Which::Old, x) != self.body_canon(Which::New, y) {
                    changes.push(at(change(
                        Breaking,
                        "request-body-type-changed",
                        item.clone(),
                        format!("request body type `{new_rust}` (was `{old_rust}`)"),
                    )));
                } else if let (Some(m), Some(n)) = (x.sent(), y.sent()) {
                    if let Some(ty) = &n.ty {
                        let media = (
                            old.media_pointer(Some(old_at.clone()), &m.media_type),
                            new.media_pointer(Some(new_at.clone()), &n.media_type),
                        );
                        self.body_constraints(&item, ty, media, changes);
                    }
                }
                let media = |body: &RequestBody| body.sent().map(|c| c.media_type.clone());
                if let (Some(m), Some(n)) = (media(x), media(y)) {
                    if m != n {
                        changes.push(at(change(
                            NonBreaking,
                            "request-media-type-changed",
                            item.clone(),
                            format!("request body now sent as {} (was {})", code(&n), code(&m)),
                        )));
                    }
                }
                self.doc_text(
                    &item,
                    "request body description",
                    (x.description.as_deref(), y.description.as_deref()),
                    (&old_at, &new_at),
                );
                for (m, n) in content_pairs(&x.content, &y.content, false) {
                    if let (Some(m), Some(n)) = (m, n) {
                        let what = format!("request body {}", code(&n.media_type));
                        self.doc_examples(
                            &item,
                            &what,
                            old.media_pointer(Some(old_at.clone()), &m.media_type),
                            new.media_pointer(Some(new_at.clone()), &n.media_type),
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }

    fn body_rust(&self, which: Which, body: &RequestBody) -> String {
        let side = self.side(which);
        match body.sent() {
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => side.rust(ty),
                (MediaKind::Json | MediaKind::FormUrlEncoded, None) => "serde_json::Value".to_owned(),
                (MediaKind::Text, _) => "String".to_owned(),
                (MediaKind::Binary, _) => "runtime::Upload".to_owned(),
                // Typed parts are their schema's properties, compared as the schema is.
                (MediaKind::Multipart, Some(ty)) if side.api.parts_of(c).is_some() => {
                    format!("parts of {}", side.rust(ty))
                }
                (MediaKind::Multipart, _) => "reqwest::multipart::Form".to_owned(),
            },
            None => "()".to_owned(),
        }
    }

    fn body_canon(&self, which: Which, body: &RequestBody) -> String {
        match body.sent() {
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => self.canon(which, ty),
                (MediaKind::Json | MediaKind::FormUrlEncoded, None)
                | (MediaKind::Text | MediaKind::Binary | MediaKind::Multipart, _) => self.body_rust(which, body),
            },
            None => "()".to_owned(),
        }
    }

    /// What `send` returns on success: display and comparable forms, as the renderer decides it.
    fn ok_type(&self, which: Which, op: &Operation) -> (String, String) {
        let side = self.side(which);
        let content = op.successes().find_map(Response::body);
        match content {
            None => ("()".to_owned(), "()".to_owned()),
            Some(c) if c.sequence().is_some() => {
                let stream = if c.sequence() == Some(Sequence::Events) { "EventStream" } else { "ItemStream" };
                let item = side.api.stream_item(c).unwrap_or(TypeRef::Any);
                (format!("runtime::{stream}<{}>", side.rust(&item)), format!("{stream}<{}>", self.canon(which, &item)))
            }
            Some(c) => match (c.kind(), &c.ty) {
                (MediaKind::Json, Some(ty)) => (side.rust(ty), self.canon(which, ty)),
                (MediaKind::Json, None) => ("serde_json::Value".to_owned(), "Any".to_owned()),
                (MediaKind::Text, _) => ("String".to_owned(), "String".to_owned()),
                (MediaKind::FormUrlEncoded | MediaKind::Multipart | MediaKind::Binary, _) => {
                    ("bytes::Bytes".to_owned(), "bytes::Bytes".to_owned())
                }
            },
        }
    }

    pub(super) fn successes(&mut self, pair: OperationPair<'_>, changes: &mut Vec<Change>) {
        let OperationPair { old: (_, a), new: (j, b) } = pair;
        let (old, new) = (self.old, self.new);
        let send = new.builder_path(j, "send");
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        let statuses = |op: &Operation| -> Vec<Status> { op.successes().map(|r| r.status).collect() };
        let (old_statuses, new_statuses) = (statuses(a), statuses(b));
        let removed: Vec<Status> = old_statuses.iter().copied().filter(|s| !new_statuses.contains(s)).collect();
        let added: Vec<Status> = new_statuses.iter().copied().filter(|s| !old_statuses.contains(s)).collect();
        if let ([r], [n]) = (removed.as_slice(), added.as_slice()) {
            changes.push(at(change(
                Breaking,
                "success-status-changed",
                send.clone(),
                format!("success status `{r}` → `{n}`"),
            )));
        } else {
            for s in &removed {
                changes.push(at(change(
                    Breaking,
                    "success-status-removed",
                    send.clone(),
                    format!("success status `{s}` no longer documented"),
                )));
            }
            for s in &added {
                changes.push(at(change(
                    NonBreaking,
                    "success-status-added",
                    send.clone(),
                    format!("success status `{s}` now documented"),
                )));
            }
        }
        let mut dropped_media = None;
        for (x, y) in response_pairs(a, b) {
            let (Some(x), Some(y)) = (x, y) else { continue };
            if !x.status.is_success() || !y.status.is_success() {
                continue;
            }
            let status = y.status;
            for (m, n) in content_pairs(&x.content, &y.content, false) {
                match (m, n) {
                    (Some(m), None) => {
                        dropped_media.get_or_insert(changes.len());
                        changes.push(at(change(
                            Breaking,
                            "success-media-type-removed",
                            send.clone(),
                            format!("the `{status}` response no longer declares {}", code(&m.media_type)),
                        )));
                    }
                    (None, Some(n)) => changes.push(at(change(
                        NonBreaking,
                        "success-media-type-added",
                        send.clone(),
                        format!("the `{status}` response now also declares {}", code(&n.media_type)),
                    ))),
                    (Some(m), Some(n)) => {
                        let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
                        let what = format!("`{status}` response {}", code(&n.media_type));
                        self.doc_examples(
                            &send,
                            &what,
                            old.media_pointer(old_at, &m.media_type),
                            new.media_pointer(new_at, &n.media_type),
                        );
                    }
                    (None, None) => {}
                }
            }
            let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
            self.doc_text(
                &send,
                &format!("`{status}` response description"),
                (Some(&x.description), Some(&y.description)),
                (old_at.as_deref().unwrap_or(&a.pointer), new_at.as_deref().unwrap_or(&b.pointer)),
            );
        }
        let ((old_rust, old_canon), (new_rust, new_canon)) = (self.ok_type(Which::Old, a), self.ok_type(Which::New, b));
        if old_canon != new_canon {
            let returns = format!("`send` now returns `ResponseValue<{new_rust}>` (was `ResponseValue<{old_rust}>`)");
            match dropped_media.and_then(|k| changes.get_mut(k)) {
                Some(dropped) => dropped.message = format!("{}: {returns}", dropped.message),
                None => changes.push(at(change(Breaking, "response-type-changed", send.clone(), returns))),
            }
        }
    }

    pub(super) fn failures(&mut self, pair: OperationPair<'_>, changes: &mut Vec<Change>) {
        let OperationPair { old: (i, a), new: (j, b) } = pair;
        let (old, new) = (self.old, self.new);
        let module = new.module;
        let (old_enum, new_enum) = (old.error_enum(i), new.error_enum(j));
        match (old_enum, new_enum) {
            (Some(x), Some(y)) if x.name != y.name => changes.push(
                change(
                    Breaking,
                    "error-type-renamed",
                    new.builder_path(j, "send"),
                    format!("errors now decode into `types::{}` (was `types::{}`)", y.name, x.name),
                )
                .was([format!("{}::types::{}", old.module, x.name)])
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            (Some(x), None) => changes.push(
                change(
                    Breaking,
                    "error-type-changed",
                    new.builder_path(j, "send"),
                    format!("no documented error bodies any more: `Error<types::{}>` is now `Error<()>`", x.name),
                )
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            (None, Some(y)) => changes.push(
                change(
                    Breaking,
                    "error-type-changed",
                    new.builder_path(j, "send"),
                    format!("documented error bodies: `Error<()>` is now `Error<types::{}>`", y.name),
                )
                .at(Some(&a.pointer), Some(&b.pointer)),
            ),
            _ => {}
        }
        let variant = |side: &Side, e: Option<&crate::names::StatusEnum>, status: Status| -> String {
            match e {
                Some(e) => {
                    let name = e.variants.iter().find(|(s, _)| *s == status).map_or("?", |(_, v)| v.as_str());
                    format!("{}::types::{}::{name}", side.module, e.name)
                }
                None => format!("{}::types", side.module),
            }
        };
        let Some(group_enum) = new_enum.or(old_enum) else { return };
        let (group_side, k) = if new_enum.is_some() { (new, j) } else { (old, i) };
        let key = format!("{module}::types::{}", group_enum.name);
        let title = format!("`{key}` (errors of `{}`)", group_side.method(k));
        let mut found = Vec::new();
        for (x, y) in response_pairs(a, b) {
            let (x, y) = (x.filter(|r| !r.status.is_success()), y.filter(|r| !r.status.is_success()));
            match (x, y) {
                (Some(x), None) => found.push(change(
                    Breaking,
                    "error-status-removed",
                    variant(old, old_enum, x.status),
                    format!("status `{}` is no longer documented", x.status),
                )),
                (None, Some(y)) => found.push(change(
                    NonBreaking,
                    "error-status-added",
                    variant(new, new_enum, y.status),
                    format!("status `{}` is now documented", y.status),
                )),
                (Some(x), Some(y)) => {
                    let item = variant(new, new_enum, y.status);
                    let (tx, ty) = (x.decoded(), y.decoded());
                    let canon = |which, t: &Option<TypeRef>| t.as_ref().map(|t| self.canon(which, t));
                    if canon(Which::Old, &tx) != canon(Which::New, &ty) {
                        let show = |side: &Side, t: &Option<TypeRef>| {
                            t.as_ref().map_or_else(|| "no body".to_owned(), |t| format!("`{}`", side.rust(t)))
                        };
                        found.push(change(
                            Breaking,
                            "error-body-changed",
                            item.clone(),
                            format!("status `{}` body is now {} (was {})", y.status, show(new, &ty), show(old, &tx)),
                        ));
                    }
                    let (old_at, new_at) = (old.response_pointer(a, x.status), new.response_pointer(b, y.status));
                    let before = self.docs.len();
                    self.doc_text(
                        &item,
                        &format!("status `{}` description", y.status),
                        (Some(&x.description), Some(&y.description)),
                        (old_at.as_deref().unwrap_or(&a.pointer), new_at.as_deref().unwrap_or(&b.pointer)),
                    );
                    // One description per variant, however many operations share the enum.
                    if let Some(last) = self.docs.get(before) {
                        if !self.error_docs.insert((last.rust_item.clone(), last.message.clone())) {
                            self.docs.pop();
                        }
                    }
                }
                (None, None) => {}
            }
        }
        let entry = self.errors.entry(key).or_insert_with(|| (title, Vec::new()));
        for c in found {
            if !entry.1.iter().any(|e| e.rule == c.rule && e.rust_item == c.rust_item && e.message == c.message) {
                entry.1.push(c);
            }
        }
    }
}
