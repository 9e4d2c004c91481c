//! `cargo xtask diff` as a command: file paths, `REV:path` in a git repository made here, the
//! no-argument form (working tree against `HEAD`), JSON output and exit codes. Scratch
//! repositories live in the system temp directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The arguments of `cargo xtask diff ARGS…`, parsed by the command grammar.
fn diff_args(args: &[&str]) -> xtask::cli::Diff {
    use clap::Parser as _;
    xtask::cli::Diff::try_parse_from(std::iter::once("diff").chain(args.iter().copied())).expect("parses")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The restated ThousandEyes documents of the acceptance test.
fn fixture(version: &str) -> PathBuf {
    root().join("codegen/tests/diff").join(version).join("thousandeyes.yaml")
}

fn rule(name: &str, side: &str) -> PathBuf {
    root().join("codegen/tests/diff/rules").join(format!("{name}.{side}.yaml"))
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).current_dir(dir).arg("diff").args(args).output().expect("runs xtask")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A git repository in the temp directory, removed on drop.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("spec")).expect("create repo");
        let repo = Repo(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("runs git");
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    }

    fn put(&self, relative: &str, from: &Path) {
        fs::copy(from, self.0.join(relative)).expect("copy fixture");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn two_files_give_a_markdown_report_named_after_the_new_module() {
    let (old, new) = (fixture("2023"), fixture("7.0.85"));
    let output = xtask(&root(), &[old.to_str().expect("utf-8"), new.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!(
            "Comparing `{}` with `{}`.\n\n## API changes in `thousandeyes`",
            old.display(),
            new.display()
        )),
        "{text}"
    );
    assert!(text.contains("| 34 | 16 | 20 |"), "{text}");
    assert!(text.contains("- `builder::AssignOrganizationsQuotas::aid`: query parameter `aid` removed"), "{text}");
    assert!(text.contains("#### `UsageDetails` (was `Usage_usage`)"), "{text}");
}

#[test]
fn paths_are_relative_to_the_current_directory() {
    let output =
        xtask(&root().join("codegen/tests/diff"), &["rules/field-added.old.yaml", "rules/field-added.new.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("- `types::Item::size`: new optional field `size`"), "{}", stdout(&output));
}

#[test]
fn json_output_parses() {
    let (old, new) = (fixture("2023"), fixture("7.0.85"));
    let output = xtask(&root(), &["--format", "json", old.to_str().expect("utf-8"), new.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(json["old"], old.to_str().expect("utf-8"));
    assert_eq!(json["report"]["module"], "thousandeyes");
    assert_eq!(json["report"]["summary"], serde_json::json!({ "breaking": 34, "non_breaking": 16, "docs": 20 }));
    let also = xtask(&root(), &["--format=json", old.to_str().expect("utf-8"), new.to_str().expect("utf-8")]);
    assert_eq!(stdout(&also), stdout(&output));
}

#[test]
fn compact_output_is_one_line_per_change_breaking_first() {
    let (old, new) = (fixture("2023"), fixture("7.0.85"));
    let output = xtask(&root(), &["--format", "compact", old.to_str().expect("utf-8"), new.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].contains(": 34 breaking, 16 non-breaking, 20 docs; a major release"), "{text}");
    let changes = &lines[2..];
    assert_eq!(changes.len(), 34 + 16 + 20, "{text}");
    let severity = |line: &str| line.split_whitespace().next().unwrap_or("").to_owned();
    assert!(changes[..34].iter().all(|l| severity(l) == "breaking"), "{text}");
    assert!(changes[34..50].iter().all(|l| severity(l) == "non-breaking"), "{text}");
    assert!(changes[50..].iter().all(|l| severity(l) == "docs"), "{text}");
    assert!(
        text.contains("breaking     parameter-removed thousandeyes::builder::AssignOrganizationsQuotas::aid: query parameter `aid` removed\n"),
        "{text}"
    );
}

#[test]
fn full_json_is_written_beside_the_markdown() {
    let (old, new) = (fixture("2023"), fixture("7.0.85"));
    let repo = Repo::new("fulljson");
    let output =
        xtask(&repo.0, &[old.to_str().expect("utf-8"), new.to_str().expect("utf-8"), "--full-json", "report.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(repo.0.join("report.json")).expect("written")).expect("valid JSON");
    assert_eq!(json["report"]["summary"]["breaking"], 34);
    assert!(stdout(&output).contains("## API changes in `thousandeyes`"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let arg = |p: PathBuf| p.to_str().expect("utf-8").to_owned();
    let run = |old: PathBuf, new: PathBuf, fail_on: &str| xtask(&root(), &[&arg(old), &arg(new), "--fail-on", fail_on]);
    // Breaking changes.
    let output = run(rule("field-removed", "old"), rule("field-removed", "new"), "breaking");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("field `name` removed"), "the report is printed all the same");
    assert!(stderr(&output).contains("--fail-on matched"));
    // Additions only.
    assert_eq!(run(rule("field-added", "old"), rule("field-added", "new"), "breaking").status.code(), Some(0));
    assert_eq!(run(rule("field-added", "old"), rule("field-added", "new"), "any").status.code(), Some(1));
    // Documentation only: still a change for `any`.
    assert_eq!(run(rule("docs-only", "old"), rule("docs-only", "new"), "breaking").status.code(), Some(0));
    assert_eq!(run(rule("docs-only", "old"), rule("docs-only", "new"), "any").status.code(), Some(1));
    // Nothing.
    assert_eq!(run(rule("base-path-moved", "old"), rule("base-path-moved", "new"), "any").status.code(), Some(0));
    // Without --fail-on, breaking changes exit 0.
    let output = xtask(&root(), &[&arg(rule("field-removed", "old")), &arg(rule("field-removed", "new"))]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_additive_release_of_the_thousandeyes_spec_is_minor() {
    let releases = root().join("codegen/tests/diff/releases");
    let file = |name: &str| releases.join(name).to_str().expect("utf-8").to_owned();
    let additive =
        xtask(&root(), &[&file("thousandeyes.yaml"), &file("thousandeyes-additive.yaml"), "--fail-on", "breaking"]);
    assert_eq!(additive.status.code(), Some(0), "{}", stdout(&additive));
    assert!(stdout(&additive).contains("Version bump of the generated crate: **a minor release"));
    let removed = xtask(
        &root(),
        &[&file("thousandeyes.yaml"), &file("thousandeyes-field-removed.yaml"), "--fail-on", "breaking"],
    );
    assert_eq!(removed.status.code(), Some(1), "{}", stdout(&removed));
    assert!(stdout(&removed).contains("Version bump of the generated crate: **a major release"));
}

#[test]
fn errors_name_the_file_and_exit_2() {
    let old = fixture("2023");
    let old = old.to_str().expect("utf-8");
    let output = xtask(&root(), &[old, "no/such/spec.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: no/such/spec.yaml: "), "{}", stderr(&output));

    let repo = Repo::new("errors");
    fs::write(repo.0.join("broken.yaml"), "openapi: 3.0.3\ninfo: [unclosed\n").expect("write");
    let output = xtask(&repo.0, &[old, "broken.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: broken.yaml: syntax error at line"), "{}", stderr(&output));

    fs::write(repo.0.join("dangling.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Gone'}\n").expect("write");
    let output = xtask(&repo.0, &["dangling.yaml", old]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("dangling.yaml: unresolvable $ref '#/components/responses/Gone'"),
        "{}",
        stderr(&output)
    );

    for args in [
        &["--format", "yaml", old, old][..],
        &["--fail-on", "sometimes", old, old],
        &[old],
        &["--bogus", old, old],
        &[old, old, "--format"],
    ] {
        let output = xtask(&root(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).starts_with("error: "), "{args:?}: {}", stderr(&output));
    }
    let help = xtask(&root(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("Usage: cargo xtask diff [OPTIONS] [OLD] [NEW]"), "{}", stdout(&help));
}

#[test]
fn rev_path_reads_a_git_revision() {
    let repo = Repo::new("rev");
    repo.put("spec/thousandeyes.yaml", &fixture("2023"));
    repo.commit("2023 spec");
    repo.put("spec/thousandeyes.yaml", &fixture("7.0.85"));
    repo.commit("7.0.85 spec");

    let output = xtask(&repo.0, &["HEAD~1:spec/thousandeyes.yaml", "HEAD:spec/thousandeyes.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Comparing `HEAD~1:spec/thousandeyes.yaml` with `HEAD:spec/thousandeyes.yaml`."),
        "{text}"
    );
    assert!(text.contains("| 34 | 16 | 20 |"), "{text}");

    // A revision against a file of the working tree.
    let output = xtask(&repo.0, &["HEAD~1:spec/thousandeyes.yaml", "spec/thousandeyes.yaml", "--fail-on", "breaking"]);
    assert_eq!(output.status.code(), Some(1));

    // The same revision twice: no changes.
    let output = xtask(&repo.0, &["HEAD:spec/thousandeyes.yaml", "spec/thousandeyes.yaml", "--fail-on", "any"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "`spec/thousandeyes.yaml`: unchanged since `HEAD:spec/thousandeyes.yaml`.\n");

    // Unknown revisions and paths are errors naming the argument.
    for arg in ["HEAD~5:spec/thousandeyes.yaml", "HEAD:spec/missing.yaml"] {
        let output = xtask(&repo.0, &[arg, "spec/thousandeyes.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{arg}");
        assert!(stderr(&output).starts_with(&format!("error: {arg}: ")), "{arg}: {}", stderr(&output));
    }
}

#[test]
fn without_arguments_every_spec_is_compared_with_head() {
    let repo = Repo::new("noargs");
    repo.put("spec/thousandeyes.yaml", &fixture("2023"));
    repo.put("spec/same.yaml", &rule("field-added", "old"));
    repo.put("spec/gone.yaml", &rule("field-added", "old"));
    fs::write(repo.0.join("README.md"), "not a spec\n").expect("write");
    repo.commit("specs");
    repo.put("spec/thousandeyes.yaml", &fixture("7.0.85"));
    fs::remove_file(repo.0.join("spec/gone.yaml")).expect("remove");
    repo.put("spec/added.yaml", &rule("field-added", "new"));

    let outcome = xtask::diff::run(&repo.0, &repo.0, &diff_args(&[])).expect("runs");
    assert!(!outcome.failed);
    let text = outcome.output;
    // One section per spec, in name order.
    let added = text.find("`spec/added.yaml` is new: not in HEAD.").expect(&text);
    let gone = text.find("`HEAD:spec/gone.yaml` is gone from the working tree.").expect(&text);
    let same = text.find("`spec/same.yaml`: unchanged since `HEAD:spec/same.yaml`.").expect(&text);
    let thousandeyes =
        text.find("Comparing `HEAD:spec/thousandeyes.yaml` with `spec/thousandeyes.yaml`.").expect(&text);
    assert!(added < gone && gone < same && same < thousandeyes, "{text}");
    assert!(text.contains("- `Client::list_items`: new operation"), "{text}");
    assert!(text.contains("- `Client::create_item`: operation removed"), "{text}");
    assert!(text.contains("- `builder::UnassignOrganizationsQuotas::aid`"), "{text}");

    let outcome =
        xtask::diff::run(&repo.0, &repo.0, &diff_args(&["--fail-on", "breaking", "--format", "json"])).expect("runs");
    assert!(outcome.failed);
    let json: serde_json::Value = serde_json::from_str(&outcome.output).expect("valid JSON");
    let items = json.as_array().expect("an array, one item per spec");
    let names: Vec<(&str, &str)> =
        items.iter().map(|i| (i["old"].as_str().unwrap_or("?"), i["new"].as_str().unwrap_or("?"))).collect();
    assert_eq!(
        names,
        [
            ("(none)", "spec/added.yaml"),
            ("HEAD:spec/gone.yaml", "(none)"),
            ("HEAD:spec/same.yaml", "spec/same.yaml"),
            ("HEAD:spec/thousandeyes.yaml", "spec/thousandeyes.yaml"),
        ]
    );
    assert_eq!(items[3]["report"]["summary"]["breaking"], 34);
    assert_eq!(items[2]["report"]["groups"], serde_json::json!([]));

    // Once committed, nothing differs.
    repo.commit("7.0.85");
    let outcome = xtask::diff::run(&repo.0, &repo.0, &diff_args(&["--fail-on", "any"])).expect("runs");
    assert!(!outcome.failed, "{}", outcome.output);
}

#[test]
fn without_a_head_commit_the_no_argument_form_says_so() {
    let repo = Repo::new("nohead");
    repo.put("spec/thousandeyes.yaml", &fixture("2023"));
    let err = xtask::diff::run(&repo.0, &repo.0, &diff_args(&[])).expect_err("no HEAD");
    assert!(err.contains("no HEAD commit"), "{err}");
}
