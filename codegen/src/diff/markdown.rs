//! The report as Markdown, for a pull request.

use std::fmt::Write as _;

use super::report::{Group, GroupKind, Report, Severity};

impl Report {
    /// The report as Markdown a reviewer can paste into a pull request: a summary table, then the
    /// changes grouped per operation and per type, then the documentation changes, collapsed.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## API changes in `{}`\n", self.module);
        let _ = writeln!(
            out,
            "{} {} → {} {}\n",
            text(&self.old.title),
            text(&self.old.version),
            text(&self.new.title),
            text(&self.new.version)
        );
        let s = &self.summary;
        let _ = writeln!(out, "| breaking | non-breaking | docs only |\n| ---: | ---: | ---: |");
        let _ = writeln!(out, "| {} | {} | {} |\n", s.breaking, s.non_breaking, s.docs);
        let _ = writeln!(out, "Version bump of the generated crate: **{}**.\n", self.bump().advice());
        if self.is_empty() {
            out.push_str("No changes for users of the generated client.\n");
            return out;
        }
        let sections: [(&str, &[GroupKind]); 4] = [
            ("Client", &[GroupKind::Api]),
            ("Operations", &[GroupKind::Operation]),
            ("Error bodies", &[GroupKind::ErrorBodies]),
            ("Types", &[GroupKind::Schema, GroupKind::AddedTypes, GroupKind::RemovedTypes]),
        ];
        for (heading, kinds) in sections {
            let groups: Vec<&Group> = self.groups.iter().filter(|g| kinds.contains(&g.kind)).collect();
            if groups.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {heading}\n");
            for group in groups {
                let _ = writeln!(out, "#### {}\n", group.title);
                for change in &group.changes {
                    let label = match change.severity {
                        Severity::Breaking => "**breaking**",
                        Severity::NonBreaking => "non-breaking",
                        Severity::Docs => "docs",
                    };
                    let _ = writeln!(out, "- {label} {}: {}", code(&change.rust_item), change.message);
                }
                out.push('\n');
            }
        }
        if !self.docs.is_empty() {
            let _ = writeln!(out, "### Documentation\n");
            let _ = writeln!(
                out,
                "<details>\n<summary>{} documentation change{} (descriptions, summaries, examples)</summary>\n",
                self.docs.len(),
                if self.docs.len() == 1 { "" } else { "s" }
            );
            for change in &self.docs {
                let _ = writeln!(out, "- {}: {}", code(&change.rust_item), change.message);
            }
            out.push_str("\n</details>\n");
        }
        out
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
