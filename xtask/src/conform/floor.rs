//! A floor for documents that do not conform in full yet: per document (by crate name), the
//! operations that conformed and those that failed when it was recorded. `--floor FILE` fails the
//! run when a document conforms in fewer operations, fails in more, has a valid example that no
//! longer round-trips, or is missing; `--record-floor FILE` writes the current counts.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use super::report::DocumentReport;

/// What one document must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Floor {
    /// Operations that conformed when the floor was recorded: the run fails below it.
    pub conform: usize,
    /// Operations that failed then: the run fails above it.
    pub fail: usize,
}

/// The floor file for this run (`{"documents": {CRATE: {"conform", "fail"}}}`): the counts of
/// every document that was checked; skipped documents and those with a problem get none.
pub fn record(documents: &[DocumentReport]) -> Value {
    let floors: BTreeMap<&str, Value> = documents
        .iter()
        .filter(|d| !d.skipped && d.problem.is_none())
        .map(|d| (d.crate_name.as_str(), json!({ "conform": d.count("conform"), "fail": d.count("fail") })))
        .collect();
    json!({ "documents": floors })
}

/// The floors of the file at `path`, by crate name; `Err` names the file and what is wrong
/// with it when it cannot be read or is not the shape [`record`] writes.
pub fn read(path: &Path) -> Result<BTreeMap<String, Floor>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let documents = value.get("documents").and_then(Value::as_object).ok_or_else(|| {
        format!("{}: expected {{\"documents\": {{CRATE: {{\"conform\", \"fail\"}}}}}}", path.display())
    })?;
    documents
        .iter()
        .map(|(name, floor)| {
            let count = |key: &str| {
                floor
                    .get(key)
                    .and_then(Value::as_u64)
                    .map(|n| n as usize)
                    .ok_or_else(|| format!("{}: documents.{name}.{key} should be a count", path.display()))
            };
            Ok((name.clone(), Floor { conform: count("conform")?, fail: count("fail")? }))
        })
        .collect()
}

/// Where the documents fell below their floors, one line each.
pub fn check(documents: &[DocumentReport], floors: &BTreeMap<String, Floor>) -> Vec<String> {
    let mut below = Vec::new();
    for (name, floor) in floors {
        let Some(d) = documents.iter().find(|d| d.crate_name == *name) else {
            below.push(format!("{name}: not checked (its floor is recorded)"));
            continue;
        };
        if d.skipped {
            continue;
        }
        if let Some(problem) = &d.problem {
            below.push(format!("{name}: {problem}"));
            continue;
        }
        let (conform, fail) = (d.count("conform"), d.count("fail"));
        if conform < floor.conform {
            below.push(format!("{name}: {conform} operations conform, {} before", floor.conform));
        }
        if fail > floor.fail {
            below.push(format!("{name}: {fail} operations fail, {} before", floor.fail));
        }
        if d.examples("fail") > 0 {
            below.push(format!("{name}: {} valid examples do not round-trip", d.examples("fail")));
        }
    }
    below
}

#[cfg(test)]
mod tests {
    use super::super::report::{ModeVerdict, OperationReport};
    use super::*;

    fn document(name: &str, verdicts: &[&str]) -> DocumentReport {
        let operations = verdicts
            .iter()
            .enumerate()
            .map(|(i, v)| OperationReport {
                name: format!("op{i}"),
                modes: vec![ModeVerdict {
                    mode: "static".into(),
                    verdict: (*v).into(),
                    reason: String::new(),
                    status: None,
                }],
                ..Default::default()
            })
            .collect();
        DocumentReport { crate_name: name.into(), operations, ..Default::default() }
    }

    #[test]
    fn a_document_may_improve_but_not_fall_below_its_floor() {
        let recorded = record(&[document("a", &["conform", "fail"]), document("b", &["conform"])]);
        let path = std::env::temp_dir().join(format!("conform-floor-{}.json", std::process::id()));
        std::fs::write(&path, recorded.to_string()).expect("write");
        let floors = read(&path).expect("reads what record writes");
        let _ = std::fs::remove_file(&path);
        assert_eq!(floors["a"], Floor { conform: 1, fail: 1 });

        let better = [document("a", &["conform", "conform"]), document("b", &["conform"])];
        assert!(check(&better, &floors).is_empty());
        let worse = [document("a", &["fail", "fail"]), document("b", &["prism"])];
        assert_eq!(
            check(&worse, &floors),
            [
                "a: 0 operations conform, 1 before",
                "a: 2 operations fail, 1 before",
                "b: 0 operations conform, 1 before"
            ]
        );
        assert_eq!(check(&[document("a", &["conform", "fail"])], &floors), ["b: not checked (its floor is recorded)"]);
    }
}
