//! General classifieds with a personal-services section: a table of rows,
//! `/page/N/`, top ads repeated at the head of every page in the row markup
//! itself (so a profile counts them twice unless it de-duplicates), and
//! sponsored rows that are not ads. Other sections are linked, out of scope.

use std::fmt::Write as _;

use crate::templates::chrome::{
    contact_links, date_element, document, escape, footer, header, pager, phone_element,
    price_element, site_counter, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str = "body{font:14px Georgia,serif}table{border-collapse:collapse;width:100%}\
td{border-bottom:1px solid #ddd;padding:.3em}tr.top{background:#ffd}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let skin = frame.skin();
    let labels = frame.labels();
    let mut body = header(frame);
    body.push_str(&site_counter(view));
    body.push_str("<div class=\"sections\">\n");
    let _ = writeln!(
        body,
        "<a class=\"active\" href=\"{}\">{}</a>",
        escape(&frame.plan.listing_prefix),
        escape(labels.personal_section)
    );
    for (position, section) in labels.other_sections.iter().enumerate() {
        let _ = writeln!(
            body,
            "<a href=\"/listings/section-{}/\">{}</a>",
            position + 1,
            escape(section)
        );
    }
    let _ = write!(
        body,
        "</div>\n<h1>{}</h1>\n<table class=\"{}\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        escape(&view.heading()),
        skin.list,
        escape(labels.title),
        escape(labels.location),
        escape(labels.price),
        escape(labels.posted)
    );
    for ad in &view.promoted {
        body.push_str(&row(skin, labels, ad, " top"));
    }
    body.push_str(&sponsored_row(labels, 1));
    let middle = view.ads.len() / 2;
    for (position, ad) in view.ads.iter().enumerate() {
        if position == middle {
            body.push_str(&sponsored_row(labels, 2));
        }
        body.push_str(&row(skin, labels, ad, ""));
    }
    if view.ads.is_empty() {
        body.push_str(&sponsored_row(labels, 2));
    }
    body.push_str("</tbody>\n</table>\n");
    body.push_str(&pager(view));
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn sponsored_row(labels: &Labels, slot: usize) -> String {
    format!(
        "<tr class=\"sponsored\"><td colspan=\"4\"><a href=\"/advertise?slot={slot}\" rel=\"sponsored\">{}</a></td></tr>\n",
        escape(labels.advertise)
    )
}

fn row(skin: &Skin, labels: &Labels, ad: &AdTruth, extra_class: &str) -> String {
    format!(
        "<tr class=\"{card}{extra_class}\" data-ad=\"{id}\">\n\
         <td><a class=\"{title_class}\" href=\"{href}\">{title}</a><br>\
         <small class=\"{text_class}\">{text}</small> <small class=\"contact\">{phone}{links}</small></td>\n\
         <td class=\"{location_class}\">{city}</td>\n<td>{price}</td>\n<td>{date}</td>\n</tr>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
        location_class = skin.location,
        city = escape(&ad.location.city),
        price = price_element("span", skin.price, ad),
        date = date_element("span", skin.date, ad),
    )
}
