//! HTML in descriptions. Some vendors write their documents' prose in HTML (`<p>`, `<a href>`,
//! `<code>`, lists); shown as escaped text it is hard to read, and the URLs inside its attributes
//! are bare URLs to rustdoc. The common tags become the Markdown rustdoc renders, entities become
//! the characters they stand for, and other tags are dropped. A `<` that starts no known tag
//! (`Option<T>`, `a < b`) stays text, for `docs.rs` to escape. Markdown code (fenced blocks and
//! backtick spans) is left exactly as written.

use std::borrow::Cow;

use super::markdown::{fence_closes, fence_opening};

/// Tags turned into Markdown or dropped; anything else in angle brackets is text.
const KNOWN: &[&str] = &[
    "a", "b", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "tt", "u", "ul",
];

/// `text` with its HTML made Markdown; the text itself when it holds no known tag.
pub(super) fn to_markdown(text: &str) -> Cow<'_, str> {
    if !text.contains('<') || !has_known_tag(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut prose = String::new();
    let mut fence: Option<String> = None;
    // Open `<a>` tags: a link's text may run over several lines.
    let mut links: Vec<Option<String>> = Vec::new();
    // Converted prose is tidied as a whole before the next fenced block (copied as written).
    let flush = |prose: &mut String, out: &mut String| {
        let tidied = tidy(prose);
        if !tidied.is_empty() {
            out.push_str(&tidied);
            out.push('\n');
        }
        prose.clear();
    };
    for line in text.split_inclusive('\n') {
        match &fence {
            Some(open) => {
                if fence_closes(open, line) {
                    fence = None;
                }
                out.push_str(line);
            }
            None => match fence_opening(line) {
                Some((open, _)) => {
                    flush(&mut prose, &mut out);
                    fence = Some(open);
                    out.push_str(line);
                }
                None => convert_line(line, &mut links, &mut prose),
            },
        }
    }
    flush(&mut prose, &mut out);
    out.truncate(out.trim_end().len());
    Cow::Owned(out)
}

fn has_known_tag(text: &str) -> bool {
    text.match_indices('<').any(|(at, _)| tag_at(&text[at..]).is_some())
}

/// A tag at the start of `text`: its name (lowercase), whether it closes, its `href`, and its
/// length in bytes.
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
    len: usize,
}

fn tag_at(text: &str) -> Option<Tag> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    if !KNOWN.contains(&name.as_str()) {
        return None;
    }
    let after = &rest[name_len..];
    // The name ends at `>`, `/>` or a space before attributes; the tag ends at the first `>`.
    if !(after.starts_with('>') || after.starts_with("/>") || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let end = after.find(['>', '<'])?;
    if after.as_bytes()[end] != b'>' {
        return None;
    }
    let attributes = &after[..end];
    let len = 1 + usize::from(closing) + name_len + end + 1;
    Some(Tag { href: attribute(attributes, "href"), name, closing, len })
}

/// The value of `name="…"` (or `'…'`) among a tag's attributes.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let at = attributes.to_ascii_lowercase().find(&format!("{name}="))?;
    let value = &attributes[at + name.len() + 1..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    value.find(quote).map(|end| entities(&value[..end]))
}

/// One line outside fenced code: tags become Markdown, entities characters; backtick spans stay.
fn convert_line(line: &str, links: &mut Vec<Option<String>>, out: &mut String) {
    let mut rest = line;
    while let Some(at) = rest.find(['<', '`', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('`') {
            // A code span, copied as written (to its closing backticks, or to the end of the line).
            let ticks = rest.chars().take_while(|c| *c == '`').count();
            let close = rest[ticks..].find(&"`".repeat(ticks)).map_or(rest.len(), |p| ticks + p + ticks);
            out.push_str(&rest[..close]);
            rest = &rest[close..];
        } else if rest.starts_with('&') {
            let (text, len) = entity_at(rest).unwrap_or(("&", 1));
            out.push_str(text);
            rest = &rest[len..];
        } else if let Some(tag) = tag_at(rest) {
            out.push_str(&markdown(&tag, links));
            rest = &rest[tag.len..];
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
}

/// What a tag becomes. Links keep their text and point at their `href` when it is a web address
/// (a relative one means nothing outside the vendor's site, so only the text is kept).
fn markdown(tag: &Tag, links: &mut Vec<Option<String>>) -> String {
    let web = |href: &str| href.starts_with("https://") || href.starts_with("http://");
    match (tag.name.as_str(), tag.closing) {
        ("a", false) => {
            let href = tag.href.clone().filter(|h| web(h));
            let open = if href.is_some() { "[" } else { "" };
            links.push(href);
            open.into()
        }
        ("a", true) => match links.pop().flatten() {
            Some(href) => format!("]({})", href.replace(' ', "%20").replace('(', "%28").replace(')', "%29")),
            None => String::new(),
        },
        ("b" | "strong", _) => "**".into(),
        ("em" | "i", _) => "*".into(),
        ("code" | "tt", _) => "`".into(),
        ("br", _) => "\n".into(),
        ("hr", _) => "\n\n---\n\n".into(),
        ("li", false) => "\n- ".into(),
        ("p" | "div" | "ul" | "ol" | "table" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => "\n\n".into(),
        ("tr", true) => "\n".into(),
        ("td" | "th", true) => " ".into(),
        _ => String::new(),
    }
}

/// The character an entity at the start of `text` stands for, and the entity's length.
fn entity_at(text: &str) -> Option<(&'static str, usize)> {
    let end = text.find(';').filter(|&end| end <= 8)?;
    let character = match &text[..=end] {
        "&amp;" => "&",
        "&lt;" => "<",
        "&gt;" => ">",
        "&quot;" => "\"",
        "&#39;" | "&apos;" => "'",
        "&nbsp;" => " ",
        _ => return None,
    };
    Some((character, end + 1))
}

/// `text` with its entities replaced (an attribute's value).
fn entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (character, len) = entity_at(&rest[at..]).unwrap_or(("&", 1));
        out.push_str(character);
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

/// Converted prose: lines trimmed (whitespace means nothing in HTML), no more than one blank line
/// in a row, none at the start or end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(
            to_markdown(
                "<p class=\"mb-2\">The <a href=\"https://www.iso.org/obp/ui/#search\" target=\"_blank\">ISO code</a> \
                 of the <strong>state</strong>.</p><p>See <code>id</code> &amp; more.</p>"
            ),
            "The [ISO code](https://www.iso.org/obp/ui/#search) of the **state**.\n\nSee `id` & more."
        );
        assert_eq!(to_markdown("<ul><li>one</li><li>two</li></ul>after"), "- one\n- two\n\nafter");
        assert_eq!(to_markdown("a<br/>b and <a href=\"/docs/x\">relative</a>"), "a\nb and relative");
        assert_eq!(to_markdown("<a href=\"https://a.test\">two\nlines</a>"), "[two\nlines](https://a.test)");
        // Not HTML: left alone, for the rustdoc escaping that follows.
        assert_eq!(to_markdown("Option<T> and a < b &amp; c"), "Option<T> and a < b &amp; c");
        assert_eq!(to_markdown("<p>x</p> `<p>` in code"), "x\n\n`<p>` in code");
        assert_eq!(to_markdown("<p>x</p>\n```\n<p>kept</p>\n```"), "x\n```\n<p>kept</p>\n```");
        assert_eq!(to_markdown("<em>Eg : http://a.test?id=&amp;s=1</em>"), "*Eg : http://a.test?id=&s=1*");
        assert_eq!(to_markdown("<a href='https://a.test/x (y)'>t</a>"), "[t](https://a.test/x%20%28y%29)");
    }
}
