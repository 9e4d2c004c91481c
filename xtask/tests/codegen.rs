//! The freshness gate: `cargo test` fails when generated code drifts from `spec/`, and the check
//! itself notices every kind of drift. Scratch trees live in the system temp directory.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::regen::{self, Drift};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

#[test]
fn committed_generated_code_matches_its_specs() {
    let drift = regen::check(&root()).expect("the specs generate");
    assert!(drift.is_empty(), "{}", regen::report(&drift));
}

/// A copy of `spec/` and of usage-client's sources in a scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy_dir(&root().join("spec"), &dir.join("spec"));
        copy_dir(&root().join(regen::CLIENT_SRC), &dir.join(regen::CLIENT_SRC));
        fs::copy(root().join("usage-client/Cargo.toml"), dir.join("usage-client/Cargo.toml")).expect("copy manifest");
        Scratch(dir)
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

const TYPES: &str = "usage-client/src/thousandeyes/types.rs";

#[test]
fn one_changed_byte_fails_the_check_with_a_diff() {
    let scratch = Scratch::new("byte");
    assert!(regen::check(&scratch.0).expect("check").is_empty(), "the copy starts fresh");
    let path = scratch.path(TYPES);
    let mut bytes = fs::read(&path).expect("read");
    let at = bytes.len() / 2;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    fs::write(&path, &bytes).expect("write");

    let drift = regen::check(&scratch.0).expect("check");
    assert_eq!(drift.len(), 1, "{drift:?}");
    let Drift::Changed { path, diff } = &drift[0] else { panic!("{drift:?}") };
    assert_eq!(path, Path::new(TYPES));
    assert!(diff.lines().any(|l| l.starts_with('-') && !l.starts_with("---")), "{diff}");
    let report = regen::report(&drift);
    assert!(report.contains("cargo xtask codegen"), "the report names the fix: {report}");

    // Regenerating repairs it.
    let done = regen::write(&scratch.0).expect("write");
    assert_eq!(done.written, vec![PathBuf::from(TYPES)]);
    assert!(regen::check(&scratch.0).expect("check").is_empty());
}

#[test]
fn missing_extra_and_unregistered_modules_are_drift() {
    let scratch = Scratch::new("kinds");
    fs::remove_file(scratch.path("usage-client/src/thousandeyes/builder.rs")).expect("remove");
    let stale = scratch.path("usage-client/src/gone/types.rs");
    fs::create_dir_all(stale.parent().expect("parent")).expect("mkdir");
    fs::write(
        &stale,
        format!("{}`cargo xtask codegen` from spec/gone.yaml. Do not edit.\n", codegen::GENERATED_MARKER),
    )
    .expect("write");
    fs::write(scratch.path("spec/extra.yaml"), fs::read(scratch.path("spec/thousandeyes.yaml")).expect("read"))
        .expect("copy spec");

    let drift = regen::check(&scratch.0).expect("check");
    assert!(drift.contains(&Drift::Missing { path: "usage-client/src/thousandeyes/builder.rs".into() }), "{drift:?}");
    assert!(drift.contains(&Drift::Extra { path: "usage-client/src/gone/types.rs".into() }), "{drift:?}");
    assert!(drift.contains(&Drift::Unregistered { name: "extra".into() }), "{drift:?}");

    // Writing restores, removes the orphan and its empty directory, and asks for the module line.
    let err = regen::write(&scratch.0).expect_err("lib.rs lacks `pub mod extra;`");
    assert!(err.contains("#[cfg(feature = \"extra\")] pub mod extra;") && err.contains("extra = []"), "{err}");
    assert!(scratch.path("usage-client/src/thousandeyes/builder.rs").exists());
    assert!(!scratch.path("usage-client/src/gone").exists());
    assert!(scratch.path("usage-client/src/extra/client.rs").exists());
    let leftovers: Vec<_> = fs::read_dir(scratch.path("usage-client/src/thousandeyes"))
        .expect("read")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "atomic writes leave no temporary files");
}

#[test]
fn a_module_without_its_feature_is_drift() {
    let scratch = Scratch::new("feature");
    let manifest = scratch.path("usage-client/Cargo.toml");
    let text = fs::read_to_string(&manifest).expect("read");
    fs::write(&manifest, text.replace("\nacronis = []\n", "\n")).expect("write");
    let drift = regen::check(&scratch.0).expect("check");
    assert_eq!(drift, [Drift::Unregistered { name: "acronis".into() }]);
}

#[test]
fn hand_written_files_are_never_overwritten_or_removed() {
    let scratch = Scratch::new("hand");
    let mine = scratch.path("usage-client/src/thousandeyes/client.rs");
    fs::write(&mine, "// my own code\n").expect("write");
    let other = scratch.path("usage-client/src/helpers/util.rs");
    fs::create_dir_all(other.parent().expect("parent")).expect("mkdir");
    fs::write(&other, "pub fn f() {}\n").expect("write");

    let err = regen::write(&scratch.0).expect_err("refuses");
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert_eq!(fs::read_to_string(&mine).expect("read"), "// my own code\n");
    assert_eq!(fs::read_to_string(&other).expect("read"), "pub fn f() {}\n");
}

#[test]
fn spec_errors_name_the_file_and_the_place() {
    let scratch = Scratch::new("broken");
    let spec = scratch.path("spec/thousandeyes.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(&spec, text.replacen("#/components/schemas/UsageQuota", "#/components/schemas/NoSuchQuota", 1))
        .expect("write");
    let err = regen::check(&scratch.0).expect_err("unresolvable");
    assert!(
        err.starts_with(
            "spec/thousandeyes.yaml: unresolvable $ref '#/components/schemas/NoSuchQuota' at /components/schemas/"
        ),
        "{err}"
    );

    fs::write(&spec, "openapi: 3.0.3\ninfo: {title: [\n").expect("write");
    let err = regen::check(&scratch.0).expect_err("syntax");
    assert!(err.starts_with("spec/thousandeyes.yaml: syntax error at line "), "{err}");

    fs::remove_dir_all(scratch.path("spec")).expect("remove");
    let err = regen::check(&scratch.0).expect_err("no spec dir");
    assert!(err.contains("spec"), "{err}");
}

#[test]
fn spec_file_names_must_be_module_names() {
    let scratch = Scratch::new("names");
    fs::write(scratch.path("spec/Bad-Name.yaml"), "openapi: 3.0.3\n").expect("write");
    let err = regen::check(&scratch.0).expect_err("bad name");
    assert!(err.contains("spec/Bad-Name.yaml") && err.contains("module name"), "{err}");
}
