//! Markdown syntax the doc helpers read: fenced code blocks and code spans, as CommonMark draws
//! them. `docs.rs` (which makes the document's text safe for rustdoc) and `html.rs` (which makes
//! its HTML Markdown) both leave code exactly as written, and find it here.

/// A line that opens a fenced code block: its fence (three or more backticks or tildes) and info
/// string. Backtick fences take no backticks in the info string (that is an inline code span).
pub(crate) fn fence_opening(line: &str) -> Option<(String, &str)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() >= 4 {
        return None;
    }
    let mark = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == mark).count();
    let info = trimmed[length..].trim();
    (length >= 3 && !(mark == '`' && info.contains('`'))).then(|| (mark.to_string().repeat(length), info))
}

/// Whether `line` closes the fenced block `fence` opened: the same mark, at least as many.
pub(crate) fn fence_closes(fence: &str, line: &str) -> bool {
    let trimmed = line.trim();
    line.len() - line.trim_start().len() < 4
        && trimmed.starts_with(fence)
        && trimmed.chars().all(|c| fence.starts_with(c))
}

/// Backticks in a row from `at`.
pub(crate) fn run(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|&&c| c == '`').count()
}

/// Where the code span opened by the backticks at `at` ends (after its closing backticks): at the
/// next run of as many backticks, as in CommonMark, within the paragraph (a span does not cross
/// a blank line). `None` when nothing closes it: then its backticks are text.
pub(crate) fn code_span_end(chars: &[char], at: usize) -> Option<usize> {
    let ticks = run(chars, at);
    let mut i = at + ticks;
    while i < chars.len() {
        match chars[i] {
            '`' => {
                let n = run(chars, i);
                if n == ticks {
                    return Some(i + n);
                }
                i += n;
            }
            // A blank line ends the paragraph.
            '\n' if i + 1 < chars.len()
                && chars[i + 1..].iter().take_while(|&&c| c != '\n').all(|c| c.is_whitespace()) =>
            {
                return None;
            }
            _ => i += 1,
        }
    }
    None
}
