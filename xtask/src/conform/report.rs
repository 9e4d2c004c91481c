//! What `cargo xtask conform` found: per document, per operation (both Prism modes) and per
//! example; the lines it prints and the JSON of `--report FILE`.

use std::path::PathBuf;

use serde_json::{json, Value};

/// One operation in one mode, as the harness printed it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeVerdict {
    /// The Prism mode: `static` or `dynamic`, or `both` when Prism was not started at all.
    pub mode: String,
    /// `conform`, `fail` or `prism`.
    pub verdict: String,
    /// Why it did not conform, in the words of Prism or of the harness; empty when it did.
    pub reason: String,
    /// The status of the response the client read, when one arrived.
    pub status: Option<u64>,
}

/// One operation over both modes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OperationReport {
    /// The operation's id in the harness output: its operationId, or method and path.
    pub name: String,
    /// Its verdict in each mode it ran in, in the order the harness printed them.
    pub modes: Vec<ModeVerdict>,
    /// The operation's response examples the validator rejects (what Prism's static mode may
    /// serve without noticing).
    pub rejected_examples: Vec<String>,
    /// Why no request the document allows could be made: an argument for which the validator
    /// accepts no candidate value (the schema contradicts itself, or its own examples), or a
    /// security requirement naming a scheme the document does not define.
    pub unsatisfiable: Vec<String>,
    /// Why Prism cannot judge the request the document describes (a media type it does not read).
    pub prism_cannot_read: Option<String>,
}

impl OperationReport {
    /// A static-mode failure on a response example the validator rejects is the document's
    /// mistake that Prism served without validating it: Prism's limit, with the example named.
    pub fn excuse_rejected_examples(&mut self) {
        let Some(example) = self.rejected_examples.first() else { return };
        for mode in self.modes.iter_mut().filter(|m| m.mode == "static" && m.verdict == "fail") {
            mode.verdict = "prism".into();
            mode.reason = format!(
                "Prism served the document's example {example}, which the validator rejects, without reporting it: {}",
                mode.reason
            );
        }
    }

    /// A refused request is the document's own fault when no request it allows could be made:
    /// counted as `document`, with the reason. A request in a media type Prism does not read is
    /// Prism's limit.
    pub fn excuse_refused_requests(&mut self) {
        let refused = |m: &ModeVerdict| {
            m.verdict == "fail"
                && (m.reason.starts_with("Prism: the request violates the document")
                    || m.reason.contains(" UNPROCESSABLE_ENTITY: ")
                    || m.reason.contains(" UNAUTHORIZED: "))
        };
        for mode in self.modes.iter_mut().filter(|m| refused(m)) {
            if !self.unsatisfiable.is_empty() {
                mode.verdict = "document".into();
                mode.reason =
                    format!("{}; Prism refused what was sent: {}", self.unsatisfiable.join("; "), mode.reason);
            } else if let Some(why) = &self.prism_cannot_read {
                mode.verdict = "prism".into();
                mode.reason = format!("{why}: {}", mode.reason);
            }
        }
    }

    /// The worst of its modes: `fail`, then `document` (no request the document allows can be
    /// made), then `prism`, then `conform`; `fail` when it never ran.
    pub fn verdict(&self) -> &str {
        let has = |v: &str| self.modes.iter().any(|m| m.verdict == v);
        if self.modes.is_empty() || has("fail") {
            "fail"
        } else if has("document") {
            "document"
        } else if has("prism") {
            "prism"
        } else {
            "conform"
        }
    }

    /// The reason of the mode that decided the verdict.
    pub fn reason(&self) -> String {
        let verdict = self.verdict();
        self.modes
            .iter()
            .find(|m| m.verdict == verdict)
            .map_or_else(|| "not run".to_owned(), |m| format!("{}: {}", m.mode, m.reason))
    }
}

/// One example of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleReport {
    /// The pointer of the example in the document, as [`super::examples::Example`] labels it.
    pub label: String,
    /// `round-trip`, `fail` (valid but does not round-trip), `rejected` (the validator rejects
    /// it: the document's mistake), `unchecked` (the validator cannot compile its schema).
    pub verdict: String,
    /// What went wrong or what the validator said; empty for a round trip.
    pub reason: String,
}

/// One document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentReport {
    /// The document's path as found or given.
    pub path: String,
    /// The crate generated for it, unique in the run: what floors and the harness are named by.
    pub crate_name: String,
    /// Why nothing (or not everything) could be checked: generation, the harness build, Prism.
    pub problem: Option<String>,
    /// Left out for being larger than `--max-size`: nothing was generated or counted.
    pub skipped: bool,
    /// Why Prism is not started for the document (its operations are then all "Prism cannot
    /// serve", with this reason).
    pub no_prism: Option<String>,
    /// The copy of the document Prism serves instead of it, when the document holds data that
    /// Prism would misread (`prism_copy`); `None`: Prism serves the document itself.
    pub prism_document: Option<PathBuf>,
    /// Every operation of the document, in its order.
    pub operations: Vec<OperationReport>,
    /// Every example of the document, valid or not.
    pub examples: Vec<ExampleReport>,
}

