//! Sugar-dating / dating profile grid: div tiles, a "featured" aside
//! repeating promoted profiles, a "showing N" line, banners, and a single
//! "load more" link as pagination.

use std::fmt::Write as _;

use crate::templates::chrome::{
    ad_list, contact_links, date_element, document, escape, footer, header, page_counter, pager,
    phone_element, price_element, promoted_links, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str =
    "body{font-family:Helvetica,sans-serif}.grid,.members,.tiles{display:grid;\
grid-template-columns:repeat(4,1fr);gap:1em}.featured{float:right;width:12em}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let mut body = header(frame);
    let _ = write!(body, "<main>\n<h1>{}</h1>\n", escape(&view.heading()));
    body.push_str(&page_counter(view));
    body.push_str(&promoted_links(
        view,
        "<aside class=\"featured\">\n<h2>★</h2>\n<ol>\n",
        "</ol>\n</aside>\n",
        |ad| &ad.display_name,
    ));
    body.push_str(&ad_list(view, "div", tile));
    body.push_str(&pager(view));
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn tile(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    format!(
        "<div class=\"{card}\" id=\"m{id}\">\n<img src=\"/static/avatar-{id}.jpg\" alt=\"\">\n\
         <a class=\"{title_class}\" href=\"{href}\">{title}</a>\n<span class=\"{location_class}\">{city}</span>\n\
         {date}\n<div class=\"budget\">{price}</div>\n<p class=\"{text_class}\">{text}</p>\n\
         <p class=\"contact\">{phone}{links}</p>\n</div>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
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
