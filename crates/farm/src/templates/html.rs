//! HTML helpers every template shares: escaping and the document shell.
//! Templates own their markup; this owns only what must be the same
//! everywhere (a doctype, the charset, the language attribute).

use std::fmt::Write as _;

use crate::templates::PlainKind;
use crate::vocabulary::Language;

/// Text escaped for HTML content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A complete UTF-8 document around `body`.
pub(crate) fn document(language: &Language, title: &str, stylesheet: &str, body: &str) -> String {
    let mut page = String::with_capacity(body.len() + 512);
    // Writing to a String cannot fail.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        language.code,
        escape(title),
        stylesheet,
        body
    );
    page
}

/// Heading and paragraph of a page around the listings.
pub(crate) fn plain_heading_and_text(
    kind: PlainKind,
    language: &Language,
) -> (&'static str, &'static str) {
    let labels = &language.labels;
    match kind {
        PlainKind::Home => (labels.home, labels.about_text),
        PlainKind::About => (labels.about, labels.about_text),
        PlainKind::PostAd => (labels.post_ad, labels.post_ad_text),
        PlainKind::NotFound => (labels.not_found, labels.not_found),
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_characters() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("Köln, 24"), "Köln, 24");
    }
}
