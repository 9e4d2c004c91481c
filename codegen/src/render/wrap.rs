//! Doc comments wrapped at the width of the code around them. prettyplease breaks code at
//! [`WIDTH`] columns but prints a `#[doc]` line as it comes, and descriptions in documents run to
//! hundreds of columns; this pass, on the formatted text, reflows the prose of every `///` and
//! `//!` block so that it reads like the code beside it.
//!
//! Only what Markdown reads the same either way is reflowed: paragraphs and list items. Code
//! blocks, tables, headings, quotes, link definitions and lines indented as code stay as they are,
//! and a line never starts with a word that would begin a block of its own (`-`, `1.`, `#`, `>`),
//! so the rendered docs do not change. A word longer than the line (a URL) gets a line of its own,
//! and a code span is never broken.

use super::markdown::{code_span_end, fence_closes, fence_opening, run};

/// The column prettyplease breaks code at.
pub(crate) const WIDTH: usize = 89;

/// The narrowest text a doc line is given, however deep its item is indented.
const NARROWEST: usize = 40;

/// `code` with every doc comment block's prose wrapped at [`WIDTH`].
pub(crate) fn wrap_docs(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 32);
    let lines: Vec<&str> = code.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, marker, _)) = doc_line(lines[i]) else {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let start = i;
        let mut content = Vec::new();
        while let Some((this_indent, this_marker, text)) = lines.get(i).and_then(|line| doc_line(line)) {
            if this_indent != indent || this_marker != marker {
                break;
            }
            content.push(text);
            i += 1;
        }
        let prefix = format!("{}{marker}", &lines[start][..indent]);
        let width = WIDTH.saturating_sub(prefix.chars().count() + 1).max(NARROWEST);
        for line in reflow(&content, width) {
            out.push_str(&prefix);
            if !line.is_empty() {
                out.push(' ');
                out.push_str(&line);
            }
            out.push('\n');
        }
    }
    out
}

/// A doc comment line: its indentation (in bytes), marker and text (after the one space that
/// follows the marker).
fn doc_line(line: &str) -> Option<(usize, &'static str, &str)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let (marker, rest) = if let Some(rest) = trimmed.strip_prefix("///") {
        // `////` is an ordinary comment.
        if rest.starts_with('/') {
            return None;
        }
        ("///", rest)
    } else {
        ("//!", trimmed.strip_prefix("//!")?)
    };
    Some((indent, marker, rest.strip_prefix(' ').unwrap_or(rest)))
}

/// The lines of one doc block, reflowed to `width`.
fn reflow(lines: &[&str], width: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some((fence, _)) = fence_opening(line) {
            out.push(line.to_owned());
            i += 1;
            while i < lines.len() {
                out.push(lines[i].to_owned());
                i += 1;
                if fence_closes(&fence, lines[i - 1]) {
                    break;
                }
            }
            continue;
        }
        if line.trim().is_empty() || verbatim(line) || indentation(line) >= 4 {
            out.push(line.to_owned());
            i += 1;
            continue;
        }
        // A paragraph or a list item: this line and those that continue it.
        let mut end = i + 1;
        while end < lines.len() && continues(lines[end]) && !hard_break(lines[end - 1]) {
            end += 1;
        }
        let block = &lines[i..end];
        // Most blocks are one line that fits, single-spaced: filling gives it back as it is.
        let as_filled =
            block.len() == 1 && line.chars().count() <= width && !line.contains("  ") && line.trim() == line;
        if as_filled || block.iter().any(|line| table_delimiter(line) || setext_underline(line)) {
            out.extend(block.iter().map(|line| (*line).to_owned()));
        } else {
            out.extend(fill(block, width));
        }
        i = end;
    }
    out
}

/// Whether a line goes on the paragraph or list item above it (no block of its own starts).
fn continues(line: &str) -> bool {
    !line.trim().is_empty()
        && !verbatim(line)
        && list_marker(line.trim_start()).is_none()
        && fence_opening(line).is_none()
}

