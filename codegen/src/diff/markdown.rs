//! The report as Markdown, for a pull request: the summary, then every breaking change, then the
//! rest folded (`<details>`) by area, documentation last; cut to fit a comment, with a pointer to
//! the full report when it is. Also the compact text for CI logs, one line per change.

use std::fmt::Write as _;

use super::report::{Change, Group, GroupKind, Report, Severity};

/// What a pull-request comment holds (65,536 characters), less room for what a CI step adds.
pub const MARKDOWN_LIMIT: usize = 60_000;

/// Room kept for the closing note of a cut report.
const NOTE_ROOM: usize = 600;

/// Room kept for a folded block's `<details>` lines.
const FOLD_ROOM: usize = 160;

/// The areas of the report, in order.
const AREAS: [(&str, &[GroupKind]); 4] = [
    ("Client", &[GroupKind::Api]),
    ("Operations", &[GroupKind::Operation]),
    ("Error bodies", &[GroupKind::ErrorBodies]),
    ("Types", &[GroupKind::Schema, GroupKind::AddedTypes, GroupKind::RemovedTypes]),
];

impl Report {
    /// The report as Markdown within [`MARKDOWN_LIMIT`] characters; see [`Report::to_markdown_within`].
    pub fn to_markdown(&self) -> String {
        self.to_markdown_within(MARKDOWN_LIMIT, None)
    }

    /// The report as Markdown a reviewer can paste into a pull request, in at most `limit`
    /// characters (whatever the limit, every breaking change is listed when they fit at all): a
    /// summary, the breaking changes grouped per operation and type, then the other changes and
    /// the documentation changes folded. When something is left out, a closing note says how much
    /// and where the whole report is: `full`, or `--format json`.
    pub fn to_markdown_within(&self, limit: usize, full: Option<&str>) -> String {
        let mut out = Budget { text: String::new(), limit: limit.saturating_sub(NOTE_ROOM), left_out: 0 };
        let _ = writeln!(out.text, "## API changes in `{}`\n", self.module);
        let _ = writeln!(
            out.text,
            "{} {} → {} {}\n",
            text(&self.old.title),
            text(&self.old.version),
            text(&self.new.title),
            text(&self.new.version)
        );
        let s = &self.summary;
        let _ = writeln!(out.text, "| breaking | non-breaking | docs only |\n| ---: | ---: | ---: |");
        let _ = writeln!(out.text, "| {} | {} | {} |\n", s.breaking, s.non_breaking, s.docs);
        let _ = writeln!(out.text, "Version bump of the generated crate: **{}**.\n", self.bump().advice());
        if self.is_empty() {
            out.text.push_str("No changes for users of the generated client.\n");
            return out.text;
        }
        // Where a cut report says so at the top.
        let top = out.text.len();
        let module = format!("{}::", self.module);
        let line = |c: &Change| -> String {
            let item = c.rust_item.strip_prefix(&module).unwrap_or(&c.rust_item);
            format!("- {}: {}\n", code(item), c.message)
        };
        if s.breaking > 0 {
            let _ = writeln!(out.text, "### Breaking changes\n");
            for (_, kinds) in AREAS {
                for group in self.groups.iter().filter(|g| kinds.contains(&g.kind)) {
                    let lines: Vec<String> =
                        group.changes.iter().filter(|c| c.severity == Severity::Breaking).map(&line).collect();
                    out.group(&group.title, &lines);
                }
            }
        }
        let others = s.non_breaking + s.docs;
        if others > 0 {
            let _ = writeln!(out.text, "### Other changes\n");
        }
        for (area, kinds) in AREAS {
            let groups: Vec<(&Group, Vec<String>)> = self
                .groups
                .iter()
                .filter(|g| kinds.contains(&g.kind))
                .map(|g| (g, g.changes.iter().filter(|c| c.severity != Severity::Breaking).map(&line).collect()))
                .filter(|(_, lines): &(&Group, Vec<String>)| !lines.is_empty())
                .collect();
            let count: usize = groups.iter().map(|(_, lines)| lines.len()).sum();
            if count == 0 {
                continue;
            }
            out.folded(&format!("{area}: {count} non-breaking change{}", plural(count)), count, |out| {
                for (group, lines) in groups {
                    out.group(&group.title, &lines);
                }
            });
        }
        if !self.docs.is_empty() {
            let n = self.docs.len();
            let lines: Vec<String> = self.docs.iter().map(&line).collect();
            out.folded(
                &format!("Documentation: {n} change{} (descriptions, summaries, examples)", plural(n)),
                n,
                |out| {
                    out.lines(&lines);
                    out.text.push('\n');
                },
            );
        }
        if out.left_out > 0 {
            let whole = match full {
                Some(place) => format!("The full report: {place}."),
                None => "The full report: the same command with `--format json`.".to_owned(),
            };
            let n = out.left_out;
            let _ =
                writeln!(out.text, "\n**Cut to fit {limit} characters: {n} change{} not shown.** {whole}", plural(n));
            out.text.insert_str(
                top,
                &format!("_{n} change{} not shown here, at the end: see the note there._\n\n", plural(n)),
            );
        }
        out.text
    }
}

