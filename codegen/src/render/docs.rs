//! Rustdoc from the document: its text made safe for rustdoc (no HTML, no doctests, no broken
//! links), and the helpers that put document text into the generator's sentences.

use proc_macro2::TokenStream;
use quote::quote;

use super::markdown::{code_span_end, fence_closes, fence_opening, run};

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

/// Text from the document shown as code, exactly: a Markdown code span whose backticks outnumber
/// any run of backticks in the text (`` a`b ``); `""` for empty text, which no span can hold.
pub(crate) fn code(text: &str) -> String {
    if text.is_empty() {
        return "`\"\"`".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A URL from the document as a link (`<https://…>`) when it can be one, else as code.
pub(crate) fn url_text(url: &str) -> String {
    let linkable = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '`'));
    if linkable {
        format!("<{url}>")
    } else {
        code(url)
    }
}

/// `{label}: {text}` for a description from the document, the text sanitized; a text that opens
/// with a code block starts a paragraph of its own instead (a fence after a label is no fence).
pub(crate) fn labelled(label: &str, text: &str) -> String {
    let text = spec_text(text);
    if text.lines().next().and_then(fence_opening).is_some() {
        format!("{label}:\n\n{text}")
    } else {
        format!("{label}: {text}")
    }
}

/// A setter's doc: what it sets, by its wire name, and what that is: the first paragraph of the
/// field's description on one line, when it is prose (not a code block, table, list or heading).
pub(crate) fn setter_doc(wire: &str, description: Option<&str>) -> String {
    let first = description.map(str::trim).and_then(|d| d.split("\n\n").next()).map(str::trim).unwrap_or("");
    let prose = !first.is_empty() && !first.starts_with(['`', '|', '#', '-', '*', '>', '~', ' ']);
    if prose {
        format!("Sets {}: {}", code(wire), spec_line(first))
    } else {
        format!("Sets {}.", code(wire))
    }
}

/// Text from the document that a sentence holds (a title, a version, a list item's description):
/// one line, made safe for rustdoc.
pub(crate) fn spec_line(text: &str) -> String {
    // HTML paragraphs become line breaks, which one line has no room for.
    let text = sanitize_doc(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps rustdoc quiet about prose written for other renderers, and keeps it from compiling the
/// document's examples: HTML becomes Markdown (`html.rs`); code blocks without a language or marked `rust` (fenced or indented)
/// become `text` blocks, a block left open is closed, tabs become spaces; in prose, `[x]` that
/// is not a Markdown link becomes `\[x\]`, `<` that starts no autolink `\<` (no HTML tags:
/// `Option<T>` is text), and bare URLs are wrapped in `<…>`.
pub(crate) fn sanitize_doc(text: &str) -> String {
    let text = super::html::to_markdown(text).replace('\t', "    ");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut prose: Vec<&str> = Vec::new();
    let flush = |prose: &mut Vec<&str>, out: &mut String| {
        if !prose.is_empty() {
            out.push_str(&sanitize_prose(&prose.join("\n")));
            out.push('\n');
            prose.clear();
        }
    };
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut i = 0;
    let mut after_blank = true;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some((fence, info)) = fence_opening(line) {
            flush(&mut prose, &mut out);
            let language = info.split([',', ' ']).next().unwrap_or("");
            if language.is_empty() || language == "rust" {
                out.push_str(&format!("{fence}text\n"));
            } else {
                out.push_str(trimmed);
                out.push('\n');
            }
            i += 1;
            while i < lines.len() && !fence_closes(&fence, lines[i]) {
                out.push_str(lines[i]);
                out.push('\n');
                i += 1;
            }
            out.push_str(&fence);
            out.push('\n');
            i += 1;
            after_blank = false;
            continue;
        }
        if after_blank && indent(line) >= 4 && !trimmed.is_empty() {
            // An indented code block, which rustdoc would compile: a `text` block.
            flush(&mut prose, &mut out);
            let mut block = Vec::new();
            while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) >= 4) {
                block.push(lines[i]);
                i += 1;
            }
            let blanks = block.iter().rev().take_while(|l| l.trim().is_empty()).count();
            out.push_str("```text\n");
            for line in &block[..block.len() - blanks] {
                out.push_str(line.get(4..).unwrap_or(""));
                out.push('\n');
            }
            out.push_str("```\n");
            out.push_str(&"\n".repeat(blanks));
            after_blank = blanks > 0;
            continue;
        }
        after_blank = trimmed.is_empty();
        prose.push(line);
        i += 1;
    }
    flush(&mut prose, &mut out);
    out.truncate(out.trim_end().len());
    out
}