impl DocumentReport {
    /// How many operations came out with `verdict` overall (`conform`, `fail`, `document`,
    /// `prism`).
    pub fn count(&self, verdict: &str) -> usize {
        self.operations.iter().filter(|o| o.verdict() == verdict).count()
    }

    /// How many examples have `verdict` (`round-trip`, `fail`, `rejected`, `unchecked`).
    pub fn examples(&self, verdict: &str) -> usize {
        self.examples.iter().filter(|e| e.verdict == verdict).count()
    }

    /// Examples the validator accepts.
    pub fn valid_examples(&self) -> usize {
        self.examples("round-trip") + self.examples("fail")
    }

    /// Whether the document passes without a floor: no problem, no failed operation and no
    /// valid example that does not round-trip.
    pub fn passed(&self) -> bool {
        self.problem.is_none() && self.count("fail") == 0 && self.examples("fail") == 0
    }

    /// The line printed for the document.
    pub fn line(&self) -> String {
        if self.skipped {
            return format!("{}: left out (--max-size)", self.path);
        }
        let mut line = format!(
            "{}: operations {}/{} conform ({} fail, {} the document contradicts, {} Prism cannot serve); examples {}/{} round-trip, {} rejected by the validator",
            self.path,
            self.count("conform"),
            self.operations.len(),
            self.count("fail"),
            self.count("document"),
            self.count("prism"),
            self.examples("round-trip"),
            self.valid_examples(),
            self.examples("rejected"),
        );
        if self.examples("unchecked") > 0 {
            line.push_str(&format!(", {} unchecked (schema the validator cannot compile)", self.examples("unchecked")));
        }
        if let Some(problem) = &self.problem {
            line.push_str(&format!("; {problem}"));
        }
        line
    }

    /// The failures (and Prism's limits) under the line, at most `limit` of each.
    pub fn details(&self, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        for verdict in ["fail", "document", "prism"] {
            let matching: Vec<&OperationReport> = self.operations.iter().filter(|o| o.verdict() == verdict).collect();
            let word = match verdict {
                "fail" => "fails",
                "document" => "the document allows no request",
                _ => "Prism cannot serve",
            };
            for op in matching.iter().take(limit) {
                out.push(format!("  {} {word}: {}", op.name, cut(&op.reason(), 400)));
            }
            if matching.len() > limit {
                out.push(format!("  … and {} more operations ({word}; see --report)", matching.len() - limit));
            }
        }
        let failing: Vec<&ExampleReport> = self.examples.iter().filter(|e| e.verdict == "fail").collect();
        for e in failing.iter().take(limit) {
            out.push(format!("  example {} does not round-trip: {}", e.label, cut(&e.reason, 300)));
        }
        if failing.len() > limit {
            out.push(format!("  … and {} more examples (see --report)", failing.len() - limit));
        }
        out
    }

