//! Escort directory: a city section of div cards (`/wien/?page=N`), a VIP
//! strip repeating promoted ads in its own markup, a "showing N" line that
//! counts the strip too, banners between cards, JSON-LD on one skin.

use std::fmt::Write as _;

use crate::templates::chrome::{
    ad_list, contact_links, date_element, document, escape, footer, header, json_ld, page_counter,
    pager, phone_element, price_element, site_counter, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str = "body{font-family:sans-serif;margin:0}header,main,footer{padding:1em}\
.vip-strip{display:flex;gap:1em}.banner{margin:1em 0}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let mut body = header(frame);
    body.push_str(&site_counter(view));
    let _ = write!(body, "<main>\n<h1>{}</h1>\n", escape(&view.heading()));
    body.push_str(&page_counter(view));
    if !view.promoted.is_empty() {
        let _ = writeln!(body, "<section class=\"vip-strip\">\n<h2>VIP</h2>");
        for ad in &view.promoted {
            let _ = writeln!(
                body,
                "<div class=\"vip-item\"><a href=\"{}\"><img src=\"/static/thumb-{}.jpg\" alt=\"\"> {}</a></div>",
                escape(&ad.url_path),
                escape(&ad.ad_id),
                escape(&ad.display_name)
            );
        }
        body.push_str("</section>\n");
    }
    body.push_str(&ad_list(view, "div", card));
    body.push_str(&pager(view));
    if frame.plan.json_ld {
        body.push_str(&json_ld(view));
    }
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn card(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    format!(
        "<div class=\"{card}\" data-id=\"{id}\">\n\
         <h2><a class=\"{title_class}\" href=\"{href}\">{title}</a></h2>\n\
         <div class=\"meta\">{date} <span class=\"{location_class}\">{city}</span> {price}</div>\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n</div>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        date = date_element("time", skin.date, ad),
        location_class = skin.location,
        city = escape(&ad.location.city),
        price = price_element("span", skin.price, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
