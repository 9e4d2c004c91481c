//! `cargo xtask conform` on our fixture, `tests/fixtures/conform/nursery.yaml`, without Prism,
//! Node.js or a build (cheap enough for `cargo test`): the crate and its harness are written, the
//! harness calls every operation and round-trips every example the validator accepts, and the
//! validator's rejections are counted, not run.
//!
//! The whole run (ajv, the harness built, two Prism servers) is
//! `cargo xtask conform xtask/tests/fixtures/conform`, about two minutes cold; it ends with
//! `conform: 1 documents; operations 3/3 conform; examples 9/9 round-trip`.

use std::path::Path;

use serde_json::Value;
use xtask::conform::report::DocumentReport;

#[test]
fn the_harness_calls_every_operation_and_checks_every_accepted_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let spec = root.join("xtask/tests/fixtures/conform/nursery.yaml");
    let out = std::env::temp_dir().join(format!("conform-test-{}", std::process::id()));
    let mut report =
        DocumentReport { path: spec.display().to_string(), crate_name: "nursery".into(), ..Default::default() };
    // A stand-in for ajv: it rejects the one example the fixture gets wrong on purpose, and
    // every argument candidate but the last made from a schema (so the last is sent).
    let mut seen: Vec<(String, Value)> = Vec::new();
    let mut validator =
        |_: &Value, checks: &[(String, Value)]| {
            seen.extend(checks.iter().cloned());
            Ok(checks
                .iter()
                .map(|(_, value)| {
                    if value.as_str() == Some("many") {
                        Some(Err("/ must be integer".to_owned()))
                    } else {
                        Some(Ok(()))
                    }
                })
                .collect())
        };
    xtask::conform::prepare(root, &spec, &out, &mut report, &mut validator).expect("prepares");

    let names: Vec<&str> = report.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["listPlants", "plant", "bedLabel"]);
    let rejected: Vec<&str> =
        report.examples.iter().filter(|e| e.verdict == "rejected").map(|e| e.label.as_str()).collect();
    assert_eq!(rejected, ["/components/schemas/Tree/allOf/1/properties/rings/example"]);
    // Schema, property, parameter, media type and shared response examples (the text one is not JSON).
    assert_eq!(report.examples.len(), 7, "{:?}", report.examples);

    let harness = std::fs::read_to_string(out.join("nursery/examples/conform-nursery/main.rs")).expect("harness");
    for call in [
        "client.list_plants(arg::<String>(r#\"\"B042\"\"#",
        "client.plant(",
        "client.bed_label(",
        ".x_season(",
        ".limit(arg::<i64>(r#\"1\"#",
    ] {
        assert!(harness.contains(call), "the harness lacks `{call}`");
    }
    // Every accepted example is decoded into its generated type; the rejected one is not.
    let examples = harness.matches("    example::<").count();
    assert_eq!(examples, report.examples.len() - 1);
    assert!(harness.contains("example::<types::Plant>(r#\"/paths/~1beds~1{bedId}~1plants/get/responses/200/content/application~1json/examples/two/value\"#")
        || harness.contains("example::<types::ListPlantsResponse>"), "the media type example is checked as the response type");
    assert!(out.join("nursery/examples/conform-nursery/support.rs").exists());
    // The pattern `^B[0-9]{3}$` gave the path parameter its example, not a made value.
    assert!(seen.iter().any(|(_, v)| v.as_str() == Some("B042")));
    let _ = std::fs::remove_dir_all(&out);
}