    /// The document's entry in the `--report` JSON, verdicts and reasons of every operation
    /// and example included.
    pub fn to_json(&self) -> Value {
        json!({
            "document": self.path,
            "crate": self.crate_name,
            "skipped": self.skipped,
            "problem": self.problem,
            "operations": self.operations.iter().map(|o| json!({
                "operation": o.name,
                "verdict": o.verdict(),
                "modes": o.modes.iter().map(|m| json!({
                    "mode": m.mode, "verdict": m.verdict, "reason": m.reason, "status": m.status,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "examples": self.examples.iter().map(|e| json!({
                "example": e.label, "verdict": e.verdict, "reason": e.reason,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The last line: `conform: D documents; operations A/T conform; examples E/V round-trip`.
pub fn summary(documents: &[DocumentReport]) -> String {
    let checked: Vec<&DocumentReport> = documents.iter().filter(|d| !d.skipped).collect();
    let sum = |f: &dyn Fn(&DocumentReport) -> usize| checked.iter().map(|d| f(d)).sum::<usize>();
    format!(
        "conform: {} documents; operations {}/{} conform; examples {}/{} round-trip",
        checked.len(),
        sum(&|d| d.count("conform")),
        sum(&|d| d.operations.len()),
        sum(&|d| d.examples("round-trip")),
        sum(&|d| d.valid_examples()),
    )
}

/// The line before it: where the operations that do not conform stand.
pub fn breakdown(documents: &[DocumentReport]) -> String {
    let checked: Vec<&DocumentReport> = documents.iter().filter(|d| !d.skipped).collect();
    let sum = |verdict: &str| checked.iter().map(|d| d.count(verdict)).sum::<usize>();
    format!(
        "operations that do not conform: {} fail, {} the document contradicts, {} Prism cannot serve",
        sum("fail"),
        sum("document"),
        sum("prism")
    )
}

/// Reads the harness's lines into `report`: `{"op", "mode", "verdict", "reason", "status"}` and
/// `{"example", "verdict", "reason"}`. Lines that are not JSON are ignored.
pub fn read_lines(report: &mut DocumentReport, output: &str) {
    for line in output.lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else { continue };
        let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        if let Some(name) = value.get("op").and_then(Value::as_str) {
            let verdict = ModeVerdict {
                mode: text("mode"),
                verdict: text("verdict"),
                reason: text("reason"),
                status: value.get("status").and_then(Value::as_u64),
            };
            match report.operations.iter_mut().find(|o| o.name == name) {
                Some(op) => op.modes.push(verdict),
                None => report.operations.push(OperationReport {
                    name: name.to_owned(),
                    modes: vec![verdict],
                    ..Default::default()
                }),
            }
        } else if let Some(label) = value.get("example").and_then(Value::as_str) {
            if let Some(e) = report.examples.iter_mut().find(|e| e.label == label) {
                e.verdict = text("verdict");
                e.reason = text("reason");
            }
        }
    }
}

fn cut(text: &str, at: usize) -> String {
    if text.chars().count() > at {
        format!("{}…", text.chars().take(at).collect::<String>())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_summary() {
        let mut doc = DocumentReport { path: "a.yaml".into(), ..Default::default() };
        doc.operations.push(OperationReport { name: "getA".into(), ..Default::default() });
        doc.examples.push(ExampleReport {
            label: "/x/example".into(),
            verdict: "pending".into(),
            reason: String::new(),
        });
        doc.examples.push(ExampleReport {
            label: "/y/example".into(),
            verdict: "rejected".into(),
            reason: "bad".into(),
        });
        read_lines(
            &mut doc,
            r#"{"op":"getA","mode":"static","verdict":"conform","reason":"","status":200}
{"op":"getA","mode":"dynamic","verdict":"prism","reason":"Prism 500 VIOLATIONS","status":500}
{"op":"getB","mode":"static","verdict":"fail","reason":"no","status":400}
noise
{"example":"/x/example","verdict":"round-trip"}"#,
        );
        assert_eq!(doc.operations[0].verdict(), "prism");
        assert_eq!(doc.operations[1].verdict(), "fail");
        assert_eq!(
            doc.line(),
            "a.yaml: operations 0/2 conform (1 fail, 0 the document contradicts, 1 Prism cannot serve); examples 1/1 round-trip, 1 rejected by the validator"
        );
        assert_eq!(summary(&[doc.clone()]), "conform: 1 documents; operations 0/2 conform; examples 1/1 round-trip");
        assert_eq!(
            breakdown(&[doc.clone()]),
            "operations that do not conform: 1 fail, 0 the document contradicts, 1 Prism cannot serve"
        );
        assert!(!doc.passed());
    }

    #[test]
    fn a_static_failure_on_a_rejected_example_is_prisms_limit() {
        let mode = |mode: &str, verdict: &str| ModeVerdict {
            mode: mode.into(),
            verdict: verdict.into(),
            reason: "does not decode".into(),
            status: Some(200),
        };
        let mut op = OperationReport {
            name: "get".into(),
            modes: vec![mode("static", "fail"), mode("dynamic", "conform")],
            rejected_examples: vec!["/paths/~1a/get/responses/200/content/application~1json/example".into()],
            ..Default::default()
        };
        op.excuse_rejected_examples();
        assert_eq!(op.verdict(), "prism");
        assert!(op.reason().contains("which the validator rejects"));
        let mut failing = OperationReport { modes: vec![mode("static", "conform"), mode("dynamic", "fail")], ..op };
        failing.excuse_rejected_examples();
        assert_eq!(failing.verdict(), "fail", "dynamic mode serves no example");
    }

    #[test]
    fn a_refused_request_is_the_documents_fault_only_when_no_allowed_request_exists() {
        let refused = |mode: &str| ModeVerdict {
            mode: mode.into(),
            verdict: "fail".into(),
            reason: "Prism: the request violates the document: request.body.labels.0: must be object".into(),
            status: Some(422),
        };
        let decode = ModeVerdict { reason: "200 OK: missing field `id`".into(), ..refused("dynamic") };
        let mut op = OperationReport {
            name: "create".into(),
            modes: vec![refused("static"), refused("dynamic")],
            unsatisfiable: vec![
                "the request body: the validator accepts no candidate (/labels/0 must be object)".into()
            ],
            ..Default::default()
        };
        op.excuse_refused_requests();
        assert_eq!(op.verdict(), "document");
        assert!(op.reason().contains("accepts no candidate") && op.reason().contains("labels.0"), "{}", op.reason());

        // Only a refused request is excused: a response that does not decode stays a failure.
        let mut other = OperationReport { modes: vec![refused("static"), decode.clone()], ..op.clone() };
        other.excuse_refused_requests();
        assert_eq!(other.verdict(), "fail");
        // Without a reason, a refused request is ours.
        let mut ours = OperationReport { modes: vec![refused("static")], ..Default::default() };
        ours.excuse_refused_requests();
        assert_eq!(ours.verdict(), "fail");
        let mut text_json = OperationReport {
            modes: vec![refused("static")],
            prism_cannot_read: Some("Prism does not read a `text/json` body".into()),
            ..Default::default()
        };
        text_json.excuse_refused_requests();
        assert_eq!(text_json.verdict(), "prism");
    }
}