/// Lines kept exactly: headings, quotes, table rows, link reference definitions, rules.
fn verbatim(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with('#')
        || trimmed.starts_with('>')
        || trimmed.starts_with('|')
        || (trimmed.starts_with('[') && trimmed.contains("]:"))
        || thematic_break(trimmed)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// A line that ends with a hard line break (a backslash, or two spaces).
fn hard_break(line: &str) -> bool {
    line.ends_with('\\') || line.ends_with("  ")
}

/// `---`, `***`, `___` (spaces between allowed).
fn thematic_break(trimmed: &str) -> bool {
    let mut marks = trimmed.chars().filter(|c| !c.is_whitespace());
    let Some(mark) = marks.next().filter(|c| matches!(c, '-' | '*' | '_')) else { return false };
    let mut count = 1;
    for c in marks {
        if c != mark {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// `---` or `===` under a line, which makes that line a heading.
fn setext_underline(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && (trimmed.chars().all(|c| c == '=') || trimmed.chars().all(|c| c == '-'))
}

/// A table's delimiter row: `|---|:--:|`, `--- | ---`.
fn table_delimiter(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.contains('|') && trimmed.contains('-') && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The list marker a line starts with (`- `, `* `, `+ `, `1. `, `1) `), with its space.
fn list_marker(trimmed: &str) -> Option<&str> {
    if let Some(bullet) = trimmed.get(..2).filter(|start| matches!(*start, "- " | "* " | "+ ")) {
        return Some(bullet);
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let rest = &trimmed[digits..];
    ((1..=9).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") "))).then(|| &trimmed[..digits + 2])
}

/// One paragraph or list item filled to `width`: the first line keeps its indentation and list
/// marker, the lines after it line up with the text after the marker.
fn fill(block: &[&str], width: usize) -> Vec<String> {
    let first = block[0];
    let indent = &first[..indentation(first)];
    let trimmed = first.trim_start();
    let marker = list_marker(trimmed).unwrap_or("");
    let lead = format!("{indent}{marker}");
    let hang = " ".repeat(lead.chars().count());
    let mut text = trimmed[marker.len()..].trim().to_owned();
    for line in &block[1..] {
        text.push(' ');
        text.push_str(line.trim());
    }
    let hard =
        hard_break(block[block.len() - 1]).then(|| if block[block.len() - 1].ends_with('\\') { "\\" } else { "" });
    let text = text.trim_end_matches('\\').trim_end();
    let mut lines: Vec<String> = Vec::new();
    let mut line = lead.clone();
    let mut line_has_words = false;
    for unit in units(text) {
        let fits = line.chars().count() + 1 + unit.chars().count() <= width;
        if line_has_words && !fits {
            lines.push(std::mem::replace(&mut line, hang.clone()));
        } else if line_has_words {
            line.push(' ');
        }
        line.push_str(&unit);
        line_has_words = true;
    }
    if let Some(mark) = hard {
        line.push_str(mark);
        if mark.is_empty() {
            line.push_str("  ");
        }
    }
    lines.push(line);
    lines
}

/// The words of a paragraph that lines may break between: a code span is one unit with its
/// spaces, and a word that would start a block at the head of a line (`-`, `+`, `*`, `1.`, `#`,
/// `>`, a fence, a rule) stays with the word before it.
fn units(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '`' => {
                let ticks = run(&chars, i);
                let end = code_span_end(&chars, i).unwrap_or(i + ticks);
                word.extend(&chars[i..end]);
                i = end;
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                i += 1;
            }
            c => {
                word.push(c);
                i += 1;
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut units: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        match units.last_mut() {
            Some(last) if starts_block(&word) => {
                last.push(' ');
                last.push_str(&word);
            }
            _ => units.push(word),
        }
    }
    units
}

/// Whether a line that starts with `word` would start a block (a list item, heading, quote, code
/// block or rule) instead of going on with the paragraph.
fn starts_block(word: &str) -> bool {
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    matches!(word, "-" | "+" | "*")
        || (word.chars().all(|c| c == '#') && word.len() <= 6)
        || word.starts_with('>')
        || ((1..=9).contains(&digits) && matches!(&word[digits..], "." | ")"))
        || word.starts_with("```")
        || word.starts_with("~~~")
        || word.chars().all(|c| matches!(c, '-' | '=' | '_' | '*'))
        || word.starts_with('|')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(doc: &str) -> String {
        let code: String = doc.lines().map(|line| format!("/// {line}\n").replace("/// \n", "///\n")).collect();
        wrap_docs(&code)
            .lines()
            .map(|l| l.strip_prefix("/// ").unwrap_or(l.trim_start_matches("///")))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn long_prose_is_filled_at_the_width_of_the_code() {
        let long = "word ".repeat(60);
        let out = wrap_docs(&format!("    /// {}\n    pub x: u8,\n", long.trim()));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 3, "{out}");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(lines[..lines.len() - 1].iter().all(|l| l.starts_with("    /// word")), "{out}");
        assert_eq!(lines.last(), Some(&"    pub x: u8,"));
        // The words are all there, in order.
        let words: Vec<&str> = out.split_whitespace().filter(|w| *w == "word").collect();
        assert_eq!(words.len(), 60);
    }

    #[test]
    fn short_lines_of_a_paragraph_are_joined_and_blocks_are_kept() {
        let doc = "One\ntwo.\n\n```json\n{\"a\": \"a very long line that must stay exactly as it is in the code block of the docs\"}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# Heading\n\n> quoted";
        let out = wrapped(doc);
        assert!(out.starts_with("One two.\n\n```json\n"), "{out}");
        for kept in doc.lines().skip(2) {
            assert!(out.contains(kept), "{kept:?} lost from\n{out}");
        }
    }

    #[test]
    fn list_items_hang_under_their_text() {
        let item = format!("- {}", "alpha ".repeat(25).trim());
        let out = wrapped(&format!("Intro:\n\n{item}\n- beta"));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[2].starts_with("- alpha"), "{out}");
        assert!(lines[3].starts_with("  alpha"), "{out}");
        assert_eq!(lines.last(), Some(&"- beta"), "{out}");
    }

    #[test]
    fn no_line_starts_a_block_the_text_did_not_have() {
        // Each dangerous word sits where a greedy fill would put it at the head of a line.
        for word in ["-", "+", "*", "1.", "2)", "#", "##", ">", "```", "---", "==="] {
            let text = format!("{} {word} end", "abcd ".repeat(16).trim());
            let out = wrapped(&text);
            for line in out.lines().skip(1) {
                assert!(!starts_block(line.split(' ').next().unwrap()), "{word}: {out}");
            }
            assert_eq!(out.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        }
    }

    #[test]
    fn code_spans_and_long_words_are_never_broken() {
        let span = "`a b c d e f g`";
        let url = format!("<https://example.test/{}>", "x".repeat(100));
        let text = format!("{} {span} then {url} end", "abcd ".repeat(14).trim());
        let out = wrapped(&text);
        assert!(out.lines().any(|l| l.contains(span)), "{out}");
        assert!(out.lines().any(|l| l == url), "{out}");
    }

    #[test]
    fn tables_without_edge_pipes_and_setext_headings_are_kept() {
        let table = "a | b\n--- | ---\n1 | 2";
        assert_eq!(wrapped(table), table);
        let heading = "Title\n=====";
        assert_eq!(wrapped(heading), heading);
    }

    #[test]
    fn text_that_is_not_ascii_is_measured_in_characters() {
        let text = format!("→{}", " ü".repeat(60));
        let out = wrapped(&text);
        assert!(out.lines().count() > 1, "{out}");
        assert_eq!(out.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn wrapped_output_wraps_to_itself() {
        // Every golden file is wrapped output: wrapping it again changes nothing.
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut files = 0;
        for fixture in std::fs::read_dir(&golden).expect("golden directory") {
            for file in std::fs::read_dir(fixture.expect("entry").path()).expect("fixture directory") {
                let path = file.expect("entry").path();
                if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("golden file");
                    assert_eq!(wrap_docs(&text), text, "{}", path.display());
                    files += 1;
                }
            }
        }
        assert!(files > 20, "only {files} golden files read");
    }

    #[test]
    fn inner_docs_and_blank_lines_keep_their_markers() {
        let code = "//! First.\n//!\n//! Second.\n/// Item.\nfn f() {}\n//// not a doc\n";
        assert_eq!(wrap_docs(code), code);
    }
}
