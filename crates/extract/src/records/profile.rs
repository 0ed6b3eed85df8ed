//! Ad cards by a site's profile: its `ad` selector picks the cards, its
//! `link`, `date`, `price` and `location` selectors are looked up inside
//! each. Config validation already parsed every selector; one that still
//! fails here is reported and skipped, never fatal.

use cartograph_config::ExtractionProfile;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::records::{card_from_element, resolve, visible_text, Card, CardFields};

/// The cards the profile selects, in page order (repeats included).
pub(crate) fn cards_by_profile(
    document: &Html,
    profile: &ExtractionProfile,
    base: &Url,
    warnings: &mut Vec<String>,
) -> Vec<Card> {
    let mut compile = |name: &str, source: Option<&String>| {
        let source = source?;
        match Selector::parse(source) {
            Ok(selector) => Some(selector),
            Err(error) => {
                warnings.push(format!(
                    "profile selector {name} = {source:?} is invalid: {error}"
                ));
                None
            }
        }
    };
    let Some(ad) = compile("ad", Some(&profile.ad)) else {
        return Vec::new();
    };
    let link = compile("link", profile.link.as_ref());
    let date = compile("date", profile.date.as_ref());
    let price = compile("price", profile.price.as_ref());
    let location = compile("location", profile.location.as_ref());
    document
        .select(&ad)
        .map(|card| {
            let link = card_link(card, link.as_ref(), base);
            let fields = CardFields {
                date_text: date
                    .as_ref()
                    .and_then(|selector| field_text(card, selector, true)),
                price_text: price
                    .as_ref()
                    .and_then(|selector| field_text(card, selector, false)),
                location_text: location
                    .as_ref()
                    .and_then(|selector| field_text(card, selector, false)),
            };
            card_from_element(card, base, link, fields)
        })
        .collect()
}

/// The ad link: the profile's `link` element's `href` (or an anchor inside
/// it); without a `link` selector, the card itself when it is an anchor,
/// else its first anchor.
fn card_link(card: ElementRef<'_>, link: Option<&Selector>, base: &Url) -> Option<Url> {
    let href_of = |element: ElementRef<'_>| {
        element
            .value()
            .attr("href")
            .and_then(|href| resolve(base, href))
            .or_else(|| {
                element
                    .descendent_elements()
                    .filter(|inner| inner.value().name() == "a")
                    .find_map(|anchor| anchor.value().attr("href").and_then(|h| resolve(base, h)))
            })
    };
    match link {
        Some(selector) => card.select(selector).find_map(href_of),
        None => href_of(card),
    }
}

/// The text of the first element `selector` picks inside `card`; for a
/// date, its `datetime` or `content` attribute when the text is empty.
fn field_text(card: ElementRef<'_>, selector: &Selector, is_date: bool) -> Option<String> {
    let element = card.select(selector).next()?;
    let text = visible_text(element);
    if !text.is_empty() {
        return Some(text);
    }
    if is_date {
        return ["datetime", "content", "title"]
            .iter()
            .find_map(|name| element.value().attr(name))
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty());
    }
    None
}