/// The inline rules of [`sanitize_doc`], over prose (no code blocks).
fn sanitize_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    // The `](target)` of a link being reduced to its text: where it starts and where it ends.
    let mut unlinked: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some((_, to)) = unlinked.filter(|(from, _)| *from == i) {
            i = to;
            unlinked = None;
            continue;
        }
        if c == '`' {
            // A code span is shown verbatim: nothing in it to escape. Backticks that close nothing
            // are text.
            let end = code_span_end(&chars, i).unwrap_or(i + run(&chars, i));
            out.extend(&chars[i..end]);
            i = end;
            continue;
        } else if c == '[' {
            // A Markdown link `[text](url)` stays; anything else is escaped.
            let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
            let Some(close) = close.filter(|&j| chars.get(j + 1) == Some(&'(')) else {
                out.push_str("\\[");
                i += 1;
                continue;
            };
            // A link to anything but a web or mail address (a path in the vendor's own code such
            // as `crate::views::Project`, a page or anchor of the vendor's site) keeps its text
            // only: rustdoc would try to resolve it in the generated crate.
            let end = chars[close + 2..].iter().position(|&c| c == ')').map(|p| p + close + 2);
            if let Some(end) = end {
                let target: String = chars[close + 2..end].iter().collect();
                if !["https://", "http://", "mailto:"].iter().any(|scheme| target.trim().starts_with(scheme)) {
                    unlinked = Some((close, end + 1));
                    i += 1;
                    continue;
                }
            }
        } else if c == ']' && chars.get(i + 1) != Some(&'(') {
            out.push_str("\\]");
            i += 1;
            continue;
        } else if c == '<'
            && !starts_url(&chars[i + 1..])
            && !chars[i + 1..].starts_with(&['m', 'a', 'i', 'l', 't', 'o', ':'])
        {
            out.push_str("\\<");
            i += 1;
            continue;
        } else if (c == 'h')
            && starts_url(&chars[i..])
            && !matches!(out.chars().last(), Some('<' | '`'))
            && !out.ends_with("](")
        {
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace() || matches!(c, ')' | '`' | '<' | '>' | '"' | '*'))
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
    use super::{code, sanitize_doc, url_text};

    #[test]
    fn doc_text_is_made_safe_for_rustdoc() {
        assert_eq!(sanitize_doc("a URI [RFC3986] here"), "a URI \\[RFC3986\\] here");
        assert_eq!(sanitize_doc("see [docs](https://x.y/z)."), "see [docs](https://x.y/z).");
        assert_eq!(sanitize_doc("at https://x.y/z."), "at <https://x.y/z>.");
        assert_eq!(sanitize_doc("at <https://x.y/z>"), "at <https://x.y/z>");
        assert_eq!(sanitize_doc("`https://x.y` and `[a]`"), "`https://x.y` and `[a]`");
        assert_eq!(sanitize_doc("Option<T> and <b>b</b>, `Vec<T>`"), "Option\\<T> and **b**, `Vec<T>`");
        assert_eq!(
            (code("a"), code("a`b"), code("``"), code("")),
            ("`a`".into(), "`` a`b ``".into(), "``` `` ```".into(), "`\"\"`".into())
        );
        assert_eq!(url_text("https://a.test/v1"), "<https://a.test/v1>");
        assert_eq!(url_text("https://a.test/a b"), "`https://a.test/a b`");
        assert_eq!(sanitize_doc("mail <mailto:a@b.c>"), "mail <mailto:a@b.c>");
        // Examples are text, not doctests; a block left open is closed; other languages stay.
        assert_eq!(sanitize_doc("a\n```\nfn x( {\n```\nb"), "a\n```text\nfn x( {\n```\nb");
        assert_eq!(sanitize_doc("```rust,ignore\nlet [x] = <y>;"), "```text\nlet [x] = <y>;\n```");
        assert_eq!(sanitize_doc("~~~~json\n{\"a\": [1]}\n~~~~"), "~~~~json\n{\"a\": [1]}\n~~~~");
        assert_eq!(sanitize_doc("a:\n\n    let x = [1];\n\tnext\n\nb"), "a:\n\n```text\nlet x = [1];\nnext\n```\n\nb");
        assert_eq!(sanitize_doc("``` not a fence ``` [x]"), "``` not a fence ``` \\[x\\]");
        // Links into the vendor's code or site keep their text; web links stay links.
        assert_eq!(sanitize_doc("an [`SshKey`](crate::views::SshKey) and [b](#b)"), "an `SshKey` and b");
        assert_eq!(sanitize_doc("see [`x`](https://a.test/x)"), "see [`x`](https://a.test/x)");
        assert_eq!(sanitize_doc("`[a](b)` stays"), "`[a](b)` stays");
        // A code span closes with as many backticks, in its paragraph; unclosed backticks are text.
        assert_eq!(sanitize_doc("``a`[b]`` [c]"), "``a`[b]`` \\[c\\]");
        assert_eq!(sanitize_doc("Ex ```rust x\n\nlet a = d[0]; `..0`"), "Ex ```rust x\n\nlet a = d\\[0\\]; `..0`");
        // A URL in parentheses or quotes is a link too; it ends where markup starts.
        assert_eq!(sanitize_doc("zones (http://a.test/tz)."), "zones (<http://a.test/tz>).");
        assert_eq!(sanitize_doc("at \"https://a.test\""), "at \"<https://a.test>\"");
        assert_eq!(sanitize_doc("go https://a.test/p<b"), "go <https://a.test/p>\\<b");
        assert_eq!(sanitize_doc("<strong>https://a.test/login</strong>"), "**<https://a.test/login>**");
        // HTML becomes Markdown first.
        assert_eq!(
            sanitize_doc("<p>The <a href=\"https://a.test/c\">codes</a> [ISO]</p>"),
            "The [codes](https://a.test/c) \\[ISO\\]"
        );
    }
}
