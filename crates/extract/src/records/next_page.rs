//! The next page of a listing without a profile. In order of trust:
//! 1. a `rel="next"` on a `<link>` or `<a>`;
//! 2. an anchor whose text, `aria-label` or `title` says "next" in one of
//!    the crawl's languages (or is a lone `›`, `»`, `→`, `>`), or whose
//!    class is `next` or ends in `-next` / `_next`;
//! 3. a page-number sequence: the anchor numbered one more than the
//!    current page (the number shown but not linked, or marked `current`
//!    / `active` / `aria-current`, or the page URL's `page=`, `p=` or
//!    `/page/N`; page 1 when none says).
//!
//! A candidate that resolves to the page itself is ignored.

use std::sync::OnceLock;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::fold;
use crate::records::{base_url, resolve, visible_text_capped};

/// "Next" in the crawl's languages, as `fold` spells them; compared after
/// arrows and punctuation are trimmed from the label.
const NEXT_WORDS: &[&str] = &[
    "next",
    "next page",
    "weiter",
    "nächste",
    "nächste seite",
    "suivant",
    "suivante",
    "page suivante",
    "siguiente",
    "página siguiente",
    "successiva",
    "successivo",
    "pagina successiva",
    "avanti",
    "далее",
    "дальше",
    "следующая",
    "следующая страница",
    "вперед",
    "вперёд",
    "наступна",
    "наступна сторінка",
    "далі",
    "następna",
    "następna strona",
    "dalej",
    "sonraki",
    "sonraki sayfa",
    "ileri",
    "următoarea",
    "urmatoarea",
    "pagina următoare",
    "înainte",
    "volgende",
    "próxima",
    "seguinte",
    "další",
    "následující",
    "következő",
    "επόμενη",
];

/// Characters that alone mean "next".
const NEXT_ARROWS: &[char] = &['›', '»', '→', '>', '⟩', '❯', '▶', '⇒'];
/// Characters that mean "previous"; a label holding one is never "next".
const PREVIOUS_ARROWS: &[char] = &['‹', '«', '←', '<', '⟨', '❮', '◀', '⇐'];

/// Longest label text read from an anchor; a "next" label is far shorter.
const LABEL_BYTES: usize = 160;

/// Query parameters that number listing pages.
const PAGE_PARAMETERS: &[&str] = &[
    "page",
    "p",
    "pg",
    "pagina",
    "seite",
    "strona",
    "sayfa",
    "pagenum",
    "page_number",
];

/// The next listing page after `page_url`, if the page links to one.
pub fn find_next_page(document: &Html, page_url: &Url) -> Option<Url> {
    let base = base_url(document, page_url);
    let own = resolve(page_url, page_url.as_str());
    let is_elsewhere = |url: &Url| own.as_ref() != Some(url);

    if let Some(url) = document
        .select(rel_next())
        .filter_map(|element| element.value().attr("href"))
        .filter_map(|href| resolve(&base, href))
        .find(|url| is_elsewhere(url))
    {
        return Some(url);
    }

    let anchors: Vec<ElementRef<'_>> = document.select(anchors()).collect();
    for anchor in &anchors {
        if says_next(*anchor) {
            if let Some(url) = href(*anchor, &base).filter(|url| is_elsewhere(url)) {
                return Some(url);
            }
        }
    }
    page_number_next(document, &anchors, page_url, &base).filter(|url| is_elsewhere(url))
}

fn says_next(anchor: ElementRef<'_>) -> bool {
    let classes_say_next = anchor.value().classes().any(|class| {
        let lower = class.to_ascii_lowercase();
        lower == "next" || lower.ends_with("-next") || lower.ends_with("_next")
    }) || anchor
        .parent()
        .and_then(ElementRef::wrap)
        .is_some_and(|parent| {
            parent
                .value()
                .classes()
                .any(|class| class.eq_ignore_ascii_case("next"))
        });
    if classes_say_next {
        return true;
    }
    let labels = [
        Some(visible_text_capped(anchor, LABEL_BYTES)),
        anchor.value().attr("aria-label").map(str::to_owned),
        anchor.value().attr("title").map(str::to_owned),
    ];
    labels
        .into_iter()
        .flatten()
        .any(|label| label_says_next(&label))
}

fn label_says_next(label: &str) -> bool {
    if label.chars().count() > 40 || label.contains(PREVIOUS_ARROWS) {
        return false;
    }
    let folded = fold(label);
    let words = folded
        .trim_matches(|character: char| !character.is_alphanumeric())
        .trim();
    if words.is_empty() {
        return label.contains(NEXT_ARROWS);
    }
    next_words().iter().any(|next_word| next_word == words)
}

fn next_words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        NEXT_WORDS
            .iter()
            .map(|word| {
                fold(word)
                    .trim_matches(|character: char| !character.is_alphanumeric())
                    .trim()
                    .to_owned()
            })
            .collect()
    })
}

