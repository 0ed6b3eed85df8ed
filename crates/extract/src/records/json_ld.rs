//! Ad cards a page declares itself: a schema.org `ItemList` in a
//! `<script type="application/ld+json">` block, its `itemListElement`
//! entries being `ListItem`s (with `url`, or an `item` object or URL) or the
//! items themselves. Malformed JSON is skipped; a `@graph` is searched; when
//! a page holds several lists, the longest is taken (a short one is more
//! likely "related searches" than the results).

use std::collections::HashMap;

use scraper::ElementRef;
use serde_json::Value;
use url::Url;

use crate::records::{resolve, text_fingerprint_folded, AdKey, Card};

/// One entry of the page's item list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonLdItem {
    pub(crate) url: Option<Url>,
    /// Name, description, price, currency and place, joined by spaces.
    pub(crate) text: String,
}

/// The longest `ItemList` in the page's `scripts`, as items with a URL or
/// some text.
pub(crate) fn item_list<'document>(
    scripts: impl Iterator<Item = ElementRef<'document>>,
    base: &Url,
) -> Vec<JsonLdItem> {
    let mut best: Vec<JsonLdItem> = Vec::new();
    for script in scripts {
        let is_json_ld = script
            .value()
            .attr("type")
            .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_json_ld {
            continue;
        }
        let source: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(source.trim()) else {
            continue;
        };
        let mut lists = Vec::new();
        collect_item_lists(&value, &mut lists);
        for list in lists {
            let items = list_items(list, base);
            if items.len() > best.len() {
                best = items;
            }
        }
    }
    best
}

/// Cards from the items. A generic card for the same ad lends its text and
/// links; confidence is 0.8 plus 0.2 × the share of items so matched.
pub(crate) fn cards_from_items(items: Vec<JsonLdItem>, generic_cards: &[Card]) -> (Vec<Card>, f32) {
    let item_count = items.len();
    let mut matched = 0;
    let mut generic_by_key: HashMap<&AdKey, &Card> = HashMap::with_capacity(generic_cards.len());
    for card in generic_cards {
        generic_by_key.entry(&card.ad_key).or_insert(card);
    }
    let cards: Vec<Card> = items
        .into_iter()
        .map(|item| {
            let ad_key = match &item.url {
                Some(url) => AdKey::from_url(url),
                None => AdKey::from_text(&item.text),
            };
            match generic_by_key.get(&ad_key) {
                Some(card) => {
                    matched += 1;
                    Card {
                        ad_key,
                        link: item.url.or_else(|| card.link.clone()),
                        ..(*card).clone()
                    }
                }
                None => {
                    let folded = crate::fold(&item.text);
                    Card {
                        ad_key,
                        text_fingerprint: text_fingerprint_folded(&folded),
                        hrefs: item.url.iter().cloned().collect(),
                        link: item.url,
                        text: item.text,
                        date_text: None,
                        price_text: None,
                        location_text: None,
                        contact_hrefs: Vec::new(),
                        node: None,
                        fields: Vec::new(),
                        folded,
                    }
                }
            }
        })
        .collect();
    let confidence = 0.8 + 0.2 * matched as f32 / item_count.max(1) as f32;
    (cards, confidence)
}

fn collect_item_lists<'value>(value: &'value Value, lists: &mut Vec<&'value Value>) {
    match value {
        Value::Array(values) => {
            for inner in values {
                collect_item_lists(inner, lists);
            }
        }
        Value::Object(object) => {
            if has_type(value, "ItemList") && object.contains_key("itemListElement") {
                lists.push(value);
                return;
            }
            for inner in object.values() {
                collect_item_lists(inner, lists);
            }
        }
        _ => {}
    }
}

fn has_type(value: &Value, wanted: &str) -> bool {
    let matches = |kind: &Value| {
        kind.as_str()
            .is_some_and(|kind| kind == wanted || kind.rsplit(['/', ':']).next() == Some(wanted))
    };
    match value.get("@type") {
        Some(Value::Array(kinds)) => kinds.iter().any(matches),
        Some(kind) => matches(kind),
        None => false,
    }
}

fn list_items(list: &Value, base: &Url) -> Vec<JsonLdItem> {
    let elements: Vec<&Value> = match list.get("itemListElement") {
        Some(Value::Array(elements)) => elements.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => Vec::new(),
    };
    let mut positioned: Vec<(Option<f64>, JsonLdItem)> = elements
        .into_iter()
        .filter_map(|element| list_item(element, base))
        .collect();
    // Sites list items in page order; `position`, when all have one, wins.
    if positioned.iter().all(|(position, _)| position.is_some()) {
        positioned
            .sort_by(|first, second| first.0.unwrap_or(0.0).total_cmp(&second.0.unwrap_or(0.0)));
    }
    positioned.into_iter().map(|(_, item)| item).collect()
}

