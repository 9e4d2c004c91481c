//! Rules about an operation's parameters.

use super::markdown::code;
use super::matching::param_pairs;
use super::operations::OperationPair;
use super::report::{change, Change};
use super::Severity::{Breaking, NonBreaking};
use super::{Cx, Which};

impl Cx<'_> {
    pub(super) fn parameters(&mut self, pair: OperationPair<'_>, changes: &mut Vec<Change>) {
        let OperationPair { old: (i, a), new: (j, b) } = pair;
        let (old, new) = (self.old, self.new);
        for (x, y) in param_pairs(a, b) {
            match (x.map(|x| (x, &a.parameters[x])), y.map(|y| (y, &b.parameters[y]))) {
                (Some((x, p)), None) => {
                    let message = if p.required {
                        format!(
                            "required {} parameter {} removed: `Client::{}` loses its argument `{}`",
                            p.location.as_str(),
                            code(&p.name),
                            old.method(i),
                            old.param_name(i, x)
                        )
                    } else {
                        format!("{} parameter {} removed", p.location.as_str(), code(&p.name))
                    };
                    changes.push(
                        change(Breaking, "parameter-removed", old.param_path(i, x), message).at(Some(&p.pointer), None),
                    );
                }
                (None, Some((y, p))) => {
                    let item = new.param_path(j, y);
                    let c = if p.required {
                        change(
                            Breaking,
                            "parameter-added-required",
                            item,
                            format!(
                                "new required {} parameter {}: a new argument `{}: {}`",
                                p.location.as_str(),
                                code(&p.name),
                                new.param_name(j, y),
                                new.rust(&p.ty)
                            ),
                        )
                    } else {
                        change(
                            NonBreaking,
                            "parameter-added",
                            item,
                            format!(
                                "new optional {} parameter {} (`{}`)",
                                p.location.as_str(),
                                code(&p.name),
                                new.rust(&p.ty)
                            ),
                        )
                    };
                    changes.push(c.at(None, Some(&p.pointer)));
                }
                (Some((x, _)), Some((y, _))) => self.parameter(pair, (x, y), changes),
                (None, None) => {}
            }
        }
    }

    /// A parameter present in both versions: `x` and `y` index the old and new operation's
    /// parameters.
    fn parameter(&mut self, pair: OperationPair<'_>, (x, y): (usize, usize), changes: &mut Vec<Change>) {
        let OperationPair { old: (i, a), new: (j, b) } = pair;
        let (p, q) = (&a.parameters[x], &b.parameters[y]);
        let (old, new) = (self.old, self.new);
        let item = new.param_path(j, y);
        let at = |c: Change| c.at(Some(&p.pointer), Some(&q.pointer));
        let name = code(&q.name);
        if p.location != q.location {
            changes.push(at(change(
                NonBreaking,
                "parameter-location-changed",
                item.clone(),
                format!(
                    "parameter {name} is now sent in the {} (was the {})",
                    q.location.as_str(),
                    p.location.as_str()
                ),
            )));
        }
        match (p.required, q.required) {
            (false, true) => changes.push(at(change(
                Breaking,
                "parameter-made-required",
                item.clone(),
                format!(
                    "parameter {name} is now required: an argument of `Client::{}` instead of the setter `{}`",
                    new.method(j),
                    old.param_name(i, x)
                ),
            )
            .was([old.param_path(i, x)]))),
            (true, false) => changes.push(at(change(
                Breaking,
                "parameter-made-optional",
                item.clone(),
                format!(
                    "parameter {name} is now optional: the setter `{}` instead of an argument of `Client::{}`",
                    new.param_name(j, y),
                    old.method(i)
                ),
            )
            .was([old.param_path(i, x)]))),
            _ => {
                if old.param_name(i, x) != new.param_name(j, y) {
                    changes.push(at(change(
                        Breaking,
                        "parameter-renamed",
                        item.clone(),
                        format!("parameter {name}: Rust name `{}` → `{}`", old.param_name(i, x), new.param_name(j, y)),
                    )
                    .was([old.param_path(i, x)])));
                }
            }
        }
        if self.canon(Which::Old, &p.ty) != self.canon(Which::New, &q.ty) {
            changes.push(at(change(
                Breaking,
                "parameter-type-changed",
                item.clone(),
                format!("parameter {name}: type `{}` → `{}`", old.rust(&p.ty), new.rust(&q.ty)),
            )));
        } else {
            self.parameter_constraints(&item, (p, q), changes);
        }
        if p.style != q.style || p.explode != q.explode {
            changes.push(at(change(
                NonBreaking,
                "parameter-serialization-changed",
                item.clone(),
                format!(
                    "parameter {name} is now serialized with style `{:?}`, explode `{}` (was `{:?}`, `{}`)",
                    q.style, q.explode, p.style, p.explode
                ),
            )));
        }
        if p.deprecated != q.deprecated {
            let message = if q.deprecated {
                format!("parameter {name} deprecated")
            } else {
                format!("parameter {name} no longer deprecated")
            };
            changes.push(at(change(NonBreaking, "parameter-deprecated", item.clone(), message)));
        }
        self.doc_text(
            &item,
            &format!("parameter {name} description"),
            (p.description.as_deref(), q.description.as_deref()),
            (&p.pointer, &q.pointer),
        );
        self.doc_examples(&item, &format!("parameter {name}"), Some(p.pointer.clone()), Some(q.pointer.clone()));
    }
}
