//! Rustdoc from the document's prose: `#[doc]` attributes, and text written for other Markdown
//! renderers made safe for rustdoc, so `cargo doc` and `cargo test` stay quiet on any document.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line. Text from the document goes through [`spec_text`]
/// first; the generator's own prose is written as rustdoc already.
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_lines(text, false)
}

pub(crate) fn inner_doc(text: &str) -> TokenStream {
    doc_lines(text, true)
}

fn doc_lines(text: &str, inner: bool) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.trim().is_empty() { String::new() } else { format!(" {}", line.trim_end()) };
        if inner {
            quote!(#![doc = #line])
        } else {
            quote!(#[doc = #line])
        }
    });
    quote!(#(#lines)*)
}

/// Text from the document, made safe for rustdoc.
pub(crate) fn spec_text(text: &str) -> String {
    sanitize_doc(text.trim())
}

/// Keeps rustdoc quiet about prose written for other renderers, line by line:
/// - code blocks are shown, never compiled: rustdoc would run a fence without a language (or
///   `rust`) and an indented block as doctests of the generated crate, so they become ```` ```text ````
///   fences; other fences (```` ```json ````) stay; nothing inside a block is touched;
/// - in prose, `[x]` that is not a Markdown link becomes `\[x\]`, and bare URLs are wrapped in `<…>`.
pub(crate) fn sanitize_doc(text: &str) -> String {
    let mut out = Vec::new();
    // The fence that opened the current fenced block (```` ``` ```` or `~~~`, possibly longer).
    let mut fence: Option<String> = None;
    let mut indented = false;
    let mut in_code_span = false;
    let mut previous_blank = true;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let blank = trimmed.is_empty();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str())
                && trimmed.trim_start_matches(open.chars().next().unwrap_or('`')).trim().is_empty()
            {
                fence = None;
            }
            out.push(line.to_owned());
        } else if indented && (blank || line.starts_with("    ")) {
            out.push(line.strip_prefix("    ").unwrap_or("").to_owned());
        } else if let Some(marker) = fence_marker(trimmed) {
            if indented {
                close_indented(&mut out);
                indented = false;
            }
            let info = trimmed[marker.len()..].trim();
            let language = info.split([' ', ',']).next().unwrap_or("");
            out.push(if language.is_empty() || language == "rust" {
                format!("{marker}text")
            } else {
                trimmed.to_owned()
            });
            fence = Some(marker);
        } else if !blank && previous_blank && line.starts_with("    ") && !indented {
            // An indented code block (CommonMark: four spaces after a blank line).
            out.push("```text".to_owned());
            out.push(line[4..].to_owned());
            indented = true;
        } else {
            if indented {
                close_indented(&mut out);
                indented = false;
            }
            out.push(prose(line, &mut in_code_span));
        }
        previous_blank = blank;
    }
    if indented {
        close_indented(&mut out);
    }
    if let Some(open) = fence {
        // A fence the document never closed would swallow the rest of the doc comment.
        out.push(open);
    }
    out.join("\n")
}

/// The opening run of a fence line: three or more backticks or tildes.
fn fence_marker(line: &str) -> Option<String> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run: String = line.chars().take_while(|c| *c == first).collect();
    // A backtick fence's info string may not contain backticks (that is an inline code span).
    (run.len() >= 3 && !(first == '`' && line[run.len()..].contains('`'))).then_some(run)
}

/// Ends an indented block turned into a fence, before the blank lines that closed it.
fn close_indented(out: &mut Vec<String>) {
    let trailing = out.iter().rev().take_while(|l| l.is_empty()).count();
    out.insert(out.len() - trailing, "```".to_owned());
}

/// One line of prose: `[x]` escaped unless it is a link, bare URLs wrapped; code spans (which may
/// run across lines, hence `in_code`) are shown verbatim.
fn prose(line: &str, in_code: &mut bool) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            *in_code = !*in_code;
        } else if *in_code {
            // Code spans are shown verbatim: nothing to escape.
        } else if c == '[' {
            // A Markdown link `[text](url)` stays; anything else is escaped.
            let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
            let is_link = close.is_some_and(|j| chars.get(j + 1) == Some(&'('));
            if !is_link {
                out.push_str("\\[");
                i += 1;
                continue;
            }
        } else if c == ']' && chars.get(i + 1) != Some(&'(') {
            out.push_str("\\]");
            i += 1;
            continue;
        } else if (c == 'h') && starts_url(&chars[i..]) && !matches!(out.chars().last(), Some('<' | '(' | '`' | '"')) {
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace() || *c == ')' || *c == '`')
                .map_or(chars.len(), |p| p + i);
            let mut url: String = chars[i..end].iter().collect();
            let trailing: String = {
                let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']).len();
                url.split_off(trimmed)
            };
            out.push('<');
            out.push_str(&url);
            out.push('>');
            out.push_str(&trailing);
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("https://") || head.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::sanitize_doc;

    #[test]
    fn prose_is_made_safe_for_rustdoc() {
        assert_eq!(sanitize_doc("a URI [RFC3986] here"), "a URI \\[RFC3986\\] here");
        assert_eq!(sanitize_doc("see [docs](https://x.y/z)."), "see [docs](https://x.y/z).");
        assert_eq!(sanitize_doc("at https://x.y/z."), "at <https://x.y/z>.");
        assert_eq!(sanitize_doc("at <https://x.y/z>"), "at <https://x.y/z>");
        assert_eq!(sanitize_doc("`https://x.y` and `[a]`"), "`https://x.y` and `[a]`");
        assert_eq!(sanitize_doc("a `span\nacross [lines]` ends [here]"), "a `span\nacross [lines]` ends \\[here\\]");
    }

    #[test]
    fn code_blocks_are_shown_not_compiled() {
        // A fence without a language (or `rust`) would be a doctest; its text stays as written.
        assert_eq!(
            sanitize_doc("Example:\n```\nlet x = 'unclosed [a]\n```\nafter [b]"),
            "Example:\n```text\nlet x = 'unclosed [a]\n```\nafter \\[b\\]"
        );
        assert_eq!(sanitize_doc("~~~rust\nfn x() {}\n~~~"), "~~~text\nfn x() {}\n~~~");
        assert_eq!(sanitize_doc("```json\n{\"a\": [1]}\n```"), "```json\n{\"a\": [1]}\n```");
        // An indented block after a blank line becomes a fence, closed before the blank lines.
        assert_eq!(
            sanitize_doc("Call:\n\n    GET /x?[a]=1\n    next\n\nThen [c]."),
            "Call:\n\n```text\nGET /x?[a]=1\nnext\n```\n\nThen \\[c\\]."
        );
        // Indentation that continues a paragraph is prose.
        assert_eq!(sanitize_doc("one\n    two [d]"), "one\n    two \\[d\\]");
        // A fence left open is closed, so it cannot swallow what the generator writes after it.
        assert_eq!(sanitize_doc("```\ncode"), "```text\ncode\n```");
        // Inline code that starts a line is not a fence.
        assert_eq!(sanitize_doc("```a``` and [e]"), "```a``` and \\[e\\]");
    }
}
