//! Writing certificate-derived strings where a person reads them: nothing from a certificate
//! (or a file name) may move the terminal's cursor, recolour it, start a new line that looks
//! like the report's own, reverse the text's direction, or open Markdown syntax. JSON keeps the
//! exact values; text and Markdown show every control character (C0, DEL, C1), line separator
//! and invisible format character (bidi overrides and isolates, zero-width characters) as a
//! visible `\u{…}` escape.

use crate::read::names::is_deceptive;

/// `text` with every deceptive character written as `\u{XX}`.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_deceptive(c) {
            out.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A value put inside the prose of a finding between backticks: visible, and with no backtick
/// of its own that could end the span early.
pub fn in_code_span(text: &str) -> String {
    visible(text).replace('`', "'")
}

/// Plain Markdown text: visible, with every ASCII punctuation character that Markdown could
/// read as syntax escaped by a backslash.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        if "\\`*_{}[]()<>#+-.!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span around `text`, fenced with more backticks than it contains.
pub fn markdown_code(text: &str) -> String {
    let text = visible(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Prose with the engine's own code spans (backtick pairs) kept as spans and everything else
/// escaped as Markdown text.
pub fn markdown_prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                markdown_code(part)
            } else {
                markdown(part)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_become_visible() {
        let hostile = "a\u{1b}[2J\nVerdict: ACCEPTED\u{202e}\u{85}b";
        let shown = visible(hostile);
        assert_eq!(shown, "a\\u{1B}[2J\\u{A}Verdict: ACCEPTED\\u{202E}\\u{85}b");
        assert!(!shown.chars().any(is_deceptive));
    }

    #[test]
    fn markdown_syntax_from_a_certificate_stays_text() {
        assert_eq!(
            markdown("*bold* [x](y) | `z`"),
            "\\*bold\\* \\[x\\]\\(y\\) \\| \\`z\\`"
        );
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`a"), "`` `a ``");
        assert_eq!(
            markdown_prose("the name `CN=a*b` is *not* here"),
            "the name `CN=a*b` is \\*not\\* here"
        );
    }
}
