//! Social-media-style profile listing: tiles with handles and follower
//! counts, two "suggested" tiles in the same grid and class that are not
//! listed profiles, cursor pagination with a "next" link only, JSON-LD on
//! one skin.

use std::fmt::Write as _;

use crate::seeded::SeededRandom;
use crate::templates::chrome::{
    contact_links, date_element, document, escape, footer, header, json_ld, pager, phone_element,
    price_element, site_counter, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str =
    "body{font-family:system-ui,sans-serif}.explore,.creators,.accounts{display:grid;\
grid-template-columns:repeat(3,1fr)}.suggested{opacity:.7}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let skin = frame.skin();
    let labels = frame.labels();
    let mut body = header(frame);
    body.push_str(&site_counter(view));
    let _ = write!(
        body,
        "<main>\n<h1>{}</h1>\n<div class=\"{}\">\n",
        escape(&view.heading()),
        skin.list
    );
    let suggested_after = view.ads.len().min(3);
    for (position, ad) in view.ads.iter().enumerate() {
        if position == suggested_after {
            body.push_str(&suggested(skin, labels, 1));
        }
        body.push_str(&tile(skin, labels, ad));
    }
    if view.ads.len() <= suggested_after {
        body.push_str(&suggested(skin, labels, 1));
    }
    body.push_str(&suggested(skin, labels, 2));
    body.push_str("</div>\n");
    body.push_str(&pager(view));
    if frame.plan.json_ld {
        body.push_str(&json_ld(view));
    }
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn suggested(skin: &Skin, labels: &Labels, slot: usize) -> String {
    format!(
        "<div class=\"{} suggested\"><a href=\"/search?suggested={slot}\">{}</a></div>\n",
        skin.card,
        escape(labels.suggested)
    )
}

fn tile(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    let followers =
        SeededRandom::hash_item(0, "followers", 0, ad.ad_id.parse().unwrap_or_default()) % 90_000
            + 120;
    format!(
        "<div class=\"{card}\" data-user=\"{id}\">\n<a class=\"{title_class}\" href=\"{href}\">{title}</a>\n\
         <span class=\"followers\">{followers} {followers_label}</span> <span class=\"{location_class}\">{city}</span> {date} {price}\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n</div>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        followers_label = escape(labels.followers),
        location_class = skin.location,
        city = escape(&ad.location.city),
        date = date_element("span", skin.date, ad),
        price = price_element("span", skin.price, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