fn list_item(element: &Value, base: &Url) -> Option<(Option<f64>, JsonLdItem)> {
    let position = element.get("position").and_then(|position| {
        position
            .as_f64()
            .or_else(|| position.as_str().and_then(|text| text.trim().parse().ok()))
    });
    let inner = element.get("item");
    let url = [
        string_at(element, &["url"]),
        inner.and_then(Value::as_str).map(str::to_owned),
        inner.and_then(|item| string_at(item, &["url"])),
        inner.and_then(|item| string_at(item, &["@id"])),
        string_at(element, &["@id"]),
    ]
    .into_iter()
    .flatten()
    .find_map(|href| resolve(base, &href));
    let described = inner.filter(|item| item.is_object()).unwrap_or(element);
    let mut parts: Vec<String> = Vec::new();
    for path in [
        &["name"][..],
        &["headline"],
        &["description"],
        &["offers", "price"],
        &["offers", "priceCurrency"],
        &["address", "addressLocality"],
        &["areaServed", "name"],
    ] {
        if let Some(text) = string_at(described, path).or_else(|| string_at(element, path)) {
            if !parts.contains(&text) {
                parts.push(text);
            }
        }
    }
    let text = parts
        .iter()
        .flat_map(|part| part.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    (url.is_some() || !text.is_empty()).then_some((position, JsonLdItem { url, text }))
}

/// The string (or number, as text) at `path` inside `value`.
fn string_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{find_cards, ExtractionMethod};
    use url::Url;

    /// (JSON-LD blocks, expected card links in order; empty = no JSON-LD cards).
    fn check(scripts: &[&str], expected_links: &[&str]) {
        let html: String = scripts
            .iter()
            .map(|script| format!("<script type=\"application/ld+json\">{script}</script>"))
            .collect();
        let document = scraper::Html::parse_document(&format!(
            "<html><head>{html}</head><body></body></html>"
        ));
        let page_url = Url::parse("http://ld.example.test/list/").unwrap();
        let card_set = find_cards(&document, &page_url, None);
        let links: Vec<String> = card_set
            .cards
            .iter()
            .map(|card| card.link.as_ref().map_or("-".to_owned(), Url::to_string))
            .collect();
        assert_eq!(links, expected_links, "{scripts:?}");
        if !expected_links.is_empty() {
            assert_eq!(card_set.method, ExtractionMethod::JsonLd);
            assert!((0.8..=1.0).contains(&card_set.confidence));
        }
    }

    #[test]
    fn item_lists_in_their_usual_spellings() {
        check(
            &[r#"{"@type":"ItemList","itemListElement":[
                {"@type":"ListItem","position":2,"url":"/ad/2"},
                {"@type":"ListItem","position":1,"item":"http://ld.example.test/ad/1"}]}"#],
            &["http://ld.example.test/ad/1", "http://ld.example.test/ad/2"],
        );
        check(
            &[
                r#"[{"@type":"WebPage"},{"@type":["Thing","http://schema.org/ItemList"],
                "itemListElement":{"@type":"ListItem","item":{"@id":"/ad/7","name":"Seven","offers":{"price":90}}}}]"#,
            ],
            &["http://ld.example.test/ad/7"],
        );
        // The longer of two lists; a list of names without URLs keys by text.
        check(
            &[
                r#"{"@type":"ItemList","itemListElement":[{"url":"/cat/a"}]}"#,
                r#"{"@graph":[{"@type":"ItemList","itemListElement":[{"name":"Only a name"},{"url":"/ad/3"}]}]}"#,
            ],
            &["-", "http://ld.example.test/ad/3"],
        );
    }

    #[test]
    fn other_json_ld_is_ignored() {
        check(
            &[r#"{"@type":"BreadcrumbList","itemListElement":[{"item":"/"}]}"#],
            &[],
        );
        check(&[r#"{"@type":"ItemList","itemListElement":[]}"#], &[]);
        check(
            &[r#"{"@type":"ItemList","itemListElement":[{"url":"javascript:x"}]}"#],
            &[],
        );
        check(&["{ not json", "[1, 2, {\"@type\": 5}]", ""], &[]);
    }
}
