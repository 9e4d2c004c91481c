//! The report: what a change is, how severe, how changes are grouped and counted.

use serde::Serialize;
use serde_json::Value;

/// How a change affects users of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Code written against the old client may stop compiling or working.
    Breaking,
    /// Something was added; existing code keeps working.
    NonBreaking,
    /// Only documentation changed: descriptions, summaries, examples.
    Docs,
}

impl Severity {
    /// The severity as the report writes it (`breaking`, `non-breaking`, `docs`), as in its JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Docs => "docs",
        }
    }
}

/// The release of the generated crate a change calls for, as Cargo's semver rules read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Nothing a user can see changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions only: code written against the old crate still compiles and works.
    Minor,
    /// Something breaks.
    Major,
}

impl Bump {
    /// How to number the release from `x.y.z`; before 1.0, Cargo treats the minor number as major.
    pub fn advice(self) -> &'static str {
        match self {
            Bump::None => "no release needed",
            Bump::Patch => "a patch release (x.y.z+1)",
            Bump::Minor => "a minor release (x.y+1.0; before 1.0: 0.y.z+1)",
            Bump::Major => "a major release (x+1.0.0; before 1.0: 0.y+1.0)",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How the change affects users of the generated client.
    pub severity: Severity,
    /// A stable identifier of the rule that found it, e.g. `parameter-removed`.
    pub rule: &'static str,
    /// The Rust item it affects, e.g. `thousandeyes::types::UsageQuota::device_agents_included`.
    pub rust_item: String,
    /// One line for a person, in Markdown.
    pub message: String,
    /// Items of the old version the change renames, moves or removes besides `rust_item`, by their
    /// old paths: a renamed type, an operation's old method and builder, the setter a parameter
    /// that became required replaces.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub was: Vec<String>,
    /// JSON pointer of the place in the old document, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    /// JSON pointer of the place in the new document, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
}

/// What a [`Group`] of changes is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// The server and the client as a whole.
    Api,
    /// One operation: added, removed, or changed (its parameters, bodies and responses).
    Operation,
    /// An enum of documented error bodies, shared by the operations it names.
    ErrorBodies,
    /// One type present in both versions (possibly renamed).
    Schema,
    /// The types only the new version has, all in one group; an unused one whose Rust name the
    /// old version already had is left out.
    AddedTypes,
    /// The types only the old version has, all in one group; an unused one whose Rust name the
    /// new version still has is left out.
    RemovedTypes,
}

/// Changes about one operation, error enum or type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// What the changes are about; the Markdown report sorts groups into sections by it.
    pub kind: GroupKind,
    /// A heading, in Markdown.
    pub title: String,
    /// Breaking changes first, then non-breaking ones.
    pub changes: Vec<Change>,
}

/// Which API and which version of it one side of the comparison is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiVersion {
    /// The document's `info.title`.
    pub title: String,
    /// The document's `info.version` (empty for a document that does not exist on that side).
    pub version: String,
}

/// How many changes of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes of [`Severity::Breaking`].
    pub breaking: usize,
    /// Changes of [`Severity::NonBreaking`].
    pub non_breaking: usize,
    /// Changes of [`Severity::Docs`]: those of [`Report::docs`], as no group holds one.
    pub docs: usize,
}

/// Everything that changed between two versions of one API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The module name used in Rust item paths.
    pub module: String,
    /// The API and version compared from.
    pub old: ApiVersion,
    /// The API and version compared to.
    pub new: ApiVersion,
    /// The number of changes of each severity.
    pub summary: Summary,
    /// Breaking and non-breaking changes: the API, then operations, error enums and types.
    pub groups: Vec<Group>,
    /// Documentation-only changes.
    pub docs: Vec<Change>,
}

impl Report {
    /// Every change, documentation included.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.groups.iter().flat_map(|g| &g.changes).chain(&self.docs)
    }

    /// How many changes have `severity`, as [`Report::summary`] counts them.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Breaking => self.summary.breaking,
            Severity::NonBreaking => self.summary.non_breaking,
            Severity::Docs => self.summary.docs,
        }
    }

    /// The release this report calls for: its most severe change decides.
    pub fn bump(&self) -> Bump {
        let s = &self.summary;
        if s.breaking > 0 {
            Bump::Major
        } else if s.non_breaking > 0 {
            Bump::Minor
        } else if s.docs > 0 {
            Bump::Patch
        } else {
            Bump::None
        }
    }

    /// Whether nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.docs.is_empty()
    }

    /// The report as JSON, for tools, with the [`Bump`] it calls for.
    pub fn to_json(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("bump".to_owned(), serde_json::to_value(self.bump()).unwrap_or(Value::Null));
        }
        value
    }
}

/// A change with no pointers yet; see [`Change::at`].
pub(super) fn change(
    severity: Severity,
    rule: &'static str,
    rust_item: impl Into<String>,
    message: impl Into<String>,
) -> Change {
    Change {
        severity,
        rule,
        rust_item: rust_item.into(),
        message: message.into(),
        was: Vec::new(),
        old_pointer: None,
        new_pointer: None,
    }
}

impl Change {
    /// The paths the renamed items had in the old version.
    pub(super) fn was(mut self, paths: impl IntoIterator<Item = String>) -> Change {
        self.was = paths.into_iter().collect();
        self
    }

    /// The places in the old and new documents the change is about.
    pub(super) fn at(mut self, old: Option<&str>, new: Option<&str>) -> Change {
        self.old_pointer = old.map(str::to_owned);
        self.new_pointer = new.map(str::to_owned);
        self
    }
}