/// The Markdown written so far, the room left and how many changes did not fit.
struct Budget {
    text: String,
    limit: usize,
    left_out: usize,
}

impl Budget {
    /// A group's heading and lines, as many lines as fit (none: no heading).
    fn group(&mut self, title: &str, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        let heading = format!("#### {title}\n\n");
        if self.text.len() + heading.len() + lines[0].len() > self.limit {
            self.left_out += lines.len();
            return;
        }
        self.text.push_str(&heading);
        self.lines(lines);
        self.text.push('\n');
    }

    fn lines(&mut self, lines: &[String]) {
        for (k, line) in lines.iter().enumerate() {
            if self.text.len() + line.len() > self.limit {
                self.left_out += lines.len() - k;
                return;
            }
            self.text.push_str(line);
        }
    }

    /// A folded block of `count` changes that `write` adds; its summary says how many were cut,
    /// and a block none of whose changes fit is left out.
    fn folded(&mut self, summary: &str, count: usize, write: impl FnOnce(&mut Budget)) {
        let (start, left_out) = (self.text.len(), self.left_out);
        // Room for the block's own lines.
        self.limit = self.limit.saturating_sub(FOLD_ROOM);
        write(self);
        self.limit += FOLD_ROOM;
        let shown = count.saturating_sub(self.left_out - left_out);
        if shown == 0 {
            self.text.truncate(start);
            return;
        }
        let cut = if shown < count { format!(" ({shown} shown)") } else { String::new() };
        self.text.insert_str(start, &format!("<details>\n<summary>{summary}{cut}</summary>\n\n"));
        self.text.push_str("</details>\n\n");
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// An inline code span that survives any content (backticks, newlines).
pub(super) fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Free text (a title, a version) with Markdown and HTML characters escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl Report {
    /// One line per change, breaking ones first, for CI logs: `severity rule item: message`,
    /// after a line with the summary and the release it calls for.
    pub fn to_compact(&self) -> String {
        let s = &self.summary;
        let mut out = format!(
            "{} {} -> {} {}: {} breaking, {} non-breaking, {} docs; {}\n",
            self.old.title,
            self.old.version,
            self.new.title,
            self.new.version,
            s.breaking,
            s.non_breaking,
            s.docs,
            self.bump().advice()
        );
        for severity in [Severity::Breaking, Severity::NonBreaking, Severity::Docs] {
            for c in self.changes().filter(|c| c.severity == severity) {
                let message = c.message.replace(['\n', '\r'], " ");
                let _ = writeln!(out, "{:<12} {} {}: {message}", severity.as_str(), c.rule, c.rust_item);
            }
        }
        out
    }
}