/// The anchor numbered one past the current page.
fn page_number_next(
    document: &Html,
    anchors: &[ElementRef<'_>],
    page_url: &Url,
    base: &Url,
) -> Option<Url> {
    let numbered: Vec<(u32, ElementRef<'_>)> = anchors
        .iter()
        .filter_map(|anchor| {
            Some((
                page_number(&visible_text_capped(*anchor, LABEL_BYTES))?,
                *anchor,
            ))
        })
        .collect();
    if numbered.is_empty() {
        return None;
    }
    let current = current_page_marker(document)
        .or_else(|| page_number_in_url(page_url))
        .unwrap_or(1);
    let wanted = current.checked_add(1)?;
    numbered
        .iter()
        .filter(|(number, _)| *number == wanted)
        .find_map(|(_, anchor)| href(*anchor, base))
}

/// A number shown as the current page: an element marked `current`,
/// `active`, `selected` or `aria-current`, holding only a number.
fn current_page_marker(document: &Html) -> Option<u32> {
    static CURRENT: OnceLock<Option<Selector>> = OnceLock::new();
    let selector = CURRENT
        .get_or_init(|| {
            Selector::parse("[aria-current], .current, .active, .selected, .is-active, .is-current")
                .ok()
        })
        .as_ref()?;
    document
        .select(selector)
        .find_map(|element| page_number(&visible_text_capped(element, LABEL_BYTES)))
}

fn page_number_in_url(url: &Url) -> Option<u32> {
    for (name, value) in url.query_pairs() {
        if PAGE_PARAMETERS
            .iter()
            .any(|parameter| name.eq_ignore_ascii_case(parameter))
        {
            if let Ok(number) = value.trim().parse::<u32>() {
                return Some(number);
            }
        }
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    segments.windows(2).rev().find_map(|pair| {
        (pair[0].eq_ignore_ascii_case("page") || pair[0].eq_ignore_ascii_case("seite"))
            .then(|| pair[1].parse::<u32>().ok())
            .flatten()
    })
}

/// A label that is only a page number (1–99 999).
fn page_number(label: &str) -> Option<u32> {
    let trimmed = label.trim();
    if trimmed.is_empty() || trimmed.len() > 5 || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse().ok().filter(|&number| number > 0)
}

fn href(anchor: ElementRef<'_>, base: &Url) -> Option<Url> {
    anchor
        .value()
        .attr("href")
        .and_then(|href| resolve(base, href))
}

fn rel_next() -> &'static Selector {
    static REL_NEXT: OnceLock<Selector> = OnceLock::new();
    // Invariant: a constant, valid selector.
    REL_NEXT.get_or_init(|| {
        Selector::parse("link[rel~=next i][href], a[rel~=next i][href]")
            .expect("constant selector parses")
    })
}

fn anchors() -> &'static Selector {
    static ANCHORS: OnceLock<Selector> = OnceLock::new();
    // Invariant: a constant, valid selector.
    ANCHORS.get_or_init(|| Selector::parse("a[href]").expect("constant selector parses"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(label: &str, expected: bool) {
        assert_eq!(label_says_next(label), expected, "{label:?}");
    }

    #[test]
    fn next_labels_in_the_crawls_languages() {
        for label in [
            "Next",
            "next page",
            "Next »",
            "›",
            "»",
            "→",
            ">>",
            "Weiter",
            "Nächste Seite",
            "Suivant",
            "Page suivante",
            "Siguiente",
            "Successiva ›",
            "Далее",
            "Следующая →",
            "Далі",
            "Наступна",
            "Następna",
            "Sonraki",
            "Următoarea",
            "urmatoarea",
            "Volgende",
        ] {
            check(label, true);
        }
        for label in [
            "« Previous",
            "‹ Zurück",
            "Read more",
            "2",
            "",
            "next to the station, lovely flat",
            "Weiterlesen",
            "<",
        ] {
            check(label, false);
        }
    }

    #[test]
    fn page_numbers_come_from_the_url() {
        let number = |url: &str| page_number_in_url(&Url::parse(url).unwrap());
        assert_eq!(number("http://a.example.test/list/?page=4"), Some(4));
        assert_eq!(number("http://a.example.test/list/?p=2&sort=new"), Some(2));
        assert_eq!(number("http://a.example.test/list/page/7/"), Some(7));
        assert_eq!(number("http://a.example.test/list/"), None);
        assert_eq!(page_number("12"), Some(12));
        assert_eq!(page_number("0"), None);
        assert_eq!(page_number("123456"), None);
    }

    #[test]
    fn rel_next_beats_text_and_self_links_are_ignored() {
        let url = Url::parse("http://a.example.test/list/?page=2").unwrap();
        let next = |html: &str| find_next_page(&Html::parse_document(html), &url).map(String::from);
        assert_eq!(
            next("<a href='?page=9'>Next</a><link rel='next' href='?page=3'>"),
            Some("http://a.example.test/list/?page=3".to_owned())
        );
        assert_eq!(
            next("<a rel='next' href='?page=2'>Next</a><a href='?page=1'>1</a><a href='?page=3'>3</a>"),
            Some("http://a.example.test/list/?page=3".to_owned())
        );
        assert_eq!(
            next("<ul class='pages'><li class='next'><a href='/list/?page=3'></a></li></ul>"),
            Some("http://a.example.test/list/?page=3".to_owned())
        );
        assert_eq!(next("<a href='?page=1'>1</a> <b>2</b>"), None);
    }
}
